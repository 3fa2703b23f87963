//! `on_cancel` models, L4 (C7): a callback runs exactly once when registration races
//! `cancel()`, once or never when its guard's drop races `cancel()`, and the drop waits
//! for a callback running on another thread (but not on its own thread).
//!
//! Bounds (2 cores, release): every model here is exhaustive (no preemption bound);
//! the whole file takes ~2-3 s (27k interleavings for the two-canceller model).
//!
//! Run: `RUSTFLAGS="--cfg loom" cargo test -p loom-tests --release --target-dir target/loom --test callbacks`
#![cfg(loom)]

mod common;

use cancelpool::sync::Mutex;
use cancelpool::{CancelCallback, CancelSource};
use common::{Published, model_exhaustive};
use loom::sync::Arc;
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::thread;

/// L4: registration races two cancels; the callback runs exactly once (on a cancelling
/// thread, or at once on the registering thread if it registered after the claim).
#[test]
fn on_cancel_races_cancel_runs_exactly_once() {
    model_exhaustive("on_cancel_races_cancel_runs_exactly_once", || {
        let runs = Arc::new(AtomicUsize::new(0));
        let source = CancelSource::new();
        let token = source.token();
        let other = source.clone();
        let first = thread::spawn(move || source.cancel());
        let second = thread::spawn(move || other.cancel());
        let guard = {
            let runs = Arc::clone(&runs);
            token.on_cancel(move || {
                runs.fetch_add(1, Ordering::Relaxed);
            })
        };
        let won = [first.join().unwrap(), second.join().unwrap()];
        assert_eq!(won.iter().filter(|w| **w).count(), 1, "one winner");
        // Both cancels returned, so the request is made and phase 2 has finished.
        assert_eq!(runs.load(Ordering::Relaxed), 1, "exactly once");
        assert!(!guard.is_registered());
        drop(guard);
        assert_eq!(runs.load(Ordering::Relaxed), 1);
    });
}

/// L4: dropping the guard races `cancel()`. The callback runs once or never; if it had
/// not run when the drop returned, it never runs; and the drop waits for a callback
/// running on the cancelling thread (the callback's write and the dropper's read of a
/// loom cell would race otherwise).
#[test]
fn guard_drop_races_cancel_runs_once_or_never_and_drop_waits() {
    model_exhaustive(
        "guard_drop_races_cancel_runs_once_or_never_and_drop_waits",
        || {
            let runs = Arc::new(AtomicUsize::new(0));
            let data = Arc::new(Published::new());
            let source = CancelSource::new();
            let guard = {
                let (runs, data) = (Arc::clone(&runs), Arc::clone(&data));
                source.token().on_cancel(move || {
                    data.write(data.read() + 1);
                    runs.fetch_add(1, Ordering::Relaxed);
                })
            };
            let canceller = thread::spawn(move || assert!(source.cancel()));
            drop(guard);
            // The callback is finished or will never start: reading is not a race.
            let seen = data.read();
            assert!(seen <= 1, "at most once");
            canceller.join().unwrap();
            assert_eq!(
                runs.load(Ordering::Relaxed) as u64,
                seen,
                "never after the drop"
            );
            assert_eq!(data.read(), seen);
        },
    );
}

/// L4: a callback that drops its own guard (on the cancelling thread) does not block;
/// loom would report the self-wait as a deadlock.
#[test]
fn guard_dropped_inside_its_callback_does_not_block() {
    model_exhaustive("guard_dropped_inside_its_callback_does_not_block", || {
        let slot: Arc<Mutex<Option<CancelCallback>>> = Arc::new(Mutex::new(None));
        let runs = Arc::new(AtomicUsize::new(0));
        let source = CancelSource::new();
        let token = source.token();
        let guard = {
            let (slot, runs) = (Arc::clone(&slot), Arc::clone(&runs));
            token.on_cancel(move || {
                // Drop outside the slot's lock.
                let own = slot.lock().take();
                drop(own);
                runs.fetch_add(1, Ordering::Relaxed);
            })
        };
        let canceller = thread::spawn(move || assert!(source.cancel()));
        // Races the cancel: the callback finds its guard here, or runs before it is.
        *slot.lock() = Some(guard);
        canceller.join().unwrap();
        assert_eq!(runs.load(Ordering::Relaxed), 1);
        // If the callback ran before the guard was stored, the guard is still here.
        drop(slot.lock().take());
    });
}

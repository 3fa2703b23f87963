//! Cancellable-wait models, L3: a cancel racing entry into `sleep`, `wait_cancelled` and
//! `wait_while` wakes the waiter with `Err(Cancelled)`; a lost wake-up shows up as a loom
//! deadlock (loom has no time, so a timed wait only ends by notification).
//!
//! Under loom, a condvar poke that cannot take the waiter's mutex is retried on a model
//! thread of its own (`defer_retry` in `src/cancel/wait.rs`), so the `wait_while` models
//! have up to 3 (4 with the producer) threads.
//!
//! Bounds (2 cores, release): every model here is exhaustive (no preemption bound)
//! except `wait_while_condition_races_cancel_returns` (4 threads with the poke thread),
//! exhaustive up to LOOM_MAX_PREEMPTIONS (default 3: 22k interleavings, ~4 s; 4: 172k,
//! ~17 s; unbounded it does not finish in 7 min). Whole file: ~15 s.
//!
//! Run: `RUSTFLAGS="--cfg loom" cargo test -p loom-tests --release --target-dir target/loom --test waits`
#![cfg(loom)]

mod common;

use std::time::Duration;

use cancelpool::sync::{Condvar, Mutex};
use cancelpool::{CancelSource, Cancelled};
use common::{Published, model, model_exhaustive};
use loom::sync::Arc;
use loom::thread;

/// Long enough to mean "forever" to a reader; loom ignores it anyway.
const LONG: Duration = Duration::from_secs(3600);

/// L3: `sleep` entered while a cancel races it returns `Err` (never sleeps forever), and
/// the waiter then sees what the canceller wrote before `cancel()`.
#[test]
fn cancel_races_sleep_entry_wakes_waiter() {
    model_exhaustive("cancel_races_sleep_entry_wakes_waiter", || {
        let data = Arc::new(Published::new());
        let source = CancelSource::new();
        let token = source.token();
        let canceller = {
            let data = Arc::clone(&data);
            thread::spawn(move || {
                data.write(1);
                assert!(source.cancel());
            })
        };
        assert_eq!(token.sleep(LONG), Err(Cancelled));
        assert_eq!(data.read(), 1);
        canceller.join().unwrap();
    });
}

/// L3: the same for `wait_cancelled(None)`, with two waiters on one token.
#[test]
fn cancel_races_wait_cancelled_entry() {
    model_exhaustive("cancel_races_wait_cancelled_entry", || {
        let source = CancelSource::new();
        let token = source.token();
        let other_waiter = {
            let token = token.clone();
            thread::spawn(move || assert_eq!(token.wait_cancelled(None), Err(Cancelled)))
        };
        let canceller = thread::spawn(move || assert!(source.cancel()));
        assert_eq!(token.wait_cancelled(None), Err(Cancelled));
        other_waiter.join().unwrap();
        canceller.join().unwrap();
    });
}

/// L3: a child token's wait is woken by a cancel of its parent (phase 2 wakes every
/// node of the subtree).
#[test]
fn parent_cancel_races_child_wait_wakes_waiter() {
    model_exhaustive("parent_cancel_races_child_wait_wakes_waiter", || {
        let parent = CancelSource::new();
        let child = CancelSource::child_of(&parent.token()).token();
        let canceller = thread::spawn(move || assert!(parent.cancel()));
        assert_eq!(child.wait_cancelled(None), Err(Cancelled));
        canceller.join().unwrap();
    });
}

/// L3: `wait_while` on the user's condvar, whose condition never becomes false, returns
/// `Err` when a cancel races its entry (the on-cancel poke reaches the waiter whether it
/// is before its check, in its check-to-park window, or parked).
#[test]
fn cancel_races_wait_while_entry() {
    model_exhaustive("cancel_races_wait_while_entry", || {
        let pair = Arc::new((Mutex::new(()), Condvar::new()));
        let source = CancelSource::new();
        let token = source.token();
        let canceller = thread::spawn(move || assert!(source.cancel()));
        let (lock, cv) = &*pair;
        let mut guard = lock.lock();
        assert_eq!(token.wait_while(cv, &mut guard, |_| true), Err(Cancelled));
        drop(guard);
        canceller.join().unwrap();
    });
}

/// L3: as above, but the cancelling thread holds the user's mutex while it calls
/// `cancel()`: the poke cannot take the mutex, must not block (deadlock), and is retried
/// (on its own model thread) until the waiter is reached.
#[test]
fn cancel_races_wait_while_entry_canceller_holds_mutex() {
    model_exhaustive(
        "cancel_races_wait_while_entry_canceller_holds_mutex",
        || {
            let pair = Arc::new((Mutex::new(0u32), Condvar::new()));
            let source = CancelSource::new();
            let token = source.token();
            let canceller = {
                let pair = Arc::clone(&pair);
                thread::spawn(move || {
                    let (lock, _) = &*pair;
                    let held = lock.lock();
                    assert!(source.cancel());
                    drop(held);
                })
            };
            let (lock, cv) = &*pair;
            let mut guard = lock.lock();
            assert_eq!(
                token.wait_while(cv, &mut guard, |n| *n == 0),
                Err(Cancelled)
            );
            drop(guard);
            canceller.join().unwrap();
        },
    );
}

/// L3: the condition becoming false races the cancel: the wait returns, `Ok` only with
/// the condition false, `Err` only once cancelled; it never hangs, and the poke's extra
/// notifications do not disturb the producer's.
#[test]
fn wait_while_condition_races_cancel_returns() {
    model("wait_while_condition_races_cancel_returns", || {
        let pair = Arc::new((Mutex::new(false), Condvar::new()));
        let source = CancelSource::new();
        let token = source.token();
        let canceller = thread::spawn(move || assert!(source.cancel()));
        let producer = {
            let pair = Arc::clone(&pair);
            thread::spawn(move || {
                let (lock, cv) = &*pair;
                *lock.lock() = true;
                cv.notify_one();
            })
        };
        let (lock, cv) = &*pair;
        let mut ready = lock.lock();
        match token.wait_while(cv, &mut ready, |ready| !*ready) {
            Ok(()) => assert!(*ready),
            Err(Cancelled) => assert!(token.is_cancelled()),
        }
        drop(ready);
        canceller.join().unwrap();
        producer.join().unwrap();
    });
}

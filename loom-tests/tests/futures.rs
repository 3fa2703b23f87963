//! Awaited tokens: a `cancelled()` future whose poll (waker registration) races
//! `cancel()` is woken and completes; a lost wake-up shows up as a loom deadlock
//! (`loom::future::block_on` parks on a loom notification until the waker is woken).
//!
//! Bounds (2 cores, release): the two 2-thread models are exhaustive (no preemption
//! bound: 1,082 and 1,371 interleavings, under 0.5 s each);
//! `dropping_a_pending_future_races_cancel` (3 threads) is exhaustive up to
//! LOOM_MAX_PREEMPTIONS (default 3: 9,629 interleavings, ~2 s; 4: 52k, ~12 s; 5: 222k,
//! ~60 s). Whole file: a few seconds.
//!
//! Seeded bugs it catches (loom-tests/mutants/): `node-waker-check-unlocked` (the flag
//! checked before taking the lock the wakers are registered under) and
//! `node-waker-not-updated` (a re-poll keeps its first waker), both as loom deadlocks.
//!
//! Run: `RUSTFLAGS="--cfg loom" cargo test -p loom-tests --release --target-dir target/loom --test futures`
#![cfg(loom)]

mod common;

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Waker};

use cancelpool::CancelSource;
use common::{Published, model, model_exhaustive};
use loom::sync::Arc;
use loom::thread;

/// `cancelled().await` racing `cancel()`: the future completes (its waker registration
/// is never lost), and the awaiting thread then sees what the canceller wrote before
/// `cancel()`.
#[test]
fn cancel_races_cancelled_poll_wakes_the_future() {
    model_exhaustive("cancel_races_cancelled_poll_wakes_the_future", || {
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
        loom::future::block_on(token.cancelled());
        assert!(token.is_cancelled());
        assert_eq!(data.read(), 1);
        canceller.join().unwrap();
    });
}

/// A child's `cancelled()` future, first polled with one waker and then awaited with
/// another, races a cancel of the parent: the waker registered last is the one woken
/// (a poll that kept the stale waker would leave the awaiting thread parked).
#[test]
fn parent_cancel_races_repoll_with_a_new_waker() {
    model_exhaustive("parent_cancel_races_repoll_with_a_new_waker", || {
        let parent = CancelSource::new();
        let child = parent.child_token().token();
        let canceller = thread::spawn(move || assert!(parent.cancel()));
        let mut cancelled = pin!(child.cancelled());
        // First poll with a waker that wakes nothing; then `block_on` polls with its own.
        let _ = cancelled
            .as_mut()
            .poll(&mut Context::from_waker(Waker::noop()));
        loom::future::block_on(cancelled);
        assert!(child.is_cancelled());
        canceller.join().unwrap();
    });
}

/// Dropping a pending `cancelled()` future (a `select!` branch that lost) races the
/// cancel that takes and wakes the registered wakers, while another future on the same
/// token is awaited: nothing is woken twice or after it is gone, and the awaited one
/// completes.
#[test]
fn dropping_a_pending_future_races_cancel() {
    model("dropping_a_pending_future_races_cancel", || {
        let source = CancelSource::new();
        let token = source.token();
        let dropper = {
            let token = token.clone();
            thread::spawn(move || {
                let mut lost = pin!(token.cancelled());
                let _ = lost.as_mut().poll(&mut Context::from_waker(Waker::noop()));
                // Dropped here, pending or not.
            })
        };
        let canceller = thread::spawn(move || assert!(source.cancel()));
        loom::future::block_on(token.cancelled());
        dropper.join().unwrap();
        canceller.join().unwrap();
    });
}

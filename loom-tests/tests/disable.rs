//! Disable-state models: L2 (a request made while cancellation is disabled is kept and
//! delivered at the first checkpoint after the last guard drops), and disabled waits
//! that are not interrupted by cancellation (C4).
//!
//! Bounds (2 cores, release): every model here is exhaustive (no preemption bound);
//! the whole file takes well under a second.
//!
//! Run: `RUSTFLAGS="--cfg loom" cargo test -p loom-tests --release --target-dir target/loom --test disable`
#![cfg(loom)]

mod common;

use std::time::Duration;

use cancelpool::sync::{Condvar, Mutex};
use cancelpool::{CancelSource, Cancelled, cancel_enabled};
use common::{Published, model_exhaustive};
use loom::sync::Arc;
use loom::thread;

/// L2: checkpoints inside a disabled section return `Ok` while the request races them;
/// the first checkpoint after the guard drops returns `Err`, and sees what the canceller
/// wrote before `cancel()`.
#[test]
fn cancel_while_disabled_is_delivered_on_enable() {
    model_exhaustive("cancel_while_disabled_is_delivered_on_enable", || {
        let data = Arc::new(Published::new());
        let source = CancelSource::new();
        let token = source.token();
        let guard = token.disable();
        let canceller = {
            let data = Arc::clone(&data);
            thread::spawn(move || {
                data.write(7);
                assert!(source.cancel());
            })
        };
        while !token.is_cancelled() {
            assert_eq!(token.checkpoint(), Ok(()), "disabled: not delivered");
            thread::yield_now();
        }
        assert_eq!(
            token.checkpoint(),
            Ok(()),
            "still disabled: the request is pending"
        );
        assert!(!cancel_enabled());
        drop(guard);
        assert!(cancel_enabled());
        assert_eq!(token.checkpoint(), Err(Cancelled), "delivered on enable");
        assert_eq!(data.read(), 7);
        canceller.join().unwrap();
    });
}

/// L2 with nested guards: dropping the inner guard keeps cancellation disabled; the
/// request is delivered only after the outer guard drops.
#[test]
fn cancel_during_nested_disable_is_delivered_after_outer_guard() {
    model_exhaustive(
        "cancel_during_nested_disable_is_delivered_after_outer_guard",
        || {
            let source = CancelSource::new();
            let token = source.token();
            let outer = cancelpool::disable_cancel();
            let canceller = thread::spawn(move || assert!(source.cancel()));
            let inner = token.disable();
            assert_eq!(token.checkpoint(), Ok(()));
            drop(inner);
            assert_eq!(token.checkpoint(), Ok(()), "the outer guard still disables");
            canceller.join().unwrap();
            assert_eq!(token.checkpoint(), Ok(()), "pending, not delivered");
            drop(outer);
            assert_eq!(token.checkpoint(), Err(Cancelled));
        },
    );
}

/// C4: a disabled `wait_while` is not interrupted by a racing cancel; it returns `Ok`
/// when its condition becomes false, and the request is delivered after the guard drops.
#[test]
fn cancel_while_disabled_does_not_interrupt_wait_while() {
    model_exhaustive(
        "cancel_while_disabled_does_not_interrupt_wait_while",
        || {
            let pair = Arc::new((Mutex::new(false), Condvar::new()));
            let source = CancelSource::new();
            let token = source.token();
            let guard = token.disable();
            let canceller = thread::spawn(move || assert!(source.cancel()));
            let producer = {
                let pair = Arc::clone(&pair);
                thread::spawn(move || {
                    let (lock, cv) = &*pair;
                    *lock.lock() = true;
                    cv.notify_all();
                })
            };
            {
                let (lock, cv) = &*pair;
                let mut ready = lock.lock();
                let res = token.wait_while(cv, &mut ready, |ready| !*ready);
                assert_eq!(res, Ok(()), "disabled: only the condition ends the wait");
                assert!(*ready);
            }
            canceller.join().unwrap();
            producer.join().unwrap();
            drop(guard);
            assert_eq!(token.checkpoint(), Err(Cancelled));
        },
    );
}

/// C4: a disabled `sleep` ends on its own (loom has no time: at once), not by the
/// racing cancel; re-enabled, the same sleep returns `Err`.
#[test]
fn cancel_while_disabled_does_not_interrupt_sleep() {
    model_exhaustive("cancel_while_disabled_does_not_interrupt_sleep", || {
        let source = CancelSource::new();
        let token = source.token();
        let canceller = thread::spawn(move || assert!(source.cancel()));
        {
            let _guard = token.disable();
            assert_eq!(token.sleep(Duration::from_secs(3600)), Ok(()));
            assert_eq!(token.wait_cancelled(Duration::from_secs(3600)), Ok(()));
        }
        canceller.join().unwrap();
        assert_eq!(token.sleep(Duration::from_secs(3600)), Err(Cancelled));
    });
}

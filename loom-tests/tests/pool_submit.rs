//! L9: `JobHandle::cancel` racing the job's start (P3): `join()` reports exactly what
//! happened. `Ok` iff the closure ran and returned `Ok`; `Err(Cancelled)` otherwise;
//! and a job reported as never started never runs. The model thread joins from outside
//! the pool: it registers itself in the job's waiter slot and parks, so these models
//! also check that the completer's wake-up is never lost.
//!
//! C12: an awaited handle. Polls that register a waker, and a second poll that replaces
//! it with another, race the job's completion: the task is woken through the last waker
//! registered, once, or finds the result at a poll; a replaced waker is never woken.
//!
//! One worker, the model thread submits, cancels and joins or polls (two loom threads).
//!
//! Run: `RUSTFLAGS="--cfg loom" cargo test -p loom-tests --release --target-dir
//! target/loom --test pool_submit`. Each model is exhaustive under the preemption bound named
//! below (its default; `LOOM_MAX_PREEMPTIONS` overrides it for every model). Figures:
//! release build, `scripts/loom.sh` on the shared 2-core machine (times vary with its load).
//!
//! | model | bound | executions | time |
//! |---|---|---|---|
//! | `handle_cancel_races_job_start_join_reports_what_happened` | 5 | 23,829 | 7 s |
//! | `handle_cancel_races_checkpoint_join_reports_cancelled` | 5 | 36,624 | 10 s |
//! | `waker_registration_races_completion_task_is_woken_once` | 5 | 9,850 | 2 s |
//! | `waker_registration_races_completion_last_waker_is_woken_once` | 5 | 19,547 | 5 s |
//!
//! Mutants caught (`scripts/loom-mutants.sh`): `submit-runs-cancelled-job`,
//! `submit-cancel-overrides-ok`, `submit-done-before-result`, `submit-done-relaxed`,
//! `submit-thread-waiter-not-unparked`, `submit-register-ignores-done`,
//! `submit-waker-published-before-written`, `submit-repoll-keeps-old-waker`.
#![cfg(loom)]

mod pool_util;

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Wake, Waker};

use cancelpool::{JobError, JobHandle, ThreadPoolBuilder};
use loom::sync::Arc;
use loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use pool_util::model;

/// The closure ignores its token and always returns `Ok`: so `Err(Cancelled)` can only
/// mean "never started", and then the closure must not have run (nor run later: the
/// pool is shut down before `ran` is read the second time).
#[test]
fn handle_cancel_races_job_start_join_reports_what_happened() {
    model(
        "handle_cancel_races_job_start_join_reports_what_happened",
        Some(5),
        || {
            let pool = ThreadPoolBuilder::new().num_threads(1).build().unwrap();
            let ran = Arc::new(AtomicBool::new(false));
            let r = Arc::clone(&ran);
            let handle = pool.submit(move |_| {
                r.store(true, Ordering::Relaxed);
                Ok(5)
            });
            assert!(handle.cancel(), "the first cancel makes the request");
            let result = handle.join();
            // The join synchronised with the job's end: `ran` is final for this job.
            let ran_at_join = ran.load(Ordering::Relaxed);
            match result {
                Ok(5) => assert!(ran_at_join),
                Err(JobError::Cancelled) => assert!(!ran_at_join, "Cancelled but the closure ran"),
                other => panic!("join reported {other:?}"),
            }
            pool.shutdown().unwrap();
            assert_eq!(ran.load(Ordering::Relaxed), ran_at_join, "ran after join");
            let s = pool.stats();
            assert_eq!(s.cancelled_before_start, usize::from(!ran_at_join));
            assert_eq!(s.finished, usize::from(ran_at_join));
            assert_eq!(s.in_flight, 0);
        },
    );
}

/// The closure checks its token first: `Ok` iff it passed the checkpoint; a cancel that
/// wins either race (before start, or before the checkpoint) gives `Err(Cancelled)`.
#[test]
fn handle_cancel_races_checkpoint_join_reports_cancelled() {
    model(
        "handle_cancel_races_checkpoint_join_reports_cancelled",
        Some(5),
        || {
            let pool = ThreadPoolBuilder::new().num_threads(1).build().unwrap();
            let passed = Arc::new(AtomicBool::new(false));
            let p = Arc::clone(&passed);
            let handle = pool.submit(move |token| {
                token.checkpoint()?;
                p.store(true, Ordering::Relaxed);
                Ok(())
            });
            handle.cancel();
            let result = handle.join();
            let passed = passed.load(Ordering::Relaxed);
            match result {
                Ok(()) => assert!(passed),
                Err(JobError::Cancelled) => assert!(!passed),
                other => panic!("join reported {other:?}"),
            }
            pool.shutdown().unwrap();
            let s = pool.stats();
            assert_eq!(s.cancelled, usize::from(!passed));
        },
    );
}

/// A waker that counts its wakes and unparks the model thread.
struct ModelWaker {
    wakes: AtomicUsize,
    thread: loom::thread::Thread,
}

impl ModelWaker {
    fn new() -> std::sync::Arc<ModelWaker> {
        std::sync::Arc::new(ModelWaker {
            wakes: AtomicUsize::new(0),
            thread: loom::thread::current(),
        })
    }

    fn wakes(&self) -> usize {
        // SeqCst: read after the wake's increment is known to have happened (a park
        // returned), or at the end of the model; nothing else is published.
        self.wakes.load(Ordering::SeqCst)
    }
}

impl Wake for ModelWaker {
    fn wake(self: std::sync::Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &std::sync::Arc<Self>) {
        self.wakes.fetch_add(1, Ordering::SeqCst);
        self.thread.unpark();
    }
}

fn poll_with(handle: &mut JobHandle<u32>, waker: &std::sync::Arc<ModelWaker>) -> Poll<u32> {
    let waker = Waker::from(std::sync::Arc::clone(waker));
    match Pin::new(handle).poll(&mut Context::from_waker(&waker)) {
        Poll::Ready(Ok(v)) => Poll::Ready(v),
        Poll::Ready(Err(e)) => panic!("the job failed: {e:?}"),
        Poll::Pending => Poll::Pending,
    }
}

/// The job ends on the worker while the model thread polls the handle once; if that poll
/// is pending, the task waits to be woken, and the next poll is ready. A lost wake-up is
/// a deadlock, which loom reports; a spurious `Pending` (the poll lost the race but did
/// not register) is one too.
#[test]
fn waker_registration_races_completion_task_is_woken_once() {
    model(
        "waker_registration_races_completion_task_is_woken_once",
        Some(5),
        || {
            let pool = ThreadPoolBuilder::new().num_threads(1).build().unwrap();
            let mut handle = pool.submit(|_| Ok(7u32));
            let waker = ModelWaker::new();
            let value = match poll_with(&mut handle, &waker) {
                Poll::Ready(v) => v,
                Poll::Pending => {
                    while waker.wakes() == 0 {
                        loom::thread::park();
                    }
                    match poll_with(&mut handle, &waker) {
                        Poll::Ready(v) => v,
                        Poll::Pending => panic!("woken, but the result is not there"),
                    }
                }
            };
            assert_eq!(value, 7);
            drop(handle);
            pool.shutdown().unwrap();
            assert!(waker.wakes() <= 1, "woken {} times", waker.wakes());
        },
    );
}

/// The job ends on the worker while the model thread polls with waker `a`, then with
/// waker `b` (a re-poll with another waker replaces the registration), then waits to be
/// woken. Every interleaving: the result arrives at a poll, or `b` is woken exactly once
/// and the next poll is ready; `a` is never woken once replaced. A lost wake-up is a
/// deadlock, which loom reports.
#[test]
fn waker_registration_races_completion_last_waker_is_woken_once() {
    model(
        "waker_registration_races_completion_last_waker_is_woken_once",
        Some(5),
        || {
            let pool = ThreadPoolBuilder::new().num_threads(1).build().unwrap();
            let mut handle = pool.submit(|_| Ok(5u32));
            let a = ModelWaker::new();
            let b = ModelWaker::new();
            let value = if let Poll::Ready(v) = poll_with(&mut handle, &a) {
                v
            } else if let Poll::Ready(v) = poll_with(&mut handle, &b) {
                v
            } else {
                while b.wakes() == 0 {
                    loom::thread::park();
                }
                match poll_with(&mut handle, &b) {
                    Poll::Ready(v) => v,
                    Poll::Pending => panic!("woken, but the result is not there"),
                }
            };
            assert_eq!(value, 5);
            drop(handle);
            pool.shutdown().unwrap();
            assert!(b.wakes() <= 1, "woken {} times", b.wakes());
            assert!(
                a.wakes() == 0 || b.wakes() == 0,
                "both the replaced waker and its replacement were woken"
            );
        },
    );
}

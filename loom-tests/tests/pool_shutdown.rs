//! L7: shutdown racing submit (P6): every job ran, was cancelled before it started, or
//! was rejected; the accounting identity holds; shutdown returns; every worker exits.
//!
//! A submitter thread races the model thread's `shutdown()` / `shutdown_now()` on a
//! one-worker pool (three loom threads).
//!
//! Run: `RUSTFLAGS="--cfg loom" cargo test -p loom-tests --release --target-dir
//! target/loom --test pool_shutdown`. Each model is exhaustive under the preemption bound named
//! below (its default; `LOOM_MAX_PREEMPTIONS` overrides it for every model). Figures:
//! release build, `scripts/loom.sh` on the shared 2-core machine (times vary with its load).
//!
//! | model | bound | executions | time |
//! |---|---|---|---|
//! | `shutdown_races_submit_every_job_accounted` | 3 | 38,267 | 7 s |
//! | `shutdown_now_races_submit_every_job_accounted` | 3 | 128,920 | 15 s |
//!
//! Mutants caught (`scripts/loom-mutants.sh`): `registry-admit-check-then-increment`,
//! `registry-close-skips-admission-wait`, `registry-worker-exit-skips-drain`.
#![cfg(loom)]

mod pool_util;

use cancelpool::{JobError, ThreadPool, ThreadPoolBuilder};
use loom::sync::atomic::{AtomicBool, Ordering};
use pool_util::model;
use std::sync::Arc;

/// What the submitter saw, and whether the closure ran.
struct Outcome {
    result: Result<u32, JobError>,
    ran: bool,
}

/// Builds a one-worker pool, submits from a second thread while `stop` runs on the model
/// thread, and returns what `stop` returned, the submission's outcome, and the pool.
fn race_submit_with<S: Send + 'static>(
    stop: impl FnOnce(&ThreadPool) -> S,
) -> (S, Outcome, Arc<ThreadPool>) {
    let pool = Arc::new(ThreadPoolBuilder::new().num_threads(1).build().unwrap());
    let ran = Arc::new(loom::sync::Arc::new(AtomicBool::new(false)));
    let submitter = {
        let pool = Arc::clone(&pool);
        let ran = loom::sync::Arc::clone(&ran);
        loom::thread::spawn(move || {
            pool.submit(move |_| {
                ran.store(true, Ordering::Relaxed);
                Ok(1)
            })
            .join()
        })
    };
    let stopped = stop(&pool);
    let result = submitter.join().unwrap();
    let outcome = Outcome {
        result,
        ran: ran.load(Ordering::Relaxed),
    };
    (stopped, outcome, pool)
}

/// Graceful shutdown racing a submission: the job ran (it was admitted first, and
/// shutdown let it finish) or was rejected; never lost, never cancelled.
#[test]
fn shutdown_races_submit_every_job_accounted() {
    model("shutdown_races_submit_every_job_accounted", Some(3), || {
        let (stopped, outcome, pool) = race_submit_with(|pool| pool.shutdown());
        assert_eq!(stopped, Ok(()), "shutdown returns Ok: every worker joined");
        let s = pool.stats();
        match outcome.result {
            Ok(1) => assert!(outcome.ran),
            Err(JobError::Rejected) => {
                assert!(!outcome.ran);
                assert_eq!(s.rejected, 1);
            }
            other => panic!("graceful shutdown gave {other:?}"),
        }
        assert_eq!(s.submitted, 1);
        assert_eq!(s.cancelled_before_start, 0);
        assert_eq!(s.finished + s.rejected, 1, "{s:?}");
        assert_eq!((s.in_flight, s.queued), (0, 0), "{s:?}");
        assert!(pool.is_shut_down());
    });
}

/// `shutdown_now` racing a submission: the job ran to its end, was discarded before it
/// started (and counted in the returned number), or was rejected.
#[test]
fn shutdown_now_races_submit_every_job_accounted() {
    model(
        "shutdown_now_races_submit_every_job_accounted",
        Some(3),
        || {
            let (discarded, outcome, pool) = race_submit_with(|pool| pool.shutdown_now());
            let s = pool.stats();
            match outcome.result {
                // The closure ignores its token: once started it returns Ok.
                Ok(1) => assert!(outcome.ran),
                Err(JobError::Cancelled) => {
                    assert!(!outcome.ran, "Cancelled means never started here");
                    assert_eq!(s.cancelled_before_start, 1);
                    assert_eq!(discarded, 1, "shutdown_now counts the discarded job");
                }
                Err(JobError::Rejected) => {
                    assert!(!outcome.ran);
                    assert_eq!(s.rejected, 1);
                }
                other => panic!("shutdown_now gave {other:?}"),
            }
            assert_eq!(discarded, s.cancelled_before_start);
            assert_eq!(s.submitted, 1);
            assert_eq!(
                s.finished + s.cancelled_before_start + s.rejected,
                1,
                "{s:?}"
            );
            assert_eq!((s.in_flight, s.queued), (0, 0), "{s:?}");
        },
    );
}

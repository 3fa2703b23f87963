//! L9: `JobHandle::cancel` racing the job's start (P3): `join()` reports exactly what
//! happened. `Ok` iff the closure ran and returned `Ok`; `Err(Cancelled)` otherwise;
//! and a job reported as never started never runs.
//!
//! One worker, the model thread submits, cancels and joins (two loom threads).
//!
//! Run: `RUSTFLAGS="--cfg loom" cargo test -p loom-tests --release --target-dir
//! target/loom --test pool_submit`. Each model is exhaustive under the preemption bound named
//! below (its default; `LOOM_MAX_PREEMPTIONS` overrides it for every model). Figures:
//! release build, `scripts/loom.sh` on the shared 2-core machine (times vary with its load).
//!
//! | model | bound | executions | time |
//! |---|---|---|---|
//! | `handle_cancel_races_job_start_join_reports_what_happened` | 5 | 19,880 | 2 s |
//! | `handle_cancel_races_checkpoint_join_reports_cancelled` | 5 | 32,283 | 3 s |
//!
//! Mutants caught (`scripts/loom-mutants.sh`): `submit-runs-cancelled-job`,
//! `submit-cancel-overrides-ok`, `submit-done-before-result`, `submit-done-relaxed`,
//! `submit-notify-outside-lock`.
#![cfg(loom)]

mod pool_util;

use cancelpool::{JobError, ThreadPoolBuilder};
use loom::sync::Arc;
use loom::sync::atomic::{AtomicBool, Ordering};
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

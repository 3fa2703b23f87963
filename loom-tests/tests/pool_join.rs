//! L8: a worker waiting in `join` for its stolen half resumes when that half completes,
//! and also when it panics (P2: panics re-raise in the caller after both halves ended).
//!
//! Two workers; the model thread `install`s a `join` (three loom threads). Whether `b`
//! is stolen depends on the interleaving; each model asserts that some explored
//! executions did steal it, so the waiting path is really exercised.
//!
//! Run: `RUSTFLAGS="--cfg loom" cargo test -p loom-tests --release --target-dir
//! target/loom --test pool_join`. Each model is exhaustive under the preemption bound named
//! below (its default; `LOOM_MAX_PREEMPTIONS` overrides it for every model). Figures:
//! release build, `scripts/loom.sh` on the shared 2-core machine (times vary with its load).
//!
//! | model | bound | executions | time |
//! |---|---|---|---|
//! | `join_waiter_resumes_when_stolen_half_completes` | 2 | 74,135 | 15 s |
//! | `join_waiter_resumes_also_when_stolen_half_panics` | 2 | 74,135 | 17 s |
//! | `join_waits_for_stolen_half_when_first_half_panics` | 2 | 73,531 | 9 s |
//!
//! Mutants caught (`scripts/loom-mutants.sh`, patches in `loom-tests/mutants/`):
//! `latch-set-load-then-store`, `latch-set-relaxed`, `job-stack-job-lets-panic-escape`,
//! `join-unwinds-before-stolen-half` (as a crash: the thief writes into the unwound
//! frame).
#![cfg(loom)]

mod pool_util;

use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::AtomicUsize;

use cancelpool::ThreadPoolBuilder;
use loom::sync::Arc;
use loom::sync::atomic::{AtomicBool, Ordering};
use pool_util::{EXPECTED_PANIC, model, quiet_expected_panics};

/// Counts the executions in which `b` ran on the other worker (not a model atomic:
/// it survives across executions).
fn note_stolen(counter: &AtomicUsize, migrated: bool) {
    if migrated {
        counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
}

#[test]
fn join_waiter_resumes_when_stolen_half_completes() {
    static STOLEN: AtomicUsize = AtomicUsize::new(0);
    model(
        "join_waiter_resumes_when_stolen_half_completes",
        Some(2),
        || {
            let pool = ThreadPoolBuilder::new().num_threads(2).build().unwrap();
            // A Relaxed model atomic written by `b`: the caller sees it only through
            // the pool's happens-before edges (the latch), which loom checks.
            let b_wrote = Arc::new(AtomicBool::new(false));
            let b_flag = Arc::clone(&b_wrote);
            let (a, b) = pool.install(|| {
                cancelpool::join_context(
                    |_| 1,
                    |ctx| {
                        note_stolen(&STOLEN, ctx.migrated());
                        b_flag.store(true, Ordering::Relaxed);
                        2
                    },
                )
            });
            assert_eq!((a, b), (1, 2));
            assert!(
                b_wrote.load(Ordering::Relaxed),
                "b's write is visible after join"
            );
            pool.shutdown().unwrap();
        },
    );
    assert!(
        STOLEN.load(std::sync::atomic::Ordering::Relaxed) > 0,
        "b was never stolen"
    );
}

#[test]
fn join_waiter_resumes_also_when_stolen_half_panics() {
    static STOLEN: AtomicUsize = AtomicUsize::new(0);
    quiet_expected_panics();
    model(
        "join_waiter_resumes_also_when_stolen_half_panics",
        Some(2),
        || {
            let pool = ThreadPoolBuilder::new().num_threads(2).build().unwrap();
            let a_ran = Arc::new(AtomicBool::new(false));
            let a_flag = Arc::clone(&a_ran);
            let caught = panic::catch_unwind(AssertUnwindSafe(|| {
                pool.install(|| {
                    cancelpool::join_context(
                        |_| a_flag.store(true, Ordering::Relaxed),
                        |ctx| {
                            note_stolen(&STOLEN, ctx.migrated());
                            panic!("{}", EXPECTED_PANIC)
                        },
                    )
                })
            }));
            let payload = caught.expect_err("b's panic reaches the caller");
            assert_eq!(
                payload.downcast_ref::<String>().map(String::as_str),
                Some(EXPECTED_PANIC)
            );
            assert!(
                a_ran.load(Ordering::Relaxed),
                "a finished before the panic was re-raised"
            );
            pool.shutdown().unwrap();
        },
    );
    assert!(
        STOLEN.load(std::sync::atomic::Ordering::Relaxed) > 0,
        "b was never stolen"
    );
}

/// `a` panics while `b` is (maybe) stolen: `join` re-raises only after `b` finished,
/// since `b` borrows the joining frame.
#[test]
fn join_waits_for_stolen_half_when_first_half_panics() {
    static STOLEN: AtomicUsize = AtomicUsize::new(0);
    quiet_expected_panics();
    model(
        "join_waits_for_stolen_half_when_first_half_panics",
        Some(2),
        || {
            let pool = ThreadPoolBuilder::new().num_threads(2).build().unwrap();
            let b_done = Arc::new(AtomicBool::new(false));
            let b_flag = Arc::clone(&b_done);
            let caught = panic::catch_unwind(AssertUnwindSafe(|| {
                pool.install(|| {
                    cancelpool::join_context(
                        |_| -> () { panic!("{}", EXPECTED_PANIC) },
                        |ctx| {
                            note_stolen(&STOLEN, ctx.migrated());
                            b_flag.store(true, Ordering::Relaxed);
                        },
                    )
                })
            }));
            assert!(caught.is_err(), "a's panic reaches the caller");
            assert!(
                b_done.load(Ordering::Relaxed),
                "join re-raised before b finished"
            );
            pool.shutdown().unwrap();
        },
    );
    assert!(
        STOLEN.load(std::sync::atomic::Ordering::Relaxed) > 0,
        "b was never stolen"
    );
}

//! L6: new work racing a worker on its way to sleep is never stranded (P5, sleep.rs).
//!
//! Under loom the pool sleeps after zero spin rounds, so a freshly built pool's workers
//! race straight into the sleep protocol while the model thread submits.
//!
//! The loom deque stand-in lets a thief miss a push it races with, as crossbeam's can
//! (see `src/pool/deque.rs`); with a plain mutex there, the fence that the mutant
//! `registry-detached-push-unfenced` removes would make no difference to the model.
//!
//! Run: `RUSTFLAGS="--cfg loom" cargo test -p loom-tests --release --target-dir
//! target/loom --test pool_sleep`. Each model is exhaustive under the preemption bound named
//! below (its default; `LOOM_MAX_PREEMPTIONS` overrides it for every model). Figures:
//! release build, `scripts/loom.sh` on the shared 2-core machine (times vary with its load).
//!
//! | model | bound | executions | time |
//! |---|---|---|---|
//! | `submit_races_worker_sleep_job_runs` | 5 | 8,388 | 1 s |
//! | `spawn_races_worker_sleep_job_runs` | 5 | 6,678 | 1 s |
//! | `submit_from_worker_races_other_worker_sleep_job_runs` | 2 | 129,410 | 15 s |
//!
//! Mutants caught (`scripts/loom-mutants.sh`): `sleep-wake-no-notify`,
//! `sleep-skip-jec-recheck`, `registry-detached-push-unfenced` (the bug this model found).
#![cfg(loom)]

mod pool_util;

use cancelpool::ThreadPoolBuilder;
use loom::sync::atomic::{AtomicBool, Ordering};
use loom::sync::{Arc, Condvar, Mutex};
use pool_util::model;

/// A job submitted from outside while the only worker goes to sleep runs; `join` returns.
/// A lost wake-up shows as a loom deadlock (the worker parked, the model thread in `join`).
#[test]
fn submit_races_worker_sleep_job_runs() {
    model("submit_races_worker_sleep_job_runs", Some(5), || {
        let pool = ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let handle = pool.submit(|_| Ok(7));
        assert_eq!(handle.join().unwrap(), 7);
        pool.shutdown().unwrap();
        let s = pool.stats();
        assert_eq!((s.submitted, s.finished, s.in_flight), (1, 1, 0));
    });
}

/// Same with `spawn` (no handle): the model thread waits on its own condvar for the job.
#[test]
fn spawn_races_worker_sleep_job_runs() {
    model("spawn_races_worker_sleep_job_runs", Some(5), || {
        let pool = ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let done = Arc::new((Mutex::new(false), Condvar::new()));
        let signal = Arc::clone(&done);
        pool.spawn(move || {
            let (lock, cond) = &*signal;
            *lock.lock().unwrap() = true;
            cond.notify_one();
        });
        let (lock, cond) = &*done;
        let mut ran = lock.lock().unwrap();
        while !*ran {
            ran = cond.wait(ran).unwrap();
        }
        drop(ran);
        pool.shutdown().unwrap();
    });
}

/// A job running on worker A submits a detached job (it goes on A's own deque) and then
/// blocks in `JobHandle::join`, which does not help: only worker B, racing to sleep, can
/// run it. The local push must wake or re-route B (sleep.rs step 3's JEC check).
#[test]
fn submit_from_worker_races_other_worker_sleep_job_runs() {
    model(
        "submit_from_worker_races_other_worker_sleep_job_runs",
        Some(2),
        || {
            let pool = ThreadPoolBuilder::new().num_threads(2).build().unwrap();
            let ran = Arc::new(AtomicBool::new(false));
            let r = Arc::clone(&ran);
            let done = Arc::new((
                cancelpool::sync::Mutex::new(false),
                cancelpool::sync::Condvar::new(),
            ));
            let d = Arc::clone(&done);
            let out = pool.install(move || {
                let handle = cancelpool::submit(move |_| {
                    r.store(true, Ordering::Relaxed);
                    let (lock, cv) = &*d;
                    *lock.lock() = true;
                    cv.notify_all();
                    Ok(3)
                });
                // Block without helping (as a channel or a user condvar does; a
                // `handle.join()` here would run the job on this worker): only the other
                // worker can run the job, so a lost wake-up is a deadlock.
                let (lock, cv) = &*done;
                let mut finished = lock.lock();
                while !*finished {
                    cv.wait(&mut finished);
                }
                drop(finished);
                handle.join()
            });
            assert_eq!(out.unwrap(), 3);
            assert!(ran.load(Ordering::Relaxed));
            pool.shutdown().unwrap();
        },
    );
}

//! The pool end to end at miri size: a two-worker pool doing `join`, `scope`, `submit`,
//! cancellation, `isolate`, a small parallel iterator and both shutdowns, with a handful
//! of jobs each. `scripts/miri.sh` runs this file so that miri sees the job memory
//! (`StackJob`, `HeapJob`, the submit node payload), the latches, the deques and the
//! shutdown handshake from real threads; natively it is a quick smoke test.
//!
//! Synchronisation is by barriers and channels only; nothing sleeps.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, mpsc};

use cancelpool::prelude::*;
use cancelpool::{
    Cancelled, JobError, JobHandle, JobResult, PoolStats, ThreadPool, ThreadPoolBuilder,
};

fn pool() -> ThreadPool {
    ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .expect("a two-worker pool")
}

fn identity_holds(s: &PoolStats) -> bool {
    s.submitted == s.finished + s.cancelled_before_start + s.rejected + s.in_flight
}

/// Parks both workers of a two-worker pool in jobs that wait for `release`; returns
/// their handles once both are running (so jobs submitted next stay queued).
fn occupy_both(pool: &ThreadPool) -> (Vec<JobHandle<()>>, mpsc::Sender<()>) {
    let started = Arc::new(Barrier::new(3));
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let release_rx = Arc::new(std::sync::Mutex::new(release_rx));
    let handles = (0..2)
        .map(|_| {
            let started = Arc::clone(&started);
            let release_rx = Arc::clone(&release_rx);
            pool.submit(move |_| {
                started.wait();
                // Disconnection (the sender dropped) releases as well as a message.
                let _ = release_rx.lock().unwrap().recv();
                Ok(())
            })
        })
        .collect();
    started.wait();
    (handles, release_tx)
}

fn fib(n: u32) -> u64 {
    if n < 2 {
        return u64::from(n);
    }
    let (a, b) = cancelpool::join(|| fib(n - 1), || fib(n - 2));
    a + b
}

#[test]
fn nested_joins_compute_the_right_answer() {
    let pool = pool();
    assert_eq!(pool.install(|| fib(7)), 13);
    let (a, b) = pool.join(|| 6 * 7, || "forty-two".len());
    assert_eq!((a, b), (42, 9));
    pool.shutdown().unwrap();
}

#[test]
fn join_halves_inherit_token_and_state_and_a_panic_propagates_after_both_ended() {
    let pool = pool();
    let other_ran = AtomicBool::new(false);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        pool.join(
            || panic!("left half fails"),
            || other_ran.store(true, Ordering::SeqCst),
        )
    }));
    assert!(result.is_err());
    assert!(
        other_ran.load(Ordering::SeqCst),
        "join waited for the other half"
    );
    // Halves inherit the job's token and its cancel state at the fork (C5).
    let (started_tx, started_rx) = mpsc::channel();
    let h = pool.submit(move |token| {
        let guard = cancelpool::disable_cancel();
        started_tx.send(()).unwrap();
        while !token.is_cancelled() {
            std::thread::yield_now();
        }
        let disabled = cancelpool::join(cancelpool::checkpoint, cancelpool::checkpoint);
        drop(guard);
        let enabled = cancelpool::join(cancelpool::checkpoint, cancelpool::checkpoint);
        Ok((disabled, enabled))
    });
    started_rx.recv().unwrap();
    assert!(h.cancel());
    let (disabled, enabled) = h.join().unwrap();
    assert_eq!(
        disabled,
        (Ok(()), Ok(())),
        "forked inside the disabled section"
    );
    assert_eq!(enabled, (Err(Cancelled), Err(Cancelled)), "the job's token");
    pool.shutdown().unwrap();
}

#[test]
fn scope_runs_every_spawn_and_its_cancel_reaches_them() {
    let pool = pool();
    let mut slots = [0usize; 4];
    pool.scope(|s| {
        for (i, slot) in slots.iter_mut().enumerate() {
            s.spawn(move |s| {
                *slot = i + 1;
                s.spawn(|_| assert!(cancelpool::checkpoint().is_ok()));
            });
        }
    });
    assert_eq!(slots, [1, 2, 3, 4]);

    let stopped = AtomicUsize::new(0);
    pool.scope(|s| {
        for _ in 0..3 {
            s.spawn(|s| {
                // Spawned jobs always run; they see the request at their checkpoint.
                while cancelpool::checkpoint().is_ok() {
                    std::thread::yield_now();
                }
                assert!(s.is_cancelled());
                stopped.fetch_add(1, Ordering::SeqCst);
            });
        }
        assert!(s.cancel());
    });
    assert_eq!(stopped.into_inner(), 3);
    pool.shutdown().unwrap();
}

#[test]
fn submit_cancel_before_start_never_runs_the_closure() {
    let pool = pool();
    let (blockers, release) = occupy_both(&pool);
    let ran = Arc::new(AtomicBool::new(false));
    let r = Arc::clone(&ran);
    let queued = pool.submit(move |_| {
        r.store(true, Ordering::SeqCst);
        Ok(1)
    });
    let kept = pool.submit(|_| Ok(2));
    assert!(queued.cancel());
    drop(release);
    for b in blockers {
        b.join().unwrap();
    }
    assert!(matches!(queued.join(), Err(JobError::Cancelled)));
    assert_eq!(kept.join().unwrap(), 2);
    assert!(
        !ran.load(Ordering::SeqCst),
        "a job cancelled while queued never starts"
    );
    pool.shutdown().unwrap();
    let s = pool.stats();
    assert_eq!(
        (s.submitted, s.finished, s.cancelled_before_start),
        (4, 3, 1)
    );
    assert!(identity_holds(&s) && s.in_flight == 0, "{s:?}");
}

#[test]
fn a_running_job_sees_its_handle_cancel_and_an_ok_after_cancel_is_kept() {
    let pool = pool();
    let (started_tx, started_rx) = mpsc::channel();
    let stops = pool.submit(move |token| {
        started_tx.send(()).unwrap();
        token.wait_cancelled(None)?;
        Ok(())
    });
    let (started2_tx, started2_rx) = mpsc::channel();
    let keeps = pool.submit(move |token| {
        started2_tx.send(()).unwrap();
        let _ = token.wait_cancelled(None);
        Ok("kept")
    });
    started_rx.recv().unwrap();
    started2_rx.recv().unwrap();
    assert!(stops.cancel());
    assert!(keeps.cancel());
    assert!(matches!(stops.join(), Err(JobError::Cancelled)));
    assert_eq!(
        keeps.join().unwrap(),
        "kept",
        "P3: work done after a cancel is kept"
    );
    // A panic in a submitted job is reported, not raised, and the pool goes on.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let panicked = pool.submit(|_| -> JobResult<()> { panic!("job fails") });
    let err = panicked.join().unwrap_err();
    std::panic::set_hook(hook);
    assert!(err.is_panic());
    assert_eq!(pool.submit(|_| Ok(5)).join().unwrap(), 5);
    pool.shutdown().unwrap();
}

#[test]
fn shutdown_now_discards_queued_jobs_and_cancels_running_ones() {
    let pool = pool();
    let started = Arc::new(Barrier::new(3));
    let running: Vec<JobHandle<()>> = (0..2)
        .map(|_| {
            let started = Arc::clone(&started);
            pool.submit(move |token| {
                started.wait();
                Ok(token.wait_cancelled(None)?)
            })
        })
        .collect();
    started.wait();
    let ran = Arc::new(AtomicUsize::new(0));
    let queued: Vec<JobHandle<()>> = (0..3)
        .map(|_| {
            let ran = Arc::clone(&ran);
            pool.submit(move |_| {
                ran.fetch_add(1, Ordering::SeqCst);
                Ok(())
            })
        })
        .collect();
    assert_eq!(pool.shutdown_now(), 3);
    for h in running.into_iter().chain(queued) {
        assert!(matches!(h.join(), Err(JobError::Cancelled)));
    }
    assert_eq!(ran.load(Ordering::SeqCst), 0);
    assert!(matches!(
        pool.submit(|_| Ok(())).join(),
        Err(JobError::Rejected)
    ));
    let s = pool.stats();
    assert_eq!(
        (s.submitted, s.cancelled_before_start, s.rejected),
        (6, 3, 1)
    );
    assert!(identity_holds(&s) && s.in_flight == 0, "{s:?}");
}

#[test]
fn shutdown_lets_queued_jobs_finish_then_rejects() {
    let pool = pool();
    let (blockers, release) = occupy_both(&pool);
    let queued: Vec<JobHandle<usize>> = (0..3).map(|i| pool.submit(move |_| Ok(i))).collect();
    let spawned = Arc::new(AtomicUsize::new(0));
    let sp = Arc::clone(&spawned);
    pool.spawn(move || {
        sp.fetch_add(1, Ordering::SeqCst);
    });
    drop(release);
    pool.shutdown().unwrap();
    for b in blockers {
        b.join().unwrap();
    }
    let values: Vec<usize> = queued.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(values, [0, 1, 2]);
    assert_eq!(spawned.load(Ordering::SeqCst), 1);
    assert!(pool.try_spawn(|| ()).is_err());
    let s = pool.stats();
    assert_eq!((s.submitted, s.finished, s.rejected), (7, 6, 1));
    assert!(identity_holds(&s) && s.in_flight == 0, "{s:?}");
}

#[test]
fn dropping_the_pool_cancels_and_joins() {
    let pool = pool();
    let (tx, rx) = mpsc::channel();
    let h = pool.submit(move |token| {
        tx.send(()).unwrap();
        token.wait_cancelled(None)?;
        Ok(())
    });
    rx.recv().unwrap();
    drop(pool);
    assert!(h.is_finished(), "drop joined the worker that ran the job");
    assert!(matches!(h.join(), Err(JobError::Cancelled)));
}

#[test]
fn isolate_and_a_small_parallel_iterator_on_the_pool() {
    let pool = pool();
    let lock = std::sync::Mutex::new(0u64);
    pool.install(|| {
        cancelpool::isolate(|| {
            let mut guard = lock.lock().unwrap();
            let (a, b) = cancelpool::join(|| fib(5), || fib(4));
            *guard += a + b;
        });
    });
    assert_eq!(*lock.lock().unwrap(), 8);
    let v: Vec<u64> = (0..40).collect();
    let doubled: Vec<u64> = pool.install(|| v.par_iter().map(|x| 2 * x).collect());
    assert_eq!(doubled, v.iter().map(|x| 2 * x).collect::<Vec<_>>());
    let source = cancelpool::CancelSource::new();
    source.cancel();
    let r = pool.install(|| v.par_iter().with_cancel(&source.token()).count());
    assert_eq!(r, Err(Cancelled));
    pool.shutdown().unwrap();
}

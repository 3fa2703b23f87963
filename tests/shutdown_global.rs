//! `shutdown_global` (P6): the global pool is shut down and joined, and a later global
//! call starts a fresh one. The global pool is process state, so these tests run one at a
//! time (a lock) in their own test binary.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, MutexGuard};

use cancelpool::{BuildError, JobError, ShutdownError, ThreadPoolBuilder};

static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// Replaces the global pool by one with `n` workers named `prefix-i`, counting exits.
fn fresh_global(n: usize, prefix: &'static str) -> Arc<AtomicUsize> {
    cancelpool::shutdown_global().unwrap();
    let exits = Arc::new(AtomicUsize::new(0));
    let e = Arc::clone(&exits);
    ThreadPoolBuilder::new()
        .num_threads(n)
        .thread_name(move |i| format!("{prefix}-{i}"))
        .exit_handler(move |_| {
            e.fetch_add(1, Ordering::SeqCst);
        })
        .build_global()
        .unwrap();
    exits
}

fn worker_name() -> String {
    cancelpool::scope(|_| std::thread::current().name().unwrap().to_owned())
}

#[test]
fn shutdown_global_joins_and_a_later_call_starts_a_fresh_pool() {
    let _serial = serial();
    let exits = fresh_global(2, "g1");
    assert!(worker_name().starts_with("g1-"));
    assert_eq!(cancelpool::current_num_threads(), 2);
    // A queued job finishes before shutdown_global returns.
    let h = cancelpool::submit(|token| {
        token.checkpoint()?;
        Ok(5)
    });
    assert_eq!(cancelpool::shutdown_global(), Ok(()));
    assert_eq!(exits.load(Ordering::SeqCst), 2, "every worker was joined");
    assert_eq!(h.join().unwrap(), 5);
    // Idempotent: there is no global pool now.
    assert_eq!(cancelpool::shutdown_global(), Ok(()));

    // The next free-function call starts a fresh default pool.
    assert_eq!(cancelpool::join(|| 1, || 2), (1, 2));
    assert!(worker_name().starts_with("cancelpool-worker-"));
    assert!(matches!(
        ThreadPoolBuilder::new().num_threads(1).build_global(),
        Err(BuildError::GlobalPoolAlreadyInitialized)
    ));
    // ... and after shutting that one down, the global pool can be configured again.
    let exits = fresh_global(3, "g2");
    assert!(worker_name().starts_with("g2-"));
    assert_eq!(cancelpool::current_num_threads(), 3);
    cancelpool::shutdown_global().unwrap();
    assert_eq!(exits.load(Ordering::SeqCst), 3);
}

#[test]
fn shutdown_global_from_inside_a_global_job_is_graceful_and_joined_later() {
    let _serial = serial();
    let exits = fresh_global(2, "g3");
    // Another job of the global pool, running while the shutdown is requested: a graceful
    // shutdown must let it finish (not cancel it).
    let (started_tx, started_rx) = mpsc::channel();
    let (gate_tx, gate_rx) = mpsc::channel::<()>();
    let other = cancelpool::submit(move |token| {
        started_tx.send(()).unwrap();
        gate_rx.recv().unwrap();
        token.checkpoint()?;
        Ok("finished")
    });
    started_rx.recv().unwrap();
    let inside = cancelpool::submit(|_| Ok(cancelpool::shutdown_global()));
    let r = inside.join().unwrap();
    assert!(matches!(r, Err(ShutdownError::InsidePool { .. })), "{r:?}");
    gate_tx.send(()).unwrap();
    assert_eq!(
        other.join().unwrap(),
        "finished",
        "a graceful shutdown cancels nothing"
    );

    // The old pool no longer serves free functions: a fresh one does.
    assert!(worker_name().starts_with("cancelpool-worker-"));
    // A shutdown_global from outside joins the old pool's workers too.
    assert_eq!(cancelpool::shutdown_global(), Ok(()));
    assert_eq!(exits.load(Ordering::SeqCst), 2);
}

#[test]
fn free_functions_race_shutdown_global() {
    let _serial = serial();
    fresh_global(2, "g4");
    std::thread::scope(|s| {
        let submitters: Vec<_> = (0..3)
            .map(|_| {
                s.spawn(|| {
                    let mut ran = 0;
                    for i in 0..200usize {
                        // `join` and `scope` always find a pool (a fresh one if the global
                        // pool is shut down meanwhile); `submit` may be rejected by the old
                        // one, never lost.
                        assert_eq!(cancelpool::join(|| i, || i + 1), (i, i + 1));
                        match cancelpool::submit(move |_| Ok(i)).join() {
                            Ok(v) => {
                                assert_eq!(v, i);
                                ran += 1;
                            }
                            Err(JobError::Rejected) => {}
                            Err(e) => panic!("{e:?}"),
                        }
                    }
                    ran
                })
            })
            .collect();
        for _ in 0..20 {
            assert_eq!(cancelpool::shutdown_global(), Ok(()));
            std::thread::yield_now();
        }
        for j in submitters {
            assert!(j.join().unwrap() > 0);
        }
    });
    cancelpool::shutdown_global().unwrap();
}

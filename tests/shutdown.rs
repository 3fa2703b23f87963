//! Graceful and immediate shutdown (P6): what runs, what is discarded, what is joined,
//! and that a shutdown never deadlocks or keeps the process alive.

mod common;

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use cancelpool::{Cancelled, JobError, ShutdownError, ThreadPool, ThreadPoolBuilder};

/// The environment variable that selects a child-process scenario of this binary.
const CHILD_ENV: &str = "CANCELPOOL_SHUTDOWN_CHILD";

/// A value whose destructor counts into `DROPS`: put in a worker's thread-local by the
/// start handler, it is destroyed when the worker thread exits.
struct TlsGuard(&'static AtomicUsize);

impl Drop for TlsGuard {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

thread_local! {
    static TLS: RefCell<Option<TlsGuard>> = const { RefCell::new(None) };
}

#[test]
fn shutdown_finishes_queued_and_running_jobs_then_joins() {
    static TLS_DROPS: AtomicUsize = AtomicUsize::new(0);
    const WORKERS: usize = 2;
    const QUEUED: usize = 20;

    let exits = Arc::new(AtomicUsize::new(0));
    let e = Arc::clone(&exits);
    let pool = ThreadPoolBuilder::new()
        .num_threads(WORKERS)
        .start_handler(|_| TLS.with(|t| *t.borrow_mut() = Some(TlsGuard(&TLS_DROPS))))
        .exit_handler(move |_| {
            e.fetch_add(1, Ordering::SeqCst);
        })
        .build()
        .unwrap();

    // Two jobs occupy both workers until `gate` opens; the rest wait in the queue.
    let started = Arc::new(Barrier::new(WORKERS + 1));
    let (gate_tx, gate_rx) = mpsc::channel::<()>();
    let gate_rx = Arc::new(std::sync::Mutex::new(gate_rx));
    let running: Vec<_> = (0..WORKERS)
        .map(|i| {
            let started = Arc::clone(&started);
            let gate_rx = Arc::clone(&gate_rx);
            pool.submit(move |_| {
                started.wait();
                gate_rx.lock().unwrap().recv().unwrap();
                Ok(i)
            })
        })
        .collect();
    started.wait();
    let ran = Arc::new(AtomicUsize::new(0));
    let queued: Vec<_> = (0..QUEUED)
        .map(|i| {
            let ran = Arc::clone(&ran);
            pool.submit(move |token| {
                token.checkpoint()?;
                ran.fetch_add(1, Ordering::SeqCst);
                Ok(i)
            })
        })
        .collect();

    thread::scope(|s| {
        let shutdown = s.spawn(|| pool.shutdown());
        // Wait (without sleeping) until the shutdown has closed the pool.
        while !pool.is_shut_down() {
            thread::yield_now();
        }
        assert!(matches!(pool.try_spawn(|| {}), Err(JobError::Rejected)));
        assert_eq!(
            ran.load(Ordering::SeqCst),
            0,
            "queued jobs wait for a free worker"
        );
        assert_eq!(
            exits.load(Ordering::SeqCst),
            0,
            "no worker may exit with work queued"
        );
        for _ in 0..WORKERS {
            gate_tx.send(()).unwrap();
        }
        assert_eq!(shutdown.join().unwrap(), Ok(()));
        // When shutdown returns, every worker has exited: exit handlers ran and the
        // thread-locals were destroyed.
        assert_eq!(exits.load(Ordering::SeqCst), WORKERS);
        assert_eq!(TLS_DROPS.load(Ordering::SeqCst), WORKERS);
    });
    assert_eq!(ran.load(Ordering::SeqCst), QUEUED);
    for (i, h) in running.into_iter().enumerate() {
        assert_eq!(h.join().unwrap(), i);
    }
    for (i, h) in queued.into_iter().enumerate() {
        assert_eq!(h.join().unwrap(), i);
    }
    let s = pool.stats();
    assert_eq!(s.submitted, WORKERS + QUEUED + 1);
    assert_eq!(s.finished, WORKERS + QUEUED);
    assert_eq!(s.rejected, 1);
    assert_eq!((s.in_flight, s.queued, s.cancelled_before_start), (0, 0, 0));
}

#[test]
fn shutdown_now_cancels_running_and_discards_queued() {
    const WORKERS: usize = 2;
    const QUEUED_SUBMITS: usize = 10;
    const QUEUED_SPAWNS: usize = 5;

    let pool = ThreadPoolBuilder::new()
        .num_threads(WORKERS)
        .build()
        .unwrap();
    let (started_tx, started_rx) = mpsc::channel();
    let saw_cancel = Arc::new(AtomicUsize::new(0));
    let running: Vec<_> = (0..WORKERS)
        .map(|_| {
            let started_tx = started_tx.clone();
            let saw_cancel = Arc::clone(&saw_cancel);
            pool.submit(move |token| -> cancelpool::JobResult<()> {
                started_tx.send(()).unwrap();
                // A cancellable wait, then the checkpoint that must report the request.
                let _ = token.wait_cancelled(None);
                let r = token.checkpoint();
                if r.is_err() {
                    saw_cancel.fetch_add(1, Ordering::SeqCst);
                }
                Ok(r?)
            })
        })
        .collect();
    for _ in 0..WORKERS {
        started_rx.recv().unwrap();
    }
    // Both workers are busy: these stay queued.
    let ran = Arc::new(AtomicUsize::new(0));
    let queued: Vec<_> = (0..QUEUED_SUBMITS)
        .map(|_| {
            let ran = Arc::clone(&ran);
            pool.submit(move |_| {
                ran.fetch_add(1, Ordering::SeqCst);
                Ok(())
            })
        })
        .collect();
    for _ in 0..QUEUED_SPAWNS {
        let ran = Arc::clone(&ran);
        pool.spawn(move || {
            ran.fetch_add(1, Ordering::SeqCst);
        });
    }

    let discarded = pool.shutdown_now();
    assert_eq!(discarded, QUEUED_SUBMITS + QUEUED_SPAWNS);
    assert_eq!(ran.load(Ordering::SeqCst), 0, "no discarded closure ran");
    assert_eq!(saw_cancel.load(Ordering::SeqCst), WORKERS);
    for h in running.into_iter().chain(queued) {
        assert!(h.is_finished());
        assert!(matches!(h.join(), Err(JobError::Cancelled)));
    }
    let s = pool.stats();
    assert_eq!(s.cancelled_before_start, QUEUED_SUBMITS + QUEUED_SPAWNS);
    assert_eq!(s.cancelled, QUEUED_SUBMITS + QUEUED_SPAWNS + WORKERS);
    assert_eq!(s.finished, WORKERS);
    assert_eq!((s.in_flight, s.queued), (0, 0));
    assert_eq!(
        pool.shutdown_now(),
        0,
        "a second shutdown_now discards nothing"
    );
}

#[test]
fn nothing_runs_after_shutdown() {
    for now in [false, true] {
        let pool = ThreadPoolBuilder::new().num_threads(2).build().unwrap();
        if now {
            pool.shutdown_now();
        } else {
            pool.shutdown().unwrap();
        }
        let ran = Arc::new(AtomicBool::new(false));

        let r = Arc::clone(&ran);
        let h = pool.submit(move |_| {
            r.store(true, Ordering::SeqCst);
            Ok(())
        });
        assert!(
            h.is_finished(),
            "a rejected job's handle is finished at once"
        );
        assert!(matches!(h.join(), Err(JobError::Rejected)));

        let r = Arc::clone(&ran);
        assert!(matches!(
            pool.try_spawn(move || r.store(true, Ordering::SeqCst)),
            Err(JobError::Rejected)
        ));
        let r = Arc::clone(&ran);
        pool.spawn(move || r.store(true, Ordering::SeqCst));
        let r = Arc::clone(&ran);
        assert!(matches!(
            pool.try_install(move || r.store(true, Ordering::SeqCst)),
            Err(JobError::Rejected)
        ));
        let r = Arc::clone(&ran);
        let install = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            pool.install(move || r.store(true, Ordering::SeqCst))
        }));
        assert!(install.is_err(), "install on a shut-down pool panics");

        assert!(!ran.load(Ordering::SeqCst));
        let s = pool.stats();
        assert_eq!((s.submitted, s.rejected, s.finished), (3, 3, 0));
        assert_eq!(s.in_flight, 0);
    }
}

#[test]
fn drop_cancels_running_jobs_and_joins() {
    let exits = Arc::new(AtomicUsize::new(0));
    let e = Arc::clone(&exits);
    let pool = ThreadPoolBuilder::new()
        .num_threads(1)
        .exit_handler(move |_| {
            e.fetch_add(1, Ordering::SeqCst);
        })
        .build()
        .unwrap();
    let (started_tx, started_rx) = mpsc::channel();
    let (result_tx, result_rx) = mpsc::channel();
    let h = pool.submit(move |token| {
        started_tx.send(()).unwrap();
        let r = token.sleep(Duration::from_secs(60));
        result_tx.send(r).unwrap();
        Ok(r?)
    });
    started_rx.recv().unwrap();
    let t = Instant::now();
    drop(pool);
    // Not a speed assertion: a drop that waited for the 60 s sleep would be a hang.
    assert!(
        t.elapsed() < Duration::from_secs(30),
        "drop waited for the job's sleep"
    );
    assert_eq!(exits.load(Ordering::SeqCst), 1, "drop joined the worker");
    assert_eq!(result_rx.try_recv().unwrap(), Err(Cancelled));
    assert!(matches!(h.join(), Err(JobError::Cancelled)));
}

#[test]
fn drop_after_graceful_shutdown_does_not_cancel_the_pool_token() {
    let pool = ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let token = pool.token();
    pool.shutdown().unwrap();
    drop(pool);
    assert!(!token.is_cancelled(), "a graceful shutdown cancels nothing");
}

/// Released at the end of `shutdown_timeout_names_the_stuck_worker`.
static STUCK_RELEASE: AtomicBool = AtomicBool::new(false);

#[test]
fn shutdown_timeout_names_the_stuck_worker() {
    let pool = ThreadPoolBuilder::new()
        .num_threads(2)
        .thread_name(|i| format!("stuck-test-{i}"))
        .build()
        .unwrap();
    let (started_tx, started_rx) = mpsc::channel();
    let h = pool.submit(move |_| {
        started_tx
            .send(thread::current().name().unwrap().to_owned())
            .unwrap();
        // Never reaches a checkpoint: only the static flag ends it.
        while !STUCK_RELEASE.load(Ordering::SeqCst) {
            thread::sleep(Duration::from_millis(1));
        }
        Ok(7)
    });
    let name = started_rx.recv().unwrap();

    let err = pool
        .shutdown_timeout(Duration::from_millis(50))
        .unwrap_err();
    assert_eq!(
        err,
        ShutdownError::TimedOut {
            stuck: vec![name.clone()],
            discarded: 0
        }
    );
    assert!(err.to_string().contains(&name));
    assert!(pool.is_shut_down());
    // Cancelling does not help a job without checkpoints: still stuck.
    let err = pool
        .shutdown_now_timeout(Duration::from_millis(20))
        .unwrap_err();
    assert!(matches!(&err, ShutdownError::TimedOut { stuck, .. } if *stuck == [name.clone()]));

    STUCK_RELEASE.store(true, Ordering::SeqCst);
    assert_eq!(pool.shutdown(), Ok(()));
    // The job ignored the request and returned `Ok`: its work is kept (P3).
    assert_eq!(h.join().unwrap(), 7);
    assert_eq!(pool.stats().in_flight, 0);
}

/// Never set: the job in the `stuck` child scenario never ends.
static NEVER: AtomicBool = AtomicBool::new(false);

/// Child scenario `stuck`: leave a worker stuck after a timed-out shutdown, drop the pool,
/// return. The parent checks that the process exits (with status 0).
#[test]
fn child_scenario_stuck_worker() {
    if std::env::var(CHILD_ENV).as_deref() != Ok("stuck") {
        return;
    }
    let pool = ThreadPoolBuilder::new().num_threads(2).build().unwrap();
    let (started_tx, started_rx) = mpsc::channel();
    let _h = pool.submit(move |_| -> cancelpool::JobResult<()> {
        started_tx.send(()).unwrap();
        while !NEVER.load(Ordering::SeqCst) {
            thread::sleep(Duration::from_millis(5));
        }
        Ok(())
    });
    started_rx.recv().unwrap();
    let err = pool
        .shutdown_timeout(Duration::from_millis(20))
        .unwrap_err();
    assert!(matches!(err, ShutdownError::TimedOut { ref stuck, .. } if stuck.len() == 1));
    drop(pool);
    println!("CHILD-STUCK-DONE");
}

#[test]
fn process_exits_with_a_stuck_worker_after_timed_out_shutdown() {
    let (status, out) = common::run_child("child_scenario_stuck_worker", &[(CHILD_ENV, "stuck")]);
    assert!(status.success(), "child failed: {status:?}\n{out}");
    assert!(
        out.contains("CHILD-STUCK-DONE"),
        "the scenario did not run:\n{out}"
    );
}

#[test]
fn shutdown_inside_a_job_does_not_deadlock() {
    for now in [false, true] {
        let exits = Arc::new(AtomicUsize::new(0));
        let e = Arc::clone(&exits);
        let pool = Arc::new(
            ThreadPoolBuilder::new()
                .num_threads(2)
                .exit_handler(move |_| {
                    e.fetch_add(1, Ordering::SeqCst);
                })
                .build()
                .unwrap(),
        );
        let p = Arc::clone(&pool);
        let h = pool.submit(move |_| {
            Ok(if now {
                Err(ShutdownError::InsidePool {
                    discarded: p.shutdown_now(),
                })
            } else {
                p.shutdown()
            })
        });
        let r = h.join().unwrap();
        assert!(matches!(r, Err(ShutdownError::InsidePool { .. })), "{r:?}");
        assert!(pool.is_shut_down());
        assert!(matches!(pool.try_spawn(|| {}), Err(JobError::Rejected)));
        assert_eq!(pool.token().is_cancelled(), now);
        assert_eq!(pool.shutdown(), Ok(()));
        assert_eq!(
            exits.load(Ordering::SeqCst),
            2,
            "the outside shutdown joined"
        );
    }
}

#[test]
fn graceful_shutdown_inside_a_job_lets_queued_jobs_finish() {
    let pool = Arc::new(ThreadPoolBuilder::new().num_threads(1).build().unwrap());
    let p = Arc::clone(&pool);
    let (go_tx, go_rx) = mpsc::channel::<()>();
    let first = pool.submit(move |_| {
        go_rx.recv().unwrap();
        Ok(p.shutdown())
    });
    // Queued behind the first job on the single worker.
    let second = pool.submit(|token| {
        token.checkpoint()?;
        Ok(2)
    });
    go_tx.send(()).unwrap();
    assert!(matches!(
        first.join().unwrap(),
        Err(ShutdownError::InsidePool { discarded: 0 })
    ));
    assert_eq!(second.join().unwrap(), 2);
    pool.shutdown().unwrap();
}

#[test]
fn shutdown_from_a_job_of_another_pool_running_for_this_one_does_not_deadlock() {
    // A worker of `a` waits in `b.install`; the closure running on `b` shuts `a` down.
    // Joining `a` there would wait for the very worker that waits for us.
    let a = Arc::new(ThreadPoolBuilder::new().num_threads(1).build().unwrap());
    let b = Arc::new(ThreadPoolBuilder::new().num_threads(1).build().unwrap());
    let (a2, b2) = (Arc::clone(&a), Arc::clone(&b));
    let h = a.submit(move |_| Ok(b2.install(|| a2.shutdown())));
    let r = h.join().unwrap();
    assert!(matches!(r, Err(ShutdownError::InsidePool { .. })), "{r:?}");
    assert_eq!(a.shutdown(), Ok(()));
    assert_eq!(b.shutdown(), Ok(()));
}

#[test]
fn shutdown_is_idempotent_and_concurrent_callers_all_wait_for_the_join() {
    const WORKERS: usize = 3;
    let exits = Arc::new(AtomicUsize::new(0));
    let e = Arc::clone(&exits);
    let pool = ThreadPoolBuilder::new()
        .num_threads(WORKERS)
        .exit_handler(move |_| {
            e.fetch_add(1, Ordering::SeqCst);
        })
        .build()
        .unwrap();
    let (gate_tx, gate_rx) = mpsc::channel::<()>();
    let (started_tx, started_rx) = mpsc::channel();
    let h = pool.submit(move |_| {
        started_tx.send(()).unwrap();
        gate_rx.recv().unwrap();
        Ok(())
    });
    started_rx.recv().unwrap();
    let callers = 4;
    let ready = Barrier::new(callers + 1);
    thread::scope(|s| {
        let joins: Vec<_> = (0..callers)
            .map(|i| {
                let (pool, exits, ready) = (&pool, &exits, &ready);
                s.spawn(move || {
                    ready.wait();
                    let r = match i % 3 {
                        0 => pool.shutdown(),
                        1 => pool.shutdown_timeout(Duration::from_secs(60)),
                        _ => pool
                            .shutdown_now_timeout(Duration::from_secs(60))
                            .map(|_| ()),
                    };
                    // Whoever returns `Ok` returns after every worker exited.
                    (r, exits.load(Ordering::SeqCst))
                })
            })
            .collect();
        ready.wait();
        while !pool.is_shut_down() {
            thread::yield_now();
        }
        gate_tx.send(()).unwrap();
        for j in joins {
            assert_eq!(j.join().unwrap(), (Ok(()), WORKERS));
        }
    });
    // A `shutdown_now` among the callers may have cancelled the job: either ending is
    // fine, it did not check its token.
    let _ = h.join();
    assert_eq!(pool.shutdown(), Ok(()));
    assert_eq!(pool.shutdown_timeout(Duration::ZERO), Ok(()));
    assert_eq!(pool.shutdown_now(), 0);
    assert_eq!(pool.shutdown_now_timeout(Duration::ZERO), Ok(0));
    assert_eq!(exits.load(Ordering::SeqCst), WORKERS);
}

/// Accounting under a race between submitters, `stats()` readers and shutdown.
#[test]
fn accounting_holds_while_submissions_race_shutdown() {
    const ITERATIONS: usize = 200;
    const SUBMITTERS: usize = 3;
    const PER_SUBMITTER: usize = 40;
    let budget = Instant::now() + Duration::from_secs(8);
    let mut iterations = 0;
    for iter in 0..ITERATIONS {
        if Instant::now() > budget {
            break;
        }
        iterations += 1;
        let pool = ThreadPoolBuilder::new().num_threads(2).build().unwrap();
        let done = AtomicBool::new(false);
        let progress = AtomicUsize::new(0);
        // Shut down once about a third of the submissions were made.
        let shutdown_at = (iter % 5 + 1) * SUBMITTERS * PER_SUBMITTER / 15;
        let now = iter % 2 == 1;

        type Record = (cancelpool::JobHandle<()>, Arc<AtomicBool>);
        let (records, spawns, snapshots) = thread::scope(|s| {
            let pool = &pool;
            let progress = &progress;
            let done = &done;
            let checker = s.spawn(move || {
                let mut snapshots = 0;
                loop {
                    let finished = done.load(Ordering::SeqCst);
                    let st = pool.stats();
                    let ended = st.finished + st.cancelled_before_start + st.rejected;
                    assert!(ended <= st.submitted, "in_flight underflows: {st:?}");
                    assert_eq!(st.submitted, ended + st.in_flight, "{st:?}");
                    snapshots += 1;
                    if finished {
                        return snapshots;
                    }
                }
            });
            let submitters: Vec<_> = (0..SUBMITTERS)
                .map(|t| {
                    s.spawn(move || {
                        let mut records: Vec<Record> = Vec::new();
                        let mut spawns = (0usize, 0usize, Arc::new(AtomicUsize::new(0)));
                        for i in 0..PER_SUBMITTER {
                            let ran = Arc::new(AtomicBool::new(false));
                            let r = Arc::clone(&ran);
                            if (i + t) % 4 == 3 {
                                let counter = Arc::clone(&spawns.2);
                                spawns.0 += 1;
                                if pool
                                    .try_spawn(move || {
                                        counter.fetch_add(1, Ordering::SeqCst);
                                    })
                                    .is_err()
                                {
                                    spawns.1 += 1;
                                }
                            } else {
                                let h = pool.submit(move |_| {
                                    r.store(true, Ordering::SeqCst);
                                    Ok(())
                                });
                                if i % 3 == 0 {
                                    // Races the job's start.
                                    h.cancel();
                                }
                                records.push((h, ran));
                            }
                            progress.fetch_add(1, Ordering::SeqCst);
                        }
                        (records, spawns)
                    })
                })
                .collect();
            while progress.load(Ordering::SeqCst) < shutdown_at {
                thread::yield_now();
            }
            if now {
                pool.shutdown_now();
            } else {
                pool.shutdown().unwrap();
            }
            let mut records = Vec::new();
            let mut spawns = (0, 0, 0);
            for j in submitters {
                let (r, (calls, rejected, ran)) = j.join().unwrap();
                records.extend(r);
                spawns.0 += calls;
                spawns.1 += rejected;
                spawns.2 += ran.load(Ordering::SeqCst);
            }
            done.store(true, Ordering::SeqCst);
            (records, spawns, checker.join().unwrap())
        });
        assert!(snapshots >= 1);

        let st = pool.stats();
        assert_eq!(st.in_flight, 0, "{st:?}");
        assert_eq!(st.queued, 0, "{st:?}");
        assert_eq!(st.submitted, SUBMITTERS * PER_SUBMITTER);
        let (mut ok, mut cancelled, mut rejected) = (0, 0, 0);
        for (h, ran) in records {
            assert!(h.is_finished(), "every job ended once shutdown returned");
            match h.join() {
                Ok(()) => {
                    assert!(ran.load(Ordering::SeqCst));
                    ok += 1;
                }
                Err(JobError::Cancelled) => {
                    // These closures never return `Err`: Cancelled means never started.
                    assert!(!ran.load(Ordering::SeqCst), "a job ran after Cancelled");
                    cancelled += 1;
                }
                Err(JobError::Rejected) => {
                    assert!(!ran.load(Ordering::SeqCst));
                    rejected += 1;
                }
                Err(e) => panic!("unexpected {e:?}"),
            }
        }
        let (spawn_calls, spawn_rejected, spawn_ran) = spawns;
        let spawn_discarded = spawn_calls - spawn_rejected - spawn_ran;
        assert_eq!(st.finished, ok + spawn_ran, "{st:?}");
        assert_eq!(st.rejected, rejected + spawn_rejected, "{st:?}");
        assert_eq!(
            st.cancelled_before_start,
            cancelled + spawn_discarded,
            "{st:?}"
        );
        if !now {
            assert_eq!(spawn_discarded, 0, "a graceful shutdown discards no spawn");
        }
    }
    assert!(
        iterations >= 10,
        "only {iterations} iterations in the time budget"
    );
}

/// `Drop` of the last `Arc<ThreadPool>` inside one of its own jobs cannot join; it must
/// not hang, and the workers still exit.
#[test]
fn dropping_the_last_handle_inside_a_job_does_not_hang() {
    let exits = Arc::new(AtomicUsize::new(0));
    let e = Arc::clone(&exits);
    let (exited_tx, exited_rx) = mpsc::channel::<()>();
    let exited_tx = std::sync::Mutex::new(exited_tx);
    let pool = Arc::new(
        ThreadPoolBuilder::new()
            .num_threads(2)
            .exit_handler(move |_| {
                e.fetch_add(1, Ordering::SeqCst);
                exited_tx.lock().unwrap().send(()).unwrap();
            })
            .build()
            .unwrap(),
    );
    let (tx, rx) = mpsc::channel::<Arc<ThreadPool>>();
    let h = pool.submit(move |_| {
        let last = rx.recv().unwrap();
        drop(last);
        Ok(())
    });
    tx.send(pool).unwrap();
    // The job's handle outlives the pool; the job finished normally.
    assert!(h.join().is_ok());
    for _ in 0..2 {
        exited_rx.recv_timeout(Duration::from_secs(30)).unwrap();
    }
    assert_eq!(exits.load(Ordering::SeqCst), 2);
}

//! `isolate` (P8): a job that holds a lock across an isolated `join`/`scope` never picks
//! up an unrelated queued job that wants the same lock (the re-entrant deadlock of rayon
//! issues 592/1174); isolation works outside a pool, returns the value, and ends when
//! `isolate` returns.

mod common;

use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex as StdMutex, mpsc};
use std::thread::{self, ThreadId};
use std::time::Duration;

use cancelpool::sync::Mutex;
use cancelpool::{ThreadPool, ThreadPoolBuilder};
use common::{WATCHDOG, within};

fn pool(n: usize) -> ThreadPool {
    ThreadPoolBuilder::new().num_threads(n).build().unwrap()
}

/// The waiting worker holds the lock, and unrelated jobs that want it sit on its own
/// deque while its `join` waits for a stolen half. Without isolation it would pop one
/// of them and block on its own lock forever; here such a job notices that it runs on
/// the lock holder's thread and records a violation instead of deadlocking.
#[test]
fn a_lock_held_across_an_isolated_join_is_never_wanted_by_a_job_the_waiter_runs() {
    within(WATCHDOG, "isolated join under a lock", || {
        let pool = Arc::new(pool(2));
        let lock = Arc::new(Mutex::new(0u32));
        // The thread holding `lock` inside the isolated region, while it does.
        let holder: Arc<StdMutex<Option<ThreadId>>> = Arc::new(StdMutex::new(None));
        let unrelated_done = Arc::new(AtomicUsize::new(0));
        let violations = Arc::new(AtomicUsize::new(0));
        let barrier = Barrier::new(2);
        pool.install(|| {
            let mut guard = lock.lock();
            *holder.lock().unwrap() = Some(thread::current().id());
            cancelpool::isolate(|| {
                cancelpool::join(
                    || {
                        barrier.wait(); // `b` runs on the other worker now
                        // Unrelated detached jobs, queued on this worker's own deque.
                        for _ in 0..4 {
                            let lock = Arc::clone(&lock);
                            let holder = Arc::clone(&holder);
                            let done = Arc::clone(&unrelated_done);
                            let violations = Arc::clone(&violations);
                            cancelpool::spawn(move || {
                                if *holder.lock().unwrap() == Some(thread::current().id()) {
                                    // Run by the waiter: locking would deadlock.
                                    violations.fetch_add(1, Ordering::SeqCst);
                                    return;
                                }
                                *lock.lock() += 1;
                                done.fetch_add(1, Ordering::SeqCst);
                            });
                        }
                    },
                    || {
                        barrier.wait();
                        // Keep `b` running for a while so the waiter searches for work
                        // (without isolation it pops an unrelated job at once). Not a
                        // synchronisation: the scenario is valid however long this takes.
                        common::eventually(Duration::from_millis(200), || pool.stats().parked >= 1);
                    },
                )
            });
            *guard += 100;
            *holder.lock().unwrap() = None;
        });
        pool.shutdown().unwrap();
        assert_eq!(
            violations.load(Ordering::SeqCst),
            0,
            "an unrelated job ran on the lock holder inside its isolated join"
        );
        assert_eq!(unrelated_done.load(Ordering::SeqCst), 4);
        assert_eq!(*lock.lock(), 104);
    });
}

/// rayon issue 592 in its usual form: scope jobs each take the lock and fork inside it
/// (a smoke test over pool sizes; the deterministic scenario is the test above).
#[test]
fn scope_jobs_that_lock_and_fork_inside_isolate_all_complete() {
    within(WATCHDOG, "scope jobs locking around isolated forks", || {
        for threads in [1, 2, 3] {
            let pool = pool(threads);
            for _ in 0..20 {
                let shared = Mutex::new(Vec::new());
                pool.scope(|s| {
                    for i in 0..64u64 {
                        let shared = &shared;
                        s.spawn(move |_| {
                            let mut guard = shared.lock();
                            let (a, b) = cancelpool::isolate(|| {
                                cancelpool::join(
                                    || i * 2,
                                    || {
                                        cancelpool::scope(|s2| s2.spawn(|_| {}));
                                        i * 2 + 1
                                    },
                                )
                            });
                            guard.push(a + b);
                        });
                    }
                });
                let mut v = shared.into_inner();
                v.sort_unstable();
                assert_eq!(v, (0..64u64).map(|i| 4 * i + 1).collect::<Vec<_>>());
            }
        }
    });
}

#[test]
fn isolate_outside_a_pool_works() {
    assert_eq!(cancelpool::isolate(|| cancelpool::join(|| 1, || 2)), (1, 2));
    let count = AtomicUsize::new(0);
    cancelpool::isolate(|| {
        cancelpool::scope(|s| {
            for _ in 0..100 {
                s.spawn(|_| {
                    count.fetch_add(1, Ordering::SeqCst);
                });
            }
        })
    });
    assert_eq!(count.into_inner(), 100);
    let pool = pool(2);
    assert_eq!(
        cancelpool::isolate(|| pool.join(|| "a", || "b")),
        ("a", "b")
    );
}

#[test]
fn isolate_returns_the_value() {
    assert_eq!(cancelpool::isolate(|| 42), 42);
    // No `Send` bound: the closure runs on the calling thread.
    let rc = cancelpool::isolate(|| Rc::new(String::from("local")));
    assert_eq!(*rc, "local");
    let pool = pool(2);
    let v = pool.install(|| {
        cancelpool::isolate(|| cancelpool::isolate(|| vec![cancelpool::join(|| 1, || 2)]))
    });
    assert_eq!(v, vec![(1, 2)]);
}

/// After `isolate` returns, the worker steals unrelated work again while it waits.
#[test]
fn isolation_ends_when_isolate_returns() {
    within(WATCHDOG, "stealing after isolate", || {
        let pool = pool(2);
        let barrier = Barrier::new(2);
        let (tx, rx) = mpsc::channel::<()>();
        let rx = StdMutex::new(rx);
        let ran_on_waiter = pool.install(|| {
            assert_eq!(cancelpool::isolate(|| cancelpool::join(|| 1, || 2)), (1, 2));
            let waiter = std::thread::current().id();
            let (_, j_thread) = cancelpool::join(
                || barrier.wait(),
                || {
                    barrier.wait(); // stolen: on the other worker
                    // A detached job queued here; this worker then blocks until it ran,
                    // so only the waiting worker can run it — by stealing.
                    let (thread_tx, thread_rx) = mpsc::channel();
                    let tx = tx.clone();
                    cancelpool::spawn(move || {
                        thread_tx.send(std::thread::current().id()).unwrap();
                        tx.send(()).unwrap();
                    });
                    rx.lock().unwrap().recv_timeout(WATCHDOG).unwrap();
                    thread_rx.recv().unwrap()
                },
            );
            j_thread == waiter
        });
        assert!(ran_on_waiter);
    });
}

/// CPU time (user + system) of one thread of this process, in milliseconds.
#[cfg(target_os = "linux")]
fn thread_cpu_ms(tid: i32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/self/task/{tid}/stat")).unwrap();
    // Fields after the parenthesised command name; utime and stime are fields 14, 15.
    let fields: Vec<&str> = stat[stat.rfind(')').unwrap() + 2..]
        .split_whitespace()
        .collect();
    let ticks = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    // SAFETY: sysconf has no preconditions.
    ticks * 1000 / unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as u64
}

/// P5: a worker waiting inside an isolated region for a half stolen by another worker
/// should park, even when the injector holds jobs it is not allowed to run.
#[cfg(target_os = "linux")]
#[test]
fn an_isolated_waiter_parks_while_the_injector_holds_jobs_it_may_not_run() {
    within(WATCHDOG, "isolated waiter CPU", || {
        let pool = pool(2);
        let barrier = Barrier::new(2);
        let busy_ms = pool.install(|| {
            // SAFETY: gettid has no preconditions.
            let waiter = unsafe { libc::gettid() };
            let (_, busy_ms) = cancelpool::isolate(|| {
                cancelpool::join(
                    || {
                        barrier.wait(); // `b` runs on the other worker now
                        // An unrelated job the waiter may not run (it goes to the
                        // injector from inside an isolated region).
                        pool.spawn(|| {});
                    },
                    || {
                        barrier.wait();
                        let before = thread_cpu_ms(waiter);
                        // The measurement window (the workload of this half).
                        thread::sleep(Duration::from_secs(1));
                        thread_cpu_ms(waiter) - before
                    },
                )
            });
            busy_ms
        });
        assert!(
            busy_ms < 100,
            "the isolated waiter used {busy_ms} ms of CPU in 1 s while waiting"
        );
    });
}

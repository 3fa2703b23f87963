//! `scope` (P2, P4) and the per-job cancel state (C4–C6) as scopes and `join` see it:
//! borrows, nested and many spawns, panics, `Scope::cancel`, the scope's token in the
//! token tree, ambient `current_token()`/`checkpoint()`, inheritance of the disable state
//! at forks, and no leak of state between a waiting job and a job it runs meanwhile.

mod common;

use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Barrier, Mutex, mpsc};
use std::thread::{self, ThreadId};
use std::time::Instant;

use cancelpool::{Scope, ThreadPool, ThreadPoolBuilder};
use cancelpool::{cancel_enabled, checkpoint, current_token, disable_cancel};
use common::{EXPECTED, WATCHDOG};

fn pool(n: usize) -> ThreadPool {
    ThreadPoolBuilder::new().num_threads(n).build().unwrap()
}

/// Polls the ambient checkpoint until it reports cancellation; false if that did not
/// happen within the watchdog bound.
fn poll_until_cancelled() -> bool {
    let deadline = Instant::now() + WATCHDOG;
    while Instant::now() < deadline {
        if checkpoint().is_err() {
            return true;
        }
        thread::yield_now();
    }
    false
}

fn me() -> ThreadId {
    thread::current().id()
}

#[test]
fn spawned_jobs_borrow_from_the_enclosing_frame() {
    let pool = pool(2);
    let input: Vec<u64> = (0..1000).collect();
    let mut doubled = vec![0u64; 1000];
    let total = AtomicUsize::new(0);
    pool.scope(|s| {
        for (from, to) in input.chunks(64).zip(doubled.chunks_mut(64)) {
            let total = &total;
            s.spawn(move |_| {
                for (x, y) in from.iter().zip(to) {
                    *y = 2 * x;
                }
                total.fetch_add(from.len(), Ordering::SeqCst);
            });
        }
    });
    assert!(doubled.iter().zip(&input).all(|(d, x)| *d == 2 * x));
    assert_eq!(total.into_inner(), 1000);
}

fn spawn_tree<'s>(s: &Scope<'s>, depth: u32, count: &'s AtomicUsize) {
    count.fetch_add(1, Ordering::SeqCst);
    if depth > 0 {
        s.spawn(move |s| spawn_tree(s, depth - 1, count));
        s.spawn(move |s| spawn_tree(s, depth - 1, count));
    }
}

#[test]
fn nested_spawns_all_run_before_the_scope_returns() {
    let pool = pool(2);
    let count = AtomicUsize::new(0);
    pool.scope(|s| spawn_tree(s, 10, &count));
    assert_eq!(count.into_inner(), (1 << 11) - 1);

    // A scope inside a scope job: the outer one waits for the inner one's jobs too.
    let count = AtomicUsize::new(0);
    pool.scope(|s| {
        s.spawn(|_| cancelpool::scope(|inner| spawn_tree(inner, 5, &count)));
    });
    assert_eq!(count.into_inner(), (1 << 6) - 1);
}

#[test]
fn ten_thousand_spawns_all_run() {
    let pool = pool(2);
    let count = AtomicUsize::new(0);
    pool.scope(|s| {
        for _ in 0..10_000 {
            s.spawn(|_| {
                count.fetch_add(1, Ordering::Relaxed);
            });
        }
    });
    assert_eq!(count.into_inner(), 10_000);
    assert_eq!(pool.stats().queued, 0);
}

#[test]
fn a_panic_in_a_spawned_job_propagates_after_all_other_jobs_finished() {
    common::quiet_expected_panics();
    let pool = pool(2);
    let finished = AtomicUsize::new(0);
    let late_finished = AtomicBool::new(false);
    let (tx, rx) = mpsc::channel::<()>();
    let rx = Mutex::new(rx);
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        pool.scope(|s| {
            // This one is still running when the other one panics.
            s.spawn(|_| {
                let _ = rx.lock().unwrap().recv_timeout(WATCHDOG);
                for _ in 0..500 {
                    thread::yield_now();
                }
                late_finished.store(true, Ordering::SeqCst);
            });
            s.spawn(|_| {
                tx.send(()).unwrap();
                panic!("{EXPECTED}: scope job");
            });
            for _ in 0..50 {
                s.spawn(|_| {
                    for _ in 0..20 {
                        thread::yield_now();
                    }
                    finished.fetch_add(1, Ordering::SeqCst);
                });
            }
        })
    }));
    let payload = result.unwrap_err();
    assert_eq!(
        common::panic_message(&*payload),
        format!("{EXPECTED}: scope job")
    );
    assert_eq!(finished.into_inner(), 50);
    assert!(late_finished.into_inner());
}

#[test]
fn a_panic_in_the_scope_body_propagates_after_its_jobs_finished() {
    common::quiet_expected_panics();
    let pool = pool(2);
    let finished = AtomicUsize::new(0);
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        pool.scope(|s| {
            for _ in 0..20 {
                s.spawn(|_| {
                    for _ in 0..50 {
                        thread::yield_now();
                    }
                    finished.fetch_add(1, Ordering::SeqCst);
                });
            }
            panic!("{EXPECTED}: body");
        })
    }));
    assert_eq!(
        common::panic_message(&*result.unwrap_err()),
        format!("{EXPECTED}: body")
    );
    assert_eq!(finished.into_inner(), 20);
}

#[test]
fn scope_cancel_stops_every_job_and_its_forks_at_their_checkpoints() {
    let pool = pool(2);
    let stopped = AtomicUsize::new(0);
    let scope_cancelled = pool.scope(|s| {
        for _ in 0..8 {
            s.spawn(|_| {
                let (a, b) = cancelpool::join(poll_until_cancelled, poll_until_cancelled);
                if a && b {
                    stopped.fetch_add(1, Ordering::SeqCst);
                }
            });
        }
        s.spawn(|s| {
            s.spawn(|_| {
                if poll_until_cancelled() {
                    stopped.fetch_add(1, Ordering::SeqCst);
                }
            });
        });
        assert!(s.cancel(), "the first cancel makes the request");
        assert!(!s.cancel());
        s.is_cancelled()
    });
    assert!(scope_cancelled);
    assert_eq!(stopped.into_inner(), 9);
}

#[test]
fn a_job_can_cancel_its_own_scope_while_siblings_run() {
    let pool = pool(2);
    let started = AtomicUsize::new(0);
    let stopped = AtomicUsize::new(0);
    pool.scope(|s| {
        for _ in 0..3 {
            s.spawn(|_| {
                started.fetch_add(1, Ordering::SeqCst);
                if poll_until_cancelled() {
                    stopped.fetch_add(1, Ordering::SeqCst);
                }
            });
        }
        s.spawn(|s| {
            // Wait until a sibling runs on the other worker, then cancel the scope.
            assert!(common::eventually(WATCHDOG, || started
                .load(Ordering::SeqCst)
                >= 1));
            s.cancel();
        });
    });
    assert_eq!(stopped.into_inner(), 3);
}

#[test]
fn cancelling_the_enclosing_submitted_job_cancels_a_scope_inside_it() {
    let pool = pool(2);
    let (started_tx, started_rx) = mpsc::channel();
    let handle = pool.submit(move |token| {
        let stopped = AtomicBool::new(false);
        let scope_token = cancelpool::scope(|s| {
            s.spawn(|_| {
                started_tx.send(()).unwrap();
                stopped.store(poll_until_cancelled(), Ordering::SeqCst);
            });
            s.token()
        });
        // The job keeps its work: it returns Ok after the request (P3).
        Ok((
            stopped.into_inner(),
            scope_token.is_cancelled(),
            token.is_cancelled(),
        ))
    });
    started_rx.recv_timeout(WATCHDOG).unwrap();
    assert!(handle.cancel());
    assert_eq!(handle.join().unwrap(), (true, true, true));
}

#[test]
fn cancelling_a_scope_does_not_cancel_the_enclosing_job() {
    let pool = pool(2);
    let handle = pool.submit(|token| {
        let inside = cancelpool::scope(|s| {
            s.cancel();
            (current_token().is_cancelled(), checkpoint().is_err())
        });
        Ok((
            inside,
            token.is_cancelled(),
            current_token().is_cancelled(),
            checkpoint().is_ok(),
        ))
    });
    assert_eq!(handle.join().unwrap(), ((true, true), false, false, true));
}

#[test]
fn a_scope_entered_from_outside_is_a_child_of_the_pool_token() {
    let pool = pool(2);
    let seen = AtomicBool::new(false);
    let scope_token = pool.scope(|s| {
        s.spawn(|_| {
            pool.cancel_all();
        });
        s.spawn(|_| seen.store(poll_until_cancelled(), Ordering::SeqCst));
        s.token()
    });
    assert!(seen.into_inner());
    assert!(scope_token.is_cancelled());
}

#[test]
fn ambient_token_in_scope_jobs_and_join_halves_is_the_scopes() {
    let pool = pool(2);
    let barrier = Barrier::new(2);
    let results = Mutex::new(Vec::new());
    let record = |what: &'static str, value: bool| results.lock().unwrap().push((what, value));
    pool.scope(|outer| {
        record("outer body before", current_token().is_cancelled());
        outer.spawn(|_| {
            cancelpool::scope(|inner| {
                inner.spawn(|_| record("inner job before cancel", checkpoint().is_err()));
            });
            cancelpool::scope(|inner| {
                inner.cancel();
                record("inner body", current_token().is_cancelled());
                inner.spawn(|_| {
                    record("inner job", checkpoint().is_err());
                    // A join half that is stolen runs on another thread, under the same
                    // token.
                    let (a, (b, b_thread)) = cancelpool::join(
                        || {
                            barrier.wait();
                            checkpoint().is_err()
                        },
                        || {
                            barrier.wait();
                            (checkpoint().is_err(), me())
                        },
                    );
                    record("inner join a", a);
                    record("inner join b", b);
                    record("b was stolen", b_thread != me());
                });
            });
            // Back in the outer job: its own (uncancelled) token again.
            record("outer job after inner scope", checkpoint().is_err());
        });
    });
    let mut results = results.into_inner().unwrap();
    results.sort();
    let mut expected = vec![
        ("outer body before", false),
        ("inner job before cancel", false),
        ("inner body", true),
        ("inner job", true),
        ("inner join a", true),
        ("inner join b", true),
        ("b was stolen", true),
        ("outer job after inner scope", false),
    ];
    expected.sort();
    assert_eq!(results, expected);
}

#[test]
fn forks_inherit_the_disabled_state_of_their_fork_point() {
    let pool = pool(2);
    let barrier = Barrier::new(2);
    let (a, b, body, spawned) = pool.install(|| {
        let _guard = disable_cancel();
        let (a, b) = cancelpool::join(
            || {
                barrier.wait();
                (cancel_enabled(), me())
            },
            || {
                barrier.wait();
                (cancel_enabled(), me())
            },
        );
        let spawned = AtomicBool::new(true);
        let body = cancelpool::scope(|s| {
            s.spawn(|_| spawned.store(cancel_enabled(), Ordering::SeqCst));
            cancel_enabled()
        });
        (a, b, body, spawned.into_inner())
    });
    assert!(
        !a.0 && !b.0,
        "both join halves are part of the disabled section"
    );
    assert_ne!(a.1, b.1, "including the stolen one");
    assert!(
        !body && !spawned,
        "a scope made in a disabled section is disabled"
    );

    // Within one scope, each spawn takes the state of its own fork point.
    let states = Mutex::new(Vec::new());
    pool.scope(|s| {
        {
            let _guard = disable_cancel();
            s.spawn(|_| states.lock().unwrap().push(("disabled", cancel_enabled())));
        }
        s.spawn(|_| states.lock().unwrap().push(("enabled", cancel_enabled())));
    });
    let mut states = states.into_inner().unwrap();
    states.sort();
    assert_eq!(states, [("disabled", false), ("enabled", true)]);
}

#[test]
fn a_disabled_fork_keeps_a_pending_request_pending() {
    let pool = pool(2);
    let (cancelled, delivered) = pool.scope(|s| {
        s.cancel();
        let _guard = disable_cancel();
        cancelpool::join(|| current_token().is_cancelled(), || checkpoint().is_err())
    });
    assert!(cancelled, "the request is there");
    assert!(!delivered, "but not delivered inside the disabled section");
}

#[test]
fn submitted_and_spawned_jobs_start_enabled_even_from_a_disabled_section() {
    let pool = pool(2);
    let (submitted, spawned) = pool.install(|| {
        let _guard = disable_cancel();
        assert!(!cancel_enabled());
        let h = cancelpool::submit(|_| Ok(cancel_enabled()));
        let (tx, rx) = mpsc::channel();
        cancelpool::spawn(move || tx.send(cancel_enabled()).unwrap());
        (h.join().unwrap(), rx.recv_timeout(WATCHDOG).unwrap())
    });
    assert!(submitted && spawned);

    // From a thread outside the pool, too.
    let _guard = disable_cancel();
    assert!(pool.submit(|_| Ok(cancel_enabled())).join().unwrap());
    // `install` is not detached: it runs as part of the caller's (disabled) section.
    assert!(!pool.install(cancel_enabled));
}

/// C4: the waiting job is enabled; while it waits for its stolen half, its worker runs
/// a job forked in a disabled section. The waiting job is enabled again afterwards.
#[test]
fn a_disabled_job_run_while_waiting_does_not_leak_into_the_waiting_job() {
    common::within(WATCHDOG, "C4: disabled job run while waiting", || {
        let pool = pool(2);
        let barrier = Barrier::new(2);
        let (tx, rx) = mpsc::channel::<()>();
        let rx = Mutex::new(rx);
        let (waiter, enabled_after, (j_enabled, j_thread)) = pool.install(|| {
            assert!(cancel_enabled());
            let (_, j) = cancelpool::join(
                || barrier.wait(),
                || {
                    barrier.wait(); // now on the other worker: this half was stolen
                    let _guard = disable_cancel();
                    // Fork J and block this worker until J ran: only the waiting worker
                    // can run it.
                    let (_, j) = cancelpool::join(
                        || rx.lock().unwrap().recv_timeout(WATCHDOG).unwrap(),
                        || {
                            let j = (cancel_enabled(), me());
                            tx.send(()).unwrap();
                            j
                        },
                    );
                    j
                },
            );
            (me(), cancel_enabled(), j)
        });
        assert_eq!(j_thread, waiter, "J ran on the waiting worker");
        assert!(!j_enabled, "J had its own (disabled) state");
        assert!(enabled_after, "the waiting job's state was restored");
    });
}

/// C4, the other way round, and for the token as well: the waiting job is disabled and
/// runs under a cancelled scope token; while it waits, its worker runs a submitted job
/// (enabled, its own uncancelled token).
#[test]
fn an_enabled_job_run_while_waiting_does_not_leak_into_the_waiting_job() {
    common::within(WATCHDOG, "C4: enabled job run while waiting", || {
        let pool = pool(2);
        let barrier = Barrier::new(2);
        let outcome = pool.scope(|s| {
            s.cancel();
            let _guard = disable_cancel();
            let waiter = me();
            let (_, j) = cancelpool::join(
                || barrier.wait(),
                || {
                    barrier.wait(); // stolen: on the other worker
                    // Queued on this worker's deque; this worker then blocks in
                    // `join_timeout`, so only the waiting worker can run it.
                    let h = cancelpool::submit(|token| {
                        Ok((
                            cancel_enabled(),
                            checkpoint().is_ok() && !current_token().is_cancelled(),
                            token.is_cancelled(),
                            me(),
                        ))
                    });
                    let result = h.join_timeout(WATCHDOG).expect("J ran in time");
                    result.unwrap()
                },
            );
            let after = (cancel_enabled(), checkpoint().is_ok());
            drop(_guard);
            (waiter, j, after, checkpoint().is_err())
        });
        let (waiter, (j_enabled, j_ok, j_token_cancelled, j_thread), after, delivered) = outcome;
        assert_eq!(j_thread, waiter, "J ran on the waiting worker");
        assert!(
            j_enabled && j_ok && !j_token_cancelled,
            "J had its own state and token"
        );
        assert_eq!(after, (false, true), "still disabled after J ran");
        assert!(delivered, "and still under the cancelled scope token");
    });
}

//! C7: `on_cancel` callbacks and their `CancelCallback` guards, through the public API.

mod common;

use std::panic;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex, Once};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

use cancelpool::{CancelCallback, CancelSource, CancelToken, Cancelled};

#[global_allocator]
static ALLOC: common::CountingAlloc = common::CountingAlloc;

const WATCHDOG: Duration = Duration::from_secs(10);

fn counter() -> (Arc<AtomicUsize>, impl FnOnce() + Send + 'static) {
    let count = Arc::new(AtomicUsize::new(0));
    let c = Arc::clone(&count);
    (count, move || {
        c.fetch_add(1, Ordering::SeqCst);
    })
}

#[test]
fn runs_exactly_once_on_the_cancelling_thread() {
    let source = CancelSource::new();
    let ran_on: Arc<Mutex<Vec<ThreadId>>> = Arc::default();
    let r = Arc::clone(&ran_on);
    let guard = source.token().on_cancel(move || {
        r.lock().unwrap().push(thread::current().id());
    });
    assert!(guard.is_registered());
    assert!(ran_on.lock().unwrap().is_empty(), "not before the cancel");
    let s = source.clone();
    let canceller = thread::spawn(move || {
        assert!(s.cancel());
        assert!(!s.cancel());
        thread::current().id()
    });
    let canceller_id = canceller.join().unwrap();
    assert!(!source.cancel());
    assert_eq!(*ran_on.lock().unwrap(), vec![canceller_id]);
    assert!(!guard.is_registered());
    drop(guard);
    assert_eq!(ran_on.lock().unwrap().len(), 1);
}

#[test]
fn callbacks_of_the_whole_subtree_have_run_when_cancel_returns() {
    let root = CancelSource::new();
    let child = CancelSource::child_of(&root.token());
    let grandchild = CancelSource::child_of(&child.token());
    let mut counts = Vec::new();
    let mut guards = Vec::new();
    for token in [root.token(), child.token(), grandchild.token()] {
        for _ in 0..3 {
            let (count, f) = counter();
            guards.push(token.on_cancel(f));
            counts.push(count);
        }
    }
    assert!(root.cancel());
    assert!(counts.iter().all(|c| c.load(Ordering::SeqCst) == 1));
    assert!(guards.iter().all(|g| !g.is_registered()));
}

#[test]
fn runs_at_once_on_the_registering_thread_if_already_cancelled() {
    let source = CancelSource::new();
    source.cancel();
    let ran_on: Arc<Mutex<Option<ThreadId>>> = Arc::default();
    let r = Arc::clone(&ran_on);
    let guard = source.token().on_cancel(move || {
        *r.lock().unwrap() = Some(thread::current().id());
    });
    assert_eq!(
        *ran_on.lock().unwrap(),
        Some(thread::current().id()),
        "ran before on_cancel returned, on this thread"
    );
    assert!(!guard.is_registered());
    drop(guard); // does not block, does not run again
    // Also for a child born cancelled.
    let (count, f) = counter();
    let child = CancelSource::child_of(&source.token());
    let _g = child.token().on_cancel(f);
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

#[test]
fn never_runs_if_the_guard_is_dropped_first() {
    let source = CancelSource::new();
    let (count, f) = counter();
    let guard = source.token().on_cancel(f);
    drop(guard);
    // The closure was released with the guard (it held the only other count).
    assert_eq!(Arc::strong_count(&count), 1);
    assert!(source.cancel());
    assert_eq!(count.load(Ordering::SeqCst), 0);
}

#[test]
fn on_the_never_token_the_callback_never_runs() {
    let (count, f) = counter();
    let guard = CancelToken::never().on_cancel(f);
    assert!(!guard.is_registered());
    drop(guard);
    assert_eq!(count.load(Ordering::SeqCst), 0);
}

#[test]
fn dropping_the_guard_on_another_thread_waits_for_the_running_callback() {
    for round in 0..common::scaled(20, 2) {
        let source = CancelSource::new();
        // The callback tells the dropper it has started, then works for a while, checking
        // that the dropper's `drop` has not returned; it records that it finished.
        let started = Arc::new(Barrier::new(2));
        let drop_returned = Arc::new(AtomicBool::new(false));
        let finished = Arc::new(AtomicBool::new(false));
        let violated = Arc::new(AtomicBool::new(false));
        let guard = {
            let (started, drop_returned, finished, violated) = (
                Arc::clone(&started),
                Arc::clone(&drop_returned),
                Arc::clone(&finished),
                Arc::clone(&violated),
            );
            source.token().on_cancel(move || {
                started.wait();
                // Workload: long enough for the dropper to reach `drop` and block.
                let until = Instant::now() + Duration::from_millis(20);
                while Instant::now() < until {
                    if drop_returned.load(Ordering::SeqCst) {
                        violated.store(true, Ordering::SeqCst);
                    }
                    thread::yield_now();
                }
                finished.store(true, Ordering::SeqCst);
            })
        };
        let dropper = {
            let (started, drop_returned, finished) = (
                Arc::clone(&started),
                Arc::clone(&drop_returned),
                Arc::clone(&finished),
            );
            thread::spawn(move || {
                started.wait(); // the callback is running now
                assert!(
                    !guard.is_registered(),
                    "a running callback is not registered"
                );
                drop(guard);
                drop_returned.store(true, Ordering::SeqCst);
                finished.load(Ordering::SeqCst)
            })
        };
        assert!(source.cancel());
        let saw_finished = common::within(WATCHDOG, "dropper", move || dropper.join().unwrap());
        assert!(
            saw_finished,
            "round {round}: drop returned before the callback did"
        );
        assert!(!violated.load(Ordering::SeqCst), "round {round}");
    }
}

#[test]
fn dropping_the_guard_inside_the_callback_does_not_deadlock() {
    let source = CancelSource::new();
    let slot: Arc<Mutex<Option<CancelCallback>>> = Arc::default();
    let (count, bump) = counter();
    let s = Arc::clone(&slot);
    let guard = source.token().on_cancel(move || {
        let own = s.lock().unwrap().take();
        drop(own); // its own guard, from inside the callback
        bump();
    });
    *slot.lock().unwrap() = Some(guard);
    let s2 = source.clone();
    assert!(common::within(WATCHDOG, "cancel", move || s2.cancel()));
    assert_eq!(count.load(Ordering::SeqCst), 1);
    assert!(slot.lock().unwrap().is_none());
}

#[test]
fn a_callback_may_cancel_register_and_unregister_on_its_own_token() {
    let source = CancelSource::new();
    let token = source.token();
    let (b_count, b) = counter();
    let b_guard: Arc<Mutex<Option<CancelCallback>>> =
        Arc::new(Mutex::new(Some(token.on_cancel(b))));
    let (inner_count, inner) = counter();
    let b_ran_before_a = Arc::new(AtomicUsize::new(usize::MAX));
    let a_guard = {
        let (source, token, b_guard, b_count, b_ran_before_a) = (
            source.clone(),
            token.clone(),
            Arc::clone(&b_guard),
            Arc::clone(&b_count),
            Arc::clone(&b_ran_before_a),
        );
        token.clone().on_cancel(move || {
            assert!(!source.cancel(), "re-entrant cancel finds the request made");
            assert_eq!(token.checkpoint(), Err(Cancelled));
            // Registered on a cancelled token: runs at once, here.
            token.on_cancel(inner).detach();
            b_ran_before_a.store(b_count.load(Ordering::SeqCst), Ordering::SeqCst);
            drop(b_guard.lock().unwrap().take());
        })
    };
    let s = source.clone();
    assert!(common::within(WATCHDOG, "cancel", move || s.cancel()));
    assert_eq!(inner_count.load(Ordering::SeqCst), 1);
    let before = b_ran_before_a.load(Ordering::SeqCst);
    assert!(before <= 1, "a ran");
    assert_eq!(
        b_count.load(Ordering::SeqCst),
        before,
        "b, unregistered by a before it ran, never runs"
    );
    drop(a_guard);
}

/// Installs (once) a panic hook that hides the deliberate panics of these tests and
/// passes every other panic to the previous hook.
fn silence_deliberate_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let msg = info
                .payload()
                .downcast_ref::<&str>()
                .copied()
                .or_else(|| info.payload().downcast_ref::<String>().map(String::as_str));
            if msg != Some("deliberate callback panic") {
                previous(info);
            }
        }));
    });
}

#[test]
fn a_panicking_callback_does_not_stop_the_others_and_the_token_stays_usable() {
    silence_deliberate_panics();
    let source = CancelSource::new();
    let token = source.token();
    let child = CancelSource::child_of(&token);
    let mut counts = Vec::new();
    let mut guards = Vec::new();
    for i in 0..6 {
        if i % 2 == 0 {
            guards.push(token.on_cancel(|| panic!("deliberate callback panic")));
        }
        let (count, f) = counter();
        guards.push(token.on_cancel(f));
        counts.push(count);
    }
    let (child_count, f) = counter();
    guards.push(child.token().on_cancel(f));
    let s = source.clone();
    let result = thread::spawn(move || s.cancel()).join();
    assert!(
        matches!(result, Ok(true)),
        "the panic does not reach the canceller"
    );
    assert!(counts.iter().all(|c| c.load(Ordering::SeqCst) == 1));
    assert_eq!(child_count.load(Ordering::SeqCst), 1);
    // The token is not poisoned.
    assert!(token.is_cancelled());
    assert_eq!(token.checkpoint(), Err(Cancelled));
    assert_eq!(token.wait_cancelled(WATCHDOG), Err(Cancelled));
    assert!(CancelSource::child_of(&token).is_cancelled());
    let (late, f) = counter();
    let _late = token.on_cancel(f);
    assert_eq!(late.load(Ordering::SeqCst), 1);
    drop(guards);
}

#[test]
fn a_panicking_callback_releases_a_guard_dropped_while_it_runs() {
    silence_deliberate_panics();
    let source = CancelSource::new();
    let started = Arc::new(Barrier::new(2));
    let st = Arc::clone(&started);
    let guard = source.token().on_cancel(move || {
        st.wait();
        panic!("deliberate callback panic");
    });
    let dropper = thread::spawn(move || {
        started.wait();
        drop(guard);
    });
    let s = source.clone();
    assert!(common::within(WATCHDOG, "cancel", move || s.cancel()));
    common::within(WATCHDOG, "guard drop", move || dropper.join().unwrap());
}

#[test]
fn a_panicking_callback_run_at_registration_leaves_the_token_usable() {
    silence_deliberate_panics();
    let source = CancelSource::new();
    source.cancel();
    let token = source.token();
    // Whether the panic reaches the registering caller or not, nothing is poisoned.
    let _ = panic::catch_unwind(panic::AssertUnwindSafe(|| {
        let _g = token.on_cancel(|| panic!("deliberate callback panic"));
    }));
    let (count, f) = counter();
    let _g = token.on_cancel(f);
    assert_eq!(count.load(Ordering::SeqCst), 1);
    assert_eq!(token.checkpoint(), Err(Cancelled));
}

#[test]
fn detach_keeps_the_callback_for_the_life_of_the_token() {
    let source = CancelSource::new();
    let (count, f) = counter();
    source.token().on_cancel(f).detach();
    assert_eq!(count.load(Ordering::SeqCst), 0);
    assert!(source.cancel());
    assert_eq!(count.load(Ordering::SeqCst), 1);
    assert!(!source.cancel());
    assert_eq!(count.load(Ordering::SeqCst), 1);

    // A detached callback that never runs is freed with the token's state.
    let source = CancelSource::new();
    let (count, f) = counter();
    source.token().on_cancel(f).detach();
    assert_eq!(Arc::strong_count(&count), 2);
    drop(source);
    assert_eq!(
        Arc::strong_count(&count),
        1,
        "released with the last handle"
    );
    assert_eq!(count.load(Ordering::SeqCst), 0);
}

#[test]
fn is_registered_tracks_the_registration() {
    let source = CancelSource::new();
    let g = source.token().on_cancel(|| {});
    assert!(g.is_registered());
    let h = source.token().on_cancel(|| {});
    assert!(g.is_registered() && h.is_registered());
    source.cancel();
    assert!(!g.is_registered() && !h.is_registered());
    let late = source.token().on_cancel(|| {});
    assert!(!late.is_registered(), "ran at once");
}

#[test]
fn registering_and_dropping_many_callbacks_does_not_grow_the_token() {
    const CHURN: usize = common::scaled(100_000, 300);
    let source = CancelSource::new();
    let token = source.token();
    for _ in 0..16 {
        drop(token.on_cancel(|| {}));
    }
    let keep = token.on_cancel(|| {});
    let before = common::net_bytes_on_this_thread();
    for _ in 0..CHURN {
        drop(token.on_cancel(|| {}));
    }
    let growth = common::net_bytes_on_this_thread() - before;
    assert!(
        growth <= 1024,
        "{CHURN} registered-and-dropped callbacks left {growth} bytes behind"
    );
    assert!(keep.is_registered());
    source.cancel();
    assert!(!keep.is_registered());
}

#[test]
fn many_registered_callbacks_all_run_once() {
    const N: usize = common::scaled(100_000, 300);
    let source = CancelSource::new();
    let count = Arc::new(AtomicUsize::new(0));
    let guards: Vec<CancelCallback> = (0..N)
        .map(|_| {
            let c = Arc::clone(&count);
            source.token().on_cancel(move || {
                c.fetch_add(1, Ordering::Relaxed);
            })
        })
        .collect();
    let s = source.clone();
    // Watchdog, not a speed test: running N callbacks must be linear, not quadratic.
    assert!(common::within(
        WATCHDOG,
        "cancel with 100k callbacks",
        move || s.cancel()
    ));
    assert_eq!(count.load(Ordering::SeqCst), N);
    drop(guards);
}

#[test]
fn on_cancel_racing_cancel_from_several_threads_runs_exactly_once() {
    const ROUNDS: usize = common::scaled(500, 15);
    for round in 0..ROUNDS {
        let source = CancelSource::new();
        let barrier = Arc::new(Barrier::new(4));
        let cancellers: Vec<_> = (0..3)
            .map(|_| {
                let s = source.clone();
                let b = Arc::clone(&barrier);
                thread::spawn(move || {
                    b.wait();
                    s.cancel()
                })
            })
            .collect();
        let (count, f) = counter();
        barrier.wait();
        let guard = source.token().on_cancel(f);
        let winners: usize = cancellers
            .into_iter()
            .map(|h| usize::from(h.join().unwrap()))
            .sum();
        assert_eq!(winners, 1);
        assert_eq!(count.load(Ordering::SeqCst), 1, "round {round}");
        drop(guard);
        assert_eq!(count.load(Ordering::SeqCst), 1, "round {round}");
    }
}

#[test]
fn guard_drop_racing_cancel_gives_exactly_once_or_never() {
    const ROUNDS: usize = common::scaled(500, 15);
    let mut ran = 0;
    for round in 0..ROUNDS {
        let source = CancelSource::new();
        let dropped = Arc::new(AtomicBool::new(false));
        let count = Arc::new(AtomicUsize::new(0));
        let late = Arc::new(AtomicBool::new(false));
        let guard = {
            let (dropped, count, late) =
                (Arc::clone(&dropped), Arc::clone(&count), Arc::clone(&late));
            source.token().on_cancel(move || {
                // Once `drop(guard)` has returned, the callback must not start.
                if dropped.load(Ordering::SeqCst) {
                    late.store(true, Ordering::SeqCst);
                }
                count.fetch_add(1, Ordering::SeqCst);
            })
        };
        let barrier = Arc::new(Barrier::new(3));
        let cancellers: Vec<_> = (0..2)
            .map(|_| {
                let s = source.clone();
                let b = Arc::clone(&barrier);
                thread::spawn(move || {
                    b.wait();
                    s.cancel();
                })
            })
            .collect();
        barrier.wait();
        drop(guard);
        dropped.store(true, Ordering::SeqCst);
        for c in cancellers {
            c.join().unwrap();
        }
        let n = count.load(Ordering::SeqCst);
        assert!(n <= 1, "round {round}: ran {n} times");
        assert!(
            !late.load(Ordering::SeqCst),
            "round {round}: ran after drop returned"
        );
        ran += n;
    }
    // Not an assertion about scheduling, just a sanity line for whoever reads the log.
    println!("callback ran in {ran}/{ROUNDS} rounds");
}

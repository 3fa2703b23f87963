//! C10: deadlines (`with_deadline`, `with_timeout`, `cancel_after`, `cancel_at`), through
//! the public API. Assertions about time are one-sided and correctness-only: a deadline
//! never fires *before* it is due, and a removed deadline never fires; "fires" is
//! checked with a generous wait.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use cancelpool::{CancelSource, Cancelled};

/// Much longer than any deadline below: only a missing cancel lets a wait run this long.
const GENEROUS: Duration = Duration::from_secs(10);
/// Deadlines a scenario must change (replace, remove) before they are due.
const SOON: Duration = Duration::from_millis(50);
/// How long past a removed deadline a token is watched for a cancel that must not come.
const MARGIN: Duration = Duration::from_millis(100);

/// Runs a scenario that changes a deadline before it is due. If this thread was
/// descheduled for so long that the deadline came before the change (the scenario
/// returns `None`: inconclusive), it is run again; a few attempts must conclude.
fn conclusive(mut scenario: impl FnMut() -> Option<()>) {
    assert!(
        (0..5).any(|_| scenario().is_some()),
        "every attempt was inconclusive"
    );
}

#[test]
fn with_deadline_fires_and_not_before() {
    let deadline = Instant::now() + Duration::from_millis(30);
    let source = CancelSource::with_deadline(deadline);
    let token = source.token();
    assert!(!token.is_cancelled() || Instant::now() >= deadline);
    assert_eq!(token.wait_cancelled(GENEROUS), Err(Cancelled));
    assert!(Instant::now() >= deadline, "fired early");
    assert!(source.is_cancelled());
    assert!(!source.cancel(), "the timer made the request");
}

#[test]
fn with_timeout_fires_and_not_before() {
    let start = Instant::now();
    let source = CancelSource::with_timeout(Duration::from_millis(30));
    assert_eq!(source.token().wait_cancelled(GENEROUS), Err(Cancelled));
    assert!(start.elapsed() >= Duration::from_millis(30), "fired early");
}

#[test]
fn cancel_after_and_cancel_at_fire() {
    let source = CancelSource::new();
    let start = Instant::now();
    source.cancel_after(Duration::from_millis(20));
    assert_eq!(source.token().sleep(GENEROUS), Err(Cancelled));
    assert!(start.elapsed() >= Duration::from_millis(20));

    let source = CancelSource::new();
    let at = Instant::now() + Duration::from_millis(20);
    source.cancel_at(at);
    assert_eq!(source.token().wait_cancelled(GENEROUS), Err(Cancelled));
    assert!(Instant::now() >= at);

    // A deadline already passed fires at once.
    let source = CancelSource::new();
    source.cancel_at(Instant::now());
    assert_eq!(source.token().wait_cancelled(GENEROUS), Err(Cancelled));
    let source = CancelSource::new();
    source.cancel_after(Duration::ZERO);
    assert_eq!(source.token().wait_cancelled(GENEROUS), Err(Cancelled));
}

#[test]
fn try_variants_report_ok_and_fire() {
    let source = CancelSource::new();
    source.try_cancel_after(Duration::from_millis(10)).unwrap();
    assert_eq!(source.token().wait_cancelled(GENEROUS), Err(Cancelled));
    let source = CancelSource::new();
    source
        .try_cancel_at(Instant::now() + Duration::from_millis(10))
        .unwrap();
    assert_eq!(source.token().wait_cancelled(GENEROUS), Err(Cancelled));
    // Setting a deadline on a cancelled source is a no-op, not an error.
    source.try_cancel_after(Duration::from_secs(3600)).unwrap();
}

#[test]
fn a_deadline_cancels_the_subtree_and_runs_callbacks_on_another_thread() {
    let root = CancelSource::new();
    let child = CancelSource::child_of(&root.token());
    let grandchild = CancelSource::child_of(&child.token()).token();
    let (tx, ran_on) = mpsc::channel();
    let _cb = grandchild.on_cancel(move || tx.send(thread::current().id()).unwrap());
    child.cancel_after(Duration::from_millis(10));
    assert_eq!(grandchild.wait_cancelled(GENEROUS), Err(Cancelled));
    assert!(child.is_cancelled());
    assert!(
        !root.is_cancelled(),
        "a child's deadline never touches its parent"
    );
    // Waiters may wake before the callbacks run (both happen after the flags are set).
    let ran_on = ran_on.recv_timeout(GENEROUS).expect("the callback ran");
    assert_ne!(ran_on, thread::current().id(), "ran on the timer's thread");
}

#[test]
fn replacing_a_deadline_with_a_later_one_moves_it() {
    conclusive(|| {
        let first = Instant::now() + SOON;
        let later = first + MARGIN;
        let source = CancelSource::with_deadline(first);
        source.cancel_at(later);
        if Instant::now() >= first {
            return None;
        }
        assert_eq!(source.token().wait_cancelled(GENEROUS), Err(Cancelled));
        assert!(
            Instant::now() >= later,
            "the replaced (earlier) deadline fired"
        );
        Some(())
    });
}

#[test]
fn replacing_a_deadline_with_an_earlier_one_moves_it() {
    let source = CancelSource::new();
    source.cancel_after(Duration::from_secs(3600));
    source.cancel_after(Duration::from_millis(10));
    // If the timer kept sleeping towards the hour, this would time out.
    assert_eq!(source.token().wait_cancelled(GENEROUS), Err(Cancelled));
}

#[test]
fn dropping_the_last_source_removes_the_deadline() {
    let deadline = Instant::now() + Duration::from_millis(30);
    let source = CancelSource::with_deadline(deadline);
    let token = source.token();
    let extra = source.clone();
    drop(source);
    // A clone still lives: the deadline stays.
    assert_eq!(token.wait_cancelled(GENEROUS), Err(Cancelled));
    drop(extra);

    conclusive(|| {
        let deadline = Instant::now() + SOON;
        let source = CancelSource::with_deadline(deadline);
        let token = source.token();
        let clone = source.clone();
        drop(source);
        drop(clone);
        if Instant::now() >= deadline {
            return None;
        }
        let until = deadline + MARGIN;
        assert_eq!(
            token.wait_cancelled(until.saturating_duration_since(Instant::now())),
            Ok(()),
            "no source, no deadline"
        );
        assert!(Instant::now() >= until);
        assert!(!token.is_cancelled());
        Some(())
    });
}

#[test]
fn dropping_a_child_source_removes_only_its_deadline() {
    conclusive(|| {
        let parent = CancelSource::new();
        let child = CancelSource::child_of(&parent.token());
        let child_token = child.token();
        let due = Instant::now() + SOON;
        child.cancel_at(due);
        drop(child);
        if Instant::now() >= due {
            return None;
        }
        let until = due + MARGIN;
        assert_eq!(
            child_token.wait_cancelled(until.saturating_duration_since(Instant::now())),
            Ok(())
        );
        assert!(!child_token.is_cancelled());
        // The parent's own deadline still reaches the orphaned child token.
        parent.cancel_after(Duration::from_millis(5));
        assert_eq!(child_token.wait_cancelled(GENEROUS), Err(Cancelled));
        Some(())
    });
}

#[test]
fn cancel_after_max_does_not_panic_and_clears_the_deadline() {
    let source = CancelSource::new();
    source.cancel_after(Duration::MAX);
    assert!(!source.is_cancelled());
    source.try_cancel_after(Duration::MAX).unwrap();
    // Duration::MAX is "later than any deadline": it replaces a near one.
    conclusive(|| {
        let source = CancelSource::new();
        let near = Instant::now() + SOON;
        source.cancel_at(near);
        source.cancel_after(Duration::MAX);
        if Instant::now() >= near {
            return None;
        }
        let until = near + MARGIN;
        assert_eq!(
            source
                .token()
                .wait_cancelled(until.saturating_duration_since(Instant::now())),
            Ok(())
        );
        assert!(!source.is_cancelled());
        Some(())
    });
    let _with = CancelSource::with_timeout(Duration::MAX);
    // A far but representable deadline is accepted too.
    let far = CancelSource::new();
    far.cancel_after(Duration::from_secs(u64::from(u32::MAX)));
    assert!(!far.is_cancelled());
    assert!(far.cancel());
}

#[test]
fn many_deadlines_all_fire_none_early() {
    // Fewer under miri, whose interpreter is thousands of times slower.
    const N: usize = if cfg!(miri) { 30 } else { 300 };
    let start = Instant::now();
    let fired_early = Arc::new(AtomicUsize::new(0));
    let sources: Vec<(CancelSource, Instant)> = (0..N)
        .map(|i| {
            // Deadlines interleaved out of order, 0..60 ms.
            let at = start + Duration::from_micros(((i * 7919) % N) as u64 * 200);
            let s = CancelSource::with_deadline(at);
            let early = Arc::clone(&fired_early);
            s.token()
                .on_cancel(move || {
                    if Instant::now() < at {
                        early.fetch_add(1, Ordering::SeqCst);
                    }
                })
                .detach();
            (s, at)
        })
        .collect();
    for (s, _) in &sources {
        assert_eq!(s.token().wait_cancelled(GENEROUS), Err(Cancelled));
    }
    assert_eq!(fired_early.load(Ordering::SeqCst), 0);
}

#[test]
fn manual_cancel_before_the_deadline_wins_and_the_timer_stays_quiet() {
    conclusive(|| {
        let due = Instant::now() + SOON;
        let source = CancelSource::with_deadline(due);
        let token = source.token();
        let hits = Arc::new(AtomicUsize::new(0));
        let h = Arc::clone(&hits);
        let _cb = token.on_cancel(move || {
            h.fetch_add(1, Ordering::SeqCst);
        });
        let manual = source.cancel();
        if Instant::now() >= due {
            return None;
        }
        assert!(manual, "the deadline was not due yet");
        assert_eq!(hits.load(Ordering::SeqCst), 1);
        // Past the deadline: the timer's cancel, if any, finds the request made.
        thread::sleep(SOON + MARGIN); // workload: let the deadline pass
        assert_eq!(hits.load(Ordering::SeqCst), 1);
        assert!(token.is_cancelled());
        Some(())
    });
}

#[test]
fn a_deadline_reports_deadline_exceeded_in_every_token_below_it() {
    let request = CancelSource::with_timeout(Duration::from_millis(1));
    let job = CancelSource::child_of(&request.token());
    let piece = CancelSource::child_of(&job.token()).token();
    assert_eq!(piece.wait_cancelled(GENEROUS), Err(Cancelled));
    for token in [request.token(), job.token(), piece] {
        assert_eq!(
            token.cause(),
            Some(cancelpool::CancelCause::DeadlineExceeded)
        );
    }
    // A request made before the deadline is due keeps its own cause.
    let source = CancelSource::new();
    source.cancel_after(GENEROUS);
    source.cancel_with(cancelpool::CancelCause::user("stopped by hand"));
    let cause = source.token().cause().unwrap();
    assert_eq!(cause.to_string(), "stopped by hand");
}

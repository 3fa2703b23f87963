//! C3/C4/C6: checkpoints, the per-job cancel state and `DisableGuard`, through the
//! public API. Outside a pool job the "current job" is the calling thread.

use std::sync::mpsc;
use std::sync::{Arc, Barrier};
use std::thread;

use cancelpool::{
    CancelSource, Cancelled, DisableGuard, cancel_enabled, checkpoint, current_token,
    disable_cancel,
};

/// `DisableGuard` must not be `Send` (C4): the state it changes belongs to one job.
///
/// The probe trait has two blanket impls, one for every type and one for `Send` types.
/// Naming its item with the impl parameter left to inference compiles only if exactly
/// one impl applies, i.e. only for a type that is not `Send`. If `DisableGuard` ever
/// became `Send`, `<DisableGuard as NotSendProbe<_>>::ITEM` would be ambiguous and this
/// file would fail to compile.
trait NotSendProbe<Which> {
    const ITEM: () = ();
}
impl<T: ?Sized> NotSendProbe<()> for T {}
#[allow(dead_code)]
struct IsSend;
impl<T: ?Sized + Send> NotSendProbe<IsSend> for T {}

#[test]
fn disable_guard_is_not_send() {
    let () = <DisableGuard as NotSendProbe<_>>::ITEM;
    // The probe itself is sharp: for a `Send` type the second impl applies, and naming
    // it explicitly compiles.
    let () = <CancelSource as NotSendProbe<IsSend>>::ITEM;
}

#[test]
fn checkpoint_is_err_iff_a_request_is_pending_and_cancellation_is_enabled() {
    let source = CancelSource::new();
    let token = source.token();
    // not pending, enabled
    assert_eq!(token.checkpoint(), Ok(()));
    // not pending, disabled
    {
        let _g = disable_cancel();
        assert_eq!(token.checkpoint(), Ok(()));
    }
    source.cancel();
    // pending, disabled
    {
        let _g = disable_cancel();
        assert_eq!(token.checkpoint(), Ok(()));
        assert!(
            token.is_cancelled(),
            "is_cancelled ignores the disable state"
        );
    }
    // pending, enabled
    assert_eq!(token.checkpoint(), Err(Cancelled));
    assert_eq!(
        token.checkpoint(),
        Err(Cancelled),
        "the request stays pending"
    );
    let on_question_mark = || -> Result<u32, Cancelled> {
        token.checkpoint()?;
        Ok(1)
    };
    assert_eq!(on_question_mark(), Err(Cancelled));
}

#[test]
fn guards_nest_and_the_last_one_dropped_re_enables() {
    let source = CancelSource::new();
    let token = source.token();
    source.cancel();
    assert!(cancel_enabled());
    let g1 = disable_cancel();
    let g2 = token.disable();
    let g3 = disable_cancel();
    assert!(!cancel_enabled());
    drop(g3);
    assert!(!cancel_enabled());
    assert_eq!(token.checkpoint(), Ok(()));
    drop(g2);
    assert!(!cancel_enabled());
    assert_eq!(token.checkpoint(), Ok(()));
    drop(g1);
    assert!(cancel_enabled());
    assert_eq!(token.checkpoint(), Err(Cancelled));

    // Dropped out of order: still disabled while any guard lives.
    let outer = disable_cancel();
    let inner = disable_cancel();
    drop(outer);
    assert!(!cancel_enabled());
    assert_eq!(token.checkpoint(), Ok(()));
    drop(inner);
    assert!(cancel_enabled());
    assert_eq!(token.checkpoint(), Err(Cancelled));
}

#[test]
fn request_made_while_disabled_is_delivered_at_the_first_checkpoint_after() {
    let source = CancelSource::new();
    let token = source.token();
    let (to_canceller, cancel_now) = mpsc::channel::<()>();
    let (cancelled_tx, cancelled) = mpsc::channel::<bool>();
    let canceller = thread::spawn(move || {
        cancel_now.recv().unwrap();
        cancelled_tx.send(source.cancel()).unwrap();
    });
    let outer = disable_cancel();
    {
        let _inner = token.disable();
        to_canceller.send(()).unwrap();
        assert!(cancelled.recv().unwrap(), "the request was made");
        assert!(token.is_cancelled());
        // Critical section: many checkpoints, none delivers the request.
        for _ in 0..1000 {
            assert_eq!(token.checkpoint(), Ok(()));
        }
    }
    assert_eq!(token.checkpoint(), Ok(()), "the outer guard still lives");
    drop(outer);
    assert_eq!(token.checkpoint(), Err(Cancelled), "never lost");
    canceller.join().unwrap();
}

#[test]
fn cancel_enabled_reports_the_state() {
    assert!(cancel_enabled());
    {
        let _g = disable_cancel();
        assert!(!cancel_enabled());
        {
            let _h = CancelSource::new().token().disable();
            assert!(!cancel_enabled());
        }
        assert!(!cancel_enabled());
    }
    assert!(cancel_enabled());
}

#[test]
fn token_disable_is_the_same_as_disable_cancel() {
    // The state is the job's, not the token's: a guard from one token also holds for
    // checks of another token, and the free function's guard holds for every token.
    let a = CancelSource::new();
    let b = CancelSource::new();
    a.cancel();
    b.cancel();
    {
        let _g = a.token().disable();
        assert!(!cancel_enabled());
        assert_eq!(a.token().checkpoint(), Ok(()));
        assert_eq!(b.token().checkpoint(), Ok(()));
    }
    {
        let _g = disable_cancel();
        assert_eq!(a.token().checkpoint(), Ok(()));
        assert_eq!(b.token().checkpoint(), Ok(()));
    }
    assert_eq!(a.token().checkpoint(), Err(Cancelled));
    assert_eq!(b.token().checkpoint(), Err(Cancelled));
    // A guard from the never-cancelled token disables too.
    let _g = cancelpool::CancelToken::never().disable();
    assert!(!cancel_enabled());
    assert_eq!(a.token().checkpoint(), Ok(()));
}

#[test]
fn the_state_outside_jobs_belongs_to_each_thread() {
    let source = CancelSource::new();
    source.cancel();
    let _g = disable_cancel();
    assert_eq!(source.token().checkpoint(), Ok(()));
    let token = source.token();
    let other = thread::spawn(move || (cancel_enabled(), token.checkpoint()))
        .join()
        .unwrap();
    assert_eq!(
        other,
        (true, Err(Cancelled)),
        "another thread is unaffected"
    );

    // And the other way round: a guard held by another thread does not disable here.
    drop(_g);
    let barrier = Arc::new(Barrier::new(2));
    let b = Arc::clone(&barrier);
    let holder = thread::spawn(move || {
        let _g = disable_cancel();
        b.wait(); // guard taken
        b.wait(); // main checked
    });
    barrier.wait();
    assert!(cancel_enabled());
    assert_eq!(source.token().checkpoint(), Err(Cancelled));
    barrier.wait();
    holder.join().unwrap();
}

#[test]
fn free_checkpoint_and_current_token_outside_any_job_never_cancel() {
    let token = current_token();
    assert!(!token.is_cancelled());
    assert_eq!(token.checkpoint(), Ok(()));
    assert_eq!(checkpoint(), Ok(()));
    assert_eq!(format!("{token:?}"), "CancelToken(never)");
    // Cancelling other tokens on this thread does not make the ambient one cancelled.
    let other = CancelSource::new();
    other.cancel();
    assert_eq!(checkpoint(), Ok(()));
    assert!(!current_token().is_cancelled());
    // A child of the ambient token is an independent root.
    let child = CancelSource::child_of(&current_token());
    assert!(child.cancel());
    assert!(!current_token().is_cancelled());
    assert_eq!(checkpoint(), Ok(()));
    // Also under a guard and on other threads.
    {
        let _g = disable_cancel();
        assert_eq!(checkpoint(), Ok(()));
    }
    let on_other = thread::spawn(|| (checkpoint(), current_token().is_cancelled()))
        .join()
        .unwrap();
    assert_eq!(on_other, (Ok(()), false));
    assert_eq!(
        current_token().wait_cancelled(std::time::Duration::from_millis(1)),
        Ok(())
    );
}

#[test]
fn a_guard_survives_a_panic_unwinding_through_it() {
    // The guard's drop runs during unwinding and re-enables cancellation.
    let result = std::panic::catch_unwind(|| {
        let _g = disable_cancel();
        assert!(!cancel_enabled());
        std::panic::resume_unwind(Box::new("expected unwind"));
    });
    assert!(result.is_err());
    assert!(cancel_enabled());
}

//! Panic plumbing, in one place: where a panic is stopped, where it is raised again, where
//! it goes when nobody waits for the work that raised it, and where it must never pass.
//!
//! | helper | for |
//! |---|---|
//! | [`halt_unwinding`] | work whose caller waits: a `join` half, a scope body or spawn, a submitted job (its `JobHandle` reports the panic) |
//! | [`resume_unwinding`] | raising that panic again in the waiting caller (`join`, `scope`, `install`) |
//! | [`run_reporting`], [`drop_reporting`] | work nobody waits for: a spawned job, a start or exit handler, the destructor of a job's captures |
//! | [`report`] | the pool's panic handler, else nothing (the panic hook has already printed it) |
//! | [`AbortOnPanic`] | a region that must never unwind: a worker's main loop |
//!
//! # Invariants
//!
//! 1. A panic in user code ends in exactly one place: raised again in the thread that
//!    waits for the work (`join`, `scope`, `install`; `JobError::Panicked` for a
//!    `JobHandle`), or reported to the pool's panic handler. The panic hook runs first,
//!    as for any panic, so an unhandled one is still printed.
//! 2. Nothing unwinds out of a worker's main loop: every job and every handler runs
//!    under one of the helpers above. If something escapes anyway (a panic payload or a
//!    panic handler whose destructor panics), the worker's queue and the latches others
//!    wait on would be lost with its stack, so [`AbortOnPanic`] aborts the process
//!    instead (as rayon does). Under loom it lets the panic fail the model instead.
//! 3. `on_cancel` callbacks are stopped where they run (`cancel()`), not reported: the
//!    cancelling thread need not be a pool worker, and the other callbacks must run.
//!
//! Closures are run as [`AssertUnwindSafe`]: like rayon, we do not ask user closures to
//! be `UnwindSafe`. The state they may leave half-updated is theirs, and the panic is
//! raised again in (or reported to) the code that owns that state.

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};

use crate::pool::registry::WorkerThread;

/// A caught panic.
pub(crate) type Payload = Box<dyn Any + Send + 'static>;

/// Runs `f`, stopping a panic: its value, or the panic's payload.
#[inline]
pub(crate) fn halt_unwinding<F, R>(f: F) -> Result<R, Payload>
where
    F: FnOnce() -> R,
{
    panic::catch_unwind(AssertUnwindSafe(f))
}

/// Raises a panic stopped by [`halt_unwinding`] again, in the thread that waited for it.
pub(crate) fn resume_unwinding(payload: Payload) -> ! {
    panic::resume_unwind(payload)
}

/// Runs `f`, which nobody waits for: a panic goes to [`report`]. `None` if it panicked.
#[inline]
pub(crate) fn run_reporting<F, R>(f: F) -> Option<R>
where
    F: FnOnce() -> R,
{
    halt_unwinding(f).map_err(report).ok()
}

/// Drops `value` (a job's captures that will not run), reporting a panicking destructor.
#[inline]
pub(crate) fn drop_reporting<T>(value: T) {
    run_reporting(move || drop(value));
}

/// Gives a panic nobody waits for to the current pool's handler and counts it; outside a
/// worker, or without a handler, drops it (the panic hook has printed it). A panicking
/// handler is stopped too.
pub(crate) fn report(payload: Payload) {
    WorkerThread::with_current(|worker| {
        let Some(worker) = worker else { return };
        worker.count(|c| &c.panicked);
        if let Some(handler) = &worker.registry.panic_handler {
            // The handler's own panic has been printed by the hook; it is dropped here.
            let _ = halt_unwinding(|| handler(payload));
        }
    });
}

/// Aborts the process if dropped while it is armed, which happens only by unwinding
/// past it (invariant 2). [`AbortOnPanic::disarm`] at the end of the region.
#[must_use = "the guard aborts only while it lives"]
pub(crate) struct AbortOnPanic;

impl AbortOnPanic {
    /// The region ended normally.
    #[inline]
    pub(crate) fn disarm(self) {
        std::mem::forget(self);
    }
}

impl Drop for AbortOnPanic {
    fn drop(&mut self) {
        // Under loom, a panic that escapes a model thread fails the model with its own
        // message, which is what a model run needs; an abort would lose that message
        // (the test harness prints a test's captured output only when the test ends).
        if cfg!(loom) {
            return;
        }
        eprintln!("cancelpool: a panic unwound out of a worker thread; aborting");
        std::process::abort();
    }
}

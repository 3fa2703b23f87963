//! Per-job cancel state: the current job's token and its disable depth (C4–C6).
//!
//! POSIX keeps the cancel state per thread; we keep it per *job*. A thread-local
//! [`Context`] describes the job running on this thread: a borrowed pointer to its token
//! and how many [`DisableGuard`]s of that job are alive. Outside any pool job, the
//! thread itself is "the current job": its token is the never-cancelled one.
//!
//! # Invariants
//!
//! 1. `Context::token` is null or points to a `CancelToken` that outlives the time the
//!    context is installed: whoever installs a context (the pool, when it starts a job)
//!    keeps the token alive until it restores the previous context ([`enter`]).
//! 2. Installing a context returns the previous one, and the [`Entered`] guard restores
//!    it on drop, also while unwinding. So when a worker waiting in `join` runs a stolen
//!    job, that job sees only its own state, and the waiting job's state is back when it
//!    resumes (C4).
//! 3. `disabled` counts the live guards of the current job. Guards are `!Send` and cannot
//!    outlive the job that made them (a job's result must be `Send`), so each guard's
//!    drop runs in the context whose count its creation raised.
//!
//! The pair "create guard, drop guard" is two thread-local `Cell` updates: no atomics.

use std::cell::Cell;
use std::fmt;
use std::marker::PhantomData;
use std::ptr;

use super::Cancelled;
use super::token::CancelToken;

/// The cancel state of the job running on this thread.
#[derive(Clone, Copy)]
pub(crate) struct Context {
    /// The job's token, or null for "no job" (never cancelled). Invariant 1.
    pub(crate) token: *const CancelToken,
    /// Live `DisableGuard`s of this job (invariant 3).
    pub(crate) disabled: usize,
}

impl Context {
    /// The state of a thread that runs no job.
    pub(crate) const ROOT: Context = Context {
        token: ptr::null(),
        disabled: 0,
    };

    /// A context for a job with `token`, inheriting `disabled` from its fork point (C5).
    pub(crate) fn new(token: &CancelToken, disabled: usize) -> Context {
        Context { token, disabled }
    }
}

#[cfg(not(loom))]
std::thread_local! {
    static CONTEXT: Cell<Context> = const { Cell::new(Context::ROOT) };
}
#[cfg(loom)]
loom::thread_local! {
    static CONTEXT: Cell<Context> = Cell::new(Context::ROOT);
}

/// The current job's state.
#[inline]
pub(crate) fn current() -> Context {
    CONTEXT.with(Cell::get)
}

/// Installs `ctx` as the current job's state until the returned guard drops.
///
/// # Safety
///
/// `ctx.token`, if not null, must stay valid until the returned guard is dropped
/// (invariant 1).
#[inline]
pub(crate) unsafe fn enter(ctx: Context) -> Entered {
    let prev = CONTEXT.with(|c| c.replace(ctx));
    Entered {
        prev,
        _not_send: PhantomData,
    }
}

/// Restores the previous context on drop (invariant 2).
pub(crate) struct Entered {
    prev: Context,
    _not_send: PhantomData<*const ()>,
}

impl Drop for Entered {
    #[inline]
    fn drop(&mut self) {
        let prev = self.prev;
        CONTEXT.with(|c| c.set(prev));
    }
}

/// Disables cancellation for the current job until the returned guard is dropped.
///
/// This is `pthread_setcancelstate(PTHREAD_CANCEL_DISABLE)` as an RAII guard: while any
/// guard of the current job lives, [`checkpoint`] and
/// [`CancelToken::checkpoint`] return `Ok`, and cancellable waits are not interrupted by
/// cancellation (they still end on their own condition or timeout). A request that
/// arrives meanwhile is kept: the first checkpoint after the last guard drops returns
/// `Err(Cancelled)`. Guards nest. Work forked inside a disabled section (`join`,
/// `scope`, parallel iterators) inherits the disabled state.
///
/// Outside a pool job, the state belongs to the calling thread.
///
/// # Example
///
/// ```
/// use cancelpool::{cancel_enabled, disable_cancel, CancelSource};
///
/// let source = CancelSource::new();
/// let token = source.token();
/// {
///     let _guard = disable_cancel();
///     assert!(!cancel_enabled());
///     source.cancel();
///     // The request is pending, not delivered: the critical section finishes.
///     assert!(token.checkpoint().is_ok());
/// }
/// assert!(cancel_enabled());
/// assert!(token.checkpoint().is_err(), "delivered at the first checkpoint after");
/// ```
#[inline]
pub fn disable_cancel() -> DisableGuard {
    CONTEXT.with(|c| {
        let mut ctx = c.get();
        ctx.disabled += 1;
        c.set(ctx);
    });
    DisableGuard {
        _not_send: PhantomData,
    }
}

/// Reports whether cancellation is enabled for the current job (no [`DisableGuard`]
/// alive).
///
/// # Example
///
/// ```
/// assert!(cancelpool::cancel_enabled());
/// let guard = cancelpool::disable_cancel();
/// assert!(!cancelpool::cancel_enabled());
/// drop(guard);
/// assert!(cancelpool::cancel_enabled());
/// ```
#[inline]
pub fn cancel_enabled() -> bool {
    current().disabled == 0
}

/// The token of the job running on this thread (C6).
///
/// Inside a pool job (a `join` half, a scope job, a submitted job, a parallel-iterator
/// piece) it is that job's token; outside any job it is a token that is never cancelled.
///
/// # Example
///
/// ```
/// let token = cancelpool::current_token();
/// assert!(!token.is_cancelled());
/// assert!(token.checkpoint().is_ok());
/// ```
pub fn current_token() -> CancelToken {
    let ctx = current();
    if ctx.token.is_null() {
        CancelToken::never()
    } else {
        // SAFETY: invariant 1: an installed token outlives its context.
        unsafe { (*ctx.token).clone() }
    }
}

/// The explicit cancellation point for closures that take no token (C3, C6):
/// `Err(Cancelled)` iff the current job's token has a pending request and cancellation
/// is enabled. Like `pthread_testcancel`, but the job leaves by `?` and ordinary drops.
///
/// # Example
///
/// ```
/// fn work() -> Result<u64, cancelpool::Cancelled> {
///     let mut sum = 0;
///     for i in 0..1000 {
///         cancelpool::checkpoint()?;
///         sum += i;
///     }
///     Ok(sum)
/// }
/// // Outside any job the current token is never cancelled.
/// assert_eq!(work(), Ok(499_500));
/// ```
#[inline]
pub fn checkpoint() -> Result<(), Cancelled> {
    let ctx = current();
    if ctx.token.is_null() {
        return Ok(());
    }
    // SAFETY: invariant 1.
    let token = unsafe { &*ctx.token };
    if token.is_cancelled() && ctx.disabled == 0 {
        Err(Cancelled)
    } else {
        Ok(())
    }
}

/// Keeps cancellation disabled for the current job while it lives; see
/// [`disable_cancel`].
///
/// The guard is `!Send`: the state it changes belongs to the job that made it.
///
/// # Example
///
/// ```
/// use cancelpool::CancelSource;
///
/// let source = CancelSource::new();
/// let token = source.token();
/// source.cancel();
/// let outer = token.disable();
/// let inner = cancelpool::disable_cancel();
/// drop(inner);
/// assert!(token.checkpoint().is_ok(), "still disabled: the outer guard lives");
/// drop(outer);
/// assert!(token.checkpoint().is_err());
/// ```
#[must_use = "cancellation is re-enabled as soon as the guard is dropped"]
pub struct DisableGuard {
    _not_send: PhantomData<*const ()>,
}

impl Drop for DisableGuard {
    #[inline]
    fn drop(&mut self) {
        CONTEXT.with(|c| {
            let mut ctx = c.get();
            debug_assert!(ctx.disabled > 0, "DisableGuard dropped in another job");
            ctx.disabled -= 1;
            c.set(ctx);
        });
    }
}

impl fmt::Debug for DisableGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DisableGuard")
            .field("depth", &current().disabled)
            .finish()
    }
}

//! TEMPORARY stand-in for the pool's fork-join entry points, so that the parallel
//! iterators (`iter/`) build and run before the pool lands. The lead replaces this file
//! with the pool at merge; nothing in `iter/` depends on how it works inside.
//!
//! It runs the second half of a `join` on a scoped helper thread while fewer than
//! [`current_num_threads`] helpers are alive (so the iterator tests see real concurrency
//! and `FnContext::migrated() == true`), and inline otherwise. The helper inherits the
//! caller's cancel context (C5). Under `cfg(loom)` both halves run inline.

use std::num::NonZeroUsize;
use std::sync::OnceLock;

/// What a `join_context` closure learns about where it runs.
///
/// # Example
///
/// ```
/// let (a, b) = cancelpool::join_context(|ctx| ctx.migrated(), |_| 2);
/// assert!(!a, "the first half runs on the calling thread");
/// assert_eq!(b, 2);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct FnContext {
    migrated: bool,
}

impl FnContext {
    /// True if this closure runs on another thread than the one that called
    /// `join_context` (it was stolen).
    ///
    /// # Example
    ///
    /// ```
    /// let here = std::thread::current().id();
    /// let (_, moved) = cancelpool::join_context(|_| (), |ctx| {
    ///     (ctx.migrated(), std::thread::current().id() != here)
    /// });
    /// assert_eq!(moved.0, moved.1);
    /// ```
    #[inline]
    pub fn migrated(&self) -> bool {
        self.migrated
    }
}

/// Runs `a` and `b`, possibly in parallel, and returns both results; each closure is told
/// whether it was moved to another thread.
///
/// # Example
///
/// ```
/// let (x, y) = cancelpool::join_context(|_| 1 + 1, |_| "two");
/// assert_eq!((x, y), (2, "two"));
/// ```
pub fn join_context<A, B, RA, RB>(a: A, b: B) -> (RA, RB)
where
    A: FnOnce(FnContext) -> RA + Send,
    B: FnOnce(FnContext) -> RB + Send,
    RA: Send,
    RB: Send,
{
    #[cfg(not(loom))]
    if let Some(slot) = helper::Slot::claim() {
        return helper::join_on_helper(slot, a, b);
    }
    let ra = a(FnContext { migrated: false });
    let rb = b(FnContext { migrated: false });
    (ra, rb)
}

/// Runs `a` and `b`, possibly in parallel, and returns both results.
///
/// # Example
///
/// ```
/// let v = vec![1, 2, 3, 4];
/// let (left, right) = v.split_at(2);
/// let (l, r) = cancelpool::join(|| left.iter().sum::<i32>(), || right.iter().sum::<i32>());
/// assert_eq!(l + r, 10);
/// ```
pub fn join<A, B, RA, RB>(a: A, b: B) -> (RA, RB)
where
    A: FnOnce() -> RA + Send,
    B: FnOnce() -> RB + Send,
    RA: Send,
    RB: Send,
{
    join_context(|_| a(), |_| b())
}

/// The number of threads of the current pool.
///
/// # Example
///
/// ```
/// assert!(cancelpool::current_num_threads() >= 1);
/// ```
pub fn current_num_threads() -> usize {
    static THREADS: OnceLock<usize> = OnceLock::new();
    *THREADS.get_or_init(|| std::thread::available_parallelism().map_or(1, NonZeroUsize::get))
}

#[cfg(not(loom))]
mod helper {
    use super::FnContext;
    use crate::cancel::state;
    use crate::sync::atomic::{AtomicUsize, Ordering};

    /// Helper threads alive now.
    static HELPERS: AtomicUsize = AtomicUsize::new(0);

    /// A claimed place for one helper thread; released on drop.
    pub(super) struct Slot(());

    impl Slot {
        pub(super) fn claim() -> Option<Slot> {
            let limit = super::current_num_threads().max(2);
            // Relaxed: the counter only bounds how many threads exist; it guards no data.
            HELPERS
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                    (n < limit).then_some(n + 1)
                })
                .ok()
                .map(|_| Slot(()))
        }
    }

    impl Drop for Slot {
        fn drop(&mut self) {
            // Relaxed: see `claim`.
            HELPERS.fetch_sub(1, Ordering::Relaxed);
        }
    }

    pub(super) fn join_on_helper<A, B, RA, RB>(slot: Slot, a: A, b: B) -> (RA, RB)
    where
        A: FnOnce(FnContext) -> RA + Send,
        B: FnOnce(FnContext) -> RB + Send,
        RA: Send,
        RB: Send,
    {
        let ctx = state::current();
        // A raw context is not `Send`; carry its parts across.
        let token = ctx.token as usize;
        let disabled = ctx.disabled;
        std::thread::scope(|s| {
            let handle = s.spawn(move || {
                let _slot = slot;
                let ctx = state::Context {
                    token: token as *const crate::CancelToken,
                    disabled,
                };
                // SAFETY: the caller's context token stays installed (and so alive, state
                // invariant 1) until after this scope has joined the helper.
                let _entered = unsafe { state::enter(ctx) };
                b(FnContext { migrated: true })
            });
            let ra = a(FnContext { migrated: false });
            match handle.join() {
                Ok(rb) => (ra, rb),
                Err(payload) => std::panic::resume_unwind(payload),
            }
        })
    }
}

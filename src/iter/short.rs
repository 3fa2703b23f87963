//! Short-circuiting: how a consumer or adapter that knows its answer early (`find_any`,
//! `try_reduce`, `while_some`, `panic_fuse`, ...) stops the rest of the call.
//!
//! # Protocol
//!
//! 1. The call makes a [`Stop`]: a flag, and a child token of the current job's token
//!    (of the `with_cancel` token when the chain has one), which it installs as the
//!    current token while the chain runs. Every piece is forked from there, so item
//!    closures see the child at `checkpoint()` and `current_token()`.
//! 2. Pieces and folders poll the flag ([`Stop::is_set`], one `Relaxed` load: it only
//!    decides whether to do more work, and publishes nothing) between items, and the
//!    bridges between splits (`Consumer::full`).
//! 3. Whoever learns the answer calls [`Stop::set`]: it sets the flag and then cancels
//!    the child, so items still running leave at their next checkpoint. Cancelling
//!    twice is harmless, so only the first caller cancels (a `swap` on the flag).
//! 4. Values are handed over through the consumers' results, which `join` orders, never
//!    through the flag.
//! 5. An *adapter* that stops early (`while_some`, `take_any`, `take_any_while`,
//!    `try_fold`) stops the work before it in the chain, whose items it will not pass on,
//!    but not the work after it: an item it has passed on belongs to the rest of the
//!    chain, which must be able to finish it. So its folders hand items on under the
//!    token that was current when the call began ([`Stop::outside`]) and pull items from
//!    their base under the child ([`Stop::inside`], [`Inside`]). A consumer at the end of
//!    the chain (`try_reduce`, `find_any`) and `panic_fuse` (whose call re-raises a panic
//!    anyway) keep the child for the whole chain.
//!
//! Switching the current token is a thread-local write, and the tokens live in the
//! `Stop`, which outlives every piece of the call: the pieces are joined before the call
//! that made the `Stop` returns.

use crate::cancel::state::{self, Context};
use crate::sync::atomic::{AtomicBool, Ordering};
use crate::{CancelSource, CancelToken};

/// The shared stop signal of one short-circuiting call (see the module docs).
pub(super) struct Stop {
    flag: AtomicBool,
    source: CancelSource,
    /// The child token of `source` (step 1).
    token: CancelToken,
    /// The token that was current when the call began (step 5).
    outer: CancelToken,
}

impl Stop {
    pub(super) fn new() -> Stop {
        let outer = crate::current_token();
        let source = CancelSource::child_of(&outer);
        Stop {
            flag: AtomicBool::new(false),
            token: source.token(),
            source,
            outer,
        }
    }

    /// Runs `f` with the child token as the current token (step 1).
    pub(super) fn run<R>(&self, f: impl FnOnce() -> R) -> R {
        self.inside(f)
    }

    /// Runs `f`, the work before an adapter, under the child token (step 5).
    #[inline]
    pub(super) fn inside<R>(&self, f: impl FnOnce() -> R) -> R {
        under(&self.token, f)
    }

    /// Runs `f`, the work after an adapter, under the call's own token (step 5).
    #[inline]
    pub(super) fn outside<R>(&self, f: impl FnOnce() -> R) -> R {
        under(&self.outer, f)
    }

    /// Whether the answer is known (step 2).
    #[inline]
    pub(super) fn is_set(&self) -> bool {
        // Relaxed: a hint to stop working; values travel through results (step 4).
        self.flag.load(Ordering::Relaxed)
    }

    /// The answer is known: stop every piece (step 3).
    pub(super) fn set(&self) {
        // Relaxed: as in `is_set`; the cancel below publishes to checkpoints itself.
        if !self.flag.swap(true, Ordering::Relaxed) {
            self.source.cancel();
        }
    }
}

/// Runs `f` with `token` as the current job's token, keeping the job's disable depth.
#[inline]
fn under<R>(token: &CancelToken, f: impl FnOnce() -> R) -> R {
    let ctx = Context::new(token, state::current().disabled);
    // SAFETY: `token` is borrowed for the whole call, so it outlives the guard, which
    // drops at the end of this function (state invariant 1).
    let _entered = unsafe { state::enter(ctx) };
    f()
}

/// An iterator over the items of an adapter's base, pulled under the child token
/// (protocol step 5), for the folder after the adapter, which runs under the outer one.
pub(super) struct Inside<'s, I> {
    iter: I,
    stop: &'s Stop,
}

impl<'s, I> Inside<'s, I> {
    pub(super) fn new(iter: I, stop: &'s Stop) -> Self {
        Inside { iter, stop }
    }
}

impl<I: Iterator> Iterator for Inside<'_, I> {
    type Item = I::Item;

    #[inline]
    fn next(&mut self) -> Option<I::Item> {
        let iter = &mut self.iter;
        self.stop.inside(|| iter.next())
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.iter.size_hint()
    }
}

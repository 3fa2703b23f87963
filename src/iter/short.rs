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

use crate::CancelSource;
use crate::cancel::state::{self, Context};
use crate::sync::atomic::{AtomicBool, Ordering};

/// The shared stop signal of one short-circuiting call (see the module docs).
pub(super) struct Stop {
    flag: AtomicBool,
    source: CancelSource,
}

impl Stop {
    pub(super) fn new() -> Stop {
        Stop {
            flag: AtomicBool::new(false),
            source: CancelSource::child_of(&crate::current_token()),
        }
    }

    /// Runs `f` with the child token as the current token (step 1).
    pub(super) fn run<R>(&self, f: impl FnOnce() -> R) -> R {
        let token = self.source.token();
        let ctx = Context::new(&token, state::current().disabled);
        // SAFETY: `token` lives until the end of this function, after the guard drops
        // (state invariant 1).
        let _entered = unsafe { state::enter(ctx) };
        f()
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

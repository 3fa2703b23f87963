//! Stopping pieces early: the per-item check behind `with_cancel` and the short-circuiting
//! consumers (`any`, `all`, `find_any`, `position_any`).
//!
//! A call that can stop early owns one [`StopState`] for its whole run and hands every
//! piece a `&StopState` as its [`Check`]; calls that cannot stop use [`NoCheck`], which
//! compiles to the plain sequential fold (no wrapper, no load).
//!
//! # Protocol
//!
//! 1. `token` is the token pieces watch and install as the current job token while they
//!    run, so `cancelpool::checkpoint()` and `current_token()` in an item closure see it
//!    (C6). For `with_cancel` it is the user's token; for a short-circuiting consumer it
//!    is a fresh child (of the user's token, or of the current job's token), and `source`
//!    is the handle that cancels it.
//! 2. Between two source items a piece loads `token`'s flag (one Acquire load). Only when
//!    it is set does it look further ([`StopState::stop_slow`]): it stops if an answer
//!    was found (`found`), or if the call is cancellable and cancellation is enabled in
//!    the current job (C4); in the second case it records `cancelled`.
//! 3. A consumer that finds its answer sets `found`, then cancels `source`. A piece that
//!    sees the child cancelled therefore sees `found` (the token's Release store follows
//!    the `found` store, and the flag load is Acquire).
//! 4. `cancelled` is set only by a piece that stopped for a cancel request, so a call whose
//!    `cancelled` is clear at the end ran every item: it reports `Ok` even if a request
//!    came after its last check (its work is kept, as for jobs, P3).
//! 5. The installed context carries the disable depth captured when the call started: a
//!    call made in a disabled section runs as part of it (C5).

use super::plumbing::Folder;
use crate::cancel::state::{self, Context};
use crate::sync::atomic::{AtomicBool, Ordering};
use crate::{CancelSource, CancelToken};

/// What pieces check between items.
pub trait Check: Copy + Send + Sync {
    /// False for [`NoCheck`]: lets the compiler drop every check.
    const ACTIVE: bool;
    /// Whether the piece should stop now (protocol step 2).
    fn should_stop(self) -> bool;
    /// Runs one piece: `iter` is the source, `folder` the rest of the chain.
    fn fold_piece<I, F>(self, iter: I, folder: F) -> F
    where
        I: Iterator,
        F: Folder<I::Item>;
    /// Whether some piece stopped before its end (found or cancelled).
    fn stopped(self) -> bool;
}

/// The check of calls that never stop early.
#[derive(Clone, Copy)]
pub(crate) struct NoCheck;

impl Check for NoCheck {
    const ACTIVE: bool = false;

    #[inline(always)]
    fn should_stop(self) -> bool {
        false
    }

    #[inline(always)]
    fn fold_piece<I, F>(self, iter: I, folder: F) -> F
    where
        I: Iterator,
        F: Folder<I::Item>,
    {
        folder.consume_iter(iter)
    }

    fn stopped(self) -> bool {
        false
    }
}

/// The shared state of one call that can stop early (see the protocol above).
pub(crate) struct StopState {
    /// Watched and installed by every piece (step 1).
    token: CancelToken,
    /// Cancels `token`, for short-circuiting consumers (step 3).
    source: Option<CancelSource>,
    /// An answer was found (step 3).
    found: AtomicBool,
    /// A piece stopped for a cancel request (step 4).
    cancelled: AtomicBool,
    /// Whether a cancel request stops pieces (`with_cancel`), or only `found` does.
    cancellable: bool,
    /// Disable depth at the start of the call (step 5).
    disabled: usize,
}

impl StopState {
    /// For `with_cancel`: pieces watch `token` itself.
    pub(crate) fn cancellable(token: &CancelToken) -> StopState {
        StopState {
            token: token.clone(),
            source: None,
            found: AtomicBool::new(false),
            cancelled: AtomicBool::new(false),
            cancellable: true,
            disabled: state::current().disabled,
        }
    }

    /// For a short-circuiting consumer: pieces watch a fresh child of `parent`. With
    /// `cancellable`, a request on `parent` also stops them.
    pub(crate) fn short_circuit(parent: &CancelToken, cancellable: bool) -> StopState {
        let source = CancelSource::child_of(parent);
        StopState {
            token: source.token(),
            source: Some(source),
            found: AtomicBool::new(false),
            cancelled: AtomicBool::new(false),
            cancellable,
            disabled: state::current().disabled,
        }
    }

    /// A short-circuiting consumer found its answer: stop every piece (step 3).
    pub(crate) fn found(&self) {
        // Relaxed: published to other pieces by the token's Release store in `cancel`.
        if !self.found.swap(true, Ordering::Relaxed) {
            if let Some(source) = &self.source {
                source.cancel();
            }
        }
    }

    /// Some piece stopped for a cancel request (step 4).
    pub(crate) fn was_cancelled(&self) -> bool {
        // Relaxed: read after every piece has finished; `join` orders their writes first.
        self.cancelled.load(Ordering::Relaxed)
    }

    #[cold]
    #[inline(never)]
    fn stop_slow(&self) -> bool {
        // Relaxed: ordered after the token's Acquire load that brought us here (step 3).
        if self.found.load(Ordering::Relaxed) {
            return true;
        }
        if self.cancellable && state::current().disabled == 0 {
            // Relaxed: read only after the call's pieces have been joined.
            self.cancelled.store(true, Ordering::Relaxed);
            return true;
        }
        false
    }
}

impl Check for &StopState {
    const ACTIVE: bool = true;

    #[inline]
    fn should_stop(self) -> bool {
        self.token.is_cancelled() && self.stop_slow()
    }

    fn fold_piece<I, F>(self, iter: I, folder: F) -> F
    where
        I: Iterator,
        F: Folder<I::Item>,
    {
        // SAFETY: `self.token` lives in the call's `StopState`, which outlives this piece
        // and so the guard, dropped at the end of this function (state invariant 1).
        let _entered = unsafe { state::enter(Context::new(&self.token, self.disabled)) };
        folder.consume_iter(Checked { iter, stop: self })
    }

    fn stopped(self) -> bool {
        // Relaxed: read after the pieces have been joined.
        self.found.load(Ordering::Relaxed) || self.was_cancelled()
    }
}

/// A source iterator that ends early once its piece should stop (step 2).
struct Checked<'a, I> {
    iter: I,
    stop: &'a StopState,
}

impl<I: Iterator> Iterator for Checked<'_, I> {
    type Item = I::Item;

    #[inline]
    fn next(&mut self) -> Option<I::Item> {
        if self.stop.should_stop() {
            return None;
        }
        self.iter.next()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, self.iter.size_hint().1)
    }
}

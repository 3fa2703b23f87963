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
//!    chain, which must be able to finish it (`take_any(1)` sets the stop as it passes its
//!    one item on). So its folders hand items on under the token that was current when
//!    the call began ([`Stop::outside`]) and pull each item from their base under the
//!    child; [`drive_gated`] does this for the adapters that only decide, item by item,
//!    what to pass on ([`Gate`]). A consumer at the end of the chain (`try_reduce`,
//!    `find_any`) and `panic_fuse` (whose call re-raises a panic anyway) keep the child
//!    for the whole chain.
//!
//! Switching the current token costs a thread-local swap and a restore per item pulled
//! (a handful of instructions; batching items to switch less often measured slower), and
//! both tokens live in the `Stop`, which outlives every piece of the call: the pieces
//! are joined before the call that made the `Stop` returns (state invariant 1).

use super::ParallelIterator;
use super::cancel::CancelCheck;
use super::plumbing::{Consumer, Folder, UnindexedConsumer};
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
        under(&self.token, f)
    }

    /// Runs `f`, the work after an adapter, under the call's own token (step 5).
    #[inline]
    pub(super) fn outside<R>(&self, f: impl FnOnce() -> R) -> R {
        under(&self.outer, f)
    }

    /// The items of `iter` until the call stops: it checks before pulling each one, so
    /// no item is made after the stop.
    pub(super) fn until<I: Iterator>(&self, iter: I) -> Until<'_, I> {
        Until { iter, stop: self }
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

/// See [`Stop::until`].
pub(super) struct Until<'s, I> {
    iter: I,
    stop: &'s Stop,
}

impl<I: Iterator> Iterator for Until<'_, I> {
    type Item = I::Item;

    #[inline]
    fn next(&mut self) -> Option<I::Item> {
        if self.stop.is_set() {
            None
        } else {
            self.iter.next()
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, self.iter.size_hint().1)
    }
}

/// What an adapter that stops early (`while_some`, `take_any`, `take_any_while`) does
/// with each item of its base: pass it on, maybe changed, or drop it and stop the call.
pub(super) trait Gate<T>: Sync {
    /// The items passed on.
    type Out;

    /// `Some` to pass `item` on; `None` after calling `stop.set()`: the call is over.
    fn admit(&self, item: T, stop: &Stop) -> Option<Self::Out>;
}

/// Drives `base` through `gate` into `consumer` (protocol steps 1 and 5).
pub(super) fn drive_gated<I, G, C>(base: I, gate: &G, consumer: C) -> C::Result
where
    I: ParallelIterator,
    G: Gate<I::Item>,
    C: UnindexedConsumer<G::Out>,
{
    let stop = Stop::new();
    let consumer = GateConsumer {
        base: consumer,
        gate,
        stop: &stop,
    };
    stop.run(|| base.drive_unindexed(consumer))
}

/// [`drive_gated`] for a `with_cancel` after the adapter.
pub(super) fn drive_gated_checked<I, G, C>(
    base: I,
    gate: &G,
    consumer: C,
    check: CancelCheck<'_>,
) -> C::Result
where
    I: ParallelIterator,
    G: Gate<I::Item>,
    C: UnindexedConsumer<G::Out>,
{
    let stop = Stop::new();
    let consumer = GateConsumer {
        base: consumer,
        gate,
        stop: &stop,
    };
    stop.run(|| base.drive_checked(consumer, check))
}

/// The consumer a gated adapter hands to its base.
struct GateConsumer<'s, C, G> {
    base: C,
    gate: &'s G,
    stop: &'s Stop,
}

impl<'s, T, C, G> Consumer<T> for GateConsumer<'s, C, G>
where
    G: Gate<T>,
    C: Consumer<G::Out>,
{
    type Folder = GateFolder<'s, C::Folder, G>;
    type Reducer = C::Reducer;
    type Result = C::Result;

    fn split_at(self, index: usize) -> (Self, Self, C::Reducer) {
        let (left, right, reducer) = self.base.split_at(index);
        (
            GateConsumer { base: left, ..self },
            GateConsumer {
                base: right,
                ..self
            },
            reducer,
        )
    }

    fn into_folder(self) -> Self::Folder {
        GateFolder {
            base: self.base.into_folder(),
            gate: self.gate,
            stop: self.stop,
        }
    }

    fn full(&self) -> bool {
        self.stop.is_set() || self.base.full()
    }
}

impl<T, C, G> UnindexedConsumer<T> for GateConsumer<'_, C, G>
where
    G: Gate<T>,
    C: UnindexedConsumer<G::Out>,
{
    fn split_off_left(&self) -> Self {
        GateConsumer {
            base: self.base.split_off_left(),
            gate: self.gate,
            stop: self.stop,
        }
    }

    fn to_reducer(&self) -> C::Reducer {
        self.base.to_reducer()
    }
}

/// Pulls items from the base under the child token and hands those the gate admits to
/// the folder after it under the outer one (step 5).
struct GateFolder<'s, F, G> {
    base: F,
    gate: &'s G,
    stop: &'s Stop,
}

impl<T, F, G> Folder<T> for GateFolder<'_, F, G>
where
    G: Gate<T>,
    F: Folder<G::Out>,
{
    type Result = F::Result;

    fn consume(mut self, item: T) -> Self {
        if !self.stop.is_set() {
            if let Some(item) = self.gate.admit(item, self.stop) {
                let base = self.base;
                self.base = self.stop.outside(|| base.consume(item));
            }
        }
        self
    }

    fn consume_iter<I: IntoIterator<Item = T>>(mut self, iter: I) -> Self {
        let gated = GateIter {
            iter: iter.into_iter(),
            gate: self.gate,
            stop: self.stop,
            inside: Context::new(&self.stop.token, state::current().disabled),
        };
        let base = self.base;
        self.base = self.stop.outside(|| base.consume_iter(gated));
        self
    }

    fn complete(self) -> F::Result {
        let base = self.base;
        self.stop.outside(|| base.complete())
    }

    fn full(&self) -> bool {
        self.stop.is_set() || self.base.full()
    }
}

/// The items of a piece that the gate admits, each pulled under the child token
/// (step 5); it ends when the call stops.
struct GateIter<'s, I, G> {
    iter: I,
    gate: &'s G,
    stop: &'s Stop,
    /// The piece's context with the child token, made once rather than per item.
    inside: Context,
}

impl<I, G> Iterator for GateIter<'_, I, G>
where
    I: Iterator,
    G: Gate<I::Item>,
{
    type Item = G::Out;

    #[inline]
    fn next(&mut self) -> Option<G::Out> {
        if self.stop.is_set() {
            return None;
        }
        let item = {
            // SAFETY: `inside` points to the child token of `self.stop`, which outlives
            // `self` (state invariant 1).
            let _entered = unsafe { state::enter(self.inside) };
            self.iter.next()
        }?;
        // Another piece may have stopped the call while this item was made.
        if self.stop.is_set() {
            return None;
        }
        self.gate.admit(item, self.stop)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, self.iter.size_hint().1)
    }
}

//! `while_some`: passes on the values of `Some` items until a `None`. A gated adapter
//! (`short.rs`): the first `None` stops every piece, and cancels a child token that the
//! items still being made before the adapter see at their `checkpoint()`.

use super::ParallelIterator;
use super::cancel::{CancelCheck, cancellable_adapter};
use super::plumbing::UnindexedConsumer;
use super::short::{Gate, Stop, drive_gated, drive_gated_checked};

/// The values of the `Some` items up to the first `None`; made by
/// [`ParallelIterator::while_some`].
///
/// Which items before the `None` are passed on depends on the run: pieces stop as soon as
/// one of them meets a `None`, and pieces after it may already have passed items on, as
/// in rayon.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let parsed: Vec<u32> = ["1", "2", "x", "4"].par_iter().map(|s| s.parse().ok()).while_some().collect();
/// // Some of 1, 2 and 4, in order: which ones depends on when the `None` was met.
/// assert!(parsed.iter().all(|n| [1, 2, 4].contains(n)));
/// assert!(parsed.windows(2).all(|w| w[0] < w[1]));
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Debug, Clone)]
pub struct WhileSome<I> {
    base: I,
}

impl<I> WhileSome<I> {
    pub(super) fn new(base: I) -> Self {
        WhileSome { base }
    }
}

impl<I, T> ParallelIterator for WhileSome<I>
where
    I: ParallelIterator<Item = Option<T>>,
    T: Send,
{
    type Item = T;

    fn drive_unindexed<C>(self, consumer: C) -> C::Result
    where
        C: UnindexedConsumer<T>,
    {
        drive_gated(self.base, &SomeGate, consumer)
    }

    fn drive_checked<C>(self, consumer: C, check: CancelCheck<'_>) -> C::Result
    where
        C: UnindexedConsumer<T>,
    {
        drive_gated_checked(self.base, &SomeGate, consumer, check)
    }
}

cancellable_adapter!(WhileSome<I>, base: I);

/// Passes on `Some` values; a `None` stops the call.
struct SomeGate;

impl<T> Gate<Option<T>> for SomeGate {
    type Out = T;

    #[inline]
    fn admit(&self, item: Option<T>, stop: &Stop) -> Option<T> {
        if item.is_none() {
            stop.set();
        }
        item
    }
}

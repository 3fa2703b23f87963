//! `flat_map_iter` (and through its consumer `flatten_iter`): every item becomes a
//! sequential iterator, folded inline by the piece that met the item. Shaped like
//! `map.rs` on the consumer side; unindexed.
//!
//! A cancellation check (`with_cancel` after the adapter) goes down to the source, which
//! checks between blocks of its items, and also wraps the consumer after the adapter, so
//! that a long inner iterator stops between two of its items.

use std::fmt;

use super::ParallelIterator;
use super::cancel::{CancelCheck, CheckConsumer, cancellable_adapter};
use super::plumbing::{Consumer, Folder, UnindexedConsumer};

/// Maps every item to a sequential iterator and yields their items, in order; made by
/// [`ParallelIterator::flat_map_iter`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let words: Vec<&str> = ["a b", "c"].par_iter().flat_map_iter(|s| s.split(' ')).collect();
/// assert_eq!(words, ["a", "b", "c"]);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Clone)]
pub struct FlatMapIter<I, F> {
    base: I,
    map_op: F,
}

impl<I: fmt::Debug, F> fmt::Debug for FlatMapIter<I, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FlatMapIter")
            .field("base", &self.base)
            .finish()
    }
}

impl<I, F> FlatMapIter<I, F> {
    pub(super) fn new(base: I, map_op: F) -> Self {
        FlatMapIter { base, map_op }
    }
}

impl<I, F, SI> ParallelIterator for FlatMapIter<I, F>
where
    I: ParallelIterator,
    F: Fn(I::Item) -> SI + Sync + Send,
    SI: IntoIterator<Item: Send>,
{
    type Item = SI::Item;

    fn drive_unindexed<C>(self, consumer: C) -> C::Result
    where
        C: UnindexedConsumer<SI::Item>,
    {
        self.base
            .drive_unindexed(FlatMapIterConsumer::new(consumer, &self.map_op))
    }

    fn drive_checked<C>(self, consumer: C, check: CancelCheck<'_>) -> C::Result
    where
        C: UnindexedConsumer<SI::Item>,
    {
        let consumer = CheckConsumer::new(consumer, check);
        self.base
            .drive_checked(FlatMapIterConsumer::new(consumer, &self.map_op), check)
    }
}

cancellable_adapter!(FlatMapIter<I, F>, base: I);

/// The consumer `flat_map_iter` and `flatten_iter` hand to their base.
pub(super) struct FlatMapIterConsumer<'f, C, F> {
    base: C,
    map_op: &'f F,
}

impl<'f, C, F> FlatMapIterConsumer<'f, C, F> {
    pub(super) fn new(base: C, map_op: &'f F) -> Self {
        FlatMapIterConsumer { base, map_op }
    }
}

impl<'f, T, C, F, SI> Consumer<T> for FlatMapIterConsumer<'f, C, F>
where
    C: UnindexedConsumer<SI::Item>,
    F: Fn(T) -> SI + Sync,
    SI: IntoIterator,
{
    type Folder = FlatMapIterFolder<'f, C::Folder, F>;
    type Reducer = C::Reducer;
    type Result = C::Result;

    fn split_at(self, index: usize) -> (Self, Self, C::Reducer) {
        let (left, right, reducer) = self.base.split_at(index);
        (
            FlatMapIterConsumer::new(left, self.map_op),
            FlatMapIterConsumer::new(right, self.map_op),
            reducer,
        )
    }

    fn into_folder(self) -> Self::Folder {
        FlatMapIterFolder {
            base: self.base.into_folder(),
            map_op: self.map_op,
        }
    }

    fn full(&self) -> bool {
        self.base.full()
    }
}

impl<T, C, F, SI> UnindexedConsumer<T> for FlatMapIterConsumer<'_, C, F>
where
    C: UnindexedConsumer<SI::Item>,
    F: Fn(T) -> SI + Sync,
    SI: IntoIterator,
{
    fn split_off_left(&self) -> Self {
        FlatMapIterConsumer::new(self.base.split_off_left(), self.map_op)
    }

    fn to_reducer(&self) -> C::Reducer {
        self.base.to_reducer()
    }
}

pub(super) struct FlatMapIterFolder<'f, C, F> {
    base: C,
    map_op: &'f F,
}

impl<T, C, F, SI> Folder<T> for FlatMapIterFolder<'_, C, F>
where
    C: Folder<SI::Item>,
    F: Fn(T) -> SI,
    SI: IntoIterator,
{
    type Result = C::Result;

    fn consume(mut self, item: T) -> Self {
        self.base = self.base.consume_iter((self.map_op)(item));
        self
    }

    fn consume_iter<I: IntoIterator<Item = T>>(mut self, iter: I) -> Self {
        self.base = self
            .base
            .consume_iter(iter.into_iter().flat_map(self.map_op));
        self
    }

    fn complete(self) -> C::Result {
        self.base.complete()
    }

    fn full(&self) -> bool {
        self.base.full()
    }
}

//! `flat_map` (and through its consumer `flatten`): every item becomes a parallel
//! iterator, and the inner iterators run in parallel too.
//!
//! The folder of a piece keeps the *consumer* it was made from. For each item it drives
//! the item's inner iterator into a consumer split off that one
//! (`UnindexedConsumer::split_off_left`), so the inner iterator splits and runs on the
//! pool like any chain, and it reduces the inner results in item order. A cancellation
//! check (`with_cancel` after the adapter) goes down to the outer source and into every
//! inner one, so both stop between blocks of their items.

use std::fmt;

use super::cancel::{CancelCheck, cancellable_adapter};
use super::plumbing::{Consumer, Folder, Reducer, UnindexedConsumer};
use super::{IntoParallelIterator, ParallelIterator};

/// Maps every item to a parallel iterator and yields their items, in order; made by
/// [`ParallelIterator::flat_map`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let pairs: Vec<(u8, u8)> = (1..3u8)
///     .into_par_iter()
///     .flat_map(|a| (0..a).into_par_iter().map(move |b| (a, b)))
///     .collect();
/// assert_eq!(pairs, [(1, 0), (2, 0), (2, 1)]);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Clone)]
pub struct FlatMap<I, F> {
    base: I,
    map_op: F,
}

impl<I: fmt::Debug, F> fmt::Debug for FlatMap<I, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FlatMap").field("base", &self.base).finish()
    }
}

impl<I, F> FlatMap<I, F> {
    pub(super) fn new(base: I, map_op: F) -> Self {
        FlatMap { base, map_op }
    }
}

impl<I, F, PI> ParallelIterator for FlatMap<I, F>
where
    I: ParallelIterator,
    F: Fn(I::Item) -> PI + Sync + Send,
    PI: IntoParallelIterator,
{
    type Item = PI::Item;

    fn drive_unindexed<C>(self, consumer: C) -> C::Result
    where
        C: UnindexedConsumer<PI::Item>,
    {
        self.base
            .drive_unindexed(FlatMapConsumer::new(consumer, &self.map_op, None))
    }

    fn drive_checked<C>(self, consumer: C, check: CancelCheck<'_>) -> C::Result
    where
        C: UnindexedConsumer<PI::Item>,
    {
        let consumer = FlatMapConsumer::new(consumer, &self.map_op, Some(check));
        self.base.drive_checked(consumer, check)
    }
}

cancellable_adapter!(FlatMap<I, F>, base: I);

/// The consumer `flat_map` and `flatten` hand to their base.
pub(super) struct FlatMapConsumer<'f, 'c, C, F> {
    base: C,
    map_op: &'f F,
    /// The check of a `with_cancel` after the adapter, for the inner iterators.
    check: Option<CancelCheck<'c>>,
}

impl<'f, 'c, C, F> FlatMapConsumer<'f, 'c, C, F> {
    pub(super) fn new(base: C, map_op: &'f F, check: Option<CancelCheck<'c>>) -> Self {
        FlatMapConsumer {
            base,
            map_op,
            check,
        }
    }
}

impl<'f, 'c, T, C, F, PI> Consumer<T> for FlatMapConsumer<'f, 'c, C, F>
where
    C: UnindexedConsumer<PI::Item>,
    F: Fn(T) -> PI + Sync,
    PI: IntoParallelIterator,
{
    type Folder = FlatMapFolder<'f, 'c, C, F, C::Result>;
    type Reducer = C::Reducer;
    type Result = C::Result;

    fn split_at(self, index: usize) -> (Self, Self, C::Reducer) {
        let (left, right, reducer) = self.base.split_at(index);
        (
            FlatMapConsumer::new(left, self.map_op, self.check),
            FlatMapConsumer::new(right, self.map_op, self.check),
            reducer,
        )
    }

    fn into_folder(self) -> Self::Folder {
        FlatMapFolder {
            base: self.base,
            map_op: self.map_op,
            check: self.check,
            previous: None,
        }
    }

    fn full(&self) -> bool {
        self.base.full()
    }
}

impl<T, C, F, PI> UnindexedConsumer<T> for FlatMapConsumer<'_, '_, C, F>
where
    C: UnindexedConsumer<PI::Item>,
    F: Fn(T) -> PI + Sync,
    PI: IntoParallelIterator,
{
    fn split_off_left(&self) -> Self {
        FlatMapConsumer::new(self.base.split_off_left(), self.map_op, self.check)
    }

    fn to_reducer(&self) -> C::Reducer {
        self.base.to_reducer()
    }
}

/// Drives each item's inner iterator and keeps the reduction of their results so far.
pub(super) struct FlatMapFolder<'f, 'c, C, F, R> {
    base: C,
    map_op: &'f F,
    check: Option<CancelCheck<'c>>,
    previous: Option<R>,
}

impl<T, C, F, PI> Folder<T> for FlatMapFolder<'_, '_, C, F, C::Result>
where
    C: UnindexedConsumer<PI::Item>,
    F: Fn(T) -> PI + Sync,
    PI: IntoParallelIterator,
{
    type Result = C::Result;

    fn consume(mut self, item: T) -> Self {
        let inner = (self.map_op)(item).into_par_iter();
        let consumer = self.base.split_off_left();
        let result = match self.check {
            Some(check) => inner.drive_checked(consumer, check),
            None => inner.drive_unindexed(consumer),
        };
        self.previous = Some(match self.previous.take() {
            None => result,
            Some(previous) => self.base.to_reducer().reduce(previous, result),
        });
        self
    }

    fn complete(self) -> C::Result {
        match self.previous {
            Some(previous) => previous,
            None => self.base.into_folder().complete(),
        }
    }

    fn full(&self) -> bool {
        self.base.full()
    }
}

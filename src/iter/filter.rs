//! `filter`: keeps the items a predicate accepts. Shaped like `map` (see `map.rs`), but
//! unindexed: the number of items is unknown until it runs.

use std::fmt;

use super::ParallelIterator;
use super::cancel::{CancelCheck, cancellable_adapter};
use super::plumbing::{Consumer, Folder, UnindexedConsumer};

/// Keeps the items for which a predicate returns `true`; made by
/// [`ParallelIterator::filter`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let big: Vec<u32> = vec![1, 50, 7, 90].into_par_iter().filter(|&x| x > 10).collect();
/// assert_eq!(big, [50, 90]);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Clone)]
pub struct Filter<I, P> {
    base: I,
    filter_op: P,
}

impl<I: fmt::Debug, P> fmt::Debug for Filter<I, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Filter").field("base", &self.base).finish()
    }
}

impl<I, P> Filter<I, P> {
    pub(super) fn new(base: I, filter_op: P) -> Self {
        Filter { base, filter_op }
    }
}

impl<I, P> ParallelIterator for Filter<I, P>
where
    I: ParallelIterator,
    P: Fn(&I::Item) -> bool + Sync + Send,
{
    type Item = I::Item;

    fn drive_unindexed<C>(self, consumer: C) -> C::Result
    where
        C: UnindexedConsumer<I::Item>,
    {
        self.base
            .drive_unindexed(FilterConsumer::new(consumer, &self.filter_op))
    }

    fn drive_checked<C>(self, consumer: C, check: CancelCheck<'_>) -> C::Result
    where
        C: UnindexedConsumer<I::Item>,
    {
        self.base
            .drive_checked(FilterConsumer::new(consumer, &self.filter_op), check)
    }
}

cancellable_adapter!(Filter<I, P>, base: I);

struct FilterConsumer<'p, C, P> {
    base: C,
    filter_op: &'p P,
}

impl<'p, C, P> FilterConsumer<'p, C, P> {
    fn new(base: C, filter_op: &'p P) -> Self {
        FilterConsumer { base, filter_op }
    }
}

impl<'p, T, C, P> Consumer<T> for FilterConsumer<'p, C, P>
where
    C: Consumer<T>,
    P: Fn(&T) -> bool + Sync,
{
    type Folder = FilterFolder<'p, C::Folder, P>;
    type Reducer = C::Reducer;
    type Result = C::Result;

    fn split_at(self, index: usize) -> (Self, Self, C::Reducer) {
        let (left, right, reducer) = self.base.split_at(index);
        (
            FilterConsumer::new(left, self.filter_op),
            FilterConsumer::new(right, self.filter_op),
            reducer,
        )
    }

    fn into_folder(self) -> Self::Folder {
        FilterFolder {
            base: self.base.into_folder(),
            filter_op: self.filter_op,
        }
    }

    fn full(&self) -> bool {
        self.base.full()
    }
}

impl<T, C, P> UnindexedConsumer<T> for FilterConsumer<'_, C, P>
where
    C: UnindexedConsumer<T>,
    P: Fn(&T) -> bool + Sync,
{
    fn split_off_left(&self) -> Self {
        FilterConsumer::new(self.base.split_off_left(), self.filter_op)
    }

    fn to_reducer(&self) -> C::Reducer {
        self.base.to_reducer()
    }
}

struct FilterFolder<'p, C, P> {
    base: C,
    filter_op: &'p P,
}

impl<T, C, P> Folder<T> for FilterFolder<'_, C, P>
where
    C: Folder<T>,
    P: Fn(&T) -> bool,
{
    type Result = C::Result;

    fn consume(mut self, item: T) -> Self {
        if (self.filter_op)(&item) {
            self.base = self.base.consume(item);
        }
        self
    }

    // No `consume_iter` of our own: the default one asks `full()` after every item, also
    // after items that are filtered out, so a short-circuit downstream (`find_any`) stops a
    // piece in which nothing passes.

    fn complete(self) -> C::Result {
        self.base.complete()
    }

    fn full(&self) -> bool {
        self.base.full()
    }
}

//! `filter_map`: maps to `Option` and keeps the `Some`s. Shaped like `filter.rs`.

use std::fmt;

use super::ParallelIterator;
use super::cancel::{CancelCheck, cancellable_adapter};
use super::plumbing::{Consumer, Folder, UnindexedConsumer};

/// Maps every item to an `Option` and keeps the `Some` values; made by
/// [`ParallelIterator::filter_map`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let halves: Vec<u32> = (0..6u32).into_par_iter().filter_map(|x| (x % 2 == 0).then(|| x / 2)).collect();
/// assert_eq!(halves, [0, 1, 2]);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Clone)]
pub struct FilterMap<I, P> {
    base: I,
    filter_op: P,
}

impl<I: fmt::Debug, P> fmt::Debug for FilterMap<I, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FilterMap")
            .field("base", &self.base)
            .finish()
    }
}

impl<I, P> FilterMap<I, P> {
    pub(super) fn new(base: I, filter_op: P) -> Self {
        FilterMap { base, filter_op }
    }
}

impl<I, P, R> ParallelIterator for FilterMap<I, P>
where
    I: ParallelIterator,
    P: Fn(I::Item) -> Option<R> + Sync + Send,
    R: Send,
{
    type Item = R;

    fn drive_unindexed<C: UnindexedConsumer<R>>(self, consumer: C) -> C::Result {
        self.base
            .drive_unindexed(FilterMapConsumer::new(consumer, &self.filter_op))
    }

    fn drive_checked<C: UnindexedConsumer<R>>(
        self,
        consumer: C,
        check: CancelCheck<'_>,
    ) -> C::Result {
        self.base
            .drive_checked(FilterMapConsumer::new(consumer, &self.filter_op), check)
    }
}

cancellable_adapter!(FilterMap<I, P>, base: I);

struct FilterMapConsumer<'p, C, P> {
    base: C,
    filter_op: &'p P,
}

impl<'p, C, P> FilterMapConsumer<'p, C, P> {
    fn new(base: C, filter_op: &'p P) -> Self {
        FilterMapConsumer { base, filter_op }
    }
}

impl<'p, T, R, C, P> Consumer<T> for FilterMapConsumer<'p, C, P>
where
    C: Consumer<R>,
    P: Fn(T) -> Option<R> + Sync,
{
    type Folder = FilterMapFolder<'p, C::Folder, P>;
    type Reducer = C::Reducer;
    type Result = C::Result;

    fn split_at(self, index: usize) -> (Self, Self, C::Reducer) {
        let (left, right, reducer) = self.base.split_at(index);
        (
            FilterMapConsumer::new(left, self.filter_op),
            FilterMapConsumer::new(right, self.filter_op),
            reducer,
        )
    }

    fn into_folder(self) -> Self::Folder {
        FilterMapFolder {
            base: self.base.into_folder(),
            filter_op: self.filter_op,
        }
    }

    fn full(&self) -> bool {
        self.base.full()
    }
}

impl<T, R, C, P> UnindexedConsumer<T> for FilterMapConsumer<'_, C, P>
where
    C: UnindexedConsumer<R>,
    P: Fn(T) -> Option<R> + Sync,
{
    fn split_off_left(&self) -> Self {
        FilterMapConsumer::new(self.base.split_off_left(), self.filter_op)
    }

    fn to_reducer(&self) -> C::Reducer {
        self.base.to_reducer()
    }
}

struct FilterMapFolder<'p, C, P> {
    base: C,
    filter_op: &'p P,
}

impl<T, R, C, P> Folder<T> for FilterMapFolder<'_, C, P>
where
    C: Folder<R>,
    P: Fn(T) -> Option<R>,
{
    type Result = C::Result;

    fn consume(mut self, item: T) -> Self {
        if let Some(mapped) = (self.filter_op)(item) {
            self.base = self.base.consume(mapped);
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

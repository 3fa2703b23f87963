//! `flatten`: `flat_map` with the identity, sharing its consumer (`flat_map.rs`).

use super::cancel::{CancelCheck, cancellable_adapter};
use super::flat_map::FlatMapConsumer;
use super::plumbing::UnindexedConsumer;
use super::{IntoParallelIterator, ParallelIterator};

/// Yields the items of every item, each itself a parallel iterable, in order; made by
/// [`ParallelIterator::flatten`]. The inner iterators run in parallel too.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let rows = vec![vec![1, 2], vec![], vec![3, 4, 5]];
/// let cells: Vec<i32> = rows.into_par_iter().flatten().collect();
/// assert_eq!(cells, [1, 2, 3, 4, 5]);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Debug, Clone)]
pub struct Flatten<I> {
    base: I,
}

impl<I> Flatten<I> {
    pub(super) fn new(base: I) -> Self {
        Flatten { base }
    }
}

impl<I> ParallelIterator for Flatten<I>
where
    I: ParallelIterator<Item: IntoParallelIterator>,
{
    type Item = <I::Item as IntoParallelIterator>::Item;

    fn drive_unindexed<C>(self, consumer: C) -> C::Result
    where
        C: UnindexedConsumer<Self::Item>,
    {
        let identity = |inner: I::Item| inner;
        self.base
            .drive_unindexed(FlatMapConsumer::new(consumer, &identity, None))
    }

    fn drive_checked<C>(self, consumer: C, check: CancelCheck<'_>) -> C::Result
    where
        C: UnindexedConsumer<Self::Item>,
    {
        let identity = |inner: I::Item| inner;
        let consumer = FlatMapConsumer::new(consumer, &identity, Some(check));
        self.base.drive_checked(consumer, check)
    }
}

cancellable_adapter!(Flatten<I>, base: I);

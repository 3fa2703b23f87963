//! `flatten_iter`: `flat_map_iter` with the identity, sharing its consumer
//! (`flat_map_iter.rs`).

use super::ParallelIterator;
use super::cancel::{CancelCheck, CheckConsumer, cancellable_adapter};
use super::flat_map_iter::FlatMapIterConsumer;
use super::plumbing::UnindexedConsumer;

/// Yields the items of every item, each a sequential iterable, in order; made by
/// [`ParallelIterator::flatten_iter`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let maybe = vec![Some(1), None, Some(3)];
/// let present: Vec<i32> = maybe.into_par_iter().flatten_iter().collect();
/// assert_eq!(present, [1, 3]);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Debug, Clone)]
pub struct FlattenIter<I> {
    base: I,
}

impl<I> FlattenIter<I> {
    pub(super) fn new(base: I) -> Self {
        FlattenIter { base }
    }
}

impl<I> ParallelIterator for FlattenIter<I>
where
    I: ParallelIterator<Item: IntoIterator<Item: Send>>,
{
    type Item = <I::Item as IntoIterator>::Item;

    fn drive_unindexed<C>(self, consumer: C) -> C::Result
    where
        C: UnindexedConsumer<Self::Item>,
    {
        let identity = |inner: I::Item| inner;
        self.base
            .drive_unindexed(FlatMapIterConsumer::new(consumer, &identity))
    }

    fn drive_checked<C>(self, consumer: C, check: CancelCheck<'_>) -> C::Result
    where
        C: UnindexedConsumer<Self::Item>,
    {
        let identity = |inner: I::Item| inner;
        let consumer = CheckConsumer::new(consumer, check);
        self.base
            .drive_checked(FlatMapIterConsumer::new(consumer, &identity), check)
    }
}

cancellable_adapter!(FlattenIter<I>, base: I);

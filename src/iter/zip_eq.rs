//! `zip_eq`: `zip` of two iterators of the same length (checked when it is made), so its
//! items are exactly the pairs of both. Everything runs through the `Zip` it holds.

use super::cancel::{CancelCheck, CancelShared, cancellable_consumers};
use super::plumbing::{Consumer, ProducerCallback, UnindexedConsumer};
use super::{CancellableChain, IndexedParallelIterator, ParallelIterator, Zip};
use crate::sync::Arc;

/// Pairs the items of two iterators of equal length, position by position; made by
/// [`IndexedParallelIterator::zip_eq`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let v: Vec<(u8, char)> = (1..3u8).into_par_iter().zip_eq(vec!['a', 'b']).collect();
/// assert_eq!(v, [(1, 'a'), (2, 'b')]);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Debug, Clone)]
pub struct ZipEq<A, B> {
    zip: Zip<A, B>,
}

impl<A, B> ZipEq<A, B> {
    /// `a` and `b` have the same length (checked by the caller).
    pub(super) fn new(a: A, b: B) -> Self {
        ZipEq {
            zip: Zip::new(a, b),
        }
    }
}

impl<A, B> ParallelIterator for ZipEq<A, B>
where
    A: IndexedParallelIterator,
    B: IndexedParallelIterator,
{
    type Item = (A::Item, B::Item);

    fn drive_unindexed<C: UnindexedConsumer<Self::Item>>(self, consumer: C) -> C::Result {
        self.zip.drive_unindexed(consumer)
    }

    fn opt_len(&self) -> Option<usize> {
        Some(self.zip.len())
    }

    fn drive_checked<C: UnindexedConsumer<Self::Item>>(
        self,
        consumer: C,
        check: CancelCheck<'_>,
    ) -> C::Result {
        self.zip.drive_checked(consumer, check)
    }
}

impl<A, B> IndexedParallelIterator for ZipEq<A, B>
where
    A: IndexedParallelIterator,
    B: IndexedParallelIterator,
{
    fn len(&self) -> usize {
        self.zip.len()
    }

    fn drive<C: Consumer<Self::Item>>(self, consumer: C) -> C::Result {
        self.zip.drive(consumer)
    }

    fn with_producer<CB: ProducerCallback<Self::Item>>(self, callback: CB) -> CB::Output {
        self.zip.with_producer(callback)
    }
}

// By hand rather than with `cancellable_adapter!`: the base sits inside `zip`.
impl<A, B> CancellableChain for ZipEq<A, B>
where
    A: IndexedParallelIterator + CancellableChain,
    B: IndexedParallelIterator,
{
    fn cancel_shared(&self) -> &Arc<CancelShared> {
        self.zip.cancel_shared()
    }
}

cancellable_consumers!(impl<A, B> ZipEq<A, B>);

//! `interleave_shortest`: `interleave` of the two iterators cut to where the turns stop.
//! Turns start with the first iterator and stop when the side whose turn it is has no
//! item left: with `n` and `m` items, that is `n` of each if `n <= m`, else `m + 1` of
//! the first and `m` of the second.

use super::cancel::{CancelCheck, CancelShared, cancellable_consumers};
use super::plumbing::{Consumer, ProducerCallback, UnindexedConsumer};
use super::{CancellableChain, IndexedParallelIterator, Interleave, ParallelIterator, Take};
use crate::sync::Arc;

/// Alternates the items of two iterators, starting with the first, until the one whose
/// turn it is runs out; made by [`IndexedParallelIterator::interleave_shortest`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let v: Vec<u8> = vec![1, 3, 5].into_par_iter().interleave_shortest(vec![2]).collect();
/// assert_eq!(v, [1, 2, 3]);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Debug, Clone)]
pub struct InterleaveShortest<I, J> {
    interleave: Interleave<Take<I>, Take<J>>,
}

impl<I, J> InterleaveShortest<I, J>
where
    I: IndexedParallelIterator,
    J: IndexedParallelIterator<Item = I::Item>,
{
    pub(super) fn new(i: I, j: J) -> Self {
        let (n, m) = (i.len(), j.len());
        let (take_i, take_j) = if n <= m { (n, n) } else { (m + 1, m) };
        InterleaveShortest {
            interleave: Interleave::new(Take::new(i, take_i), Take::new(j, take_j)),
        }
    }
}

impl<I, J> ParallelIterator for InterleaveShortest<I, J>
where
    I: IndexedParallelIterator,
    J: IndexedParallelIterator<Item = I::Item>,
{
    type Item = I::Item;

    fn drive_unindexed<C: UnindexedConsumer<Self::Item>>(self, consumer: C) -> C::Result {
        self.interleave.drive_unindexed(consumer)
    }

    fn opt_len(&self) -> Option<usize> {
        Some(self.len())
    }

    fn drive_checked<C: UnindexedConsumer<Self::Item>>(
        self,
        consumer: C,
        check: CancelCheck<'_>,
    ) -> C::Result {
        self.interleave.drive_checked(consumer, check)
    }
}

impl<I, J> IndexedParallelIterator for InterleaveShortest<I, J>
where
    I: IndexedParallelIterator,
    J: IndexedParallelIterator<Item = I::Item>,
{
    fn len(&self) -> usize {
        self.interleave.len()
    }

    fn drive<C: Consumer<Self::Item>>(self, consumer: C) -> C::Result {
        self.interleave.drive(consumer)
    }

    fn with_producer<CB: ProducerCallback<Self::Item>>(self, callback: CB) -> CB::Output {
        self.interleave.with_producer(callback)
    }
}

// By hand rather than with `cancellable_adapter!`: the base sits inside `interleave`.
impl<I, J> CancellableChain for InterleaveShortest<I, J>
where
    I: IndexedParallelIterator + CancellableChain,
    J: IndexedParallelIterator<Item = I::Item>,
{
    fn cancel_shared(&self) -> &Arc<CancelShared> {
        self.interleave.first().cancel_shared()
    }
}

cancellable_consumers!(impl<I, J> InterleaveShortest<I, J>);

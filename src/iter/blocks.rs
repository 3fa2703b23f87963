//! `by_exponential_blocks` and `by_uniform_blocks`: run an indexed iterator as a
//! sequence of blocks, one after the other, each block in parallel.
//!
//! The consumer is split at the end of each block: the left part runs the block (through
//! the usual bridge), the right part is kept for the rest, and the block's result is
//! reduced onto those before it. Before each block the rest's consumer is asked whether
//! it is [`full`](super::plumbing::Consumer::full); a `find_first` whose match lies in an
//! earlier block says so, and the remaining blocks never start (their owned items are
//! dropped with the producer). The result is an unindexed iterator, as in rayon.

use std::iter;

use super::cancel::{CancelCheck, cancellable_adapter, with_checked_producer};
use super::plumbing::{
    Folder, Producer, ProducerCallback, Reducer, UnindexedConsumer, bridge_producer_consumer,
};
use super::{IndexedParallelIterator, ParallelIterator};

/// Runs an indexed iterator as blocks of growing size, one block after the other, each
/// in parallel; made by [`IndexedParallelIterator::by_exponential_blocks`].
///
/// The first block has as many positions as the pool has threads, and each next one
/// twice as many as the one before.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// // Stops after the block that holds the first match, early in a long range.
/// let hit = (0..u64::MAX).into_par_iter().by_exponential_blocks().find_first(|x| x % 1000 == 999);
/// assert_eq!(hit, Some(999));
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Debug, Clone)]
pub struct ExponentialBlocks<I> {
    base: I,
}

impl<I> ExponentialBlocks<I> {
    pub(super) fn new(base: I) -> Self {
        ExponentialBlocks { base }
    }
}

impl<I: IndexedParallelIterator> ParallelIterator for ExponentialBlocks<I> {
    type Item = I::Item;

    fn drive_unindexed<C: UnindexedConsumer<Self::Item>>(self, consumer: C) -> C::Result {
        let len = self.base.len();
        self.base
            .with_producer(BlocksCallback::new(consumer, len, exponential_sizes()))
    }

    fn drive_checked<C: UnindexedConsumer<Self::Item>>(
        self,
        consumer: C,
        check: CancelCheck<'_>,
    ) -> C::Result {
        let len = self.base.len();
        let callback = BlocksCallback::new(consumer, len, exponential_sizes());
        with_checked_producer(self.base, callback, check)
    }
}

cancellable_adapter!(ExponentialBlocks<I>, base: I);

/// The thread count, then doubling.
fn exponential_sizes() -> impl Iterator<Item = usize> {
    let first = crate::current_num_threads().max(1);
    iter::successors(Some(first), |size| Some(size.saturating_mul(2)))
}

/// Runs an indexed iterator as blocks of `block_size` positions, one block after the
/// other, each in parallel; made by [`IndexedParallelIterator::by_uniform_blocks`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// // Each block of 1000 is summed in parallel before the next one starts.
/// let sum: u64 = (1..10_001u64).into_par_iter().by_uniform_blocks(1_000).sum();
/// assert_eq!(sum, 50_005_000);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Debug, Clone)]
pub struct UniformBlocks<I> {
    base: I,
    block_size: usize,
}

impl<I> UniformBlocks<I> {
    /// `block_size` is not 0 (checked by the caller).
    pub(super) fn new(base: I, block_size: usize) -> Self {
        UniformBlocks { base, block_size }
    }
}

impl<I: IndexedParallelIterator> ParallelIterator for UniformBlocks<I> {
    type Item = I::Item;

    fn drive_unindexed<C: UnindexedConsumer<Self::Item>>(self, consumer: C) -> C::Result {
        let len = self.base.len();
        let sizes = iter::repeat(self.block_size);
        self.base
            .with_producer(BlocksCallback::new(consumer, len, sizes))
    }

    fn drive_checked<C: UnindexedConsumer<Self::Item>>(
        self,
        consumer: C,
        check: CancelCheck<'_>,
    ) -> C::Result {
        let len = self.base.len();
        let sizes = iter::repeat(self.block_size);
        with_checked_producer(self.base, BlocksCallback::new(consumer, len, sizes), check)
    }
}

cancellable_adapter!(UniformBlocks<I>, base: I);

/// Runs a producer of `len` positions into `consumer`, block by block (module docs).
struct BlocksCallback<C, S> {
    consumer: C,
    len: usize,
    sizes: S,
}

impl<C, S> BlocksCallback<C, S> {
    fn new(consumer: C, len: usize, sizes: S) -> Self {
        BlocksCallback {
            consumer,
            len,
            sizes,
        }
    }
}

impl<T, C, S> ProducerCallback<T> for BlocksCallback<C, S>
where
    C: UnindexedConsumer<T>,
    S: Iterator<Item = usize>,
{
    type Output = C::Result;

    fn callback<P: Producer<Item = T>>(mut self, mut producer: P) -> C::Result {
        let (mut consumer, mut left) = (self.consumer, self.len);
        // The reduced result of the blocks so far; `None` before the first.
        let mut done: Option<C::Result> = None;
        while left > 0 && !consumer.full() {
            let size = self.sizes.next().unwrap_or(usize::MAX).clamp(1, left);
            let reducer = consumer.to_reducer();
            let (block, rest) = producer.split_at(size);
            let (block_consumer, rest_consumer, _) = consumer.split_at(size);
            let result = bridge_producer_consumer(size, block, block_consumer);
            done = Some(match done {
                Some(before) => reducer.reduce(before, result),
                None => result,
            });
            (producer, consumer, left) = (rest, rest_consumer, left - size);
        }
        match done {
            Some(result) => result,
            None => consumer.into_folder().complete(),
        }
    }
}

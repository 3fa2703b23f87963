//! `fold_chunks` and `fold_chunks_with`: each run of `chunk_size` items folds into one
//! item. The chunks are those of `chunks` (its `ChunkProducer`), each folded by a
//! sequential `fold` instead of collected, so no `Vec` is made.

use std::fmt;

use super::cancel::{CancelCheck, bridge_checked, cancellable_adapter};
use super::chunks::ChunkProducer;
use super::plumbing::{Consumer, Producer, ProducerCallback, UnindexedConsumer, bridge};
use super::{IndexedParallelIterator, ParallelIterator};

/// Folds every run of `chunk_size` items into one value, starting from `identity()`;
/// made by [`IndexedParallelIterator::fold_chunks`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let maxima: Vec<u32> = vec![3, 9, 2, 4, 8].into_par_iter().fold_chunks(2, || 0, u32::max).collect();
/// assert_eq!(maxima, [9, 4, 8]);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Clone)]
pub struct FoldChunks<I, ID, F> {
    base: I,
    chunk_size: usize,
    identity: ID,
    fold_op: F,
}

impl<I: fmt::Debug, ID, F> fmt::Debug for FoldChunks<I, ID, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FoldChunks")
            .field("base", &self.base)
            .field("chunk_size", &self.chunk_size)
            .finish()
    }
}

impl<I, ID, F> FoldChunks<I, ID, F> {
    /// `chunk_size` is not 0 (checked by the caller).
    pub(super) fn new(base: I, chunk_size: usize, identity: ID, fold_op: F) -> Self {
        FoldChunks {
            base,
            chunk_size,
            identity,
            fold_op,
        }
    }
}

impl<I, ID, F, U> ParallelIterator for FoldChunks<I, ID, F>
where
    I: IndexedParallelIterator,
    ID: Fn() -> U + Send + Sync,
    F: Fn(U, I::Item) -> U + Send + Sync,
    U: Send,
{
    type Item = U;

    fn drive_unindexed<C: UnindexedConsumer<U>>(self, consumer: C) -> C::Result {
        bridge(self, consumer)
    }

    fn opt_len(&self) -> Option<usize> {
        Some(self.len())
    }

    fn drive_checked<C: UnindexedConsumer<U>>(
        self,
        consumer: C,
        check: CancelCheck<'_>,
    ) -> C::Result {
        bridge_checked(self, consumer, check)
    }
}

impl<I, ID, F, U> IndexedParallelIterator for FoldChunks<I, ID, F>
where
    I: IndexedParallelIterator,
    ID: Fn() -> U + Send + Sync,
    F: Fn(U, I::Item) -> U + Send + Sync,
    U: Send,
{
    fn len(&self) -> usize {
        self.base.len().div_ceil(self.chunk_size)
    }

    fn drive<C: Consumer<U>>(self, consumer: C) -> C::Result {
        bridge(self, consumer)
    }

    fn with_producer<CB: ProducerCallback<U>>(self, callback: CB) -> CB::Output {
        let len = self.base.len();
        return self.base.with_producer(Callback {
            callback,
            chunk_size: self.chunk_size,
            len,
            identity: self.identity,
            fold_op: self.fold_op,
        });

        struct Callback<CB, ID, F> {
            callback: CB,
            chunk_size: usize,
            len: usize,
            identity: ID,
            fold_op: F,
        }

        impl<T, CB, ID, F, U> ProducerCallback<T> for Callback<CB, ID, F>
        where
            CB: ProducerCallback<U>,
            ID: Fn() -> U + Sync,
            F: Fn(U, T) -> U + Sync,
        {
            type Output = CB::Output;

            fn callback<P: Producer<Item = T>>(self, base: P) -> CB::Output {
                let (identity, fold_op) = (&self.identity, &self.fold_op);
                let fold_chunk = move |chunk: P::IntoIter| chunk.fold(identity(), fold_op);
                self.callback.callback(ChunkProducer::new(
                    base,
                    self.chunk_size,
                    self.len,
                    fold_chunk,
                ))
            }
        }
    }
}

cancellable_adapter!(FoldChunks<I, ID, F>, base: I);

/// Folds every run of `chunk_size` items into one value, starting from a clone of
/// `item`; made by [`IndexedParallelIterator::fold_chunks_with`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let words: Vec<String> = ['a', 'b', 'c'].par_iter()
///     .fold_chunks_with(2, String::new(), |mut s, &c| { s.push(c); s })
///     .collect();
/// assert_eq!(words, ["ab", "c"]);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Clone)]
pub struct FoldChunksWith<I, U, F> {
    base: I,
    chunk_size: usize,
    item: U,
    fold_op: F,
}

impl<I: fmt::Debug, U: fmt::Debug, F> fmt::Debug for FoldChunksWith<I, U, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FoldChunksWith")
            .field("base", &self.base)
            .field("chunk_size", &self.chunk_size)
            .field("item", &self.item)
            .finish()
    }
}

impl<I, U, F> FoldChunksWith<I, U, F> {
    /// `chunk_size` is not 0 (checked by the caller).
    pub(super) fn new(base: I, chunk_size: usize, item: U, fold_op: F) -> Self {
        FoldChunksWith {
            base,
            chunk_size,
            item,
            fold_op,
        }
    }
}

impl<I, U, F> ParallelIterator for FoldChunksWith<I, U, F>
where
    I: IndexedParallelIterator,
    U: Send + Clone,
    F: Fn(U, I::Item) -> U + Send + Sync,
{
    type Item = U;

    fn drive_unindexed<C: UnindexedConsumer<U>>(self, consumer: C) -> C::Result {
        bridge(self, consumer)
    }

    fn opt_len(&self) -> Option<usize> {
        Some(self.len())
    }

    fn drive_checked<C: UnindexedConsumer<U>>(
        self,
        consumer: C,
        check: CancelCheck<'_>,
    ) -> C::Result {
        bridge_checked(self, consumer, check)
    }
}

impl<I, U, F> IndexedParallelIterator for FoldChunksWith<I, U, F>
where
    I: IndexedParallelIterator,
    U: Send + Clone,
    F: Fn(U, I::Item) -> U + Send + Sync,
{
    fn len(&self) -> usize {
        self.base.len().div_ceil(self.chunk_size)
    }

    fn drive<C: Consumer<U>>(self, consumer: C) -> C::Result {
        bridge(self, consumer)
    }

    fn with_producer<CB: ProducerCallback<U>>(self, callback: CB) -> CB::Output {
        let len = self.base.len();
        return self.base.with_producer(Callback {
            callback,
            chunk_size: self.chunk_size,
            len,
            item: self.item,
            fold_op: self.fold_op,
        });

        struct Callback<CB, U, F> {
            callback: CB,
            chunk_size: usize,
            len: usize,
            item: U,
            fold_op: F,
        }

        impl<T, CB, U, F> ProducerCallback<T> for Callback<CB, U, F>
        where
            CB: ProducerCallback<U>,
            U: Send + Clone,
            F: Fn(U, T) -> U + Sync,
        {
            type Output = CB::Output;

            fn callback<P: Producer<Item = T>>(self, base: P) -> CB::Output {
                let (item, fold_op) = (self.item, &self.fold_op);
                // Owns its `item` (`U` need not be `Sync`); each piece's copy of the
                // closure is a clone.
                let fold_chunk = move |chunk: P::IntoIter| chunk.fold(item.clone(), fold_op);
                self.callback.callback(ChunkProducer::new(
                    base,
                    self.chunk_size,
                    self.len,
                    fold_chunk,
                ))
            }
        }
    }
}

cancellable_adapter!(FoldChunksWith<I, U, F>, base: I);

//! `par_chunks` and `par_chunks_mut`.

use std::fmt;

use crate::iter::cancel::{CancelCheck, bridge_checked};
use crate::iter::plumbing::{Consumer, Producer, ProducerCallback, UnindexedConsumer, bridge};
use crate::iter::{IndexedParallelIterator, ParallelIterator};

/// The chunks of a slice; made by [`par_chunks`](super::ParallelSlice::par_chunks).
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let chunks: cancelpool::slice::Chunks<'_, u8> = [1, 2, 3].par_chunks(2);
/// assert_eq!(chunks.len(), 2);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
pub struct Chunks<'data, T> {
    chunk_size: usize,
    slice: &'data [T],
}

impl<'data, T> Chunks<'data, T> {
    pub(super) fn new(chunk_size: usize, slice: &'data [T]) -> Self {
        Chunks { chunk_size, slice }
    }
}

impl<T> Clone for Chunks<'_, T> {
    fn clone(&self) -> Self {
        Chunks::new(self.chunk_size, self.slice)
    }
}

impl<T: fmt::Debug> fmt::Debug for Chunks<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Chunks")
            .field("chunk_size", &self.chunk_size)
            .field("slice", &self.slice)
            .finish()
    }
}

impl<'data, T: Sync + 'data> ParallelIterator for Chunks<'data, T> {
    type Item = &'data [T];

    fn drive_unindexed<C: UnindexedConsumer<Self::Item>>(self, consumer: C) -> C::Result {
        bridge(self, consumer)
    }

    fn opt_len(&self) -> Option<usize> {
        Some(self.len())
    }

    fn drive_checked<C: UnindexedConsumer<Self::Item>>(
        self,
        consumer: C,
        check: CancelCheck<'_>,
    ) -> C::Result {
        bridge_checked(self, consumer, check)
    }
}

impl<'data, T: Sync + 'data> IndexedParallelIterator for Chunks<'data, T> {
    fn len(&self) -> usize {
        self.slice.len().div_ceil(self.chunk_size)
    }

    fn drive<C: Consumer<Self::Item>>(self, consumer: C) -> C::Result {
        bridge(self, consumer)
    }

    fn with_producer<CB: ProducerCallback<Self::Item>>(self, callback: CB) -> CB::Output {
        callback.callback(ChunksProducer {
            chunk_size: self.chunk_size,
            slice: self.slice,
        })
    }
}

struct ChunksProducer<'data, T: Sync> {
    chunk_size: usize,
    slice: &'data [T],
}

impl<'data, T: Sync + 'data> Producer for ChunksProducer<'data, T> {
    type Item = &'data [T];
    type IntoIter = std::slice::Chunks<'data, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.slice.chunks(self.chunk_size)
    }

    fn split_at(self, index: usize) -> (Self, Self) {
        let elem_index = self.slice.len().min(index.saturating_mul(self.chunk_size));
        let (left, right) = self.slice.split_at(elem_index);
        (
            ChunksProducer {
                chunk_size: self.chunk_size,
                slice: left,
            },
            ChunksProducer {
                chunk_size: self.chunk_size,
                slice: right,
            },
        )
    }
}

/// The mutable chunks of a slice; made by
/// [`par_chunks_mut`](super::ParallelSliceMut::par_chunks_mut).
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let mut v = [1, 2, 3];
/// let chunks: cancelpool::slice::ChunksMut<'_, i32> = v.par_chunks_mut(2);
/// chunks.for_each(|c| c[0] = 0);
/// assert_eq!(v, [0, 2, 0]);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
pub struct ChunksMut<'data, T> {
    chunk_size: usize,
    slice: &'data mut [T],
}

impl<'data, T> ChunksMut<'data, T> {
    pub(super) fn new(chunk_size: usize, slice: &'data mut [T]) -> Self {
        ChunksMut { chunk_size, slice }
    }
}

impl<T: fmt::Debug> fmt::Debug for ChunksMut<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChunksMut")
            .field("chunk_size", &self.chunk_size)
            .field("slice", &self.slice)
            .finish()
    }
}

impl<'data, T: Send + 'data> ParallelIterator for ChunksMut<'data, T> {
    type Item = &'data mut [T];

    fn drive_unindexed<C: UnindexedConsumer<Self::Item>>(self, consumer: C) -> C::Result {
        bridge(self, consumer)
    }

    fn opt_len(&self) -> Option<usize> {
        Some(self.len())
    }

    fn drive_checked<C: UnindexedConsumer<Self::Item>>(
        self,
        consumer: C,
        check: CancelCheck<'_>,
    ) -> C::Result {
        bridge_checked(self, consumer, check)
    }
}

impl<'data, T: Send + 'data> IndexedParallelIterator for ChunksMut<'data, T> {
    fn len(&self) -> usize {
        self.slice.len().div_ceil(self.chunk_size)
    }

    fn drive<C: Consumer<Self::Item>>(self, consumer: C) -> C::Result {
        bridge(self, consumer)
    }

    fn with_producer<CB: ProducerCallback<Self::Item>>(self, callback: CB) -> CB::Output {
        callback.callback(ChunksMutProducer {
            chunk_size: self.chunk_size,
            slice: self.slice,
        })
    }
}

struct ChunksMutProducer<'data, T: Send> {
    chunk_size: usize,
    slice: &'data mut [T],
}

impl<'data, T: Send + 'data> Producer for ChunksMutProducer<'data, T> {
    type Item = &'data mut [T];
    type IntoIter = std::slice::ChunksMut<'data, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.slice.chunks_mut(self.chunk_size)
    }

    fn split_at(self, index: usize) -> (Self, Self) {
        let elem_index = self.slice.len().min(index.saturating_mul(self.chunk_size));
        let (left, right) = self.slice.split_at_mut(elem_index);
        (
            ChunksMutProducer {
                chunk_size: self.chunk_size,
                slice: left,
            },
            ChunksMutProducer {
                chunk_size: self.chunk_size,
                slice: right,
            },
        )
    }
}

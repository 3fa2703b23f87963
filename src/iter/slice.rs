//! Parallel iterators over slices: `par_iter()`, `par_iter_mut()`, `par_chunks(n)`,
//! `par_chunks_mut(n)`.

use super::plumbing::{Producer, ProducerCallback};
use super::{IndexedParallelIterator, IntoParallelIterator, ParallelIterator};

/// Parallel methods of shared slices: `par_chunks`.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let v = [1, 2, 3, 4, 5];
/// let sums: Vec<i32> = v.par_chunks(2).map(|c| c.iter().sum()).collect();
/// assert_eq!(sums, [3, 7, 5]);
/// ```
pub trait ParallelSlice<T: Sync> {
    /// The slice itself.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let v = vec![1, 2];
    /// assert_eq!(v.as_parallel_slice(), &[1, 2]);
    /// ```
    fn as_parallel_slice(&self) -> &[T];

    /// A parallel iterator over chunks of `chunk_size` items (the last one may be
    /// shorter), in order.
    ///
    /// # Panics
    ///
    /// If `chunk_size` is 0.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let v: Vec<u32> = (0..10).collect();
    /// let chunks: Vec<&[u32]> = v.par_chunks(4).collect();
    /// assert_eq!(chunks, [&[0, 1, 2, 3][..], &[4, 5, 6, 7], &[8, 9]]);
    /// ```
    fn par_chunks(&self, chunk_size: usize) -> Chunks<'_, T> {
        assert!(chunk_size != 0, "chunk_size must not be zero");
        Chunks {
            slice: self.as_parallel_slice(),
            size: chunk_size,
        }
    }
}

impl<T: Sync> ParallelSlice<T> for [T] {
    fn as_parallel_slice(&self) -> &[T] {
        self
    }
}

/// Parallel methods of mutable slices: `par_chunks_mut`.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let mut v = [0u8; 6];
/// v.par_chunks_mut(2).enumerate().for_each(|(i, c)| c.fill(i as u8));
/// assert_eq!(v, [0, 0, 1, 1, 2, 2]);
/// ```
pub trait ParallelSliceMut<T: Send> {
    /// The slice itself.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let mut v = vec![1, 2];
    /// v.as_parallel_slice_mut()[0] = 5;
    /// assert_eq!(v, [5, 2]);
    /// ```
    fn as_parallel_slice_mut(&mut self) -> &mut [T];

    /// A parallel iterator over mutable chunks of `chunk_size` items (the last one may
    /// be shorter), in order.
    ///
    /// # Panics
    ///
    /// If `chunk_size` is 0.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let mut v = vec![1, 2, 3, 4, 5];
    /// v.par_chunks_mut(2).for_each(|c| c.reverse());
    /// assert_eq!(v, [2, 1, 4, 3, 5]);
    /// ```
    fn par_chunks_mut(&mut self, chunk_size: usize) -> ChunksMut<'_, T> {
        assert!(chunk_size != 0, "chunk_size must not be zero");
        ChunksMut {
            slice: self.as_parallel_slice_mut(),
            size: chunk_size,
        }
    }
}

impl<T: Send> ParallelSliceMut<T> for [T] {
    fn as_parallel_slice_mut(&mut self) -> &mut [T] {
        self
    }
}

/// A parallel iterator over `&T`; made by `par_iter()` on a slice, array or `Vec`.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let v = vec![3, 1, 2];
/// let iter: cancelpool::iter::slice::Iter<'_, i32> = v.par_iter();
/// assert_eq!(iter.max(), Some(&3));
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Debug)]
pub struct Iter<'a, T> {
    slice: &'a [T],
}

impl<T> Clone for Iter<'_, T> {
    fn clone(&self) -> Self {
        Iter { slice: self.slice }
    }
}

/// A parallel iterator over `&mut T`; made by `par_iter_mut()` on a slice, array or
/// `Vec`.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let mut v = vec![1, 2, 3];
/// v.par_iter_mut().for_each(|x| *x *= 10);
/// assert_eq!(v, [10, 20, 30]);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Debug)]
pub struct IterMut<'a, T> {
    slice: &'a mut [T],
}

/// A parallel iterator over `&[T]` chunks; made by [`ParallelSlice::par_chunks`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let v = [1, 2, 3];
/// let chunks: cancelpool::iter::slice::Chunks<'_, i32> = v.par_chunks(2);
/// assert_eq!(chunks.len(), 2);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Debug)]
pub struct Chunks<'a, T> {
    slice: &'a [T],
    size: usize,
}

impl<T> Clone for Chunks<'_, T> {
    fn clone(&self) -> Self {
        Chunks { ..*self }
    }
}

/// A parallel iterator over `&mut [T]` chunks; made by
/// [`ParallelSliceMut::par_chunks_mut`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let mut v = [1, 2, 3];
/// let chunks: cancelpool::iter::slice::ChunksMut<'_, i32> = v.par_chunks_mut(2);
/// assert_eq!(chunks.count(), 2);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Debug)]
pub struct ChunksMut<'a, T> {
    slice: &'a mut [T],
    size: usize,
}

impl<'a, T: Sync> IntoParallelIterator for &'a [T] {
    type Iter = Iter<'a, T>;
    type Item = &'a T;

    fn into_par_iter(self) -> Iter<'a, T> {
        Iter { slice: self }
    }
}

impl<'a, T: Send> IntoParallelIterator for &'a mut [T] {
    type Iter = IterMut<'a, T>;
    type Item = &'a mut T;

    fn into_par_iter(self) -> IterMut<'a, T> {
        IterMut { slice: self }
    }
}

impl<'a, T: Sync, const N: usize> IntoParallelIterator for &'a [T; N] {
    type Iter = Iter<'a, T>;
    type Item = &'a T;

    fn into_par_iter(self) -> Iter<'a, T> {
        Iter { slice: self }
    }
}

impl<'a, T: Send, const N: usize> IntoParallelIterator for &'a mut [T; N] {
    type Iter = IterMut<'a, T>;
    type Item = &'a mut T;

    fn into_par_iter(self) -> IterMut<'a, T> {
        IterMut { slice: self }
    }
}

impl<'a, T: Sync> IntoParallelIterator for &'a Vec<T> {
    type Iter = Iter<'a, T>;
    type Item = &'a T;

    fn into_par_iter(self) -> Iter<'a, T> {
        Iter { slice: self }
    }
}

impl<'a, T: Send> IntoParallelIterator for &'a mut Vec<T> {
    type Iter = IterMut<'a, T>;
    type Item = &'a mut T;

    fn into_par_iter(self) -> IterMut<'a, T> {
        IterMut { slice: self }
    }
}

impl<'a, T: Sync> ParallelIterator for Iter<'a, T> {
    type Item = &'a T;

    fn with_producer<CB>(self, callback: CB) -> CB::Output
    where
        CB: ProducerCallback<&'a T>,
    {
        callback.callback(self.slice)
    }

    fn opt_len(&self) -> Option<usize> {
        Some(self.slice.len())
    }
}

impl<T: Sync> IndexedParallelIterator for Iter<'_, T> {
    fn len(&self) -> usize {
        self.slice.len()
    }
}

impl<'a, T: Sync> Producer for &'a [T] {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn len(&self) -> usize {
        <[T]>::len(self)
    }

    fn split_at(self, index: usize) -> (Self, Self) {
        <[T]>::split_at(self, index)
    }

    #[inline]
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a, T: Send> ParallelIterator for IterMut<'a, T> {
    type Item = &'a mut T;

    fn with_producer<CB>(self, callback: CB) -> CB::Output
    where
        CB: ProducerCallback<&'a mut T>,
    {
        callback.callback(self.slice)
    }

    fn opt_len(&self) -> Option<usize> {
        Some(self.slice.len())
    }
}

impl<T: Send> IndexedParallelIterator for IterMut<'_, T> {
    fn len(&self) -> usize {
        self.slice.len()
    }
}

impl<'a, T: Send> Producer for &'a mut [T] {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;

    fn len(&self) -> usize {
        <[T]>::len(self)
    }

    fn split_at(self, index: usize) -> (Self, Self) {
        self.split_at_mut(index)
    }

    #[inline]
    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

impl<'a, T: Sync> ParallelIterator for Chunks<'a, T> {
    type Item = &'a [T];

    fn with_producer<CB>(self, callback: CB) -> CB::Output
    where
        CB: ProducerCallback<&'a [T]>,
    {
        callback.callback(ChunksProducer {
            slice: self.slice,
            size: self.size,
        })
    }

    fn opt_len(&self) -> Option<usize> {
        Some(self.len())
    }
}

impl<T: Sync> IndexedParallelIterator for Chunks<'_, T> {
    fn len(&self) -> usize {
        self.slice.len().div_ceil(self.size)
    }
}

/// Chunks of `size` items; one position per chunk.
struct ChunksProducer<'a, T> {
    slice: &'a [T],
    size: usize,
}

impl<'a, T: Sync> Producer for ChunksProducer<'a, T> {
    type Item = &'a [T];
    type IntoIter = std::slice::Chunks<'a, T>;

    fn len(&self) -> usize {
        self.slice.len().div_ceil(self.size)
    }

    fn split_at(self, index: usize) -> (Self, Self) {
        let at = index.saturating_mul(self.size).min(self.slice.len());
        let (left, right) = self.slice.split_at(at);
        (
            ChunksProducer {
                slice: left,
                size: self.size,
            },
            ChunksProducer {
                slice: right,
                size: self.size,
            },
        )
    }

    fn into_iter(self) -> Self::IntoIter {
        self.slice.chunks(self.size)
    }
}

impl<'a, T: Send> ParallelIterator for ChunksMut<'a, T> {
    type Item = &'a mut [T];

    fn with_producer<CB>(self, callback: CB) -> CB::Output
    where
        CB: ProducerCallback<&'a mut [T]>,
    {
        callback.callback(ChunksMutProducer {
            slice: self.slice,
            size: self.size,
        })
    }

    fn opt_len(&self) -> Option<usize> {
        Some(self.len())
    }
}

impl<T: Send> IndexedParallelIterator for ChunksMut<'_, T> {
    fn len(&self) -> usize {
        self.slice.len().div_ceil(self.size)
    }
}

/// Mutable chunks of `size` items; one position per chunk.
struct ChunksMutProducer<'a, T> {
    slice: &'a mut [T],
    size: usize,
}

impl<'a, T: Send> Producer for ChunksMutProducer<'a, T> {
    type Item = &'a mut [T];
    type IntoIter = std::slice::ChunksMut<'a, T>;

    fn len(&self) -> usize {
        self.slice.len().div_ceil(self.size)
    }

    fn split_at(self, index: usize) -> (Self, Self) {
        let at = index.saturating_mul(self.size).min(self.slice.len());
        let (left, right) = self.slice.split_at_mut(at);
        (
            ChunksMutProducer {
                slice: left,
                size: self.size,
            },
            ChunksMutProducer {
                slice: right,
                size: self.size,
            },
        )
    }

    fn into_iter(self) -> Self::IntoIter {
        self.slice.chunks_mut(self.size)
    }
}

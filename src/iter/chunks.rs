//! `chunks`: runs of `size` items as `Vec`s. A producer adapter over a [`ChunkProducer`],
//! which `fold_chunks` shares: chunk `i` is the base positions `i * size ..` up to
//! `size` of them, so a split at chunk `i` cuts the base at `i * size` (or its end), and
//! each chunk of a piece is a sub-producer of the base, turned into one item by a
//! function (`Vec::from_iter` here, a fold in `fold_chunks`).

use super::cancel::{CancelCheck, bridge_checked, cancellable_adapter};
use super::plumbing::{Consumer, Producer, ProducerCallback, UnindexedConsumer, bridge};
use super::{IndexedParallelIterator, ParallelIterator};

/// Groups the items into `Vec`s of `size` (the last may be shorter); made by
/// [`IndexedParallelIterator::chunks`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let v: Vec<Vec<char>> = vec!['a', 'b', 'c'].into_par_iter().chunks(2).collect();
/// assert_eq!(v, [vec!['a', 'b'], vec!['c']]);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Debug, Clone)]
pub struct Chunks<I> {
    size: usize,
    i: I,
}

impl<I> Chunks<I> {
    /// `size` is not 0 (checked by the caller).
    pub(super) fn new(i: I, size: usize) -> Self {
        Chunks { size, i }
    }
}

impl<I: IndexedParallelIterator> ParallelIterator for Chunks<I> {
    type Item = Vec<I::Item>;

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

impl<I: IndexedParallelIterator> IndexedParallelIterator for Chunks<I> {
    fn len(&self) -> usize {
        self.i.len().div_ceil(self.size)
    }

    fn drive<C: Consumer<Self::Item>>(self, consumer: C) -> C::Result {
        bridge(self, consumer)
    }

    fn with_producer<CB: ProducerCallback<Self::Item>>(self, callback: CB) -> CB::Output {
        let len = self.i.len();
        return self.i.with_producer(Callback {
            callback,
            size: self.size,
            len,
        });

        struct Callback<CB> {
            callback: CB,
            size: usize,
            len: usize,
        }

        impl<T, CB: ProducerCallback<Vec<T>>> ProducerCallback<T> for Callback<CB> {
            type Output = CB::Output;

            fn callback<P: Producer<Item = T>>(self, base: P) -> CB::Output {
                self.callback.callback(ChunkProducer::new(
                    base,
                    self.size,
                    self.len,
                    Vec::from_iter,
                ))
            }
        }
    }
}

cancellable_adapter!(Chunks<I>, i: I);

/// The chunks of a base producer of `len` positions, each made into one item by `make`.
pub(super) struct ChunkProducer<P, F> {
    base: P,
    size: usize,
    len: usize,
    make: F,
}

impl<P, F> ChunkProducer<P, F> {
    /// `size > 0`; `base` has `len` positions.
    pub(super) fn new(base: P, size: usize, len: usize, make: F) -> Self {
        ChunkProducer {
            base,
            size,
            len,
            make,
        }
    }
}

impl<P, F, T> Producer for ChunkProducer<P, F>
where
    P: Producer,
    F: Fn(P::IntoIter) -> T + Clone + Send,
{
    type Item = T;
    type IntoIter = std::iter::Map<ChunkIter<P>, F>;

    fn into_iter(self) -> Self::IntoIter {
        ChunkIter {
            base: (self.len > 0).then_some(self.base),
            size: self.size,
            len: self.len,
        }
        .map(self.make)
    }

    fn min_len(&self) -> usize {
        self.base.min_len().div_ceil(self.size)
    }

    fn max_len(&self) -> usize {
        // At least 1: one chunk is the least a piece can hold.
        (self.base.max_len() / self.size).max(1)
    }

    fn split_at(self, index: usize) -> (Self, Self) {
        let cut = index.saturating_mul(self.size).min(self.len);
        let (left, right) = self.base.split_at(cut);
        (
            ChunkProducer::new(left, self.size, cut, self.make.clone()),
            ChunkProducer::new(right, self.size, self.len - cut, self.make),
        )
    }
}

/// The chunks of one piece, front or back first: each a sub-producer of the base, cut
/// off as it is reached. Every chunk has `size` positions but the last.
pub(super) struct ChunkIter<P> {
    /// `None` once `len` is 0.
    base: Option<P>,
    size: usize,
    len: usize,
}

impl<P: Producer> Iterator for ChunkIter<P> {
    type Item = P::IntoIter;

    fn next(&mut self) -> Option<P::IntoIter> {
        let base = self.base.take()?;
        if self.len <= self.size {
            self.len = 0;
            return Some(base.into_iter());
        }
        let (chunk, rest) = base.split_at(self.size);
        self.base = Some(rest);
        self.len -= self.size;
        Some(chunk.into_iter())
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.len();
        (n, Some(n))
    }
}

impl<P: Producer> DoubleEndedIterator for ChunkIter<P> {
    fn next_back(&mut self) -> Option<P::IntoIter> {
        let base = self.base.take()?;
        if self.len <= self.size {
            self.len = 0;
            return Some(base.into_iter());
        }
        // The last chunk is the short one, if any.
        let last = match self.len % self.size {
            0 => self.size,
            short => short,
        };
        let (rest, chunk) = base.split_at(self.len - last);
        self.base = Some(rest);
        self.len -= last;
        Some(chunk.into_iter())
    }
}

impl<P: Producer> ExactSizeIterator for ChunkIter<P> {
    fn len(&self) -> usize {
        self.len.div_ceil(self.size)
    }
}

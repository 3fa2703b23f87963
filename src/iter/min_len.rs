//! `with_min_len`: a lower bound on the positions of a piece.

use super::plumbing::{Folder, Producer, ProducerCallback};
use super::stop::Check;
use super::{IndexedParallelIterator, ParallelIterator};

/// A parallel iterator whose pieces have at least a given number of positions; made by
/// [`ParallelIterator::with_min_len`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// // Pieces of at least 1000 items: at most one piece here, run as one sequential loop.
/// let sum: u64 = (0..1000u64).into_par_iter().with_min_len(1000).sum();
/// assert_eq!(sum, 499_500);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Clone, Debug)]
pub struct MinLen<I> {
    base: I,
    min: usize,
}

impl<I> MinLen<I> {
    pub(super) fn new(base: I, min: usize) -> Self {
        MinLen { base, min }
    }
}

impl<I: ParallelIterator> ParallelIterator for MinLen<I> {
    type Item = I::Item;

    fn with_producer<CB>(self, callback: CB) -> CB::Output
    where
        CB: ProducerCallback<I::Item>,
    {
        self.base.with_producer(Callback {
            callback,
            min: self.min,
        })
    }

    fn opt_len(&self) -> Option<usize> {
        self.base.opt_len()
    }
}

impl<I: IndexedParallelIterator> IndexedParallelIterator for MinLen<I> {
    fn len(&self) -> usize {
        self.base.len()
    }
}

struct Callback<CB> {
    callback: CB,
    min: usize,
}

impl<T, CB: ProducerCallback<T>> ProducerCallback<T> for Callback<CB> {
    type Output = CB::Output;

    fn callback<P>(self, base: P) -> CB::Output
    where
        P: Producer<Item = T>,
    {
        self.callback.callback(MinLenProducer {
            base,
            min: self.min,
        })
    }
}

struct MinLenProducer<P> {
    base: P,
    min: usize,
}

impl<P: Producer> Producer for MinLenProducer<P> {
    type Item = P::Item;
    type IntoIter = P::IntoIter;

    fn len(&self) -> usize {
        self.base.len()
    }

    fn split_at(self, index: usize) -> (Self, Self) {
        let (left, right) = self.base.split_at(index);
        (
            MinLenProducer {
                base: left,
                min: self.min,
            },
            MinLenProducer {
                base: right,
                min: self.min,
            },
        )
    }

    fn into_iter(self) -> P::IntoIter {
        self.base.into_iter()
    }

    fn min_len(&self) -> usize {
        self.base.min_len().max(self.min)
    }

    fn max_len(&self) -> usize {
        self.base.max_len()
    }

    fn fold_with<C, K>(self, folder: C, check: K) -> C
    where
        C: Folder<P::Item>,
        K: Check,
    {
        self.base.fold_with(folder, check)
    }
}

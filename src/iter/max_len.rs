//! `with_max_len`: an upper bound on the positions of a piece.

use super::plumbing::{Folder, Producer, ProducerCallback};
use super::stop::Check;
use super::{IndexedParallelIterator, ParallelIterator};

/// A parallel iterator whose pieces have at most a given number of positions (unless a
/// [`with_min_len`](ParallelIterator::with_min_len) asks for more); made by
/// [`ParallelIterator::with_max_len`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// // One piece per item: each of these items is long enough to be a job of its own.
/// let lens: Vec<usize> = ["a", "bb", "ccc"].par_iter().with_max_len(1).map(|s| s.len()).collect();
/// assert_eq!(lens, [1, 2, 3]);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Clone, Debug)]
pub struct MaxLen<I> {
    base: I,
    max: usize,
}

impl<I> MaxLen<I> {
    pub(super) fn new(base: I, max: usize) -> Self {
        MaxLen { base, max }
    }
}

impl<I: ParallelIterator> ParallelIterator for MaxLen<I> {
    type Item = I::Item;

    fn with_producer<CB>(self, callback: CB) -> CB::Output
    where
        CB: ProducerCallback<I::Item>,
    {
        self.base.with_producer(Callback {
            callback,
            max: self.max,
        })
    }

    fn opt_len(&self) -> Option<usize> {
        self.base.opt_len()
    }
}

impl<I: IndexedParallelIterator> IndexedParallelIterator for MaxLen<I> {
    fn len(&self) -> usize {
        self.base.len()
    }
}

struct Callback<CB> {
    callback: CB,
    max: usize,
}

impl<T, CB: ProducerCallback<T>> ProducerCallback<T> for Callback<CB> {
    type Output = CB::Output;

    fn callback<P>(self, base: P) -> CB::Output
    where
        P: Producer<Item = T>,
    {
        self.callback.callback(MaxLenProducer {
            base,
            max: self.max,
        })
    }
}

struct MaxLenProducer<P> {
    base: P,
    max: usize,
}

impl<P: Producer> Producer for MaxLenProducer<P> {
    type Item = P::Item;
    type IntoIter = P::IntoIter;

    fn len(&self) -> usize {
        self.base.len()
    }

    fn split_at(self, index: usize) -> (Self, Self) {
        let (left, right) = self.base.split_at(index);
        (
            MaxLenProducer {
                base: left,
                max: self.max,
            },
            MaxLenProducer {
                base: right,
                max: self.max,
            },
        )
    }

    fn into_iter(self) -> P::IntoIter {
        self.base.into_iter()
    }

    fn min_len(&self) -> usize {
        self.base.min_len()
    }

    fn max_len(&self) -> usize {
        self.base.max_len().min(self.max)
    }

    fn fold_with<C, K>(self, folder: C, check: K) -> C
    where
        C: Folder<P::Item>,
        K: Check,
    {
        self.base.fold_with(folder, check)
    }
}

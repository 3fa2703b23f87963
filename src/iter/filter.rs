//! `filter`: keeps the items a predicate accepts. Not indexed: a piece's positions no
//! longer match its items.

use super::ParallelIterator;
use super::plumbing::{Folder, Producer, ProducerCallback};
use super::stop::Check;

/// A parallel iterator that keeps the items a predicate accepts; made by
/// [`ParallelIterator::filter`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let even: Vec<u32> = (0..10u32).into_par_iter().filter(|x| x % 2 == 0).collect();
/// assert_eq!(even, [0, 2, 4, 6, 8]);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Clone, Debug)]
pub struct Filter<I, P> {
    base: I,
    filter_op: P,
}

impl<I, P> Filter<I, P> {
    pub(super) fn new(base: I, filter_op: P) -> Self {
        Filter { base, filter_op }
    }
}

impl<I, P> ParallelIterator for Filter<I, P>
where
    I: ParallelIterator,
    P: Fn(&I::Item) -> bool + Sync + Send,
{
    type Item = I::Item;

    fn with_producer<CB>(self, callback: CB) -> CB::Output
    where
        CB: ProducerCallback<I::Item>,
    {
        self.base.with_producer(Callback {
            callback,
            filter_op: self.filter_op,
        })
    }

    fn opt_len(&self) -> Option<usize> {
        None
    }
}

struct Callback<CB, P> {
    callback: CB,
    filter_op: P,
}

impl<T, CB, F> ProducerCallback<T> for Callback<CB, F>
where
    CB: ProducerCallback<T>,
    F: Fn(&T) -> bool + Sync,
{
    type Output = CB::Output;

    fn callback<P>(self, base: P) -> CB::Output
    where
        P: Producer<Item = T>,
    {
        self.callback.callback(FilterProducer {
            base,
            filter_op: &self.filter_op,
        })
    }
}

struct FilterProducer<'f, P, F> {
    base: P,
    filter_op: &'f F,
}

impl<'f, P, F> Producer for FilterProducer<'f, P, F>
where
    P: Producer,
    F: Fn(&P::Item) -> bool + Sync,
{
    type Item = P::Item;
    type IntoIter = std::iter::Filter<P::IntoIter, &'f F>;

    fn len(&self) -> usize {
        self.base.len()
    }

    fn split_at(self, index: usize) -> (Self, Self) {
        let (left, right) = self.base.split_at(index);
        (
            FilterProducer {
                base: left,
                filter_op: self.filter_op,
            },
            FilterProducer {
                base: right,
                filter_op: self.filter_op,
            },
        )
    }

    fn into_iter(self) -> Self::IntoIter {
        self.base.into_iter().filter(self.filter_op)
    }

    fn min_len(&self) -> usize {
        self.base.min_len()
    }

    fn max_len(&self) -> usize {
        self.base.max_len()
    }

    fn fold_with<C, K>(self, folder: C, check: K) -> C
    where
        C: Folder<P::Item>,
        K: Check,
    {
        let folder = FilterFolder {
            base: folder,
            filter_op: self.filter_op,
        };
        self.base.fold_with(folder, check).base
    }
}

struct FilterFolder<'f, C, F> {
    base: C,
    filter_op: &'f F,
}

impl<T, C, F> Folder<T> for FilterFolder<'_, C, F>
where
    C: Folder<T>,
    F: Fn(&T) -> bool,
{
    type Result = C::Result;

    fn consume(self, item: T) -> Self {
        if (self.filter_op)(&item) {
            FilterFolder {
                base: self.base.consume(item),
                filter_op: self.filter_op,
            }
        } else {
            self
        }
    }

    #[inline]
    fn consume_iter<I>(self, iter: I) -> Self
    where
        I: IntoIterator<Item = T>,
    {
        FilterFolder {
            base: self
                .base
                .consume_iter(iter.into_iter().filter(self.filter_op)),
            filter_op: self.filter_op,
        }
    }

    fn complete(self) -> C::Result {
        self.base.complete()
    }
}

//! `fold`: one accumulator per piece, for a following `reduce`, `sum`, `collect`...

use super::ParallelIterator;
use super::plumbing::{Folder, Producer, ProducerCallback};
use super::stop::Check;

/// A parallel iterator of per-piece accumulators; made by [`ParallelIterator::fold`].
///
/// Each piece starts from `identity()` and folds its items with `fold_op`; the result is
/// one item per piece (how many pieces there are depends on the splitting), usually
/// combined by a `reduce` or `sum`.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let words = ["a", "bb", "ccc"];
/// let total: usize = words
///     .par_iter()
///     .fold(|| 0, |acc, w| acc + w.len())
///     .sum();
/// assert_eq!(total, 6);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Clone, Debug)]
pub struct Fold<I, ID, F> {
    base: I,
    identity: ID,
    fold_op: F,
}

impl<I, ID, F> Fold<I, ID, F> {
    pub(super) fn new(base: I, identity: ID, fold_op: F) -> Self {
        Fold {
            base,
            identity,
            fold_op,
        }
    }
}

impl<I, ID, F, T> ParallelIterator for Fold<I, ID, F>
where
    I: ParallelIterator,
    ID: Fn() -> T + Sync + Send,
    F: Fn(T, I::Item) -> T + Sync + Send,
    T: Send,
{
    type Item = T;

    fn with_producer<CB>(self, callback: CB) -> CB::Output
    where
        CB: ProducerCallback<T>,
    {
        self.base.with_producer(Callback {
            callback,
            identity: self.identity,
            fold_op: self.fold_op,
        })
    }

    fn opt_len(&self) -> Option<usize> {
        None
    }
}

struct Callback<CB, ID, F> {
    callback: CB,
    identity: ID,
    fold_op: F,
}

impl<T, U, CB, ID, F> ProducerCallback<T> for Callback<CB, ID, F>
where
    CB: ProducerCallback<U>,
    ID: Fn() -> U + Sync,
    F: Fn(U, T) -> U + Sync,
{
    type Output = CB::Output;

    fn callback<P>(self, base: P) -> CB::Output
    where
        P: Producer<Item = T>,
    {
        self.callback.callback(FoldProducer {
            base,
            identity: &self.identity,
            fold_op: &self.fold_op,
        })
    }
}

struct FoldProducer<'f, P, ID, F> {
    base: P,
    identity: &'f ID,
    fold_op: &'f F,
}

impl<'f, P, ID, F, U> Producer for FoldProducer<'f, P, ID, F>
where
    P: Producer,
    ID: Fn() -> U + Sync,
    F: Fn(U, P::Item) -> U + Sync,
{
    type Item = U;
    type IntoIter = std::iter::Once<U>;

    fn len(&self) -> usize {
        self.base.len()
    }

    fn split_at(self, index: usize) -> (Self, Self) {
        let (left, right) = self.base.split_at(index);
        (
            FoldProducer {
                base: left,
                identity: self.identity,
                fold_op: self.fold_op,
            },
            FoldProducer {
                base: right,
                identity: self.identity,
                fold_op: self.fold_op,
            },
        )
    }

    fn into_iter(self) -> Self::IntoIter {
        std::iter::once(self.base.into_iter().fold((self.identity)(), self.fold_op))
    }

    fn min_len(&self) -> usize {
        self.base.min_len()
    }

    fn max_len(&self) -> usize {
        self.base.max_len()
    }

    fn fold_with<C, K>(self, folder: C, check: K) -> C
    where
        C: Folder<U>,
        K: Check,
    {
        let acc = FoldFolder {
            acc: (self.identity)(),
            fold_op: self.fold_op,
        };
        let acc = self.base.fold_with(acc, check).acc;
        folder.consume(acc)
    }
}

struct FoldFolder<'f, U, F> {
    acc: U,
    fold_op: &'f F,
}

impl<T, U, F> Folder<T> for FoldFolder<'_, U, F>
where
    F: Fn(U, T) -> U,
{
    type Result = U;

    fn consume(self, item: T) -> Self {
        FoldFolder {
            acc: (self.fold_op)(self.acc, item),
            fold_op: self.fold_op,
        }
    }

    #[inline]
    fn consume_iter<I>(self, iter: I) -> Self
    where
        I: IntoIterator<Item = T>,
    {
        FoldFolder {
            acc: iter.into_iter().fold(self.acc, self.fold_op),
            fold_op: self.fold_op,
        }
    }

    fn complete(self) -> U {
        self.acc
    }
}

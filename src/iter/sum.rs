//! `sum`, `product` and `count`: each piece folds its items with `Iterator::sum` /
//! `product` — the sequential loop, vectorised where the compiler can — and adjacent
//! pieces are combined with the same trait (`S: Sum<S>`).

use std::iter::{self, Product, Sum};
use std::marker::PhantomData;

use super::ParallelIterator;
use super::plumbing::{Consumer, Folder, Reducer, UnindexedConsumer};

pub(super) fn sum<I, S>(iter: I) -> S
where
    I: ParallelIterator,
    S: Send + Sum<I::Item> + Sum<S>,
{
    iter.drive_unindexed(Fold::<Add, S>::new())
}

pub(super) fn product<I, P>(iter: I) -> P
where
    I: ParallelIterator,
    P: Send + Product<I::Item> + Product<P>,
{
    iter.drive_unindexed(Fold::<Mul, P>::new())
}

pub(super) fn count<I: ParallelIterator>(iter: I) -> usize {
    iter.map(|_| 1usize).sum()
}

/// How two partial results combine.
trait Combine<S> {
    fn combine(a: S, b: S) -> S;
}

/// Which of the two folds.
trait Op<T, S>: Combine<S> {
    fn empty() -> S;
    fn fold_iter<It: Iterator<Item = T>>(iter: It) -> S;
}

struct Add;
struct Mul;

impl<S: Sum<S>> Combine<S> for Add {
    fn combine(a: S, b: S) -> S {
        [a, b].into_iter().sum()
    }
}

impl<T, S: Sum<T> + Sum<S>> Op<T, S> for Add {
    fn empty() -> S {
        iter::empty::<T>().sum()
    }
    fn fold_iter<It: Iterator<Item = T>>(iter: It) -> S {
        iter.sum()
    }
}

impl<S: Product<S>> Combine<S> for Mul {
    fn combine(a: S, b: S) -> S {
        [a, b].into_iter().product()
    }
}

impl<T, S: Product<T> + Product<S>> Op<T, S> for Mul {
    fn empty() -> S {
        iter::empty::<T>().product()
    }
    fn fold_iter<It: Iterator<Item = T>>(iter: It) -> S {
        iter.product()
    }
}

/// The consumer, its folder (carrying the piece's accumulator) and its reducer in one
/// type: `acc` is `None` until the piece consumes something.
struct Fold<O, S> {
    acc: Option<S>,
    _op: PhantomData<fn() -> O>,
}

impl<O, S> Fold<O, S> {
    fn new() -> Self {
        Fold {
            acc: None,
            _op: PhantomData,
        }
    }
}

impl<T, O: Op<T, S>, S: Send> Consumer<T> for Fold<O, S> {
    type Folder = Self;
    type Reducer = Self;
    type Result = S;

    fn split_at(self, _index: usize) -> (Self, Self, Self) {
        (Fold::new(), Fold::new(), Fold::new())
    }

    fn into_folder(self) -> Self {
        self
    }

    fn full(&self) -> bool {
        false
    }
}

impl<T, O: Op<T, S>, S: Send> UnindexedConsumer<T> for Fold<O, S> {
    fn split_off_left(&self) -> Self {
        Fold::new()
    }

    fn to_reducer(&self) -> Self {
        Fold::new()
    }
}

impl<T, O: Op<T, S>, S> Folder<T> for Fold<O, S> {
    type Result = S;

    fn consume(self, item: T) -> Self {
        self.consume_iter(iter::once(item))
    }

    fn consume_iter<I: IntoIterator<Item = T>>(self, iter: I) -> Self {
        let piece = O::fold_iter(iter.into_iter());
        Fold {
            acc: Some(match self.acc {
                Some(acc) => O::combine(acc, piece),
                None => piece,
            }),
            _op: PhantomData,
        }
    }

    fn complete(self) -> S {
        self.acc.unwrap_or_else(O::empty)
    }

    fn full(&self) -> bool {
        false
    }
}

impl<O: Combine<S>, S> Reducer<S> for Fold<O, S> {
    fn reduce(self, left: S, right: S) -> S {
        O::combine(left, right)
    }
}

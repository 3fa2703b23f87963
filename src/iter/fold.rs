//! `fold` and `fold_with`: each piece folds its items into one accumulator, and the
//! accumulators are the items of the new (unindexed) iterator. Shaped like `map.rs` on
//! the consumer side; the accumulator is made when a piece's folder starts.

use std::fmt;

use super::ParallelIterator;
use super::cancel::{CancelCheck, cancellable_adapter};
use super::plumbing::{Consumer, Folder, UnindexedConsumer};

/// Folds each piece into one accumulator, starting from `identity()`; made by
/// [`ParallelIterator::fold`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let total: u32 = (1..=10).into_par_iter().fold(|| 0, |a, x| a + x).sum();
/// assert_eq!(total, 55);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Clone)]
pub struct Fold<I, ID, F> {
    base: I,
    identity: ID,
    fold_op: F,
}

impl<I: fmt::Debug, ID, F> fmt::Debug for Fold<I, ID, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fold").field("base", &self.base).finish()
    }
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
    F: Fn(T, I::Item) -> T + Sync + Send,
    ID: Fn() -> T + Sync + Send,
    T: Send,
{
    type Item = T;

    fn drive_unindexed<C: UnindexedConsumer<T>>(self, consumer: C) -> C::Result {
        let consumer = FoldConsumer {
            base: consumer,
            start: Identity(&self.identity),
            fold_op: &self.fold_op,
        };
        self.base.drive_unindexed(consumer)
    }

    fn drive_checked<C: UnindexedConsumer<T>>(
        self,
        consumer: C,
        check: CancelCheck<'_>,
    ) -> C::Result {
        let consumer = FoldConsumer {
            base: consumer,
            start: Identity(&self.identity),
            fold_op: &self.fold_op,
        };
        self.base.drive_checked(consumer, check)
    }
}

cancellable_adapter!(Fold<I, ID, F>, base: I);

/// Folds each piece into one accumulator, starting from a clone of `item`; made by
/// [`ParallelIterator::fold_with`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let words: Vec<String> = ["a", "b", "c"].par_iter().fold_with(String::new(), |s, w| s + w).collect();
/// assert_eq!(words.concat(), "abc");
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Clone)]
pub struct FoldWith<I, U, F> {
    base: I,
    item: U,
    fold_op: F,
}

impl<I: fmt::Debug, U: fmt::Debug, F> fmt::Debug for FoldWith<I, U, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FoldWith")
            .field("base", &self.base)
            .field("item", &self.item)
            .finish()
    }
}

impl<I, U, F> FoldWith<I, U, F> {
    pub(super) fn new(base: I, item: U, fold_op: F) -> Self {
        FoldWith {
            base,
            item,
            fold_op,
        }
    }
}

impl<I, U, F> ParallelIterator for FoldWith<I, U, F>
where
    I: ParallelIterator,
    F: Fn(U, I::Item) -> U + Sync + Send,
    U: Send + Clone,
{
    type Item = U;

    fn drive_unindexed<C: UnindexedConsumer<U>>(self, consumer: C) -> C::Result {
        let consumer = FoldConsumer {
            base: consumer,
            start: CloneOf(self.item),
            fold_op: &self.fold_op,
        };
        self.base.drive_unindexed(consumer)
    }

    fn drive_checked<C: UnindexedConsumer<U>>(
        self,
        consumer: C,
        check: CancelCheck<'_>,
    ) -> C::Result {
        let consumer = FoldConsumer {
            base: consumer,
            start: CloneOf(self.item),
            fold_op: &self.fold_op,
        };
        self.base.drive_checked(consumer, check)
    }
}

cancellable_adapter!(FoldWith<I, U, F>, base: I);

/// Where a piece's accumulator starts (also for `try_fold`).
pub(super) trait Start: Send + Sized {
    type Acc;
    fn split(&self) -> Self;
    fn make(self) -> Self::Acc;
}

pub(super) struct Identity<'f, ID>(pub(super) &'f ID);

impl<T, ID: Fn() -> T + Sync> Start for Identity<'_, ID> {
    type Acc = T;
    fn split(&self) -> Self {
        Identity(self.0)
    }
    fn make(self) -> T {
        (self.0)()
    }
}

pub(super) struct CloneOf<U>(pub(super) U);

impl<U: Clone + Send> Start for CloneOf<U> {
    type Acc = U;
    fn split(&self) -> Self {
        CloneOf(self.0.clone())
    }
    fn make(self) -> U {
        self.0
    }
}

struct FoldConsumer<'f, C, S, F> {
    base: C,
    start: S,
    fold_op: &'f F,
}

impl<'f, T, C, S, F> Consumer<T> for FoldConsumer<'f, C, S, F>
where
    C: Consumer<S::Acc>,
    S: Start,
    F: Fn(S::Acc, T) -> S::Acc + Sync,
{
    type Folder = FoldFolder<'f, C, S::Acc, F>;
    type Reducer = C::Reducer;
    type Result = C::Result;

    fn split_at(self, index: usize) -> (Self, Self, C::Reducer) {
        let (left, right, reducer) = self.base.split_at(index);
        let left_start = self.start.split();
        (
            FoldConsumer {
                base: left,
                start: left_start,
                fold_op: self.fold_op,
            },
            FoldConsumer {
                base: right,
                start: self.start,
                fold_op: self.fold_op,
            },
            reducer,
        )
    }

    fn into_folder(self) -> Self::Folder {
        FoldFolder {
            base: self.base,
            acc: self.start.make(),
            fold_op: self.fold_op,
        }
    }

    fn full(&self) -> bool {
        self.base.full()
    }
}

impl<T, C, S, F> UnindexedConsumer<T> for FoldConsumer<'_, C, S, F>
where
    C: UnindexedConsumer<S::Acc>,
    S: Start,
    F: Fn(S::Acc, T) -> S::Acc + Sync,
{
    fn split_off_left(&self) -> Self {
        FoldConsumer {
            base: self.base.split_off_left(),
            start: self.start.split(),
            fold_op: self.fold_op,
        }
    }

    fn to_reducer(&self) -> C::Reducer {
        self.base.to_reducer()
    }
}

/// Folds a piece; on completion hands its one accumulator to the base consumer.
struct FoldFolder<'f, C, U, F> {
    base: C,
    acc: U,
    fold_op: &'f F,
}

impl<T, U, C, F> Folder<T> for FoldFolder<'_, C, U, F>
where
    C: Consumer<U>,
    F: Fn(U, T) -> U,
{
    type Result = C::Result;

    fn consume(mut self, item: T) -> Self {
        self.acc = (self.fold_op)(self.acc, item);
        self
    }

    fn consume_iter<I: IntoIterator<Item = T>>(mut self, iter: I) -> Self {
        let base = &self.base;
        self.acc = iter
            .into_iter()
            .take_while(|_| !base.full())
            .fold(self.acc, self.fold_op);
        self
    }

    fn complete(self) -> C::Result {
        self.base.into_folder().consume(self.acc).complete()
    }

    fn full(&self) -> bool {
        self.base.full()
    }
}

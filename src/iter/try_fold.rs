//! `try_fold` and `try_fold_with`: `fold` with a fallible step. A piece stops at its
//! first failure and passes that failure on as its one item; the failure also stops the
//! other pieces (`short.rs`), which pass on what they had folded so far, so a following
//! `try_reduce` or `collect` of `Result`s returns early with a failure. The fold steps
//! run under the call's child token, which the failure cancels; the consumer after the
//! adapter receives the accumulators under the call's own token (protocol step 5).

use std::fmt;
use std::marker::PhantomData;
use std::ops::ControlFlow::{self, Break, Continue};

use super::ParallelIterator;
use super::cancel::{CancelCheck, cancellable_adapter};
use super::fold::{CloneOf, Identity, Start};
use super::plumbing::{Consumer, Folder, UnindexedConsumer};
use super::private::Try;
use super::short::Stop;

/// Folds each piece with a fallible step, starting from `identity()`; made by
/// [`ParallelIterator::try_fold`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// // Sums that would overflow a `u8` fail.
/// let ok = (1..11u8).into_par_iter().try_fold(|| 0u8, |a, x| a.checked_add(x)).try_reduce(|| 0, u8::checked_add);
/// assert_eq!(ok, Some(55));
/// let too_big = (1..31u8).into_par_iter().try_fold(|| 0u8, |a, x| a.checked_add(x)).try_reduce(|| 0, u8::checked_add);
/// assert_eq!(too_big, None);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Clone)]
pub struct TryFold<I, R, ID, F> {
    base: I,
    identity: ID,
    fold_op: F,
    marker: PhantomData<R>,
}

impl<I: fmt::Debug, R, ID, F> fmt::Debug for TryFold<I, R, ID, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TryFold").field("base", &self.base).finish()
    }
}

impl<I, R, ID, F> TryFold<I, R, ID, F> {
    pub(super) fn new(base: I, identity: ID, fold_op: F) -> Self {
        TryFold {
            base,
            identity,
            fold_op,
            marker: PhantomData,
        }
    }
}

impl<I, R, ID, F> ParallelIterator for TryFold<I, R, ID, F>
where
    I: ParallelIterator,
    F: Fn(R::Output, I::Item) -> R + Sync + Send,
    ID: Fn() -> R::Output + Sync + Send,
    R: Try + Send,
{
    type Item = R;

    fn drive_unindexed<C: UnindexedConsumer<R>>(self, consumer: C) -> C::Result {
        let stop = Stop::new();
        let consumer =
            TryFoldConsumer::new(consumer, Identity(&self.identity), &self.fold_op, &stop);
        stop.run(|| self.base.drive_unindexed(consumer))
    }

    fn drive_checked<C: UnindexedConsumer<R>>(
        self,
        consumer: C,
        check: CancelCheck<'_>,
    ) -> C::Result {
        let stop = Stop::new();
        let consumer =
            TryFoldConsumer::new(consumer, Identity(&self.identity), &self.fold_op, &stop);
        stop.run(|| self.base.drive_checked(consumer, check))
    }
}

cancellable_adapter!(TryFold<I, R, ID, F>, base: I);

/// Folds each piece with a fallible step, starting from a clone of `item`; made by
/// [`ParallelIterator::try_fold_with`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let lines = ["3", "4", "x"];
/// let total: Result<u32, _> = lines
///     .par_iter()
///     .try_fold_with(0u32, |a, s| s.parse::<u32>().map(|n| a + n))
///     .try_reduce(|| 0, |a, b| Ok(a + b));
/// assert!(total.is_err());
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Clone)]
pub struct TryFoldWith<I, R: Try, F> {
    base: I,
    item: R::Output,
    fold_op: F,
}

impl<I: fmt::Debug, R: Try<Output: fmt::Debug>, F> fmt::Debug for TryFoldWith<I, R, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TryFoldWith")
            .field("base", &self.base)
            .field("item", &self.item)
            .finish()
    }
}

impl<I, R: Try, F> TryFoldWith<I, R, F> {
    pub(super) fn new(base: I, item: R::Output, fold_op: F) -> Self {
        TryFoldWith {
            base,
            item,
            fold_op,
        }
    }
}

impl<I, R, F> ParallelIterator for TryFoldWith<I, R, F>
where
    I: ParallelIterator,
    F: Fn(R::Output, I::Item) -> R + Sync + Send,
    R: Try<Output: Clone + Send> + Send,
{
    type Item = R;

    fn drive_unindexed<C: UnindexedConsumer<R>>(self, consumer: C) -> C::Result {
        let stop = Stop::new();
        let consumer = TryFoldConsumer::new(consumer, CloneOf(self.item), &self.fold_op, &stop);
        stop.run(|| self.base.drive_unindexed(consumer))
    }

    fn drive_checked<C: UnindexedConsumer<R>>(
        self,
        consumer: C,
        check: CancelCheck<'_>,
    ) -> C::Result {
        let stop = Stop::new();
        let consumer = TryFoldConsumer::new(consumer, CloneOf(self.item), &self.fold_op, &stop);
        stop.run(|| self.base.drive_checked(consumer, check))
    }
}

cancellable_adapter!(TryFoldWith<I, R: Try, F>, base: I);

/// The consumer `try_fold` and `try_fold_with` hand to their base.
struct TryFoldConsumer<'f, C, S, F, R> {
    base: C,
    start: S,
    fold_op: &'f F,
    stop: &'f Stop,
    marker: PhantomData<fn() -> R>,
}

impl<'f, C, S, F, R> TryFoldConsumer<'f, C, S, F, R> {
    fn new(base: C, start: S, fold_op: &'f F, stop: &'f Stop) -> Self {
        TryFoldConsumer {
            base,
            start,
            fold_op,
            stop,
            marker: PhantomData,
        }
    }
}

impl<'f, T, C, S, F, R> Consumer<T> for TryFoldConsumer<'f, C, S, F, R>
where
    C: Consumer<R>,
    S: Start<Acc = R::Output>,
    F: Fn(R::Output, T) -> R + Sync,
    R: Try,
{
    type Folder = TryFoldFolder<'f, C, F, R>;
    type Reducer = C::Reducer;
    type Result = C::Result;

    fn split_at(self, index: usize) -> (Self, Self, C::Reducer) {
        let (left, right, reducer) = self.base.split_at(index);
        let left_start = self.start.split();
        (
            TryFoldConsumer::new(left, left_start, self.fold_op, self.stop),
            TryFoldConsumer::new(right, self.start, self.fold_op, self.stop),
            reducer,
        )
    }

    fn into_folder(self) -> Self::Folder {
        TryFoldFolder {
            base: self.base,
            control: Continue(self.start.make()),
            fold_op: self.fold_op,
            stop: self.stop,
        }
    }

    fn full(&self) -> bool {
        self.stop.is_set() || self.base.full()
    }
}

impl<T, C, S, F, R> UnindexedConsumer<T> for TryFoldConsumer<'_, C, S, F, R>
where
    C: UnindexedConsumer<R>,
    S: Start<Acc = R::Output>,
    F: Fn(R::Output, T) -> R + Sync,
    R: Try,
{
    fn split_off_left(&self) -> Self {
        TryFoldConsumer::new(
            self.base.split_off_left(),
            self.start.split(),
            self.fold_op,
            self.stop,
        )
    }

    fn to_reducer(&self) -> C::Reducer {
        self.base.to_reducer()
    }
}

/// Folds a piece until its first failure or the call's stop; on completion hands its one
/// item, the accumulator or the failure, to the consumer after the adapter.
struct TryFoldFolder<'f, C, F, R: Try> {
    base: C,
    control: ControlFlow<R::Residual, R::Output>,
    fold_op: &'f F,
    stop: &'f Stop,
}

impl<T, C, F, R> Folder<T> for TryFoldFolder<'_, C, F, R>
where
    C: Consumer<R>,
    F: Fn(R::Output, T) -> R,
    R: Try,
{
    type Result = C::Result;

    fn consume(mut self, item: T) -> Self {
        if let Continue(acc) = self.control {
            self.control = (self.fold_op)(acc, item).branch();
            if self.control.is_break() {
                self.stop.set();
            }
        }
        self
    }

    fn consume_iter<I: IntoIterator<Item = T>>(mut self, iter: I) -> Self {
        let mut acc = match self.control {
            Continue(acc) => acc,
            Break(failure) => {
                self.control = Break(failure);
                return self;
            }
        };
        for item in self.stop.until(iter.into_iter()) {
            match (self.fold_op)(acc, item).branch() {
                Continue(next) => acc = next,
                Break(failure) => {
                    self.stop.set();
                    self.control = Break(failure);
                    return self;
                }
            }
            if self.base.full() {
                break;
            }
        }
        self.control = Continue(acc);
        self
    }

    fn complete(self) -> C::Result {
        let item = match self.control {
            Continue(acc) => R::from_output(acc),
            Break(failure) => R::from_residual(failure),
        };
        let base = self.base;
        self.stop
            .outside(|| base.into_folder().consume(item).complete())
    }

    fn full(&self) -> bool {
        self.control.is_break() || self.stop.is_set() || self.base.full()
    }
}

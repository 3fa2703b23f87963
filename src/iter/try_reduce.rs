//! `try_reduce` and `try_reduce_with` (and through them `try_for_each*`): reduce fallible
//! items until one fails. The first failure a piece meets, or a reduction makes, stops
//! every piece and cancels the call's child token (`short.rs`), which running items see
//! at their `checkpoint()`. The result is a failure if any piece met one: a failure wins
//! every reduction it takes part in, so the call returns one of the failures (not
//! necessarily the first in order).

use std::ops::ControlFlow::{self, Break, Continue};

use super::ParallelIterator;
use super::plumbing::{Consumer, Folder, Reducer, UnindexedConsumer};
use super::private::Try;
use super::short::Stop;

pub(super) fn try_reduce<I, T, OP, ID>(iter: I, identity: ID, op: OP) -> I::Item
where
    I: ParallelIterator,
    OP: Fn(T, T) -> I::Item + Sync + Send,
    ID: Fn() -> T + Sync + Send,
    I::Item: Try<Output = T>,
{
    let stop = Stop::new();
    let consumer = TryReduceConsumer {
        identity: &identity,
        op: &op,
        stop: &stop,
    };
    stop.run(|| iter.drive_unindexed(consumer))
}

pub(super) fn try_reduce_with<I, T, OP>(iter: I, op: OP) -> Option<I::Item>
where
    I: ParallelIterator,
    OP: Fn(T, T) -> I::Item + Sync + Send,
    I::Item: Try<Output = T>,
{
    let stop = Stop::new();
    let consumer = TryReduceWithConsumer {
        op: &op,
        stop: &stop,
    };
    stop.run(|| iter.drive_unindexed(consumer))
}

/// `op` on two successes; a failure, if any, wins. A failing `op` stops the call.
#[inline]
fn combine<R: Try>(
    op: &impl Fn(R::Output, R::Output) -> R,
    stop: &Stop,
    left: ControlFlow<R::Residual, R::Output>,
    right: ControlFlow<R::Residual, R::Output>,
) -> ControlFlow<R::Residual, R::Output> {
    match (left, right) {
        (Continue(left), Continue(right)) => {
            let combined = op(left, right).branch();
            if combined.is_break() {
                stop.set();
            }
            combined
        }
        (failure @ Break(_), _) | (_, failure @ Break(_)) => failure,
    }
}

fn rebuild<R: Try>(control: ControlFlow<R::Residual, R::Output>) -> R {
    match control {
        Continue(output) => R::from_output(output),
        Break(failure) => R::from_residual(failure),
    }
}

/// Consumer, reducer and (with the accumulator) folder of `try_reduce`.
struct TryReduceConsumer<'r, ID, OP> {
    identity: &'r ID,
    op: &'r OP,
    stop: &'r Stop,
}

impl<ID, OP> Clone for TryReduceConsumer<'_, ID, OP> {
    fn clone(&self) -> Self {
        TryReduceConsumer { ..*self }
    }
}

impl<'r, R, ID, OP> Consumer<R> for TryReduceConsumer<'r, ID, OP>
where
    R: Try + Send,
    ID: Fn() -> R::Output + Sync,
    OP: Fn(R::Output, R::Output) -> R + Sync,
{
    type Folder = TryReduceFolder<'r, OP, R>;
    type Reducer = Self;
    type Result = R;

    fn split_at(self, _index: usize) -> (Self, Self, Self) {
        (self.clone(), self.clone(), self)
    }

    fn into_folder(self) -> Self::Folder {
        TryReduceFolder {
            op: self.op,
            stop: self.stop,
            control: Continue((self.identity)()),
        }
    }

    fn full(&self) -> bool {
        self.stop.is_set()
    }
}

impl<R, ID, OP> UnindexedConsumer<R> for TryReduceConsumer<'_, ID, OP>
where
    R: Try + Send,
    ID: Fn() -> R::Output + Sync,
    OP: Fn(R::Output, R::Output) -> R + Sync,
{
    fn split_off_left(&self) -> Self {
        self.clone()
    }

    fn to_reducer(&self) -> Self {
        self.clone()
    }
}

impl<R, ID, OP> Reducer<R> for TryReduceConsumer<'_, ID, OP>
where
    R: Try,
    OP: Fn(R::Output, R::Output) -> R,
{
    fn reduce(self, left: R, right: R) -> R {
        rebuild(combine(self.op, self.stop, left.branch(), right.branch()))
    }
}

struct TryReduceFolder<'r, OP, R: Try> {
    op: &'r OP,
    stop: &'r Stop,
    control: ControlFlow<R::Residual, R::Output>,
}

impl<R, OP> Folder<R> for TryReduceFolder<'_, OP, R>
where
    R: Try,
    OP: Fn(R::Output, R::Output) -> R,
{
    type Result = R;

    fn consume(mut self, item: R) -> Self {
        let item = item.branch();
        if item.is_break() {
            self.stop.set();
        }
        self.control = combine(self.op, self.stop, self.control, item);
        self
    }

    fn consume_iter<I: IntoIterator<Item = R>>(mut self, iter: I) -> Self {
        let mut acc = match self.control {
            Continue(acc) => acc,
            Break(failure) => {
                self.control = Break(failure);
                return self;
            }
        };
        for item in self.stop.until(iter.into_iter()) {
            let next = match item.branch() {
                Continue(item) => (self.op)(acc, item).branch(),
                Break(failure) => Break(failure),
            };
            match next {
                Continue(next) => acc = next,
                Break(failure) => {
                    self.stop.set();
                    self.control = Break(failure);
                    return self;
                }
            }
        }
        self.control = Continue(acc);
        self
    }

    fn complete(self) -> R {
        rebuild(self.control)
    }

    fn full(&self) -> bool {
        self.control.is_break() || self.stop.is_set()
    }
}

/// Consumer and reducer of `try_reduce_with`.
struct TryReduceWithConsumer<'r, OP> {
    op: &'r OP,
    stop: &'r Stop,
}

impl<OP> Clone for TryReduceWithConsumer<'_, OP> {
    fn clone(&self) -> Self {
        TryReduceWithConsumer { ..*self }
    }
}

impl<'r, R, OP> Consumer<R> for TryReduceWithConsumer<'r, OP>
where
    R: Try + Send,
    OP: Fn(R::Output, R::Output) -> R + Sync,
{
    type Folder = TryReduceWithFolder<'r, OP, R>;
    type Reducer = Self;
    type Result = Option<R>;

    fn split_at(self, _index: usize) -> (Self, Self, Self) {
        (self.clone(), self.clone(), self)
    }

    fn into_folder(self) -> Self::Folder {
        TryReduceWithFolder {
            op: self.op,
            stop: self.stop,
            control: None,
        }
    }

    fn full(&self) -> bool {
        self.stop.is_set()
    }
}

impl<R, OP> UnindexedConsumer<R> for TryReduceWithConsumer<'_, OP>
where
    R: Try + Send,
    OP: Fn(R::Output, R::Output) -> R + Sync,
{
    fn split_off_left(&self) -> Self {
        self.clone()
    }

    fn to_reducer(&self) -> Self {
        self.clone()
    }
}

impl<R, OP> Reducer<Option<R>> for TryReduceWithConsumer<'_, OP>
where
    R: Try,
    OP: Fn(R::Output, R::Output) -> R,
{
    fn reduce(self, left: Option<R>, right: Option<R>) -> Option<R> {
        match (left, right) {
            (Some(left), Some(right)) => Some(rebuild(combine(
                self.op,
                self.stop,
                left.branch(),
                right.branch(),
            ))),
            (None, one) | (one, None) => one,
        }
    }
}

/// Like `TryReduceFolder`, with no accumulator until the first item.
struct TryReduceWithFolder<'r, OP, R: Try> {
    op: &'r OP,
    stop: &'r Stop,
    control: Option<ControlFlow<R::Residual, R::Output>>,
}

impl<R, OP> Folder<R> for TryReduceWithFolder<'_, OP, R>
where
    R: Try,
    OP: Fn(R::Output, R::Output) -> R,
{
    type Result = Option<R>;

    fn consume(mut self, item: R) -> Self {
        let item = item.branch();
        if item.is_break() {
            self.stop.set();
        }
        self.control = Some(match self.control {
            None => item,
            Some(control) => combine(self.op, self.stop, control, item),
        });
        self
    }

    fn consume_iter<I: IntoIterator<Item = R>>(mut self, iter: I) -> Self {
        let mut iter = self.stop.until(iter.into_iter());
        if self.control.is_none() {
            match iter.next() {
                Some(first) => self = self.consume(first),
                None => return self,
            }
        }
        let Some(Continue(mut acc)) = self.control else {
            return self;
        };
        for item in iter {
            let next = match item.branch() {
                Continue(item) => (self.op)(acc, item).branch(),
                Break(failure) => Break(failure),
            };
            match next {
                Continue(next) => acc = next,
                Break(failure) => {
                    self.stop.set();
                    self.control = Some(Break(failure));
                    return self;
                }
            }
        }
        self.control = Some(Continue(acc));
        self
    }

    fn complete(self) -> Option<R> {
        self.control.map(rebuild)
    }

    fn full(&self) -> bool {
        matches!(self.control, Some(Break(_))) || self.stop.is_set()
    }
}

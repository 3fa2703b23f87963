//! `update`: changes every item in place as it passes. Shaped like `map.rs`: it forwards
//! consumers, producers and cancellation checks, and is indexed when its base is.

use std::fmt;

use super::cancel::{CancelCheck, cancellable_adapter};
use super::plumbing::{Consumer, Folder, Producer, ProducerCallback, UnindexedConsumer};
use super::{IndexedParallelIterator, ParallelIterator};

/// Calls a function on a mutable reference to every item, then passes the item on; made
/// by [`ParallelIterator::update`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let names: Vec<String> = ["ada", "alan"]
///     .par_iter()
///     .map(|s| s.to_string())
///     .update(|s| s.make_ascii_uppercase())
///     .collect();
/// assert_eq!(names, ["ADA", "ALAN"]);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Clone)]
pub struct Update<I, F> {
    base: I,
    update_op: F,
}

impl<I: fmt::Debug, F> fmt::Debug for Update<I, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Update").field("base", &self.base).finish()
    }
}

impl<I, F> Update<I, F> {
    pub(super) fn new(base: I, update_op: F) -> Self {
        Update { base, update_op }
    }
}

impl<I, F> ParallelIterator for Update<I, F>
where
    I: ParallelIterator,
    F: Fn(&mut I::Item) + Sync + Send,
{
    type Item = I::Item;

    fn drive_unindexed<C>(self, consumer: C) -> C::Result
    where
        C: UnindexedConsumer<I::Item>,
    {
        self.base
            .drive_unindexed(UpdateConsumer::new(consumer, &self.update_op))
    }

    fn opt_len(&self) -> Option<usize> {
        self.base.opt_len()
    }

    fn drive_checked<C>(self, consumer: C, check: CancelCheck<'_>) -> C::Result
    where
        C: UnindexedConsumer<I::Item>,
    {
        self.base
            .drive_checked(UpdateConsumer::new(consumer, &self.update_op), check)
    }
}

impl<I, F> IndexedParallelIterator for Update<I, F>
where
    I: IndexedParallelIterator,
    F: Fn(&mut I::Item) + Sync + Send,
{
    fn len(&self) -> usize {
        self.base.len()
    }

    fn drive<C: Consumer<I::Item>>(self, consumer: C) -> C::Result {
        self.base
            .drive(UpdateConsumer::new(consumer, &self.update_op))
    }

    fn with_producer<CB: ProducerCallback<I::Item>>(self, callback: CB) -> CB::Output {
        return self.base.with_producer(Callback {
            callback,
            update_op: self.update_op,
        });

        struct Callback<CB, F> {
            callback: CB,
            update_op: F,
        }

        impl<T, CB, F> ProducerCallback<T> for Callback<CB, F>
        where
            CB: ProducerCallback<T>,
            F: Fn(&mut T) + Sync,
        {
            type Output = CB::Output;

            fn callback<P: Producer<Item = T>>(self, base: P) -> CB::Output {
                self.callback.callback(UpdateProducer {
                    base,
                    update_op: &self.update_op,
                })
            }
        }
    }
}

cancellable_adapter!(Update<I, F>, base: I);

struct UpdateProducer<'f, P, F> {
    base: P,
    update_op: &'f F,
}

impl<'f, P, F> Producer for UpdateProducer<'f, P, F>
where
    P: Producer,
    F: Fn(&mut P::Item) + Sync,
{
    type Item = P::Item;
    type IntoIter = UpdateIter<'f, P::IntoIter, F>;

    fn into_iter(self) -> Self::IntoIter {
        UpdateIter {
            base: self.base.into_iter(),
            update_op: self.update_op,
        }
    }

    fn min_len(&self) -> usize {
        self.base.min_len()
    }

    fn max_len(&self) -> usize {
        self.base.max_len()
    }

    fn split_at(self, index: usize) -> (Self, Self) {
        let (left, right) = self.base.split_at(index);
        let update_op = self.update_op;
        (
            UpdateProducer {
                base: left,
                update_op,
            },
            UpdateProducer {
                base: right,
                update_op,
            },
        )
    }

    fn fold_with<G: Folder<P::Item>>(self, folder: G) -> G {
        let folder = UpdateFolder {
            base: folder,
            update_op: self.update_op,
        };
        self.base.fold_with(folder).base
    }
}

struct UpdateConsumer<'f, C, F> {
    base: C,
    update_op: &'f F,
}

impl<'f, C, F> UpdateConsumer<'f, C, F> {
    fn new(base: C, update_op: &'f F) -> Self {
        UpdateConsumer { base, update_op }
    }
}

impl<'f, T, C, F> Consumer<T> for UpdateConsumer<'f, C, F>
where
    C: Consumer<T>,
    F: Fn(&mut T) + Sync,
{
    type Folder = UpdateFolder<'f, C::Folder, F>;
    type Reducer = C::Reducer;
    type Result = C::Result;

    fn split_at(self, index: usize) -> (Self, Self, C::Reducer) {
        let (left, right, reducer) = self.base.split_at(index);
        (
            UpdateConsumer::new(left, self.update_op),
            UpdateConsumer::new(right, self.update_op),
            reducer,
        )
    }

    fn into_folder(self) -> Self::Folder {
        UpdateFolder {
            base: self.base.into_folder(),
            update_op: self.update_op,
        }
    }

    fn full(&self) -> bool {
        self.base.full()
    }
}

impl<T, C, F> UnindexedConsumer<T> for UpdateConsumer<'_, C, F>
where
    C: UnindexedConsumer<T>,
    F: Fn(&mut T) + Sync,
{
    fn split_off_left(&self) -> Self {
        UpdateConsumer::new(self.base.split_off_left(), self.update_op)
    }

    fn to_reducer(&self) -> C::Reducer {
        self.base.to_reducer()
    }
}

struct UpdateFolder<'f, C, F> {
    base: C,
    update_op: &'f F,
}

impl<T, C, F> Folder<T> for UpdateFolder<'_, C, F>
where
    C: Folder<T>,
    F: Fn(&mut T),
{
    type Result = C::Result;

    fn consume(self, mut item: T) -> Self {
        (self.update_op)(&mut item);
        UpdateFolder {
            base: self.base.consume(item),
            update_op: self.update_op,
        }
    }

    fn consume_iter<I: IntoIterator<Item = T>>(mut self, iter: I) -> Self {
        self.base = self
            .base
            .consume_iter(iter.into_iter().map(|item| apply(self.update_op, item)));
        self
    }

    fn complete(self) -> C::Result {
        self.base.complete()
    }

    fn full(&self) -> bool {
        self.base.full()
    }
}

#[inline]
fn apply<T>(update_op: &impl Fn(&mut T), mut item: T) -> T {
    update_op(&mut item);
    item
}

/// The sequential iterator of an updating producer.
struct UpdateIter<'f, I, F> {
    base: I,
    update_op: &'f F,
}

impl<I, F> Iterator for UpdateIter<'_, I, F>
where
    I: Iterator,
    F: Fn(&mut I::Item),
{
    type Item = I::Item;

    fn next(&mut self) -> Option<I::Item> {
        self.base.next().map(|item| apply(self.update_op, item))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.base.size_hint()
    }

    fn fold<B, G>(self, init: B, mut g: G) -> B
    where
        G: FnMut(B, I::Item) -> B,
    {
        let update_op = self.update_op;
        self.base
            .fold(init, move |acc, item| g(acc, apply(update_op, item)))
    }
}

impl<I, F> DoubleEndedIterator for UpdateIter<'_, I, F>
where
    I: DoubleEndedIterator,
    F: Fn(&mut I::Item),
{
    fn next_back(&mut self) -> Option<I::Item> {
        self.base
            .next_back()
            .map(|item| apply(self.update_op, item))
    }
}

impl<I, F> ExactSizeIterator for UpdateIter<'_, I, F>
where
    I: ExactSizeIterator,
    F: Fn(&mut I::Item),
{
}

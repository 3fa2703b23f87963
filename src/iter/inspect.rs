//! `inspect`: calls a function on a reference to every item as it passes. Shaped like
//! `map.rs`: it forwards consumers, producers and cancellation checks, and is indexed when
//! its base is.

use std::fmt;

use super::cancel::{CancelCheck, cancellable_adapter};
use super::plumbing::{Consumer, Folder, Producer, ProducerCallback, UnindexedConsumer};
use super::{IndexedParallelIterator, ParallelIterator};

/// Calls a function on a reference to every item, passing the item on unchanged; made by
/// [`ParallelIterator::inspect`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
/// use std::sync::atomic::{AtomicU32, Ordering};
///
/// let odd = AtomicU32::new(0);
/// let v: Vec<u32> = (0..6u32)
///     .into_par_iter()
///     .inspect(|x| if x % 2 == 1 { odd.fetch_add(1, Ordering::Relaxed); })
///     .collect();
/// assert_eq!((v.len(), odd.into_inner()), (6, 3));
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Clone)]
pub struct Inspect<I, F> {
    base: I,
    inspect_op: F,
}

impl<I: fmt::Debug, F> fmt::Debug for Inspect<I, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Inspect").field("base", &self.base).finish()
    }
}

impl<I, F> Inspect<I, F> {
    pub(super) fn new(base: I, inspect_op: F) -> Self {
        Inspect { base, inspect_op }
    }
}

impl<I, F> ParallelIterator for Inspect<I, F>
where
    I: ParallelIterator,
    F: Fn(&I::Item) + Sync + Send,
{
    type Item = I::Item;

    fn drive_unindexed<C>(self, consumer: C) -> C::Result
    where
        C: UnindexedConsumer<I::Item>,
    {
        self.base
            .drive_unindexed(InspectConsumer::new(consumer, &self.inspect_op))
    }

    fn opt_len(&self) -> Option<usize> {
        self.base.opt_len()
    }

    fn drive_checked<C>(self, consumer: C, check: CancelCheck<'_>) -> C::Result
    where
        C: UnindexedConsumer<I::Item>,
    {
        self.base
            .drive_checked(InspectConsumer::new(consumer, &self.inspect_op), check)
    }
}

impl<I, F> IndexedParallelIterator for Inspect<I, F>
where
    I: IndexedParallelIterator,
    F: Fn(&I::Item) + Sync + Send,
{
    fn len(&self) -> usize {
        self.base.len()
    }

    fn drive<C: Consumer<I::Item>>(self, consumer: C) -> C::Result {
        self.base
            .drive(InspectConsumer::new(consumer, &self.inspect_op))
    }

    fn with_producer<CB: ProducerCallback<I::Item>>(self, callback: CB) -> CB::Output {
        return self.base.with_producer(Callback {
            callback,
            inspect_op: self.inspect_op,
        });

        struct Callback<CB, F> {
            callback: CB,
            inspect_op: F,
        }

        impl<T, CB, F> ProducerCallback<T> for Callback<CB, F>
        where
            CB: ProducerCallback<T>,
            F: Fn(&T) + Sync,
        {
            type Output = CB::Output;

            fn callback<P: Producer<Item = T>>(self, base: P) -> CB::Output {
                self.callback.callback(InspectProducer {
                    base,
                    inspect_op: &self.inspect_op,
                })
            }
        }
    }
}

cancellable_adapter!(Inspect<I, F>, base: I);

struct InspectProducer<'f, P, F> {
    base: P,
    inspect_op: &'f F,
}

impl<'f, P, F> Producer for InspectProducer<'f, P, F>
where
    P: Producer,
    F: Fn(&P::Item) + Sync,
{
    type Item = P::Item;
    type IntoIter = std::iter::Inspect<P::IntoIter, &'f F>;

    fn into_iter(self) -> Self::IntoIter {
        self.base.into_iter().inspect(self.inspect_op)
    }

    fn min_len(&self) -> usize {
        self.base.min_len()
    }

    fn max_len(&self) -> usize {
        self.base.max_len()
    }

    fn split_at(self, index: usize) -> (Self, Self) {
        let (left, right) = self.base.split_at(index);
        let inspect_op = self.inspect_op;
        (
            InspectProducer {
                base: left,
                inspect_op,
            },
            InspectProducer {
                base: right,
                inspect_op,
            },
        )
    }

    fn fold_with<G: Folder<P::Item>>(self, folder: G) -> G {
        let folder = InspectFolder {
            base: folder,
            inspect_op: self.inspect_op,
        };
        self.base.fold_with(folder).base
    }
}

struct InspectConsumer<'f, C, F> {
    base: C,
    inspect_op: &'f F,
}

impl<'f, C, F> InspectConsumer<'f, C, F> {
    fn new(base: C, inspect_op: &'f F) -> Self {
        InspectConsumer { base, inspect_op }
    }
}

impl<'f, T, C, F> Consumer<T> for InspectConsumer<'f, C, F>
where
    C: Consumer<T>,
    F: Fn(&T) + Sync,
{
    type Folder = InspectFolder<'f, C::Folder, F>;
    type Reducer = C::Reducer;
    type Result = C::Result;

    fn split_at(self, index: usize) -> (Self, Self, C::Reducer) {
        let (left, right, reducer) = self.base.split_at(index);
        (
            InspectConsumer::new(left, self.inspect_op),
            InspectConsumer::new(right, self.inspect_op),
            reducer,
        )
    }

    fn into_folder(self) -> Self::Folder {
        InspectFolder {
            base: self.base.into_folder(),
            inspect_op: self.inspect_op,
        }
    }

    fn full(&self) -> bool {
        self.base.full()
    }
}

impl<T, C, F> UnindexedConsumer<T> for InspectConsumer<'_, C, F>
where
    C: UnindexedConsumer<T>,
    F: Fn(&T) + Sync,
{
    fn split_off_left(&self) -> Self {
        InspectConsumer::new(self.base.split_off_left(), self.inspect_op)
    }

    fn to_reducer(&self) -> C::Reducer {
        self.base.to_reducer()
    }
}

struct InspectFolder<'f, C, F> {
    base: C,
    inspect_op: &'f F,
}

impl<T, C, F> Folder<T> for InspectFolder<'_, C, F>
where
    C: Folder<T>,
    F: Fn(&T),
{
    type Result = C::Result;

    fn consume(self, item: T) -> Self {
        (self.inspect_op)(&item);
        InspectFolder {
            base: self.base.consume(item),
            inspect_op: self.inspect_op,
        }
    }

    fn consume_iter<I: IntoIterator<Item = T>>(mut self, iter: I) -> Self {
        self.base = self
            .base
            .consume_iter(iter.into_iter().inspect(self.inspect_op));
        self
    }

    fn complete(self) -> C::Result {
        self.base.complete()
    }

    fn full(&self) -> bool {
        self.base.full()
    }
}

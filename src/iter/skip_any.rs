//! `skip_any`: drops the first `n` items that reach the adapter, from any piece, and
//! passes on the rest. It never stops early: every item after the `n` is wanted.

use super::ParallelIterator;
use super::cancel::{CancelCheck, cancellable_adapter};
use super::plumbing::{Consumer, Folder, UnindexedConsumer};
use crate::sync::atomic::{AtomicUsize, Ordering};

/// All but `n` items, dropping whichever reach the adapter first; made by
/// [`ParallelIterator::skip_any`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let rest: Vec<u32> = (0..100u32).into_par_iter().skip_any(90).collect();
/// assert_eq!(rest.len(), 10);
/// assert!(rest.windows(2).all(|w| w[0] < w[1]), "order is kept");
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Clone, Debug)]
pub struct SkipAny<I> {
    base: I,
    count: usize,
}

impl<I> SkipAny<I> {
    pub(super) fn new(base: I, count: usize) -> Self {
        SkipAny { base, count }
    }
}

impl<I: ParallelIterator> ParallelIterator for SkipAny<I> {
    type Item = I::Item;

    fn drive_unindexed<C>(self, consumer: C) -> C::Result
    where
        C: UnindexedConsumer<I::Item>,
    {
        let left = AtomicUsize::new(self.count);
        self.base.drive_unindexed(SkipAnyConsumer {
            base: consumer,
            left: &left,
        })
    }

    fn drive_checked<C>(self, consumer: C, check: CancelCheck<'_>) -> C::Result
    where
        C: UnindexedConsumer<I::Item>,
    {
        let left = AtomicUsize::new(self.count);
        let consumer = SkipAnyConsumer {
            base: consumer,
            left: &left,
        };
        self.base.drive_checked(consumer, check)
    }
}

cancellable_adapter!(SkipAny<I>, base: I);

/// Takes one from the count of items still to drop; `false` once it is exhausted.
#[inline]
fn drop_one(left: &AtomicUsize) -> bool {
    // Cheap once the count is exhausted: a load, no read-modify-write.
    // Relaxed: the count only decides which items pass; it publishes nothing.
    left.load(Ordering::Relaxed) != 0
        && left
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
            .is_ok()
}

struct SkipAnyConsumer<'a, C> {
    base: C,
    left: &'a AtomicUsize,
}

impl<'a, T, C: Consumer<T>> Consumer<T> for SkipAnyConsumer<'a, C> {
    type Folder = SkipAnyFolder<'a, C::Folder>;
    type Reducer = C::Reducer;
    type Result = C::Result;

    fn split_at(self, index: usize) -> (Self, Self, C::Reducer) {
        let (left, right, reducer) = self.base.split_at(index);
        (
            SkipAnyConsumer { base: left, ..self },
            SkipAnyConsumer {
                base: right,
                ..self
            },
            reducer,
        )
    }

    fn into_folder(self) -> Self::Folder {
        SkipAnyFolder {
            base: self.base.into_folder(),
            left: self.left,
        }
    }

    fn full(&self) -> bool {
        self.base.full()
    }
}

impl<T, C: UnindexedConsumer<T>> UnindexedConsumer<T> for SkipAnyConsumer<'_, C> {
    fn split_off_left(&self) -> Self {
        SkipAnyConsumer {
            base: self.base.split_off_left(),
            left: self.left,
        }
    }

    fn to_reducer(&self) -> C::Reducer {
        self.base.to_reducer()
    }
}

struct SkipAnyFolder<'a, F> {
    base: F,
    left: &'a AtomicUsize,
}

impl<T, F: Folder<T>> Folder<T> for SkipAnyFolder<'_, F> {
    type Result = F::Result;

    fn consume(mut self, item: T) -> Self {
        if !drop_one(self.left) {
            self.base = self.base.consume(item);
        }
        self
    }

    fn consume_iter<I: IntoIterator<Item = T>>(mut self, iter: I) -> Self {
        let left = self.left;
        self.base = self
            .base
            .consume_iter(iter.into_iter().skip_while(|_| drop_one(left)));
        self
    }

    fn complete(self) -> F::Result {
        self.base.complete()
    }

    fn full(&self) -> bool {
        self.base.full()
    }
}

//! `empty()`: a parallel iterator with no items.

use std::fmt;
use std::marker::PhantomData;

use super::cancel::{CancelCheck, bridge_checked};
use super::plumbing::{Consumer, Folder, Producer, ProducerCallback, UnindexedConsumer};
use super::{IndexedParallelIterator, ParallelIterator};

/// A parallel iterator that yields nothing, like [`std::iter::empty`].
///
/// # Example
///
/// ```
/// use cancelpool::iter::empty;
/// use cancelpool::prelude::*;
///
/// let sum: i32 = empty::<i32>().sum();
/// assert_eq!(sum, 0);
/// let v: Vec<String> = empty().collect();
/// assert!(v.is_empty());
/// ```
pub fn empty<T: Send>() -> Empty<T> {
    Empty {
        marker: PhantomData,
    }
}

/// The parallel iterator with no items; made by [`empty()`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let e: cancelpool::iter::Empty<String> = cancelpool::iter::empty();
/// assert_eq!(e.len(), 0);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
pub struct Empty<T> {
    marker: PhantomData<T>,
}

impl<T> Clone for Empty<T> {
    fn clone(&self) -> Self {
        Empty {
            marker: PhantomData,
        }
    }
}

impl<T> fmt::Debug for Empty<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad("Empty")
    }
}

impl<T: Send> ParallelIterator for Empty<T> {
    type Item = T;

    fn drive_unindexed<C: UnindexedConsumer<T>>(self, consumer: C) -> C::Result {
        self.drive(consumer)
    }

    fn opt_len(&self) -> Option<usize> {
        Some(0)
    }

    fn drive_checked<C: UnindexedConsumer<T>>(
        self,
        consumer: C,
        check: CancelCheck<'_>,
    ) -> C::Result {
        bridge_checked(self, consumer, check)
    }
}

impl<T: Send> IndexedParallelIterator for Empty<T> {
    fn len(&self) -> usize {
        0
    }

    fn drive<C: Consumer<T>>(self, consumer: C) -> C::Result {
        consumer.into_folder().complete()
    }

    fn with_producer<CB: ProducerCallback<T>>(self, callback: CB) -> CB::Output {
        callback.callback(EmptyProducer(PhantomData))
    }
}

/// The producer of no positions.
struct EmptyProducer<T>(PhantomData<fn() -> T>);

impl<T: Send> Producer for EmptyProducer<T> {
    type Item = T;
    type IntoIter = std::iter::Empty<T>;

    fn into_iter(self) -> Self::IntoIter {
        std::iter::empty()
    }

    fn split_at(self, index: usize) -> (Self, Self) {
        assert_eq!(index, 0, "an empty producer split past its end");
        (EmptyProducer(PhantomData), EmptyProducer(PhantomData))
    }

    fn fold_with<F: Folder<T>>(self, folder: F) -> F {
        folder
    }
}

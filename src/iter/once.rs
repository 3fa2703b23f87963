//! `once(item)`: a parallel iterator with one item.

use super::cancel::{CancelCheck, bridge_checked};
use super::plumbing::{Consumer, Folder, ProducerCallback, UnindexedConsumer};
use super::{IndexedParallelIterator, IntoParallelIterator, ParallelIterator};

/// A parallel iterator that yields `item` once, like [`std::iter::once`].
///
/// # Example
///
/// ```
/// use cancelpool::iter::once;
/// use cancelpool::prelude::*;
///
/// let v: Vec<(i32, char)> = once(42).zip(['a']).collect();
/// assert_eq!(v, [(42, 'a')]);
/// ```
pub fn once<T: Send>(item: T) -> Once<T> {
    Once { item }
}

/// The parallel iterator with one item; made by [`once()`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let o: cancelpool::iter::Once<&str> = cancelpool::iter::once("x");
/// assert_eq!(o.len(), 1);
/// assert_eq!(o.collect::<Vec<_>>(), ["x"]);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Clone, Debug)]
pub struct Once<T> {
    item: T,
}

impl<T: Send> ParallelIterator for Once<T> {
    type Item = T;

    fn drive_unindexed<C: UnindexedConsumer<T>>(self, consumer: C) -> C::Result {
        self.drive(consumer)
    }

    fn opt_len(&self) -> Option<usize> {
        Some(1)
    }

    fn drive_checked<C: UnindexedConsumer<T>>(
        self,
        consumer: C,
        check: CancelCheck<'_>,
    ) -> C::Result {
        bridge_checked(self, consumer, check)
    }
}

impl<T: Send> IndexedParallelIterator for Once<T> {
    fn len(&self) -> usize {
        1
    }

    fn drive<C: Consumer<T>>(self, consumer: C) -> C::Result {
        consumer.into_folder().consume(self.item).complete()
    }

    fn with_producer<CB: ProducerCallback<T>>(self, callback: CB) -> CB::Output {
        Some(self.item).into_par_iter().with_producer(callback)
    }
}

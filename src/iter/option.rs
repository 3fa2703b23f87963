//! Parallel iterators over an `Option`: no item or one, like `Option::iter`.
//!
//! You rarely name these types; `into_par_iter()`, `par_iter()` and `par_iter_mut()`
//! make them. Collecting into an `Option` is in [`FromParallelIterator`]: it stops at
//! the first `None`.
//!
//! [`FromParallelIterator`]: crate::iter::FromParallelIterator
//!
//! ```
//! use cancelpool::prelude::*;
//!
//! let maybe = Some(3);
//! assert_eq!(maybe.par_iter().sum::<i32>(), 3);
//! assert_eq!(None::<i32>.into_par_iter().count(), 0);
//! ```

use super::cancel::{CancelCheck, bridge_checked};
use super::delegate::delegate_indexed_iterator;
use super::plumbing::{Consumer, Folder, Producer, ProducerCallback, UnindexedConsumer};
use super::{IndexedParallelIterator, IntoParallelIterator, ParallelIterator};

/// A parallel iterator that moves the item out of an `Option`; made by `into_par_iter()`.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let iter: cancelpool::option::IntoIter<String> = Some("a".to_string()).into_par_iter();
/// assert_eq!(iter.collect::<Vec<_>>(), ["a"]);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Clone, Debug)]
pub struct IntoIter<T> {
    opt: Option<T>,
}

impl<T: Send> IntoParallelIterator for Option<T> {
    type Item = T;
    type Iter = IntoIter<T>;

    fn into_par_iter(self) -> IntoIter<T> {
        IntoIter { opt: self }
    }
}

impl<T: Send> ParallelIterator for IntoIter<T> {
    type Item = T;

    fn drive_unindexed<C: UnindexedConsumer<T>>(self, consumer: C) -> C::Result {
        self.drive(consumer)
    }

    fn opt_len(&self) -> Option<usize> {
        Some(self.len())
    }

    fn drive_checked<C: UnindexedConsumer<T>>(
        self,
        consumer: C,
        check: CancelCheck<'_>,
    ) -> C::Result {
        bridge_checked(self, consumer, check)
    }
}

impl<T: Send> IndexedParallelIterator for IntoIter<T> {
    fn len(&self) -> usize {
        usize::from(self.opt.is_some())
    }

    fn drive<C: Consumer<T>>(self, consumer: C) -> C::Result {
        // Nothing to split: fold the item, if any, in place.
        let folder = consumer.into_folder();
        match self.opt {
            Some(item) => folder.consume(item).complete(),
            None => folder.complete(),
        }
    }

    fn with_producer<CB: ProducerCallback<T>>(self, callback: CB) -> CB::Output {
        callback.callback(OptionProducer { opt: self.opt })
    }
}

/// A parallel iterator over a reference to an `Option`'s item; made by `par_iter()`.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let opt = Some(5);
/// let iter: cancelpool::option::Iter<'_, i32> = opt.par_iter();
/// assert_eq!(iter.max(), Some(&5));
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Debug)]
pub struct Iter<'a, T> {
    inner: IntoIter<&'a T>,
}

impl<T> Clone for Iter<'_, T> {
    fn clone(&self) -> Self {
        Iter {
            inner: self.inner.clone(),
        }
    }
}

impl<'a, T: Sync> IntoParallelIterator for &'a Option<T> {
    type Item = &'a T;
    type Iter = Iter<'a, T>;

    fn into_par_iter(self) -> Iter<'a, T> {
        Iter {
            inner: self.as_ref().into_par_iter(),
        }
    }
}

delegate_indexed_iterator!(Iter<'a, T> => &'a T, impl<'a, T: Sync>);

/// A parallel iterator over a mutable reference to an `Option`'s item; made by
/// `par_iter_mut()`.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let mut opt = Some(5);
/// let iter: cancelpool::option::IterMut<'_, i32> = opt.par_iter_mut();
/// iter.for_each(|x| *x *= 2);
/// assert_eq!(opt, Some(10));
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Debug)]
pub struct IterMut<'a, T> {
    inner: IntoIter<&'a mut T>,
}

impl<'a, T: Send> IntoParallelIterator for &'a mut Option<T> {
    type Item = &'a mut T;
    type Iter = IterMut<'a, T>;

    fn into_par_iter(self) -> IterMut<'a, T> {
        IterMut {
            inner: self.as_mut().into_par_iter(),
        }
    }
}

delegate_indexed_iterator!(IterMut<'a, T> => &'a mut T, impl<'a, T: Send>);

/// The producer of an `Option`: position 0 is its item, if it has one.
struct OptionProducer<T> {
    opt: Option<T>,
}

impl<T: Send> Producer for OptionProducer<T> {
    type Item = T;
    type IntoIter = std::option::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.opt.into_iter()
    }

    fn split_at(self, index: usize) -> (Self, Self) {
        let none = OptionProducer { opt: None };
        match index {
            0 => (none, self),
            1 if self.opt.is_some() => (self, none),
            _ => panic!("an option producer split past its end"),
        }
    }
}

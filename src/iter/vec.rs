//! Parallel iterators that own the items of a `Vec`: `vec.into_par_iter()`.
//!
//! The items move out through a `DrainProducer`: a producer that owns the items of a
//! sub-slice of the vector's buffer and moves them out one by one, dropping the ones it
//! did not hand out when it is dropped (a piece that panicked, a chain that stopped
//! early). The vector itself keeps the allocation, with its length set to 0 first, so no
//! item is owned twice.

use std::fmt;
use std::mem;
use std::ptr;

use super::cancel::{CancelCheck, bridge_checked};
use super::plumbing::{Consumer, Producer, ProducerCallback, UnindexedConsumer, bridge};
use super::{IndexedParallelIterator, IntoParallelIterator, ParallelIterator};

/// A parallel iterator that moves the items out of a `Vec`; made by `into_par_iter()`.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let iter: cancelpool::vec::IntoIter<String> = vec!["a".to_string()].into_par_iter();
/// assert_eq!(iter.collect::<Vec<_>>(), ["a"]);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Clone)]
pub struct IntoIter<T> {
    vec: Vec<T>,
}

impl<T: fmt::Debug> fmt::Debug for IntoIter<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IntoIter").field("vec", &self.vec).finish()
    }
}

impl<T: Send> IntoParallelIterator for Vec<T> {
    type Item = T;
    type Iter = IntoIter<T>;

    fn into_par_iter(self) -> IntoIter<T> {
        IntoIter { vec: self }
    }
}

impl<T: Send> ParallelIterator for IntoIter<T> {
    type Item = T;

    fn drive_unindexed<C: UnindexedConsumer<T>>(self, consumer: C) -> C::Result {
        bridge(self, consumer)
    }

    fn opt_len(&self) -> Option<usize> {
        Some(self.vec.len())
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
        self.vec.len()
    }

    fn drive<C: Consumer<T>>(self, consumer: C) -> C::Result {
        bridge(self, consumer)
    }

    fn with_producer<CB: ProducerCallback<T>>(mut self, callback: CB) -> CB::Output {
        let len = self.vec.len();
        // SAFETY: the length goes to 0 before the producer takes the items, so the vector
        // never owns them again; it frees only its buffer, after the producer (and every
        // piece split from it) is gone.
        unsafe {
            self.vec.set_len(0);
            let slice = std::slice::from_raw_parts_mut(self.vec.as_mut_ptr(), len);
            callback.callback(DrainProducer::new(slice))
        }
    }
}

/// Owns the items of a sub-slice and moves them out (module docs).
pub(crate) struct DrainProducer<'data, T: Send> {
    slice: &'data mut [T],
}

impl<'data, T: Send> DrainProducer<'data, T> {
    /// # Safety
    ///
    /// The items of `slice` are initialised and owned by nobody else: the producer drops
    /// or hands out each exactly once.
    pub(crate) unsafe fn new(slice: &'data mut [T]) -> Self {
        DrainProducer { slice }
    }
}

impl<'data, T: Send + 'data> Producer for DrainProducer<'data, T> {
    type Item = T;
    type IntoIter = SliceDrain<'data, T>;

    fn into_iter(mut self) -> Self::IntoIter {
        let slice = mem::take(&mut self.slice);
        SliceDrain {
            iter: slice.iter_mut(),
        }
    }

    fn split_at(mut self, index: usize) -> (Self, Self) {
        let slice = mem::take(&mut self.slice);
        let (left, right) = slice.split_at_mut(index);
        // SAFETY: the halves partition the items this producer owned.
        unsafe { (DrainProducer::new(left), DrainProducer::new(right)) }
    }
}

impl<T: Send> Drop for DrainProducer<'_, T> {
    fn drop(&mut self) {
        let rest: &mut [T] = mem::take(&mut self.slice);
        // SAFETY: the items still in `slice` are owned by this producer.
        unsafe { ptr::drop_in_place(rest as *mut [T]) };
    }
}

/// Moves the items out of a slice it owns; drops the rest when dropped.
pub(crate) struct SliceDrain<'data, T> {
    iter: std::slice::IterMut<'data, T>,
}

impl<T> Iterator for SliceDrain<'_, T> {
    type Item = T;

    #[inline]
    fn next(&mut self) -> Option<T> {
        // SAFETY: each item is read once, as the iterator passes it; the rest are dropped
        // in `drop` (the drain owns them).
        self.iter.next().map(|slot| unsafe { ptr::read(slot) })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.iter.size_hint()
    }
}

impl<T> DoubleEndedIterator for SliceDrain<'_, T> {
    #[inline]
    fn next_back(&mut self) -> Option<T> {
        // SAFETY: as in `next`.
        self.iter.next_back().map(|slot| unsafe { ptr::read(slot) })
    }
}

impl<T> ExactSizeIterator for SliceDrain<'_, T> {}

impl<T> Drop for SliceDrain<'_, T> {
    fn drop(&mut self) {
        let rest: *mut [T] = mem::take(&mut self.iter).into_slice();
        // SAFETY: the items not yet handed out are still owned by the drain.
        unsafe { ptr::drop_in_place(rest) };
    }
}

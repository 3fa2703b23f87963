//! Parallel iterators that own the items of a `Vec`: `vec.into_par_iter()`, and
//! `vec.par_drain(range)`.
//!
//! ```
//! use cancelpool::prelude::*;
//!
//! let mut v: Vec<String> = (0..5).map(|i| i.to_string()).collect();
//! let drained: Vec<String> = v.par_drain(1..3).collect();
//! assert_eq!((drained, v), (vec!["1".to_string(), "2".into()], vec!["0".to_string(), "3".into(), "4".into()]));
//! ```
//!
//! # Invariants
//!
//! The items move out through a `DrainProducer`: a producer that owns the items of a
//! sub-slice of the vector's buffer and moves them out one by one, dropping the ones it
//! did not hand out when it is dropped (a piece that panicked, a chain that stopped
//! early or was cancelled). Before the producer exists, the vector's length is cut to
//! exclude those items, so no item is owned twice:
//!
//! 1. `into_par_iter()`: the length goes to 0; the vector keeps only its allocation.
//! 2. `par_drain(start..end)`: the length goes to `start`, so the vector owns the items
//!    before the range, the producer those in it, and nobody the tail after it — until
//!    `Drain`'s `Drop`, which runs after the producer and every piece of it are gone
//!    (also when a piece panicked), moves the tail down to `start` and sets the length
//!    back to cover it. A `Drain` that was never driven removes its range with
//!    `Vec::drain` instead.

use std::fmt;
use std::mem;
use std::ops::{Bound, Range, RangeBounds};
use std::ptr;

use super::cancel::{CancelCheck, bridge_checked};
use super::plumbing::{Consumer, Producer, ProducerCallback, UnindexedConsumer, bridge};
use super::{IndexedParallelIterator, IntoParallelIterator, ParallelDrainRange, ParallelIterator};

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

impl<T: Send> IntoParallelIterator for Box<[T]> {
    type Item = T;
    type Iter = IntoIter<T>;

    fn into_par_iter(self) -> IntoIter<T> {
        IntoIter { vec: self.into() }
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

/// The range `range` of a sequence of `len` items, as `Vec::drain` reads it.
///
/// # Panics
///
/// If the start is after the end or the end is past `len`, as `Vec::drain` does.
#[track_caller]
pub(super) fn drain_range(range: impl RangeBounds<usize>, len: usize) -> Range<usize> {
    let start = match range.start_bound() {
        Bound::Included(&i) => i,
        Bound::Excluded(&i) => i
            .checked_add(1)
            .unwrap_or_else(|| panic!("range start {i} + 1 overflows usize")),
        Bound::Unbounded => 0,
    };
    let end = match range.end_bound() {
        Bound::Included(&i) => i
            .checked_add(1)
            .unwrap_or_else(|| panic!("range end {i} + 1 overflows usize")),
        Bound::Excluded(&i) => i,
        Bound::Unbounded => len,
    };
    assert!(start <= end, "range start {start} is after range end {end}");
    assert!(end <= len, "range end {end} is past the length {len}");
    start..end
}

impl<'data, T: Send> ParallelDrainRange<usize> for &'data mut Vec<T> {
    type Iter = Drain<'data, T>;
    type Item = T;

    /// Removes the items in `range`, as `Vec::drain` does, and yields them in parallel.
    /// The items are removed even if the iterator is dropped without being driven, or
    /// stops early.
    #[track_caller]
    fn par_drain<R: RangeBounds<usize>>(self, range: R) -> Drain<'data, T> {
        Drain {
            range: drain_range(range, self.len()),
            orig_len: self.len(),
            driven: false,
            vec: self,
        }
    }
}

/// A parallel iterator that moves a range of items out of a `Vec`; made by
/// [`par_drain`](ParallelDrainRange::par_drain).
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let mut v = vec![1, 2, 3, 4];
/// let drain: cancelpool::vec::Drain<'_, i32> = v.par_drain(..2);
/// assert_eq!(drain.sum::<i32>(), 3);
/// assert_eq!(v, [3, 4]);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Debug)]
pub struct Drain<'data, T: Send> {
    vec: &'data mut Vec<T>,
    range: Range<usize>,
    orig_len: usize,
    /// A producer was made (module invariant 2).
    driven: bool,
}

impl<T: Send> ParallelIterator for Drain<'_, T> {
    type Item = T;

    fn drive_unindexed<C: UnindexedConsumer<T>>(self, consumer: C) -> C::Result {
        bridge(self, consumer)
    }

    fn opt_len(&self) -> Option<usize> {
        Some(self.range.len())
    }

    fn drive_checked<C: UnindexedConsumer<T>>(
        self,
        consumer: C,
        check: CancelCheck<'_>,
    ) -> C::Result {
        bridge_checked(self, consumer, check)
    }
}

impl<T: Send> IndexedParallelIterator for Drain<'_, T> {
    fn len(&self) -> usize {
        self.range.len()
    }

    fn drive<C: Consumer<T>>(self, consumer: C) -> C::Result {
        bridge(self, consumer)
    }

    fn with_producer<CB: ProducerCallback<T>>(mut self, callback: CB) -> CB::Output {
        let Range { start, end } = self.range;
        self.driven = true;
        // SAFETY: module invariant 2. `start <= end <= orig_len == len`, so the slots
        // `start..end` hold initialised items; with the length cut to `start`, the vector
        // no longer owns them and the producer takes them over. `self` is dropped after
        // the callback has returned or unwound, so its `Drop` sees no live piece.
        unsafe {
            self.vec.set_len(start);
            let slots = self.vec.as_mut_ptr().add(start);
            let slice = std::slice::from_raw_parts_mut(slots, end - start);
            callback.callback(DrainProducer::new(slice))
        }
    }
}

impl<T: Send> Drop for Drain<'_, T> {
    fn drop(&mut self) {
        let Range { start, end } = self.range;
        if !self.driven {
            // Never driven: the items are still the vector's; remove them.
            self.vec.drain(start..end);
            return;
        }
        let tail = self.orig_len - end;
        // SAFETY: module invariant 2: the producer and its pieces are gone, so the slots
        // `start..end` are moved-out or dropped; the tail `end..orig_len` is still
        // initialised and owned by nobody. Moving it to `start` (`ptr::copy` allows the
        // overlap) and covering it with the length gives it back to the vector.
        unsafe {
            let base = self.vec.as_mut_ptr();
            ptr::copy(base.add(end), base.add(start), tail);
            self.vec.set_len(start + tail);
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

//! Parallel iterators over a `BinaryHeap`: by value, `&`, and `par_drain()`. Items come
//! in the heap's internal order (as `BinaryHeap::iter` gives them), not sorted.
//!
//! ```
//! use cancelpool::prelude::*;
//! use std::collections::BinaryHeap;
//!
//! let heap: BinaryHeap<u32> = (1..=100).collect();
//! assert_eq!(heap.par_iter().sum::<u32>(), 5050);
//! ```

use std::collections::BinaryHeap;
use std::mem;

use crate::iter::cancel::{CancelCheck, bridge_checked};
use crate::iter::delegate::delegate_indexed_iterator;
use crate::iter::plumbing::{Consumer, ProducerCallback, UnindexedConsumer, bridge};
use crate::iter::{
    IndexedParallelIterator, IntoParallelIterator, ParallelDrainFull, ParallelDrainRange,
    ParallelIterator,
};
use crate::{slice, vec};

/// A parallel iterator that moves the items out of a `BinaryHeap`; made by
/// `into_par_iter()`.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
/// use std::collections::BinaryHeap;
///
/// let heap: BinaryHeap<u8> = [3, 1, 2].into_iter().collect();
/// let iter: cancelpool::collections::binary_heap::IntoIter<u8> = heap.into_par_iter();
/// let mut v: Vec<u8> = iter.collect();
/// v.sort();
/// assert_eq!(v, [1, 2, 3]);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Clone, Debug)]
pub struct IntoIter<T> {
    inner: vec::IntoIter<T>,
}

impl<T: Send> IntoParallelIterator for BinaryHeap<T> {
    type Item = T;
    type Iter = IntoIter<T>;

    fn into_par_iter(self) -> IntoIter<T> {
        IntoIter {
            inner: self.into_vec().into_par_iter(),
        }
    }
}

delegate_indexed_iterator!(IntoIter<T> => T, impl<T: Send>);

/// A parallel iterator over the items of a `BinaryHeap`, by reference; made by
/// `par_iter()`.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
/// use std::collections::BinaryHeap;
///
/// let heap: BinaryHeap<u8> = [3, 1, 2].into_iter().collect();
/// let iter: cancelpool::collections::binary_heap::Iter<'_, u8> = heap.par_iter();
/// assert_eq!(iter.max(), Some(&3));
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Debug)]
pub struct Iter<'a, T> {
    inner: slice::Iter<'a, T>,
}

impl<T> Clone for Iter<'_, T> {
    fn clone(&self) -> Self {
        Iter {
            inner: self.inner.clone(),
        }
    }
}

impl<'a, T: Sync> IntoParallelIterator for &'a BinaryHeap<T> {
    type Item = &'a T;
    type Iter = Iter<'a, T>;

    fn into_par_iter(self) -> Iter<'a, T> {
        Iter {
            inner: self.as_slice().into_par_iter(),
        }
    }
}

delegate_indexed_iterator!(Iter<'a, T> => &'a T, impl<'a, T: Sync + 'a>);

/// A parallel iterator that empties a `BinaryHeap`; made by
/// [`par_drain()`](ParallelDrainFull::par_drain). The heap is empty afterwards (its
/// capacity kept), also if the iterator is dropped without being driven.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
/// use std::collections::BinaryHeap;
///
/// let mut heap: BinaryHeap<u8> = [3, 1, 2].into_iter().collect();
/// let drain: cancelpool::collections::binary_heap::Drain<'_, u8> = heap.par_drain();
/// assert_eq!(drain.sum::<u8>(), 6);
/// assert!(heap.is_empty());
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Debug)]
pub struct Drain<'a, T> {
    heap: &'a mut BinaryHeap<T>,
}

impl<'a, T: Ord + Send> ParallelDrainFull for &'a mut BinaryHeap<T> {
    type Iter = Drain<'a, T>;
    type Item = T;

    fn par_drain(self) -> Drain<'a, T> {
        Drain { heap: self }
    }
}

impl<T: Ord + Send> ParallelIterator for Drain<'_, T> {
    type Item = T;

    fn drive_unindexed<C: UnindexedConsumer<T>>(self, consumer: C) -> C::Result {
        bridge(self, consumer)
    }

    fn opt_len(&self) -> Option<usize> {
        Some(self.heap.len())
    }

    fn drive_checked<C: UnindexedConsumer<T>>(
        self,
        consumer: C,
        check: CancelCheck<'_>,
    ) -> C::Result {
        bridge_checked(self, consumer, check)
    }
}

impl<T: Ord + Send> IndexedParallelIterator for Drain<'_, T> {
    fn len(&self) -> usize {
        self.heap.len()
    }

    fn drive<C: Consumer<T>>(self, consumer: C) -> C::Result {
        bridge(self, consumer)
    }

    fn with_producer<CB: ProducerCallback<T>>(self, callback: CB) -> CB::Output {
        let mut buffer = AsVec::new(&mut *self.heap);
        buffer.vec.par_drain(..).with_producer(callback)
    }
}

impl<T> Drop for Drain<'_, T> {
    fn drop(&mut self) {
        // Empty already if it ran; otherwise the items are dropped here.
        self.heap.clear();
    }
}

/// A heap's items as a `Vec` for a while; put back when dropped.
struct AsVec<'a, T: Ord> {
    heap: &'a mut BinaryHeap<T>,
    vec: Vec<T>,
}

impl<'a, T: Ord> AsVec<'a, T> {
    fn new(heap: &'a mut BinaryHeap<T>) -> Self {
        let vec = mem::take(heap).into_vec();
        AsVec { heap, vec }
    }
}

impl<T: Ord> Drop for AsVec<'_, T> {
    fn drop(&mut self) {
        *self.heap = BinaryHeap::from(mem::take(&mut self.vec));
    }
}

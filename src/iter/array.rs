//! A parallel iterator that moves the items out of an array: `[T; N].into_par_iter()`.
//! (`par_iter()` and `par_iter_mut()` on arrays are the slices' iterators.)
//!
//! ```
//! use cancelpool::prelude::*;
//!
//! let names = ["a".to_string(), "b".to_string()];
//! let joined: String = names.into_par_iter().collect();
//! assert_eq!(joined, "ab");
//! ```
//!
//! The array moves into a `ManuallyDrop` and its items into a `DrainProducer`, which
//! drops every item it does not hand out; the array itself never drops them.

use std::mem::ManuallyDrop;

use super::cancel::{CancelCheck, bridge_checked};
use super::plumbing::{Consumer, ProducerCallback, UnindexedConsumer, bridge};
use super::vec::DrainProducer;
use super::{IndexedParallelIterator, IntoParallelIterator, ParallelIterator};

/// A parallel iterator that moves the items out of an array; made by `into_par_iter()`.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let iter: cancelpool::array::IntoIter<u32, 3> = [1, 2, 3].into_par_iter();
/// assert_eq!(iter.len(), 3);
/// assert_eq!(iter.map(|x| x * 2).collect::<Vec<_>>(), [2, 4, 6]);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Clone, Debug)]
pub struct IntoIter<T, const N: usize> {
    array: [T; N],
}

impl<T: Send, const N: usize> IntoParallelIterator for [T; N] {
    type Item = T;
    type Iter = IntoIter<T, N>;

    fn into_par_iter(self) -> IntoIter<T, N> {
        IntoIter { array: self }
    }
}

impl<T: Send, const N: usize> ParallelIterator for IntoIter<T, N> {
    type Item = T;

    fn drive_unindexed<C: UnindexedConsumer<T>>(self, consumer: C) -> C::Result {
        bridge(self, consumer)
    }

    fn opt_len(&self) -> Option<usize> {
        Some(N)
    }

    fn drive_checked<C: UnindexedConsumer<T>>(
        self,
        consumer: C,
        check: CancelCheck<'_>,
    ) -> C::Result {
        bridge_checked(self, consumer, check)
    }
}

impl<T: Send, const N: usize> IndexedParallelIterator for IntoIter<T, N> {
    fn len(&self) -> usize {
        N
    }

    fn drive<C: Consumer<T>>(self, consumer: C) -> C::Result {
        bridge(self, consumer)
    }

    fn with_producer<CB: ProducerCallback<T>>(self, callback: CB) -> CB::Output {
        let mut array = ManuallyDrop::new(self.array);
        // SAFETY: the items are initialised, and `ManuallyDrop` never drops them, so the
        // producer is their only owner (module docs).
        let producer = unsafe { DrainProducer::new(array.as_mut_slice()) };
        callback.callback(producer)
    }
}

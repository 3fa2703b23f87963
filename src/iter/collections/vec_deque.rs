//! Parallel iterators over a `VecDeque`: by value, `&`, `&mut`, and `par_drain(range)`.
//! All are indexed: a deque is two slices, and its producers split across them.
//!
//! ```
//! use cancelpool::prelude::*;
//! use std::collections::VecDeque;
//!
//! let mut d: VecDeque<u32> = (1..=4).collect();
//! d.push_front(0);
//! assert_eq!(d.par_iter().map(|x| x * 2).collect::<Vec<_>>(), [0, 2, 4, 6, 8]);
//! let drained: Vec<u32> = d.par_drain(1..3).collect();
//! assert_eq!((drained, d), (vec![1, 2], VecDeque::from([0, 3, 4])));
//! ```

use std::collections::VecDeque;
use std::mem;
use std::ops::{Range, RangeBounds};

use crate::iter::cancel::{CancelCheck, bridge_checked};
use crate::iter::delegate::delegate_indexed_iterator;
use crate::iter::plumbing::{Consumer, Producer, ProducerCallback, UnindexedConsumer, bridge};
use crate::iter::vec::drain_range;
use crate::iter::{
    IndexedParallelIterator, IntoParallelIterator, ParallelDrainRange, ParallelIterator,
};
use crate::vec;

/// A parallel iterator that moves the items out of a `VecDeque`; made by
/// `into_par_iter()`.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
/// use std::collections::VecDeque;
///
/// let d: VecDeque<u8> = (0..4).collect();
/// let iter: cancelpool::collections::vec_deque::IntoIter<u8> = d.into_par_iter();
/// assert_eq!(iter.collect::<Vec<_>>(), [0, 1, 2, 3]);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Clone, Debug)]
pub struct IntoIter<T: Send> {
    inner: vec::IntoIter<T>,
}

impl<T: Send> IntoParallelIterator for VecDeque<T> {
    type Item = T;
    type Iter = IntoIter<T>;

    fn into_par_iter(self) -> IntoIter<T> {
        IntoIter {
            inner: Vec::from(self).into_par_iter(),
        }
    }
}

delegate_indexed_iterator!(IntoIter<T> => T, impl<T: Send>);

/// A parallel iterator over the items of a `VecDeque`, by reference; made by
/// `par_iter()`.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
/// use std::collections::VecDeque;
///
/// let d: VecDeque<u8> = (0..4).collect();
/// let iter: cancelpool::collections::vec_deque::Iter<'_, u8> = d.par_iter();
/// assert_eq!(iter.len(), 4);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Debug)]
pub struct Iter<'a, T> {
    front: &'a [T],
    back: &'a [T],
}

impl<T> Clone for Iter<'_, T> {
    fn clone(&self) -> Self {
        Iter { ..*self }
    }
}

impl<'a, T: Sync> IntoParallelIterator for &'a VecDeque<T> {
    type Item = &'a T;
    type Iter = Iter<'a, T>;

    fn into_par_iter(self) -> Iter<'a, T> {
        let (front, back) = self.as_slices();
        Iter { front, back }
    }
}

/// A parallel iterator over the items of a `VecDeque`, by mutable reference; made by
/// `par_iter_mut()`.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
/// use std::collections::VecDeque;
///
/// let mut d: VecDeque<u8> = (0..4).collect();
/// let iter: cancelpool::collections::vec_deque::IterMut<'_, u8> = d.par_iter_mut();
/// iter.for_each(|x| *x += 1);
/// assert_eq!(d, [1, 2, 3, 4]);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Debug)]
pub struct IterMut<'a, T> {
    front: &'a mut [T],
    back: &'a mut [T],
}

impl<'a, T: Send> IntoParallelIterator for &'a mut VecDeque<T> {
    type Item = &'a mut T;
    type Iter = IterMut<'a, T>;

    fn into_par_iter(self) -> IterMut<'a, T> {
        let (front, back) = self.as_mut_slices();
        IterMut { front, back }
    }
}

/// `ParallelIterator` and `IndexedParallelIterator` for a two-slice iterator whose
/// producer is `$producer`.
macro_rules! two_slice_iterator {
    ($iter:ident, $item:ty, $bound:ident, $producer:ident) => {
        impl<'a, T: $bound> ParallelIterator for $iter<'a, T> {
            type Item = $item;

            fn drive_unindexed<C: UnindexedConsumer<$item>>(self, consumer: C) -> C::Result {
                bridge(self, consumer)
            }

            fn opt_len(&self) -> Option<usize> {
                Some(self.len())
            }

            fn drive_checked<C: UnindexedConsumer<$item>>(
                self,
                consumer: C,
                check: CancelCheck<'_>,
            ) -> C::Result {
                bridge_checked(self, consumer, check)
            }
        }

        impl<'a, T: $bound> IndexedParallelIterator for $iter<'a, T> {
            fn len(&self) -> usize {
                self.front.len() + self.back.len()
            }

            fn drive<C: Consumer<$item>>(self, consumer: C) -> C::Result {
                bridge(self, consumer)
            }

            fn with_producer<CB: ProducerCallback<$item>>(self, callback: CB) -> CB::Output {
                callback.callback($producer {
                    front: self.front,
                    back: self.back,
                })
            }
        }
    };
}

two_slice_iterator!(Iter, &'a T, Sync, TwoSlices);
two_slice_iterator!(IterMut, &'a mut T, Send, TwoSlicesMut);

/// The positions of a deque's two slices, the front one first.
struct TwoSlices<'a, T> {
    front: &'a [T],
    back: &'a [T],
}

impl<'a, T: Sync> Producer for TwoSlices<'a, T> {
    type Item = &'a T;
    type IntoIter = Both<std::slice::Iter<'a, T>>;

    fn into_iter(self) -> Self::IntoIter {
        Both {
            front: self.front.iter(),
            back: self.back.iter(),
        }
    }

    fn split_at(self, index: usize) -> (Self, Self) {
        if let Some(in_back) = index.checked_sub(self.front.len()) {
            let (left, right) = self.back.split_at(in_back);
            (
                TwoSlices {
                    front: self.front,
                    back: left,
                },
                TwoSlices {
                    front: &[],
                    back: right,
                },
            )
        } else {
            let (left, right) = self.front.split_at(index);
            (
                TwoSlices {
                    front: left,
                    back: &[],
                },
                TwoSlices {
                    front: right,
                    back: self.back,
                },
            )
        }
    }
}

/// As [`TwoSlices`], for mutable references.
struct TwoSlicesMut<'a, T> {
    front: &'a mut [T],
    back: &'a mut [T],
}

impl<'a, T: Send> Producer for TwoSlicesMut<'a, T> {
    type Item = &'a mut T;
    type IntoIter = Both<std::slice::IterMut<'a, T>>;

    fn into_iter(self) -> Self::IntoIter {
        Both {
            front: self.front.iter_mut(),
            back: self.back.iter_mut(),
        }
    }

    fn split_at(self, index: usize) -> (Self, Self) {
        if let Some(in_back) = index.checked_sub(self.front.len()) {
            let (left, right) = self.back.split_at_mut(in_back);
            (
                TwoSlicesMut {
                    front: self.front,
                    back: left,
                },
                TwoSlicesMut {
                    front: &mut [],
                    back: right,
                },
            )
        } else {
            let (left, right) = self.front.split_at_mut(index);
            (
                TwoSlicesMut {
                    front: left,
                    back: &mut [],
                },
                TwoSlicesMut {
                    front: right,
                    back: self.back,
                },
            )
        }
    }
}

/// Two exact-size iterators, one after the other (std's `Chain` does not promise an
/// exact size).
struct Both<I> {
    front: I,
    back: I,
}

impl<I: ExactSizeIterator> Iterator for Both<I> {
    type Item = I::Item;

    #[inline]
    fn next(&mut self) -> Option<I::Item> {
        self.front.next().or_else(|| self.back.next())
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.front.len() + self.back.len();
        (n, Some(n))
    }

    #[inline]
    fn fold<B, F: FnMut(B, I::Item) -> B>(self, init: B, mut f: F) -> B {
        let acc = self.front.fold(init, &mut f);
        self.back.fold(acc, f)
    }
}

impl<I: ExactSizeIterator + DoubleEndedIterator> DoubleEndedIterator for Both<I> {
    #[inline]
    fn next_back(&mut self) -> Option<I::Item> {
        self.back.next_back().or_else(|| self.front.next_back())
    }

    #[inline]
    fn rfold<B, F: FnMut(B, I::Item) -> B>(self, init: B, mut f: F) -> B {
        let acc = self.back.rfold(init, &mut f);
        self.front.rfold(acc, f)
    }
}

impl<I: ExactSizeIterator> ExactSizeIterator for Both<I> {}

impl<'a, T: Send> ParallelDrainRange<usize> for &'a mut VecDeque<T> {
    type Iter = Drain<'a, T>;
    type Item = T;

    /// Removes the items in `range`, as `VecDeque::drain` does, and yields them in
    /// parallel. The items are removed even if the iterator is dropped without being
    /// driven.
    #[track_caller]
    fn par_drain<R: RangeBounds<usize>>(self, range: R) -> Drain<'a, T> {
        Drain {
            range: drain_range(range, self.len()),
            deque: self,
            driven: false,
        }
    }
}

/// A parallel iterator that moves a range of items out of a `VecDeque`; made by
/// [`par_drain`](ParallelDrainRange::par_drain).
///
/// While it runs, the deque's buffer is a `Vec` (made contiguous, as `Vec::from` does)
/// drained by [`vec::Drain`]; the deque gets it back when the run ends, also by a panic.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
/// use std::collections::VecDeque;
///
/// let mut d: VecDeque<u8> = (0..6).collect();
/// let drain: cancelpool::collections::vec_deque::Drain<'_, u8> = d.par_drain(..4);
/// assert_eq!(drain.len(), 4);
/// # drop(drain);
/// assert_eq!(d, [4, 5]);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Debug)]
pub struct Drain<'a, T> {
    deque: &'a mut VecDeque<T>,
    range: Range<usize>,
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
        self.driven = true;
        let mut buffer = AsVec::new(self.deque);
        buffer
            .vec
            .par_drain(self.range.clone())
            .with_producer(callback)
    }
}

impl<T> Drop for Drain<'_, T> {
    fn drop(&mut self) {
        if !self.driven {
            self.deque.drain(self.range.clone());
        }
    }
}

/// A deque's items as a `Vec` for a while; put back when dropped.
struct AsVec<'a, T> {
    deque: &'a mut VecDeque<T>,
    vec: Vec<T>,
}

impl<'a, T> AsVec<'a, T> {
    fn new(deque: &'a mut VecDeque<T>) -> Self {
        let vec = Vec::from(mem::take(deque));
        AsVec { deque, vec }
    }
}

impl<T> Drop for AsVec<'_, T> {
    fn drop(&mut self) {
        *self.deque = VecDeque::from(mem::take(&mut self.vec));
    }
}

//! Parallel iterators over ranges: `(a..b).into_par_iter()`.
//!
//! `IntoParallelIterator` is implemented once, for every `Range<T>` whose [`Iter<T>`] is a
//! parallel iterator, so an integer literal's type is inferred as for a sequential range:
//! `(0..10).into_par_iter()` is an iterator of `i32`.

use std::ops::Range;

use super::cancel::{CancelCheck, bridge_checked};
use super::plumbing::{Consumer, Producer, ProducerCallback, UnindexedConsumer, bridge};
use super::{IndexedParallelIterator, IntoParallelIterator, ParallelIterator};

/// A parallel iterator over a range; made by `into_par_iter()` on a `Range`.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let iter: cancelpool::range::Iter<i32> = (-3..3).into_par_iter();
/// assert_eq!(iter.len(), 6);
/// assert_eq!(iter.sum::<i32>(), -3);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Clone, Debug)]
pub struct Iter<T> {
    range: Range<T>,
}

impl<T> IntoParallelIterator for Range<T>
where
    Iter<T>: ParallelIterator,
{
    type Iter = Iter<T>;
    type Item = <Iter<T> as ParallelIterator>::Item;

    fn into_par_iter(self) -> Iter<T> {
        Iter { range: self }
    }
}

/// The producer of an integer range: the positions of a sub-range.
#[derive(Debug)]
struct IterProducer<T> {
    range: Range<T>,
}

macro_rules! indexed_range {
    ($($t:ty => $iter:ty, $len:expr),*) => {$(
        impl ParallelIterator for Iter<$t> {
            type Item = $t;

            fn drive_unindexed<C: UnindexedConsumer<$t>>(self, consumer: C) -> C::Result {
                bridge(self, consumer)
            }

            fn opt_len(&self) -> Option<usize> {
                Some(self.len())
            }

            fn drive_checked<C: UnindexedConsumer<$t>>(
                self,
                consumer: C,
                check: CancelCheck<'_>,
            ) -> C::Result {
                bridge_checked(self, consumer, check)
            }
        }

        impl IndexedParallelIterator for Iter<$t> {
            fn len(&self) -> usize {
                $len(&self.range)
            }

            fn drive<C: Consumer<$t>>(self, consumer: C) -> C::Result {
                bridge(self, consumer)
            }

            fn with_producer<CB: ProducerCallback<$t>>(self, callback: CB) -> CB::Output {
                callback.callback(IterProducer { range: self.range })
            }
        }

        impl Producer for IterProducer<$t> {
            type Item = $t;
            type IntoIter = $iter;

            fn into_iter(self) -> $iter {
                <$iter>::from(self.range)
            }

            fn split_at(self, index: usize) -> (Self, Self) {
                assert!(index <= $len(&self.range), "range split past its end");
                // The length fits a `usize`, so the offset fits the type's span: wrapping
                // arithmetic in the type gives the exact midpoint, also for signed types.
                let mid = self.range.start.wrapping_add(index as $t);
                (
                    IterProducer { range: self.range.start..mid },
                    IterProducer { range: mid..self.range.end },
                )
            }
        }
    )*};
}

indexed_range!(
    u8 => Range<u8>, ExactSizeIterator::len,
    u16 => Range<u16>, ExactSizeIterator::len,
    u32 => Range<u32>, ExactSizeIterator::len,
    usize => Range<usize>, ExactSizeIterator::len,
    i8 => Range<i8>, ExactSizeIterator::len,
    i16 => Range<i16>, ExactSizeIterator::len,
    i32 => Range<i32>, ExactSizeIterator::len,
    isize => Range<isize>, ExactSizeIterator::len
);
#[cfg(target_pointer_width = "64")]
indexed_range!(
    u64 => WideRange<u64>, wide_len_u64,
    i64 => WideRange<i64>, wide_len_i64
);

/// The length of a `u64` range, which fits a 64-bit `usize`.
#[cfg(target_pointer_width = "64")]
fn wide_len_u64(r: &Range<u64>) -> usize {
    r.end.saturating_sub(r.start) as usize
}

/// The length of an `i64` range, which fits a 64-bit `usize`.
#[cfg(target_pointer_width = "64")]
fn wide_len_i64(r: &Range<i64>) -> usize {
    if r.end > r.start {
        r.end.wrapping_sub(r.start) as u64 as usize
    } else {
        0
    }
}

/// A `Range<u64>` or `Range<i64>` that knows it is exact-size (std cannot promise that on
/// every target; on 64-bit ones every such range's length fits a `usize`).
#[cfg(target_pointer_width = "64")]
#[derive(Debug)]
pub(crate) struct WideRange<T> {
    range: Range<T>,
}

macro_rules! wide_range {
    ($($t:ty, $len:ident);*) => {$(
        #[cfg(target_pointer_width = "64")]
        impl From<Range<$t>> for WideRange<$t> {
            fn from(range: Range<$t>) -> Self {
                WideRange { range }
            }
        }

        #[cfg(target_pointer_width = "64")]
        impl Iterator for WideRange<$t> {
            type Item = $t;

            #[inline]
            fn next(&mut self) -> Option<$t> {
                self.range.next()
            }

            #[inline]
            fn size_hint(&self) -> (usize, Option<usize>) {
                let n = $len(&self.range);
                (n, Some(n))
            }

            #[inline]
            fn fold<B, F: FnMut(B, $t) -> B>(self, init: B, f: F) -> B {
                self.range.fold(init, f)
            }
        }

        #[cfg(target_pointer_width = "64")]
        impl DoubleEndedIterator for WideRange<$t> {
            #[inline]
            fn next_back(&mut self) -> Option<$t> {
                self.range.next_back()
            }

            #[inline]
            fn rfold<B, F: FnMut(B, $t) -> B>(self, init: B, f: F) -> B {
                self.range.rfold(init, f)
            }
        }

        #[cfg(target_pointer_width = "64")]
        impl ExactSizeIterator for WideRange<$t> {}
    )*};
}

wide_range!(u64, wide_len_u64; i64, wide_len_i64);

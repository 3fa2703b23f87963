//! Parallel iterators over integer ranges: `(a..b).into_par_iter()`.
//!
//! Implemented for `u8`, `u16`, `u32`, `usize`, `i8`, `i16`, `i32`, `isize`, and, where
//! `usize` has 64 bits, `u64` and `i64` (their lengths must fit a `usize`).

use std::ops::Range;

use super::plumbing::{Producer, ProducerCallback};
use super::{IndexedParallelIterator, IntoParallelIterator, ParallelIterator};

/// A parallel iterator over an integer range; made by `into_par_iter()` on a `Range`.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let iter: cancelpool::iter::range::Iter<i32> = (-3..3).into_par_iter();
/// assert_eq!(iter.len(), 6);
/// assert_eq!(iter.sum::<i32>(), -3);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Clone, Debug)]
pub struct Iter<T> {
    range: Range<T>,
}

macro_rules! range_impl {
    ($($t:ty => $unsigned:ty),* $(,)?) => {$(
        impl IntoParallelIterator for Range<$t> {
            type Iter = Iter<$t>;
            type Item = $t;

            fn into_par_iter(self) -> Iter<$t> {
                Iter { range: self }
            }
        }

        impl ParallelIterator for Iter<$t> {
            type Item = $t;

            fn with_producer<CB>(self, callback: CB) -> CB::Output
            where
                CB: ProducerCallback<$t>,
            {
                callback.callback(self.range)
            }

            fn opt_len(&self) -> Option<usize> {
                Some(self.len())
            }
        }

        impl IndexedParallelIterator for Iter<$t> {
            fn len(&self) -> usize {
                Producer::len(&self.range)
            }
        }

        impl Producer for Range<$t> {
            type Item = $t;
            type IntoIter = Range<$t>;

            #[inline]
            fn len(&self) -> usize {
                if self.start < self.end {
                    // The distance as the unsigned type is exact (two's complement), and
                    // fits a `usize` by the choice of types above.
                    self.end.wrapping_sub(self.start) as $unsigned as usize
                } else {
                    0
                }
            }

            fn split_at(self, index: usize) -> (Self, Self) {
                // `index <= len`, so the true middle lies in the range and the wrapping
                // sum (modulo the type's width) is exactly it.
                let mid = self.start.wrapping_add(index as $t);
                (self.start..mid, mid..self.end)
            }

            #[inline]
            fn into_iter(self) -> Range<$t> {
                self
            }
        }
    )*};
}

range_impl! {
    u8 => u8, u16 => u16, u32 => u32, usize => usize,
    i8 => u8, i16 => u16, i32 => u32, isize => usize,
}

#[cfg(target_pointer_width = "64")]
range_impl! { u64 => u64, i64 => u64 }

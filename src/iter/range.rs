//! Parallel iterators over ranges: `(a..b).into_par_iter()`, for every integer type and
//! `char`.
//!
//! You rarely name these types; `into_par_iter()` on a range makes them.
//!
//! ```
//! use cancelpool::prelude::*;
//!
//! let total: u64 = (0..1000u64).into_par_iter().sum();
//! assert_eq!(total, (0..1000).sum::<u64>());
//! ```
//!
//! # Which ranges are indexed
//!
//! A range is an [`IndexedParallelIterator`] when the length of every range of its type
//! fits a `usize`: `u8`, `u16`, `u32`, `usize` and their signed twins, `char`, and on
//! 64-bit targets `u64` and `i64`. Ranges of `u128` and `i128` (and of `u64`/`i64`
//! elsewhere) are parallel iterators whose [`opt_len`](ParallelIterator::opt_len) is
//! `Some` when their length fits a `usize`: they then run like an indexed range, and
//! `collect` writes straight into place. Longer ones split themselves in halves.
//!
//! # Type inference
//!
//! `IntoParallelIterator` and `ParallelIterator` are implemented once for all element
//! types (through a sealed helper trait), so an untyped literal is inferred as for a
//! sequential range: `(0..10).into_par_iter()` iterates `i32`s, and
//! `(1..100).into_par_iter().filter(|&x| f(x))` takes its type from `f`.

use std::ops::Range;

use super::cancel::{CancelCheck, CheckConsumer, bridge_checked};
use super::plumbing::{
    Consumer, Folder, Producer, ProducerCallback, UnindexedConsumer, UnindexedProducer, bridge,
    bridge_unindexed,
};
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
///
/// // Character ranges skip the surrogate code points, as `Range<char>` does.
/// let n = ('\u{D7FF}'..'\u{E001}').into_par_iter().count();
/// assert_eq!(n, 2);
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

/// The element types of parallel ranges. Sealed: its methods are the bodies of
/// `Iter<T>`'s trait methods, one implementation per type, behind one blanket impl (the
/// blanket impl is what lets literals be inferred).
#[allow(unreachable_pub)]
mod sealed {
    use super::*;

    pub trait RangeInteger: Sized + Send {
        fn drive_unindexed<C: UnindexedConsumer<Self>>(iter: Iter<Self>, consumer: C) -> C::Result;

        fn opt_len(iter: &Iter<Self>) -> Option<usize>;

        fn drive_checked<C: UnindexedConsumer<Self>>(
            iter: Iter<Self>,
            consumer: C,
            check: CancelCheck<'_>,
        ) -> C::Result;
    }

    pub trait IndexedRangeInteger: RangeInteger {
        fn len(iter: &Iter<Self>) -> usize;

        fn with_producer<CB: ProducerCallback<Self>>(iter: Iter<Self>, callback: CB) -> CB::Output;
    }
}
use sealed::{IndexedRangeInteger, RangeInteger};

impl<T: RangeInteger> ParallelIterator for Iter<T> {
    type Item = T;

    fn drive_unindexed<C: UnindexedConsumer<T>>(self, consumer: C) -> C::Result {
        T::drive_unindexed(self, consumer)
    }

    #[inline]
    fn opt_len(&self) -> Option<usize> {
        T::opt_len(self)
    }

    fn drive_checked<C: UnindexedConsumer<T>>(
        self,
        consumer: C,
        check: CancelCheck<'_>,
    ) -> C::Result {
        T::drive_checked(self, consumer, check)
    }
}

impl<T: IndexedRangeInteger> IndexedParallelIterator for Iter<T> {
    #[inline]
    fn len(&self) -> usize {
        T::len(self)
    }

    fn drive<C: Consumer<T>>(self, consumer: C) -> C::Result {
        bridge(self, consumer)
    }

    fn with_producer<CB: ProducerCallback<T>>(self, callback: CB) -> CB::Output {
        T::with_producer(self, callback)
    }
}

/// The producer of an indexed integer range: the positions of a sub-range.
#[derive(Debug)]
struct IterProducer<T> {
    range: Range<T>,
}

/// The `RangeInteger` methods of an indexed type, whose `len` is [`IndexedRangeInteger`]'s.
macro_rules! indexed_methods {
    ($t:ty) => {
        fn drive_unindexed<C: UnindexedConsumer<$t>>(iter: Iter<$t>, consumer: C) -> C::Result {
            bridge(iter, consumer)
        }

        fn opt_len(iter: &Iter<$t>) -> Option<usize> {
            Some(iter.len())
        }

        fn drive_checked<C: UnindexedConsumer<$t>>(
            iter: Iter<$t>,
            consumer: C,
            check: CancelCheck<'_>,
        ) -> C::Result {
            bridge_checked(iter, consumer, check)
        }
    };
}

macro_rules! indexed_range {
    ($($t:ty => $iter:ty, $len:expr),*) => {$(
        impl RangeInteger for $t {
            indexed_methods!($t);
        }

        impl IndexedRangeInteger for $t {
            fn len(iter: &Iter<$t>) -> usize {
                $len(&iter.range)
            }

            fn with_producer<CB: ProducerCallback<$t>>(iter: Iter<$t>, callback: CB) -> CB::Output {
                callback.callback(IterProducer { range: iter.range })
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
                // arithmetic in the type gives the exact midpoint, also for signed types
                // (`-100i8..100` split at 150: `-100 + (150 as i8)` wraps to 50).
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

/// Ranges whose length may not fit a `usize` (`u128`, `i128`; `u64`, `i64` on targets
/// narrower than 64 bits): indexed-like through [`Offsets`] when the length fits, split
/// in halves by [`HalvingRange`] when it does not.
macro_rules! unindexed_range {
    ($($t:ty, $unsigned:ty);*) => {$(
        impl RangeInteger for $t {
            fn drive_unindexed<C: UnindexedConsumer<$t>>(iter: Iter<$t>, consumer: C) -> C::Result {
                match iter.opt_len() {
                    Some(len) => bridge(Offsets::new(iter.range.start, len), consumer),
                    None => bridge_unindexed(HalvingRange::exclusive(iter.range), consumer),
                }
            }

            fn opt_len(iter: &Iter<$t>) -> Option<usize> {
                let Range { start, end } = iter.range;
                if end <= start {
                    return Some(0);
                }
                // `end > start`: the wrapped difference, read unsigned, is the exact span.
                usize::try_from(end.wrapping_sub(start) as $unsigned).ok()
            }

            fn drive_checked<C: UnindexedConsumer<$t>>(
                iter: Iter<$t>,
                consumer: C,
                check: CancelCheck<'_>,
            ) -> C::Result {
                match iter.opt_len() {
                    Some(len) => bridge_checked(Offsets::new(iter.range.start, len), consumer, check),
                    None => bridge_unindexed(
                        HalvingRange::exclusive(iter.range),
                        CheckConsumer::new(consumer, check),
                    ),
                }
            }
        }
    )*};
}

unindexed_range!(u128, u128; i128, u128);
#[cfg(not(target_pointer_width = "64"))]
unindexed_range!(u64, u64; i64, u64);

/// The integer types that [`Offsets`] and [`HalvingRange`] work with.
pub(super) trait Offset: Copy + Send + Ord {
    /// The unsigned type of the same width, whose values span any range of `Self`.
    type Span: Copy + Ord;

    /// `self + i`, wrapping: exact whenever the true sum is a value of the type.
    fn offset(self, i: usize) -> Self;

    /// `last - self` for `self <= last`, exactly.
    fn span_to(self, last: Self) -> Self::Span;

    /// Where to split the values `self ..= last` (`self < last`): `self + span / 2 + 1`,
    /// so both halves are non-empty and the left one is the larger by at most one.
    fn midpoint_after(self, last: Self) -> Self;

    /// `self - 1`, for a value known not to be the type's minimum.
    fn pred(self) -> Self;

    /// `self + 1`, unless `self` is the type's maximum.
    fn checked_next(self) -> Option<Self>;

    /// `span` as a `usize`, if it fits.
    fn span_len(span: Self::Span) -> Option<usize>;
}

macro_rules! offset_impl {
    ($($t:ty, $unsigned:ty);*) => {$(
        impl Offset for $t {
            type Span = $unsigned;

            #[inline]
            fn offset(self, i: usize) -> $t {
                // Truncating `i` and adding with wraparound is addition modulo 2^bits, so
                // the result is exact whenever the true sum is in range.
                self.wrapping_add(i as $t)
            }

            #[inline]
            fn span_to(self, last: $t) -> $unsigned {
                last.wrapping_sub(self) as $unsigned
            }

            #[inline]
            fn midpoint_after(self, last: $t) -> $t {
                // `span / 2 + 1 <= span` for `span >= 1`: no overflow, and `mid <= last`.
                let half = self.span_to(last) / 2 + 1;
                self.wrapping_add(half as $t)
            }

            #[inline]
            fn pred(self) -> $t {
                self - 1
            }

            #[inline]
            fn checked_next(self) -> Option<$t> {
                self.checked_add(1)
            }

            #[inline]
            fn span_len(span: $unsigned) -> Option<usize> {
                usize::try_from(span).ok()
            }
        }
    )*};
}

offset_impl!(
    u8, u8; u16, u16; u32, u32; u64, u64; u128, u128; usize, usize;
    i8, u8; i16, u16; i32, u32; i64, u64; i128, u128; isize, usize
);

/// An indexed iterator over `start`, `start + 1`, ..., `len` values: how a range whose
/// type is not indexed runs when its length fits a `usize`, and how inclusive ranges
/// run. The caller makes sure the last value exists in the type.
#[derive(Debug)]
pub(super) struct Offsets<T> {
    start: T,
    len: usize,
}

impl<T: Offset> Offsets<T> {
    pub(super) fn new(start: T, len: usize) -> Self {
        Offsets { start, len }
    }
}

impl<T: Offset> ParallelIterator for Offsets<T> {
    type Item = T;

    fn drive_unindexed<C: UnindexedConsumer<T>>(self, consumer: C) -> C::Result {
        bridge(self, consumer)
    }

    fn opt_len(&self) -> Option<usize> {
        Some(self.len)
    }

    fn drive_checked<C: UnindexedConsumer<T>>(
        self,
        consumer: C,
        check: CancelCheck<'_>,
    ) -> C::Result {
        bridge_checked(self, consumer, check)
    }
}

impl<T: Offset> IndexedParallelIterator for Offsets<T> {
    fn len(&self) -> usize {
        self.len
    }

    fn drive<C: Consumer<T>>(self, consumer: C) -> C::Result {
        bridge(self, consumer)
    }

    fn with_producer<CB: ProducerCallback<T>>(self, callback: CB) -> CB::Output {
        callback.callback(OffsetIter {
            start: self.start,
            offsets: 0..self.len,
        })
    }
}

/// `start + i` for `i` in `offsets`: both the producer and the sequential iterator of
/// [`Offsets`].
#[derive(Debug)]
pub(super) struct OffsetIter<T> {
    start: T,
    offsets: Range<usize>,
}

impl<T: Offset> Iterator for OffsetIter<T> {
    type Item = T;

    #[inline]
    fn next(&mut self) -> Option<T> {
        self.offsets.next().map(|i| self.start.offset(i))
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.offsets.size_hint()
    }

    #[inline]
    fn fold<B, F: FnMut(B, T) -> B>(self, init: B, mut f: F) -> B {
        let start = self.start;
        self.offsets
            .fold(init, move |acc, i| f(acc, start.offset(i)))
    }
}

impl<T: Offset> DoubleEndedIterator for OffsetIter<T> {
    #[inline]
    fn next_back(&mut self) -> Option<T> {
        self.offsets.next_back().map(|i| self.start.offset(i))
    }

    #[inline]
    fn rfold<B, F: FnMut(B, T) -> B>(self, init: B, mut f: F) -> B {
        let start = self.start;
        self.offsets
            .rfold(init, move |acc, i| f(acc, start.offset(i)))
    }
}

impl<T: Offset> ExactSizeIterator for OffsetIter<T> {}

impl<T: Offset> Producer for OffsetIter<T> {
    type Item = T;
    type IntoIter = Self;

    fn into_iter(self) -> Self {
        self
    }

    fn split_at(self, index: usize) -> (Self, Self) {
        assert!(index <= self.offsets.len(), "range split past its end");
        let mid = self.offsets.start + index;
        (
            OffsetIter {
                start: self.start,
                offsets: self.offsets.start..mid,
            },
            OffsetIter {
                start: self.start,
                offsets: mid..self.offsets.end,
            },
        )
    }
}

/// The values `first ..= last` (never empty) of a range too long for a `usize`, split in
/// halves for as long as the bridge asks.
#[derive(Debug)]
pub(super) struct HalvingRange<T> {
    first: T,
    last: T,
}

impl<T: Offset> HalvingRange<T> {
    /// For a non-empty `range`.
    fn exclusive(range: Range<T>) -> Self {
        debug_assert!(range.start < range.end);
        HalvingRange {
            first: range.start,
            last: range.end.pred(),
        }
    }

    /// For `first <= last`.
    pub(super) fn inclusive(first: T, last: T) -> Self {
        debug_assert!(first <= last);
        HalvingRange { first, last }
    }
}

impl<T> UnindexedProducer for HalvingRange<T>
where
    T: Offset,
    std::ops::RangeInclusive<T>: Iterator<Item = T>,
{
    type Item = T;

    fn split(self) -> (Self, Option<Self>) {
        if self.first == self.last {
            return (self, None);
        }
        let mid = self.first.midpoint_after(self.last);
        (
            HalvingRange {
                first: self.first,
                last: mid.pred(),
            },
            Some(HalvingRange {
                first: mid,
                last: self.last,
            }),
        )
    }

    fn fold_with<F: Folder<T>>(self, folder: F) -> F {
        folder.consume_iter(self.first..=self.last)
    }
}

// `char`: the positions of a range are its code points with the surrogate gap
// (U+D800..U+E000) closed up, so that every position is a `char` and `split_at` is
// arithmetic.

/// The first surrogate code point.
const GAP_START: u32 = 0xD800;
/// The number of surrogate code points.
const GAP_LEN: u32 = 0x800;

/// The position of a `char` among all `char`s.
pub(super) fn char_position(c: char) -> u32 {
    let c = c as u32;
    if c < GAP_START { c } else { c - GAP_LEN }
}

impl RangeInteger for char {
    indexed_methods!(char);
}

impl IndexedRangeInteger for char {
    fn len(iter: &Iter<char>) -> usize {
        let (start, end) = (
            char_position(iter.range.start),
            char_position(iter.range.end),
        );
        end.saturating_sub(start) as usize
    }

    fn with_producer<CB: ProducerCallback<char>>(iter: Iter<char>, callback: CB) -> CB::Output {
        let start = char_position(iter.range.start);
        let end = char_position(iter.range.end).max(start);
        callback.callback(CharProducer {
            positions: start..end,
        })
    }
}

/// The `char`s at some positions: both the producer and the sequential iterator of a
/// `char` range.
#[derive(Debug)]
pub(super) struct CharProducer {
    /// Positions between those of two `char`s, so every one is a `char`'s.
    positions: Range<u32>,
}

impl CharProducer {
    /// No `char`s.
    pub(super) fn empty() -> Self {
        CharProducer { positions: 0..0 }
    }

    /// The `char`s from `first` to `last`, both included (`first <= last`).
    pub(super) fn inclusive(first: char, last: char) -> Self {
        CharProducer {
            positions: char_position(first)..char_position(last) + 1,
        }
    }

    #[inline]
    fn char_at(position: u32) -> char {
        let code = if position < GAP_START {
            position
        } else {
            position + GAP_LEN
        };
        // SAFETY: `position` lies between the positions of two `char`s (field invariant),
        // and positions skip the surrogates, so `code` is a scalar value in 0..=0x10FFFF
        // outside U+D800..U+DFFF.
        unsafe { char::from_u32_unchecked(code) }
    }
}

impl Iterator for CharProducer {
    type Item = char;

    #[inline]
    fn next(&mut self) -> Option<char> {
        self.positions.next().map(Self::char_at)
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.positions.size_hint()
    }
}

impl DoubleEndedIterator for CharProducer {
    #[inline]
    fn next_back(&mut self) -> Option<char> {
        self.positions.next_back().map(Self::char_at)
    }
}

impl ExactSizeIterator for CharProducer {}

impl Producer for CharProducer {
    type Item = char;
    type IntoIter = Self;

    fn into_iter(self) -> Self {
        self
    }

    fn split_at(self, index: usize) -> (Self, Self) {
        assert!(index <= self.positions.len(), "range split past its end");
        // `index` is at most the length, which is a `u32`.
        let mid = self.positions.start + index as u32;
        (
            CharProducer {
                positions: self.positions.start..mid,
            },
            CharProducer {
                positions: mid..self.positions.end,
            },
        )
    }
}

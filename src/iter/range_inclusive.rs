//! Parallel iterators over inclusive ranges: `(a..=b).into_par_iter()`, for every integer
//! type and `char`.
//!
//! You rarely name these types; `into_par_iter()` on a range makes them.
//!
//! ```
//! use cancelpool::prelude::*;
//!
//! let total: u64 = (1..=100u64).into_par_iter().sum();
//! assert_eq!(total, 5050);
//! // Up to the type's maximum, which `a..b` cannot reach.
//! assert_eq!((250..=u8::MAX).into_par_iter().count(), 6);
//! ```
//!
//! # Which ranges are indexed
//!
//! An inclusive range is an [`IndexedParallelIterator`] when the length of every range
//! of its type fits a `usize`: `u8`, `u16`, `i8`, `i16`, `char`, and on 64-bit targets
//! `u32` and `i32`. The others (`0..=usize::MAX` has `usize::MAX + 1` items) are parallel
//! iterators whose [`opt_len`](ParallelIterator::opt_len) is `Some` when the length fits:
//! they then run like an indexed range; longer ones split themselves in halves.
//!
//! Untyped literals are inferred as for a sequential range: `(1..=n).into_par_iter()`
//! iterates `n`'s type, and `(1..=10).into_par_iter()` iterates `i32`s.

use std::ops::RangeInclusive;

use super::cancel::{CancelCheck, CheckConsumer, bridge_checked};
use super::plumbing::{Consumer, ProducerCallback, UnindexedConsumer, bridge, bridge_unindexed};
use super::range::{CharProducer, HalvingRange, Offset, Offsets};
use super::{IndexedParallelIterator, IntoParallelIterator, ParallelIterator};

/// A parallel iterator over an inclusive range; made by `into_par_iter()` on a
/// `RangeInclusive`.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let iter: cancelpool::range_inclusive::Iter<char> = ('a'..='e').into_par_iter();
/// assert_eq!(iter.len(), 5);
/// assert_eq!(iter.collect::<String>(), "abcde");
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Clone, Debug)]
pub struct Iter<T> {
    range: RangeInclusive<T>,
}

impl<T> IntoParallelIterator for RangeInclusive<T>
where
    Iter<T>: ParallelIterator,
{
    type Iter = Iter<T>;
    type Item = <Iter<T> as ParallelIterator>::Item;

    fn into_par_iter(self) -> Iter<T> {
        Iter { range: self }
    }
}

impl<T: Copy + PartialOrd> Iter<T> {
    /// The first and last values, or `None` if the range is empty (also when it was
    /// exhausted by sequential iteration before).
    fn bounds(&self) -> Option<(T, T)> {
        if self.range.is_empty() {
            None
        } else {
            Some((*self.range.start(), *self.range.end()))
        }
    }
}

/// As in `range.rs`: one blanket impl over a sealed trait, for literal inference.
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

/// The number of values, if it fits a `usize`.
fn offsets_len<T: Offset>(iter: &Iter<T>) -> Option<usize> {
    match iter.bounds() {
        None => Some(0),
        Some((first, last)) => T::span_len(first.span_to(last))?.checked_add(1),
    }
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
    ($($t:ty),*) => {$(
        impl RangeInteger for $t {
            indexed_methods!($t);
        }

        impl IndexedRangeInteger for $t {
            fn len(iter: &Iter<$t>) -> usize {
                // Every range of the type has at most 2^32 values, which fit this target's
                // `usize` (which types this macro is used for ensures it).
                offsets_len(iter).unwrap_or(usize::MAX)
            }

            fn with_producer<CB: ProducerCallback<$t>>(iter: Iter<$t>, callback: CB) -> CB::Output {
                match exclusive(&iter) {
                    // The usual case runs as the exclusive range, with its tighter loop.
                    Some(range) => range.into_par_iter().with_producer(callback),
                    None => {
                        let len = iter.len();
                        Offsets::new(*iter.range.start(), len).with_producer(callback)
                    }
                }
            }
        }
    )*};
}

indexed_range!(u8, u16, i8, i16);
#[cfg(target_pointer_width = "64")]
indexed_range!(u32, i32);

/// The same values as an exclusive range, whose producer has the tightest loop — unless
/// the range is empty or ends at the type's maximum, which no exclusive range reaches.
fn exclusive<T: Offset>(iter: &Iter<T>) -> Option<std::ops::Range<T>> {
    let (first, last) = iter.bounds()?;
    Some(first..last.checked_next()?)
}

/// How a range of a type that is not indexed runs.
enum Plan<T> {
    /// Its length fits a `usize`: as an indexed range.
    Indexed(Offsets<T>),
    /// Too long: split in halves.
    Halving(HalvingRange<T>),
}

fn plan<T: Offset>(iter: Iter<T>) -> Plan<T> {
    let start = *iter.range.start();
    match (iter.bounds(), offsets_len(&iter)) {
        (Some((first, last)), None) => Plan::Halving(HalvingRange::inclusive(first, last)),
        (_, len) => Plan::Indexed(Offsets::new(start, len.unwrap_or(0))),
    }
}

macro_rules! unindexed_range {
    ($($t:ty),*) => {$(
        impl RangeInteger for $t {
            fn drive_unindexed<C: UnindexedConsumer<$t>>(iter: Iter<$t>, consumer: C) -> C::Result {
                if let Some(range) = exclusive(&iter) {
                    return range.into_par_iter().drive_unindexed(consumer);
                }
                match plan(iter) {
                    Plan::Indexed(offsets) => bridge(offsets, consumer),
                    Plan::Halving(halves) => bridge_unindexed(halves, consumer),
                }
            }

            fn opt_len(iter: &Iter<$t>) -> Option<usize> {
                offsets_len(iter)
            }

            fn drive_checked<C: UnindexedConsumer<$t>>(
                iter: Iter<$t>,
                consumer: C,
                check: CancelCheck<'_>,
            ) -> C::Result {
                if let Some(range) = exclusive(&iter) {
                    return range.into_par_iter().drive_checked(consumer, check);
                }
                match plan(iter) {
                    Plan::Indexed(offsets) => bridge_checked(offsets, consumer, check),
                    Plan::Halving(halves) => {
                        bridge_unindexed(halves, CheckConsumer::new(consumer, check))
                    }
                }
            }
        }
    )*};
}

unindexed_range!(usize, isize, u64, i64, u128, i128);
#[cfg(not(target_pointer_width = "64"))]
unindexed_range!(u32, i32);

impl RangeInteger for char {
    indexed_methods!(char);
}

impl IndexedRangeInteger for char {
    fn len(iter: &Iter<char>) -> usize {
        match iter.bounds() {
            None => 0,
            Some((first, last)) => CharProducer::inclusive(first, last).len(),
        }
    }

    fn with_producer<CB: ProducerCallback<char>>(iter: Iter<char>, callback: CB) -> CB::Output {
        match iter.bounds() {
            None => callback.callback(CharProducer::empty()),
            Some((first, last)) => callback.callback(CharProducer::inclusive(first, last)),
        }
    }
}

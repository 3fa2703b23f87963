//! The sources of parallel iterators — ranges, `Option`, `Result`, arrays, `Vec` and
//! `String` drains, the std collections, `empty`, `once`, `repeat`, `split`, `walk_tree`,
//! tuples — against their sequential counterparts on seeded inputs.

mod common;

use std::fmt::Debug;
use std::num::Wrapping;
use std::sync::atomic::{AtomicUsize, Ordering};

use cancelpool::iter::plumbing::{
    Consumer, Folder, Producer, ProducerCallback, Reducer, UnindexedConsumer,
};
use cancelpool::prelude::*;
use cancelpool::{CancelSource, Cancelled};
use common::Rng;

// ---------------------------------------------------------------------------------------
// Helpers.

/// Splits a producer at `index` and returns both halves' items, checking that each
/// half's sequential iterator reports its length.
struct SplitAt(usize);

impl<T> ProducerCallback<T> for SplitAt {
    type Output = (Vec<T>, Vec<T>);

    fn callback<P: Producer<Item = T>>(self, producer: P) -> Self::Output {
        let (left, right) = producer.split_at(self.0);
        let (left, right) = (left.into_iter(), right.into_iter());
        assert_eq!(left.len(), self.0, "left half's length");
        (left.collect(), right.collect())
    }
}

/// The producer's items, read back to front.
struct Backwards;

impl<T> ProducerCallback<T> for Backwards {
    type Output = Vec<T>;

    fn callback<P: Producer<Item = T>>(self, producer: P) -> Vec<T> {
        producer.into_iter().rev().collect()
    }
}

/// Checks an indexed iterator against `expected`: `len`, `opt_len`, `collect`, its
/// producer read backwards, and split at every index (a sample of them for long ones),
/// the halves concatenating to the whole.
fn check_indexed<I, F>(make: F, expected: &[I::Item])
where
    F: Fn() -> I,
    I: IndexedParallelIterator,
    I::Item: PartialEq + Debug + Clone,
{
    let len = expected.len();
    assert_eq!(make().len(), len, "len");
    assert_eq!(make().opt_len(), Some(len), "opt_len");
    assert_eq!(make().collect::<Vec<_>>(), expected, "collect");
    assert_eq!(make().count(), len, "count");
    let mut backwards = expected.to_vec();
    backwards.reverse();
    assert_eq!(make().with_producer(Backwards), backwards, "backwards");
    let indices: Vec<usize> = if len <= 70 {
        (0..=len).collect()
    } else {
        let mut v: Vec<usize> = (0..=8).chain(len - 8..=len).collect();
        v.extend((1..16).map(|k| k * len / 16));
        v
    };
    for i in indices {
        let (left, right) = make().with_producer(SplitAt(i));
        assert_eq!(left, expected[..i], "left of a split at {i}");
        assert_eq!(right, expected[i..], "right of a split at {i}");
    }
}

// ---------------------------------------------------------------------------------------
// Ranges.

/// Sample values of an integer type.
trait Sample: Copy {
    const MIN: Self;
    const MAX: Self;
    fn from_bits(bits: u128) -> Self;
    fn plus(self, n: u64) -> Self;
    fn minus(self, n: u64) -> Self;
}

macro_rules! sample {
    ($($t:ty),*) => {$(
        impl Sample for $t {
            const MIN: Self = <$t>::MIN;
            const MAX: Self = <$t>::MAX;
            fn from_bits(bits: u128) -> Self {
                bits as $t
            }
            fn plus(self, n: u64) -> Self {
                self.saturating_add(<$t>::try_from(n).unwrap_or(<$t>::MAX))
            }
            fn minus(self, n: u64) -> Self {
                self.saturating_sub(<$t>::try_from(n).unwrap_or(<$t>::MAX))
            }
        }
    )*};
}

sample!(
    u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize
);

/// Range bounds to test for a type: the edges of the type, empty and reversed ones,
/// and random short ranges anywhere.
fn range_cases<T: Sample>(seed: u64) -> Vec<(T, T)> {
    let mut rng = Rng::new(seed);
    let mut cases = vec![
        (T::MIN, T::MIN),
        (T::MAX, T::MAX),
        (T::MAX, T::MIN),
        (T::MIN, T::MIN.plus(1)),
        (T::MIN, T::MIN.plus(1000)),
        (T::MAX.minus(1), T::MAX),
        (T::MAX.minus(1000), T::MAX),
        (T::from_bits(0), T::from_bits(1)),
    ];
    for _ in 0..12 {
        let bits = (u128::from(rng.next()) << 64) | u128::from(rng.next());
        let a = T::from_bits(bits);
        cases.push((a, a.plus(rng.below(3000))));
        cases.push((a.plus(rng.below(50)), a)); // empty or reversed
    }
    cases
}

macro_rules! range_tests {
    ($($name:ident: $t:ty, indexed: $indexed:tt, inclusive_indexed: $incl:tt);* $(;)?) => {$(
        #[test]
        fn $name() {
            for (a, b) in range_cases::<$t>(u64::from(<$t>::BITS)) {
                let expected: Vec<$t> = (a..b).collect();
                assert_eq!((a..b).into_par_iter().opt_len(), Some(expected.len()));
                assert_eq!((a..b).into_par_iter().collect::<Vec<_>>(), expected, "{a}..{b}");
                assert_eq!((a..b).into_par_iter().count(), expected.len());
                assert_eq!(
                    (a..b).into_par_iter().map(|x| Wrapping(x as i128)).sum::<Wrapping<i128>>(),
                    expected.iter().map(|&x| Wrapping(x as i128)).sum::<Wrapping<i128>>()
                );
                range_tests!(@indexed $indexed, || (a..b).into_par_iter(), &expected);

                let expected: Vec<$t> = (a..=b).collect();
                assert_eq!((a..=b).into_par_iter().opt_len(), Some(expected.len()));
                assert_eq!((a..=b).into_par_iter().collect::<Vec<_>>(), expected, "{a}..={b}");
                assert_eq!((a..=b).into_par_iter().count(), expected.len());
                range_tests!(@indexed $incl, || (a..=b).into_par_iter(), &expected);
            }
        }
    )*};
    (@indexed true, $make:expr, $expected:expr) => { check_indexed($make, $expected) };
    (@indexed false, $make:expr, $expected:expr) => {};
}

range_tests!(
    ranges_of_u8: u8, indexed: true, inclusive_indexed: true;
    ranges_of_u16: u16, indexed: true, inclusive_indexed: true;
    ranges_of_u32: u32, indexed: true, inclusive_indexed: false;
    ranges_of_u64: u64, indexed: false, inclusive_indexed: false;
    ranges_of_u128: u128, indexed: false, inclusive_indexed: false;
    ranges_of_usize: usize, indexed: true, inclusive_indexed: false;
    ranges_of_i8: i8, indexed: true, inclusive_indexed: true;
    ranges_of_i16: i16, indexed: true, inclusive_indexed: true;
    ranges_of_i32: i32, indexed: true, inclusive_indexed: false;
    ranges_of_i64: i64, indexed: false, inclusive_indexed: false;
    ranges_of_i128: i128, indexed: false, inclusive_indexed: false;
    ranges_of_isize: isize, indexed: true, inclusive_indexed: false;
);

/// The types that are indexed on 64-bit targets only.
#[cfg(target_pointer_width = "64")]
#[test]
fn wide_ranges_are_indexed_on_64_bit_targets() {
    for (a, b) in range_cases::<u64>(7) {
        check_indexed(|| (a..b).into_par_iter(), &(a..b).collect::<Vec<_>>());
    }
    for (a, b) in range_cases::<i64>(8) {
        check_indexed(|| (a..b).into_par_iter(), &(a..b).collect::<Vec<_>>());
    }
    for (a, b) in range_cases::<u32>(9) {
        check_indexed(|| (a..=b).into_par_iter(), &(a..=b).collect::<Vec<_>>());
    }
    for (a, b) in range_cases::<i32>(10) {
        check_indexed(|| (a..=b).into_par_iter(), &(a..=b).collect::<Vec<_>>());
    }
    assert_eq!((u64::MIN..u64::MAX).into_par_iter().len(), usize::MAX);
    assert_eq!((i64::MIN..i64::MAX).into_par_iter().len(), usize::MAX);
    assert_eq!((0..=u32::MAX).into_par_iter().len(), 1 << 32);
    assert_eq!((i32::MIN..=i32::MAX).into_par_iter().len(), 1 << 32);
}

#[test]
fn whole_narrow_types() {
    let all: Vec<u8> = (0..=255).collect();
    check_indexed(|| (0..=u8::MAX).into_par_iter(), &all);
    check_indexed(|| (u8::MIN..u8::MAX).into_par_iter(), &all[..255]);
    let all: Vec<i8> = (-128..=127).collect();
    check_indexed(|| (i8::MIN..=i8::MAX).into_par_iter(), &all);
    check_indexed(|| (i8::MIN..i8::MAX).into_par_iter(), &all[..255]);
    let all: Vec<u16> = (0..=u16::MAX).collect();
    assert_eq!((0..=u16::MAX).into_par_iter().collect::<Vec<_>>(), all);
    assert_eq!((i16::MIN..=i16::MAX).into_par_iter().len(), 1 << 16);
    assert_eq!(
        (i16::MIN..=i16::MAX)
            .into_par_iter()
            .map(i64::from)
            .sum::<i64>(),
        -32768
    );
    // An index past the signed type's maximum: -100 + 150 wraps in `i8` arithmetic.
    let (left, right) = (-100i8..100).into_par_iter().with_producer(SplitAt(150));
    assert_eq!((left.len(), right.len()), (150, 50));
    assert_eq!(right[0], 50);
}

#[test]
fn lengths_of_wide_ranges() {
    let max = usize::MAX as u128;
    assert_eq!((0..max).into_par_iter().opt_len(), Some(usize::MAX));
    assert_eq!((0..max + 1).into_par_iter().opt_len(), None);
    assert_eq!((0..u128::MAX).into_par_iter().opt_len(), None);
    assert_eq!((i128::MIN..i128::MAX).into_par_iter().opt_len(), None);
    assert_eq!((0..=max - 1).into_par_iter().opt_len(), Some(usize::MAX));
    assert_eq!((0..=max).into_par_iter().opt_len(), None);
    assert_eq!((0..=u128::MAX).into_par_iter().opt_len(), None);
    assert_eq!((0..=usize::MAX).into_par_iter().opt_len(), None);
    assert_eq!(
        (0..=usize::MAX - 1).into_par_iter().opt_len(),
        Some(usize::MAX)
    );
    assert_eq!((isize::MIN..=isize::MAX).into_par_iter().opt_len(), None);
    assert_eq!((0..=u64::MAX).into_par_iter().opt_len(), None);
    assert_eq!((i64::MIN..=i64::MAX).into_par_iter().opt_len(), None);
    // Long but fitting: runs as an indexed range (a short-circuit finds the first item).
    let start = i128::MIN + 5;
    let r = (start..start + max as i128).into_par_iter();
    assert_eq!(r.opt_len(), Some(usize::MAX));
    assert_eq!(r.find_any(|&x| x == start), Some(start));
}

/// Per piece: the first item, how many it took (at most `CAP`) and their sum, so that
/// a test can check that pieces are in order, disjoint and made of consecutive values.
/// The pieces of a range longer than a `usize` would split for as long as threads steal
/// (each theft renews the split budget), so the consumer says it is full once `LIMIT`
/// pieces have completed: the bridge then stops splitting.
#[derive(Clone, Copy)]
struct Pieces<'a> {
    done: &'a AtomicUsize,
}

const CAP: u32 = 1000;
const LIMIT: usize = 64;

#[derive(Debug, Clone, Copy)]
struct Piece {
    first: i128,
    count: u32,
    sum: i128,
}

struct PiecesFolder<'a> {
    piece: Option<Piece>,
    done: &'a AtomicUsize,
}

struct Concat;

impl<'a> Consumer<i128> for Pieces<'a> {
    type Folder = PiecesFolder<'a>;
    type Reducer = Concat;
    type Result = Vec<Piece>;
    fn split_at(self, _index: usize) -> (Self, Self, Concat) {
        (self, self, Concat)
    }
    fn into_folder(self) -> PiecesFolder<'a> {
        PiecesFolder {
            piece: None,
            done: self.done,
        }
    }
    fn full(&self) -> bool {
        self.done.load(Ordering::Relaxed) >= LIMIT
    }
}

impl UnindexedConsumer<i128> for Pieces<'_> {
    fn split_off_left(&self) -> Self {
        *self
    }
    fn to_reducer(&self) -> Concat {
        Concat
    }
}

impl Folder<i128> for PiecesFolder<'_> {
    type Result = Vec<Piece>;
    fn consume(mut self, item: i128) -> Self {
        self.piece = Some(match self.piece {
            None => Piece {
                first: item,
                count: 1,
                sum: item,
            },
            Some(p) => Piece {
                first: p.first,
                count: p.count + 1,
                sum: p.sum.wrapping_add(item),
            },
        });
        self
    }
    fn complete(self) -> Vec<Piece> {
        if self.piece.is_some() {
            self.done.fetch_add(1, Ordering::Relaxed);
        }
        self.piece.into_iter().collect()
    }
    fn full(&self) -> bool {
        self.piece.is_some_and(|p| p.count == CAP)
    }
}

impl Reducer<Vec<Piece>> for Concat {
    fn reduce(self, mut left: Vec<Piece>, right: Vec<Piece>) -> Vec<Piece> {
        left.extend(right);
        left
    }
}

/// Drives `iter` into [`Pieces`] and checks what it saw of the range `first ..= last`.
fn check_pieces<I: ParallelIterator<Item = i128>>(iter: I, first: i128, last: i128) -> Vec<Piece> {
    assert_eq!(iter.opt_len(), None);
    let done = AtomicUsize::new(0);
    let pieces = iter.drive_unindexed(Pieces { done: &done });
    assert_eq!(pieces[0].first, first, "{pieces:?}");
    for w in pieces.windows(2) {
        assert!(
            w[0].first + i128::from(w[0].count) <= w[1].first,
            "{pieces:?}"
        );
    }
    for p in &pieces {
        assert_eq!(p.count, CAP);
        let n = i128::from(p.count);
        assert_eq!(
            p.sum,
            p.first.wrapping_mul(n).wrapping_add(n * (n - 1) / 2),
            "{p:?}"
        );
        assert!(p.first >= first && p.first <= last - n + 1);
    }
    pieces
}

/// Ranges longer than `usize::MAX` split themselves: each piece is a run of consecutive
/// values (its wrapping sum is the arithmetic series of its first value and count), the pieces
/// are in order, and the first split is at the exact middle.
#[test]
fn ranges_longer_than_usize_split_in_order() {
    let one = cancelpool::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let two = cancelpool::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    for (first, last, middle) in [
        (i128::MIN, i128::MAX - 1, 0i128),
        (i128::MIN, -1, i128::MIN / 2),
        (-(1i128 << 70), (1i128 << 70) - 1, 0),
        (i128::MIN + 1, i128::MAX, 1),
    ] {
        // One thread: the split budget is one split, so exactly two halves.
        if let Some(end) = last.checked_add(1) {
            let pieces = one.install(|| check_pieces((first..end).into_par_iter(), first, last));
            assert_eq!(pieces.len(), 2, "{pieces:?}");
            assert_eq!(pieces[1].first, middle);
        }
        let pieces = one.install(|| check_pieces((first..=last).into_par_iter(), first, last));
        assert_eq!(pieces[1].first, middle);
        // Two threads: more pieces, still in order.
        let pieces = two.install(|| check_pieces((first..=last).into_par_iter(), first, last));
        assert!(pieces.len() >= 2, "{pieces:?}");
    }
    let pieces = one.install(|| {
        check_pieces(
            (0..=u128::MAX)
                .into_par_iter()
                .map(|x| x as i128 ^ i128::MIN),
            i128::MIN,
            i128::MAX,
        )
    });
    assert_eq!(pieces.len(), 2);
    // A short-circuit ends a run over 2^128 values.
    assert_eq!(
        (0..=u128::MAX).into_par_iter().find_any(|&x| x == 3),
        Some(3)
    );
    assert!(
        (i128::MIN..=i128::MAX)
            .into_par_iter()
            .any(|x| x == i128::MIN + 7)
    );
    assert_eq!(
        (0..u128::MAX).into_par_iter().find_any(|&x| x == 3),
        Some(3)
    );
}

#[test]
fn ranges_of_char() {
    let gap_start = '\u{D7FF}';
    let gap_end = '\u{E000}';
    let cases = [
        ('a', 'z'),
        ('z', 'a'),
        ('\0', '\0'),
        ('\u{D7FE}', gap_end),
        (gap_end, '\u{E002}'),
        ('\u{D7FE}', '\u{E002}'),
        (gap_start, gap_end),
        ('\u{D000}', '\u{F000}'),
        (char::MAX, char::MAX),
        ('\u{10FF00}', char::MAX),
        ('\0', char::MAX),
    ];
    for (a, b) in cases {
        let expected: Vec<char> = (a..b).collect();
        check_indexed(|| (a..b).into_par_iter(), &expected);
        let expected: Vec<char> = (a..=b).collect();
        check_indexed(|| (a..=b).into_par_iter(), &expected);
    }
    assert_eq!(('\0'..=char::MAX).into_par_iter().len(), 0x110000 - 0x800);
    assert!(
        ('\0'..=char::MAX)
            .into_par_iter()
            .all(|c| !(0xD800..0xE000).contains(&(c as u32)))
    );
}

/// An exhausted inclusive range is empty, as for sequential iteration.
#[test]
fn exhausted_inclusive_range_is_empty() {
    let mut r = 3u8..=3;
    assert_eq!(r.next(), Some(3));
    assert_eq!(r.clone().into_par_iter().count(), 0);
    assert_eq!(r.clone().into_par_iter().len(), 0);
    let mut r = 3u64..=3;
    r.next();
    assert_eq!(r.into_par_iter().opt_len(), Some(0));
    let mut r = 'a'..='a';
    r.next();
    assert_eq!(r.into_par_iter().len(), 0);
}

/// Untyped literals are inferred as for sequential ranges (rayon issue 833).
#[test]
fn literals_are_inferred() {
    fn is_even(n: i64) -> bool {
        n % 2 == 0
    }
    let v: Vec<_> = (1..100).into_par_iter().filter(|&x| is_even(x)).collect();
    assert!(v.into_iter().eq((2..100).step_by(2)));
    let v: Vec<_> = (1..=100).into_par_iter().filter(|&x| is_even(x)).collect();
    assert!(v.into_iter().eq((2..=100).step_by(2)));
    assert_eq!((0..1000).into_par_iter().sum::<i32>(), 499_500);
    let n = 10u64;
    assert_eq!((1..=n).into_par_iter().sum::<u64>(), 55);
    assert_eq!((1..=10).into_par_iter().count(), 10);
    let pos = (0..100).into_par_iter().position_any(|x| x == 50i16);
    assert_eq!(pos, Some(50));
    let pos = (0..=100).into_par_iter().position_any(|x| x == 50i16);
    assert_eq!(pos, Some(50));
    assert!(
        (0..100)
            .into_par_iter()
            .zip(0..100)
            .all(|(a, b)| i16::eq(&a, &b))
    );
    assert!(
        (0..=100)
            .into_par_iter()
            .zip(0..=100)
            .all(|(a, b)| i16::eq(&a, &b))
    );
}

#[test]
fn ranges_under_with_cancel() {
    let source = CancelSource::new();
    let token = source.token();
    assert_eq!(
        (0..1000u128)
            .into_par_iter()
            .with_cancel(&token)
            .sum::<u128>(),
        Ok(499_500)
    );
    assert_eq!(
        (1..=1000i64)
            .into_par_iter()
            .with_cancel(&token)
            .sum::<i64>(),
        Ok(500_500)
    );
    assert_eq!(
        ('a'..='z').into_par_iter().with_cancel(&token).count(),
        Ok(26)
    );
    // Cancelled while a run over more values than a `usize` holds is going on.
    let ran = AtomicUsize::new(0);
    let r = (0..=u128::MAX)
        .into_par_iter()
        .with_cancel(&token)
        .for_each(|_| {
            if ran.fetch_add(1, Ordering::Relaxed) == 1000 {
                source.cancel();
            }
        });
    assert_eq!(r, Err(Cancelled));
    assert!(ran.into_inner() < 1_000_000);
    // And cancelled before: nothing runs.
    let ran = AtomicUsize::new(0);
    let r = (0..=255u8)
        .into_par_iter()
        .with_cancel(&token)
        .for_each(|_| {
            ran.fetch_add(1, Ordering::Relaxed);
        });
    assert_eq!((r, ran.into_inner()), (Err(Cancelled), 0));
}

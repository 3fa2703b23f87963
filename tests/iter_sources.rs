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
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap, HashSet, LinkedList, VecDeque};

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

// ---------------------------------------------------------------------------------------
// Option, Result, arrays.

#[test]
fn options_and_results() {
    for opt in [None, Some(7u32)] {
        let expected: Vec<u32> = opt.into_iter().collect();
        check_indexed(|| opt.into_par_iter(), &expected);
        let refs: Vec<&u32> = opt.iter().collect();
        check_indexed(|| opt.par_iter(), &refs);
        let mut m = opt;
        m.par_iter_mut().for_each(|x| *x += 1);
        assert_eq!(m, opt.map(|x| x + 1));
        let res: Result<u32, String> = opt.ok_or_else(|| "no".to_string());
        check_indexed(|| res.clone().into_par_iter(), &expected);
        check_indexed(|| res.par_iter(), &refs);
        let mut m = res.clone();
        m.par_iter_mut().for_each(|x| *x *= 3);
        assert_eq!(m, res.clone().map(|x| x * 3));
        assert_eq!(
            opt.par_iter()
                .with_cancel(&CancelSource::new().token())
                .count(),
            Ok(expected.len())
        );
    }
}

#[test]
fn arrays_by_value() {
    let a = [1u64, 2, 3, 4, 5];
    check_indexed(|| a.into_par_iter(), &a);
    let strings: [String; 4] = ["a", "bb", "", "ccc"].map(String::from);
    check_indexed(|| strings.clone().into_par_iter(), &strings);
    let empty: [u8; 0] = [];
    check_indexed(|| empty.into_par_iter(), &[]);
    let big: [u32; 1000] = std::array::from_fn(|i| i as u32 * 3);
    check_indexed(|| big.into_par_iter(), &big);
    assert_eq!(big.into_par_iter().sum::<u32>(), big.iter().sum());
}

// ---------------------------------------------------------------------------------------
// Drains: std's result, and every item dropped exactly once.

/// A value that counts its drops.
#[derive(Debug)]
struct Counted<'a>(u32, &'a AtomicUsize);

impl Drop for Counted<'_> {
    fn drop(&mut self) {
        self.1.fetch_add(1, Ordering::Relaxed);
    }
}

/// The ranges to drain from a sequence of `len` items.
fn drain_ranges(
    len: usize,
    rng: &mut Rng,
) -> Vec<(std::ops::Bound<usize>, std::ops::Bound<usize>)> {
    use std::ops::Bound::{Excluded, Included, Unbounded};
    let mut v = vec![
        (Unbounded, Unbounded),
        (Included(0), Excluded(0)),
        (Included(len), Unbounded),
        (Unbounded, Excluded(len)),
    ];
    for _ in 0..6 {
        let a = rng.below(len as u64 + 1) as usize;
        let b = a + rng.below((len - a) as u64 + 1) as usize;
        v.push((Included(a), Excluded(b)));
        if b > a {
            v.push((Excluded(a), Included(b - 1)));
        }
    }
    v
}

#[test]
fn vec_par_drain_matches_std() {
    let mut rng = Rng::new(21);
    let lens: &[usize] = if cfg!(miri) {
        &[0, 1, 2, 7, 40]
    } else {
        &[0, 1, 2, 7, 1000, 5000]
    };
    for &len in lens {
        for range in drain_ranges(len, &mut rng) {
            let original: Vec<u32> = (0..len as u32).collect();
            let mut expected = original.clone();
            let drained_std: Vec<u32> = expected.drain(range).collect();
            let mut v = original.clone();
            let drained: Vec<u32> = v.par_drain(range).collect();
            assert_eq!((drained, &v), (drained_std.clone(), &expected), "{range:?}");
            // Indexed: its producer splits like any other.
            let mut v = original.clone();
            check_indexed(
                || {
                    v.clone()
                        .par_drain(range)
                        .collect::<Vec<_>>()
                        .into_par_iter()
                },
                &drained_std,
            );
            assert_eq!(v.par_drain(range).len(), drained_std.len());
            assert_eq!(
                v, expected,
                "dropped without being driven: the range is removed"
            );
            let mut d: VecDeque<u32> = original.iter().copied().collect();
            d.rotate_left(len / 3); // make it wrap
            let mut expected_d = d.clone();
            let drained_std: Vec<u32> = expected_d.drain(range).collect();
            let drained: Vec<u32> = d.par_drain(range).collect();
            assert_eq!((drained, &d), (drained_std, &expected_d), "deque {range:?}");
        }
    }
}

#[test]
fn drains_drop_every_item_once() {
    // Sizes: smaller under miri, which interprets.
    const MID: u32 = if cfg!(miri) { 100 } else { 10_000 };
    const BIG: u32 = if cfg!(miri) { 300 } else { 100_000 };
    let drops = AtomicUsize::new(0);
    let make = |n: u32| (0..n).map(|i| Counted(i, &drops)).collect::<Vec<_>>();
    // Consumed: the drained items by the consumer, the rest stay.
    let mut v = make(1000);
    let sum: u32 = v.par_drain(100..600).map(|c| c.0).sum();
    assert_eq!(sum, (100..600).sum());
    assert_eq!(drops.load(Ordering::Relaxed), 500);
    assert!(v.iter().map(|c| c.0).eq((0..100).chain(600..1000)));
    drop(v);
    assert_eq!(drops.swap(0, Ordering::Relaxed), 1000);
    // Stopped early: the items not taken are dropped by the drain.
    let mut v = make(MID);
    let found = v.par_drain(..).find_any(|c| c.0 == 5).map(|c| c.0);
    assert_eq!(found, Some(5));
    assert!(v.is_empty());
    assert_eq!(drops.swap(0, Ordering::Relaxed), MID as usize);
    // Never driven.
    let mut v = make(100);
    drop(v.par_drain(10..20));
    assert_eq!(v.len(), 90);
    drop(v);
    assert_eq!(drops.swap(0, Ordering::Relaxed), 100);
    // Cancelled while running.
    let source = CancelSource::new();
    let token = source.token();
    let mut v = make(BIG);
    let ran = AtomicUsize::new(0);
    let r = v
        .par_drain(1000.min(BIG as usize / 2)..)
        .with_cancel(&token)
        .for_each(|c| {
            if ran.fetch_add(1, Ordering::Relaxed) == 10 {
                source.cancel();
            }
            drop(c);
        });
    assert_eq!(r, Err(Cancelled));
    assert!(ran.load(Ordering::Relaxed) < (BIG - 1000.min(BIG / 2)) as usize);
    assert_eq!(v.len(), 1000.min(BIG as usize / 2));
    assert_eq!(
        drops.load(Ordering::Relaxed),
        (BIG - 1000.min(BIG / 2)) as usize
    );
    drop(v);
    assert_eq!(drops.swap(0, Ordering::Relaxed), BIG as usize);
    // Cancelled before: the range is still removed (the drain is dropped undriven).
    let mut v = make(100);
    let r = v.par_drain(50..).with_cancel(&token).count();
    assert_eq!(r, Err(Cancelled));
    assert_eq!((v.len(), drops.load(Ordering::Relaxed)), (50, 50));
    drop(v);
    assert_eq!(drops.swap(0, Ordering::Relaxed), 100);
    // A piece panics: the panic propagates, and every item is still dropped once.
    common::quiet_expected_panics();
    let mut v = make(MID);
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        v.par_drain(10..MID as usize - 10).for_each(|c| {
            if c.0 == MID / 2 {
                panic!("{} in a drain", common::EXPECTED);
            }
        })
    }));
    assert!(r.is_err());
    assert!(v.iter().map(|c| c.0).eq((0..10).chain(MID - 10..MID)));
    assert_eq!(drops.load(Ordering::Relaxed), MID as usize - 20);
    drop(v);
    assert_eq!(drops.swap(0, Ordering::Relaxed), MID as usize);
    // The same for a deque and an array.
    let mut d: VecDeque<Counted<'_>> = make(1000).into();
    d.rotate_right(300);
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        d.par_drain(..).for_each(|c| {
            if c.0 == 1 {
                panic!("{} in a deque drain", common::EXPECTED);
            }
        })
    }));
    assert!(r.is_err());
    assert!(d.is_empty());
    assert_eq!(drops.swap(0, Ordering::Relaxed), 1000);
    let a: [Counted<'_>; 64] = std::array::from_fn(|i| Counted(i as u32, &drops));
    assert_eq!(
        a.into_par_iter().find_any(|c| c.0 == 3).map(|c| c.0),
        Some(3)
    );
    assert_eq!(drops.swap(0, Ordering::Relaxed), 64);
}

#[test]
fn string_par_drain_matches_std() {
    let base = "héllo wörld ☃ end";
    let boundaries: Vec<usize> = (0..=base.len())
        .filter(|&i| base.is_char_boundary(i))
        .collect();
    for &a in &boundaries {
        for &b in boundaries.iter().filter(|&&b| b >= a) {
            let mut expected = base.to_string();
            let drained_std: String = expected.drain(a..b).collect();
            let mut s = base.to_string();
            let drained: String = s.par_drain(a..b).collect();
            assert_eq!((drained, &s), (drained_std, &expected));
        }
    }
    let long: String = (0..10_000)
        .map(|i| char::from_u32(0x3B1 + i % 500).unwrap())
        .collect();
    let mut s = long.clone();
    let drained: Vec<char> = s.par_drain(..).collect();
    assert!(drained.iter().copied().eq(long.chars()));
    assert!(s.is_empty());
    let mut s = long.clone();
    drop(s.par_drain(2..));
    assert_eq!(s, long[..2]);
    let r = std::panic::catch_unwind(|| {
        let mut s = String::from("é");
        let _ = s.par_drain(1..);
    });
    assert!(r.is_err(), "a range inside a char panics");
}

// ---------------------------------------------------------------------------------------
// Collections.

#[test]
fn collections_match_std() {
    let mut rng = Rng::new(31);
    for len in [0usize, 1, 2, 100, 5000] {
        let v: Vec<u32> = (0..len).map(|_| rng.below(1000) as u32).collect();
        let sorted = |mut v: Vec<u32>| {
            v.sort();
            v
        };
        let set: HashSet<u32> = v.iter().copied().collect();
        assert_eq!(
            sorted(set.par_iter().copied_ref()),
            sorted(set.iter().copied().collect())
        );
        assert_eq!(
            sorted(set.clone().into_par_iter().collect()),
            sorted(set.iter().copied().collect())
        );
        let bset: BTreeSet<u32> = v.iter().copied().collect();
        assert_eq!(
            bset.par_iter().copied_ref(),
            bset.iter().copied().collect::<Vec<_>>()
        );
        assert_eq!(
            bset.clone().into_par_iter().collect::<Vec<_>>(),
            bset.iter().copied().collect::<Vec<_>>()
        );
        let map: HashMap<u32, u32> = v.iter().map(|&x| (x, x * 2)).collect();
        let mut pairs: Vec<(u32, u32)> = map.par_iter().map(|(&k, &v)| (k, v)).collect();
        pairs.sort();
        let mut expected: Vec<(u32, u32)> = map.iter().map(|(&k, &v)| (k, v)).collect();
        expected.sort();
        assert_eq!(pairs, expected);
        let mut m = map.clone();
        m.par_iter_mut().for_each(|(k, v)| *v += k);
        assert!(m.iter().all(|(k, v)| *v == 3 * k));
        let mut pairs: Vec<(u32, u32)> = map.clone().into_par_iter().collect();
        pairs.sort();
        assert_eq!(pairs, expected);
        let bmap: BTreeMap<u32, u32> = v.iter().map(|&x| (x, x * 2)).collect();
        assert_eq!(
            bmap.par_iter().map(|(&k, &v)| (k, v)).collect::<Vec<_>>(),
            bmap.iter().map(|(&k, &v)| (k, v)).collect::<Vec<_>>()
        );
        assert_eq!(
            bmap.clone().into_par_iter().collect::<Vec<_>>(),
            bmap.clone().into_iter().collect::<Vec<_>>()
        );
        let mut b = bmap.clone();
        b.par_iter_mut().for_each(|(_, v)| *v += 1);
        assert!(b.iter().all(|(k, v)| *v == 2 * k + 1));
        let list: LinkedList<u32> = v.iter().copied().collect();
        assert_eq!(list.par_iter().copied_ref(), v);
        assert_eq!(list.clone().into_par_iter().collect::<Vec<_>>(), v);
        let mut l = list.clone();
        l.par_iter_mut().for_each(|x| *x += 1);
        assert!(l.iter().zip(&v).all(|(a, b)| *a == b + 1));
        // Deques are indexed, also when they wrap around their buffer.
        let mut d: VecDeque<u32> = v.iter().copied().collect();
        d.rotate_left(len / 3);
        let expected: Vec<u32> = d.iter().copied().collect();
        let refs: Vec<&u32> = d.iter().collect();
        check_indexed(|| d.par_iter(), &refs);
        check_indexed(|| d.clone().into_par_iter(), &expected);
        let mut dm = d.clone();
        dm.par_iter_mut()
            .enumerate()
            .for_each(|(i, x)| *x = i as u32);
        assert!(dm.iter().copied().eq(0..len as u32));
        // Heaps: internal order, indexed.
        let heap: BinaryHeap<u32> = v.iter().copied().collect();
        let inner: Vec<u32> = heap.iter().copied().collect();
        let refs: Vec<&u32> = heap.iter().collect();
        check_indexed(|| heap.par_iter(), &refs);
        check_indexed(|| heap.clone().into_par_iter(), &inner);
    }
}

/// `par_iter().map(|x| *x).collect()`, for the tests above.
trait CopiedRef {
    fn copied_ref(self) -> Vec<u32>;
}

impl<'a, I: ParallelIterator<Item = &'a u32>> CopiedRef for I {
    fn copied_ref(self) -> Vec<u32> {
        self.map(|x| *x).collect()
    }
}

#[test]
fn drain_full_collections() {
    let drops = AtomicUsize::new(0);
    let mut map: HashMap<u32, Counted<'_>> = (0..1000).map(|i| (i, Counted(i, &drops))).collect();
    let cap = map.capacity();
    let mut keys: Vec<u32> = map.par_drain().map(|(k, _)| k).collect();
    keys.sort();
    assert!(keys.into_iter().eq(0..1000));
    assert!(map.is_empty() && map.capacity() == cap);
    assert_eq!(drops.swap(0, Ordering::Relaxed), 1000);
    let mut set: HashSet<u32> = (0..1000).collect();
    assert_eq!(set.par_drain().sum::<u32>(), (0..1000).sum());
    assert!(set.is_empty());
    let mut heap: BinaryHeap<u32> = (0..1000).collect();
    let inner: Vec<u32> = heap.iter().copied().collect();
    assert_eq!(heap.par_drain().collect::<Vec<_>>(), inner);
    assert!(heap.is_empty());
    let mut heap: BinaryHeap<u32> = (0..1000).collect();
    check_indexed(
        || heap.clone().par_drain().collect::<Vec<_>>().into_par_iter(),
        &inner,
    );
    drop(heap.par_drain()); // never driven: emptied all the same
    assert!(heap.is_empty());
    // Stopped early and cancelled: every item dropped once, the heap empty.
    let mut heap: BinaryHeap<Ordered<'_>> =
        (0..10_000).map(|i| Ordered(Counted(i, &drops))).collect();
    assert!(heap.par_drain().find_any(|c| c.0.0 == 7).is_some());
    assert!(heap.is_empty());
    assert_eq!(drops.swap(0, Ordering::Relaxed), 10_000);
    let source = CancelSource::new();
    source.cancel();
    let mut heap: BinaryHeap<Ordered<'_>> = (0..100).map(|i| Ordered(Counted(i, &drops))).collect();
    assert_eq!(
        heap.par_drain().with_cancel(&source.token()).count(),
        Err(Cancelled)
    );
    assert!(heap.is_empty());
    assert_eq!(drops.swap(0, Ordering::Relaxed), 100);
}

/// A `Counted` ordered by its number.
struct Ordered<'a>(Counted<'a>);

impl PartialEq for Ordered<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.0.0 == other.0.0
    }
}
impl Eq for Ordered<'_> {}
impl PartialOrd for Ordered<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ordered<'_> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.0.cmp(&other.0.0)
    }
}

// ---------------------------------------------------------------------------------------
// empty, once, repeat, split, walk_tree, tuples.

#[test]
fn empty_once_repeat() {
    use cancelpool::iter::{empty, once, repeat, repeat_n};
    check_indexed(empty::<u8>, &[]);
    assert_eq!(format!("{:?}", empty::<u8>()), "Empty");
    check_indexed(|| once("x".to_string()), &["x".to_string()]);
    for n in [0usize, 1, 2, 5, 1000] {
        let expected: Vec<String> = std::iter::repeat_n("ab".to_string(), n).collect();
        check_indexed(|| repeat_n("ab".to_string(), n), &expected);
        check_indexed(|| repeat("ab".to_string()).take(n), &expected);
        #[allow(deprecated)]
        let old = cancelpool::iter::repeatn(1u8, n).count();
        assert_eq!(old, n);
    }
    assert_eq!(format!("{:?}", repeat_n(1, 0)), "RepeatN { count: 0, .. }");
    let zipped: Vec<(char, u32)> = repeat('z').zip(vec![1, 2, 3]).collect();
    assert_eq!(zipped, [('z', 1), ('z', 2), ('z', 3)]);
    // The element is cloned n - 1 times and moved once.
    let drops = AtomicUsize::new(0);
    let clones = AtomicUsize::new(0);
    struct Cloned<'a>(&'a AtomicUsize, &'a AtomicUsize);
    impl Clone for Cloned<'_> {
        fn clone(&self) -> Self {
            self.1.fetch_add(1, Ordering::Relaxed);
            Cloned(self.0, self.1)
        }
    }
    impl Drop for Cloned<'_> {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }
    let got = repeat_n(Cloned(&drops, &clones), 100)
        .with_max_len(3)
        .count();
    assert_eq!(got, 100);
    assert_eq!(
        drops.load(Ordering::Relaxed),
        clones.load(Ordering::Relaxed) + 1
    );
    assert_eq!(clones.load(Ordering::Relaxed), 99);
    // An endless repeat stops for a short-circuit and for a cancellation.
    assert_eq!(repeat(3).find_any(|&x| x == 3), Some(3));
    let source = CancelSource::new();
    let ran = AtomicUsize::new(0);
    let r = repeat(1u8).with_cancel(&source.token()).for_each(|_| {
        if ran.fetch_add(1, Ordering::Relaxed) == 1000 {
            source.cancel();
        }
    });
    assert_eq!(r, Err(Cancelled));
}

#[test]
fn split_matches_a_sequential_split() {
    use cancelpool::iter::split;
    let mut rng = Rng::new(41);
    for len in [0u64, 1, 2, 100, 10_000] {
        let v: Vec<u64> = (0..len).map(|_| rng.below(1000)).collect();
        let pieces: Vec<&[u64]> = split(&v[..], |s| {
            if s.len() < 10 {
                return (s, None);
            }
            let (a, b) = s.split_at(s.len() / 2);
            (a, Some(b))
        })
        .collect();
        // The pool splits as far as it wants; it splits at least once.
        assert!(pieces.len() >= 2 || len < 10, "{}", pieces.len());
        assert_eq!(pieces.concat(), v);
    }
    let s = cancelpool::iter::split(5u8, |x| (x, None));
    assert_eq!(format!("{s:?}"), "Split { data: 5 }");
}

/// A tree: node `n` (below `limit`) has children `k * n + 1 ..= k * n + k`.
fn children(k: u64, limit: u64) -> impl Fn(&u64) -> Vec<u64> + Sync + Send {
    move |&n| {
        if n * k + 1 < limit {
            (n * k + 1..=n * k + k).collect()
        } else {
            vec![]
        }
    }
}

fn prefix_seq(root: u64, f: &impl Fn(&u64) -> Vec<u64>, out: &mut Vec<u64>) {
    out.push(root);
    for c in f(&root) {
        prefix_seq(c, f, out);
    }
}

fn postfix_seq(root: u64, f: &impl Fn(&u64) -> Vec<u64>, out: &mut Vec<u64>) {
    for c in f(&root) {
        postfix_seq(c, f, out);
    }
    out.push(root);
}

#[test]
fn walk_tree_orders() {
    use cancelpool::iter::{walk_tree, walk_tree_postfix, walk_tree_prefix};
    for (k, limit) in [
        (1, 1),
        (1, 50),
        (2, 1),
        (2, 1000),
        (3, 5000),
        (7, 100),
        (1, 3000),
    ] {
        let f = children(k, limit);
        let mut pre = Vec::new();
        prefix_seq(0, &f, &mut pre);
        let mut post = Vec::new();
        postfix_seq(0, &f, &mut post);
        assert_eq!(
            walk_tree_prefix(0, children(k, limit)).collect::<Vec<_>>(),
            pre
        );
        assert_eq!(
            walk_tree_postfix(0, children(k, limit)).collect::<Vec<_>>(),
            post
        );
        let mut any: Vec<u64> = walk_tree(0, children(k, limit)).collect();
        any.sort();
        let mut all = pre.clone();
        all.sort();
        assert_eq!(any, all);
    }
    // A deep chain: no recursion.
    let deep = walk_tree_postfix(0u64, |&n| if n < 200_000 { vec![n + 1] } else { vec![] });
    assert_eq!(deep.count(), 200_001);
    // Stopped early.
    assert_eq!(
        walk_tree_prefix(0, children(2, 100_000)).find_any(|&n| n == 77),
        Some(77)
    );
}

#[test]
fn multizip_tuples() {
    let a: Vec<u32> = (0..100).collect();
    let b: Vec<u64> = (100..200).collect();
    let c: Vec<char> = (0..150)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .collect();
    let expected: Vec<(u32, u64, char)> = a
        .iter()
        .zip(&b)
        .zip(&c)
        .map(|((&x, &y), &z)| (x, y, z))
        .collect();
    check_indexed(
        || (a.clone(), b.clone(), c.clone()).into_par_iter(),
        &expected,
    );
    let refs: Vec<(&u32, &u64)> = a.iter().zip(&b).collect();
    check_indexed(|| (&a, &b).into_par_iter(), &refs);
    let pair = (a.clone(), b.clone());
    check_indexed(|| pair.par_iter(), &refs);
    let mut m = (a.clone(), vec![0u32; 100]);
    m.par_iter_mut().for_each(|(x, y)| *y = *x * 2);
    assert!(m.1.iter().zip(&a).all(|(y, x)| *y == 2 * x));
    (&mut m.0, &b)
        .into_par_iter()
        .for_each(|(x, &y)| *x += y as u32);
    assert_eq!(m.0[0], 100);
    check_indexed(
        || (0..5u8,).into_par_iter(),
        &[(0,), (1,), (2,), (3,), (4,)],
    );
    // Twelve members; the shortest decides the length.
    let t = (
        0..10,
        1..11,
        2..12,
        3..13,
        4..14,
        5..15,
        6..16,
        7..17,
        8..18,
        9..19,
        10..20,
        11..14,
    );
    type Twelve = (i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32);
    let expected: Vec<Twelve> = (0..3)
        .map(|i| {
            (
                i,
                i + 1,
                i + 2,
                i + 3,
                i + 4,
                i + 5,
                i + 6,
                i + 7,
                i + 8,
                i + 9,
                i + 10,
                i + 11,
            )
        })
        .collect();
    check_indexed(|| t.clone().into_par_iter(), &expected);
    let source = CancelSource::new();
    let r = (&a, &b)
        .into_par_iter()
        .with_cancel(&source.token())
        .map(|(x, y)| u64::from(*x) + y)
        .sum::<u64>();
    assert_eq!(r, Ok((0..100).map(|i| i + 100 + i).sum()));
}

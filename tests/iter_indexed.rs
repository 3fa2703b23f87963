//! The indexed adapters (`rev`, `skip`, `take`, `step_by`, `chunks`, `fold_chunks`,
//! `interleave`, `interleave_shortest`, `zip_eq`, the blocks) and the ordered consumers
//! (`find_first`/`find_last`, `cmp`/`partial_cmp`/`eq`, `unzip`, `partition`,
//! `partition_map`, `unzip_into_vecs`): each against std's sequential iterator on seeded
//! inputs, their producers split at every index, under `with_cancel`, and dropping every
//! owned item exactly once when a chain is cancelled or panics.

mod common;

use std::cmp::Ordering;
use std::fmt::Debug;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering::SeqCst};
use std::time::{Duration, Instant};

use cancelpool::iter::Either;
use cancelpool::iter::plumbing::{Producer, ProducerCallback};
use cancelpool::prelude::*;
use cancelpool::{CancelSource, Cancelled, ThreadPoolBuilder};

use common::{EXPECTED, Rng, quiet_expected_panics};

// ---------------------------------------------------------------------------------------
// Helpers

/// Input lengths: the edge cases, then random ones.
fn lengths(rng: &mut Rng) -> Vec<usize> {
    if cfg!(miri) {
        return vec![0, 1, 2, 3, 9, 2 + rng.below(30) as usize];
    }
    let mut lens = vec![0, 1, 2, 3, 7, 64, 1000];
    lens.extend((0..4).map(|_| rng.below(5_000) as usize));
    lens
}

/// Runs `check` on random vectors of every length, with few distinct values (long equal
/// runs, many matches) and with many.
fn for_inputs(seed: u64, mut check: impl FnMut(&mut Rng, &[u64])) {
    let mut rng = Rng::new(seed);
    for len in lengths(&mut rng) {
        for max in [4, u64::MAX] {
            let v = rng.vec(len, max);
            check(&mut rng, &v);
        }
    }
}

/// How a piece's sequential iterator is read.
#[derive(Clone, Copy, Debug)]
enum Read {
    Front,
    Back,
    /// Alternately from the front and from the back.
    BothEnds,
}

/// A producer callback that cuts the producer into pieces and reads each piece.
///
/// `cuts` are ascending positions of the whole; with `left_first`, the last cut is made
/// first and its left part cut again (nested splits of left halves), otherwise the first
/// cut is made first and its right part cut again.
struct Pieces {
    cuts: Vec<usize>,
    left_first: bool,
    read: Read,
}

impl<T> ProducerCallback<T> for Pieces {
    type Output = Vec<Vec<T>>;

    fn callback<P: Producer<Item = T>>(self, producer: P) -> Vec<Vec<T>> {
        let mut pieces = Vec::new();
        if self.left_first {
            let mut rest = producer;
            let mut tail = Vec::new();
            for &cut in self.cuts.iter().rev() {
                let (left, right) = rest.split_at(cut);
                tail.push(right);
                rest = left;
            }
            pieces.push(rest);
            pieces.extend(tail.into_iter().rev());
        } else {
            let mut rest = producer;
            let mut at = 0;
            for &cut in &self.cuts {
                let (left, right) = rest.split_at(cut - at);
                pieces.push(left);
                rest = right;
                at = cut;
            }
            pieces.push(rest);
        }
        pieces.into_iter().map(|p| read(p, self.read)).collect()
    }
}

fn read<P: Producer>(producer: P, how: Read) -> Vec<P::Item> {
    let mut iter = producer.into_iter();
    let len = iter.len();
    let items: Vec<P::Item> = match how {
        Read::Front => iter.by_ref().collect(),
        Read::Back => {
            let mut v: Vec<_> = iter.by_ref().rev().collect();
            v.reverse();
            v
        }
        Read::BothEnds => {
            let (mut front, mut back) = (Vec::new(), Vec::new());
            loop {
                match iter.next() {
                    Some(x) => front.push(x),
                    None => break,
                }
                assert_eq!(iter.len(), len - front.len() - back.len());
                match iter.next_back() {
                    Some(x) => back.push(x),
                    None => break,
                }
            }
            back.reverse();
            front.extend(back);
            front
        }
    };
    assert_eq!(items.len(), len, "the iterator's len() is exact");
    assert!(iter.next().is_none() && iter.next_back().is_none());
    items
}

/// Splits the producer of `make()` at every index (and at every pair of indexes of a
/// short one, both nestings), reads the pieces every way, and checks that they hold the
/// expected positions.
fn check_splits<I, F>(make: &F, expected: &[I::Item])
where
    F: Fn() -> I,
    I: IndexedParallelIterator<Item: PartialEq + Debug>,
{
    let len = expected.len();
    let mut cut_sets: Vec<Vec<usize>> = (0..=len).map(|i| vec![i]).collect();
    if len <= 24 {
        for i in 0..=len {
            for j in i..=len {
                cut_sets.push(vec![i, j]);
            }
        }
    }
    for cuts in cut_sets {
        for left_first in [false, true] {
            for read in [Read::Front, Read::Back, Read::BothEnds] {
                let pieces = make().with_producer(Pieces {
                    cuts: cuts.clone(),
                    left_first,
                    read,
                });
                let mut bounds = vec![0];
                bounds.extend(&cuts);
                bounds.push(len);
                for (k, piece) in pieces.iter().enumerate() {
                    let want = &expected[bounds[k]..bounds[k + 1]];
                    assert_eq!(
                        piece.as_slice(),
                        want,
                        "piece {k} of cuts {cuts:?}, left first {left_first}, {read:?}"
                    );
                }
            }
        }
    }
}

/// Checks an indexed chain against the sequential result: `len()`, the indexed collect,
/// an unindexed consumer, splitting down to single items and not at all, `rev()`, and
/// (for short inputs) its producer split at every index.
fn check_indexed<I, F>(make: F, expected: Vec<I::Item>)
where
    F: Fn() -> I,
    I: IndexedParallelIterator<Item: PartialEq + Debug + Clone>,
{
    assert_eq!(make().len(), expected.len(), "len()");
    assert_eq!(make().opt_len(), Some(expected.len()), "opt_len()");
    assert_eq!(make().collect::<Vec<_>>(), expected, "collect");
    let list: Vec<_> = make().collect_vec_list().into_iter().flatten().collect();
    assert_eq!(list, expected, "unindexed consumer");
    assert_eq!(
        make().with_max_len(1).collect::<Vec<_>>(),
        expected,
        "max_len 1"
    );
    assert_eq!(
        make().with_min_len(usize::MAX).collect::<Vec<_>>(),
        expected,
        "one piece"
    );
    let mut reversed = expected.clone();
    reversed.reverse();
    assert_eq!(make().rev().collect::<Vec<_>>(), reversed, "rev");
    assert_eq!(make().rev().with_max_len(1).collect::<Vec<_>>(), reversed);
    let mut target = vec![expected.first().cloned(); 3]
        .into_iter()
        .flatten()
        .collect();
    make().collect_into_vec(&mut target);
    assert_eq!(target, expected, "collect_into_vec");
    if expected.len() <= 40 {
        check_splits(&make, &expected);
    }
}

/// `interleave` of two sequences.
fn interleave<T: Clone>(a: &[T], b: &[T]) -> Vec<T> {
    let mut out = Vec::new();
    let (mut i, mut j) = (a.iter(), b.iter());
    loop {
        match i.next() {
            Some(x) => out.push(x.clone()),
            None => {
                out.extend(j.cloned());
                return out;
            }
        }
        match j.next() {
            Some(y) => out.push(y.clone()),
            None => {
                out.extend(i.cloned());
                return out;
            }
        }
    }
}

/// `interleave_shortest` of two sequences.
fn interleave_shortest<T: Clone>(a: &[T], b: &[T]) -> Vec<T> {
    let mut out = Vec::new();
    let (mut i, mut j) = (a.iter(), b.iter());
    loop {
        match i.next() {
            Some(x) => out.push(x.clone()),
            None => return out,
        }
        match j.next() {
            Some(y) => out.push(y.clone()),
            None => return out,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Producer adapters against std

#[test]
fn rev_skip_take_step_by_match_sequential() {
    for_inputs(1, |rng, v| {
        let len = v.len();
        check_indexed(|| v.par_iter().rev(), v.iter().rev().collect());
        for n in [
            0,
            1,
            len / 2,
            len,
            len + 3,
            rng.below(len as u64 + 1) as usize,
        ] {
            check_indexed(|| v.par_iter().skip(n), v.iter().skip(n).collect());
            check_indexed(|| v.par_iter().take(n), v.iter().take(n).collect());
        }
        for step in [1, 2, 3, 7, len.max(1), len + 1] {
            check_indexed(
                || v.par_iter().step_by(step),
                v.iter().step_by(step).collect(),
            );
        }
    });
}

#[test]
fn chains_with_rev_match_sequential() {
    for_inputs(2, |rng, v| {
        let len = v.len();
        let a = rng.below(len as u64 + 2) as usize;
        let b = rng.below(len as u64 + 2) as usize;
        let s = 1 + rng.below(5) as usize;
        check_indexed(
            || v.par_iter().skip(3).rev().step_by(2),
            v.iter().skip(3).rev().step_by(2).collect(),
        );
        check_indexed(
            || v.par_iter().rev().skip(a).take(b),
            v.iter().rev().skip(a).take(b).collect(),
        );
        check_indexed(
            || v.par_iter().step_by(s).rev(),
            v.iter().step_by(s).rev().collect(),
        );
        check_indexed(
            || v.par_iter().take(a).step_by(s).skip(1).rev(),
            v.iter().take(a).step_by(s).skip(1).rev().collect(),
        );
        check_indexed(
            || v.par_iter().rev().step_by(s).rev(),
            v.iter().rev().step_by(s).rev().collect(),
        );
        check_indexed(
            || v.par_iter().enumerate().rev().skip(a).step_by(s),
            v.iter().enumerate().rev().skip(a).step_by(s).collect(),
        );
        check_indexed(
            || v.par_iter().zip(v.par_iter().rev()).rev().take(b),
            v.iter().zip(v.iter().rev()).rev().take(b).collect(),
        );
    });
}

#[test]
fn chunks_and_fold_chunks_match_sequential() {
    for_inputs(3, |rng, v| {
        let len = v.len();
        for size in [1, 2, 3, 1 + rng.below(9) as usize, len.max(1), len + 5] {
            let want: Vec<Vec<&u64>> = v.chunks(size).map(|c| c.iter().collect()).collect();
            check_indexed(|| v.par_iter().chunks(size), want.clone());
            let mut back = want.clone();
            back.reverse();
            assert_eq!(v.par_iter().chunks(size).rev().collect::<Vec<_>>(), back);
            let sums: Vec<u64> = v
                .chunks(size)
                .map(|c| c.iter().fold(7, |a, &x| a ^ x))
                .collect();
            check_indexed(|| v.par_iter().fold_chunks(size, || 7, |a, &x| a ^ x), sums);
            check_indexed(
                || {
                    v.par_iter()
                        .fold_chunks_with(size, Vec::new(), |mut acc, x| {
                            acc.push(x);
                            acc
                        })
                },
                want.clone(),
            );
            // Chunks of an adapted chain, and adapters of chunks.
            let s = 1 + rng.below(4) as usize;
            check_indexed(|| v.par_iter().rev().step_by(s).chunks(size).rev(), {
                let seq: Vec<&u64> = v.iter().rev().step_by(s).collect();
                seq.chunks(size).map(<[&u64]>::to_vec).rev().collect()
            });
            check_indexed(
                || v.par_iter().take(len / 2).chunks(size).skip(1),
                v[..len / 2]
                    .chunks(size)
                    .skip(1)
                    .map(|c| c.iter().collect())
                    .collect(),
            );
        }
    });
}

#[test]
fn interleave_and_zip_eq_match_sequential() {
    for_inputs(4, |rng, v| {
        let other_len = rng.below(v.len() as u64 + 3) as usize;
        let other = rng.vec(other_len, 100);
        let same_len = rng.vec(v.len(), 100);
        let (av, ao): (Vec<&u64>, Vec<&u64>) = (v.iter().collect(), other.iter().collect());
        for (a, b) in [(&av, &ao), (&ao, &av), (&av, &av)] {
            check_indexed(
                || a.par_iter().interleave(b.par_iter()),
                interleave(a, b).iter().collect(),
            );
            check_indexed(
                || a.par_iter().interleave_shortest(b.par_iter()),
                interleave_shortest(a, b).iter().collect(),
            );
        }
        check_indexed(
            || v.par_iter().interleave(other.par_iter()).rev().step_by(3),
            interleave(&av, &ao).into_iter().rev().step_by(3).collect(),
        );
        check_indexed(
            || v.par_iter().rev().interleave(other.par_iter().skip(1)),
            {
                let a: Vec<&u64> = v.iter().rev().collect();
                let b: Vec<&u64> = other.iter().skip(1).collect();
                interleave(&a, &b)
            },
        );
        check_indexed(
            || {
                v.par_iter()
                    .interleave_shortest(other.par_iter())
                    .skip(1)
                    .rev()
            },
            interleave_shortest(&av, &ao)
                .into_iter()
                .skip(1)
                .rev()
                .collect(),
        );
        check_indexed(
            || v.par_iter().zip_eq(same_len.par_iter()),
            v.iter().zip(&same_len).collect(),
        );
        check_indexed(
            || v.par_iter().zip_eq(same_len.par_iter()).rev().skip(2),
            v.iter().zip(&same_len).rev().skip(2).collect(),
        );
    });
}

#[test]
fn blocks_match_sequential() {
    for_inputs(5, |rng, v| {
        let want: Vec<&u64> = v.iter().collect();
        let size = 1 + rng.below(50) as usize;
        assert_eq!(
            v.par_iter().by_exponential_blocks().collect::<Vec<_>>(),
            want
        );
        assert_eq!(
            v.par_iter().by_uniform_blocks(size).collect::<Vec<_>>(),
            want
        );
        assert_eq!(v.par_iter().by_uniform_blocks(1).collect::<Vec<_>>(), want);
        let sum = v.iter().fold(0u64, |a, &x| a.wrapping_add(x));
        let par_sum = v
            .par_iter()
            .by_uniform_blocks(size)
            .map(|&x| x)
            .reduce(|| 0, u64::wrapping_add);
        assert_eq!(par_sum, sum);
        let rev: Vec<&u64> = v.iter().rev().collect();
        assert_eq!(
            v.par_iter()
                .rev()
                .by_exponential_blocks()
                .collect::<Vec<_>>(),
            rev
        );
        // Blocks are not indexed, as in rayon.
        assert_eq!(v.par_iter().by_exponential_blocks().opt_len(), None);
    });
}

#[test]
fn skipped_items_still_run() {
    let ran = AtomicUsize::new(0);
    let n = (0..1024usize)
        .into_par_iter()
        .map(|x| ran.fetch_add(x, SeqCst))
        .skip(512)
        .count();
    assert_eq!(n, 512);
    assert_eq!(ran.into_inner(), (0..1024).sum::<usize>());
    // `take` does not run what it drops, as `std`'s never reaches it.
    let ran = AtomicUsize::new(0);
    let n = (0..1024usize)
        .into_par_iter()
        .map(|_| ran.fetch_add(1, SeqCst))
        .take(10)
        .count();
    assert_eq!((n, ran.into_inner()), (10, 10));
}

#[test]
#[should_panic(expected = "step_by: the step must not be zero")]
fn step_by_zero_panics() {
    let _ = (0..10).into_par_iter().step_by(0).collect::<Vec<_>>();
}

#[test]
fn zero_sizes_panic_with_rayons_messages() {
    let message = |f: fn()| match panic::catch_unwind(f) {
        Ok(()) => String::from("no panic"),
        Err(payload) => common::panic_message(&*payload),
    };
    let chunks = message(|| {
        let _ = (0..4).into_par_iter().chunks(0);
    });
    let fold = message(|| {
        let _ = (0..4).into_par_iter().fold_chunks(0, || 0, |a, x| a + x);
    });
    let fold_with = message(|| {
        let _ = (0..4).into_par_iter().fold_chunks_with(0, 0, |a, x| a + x);
    });
    let blocks = message(|| {
        let _ = (0..4).into_par_iter().by_uniform_blocks(0);
    });
    assert!(chunks.contains("chunk_size must not be zero"), "{chunks}");
    assert!(fold.contains("chunk_size must not be zero"), "{fold}");
    assert!(
        fold_with.contains("chunk_size must not be zero"),
        "{fold_with}"
    );
    assert!(blocks.contains("block_size must not be zero"), "{blocks}");
}

#[test]
#[should_panic(expected = "zip_eq: the iterators have different lengths (3 and 2)")]
fn zip_eq_of_unequal_lengths_panics() {
    let _ = (0..3).into_par_iter().zip_eq(vec![1, 2]);
}

#[test]
#[should_panic(expected = "interleave: the total length overflows usize")]
fn interleave_of_too_many_panics() {
    let _ = (0..usize::MAX).into_par_iter().interleave(0..2usize).len();
}

#[test]
fn adapters_are_debug_and_clone() {
    let v = vec![1, 2, 3];
    let it = v.par_iter();
    let shown = [
        format!("{:?}", it.clone().rev().clone()),
        format!("{:?}", it.clone().skip(1).clone()),
        format!("{:?}", it.clone().take(1).clone()),
        format!("{:?}", it.clone().step_by(2).clone()),
        format!("{:?}", it.clone().chunks(2).clone()),
        format!("{:?}", it.clone().fold_chunks(2, || 0, |a, _| a).clone()),
        format!("{:?}", it.clone().fold_chunks_with(2, 0, |a, _| a).clone()),
        format!("{:?}", it.clone().interleave(it.clone()).clone()),
        format!("{:?}", it.clone().interleave_shortest(it.clone()).clone()),
        format!("{:?}", it.clone().zip_eq(it.clone()).clone()),
        format!("{:?}", it.clone().by_exponential_blocks().clone()),
        format!("{:?}", it.clone().by_uniform_blocks(2).clone()),
    ];
    let names = [
        "Rev",
        "Skip",
        "Take",
        "StepBy",
        "Chunks",
        "FoldChunks",
        "FoldChunksWith",
        "Interleave",
        "InterleaveShortest",
        "ZipEq",
        "ExponentialBlocks",
        "UniformBlocks",
    ];
    for (shown, name) in shown.iter().zip(names) {
        assert!(shown.starts_with(name), "{shown} is a {name}");
    }
}

// ---------------------------------------------------------------------------------------
// find_first / find_last

#[test]
fn find_first_and_last_return_the_true_first_and_last() {
    for_inputs(6, |rng, v| {
        for _ in 0..3 {
            let k = rng.below(4);
            let hit = |x: &u64| x % 4 == k;
            let first = v.iter().position(hit);
            let last = v.iter().rposition(hit);
            let by_index = |it: Option<(usize, &u64)>| it.map(|(i, _)| i);
            assert_eq!(
                by_index(v.par_iter().enumerate().find_first(|(_, x)| hit(x))),
                first
            );
            assert_eq!(
                by_index(v.par_iter().enumerate().find_last(|(_, x)| hit(x))),
                last
            );
            assert_eq!(
                by_index(
                    v.par_iter()
                        .enumerate()
                        .with_max_len(1)
                        .find_first(|(_, x)| hit(x))
                ),
                first
            );
            assert_eq!(
                by_index(
                    v.par_iter()
                        .enumerate()
                        .with_max_len(1)
                        .find_last(|(_, x)| hit(x))
                ),
                last
            );
            assert_eq!(v.par_iter().position_first(hit), first);
            assert_eq!(v.par_iter().position_last(hit), last);
            assert_eq!(
                v.par_iter().find_map_first(|x| hit(x).then_some(*x + 1)),
                v.iter().find_map(|x| hit(x).then_some(*x + 1))
            );
            assert_eq!(
                v.par_iter().find_map_last(|x| hit(x).then_some(*x + 1)),
                v.iter().rev().find_map(|x| hit(x).then_some(*x + 1))
            );
            // Unindexed chains: positions come from splitting without an index.
            let odd = |(_, x): &(usize, &u64)| *x % 2 == 1;
            let filtered_first = v.iter().enumerate().filter(odd).find(|(_, x)| hit(x));
            let filtered_last = v.iter().enumerate().filter(odd).rfind(|(_, x)| hit(x));
            assert_eq!(
                v.par_iter()
                    .enumerate()
                    .filter(odd)
                    .find_first(|(_, x)| hit(x)),
                filtered_first
            );
            assert_eq!(
                v.par_iter()
                    .enumerate()
                    .filter(odd)
                    .find_last(|(_, x)| hit(x)),
                filtered_last
            );
            // Blocks, and rev.
            assert_eq!(
                by_index(
                    v.par_iter()
                        .enumerate()
                        .by_exponential_blocks()
                        .find_first(|(_, x)| hit(x))
                ),
                first
            );
            assert_eq!(
                by_index(
                    v.par_iter()
                        .enumerate()
                        .by_uniform_blocks(7)
                        .find_last(|(_, x)| hit(x))
                ),
                last
            );
            assert_eq!(
                by_index(v.par_iter().enumerate().rev().find_first(|(_, x)| hit(x))),
                last
            );
        }
    });
}

#[test]
#[cfg_attr(miri, ignore)] // many runs
fn find_first_and_last_stay_exact_with_every_item_matching() {
    // Every piece finds matches at once and races to record them.
    for round in 0..200usize {
        let len = 1 + round * 37;
        let first = (0..len)
            .into_par_iter()
            .with_max_len(1 + round % 5)
            .find_first(|_| true);
        let last = (0..len)
            .into_par_iter()
            .with_max_len(1 + round % 5)
            .find_last(|_| true);
        assert_eq!((first, last), (Some(0), Some(len - 1)), "round {round}");
        let from = round % len;
        assert_eq!(
            (0..len).into_par_iter().find_first(|&i| i >= from),
            Some(from)
        );
        assert_eq!(
            (0..len).into_par_iter().find_last(|&i| i <= from),
            Some(from)
        );
        // Unindexed: a `filter` splits its consumer without indexes.
        let odd_first = (0..len)
            .into_par_iter()
            .filter(|i| i % 2 == 1)
            .find_first(|_| true);
        assert_eq!(odd_first, (len > 1).then_some(1));
    }
}

#[test]
#[cfg_attr(miri, ignore)] // long
fn find_first_skips_pieces_after_a_match_and_blocks_stop_at_the_match() {
    const ITEMS: usize = 4_000_000;
    let visited = AtomicUsize::new(0);
    let found = (0..ITEMS).into_par_iter().find_first(|&i| {
        visited.fetch_add(1, SeqCst);
        i == 10
    });
    assert_eq!(found, Some(10));
    assert!(visited.into_inner() < ITEMS, "pieces after the match stop");

    // A block after the one that holds the match never starts.
    let furthest = AtomicUsize::new(0);
    let found = (0..ITEMS)
        .into_par_iter()
        .by_uniform_blocks(100)
        .find_first(|&i| {
            furthest.fetch_max(i, SeqCst);
            i % 1000 == 150
        });
    assert_eq!(found, Some(150));
    assert!(
        furthest.into_inner() < 200,
        "the blocks after [100, 200) never run"
    );
    let furthest = AtomicUsize::new(0);
    let found = (0..ITEMS)
        .into_par_iter()
        .by_exponential_blocks()
        .find_first(|&i| {
            furthest.fetch_max(i, SeqCst);
            i == 1000
        });
    assert_eq!(found, Some(1000));
    assert!(furthest.into_inner() < ITEMS / 2);
}

/// A pool of two workers of its own, so that the second piece is stolen at once.
fn two_workers() -> cancelpool::ThreadPool {
    ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .expect("build a pool of 2")
}

/// Waits (bounded) until `flag` is set; returns whether it was.
fn wait_for(flag: &AtomicBool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !flag.load(SeqCst) {
        if Instant::now() > deadline {
            return false;
        }
        std::thread::yield_now();
    }
    true
}

/// Runs until `checkpoint()` reports a cancellation (`true`) or 10 s pass (`false`).
fn run_until_cancelled() -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if cancelpool::checkpoint().is_err() {
            return true;
        }
        std::thread::yield_now();
    }
    false
}

#[test]
#[cfg_attr(miri, ignore)] // real time
fn a_decided_find_first_or_last_cancels_the_items_still_running() {
    let pool = two_workers();
    // find_first: item 0 matches while item 1 runs; nothing can change the answer.
    let started = AtomicBool::new(false);
    let saw_cancel = AtomicBool::new(false);
    let found = pool.install(|| {
        (0..2usize)
            .into_par_iter()
            .with_max_len(1)
            .find_first(|&i| {
                if i == 0 {
                    assert!(wait_for(&started), "item 1 started on the other worker");
                    true
                } else {
                    started.store(true, SeqCst);
                    saw_cancel.store(run_until_cancelled(), SeqCst);
                    false
                }
            })
    });
    assert_eq!(found, Some(0));
    assert!(saw_cancel.into_inner(), "item 1 left at its checkpoint");

    // find_last: item 1 matches while item 0 runs.
    let started = AtomicBool::new(false);
    let saw_cancel = AtomicBool::new(false);
    let found = pool.install(|| {
        (0..2usize).into_par_iter().with_max_len(1).find_last(|&i| {
            if i == 1 {
                assert!(wait_for(&started), "item 0 started on the other worker");
                true
            } else {
                started.store(true, SeqCst);
                saw_cancel.store(run_until_cancelled(), SeqCst);
                false
            }
        })
    });
    assert_eq!(found, Some(1));
    assert!(saw_cancel.into_inner(), "item 0 left at its checkpoint");
}

/// Polls `checkpoint()` for 20 ms after the other piece matched: long enough for a wrong
/// cancel (one made when the other piece found its match) to arrive; whether none did.
fn stays_uncancelled() -> bool {
    let until = Instant::now() + Duration::from_millis(20);
    while Instant::now() < until {
        if cancelpool::checkpoint().is_err() {
            return false;
        }
        std::thread::yield_now();
    }
    true
}

#[test]
#[cfg_attr(miri, ignore)] // real time
fn items_that_can_still_change_the_answer_are_not_cancelled() {
    let pool = two_workers();
    for left_matches in [false, true] {
        // find_first: item 1 matches first; item 0, before it, may still match.
        let matched = AtomicBool::new(false);
        let quiet = AtomicBool::new(false);
        let found = pool.install(|| {
            (0..2usize)
                .into_par_iter()
                .with_max_len(1)
                .find_first(|&i| {
                    if i == 1 {
                        matched.store(true, SeqCst);
                        return true;
                    }
                    assert!(wait_for(&matched), "item 1 ran on the other worker");
                    quiet.store(stays_uncancelled(), SeqCst);
                    left_matches
                })
        });
        assert!(quiet.into_inner(), "item 0 was not cancelled");
        assert_eq!(found, Some(if left_matches { 0 } else { 1 }));

        // find_last: item 0 matches first; item 1, after it, may still match.
        let matched = AtomicBool::new(false);
        let quiet = AtomicBool::new(false);
        let found = pool.install(|| {
            (0..2usize).into_par_iter().with_max_len(1).find_last(|&i| {
                if i == 0 {
                    matched.store(true, SeqCst);
                    return true;
                }
                assert!(wait_for(&matched), "item 0 ran on the other worker");
                quiet.store(stays_uncancelled(), SeqCst);
                left_matches
            })
        });
        assert!(quiet.into_inner(), "item 1 was not cancelled");
        assert_eq!(found, Some(if left_matches { 1 } else { 0 }));
    }
}

// ---------------------------------------------------------------------------------------
// cmp / partial_cmp / eq

#[test]
fn comparisons_match_sequential() {
    for_inputs(7, |rng, v| {
        let len = v.len();
        // Equal, a changed item, a prefix, an extension.
        let mut changed = v.to_vec();
        if len > 0 {
            let at = rng.below(len as u64) as usize;
            changed[at] = changed[at].wrapping_add(1 + rng.below(3));
        }
        let prefix = v[..rng.below(len as u64 + 1) as usize].to_vec();
        let mut longer = v.to_vec();
        longer.push(rng.below(4));
        for other in [v.to_vec(), changed, prefix, longer] {
            let want = v.iter().cmp(other.iter());
            assert_eq!(v.par_iter().cmp(&other), want);
            assert_eq!(v.par_iter().with_max_len(1).cmp(&other), want);
            assert_eq!(v.par_iter().partial_cmp(&other), Some(want));
            assert_eq!(v.par_iter().eq(&other), want == Ordering::Equal);
            assert_eq!(v.par_iter().ne(&other), want != Ordering::Equal);
            assert_eq!(v.par_iter().lt(&other), want == Ordering::Less);
            assert_eq!(v.par_iter().le(&other), want != Ordering::Greater);
            assert_eq!(v.par_iter().gt(&other), want == Ordering::Greater);
            assert_eq!(v.par_iter().ge(&other), want != Ordering::Less);
            assert_eq!(other.par_iter().cmp(v), want.reverse());
        }
    });
}

#[test]
fn partial_cmp_with_nan_matches_sequential() {
    let mut rng = Rng::new(8);
    for len in [0usize, 1, 2, 5, 100, 3000] {
        let a: Vec<f64> = (0..len).map(|_| rng.below(3) as f64).collect();
        let mut b = a.clone();
        if len > 0 {
            b[rng.below(len as u64) as usize] = f64::NAN;
        }
        for (x, y) in [(&a, &b), (&b, &a), (&a, &a)] {
            assert_eq!(
                x.par_iter().partial_cmp(y),
                x.iter().partial_cmp(y.iter()),
                "{x:?} vs {y:?}"
            );
            assert_eq!(x.par_iter().eq(y), x.iter().eq(y.iter()));
            assert_eq!(x.par_iter().lt(y), x.iter().lt(y.iter()));
            assert_eq!(x.par_iter().ge(y), x.iter().ge(y.iter()));
        }
    }
}

#[test]
#[cfg_attr(miri, ignore)] // long
fn comparisons_stop_after_the_first_difference() {
    const ITEMS: usize = 4_000_000;
    let compared = AtomicUsize::new(0);
    let order = (0..ITEMS)
        .into_par_iter()
        .map(|i| {
            compared.fetch_add(1, SeqCst);
            i
        })
        .cmp(
            (0..ITEMS)
                .into_par_iter()
                .map(|i| if i == 20 { 0 } else { i }),
        );
    assert_eq!(order, Ordering::Greater);
    assert!(compared.into_inner() < ITEMS);
    // Unequal lengths decide `eq` before any item runs.
    let compared = AtomicUsize::new(0);
    let same = (0..10usize)
        .into_par_iter()
        .map(|i| {
            compared.fetch_add(1, SeqCst);
            i
        })
        .eq(0..11usize);
    assert!(!same);
    assert_eq!(compared.into_inner(), 0);
}

// ---------------------------------------------------------------------------------------
// unzip / partition / partition_map / unzip_into_vecs

#[test]
fn unzip_and_partitions_match_sequential() {
    for_inputs(9, |rng, v| {
        let pairs: Vec<(u64, String)> = v.iter().map(|&x| (x, x.to_string())).collect();
        let want: (Vec<u64>, Vec<String>) = pairs.iter().cloned().unzip();
        let got: (Vec<u64>, Vec<String>) = pairs.clone().into_par_iter().unzip();
        assert_eq!(got, want);
        let got: (Vec<u64>, Vec<String>) = pairs.clone().into_par_iter().with_max_len(1).unzip();
        assert_eq!(got, want);
        let got: (Vec<u64>, Vec<String>) = pairs.clone().into_par_iter().collect();
        assert_eq!(got, want);
        // Unindexed: lists per piece, in order.
        let keep = rng.below(4);
        let kept = |p: &(u64, String)| p.0 % 4 != keep;
        let want_kept: (Vec<u64>, Vec<String>) = pairs.iter().filter(|p| kept(p)).cloned().unzip();
        let got: (Vec<u64>, Vec<String>) = pairs.clone().into_par_iter().filter(kept).unzip();
        assert_eq!(got, want_kept);
        // Nested pairs: the right side is itself a pair of collections.
        let (a, (b, c)): (Vec<u64>, (Vec<u64>, Vec<u64>)) =
            v.par_iter().map(|&x| (x, (x / 2, x % 3))).unzip();
        assert_eq!(a, v);
        assert_eq!(b, v.iter().map(|x| x / 2).collect::<Vec<_>>());
        assert_eq!(c, v.iter().map(|x| x % 3).collect::<Vec<_>>());

        let even = |x: &&u64| **x % 2 == 0;
        let want: (Vec<&u64>, Vec<&u64>) = v.iter().partition(even);
        let got: (Vec<&u64>, Vec<&u64>) = v.par_iter().partition(even);
        assert_eq!(got, want);
        let got: (Vec<&u64>, Vec<&u64>) = v.par_iter().with_max_len(1).partition(even);
        assert_eq!(got, want);

        let route = |x: &u64| {
            if x % 3 == 0 {
                Either::Left(x / 3)
            } else {
                Either::Right(x.to_string())
            }
        };
        let want_left: Vec<u64> = v.iter().filter(|x| *x % 3 == 0).map(|x| x / 3).collect();
        let want_right: Vec<String> = v
            .iter()
            .filter(|x| *x % 3 != 0)
            .map(u64::to_string)
            .collect();
        let got: (Vec<u64>, Vec<String>) = v.par_iter().partition_map(route);
        assert_eq!(got, (want_left.clone(), want_right.clone()));
        let got: (Vec<u64>, Vec<String>) = v.par_iter().map(route).collect();
        assert_eq!(got, (want_left.clone(), want_right.clone()));
        let mut extended = (vec![7u64], vec!["x".to_string()]);
        extended.par_extend(v.par_iter().map(route));
        assert_eq!(extended.0[1..], want_left[..]);
        assert_eq!(extended.1[1..], want_right[..]);
    });
}

#[test]
fn unzip_into_vecs_matches_sequential_and_replaces_contents() {
    for_inputs(10, |_, v| {
        let mut left = vec![1u64; 5];
        let mut right: Vec<String> = Vec::with_capacity(v.len() * 2);
        right.push("old".into());
        v.par_iter()
            .map(|&x| (x, x.to_string()))
            .unzip_into_vecs(&mut left, &mut right);
        let (want_l, want_r): (Vec<u64>, Vec<String>) =
            v.iter().map(|&x| (x, x.to_string())).unzip();
        assert_eq!((left, right), (want_l.clone(), want_r.clone()));
        let (mut left, mut right) = (Vec::new(), Vec::new());
        v.par_iter()
            .map(|&x| (x, x.to_string()))
            .with_max_len(1)
            .rev()
            .unzip_into_vecs(&mut left, &mut right);
        let (mut rl, mut rr) = (want_l, want_r);
        rl.reverse();
        rr.reverse();
        assert_eq!((left, right), (rl, rr));
    });
}

// ---------------------------------------------------------------------------------------
// with_cancel

/// For one adapter: `with_cancel` before it and after it returns `Ok` of the plain result
/// when not cancelled, and `Err(Cancelled)` when cancelled before the call.
macro_rules! check_cancel {
    ($v:expr, |$it:ident| $chain:expr) => {{
        let source = CancelSource::new();
        let token = source.token();
        let plain: Vec<_> = {
            let $it = $v.par_iter();
            $chain
        }
        .collect();
        let before = {
            let $it = $v.par_iter().with_cancel(&token);
            $chain
        }
        .collect::<Vec<_>>();
        assert_eq!(before, Ok(plain.clone()), "{}", stringify!($chain));
        let after = {
            let $it = $v.par_iter();
            $chain
        }
        .with_cancel(&token)
        .collect::<Vec<_>>();
        assert_eq!(after, Ok(plain), "{}", stringify!($chain));
        source.cancel();
        let before = {
            let $it = $v.par_iter().with_cancel(&token);
            $chain
        }
        .collect::<Vec<_>>();
        assert_eq!(before, Err(Cancelled), "{}", stringify!($chain));
        let after = {
            let $it = $v.par_iter();
            $chain
        }
        .with_cancel(&token)
        .collect::<Vec<_>>();
        assert_eq!(after, Err(Cancelled), "{}", stringify!($chain));
    }};
}

#[test]
fn adapters_after_and_before_with_cancel() {
    let v: Vec<u32> = (0..5000).collect();
    let w: Vec<u32> = (0..3000).collect();
    check_cancel!(v, |it| it.rev());
    check_cancel!(v, |it| it.skip(100));
    check_cancel!(v, |it| it.take(100));
    check_cancel!(v, |it| it.step_by(3));
    check_cancel!(v, |it| it.chunks(7));
    check_cancel!(v, |it| it.fold_chunks(7, || 0, |a, &x| a + x));
    check_cancel!(v, |it| it.fold_chunks_with(7, 0, |a, &x| a + x));
    check_cancel!(v, |it| it.interleave(w.par_iter()));
    check_cancel!(v, |it| it.interleave_shortest(w.par_iter()));
    check_cancel!(v, |it| it.zip_eq(v.par_iter()));
    check_cancel!(v, |it| it.by_exponential_blocks());
    check_cancel!(v, |it| it.by_uniform_blocks(100));
    check_cancel!(v, |it| it.skip(3).rev().step_by(2).chunks(5));
}

#[test]
fn ordered_consumers_with_cancel() {
    let v: Vec<u32> = (0..5000).collect();
    let source = CancelSource::new();
    let token = source.token();
    let it = || v.par_iter().with_cancel(&token);
    assert_eq!(it().find_first(|&&x| x % 7 == 6), Ok(Some(&6)));
    assert_eq!(it().find_last(|&&x| x % 7 == 6), Ok(Some(&4997)));
    assert_eq!(it().position_first(|&x| x == 99), Ok(Some(99)));
    assert_eq!(it().cmp(&v), Ok(Ordering::Equal));
    assert_eq!(it().partial_cmp(&v[..10]), Ok(Some(Ordering::Greater)));
    assert_eq!(it().eq(&v), Ok(true));
    assert_eq!(it().lt(&v), Ok(false));
    let unzipped: Result<(Vec<u32>, Vec<u32>), _> = it().map(|&x| (x, x + 1)).unzip();
    assert_eq!(unzipped.map(|(a, b)| (a.len(), b[0])), Ok((5000, 1)));
    let parts: Result<(Vec<&u32>, Vec<&u32>), _> = it().partition(|&&x| x < 10);
    assert_eq!(parts.map(|(a, b)| (a.len(), b.len())), Ok((10, 4990)));
    let parts: Result<(Vec<u32>, Vec<u32>), _> = it().partition_map(|&x| {
        if x < 10 {
            Either::Left(x)
        } else {
            Either::Right(x)
        }
    });
    assert_eq!(parts.map(|(a, b)| (a.len(), b.len())), Ok((10, 4990)));
    let (mut a, mut b) = (vec![9], vec![9]);
    assert_eq!(
        it().map(|&x| (x, x)).unzip_into_vecs(&mut a, &mut b),
        Ok(())
    );
    assert_eq!((a.len(), b.len()), (5000, 5000));

    source.cancel();
    assert_eq!(it().find_first(|_| true), Err(Cancelled));
    assert_eq!(it().find_last(|_| true), Err(Cancelled));
    assert_eq!(it().cmp(&v), Err(Cancelled));
    assert_eq!(it().partial_cmp(&v), Err(Cancelled));
    assert_eq!(it().eq(&v), Err(Cancelled));
    let unzipped: Result<(Vec<u32>, Vec<u32>), _> = it().map(|&x| (x, x)).unzip();
    assert_eq!(unzipped, Err(Cancelled));
    let parts: Result<(Vec<&u32>, Vec<&u32>), _> = it().partition(|_| true);
    assert_eq!(parts, Err(Cancelled));
    let (mut a, mut b) = (vec![9], vec![9]);
    assert_eq!(
        it().map(|&x| (x, x)).unzip_into_vecs(&mut a, &mut b),
        Err(Cancelled)
    );
    assert!(a.is_empty() && b.is_empty());
}

/// A chain cancelled from inside one of its items, part-way, with `with_cancel` before
/// the adapter (`$it` already carries it) and after it.
macro_rules! check_cancel_while_running {
    (|$it:ident| $chain:expr) => {{
        const ITEMS: u32 = 1_000_000;
        for with_cancel_first in [true, false] {
            let source = CancelSource::new();
            let token = source.token();
            let ran = AtomicUsize::new(0);
            let item = |i: u32| {
                if ran.fetch_add(1, SeqCst) == 10 {
                    source.cancel();
                }
                i
            };
            let result = if with_cancel_first {
                let $it = (0..ITEMS).into_par_iter().with_cancel(&token).map(item);
                $chain.collect::<Vec<_>>()
            } else {
                let $it = (0..ITEMS).into_par_iter().map(item);
                $chain.with_cancel(&token).collect::<Vec<_>>()
            };
            let what = format!(
                "{} (with_cancel first: {with_cancel_first})",
                stringify!($chain)
            );
            assert_eq!(result.map(|v| v.len()), Err(Cancelled), "{what}");
            assert!(
                (ran.into_inner() as u32) < ITEMS / 2,
                "{what}: stopped early"
            );
        }
    }};
}

#[test]
#[cfg_attr(miri, ignore)] // a million items
fn adapters_stop_when_cancelled_while_running() {
    check_cancel_while_running!(|it| it.rev());
    check_cancel_while_running!(|it| it.skip(100));
    // The cancel comes while the skipped items run: they stop too.
    check_cancel_while_running!(|it| it.skip(ITEMS as usize - 10));
    check_cancel_while_running!(|it| it.take(900_000));
    check_cancel_while_running!(|it| it.step_by(3));
    check_cancel_while_running!(|it| it.chunks(64));
    check_cancel_while_running!(|it| it.fold_chunks(64, || 0, |a, x| a ^ x));
    check_cancel_while_running!(|it| it.interleave(0..5u32));
    check_cancel_while_running!(|it| it.interleave_shortest(0..ITEMS));
    check_cancel_while_running!(|it| it.zip_eq(0..ITEMS));
    check_cancel_while_running!(|it| it.by_exponential_blocks());
    check_cancel_while_running!(|it| it.by_uniform_blocks(10_000));
}

// ---------------------------------------------------------------------------------------
// Owned items are dropped exactly once

/// An item that records its drop in its own slot.
#[derive(Debug)]
struct Tracked<'a> {
    id: usize,
    drops: &'a [AtomicU8],
}

impl Drop for Tracked<'_> {
    fn drop(&mut self) {
        self.drops[self.id].fetch_add(1, SeqCst);
    }
}

fn tracked(drops: &[AtomicU8], ids: std::ops::Range<usize>) -> Vec<Tracked<'_>> {
    ids.map(|id| Tracked { id, drops }).collect()
}

fn assert_each_dropped_once(drops: &[AtomicU8], what: &str) {
    for (id, d) in drops.iter().enumerate() {
        assert_eq!(d.load(SeqCst), 1, "{what}: item {id}");
    }
}

/// Runs `$chain` over owned items (`$it`, and `$other` for two-input adapters) twice:
/// cancelled from inside item 5, and panicking at item 7; every item, whether it ran, was
/// skipped, or was in flight, is dropped exactly once.
macro_rules! check_drops {
    (|$it:ident, $other:ident| $chain:expr) => {{
        quiet_expected_panics();
        const N: usize = if cfg!(miri) { 300 } else { 20_000 };
        for panics in [false, true] {
            let drops: Vec<AtomicU8> = (0..2 * N).map(|_| AtomicU8::new(0)).collect();
            let source = CancelSource::new();
            let token = source.token();
            let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
                let $it = tracked(&drops, 0..N)
                    .into_par_iter()
                    .with_cancel(&token)
                    .map(|t| {
                        if t.id == 5 && !panics {
                            source.cancel();
                        }
                        if t.id == 7 && panics {
                            panic!("{EXPECTED}: item 7");
                        }
                        t
                    });
                let $other = tracked(&drops, N..2 * N).into_par_iter();
                let _ = &$other;
                $chain.collect::<Vec<_>>().map(|v| v.len())
            }));
            match outcome {
                Ok(result) => {
                    assert!(!panics, "{}: the panic propagates", stringify!($chain));
                    assert_eq!(result, Err(Cancelled), "{}", stringify!($chain));
                }
                Err(payload) => {
                    assert!(panics, "{}", stringify!($chain));
                    let msg = common::panic_message(&*payload);
                    assert!(msg.starts_with(EXPECTED), "{msg}");
                }
            }
            assert_each_dropped_once(&drops, stringify!($chain));
        }
    }};
}

#[test]
fn owned_items_are_dropped_once_when_cancelled_or_panicking() {
    check_drops!(|it, other| it.rev());
    check_drops!(|it, other| it.skip(3));
    check_drops!(|it, other| it.skip(N / 2));
    check_drops!(|it, other| it.take(N / 2));
    check_drops!(|it, other| it.step_by(3));
    check_drops!(|it, other| it.chunks(9));
    check_drops!(|it, other| it.fold_chunks(9, Vec::new, |mut v, t| {
        v.push(t);
        v
    }));
    check_drops!(|it, other| it.fold_chunks_with(9, 0, |n, _item| n + 1));
    check_drops!(|it, other| it.interleave(other));
    check_drops!(|it, other| it.interleave_shortest(other.take(N / 3)));
    check_drops!(|it, other| it.zip_eq(other));
    check_drops!(|it, other| it.by_exponential_blocks());
    check_drops!(|it, other| it.by_uniform_blocks(64));
    check_drops!(|it, other| it.skip(3).rev().step_by(2).chunks(5));
}

#[test]
fn ordered_consumers_drop_owned_items_once() {
    quiet_expected_panics();
    const N: usize = if cfg!(miri) { 300 } else { 20_000 };
    // Found items are returned, the others dropped.
    let drops: Vec<AtomicU8> = (0..N).map(|_| AtomicU8::new(0)).collect();
    let found = tracked(&drops, 0..N)
        .into_par_iter()
        .find_first(|t| t.id % 1000 == 999);
    assert_eq!(found.as_ref().map(|t| t.id), Some(999));
    drop(found);
    assert_each_dropped_once(&drops, "find_first");
    let drops: Vec<AtomicU8> = (0..N).map(|_| AtomicU8::new(0)).collect();
    let found = tracked(&drops, 0..N)
        .into_par_iter()
        .find_last(|t| t.id % 1000 == 999);
    let last = (0..N).rev().find(|id| id % 1000 == 999);
    assert_eq!(found.as_ref().map(|t| t.id), last);
    drop(found);
    assert_each_dropped_once(&drops, "find_last");

    // unzip_into_vecs and unzip, cancelled part-way and panicking part-way.
    for panics in [false, true] {
        let drops: Vec<AtomicU8> = (0..2 * N).map(|_| AtomicU8::new(0)).collect();
        let source = CancelSource::new();
        let token = source.token();
        let pairs = || {
            tracked(&drops, 0..N)
                .into_par_iter()
                .zip(tracked(&drops, N..2 * N))
                .with_cancel(&token)
                .map(|(a, b)| {
                    if a.id == 5 && !panics {
                        source.cancel();
                    }
                    if a.id == 7 && panics {
                        panic!("{EXPECTED}: item 7");
                    }
                    (a, b)
                })
        };
        let (mut left, mut right) = (Vec::new(), Vec::new());
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
            pairs().unzip_into_vecs(&mut left, &mut right)
        }));
        assert_eq!(outcome.is_err(), panics);
        if !panics {
            assert_eq!(outcome.ok(), Some(Err(Cancelled)));
            assert!(left.is_empty() && right.is_empty());
        }
        drop((left, right));
        assert_each_dropped_once(&drops, "unzip_into_vecs");

        let drops2: Vec<AtomicU8> = (0..2 * N).map(|_| AtomicU8::new(0)).collect();
        let source = CancelSource::new();
        let token = source.token();
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
            tracked(&drops2, 0..N)
                .into_par_iter()
                .zip(tracked(&drops2, N..2 * N))
                .with_cancel(&token)
                .map(|(a, b)| {
                    if a.id == 5 && !panics {
                        source.cancel();
                    }
                    if a.id == 7 && panics {
                        panic!("{EXPECTED}: item 7");
                    }
                    (a, b)
                })
                .unzip::<_, _, Vec<_>, Vec<_>>()
                .map(|(a, b)| a.len() + b.len())
        }));
        assert_eq!(outcome.is_err(), panics);
        assert_each_dropped_once(&drops2, "unzip");
    }
}

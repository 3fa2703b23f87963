//! The adapters `cloned`, `copied`, `inspect`, `update`, `flat_map(_iter)`,
//! `flatten(_iter)`, `chain`, `intersperse`, `positions`, `while_some`, `panic_fuse`,
//! `take_any(_while)`, `skip_any(_while)`, `try_fold(_with)` and the consumers
//! `try_reduce(_with)`: against std's sequential iterators on seeded inputs, their
//! producers split at every index, under `with_cancel`, and the short-circuiting ones
//! stopping items that are still running on other workers.

mod common;

use common::{EXPECTED, Rng, WATCHDOG, panic_message, quiet_expected_panics, within};

use std::fmt::Debug;
use std::ops::ControlFlow;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use cancelpool::iter::plumbing::{
    Folder, Producer, ProducerCallback, UnindexedConsumer, UnindexedProducer, bridge_unindexed,
};
use cancelpool::prelude::*;
use cancelpool::{CancelSource, CancelToken, Cancelled, ThreadPoolBuilder};

// ---------------------------------------------------------------------------------------
// Helpers.

/// Input lengths: the edge cases, then random ones (small ones only under miri).
fn lengths(rng: &mut Rng) -> Vec<usize> {
    if cfg!(miri) {
        return vec![0, 1, 2, 3, 7, 2 + rng.below(40) as usize];
    }
    let mut lens = vec![0, 1, 2, 3, 7, 64, 1000, 4097];
    lens.extend((0..4).map(|_| rng.below(20_000) as usize));
    lens
}

/// Seeded inputs of every length of [`lengths`].
fn inputs(seed: u64) -> Vec<Vec<u64>> {
    let mut rng = Rng::new(seed);
    lengths(&mut rng.clone())
        .into_iter()
        .map(|len| rng.vec(len, 1000))
        .collect()
}

/// Collects a piece of a producer, forwards or backwards, or by folding it.
#[derive(Clone, Copy, PartialEq)]
enum Read {
    Forwards,
    Backwards,
    Folded,
}

struct VecFolder<T>(Vec<T>);

impl<T> Folder<T> for VecFolder<T> {
    type Result = Vec<T>;
    fn consume(mut self, item: T) -> Self {
        self.0.push(item);
        self
    }
    fn complete(self) -> Vec<T> {
        self.0
    }
    fn full(&self) -> bool {
        false
    }
}

fn read<P: Producer>(producer: P, how: Read) -> Vec<P::Item> {
    match how {
        Read::Forwards => {
            let iter = producer.into_iter();
            let len = iter.len();
            let v: Vec<_> = iter.collect();
            assert_eq!(v.len(), len, "the piece's iterator knows its length");
            v
        }
        Read::Backwards => {
            let mut v: Vec<_> = producer.into_iter().rev().collect();
            v.reverse();
            v
        }
        Read::Folded => producer.fold_with(VecFolder(Vec::new())).complete(),
    }
}

/// Splits a producer of `len` positions at `index`, then its right part in the middle,
/// and reads the three pieces.
struct SplitAt {
    len: usize,
    index: usize,
    how: Read,
}

impl<T> ProducerCallback<T> for SplitAt {
    type Output = Vec<Vec<T>>;
    fn callback<P: Producer<Item = T>>(self, producer: P) -> Vec<Vec<T>> {
        let (left, right) = producer.split_at(self.index);
        let (middle, last) = right.split_at((self.len - self.index) / 2);
        vec![
            read(left, self.how),
            read(middle, self.how),
            read(last, self.how),
        ]
    }
}

/// An indexed iterator against the items it should yield: `len`, `opt_len`, `collect`,
/// and its producer split at every index (at some hundred indices for long inputs), each
/// piece read forwards, backwards and by folding.
fn check_indexed<I>(what: &str, iter: I, expected: &[I::Item])
where
    I: IndexedParallelIterator<Item: PartialEq + Debug> + Clone,
{
    let len = expected.len();
    assert_eq!(iter.len(), len, "{what}: len");
    assert_eq!(iter.opt_len(), Some(len), "{what}: opt_len");
    assert_eq!(
        iter.clone().collect::<Vec<_>>(),
        expected,
        "{what}: collect"
    );
    let step = (len / 100).max(1);
    for index in (0..=len).step_by(step).chain([len]) {
        for how in [Read::Forwards, Read::Backwards, Read::Folded] {
            let pieces = iter.clone().with_producer(SplitAt { len, index, how });
            let mid = index + (len - index) / 2;
            assert_eq!(pieces[0], &expected[..index], "{what}: left of {index}");
            assert_eq!(
                pieces[1],
                &expected[index..mid],
                "{what}: middle of {index}"
            );
            assert_eq!(pieces[2], &expected[mid..], "{what}: right of {index}");
        }
    }
}

/// Counts the items made (and cloned) and dropped, to show that each is dropped once.
#[derive(Default, Debug)]
struct Counts {
    made: AtomicUsize,
    dropped: AtomicUsize,
}

impl Counts {
    fn balanced(&self) -> bool {
        self.made.load(Ordering::SeqCst) == self.dropped.load(Ordering::SeqCst)
    }
}

#[derive(Debug)]
struct Tracked<'a> {
    value: u64,
    counts: &'a Counts,
}

impl<'a> Tracked<'a> {
    fn new(value: u64, counts: &'a Counts) -> Self {
        counts.made.fetch_add(1, Ordering::SeqCst);
        Tracked { value, counts }
    }
}

impl Clone for Tracked<'_> {
    fn clone(&self) -> Self {
        Tracked::new(self.value, self.counts)
    }
}

impl Drop for Tracked<'_> {
    fn drop(&mut self) {
        self.counts.dropped.fetch_add(1, Ordering::SeqCst);
    }
}

/// Runs `f` on a pool of its own with `threads` workers.
fn in_pool<R: Send>(threads: usize, f: impl FnOnce() -> R + Send) -> R {
    ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("build a test pool")
        .install(f)
}

/// A one-shot rendezvous: `wait` returns once `set` was called, or after a timeout.
#[derive(Default)]
struct Latch {
    set: Mutex<bool>,
    cond: Condvar,
}

impl Latch {
    fn set(&self) {
        *self.set.lock().unwrap() = true;
        self.cond.notify_all();
    }

    /// Whether it was set within `WATCHDOG` (a generous bound against hangs).
    fn wait(&self) -> bool {
        let guard = self.set.lock().unwrap();
        let (guard, _) = self
            .cond
            .wait_timeout_while(guard, WATCHDOG, |set| !*set)
            .unwrap();
        *guard
    }
}

/// What the long item of a short-circuit scenario saw.
#[derive(Default)]
struct LongItem {
    started: Latch,
    saw_cancel: AtomicBool,
    timed_out: AtomicBool,
}

impl LongItem {
    /// The long item: says it started, then works until its checkpoint reports the
    /// cancellation (bounded by `WATCHDOG`).
    fn run(&self) {
        self.started.set();
        let deadline = Instant::now() + WATCHDOG;
        while Instant::now() < deadline {
            if cancelpool::checkpoint().is_err() {
                self.saw_cancel.store(true, Ordering::SeqCst);
                return;
            }
            std::thread::yield_now();
        }
        self.timed_out.store(true, Ordering::SeqCst);
    }

    /// The item that ends the call: waits until the long item runs, on the other worker.
    fn wait_started(&self) {
        assert!(
            self.started.wait(),
            "the long item started on the other worker"
        );
    }

    fn assert_left_early(&self, what: &str) {
        assert!(
            !self.timed_out.load(Ordering::SeqCst),
            "{what}: the long item was never told"
        );
        assert!(
            self.saw_cancel.load(Ordering::SeqCst),
            "{what}: the long item saw the cancellation"
        );
    }
}

/// Runs a two-item scenario on two workers: item 0 ends the call once item 1, the long
/// one, runs on the other worker. Each item is its own piece (`with_max_len(1)`).
fn two_items<R: Send>(what: &str, scenario: impl FnOnce(&LongItem) -> R + Send) -> R {
    let long = LongItem::default();
    let r = in_pool(2, || scenario(&long));
    long.assert_left_early(what);
    r
}

// ---------------------------------------------------------------------------------------
// Against std, on seeded inputs.

#[test]
fn cloned_and_copied_match_std() {
    for v in inputs(1) {
        let strings: Vec<String> = v.iter().map(u64::to_string).collect();
        let cloned: Vec<String> = strings.par_iter().cloned().collect();
        assert_eq!(cloned, strings);
        assert_eq!(v.par_iter().copied().sum::<u64>(), v.iter().sum());
        let odd: Vec<u64> = v.par_iter().filter(|x| *x % 2 == 1).copied().collect();
        assert_eq!(
            odd,
            v.iter()
                .filter(|x| *x % 2 == 1)
                .copied()
                .collect::<Vec<_>>()
        );
        let odd: Vec<u64> = v.par_iter().filter(|x| *x % 2 == 1).cloned().collect();
        assert_eq!(
            odd,
            v.iter()
                .filter(|x| *x % 2 == 1)
                .cloned()
                .collect::<Vec<_>>()
        );
        check_indexed("cloned", strings.par_iter().cloned(), &strings);
        check_indexed("copied", v.par_iter().copied(), &v);
    }
}

#[test]
fn inspect_sees_every_item_once() {
    for v in inputs(2) {
        let seen = AtomicUsize::new(0);
        let sum = AtomicUsize::new(0);
        let out: Vec<u64> = v
            .par_iter()
            .copied()
            .inspect(|x| {
                seen.fetch_add(1, Ordering::Relaxed);
                sum.fetch_add(*x as usize, Ordering::Relaxed);
            })
            .collect();
        assert_eq!(out, v);
        assert_eq!(seen.into_inner(), v.len());
        assert_eq!(sum.into_inner() as u64, v.iter().sum::<u64>());
        let seen = AtomicUsize::new(0);
        let kept = v
            .par_iter()
            .filter(|x| **x < 500)
            .inspect(|_| {
                seen.fetch_add(1, Ordering::Relaxed);
            })
            .count();
        assert_eq!(kept, v.iter().filter(|x| **x < 500).count());
        assert_eq!(seen.into_inner(), kept);
        check_indexed(
            "inspect",
            v.par_iter().inspect(|_| ()),
            &v.iter().collect::<Vec<_>>(),
        );
    }
}

#[test]
fn update_changes_every_item_in_place() {
    for v in inputs(3) {
        let doubled: Vec<u64> = v.par_iter().copied().update(|x| *x *= 2).collect();
        assert_eq!(doubled, v.iter().map(|x| x * 2).collect::<Vec<_>>());
        let odd_plus: u64 = v
            .par_iter()
            .copied()
            .filter(|x| x % 2 == 1)
            .update(|x| *x += 1)
            .sum();
        assert_eq!(
            odd_plus,
            v.iter().filter(|x| *x % 2 == 1).map(|x| x + 1).sum()
        );
        let expected: Vec<u64> = v.iter().map(|x| x + 7).collect();
        check_indexed(
            "update",
            v.par_iter().copied().update(|x| *x += 7),
            &expected,
        );
    }
}

#[test]
fn flat_map_and_flatten_match_std() {
    for v in inputs(4) {
        let v: Vec<u64> = v.into_iter().map(|x| x % 9).collect();
        let expected: Vec<u64> = v.iter().flat_map(|&n| 0..n).collect();
        let flat: Vec<u64> = v.par_iter().flat_map(|&n| (0..n).into_par_iter()).collect();
        assert_eq!(flat, expected);
        let nested: Vec<Vec<u64>> = v.iter().map(|&n| (0..n).collect()).collect();
        let flat: Vec<u64> = nested.clone().into_par_iter().flatten().collect();
        assert_eq!(flat, expected);
        let flat: Vec<&u64> = nested.par_iter().flatten().collect();
        assert_eq!(flat, expected.iter().collect::<Vec<_>>());
        // Unindexed outer and inner iterators, and an inner `flat_map`.
        let flat: Vec<u64> = v
            .par_iter()
            .filter(|n| **n % 3 != 0)
            .flat_map(|&n| (0..n).into_par_iter().filter(|x| x % 2 == 0))
            .collect();
        let std: Vec<u64> = v
            .iter()
            .filter(|n| **n % 3 != 0)
            .flat_map(|&n| (0..n).filter(|x| x % 2 == 0))
            .collect();
        assert_eq!(flat, std);
        let sum: u64 = v
            .par_iter()
            .flat_map(|&n| (0..n).into_par_iter().flat_map(|m| (0..m).into_par_iter()))
            .sum();
        assert_eq!(sum, v.iter().flat_map(|&n| (0..n).flat_map(|m| 0..m)).sum());
    }
}

#[test]
fn flat_map_iter_and_flatten_iter_match_std() {
    for v in inputs(5) {
        let v: Vec<u64> = v.into_iter().map(|x| x % 9).collect();
        let expected: Vec<u64> = v.iter().flat_map(|&n| 0..n).collect();
        let flat: Vec<u64> = v.par_iter().flat_map_iter(|&n| 0..n).collect();
        assert_eq!(flat, expected);
        let nested: Vec<Vec<u64>> = v.iter().map(|&n| (0..n).collect()).collect();
        let flat: Vec<u64> = nested.clone().into_par_iter().flatten_iter().collect();
        assert_eq!(flat, expected);
        let options: Vec<Option<u64>> = v.iter().map(|&n| (n > 4).then_some(n)).collect();
        let flat: Vec<u64> = options.par_iter().copied().flatten_iter().collect();
        assert_eq!(flat, options.iter().flatten().copied().collect::<Vec<_>>());
        let words: Vec<String> = v.iter().map(|n| "ab ".repeat(*n as usize)).collect();
        let count = words
            .par_iter()
            .flat_map_iter(|w| w.split_whitespace())
            .count();
        assert_eq!(
            count,
            words.iter().flat_map(|w| w.split_whitespace()).count()
        );
    }
}

/// The inner iterators of `flat_map` and `flatten` run in parallel: the two items of one
/// inner iterator meet at a rendezvous, which they can only do on two workers at once.
#[test]
#[cfg_attr(miri, ignore)] // waits on a pool of its own
fn flat_map_runs_inner_iterators_in_parallel() {
    fn meet(a: &Latch, b: &Latch, i: u32) -> bool {
        let (mine, other) = if i == 0 { (a, b) } else { (b, a) };
        mine.set();
        other.wait()
    }
    let (a, b) = (Latch::default(), Latch::default());
    let met: Vec<bool> = in_pool(2, || {
        std::iter::once(())
            .collect::<Vec<_>>()
            .into_par_iter()
            .flat_map(|()| {
                (0..2u32)
                    .into_par_iter()
                    .with_max_len(1)
                    .map(|i| meet(&a, &b, i))
            })
            .collect()
    });
    assert_eq!(met, [true, true], "flat_map: both inner items ran at once");
    let (a, b) = (Latch::default(), Latch::default());
    let met: Vec<bool> = in_pool(2, || {
        vec![
            (0..2u32)
                .into_par_iter()
                .with_max_len(1)
                .map(|i| meet(&a, &b, i)),
        ]
        .into_par_iter()
        .flatten()
        .collect()
    });
    assert_eq!(met, [true, true], "flatten: both inner items ran at once");
}

#[test]
fn chain_matches_std() {
    let all = inputs(6);
    for (a, b) in all.iter().zip(all.iter().rev()) {
        let expected: Vec<u64> = a.iter().chain(b).copied().collect();
        let chained: Vec<u64> = a.par_iter().chain(b.par_iter()).copied().collect();
        assert_eq!(chained, expected);
        check_indexed(
            "chain",
            a.par_iter().copied().chain(b.par_iter().copied()),
            &expected,
        );
        // Unindexed halves, and one of each.
        let odd = |x: &&u64| **x % 2 == 1;
        let expected: Vec<u64> = a
            .iter()
            .filter(odd)
            .chain(b.iter().filter(odd))
            .copied()
            .collect();
        let chained: Vec<u64> = a
            .par_iter()
            .filter(odd)
            .chain(b.par_iter().filter(odd))
            .copied()
            .collect();
        assert_eq!(chained, expected);
        let expected: Vec<u64> = a.iter().chain(b.iter().filter(odd)).copied().collect();
        let chained: Vec<u64> = a
            .par_iter()
            .chain(b.par_iter().filter(odd))
            .copied()
            .collect();
        assert_eq!(chained, expected);
        let expected: Vec<u64> = a.iter().filter(odd).chain(b.iter()).copied().collect();
        let chained: Vec<u64> = a
            .par_iter()
            .filter(odd)
            .chain(b.par_iter())
            .copied()
            .collect();
        assert_eq!(chained, expected);
        // Three, with the indexed consumer of `zip`.
        let three: Vec<(usize, u64)> = a
            .par_iter()
            .chain(b)
            .chain(a)
            .copied()
            .enumerate()
            .collect();
        let std: Vec<(usize, u64)> = a.iter().chain(b).chain(a).copied().enumerate().collect();
        assert_eq!(three, std);
    }
}

/// The sequence `intersperse` should make.
fn interspersed(items: impl IntoIterator<Item = u64>, sep: u64) -> Vec<u64> {
    let mut out = Vec::new();
    for x in items {
        if !out.is_empty() {
            out.push(sep);
        }
        out.push(x);
    }
    out
}

#[test]
fn intersperse_matches_std() {
    const SEP: u64 = u64::MAX;
    for v in inputs(7) {
        let expected = interspersed(v.iter().copied(), SEP);
        let out: Vec<u64> = v.par_iter().copied().intersperse(SEP).collect();
        assert_eq!(out, expected);
        check_indexed(
            "intersperse",
            v.par_iter().copied().intersperse(SEP),
            &expected,
        );
        // Pieces of one item each, read through the producer (`with_max_len`, `enumerate`).
        let out: Vec<u64> = v
            .par_iter()
            .copied()
            .intersperse(SEP)
            .with_max_len(1)
            .collect();
        assert_eq!(out, expected);
        let out: Vec<(usize, u64)> = v.par_iter().copied().intersperse(SEP).enumerate().collect();
        assert_eq!(
            out,
            expected.iter().copied().enumerate().collect::<Vec<_>>()
        );
        // Unindexed bases, whose first pieces may all be empty.
        let mut rng = Rng::new(v.len() as u64);
        for keep_one_in in [1, 2, 50, 1000, 100_000] {
            let cut = rng.below(v.len() as u64 + 1);
            let keep = |i: &usize| (*i as u64) >= cut && (*i as u64) % keep_one_in == 0;
            let expected = interspersed((0..v.len()).filter(keep).map(|i| v[i]), SEP);
            let out: Vec<u64> = (0..v.len())
                .into_par_iter()
                .filter(keep)
                .map(|i| v[i])
                .intersperse(SEP)
                .collect();
            assert_eq!(
                out,
                expected,
                "len {}, cut {cut}, keep 1 in {keep_one_in}",
                v.len()
            );
            let sum: u64 = (0..v.len())
                .into_par_iter()
                .filter(keep)
                .map(|i| v[i] % 7)
                .intersperse(1)
                .sum();
            assert_eq!(
                sum,
                interspersed((0..v.len()).filter(keep).map(|i| v[i] % 7), 1)
                    .iter()
                    .sum()
            );
        }
    }
    // A separator that is itself the item searched for, and a string.
    assert_eq!(
        vec![1u8, 2]
            .into_par_iter()
            .intersperse(0)
            .position_any(|x| x == 0),
        Some(1)
    );
    let s: Vec<&str> = ["a", "b", "c"]
        .par_iter()
        .copied()
        .intersperse("-")
        .collect();
    assert_eq!(s.concat(), "a-b-c");
}

/// A source that knows its length but splits itself, unevenly: its left parts are a
/// quarter of the range, so short ranges split off empty left parts.
#[derive(Clone)]
struct Lopsided(std::ops::Range<u64>);

impl UnindexedProducer for Lopsided {
    type Item = u64;
    fn split(self) -> (Self, Option<Self>) {
        let r = self.0;
        if r.end - r.start < 2 {
            return (Lopsided(r), None);
        }
        let mid = r.start + (r.end - r.start) / 4;
        (Lopsided(r.start..mid), Some(Lopsided(mid..r.end)))
    }
    fn fold_with<F: Folder<u64>>(self, folder: F) -> F {
        folder.consume_iter(self.0)
    }
}

impl ParallelIterator for Lopsided {
    type Item = u64;
    fn drive_unindexed<C: UnindexedConsumer<u64>>(self, consumer: C) -> C::Result {
        bridge_unindexed(self, consumer)
    }
    fn opt_len(&self) -> Option<usize> {
        Some((self.0.end - self.0.start) as usize)
    }
}

/// `intersperse` over pieces that are empty, split with and without an index: the
/// separators still go only between items (counted through `sum` and `count`, which
/// accept pieces split without an index).
#[test]
fn intersperse_over_empty_pieces_split_both_ways() {
    const SEP: u64 = 1_000_000;
    for len in [0u64, 1, 2, 3, 5, 17, 100, 1000] {
        for head in [0u64, 1, 4] {
            let items = (0..head).chain(100..100 + len);
            let expected = interspersed(items, SEP);
            let chained = || (0..head).into_par_iter().chain(Lopsided(100..100 + len));
            assert_eq!(
                chained().intersperse(SEP).count(),
                expected.len(),
                "len {len}, head {head}"
            );
            assert_eq!(
                chained().intersperse(SEP).sum::<u64>(),
                expected.iter().sum(),
                "len {len}, head {head}"
            );
            let list: Vec<u64> = chained()
                .intersperse(SEP)
                .collect_vec_list()
                .into_iter()
                .flatten()
                .collect();
            assert_eq!(list, expected, "len {len}, head {head}");
        }
    }
}

#[test]
fn positions_match_std() {
    for v in inputs(8) {
        let expected: Vec<usize> = v
            .iter()
            .enumerate()
            .filter(|(_, x)| **x % 3 == 0)
            .map(|(i, _)| i)
            .collect();
        let out: Vec<usize> = v.par_iter().positions(|x| x % 3 == 0).collect();
        assert_eq!(out, expected);
        let out: Vec<usize> = v
            .par_iter()
            .with_max_len(3)
            .positions(|x| x % 3 == 0)
            .collect();
        assert_eq!(out, expected);
        assert_eq!(v.par_iter().positions(|_| true).count(), v.len());
    }
}

/// One piece only: the result is std's exactly.
fn one_piece(v: &[u64]) -> impl IndexedParallelIterator<Item = u64> + '_ {
    v.par_iter().copied().with_min_len(usize::MAX)
}

#[test]
fn while_some_passes_values_up_to_a_none() {
    for v in inputs(9) {
        let all: Vec<u64> = v.par_iter().map(|&x| Some(x)).while_some().collect();
        assert_eq!(all, v);
        let options: Vec<Option<u64>> = v.iter().map(|&x| (x != 7).then_some(x)).collect();
        let std: Vec<u64> = options.iter().map_while(|x| *x).collect();
        let single: Vec<u64> = one_piece(&v)
            .map(|x| (x != 7).then_some(x))
            .while_some()
            .collect();
        assert_eq!(single, std);
        // In parallel: a subsequence of the values, in order, without the `None`.
        let out: Vec<u64> = options.par_iter().copied().while_some().collect();
        let mut rest = options.iter().flatten();
        assert!(out.iter().all(|x| rest.any(|y| y == x)), "a subsequence");
        if !options.contains(&None) {
            assert_eq!(out, v);
        }
    }
    assert_eq!(
        vec![None, Some(1)]
            .into_par_iter()
            .with_min_len(9)
            .while_some()
            .count(),
        0
    );
}

#[test]
fn take_any_and_skip_any_match_std_in_count() {
    for v in inputs(10) {
        let mut rng = Rng::new(v.len() as u64 + 10);
        for n in [
            0,
            1,
            rng.below(v.len() as u64 + 2) as usize,
            v.len(),
            v.len() + 1,
        ] {
            let taken: Vec<u64> = v.par_iter().copied().take_any(n).collect();
            assert_eq!(taken.len(), n.min(v.len()));
            let skipped: Vec<u64> = v.par_iter().copied().skip_any(n).collect();
            assert_eq!(skipped.len(), v.len().saturating_sub(n));
            // The items keep their order, and together they are all the items.
            let idx: Vec<usize> = (0..v.len()).into_par_iter().take_any(n).collect();
            let rest: Vec<usize> = (0..v.len()).into_par_iter().skip_any(n).collect();
            assert!(idx.windows(2).all(|w| w[0] < w[1]) && rest.windows(2).all(|w| w[0] < w[1]));
            let mut both: Vec<usize> = idx.into_iter().chain(rest).collect();
            both.sort_unstable();
            assert!(both.len() <= v.len() + n && both.iter().all(|&i| i < v.len()));
            assert_eq!(
                one_piece(&v).take_any(n).collect::<Vec<_>>(),
                v.iter().copied().take(n).collect::<Vec<_>>()
            );
            assert_eq!(
                one_piece(&v).skip_any(n).collect::<Vec<_>>(),
                v.iter().copied().skip(n).collect::<Vec<_>>()
            );
            let odd = |x: &u64| x % 2 == 1;
            let count = v.iter().copied().filter(odd).count();
            assert_eq!(
                v.par_iter().copied().filter(odd).take_any(n).count(),
                n.min(count)
            );
            assert_eq!(
                v.par_iter().copied().filter(odd).skip_any(n).count(),
                count.saturating_sub(n)
            );
        }
    }
}

#[test]
fn take_any_while_and_skip_any_while_match_std() {
    for v in inputs(11) {
        let small = |x: &u64| *x < 900;
        assert_eq!(
            one_piece(&v).take_any_while(small).collect::<Vec<_>>(),
            v.iter().copied().take_while(small).collect::<Vec<_>>()
        );
        assert_eq!(
            one_piece(&v).skip_any_while(small).collect::<Vec<_>>(),
            v.iter().copied().skip_while(small).collect::<Vec<_>>()
        );
        // In parallel: taken items satisfy the predicate; every item that fails it is
        // kept by `skip_any_while`; order is kept.
        let taken: Vec<u64> = v.par_iter().copied().take_any_while(small).collect();
        assert!(taken.iter().all(small));
        let kept: Vec<usize> = (0..v.len())
            .into_par_iter()
            .skip_any_while(|&i| small(&v[i]))
            .collect();
        assert!(kept.windows(2).all(|w| w[0] < w[1]));
        let failing: Vec<usize> = (0..v.len()).filter(|&i| !small(&v[i])).collect();
        assert!(failing.iter().all(|i| kept.binary_search(i).is_ok()));
        assert_eq!(v.par_iter().take_any_while(|_| true).count(), v.len());
        assert_eq!(v.par_iter().skip_any_while(|_| true).count(), 0);
        assert_eq!(v.par_iter().skip_any_while(|_| false).count(), v.len());
    }
}

#[test]
fn try_fold_matches_std() {
    for v in inputs(12) {
        let total: u64 = v.iter().sum();
        let sum = v
            .par_iter()
            .try_fold(|| 0u64, |a, &x| Ok::<u64, u64>(a + x))
            .try_reduce(|| 0, |a, b| Ok(a + b));
        assert_eq!(sum, Ok(total));
        let sum = v
            .par_iter()
            .try_fold_with(0u64, |a, &x| Some(a + x))
            .try_reduce(|| 0, |a, b| Some(a + b));
        assert_eq!(sum, Some(total));
        // Without a failure, the accumulators of the pieces add up to the total.
        let pieces: Vec<Result<u64, u64>> =
            v.par_iter().try_fold(|| 0, |a, &x| Ok(a + x)).collect();
        assert_eq!(pieces.iter().map(|r| r.unwrap()).sum::<u64>(), total);
        // With failures, a failure comes out, one of the failing items.
        let failing = |x: u64| x % 100 == 99;
        let r = v
            .par_iter()
            .try_fold(|| 0u64, |a, &x| if failing(x) { Err(x) } else { Ok(a + x) })
            .try_reduce(|| 0, |a, b| Ok(a + b));
        match r {
            Ok(sum) => assert!(!v.iter().any(|&x| failing(x)) && sum == total),
            Err(x) => assert!(failing(x) && v.contains(&x)),
        }
        // One piece: std's `try_fold` exactly.
        let single: Vec<ControlFlow<u64, u64>> = one_piece(&v)
            .try_fold(
                || 0,
                |a, x| {
                    if failing(x) {
                        ControlFlow::Break(x)
                    } else {
                        ControlFlow::Continue(a + x)
                    }
                },
            )
            .collect();
        let std = v.iter().try_fold(0, |a, &x| {
            if failing(x) {
                ControlFlow::Break(x)
            } else {
                ControlFlow::Continue(a + x)
            }
        });
        assert_eq!(single, [std]);
    }
    let empty: Vec<Result<u8, ()>> = (0..0u8)
        .into_par_iter()
        .try_fold(|| 7, |a, x| Ok(a + x))
        .collect();
    assert!(
        empty.iter().all(|r| *r == Ok(7)),
        "each piece starts at the identity"
    );
}

#[test]
fn try_reduce_and_try_reduce_with_match_std() {
    for v in inputs(13) {
        let total: u64 = v.iter().sum();
        let r = v
            .par_iter()
            .map(|&x| Ok::<u64, u64>(x))
            .try_reduce(|| 0, |a, b| Ok(a + b));
        assert_eq!(r, Ok(total));
        let r = v
            .par_iter()
            .map(|&x| Some(x))
            .try_reduce_with(|a, b| Some(a + b));
        assert_eq!(r, (!v.is_empty()).then_some(Some(total)));
        let r = v
            .par_iter()
            .map(|&x| ControlFlow::<(), u64>::Continue(x))
            .try_reduce(|| 0, |a, b| ControlFlow::Continue(a.max(b)));
        assert_eq!(
            r,
            ControlFlow::Continue(v.iter().copied().max().unwrap_or(0))
        );
        // Failing items: one of them comes out.
        let r = v
            .par_iter()
            .map(|&x| if x >= 990 { Err(x) } else { Ok(x) })
            .try_reduce(|| 0, |a, b| Ok(a + b));
        match r {
            Ok(sum) => assert!(v.iter().all(|&x| x < 990) && sum == total),
            Err(x) => assert!(x >= 990 && v.contains(&x)),
        }
        let r = v
            .par_iter()
            .map(|&x| if x >= 990 { Err(x) } else { Ok(x) })
            .try_reduce_with(|a, b| Ok(a + b));
        match r {
            None => assert!(v.is_empty()),
            Some(Ok(sum)) => assert!(v.iter().all(|&x| x < 990) && sum == total),
            Some(Err(x)) => assert!(x >= 990 && v.contains(&x)),
        }
        // A failing reduction is a failure too.
        let r = v
            .par_iter()
            .map(|&x| Some(x as u8))
            .try_reduce(|| 0, u8::checked_add);
        let std = v.iter().try_fold(0u8, |a, &x| a.checked_add(x as u8));
        assert_eq!(r.is_some(), std.is_some());
        assert_eq!(r, std);
        let r = v
            .par_iter()
            .try_for_each(|&x| if x == 500 { Err(x) } else { Ok(()) });
        assert_eq!(r, if v.contains(&500) { Err(500) } else { Ok(()) });
    }
    assert_eq!(
        (0..0)
            .into_par_iter()
            .map(Some)
            .try_reduce(|| 5, |a, b| Some(a + b)),
        Some(5)
    );
    assert_eq!(
        (0..0)
            .into_par_iter()
            .map(Some)
            .try_reduce_with(|a: i32, b| Some(a + b)),
        None
    );
    assert_eq!(
        (3..4)
            .into_par_iter()
            .map(Some)
            .try_reduce_with(|a: i32, b| Some(a + b)),
        Some(Some(3))
    );
}

#[test]
fn panic_fuse_is_transparent_without_a_panic() {
    for v in inputs(14) {
        check_indexed("panic_fuse", v.par_iter().copied().panic_fuse(), &v);
        let odd: Vec<u64> = v
            .par_iter()
            .copied()
            .filter(|x| x % 2 == 1)
            .panic_fuse()
            .collect();
        assert_eq!(
            odd,
            v.iter().copied().filter(|x| x % 2 == 1).collect::<Vec<_>>()
        );
        let zipped: Vec<(u64, u64)> = v
            .par_iter()
            .copied()
            .panic_fuse()
            .zip(v.par_iter().copied())
            .collect();
        assert_eq!(zipped, v.iter().map(|&x| (x, x)).collect::<Vec<_>>());
    }
}

#[test]
fn adapters_keep_rayon_debug_shapes() {
    let v = vec![1u8, 2];
    let base = format!("{:?}", v.par_iter());
    assert_eq!(
        format!("{:?}", v.par_iter().cloned()),
        format!("Cloned {{ base: {base} }}")
    );
    assert_eq!(
        format!("{:?}", v.par_iter().inspect(|_| ())),
        format!("Inspect {{ base: {base} }}")
    );
    assert_eq!(
        format!("{:?}", v.par_iter().copied().intersperse(0)),
        format!("Intersperse {{ base: Copied {{ base: {base} }}, item: 0 }}")
    );
    assert_eq!(
        format!("{:?}", v.par_iter().take_any(1)),
        format!("TakeAny {{ base: {base}, count: 1 }}")
    );
    assert_eq!(
        format!("{:?}", v.par_iter().chain(&v)),
        format!("Chain {{ a: {base}, b: {base} }}")
    );
    let _ = v
        .par_iter()
        .copied()
        .try_fold_with(0u8, |a, b| a.checked_add(b))
        .clone();
}

// ---------------------------------------------------------------------------------------
// Under `with_cancel`.

/// Items of the cancellation scenarios.
const N: u64 = if cfg!(miri) { 300 } else { 10_000 };

/// A chain run with a hook that every source item calls.
type Hook<'a> = &'a (dyn Fn() + Sync);

/// A chain with `with_cancel` returns what the plain chain returns when its token is not
/// cancelled, and `Err(Cancelled)` when it is cancelled before the call (running no item)
/// or by its first item.
fn check_cancellable<R: PartialEq + Debug>(
    what: &str,
    plain: R,
    run: impl Fn(&CancelToken, Hook<'_>) -> Result<R, Cancelled>,
) {
    let token = CancelSource::new().token();
    assert_eq!(run(&token, &|| ()), Ok(plain), "{what}: not cancelled");

    let source = CancelSource::new();
    source.cancel();
    let ran = AtomicUsize::new(0);
    let hook = || {
        ran.fetch_add(1, Ordering::Relaxed);
    };
    assert_eq!(
        run(&source.token(), &hook),
        Err(Cancelled),
        "{what}: cancelled before"
    );
    assert_eq!(ran.into_inner(), 0, "{what}: no item ran");

    let source = CancelSource::new();
    let hook = || {
        source.cancel();
    };
    assert_eq!(
        run(&source.token(), &hook),
        Err(Cancelled),
        "{what}: cancelled by an item"
    );
}

/// Checks `$adapt` (applied to `it`, a parallel iterator of `&u64`) followed by
/// `$consume` (applied to `c`) with `with_cancel` before the adapter and after it.
macro_rules! cancellable {
    ($what:expr, $data:expr, |$it:ident| $adapt:expr, |$c:ident| $consume:expr) => {{
        let data: &[u64] = $data;
        let plain = {
            let $it = data.par_iter();
            let $c = $adapt;
            $consume
        };
        check_cancellable(
            concat!($what, ", with_cancel before"),
            plain,
            |token, hook| {
                let $it = data.par_iter().with_cancel(token).map(move |x| {
                    hook();
                    x
                });
                let $c = $adapt;
                $consume
            },
        );
        let plain = {
            let $it = data.par_iter();
            let $c = $adapt;
            $consume
        };
        check_cancellable(
            concat!($what, ", with_cancel after"),
            plain,
            |token, hook| {
                let $it = data.par_iter().map(move |x| {
                    hook();
                    x
                });
                let $c = $adapt.with_cancel(token);
                $consume
            },
        );
    }};
}

#[test]
fn every_adapter_under_with_cancel() {
    let data: Vec<u64> = (0..N).collect();
    let strings: Vec<String> = (0..N).map(|x| x.to_string()).collect();
    let d = &data[..];
    cancellable!(
        "cloned",
        d,
        |it| it.map(|x| &strings[*x as usize]).cloned(),
        |c| c.count()
    );
    cancellable!("copied", d, |it| it.copied(), |c| c.sum::<u64>());
    cancellable!("inspect", d, |it| it.inspect(|x| assert!(**x < N)), |c| c
        .count());
    cancellable!("update", d, |it| it.copied().update(|x| *x += 1), |c| c
        .sum::<u64>());
    cancellable!(
        "flat_map",
        d,
        |it| it.flat_map(|x| (0..x % 4).into_par_iter()),
        |c| c.sum::<u64>()
    );
    cancellable!("flatten", d, |it| it.map(|x| vec![*x; 2]).flatten(), |c| {
        c.sum::<u64>()
    });
    cancellable!(
        "flat_map_iter",
        d,
        |it| it.flat_map_iter(|x| 0..x % 4),
        |c| c.sum::<u64>()
    );
    cancellable!(
        "flatten_iter",
        d,
        |it| it.map(|x| vec![*x; 2]).flatten_iter(),
        |c| c.sum::<u64>()
    );
    cancellable!("chain", d, |it| it.chain(d), |c| c.collect::<Vec<_>>());
    cancellable!(
        "chain, unindexed",
        d,
        |it| it.filter(|x| **x % 2 == 0).chain(d),
        |c| c.count()
    );
    cancellable!("intersperse", d, |it| it.copied().intersperse(N), |c| c
        .collect::<Vec<_>>());
    cancellable!(
        "intersperse, unindexed",
        d,
        |it| it.copied().filter(|x| x % 3 == 0).intersperse(N),
        |c| c.collect::<Vec<_>>()
    );
    cancellable!("positions", d, |it| it.positions(|x| x % 3 == 0), |c| c
        .collect::<Vec<_>>());
    cancellable!("while_some", d, |it| it.map(Some).while_some(), |c| c
        .count());
    cancellable!("panic_fuse", d, |it| it.panic_fuse(), |c| c
        .collect::<Vec<_>>());
    cancellable!("take_any", d, |it| it.take_any(N as usize / 2), |c| c
        .count());
    cancellable!("skip_any", d, |it| it.skip_any(N as usize / 2), |c| c
        .count());
    cancellable!("take_any_while", d, |it| it.take_any_while(|_| true), |c| c
        .count());
    cancellable!(
        "skip_any_while",
        d,
        |it| it.skip_any_while(|_| false),
        |c| c.count()
    );
    cancellable!(
        "try_fold",
        d,
        |it| it.try_fold(|| 0, |a, x| Ok::<u64, ()>(a + x)),
        |c| c.try_reduce(|| 0, |a, b| Ok(a + b))
    );
    cancellable!(
        "try_fold_with",
        d,
        |it| it.try_fold_with(0, |a, x| Some(a + x)),
        |c| c.try_reduce_with(|a, b| Some(a + b))
    );
    cancellable!("try_reduce", d, |it| it.map(|x| Some(*x)), |c| c
        .try_reduce(|| 0, |a, b| Some(a + b)));
    cancellable!("try_for_each", d, |it| it.copied(), |c| c
        .try_for_each(|x| (x < N).then_some(())));
}

/// A failure found before or despite a cancellation is a decisive answer: it is kept.
#[test]
fn a_failure_is_kept_when_the_call_is_also_cancelled() {
    let source = CancelSource::new();
    let token = source.token();
    let r = (0..N)
        .into_par_iter()
        .with_cancel(&token)
        .map(|x| {
            if x == 3 {
                source.cancel();
                return Err(x);
            }
            Ok(x)
        })
        .try_reduce(|| 0, |a, b| Ok(a + b));
    assert_eq!(r, Ok(Err(3)));
    let source = CancelSource::new();
    let token = source.token();
    let r = (0..N)
        .into_par_iter()
        .with_cancel(&token)
        .map(|x| {
            source.cancel();
            (x != 3).then_some(x)
        })
        .try_reduce_with(|a, b| Some(a + b));
    assert!(matches!(r, Ok(Some(None)) | Err(Cancelled)), "{r:?}");
}

/// Runs `$adapt` (on `it`, a cancellable parallel iterator of `Tracked` items counted in
/// `counts`, cancelled when a quarter of `N` items were made) into `collect`, and checks that every item made
/// or cloned is dropped once: after an uncancelled run, whose result is dropped, and
/// after a cancelled one, which must be `Err`.
macro_rules! drops_once {
    ($what:expr, |$it:ident, $counts:ident| $adapt:expr) => {{
        for cancel in [false, true] {
            let counts = Counts::default();
            let $counts = &counts;
            let source = CancelSource::new();
            let token = source.token();
            let make = |i: u64| {
                let item = Tracked::new(i, &counts);
                if cancel && counts.made.load(Ordering::SeqCst) >= N as usize / 4 {
                    source.cancel();
                }
                item
            };
            let result = {
                let $it = (0..N).into_par_iter().with_cancel(&token).map(make);
                $adapt.collect::<Vec<_>>()
            };
            assert_eq!(result.is_err(), cancel, "{}: cancelled {cancel}", $what);
            drop(result);
            assert!(
                counts.balanced(),
                "{}: cancelled {cancel}: {counts:?}",
                $what
            );
        }
    }};
}

#[test]
#[cfg_attr(miri, ignore)] // many items, many adapters
fn cancelled_chains_drop_every_item_once() {
    drops_once!("inspect", |it, _counts| it
        .inspect(|t| assert!(t.value < N)));
    drops_once!("update", |it, _counts| it.update(|t| t.value += 1));
    drops_once!("flat_map", |it, _counts| it
        .flat_map(|t| vec![t.clone(), t]));
    drops_once!("flatten", |it, _counts| it.map(|t| vec![t]).flatten());
    drops_once!("flat_map_iter", |it, _counts| it
        .flat_map_iter(|t| vec![t.clone(), t]));
    drops_once!("flatten_iter", |it, _counts| it.map(Some).flatten_iter());
    drops_once!("intersperse", |it, counts| it
        .intersperse(Tracked::new(N, counts)));
    drops_once!("while_some", |it, _counts| it.map(Some).while_some());
    drops_once!("panic_fuse", |it, _counts| it.panic_fuse());
    drops_once!("take_any", |it, _counts| it.take_any(N as usize / 2));
    drops_once!("skip_any", |it, _counts| it.skip_any(10));
    drops_once!("take_any_while", |it, _counts| it.take_any_while(|_| true));
    drops_once!("skip_any_while", |it, _counts| it
        .skip_any_while(|t| t.value < 10));
    drops_once!("try_fold", |it, _counts| it.try_fold(
        Vec::new,
        |mut v, t| {
            v.push(t);
            Ok::<_, ()>(v)
        }
    ));
    drops_once!("positions", |it, _counts| it
        .positions(|t| t.value % 2 == 0));
    {
        // `chain`: the second half's items are counted too.
        for cancel in [false, true] {
            let counts = Counts::default();
            let source = CancelSource::new();
            let token = source.token();
            let result = (0..N)
                .into_par_iter()
                .with_cancel(&token)
                .map(|i| {
                    if cancel && i == N / 2 {
                        source.cancel();
                    }
                    Tracked::new(i, &counts)
                })
                .chain((0..N).into_par_iter().map(|i| Tracked::new(i, &counts)))
                .collect::<Vec<_>>();
            assert_eq!(result.is_err(), cancel);
            drop(result);
            assert!(counts.balanced(), "chain: cancelled {cancel}: {counts:?}");
        }
    }
    {
        // `cloned`: the clones are dropped once; the originals stay.
        let counts = Counts::default();
        let items: Vec<Tracked> = (0..N).map(|i| Tracked::new(i, &counts)).collect();
        let source = CancelSource::new();
        let token = source.token();
        let result = items
            .par_iter()
            .with_cancel(&token)
            .inspect(|t| {
                if t.value == N / 2 {
                    source.cancel();
                }
            })
            .cloned()
            .collect::<Vec<_>>();
        assert_eq!(result.map(|v| v.len()), Err(Cancelled));
        drop(items);
        assert!(counts.balanced(), "cloned: {counts:?}");
    }
}

/// A panic in any piece comes back to the caller, through every adapter.
#[test]
#[cfg_attr(miri, ignore)] // many unwinds
fn panics_propagate_through_every_adapter() {
    quiet_expected_panics();
    fn item(x: u64) -> u64 {
        assert!(x != N / 3, "{EXPECTED}: item {x}");
        x
    }
    macro_rules! propagates {
        ($what:expr, $run:expr) => {{
            let payload = catch_unwind(AssertUnwindSafe(|| $run)).expect_err($what);
            assert!(panic_message(&*payload).starts_with(EXPECTED), "{}", $what);
        }};
    }
    let data: Vec<u64> = (0..N).collect();
    let it = || data.par_iter().copied().map(item);
    propagates!(
        "cloned",
        data.par_iter()
            .inspect(|x| {
                item(**x);
            })
            .cloned()
            .count()
    );
    propagates!(
        "copied",
        data.par_iter()
            .inspect(|x| {
                item(**x);
            })
            .copied()
            .count()
    );
    propagates!("inspect", it().inspect(|_| ()).count());
    propagates!("update", it().update(|x| *x += 1).count());
    propagates!(
        "flat_map",
        data.par_iter()
            .flat_map(|&x| (x..x + 2).into_par_iter().map(item))
            .count()
    );
    propagates!("flatten", it().map(|x| vec![x]).flatten().count());
    propagates!(
        "flat_map_iter",
        data.par_iter()
            .flat_map_iter(|&x| (x..x + 2).map(item))
            .count()
    );
    propagates!("flatten_iter", it().map(Some).flatten_iter().count());
    propagates!("chain", data.par_iter().copied().chain(it()).count());
    propagates!("intersperse", it().intersperse(0).count());
    propagates!("positions", it().positions(|x| x % 2 == 0).count());
    propagates!("while_some", it().map(Some).while_some().count());
    propagates!("panic_fuse", it().panic_fuse().count());
    propagates!("take_any", it().take_any(N as usize).count());
    propagates!("skip_any", it().skip_any(1).count());
    propagates!("take_any_while", it().take_any_while(|_| true).count());
    propagates!("skip_any_while", it().skip_any_while(|_| false).count());
    propagates!("try_fold", it().try_fold(|| 0, |a, x| Some(a + x)).count());
    propagates!(
        "try_reduce",
        it().map(Some).try_reduce(|| 0, |a, b| Some(a + b))
    );
    propagates!(
        "try_reduce_with",
        it().map(Some).try_reduce_with(|a, b| Some(a + b))
    );
}

// ---------------------------------------------------------------------------------------
// Short-circuits stop items that are still running (rayon issues 638, 496, 1067).

#[test]
#[cfg_attr(miri, ignore)] // waits on a pool of its own
fn a_none_stops_a_running_item_of_while_some() {
    let out: Vec<u32> = two_items("while_some", |long| {
        (0..2u32)
            .into_par_iter()
            .with_max_len(1)
            .map(|i| {
                if i == 0 {
                    long.wait_started();
                    return None;
                }
                long.run();
                Some(i)
            })
            .while_some()
            .collect()
    });
    assert_eq!(
        out,
        [],
        "the item that finished after the `None` is not passed on"
    );
}

#[test]
#[cfg_attr(miri, ignore)] // waits on a pool of its own
fn taking_the_last_item_stops_a_running_item_of_take_any() {
    let out: Vec<u32> = two_items("take_any", |long| {
        (0..2u32)
            .into_par_iter()
            .with_max_len(1)
            .map(|i| {
                if i == 0 {
                    long.wait_started();
                } else {
                    long.run();
                }
                i
            })
            .take_any(1)
            .collect()
    });
    assert_eq!(out, [0]);
    let out: Vec<u32> = two_items("take_any_while", |long| {
        (0..2u32)
            .into_par_iter()
            .with_max_len(1)
            .map(|i| {
                if i == 0 {
                    long.wait_started();
                } else {
                    long.run();
                }
                i
            })
            .take_any_while(|&i| i != 0)
            .collect()
    });
    assert_eq!(out, []);
}

#[test]
#[cfg_attr(miri, ignore)] // waits on a pool of its own
fn a_failure_stops_a_running_item_of_try_fold() {
    // Collected, so that only `try_fold` itself can stop the other piece.
    let out: Vec<Result<u32, u32>> = two_items("try_fold", |long| {
        (0..2u32)
            .into_par_iter()
            .with_max_len(1)
            .try_fold(
                || 0,
                |acc, i| {
                    if i == 0 {
                        long.wait_started();
                        return Err(i);
                    }
                    long.run();
                    Ok(acc + i)
                },
            )
            .collect()
    });
    assert_eq!(out, [Err(0), Ok(1)]);
}

#[test]
#[cfg_attr(miri, ignore)] // waits on a pool of its own
fn a_failure_stops_a_running_item_of_try_reduce() {
    fn item(long: &LongItem, i: u32) -> Result<u32, u32> {
        if i == 0 {
            long.wait_started();
            return Err(i);
        }
        long.run();
        Ok(i)
    }
    let r = two_items("try_reduce", |long| {
        (0..2u32)
            .into_par_iter()
            .with_max_len(1)
            .map(|i| item(long, i))
            .try_reduce(|| 0, |a, b| Ok(a + b))
    });
    assert_eq!(r, Err(0));
    let r = two_items("try_reduce_with", |long| {
        (0..2u32)
            .into_par_iter()
            .with_max_len(1)
            .map(|i| item(long, i))
            .try_reduce_with(|a, b| Ok(a + b))
    });
    assert_eq!(r, Some(Err(0)));
    let r = two_items("try_for_each", |long| {
        (0..2u32)
            .into_par_iter()
            .with_max_len(1)
            .try_for_each(|i| item(long, i).map(drop))
    });
    assert_eq!(r, Err(0));
}

/// After one piece panics, the others stop at their next item, and items still running
/// see the cancellation; the panic comes back once they have stopped.
#[test]
#[cfg_attr(miri, ignore)] // waits on a pool of its own
fn a_panic_stops_the_other_pieces_of_panic_fuse() {
    quiet_expected_panics();
    const ITEMS: u32 = 100_000;
    let long = LongItem::default();
    let ran = AtomicUsize::new(0);
    let result = catch_unwind(AssertUnwindSafe(|| {
        in_pool(2, || {
            (0..ITEMS).into_par_iter().panic_fuse().for_each(|i| {
                ran.fetch_add(1, Ordering::SeqCst);
                if i == 10 {
                    long.wait_started();
                    panic!("{EXPECTED}: item 10");
                }
                if i > 10 {
                    // Every item after the panicking one waits for the cancellation: only
                    // a fuse lets the call end before `WATCHDOG`.
                    long.run();
                }
            })
        })
    }));
    let payload = result.expect_err("the panic comes back");
    assert_eq!(panic_message(&*payload), format!("{EXPECTED}: item 10"));
    long.assert_left_early("panic_fuse");
    let ran = ran.into_inner();
    assert!(
        ran < 200,
        "the pieces stopped at their next item: {ran} of {ITEMS} ran"
    );
}

/// An adapter that stops early cancels only the work before it: items it has passed on
/// finish under the call's own token.
#[test]
fn items_passed_on_are_not_cancelled_by_the_adapter() {
    let fine = || cancelpool::checkpoint().is_ok() && !cancelpool::current_token().is_cancelled();
    let seen: Vec<bool> = (0..1000u32)
        .into_par_iter()
        .take_any(1)
        .map(|_| fine())
        .collect();
    assert_eq!(
        seen,
        [true],
        "take_any stopped the call as it passed its item on"
    );
    let seen: Vec<bool> = (0..1000u32)
        .into_par_iter()
        .with_min_len(usize::MAX)
        .map(|i| (i < 5).then_some(i))
        .while_some()
        .map(|_| fine())
        .collect();
    assert_eq!(seen, [true; 5]);
    let seen: Vec<bool> = (0..1000u32)
        .into_par_iter()
        .with_min_len(usize::MAX)
        .try_fold(|| 0, |a, i| if i == 5 { Err(i) } else { Ok(a + i) })
        .map(|r| r == Err(5) && fine())
        .collect();
    assert_eq!(
        seen,
        [true],
        "try_fold stopped the call before it passed its failure on"
    );
    // ... while a cancellation from outside still reaches them.
    let source = CancelSource::new();
    let token = source.token();
    let r = (0..1000u32)
        .into_par_iter()
        .with_cancel(&token)
        .take_any(1)
        .map(|_| {
            source.cancel();
            cancelpool::checkpoint().is_err()
        })
        .collect::<Vec<bool>>();
    assert_eq!(r, Err(Cancelled));
}

/// Stress: many short-circuiting calls on small inputs, racing the stop with the pieces.
#[test]
#[cfg_attr(miri, ignore)] // many calls
fn short_circuits_race_their_pieces() {
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut rng = Rng::new(99);
    for round in 0..300 {
        if Instant::now() > deadline {
            break;
        }
        let len = rng.below(300) as usize;
        let cut = rng.below(len as u64 + 1) as usize;
        let v: Vec<usize> = (0..len).collect();
        let taken = within(WATCHDOG, "take_any", move || {
            v.par_iter()
                .with_max_len(1 + round % 7)
                .take_any(cut)
                .count()
        });
        assert_eq!(taken, cut.min(len));
        let r = (0..len)
            .into_par_iter()
            .with_max_len(3)
            .try_for_each(|i| if i == cut { Err(i) } else { Ok(()) });
        assert_eq!(r, if cut < len { Err(cut) } else { Ok(()) });
        let some = (0..len)
            .into_par_iter()
            .map(|i| (i != cut).then_some(i))
            .while_some()
            .count();
        assert!(some <= len);
    }
}

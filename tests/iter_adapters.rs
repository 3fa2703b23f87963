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

use cancelpool::iter::plumbing::{Folder, Producer, ProducerCallback};
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
    assert_eq!(iter.clone().collect::<Vec<_>>(), expected, "{what}: collect");
    let step = (len / 100).max(1);
    for index in (0..=len).step_by(step).chain([len]) {
        for how in [Read::Forwards, Read::Backwards, Read::Folded] {
            let pieces = iter.clone().with_producer(SplitAt { len, index, how });
            let mid = index + (len - index) / 2;
            assert_eq!(pieces[0], &expected[..index], "{what}: left of {index}");
            assert_eq!(pieces[1], &expected[index..mid], "{what}: middle of {index}");
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
        assert!(self.started.wait(), "the long item started on the other worker");
    }

    fn assert_left_early(&self, what: &str) {
        assert!(!self.timed_out.load(Ordering::SeqCst), "{what}: the long item was never told");
        assert!(self.saw_cancel.load(Ordering::SeqCst), "{what}: the long item saw the cancellation");
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
        assert_eq!(odd, v.iter().filter(|x| *x % 2 == 1).copied().collect::<Vec<_>>());
        let odd: Vec<u64> = v.par_iter().filter(|x| *x % 2 == 1).cloned().collect();
        assert_eq!(odd, v.iter().filter(|x| *x % 2 == 1).cloned().collect::<Vec<_>>());
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
        check_indexed("inspect", v.par_iter().inspect(|_| ()), &v.iter().collect::<Vec<_>>());
    }
}

#[test]
fn update_changes_every_item_in_place() {
    for v in inputs(3) {
        let doubled: Vec<u64> = v.par_iter().copied().update(|x| *x *= 2).collect();
        assert_eq!(doubled, v.iter().map(|x| x * 2).collect::<Vec<_>>());
        let odd_plus: u64 = v.par_iter().copied().filter(|x| x % 2 == 1).update(|x| *x += 1).sum();
        assert_eq!(odd_plus, v.iter().filter(|x| *x % 2 == 1).map(|x| x + 1).sum());
        let expected: Vec<u64> = v.iter().map(|x| x + 7).collect();
        check_indexed("update", v.par_iter().copied().update(|x| *x += 7), &expected);
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
        let count = words.par_iter().flat_map_iter(|w| w.split_whitespace()).count();
        assert_eq!(count, words.iter().flat_map(|w| w.split_whitespace()).count());
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
            .flat_map(|()| (0..2u32).into_par_iter().with_max_len(1).map(|i| meet(&a, &b, i)))
            .collect()
    });
    assert_eq!(met, [true, true], "flat_map: both inner items ran at once");
    let (a, b) = (Latch::default(), Latch::default());
    let met: Vec<bool> = in_pool(2, || {
        vec![(0..2u32).into_par_iter().with_max_len(1).map(|i| meet(&a, &b, i))]
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
        check_indexed("chain", a.par_iter().copied().chain(b.par_iter().copied()), &expected);
        // Unindexed halves, and one of each.
        let odd = |x: &&u64| **x % 2 == 1;
        let expected: Vec<u64> = a.iter().filter(odd).chain(b.iter().filter(odd)).copied().collect();
        let chained: Vec<u64> = a.par_iter().filter(odd).chain(b.par_iter().filter(odd)).copied().collect();
        assert_eq!(chained, expected);
        let expected: Vec<u64> = a.iter().chain(b.iter().filter(odd)).copied().collect();
        let chained: Vec<u64> = a.par_iter().chain(b.par_iter().filter(odd)).copied().collect();
        assert_eq!(chained, expected);
        let expected: Vec<u64> = a.iter().filter(odd).chain(b.iter()).copied().collect();
        let chained: Vec<u64> = a.par_iter().filter(odd).chain(b.par_iter()).copied().collect();
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
        check_indexed("intersperse", v.par_iter().copied().intersperse(SEP), &expected);
        // Pieces of one item each, read through the producer (`with_max_len`, `enumerate`).
        let out: Vec<u64> = v.par_iter().copied().intersperse(SEP).with_max_len(1).collect();
        assert_eq!(out, expected);
        let out: Vec<(usize, u64)> = v.par_iter().copied().intersperse(SEP).enumerate().collect();
        assert_eq!(out, expected.iter().copied().enumerate().collect::<Vec<_>>());
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
            assert_eq!(out, expected, "len {}, cut {cut}, keep 1 in {keep_one_in}", v.len());
            let sum: u64 = (0..v.len())
                .into_par_iter()
                .filter(keep)
                .map(|i| v[i] % 7)
                .intersperse(1)
                .sum();
            assert_eq!(sum, interspersed((0..v.len()).filter(keep).map(|i| v[i] % 7), 1).iter().sum());
        }
    }
    // A separator that is itself the item searched for, and a string.
    assert_eq!(vec![1u8, 2].into_par_iter().intersperse(0).position_any(|x| x == 0), Some(1));
    let s: Vec<&str> = ["a", "b", "c"].par_iter().copied().intersperse("-").collect();
    assert_eq!(s.concat(), "a-b-c");
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
        let out: Vec<usize> = v.par_iter().with_max_len(3).positions(|x| x % 3 == 0).collect();
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
        let single: Vec<u64> = one_piece(&v).map(|x| (x != 7).then_some(x)).while_some().collect();
        assert_eq!(single, std);
        // In parallel: a subsequence of the values, in order, without the `None`.
        let out: Vec<u64> = options.par_iter().copied().while_some().collect();
        let mut rest = options.iter().flatten();
        assert!(out.iter().all(|x| rest.any(|y| y == x)), "a subsequence");
        if !options.contains(&None) {
            assert_eq!(out, v);
        }
    }
    assert_eq!(vec![None, Some(1)].into_par_iter().with_min_len(9).while_some().count(), 0);
}

#[test]
fn take_any_and_skip_any_match_std_in_count() {
    for v in inputs(10) {
        let mut rng = Rng::new(v.len() as u64 + 10);
        for n in [0, 1, rng.below(v.len() as u64 + 2) as usize, v.len(), v.len() + 1] {
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
            assert_eq!(v.par_iter().copied().filter(odd).take_any(n).count(), n.min(count));
            assert_eq!(v.par_iter().copied().filter(odd).skip_any(n).count(), count.saturating_sub(n));
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
        let kept: Vec<usize> = (0..v.len()).into_par_iter().skip_any_while(|&i| small(&v[i])).collect();
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
        let pieces: Vec<Result<u64, u64>> = v.par_iter().try_fold(|| 0, |a, &x| Ok(a + x)).collect();
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
            .try_fold(|| 0, |a, x| if failing(x) { ControlFlow::Break(x) } else { ControlFlow::Continue(a + x) })
            .collect();
        let std = v.iter().try_fold(0, |a, &x| if failing(x) { ControlFlow::Break(x) } else { ControlFlow::Continue(a + x) });
        assert_eq!(single, [std]);
    }
    let empty: Vec<Result<u8, ()>> = (0..0u8).into_par_iter().try_fold(|| 7, |a, x| Ok(a + x)).collect();
    assert!(empty.iter().all(|r| *r == Ok(7)), "each piece starts at the identity");
}

#[test]
fn try_reduce_and_try_reduce_with_match_std() {
    for v in inputs(13) {
        let total: u64 = v.iter().sum();
        let r = v.par_iter().map(|&x| Ok::<u64, u64>(x)).try_reduce(|| 0, |a, b| Ok(a + b));
        assert_eq!(r, Ok(total));
        let r = v.par_iter().map(|&x| Some(x)).try_reduce_with(|a, b| Some(a + b));
        assert_eq!(r, (!v.is_empty()).then_some(Some(total)));
        let r = v.par_iter().map(|&x| ControlFlow::<(), u64>::Continue(x)).try_reduce(|| 0, |a, b| ControlFlow::Continue(a.max(b)));
        assert_eq!(r, ControlFlow::Continue(v.iter().copied().max().unwrap_or(0)));
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
        let r = v.par_iter().map(|&x| Some(x as u8)).try_reduce(|| 0, u8::checked_add);
        let std = v.iter().try_fold(0u8, |a, &x| a.checked_add(x as u8));
        assert_eq!(r.is_some(), std.is_some());
        assert_eq!(r, std);
        let r = v.par_iter().try_for_each(|&x| if x == 500 { Err(x) } else { Ok(()) });
        assert_eq!(r, if v.contains(&500) { Err(500) } else { Ok(()) });
    }
    assert_eq!((0..0).into_par_iter().map(Some).try_reduce(|| 5, |a, b| Some(a + b)), Some(5));
    assert_eq!((0..0).into_par_iter().map(Some).try_reduce_with(|a: i32, b| Some(a + b)), None);
    assert_eq!((3..4).into_par_iter().map(Some).try_reduce_with(|a: i32, b| Some(a + b)), Some(Some(3)));
}

#[test]
fn panic_fuse_is_transparent_without_a_panic() {
    for v in inputs(14) {
        check_indexed("panic_fuse", v.par_iter().copied().panic_fuse(), &v);
        let odd: Vec<u64> = v.par_iter().copied().filter(|x| x % 2 == 1).panic_fuse().collect();
        assert_eq!(odd, v.iter().copied().filter(|x| x % 2 == 1).collect::<Vec<_>>());
        let zipped: Vec<(u64, u64)> = v.par_iter().copied().panic_fuse().zip(v.par_iter().copied()).collect();
        assert_eq!(zipped, v.iter().map(|&x| (x, x)).collect::<Vec<_>>());
    }
}

#[test]
fn adapters_keep_rayon_debug_shapes() {
    let v = vec![1u8, 2];
    let base = format!("{:?}", v.par_iter());
    assert_eq!(format!("{:?}", v.par_iter().cloned()), format!("Cloned {{ base: {base} }}"));
    assert_eq!(format!("{:?}", v.par_iter().inspect(|_| ())), format!("Inspect {{ base: {base} }}"));
    assert_eq!(format!("{:?}", v.par_iter().copied().intersperse(0)), format!("Intersperse {{ base: Copied {{ base: {base} }}, item: 0 }}"));
    assert_eq!(format!("{:?}", v.par_iter().take_any(1)), format!("TakeAny {{ base: {base}, count: 1 }}"));
    assert_eq!(format!("{:?}", v.par_iter().chain(&v)), format!("Chain {{ a: {base}, b: {base} }}"));
    let _ = v.par_iter().copied().try_fold_with(0u8, |a, b| a.checked_add(b)).clone();
}

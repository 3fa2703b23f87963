//! `collect` into every collection (`FromParallelIterator`) and `par_extend`
//! (`ParallelExtend`), against std's sequential `collect` and `extend` on seeded inputs;
//! `Option` / `Result` collects that stop at the first `None` / `Err`.

mod common;

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap, HashSet, LinkedList, VecDeque};
use std::ffi::{OsStr, OsString};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Duration;

use cancelpool::prelude::*;
use cancelpool::{CancelSource, Cancelled, ThreadPoolBuilder};
use common::Rng;

/// Input lengths: the edge cases, then random ones.
fn lengths(rng: &mut Rng) -> Vec<usize> {
    let mut lens = vec![0, 1, 2, 3, 64, 1000];
    lens.extend((0..4).map(|_| rng.below(20_000) as usize));
    lens
}

/// Runs `check` on random vectors of every length, with many ties (small values).
fn for_inputs(seed: u64, mut check: impl FnMut(&[u32])) {
    let mut rng = Rng::new(seed);
    for len in lengths(&mut rng) {
        let v: Vec<u32> = (0..len).map(|_| rng.below(500) as u32).collect();
        check(&v);
    }
}

/// Checks `collect::<$c>()` against std, from an indexed chain and from an unindexed one.
macro_rules! same_collect {
    ($v:expr, $c:ty, $map:expr) => {{
        let v: &[u32] = $v;
        let map = $map;
        let expected: $c = v.iter().map(&map).collect();
        let indexed: $c = v.par_iter().map(&map).collect();
        assert_eq!(indexed, expected, "indexed, {}", stringify!($c));
        let keep = |x: &&u32| **x % 3 != 0;
        let expected: $c = v.iter().filter(keep).map(&map).collect();
        let unindexed: $c = v.par_iter().filter(keep).map(&map).collect();
        assert_eq!(unindexed, expected, "unindexed, {}", stringify!($c));
    }};
}

#[test]
fn collect_into_each_collection_matches_std() {
    for_inputs(1, |v| {
        same_collect!(v, Vec<u32>, |&x: &u32| x);
        same_collect!(v, VecDeque<u32>, |&x: &u32| x);
        same_collect!(v, LinkedList<u32>, |&x: &u32| x);
        same_collect!(v, HashSet<u32>, |&x: &u32| x);
        same_collect!(v, BTreeSet<u32>, |&x: &u32| x);
        same_collect!(v, HashMap<u32, u32>, |&x: &u32| (x % 50, x));
        same_collect!(v, BTreeMap<u32, u32>, |&x: &u32| (x % 50, x));
        same_collect!(v, Box<[u32]>, |&x: &u32| x);
        same_collect!(v, Rc<[u32]>, |&x: &u32| x);
        same_collect!(v, Arc<[u32]>, |&x: &u32| x);
        same_collect!(v, Cow<'static, [u32]>, |&x: &u32| x);
        same_collect!(v, String, |&x: &u32| char::from(b'a' + (x % 26) as u8));
        same_collect!(v, String, |&x: &u32| ["α", "b", "çd", ""][x as usize % 4]);
        same_collect!(v, String, |&x: &u32| x.to_string());
        same_collect!(v, String, |&x: &u32| Box::<str>::from(x.to_string()));
        same_collect!(v, String, |&x: &u32| Cow::<str>::Owned(x.to_string()));
        same_collect!(v, Box<str>, |&x: &u32| char::from_u32(0x3B1 + x % 20)
            .unwrap());
        same_collect!(v, Box<str>, |&x: &u32| x.to_string());
        same_collect!(v, OsString, |&x: &u32| OsString::from(x.to_string()));
        same_collect!(v, OsString, |&x: &u32| OsStr::new(
            ["a", "bc"][x as usize % 2]
        ));
        same_collect!(v, OsString, |_: &u32| Cow::<OsStr>::Borrowed(OsStr::new(
            "z"
        )));
        same_collect!(v, (), |_: &u32| ());
        // A heap's order is its own: compare the sorted contents.
        let heap: BinaryHeap<u32> = v.par_iter().map(|&x| x).collect();
        assert_eq!(heap.into_sorted_vec(), {
            let mut s = v.to_vec();
            s.sort();
            s
        });
        // `&char` items.
        let chars: Vec<char> = v
            .iter()
            .map(|&x| char::from(b'a' + (x % 26) as u8))
            .collect();
        let s: String = chars.par_iter().collect();
        assert_eq!(s, chars.iter().collect::<String>());
        let s: Box<str> = chars.par_iter().collect();
        assert_eq!(&*s, chars.iter().collect::<String>());
    });
}

/// Checks `par_extend` of `$target` (already holding some items) against std's `extend`.
macro_rules! same_extend {
    ($v:expr, $start:expr, $map:expr) => {{
        let v: &[u32] = $v;
        let map = $map;
        let mut expected = $start;
        let mut got = expected.clone();
        expected.extend(v.iter().map(&map));
        got.par_extend(v.par_iter().map(&map));
        assert_eq!(got, expected, "indexed");
        let keep = |x: &&u32| **x % 2 == 0;
        expected.extend(v.iter().filter(keep).map(&map));
        got.par_extend(v.par_iter().filter(keep).map(&map));
        assert_eq!(got, expected, "unindexed");
    }};
}

#[test]
fn par_extend_matches_std() {
    for_inputs(2, |v| {
        same_extend!(v, vec![7u32, 8], |&x: &u32| x);
        same_extend!(v, VecDeque::from([7u32]), |&x: &u32| x);
        same_extend!(v, LinkedList::from([7u32]), |&x: &u32| x);
        same_extend!(v, HashSet::from([7u32]), |&x: &u32| x);
        same_extend!(v, BTreeSet::from([7u32]), |&x: &u32| x);
        same_extend!(v, HashMap::from([(7u32, 7u32)]), |&x: &u32| (x % 40, x));
        same_extend!(v, BTreeMap::from([(7u32, 7u32)]), |&x: &u32| (x % 40, x));
        same_extend!(v, String::from("s"), |&x: &u32| char::from(
            b'a' + (x % 26) as u8
        ));
        same_extend!(v, String::from("s"), |&x: &u32| ["α", "b"][x as usize % 2]);
        same_extend!(v, String::from("s"), |&x: &u32| x.to_string());
        same_extend!(v, String::from("s"), |_: &u32| Box::<str>::from("q"));
        same_extend!(v, String::from("s"), |&x: &u32| Cow::<str>::Borrowed(
            ["x", "yy"][x as usize % 2]
        ));
        same_extend!(v, OsString::from("s"), |&x: &u32| OsString::from(
            x.to_string()
        ));
        same_extend!(v, OsString::from("s"), |_: &u32| OsStr::new("o"));
        same_extend!(v, OsString::from("s"), |_: &u32| Cow::<OsStr>::Borrowed(
            OsStr::new("c")
        ));
        // `&T` items.
        let mut got = vec![1u32];
        got.par_extend(v.par_iter());
        assert_eq!(got[1..], *v);
        let mut got = VecDeque::from([1u32]);
        got.par_extend(v.par_iter());
        assert!(got.iter().skip(1).eq(v.iter()));
        let mut got: LinkedList<u32> = LinkedList::new();
        got.par_extend(v.par_iter());
        assert!(got.iter().eq(v.iter()));
        let mut got = HashSet::new();
        got.par_extend(v.par_iter());
        assert_eq!(got, v.iter().copied().collect::<HashSet<_>>());
        let mut got = BTreeSet::new();
        got.par_extend(v.par_iter());
        assert_eq!(got, v.iter().copied().collect::<BTreeSet<_>>());
        let mut heap = BinaryHeap::from([1000u32]);
        heap.par_extend(v.par_iter());
        heap.par_extend(v.par_iter().map(|&x| x + 1));
        let mut expected: Vec<u32> = v.iter().chain(v.iter()).copied().collect();
        expected.iter_mut().skip(v.len()).for_each(|x| *x += 1);
        expected.push(1000);
        expected.sort();
        assert_eq!(heap.into_sorted_vec(), expected);
        let pairs: Vec<(u32, u32)> = v.iter().map(|&x| (x % 30, x)).collect();
        let mut got = HashMap::new();
        got.par_extend(pairs.par_iter().map(|(k, v)| (k, v)));
        assert_eq!(
            got,
            pairs.iter().map(|(k, v)| (k, v)).collect::<HashMap<_, _>>()
        );
        let mut got = BTreeMap::new();
        got.par_extend(pairs.par_iter().map(|(k, v)| (k, v)));
        assert_eq!(
            got,
            pairs
                .iter()
                .map(|(k, v)| (k, v))
                .collect::<BTreeMap<_, _>>()
        );
        let chars: Vec<char> = v
            .iter()
            .map(|&x| char::from(b'a' + (x % 26) as u8))
            .collect();
        let mut s = String::new();
        s.par_extend(chars.par_iter());
        assert_eq!(s, chars.iter().collect::<String>());
        let mut unit = ();
        unit.par_extend(v.par_iter().map(|_| ()));
    });
}

#[test]
fn option_and_result_collects_match_std() {
    for_inputs(3, |v| {
        // All `Some`/`Ok`, then one `None`/`Err` somewhere, then several.
        let all: Option<Vec<u32>> = v.par_iter().map(|&x| Some(x)).collect();
        assert_eq!(all.as_deref(), Some(v));
        let ok: Result<VecDeque<u32>, String> = v.par_iter().map(|&x| Ok(x)).collect();
        assert_eq!(ok, Ok(v.iter().copied().collect()));
        if v.is_empty() {
            return;
        }
        let at = v.len() / 3;
        let none: Option<Vec<u32>> = v
            .par_iter()
            .enumerate()
            .map(|(i, &x)| (i != at).then_some(x))
            .collect();
        assert_eq!(none, None);
        let err: Result<Vec<u32>, usize> = v
            .par_iter()
            .enumerate()
            .map(|(i, &x)| if i == at { Err(i) } else { Ok(x) })
            .collect();
        assert_eq!(err, Err(at));
        // Several errors: one of them is returned.
        let err: Result<HashSet<u32>, u32> = v
            .par_iter()
            .map(|&x| if x % 7 == 0 { Err(x) } else { Ok(x) })
            .collect();
        match v.iter().find(|&&x| x % 7 == 0) {
            Some(_) => assert!(matches!(err, Err(e) if e % 7 == 0 && v.contains(&e))),
            None => assert_eq!(err, Ok(v.iter().copied().collect())),
        }
        // Unindexed chains, and nested collections.
        let none: Option<String> = v
            .par_iter()
            .filter(|&&x| x % 2 == 0)
            .map(|&x| (x != v[at] || x % 2 == 1).then_some('x'))
            .collect();
        let expected: Option<String> = v
            .iter()
            .filter(|&&x| x % 2 == 0)
            .map(|&x| (x != v[at] || x % 2 == 1).then_some('x'))
            .collect();
        assert_eq!(none, expected);
        let nested: Option<Result<Vec<u32>, ()>> = v.par_iter().map(|&x| Some(Ok(x))).collect();
        assert_eq!(nested, Some(Ok(v.to_vec())));
    });
}

/// After the first `None`, the other pieces stop: far fewer than all items run.
#[test]
fn option_collect_stops_early() {
    const N: usize = 1_000_000;
    let ran = AtomicUsize::new(0);
    let r: Option<Vec<usize>> = (0..N)
        .into_par_iter()
        .map(|i| {
            ran.fetch_add(1, Ordering::Relaxed);
            (i != 0).then_some(i)
        })
        .collect();
    assert_eq!(r, None);
    assert!(ran.into_inner() < N / 2, "stopped early");
    let ran = AtomicUsize::new(0);
    let r: Result<Vec<usize>, &str> = (0..N)
        .into_par_iter()
        .filter(|_| true)
        .map(|i| {
            ran.fetch_add(1, Ordering::Relaxed);
            if i == 0 { Err("first") } else { Ok(i) }
        })
        .collect();
    assert_eq!(r, Err("first"));
    assert!(ran.into_inner() < N / 2, "stopped early");
}

/// An item running on another worker when a `None` / an `Err` is met sees its token
/// cancelled: it leaves its wait early (rayon issues 638, 496, 1067).
#[test]
fn a_running_item_sees_the_stop() {
    let pool = ThreadPoolBuilder::new().num_threads(2).build().unwrap();
    for fail in [true, false] {
        let (started_tx, started_rx) = mpsc::channel::<()>();
        let started_tx = std::sync::Mutex::new(started_tx);
        let started_rx = std::sync::Mutex::new(started_rx);
        let observed = AtomicBool::new(false);
        let item = |i: usize| -> Result<usize, usize> {
            if i == 0 {
                // The long item: waits (cancellably, bounded) until the stop reaches it.
                started_tx.lock().unwrap().send(()).unwrap();
                let token = cancelpool::current_token();
                if token.wait_cancelled(Duration::from_secs(20)).is_err() {
                    observed.store(true, Ordering::SeqCst);
                }
                Ok(i)
            } else {
                // The failing item, once the long one runs.
                started_rx
                    .lock()
                    .unwrap()
                    .recv_timeout(Duration::from_secs(20))
                    .unwrap();
                Err(i)
            }
        };
        // Two pieces of one item each, run by the two workers.
        pool.install(|| {
            if fail {
                let r: Result<Vec<usize>, usize> =
                    (0..2).into_par_iter().with_max_len(1).map(item).collect();
                assert_eq!(r, Err(1));
            } else {
                let r: Option<Vec<usize>> = (0..2)
                    .into_par_iter()
                    .with_max_len(1)
                    .map(|i| item(i).ok())
                    .collect();
                assert_eq!(r, None);
            }
        });
        assert!(
            observed.load(Ordering::SeqCst),
            "the running item saw the stop"
        );
    }
}

/// A value that counts its drops in a shared counter.
struct Counted(Arc<AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

/// Values made and dropped: every one exactly once, whether the collect ends in `None`,
/// `Err`, a cancellation, or `Some`.
#[test]
fn stopped_collects_drop_every_item_once() {
    const N: usize = 50_000;
    for at in [None, Some(0), Some(N / 2), Some(N - 1)] {
        let made = Arc::new(AtomicUsize::new(0));
        let dropped = Arc::new(AtomicUsize::new(0));
        let item = |i: usize| {
            made.fetch_add(1, Ordering::Relaxed);
            (Some(i) != at).then(|| Counted(dropped.clone()))
        };
        let r: Option<Vec<Counted>> = (0..N).into_par_iter().map(item).collect();
        assert_eq!(r.is_some(), at.is_none());
        drop(r);
        assert_eq!(
            dropped.load(Ordering::Relaxed) + usize::from(at.is_some()),
            made.load(Ordering::Relaxed)
        );
        let made = Arc::new(AtomicUsize::new(0));
        let dropped = Arc::new(AtomicUsize::new(0));
        let r: Result<LinkedList<Counted>, Counted> = (0..N)
            .into_par_iter()
            .filter(|_| true)
            .map(|i| {
                made.fetch_add(1, Ordering::Relaxed);
                let c = Counted(dropped.clone());
                if Some(i) == at { Err(c) } else { Ok(c) }
            })
            .collect();
        assert_eq!(r.is_ok(), at.is_none());
        drop(r);
        assert_eq!(
            dropped.load(Ordering::Relaxed),
            made.load(Ordering::Relaxed)
        );
    }
}

#[test]
fn collects_under_with_cancel() {
    let source = CancelSource::new();
    let token = source.token();
    let v: Vec<u32> = (0..10_000).collect();
    let r = v
        .par_iter()
        .with_cancel(&token)
        .map(|&x| (x, x))
        .collect::<HashMap<_, _>>();
    assert_eq!(r.map(|m| m.len()), Ok(10_000));
    let r = v
        .par_iter()
        .with_cancel(&token)
        .map(|&x| Some(x))
        .collect::<Option<Vec<_>>>();
    assert_eq!(r, Ok(Some(v.clone())));
    let r = v
        .par_iter()
        .with_cancel(&token)
        .map(|&x| if x == 5 { Err(x) } else { Ok(x) })
        .collect::<Result<Vec<_>, _>>();
    assert_eq!(r, Ok(Err(5)));
    let r = v
        .par_iter()
        .with_cancel(&token)
        .map(|&x| char::from(b'a' + (x % 26) as u8))
        .collect::<String>();
    assert_eq!(r.map(|s| s.len()), Ok(10_000));
    let mut set = BTreeSet::new();
    // Cancelled while running: `Err`, and every item made is dropped once.
    let made = Arc::new(AtomicUsize::new(0));
    let dropped = Arc::new(AtomicUsize::new(0));
    let r = (0..1_000_000)
        .into_par_iter()
        .with_cancel(&token)
        .map(|i| {
            if made.fetch_add(1, Ordering::Relaxed) == 1000 {
                source.cancel();
            }
            Some((i, Counted(dropped.clone())))
        })
        .collect::<Option<BTreeMap<_, _>>>();
    assert!(matches!(r, Err(Cancelled)));
    assert_eq!(
        dropped.load(Ordering::Relaxed),
        made.load(Ordering::Relaxed)
    );
    assert!(made.load(Ordering::Relaxed) < 1_000_000);
    // Cancelled before: nothing runs.
    let r = v
        .par_iter()
        .with_cancel(&token)
        .map(|&x| x)
        .collect::<BTreeSet<_>>();
    assert_eq!(r, Err(Cancelled));
    set.par_extend(v.par_iter().map(|&x| x));
    assert_eq!(set.len(), v.len());
}

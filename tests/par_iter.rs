//! Parallel iterators against their sequential counterparts, on random inputs from a
//! seeded generator (including empty and one-item inputs).

mod common;

use common::Rng;

use std::num::Wrapping;
use std::sync::atomic::{AtomicUsize, Ordering};

use cancelpool::prelude::*;

/// Input lengths: the edge cases, then random ones (small ones only under miri).
fn lengths(rng: &mut Rng) -> Vec<usize> {
    if cfg!(miri) {
        return vec![0, 1, 2, 3, 7, 33, 2 + rng.below(40) as usize];
    }
    let mut lens = vec![0, 1, 2, 3, 7, 64, 1000, 4097];
    lens.extend((0..6).map(|_| rng.below(50_000) as usize));
    lens
}

/// Runs `check` on random vectors of every length, with small values (many ties) and
/// large ones.
fn for_inputs(seed: u64, mut check: impl FnMut(&[u64])) {
    let mut rng = Rng::new(seed);
    for len in lengths(&mut rng) {
        for max in [8, u64::MAX] {
            let v = rng.vec(len, max);
            check(&v);
        }
    }
}

#[test]
fn sum_count_product_match_sequential() {
    for_inputs(1, |v| {
        let small: Vec<u64> = v.iter().map(|x| x % 1000).collect();
        assert_eq!(small.par_iter().sum::<u64>(), small.iter().sum::<u64>());
        assert_eq!(v.par_iter().count(), v.len());
        let wrapped = |x: &u64| Wrapping(*x);
        assert_eq!(
            v.par_iter().map(wrapped).sum::<Wrapping<u64>>(),
            v.iter().map(wrapped).sum::<Wrapping<u64>>()
        );
        assert_eq!(
            v.par_iter().map(wrapped).product::<Wrapping<u64>>(),
            v.iter().map(wrapped).product::<Wrapping<u64>>()
        );
    });
}

#[test]
fn min_max_keep_the_sequential_choice_among_ties() {
    for_inputs(2, |v| {
        // Items are (value, index) compared by value only through the key functions, so a
        // wrong tie-break shows up as a different index.
        assert_eq!(v.par_iter().min(), v.iter().min());
        assert_eq!(v.par_iter().max(), v.iter().max());
        let key = |&(_, x): &(usize, &u64)| x % 5;
        assert_eq!(
            v.par_iter().enumerate().min_by_key(key),
            v.iter().enumerate().min_by_key(key)
        );
        assert_eq!(
            v.par_iter().enumerate().max_by_key(key),
            v.iter().enumerate().max_by_key(key)
        );
    });
}

#[test]
fn reduce_and_fold_reduce_match_sequential() {
    for_inputs(3, |v| {
        let seq = v.iter().fold(0u64, |a, &b| a ^ b.rotate_left(7));
        let par = v
            .par_iter()
            .map(|&x| x.rotate_left(7))
            .reduce(|| 0, |a, b| a ^ b);
        assert_eq!(par, seq);
        let folded = v
            .par_iter()
            .fold(|| 0u64, |acc, &x| acc ^ x.rotate_left(7))
            .reduce(|| 0, |a, b| a ^ b);
        assert_eq!(folded, seq);
        // A fold into a non-commutative accumulator keeps order once reduced in order.
        let concatenated = v
            .par_iter()
            .fold(Vec::new, |mut acc, &x| {
                acc.push(x);
                acc
            })
            .reduce(Vec::new, |mut a, mut b| {
                a.append(&mut b);
                a
            });
        assert_eq!(concatenated, v);
        let pieces = v.par_iter().fold(|| 0u8, |acc, _| acc).count();
        assert!(
            pieces >= 1,
            "fold gives one accumulator per piece, at least one"
        );
    });
}

#[test]
fn collect_keeps_order() {
    for_inputs(4, |v| {
        let mapped: Vec<u64> = v.par_iter().map(|x| x.wrapping_mul(3)).collect();
        assert_eq!(
            mapped,
            v.iter().map(|x| x.wrapping_mul(3)).collect::<Vec<_>>()
        );
        let filtered: Vec<&u64> = v.par_iter().filter(|&&x| x % 3 == 0).collect();
        assert_eq!(
            filtered,
            v.iter().filter(|&&x| x % 3 == 0).collect::<Vec<_>>()
        );
        let strings: Vec<String> = v.par_iter().map(|x| x.to_string()).collect();
        assert_eq!(strings, v.iter().map(|x| x.to_string()).collect::<Vec<_>>());
        let nothing: Vec<&u64> = v.par_iter().filter(|_| false).collect();
        assert!(nothing.is_empty());
        let owned: Vec<u64> = v.to_vec().into_par_iter().collect();
        assert_eq!(owned, v);
    });
}

#[test]
fn enumerate_and_zip_pair_positions() {
    for_inputs(5, |v| {
        let par: Vec<(usize, &u64)> = v.par_iter().enumerate().collect();
        assert_eq!(par, v.iter().enumerate().collect::<Vec<_>>());
        let shorter = &v[..v.len() / 2];
        let zipped: Vec<(&u64, &u64)> = v.par_iter().zip(shorter).collect();
        assert_eq!(zipped, v.iter().zip(shorter).collect::<Vec<_>>());
        let zipped: Vec<(u64, (usize, &u64))> = (0..v.len() as u64)
            .into_par_iter()
            .zip(v.par_iter().enumerate())
            .filter(|(i, _)| i % 2 == 0)
            .collect();
        let seq: Vec<_> = (0..v.len() as u64)
            .zip(v.iter().enumerate())
            .filter(|(i, _)| i % 2 == 0)
            .collect();
        assert_eq!(zipped, seq);
        let dot: u64 = v
            .par_iter()
            .zip(v.par_iter())
            .map(|(a, b)| (a % 100) * (b % 100))
            .sum();
        assert_eq!(dot, v.iter().map(|a| (a % 100) * (a % 100)).sum::<u64>());
    });
}

#[test]
fn short_circuits_agree_with_sequential() {
    for_inputs(6, |v| {
        for target in [0u64, 3, 7, 9] {
            let is = |x: &u64| *x % 10 == target;
            assert_eq!(v.par_iter().any(is), v.iter().any(is));
            assert_eq!(v.par_iter().all(|x| !is(x)), v.iter().all(|x| !is(x)));
            match v.par_iter().find_any(|x| is(x)) {
                Some(x) => assert!(is(x)),
                None => assert!(!v.iter().any(is)),
            }
            match v.par_iter().position_any(is) {
                Some(i) => assert!(is(&v[i])),
                None => assert!(!v.iter().any(is)),
            }
        }
    });
}

#[test]
fn for_each_and_par_iter_mut_visit_every_item_once() {
    for_inputs(7, |v| {
        let seen = AtomicUsize::new(0);
        let total = AtomicUsize::new(0);
        v.par_iter().for_each(|x| {
            seen.fetch_add(1, Ordering::Relaxed);
            total.fetch_add((*x % 1000) as usize, Ordering::Relaxed);
        });
        assert_eq!(seen.into_inner(), v.len());
        assert_eq!(
            total.into_inner(),
            v.iter().map(|x| (x % 1000) as usize).sum::<usize>()
        );
        let mut w = v.to_vec();
        w.par_iter_mut().for_each(|x| *x = x.wrapping_add(1));
        assert_eq!(w, v.iter().map(|x| x.wrapping_add(1)).collect::<Vec<_>>());
    });
}

#[test]
fn chunks_match_sequential_chunks() {
    for_inputs(8, |v| {
        for size in [1, 2, 3, 64, 1000] {
            let par: Vec<u64> = v
                .par_chunks(size)
                .map(|c| c.iter().fold(0u64, |a, &b| a.wrapping_add(b)))
                .collect();
            let seq: Vec<u64> = v
                .chunks(size)
                .map(|c| c.iter().fold(0u64, |a, &b| a.wrapping_add(b)))
                .collect();
            assert_eq!(par, seq);
            assert_eq!(v.par_chunks(size).len(), v.chunks(size).len());
            let mut w = v.to_vec();
            w.par_chunks_mut(size).for_each(|c| c.reverse());
            let mut expected = v.to_vec();
            expected.chunks_mut(size).for_each(|c| c.reverse());
            assert_eq!(w, expected);
        }
    });
}

#[test]
#[should_panic(expected = "chunk_size must not be 0")]
fn zero_chunk_size_panics() {
    let _ = [1, 2, 3].par_chunks(0);
}

#[test]
#[cfg_attr(miri, ignore)] // millions of items
fn ranges_of_every_integer_type() {
    macro_rules! check {
        ($($t:ty),*) => {$(
            for (a, b) in [(<$t>::MIN, <$t>::MIN), (<$t>::MIN, <$t>::MIN + 1),
                           (<$t>::MAX - 100, <$t>::MAX), (0, 100), (100, 0)] {
                let par: Vec<$t> = (a..b).into_par_iter().collect();
                assert_eq!(par, (a..b).collect::<Vec<$t>>(), "{}..{}", a, b);
                assert_eq!((a..b).into_par_iter().len(), (a..b).count());
            }
        )*};
    }
    check!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize);
    let full: Vec<i8> = (i8::MIN..i8::MAX).into_par_iter().collect();
    assert_eq!(full, (i8::MIN..i8::MAX).collect::<Vec<_>>());
    assert_eq!(
        (i64::MIN..i64::MAX).into_par_iter().len(),
        u64::MAX as usize
    );
    assert_eq!(
        (-1_000_000i64..1_000_000).into_par_iter().sum::<i64>(),
        -1_000_000
    );
    assert_eq!(
        (0..1_000_000u64).into_par_iter().sum::<u64>(),
        499_999_500_000
    );
}

#[test]
fn with_min_len_keeps_results_and_limits_pieces() {
    for_inputs(9, |v| {
        for min in [1, 10, 100_000] {
            let par: Vec<u64> = v.par_iter().with_min_len(min).map(|x| x / 2).collect();
            assert_eq!(par, v.iter().map(|x| x / 2).collect::<Vec<_>>());
            let pieces = v
                .par_iter()
                .with_min_len(min)
                .fold(|| (), |(), _| ())
                .count();
            assert!(pieces >= 1);
            if v.len() >= 2 * min {
                continue;
            }
            assert_eq!(pieces, 1, "{} items, pieces of at least {}", v.len(), min);
        }
    });
}

/// Counts creations and drops, to prove every item is dropped exactly once.
#[derive(Debug)]
struct Tracked<'a> {
    value: u64,
    drops: &'a AtomicUsize,
}

impl Drop for Tracked<'_> {
    fn drop(&mut self) {
        self.drops.fetch_add(1, Ordering::Relaxed);
    }
}

#[test]
fn vec_into_par_iter_moves_each_item_once() {
    for_inputs(10, |v| {
        let drops = AtomicUsize::new(0);
        let items: Vec<Tracked> = v
            .iter()
            .map(|&value| Tracked {
                value,
                drops: &drops,
            })
            .collect();
        let kept: Vec<Tracked> = items.into_par_iter().filter(|t| t.value % 2 == 0).collect();
        assert_eq!(
            kept.iter().map(|t| t.value).collect::<Vec<_>>(),
            v.iter().copied().filter(|x| x % 2 == 0).collect::<Vec<_>>()
        );
        assert_eq!(drops.load(Ordering::Relaxed), v.len() - kept.len());
        drop(kept);
        assert_eq!(drops.load(Ordering::Relaxed), v.len());

        // A short-circuit leaves items unvisited: they are dropped anyway, once.
        let drops = AtomicUsize::new(0);
        let items: Vec<Tracked> = v
            .iter()
            .map(|&value| Tracked {
                value,
                drops: &drops,
            })
            .collect();
        let found = items.into_par_iter().find_any(|t| t.value % 4 == 1);
        let found_len = usize::from(found.is_some());
        drop(found);
        assert_eq!(drops.load(Ordering::Relaxed), v.len());
        assert!(found_len <= 1);

        // A zip with a shorter iterator drops the tail of the longer one.
        let drops = AtomicUsize::new(0);
        let items: Vec<Tracked> = v
            .iter()
            .map(|&value| Tracked {
                value,
                drops: &drops,
            })
            .collect();
        let pairs = items.into_par_iter().zip(0..v.len() / 3).count();
        assert_eq!(pairs, v.len() / 3);
        assert_eq!(drops.load(Ordering::Relaxed), v.len());
    });
}

#[test]
fn panics_propagate_and_nothing_leaks() {
    let drops = AtomicUsize::new(0);
    let made = AtomicUsize::new(0);
    let result = std::panic::catch_unwind(|| {
        (0..10_000u64)
            .into_par_iter()
            .map(|value| {
                if value == 7_777 {
                    panic!("boom at {value}");
                }
                made.fetch_add(1, Ordering::Relaxed);
                Tracked {
                    value,
                    drops: &drops,
                }
            })
            .collect::<Vec<_>>()
    });
    let err = result.expect_err("the panic reaches the caller");
    assert_eq!(
        err.downcast_ref::<String>().map(String::as_str),
        Some("boom at 7777")
    );
    assert_eq!(
        drops.load(Ordering::Relaxed),
        made.load(Ordering::Relaxed),
        "every item written before the panic is dropped once"
    );

    let result = std::panic::catch_unwind(|| {
        (0..1000u32)
            .into_par_iter()
            .for_each(|i| assert_ne!(i, 999));
    });
    assert!(result.is_err());
}

#[test]
fn nested_parallel_iterators() {
    let table: Vec<Vec<u64>> = (0..50u64).map(|i| (0..i * 10).collect()).collect();
    let par: u64 = table
        .par_iter()
        .map(|row| row.par_iter().sum::<u64>())
        .sum();
    let seq: u64 = table.iter().map(|row| row.iter().sum::<u64>()).sum();
    assert_eq!(par, seq);
}

#[test]
fn with_max_len_bounds_every_piece() {
    for_inputs(11, |v| {
        for max in [1, 7, 1000] {
            let sizes: Vec<usize> = v
                .par_iter()
                .with_max_len(max)
                .fold(|| 0usize, |n, _| n + 1)
                .collect();
            assert!(sizes.iter().all(|&n| n <= max), "pieces of at most {max}");
            assert_eq!(sizes.iter().sum::<usize>(), v.len());
            let par: Vec<u64> = v.par_iter().with_max_len(max).map(|x| x / 3).collect();
            assert_eq!(par, v.iter().map(|x| x / 3).collect::<Vec<_>>());
        }
        // `with_min_len` wins when the two disagree.
        let sizes: Vec<usize> = v
            .par_iter()
            .with_max_len(1)
            .with_min_len(100)
            .fold(|| 0usize, |n, _| n + 1)
            .collect();
        if v.len() >= 100 {
            assert!(sizes.iter().all(|&n| n >= 100), "{sizes:?}");
        }
    });
}

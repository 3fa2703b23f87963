//! Parallel iterators: `sum`, `map` + `collect` and `find_any` on 2 workers, beside
//! rayon and (for `sum`) a sequential loop, and the cost of `.with_cancel(&token)`.
//!
//! The two libraries' traits have the same method names, so each library's workloads
//! live in a module with its own prelude.

use std::hint::black_box;

use cancelpool::CancelSource;

use crate::harness::{Bar, Config, Fig, Row, Variant, fmt_count, interleaved, time_ns};
use crate::pools::{cp_pool, rayon_pool, warm_cp, warm_rayon};

/// What the `map` rows apply to each element.
pub(crate) const MASK: u64 = 0x5555_5555_5555_5555;

pub(crate) mod cp_iter {
    use cancelpool::CancelToken;
    use cancelpool::prelude::*;

    pub(crate) fn sum(v: &[u64]) -> u64 {
        v.par_iter().sum()
    }

    pub(crate) fn sum_cancel(v: &[u64], token: &CancelToken) -> u64 {
        v.par_iter()
            .with_cancel(token)
            .sum()
            .expect("nobody cancels")
    }

    pub(crate) fn map_collect(v: &[u64]) -> Vec<u64> {
        v.par_iter().map(|&x| x ^ super::MASK).collect()
    }

    pub(crate) fn map_collect_cancel(v: &[u64], token: &CancelToken) -> Vec<u64> {
        v.par_iter()
            .with_cancel(token)
            .map(|&x| x ^ super::MASK)
            .collect()
            .expect("nobody cancels")
    }

    pub(crate) fn find_any(n: u64, target: u64) -> Option<u64> {
        (0..n).into_par_iter().find_any(|&x| x == target)
    }
}

pub(crate) mod rayon_iter {
    use rayon::prelude::*;

    pub(crate) fn sum(v: &[u64]) -> u64 {
        v.par_iter().sum()
    }

    pub(crate) fn map_collect(v: &[u64]) -> Vec<u64> {
        v.par_iter().map(|&x| x ^ super::MASK).collect()
    }

    pub(crate) fn find_any(n: u64, target: u64) -> Option<u64> {
        (0..n).into_par_iter().find_any(|&x| x == target)
    }
}

pub(crate) fn par_sum_rows(cfg: &Config, rows: &mut Vec<Row>) {
    let n = cfg.pick(10_000_000, 100_000_000);
    let v: Vec<u64> = (0..n as u64).collect();
    let cp = cp_pool(2);
    let ry = rayon_pool(2);
    let source = CancelSource::new();
    let token = source.token();
    let expect = (n as u64) * (n as u64 - 1) / 2;
    assert_eq!(cp.install(|| cp_iter::sum(&v)), expect);
    assert_eq!(ry.install(|| rayon_iter::sum(&v)), expect);
    let v = &v;
    let mut variants: Vec<Variant<'_>> = vec![
        (
            "cancelpool",
            Box::new(|| {
                warm_cp(&cp);
                time_ns(|| cp.install(|| cp_iter::sum(black_box(v))))
            }),
        ),
        (
            "rayon",
            Box::new(|| {
                warm_rayon(&ry);
                time_ns(|| ry.install(|| rayon_iter::sum(black_box(v))))
            }),
        ),
        (
            "sequential `iter().sum()`",
            Box::new(|| time_ns(|| black_box(v).iter().sum::<u64>())),
        ),
        (
            "cancelpool `.with_cancel(&token)`",
            Box::new(|| {
                warm_cp(&cp);
                time_ns(|| cp.install(|| cp_iter::sum_cancel(black_box(v), &token)))
            }),
        ),
    ];
    let s = interleaved(cfg.par_samples, &mut variants);
    let what = format!(
        "`par_iter().sum()` of {} u64 ({} MB)",
        fmt_count(n),
        n * 8 / 1_000_000
    );
    rows.push(Row::new(
        format!("{what}, 2 workers"),
        Fig::time(&s[0]),
        variants[1].0,
        Fig::time(&s[1]),
        Bar::MaxRatio(1.05),
    ));
    rows.push(Row::new(
        format!("{what} vs sequential"),
        Fig::time(&s[0]),
        variants[2].0,
        Fig::time(&s[2]),
        Bar::None,
    ));
    rows.push(Row::new(
        format!("{what}: with `.with_cancel(&token)` vs without"),
        Fig::time(&s[3]),
        "cancelpool without",
        Fig::time(&s[0]),
        Bar::None,
    ));
}

pub(crate) fn par_map_collect_rows(cfg: &Config, rows: &mut Vec<Row>) {
    let n = cfg.pick(2_000_000, 10_000_000);
    let v: Vec<u64> = (0..n as u64).collect();
    let cp = cp_pool(2);
    let ry = rayon_pool(2);
    let source = CancelSource::new();
    let token = source.token();
    let expect: Vec<u64> = v.iter().map(|&x| x ^ MASK).collect();
    assert!(cp.install(|| cp_iter::map_collect(&v)) == expect);
    assert!(ry.install(|| rayon_iter::map_collect(&v)) == expect);
    drop(expect);
    let v = &v;
    let mut variants: Vec<Variant<'_>> = vec![
        (
            "cancelpool",
            Box::new(|| {
                warm_cp(&cp);
                time_ns(|| cp.install(|| cp_iter::map_collect(black_box(v))))
            }),
        ),
        (
            "rayon",
            Box::new(|| {
                warm_rayon(&ry);
                time_ns(|| ry.install(|| rayon_iter::map_collect(black_box(v))))
            }),
        ),
        (
            "cancelpool `.with_cancel(&token)`",
            Box::new(|| {
                warm_cp(&cp);
                time_ns(|| cp.install(|| cp_iter::map_collect_cancel(black_box(v), &token)))
            }),
        ),
    ];
    let s = interleaved(cfg.par_samples, &mut variants);
    let what = format!(
        "`par_iter().map(..).collect::<Vec<u64>>()` of {} u64",
        fmt_count(n)
    );
    rows.push(Row::new(
        format!("{what}, 2 workers"),
        Fig::time(&s[0]),
        variants[1].0,
        Fig::time(&s[1]),
        Bar::MaxRatio(1.05),
    ));
    rows.push(Row::new(
        format!("{what}: with `.with_cancel(&token)` vs without"),
        Fig::time(&s[2]),
        "cancelpool without",
        Fig::time(&s[0]),
        Bar::None,
    ));
}

pub(crate) fn par_find_any_rows(cfg: &Config, rows: &mut Vec<Row>) {
    let n = cfg.pick(10_000_000, 50_000_000);
    let target = n - n / 1000;
    let cp = cp_pool(2);
    let ry = rayon_pool(2);
    assert_eq!(cp.install(|| cp_iter::find_any(n, target)), Some(target));
    assert_eq!(ry.install(|| rayon_iter::find_any(n, target)), Some(target));
    let mut variants: Vec<Variant<'_>> = vec![
        (
            "cancelpool",
            Box::new(|| {
                warm_cp(&cp);
                time_ns(|| cp.install(|| cp_iter::find_any(black_box(n), black_box(target))))
            }),
        ),
        (
            "rayon",
            Box::new(|| {
                warm_rayon(&ry);
                time_ns(|| ry.install(|| rayon_iter::find_any(black_box(n), black_box(target))))
            }),
        ),
    ];
    let s = interleaved(cfg.par_samples, &mut variants);
    rows.push(Row::new(
        format!(
            "`(0..{0}).into_par_iter().find_any(x == {0} - {0}/1000)`, 2 workers",
            fmt_count(n as usize)
        ),
        Fig::time(&s[0]),
        variants[1].0,
        Fig::time(&s[1]),
        Bar::None,
    ));
}

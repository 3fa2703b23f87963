//! Fork-join: `join` overhead (fib(30) with a `join` at every level) and the speed-up
//! of fib(35) with a sequential cutoff, on 2 workers each.

use std::hint::black_box;

use crate::harness::{Bar, Config, Fig, Row, Variant, fmt_ns, interleaved, median, time_ns};
use crate::pools::{cp_pool, rayon_pool, warm_cp, warm_rayon};

pub(crate) fn fib_seq(n: u64) -> u64 {
    if n < 2 {
        n
    } else {
        fib_seq(n - 1) + fib_seq(n - 2)
    }
}

/// fib(n) with `join` for every n above `cutoff`, sequential at or below it.
pub(crate) fn fib_cp(n: u64, cutoff: u64) -> u64 {
    if n <= cutoff {
        return fib_seq(n);
    }
    let (a, b) = cancelpool::join(|| fib_cp(n - 1, cutoff), || fib_cp(n - 2, cutoff));
    a + b
}

pub(crate) fn fib_rayon(n: u64, cutoff: u64) -> u64 {
    if n <= cutoff {
        return fib_seq(n);
    }
    let (a, b) = rayon::join(|| fib_rayon(n - 1, cutoff), || fib_rayon(n - 2, cutoff));
    a + b
}

pub(crate) fn join_rows(cfg: &Config, rows: &mut Vec<Row>) {
    const N: u64 = 30;
    let cp = cp_pool(2);
    let ry = rayon_pool(2);
    assert_eq!(cp.install(|| fib_cp(N, 1)), fib_seq(N));
    assert_eq!(ry.install(|| fib_rayon(N, 1)), fib_seq(N));
    let mut variants: Vec<Variant<'_>> = vec![
        (
            "cancelpool",
            Box::new(|| {
                warm_cp(&cp);
                time_ns(|| cp.install(|| fib_cp(black_box(N), 1)))
            }),
        ),
        (
            "rayon",
            Box::new(|| {
                warm_rayon(&ry);
                time_ns(|| ry.install(|| fib_rayon(black_box(N), 1)))
            }),
        ),
        (
            "sequential fib(30)",
            Box::new(|| time_ns(|| fib_seq(black_box(N)))),
        ),
    ];
    let s = interleaved(cfg.par_samples, &mut variants);
    // Every call with n ≥ 2 joins: the internal nodes of the call tree, fib(n + 1) - 1.
    let joins = (fib_seq(N + 1) - 1) as f64;
    let per_join = |i: usize| fmt_ns(median(&s[i]) / joins);
    rows.push(Row::new(
        format!(
            "fib(30), `join` at every level, 2 workers ({} vs {} per join)",
            per_join(0),
            per_join(1)
        ),
        Fig::time(&s[0]),
        variants[1].0,
        Fig::time(&s[1]),
        Bar::MaxRatio(1.0),
    ));
    rows.push(Row::new(
        format!(
            "fib(30), `join` at every level, vs sequential (rayon: {:.2}× sequential)",
            median(&s[1]) / median(&s[2])
        ),
        Fig::time(&s[0]),
        variants[2].0,
        Fig::time(&s[2]),
        Bar::None,
    ));
}

pub(crate) fn fib_cutoff_rows(cfg: &Config, rows: &mut Vec<Row>) {
    const N: u64 = 35;
    const CUTOFF: u64 = 20;
    let cp = cp_pool(2);
    let ry = rayon_pool(2);
    let mut variants: Vec<Variant<'_>> = vec![
        ("sequential", Box::new(|| time_ns(|| fib_seq(black_box(N))))),
        (
            "cancelpool",
            Box::new(|| {
                warm_cp(&cp);
                time_ns(|| cp.install(|| fib_cp(black_box(N), CUTOFF)))
            }),
        ),
        (
            "rayon",
            Box::new(|| {
                warm_rayon(&ry);
                time_ns(|| ry.install(|| fib_rayon(black_box(N), CUTOFF)))
            }),
        ),
    ];
    let s = interleaved(cfg.par_samples, &mut variants);
    rows.push(Row::new(
        format!(
            "fib(35), `join` above n = 20, sequential below, 2 workers: speed-up \
             (cancelpool {}, rayon {}, sequential {})",
            Fig::time(&s[1]).show(),
            Fig::time(&s[2]).show(),
            Fig::time(&s[0]).show()
        ),
        Fig::speedup(&s[0], &s[1]),
        variants[2].0,
        Fig::speedup(&s[0], &s[2]),
        Bar::MinSpeedup(1.95),
    ));
}

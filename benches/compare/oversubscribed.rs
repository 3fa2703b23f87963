//! `oversubscribed`: the fork-join, job and iterator workloads on 16 workers, on a
//! machine with fewer CPUs (2 here), beside rayon with 16 threads. Most workers are
//! asleep or preempted at any moment: what counts is how cheaply a pool puts workers to
//! sleep, wakes them and steals among many deques.

use std::hint::black_box;

use crate::fork_join::{fib_cp, fib_rayon, fib_seq};
use crate::harness::{Bar, Config, Fig, Row, Variant, fmt_count, interleaved, time_ns};
use crate::iter::{MASK, cp_iter, rayon_iter};
use crate::pools::{cp_pool, rayon_pool, warm_cp, warm_rayon};

/// Workers of both pools.
const WORKERS: usize = 16;

/// The bar of every row: at most 5 % slower than rayon.
const BAR: Bar = Bar::MaxRatio(1.05);

pub(crate) fn oversubscribed_rows(cfg: &Config, rows: &mut Vec<Row>) {
    const FIB: u64 = 30;
    // Fewer jobs than the 2-worker rows: a job costs twice as much here.
    let jobs = cfg.pick(100_000, 250_000);
    let len = cfg.pick(2_000_000, 10_000_000);
    let v: Vec<u64> = (0..len as u64).collect();
    let cp = cp_pool(WORKERS);
    let ry = rayon_pool(WORKERS);
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    assert_eq!(cp.install(|| fib_cp(FIB, 1)), fib_seq(FIB));
    assert_eq!(ry.install(|| fib_rayon(FIB, 1)), fib_seq(FIB));
    let expect: Vec<u64> = v.iter().map(|&x| x ^ MASK).collect();
    assert!(cp.install(|| cp_iter::map_collect(&v)) == expect);
    assert!(ry.install(|| rayon_iter::map_collect(&v)) == expect);
    drop(expect);
    let v = &v;
    let mut variants: Vec<Variant<'_>> = vec![
        (
            "cancelpool join",
            Box::new(|| {
                warm_cp(&cp);
                time_ns(|| cp.install(|| fib_cp(black_box(FIB), 1)))
            }),
        ),
        (
            "rayon join",
            Box::new(|| {
                warm_rayon(&ry);
                time_ns(|| ry.install(|| fib_rayon(black_box(FIB), 1)))
            }),
        ),
        (
            "cancelpool scope + spawn",
            Box::new(|| {
                warm_cp(&cp);
                let ns = time_ns(|| {
                    cp.scope(|s| {
                        for _ in 0..jobs {
                            s.spawn(|_| {});
                        }
                    })
                });
                ns / jobs as f64
            }),
        ),
        (
            "rayon scope + spawn",
            Box::new(|| {
                warm_rayon(&ry);
                let ns = time_ns(|| {
                    ry.scope(|s| {
                        for _ in 0..jobs {
                            s.spawn(|_| {});
                        }
                    })
                });
                ns / jobs as f64
            }),
        ),
        (
            "cancelpool map + collect",
            Box::new(|| {
                warm_cp(&cp);
                time_ns(|| cp.install(|| cp_iter::map_collect(black_box(v))))
            }),
        ),
        (
            "rayon map + collect",
            Box::new(|| {
                warm_rayon(&ry);
                time_ns(|| ry.install(|| rayon_iter::map_collect(black_box(v))))
            }),
        ),
    ];
    let s = interleaved(cfg.pick(5, 7), &mut variants);
    let on = format!("{WORKERS} workers on {cpus} CPUs");
    rows.push(Row::new(
        format!("fib(30), `join` at every level, {on}"),
        Fig::time(&s[0]),
        "rayon",
        Fig::time(&s[1]),
        BAR,
    ));
    rows.push(Row::new(
        format!("`scope` + `spawn` of {} empty jobs, {on}", fmt_count(jobs)),
        Fig::per_job(&s[2]),
        "rayon",
        Fig::per_job(&s[3]),
        BAR,
    ));
    rows.push(Row::new(
        format!(
            "`par_iter().map(..).collect::<Vec<u64>>()` of {} u64, {on}",
            fmt_count(len)
        ),
        Fig::time(&s[4]),
        "rayon",
        Fig::time(&s[5]),
        BAR,
    ));
}

//! Criterion benches of the parallel iterators, each beside rayon's on a pool of the
//! same size (2 workers), with the `with_cancel` variants beside the plain ones:
//!
//! - `sum`: `par_iter().sum()` of [`LEN`] u64;
//! - `map_collect`: `par_iter().map(..).collect::<Vec<_>>()` of [`LEN`] u64;
//! - `find_any`: over `0..LEN` with the match near the end.
//!
//! The sizes are modest (8 MB inputs); the large, memory-bound figures come from
//! `cargo bench --bench compare`. Run:
//! `cargo bench --bench iter -- --warm-up-time 1 --measurement-time 2`.

// `criterion_group!` generates an undocumented `pub fn`.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

use cancelpool::CancelSource;

/// Elements per workload.
const LEN: usize = 1_000_000;
/// What `map` applies to each element.
const MASK: u64 = 0x5555_5555_5555_5555;

/// cancelpool's workloads; rayon's traits have the same method names, so each library
/// gets a module with its own prelude.
mod cp {
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

    pub(crate) fn find_any_cancel(n: u64, target: u64, token: &CancelToken) -> Option<u64> {
        (0..n)
            .into_par_iter()
            .with_cancel(token)
            .find_any(|&x| x == target)
            .expect("nobody cancels")
    }
}

mod ry {
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

fn pools() -> (cancelpool::ThreadPool, rayon::ThreadPool) {
    let cp = cancelpool::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .expect("build a cancelpool pool");
    let ry = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .expect("build a rayon pool");
    (cp, ry)
}

fn input() -> Vec<u64> {
    (0..LEN as u64).collect()
}

fn sum(c: &mut Criterion) {
    let (cpp, ryp) = pools();
    let v = input();
    let source = CancelSource::new();
    let token = source.token();
    let mut g = c.benchmark_group("sum");
    g.throughput(Throughput::Elements(LEN as u64));
    g.bench_function("cancelpool", |b| {
        b.iter(|| cpp.install(|| cp::sum(black_box(&v))))
    });
    g.bench_function("cancelpool with_cancel", |b| {
        b.iter(|| cpp.install(|| cp::sum_cancel(black_box(&v), &token)))
    });
    g.bench_function("rayon", |b| {
        b.iter(|| ryp.install(|| ry::sum(black_box(&v))))
    });
    g.bench_function("sequential", |b| {
        b.iter(|| black_box(&v).iter().sum::<u64>())
    });
    g.finish();
}

fn map_collect(c: &mut Criterion) {
    let (cpp, ryp) = pools();
    let v = input();
    let source = CancelSource::new();
    let token = source.token();
    let mut g = c.benchmark_group("map_collect");
    g.throughput(Throughput::Elements(LEN as u64));
    g.bench_function("cancelpool", |b| {
        b.iter(|| cpp.install(|| cp::map_collect(black_box(&v))))
    });
    g.bench_function("cancelpool with_cancel", |b| {
        b.iter(|| cpp.install(|| cp::map_collect_cancel(black_box(&v), &token)))
    });
    g.bench_function("rayon", |b| {
        b.iter(|| ryp.install(|| ry::map_collect(black_box(&v))))
    });
    g.finish();
}

fn find_any(c: &mut Criterion) {
    let (cpp, ryp) = pools();
    let n = LEN as u64;
    let target = n - n / 1000;
    let source = CancelSource::new();
    let token = source.token();
    let mut g = c.benchmark_group("find_any_near_end");
    g.throughput(Throughput::Elements(LEN as u64));
    g.bench_function("cancelpool", |b| {
        b.iter(|| cpp.install(|| cp::find_any(black_box(n), black_box(target))))
    });
    g.bench_function("cancelpool with_cancel", |b| {
        b.iter(|| cpp.install(|| cp::find_any_cancel(black_box(n), black_box(target), &token)))
    });
    g.bench_function("rayon", |b| {
        b.iter(|| ryp.install(|| ry::find_any(black_box(n), black_box(target))))
    });
    g.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = sum, map_collect, find_any
}
criterion_main!(benches);

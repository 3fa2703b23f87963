//! Criterion benches of the cancellation core (issue 2), each beside its peers:
//!
//! - `checkpoint`: one check, as ns per check (each sample times a loop of
//!   [`CHECKS`] checks and reports the time divided by [`CHECKS`]);
//! - `checkpoint_2_threads`: the same while a second thread polls the same token;
//! - `disable_guard_pair`: `drop(disable_cancel())` beside a `pthread_setcancelstate`
//!   DISABLE + restore pair;
//! - `cancel_wake_latency`: time from `cancel()` (or the peer's wake) to the return of
//!   a thread blocked in the wait, one fresh source per sample.
//!
//! Run: `cargo bench --bench cancel -- --warm-up-time 1 --measurement-time 2`.
//! The pthread peers and the wake latencies (which read `/proc`, see `common`) are
//! measured on Linux only.

// `criterion_group!` generates an undocumented `pub fn`.
#![allow(missing_docs)]

#[cfg(target_os = "linux")]
mod common;

use std::hint::black_box;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};

use cancelpool::CancelSource;
#[cfg(target_os = "linux")]
use common::{Scenario, Waiter, ffi};

/// Checks per timed loop; criterion's figure is divided by this.
const CHECKS: u64 = 1000;

/// Times `iters` loops of [`CHECKS`] calls of `check` and returns the time per call.
/// `check` gets its subject through `black_box` in the caller, so every call loads anew.
#[inline(always)]
fn per_check(iters: u64, mut check: impl FnMut() -> bool) -> Duration {
    let mut hits = 0u64;
    let start = Instant::now();
    for _ in 0..iters * CHECKS {
        hits += check() as u64;
    }
    let elapsed = start.elapsed();
    black_box(hits);
    elapsed / CHECKS as u32
}

fn checkpoint(c: &mut Criterion) {
    let source = CancelSource::new();
    let token = source.token();
    let flag = AtomicBool::new(false);
    let tokio = tokio_util::sync::CancellationToken::new();

    let mut g = c.benchmark_group("checkpoint");
    g.bench_function("cancelpool token.checkpoint", |b| {
        b.iter_custom(|iters| per_check(iters, || black_box(&token).checkpoint().is_err()))
    });
    g.bench_function("cancelpool::checkpoint (outside a job)", |b| {
        b.iter_custom(|iters| per_check(iters, || black_box(cancelpool::checkpoint()).is_err()))
    });
    g.bench_function("AtomicBool load", |b| {
        b.iter_custom(|iters| per_check(iters, || black_box(&flag).load(Ordering::Acquire)))
    });
    #[cfg(target_os = "linux")]
    g.bench_function("pthread_testcancel", |b| {
        b.iter_custom(|iters| {
            per_check(iters, || {
                // SAFETY: nobody cancels this thread, so this returns at once.
                unsafe { ffi::pthread_testcancel() };
                black_box(false)
            })
        })
    });
    g.bench_function("tokio-util is_cancelled", |b| {
        b.iter_custom(|iters| per_check(iters, || black_box(&tokio).is_cancelled()))
    });
    g.finish();
}

/// Runs `measure` while another thread spins on `poll` until `measure` returns.
fn with_poller<R>(poll: impl Fn() -> bool + Sync, measure: impl FnOnce() -> R) -> R {
    let stop = AtomicBool::new(false);
    let polling = AtomicBool::new(false);
    thread::scope(|s| {
        s.spawn(|| {
            let mut hits = 0u64;
            while !stop.load(Ordering::Relaxed) {
                for _ in 0..1024 {
                    hits += poll() as u64;
                }
                polling.store(true, Ordering::Relaxed);
            }
            black_box(hits);
        });
        while !polling.load(Ordering::Relaxed) {
            std::hint::spin_loop();
        }
        let r = measure();
        stop.store(true, Ordering::Relaxed);
        r
    })
}

fn checkpoint_2_threads(c: &mut Criterion) {
    let source = CancelSource::new();
    let token = source.token();
    let flag = AtomicBool::new(false);
    let tokio = tokio_util::sync::CancellationToken::new();

    let mut g = c.benchmark_group("checkpoint_2_threads");
    g.bench_function("cancelpool token.checkpoint", |b| {
        b.iter_custom(|iters| {
            with_poller(
                || black_box(&token).checkpoint().is_err(),
                || per_check(iters, || black_box(&token).checkpoint().is_err()),
            )
        })
    });
    g.bench_function("AtomicBool load", |b| {
        b.iter_custom(|iters| {
            with_poller(
                || black_box(&flag).load(Ordering::Acquire),
                || per_check(iters, || black_box(&flag).load(Ordering::Acquire)),
            )
        })
    });
    g.bench_function("tokio-util is_cancelled", |b| {
        b.iter_custom(|iters| {
            with_poller(
                || black_box(&tokio).is_cancelled(),
                || per_check(iters, || black_box(&tokio).is_cancelled()),
            )
        })
    });
    g.finish();
}

fn disable_guard_pair(c: &mut Criterion) {
    let mut g = c.benchmark_group("disable_guard_pair");
    g.bench_function("cancelpool drop(disable_cancel())", |b| {
        b.iter(|| drop(black_box(cancelpool::disable_cancel())))
    });
    #[cfg(target_os = "linux")]
    g.bench_function("pthread_setcancelstate pair", |b| {
        b.iter(ffi::setcancelstate_pair)
    });
    g.finish();
}

#[cfg(target_os = "linux")]
fn cancel_wake_latency(c: &mut Criterion) {
    let mut waiter = Waiter::new();
    let mut g = c.benchmark_group("cancel_wake_latency");
    // Each sample costs several times its measured time (set-up, /proc polling).
    g.sample_size(30);
    for scenario in Scenario::ALL {
        g.bench_function(
            criterion::BenchmarkId::from_parameter(scenario.name()),
            |b| b.iter_custom(|iters| (0..iters).map(|_| waiter.round(scenario.make())).sum()),
        );
    }
    g.finish();
}

#[cfg(not(target_os = "linux"))]
fn cancel_wake_latency(_: &mut Criterion) {}

criterion_group!(
    benches,
    checkpoint,
    checkpoint_2_threads,
    disable_guard_pair,
    cancel_wake_latency
);
criterion_main!(benches);

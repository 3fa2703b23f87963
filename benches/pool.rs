//! Criterion benches of the pool, each beside rayon's equivalent on a pool of the same
//! size (2 workers):
//!
//! - `join_fib`: fib(20) with `join` at every level (join overhead);
//! - `scope_spawn`: a `scope` spawning [`JOBS`] empty jobs (figure per scope);
//! - `submit`: [`JOBS`] `submit`s from outside, each `JobHandle` joined, beside rayon's
//!   handle-less `spawn` with a completion count (figure per batch);
//! - `install`: one `install` round-trip from outside the pool.
//!
//! Side-by-side ratios, with bars, come from `cargo bench --bench compare`; these are
//! for profiling and regressions. Run:
//! `cargo bench --bench pool -- --warm-up-time 1 --measurement-time 2`.

// `criterion_group!` generates an undocumented `pub fn`.
#![allow(missing_docs)]

use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// Jobs per `scope_spawn` / `submit` iteration.
const JOBS: usize = 10_000;

fn cp_pool() -> cancelpool::ThreadPool {
    cancelpool::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .expect("build a cancelpool pool")
}

fn rayon_pool() -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .expect("build a rayon pool")
}

fn fib_cp(n: u64) -> u64 {
    if n < 2 {
        return n;
    }
    let (a, b) = cancelpool::join(|| fib_cp(n - 1), || fib_cp(n - 2));
    a + b
}

fn fib_rayon(n: u64) -> u64 {
    if n < 2 {
        return n;
    }
    let (a, b) = rayon::join(|| fib_rayon(n - 1), || fib_rayon(n - 2));
    a + b
}

fn join_fib(c: &mut Criterion) {
    let cp = cp_pool();
    let ry = rayon_pool();
    let mut g = c.benchmark_group("join_fib20");
    g.bench_function("cancelpool", |b| {
        b.iter(|| cp.install(|| fib_cp(black_box(20))))
    });
    g.bench_function("rayon", |b| {
        b.iter(|| ry.install(|| fib_rayon(black_box(20))))
    });
    g.finish();
}

fn scope_spawn(c: &mut Criterion) {
    let cp = cp_pool();
    let ry = rayon_pool();
    let mut g = c.benchmark_group("scope_spawn");
    g.throughput(Throughput::Elements(JOBS as u64));
    g.bench_function("cancelpool", |b| {
        b.iter(|| {
            cp.scope(|s| {
                for _ in 0..JOBS {
                    s.spawn(|_| {});
                }
            })
        })
    });
    g.bench_function("rayon", |b| {
        b.iter(|| {
            ry.scope(|s| {
                for _ in 0..JOBS {
                    s.spawn(|_| {});
                }
            })
        })
    });
    g.finish();
}

/// Counts handle-less jobs down to zero and wakes the waiter.
struct Countdown {
    left: AtomicUsize,
    done: Mutex<bool>,
    cv: Condvar,
}

impl Countdown {
    fn new(n: usize) -> Arc<Countdown> {
        Arc::new(Countdown {
            left: AtomicUsize::new(n),
            done: Mutex::new(false),
            cv: Condvar::new(),
        })
    }

    fn hit(&self) {
        // AcqRel: the last decrement follows every other; the waiter learns via the mutex.
        if self.left.fetch_sub(1, Ordering::AcqRel) == 1 {
            *self.done.lock().expect("countdown lock") = true;
            self.cv.notify_one();
        }
    }

    fn wait(&self) {
        let mut done = self.done.lock().expect("countdown lock");
        while !*done {
            done = self.cv.wait(done).expect("countdown lock");
        }
    }
}

fn submit(c: &mut Criterion) {
    let cp = cp_pool();
    let ry = rayon_pool();
    let mut g = c.benchmark_group("submit");
    g.throughput(Throughput::Elements(JOBS as u64));
    let mut handles = Vec::with_capacity(JOBS);
    g.bench_function("cancelpool submit + join handles", |b| {
        b.iter(|| {
            for _ in 0..JOBS {
                handles.push(cp.submit(|_| Ok(())));
            }
            for h in handles.drain(..) {
                h.join().expect("an empty job succeeds");
            }
        })
    });
    g.bench_function("cancelpool spawn + countdown", |b| {
        b.iter(|| {
            let done = Countdown::new(JOBS);
            for _ in 0..JOBS {
                let done = Arc::clone(&done);
                cp.spawn(move || done.hit());
            }
            done.wait();
        })
    });
    g.bench_function("rayon spawn + countdown", |b| {
        b.iter(|| {
            let done = Countdown::new(JOBS);
            for _ in 0..JOBS {
                let done = Arc::clone(&done);
                ry.spawn(move || done.hit());
            }
            done.wait();
        })
    });
    g.finish();
}

fn install(c: &mut Criterion) {
    let cp = cp_pool();
    let ry = rayon_pool();
    let mut g = c.benchmark_group("install_round_trip");
    g.bench_function("cancelpool", |b| b.iter(|| cp.install(|| black_box(1))));
    g.bench_function("rayon", |b| b.iter(|| ry.install(|| black_box(1))));
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
    targets = join_fib, scope_spawn, submit, install
}
criterion_main!(benches);

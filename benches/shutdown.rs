//! Shutdown latency (P6): how long `shutdown()` takes to join 8 idle workers, beside
//! joining 8 idle std threads and dropping a rayon pool (which does not join), and how
//! long `shutdown_now()` takes to stop 8 workers busy in cancellable loops.
//!
//! Pools are built outside the timed part; each sample times only the call under test.
//! On a shared 2-core VM, scheduling tails (a preempted thread waits a time slice, ms)
//! dominate criterion's means, so after the criterion groups the bench also prints
//! per-call medians and p90 of the same workloads, side by side (BENCHMARKS.md).
//! `cargo bench --bench shutdown`

// `criterion_group!` generates an undocumented `pub fn`.
#![allow(missing_docs)]

use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use cancelpool::{ThreadPool, ThreadPoolBuilder};
use criterion::{Criterion, criterion_group};

const N: usize = 8;

/// A pool of `N` workers, all parked (idle, asleep on their condvars).
fn idle_pool() -> ThreadPool {
    let pool = ThreadPoolBuilder::new().num_threads(N).build().unwrap();
    while pool.stats().parked < N {
        thread::yield_now();
    }
    pool
}

/// `N` std threads blocked on a condvar until told to stop.
struct IdleThreads {
    state: Arc<(Mutex<(usize, bool)>, Condvar)>,
    handles: Vec<thread::JoinHandle<()>>,
}

impl IdleThreads {
    fn start() -> IdleThreads {
        let state = Arc::new((Mutex::new((0usize, false)), Condvar::new()));
        let handles = (0..N)
            .map(|_| {
                let state = Arc::clone(&state);
                thread::spawn(move || {
                    let (lock, cvar) = &*state;
                    let mut g = lock.lock().unwrap();
                    g.0 += 1;
                    cvar.notify_all();
                    while !g.1 {
                        g = cvar.wait(g).unwrap();
                    }
                })
            })
            .collect();
        let (lock, cvar) = &*state;
        let mut g = lock.lock().unwrap();
        while g.0 < N {
            g = cvar.wait(g).unwrap();
        }
        drop(g);
        IdleThreads { state, handles }
    }

    fn stop_and_join(self) {
        let (lock, cvar) = &*self.state;
        lock.lock().unwrap().1 = true;
        cvar.notify_all();
        for h in self.handles {
            h.join().unwrap();
        }
    }
}

/// A pool of `N` workers, each running a job that spins on `checkpoint()`.
fn busy_pool() -> ThreadPool {
    let pool = ThreadPoolBuilder::new().num_threads(N).build().unwrap();
    let started = Arc::new(AtomicUsize::new(0));
    for _ in 0..N {
        let started = Arc::clone(&started);
        pool.submit(move |token| -> cancelpool::JobResult<()> {
            started.fetch_add(1, Ordering::SeqCst);
            loop {
                token.checkpoint()?;
                std::hint::spin_loop();
            }
        })
        .detach();
    }
    while started.load(Ordering::SeqCst) < N {
        thread::yield_now();
    }
    pool
}

/// `N` std threads spinning on an `AtomicBool` (the baseline for the busy pool: on a
/// machine with fewer cores than threads, stopping them is bounded by the scheduler).
struct SpinningThreads {
    stop: Arc<std::sync::atomic::AtomicBool>,
    handles: Vec<thread::JoinHandle<()>>,
}

impl SpinningThreads {
    fn start() -> SpinningThreads {
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let started = Arc::new(AtomicUsize::new(0));
        let handles = (0..N)
            .map(|_| {
                let (stop, started) = (Arc::clone(&stop), Arc::clone(&started));
                thread::spawn(move || {
                    started.fetch_add(1, Ordering::SeqCst);
                    while !stop.load(Ordering::Acquire) {
                        std::hint::spin_loop();
                    }
                })
            })
            .collect();
        while started.load(Ordering::SeqCst) < N {
            thread::yield_now();
        }
        SpinningThreads { stop, handles }
    }

    fn stop_and_join(self) {
        self.stop.store(true, Ordering::Release);
        for h in self.handles {
            h.join().unwrap();
        }
    }
}

fn time_each<T>(iters: u64, mut setup: impl FnMut() -> T, mut run: impl FnMut(T)) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let input = setup();
        let t = Instant::now();
        run(input);
        total += t.elapsed();
    }
    total
}

fn shutdown(c: &mut Criterion) {
    let mut g = c.benchmark_group("shutdown_8_workers");
    g.sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(4));

    g.bench_function("cancelpool shutdown() idle, all joined", |b| {
        b.iter_custom(|iters| time_each(iters, idle_pool, |p| p.shutdown().unwrap()))
    });
    g.bench_function("std 8 idle threads: notify + join", |b| {
        b.iter_custom(|iters| time_each(iters, IdleThreads::start, IdleThreads::stop_and_join))
    });
    g.bench_function("rayon ThreadPool drop (not joined)", |b| {
        b.iter_custom(|iters| {
            time_each(
                iters,
                || {
                    let p = rayon::ThreadPoolBuilder::new()
                        .num_threads(N)
                        .build()
                        .unwrap();
                    // Every worker has started and run something.
                    p.broadcast(|_| ());
                    p
                },
                drop,
            )
        })
    });
    g.bench_function("cancelpool shutdown_now() busy in checkpoint loops", |b| {
        b.iter_custom(|iters| {
            time_each(iters, busy_pool, |p| {
                black_box(p.shutdown_now());
            })
        })
    });
    g.bench_function(
        "std 8 threads spinning on an AtomicBool: store + join",
        |b| {
            b.iter_custom(|iters| {
                time_each(
                    iters,
                    SpinningThreads::start,
                    SpinningThreads::stop_and_join,
                )
            })
        },
    );
    g.bench_function("cancelpool drop (= shutdown_now) idle", |b| {
        b.iter_custom(|iters| time_each(iters, idle_pool, drop))
    });
    g.finish();
}

/// Per-call p50/p90 of `run`, over `n` calls, each after its own `setup`.
fn quantiles<T>(n: usize, mut setup: impl FnMut() -> T, mut run: impl FnMut(T)) -> [Duration; 2] {
    let mut v: Vec<Duration> = (0..n).map(|_| time_each(1, &mut setup, &mut run)).collect();
    v.sort();
    [v[n / 2], v[n * 9 / 10]]
}

fn medians() {
    let n = 300;
    let rows: [(&str, [Duration; 2]); 5] = [
        (
            "cancelpool shutdown(), 8 idle workers, joined",
            quantiles(n, idle_pool, |p| p.shutdown().unwrap()),
        ),
        (
            "std: notify 8 idle threads + join",
            quantiles(n, IdleThreads::start, IdleThreads::stop_and_join),
        ),
        (
            "rayon ThreadPool drop, 8 threads (not joined)",
            quantiles(
                n,
                || {
                    let p = rayon::ThreadPoolBuilder::new()
                        .num_threads(N)
                        .build()
                        .unwrap();
                    p.broadcast(|_| ());
                    p
                },
                drop,
            ),
        ),
        (
            "cancelpool shutdown_now(), 8 busy in checkpoint loops",
            quantiles(n / 10, busy_pool, |p| {
                black_box(p.shutdown_now());
            }),
        ),
        (
            "std: 8 threads spinning on an AtomicBool, store + join",
            quantiles(
                n / 10,
                SpinningThreads::start,
                SpinningThreads::stop_and_join,
            ),
        ),
    ];
    println!("\n{:<56} {:>12} {:>12}", "per call", "p50", "p90");
    for (name, [p50, p90]) in rows {
        println!("{name:<56} {p50:>12.1?} {p90:>12.1?}");
    }
}

criterion_group!(benches, shutdown);

fn main() {
    benches();
    let args: Vec<String> = std::env::args().collect();
    if !args.iter().any(|a| a == "--test" || a == "--list") {
        medians();
    }
    Criterion::default().configure_from_args().final_summary();
}

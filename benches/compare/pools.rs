//! Building the pools and warming them before a timed parallel phase.

use std::time::{Duration, Instant};

/// A cancelpool pool of `threads` workers.
pub(crate) fn cp_pool(threads: usize) -> cancelpool::ThreadPool {
    cancelpool::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("build a cancelpool pool")
}

/// A rayon pool of `threads` workers.
pub(crate) fn rayon_pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("build a rayon pool")
}

/// How long each side of a warm-up `join` spins.
const WARM: Duration = Duration::from_micros(300);

/// Keeps the CPU busy for `d`.
pub(crate) fn spin_for(d: Duration) {
    let start = Instant::now();
    while start.elapsed() < d {
        std::hint::spin_loop();
    }
}

/// A short parallel phase right before a timed one: two workers (and both vCPUs) are
/// awake when timing starts, whatever ran before (see shared/BENCHMARKS.md).
pub(crate) fn warm_cp(pool: &cancelpool::ThreadPool) {
    pool.install(|| cancelpool::join(|| spin_for(WARM), || spin_for(WARM)));
}

/// [`warm_cp`] for rayon.
pub(crate) fn warm_rayon(pool: &rayon::ThreadPool) {
    pool.install(|| rayon::join(|| spin_for(WARM), || spin_for(WARM)));
}

/// [`warm_cp`] for threadpool: one spinning job per thread.
pub(crate) fn warm_threadpool(pool: &threadpool::ThreadPool) {
    for _ in 0..pool.max_count() {
        pool.execute(|| spin_for(WARM));
    }
    pool.join();
}

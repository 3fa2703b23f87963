//! `pool-build`: building a pool of 8, 64, 512 and 4096 workers and shutting it down
//! until every worker is joined, reported per worker so that growth with the size
//! shows; beside rayon's build + drop (which does not join: its figure leaves out the
//! workers' exit) and spawning + joining as many std threads (the floor).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use crate::harness::{
    Bar, Config, Fig, Row, Variant, fmt_ns, interleaved, median, time_ns, wait_until,
};

/// A size's per-worker cost may be at most this many times the smallest size's
/// ("grows linearly", shared/BENCHMARKS.md; the smallest carries the fixed costs).
const LINEAR_SLACK: f64 = 2.0;

fn cp_round(workers: usize) -> f64 {
    time_ns(|| {
        let pool = cancelpool::ThreadPoolBuilder::new()
            .num_threads(workers)
            .build()
            .expect("build a cancelpool pool");
        pool.shutdown().expect("an idle pool shuts down");
    })
}

fn rayon_round(workers: usize) -> f64 {
    let exited = Arc::new(AtomicUsize::new(0));
    let e = Arc::clone(&exited);
    let ns = time_ns(|| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(workers)
            .exit_handler(move |_| {
                e.fetch_add(1, Ordering::SeqCst);
            })
            .build()
            .expect("build a rayon pool");
        drop(pool);
    });
    // Not timed: the next round starts without rayon's exiting threads around.
    wait_until("rayon workers' exit", || {
        exited.load(Ordering::SeqCst) == workers
    });
    ns
}

fn std_round(workers: usize) -> f64 {
    time_ns(|| {
        let threads: Vec<_> = (0..workers).map(|_| thread::spawn(|| {})).collect();
        for t in threads {
            t.join().expect("empty thread");
        }
    })
}

/// `pool-build`: 8, 64 and 512 workers.
pub(crate) fn pool_build_rows(cfg: &Config, rows: &mut Vec<Row>) {
    let base = per_worker_rows(cfg, BASE, None, rows);
    for workers in [64, 512] {
        per_worker_rows(cfg, workers, Some(base), rows);
    }
}

/// `pool-build-4096`, on request only: on 2 CPUs one round takes some 20 s per pool
/// today, as each starting worker searches every other worker's deque before it parks.
pub(crate) fn pool_build_4096_rows(cfg: &Config, rows: &mut Vec<Row>) {
    let mut base_rows = Vec::new();
    let base = per_worker_rows(cfg, BASE, None, &mut base_rows);
    per_worker_rows(cfg, 4096, Some(base), rows);
}

/// The smallest pool: the others' per-worker costs are compared with its.
const BASE: usize = 8;

/// Measures pools of `workers` workers and pushes their rows; returns cancelpool's
/// per-worker cost (ns). `base` is the smallest size's, for the linear-growth bar.
fn per_worker_rows(cfg: &Config, workers: usize, base: Option<f64>, rows: &mut Vec<Row>) -> f64 {
    // Fewer rounds for bigger pools: 512 workers take some 150 ms a round.
    let rounds = if workers <= 64 {
        cfg.pick(3, 15)
    } else if workers <= 512 {
        cfg.pick(1, 5)
    } else {
        1
    };
    let mut variants: Vec<Variant<'_>> = vec![
        ("cancelpool", Box::new(move || cp_round(workers))),
        (
            "rayon build + drop (does NOT join its threads)",
            Box::new(move || rayon_round(workers)),
        ),
        (
            "std: spawn + join as many threads",
            Box::new(move || std_round(workers)),
        ),
    ];
    let s = interleaved(rounds, &mut variants);
    let per_worker = |i: usize| median(&s[i]) / workers as f64;
    let ours = per_worker(0);
    let (bar, growth) = match base {
        None => (Bar::None, String::new()),
        Some(base) => (
            Bar::MaxNs(LINEAR_SLACK * base),
            format!(
                "; per worker {:.2}× that of {BASE} workers, linear if ≤ {LINEAR_SLACK}×",
                ours / base
            ),
        ),
    };
    let what = format!(
        "build + `shutdown()` of {workers} workers, until all joined (cancelpool {} in \
         all{growth})",
        fmt_ns(median(&s[0]))
    );
    for (i, (peer, _)) in variants.iter().enumerate().skip(1) {
        rows.push(Row::new(
            what.clone(),
            Fig::PerWorker(ours),
            *peer,
            Fig::PerWorker(per_worker(i)),
            bar,
        ));
    }
    ours
}

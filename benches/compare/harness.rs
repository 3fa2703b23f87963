//! The table and the measuring helpers every section uses.
//!
//! # Adding a section
//!
//! 1. Write a file `benches/compare/<name>.rs` with one `pub(crate) fn rows(cfg:
//!    &Config, rows: &mut Vec<Row>)` (or several, one per section). Inside it:
//!    - size the work with the shared [`Config`] fields (`ops`, `samples`, `par_samples`,
//!      `jobs`, `job_samples`) or with [`Config::pick`]`(quick, full)` for sizes of its
//!      own, so that `--quick` stays under 15 s and the full run under a minute;
//!    - build each library's pool once ([`cp_pool`](crate::pools::cp_pool),
//!      [`rayon_pool`](crate::pools::rayon_pool)), and start every parallel sample with
//!      a warm-up on its own pool ([`warm_cp`](crate::pools::warm_cp), ...);
//!    - check once, untimed, that both libraries compute the same result;
//!    - list the variants as [`Variant`]s (a label and a closure returning one sample in
//!      ns, usually via [`time_ns`] or [`per_op`]) and sample them with
//!      [`interleaved`], which takes them in turn (A B C A B C …);
//!    - push one [`Row`] per comparison: `Row::new(workload, ours, peer, theirs, bar)`
//!      with figures from [`Fig`] and the bar of shared/BENCHMARKS.md as a [`Bar`].
//! 2. Declare the module in `main.rs` and list the function in `SECTIONS`, under a name
//!    that `cargo bench --bench compare -- <name>` selects. A section that needs
//!    platform calls is gated where they exist (`#[cfg(target_os = "linux")]` on the
//!    module and on its `SECTIONS` entry), so that the bench builds everywhere.

use std::hint::black_box;
use std::time::{Duration, Instant};

/// Sample counts: `--quick` for a smoke run, the default for figures to quote.
pub(crate) struct Config {
    /// True under `--quick`.
    pub(crate) quick: bool,
    /// Operations per timed loop in per-operation sections.
    pub(crate) ops: u64,
    /// Timed loops per variant (the median is reported).
    pub(crate) samples: usize,
    /// Samples per variant of the fork-join and parallel-iterator sections.
    pub(crate) par_samples: usize,
    /// Jobs per sample of the job-throughput sections (`scope`/`spawn`/`submit`).
    pub(crate) jobs: usize,
    /// Samples per variant of the job-throughput sections.
    pub(crate) job_samples: usize,
}

impl Config {
    pub(crate) const QUICK: Config = Config {
        quick: true,
        ops: 1_000_000,
        samples: 15,
        par_samples: 7,
        jobs: 200_000,
        job_samples: 5,
    };
    pub(crate) const FULL: Config = Config {
        quick: false,
        ops: 2_000_000,
        samples: 41,
        par_samples: 11,
        jobs: 1_000_000,
        job_samples: 5,
    };

    /// A section's own size: `quick` under `--quick`, `full` otherwise.
    pub(crate) fn pick<T>(&self, quick: T, full: T) -> T {
        if self.quick { quick } else { full }
    }
}

/// A measured figure: a time per operation, or a latency distribution.
#[derive(Clone, Copy)]
pub(crate) enum Fig {
    /// Median nanoseconds per operation.
    Time(f64),
    /// Median nanoseconds per job, shown with the throughput it means.
    PerJob(f64),
    /// Median nanoseconds per worker (pool build rows).
    PerWorker(f64),
    /// p50 and p99 in nanoseconds.
    Latency { p50: f64, p99: f64 },
    /// A speed-up over a sequential run (higher is better).
    Speedup(f64),
    /// Heap allocations per operation.
    Allocs(f64),
}

impl Fig {
    /// The median of per-operation samples (ns).
    pub(crate) fn time(samples: &[f64]) -> Fig {
        Fig::Time(median(samples))
    }

    /// The median of per-job samples (ns).
    pub(crate) fn per_job(samples: &[f64]) -> Fig {
        Fig::PerJob(median(samples))
    }

    /// p50/p99 of latency samples (ns).
    pub(crate) fn latency(samples: &[f64]) -> Fig {
        Fig::Latency {
            p50: percentile(samples, 50.0),
            p99: percentile(samples, 99.0),
        }
    }

    /// The speed-up `sequential / parallel` of two medians of times.
    pub(crate) fn speedup(sequential: &[f64], parallel: &[f64]) -> Fig {
        Fig::Speedup(median(sequential) / median(parallel))
    }

    /// A time per operation (ns), if the figure is one.
    fn ns(self) -> Option<f64> {
        match self {
            Fig::Time(t) | Fig::PerJob(t) | Fig::PerWorker(t) => Some(t),
            _ => None,
        }
    }

    /// The figure as the table shows it.
    pub(crate) fn show(self) -> String {
        match self {
            Fig::Time(t) => fmt_ns(t),
            Fig::PerJob(t) => format!("{}/job ({:.2} M jobs/s)", fmt_ns(t), 1e3 / t),
            Fig::PerWorker(t) => format!("{}/worker", fmt_ns(t)),
            Fig::Latency { p50, p99 } => format!("p50 {} / p99 {}", fmt_ns(p50), fmt_ns(p99)),
            Fig::Speedup(x) => format!("{x:.2}× sequential"),
            Fig::Allocs(n) => format!("{n:.3} allocs/op"),
        }
    }
}

/// Where the bar is (shared/BENCHMARKS.md), checked against cancelpool's figure.
#[derive(Clone, Copy)]
// The latency bars belong to sections built on Linux only.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
pub(crate) enum Bar {
    /// No bar for this row (context only).
    None,
    /// The time per operation is at most this many ns.
    MaxNs(f64),
    /// p50 and p99 at most these many ns.
    MaxLatency { p50: f64, p99: f64 },
    /// p50 at most this many ns (p99 shown, not judged).
    MaxP50(f64),
    /// cancelpool / peer at most this ratio (the pool rows' bars, e.g. join ≤ 1.0× rayon).
    MaxRatio(f64),
    /// A speed-up of at least this much.
    MinSpeedup(f64),
    /// At most this many allocations per operation, plus [`QUEUE_BLOCKS`].
    MaxAllocs(f64),
}

/// Slack of the allocation bars: the job queues' own storage, amortized over the jobs
/// (crossbeam's injector allocates one block per 63 jobs, 0.016 per job, for rayon and
/// cancelpool alike); a whole extra allocation per job still misses.
pub(crate) const QUEUE_BLOCKS: f64 = 0.05;

impl Bar {
    fn show(self, ours: Fig, theirs: Fig) -> String {
        let verdict = |ok: bool| if ok { "met" } else { "**MISSED**" };
        match (self, ours, theirs) {
            (Bar::None, _, _) => "—".to_string(),
            (Bar::MaxNs(max), Fig::Time(t) | Fig::PerWorker(t), _) => {
                format!("≤ {}: {}", fmt_ns(max), verdict(t <= max))
            }
            (Bar::MaxLatency { p50, p99 }, Fig::Latency { p50: a, p99: b }, _) => format!(
                "p50 ≤ {}, p99 ≤ {}: {}",
                fmt_ns(p50),
                fmt_ns(p99),
                verdict(a <= p50 && b <= p99)
            ),
            (Bar::MaxP50(max), Fig::Latency { p50, .. }, _) => {
                format!("p50 ≤ {}: {}", fmt_ns(max), verdict(p50 <= max))
            }
            (Bar::MaxRatio(max), a, b) => match (a.ns(), b.ns()) {
                (Some(a), Some(b)) => format!("≤ {max:.2}×: {}", verdict(a / b <= max)),
                _ => "(bar does not fit the figure)".to_string(),
            },
            (Bar::MinSpeedup(min), Fig::Speedup(x), _) => {
                format!("≥ {min:.2}×: {}", verdict(x >= min))
            }
            (Bar::MaxAllocs(max), Fig::Allocs(n), _) => format!(
                "≤ {max} (+ {QUEUE_BLOCKS} for queue blocks): {}",
                verdict(n <= max + QUEUE_BLOCKS)
            ),
            _ => "(bar does not fit the figure)".to_string(),
        }
    }
}

/// One line of the table.
pub(crate) struct Row {
    workload: String,
    ours: Fig,
    peer: String,
    theirs: Fig,
    bar: Bar,
}

impl Row {
    pub(crate) fn new(
        workload: impl Into<String>,
        ours: Fig,
        peer: impl Into<String>,
        theirs: Fig,
        bar: Bar,
    ) -> Row {
        Row {
            workload: workload.into(),
            ours,
            peer: peer.into(),
            theirs,
            bar,
        }
    }

    /// cancelpool / peer; for speed-ups over the same sequential run, the ratio of the
    /// times (peer's speed-up / ours), so that below 1 still means cancelpool is faster.
    fn ratio(&self) -> String {
        match (self.ours, self.theirs) {
            (Fig::Latency { p50: a50, p99: a99 }, Fig::Latency { p50: b50, p99: b99 }) => {
                format!("{:.2}× / {:.2}×", a50 / b50, a99 / b99)
            }
            (Fig::Speedup(a), Fig::Speedup(b)) => format!("{:.2}×", b / a),
            (Fig::Allocs(a), Fig::Allocs(b)) if b > 0.0 => format!("{:.2}×", a / b),
            (a, b) => match (a.ns(), b.ns()) {
                (Some(a), Some(b)) => format!("{:.2}×", a / b),
                _ => "—".to_string(),
            },
        }
    }
}

/// Prints the rows as one markdown table.
pub(crate) fn print_table(rows: &[Row]) {
    println!("| workload | cancelpool | peer | peer figure | ratio | bar |");
    println!("|---|---|---|---|---|---|");
    for r in rows {
        println!(
            "| {} | {} | {} | {} | {} | {} |",
            r.workload,
            r.ours.show(),
            r.peer,
            r.theirs.show(),
            r.ratio(),
            r.bar.show(r.ours, r.theirs)
        );
    }
}

/// Nanoseconds with a unit that keeps 3–4 significant digits.
pub(crate) fn fmt_ns(ns: f64) -> String {
    if ns < 1_000.0 {
        format!("{ns:.2} ns")
    } else if ns < 1_000_000.0 {
        format!("{:.1} µs", ns / 1e3)
    } else if ns < 10_000_000_000.0 {
        format!("{:.2} ms", ns / 1e6)
    } else {
        format!("{:.1} s", ns / 1e9)
    }
}

/// `1_000_000` → "1M", `250_000` → "250k".
pub(crate) fn fmt_count(n: usize) -> String {
    if n >= 1_000_000 && n % 1_000_000 == 0 {
        format!("{}M", n / 1_000_000)
    } else if n >= 1_000 && n % 1_000 == 0 {
        format!("{}k", n / 1_000)
    } else {
        n.to_string()
    }
}

// ---------------------------------------------------------------------------------------
// Measuring.

/// The `p`-th percentile (nearest rank) of `samples`.
pub(crate) fn percentile(samples: &[f64], p: f64) -> f64 {
    assert!(!samples.is_empty(), "no samples");
    let mut v = samples.to_vec();
    v.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * v.len() as f64).ceil() as usize;
    v[rank.clamp(1, v.len()) - 1]
}

/// The median (nearest rank) of `samples`.
pub(crate) fn median(samples: &[f64]) -> f64 {
    percentile(samples, 50.0)
}

/// Nanoseconds per call of `op`, over a loop of `n` calls. `op` returns a bool so that
/// its result is used; it should take its subject through `black_box`.
#[inline(always)]
pub(crate) fn per_op(n: u64, mut op: impl FnMut() -> bool) -> f64 {
    let mut hits = 0u64;
    let start = Instant::now();
    for _ in 0..n {
        hits += op() as u64;
    }
    let elapsed = start.elapsed();
    black_box(hits);
    elapsed.as_nanos() as f64 / n as f64
}

/// Wall time of `f` (ns); its result is dropped after the clock stopped.
pub(crate) fn time_ns<R>(f: impl FnOnce() -> R) -> f64 {
    let start = Instant::now();
    let r = f();
    let ns = start.elapsed().as_nanos() as f64;
    drop(black_box(r));
    ns
}

/// A named measurement producing one sample (ns) per call.
pub(crate) type Variant<'a> = (&'a str, Box<dyn FnMut() -> f64 + 'a>);

/// Takes `samples` samples of every variant, in turn (A B C A B C …), after one
/// discarded warm-up round; returns the samples per variant, in order.
pub(crate) fn interleaved(samples: usize, variants: &mut [Variant<'_>]) -> Vec<Vec<f64>> {
    for (_, v) in variants.iter_mut() {
        v();
    }
    let mut out = vec![Vec::with_capacity(samples); variants.len()];
    for _ in 0..samples {
        for (i, (_, v)) in variants.iter_mut().enumerate() {
            out[i].push(v());
        }
    }
    out
}

/// Yields until `cond` holds. Panics after 5 s: a scenario whose threads never get
/// there is a broken scenario, not a slow one.
pub(crate) fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{what} did not happen within 5 s"
        );
        std::thread::yield_now();
    }
}

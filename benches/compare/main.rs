//! Side-by-side comparison of cancelpool with its peers, in one process run.
//!
//! `cargo bench --bench compare` (under a minute) or `cargo bench --bench compare --
//! --quick` (under 15 s); extra words select sections by name, e.g. `-- --quick wake`.
//! Sections too slow for those budgets (`ON_REQUEST`) run only when named in full, e.g.
//! `-- pool-build-4096`.
//! Prints one markdown table: `workload | cancelpool | peer | peer figure | ratio | bar`.
//!
//! Method (see shared/BENCHMARKS.md): every figure is a median over repeated samples
//! (p50/p99 over rounds for latencies), and the variants of a section are sampled in
//! turn — A B C A B C … — so that drift of a shared VM hits them alike. Ratios are
//! cancelpool / peer: below 1 means cancelpool is faster.
//!
//! Pool and parallel-iterator rows run both libraries on pools of 2 workers (unless the
//! row says otherwise), and every parallel sample starts with a short parallel warm-up
//! phase on its own pool (`warm_cp`, `warm_rayon`): a parallel phase right after a
//! single-threaded one runs 1.3–1.7× slower on these VMs. The allocation rows count heap
//! allocations with a counting `#[global_allocator]` that counts only while a row
//! measures (one relaxed load per allocation otherwise, for every row alike).
//!
//! One file per section; [`harness`] has the table, the figures and the sampling
//! helpers, and says how to add a section. Sections that need `/proc` or glibc's
//! pthread calls (wake latencies, stopping a blocked thread, idle shutdown, the pthread
//! peers) are built on Linux only; the rest runs wherever cancelpool does.

#[cfg(target_os = "linux")]
#[path = "../common/mod.rs"]
mod common;

mod alloc;
mod cancel_checks;
mod fork_join;
mod harness;
mod iter;
mod jobs;
mod oversubscribed;
mod pool_build;
mod pools;
mod shutdown;
#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod stop_thread;
#[cfg(target_os = "linux")]
mod waits;

use std::time::Instant;

use harness::{Config, Row, print_table};

/// A section measures its workloads and appends their rows.
type Section = fn(&Config, &mut Vec<Row>);

/// Every section, in table order, under the name that selects it on the command line.
const SECTIONS: &[(&str, Section)] = &[
    ("checkpoint", cancel_checks::checkpoint_rows),
    (
        "checkpoint-2-threads",
        cancel_checks::checkpoint_2_threads_rows,
    ),
    #[cfg(target_os = "linux")]
    ("guard", cancel_checks::guard_rows),
    #[cfg(target_os = "linux")]
    ("wake", waits::wake_rows),
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    ("stop-thread", stop_thread::stop_thread_rows),
    ("join", fork_join::join_rows),
    ("fib-cutoff", fork_join::fib_cutoff_rows),
    ("scope-spawn", jobs::scope_spawn_rows),
    ("spawn-submit", jobs::spawn_submit_rows),
    ("alloc", alloc::alloc_rows),
    ("par-sum", iter::par_sum_rows),
    ("par-map-collect", iter::par_map_collect_rows),
    ("par-find-any", iter::par_find_any_rows),
    ("oversubscribed", oversubscribed::oversubscribed_rows),
    #[cfg(target_os = "linux")]
    ("shutdown", shutdown::shutdown_rows),
    ("shutdown-now-busy", shutdown::shutdown_now_rows),
    ("pool-build", pool_build::pool_build_rows),
];

/// Sections too slow for the default runs (over 10 s), run only when named exactly.
const ON_REQUEST: &[(&str, Section)] = &[("pool-build-4096", pool_build::pool_build_4096_rows)];

fn main() {
    let mut quick = false;
    let mut filters = Vec::new();
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--quick" => quick = true,
            // cargo bench passes `--bench` to every bench binary.
            "--bench" => {}
            other if other.starts_with('-') => eprintln!("compare: ignoring {other}"),
            other => filters.push(other.to_string()),
        }
    }
    let cfg = if quick { Config::QUICK } else { Config::FULL };
    // Other processes' load decides the latency tails on a shared VM: say what it was.
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load = load.split_whitespace().next().unwrap_or("?");
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let start = Instant::now();
    let mut rows = Vec::new();
    let default = SECTIONS.iter().filter(|(name, _)| {
        filters.is_empty() || filters.iter().any(|f| name.contains(f.as_str()))
    });
    let requested = ON_REQUEST
        .iter()
        .filter(|(name, _)| filters.iter().any(|f| name == f));
    for (name, section) in default.chain(requested) {
        let t = Instant::now();
        section(&cfg, &mut rows);
        eprintln!("compare: {name} took {:.1} s", t.elapsed().as_secs_f64());
    }
    println!("compare: 1-min load average {load} on {cpus} CPUs when it started\n");
    print_table(&rows);
    eprintln!(
        "compare: {} rows in {:.1} s ({})",
        rows.len(),
        start.elapsed().as_secs_f64(),
        if quick { "--quick" } else { "full" }
    );
}

//! The README's demo: parallel work with a progress line, a deadline that cancels it,
//! a clean shutdown, and a summary.
//!
//! Run with `cargo run --release --example demo` (optionally `-- SECONDS`).

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use cancelpool::{CancelSource, CancelToken, Cancelled, JobError, ThreadPoolBuilder};

/// Counts primes in `range`, with a checkpoint every 64 numbers.
fn count_primes(
    token: &CancelToken,
    range: std::ops::Range<u64>,
    progress: &AtomicU64,
) -> Result<u64, Cancelled> {
    let mut count = 0;
    for (i, n) in range.enumerate() {
        if i % 64 == 0 {
            token.checkpoint()?;
            progress.fetch_add(64, Ordering::Relaxed);
        }
        if is_prime(n) {
            count += 1;
        }
    }
    Ok(count)
}

fn is_prime(n: u64) -> bool {
    if n < 2 {
        return false;
    }
    let mut d = 2;
    while d * d <= n {
        if n % d == 0 {
            return false;
        }
        d += 1;
    }
    true
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let seconds: f64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.5);
    let pool = ThreadPoolBuilder::new()
        .thread_name(|i| format!("demo-worker-{i}"))
        .build()?;
    let progress = Arc::new(AtomicU64::new(0));

    // Sixteen jobs of growing size: the small ones finish, the big ones meet the deadline.
    let jobs: Vec<_> = (0..16u64)
        .map(|i| {
            let progress = Arc::clone(&progress);
            let size = 20_000 * (1 << (i / 2));
            let start = 1_000_000_000 + i * 10_000_000;
            let handle =
                pool.submit(move |token| Ok(count_primes(token, start..start + size, &progress)?));
            (i, size, handle)
        })
        .collect();

    // The deadline is a token too; waiting on it is the progress ticker.
    let deadline = CancelSource::with_timeout(Duration::from_secs_f64(seconds));
    let started = Instant::now();
    println!(
        "{} workers, {} jobs, deadline {seconds:.1} s",
        pool.current_num_threads(),
        jobs.len()
    );
    while deadline
        .token()
        .wait_cancelled(Duration::from_millis(100))
        .is_ok()
    {
        let done = jobs.iter().filter(|(_, _, h)| h.is_finished()).count();
        print!(
            "\r  {:5.2} s  {:>12} numbers checked  {done:>2}/{} jobs done",
            started.elapsed().as_secs_f64(),
            progress.load(Ordering::Relaxed),
            jobs.len()
        );
        std::io::stdout().flush()?;
        if done == jobs.len() {
            break;
        }
    }
    println!();

    // Cancel what still runs, discard what never started, join every worker.
    let stopping = Instant::now();
    let discarded = pool.shutdown_now();
    let stop_time = stopping.elapsed();

    let (mut finished, mut cancelled) = (0, 0);
    for (i, size, handle) in jobs {
        match handle.join() {
            Ok(primes) => {
                finished += 1;
                println!("  job {i:>2} ({size:>9} numbers): {primes} primes");
            }
            Err(JobError::Cancelled) => {
                cancelled += 1;
                println!("  job {i:>2} ({size:>9} numbers): cancelled");
            }
            Err(other) => println!("  job {i:>2}: {other}"),
        }
    }
    let stats = pool.stats();
    println!(
        "summary: {finished} finished, {cancelled} cancelled ({discarded} before they started); \
                  shutdown_now cancelled and joined every worker in {:.2} ms; {} jobs executed, {} stolen",
        stop_time.as_secs_f64() * 1e3,
        stats.executed,
        stats.stolen
    );
    Ok(())
}

//! The README's demo: parallel work with a progress line, a deadline that cancels it,
//! a clean shutdown, and a summary.
//!
//! Run with `cargo run --release --example demo` (optionally `-- SECONDS`). On a
//! terminal the progress is one line rewritten in place; piped (`| cat`, a log file) it
//! is a plain line every half second.

use std::io::{IsTerminal, Write};
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
                pool.submit(move |token| count_primes(token, start..start + size, &progress));
            (i, size, handle)
        })
        .collect();

    // The deadline is a token too; waiting on it is the progress ticker.
    let deadline = CancelSource::with_timeout(Duration::from_secs_f64(seconds));
    let started = Instant::now();
    let live = std::io::stdout().is_terminal();
    println!(
        "{} workers, {} jobs, deadline {seconds:.1} s",
        pool.current_num_threads(),
        jobs.len()
    );
    let mut ticks = 0u64;
    let all_done = loop {
        let done = jobs.iter().filter(|(_, _, h)| h.is_finished()).count();
        let line = format!(
            "  {:5.2} s  {:>12} numbers checked  {done:>2}/{} jobs done",
            started.elapsed().as_secs_f64(),
            progress.load(Ordering::Relaxed),
            jobs.len()
        );
        if live {
            print!("\r{line}");
            std::io::stdout().flush()?;
        } else if ticks % 5 == 0 {
            println!("{line}");
        }
        if done == jobs.len() {
            break true;
        }
        if deadline
            .token()
            .wait_cancelled(Duration::from_millis(100))
            .is_err()
        {
            break false;
        }
        ticks += 1;
    };
    if live {
        println!();
    }

    // At the deadline: cancel what still runs, discard what never started, join every
    // worker. (Had every job finished, this only joins the idle workers.)
    let at = started.elapsed();
    let stopping = Instant::now();
    let discarded = pool.shutdown_now();
    let stop_time = stopping.elapsed();
    let stats = pool.stats();
    let cancelled_running = stats.cancelled - stats.cancelled_before_start;
    if all_done {
        println!("all {} jobs done at {:.2} s", jobs.len(), at.as_secs_f64());
    } else {
        println!(
            "deadline at {:.2} s: cancelled {cancelled_running} running jobs, discarded \
             {discarded} queued jobs; every worker joined {:.2} ms later",
            at.as_secs_f64(),
            stop_time.as_secs_f64() * 1e3
        );
    }

    let (mut finished, mut cancelled, mut failed) = (0, 0, 0);
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
            Err(other) => {
                failed += 1;
                println!("  job {i:>2}: {other}");
            }
        }
    }
    println!(
        "summary: {} submitted = {finished} finished + {cancelled} cancelled ({cancelled_running} \
         while running, {discarded} before they started) + {failed} failed",
        stats.submitted
    );
    println!(
        "pool stats: submitted {}, finished {} (ran: returned a result or Cancelled, or \
         panicked), cancelled {} ({} before start), panicked {}, in flight {}, executed {}, \
         stolen {}",
        stats.submitted,
        stats.finished,
        stats.cancelled,
        stats.cancelled_before_start,
        stats.panicked,
        stats.in_flight,
        stats.executed,
        stats.stolen
    );
    Ok(())
}

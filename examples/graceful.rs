//! Graceful shutdown on Ctrl-C or SIGTERM.
//!
//! A pool runs six cancellable jobs: two quick ones that finish, four long ones (about
//! 30 s each). Press Ctrl-C (or `kill -TERM <pid>`): the signal cancels the pool's
//! jobs, each long job stops at its next cancellation point and returns through its
//! ordinary drops (every job prints `cleanup job N`), the program prints which jobs
//! finished and which were cancelled, shuts the pool down and exits with status 0 —
//! also when the signal comes before every job has started (the jobs not yet started are
//! discarded, and their cleanup runs too). A second Ctrl-C while the jobs wind down ends
//! the process at once, killed by SIGINT (the shell shows status 130).
//!
//! ```text
//! cargo run --example graceful --features signal
//! ```

use std::error::Error;
use std::sync::mpsc;
use std::time::Duration;

use cancelpool::{JobError, ThreadPoolBuilder};

const JOBS: usize = 6;
const QUICK: usize = 2;

/// Cleanup that must run however the job ends: finished, cancelled while running, or
/// discarded before it started (then the closure holding it is dropped unrun).
struct Cleanup(usize);

impl Drop for Cleanup {
    fn drop(&mut self) {
        println!("cleanup job {}", self.0);
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let pool = ThreadPoolBuilder::new()
        .num_threads(JOBS - QUICK)
        .thread_name(|i| format!("graceful-{i}"))
        .build()?;
    // From here on, SIGINT/SIGTERM cancel the pool's jobs (the handler itself only
    // wakes a watcher thread).
    let signals = cancelpool::cancel_on_signals(&pool)?;
    println!("signals: Ctrl-C or SIGTERM cancels the jobs; a second one exits at once");

    let (started_tx, started_rx) = mpsc::channel();
    let mut handles = Vec::new();
    for n in 0..JOBS {
        let steps: u64 = if n < QUICK { 3 } else { 3_000 };
        let started_tx = started_tx.clone();
        let cleanup = Cleanup(n);
        handles.push(pool.submit(move |token| {
            let _cleanup = cleanup;
            let _ = started_tx.send(n);
            let mut done = 0;
            while done < steps {
                // A unit of work: here a 10 ms cancellable wait.
                token.sleep(Duration::from_millis(10))?;
                done += 1;
            }
            Ok(done)
        }));
    }
    drop(started_tx);
    let mut report = Vec::new();
    // The quick jobs finish first; the long ones take their workers.
    for (n, handle) in handles.drain(..QUICK).enumerate() {
        report.push((n, handle.join()));
    }
    // Every job says when it starts; a job discarded by an early signal never does, and
    // the channel closes once every job has started or been dropped.
    let started = started_rx.iter().take(JOBS).count();
    if started == JOBS {
        println!(
            "ready: pid {}; {} jobs running; press Ctrl-C or send SIGTERM",
            std::process::id(),
            JOBS - QUICK
        );
    } else {
        println!("cancelled early: {started} of {JOBS} jobs had started");
    }
    for (n, handle) in (QUICK..).zip(handles) {
        report.push((n, handle.join()));
    }

    let mut finished = Vec::new();
    let mut cancelled = Vec::new();
    for (n, result) in report {
        match result {
            Ok(steps) => {
                println!("job {n}: finished after {steps} steps");
                finished.push(n);
            }
            Err(JobError::Cancelled) => {
                println!("job {n}: cancelled");
                cancelled.push(n);
            }
            Err(e) => {
                println!("job {n}: {e}");
                return Err(e.into());
            }
        }
    }
    match signals.received() {
        Some(sig) => {
            let name = match sig {
                cancelpool::signal::SIGINT => "SIGINT",
                cancelpool::signal::SIGTERM => "SIGTERM",
                _ => "a signal",
            };
            println!("{name} ({sig}) received: the pool's jobs were cancelled");
        }
        None => println!("no signal received"),
    }
    println!("summary: finished {finished:?}, cancelled {cancelled:?}");
    pool.shutdown()?;
    println!("pool shut down; every worker joined");
    Ok(())
}

//! Shared helpers for the loom models: a bounded model runner and a loom-checked cell for
//! data published through the cancel flag.
#![allow(dead_code)]

use std::sync::Arc as StdArc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// The preemption bound of bounded models when `LOOM_MAX_PREEMPTIONS` is not set, so
/// that a plain `cargo test` under `--cfg loom` stays bounded. `scripts/loom.sh` sets it.
pub const DEFAULT_PREEMPTIONS: usize = 3;

/// Runs a model whose full state space is too large: bounded by `LOOM_MAX_PREEMPTIONS`
/// (default [`DEFAULT_PREEMPTIONS`]), exhaustive up to that many preemptions.
pub fn model<F>(name: &str, f: F)
where
    F: Fn() + Sync + Send + 'static,
{
    let mut builder = loom::model::Builder::new();
    if builder.preemption_bound.is_none() {
        builder.preemption_bound = Some(DEFAULT_PREEMPTIONS);
    }
    check(name, builder, f);
}

/// Runs a small model with no preemption bound: every interleaving is explored, whatever
/// `LOOM_MAX_PREEMPTIONS` says (each such model finishes in seconds).
pub fn model_exhaustive<F>(name: &str, f: F)
where
    F: Fn() + Sync + Send + 'static,
{
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = None;
    check(name, builder, f);
}

/// Runs the model and prints how many interleavings it explored and how long it took
/// (visible with `--nocapture`).
fn check<F>(name: &str, builder: loom::model::Builder, f: F)
where
    F: Fn() + Sync + Send + 'static,
{
    // A plain std counter: it sits outside the model and only counts its executions.
    let runs = StdArc::new(AtomicUsize::new(0));
    let counter = StdArc::clone(&runs);
    let start = Instant::now();
    builder.check(move || {
        counter.fetch_add(1, Ordering::Relaxed);
        f();
    });
    let bound = match builder.preemption_bound {
        Some(n) => format!("LOOM_MAX_PREEMPTIONS={n}"),
        None => "no preemption bound (exhaustive)".to_string(),
    };
    println!(
        "{name}: {} interleavings, {bound}, {:.2?}",
        runs.load(Ordering::Relaxed),
        start.elapsed()
    );
}

/// A value written by one model thread and read by another. Every access goes through
/// loom's `UnsafeCell`, so a read that is not ordered after the write by a happens-before
/// edge (for instance, through a `Relaxed` cancel flag) fails the model.
pub struct Published(loom::cell::UnsafeCell<u64>);

// SAFETY: the cell is only accessed through `write` and `read`, which loom tracks; an
// access that races another is reported by loom as a model failure, never performed
// silently.
unsafe impl Sync for Published {}

impl Published {
    pub fn new() -> Self {
        Published(loom::cell::UnsafeCell::new(0))
    }

    pub fn write(&self, value: u64) {
        // SAFETY: loom checks that no other access is concurrent with this one.
        self.0.with_mut(|p| unsafe { *p = value });
    }

    pub fn read(&self) -> u64 {
        // SAFETY: loom checks that no write is concurrent with this read.
        self.0.with(|p| unsafe { *p })
    }
}

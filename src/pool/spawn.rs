//! `spawn` (P2): fire-and-forget detached jobs.
//!
//! A spawned job runs under the pool's token (C5: detached jobs start enabled, with a
//! token the pool can cancel). A per-job child token would behave identically — nobody
//! else holds its source — so the pool's own token is used and a spawn costs one
//! allocation (the boxed closure). A job whose pool token is already cancelled when a
//! worker takes it is discarded and counted as cancelled before start (P6).

use super::JobError;
use super::job::HeapJob;
use super::registry::{Registry, WorkerThread};
use crate::cancel::state::Context;
use crate::sync::Arc;
use crate::sync::atomic::Ordering;
use crate::util::unwind;

/// Runs `f` on the current pool (or the global one) without waiting for it.
///
/// After the pool was shut down nothing runs: `f` is dropped and the rejection is
/// counted in [`PoolStats::rejected`](crate::PoolStats::rejected); use
/// [`ThreadPool::try_spawn`](crate::ThreadPool::try_spawn) to be told directly. A panic
/// in `f` goes to the pool's panic handler (or is dropped after the panic hook printed
/// it); it never aborts the process.
///
/// # Example
///
/// ```
/// let (tx, rx) = std::sync::mpsc::channel();
/// cancelpool::spawn(move || {
///     tx.send(cancelpool::current_thread_index().is_some()).unwrap();
/// });
/// assert!(rx.recv().unwrap(), "ran on a pool thread");
/// ```
pub fn spawn<F>(f: F)
where
    F: FnOnce() + Send + 'static,
{
    let registry = super::global::current_registry();
    let _ = spawn_in(&registry, f);
}

pub(crate) fn spawn_in<F>(registry: &Arc<Registry>, f: F) -> Result<(), JobError>
where
    F: FnOnce() + Send + 'static,
{
    // Relaxed: ordered before the job's end by the queue push (registry invariant 5).
    registry.submitted.fetch_add(1, Ordering::Relaxed);
    let Ok(admission) = registry.admit() else {
        // Release: `stats()` reads `rejected` before `submitted` (invariant 5).
        registry.rejected.fetch_add(1, Ordering::Release);
        return Err(JobError::Rejected);
    };
    let job = HeapJob::new(Context::new(&registry.token, 0), 0, move || run_detached(f));
    // SAFETY: the token is the registry's; the registry outlives every queued job
    // (workers hold it and drain the queues before they exit).
    registry.push_detached(unsafe { job.into_job_ref() });
    drop(admission);
    Ok(())
}

fn run_detached<F: FnOnce()>(f: F) {
    WorkerThread::with_current(|worker| {
        let worker = worker.expect("a spawned job runs on a worker");
        if worker.registry.token.is_cancelled() {
            // A panicking destructor of `f`'s captures must not unwind into the worker.
            unwind::drop_reporting(f);
            worker.count(|c| &c.cancelled_before_start);
            return;
        }
        let result = unwind::halt_unwinding(f);
        // Counted before the handler hears of a panic: it may read `stats()`.
        worker.count(|c| &c.finished);
        if let Err(payload) = result {
            unwind::report(payload);
        }
    })
}

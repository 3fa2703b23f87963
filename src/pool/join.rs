//! `join` (P2): run two closures, potentially in parallel, on the current pool.
//!
//! The caller pushes `b` on its own deque as a [`StackJob`] in its frame, runs `a`, and
//! then either takes `b` back (not stolen: run inline) or runs other jobs until the thief
//! sets `b`'s latch (registry `wait_until`). No heap allocation. If `a` panics, `b` is
//! still run or waited for before the panic is re-raised, so `b` never outlives the
//! frame it borrows from. Both halves run in the caller's cancel context captured at the
//! fork (C5): a stolen `b` enters it on the thief's thread.

use super::job::StackJob;
use super::latch::SpinLatch;
use super::registry::WorkerThread;
use crate::cancel::state;
use crate::util::unwind;

/// Tells a `join_context` closure where it runs.
///
/// # Example
///
/// ```
/// let (a, _) = cancelpool::join_context(|ctx| ctx.migrated(), |_| ());
/// // `a` runs on the calling thread unless the call came from outside the pool.
/// let _ = a;
/// ```
#[derive(Debug, Clone, Copy)]
pub struct FnContext {
    migrated: bool,
}

impl FnContext {
    /// True if the closure runs on a different thread than the one that called
    /// `join_context` (it was stolen, or the call came from outside the pool).
    ///
    /// # Example
    ///
    /// ```
    /// let pool = cancelpool::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    /// // With one worker nothing can be stolen: both halves run on the caller.
    /// let (a, b) = pool.install(|| cancelpool::join_context(|c| c.migrated(), |c| c.migrated()));
    /// assert!(!a && !b);
    /// ```
    pub fn migrated(&self) -> bool {
        self.migrated
    }
}

/// Runs `a` and `b`, potentially in parallel, and returns both results (P2).
///
/// On a pool thread, `b` is offered to other workers while this one runs `a`; while it
/// waits for a stolen `b`, it runs other jobs. Outside a pool, the call runs on the
/// global pool. Both closures run under the calling job's token and cancel state. If
/// either panics, the panic is re-raised here after both have finished (the first
/// closure's panic wins).
///
/// # Example
///
/// ```
/// fn fib(n: u64) -> u64 {
///     if n < 2 {
///         return n;
///     }
///     let (a, b) = cancelpool::join(|| fib(n - 1), || fib(n - 2));
///     a + b
/// }
/// assert_eq!(fib(20), 6765);
/// ```
pub fn join<A, B, RA, RB>(a: A, b: B) -> (RA, RB)
where
    A: FnOnce() -> RA + Send,
    B: FnOnce() -> RB + Send,
    RA: Send,
    RB: Send,
{
    join_context(|_| a(), |_| b())
}

/// [`join`] whose closures learn, through [`FnContext`], whether they were stolen (used
/// by adaptive splitting: a piece that migrated splits further).
///
/// # Example
///
/// ```
/// let (x, y) = cancelpool::join_context(|_| 1, |_| 2);
/// assert_eq!(x + y, 3);
/// ```
pub fn join_context<A, B, RA, RB>(a: A, b: B) -> (RA, RB)
where
    A: FnOnce(FnContext) -> RA + Send,
    B: FnOnce(FnContext) -> RB + Send,
    RA: Send,
    RB: Send,
{
    WorkerThread::with_current(|worker| match worker {
        Some(worker) => join_on_worker(worker, false, a, b),
        None => join_cold(a, b),
    })
}

#[cold]
fn join_cold<A, B, RA, RB>(a: A, b: B) -> (RA, RB)
where
    A: FnOnce(FnContext) -> RA + Send,
    B: FnOnce(FnContext) -> RB + Send,
    RA: Send,
    RB: Send,
{
    super::global::in_worker(|worker, injected| join_on_worker(worker, injected, a, b))
}

/// `join` on `worker`, the calling thread's worker (a `&WorkerThread` is only ever lent
/// to its own thread, see `WorkerThread::with_current`).
#[inline]
fn join_on_worker<A, B, RA, RB>(worker: &WorkerThread, injected: bool, a: A, b: B) -> (RA, RB)
where
    A: FnOnce(FnContext) -> RA + Send,
    B: FnOnce(FnContext) -> RB + Send,
    RA: Send,
    RB: Send,
{
    let job_b = StackJob::new(
        state::current(),
        worker.isolation.get(),
        |migrated| b(FnContext { migrated }),
        SpinLatch::new(&worker.registry, worker.index),
    );
    // SAFETY: `job_b` stays in this frame until it ran (inline) or its latch is set.
    let job_b_ref = unsafe { job_b.as_job_ref() };
    let job_b_id = job_b_ref.id();
    worker.push(job_b_ref);

    let result_a = match unwind::halt_unwinding(|| a(FnContext { migrated: injected })) {
        Ok(v) => v,
        Err(payload) => {
            // `b` borrows this frame: run it or wait for the thief before unwinding.
            worker.wait_until(&job_b.latch);
            unwind::resume_unwinding(payload);
        }
    };

    while !job_b.latch.probe() {
        match worker.take_local_job() {
            Some(job) if job.id() == job_b_id => {
                // Not stolen: run `b` here, in this job's context (it is ours).
                let result_b = job_b.run_inline(injected);
                return (result_a, result_b);
            }
            // SAFETY: taken from our queue: it runs once.
            Some(job) => unsafe { worker.execute(job) },
            None => {
                // Stolen: help with other work until the thief is done.
                worker.wait_until(&job_b.latch);
                break;
            }
        }
    }
    (result_a, job_b.into_result())
}

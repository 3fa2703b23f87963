//! [`ThreadPool`]: the owning handle of a pool, and its synchronous shutdown (P6).
//!
//! # Shutdown protocol
//!
//! 1. **Close** (registry invariant 3): no new detached or injected job is admitted;
//!    admissions in progress finish first, so every admitted job is queued.
//! 2. `shutdown_now` only: **cancel** the pool's source. Every detached job's token is a
//!    child of it, so running jobs see the request at their next checkpoint, and queued
//!    ones are discarded when a worker takes them (counted as cancelled before start).
//! 3. **Terminate**: set every worker's terminate latch and wake it. A worker leaves its
//!    loop, drains the queues (running or discarding what is left), runs its exit
//!    handler, and sets its `stopped` latch as its very last act.
//! 4. **Join**: wait for each `stopped` latch (with a deadline in the `*_timeout`
//!    variants), then `join` the thread, so that when shutdown returns `Ok` every
//!    worker has exited and its thread-local destructors have run.
//!
//! Called from inside one of the pool's own jobs, a shutdown cannot join its own
//! thread: it does steps 1–3 and returns [`ShutdownError::InsidePool`]; the workers exit
//! after their current jobs and are joined by a later shutdown from outside, or by `Drop`.
//! "Inside" also covers a closure that runs *for* one of the pool's jobs on another
//! pool (a job of this pool called `other.install(..)` or `other.join(..)`, and the
//! closure calls `this.shutdown()`): its token descends from this pool's token, and the
//! worker it would wait for is the one waiting for it.
//!
//! # Timed-out shutdowns and `Drop`
//!
//! After a `*_timeout` shutdown gave up, the workers still running are exactly those not
//! yet joined (every other one was). `Drop` then cancels and waits for them at most as
//! long as that shutdown did, and leaves the ones still stuck running, detached, so the
//! process can exit; the error of the timed-out call named them. Without a timed-out
//! shutdown, `Drop` waits for every worker (P6: it never detaches threads silently).
//! A pool whose workers were all joined already is left alone by `Drop`: in particular
//! a graceful `shutdown()` followed by the drop cancels nothing.

use std::fmt;
use std::time::{Duration, Instant};

use super::builder::WorkerHandle;
use super::registry::{Registry, WorkerThread};
use super::stats::PoolStats;
use crate::cancel::CancelToken;
use crate::sync::{Arc, Mutex};

/// A work-stealing pool whose jobs carry cancellation tokens; see the crate docs.
///
/// Dropping the pool is [`shutdown_now`](ThreadPool::shutdown_now): running jobs are
/// cancelled, queued jobs discarded, and every worker joined before `drop` returns.
///
/// # Example
///
/// ```
/// let pool = cancelpool::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
/// let (a, b) = pool.join(|| 1 + 1, || 2 + 2);
/// assert_eq!((a, b), (2, 4));
/// let handle = pool.submit(|token| {
///     token.checkpoint()?;
///     Ok("done")
/// });
/// assert_eq!(handle.join().unwrap(), "done");
/// pool.shutdown().unwrap(); // every worker has exited here
/// ```
pub struct ThreadPool {
    pub(crate) registry: Arc<Registry>,
    workers: Mutex<Workers>,
}

/// The join side of the workers, locked by whoever joins them (one shutdown at a time).
struct Workers {
    /// A worker's handle is taken once it is joined.
    handles: Vec<WorkerHandle>,
    /// Set when a `*_timeout` shutdown gave up on stuck workers: how long it waited
    /// (see "Timed-out shutdowns and `Drop`").
    gave_up_after: Option<Duration>,
}

impl Workers {
    fn all_joined(&self) -> bool {
        self.handles.iter().all(|h| h.handle.is_none())
    }
}

impl ThreadPool {
    pub(crate) fn new(registry: Arc<Registry>, handles: Vec<WorkerHandle>) -> ThreadPool {
        ThreadPool {
            registry,
            workers: Mutex::new(Workers {
                handles,
                gave_up_after: None,
            }),
        }
    }

    /// Runs `op` on a worker of this pool and returns its result; `join`, `scope` and
    /// the other free functions inside `op` use this pool. Called from one of this
    /// pool's workers, `op` runs at once on that worker.
    ///
    /// `op` runs under the caller's job token if the caller is a job, else under the
    /// pool's token (so [`shutdown_now`](Self::shutdown_now) reaches it).
    ///
    /// # Panics
    ///
    /// If the pool was shut down (use [`try_install`](Self::try_install) to get
    /// [`JobError::Rejected`](crate::JobError::Rejected) instead), and with `op`'s own
    /// panic, re-raised here.
    ///
    /// # Example
    ///
    /// ```
    /// let pool = cancelpool::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
    /// let index = pool.install(|| cancelpool::current_thread_index());
    /// assert!(index.unwrap() < 2);
    /// ```
    pub fn install<OP, R>(&self, op: OP) -> R
    where
        OP: FnOnce() -> R + Send,
        R: Send,
    {
        match self.try_install(op) {
            Ok(r) => r,
            Err(_) => {
                panic!("ThreadPool::install: the pool was shut down and accepts no more work")
            }
        }
    }

    /// Like [`install`](Self::install), but a shut-down pool gives
    /// `Err(JobError::Rejected)` (and `op` does not run).
    ///
    /// # Example
    ///
    /// ```
    /// let pool = cancelpool::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    /// pool.shutdown().unwrap();
    /// assert!(matches!(pool.try_install(|| 1), Err(cancelpool::JobError::Rejected)));
    /// ```
    pub fn try_install<OP, R>(&self, op: OP) -> Result<R, super::JobError>
    where
        OP: FnOnce() -> R + Send,
        R: Send,
    {
        let inside = WorkerThread::with_current(|worker| {
            worker.is_some_and(|worker| Arc::ptr_eq(&worker.registry, &self.registry))
        });
        if inside {
            return Ok(op());
        }
        self.registry
            .in_worker_cold(|_, _| op())
            .map_err(|_| super::JobError::Rejected)
    }

    /// `join` on this pool.
    ///
    /// # Example
    ///
    /// ```
    /// let pool = cancelpool::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
    /// assert_eq!(pool.join(|| "a", || "b"), ("a", "b"));
    /// ```
    pub fn join<A, B, RA, RB>(&self, a: A, b: B) -> (RA, RB)
    where
        A: FnOnce() -> RA + Send,
        B: FnOnce() -> RB + Send,
        RA: Send,
        RB: Send,
    {
        self.install(|| super::join::join(a, b))
    }

    /// `scope` on this pool.
    ///
    /// # Example
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    ///
    /// let pool = cancelpool::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
    /// let count = AtomicUsize::new(0);
    /// pool.scope(|s| {
    ///     for _ in 0..10 {
    ///         s.spawn(|_| { count.fetch_add(1, Ordering::Relaxed); });
    ///     }
    /// });
    /// assert_eq!(count.into_inner(), 10);
    /// ```
    pub fn scope<'scope, OP, R>(&self, op: OP) -> R
    where
        OP: FnOnce(&super::Scope<'scope>) -> R + Send,
        R: Send,
    {
        self.install(|| super::scope::scope(op))
    }

    /// Runs `f` on this pool without waiting for it (fire and forget). It runs under
    /// the pool's token, with cancellation enabled. After shutdown nothing runs: the job
    /// is dropped and counted in [`PoolStats::rejected`]; use
    /// [`try_spawn`](Self::try_spawn) to be told directly. A panic goes to the panic
    /// handler.
    ///
    /// # Example
    ///
    /// ```
    /// let pool = cancelpool::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    /// let (tx, rx) = std::sync::mpsc::channel();
    /// pool.spawn(move || tx.send(5).unwrap());
    /// assert_eq!(rx.recv().unwrap(), 5);
    /// ```
    pub fn spawn<F>(&self, f: F)
    where
        F: FnOnce() + Send + 'static,
    {
        let _ = super::spawn::spawn_in(&self.registry, f);
    }

    /// Like [`spawn`](Self::spawn), but reports `Err(JobError::Rejected)` after shutdown.
    ///
    /// # Example
    ///
    /// ```
    /// let pool = cancelpool::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    /// assert!(pool.try_spawn(|| {}).is_ok());
    /// pool.shutdown().unwrap();
    /// assert!(matches!(pool.try_spawn(|| {}), Err(cancelpool::JobError::Rejected)));
    /// assert_eq!(pool.stats().rejected, 1);
    /// ```
    pub fn try_spawn<F>(&self, f: F) -> Result<(), super::JobError>
    where
        F: FnOnce() + Send + 'static,
    {
        super::spawn::spawn_in(&self.registry, f)
    }

    /// Submits a cancellable job (P3); see [`JobHandle`](crate::JobHandle).
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::JobError;
    /// use std::time::Duration;
    ///
    /// let pool = cancelpool::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    /// let handle = pool.submit(|token| {
    ///     loop {
    ///         token.sleep(Duration::from_millis(1))?; // a cancellation point
    ///     }
    /// });
    /// handle.cancel();
    /// assert!(matches!(handle.join(), Err::<(), _>(JobError::Cancelled)));
    /// ```
    pub fn submit<F, T>(&self, f: F) -> super::JobHandle<T>
    where
        F: FnOnce(&CancelToken) -> Result<T, crate::Cancelled> + Send + 'static,
        T: Send + 'static,
    {
        super::submit::submit_in(&self.registry, f)
    }

    /// A snapshot of the pool's counters (P7).
    ///
    /// # Example
    ///
    /// ```
    /// let pool = cancelpool::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
    /// pool.shutdown().unwrap();
    /// let s = pool.stats();
    /// assert_eq!((s.workers, s.in_flight, s.queued), (2, 0, 0));
    /// ```
    pub fn stats(&self) -> PoolStats {
        self.registry.stats()
    }

    /// The pool's number of workers.
    ///
    /// # Example
    ///
    /// ```
    /// let pool = cancelpool::ThreadPoolBuilder::new().num_threads(3).build().unwrap();
    /// assert_eq!(pool.current_num_threads(), 3);
    /// ```
    pub fn current_num_threads(&self) -> usize {
        self.registry.num_threads()
    }

    /// The index of the calling worker if it belongs to this pool.
    ///
    /// # Example
    ///
    /// ```
    /// let pool = cancelpool::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
    /// assert_eq!(pool.current_thread_index(), None);
    /// assert!(pool.install(|| pool.current_thread_index()).is_some());
    /// ```
    pub fn current_thread_index(&self) -> Option<usize> {
        WorkerThread::with_current(|worker| {
            worker
                .filter(|worker| Arc::ptr_eq(&worker.registry, &self.registry))
                .map(|worker| worker.index)
        })
    }

    /// The pool's token: the parent of every detached job's token, cancelled by
    /// `shutdown_now`.
    ///
    /// # Example
    ///
    /// ```
    /// let pool = cancelpool::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    /// let token = pool.token();
    /// assert_eq!(pool.shutdown_now(), 0);
    /// assert!(token.is_cancelled());
    /// ```
    pub fn token(&self) -> CancelToken {
        self.registry.token.clone()
    }

    /// Cancels every job of the pool (running jobs see it at their next checkpoint)
    /// without shutting the pool down: later submissions get fresh tokens only if you
    /// build a new pool, since this token stays cancelled. Returns `true` for the call
    /// that made the request.
    ///
    /// # Example
    ///
    /// ```
    /// let pool = cancelpool::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    /// assert!(pool.cancel_all());
    /// let h = pool.submit(|t| { t.checkpoint()?; Ok(()) });
    /// assert!(h.join().is_err());
    /// ```
    pub fn cancel_all(&self) -> bool {
        self.registry.source.cancel()
    }

    /// True once a shutdown started: the pool accepts no more jobs.
    ///
    /// # Example
    ///
    /// ```
    /// let pool = cancelpool::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    /// assert!(!pool.is_shut_down());
    /// pool.shutdown().unwrap();
    /// assert!(pool.is_shut_down());
    /// ```
    pub fn is_shut_down(&self) -> bool {
        self.registry.is_closed()
    }

    /// Graceful shutdown: stop accepting jobs, let queued and running jobs finish, join
    /// every worker. When it returns `Ok`, every worker has exited and its exit handler
    /// and thread-local destructors have run. Idempotent.
    ///
    /// Called from inside one of this pool's jobs (or from a closure that runs for one
    /// of them on another pool), it cannot join its own thread: it stops the pool and
    /// returns [`ShutdownError::InsidePool`] at once; a later call from outside joins.
    ///
    /// # Example
    ///
    /// ```
    /// let pool = cancelpool::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
    /// let h = pool.submit(|_| Ok(1));
    /// pool.shutdown().unwrap();
    /// assert_eq!(h.join().unwrap(), 1, "queued work finished before shutdown returned");
    /// ```
    pub fn shutdown(&self) -> Result<(), ShutdownError> {
        self.stop(false, None).map(|_| ())
    }

    /// Like [`shutdown`](Self::shutdown), but gives up waiting after `timeout`, naming
    /// the workers still running (by thread name). The pool stays closed; a later
    /// shutdown (or `Drop`) joins the rest. Dropping the pool after a timed-out shutdown
    /// cancels, waits at most `timeout` again, and leaves workers still stuck in a job
    /// that never reaches a checkpoint running — the error told you which — so the
    /// process can still exit.
    ///
    /// # Example
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let pool = cancelpool::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    /// pool.shutdown_timeout(Duration::from_secs(5)).unwrap();
    /// ```
    pub fn shutdown_timeout(&self, timeout: Duration) -> Result<(), ShutdownError> {
        self.stop(false, Some(timeout)).map(|_| ())
    }

    /// Immediate shutdown: stop accepting jobs, cancel every running job (they stop at
    /// their next checkpoint), discard jobs that never started (their handles report
    /// `Cancelled`), join every worker. Returns how many jobs were discarded.
    ///
    /// A job that never reaches a checkpoint cannot be stopped (see the FAQ): this waits
    /// for it. Use [`shutdown_now_timeout`](Self::shutdown_now_timeout) to bound the wait.
    /// Called from inside one of this pool's jobs, it cancels and stops the pool but
    /// cannot join; it then returns the count so far.
    ///
    /// # Example
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let pool = cancelpool::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    /// let running = pool.submit(|token| loop { token.sleep(Duration::from_secs(60))? });
    /// pool.shutdown_now();
    /// assert!(matches!(running.join(), Err::<(), _>(cancelpool::JobError::Cancelled)));
    /// ```
    pub fn shutdown_now(&self) -> usize {
        match self.stop(true, None) {
            Ok(n) => n,
            Err(ShutdownError::InsidePool { discarded }) => discarded,
            Err(ShutdownError::TimedOut { discarded, .. }) => discarded,
        }
    }

    /// [`shutdown_now`](Self::shutdown_now) with a bound on the wait; on time-out the
    /// error names the workers still running.
    ///
    /// # Example
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let pool = cancelpool::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    /// assert_eq!(pool.shutdown_now_timeout(Duration::from_secs(5)).unwrap(), 0);
    /// ```
    pub fn shutdown_now_timeout(&self, timeout: Duration) -> Result<usize, ShutdownError> {
        self.stop(true, Some(timeout))
    }

    /// True if the caller cannot wait for this pool's workers: it is one of them, or it
    /// runs for one of this pool's jobs on another pool (module docs).
    fn called_from_inside(&self) -> bool {
        if self.current_thread_index().is_some() {
            return true;
        }
        match (&crate::current_token().node, &self.registry.token.node) {
            (Some(job), Some(pool)) => job.descends_from(pool),
            _ => false,
        }
    }

    fn stop(&self, now: bool, timeout: Option<Duration>) -> Result<usize, ShutdownError> {
        let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
        let before = self.stats().cancelled_before_start;
        let registry = &self.registry;
        let inside = self.called_from_inside();
        // Step 1: while a worker of this pool is inside `close`, it holds no admission.
        registry.close();
        if now {
            // A panicking `on_cancel` callback is caught inside `cancel` (C7).
            registry.source.cancel();
        }
        registry.terminate();
        if inside {
            return Err(ShutdownError::InsidePool {
                discarded: self.stats().cancelled_before_start - before,
            });
        }
        let mut workers = self.workers.lock();
        let mut stuck = Vec::new();
        for h in workers.handles.iter_mut() {
            if h.handle.is_none() {
                continue;
            }
            let stopped = &registry.infos[h.index].stopped;
            let done = match deadline {
                // Without a deadline, `join` itself is the wait (one wake-up, not two).
                None => true,
                #[cfg(not(loom))]
                Some(deadline) => stopped.wait_until(deadline),
                #[cfg(loom)]
                Some(_) => {
                    stopped.wait();
                    true
                }
            };
            if done {
                if let Some(handle) = h.handle.take() {
                    // With a deadline, the thread has set `stopped` as its last act: this
                    // returns promptly. Either way it returns after the thread's
                    // thread-local destructors ran. A worker never unwinds (jobs and
                    // handlers are caught), so there is no panic to report.
                    let _ = handle.join();
                }
            } else {
                stuck.push(
                    registry.infos[h.index]
                        .name
                        .clone()
                        .unwrap_or_else(|| format!("worker {}", h.index)),
                );
            }
        }
        let discarded = self.stats().cancelled_before_start - before;
        if stuck.is_empty() {
            Ok(discarded)
        } else {
            workers.gave_up_after = timeout;
            Err(ShutdownError::TimedOut { stuck, discarded })
        }
    }
}

impl Drop for ThreadPool {
    /// `shutdown_now()`: cancel, discard, join. Does nothing if every worker was joined
    /// already. After a timed-out shutdown, waits for the remaining (stuck) workers at
    /// most as long as that shutdown did, then leaves them running so the process can
    /// exit. From inside one of the pool's own jobs nothing can be joined: the pool is
    /// stopped and its workers exit after their current jobs.
    fn drop(&mut self) {
        let (all_joined, grace) = {
            let workers = self.workers.lock();
            (workers.all_joined(), workers.gave_up_after)
        };
        if all_joined {
            return;
        }
        let _ = self.stop(true, grace);
    }
}

impl fmt::Debug for ThreadPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ThreadPool")
            .field("num_threads", &self.current_num_threads())
            .field("shut_down", &self.is_shut_down())
            .finish()
    }
}

/// Why a shutdown did not join every worker.
///
/// # Example
///
/// ```
/// let err = cancelpool::ShutdownError::TimedOut { stuck: vec!["worker-0".into()], discarded: 0 };
/// assert!(err.to_string().contains("worker-0"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ShutdownError {
    /// The time ran out; these workers (by thread name) are still running a job that
    /// has not returned (one that reaches no checkpoint, or ignores cancellation).
    TimedOut {
        /// Thread names of the workers still running.
        stuck: Vec<String>,
        /// Jobs discarded before they started (for `shutdown_now_timeout`).
        discarded: usize,
    },
    /// Called from inside one of the pool's own jobs (or from work such a job waits for
    /// on another pool, e.g. in `other.install`): the pool is closed (and, for
    /// `shutdown_now`, cancelled) and its workers exit after their current jobs, but a
    /// thread cannot join itself. A later shutdown from outside, or `Drop`, joins them.
    InsidePool {
        /// Jobs discarded so far.
        discarded: usize,
    },
}

impl fmt::Display for ShutdownError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShutdownError::TimedOut { stuck, .. } => write!(
                f,
                "shutdown timed out; still running: {} (a job there never reached a checkpoint)",
                stuck.join(", ")
            ),
            ShutdownError::InsidePool { .. } => f.write_str(
                "shutdown was called from one of the pool's own jobs: the pool is stopped, but its \
                 workers can only be joined from outside the pool (or by dropping it)",
            ),
        }
    }
}

impl std::error::Error for ShutdownError {}

//! The registry: everything a pool's workers share, and the worker loop.
//!
//! # Invariants
//!
//! 1. Each worker owns one LIFO deque; its `Stealer` is in `Registry::stealers` at the
//!    worker's index. Jobs from outside the pool go to the FIFO `injector`.
//! 2. A `WorkerThread` lives on its thread's stack for the thread's whole life, and the
//!    thread-local `WORKER` points to it meanwhile: so the `&WorkerThread` that
//!    [`WorkerThread::with_current`] lends is valid for the whole call, on that thread.
//!    It is the only way to the current worker.
//! 3. Admission (P6): detached jobs and injected jobs pass [`Registry::admit`], which
//!    counts in-progress submissions in `lifecycle`. `close()` sets the `CLOSED` bit and
//!    then waits until that count is zero: after `close()` returns, no job can enter the
//!    queues from outside, and every job admitted before is in a queue. Forks made by
//!    running jobs (`join`, scope spawns) are never refused, so running work can finish.
//! 4. A worker exits only when its `terminate` latch is set and a search finds no work:
//!    queued jobs are run (or, after `shutdown_now`, discarded and counted) first.
//! 5. Statistics: per-worker counters are written only by their worker (a load and a
//!    store, no RMW); shared counters are RMWs. `submitted` is incremented before a job
//!    is queued and `finished`/`discarded` after it ended (Release), and `stats()` reads
//!    the latter first (Acquire): the accounting identity never goes negative.

use std::any::Any;
use std::cell::Cell;
use std::ptr;

use crossbeam_utils::CachePadded;

use super::deque::{Injector, Steal, Stealer, Worker};
use super::job::{JobRef, StackJob};
use super::latch::{AsCoreLatch, CoreLatch, LockLatch};
use super::sleep::Sleep;
use super::stats::{PoolStats, WorkerCounters};
use crate::cancel::state::{self, Context};
use crate::cancel::{CancelSource, CancelToken};
use crate::sync::Arc;
use crate::sync::atomic::{AtomicUsize, Ordering};
use crate::util::unwind::{self, AbortOnPanic};

pub(crate) type PanicHandler = dyn Fn(Box<dyn Any + Send>) + Send + Sync;
pub(crate) type StartHandler = dyn Fn(usize) + Send + Sync;
pub(crate) type ExitHandler = dyn Fn(usize) + Send + Sync;

/// The `CLOSED` bit of `lifecycle`; the rest counts in-progress admissions (×2).
const CLOSED: usize = 1;
const ONE_ADMISSION: usize = 2;

/// Per-worker shared state.
pub(crate) struct ThreadInfo {
    /// Set by shutdown (invariant 4).
    pub(crate) terminate: CoreLatch,
    /// Set by the worker as the very last thing it does (after its exit handler).
    pub(crate) stopped: LockLatch,
    pub(crate) name: Option<String>,
}

/// The shared state of one pool.
pub(crate) struct Registry {
    pub(crate) injector: Injector<JobRef>,
    stealers: Vec<Stealer<JobRef>>,
    pub(crate) sleep: Sleep,
    pub(crate) infos: Vec<ThreadInfo>,
    /// Cancels every detached job (their tokens are its children) on `shutdown_now`.
    pub(crate) source: CancelSource,
    /// The pool's token: detached jobs and callers from outside any job run under it.
    pub(crate) token: CancelToken,
    /// Children of `token` that submitted jobs' tokens hang from, one picked per
    /// submitting thread, so that concurrent submitters (and the unlinking of finished
    /// jobs) do not all contend on the pool token's lock. Cancelling the pool token
    /// still reaches every job (it cancels the shards, which cancel their children).
    shards: Box<[CancelToken]>,
    pub(crate) panic_handler: Option<Box<PanicHandler>>,
    pub(crate) start_handler: Option<Box<StartHandler>>,
    pub(crate) exit_handler: Option<Box<ExitHandler>>,
    /// Invariant 3.
    lifecycle: CachePadded<AtomicUsize>,
    pub(crate) counters: Vec<CachePadded<WorkerCounters>>,
    pub(crate) submitted: CachePadded<AtomicUsize>,
    pub(crate) rejected: AtomicUsize,
}

/// Error returned when a pool no longer accepts jobs.
pub(crate) struct Closed;

/// Holds one admission open (invariant 3).
pub(crate) struct Admission<'a> {
    registry: &'a Registry,
}

impl Drop for Admission<'_> {
    fn drop(&mut self) {
        // Release: the job pushed under this admission is visible to `close()`'s waiter.
        self.registry
            .lifecycle
            .fetch_sub(ONE_ADMISSION, Ordering::Release);
    }
}

impl Registry {
    pub(crate) fn new(
        n: usize,
        names: Vec<Option<String>>,
        panic_handler: Option<Box<PanicHandler>>,
        start_handler: Option<Box<StartHandler>>,
        exit_handler: Option<Box<ExitHandler>>,
    ) -> (Arc<Registry>, Vec<Worker<JobRef>>) {
        let workers: Vec<Worker<JobRef>> = (0..n).map(|_| Worker::new_lifo()).collect();
        let stealers = workers.iter().map(Worker::stealer).collect();
        let source = CancelSource::new();
        let token = source.token();
        // Under loom, no shards: they add nodes that every `shutdown_now` must cancel,
        // multiplying the interleavings of every pool model (state shrunk for loom).
        let n_shards = if cfg!(loom) { 0 } else { (2 * n).max(4) };
        let shards = (0..n_shards)
            .map(|_| {
                let shard = CancelSource::child_of(&token);
                // The shard's source is dropped: only the pool token cancels a shard.
                shard.token()
            })
            .collect();
        let registry = Registry {
            injector: Injector::new(),
            stealers,
            sleep: Sleep::new(n),
            infos: names
                .into_iter()
                .map(|name| ThreadInfo {
                    terminate: CoreLatch::new(),
                    stopped: LockLatch::new(),
                    name,
                })
                .collect(),
            source,
            token,
            shards,
            panic_handler,
            start_handler,
            exit_handler,
            lifecycle: CachePadded::new(AtomicUsize::new(0)),
            counters: (0..n)
                .map(|_| CachePadded::new(WorkerCounters::default()))
                .collect(),
            submitted: CachePadded::new(AtomicUsize::new(0)),
            rejected: AtomicUsize::new(0),
        };
        (Arc::new(registry), workers)
    }

    /// The parent for a submitted job's token: the calling thread's shard.
    pub(crate) fn submit_parent(&self) -> &CancelToken {
        if self.shards.is_empty() {
            return &self.token;
        }
        &self.shards[shard_index() % self.shards.len()]
    }

    pub(crate) fn num_threads(&self) -> usize {
        self.infos.len()
    }

    /// Opens an admission unless the pool is closed (invariant 3).
    pub(crate) fn admit(&self) -> Result<Admission<'_>, Closed> {
        // Acquire: pairs with `close()`'s SeqCst `fetch_or`: a closed pool is seen closed.
        let prev = self.lifecycle.fetch_add(ONE_ADMISSION, Ordering::Acquire);
        if prev & CLOSED != 0 {
            self.lifecycle.fetch_sub(ONE_ADMISSION, Ordering::Relaxed);
            return Err(Closed);
        }
        Ok(Admission { registry: self })
    }

    pub(crate) fn is_closed(&self) -> bool {
        // Acquire: pairs with `close()`.
        self.lifecycle.load(Ordering::Acquire) & CLOSED != 0
    }

    /// Stops admissions and waits for those in progress (invariant 3). Idempotent.
    pub(crate) fn close(&self) {
        self.lifecycle.fetch_or(CLOSED, Ordering::SeqCst);
        // Acquire: pairs with `Admission::drop`'s Release: their pushes are visible.
        while self.lifecycle.load(Ordering::Acquire) != CLOSED {
            crate::sync::thread::yield_now();
        }
    }

    /// Pushes a job from outside the pool (or from another pool) and wakes a worker.
    pub(crate) fn inject(&self, job: JobRef) {
        self.injector.push(job);
        self.sleep.new_injected_jobs();
    }

    /// Pushes a detached job (`spawn`, `submit`): on the calling worker's own deque if it
    /// is one of ours, else like [`inject`](Self::inject).
    ///
    /// Unlike a fork, nothing makes the pushing worker run a detached job: the job that
    /// pushed it may go on to block (in `JobHandle::join`, on a channel). So a local push
    /// tells the sleepers with the fenced protocol of injected jobs (sleep.rs steps 5-6;
    /// loom L6). Inside an isolated region the job goes to the injector: the isolated
    /// waiter will not run it, and it must not sit above the region's own forks.
    pub(crate) fn push_detached(&self, job: JobRef) {
        WorkerThread::with_current(|worker| match worker {
            Some(worker) if ptr::eq(&*worker.registry, self) && worker.isolation.get() == 0 => {
                worker.worker.push(job);
                self.sleep.new_injected_jobs();
            }
            _ => self.inject(job),
        })
    }

    fn pop_injected(&self) -> Option<JobRef> {
        loop {
            match self.injector.steal() {
                Steal::Success(job) => return Some(job),
                Steal::Empty => return None,
                Steal::Retry => {}
            }
        }
    }

    pub(crate) fn has_injected_jobs(&self) -> bool {
        !self.injector.is_empty()
    }

    /// Sets every worker's terminate latch (after `close()`).
    pub(crate) fn terminate(&self) {
        for (index, info) in self.infos.iter().enumerate() {
            // SAFETY: the registry (and so the latch) outlives this call; nobody frees
            // a `ThreadInfo` while the registry lives.
            if unsafe { CoreLatch::set_raw(&info.terminate) } {
                self.sleep.wake_specific(index);
            }
        }
    }

    /// Runs `op` on a worker of this pool, from a thread that is not one, blocking until
    /// it returns (`install`, and `join`/`scope` called from outside). If the pool is
    /// closed, `op` is handed back unrun.
    pub(crate) fn in_worker_cold<OP, R>(&self, op: OP) -> Result<R, OP>
    where
        OP: FnOnce(&WorkerThread, bool) -> R + Send,
        R: Send,
    {
        let admission = match self.admit() {
            Ok(admission) => admission,
            Err(Closed) => return Err(op),
        };
        let caller = state::current();
        // A caller outside any job runs its work under the pool's token (so that
        // `shutdown_now` reaches it); a caller inside a job of another pool keeps its own.
        let ctx = if caller.token.is_null() {
            Context::new(&self.token, caller.disabled)
        } else {
            caller
        };
        let latch = LockLatch::new();
        let job = StackJob::new(
            ctx,
            super::isolate::external_tag(),
            |injected| {
                WorkerThread::with_current(|worker| {
                    op(worker.expect("an injected job runs on a worker"), injected)
                })
            },
            &latch,
        );
        // SAFETY: `job` lives in this frame until the latch is set below.
        self.inject(unsafe { job.as_job_ref() });
        drop(admission);
        latch.wait();
        Ok(job.into_result())
    }

    /// A snapshot of the counters (invariant 5).
    pub(crate) fn stats(&self) -> PoolStats {
        let mut stats = PoolStats::default();
        for c in &self.counters {
            c.add_to(&mut stats);
        }
        // Acquire, after the per-worker reads: see invariant 5.
        stats.rejected = self.rejected.load(Ordering::Acquire);
        stats.submitted = self.submitted.load(Ordering::Acquire);
        stats.in_flight = stats
            .submitted
            .saturating_sub(stats.finished + stats.cancelled_before_start + stats.rejected);
        stats.queued = self.injector.len() + self.stealers.iter().map(Stealer::len).sum::<usize>();
        stats.parked = self.sleep.sleeping_now();
        stats.workers = self.num_threads();
        stats
    }
}

/// This thread's shard number, assigned round robin on first use.
fn shard_index() -> usize {
    static NEXT: crate::sync::unmodelled::AtomicU64 = crate::sync::unmodelled::AtomicU64::new(0);
    #[cfg(not(loom))]
    std::thread_local! {
        static SHARD: Cell<usize> = const { Cell::new(usize::MAX) };
    }
    #[cfg(loom)]
    loom::thread_local! {
        static SHARD: Cell<usize> = Cell::new(usize::MAX);
    }
    SHARD.with(|s| {
        if s.get() == usize::MAX {
            // Relaxed: only spreads threads over shards; nothing is published.
            s.set(NEXT.fetch_add(1, crate::sync::unmodelled::Ordering::Relaxed) as usize);
        }
        s.get()
    })
}

#[cfg(not(loom))]
std::thread_local! {
    static WORKER: Cell<*const WorkerThread> = const { Cell::new(ptr::null()) };
}
#[cfg(loom)]
loom::thread_local! {
    static WORKER: Cell<*const WorkerThread> = Cell::new(ptr::null());
}

/// The state of a worker thread, on its own stack (invariant 2).
pub(crate) struct WorkerThread {
    worker: Worker<JobRef>,
    pub(crate) index: usize,
    pub(crate) registry: Arc<Registry>,
    /// The isolation tag of the job running now (0 = none); see `isolate`.
    pub(crate) isolation: Cell<usize>,
    rng: Cell<u64>,
}

impl WorkerThread {
    /// Calls `f` with the worker running on this thread, or `None` on any other thread:
    /// the one way to reach the current worker.
    ///
    /// The reference cannot leave `f` (its lifetime is `f`'s own), and it cannot reach
    /// another thread (`WorkerThread` is not `Sync`), so whoever holds a `&WorkerThread`
    /// runs on that worker's thread.
    #[inline]
    pub(crate) fn with_current<R>(f: impl FnOnce(Option<&WorkerThread>) -> R) -> R {
        let worker = WORKER.with(Cell::get);
        // SAFETY: invariant 2: while `WORKER` is set, it points to the `WorkerThread` in
        // `main_loop`'s frame, which outlives everything this thread runs meanwhile (all
        // of it runs inside `main_loop`), so also this call of `f`.
        f(unsafe { worker.as_ref() })
    }

    #[inline]
    pub(crate) fn counters(&self) -> &WorkerCounters {
        &self.registry.counters[self.index]
    }

    /// Adds one to a per-worker counter (owner-only: load + store, invariant 5).
    #[inline]
    pub(crate) fn count(&self, field: impl FnOnce(&WorkerCounters) -> &AtomicUsize) {
        let c = field(self.counters());
        // Release: invariant 5 (`stats()` reads with Acquire); only this thread writes.
        c.store(c.load(Ordering::Relaxed) + 1, Ordering::Release);
    }

    /// Pushes a fork on this worker's deque and tells the sleepers.
    #[inline]
    pub(crate) fn push(&self, job: JobRef) {
        self.worker.push(job);
        self.registry.sleep.new_internal_jobs();
    }

    /// Pops this worker's newest job, if it belongs to the current isolation (P8).
    #[inline]
    pub(crate) fn take_local_job(&self) -> Option<JobRef> {
        let job = self.worker.pop()?;
        let isolation = self.isolation.get();
        if isolation != 0 && job.isolation() != isolation {
            // Older than the isolated region (deque order is push order): put it back.
            self.worker.push(job);
            return None;
        }
        Some(job)
    }

    /// Runs a job taken from a queue.
    #[inline]
    pub(crate) unsafe fn execute(&self, job: JobRef) {
        let prev = self.isolation.replace(job.isolation());
        self.count(|c| &c.executed);
        // SAFETY: forwarded: the job was taken from a queue, so it runs once.
        unsafe { job.execute() };
        self.isolation.set(prev);
    }

    fn find_work(&self) -> Option<JobRef> {
        if let Some(job) = self.take_local_job() {
            return Some(job);
        }
        if self.isolation.get() != 0 {
            // Isolated: only work forked inside the region, which is in our own deque
            // or being run by thieves (P8).
            return None;
        }
        self.steal().or_else(|| self.registry.pop_injected())
    }

    fn steal(&self) -> Option<JobRef> {
        let stealers = &self.registry.stealers;
        let n = stealers.len();
        if n <= 1 {
            return None;
        }
        // xorshift: a cheap random start so thieves spread over victims.
        let mut x = self.rng.get();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.rng.set(x);
        let start = (x % n as u64) as usize;
        loop {
            let mut retry = false;
            for i in (start..n).chain(0..start) {
                if i == self.index {
                    continue;
                }
                match stealers[i].steal() {
                    Steal::Success(job) => {
                        self.count(|c| &c.stolen);
                        return Some(job);
                    }
                    Steal::Empty => {}
                    Steal::Retry => retry = true,
                }
            }
            if !retry {
                return None;
            }
        }
    }

    /// Runs other jobs until `latch` is set, sleeping when there are none (P2: a waiting
    /// worker executes other jobs instead of blocking).
    pub(crate) fn wait_until<L: AsCoreLatch + ?Sized>(&self, latch: &L) {
        let latch = latch.as_core_latch();
        if latch.probe() {
            return;
        }
        self.wait_until_cold(latch);
    }

    #[cold]
    fn wait_until_cold(&self, latch: &CoreLatch) {
        let sleep = &self.registry.sleep;
        let mut idle = sleep.start_looking(self.index);
        while !latch.probe() {
            if let Some(job) = self.find_work() {
                // SAFETY: taken from a queue: runs once.
                unsafe { self.execute(job) };
                idle = sleep.start_looking(self.index);
            } else {
                let isolated = self.isolation.get() != 0;
                sleep.no_work_found(&mut idle, latch, isolated, || {
                    self.registry.has_injected_jobs()
                });
            }
        }
    }

    /// After termination: run (or discard) what is left, until a search finds nothing.
    fn drain(&self) {
        while let Some(job) = self.find_work() {
            // SAFETY: taken from a queue: runs once.
            unsafe { self.execute(job) };
        }
    }
}

/// The body of every worker thread.
pub(crate) fn main_loop(worker: Worker<JobRef>, registry: Arc<Registry>, index: usize) {
    // Signals were blocked by the builder before this thread started (it inherits the
    // mask), see `builder::SignalMask`.
    let seed = (index as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let this = WorkerThread {
        worker,
        index,
        registry,
        isolation: Cell::new(0),
        rng: Cell::new(seed),
    };
    WORKER.with(|w| w.set(&this));
    let registry = &*this.registry;
    // Declared after `this`, so dropped first: the registry is alive when it fires.
    let _stopped = StopOnExit(&registry.infos[index].stopped);
    // Jobs and handlers are run under `unwind`'s helpers; nothing may unwind past here
    // (unwind invariant 2).
    let abort = AbortOnPanic;
    if let Some(handler) = &registry.start_handler {
        unwind::run_reporting(|| handler(index));
    }
    this.wait_until(&registry.infos[index].terminate);
    this.drain();
    if let Some(handler) = &registry.exit_handler {
        unwind::run_reporting(|| handler(index));
    }
    abort.disarm();
}

/// Leaves the worker state and sets the worker's `stopped` latch as `main_loop` returns:
/// its last touch of the registry, which a shutdown waits for.
struct StopOnExit<'a>(&'a LockLatch);

impl Drop for StopOnExit<'_> {
    fn drop(&mut self) {
        WORKER.with(|w| w.set(ptr::null()));
        // Last touch of the registry by this thread: `shutdown_timeout` waits for it.
        // SAFETY: the registry is alive (`main_loop`'s `WorkerThread` holds an `Arc` and
        // is dropped after this guard), and so is the latch.
        unsafe { super::latch::Latch::set(self.0) };
    }
}

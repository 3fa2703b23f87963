//! `submit` (P3): cancellable detached jobs with a [`JobHandle`].
//!
//! # One allocation
//!
//! The job's closure, its result slot and its state live in the payload of the job's
//! token node (`NodeRef::new_with`), a child of the pool's token: one allocation holds
//! the job, the handle's state and the token. The queue holds one reference to the node,
//! the handle another.
//!
//! # States (`JobShared::state`)
//!
//! | value | name | meaning |
//! |---|---|---|
//! | 0 | `QUEUED` | admitted, not started |
//! | 1 | `RUNNING` | the closure is running |
//! | 2 | `DONE` | `result` is written (Release); the handle may take it (Acquire) |
//! | 3 | `TAKEN` | the handle took the result |
//!
//! A worker that takes a queued job whose token is already cancelled does not call the
//! closure: the result is `Cancelled` ("never started"). Otherwise the closure runs with
//! the token, and its return is reported as is: a job that returns `Ok` after a cancel
//! request keeps its work (P3). So `join()` always says exactly what happened (loom L9).
//! The worker writes the result and swaps in `DONE` (Release). A handle that must block
//! first sets the `WAITING` bit (under the node's lock) and re-checks; the worker, if its
//! swap returned `WAITING`, takes the node's lock and notifies. The handle holds the lock
//! from setting the bit until it blocks, so the notification cannot fall between its
//! check and its wait; and a job nobody waits for finishes without touching the lock.

use std::any::Any;
use std::cell::UnsafeCell;
use std::fmt;
use std::marker::PhantomData;
use std::ptr::NonNull;
use std::time::{Duration, Instant};

use super::job::{JobHeader, JobRef};
use super::latch::CoreLatch;
use super::registry::{Registry, WorkerThread};
use crate::cancel::node::NodeRef;
use crate::cancel::state::{self, Context};
use crate::cancel::{CancelToken, Cancelled};
use crate::sync::Arc;
use crate::sync::atomic::{AtomicUsize, Ordering};
use crate::util::unwind;

const QUEUED: usize = 0;
const RUNNING: usize = 1;
const DONE: usize = 2;
const TAKEN: usize = 3;
/// The states above live in the low bits; this bit says a handle is (about to be)
/// blocked on the node's condvar, so the worker must notify.
const WAITING: usize = 4;
const STATE: usize = WAITING - 1;

/// How a job ended, when it did not return `Ok`.
///
/// # Example
///
/// ```
/// use cancelpool::JobError;
///
/// let pool = cancelpool::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
/// let h = pool.submit(|_| Err::<(), _>(cancelpool::Cancelled));
/// assert!(matches!(h.join(), Err(JobError::Cancelled)));
/// assert_eq!(JobError::Rejected.to_string(), "the pool was shut down and did not accept the job");
/// ```
#[non_exhaustive]
pub enum JobError {
    /// The job was cancelled before it started, or it returned `Err(Cancelled)`.
    Cancelled,
    /// The job panicked; the payload is the panic's.
    Panicked(Box<dyn Any + Send + 'static>),
    /// The pool was shut down: the job was not accepted and nothing ran.
    Rejected,
    /// `join_timeout` ran out of time; the job is still queued or running and the
    /// handle can be joined again.
    TimedOut,
    /// The result was already taken by an earlier `join_timeout`.
    AlreadyJoined,
}

impl JobError {
    /// True for [`JobError::Cancelled`].
    ///
    /// # Example
    ///
    /// ```
    /// assert!(cancelpool::JobError::Cancelled.is_cancelled());
    /// ```
    pub fn is_cancelled(&self) -> bool {
        matches!(self, JobError::Cancelled)
    }

    /// The panic payload, if the job panicked.
    ///
    /// # Example
    ///
    /// ```
    /// let pool = cancelpool::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    /// # let hook = std::panic::take_hook();
    /// # std::panic::set_hook(Box::new(|_| {}));
    /// let err = pool.submit(|_| -> Result<(), _> { panic!("oops") }).join().unwrap_err();
    /// # std::panic::set_hook(hook);
    /// let payload = err.into_panic().unwrap();
    /// assert_eq!(*payload.downcast::<&str>().unwrap(), "oops");
    /// ```
    pub fn into_panic(self) -> Option<Box<dyn Any + Send + 'static>> {
        match self {
            JobError::Panicked(payload) => Some(payload),
            _ => None,
        }
    }
}

impl fmt::Debug for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JobError::Cancelled => f.write_str("Cancelled"),
            JobError::Panicked(payload) => {
                let msg = payload
                    .downcast_ref::<&str>()
                    .copied()
                    .or_else(|| payload.downcast_ref::<String>().map(String::as_str));
                f.debug_tuple("Panicked")
                    .field(&msg.unwrap_or("<non-string payload>"))
                    .finish()
            }
            JobError::Rejected => f.write_str("Rejected"),
            JobError::TimedOut => f.write_str("TimedOut"),
            JobError::AlreadyJoined => f.write_str("AlreadyJoined"),
        }
    }
}

impl fmt::Display for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JobError::Cancelled => f.write_str("the job was cancelled"),
            JobError::Panicked(_) => f.write_str("the job panicked"),
            JobError::Rejected => f.write_str("the pool was shut down and did not accept the job"),
            JobError::TimedOut => {
                f.write_str("the job did not finish in time; the handle can be joined again")
            }
            JobError::AlreadyJoined => f.write_str("the job's result was already taken"),
        }
    }
}

impl std::error::Error for JobError {}

impl From<Cancelled> for JobError {
    fn from(_: Cancelled) -> Self {
        JobError::Cancelled
    }
}

/// The part of a submitted job the handle sees.
struct JobShared<T> {
    state: AtomicUsize,
    result: UnsafeCell<Option<Result<T, JobError>>>,
    /// Set after `DONE`, for a handle joined on a worker of the same pool: that worker
    /// waits on it while running other jobs (so joining inside the pool cannot
    /// deadlock), and the completer wakes it through the sleep module.
    latch: CoreLatch,
    /// The index + 1 of the worker waiting on `latch` (0: none).
    waiter: AtomicUsize,
}

/// The payload of a submitted job's token node.
#[repr(C)]
struct SubmitJob<F, T> {
    /// First, so that the queue's `JobRef` can point at the payload (job invariant).
    header: JobHeader,
    shared: JobShared<T>,
    func: UnsafeCell<Option<F>>,
}

// SAFETY: `func` is taken by the one worker that runs the job; `result` is written by
// that worker before the Release store of `DONE` and read by the handle after an Acquire
// load of `DONE` (module docs). `F` and `T` are `Send`.
unsafe impl<F: Send, T: Send> Sync for SubmitJob<F, T> {}

/// A handle to a submitted job (P3): wait for its result, or cancel it.
///
/// Dropping the handle without [`detach`](JobHandle::detach) requests cancellation (RAII)
/// and does not block.
///
/// # Example
///
/// ```
/// use std::time::Duration;
///
/// let pool = cancelpool::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
/// let search = pool.submit(|token| {
///     let mut n = 0u64;
///     loop {
///         token.checkpoint()?;
///         n += 1;
///         if n == 1_000 {
///             return Ok(n);
///         }
///     }
/// });
/// assert_eq!(search.join().unwrap(), 1_000);
/// ```
pub struct JobHandle<T> {
    node: NodeRef,
    shared: NonNull<JobShared<T>>,
    /// The pool the job was submitted to; compared, never dereferenced.
    registry: *const Registry,
    _marker: PhantomData<T>,
}

// SAFETY: the handle only reads the result after `DONE` (Acquire) and `T: Send`; the
// registry pointer is only compared.
unsafe impl<T: Send> Send for JobHandle<T> {}
// SAFETY: `&JobHandle` gives no access to `T` (only `cancel`, `token`, state queries).
unsafe impl<T: Send> Sync for JobHandle<T> {}

/// Submits a cancellable job to the current pool (or the global one); see
/// [`ThreadPool::submit`](crate::ThreadPool::submit).
///
/// # Example
///
/// ```
/// let handle = cancelpool::submit(|token| {
///     token.checkpoint()?;
///     Ok(2 + 2)
/// });
/// assert_eq!(handle.join().unwrap(), 4);
/// ```
pub fn submit<F, T>(f: F) -> JobHandle<T>
where
    F: FnOnce(&CancelToken) -> Result<T, Cancelled> + Send + 'static,
    T: Send + 'static,
{
    let registry = super::global::current_registry();
    submit_in(&registry, f)
}

pub(crate) fn submit_in<F, T>(registry: &Arc<Registry>, f: F) -> JobHandle<T>
where
    F: FnOnce(&CancelToken) -> Result<T, Cancelled> + Send + 'static,
    T: Send + 'static,
{
    // Relaxed: ordered before the job's end by the queue push (registry invariant 5).
    registry.submitted.fetch_add(1, Ordering::Relaxed);
    let payload = SubmitJob {
        // Detached jobs belong to no isolated region.
        header: JobHeader { isolation: 0 },
        shared: JobShared::<T> {
            state: AtomicUsize::new(QUEUED),
            result: UnsafeCell::new(None),
            latch: CoreLatch::new(),
            waiter: AtomicUsize::new(0),
        },
        func: UnsafeCell::new(Some(f)),
    };
    let node = NodeRef::new_with(registry.submit_parent().node.as_ref(), payload);
    // SAFETY: the node was made with this payload type just above.
    let job = unsafe { node.payload::<SubmitJob<F, T>>() };
    let shared = NonNull::from(&job.shared);
    let handle = JobHandle {
        node: node.clone(),
        shared,
        registry: &**registry,
        _marker: PhantomData,
    };
    match registry.admit() {
        Ok(admission) => {
            let payload = NodeRef::payload_ptr::<SubmitJob<F, T>>(node.into_raw());
            // SAFETY: the queue owns the reference made by `into_raw`; `execute_submit`
            // takes it back once. The header is the payload's first field (`repr(C)`).
            let job_ref = unsafe { JobRef::from_raw_parts(payload.cast(), execute_submit::<F, T>) };
            registry.push_detached(job_ref);
            drop(admission);
        }
        Err(_) => {
            // Release: `stats()` reads `rejected` before `submitted` (invariant 5).
            registry.rejected.fetch_add(1, Ordering::Release);
            // SAFETY: the job was never queued: we are its only user.
            unsafe {
                drop((*job.func.get()).take());
                *job.shared.result.get() = Some(Err(JobError::Rejected));
            }
            // Release: publishes the result to the handle.
            job.shared.state.store(DONE, Ordering::Release);
            drop(node);
        }
    }
    handle
}

/// Runs a submitted job taken from a queue.
///
/// # Safety
///
/// `ptr` is the payload address of a node reference made by `into_raw` in `submit_in`
/// for `SubmitJob<F, T>`; called once.
unsafe fn execute_submit<F, T>(ptr: *const JobHeader)
where
    F: FnOnce(&CancelToken) -> Result<T, Cancelled> + Send + 'static,
    T: Send + 'static,
{
    // SAFETY: per the contract, this takes back the queue's reference.
    let node = unsafe { NodeRef::from_payload(ptr.cast::<SubmitJob<F, T>>()) };
    // SAFETY: the payload type is the one `submit_in` used; the reference keeps it alive
    // until `token` drops at the end of `run_submitted`, after the last use of `job`.
    let job: &SubmitJob<F, T> =
        unsafe { &*(node.payload::<SubmitJob<F, T>>() as *const SubmitJob<F, T>) };
    let token = CancelToken::from_node(node);
    // SAFETY: only the executing worker touches `func`.
    let func = unsafe { (*job.func.get()).take() }.expect("a submitted job runs once");
    WorkerThread::with_current(|worker| {
        let worker = worker.expect("a submitted job runs on a worker");
        run_submitted(worker, job, token, func);
    });
}

/// Runs the closure of `job` (or discards it if `token` is cancelled), publishes the
/// result, wakes the handle, and drops `token`, the queue's reference to the job.
fn run_submitted<F, T>(worker: &WorkerThread, job: &SubmitJob<F, T>, token: CancelToken, func: F)
where
    F: FnOnce(&CancelToken) -> Result<T, Cancelled> + Send + 'static,
    T: Send + 'static,
{
    let result = if token.is_cancelled() {
        // A panicking destructor of the closure's captures must not unwind into the
        // worker loop (the worker would die and the handle never see `DONE`).
        unwind::drop_reporting(func);
        worker.count(|c| &c.cancelled_before_start);
        Err(JobError::Cancelled)
    } else {
        // Relaxed: informational (the handle only acts on `DONE`). An RMW, not a store:
        // it must keep a `WAITING` bit the handle may have set meanwhile.
        job.shared.state.fetch_or(RUNNING, Ordering::Relaxed);
        let outcome = {
            // SAFETY: `token` lives until the end of this function, after the guard.
            let _entered = unsafe { state::enter(Context::new(&token, 0)) };
            unwind::halt_unwinding(|| func(&token))
        };
        let result = match outcome {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(Cancelled)) => {
                worker.count(|c| &c.cancelled_running);
                Err(JobError::Cancelled)
            }
            Err(payload) => {
                worker.count(|c| &c.panicked);
                Err(JobError::Panicked(payload))
            }
        };
        worker.count(|c| &c.finished);
        result
    };
    // SAFETY: the handle reads `result` only after it sees `DONE` below.
    unsafe { *job.shared.result.get() = Some(result) };
    // AcqRel: Release publishes `result`; Acquire pairs with the handle's `WAITING`.
    let prev = job.shared.state.swap(DONE, Ordering::AcqRel);
    if prev & WAITING != 0 {
        let node = token.node.as_ref().expect("a job token has a node");
        // Taking the lock waits until the handle is blocked (module docs).
        let _inner = node.lock();
        node.cond().notify_all();
    }
    // SAFETY: the job's memory lives until `token` drops below.
    if unsafe { CoreLatch::set_raw(&job.shared.latch) } {
        // Acquire: pairs with the waiter's Release store of its index.
        let waiter = job.shared.waiter.load(Ordering::Acquire);
        worker.registry.sleep.wake_specific(waiter - 1);
    }
    // If the handle is gone, this is the last reference: it frees the job with its
    // result, whose destructor may panic; report that instead of unwinding the worker.
    unwind::drop_reporting(token);
}

impl<T> JobHandle<T> {
    fn shared(&self) -> &JobShared<T> {
        // SAFETY: `shared` points into the payload of `node`, which we keep alive.
        unsafe { self.shared.as_ref() }
    }

    /// Requests cancellation of the job (its token). A job that has not started will not
    /// start; a running job sees the request at its next cancellation point. True for
    /// the call that made the request.
    ///
    /// # Example
    ///
    /// ```
    /// let pool = cancelpool::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    /// let h = pool.submit(|t| -> Result<(), cancelpool::Cancelled> {
    ///     loop {
    ///         t.sleep(std::time::Duration::from_secs(1))?;
    ///     }
    /// });
    /// assert!(h.cancel());
    /// assert!(h.join().unwrap_err().is_cancelled());
    /// ```
    pub fn cancel(&self) -> bool {
        self.node.cancel()
    }

    /// The job's token.
    ///
    /// # Example
    ///
    /// ```
    /// let pool = cancelpool::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    /// let h = pool.submit(|_| Ok(()));
    /// let token = h.token();
    /// h.cancel();
    /// assert!(token.is_cancelled());
    /// ```
    pub fn token(&self) -> CancelToken {
        CancelToken::from_node(self.node.clone())
    }

    /// True once the job ended (ran, was discarded, or was rejected).
    ///
    /// # Example
    ///
    /// ```
    /// let pool = cancelpool::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    /// let mut h = pool.submit(|_| Ok(1));
    /// let _ = h.join_timeout(std::time::Duration::from_secs(10));
    /// assert!(h.is_finished());
    /// ```
    pub fn is_finished(&self) -> bool {
        // Acquire: a `true` answer lets the caller rely on the job's effects.
        self.shared().state.load(Ordering::Acquire) & STATE >= DONE
    }

    /// Waits for the job and returns its result.
    ///
    /// Called on a worker of the job's own pool, the worker runs other jobs (perhaps
    /// this one) while it waits, so joining inside the pool cannot deadlock it.
    ///
    /// # Example
    ///
    /// ```
    /// let pool = cancelpool::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    /// assert_eq!(pool.submit(|_| Ok("x")).join().unwrap(), "x");
    /// ```
    pub fn join(self) -> Result<T, JobError> {
        self.wait(None);
        self.take()
    }

    /// Waits at most `timeout`. On time-out returns `Err(JobError::TimedOut)` and the
    /// handle stays usable; otherwise returns the result (later calls then return
    /// `Err(JobError::AlreadyJoined)`). Unlike [`join`](Self::join), it blocks its
    /// thread even on a pool worker (for at most `timeout`).
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::JobError;
    /// use std::time::Duration;
    ///
    /// let pool = cancelpool::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    /// let (tx, rx) = std::sync::mpsc::channel::<()>();
    /// let mut h = pool.submit(move |_| { let _ = rx.recv(); Ok(7) });
    /// assert!(matches!(h.join_timeout(Duration::from_millis(10)), Err(JobError::TimedOut)));
    /// tx.send(()).unwrap();
    /// assert_eq!(h.join_timeout(Duration::from_secs(10)).unwrap(), 7);
    /// ```
    pub fn join_timeout(&mut self, timeout: Duration) -> Result<T, JobError> {
        let deadline = Instant::now().checked_add(timeout);
        if self.wait(deadline) {
            self.take()
        } else {
            Err(JobError::TimedOut)
        }
    }

    /// Lets the job run to its end without a handle: dropping a detached handle does not
    /// cancel the job.
    ///
    /// # Example
    ///
    /// ```
    /// let pool = cancelpool::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    /// let (tx, rx) = std::sync::mpsc::channel();
    /// pool.submit(move |_| { tx.send(1).unwrap(); Ok(()) }).detach();
    /// assert_eq!(rx.recv().unwrap(), 1);
    /// ```
    pub fn detach(self) {
        let this = std::mem::ManuallyDrop::new(self);
        // SAFETY: `this` is never used or dropped again; we drop its node reference once.
        drop(unsafe { std::ptr::read(&this.node) });
    }

    /// True while the result waits (DONE); false before the end and after taking.
    fn wait(&self, deadline: Option<Instant>) -> bool {
        let state = &self.shared().state;
        // Acquire: pairs with the worker's Release swap to `DONE`.
        if state.load(Ordering::Acquire) & STATE >= DONE {
            return true;
        }
        if deadline.is_none() {
            let helped = WorkerThread::with_current(|worker| match worker {
                Some(worker) if std::ptr::eq(&*worker.registry, self.registry) => {
                    // A worker of the job's own pool: run other jobs (perhaps this one)
                    // until the job is done, instead of blocking its thread.
                    // Release: the completer reads the index after its latch swap.
                    self.shared()
                        .waiter
                        .store(worker.index + 1, Ordering::Release);
                    worker.wait_until(&self.shared().latch);
                    true
                }
                _ => false,
            });
            if helped {
                return true;
            }
        }
        let mut inner = self.node.lock();
        loop {
            // AcqRel: Release makes the bit visible to the worker's swap; Acquire pairs
            // with that swap when it already happened.
            if state.fetch_or(WAITING, Ordering::AcqRel) & STATE >= DONE {
                return true;
            }
            match deadline {
                None => self.node.cond().wait(&mut inner),
                Some(deadline) => {
                    if self
                        .node
                        .cond()
                        .wait_until(&mut inner, deadline)
                        .timed_out()
                    {
                        return state.load(Ordering::Acquire) & STATE >= DONE;
                    }
                }
            }
        }
    }

    fn take(&self) -> Result<T, JobError> {
        let state = &self.shared().state;
        // AcqRel: Acquire pairs with the worker's `DONE`; the swap makes taking single.
        if state.swap(TAKEN, Ordering::AcqRel) & STATE != DONE {
            return Err(JobError::AlreadyJoined);
        }
        // SAFETY: `DONE` was seen: the worker is done with `result`, and the swap to
        // `TAKEN` makes this the only reader.
        unsafe { (*self.shared().result.get()).take() }.unwrap_or(Err(JobError::AlreadyJoined))
    }
}

impl<T> Drop for JobHandle<T> {
    /// Requests cancellation unless the job ended (RAII); never blocks.
    fn drop(&mut self) {
        if !self.is_finished() {
            self.node.cancel();
        }
    }
}

impl<T> fmt::Debug for JobHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.shared().state.load(Ordering::Acquire) {
            QUEUED => "queued",
            RUNNING => "running",
            DONE => "finished",
            _ => "joined",
        };
        f.debug_struct("JobHandle")
            .field("state", &state)
            .field("cancelled", &self.node.is_cancelled())
            .finish()
    }
}

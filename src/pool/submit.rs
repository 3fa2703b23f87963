//! `submit` (P3): cancellable detached jobs with a [`JobHandle`] that can be joined,
//! joined with a time-out, or awaited.
//!
//! # One allocation
//!
//! The job's closure, its result slot, its waiter slot and its state live in the payload
//! of the job's token node (`NodeRef::new_with`), a child of the pool's token: one
//! allocation holds the job, the handle's state and the token. The queue holds one
//! reference to the node (dropped by the worker last of all, after waking the handle),
//! the handle another.
//!
//! # The state word (`JobShared::state`)
//!
//! | value | name | meaning | waiter slot belongs to |
//! |---|---|---|---|
//! | 0 | `PENDING` | the job has not ended; no waiter registered | the handle |
//! | 1 | `WAITING` | the job has not ended; a waiter is in the slot | the completer |
//! | 2 | `DONE` | `result` is written (final) | whoever saw `WAITING` in the swap to `DONE`; else nobody |
//!
//! Transitions: the handle moves `PENDING ⇄ WAITING` (CAS); the worker that ends the job
//! (the completer) swaps in `DONE` from either. Only `DONE` ever makes a handle's CAS fail.
//!
//! # Invariants
//!
//! 1. **Result.** The completer writes `result` before its swap to `DONE` (Release); the
//!    handle reads it only after loading `DONE` (Acquire), and takes it once.
//! 2. **Waiter slot.** At any moment one side may touch the slot, as the table says. The
//!    handle writes it only in `PENDING`, then hands it over with its CAS
//!    `PENDING → WAITING` (Release: the completer, whose swap reads `WAITING` with
//!    Acquire, sees the waiter), and takes it back with `WAITING → PENDING` (to replace
//!    a waker, or to give up a timed wait). The completer takes the waiter only if its
//!    swap returned `WAITING`; the handle, which then sees `DONE`, never touches the slot
//!    again. What is left in the slot is dropped with the node.
//! 3. **One wake-up, never lost.** A registration either happens before the completer's
//!    swap (the swap returns `WAITING`: the completer wakes that waiter, once) or fails
//!    because the state is `DONE` (the handle takes the result at once). A waiter that
//!    was taken back is not woken.
//! 4. **Lifetime.** The completer touches the job only while it holds the queue's node
//!    reference, which it drops after waking; so a handle dropped meanwhile frees
//!    nothing under it. A blocked joiner's latch lives in the joiner's frame until set.
//! 5. **What `join` says** (loom L9). A worker that takes a queued job whose token is
//!    already cancelled does not call the closure: `Cancelled`, "never started".
//!    Otherwise the closure's return is reported as is: a job that returns `Ok` after a
//!    cancel request keeps its work; an error is `Cancelled` or `Failed` as `job_error`
//!    says.
//!
//! # Waiters
//!
//! | who waits | waiter | woken by |
//! |---|---|---|
//! | `join` on a pool worker (any pool) | a `SpinLatch` in the joiner's frame: the worker runs its pool's jobs meanwhile | `Latch::set`, which wakes that worker if it sleeps |
//! | `join`/`join_timeout` elsewhere | the thread (`Thread::unpark`) | `unpark` |
//! | `.await` | the task's `Waker` (replaced when a poll brings another) | `wake` |
//!
//! A job nobody waits for finishes with one swap and no lock, no syscall.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::ptr::NonNull;
use std::task::{Context as TaskContext, Poll, Waker};
use std::time::{Duration, Instant};

use super::job::{JobHeader, JobRef};
use super::job_error::{self, JobError, JobResult, PanicPayload};
use super::latch::{Latch, SpinLatch};
use super::registry::{Registry, WorkerThread};
use crate::cancel::CancelToken;
use crate::cancel::node::NodeRef;
use crate::cancel::state::{self, Context};
use crate::sync::Arc;
use crate::sync::atomic::{AtomicUsize, Ordering};
use crate::sync::cell::UnsafeCell;
use crate::sync::thread;
use crate::util::unwind;

/// The job has not ended and no waiter is registered.
const PENDING: usize = 0;
/// The job has not ended; a waiter is in the slot, which the completer owns.
const WAITING: usize = 1;
/// The result is written (final).
const DONE: usize = 2;

/// Who to wake when the job ends (module docs, "Waiters").
enum Waiter {
    None,
    /// A pool worker waiting in `join`: the latch lives in its frame (invariant 4).
    Worker(NonNull<SpinLatch<'static>>),
    /// A thread blocked in `join` or `join_timeout`.
    Thread(thread::Thread),
    /// An awaiting task.
    Task(Waker),
}

impl Waiter {
    /// Wakes the waiter. Runs on the completing worker: a panicking `Waker` is reported,
    /// never unwound into the worker loop.
    fn wake(self) {
        match self {
            Waiter::None => {}
            // SAFETY: the latch lives until it is set (invariant 4), and `set` touches
            // nothing of it afterwards (latch contract).
            Waiter::Worker(latch) => unsafe { Latch::set(latch.as_ptr().cast_const()) },
            Waiter::Thread(thread) => thread.unpark(),
            Waiter::Task(waker) => {
                unwind::run_reporting(move || waker.wake());
            }
        }
    }
}

/// The part of a submitted job the handle sees.
struct JobShared<T> {
    /// `PENDING`, `WAITING` or `DONE` (module docs).
    state: AtomicUsize,
    /// Invariant 2.
    waiter: UnsafeCell<Waiter>,
    /// Invariant 1; `None` once the handle took it.
    result: UnsafeCell<Option<Result<T, JobError>>>,
}

/// The payload of a submitted job's token node.
#[repr(C)]
struct SubmitJob<F, T> {
    /// First, so that the queue's `JobRef` can point at the payload (job invariant).
    header: JobHeader,
    shared: JobShared<T>,
    func: UnsafeCell<Option<F>>,
}

// SAFETY: `func` is taken by the one worker that runs the job (or by `submit_in` when it
// is rejected, before anyone else sees it); `result` and `waiter` are accessed by one
// side at a time (invariants 1 and 2). `F` and `T` are `Send`, and so is every `Waiter`
// (the latch pointer is used only as invariant 4 allows).
unsafe impl<F: Send, T: Send> Sync for SubmitJob<F, T> {}
// SAFETY: as above; the raw latch pointer is the only non-`Send` part, and it is only
// dereferenced by the completer while the latch lives.
unsafe impl<F: Send, T: Send> Send for SubmitJob<F, T> {}

/// A handle to a submitted job: wait for its result ([`join`](Self::join),
/// [`join_timeout`](Self::join_timeout), or `.await` — the handle is a `Future`), or
/// cancel it.
///
/// Dropping the handle without [`detach`](JobHandle::detach) requests cancellation (RAII)
/// and does not block: a job that has not started never runs, a running one sees the
/// request at its next checkpoint. Dropping an unfinished `.await` (a time-out around it,
/// a `select!` that took another branch) drops the handle, so it cancels the job too.
///
/// # Example
///
/// ```
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
///
/// Awaiting it, with a time-out that cancels the job when it expires (any executor; the
/// worker that ends the job wakes the task):
///
/// ```
/// use std::time::Duration;
///
/// let pool = cancelpool::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
/// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
/// let slow = pool.submit(|token| {
///     token.sleep(Duration::from_secs(60))?; // a cancellable wait
///     Ok("done")
/// });
/// let token = slow.token();
/// let outcome = rt.block_on(async { tokio::time::timeout(Duration::from_millis(10), slow).await });
/// assert!(outcome.is_err()); // timed out: the dropped handle cancelled the job
/// assert!(token.is_cancelled());
/// ```
///
/// Forgetting the handle is a warning, because the job would be cancelled at once:
///
/// ```compile_fail
/// #![deny(unused_must_use)]
/// let pool = cancelpool::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
/// pool.submit(|_| Ok(1)); // error: unused `JobHandle` that must be used
/// ```
#[must_use = "dropping a `JobHandle` cancels the job; call `.detach()` to let it run without one"]
pub struct JobHandle<T> {
    node: NodeRef,
    shared: NonNull<JobShared<T>>,
    _marker: PhantomData<T>,
}

// SAFETY: the handle reads the result only after `DONE` (invariant 1) and `T: Send`.
unsafe impl<T: Send> Send for JobHandle<T> {}
// SAFETY: `&JobHandle` gives no access to `T` or to the waiter slot (only `cancel`,
// `token`, `is_finished`, `Debug`, which read the node and the state word).
unsafe impl<T: Send> Sync for JobHandle<T> {}
// The handle never pins its `T` (the result is moved out by value).
impl<T> Unpin for JobHandle<T> {}

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
    F: FnOnce(&CancelToken) -> JobResult<T> + Send + 'static,
    T: Send + 'static,
{
    let registry = super::global::current_registry();
    submit_in(&registry, f)
}

pub(crate) fn submit_in<F, T>(registry: &Arc<Registry>, f: F) -> JobHandle<T>
where
    F: FnOnce(&CancelToken) -> JobResult<T> + Send + 'static,
    T: Send + 'static,
{
    // Relaxed: ordered before the job's end by the queue push (registry invariant 5).
    registry.submitted.fetch_add(1, Ordering::Relaxed);
    let payload = SubmitJob {
        // Detached jobs belong to no isolated region.
        header: JobHeader { isolation: 0 },
        shared: JobShared::<T> {
            state: AtomicUsize::new(PENDING),
            waiter: UnsafeCell::new(Waiter::None),
            result: UnsafeCell::new(None),
        },
        func: UnsafeCell::new(Some(f)),
    };
    let node = NodeRef::new_with(registry.submit_parent().node.as_ref(), payload);
    // SAFETY: the node was made with this payload type just above.
    let job = unsafe { node.payload::<SubmitJob<F, T>>() };
    let shared = NonNull::from(&job.shared);
    match registry.admit() {
        Ok(admission) => {
            let handle = JobHandle {
                node: node.clone(),
                shared,
                _marker: PhantomData,
            };
            let payload = NodeRef::payload_ptr::<SubmitJob<F, T>>(node.into_raw());
            // SAFETY: the queue owns the reference made by `into_raw`; `execute_submit`
            // takes it back once. The header is the payload's first field (`repr(C)`).
            let job_ref = unsafe { JobRef::from_raw_parts(payload.cast(), execute_submit::<F, T>) };
            registry.push_detached(job_ref);
            drop(admission);
            handle
        }
        Err(_) => {
            // Release: `stats()` reads `rejected` before `submitted` (invariant 5).
            registry.rejected.fetch_add(1, Ordering::Release);
            // SAFETY: the job was never queued: we are its only user.
            let func = job.func.with_mut(|func| unsafe { (*func).take() });
            unwind::drop_reporting(func);
            // SAFETY: as above; nobody reads the result before `DONE`.
            job.shared
                .result
                .with_mut(|result| unsafe { *result = Some(Err(JobError::Rejected)) });
            // Release: publishes the result to the handle (invariant 1).
            job.shared.state.store(DONE, Ordering::Release);
            JobHandle {
                node,
                shared,
                _marker: PhantomData,
            }
        }
    }
}

/// Runs a submitted job taken from a queue.
///
/// # Safety
///
/// `ptr` is the payload address of a node reference made by `into_raw` in `submit_in`
/// for `SubmitJob<F, T>`; called once.
unsafe fn execute_submit<F, T>(ptr: *const JobHeader)
where
    F: FnOnce(&CancelToken) -> JobResult<T> + Send + 'static,
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
    let func = job.func.with_mut(|func| unsafe { (*func).take() });
    let func = func.expect("a submitted job runs once");
    WorkerThread::with_current(|worker| {
        let worker = worker.expect("a submitted job runs on a worker");
        run_submitted(worker, &job.shared, token, func);
    });
}

/// Runs the closure (or discards it if `token` is cancelled), publishes the result,
/// wakes the waiter, and drops `token`, the queue's reference to the job.
fn run_submitted<F, T>(worker: &WorkerThread, shared: &JobShared<T>, token: CancelToken, func: F)
where
    F: FnOnce(&CancelToken) -> JobResult<T> + Send + 'static,
    T: Send + 'static,
{
    let result = if token.is_cancelled() {
        // Invariant 5: never started. A panicking destructor of the closure's captures
        // must not unwind into the worker loop (the handle would never see `DONE`).
        unwind::drop_reporting(func);
        worker.count(|c| &c.cancelled_before_start);
        Err(JobError::Cancelled)
    } else {
        let outcome = {
            // SAFETY: `token` lives until the end of this function, after the guard.
            let _entered = unsafe { state::enter(Context::new(&token, 0)) };
            unwind::halt_unwinding(|| func(&token))
        };
        let result = match outcome {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(failure)) => {
                // Read after the closure returned: a request it may not have seen still
                // counts, as the job stopped with an error (job_error module docs).
                let err = job_error::classify(failure, token.is_cancelled());
                if err.is_cancelled() {
                    worker.count(|c| &c.cancelled_running);
                }
                Err(err)
            }
            Err(payload) => {
                worker.count(|c| &c.panicked);
                Err(JobError::Panicked(PanicPayload::new(payload)))
            }
        };
        worker.count(|c| &c.finished);
        result
    };
    complete(shared, result);
    // If the handle is gone, this is the last reference: it frees the job with its
    // result, whose destructor may panic; report that instead of unwinding the worker.
    unwind::drop_reporting(token);
}

/// Publishes `result` and wakes the registered waiter, if any (invariants 1-3).
fn complete<T>(shared: &JobShared<T>, result: Result<T, JobError>) {
    // SAFETY: invariant 1: the handle reads `result` only after it sees `DONE` below.
    shared
        .result
        .with_mut(|slot| unsafe { *slot = Some(result) });
    // AcqRel: Release publishes `result` (invariant 1); Acquire pairs with the handle's
    // Release CAS to `WAITING`, so the waiter it wrote is visible (invariant 2).
    if shared.state.swap(DONE, Ordering::AcqRel) == WAITING {
        // SAFETY: invariant 2: the swap returned `WAITING`, so the slot is ours for good.
        let waiter = shared
            .waiter
            .with_mut(|slot| unsafe { std::mem::replace(&mut *slot, Waiter::None) });
        waiter.wake();
    }
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
    /// let h = pool.submit(|t| -> cancelpool::JobResult<()> {
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
    /// # h.detach();
    /// ```
    pub fn token(&self) -> CancelToken {
        CancelToken::from_node(self.node.clone())
    }

    /// True once the job ended (ran, was discarded, or was rejected): then `join` returns
    /// at once.
    ///
    /// # Example
    ///
    /// ```
    /// let pool = cancelpool::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    /// let (tx, rx) = std::sync::mpsc::channel::<()>();
    /// let h = pool.submit(move |_| {
    ///     rx.recv()?;
    ///     Ok(1)
    /// });
    /// assert!(!h.is_finished());
    /// tx.send(()).unwrap();
    /// while !h.is_finished() {
    ///     std::thread::yield_now();
    /// }
    /// assert_eq!(h.join().unwrap(), 1);
    /// ```
    pub fn is_finished(&self) -> bool {
        // Acquire: a `true` answer lets the caller rely on the job's effects.
        self.shared().state.load(Ordering::Acquire) == DONE
    }

    /// Waits for the job and returns its result.
    ///
    /// Called on a pool worker (of this pool or another), the worker runs its own pool's
    /// jobs while it waits, so joining inside a pool cannot deadlock it.
    ///
    /// # Panics
    ///
    /// If the handle was already awaited to completion (its result was taken).
    ///
    /// # Example
    ///
    /// ```
    /// let pool = cancelpool::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    /// assert_eq!(pool.submit(|_| Ok("x")).join().unwrap(), "x");
    /// ```
    pub fn join(mut self) -> Result<T, JobError> {
        if !self.is_finished() {
            self.wait(None);
        }
        self.take()
    }

    /// Waits at most `timeout` for the job. Returns its result, or, on time-out, the
    /// handle back (`Err(handle)`), to wait again, cancel, or drop (which cancels).
    ///
    /// Unlike [`join`](Self::join), it blocks its thread even on a pool worker (for at
    /// most `timeout`).
    ///
    /// # Panics
    ///
    /// If the handle was already awaited to completion (its result was taken).
    ///
    /// # Example
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let pool = cancelpool::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    /// let (tx, rx) = std::sync::mpsc::channel::<()>();
    /// let h = pool.submit(move |_| { let _ = rx.recv(); Ok(7) });
    /// let h = match h.join_timeout(Duration::from_millis(10)) {
    ///     Ok(result) => panic!("the job cannot have ended: {result:?}"),
    ///     Err(handle) => handle, // timed out: the handle is given back
    /// };
    /// tx.send(()).unwrap();
    /// assert_eq!(h.join_timeout(Duration::from_secs(10)).unwrap().unwrap(), 7);
    /// ```
    pub fn join_timeout(mut self, timeout: Duration) -> Result<Result<T, JobError>, JobHandle<T>> {
        if self.is_finished() || self.wait(Some(Instant::now() + timeout)) {
            Ok(self.take())
        } else {
            Err(self)
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
        this.deregister();
        // SAFETY: `this` is never used or dropped again; we drop its node reference once.
        drop(unsafe { std::ptr::read(&this.node) });
    }

    /// Blocks until the job is done, or `deadline`; true if it is done.
    #[cold]
    fn wait(&mut self, deadline: Option<Instant>) -> bool {
        if deadline.is_none() {
            let helped = WorkerThread::with_current(|worker| {
                let worker = worker?;
                // A pool worker: run its pool's jobs (perhaps this one) until the job is
                // done, instead of blocking its thread.
                let latch = SpinLatch::new(&worker.registry, worker.index);
                let pointer = NonNull::from(&latch).cast::<SpinLatch<'static>>();
                if self.register(Waiter::Worker(pointer)) {
                    // Invariant 4: `latch` lives until it is set.
                    worker.wait_until(&latch);
                }
                Some(())
            });
            if helped.is_some() {
                return true;
            }
        }
        if !self.register(Waiter::Thread(thread::current())) {
            return true;
        }
        loop {
            // Acquire: pairs with the completer's swap (invariant 1).
            if self.shared().state.load(Ordering::Acquire) == DONE {
                return true;
            }
            match deadline {
                None => thread::park(),
                Some(deadline) => {
                    let now = Instant::now();
                    if now >= deadline {
                        // Give up: take the slot back, unless the job ended meanwhile.
                        return !self.deregister();
                    }
                    park_timeout(deadline - now);
                }
            }
        }
    }

    /// Puts `waiter` in the slot for the completer (invariant 2). False if the job is
    /// done (the waiter is dropped unused).
    fn register(&mut self, waiter: Waiter) -> bool {
        let shared = self.shared();
        // Take the slot back from an earlier registration.
        if !self.deregister() && shared.state.load(Ordering::Acquire) == DONE {
            return false;
        }
        // SAFETY: invariant 2: the state is `PENDING` or `DONE` without a registration,
        // so the completer does not touch the slot.
        shared.waiter.with_mut(|slot| unsafe { *slot = waiter });
        // Release: publishes the waiter to the completer (invariant 2). Acquire on
        // failure: the state is `DONE`, and the result is read next (invariant 1).
        shared
            .state
            .compare_exchange(PENDING, WAITING, Ordering::Release, Ordering::Acquire)
            .is_ok()
    }

    /// Takes the slot back if a waiter is registered; true if it did (invariant 2). The
    /// waiter stays in the slot, unwoken, until replaced or freed with the node.
    fn deregister(&self) -> bool {
        // Relaxed: the slot was last written by this handle, and on failure (`DONE`)
        // nothing is read through this load.
        self.shared()
            .state
            .compare_exchange(WAITING, PENDING, Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
    }

    /// The result, once the state is `DONE` (seen with Acquire).
    fn take(&mut self) -> Result<T, JobError> {
        // SAFETY: invariant 1: `DONE` was seen with Acquire, so the completer is done
        // with `result`, and `&mut self` makes this the only reader.
        let result = self
            .shared()
            .result
            .with_mut(|slot| unsafe { (*slot).take() });
        result.expect("the `JobHandle` was awaited to completion before; its result was taken")
    }
}

/// `std::thread::park_timeout`; loom has no time, so a timed wait there is a wait that
/// ends only when woken.
fn park_timeout(timeout: Duration) {
    #[cfg(not(loom))]
    thread::park_timeout(timeout);
    #[cfg(loom)]
    {
        let _ = timeout;
        thread::park();
    }
}

impl<T> Future for JobHandle<T> {
    type Output = Result<T, JobError>;

    /// Ready with the job's result once it ended. A pending poll stores the task's waker
    /// (replacing the one an earlier poll stored, unless it would wake the same task);
    /// the worker that ends the job wakes it, once. No allocation, no polling thread.
    ///
    /// # Panics
    ///
    /// If polled again after it returned `Ready`.
    fn poll(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        // Acquire: pairs with the completer's swap (invariant 1).
        let state = this.shared().state.load(Ordering::Acquire);
        if state == DONE {
            return Poll::Ready(this.take());
        }
        if state == WAITING && this.deregister() {
            // SAFETY: invariant 2: the deregistration gave the slot back to us.
            let same = this.shared().waiter.with(|slot| match unsafe { &*slot } {
                Waiter::Task(waker) => waker.will_wake(cx.waker()),
                _ => false,
            });
            if same {
                // Release/Acquire: as in `register`.
                if this
                    .shared()
                    .state
                    .compare_exchange(PENDING, WAITING, Ordering::Release, Ordering::Acquire)
                    .is_ok()
                {
                    return Poll::Pending;
                }
                return Poll::Ready(this.take());
            }
        }
        if this.register(Waiter::Task(cx.waker().clone())) {
            Poll::Pending
        } else {
            Poll::Ready(this.take())
        }
    }
}

impl<T> Drop for JobHandle<T> {
    /// Requests cancellation unless the job ended (RAII); never blocks.
    fn drop(&mut self) {
        if !self.is_finished() {
            // A waker left in the slot would keep its task alive until the job ends.
            if self.deregister() {
                // SAFETY: invariant 2: the slot is ours again.
                let waiter = self
                    .shared()
                    .waiter
                    .with_mut(|slot| unsafe { std::mem::replace(&mut *slot, Waiter::None) });
                drop(waiter);
            }
            self.node.cancel();
        }
    }
}

impl<T> fmt::Debug for JobHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = if self.is_finished() {
            "finished"
        } else {
            "pending"
        };
        f.debug_struct("JobHandle")
            .field("state", &state)
            .field("cancelled", &self.node.is_cancelled())
            .finish()
    }
}

//! `scope` (P2, P4): spawn any number of jobs that may borrow from the enclosing frame;
//! the scope returns when all of them (and their nested spawns) finished.
//!
//! A scope owns a child token of the job that created it (P4): `s.cancel()` cancels
//! every job of the scope and their forks, and cancelling the enclosing job cancels the
//! scope. Each spawn inherits the scope's token and the spawning job's cancel state at
//! the fork (C5). Spawned jobs always run, even after `s.cancel()`: like a `join` half,
//! a scope job is part of its parent's work and observes the request at its own
//! checkpoints (only detached jobs are discarded before they start).
//!
//! The body's and the jobs' panics are caught; the scope waits for every job, then
//! re-raises the first panic (P2).

use std::fmt;
use std::marker::PhantomData;

use super::job::HeapJob;
use super::latch::CountLatch;
use super::registry::{Registry, WorkerThread};
use crate::cancel::state::{self, Context};
use crate::cancel::{CancelSource, CancelToken};
use crate::sync::{Arc, Mutex};
use crate::util::unwind::{self, Payload};

/// A scope for spawning jobs that borrow from the caller's frame; see [`scope`].
pub struct Scope<'scope> {
    registry: Arc<Registry>,
    latch: CountLatch,
    panic: Mutex<Option<Payload>>,
    source: CancelSource,
    token: CancelToken,
    /// Invariant in `'scope`, like rayon's and std's scopes.
    _marker: PhantomData<fn(&'scope ()) -> &'scope ()>,
}

// SAFETY: a `Scope` is shared by reference with the jobs it spawns, on any worker. Its
// fields are thread-safe (atomics, a mutex, tokens); the raw registry pointer inside
// `CountLatch` points to the `Arc`'d registry the scope itself keeps alive.
unsafe impl Send for Scope<'_> {}
// SAFETY: as above.
unsafe impl Sync for Scope<'_> {}

/// Creates a scope on the current pool (or the global one), runs `op` in it, and waits
/// until every job spawned in it has finished.
///
/// Spawned jobs may borrow anything that outlives the scope. While waiting, the worker
/// runs other jobs. If `op` or a job panics, the panic is re-raised here after every job
/// finished.
///
/// # Example
///
/// ```
/// let mut words = vec!["a", "bb", "ccc"];
/// let mut lengths = vec![0; 3];
/// cancelpool::scope(|s| {
///     for (word, len) in words.iter().zip(lengths.iter_mut()) {
///         s.spawn(move |_| *len = word.len());
///     }
/// });
/// words.push("dddd"); // the borrows ended with the scope
/// assert_eq!(lengths, vec![1, 2, 3]);
/// ```
pub fn scope<'scope, OP, R>(op: OP) -> R
where
    OP: FnOnce(&Scope<'scope>) -> R + Send,
    R: Send,
{
    super::global::in_worker(|worker, _| {
        let scope = Scope::new(worker);
        scope.complete(worker, op)
    })
}

impl<'scope> Scope<'scope> {
    fn new(worker: &WorkerThread) -> Self {
        let source = CancelSource::child_of(&crate::current_token());
        let token = source.token();
        Scope {
            registry: Arc::clone(&worker.registry),
            latch: CountLatch::new(&worker.registry, worker.index),
            panic: Mutex::new(None),
            source,
            token,
            _marker: PhantomData,
        }
    }

    fn complete<OP, R>(&self, worker: &WorkerThread, op: OP) -> R
    where
        OP: FnOnce(&Scope<'scope>) -> R,
    {
        // The body is the scope's first job: it runs under the scope's token.
        // SAFETY: `self.token` outlives the guard (both live in this frame's scope).
        let entered = unsafe { state::enter(Context::new(&self.token, state::current().disabled)) };
        let result = match unwind::halt_unwinding(|| op(self)) {
            Ok(r) => Some(r),
            Err(payload) => {
                self.record_panic(payload);
                None
            }
        };
        // SAFETY: the body's own count; `self` outlives the wait below.
        unsafe { CountLatch::decrement(&self.latch) };
        worker.wait_until(&self.latch);
        drop(entered);
        if let Some(payload) = self.panic.lock().take() {
            unwind::resume_unwinding(payload);
        }
        result.expect("no panic was recorded, so the body returned")
    }

    fn record_panic(&self, payload: Payload) {
        let mut slot = self.panic.lock();
        if slot.is_none() {
            *slot = Some(payload);
        }
    }

    /// Spawns `body` into the scope. It may borrow anything that outlives the scope,
    /// and receives the scope to spawn more.
    ///
    /// # Example
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    ///
    /// let hits = AtomicUsize::new(0);
    /// cancelpool::scope(|s| {
    ///     s.spawn(|s| {
    ///         hits.fetch_add(1, Ordering::SeqCst);
    ///         s.spawn(|_| { hits.fetch_add(1, Ordering::SeqCst); });
    ///     });
    /// });
    /// assert_eq!(hits.into_inner(), 2);
    /// ```
    pub fn spawn<BODY>(&self, body: BODY)
    where
        BODY: FnOnce(&Scope<'scope>) + Send + 'scope,
    {
        self.latch.increment();
        let scope = ScopePtr::new(self);
        let ctx = Context::new(&self.token, state::current().disabled);
        WorkerThread::with_current(|worker| {
            let isolation = match worker {
                Some(worker) => worker.isolation.get(),
                None => super::isolate::external_tag(),
            };
            let job = HeapJob::new(ctx, isolation, move || {
                let scope = scope.get();
                if let Err(payload) = unwind::halt_unwinding(|| body(scope)) {
                    scope.record_panic(payload);
                }
                // SAFETY: our count; nothing of the scope is used after this.
                unsafe { CountLatch::decrement(&scope.latch) };
            });
            // SAFETY: the scope keeps its token alive until every job finished.
            let job = unsafe { job.into_job_ref() };
            match worker {
                Some(worker) if Arc::ptr_eq(&worker.registry, &self.registry) => worker.push(job),
                // From a thread outside the pool (a scope handle sent elsewhere): inject.
                // A fork of running work is never refused (registry invariant 3).
                _ => self.registry.inject(job),
            }
        })
    }

    /// The scope's token: a child of the token of the job that created the scope.
    ///
    /// # Example
    ///
    /// ```
    /// cancelpool::scope(|s| {
    ///     assert!(!s.token().is_cancelled());
    ///     s.spawn(|_| assert!(cancelpool::checkpoint().is_ok()));
    /// });
    /// ```
    pub fn token(&self) -> CancelToken {
        self.token.clone()
    }

    /// Cancels every job of the scope and their forks (P4). True for the call that made
    /// the request.
    ///
    /// # Example
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    ///
    /// let stopped = AtomicUsize::new(0);
    /// cancelpool::scope(|s| {
    ///     for _ in 0..4 {
    ///         s.spawn(|_| {
    ///             while cancelpool::checkpoint().is_ok() {
    ///                 std::thread::yield_now();
    ///             }
    ///             stopped.fetch_add(1, Ordering::SeqCst);
    ///         });
    ///     }
    ///     s.cancel();
    /// });
    /// assert_eq!(stopped.into_inner(), 4);
    /// ```
    pub fn cancel(&self) -> bool {
        self.source.cancel()
    }

    /// Whether the scope was cancelled (by `cancel`, or through its parent).
    ///
    /// # Example
    ///
    /// ```
    /// cancelpool::scope(|s| {
    ///     s.cancel();
    ///     assert!(s.is_cancelled());
    /// });
    /// ```
    pub fn is_cancelled(&self) -> bool {
        self.token.is_cancelled()
    }
}

impl fmt::Debug for Scope<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scope")
            .field("cancelled", &self.is_cancelled())
            .finish()
    }
}

/// A `Send` pointer to the scope for its jobs.
struct ScopePtr<'scope> {
    ptr: *const Scope<'scope>,
}

impl<'scope> ScopePtr<'scope> {
    fn new(scope: &Scope<'scope>) -> Self {
        ScopePtr { ptr: scope }
    }

    /// A method (not a field access) so that closures capture the whole `Send` wrapper.
    fn get<'a>(&self) -> &'a Scope<'scope> {
        // SAFETY: the scope waits for every job (its count) before it is dropped.
        unsafe { &*self.ptr }
    }
}

// SAFETY: `Scope` is `Sync`; the pointer is valid while the job runs (see `get`).
unsafe impl Send for ScopePtr<'_> {}

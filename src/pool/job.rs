//! Jobs as the queues see them: a type-erased [`JobRef`], and the two owners of job
//! memory — [`StackJob`] (lives in the frame of a `join` or an `install`, which waits for
//! it) and [`HeapJob`] (boxed; frees itself after running).
//!
//! # Invariants
//!
//! 1. A `JobRef` is executed at most once, and its memory is valid until then: a
//!    `StackJob`'s owner does not return before the job's latch is set (or it took the
//!    job back from its own deque and ran it inline); a `HeapJob` is freed by its own
//!    `execute`.
//! 2. After a job sets its latch it touches none of its own memory: the owner may have
//!    returned and popped the frame.
//! 3. Every job runs in the cancel context it captured at its fork point (C5), through
//!    [`state::enter`], and the worker's own context is restored after it, also on panic.

use std::cell::UnsafeCell;

use super::latch::Latch;
use crate::cancel::state::{self, Context};
use crate::util::unwind::{self, Payload};

/// The first field of every job (`#[repr(C)]`), so that a `JobRef` can stay two words
/// wide (16-byte deque slots, as rayon's) and the tag is read only by isolated waits.
#[repr(C)]
pub(crate) struct JobHeader {
    /// The isolation tag of the code that made the job (see `isolate`); 0 = none.
    pub(crate) isolation: usize,
}

/// A pointer to a job plus the function that runs it: what the deques hold.
pub(crate) struct JobRef {
    pointer: *const JobHeader,
    execute_fn: unsafe fn(*const JobHeader),
}

// SAFETY: a JobRef is only a pointer to a job whose closure is `Send`; the pointee stays
// valid until it is executed (invariant 1).
unsafe impl Send for JobRef {}

impl JobRef {
    /// # Safety
    ///
    /// `data` must stay valid until the returned `JobRef` is executed (invariant 1), and
    /// `T` must be `#[repr(C)]` with a [`JobHeader`] as its first field.
    pub(crate) unsafe fn new<T: Job>(data: *const T) -> JobRef {
        JobRef {
            pointer: data.cast(),
            execute_fn: execute_erased::<T>,
        }
    }

    /// A job from a raw pointer and the function that runs it.
    ///
    /// # Safety
    ///
    /// `execute_fn(pointer)` must be sound to call once (invariant 1).
    pub(crate) unsafe fn from_raw_parts(
        pointer: *const JobHeader,
        execute_fn: unsafe fn(*const JobHeader),
    ) -> JobRef {
        JobRef {
            pointer,
            execute_fn,
        }
    }

    /// Identifies the job (to recognise a `join`'s own half when popping it back).
    #[inline]
    pub(crate) fn id(&self) -> *const JobHeader {
        self.pointer
    }

    /// The isolation tag of the job.
    #[inline]
    pub(crate) fn isolation(&self) -> usize {
        // SAFETY: a job in a queue (or just taken from one) is live (invariant 1), and
        // every job starts with a `JobHeader`.
        unsafe { (*self.pointer).isolation }
    }

    /// # Safety
    ///
    /// Runs the job; must be called at most once per job (invariant 1).
    #[inline]
    pub(crate) unsafe fn execute(self) {
        // SAFETY: the caller runs each job once, while its memory is valid.
        unsafe { (self.execute_fn)(self.pointer) }
    }
}

unsafe fn execute_erased<T: Job>(this: *const JobHeader) {
    // SAFETY: `this` was made from a `*const T` in `JobRef::new`.
    unsafe { T::execute(this.cast::<T>()) }
}

/// Something a worker can run from a queue.
pub(crate) trait Job {
    /// # Safety
    ///
    /// `this` points to a live job that has not been executed yet.
    unsafe fn execute(this: *const Self);
}

/// What a job produced.
pub(crate) enum JobResult<T> {
    None,
    Ok(T),
    Panic(Payload),
}

impl<T> JobResult<T> {
    fn call(f: impl FnOnce() -> T) -> Self {
        match unwind::halt_unwinding(f) {
            Ok(v) => JobResult::Ok(v),
            Err(payload) => JobResult::Panic(payload),
        }
    }

    /// The value, or re-raises the job's panic in the caller.
    pub(crate) fn into_return_value(self) -> T {
        match self {
            JobResult::Ok(v) => v,
            JobResult::Panic(payload) => unwind::resume_unwinding(payload),
            JobResult::None => unreachable!("job result taken before the job ran"),
        }
    }
}

/// A job that lives in the stack frame of the code that waits for it.
#[repr(C)]
pub(crate) struct StackJob<L, F, R> {
    header: JobHeader,
    pub(crate) latch: L,
    func: UnsafeCell<Option<F>>,
    result: UnsafeCell<JobResult<R>>,
    ctx: Context,
}

impl<L: Latch, F: FnOnce(bool) -> R, R> StackJob<L, F, R> {
    /// `func` is called with `true` when it runs on a thread other than the owner's
    /// (stolen or injected).
    pub(crate) fn new(ctx: Context, isolation: usize, func: F, latch: L) -> Self {
        StackJob {
            header: JobHeader { isolation },
            latch,
            func: UnsafeCell::new(Some(func)),
            result: UnsafeCell::new(JobResult::None),
            ctx,
        }
    }

    /// # Safety
    ///
    /// `self` must not move or be dropped until the job ran or was taken back.
    pub(crate) unsafe fn as_job_ref(&self) -> JobRef {
        // SAFETY: forwarded to the caller; `StackJob` is `repr(C)` with the header first.
        unsafe { JobRef::new(self) }
    }

    /// Runs the job on the owner's thread after taking it back from the deque.
    pub(crate) fn run_inline(self, migrated: bool) -> R {
        let func = self
            .func
            .into_inner()
            .expect("a job taken back has not run");
        func(migrated)
    }

    /// The result after the latch was set.
    pub(crate) fn into_result(self) -> R {
        self.result.into_inner().into_return_value()
    }
}

impl<L: Latch, F: FnOnce(bool) -> R, R> Job for StackJob<L, F, R> {
    unsafe fn execute(this: *const Self) {
        // SAFETY: invariant 1: `this` is live and unexecuted; we are its only user until
        // the latch is set.
        let this = unsafe { &*this };
        // SAFETY: as above; only the executing thread touches `func`.
        let func = unsafe { (*this.func.get()).take() }.expect("a job runs once");
        // SAFETY: invariant 3: the owner waits for the latch, so the context's token
        // (owned by the owner's frame or above) outlives the job.
        let entered = unsafe { state::enter(this.ctx) };
        let result = JobResult::call(|| func(true));
        drop(entered);
        // SAFETY: the owner reads `result` only after the latch is set below.
        unsafe { *this.result.get() = result };
        // SAFETY: invariant 2: nothing of `this` is used after this call.
        unsafe { Latch::set(&this.latch) };
    }
}

/// A boxed job (scope spawns, `spawn`); frees itself after running.
#[repr(C)]
pub(crate) struct HeapJob<F> {
    header: JobHeader,
    func: F,
    ctx: Context,
}

impl<F: FnOnce() + Send> HeapJob<F> {
    pub(crate) fn new(ctx: Context, isolation: usize, func: F) -> Box<Self> {
        Box::new(HeapJob {
            header: JobHeader { isolation },
            func,
            ctx,
        })
    }

    /// # Safety
    ///
    /// The context's token must outlive the job's execution (invariant 3).
    pub(crate) unsafe fn into_job_ref(self: Box<Self>) -> JobRef {
        // SAFETY: the box is leaked here and reclaimed by `execute` (invariant 1);
        // `HeapJob` is `repr(C)` with the header first.
        unsafe { JobRef::new(Box::into_raw(self)) }
    }
}

impl<F: FnOnce() + Send> Job for HeapJob<F> {
    unsafe fn execute(this: *const Self) {
        // SAFETY: made by `Box::into_raw` in `into_job_ref`; executed once.
        let this = unsafe { Box::from_raw(this.cast_mut()) };
        let HeapJob { func, ctx, .. } = *this;
        // SAFETY: the creator guarantees the token outlives the job (invariant 3).
        let _entered = unsafe { state::enter(ctx) };
        // Panics are caught by the closure built by the spawner (it knows where to
        // report them); a stray one is reported here so a worker never unwinds.
        unwind::run_reporting(func);
    }
}

//! `isolate` (P8): while a job inside the region waits, its worker runs only work forked
//! inside the region (oneTBB's `this_task_arena::isolate`).
//!
//! Every `JobRef` carries the isolation tag of the code that pushed it. A worker running
//! an isolated region (or a job with a tag) has that tag as its current isolation; when
//! it waits in `join` or at the end of a scope it only pops jobs with its tag from its
//! own deque (they are on top: deque order is push order) and steals nothing. Thieves
//! that run tagged jobs inherit the tag, so their waits are isolated too. Outside a
//! worker, the tag is kept in a thread-local and given to the jobs the thread injects.
//!
//! This is the way out of the re-entrant deadlock of rayon issues 592/1174: a job that
//! holds a lock and waits inside `isolate` never picks up an unrelated job that wants
//! the same lock.

use std::cell::Cell;

use super::registry::WorkerThread;
use crate::sync::unmodelled::{AtomicU64, Ordering};

static NEXT_TAG: AtomicU64 = AtomicU64::new(1);

#[cfg(not(loom))]
std::thread_local! {
    static EXTERNAL: Cell<usize> = const { Cell::new(0) };
}
#[cfg(loom)]
loom::thread_local! {
    static EXTERNAL: Cell<usize> = Cell::new(0);
}

/// The tag for jobs injected by a thread that is not a worker.
pub(crate) fn external_tag() -> usize {
    EXTERNAL.with(Cell::get)
}

/// Runs `f` isolated: while work forked inside `f` waits (in `join`, at the end of a
/// `scope`), this thread runs only other work forked inside `f`, never unrelated jobs.
///
/// Use it when a job holds a lock (or is otherwise not re-entrant) across a `join` or
/// `scope`: without isolation the waiting worker may steal an unrelated job that blocks
/// on the same lock, and deadlock (rayon issues 592, 1174).
///
/// # Example
///
/// ```
/// use cancelpool::sync::Mutex;
///
/// let pool = cancelpool::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
/// let shared = Mutex::new(Vec::new());
/// pool.install(|| {
///     cancelpool::scope(|s| {
///         for i in 0..4 {
///             let shared = &shared;
///             s.spawn(move |_| {
///                 let mut guard = shared.lock();
///                 // While this join waits, the worker will not run the other scope
///                 // jobs, which would block on `shared`.
///                 let (a, b) = cancelpool::isolate(|| cancelpool::join(|| i * 2, || i * 2 + 1));
///                 guard.push(a + b);
///             });
///         }
///     });
/// });
/// let mut v = shared.into_inner();
/// v.sort();
/// assert_eq!(v, vec![1, 5, 9, 13]);
/// ```
pub fn isolate<R>(f: impl FnOnce() -> R) -> R {
    // Relaxed: a unique number; nothing is published through it.
    let tag = NEXT_TAG.fetch_add(1, Ordering::Relaxed) as usize;
    WorkerThread::with_current(|worker| {
        let _restore = match worker {
            Some(worker) => Restore::Worker(worker, worker.isolation.replace(tag)),
            None => Restore::External(EXTERNAL.with(|e| e.replace(tag))),
        };
        f()
    })
}

enum Restore<'a> {
    External(usize),
    Worker(&'a WorkerThread, usize),
}

impl Drop for Restore<'_> {
    fn drop(&mut self) {
        match self {
            Restore::External(prev) => EXTERNAL.with(|e| e.set(*prev)),
            Restore::Worker(worker, prev) => worker.isolation.set(*prev),
        }
    }
}

//! The work-stealing pool (P1–P8).
//!
//! | piece | module |
//! |---|---|
//! | settings, errors, spawning workers, signal mask | `builder` |
//! | the shared state, worker loop, admission, statistics | `registry` |
//! | work queues (crossbeam-deque; a model under loom) | `deque` |
//! | idle workers: spin, sleep, wake (no lost wake-up) | `sleep` |
//! | job memory: `JobRef`, `StackJob`, `HeapJob` | `job` |
//! | one-shot signals a worker can sleep on | `latch` |
//! | `join`, `scope`, `spawn`, `submit`, `isolate` | one module each |
//! | what a submitted job returns and its handle reports | `job_error` |
//! | the owning handle, synchronous shutdown | `thread_pool` |
//! | the lazily started global pool | `global` |
//!
//! Lock order: a worker's sleep mutex, then nothing; the node locks of tokens are
//! never held while taking a pool lock, and the pool never holds a lock while it runs
//! a job.

pub(crate) mod builder;
pub(crate) mod deque;
pub(crate) mod global;
pub(crate) mod isolate;
pub(crate) mod job;
pub(crate) mod job_error;
pub(crate) mod join;
pub(crate) mod latch;
pub(crate) mod registry;
pub(crate) mod scope;
pub(crate) mod sleep;
pub(crate) mod spawn;
pub(crate) mod stats;
pub(crate) mod submit;
pub(crate) mod thread_pool;

pub use builder::{BuildError, MAX_THREADS, ThreadPoolBuilder};
pub use global::shutdown_global;
pub use isolate::isolate;
pub use job_error::{JobError, JobFailure, JobResult, PanicPayload};
pub use join::{FnContext, join, join_context};
pub use scope::{Scope, scope};
pub use spawn::spawn;
pub use stats::PoolStats;
pub use submit::{JobHandle, submit};
pub use thread_pool::{ShutdownError, ThreadPool};

/// The number of workers of the current pool (the global one outside any pool).
///
/// # Example
///
/// ```
/// let pool = cancelpool::ThreadPoolBuilder::new().num_threads(3).build().unwrap();
/// assert_eq!(pool.install(cancelpool::current_num_threads), 3);
/// ```
pub fn current_num_threads() -> usize {
    // Without cloning the registry's `Arc`: the bridges of parallel iterators ask once per
    // call, and a clone is two contended read-modify-writes.
    registry::WorkerThread::with_current(|worker| worker.map(|w| w.registry.num_threads()))
        .unwrap_or_else(|| global::current_registry().num_threads())
}

/// The index of the calling worker in its pool, or `None` outside any pool.
///
/// # Example
///
/// ```
/// assert_eq!(cancelpool::current_thread_index(), None);
/// let pool = cancelpool::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
/// assert!(pool.install(cancelpool::current_thread_index).unwrap() < 2);
/// ```
pub fn current_thread_index() -> Option<usize> {
    registry::WorkerThread::with_current(|worker| worker.map(|worker| worker.index))
}

//! Pool statistics (P7): cheap counters for users, and for tests that prove nothing was
//! lost. See registry invariant 5 for how they are written and read.

use crate::sync::atomic::{AtomicUsize, Ordering};

/// A snapshot of a pool's counters, from [`ThreadPool::stats`](crate::ThreadPool::stats).
///
/// For detached jobs (`spawn`, `submit`) the accounting identity holds at every moment:
/// `submitted == finished + cancelled_before_start + rejected + in_flight`.
///
/// # Example
///
/// ```
/// let pool = cancelpool::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
/// let handle = pool.submit(|_token| Ok(21 * 2));
/// assert_eq!(handle.join().unwrap(), 42);
/// let s = pool.stats();
/// assert_eq!(s.submitted, 1);
/// assert_eq!(s.submitted, s.finished + s.cancelled_before_start + s.rejected + s.in_flight);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PoolStats {
    /// Jobs run by workers from a queue (stolen or popped halves, scope jobs, detached
    /// jobs); a `join` half its owner took back and ran inline is not counted.
    pub executed: usize,
    /// Jobs a worker took from another worker's deque.
    pub stolen: usize,
    /// Detached jobs that ended by cancellation: discarded before they started, or
    /// returned `Err(Cancelled)`.
    pub cancelled: usize,
    /// Jobs whose closure panicked (also counted in `finished` if detached).
    pub panicked: usize,
    /// Detached jobs accepted or rejected (every `spawn`/`submit` call).
    pub submitted: usize,
    /// Detached jobs whose closure ran and returned (or panicked).
    pub finished: usize,
    /// Detached jobs discarded because they were cancelled before they started.
    pub cancelled_before_start: usize,
    /// Detached jobs refused because the pool was shut down.
    pub rejected: usize,
    /// Detached jobs queued or running: the rest of the identity.
    pub in_flight: usize,
    /// Jobs in the queues now (approximate while the pool runs).
    pub queued: usize,
    /// Workers parked (asleep) now.
    pub parked: usize,
    /// Worker threads of the pool.
    pub workers: usize,
}

/// The counters one worker writes (owner-only, registry invariant 5).
#[derive(Default)]
pub(crate) struct WorkerCounters {
    pub(crate) executed: AtomicUsize,
    pub(crate) stolen: AtomicUsize,
    pub(crate) panicked: AtomicUsize,
    pub(crate) finished: AtomicUsize,
    pub(crate) cancelled_before_start: AtomicUsize,
    pub(crate) cancelled_running: AtomicUsize,
}

impl WorkerCounters {
    pub(crate) fn add_to(&self, stats: &mut PoolStats) {
        // Acquire: pairs with the owner's Release store (registry invariant 5).
        let load = |c: &AtomicUsize| c.load(Ordering::Acquire);
        stats.executed += load(&self.executed);
        stats.stolen += load(&self.stolen);
        stats.panicked += load(&self.panicked);
        stats.finished += load(&self.finished);
        let before = load(&self.cancelled_before_start);
        stats.cancelled_before_start += before;
        stats.cancelled += before + load(&self.cancelled_running);
    }
}

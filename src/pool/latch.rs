//! Latches: one-shot "this happened" signals that a waiting worker can sleep on.
//!
//! # States of a [`CoreLatch`] (`state: AtomicUsize`)
//!
//! | value | name | meaning |
//! |---|---|---|
//! | 0 | `UNSET` | not set; the owner is awake |
//! | 1 | `SLEEPY` | not set; the owner is about to sleep (it will re-check first) |
//! | 2 | `SLEEPING` | not set; the owner is asleep, the setter must wake it |
//! | 3 | `SET` | set (final) |
//!
//! Owner: `UNSET → SLEEPY` (`get_sleepy`), `SLEEPY → SLEEPING` (`fall_asleep`, under its
//! sleep mutex), `SLEEPING → UNSET` (`wake_up`). Setter: `swap(SET)`; if the old value
//! was `SLEEPING`, it wakes the owner through the sleep module, which takes the owner's
//! sleep mutex — held by the owner from `fall_asleep` until it blocks — so the wake-up
//! cannot slip between the owner's check and its wait (loom L8).
//!
//! After `set` a latch's memory may be freed by its owner at once: setters copy what
//! they need (registry, worker index) before the swap (job invariant 2).

use crate::sync::atomic::{AtomicUsize, Ordering};
use crate::sync::{Condvar, Mutex};

use super::registry::Registry;

const UNSET: usize = 0;
const SLEEPY: usize = 1;
const SLEEPING: usize = 2;
const SET: usize = 3;

/// Something that can be set once.
pub(crate) trait Latch {
    /// # Safety
    ///
    /// `this` may be freed by its owner as soon as the state becomes `SET`; the
    /// implementation must not touch it afterwards.
    unsafe fn set(this: *const Self);
}

/// The state word shared by the spinning latches.
#[derive(Debug)]
pub(crate) struct CoreLatch {
    state: AtomicUsize,
}

impl CoreLatch {
    pub(crate) fn new() -> Self {
        CoreLatch {
            state: AtomicUsize::new(UNSET),
        }
    }

    /// Owner: announce that it may sleep. False if the latch is already set.
    pub(crate) fn get_sleepy(&self) -> bool {
        // SeqCst: this transition is part of the sleep protocol's total order with the
        // setter's swap (see sleep.rs, step 3).
        self.state
            .compare_exchange(UNSET, SLEEPY, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
    }

    /// Owner, holding its sleep mutex: commit to sleeping. False if set meanwhile.
    pub(crate) fn fall_asleep(&self) -> bool {
        // SeqCst: as in `get_sleepy`.
        self.state
            .compare_exchange(SLEEPY, SLEEPING, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
    }

    /// Owner, after waking: back to `UNSET` unless set.
    pub(crate) fn wake_up(&self) {
        if !self.probe() {
            // SeqCst: as in `get_sleepy`; failure means the latch was set: keep `SET`.
            let _ =
                self.state
                    .compare_exchange(SLEEPING, UNSET, Ordering::SeqCst, Ordering::SeqCst);
            let _ = self
                .state
                .compare_exchange(SLEEPY, UNSET, Ordering::SeqCst, Ordering::SeqCst);
        }
    }

    /// Setter: true if the owner was asleep and must be woken.
    ///
    /// # Safety
    ///
    /// See [`Latch::set`]: `this` may be freed once this returns.
    pub(crate) unsafe fn set_raw(this: *const Self) -> bool {
        // AcqRel: Release publishes the job's writes (its result) to the owner, whose
        // `probe` reads `SET` with Acquire; Acquire pairs with the owner's `fall_asleep`,
        // whose `SLEEPING` tells us to wake it. One RMW: the owner's `SLEEPY -> SLEEPING`
        // cannot slip between our read of the old state and our write of `SET`.
        // SAFETY: `this` is live until the swap publishes `SET`.
        unsafe { (*this).state.swap(SET, Ordering::AcqRel) == SLEEPING }
    }

    /// True once set. Acquire: the owner then sees what the setter wrote (the result).
    #[inline]
    pub(crate) fn probe(&self) -> bool {
        self.state.load(Ordering::Acquire) == SET
    }
}

/// What a waiting worker can wait on: a latch with a [`CoreLatch`] inside.
pub(crate) trait AsCoreLatch {
    fn as_core_latch(&self) -> &CoreLatch;
}

impl AsCoreLatch for CoreLatch {
    fn as_core_latch(&self) -> &CoreLatch {
        self
    }
}

/// A latch a worker waits on while running other jobs; the setter wakes that worker.
pub(crate) struct SpinLatch<'r> {
    core: CoreLatch,
    registry: &'r Registry,
    target: usize,
}

impl<'r> SpinLatch<'r> {
    pub(crate) fn new(registry: &'r Registry, target: usize) -> Self {
        SpinLatch {
            core: CoreLatch::new(),
            registry,
            target,
        }
    }

    #[inline]
    pub(crate) fn probe(&self) -> bool {
        self.core.probe()
    }
}

impl AsCoreLatch for SpinLatch<'_> {
    fn as_core_latch(&self) -> &CoreLatch {
        &self.core
    }
}

impl Latch for SpinLatch<'_> {
    unsafe fn set(this: *const Self) {
        // SAFETY: read before the swap, while `this` is live (job invariant 2). The
        // registry outlives the latch: the setter is one of its workers.
        let (registry, target) = unsafe { ((*this).registry as *const Registry, (*this).target) };
        // SAFETY: forwarded contract.
        if unsafe { CoreLatch::set_raw(&(*this).core) } {
            // SAFETY: the registry is kept alive by the setting worker's `Arc`.
            unsafe { (*registry).sleep.wake_specific(target) };
        }
    }
}

impl Latch for CoreLatch {
    unsafe fn set(this: *const Self) {
        // SAFETY: forwarded contract; nobody sleeps on a bare CoreLatch without a waker.
        let _ = unsafe { CoreLatch::set_raw(this) };
    }
}

/// A latch for threads outside the pool: they block on a condvar.
pub(crate) struct LockLatch {
    set: Mutex<bool>,
    cond: Condvar,
}

impl LockLatch {
    pub(crate) fn new() -> Self {
        LockLatch {
            set: Mutex::new(false),
            cond: Condvar::new(),
        }
    }

    /// Blocks until set.
    pub(crate) fn wait(&self) {
        let mut set = self.set.lock();
        while !*set {
            self.cond.wait(&mut set);
        }
    }

    /// Blocks until set or `deadline`; true if set.
    #[cfg(not(loom))]
    pub(crate) fn wait_until(&self, deadline: std::time::Instant) -> bool {
        let mut set = self.set.lock();
        while !*set {
            if self.cond.wait_until(&mut set, deadline).timed_out() {
                return *set;
            }
        }
        true
    }
}

impl Latch for LockLatch {
    unsafe fn set(this: *const Self) {
        // SAFETY: the waiter cannot return (and free the latch) before it acquires the
        // mutex, which we hold until after the notification.
        let this = unsafe { &*this };
        let mut set = this.set.lock();
        *set = true;
        this.cond.notify_all();
    }
}

impl<L: Latch> Latch for &L {
    unsafe fn set(this: *const Self) {
        // SAFETY: forwarded contract; `*this` is a live reference to the real latch.
        unsafe { L::set(*this) }
    }
}

/// Counts outstanding jobs of a scope; set when the count reaches zero, waking the
/// scope's owner worker if it sleeps.
pub(crate) struct CountLatch {
    /// Starts at 1 (the scope body itself).
    counter: AtomicUsize,
    core: CoreLatch,
    /// The owner's registry; kept alive by the owner worker, which waits for this latch.
    registry: *const Registry,
    owner: usize,
}

impl CountLatch {
    pub(crate) fn new(registry: &Registry, owner: usize) -> Self {
        CountLatch {
            counter: AtomicUsize::new(1),
            core: CoreLatch::new(),
            registry,
            owner,
        }
    }

    pub(crate) fn increment(&self) {
        // Relaxed: the caller holds a count (the latch cannot reach zero meanwhile), so
        // this only has to be atomic; the decrement that reaches zero is AcqRel.
        self.counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Decrements; sets the latch at zero.
    ///
    /// # Safety
    ///
    /// As [`Latch::set`] once the count reaches zero.
    pub(crate) unsafe fn decrement(this: *const Self) {
        // SAFETY: we hold a count, so the latch is live.
        // AcqRel: the last decrement sees every job's writes, and publishes them to the
        // owner through the latch.
        if unsafe { (*this).counter.fetch_sub(1, Ordering::AcqRel) } != 1 {
            return;
        }
        // SAFETY: read before the swap, while `this` is live (job invariant 2).
        let (registry, owner) = unsafe { ((*this).registry, (*this).owner) };
        // SAFETY: forwarded contract.
        if unsafe { CoreLatch::set_raw(&(*this).core) } {
            // SAFETY: the owner worker (blocked on this latch) keeps its registry alive.
            unsafe { (*registry).sleep.wake_specific(owner) };
        }
    }
}

impl AsCoreLatch for CountLatch {
    fn as_core_latch(&self) -> &CoreLatch {
        &self.core
    }
}

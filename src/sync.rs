//! The synchronization facade: the one place that names std atomics, parking_lot and loom.
//!
//! Normally this module re-exports [`parking_lot`]'s `Mutex`, `MutexGuard` and `Condvar`
//! for users (the types [`CancelToken::wait_while`](crate::CancelToken::wait_while) takes)
//! and std's atomics for the crate. Built with `RUSTFLAGS="--cfg loom"`, the same names
//! resolve to thin wrappers over [loom](https://docs.rs/loom)'s primitives that keep
//! parking_lot's shapes (`lock()` returns the guard, `Condvar::wait` takes `&mut guard`),
//! so a user's own loom model of code built on cancelpool explores our interleavings as
//! well as theirs (contract C9).
//!
//! Nothing else in the crate imports `std::sync::atomic`, `parking_lot` or `loom`.
//!
//! # Example
//!
//! ```
//! use cancelpool::sync::{Condvar, Mutex};
//! use cancelpool::CancelSource;
//! use std::sync::Arc;
//!
//! let pair = Arc::new((Mutex::new(false), Condvar::new()));
//! let source = CancelSource::new();
//! let token = source.token();
//! let waiter = {
//!     let pair = Arc::clone(&pair);
//!     std::thread::spawn(move || {
//!         let (lock, cvar) = &*pair;
//!         let mut ready = lock.lock();
//!         // Waits until `ready` is set or the token is cancelled.
//!         token.wait_while(cvar, &mut ready, |ready| !*ready)
//!     })
//! };
//! source.cancel();
//! assert!(waiter.join().unwrap().is_err());
//! ```

#[cfg(not(loom))]
pub use parking_lot::{Condvar, Mutex, MutexGuard, WaitTimeoutResult};

#[cfg(loom)]
pub use self::loom_shim::{Condvar, Mutex, MutexGuard, WaitTimeoutResult};

#[cfg(not(loom))]
pub(crate) mod atomic {
    pub(crate) use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering, fence};
}
#[cfg(loom)]
pub(crate) mod atomic {
    // The signal handler's table (`signal/table.rs`), modelled under loom.
    pub(crate) use loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering, fence};
    #[cfg(all(feature = "signal", unix))]
    pub(crate) use loom::sync::atomic::{AtomicI32, AtomicU64};
}

#[cfg(loom)]
pub(crate) use loom::sync::Arc;
/// Atomics for process-wide statics that loom must not model (unique ids, the global
/// pool's generation, the signal handler's table): loom's atomics cannot live in statics
/// across executions.
pub(crate) mod unmodelled {
    #[cfg(all(feature = "signal", unix, not(loom)))]
    pub(crate) use std::sync::atomic::{AtomicBool, AtomicI32, AtomicUsize};
    pub(crate) use std::sync::atomic::{AtomicU64, Ordering};
}

#[cfg(not(loom))]
pub(crate) use std::sync::Arc;

#[cfg(loom)]
pub(crate) use loom::thread;
#[cfg(not(loom))]
pub(crate) use std::thread;

/// A spin-loop hint that loom understands as "let another thread run".
#[inline]
pub(crate) fn spin_hint() {
    #[cfg(not(loom))]
    std::hint::spin_loop();
    #[cfg(loom)]
    loom::thread::yield_now();
}

#[cfg(loom)]
mod loom_shim {
    //! parking_lot-shaped wrappers over loom's `Mutex` and `Condvar`.
    //!
    //! loom's types follow std (poisoning, guards passed by value); these wrappers give
    //! them parking_lot's surface so that the crate and its users compile unchanged.
    //! Poisoning is ignored, as parking_lot has none.
    use std::fmt;
    use std::ops::{Deref, DerefMut};
    use std::time::{Duration, Instant};

    /// A loom-instrumented mutex with parking_lot's API.
    pub struct Mutex<T: ?Sized> {
        /// Gives `try_lock` a scheduling point of its own (see there).
        probe: loom::sync::atomic::AtomicBool,
        inner: loom::sync::Mutex<T>,
    }

    /// The guard of a loom-instrumented [`Mutex`].
    pub struct MutexGuard<'a, T: ?Sized> {
        // `None` only transiently, while `Condvar::wait` holds the loom guard.
        guard: Option<loom::sync::MutexGuard<'a, T>>,
        mutex: &'a Mutex<T>,
    }

    impl<T> Mutex<T> {
        /// Creates a mutex holding `value`.
        pub fn new(value: T) -> Self {
            Mutex {
                probe: loom::sync::atomic::AtomicBool::new(false),
                inner: loom::sync::Mutex::new(value),
            }
        }
        /// Consumes the mutex and returns its value.
        pub fn into_inner(self) -> T {
            self.inner.into_inner().unwrap_or_else(|e| e.into_inner())
        }
    }

    impl<T: ?Sized> Mutex<T> {
        /// Locks the mutex, blocking (in the model) until it is free.
        pub fn lock(&self) -> MutexGuard<'_, T> {
            let guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
            MutexGuard {
                guard: Some(guard),
                mutex: self,
            }
        }
        /// Locks the mutex if it is free; never blocks.
        ///
        /// loom 0.7 may block a thread that is preempted at the start of `try_lock` if
        /// another thread then locks the mutex (loom issue 376), reporting deadlocks no
        /// real execution has. So the attempt runs with exploration paused, making it one
        /// atomic step, and a load of a private atomic just before it keeps a scheduling
        /// point there, so other threads may still run right before the attempt. (This
        /// needs loom's default exploring mode: `Builder::expect_explicit_explore` false.)
        pub fn try_lock(&self) -> Option<MutexGuard<'_, T>> {
            // Relaxed: only a scheduling point; the value is never used, and a stronger
            // ordering would add synchronisation that could hide a race in the model.
            let _ = self.probe.load(loom::sync::atomic::Ordering::Relaxed);
            loom::stop_exploring();
            let attempt = self.inner.try_lock();
            loom::explore();
            match attempt {
                Ok(guard) => Some(MutexGuard {
                    guard: Some(guard),
                    mutex: self,
                }),
                Err(std::sync::TryLockError::Poisoned(e)) => Some(MutexGuard {
                    guard: Some(e.into_inner()),
                    mutex: self,
                }),
                Err(std::sync::TryLockError::WouldBlock) => None,
            }
        }
        /// Returns a mutable reference to the value.
        pub fn get_mut(&mut self) -> &mut T {
            match self.inner.get_mut() {
                Ok(v) => v,
                Err(e) => e.into_inner(),
            }
        }
    }

    impl<T: Default> Default for Mutex<T> {
        fn default() -> Self {
            Mutex::new(T::default())
        }
    }

    impl<T: ?Sized> fmt::Debug for Mutex<T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("Mutex { .. }")
        }
    }

    impl<'a, T: ?Sized> MutexGuard<'a, T> {
        /// The mutex this guard locks (parking_lot's `MutexGuard::mutex`).
        pub fn mutex(this: &Self) -> &'a Mutex<T> {
            this.mutex
        }
    }

    impl<T: ?Sized> Deref for MutexGuard<'_, T> {
        type Target = T;
        fn deref(&self) -> &T {
            self.guard
                .as_deref()
                .expect("guard is present outside Condvar::wait")
        }
    }
    impl<T: ?Sized> DerefMut for MutexGuard<'_, T> {
        fn deref_mut(&mut self) -> &mut T {
            self.guard
                .as_deref_mut()
                .expect("guard is present outside Condvar::wait")
        }
    }
    impl<T: ?Sized> fmt::Debug for MutexGuard<'_, T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("MutexGuard { .. }")
        }
    }

    /// Whether a timed wait ended by timing out (never, under loom: it has no time).
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct WaitTimeoutResult(bool);
    impl WaitTimeoutResult {
        /// True if the wait timed out.
        pub fn timed_out(&self) -> bool {
            self.0
        }
    }

    /// A loom-instrumented condition variable with parking_lot's API.
    #[derive(Debug, Default)]
    pub struct Condvar {
        inner: loom::sync::Condvar,
    }

    impl Condvar {
        /// Creates a condition variable.
        pub fn new() -> Self {
            Condvar {
                inner: loom::sync::Condvar::new(),
            }
        }
        /// Blocks until notified, releasing the guard's mutex meanwhile.
        pub fn wait<T>(&self, guard: &mut MutexGuard<'_, T>) {
            let g = guard.guard.take().expect("guard is present");
            let g = self.inner.wait(g).unwrap_or_else(|e| e.into_inner());
            guard.guard = Some(g);
        }
        /// loom has no time: a timed wait is an untimed wait that reports no time-out.
        pub fn wait_until<T>(
            &self,
            guard: &mut MutexGuard<'_, T>,
            _deadline: Instant,
        ) -> WaitTimeoutResult {
            self.wait(guard);
            WaitTimeoutResult(false)
        }
        /// loom has no time: a timed wait is an untimed wait that reports no time-out.
        pub fn wait_for<T>(
            &self,
            guard: &mut MutexGuard<'_, T>,
            _timeout: Duration,
        ) -> WaitTimeoutResult {
            self.wait(guard);
            WaitTimeoutResult(false)
        }
        /// Blocks while `condition` returns true.
        pub fn wait_while<T, F: FnMut(&mut T) -> bool>(
            &self,
            guard: &mut MutexGuard<'_, T>,
            mut condition: F,
        ) {
            while condition(&mut *guard) {
                self.wait(guard);
            }
        }
        /// Wakes one waiter.
        pub fn notify_one(&self) -> bool {
            self.inner.notify_one();
            true
        }
        /// Wakes every waiter.
        pub fn notify_all(&self) -> usize {
            self.inner.notify_all();
            0
        }
    }
}

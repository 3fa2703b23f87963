//! Cancellable waits (C8): `sleep`, `wait_cancelled`, `wait_while`.
//!
//! # Protocols
//!
//! **Token waits** (`sleep`, `wait_cancelled`) block on the node's own condvar. The
//! waiter checks the flag while holding the node's lock; `cancel()` stores the flag and
//! then notifies under that lock (node invariant 4). No lost wake-up.
//!
//! **Condvar waits** (`wait_while`) block on the *user's* condvar, which `cancel()` must
//! notify. The waiter holds the user's mutex `M` from its flag check until the condvar
//! wait has queued it and released `M`. So a notification is only certain to reach it
//! if the notifier held `M` at some moment after the flag store:
//!
//! 1. The waiter registers an `on_cancel` callback (once per wait) before its first
//!    check, then loops: check cancel → check predicate → `cv.wait(M)`.
//! 2. The callback ("poke") `try_lock`s `M`. If it gets `M`, the waiter is not in its
//!    window: it is parked (the `notify_all` that follows wakes it) or has not yet
//!    checked (it will see the flag). Done.
//! 3. If `M` is busy, the holder is the waiter in its window, or another thread —
//!    possibly the cancelling thread itself, which may hold `M` while it calls
//!    `cancel()`. Blocking on `M` could deadlock, so the poke never blocks: it retries a
//!    few times, then hands the [`Retry`] to the shared timer thread (`defer_retry`),
//!    which retries with backoff until the poke succeeds or the waiter leaves.
//! 4. The waiter, leaving, first *disarms* the retry (under the retry's own small lock,
//!    which is never held while blocking). After that no thread touches `M` or the
//!    condvar on its behalf, so the borrowed references the poke uses stay valid; the
//!    callback itself owns all it touches, so the waiter unregisters it without waiting
//!    for a poke that is still returning.
//!
//! A successful poke notifies while it holds `M` (the parked waiter is requeued onto
//! `M`), then disarms the retry and releases the retry lock, and unlocks `M` last: the
//! waiter wakes once, when `M` is free, and finds nothing else to wait for.
//!
//! Under loom there is no timer thread: the retry runs on a model thread of its own.

use std::time::{Duration, Instant};

use super::Cancelled;
use super::node::NodeRef;
use super::state;
use super::token::CancelToken;
use crate::sync::{Condvar, Mutex, MutexGuard};

/// How many times the cancelling thread retries `try_lock` before deferring (step 3).
#[cfg(not(loom))]
const INLINE_POKES: usize = 64;
/// Shrunk under loom: one inline poke, then the deferred path, so that the models reach
/// step 3's hand-off; more inline pokes only multiply the interleavings.
#[cfg(loom)]
const INLINE_POKES: usize = 1;
/// The first deferred retry (step 3) waits this long; each next one doubles, up to
/// `MAX_BACKOFF`.
#[cfg(not(loom))]
const FIRST_BACKOFF: Duration = Duration::from_micros(20);
#[cfg(not(loom))]
const MAX_BACKOFF: Duration = Duration::from_millis(5);
/// Pokes tried on the cancelling thread when the timer thread cannot be started.
#[cfg(not(loom))]
const FALLBACK_POKES: usize = 100_000;

/// A borrowed "try to wake the waiter" action (see the module docs, step 2).
type Poke = &'static dyn Wake;

/// A poke shared between the waiter, the cancelling thread and the retrying thread.
struct Retry {
    /// `None` once the poke succeeded or the waiter left (step 4).
    poke: Mutex<Option<Poke>>,
}

impl Retry {
    /// Runs the poke unless disarmed; true when nothing more is needed.
    fn poke_once(&self) -> bool {
        let slot = self.poke.lock();
        let Some(poke) = *slot else { return true };
        // Step 2b: on success the poke notifies while holding the waiter's mutex, then
        // calls `release` (disarm + unlock this slot), and unlocks the waiter's mutex
        // last. The waiter, requeued onto its mutex, wakes once — when we unlock it — and
        // then finds the slot free: no second wake-up on the slot lock.
        let mut slot = Some(slot);
        poke.wake(&mut || {
            if let Some(mut slot) = slot.take() {
                *slot = None;
            }
        })
    }

    fn disarm(&self) {
        *self.poke.lock() = None;
    }
}

impl CancelToken {
    /// Sleeps for `dur`, or until cancelled: a cancellation point (C8).
    ///
    /// Returns `Err(Cancelled)` promptly when a request arrives (or is already pending)
    /// and cancellation is enabled; `Ok(())` when the time is up. With cancellation
    /// disabled it sleeps the whole `dur`.
    ///
    /// # Example
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    ///
    /// let source = cancelpool::CancelSource::new();
    /// let token = source.token();
    /// assert!(token.sleep(Duration::from_millis(1)).is_ok());
    /// let t = std::thread::spawn(move || token.sleep(Duration::from_secs(60)));
    /// let start = Instant::now();
    /// source.cancel();
    /// assert!(t.join().unwrap().is_err());
    /// assert!(start.elapsed() < Duration::from_secs(30));
    /// ```
    pub fn sleep(&self, dur: Duration) -> Result<(), Cancelled> {
        self.wait_cancelled(dur)
    }

    /// Waits until the token is cancelled (`Err(Cancelled)`) or `timeout` passes
    /// (`Ok(())`); `None` waits without limit. Takes a `Duration` or an
    /// `Option<Duration>`.
    ///
    /// Like every cancellable wait it honours the disable state: while cancellation is
    /// disabled for the current job, a request does not end the wait (it stays pending).
    ///
    /// # Example
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let source = cancelpool::CancelSource::new();
    /// let token = source.token();
    /// assert_eq!(token.wait_cancelled(Duration::from_millis(1)), Ok(()));
    /// source.cancel();
    /// assert!(token.wait_cancelled(None).is_err());
    /// ```
    pub fn wait_cancelled(&self, timeout: impl Into<Option<Duration>>) -> Result<(), Cancelled> {
        let deadline = deadline_after(timeout.into());
        match &self.node {
            Some(node) if state::cancel_enabled() => {
                if wait_node(node, deadline) {
                    Err(Cancelled)
                } else {
                    Ok(())
                }
            }
            _ => {
                sleep_until(deadline);
                Ok(())
            }
        }
    }

    /// Blocks on `condvar` while `condition` returns true, or until cancelled (C8).
    ///
    /// The cancellable form of parking_lot's `Condvar::wait_while`: `guard` is the
    /// locked mutex the condition reads. Returns `Ok(())` with the guard locked once the
    /// condition is false, or `Err(Cancelled)` — also with the guard locked — when a
    /// request is pending and cancellation is enabled (checked before the condition,
    /// since this is a cancellation point). A cancel that happens before or races with
    /// entering the wait is never missed, and `cancel()` may be called by a thread that
    /// holds the same mutex: the wake-up is then delivered once it unlocks.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::sync::{Condvar, Mutex};
    /// use std::sync::Arc;
    ///
    /// let queue = Arc::new((Mutex::new(Vec::<u32>::new()), Condvar::new()));
    /// let source = cancelpool::CancelSource::new();
    /// let token = source.token();
    /// let q = Arc::clone(&queue);
    /// let consumer = std::thread::spawn(move || {
    ///     let (lock, cv) = &*q;
    ///     let mut items = lock.lock();
    ///     token.wait_while(cv, &mut items, |items| items.is_empty())?;
    ///     Ok::<_, cancelpool::Cancelled>(items.pop())
    /// });
    /// {
    ///     let (lock, _) = &*queue;
    ///     let _held = lock.lock();
    ///     source.cancel(); // while holding the mutex: no deadlock
    /// }
    /// assert!(consumer.join().unwrap().is_err());
    /// ```
    pub fn wait_while<T, F>(
        &self,
        condvar: &Condvar,
        guard: &mut MutexGuard<'_, T>,
        mut condition: F,
    ) -> Result<(), Cancelled>
    where
        F: FnMut(&mut T) -> bool,
    {
        let node = match &self.node {
            Some(node) if state::cancel_enabled() => node,
            _ => {
                condvar.wait_while(guard, condition);
                return Ok(());
            }
        };
        if node.is_cancelled() {
            return Err(Cancelled);
        }
        if !condition(&mut **guard) {
            return Ok(());
        }
        let target = WakeTarget {
            mutex: MutexGuard::mutex(guard),
            condvar,
        };
        let poke_ref: &dyn Wake = &target;
        // SAFETY: the reference is used only through `retry`, which is disarmed and whose
        // callback is unregistered (waiting for a running poke) before this function
        // returns or unwinds (`Leave` below), so it never outlives `target` (step 4).
        let poke_static: Poke = unsafe { std::mem::transmute::<&dyn Wake, Poke>(poke_ref) };
        let retry = crate::sync::Arc::new(Retry {
            poke: Mutex::new(Some(poke_static)),
        });
        let callback = {
            let retry = crate::sync::Arc::clone(&retry);
            self.on_cancel(move || poke_or_defer(retry))
        };
        let _leave = Leave {
            retry: &retry,
            callback: Some(callback),
        };
        loop {
            if node.is_cancelled() {
                return Err(Cancelled);
            }
            if !condition(&mut **guard) {
                return Ok(());
            }
            condvar.wait(guard);
        }
    }
}

/// Step 4, also on unwind: disarm the retry, then unregister the callback.
struct Leave<'a> {
    retry: &'a crate::sync::Arc<Retry>,
    callback: Option<super::token::CancelCallback>,
}

impl Drop for Leave<'_> {
    fn drop(&mut self) {
        self.retry.disarm();
        // Disarmed, the callback touches nothing borrowed (it owns its `Arc<Retry>`),
        // so there is no need to wait for a poke that is still returning.
        if let Some(callback) = self.callback.take() {
            callback.unregister_without_waiting();
        }
    }
}

/// What a poke needs: the waiter's mutex and condvar.
trait Wake: Sync {
    /// Step 2: true if the waiter is now certain to see the request; then `release`
    /// has been called while the waiter's mutex was still held.
    fn wake(&self, release: &mut dyn FnMut()) -> bool;
}

struct WakeTarget<'a, T: ?Sized> {
    mutex: &'a Mutex<T>,
    condvar: &'a Condvar,
}

// SAFETY: a poke only `try_lock`s and unlocks the user's mutex, never touching the data
// it protects, and notifies the condvar; both are sound from any thread whatever `T`.
unsafe impl<T: ?Sized> Sync for WakeTarget<'_, T> {}

impl<T: ?Sized> Wake for WakeTarget<'_, T> {
    fn wake(&self, release: &mut dyn FnMut()) -> bool {
        try_wake(self.mutex, self.condvar, release)
    }
}

/// Step 2: true if the waiter is now certain to see the request.
///
/// If `try_lock` succeeds the waiter is parked in `cv.wait` (it cannot be inside
/// `wait_while` without holding the mutex otherwise), so it cannot leave — nor free the
/// mutex — before we unlock it, which is the last thing done here.
fn try_wake<T: ?Sized>(mutex: &Mutex<T>, condvar: &Condvar, release: &mut dyn FnMut()) -> bool {
    match mutex.try_lock() {
        Some(held) => {
            condvar.notify_all();
            release();
            drop(held);
            true
        }
        None => {
            // Wakes a waiter that is parked while someone else holds `M`; harmless
            // otherwise.
            condvar.notify_all();
            false
        }
    }
}

/// The `on_cancel` body of a condvar wait: poke inline a few times, then defer (step 3).
fn poke_or_defer(retry: crate::sync::Arc<Retry>) {
    for _ in 0..INLINE_POKES {
        if retry.poke_once() {
            return;
        }
        crate::sync::thread::yield_now();
    }
    defer_retry(retry);
}

/// Step 3's hand-off: the timer thread retries the poke with backoff until it succeeds
/// or the waiter leaves. The timer never blocks on the user's mutex: a poke only
/// `try_lock`s (timer invariant 3).
#[cfg(not(loom))]
fn defer_retry(retry: crate::sync::Arc<Retry>) {
    if retry_after(crate::sync::Arc::clone(&retry), FIRST_BACKOFF).is_err() {
        // No timer thread could be started (EAGAIN). Keep poking here for a while: the
        // common holder is the waiter in its short check-to-park window. If the caller
        // itself holds the mutex this cannot succeed, so the loop is bounded; the
        // notifications already sent wake a waiter that is parked.
        for _ in 0..FALLBACK_POKES {
            if retry.poke_once() {
                return;
            }
            std::thread::yield_now();
        }
    }
}

/// Has the timer retry the poke after `backoff`; a retry that fails schedules the next,
/// twice as late (up to `MAX_BACKOFF`).
#[cfg(not(loom))]
fn retry_after(retry: crate::sync::Arc<Retry>, backoff: Duration) -> std::io::Result<()> {
    let task = move |_: super::timer::TimerKey| {
        if !retry.poke_once() {
            // We are on the timer thread, which is running: this cannot fail.
            let _ = retry_after(retry, (backoff * 2).min(MAX_BACKOFF));
        }
    };
    super::timer::schedule(Instant::now() + backoff, Box::new(task)).map(drop)
}

/// Under loom there is no timer thread (loom has no time): the retry runs on a model
/// thread of its own, yielding until the poke succeeds or the waiter leaves.
#[cfg(loom)]
fn defer_retry(retry: crate::sync::Arc<Retry>) {
    loom::thread::spawn(move || {
        while !retry.poke_once() {
            loom::thread::yield_now();
        }
    });
}

fn deadline_after(timeout: Option<Duration>) -> Option<Instant> {
    timeout.and_then(|t| Instant::now().checked_add(t))
}

/// Blocks until the node is cancelled (true) or `deadline` passes (false).
pub(crate) fn wait_node(node: &NodeRef, deadline: Option<Instant>) -> bool {
    let mut inner = node.lock();
    loop {
        // Node invariant 4: the flag is checked under the lock the notifier takes.
        if node.is_cancelled() {
            return true;
        }
        match deadline {
            None => node.cond().wait(&mut inner),
            Some(deadline) => {
                if node.cond().wait_until(&mut inner, deadline).timed_out() {
                    return node.is_cancelled();
                }
            }
        }
    }
}

/// An uncancellable sleep (disabled state, or the never-cancelled token).
fn sleep_until(deadline: Option<Instant>) {
    #[cfg(loom)]
    {
        // loom has no time; a wait that cannot be cancelled ends at once in the model.
        let _ = deadline;
        loom::thread::yield_now();
    }
    #[cfg(not(loom))]
    match deadline {
        Some(deadline) => {
            let now = Instant::now();
            if deadline > now {
                std::thread::sleep(deadline - now);
            }
        }
        None => loop {
            std::thread::park();
        },
    }
}

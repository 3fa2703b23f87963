//! Deadlines (C10) and deferred condvar pokes: one shared timer thread.
//!
//! The timer thread (`cancelpool-timer`) is started on first use and sleeps on a
//! condvar until the earliest task is due. A deadline is a task that cancels a node;
//! `checkpoint()` pays nothing for it, since the timer does an ordinary `cancel()`.
//!
//! # Invariants
//!
//! 1. A node's `Inner::deadline` names its one task in `TIMER.tasks`, if any. Setting a
//!    deadline replaces the old task (like .NET's `CancelAfter`); dropping the last
//!    `CancelSource` removes it (no source, no deadline; the node's memory is then freed
//!    as soon as its tokens are gone, not at the deadline).
//! 2. Lock order: `TIMER.state`, then a node's `inner`. The timer thread runs tasks with
//!    no lock held.
//! 3. The timer never blocks on user locks: a deferred poke only `try_lock`s.

#[cfg(not(loom))]
pub(crate) use self::imp::*;

#[cfg(loom)]
pub(crate) use self::loom_imp::*;

#[cfg(loom)]
mod loom_imp {
    //! Under loom there are no deadlines (loom has no time) and a deferred poke runs on
    //! a model thread of its own, spinning with `yield_now` until it succeeds or the
    //! waiter leaves.
    use crate::cancel::node::NodeRef;
    use crate::cancel::wait::Retry;
    use crate::sync::Arc;

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub(crate) struct TimerKey;

    pub(crate) fn clear(_node: &NodeRef) {}

    pub(crate) fn defer_retry(retry: Arc<Retry>) {
        loom::thread::spawn(move || {
            while !retry.poke_once() {
                loom::thread::yield_now();
            }
        });
    }
}

#[cfg(not(loom))]
mod imp {
    use std::collections::BTreeMap;
    use std::io;
    use std::time::{Duration, Instant};

    use once_cell::sync::Lazy;

    use crate::cancel::node::NodeRef;
    use crate::cancel::wait::Retry;
    use crate::sync::{Arc, Condvar, Mutex};

    /// Names a task in the timer (invariant 1).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
    pub(crate) struct TimerKey {
        when: Instant,
        id: u64,
    }

    enum Task {
        Cancel(NodeRef),
        Retry {
            retry: Arc<Retry>,
            backoff: Duration,
        },
    }

    struct State {
        tasks: BTreeMap<TimerKey, Task>,
        next_id: u64,
        running: bool,
    }

    struct Timer {
        state: Mutex<State>,
        cond: Condvar,
    }

    static TIMER: Lazy<Timer> = Lazy::new(|| Timer {
        state: Mutex::new(State {
            tasks: BTreeMap::new(),
            next_id: 0,
            running: false,
        }),
        cond: Condvar::new(),
    });

    /// The first retry of a deferred poke waits this long; each next one doubles, up to
    /// `MAX_BACKOFF`.
    const FIRST_BACKOFF: Duration = Duration::from_micros(20);
    const MAX_BACKOFF: Duration = Duration::from_millis(5);
    /// Pokes tried on the cancelling thread when the timer thread cannot be started.
    const FALLBACK_POKES: usize = 100_000;

    fn insert(state: &mut State, when: Instant, task: Task) -> io::Result<TimerKey> {
        ensure_thread(state)?;
        let key = TimerKey {
            when,
            id: state.next_id,
        };
        state.next_id += 1;
        let earliest = state.tasks.keys().next().is_none_or(|first| key < *first);
        state.tasks.insert(key, task);
        if earliest {
            TIMER.cond.notify_one();
        }
        Ok(key)
    }

    fn ensure_thread(state: &mut State) -> io::Result<()> {
        if state.running {
            return Ok(());
        }
        std::thread::Builder::new()
            .name("cancelpool-timer".into())
            .spawn(run)?;
        state.running = true;
        Ok(())
    }

    fn run() {
        let mut state = TIMER.state.lock();
        loop {
            let Some((&key, _)) = state.tasks.iter().next() else {
                TIMER.cond.wait(&mut state);
                continue;
            };
            if key.when > Instant::now() {
                TIMER.cond.wait_until(&mut state, key.when);
                continue;
            }
            let Some(task) = state.tasks.remove(&key) else {
                continue;
            };
            match task {
                Task::Cancel(node) => {
                    {
                        // Invariant 2: timer lock, then node lock.
                        let mut inner = node.lock();
                        if inner.extras_ref().and_then(|e| e.deadline) == Some(key) {
                            inner.extras().deadline = None;
                        }
                    }
                    drop(state);
                    node.cancel();
                    drop(node);
                }
                Task::Retry { retry, backoff } => {
                    drop(state);
                    if !retry.poke_once() {
                        let backoff = (backoff * 2).min(MAX_BACKOFF);
                        let mut state = TIMER.state.lock();
                        let when = Instant::now() + backoff;
                        // The thread is running (we are it): insert cannot fail.
                        let _ = insert(&mut state, when, Task::Retry { retry, backoff });
                    }
                }
            }
            state = TIMER.state.lock();
        }
    }

    /// Cancels `node` at `when`, replacing its previous deadline (invariant 1).
    pub(crate) fn set(node: &NodeRef, when: Instant) -> io::Result<()> {
        if node.is_cancelled() {
            return Ok(());
        }
        let mut state = TIMER.state.lock();
        let key = insert(&mut state, when, Task::Cancel(node.clone()))?;
        let old = node.lock().extras().deadline.replace(key);
        if let Some(old) = old {
            state.tasks.remove(&old);
        }
        Ok(())
    }

    /// Removes `node`'s deadline, if any.
    pub(crate) fn clear(node: &NodeRef) {
        if node.lock().extras_ref().and_then(|e| e.deadline).is_none() {
            return;
        }
        let mut state = TIMER.state.lock();
        let key = node.lock().extras().deadline.take();
        let task = key.and_then(|key| state.tasks.remove(&key));
        drop(state);
        // The task holds a node reference; release it outside the timer lock.
        drop(task);
    }

    /// Hands a poke that could not take the waiter's mutex to the timer (invariant 3).
    pub(crate) fn defer_retry(retry: Arc<Retry>) {
        let mut state = TIMER.state.lock();
        let when = Instant::now() + FIRST_BACKOFF;
        if insert(
            &mut state,
            when,
            Task::Retry {
                retry: Arc::clone(&retry),
                backoff: FIRST_BACKOFF,
            },
        )
        .is_err()
        {
            drop(state);
            // No timer thread could be started (EAGAIN). Keep poking here for a while:
            // the common holder is the waiter in its short check-to-park window. If the
            // caller itself holds the mutex this cannot succeed, so the loop is bounded;
            // the notifications already sent wake a waiter that is parked.
            for _ in 0..FALLBACK_POKES {
                if retry.poke_once() {
                    return;
                }
                std::thread::yield_now();
            }
        }
    }
}

//! The shared timer thread (`cancelpool-timer`): runs a task at an instant.
//!
//! Two layers use it: deadlines (`deadline`: a task cancels a node) and condvar waits
//! (`wait`: a task retries a poke that could not take the waiter's mutex). The thread is
//! started on first use and sleeps on a condvar until the earliest task is due, so
//! `checkpoint()` pays nothing for any of this. Not built under loom, which has no time.
//!
//! # Invariants
//!
//! 1. A task runs at most once, on the timer thread, at or after its instant; one that
//!    is [`unschedule`]d before the thread takes it never runs.
//! 2. The timer's lock is a leaf: nothing else is locked while it is held, and tasks run
//!    without it (they may schedule more tasks, take a node's lock, run `on_cancel`
//!    callbacks). A removed task is dropped outside it too: it may hold the last
//!    reference to something whose drop takes locks.
//! 3. A task does not block: every later task waits for it (a deadline task runs
//!    `cancel()`; a poke retry only `try_lock`s).

use std::collections::BTreeMap;
use std::io;
use std::time::Instant;

use once_cell::sync::Lazy;

use crate::sync::{Condvar, Mutex};

/// What the timer runs; it is told its own key.
pub(crate) type Task = Box<dyn FnOnce(TimerKey) + Send>;

/// Names a scheduled task: its instant, then the order of scheduling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct TimerKey {
    when: Instant,
    id: u64,
}

struct State {
    tasks: BTreeMap<TimerKey, Task>,
    next_id: u64,
    running: bool,
}

struct Timer {
    state: Mutex<State>,
    /// Notified when a task becomes the earliest.
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

/// Runs `task` on the timer thread at `when` (at once if it has passed). Fails only if
/// the timer thread is not running yet and cannot be started (EAGAIN).
pub(crate) fn schedule(when: Instant, task: Task) -> io::Result<TimerKey> {
    let mut state = TIMER.state.lock();
    if !state.running {
        std::thread::Builder::new()
            .name("cancelpool-timer".into())
            .spawn(run)?;
        state.running = true;
    }
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

/// Removes the task `key` unless the timer has taken it already (invariant 1), and
/// returns it, for the caller to drop outside the timer's lock (invariant 2).
#[must_use = "drop the task outside the timer's lock"]
pub(crate) fn unschedule(key: TimerKey) -> Option<Task> {
    TIMER.state.lock().tasks.remove(&key)
}

/// The timer thread.
fn run() {
    let mut state = TIMER.state.lock();
    loop {
        let Some(first) = state.tasks.first_entry() else {
            TIMER.cond.wait(&mut state);
            continue;
        };
        let key = *first.key();
        if key.when > Instant::now() {
            TIMER.cond.wait_until(&mut state, key.when);
            continue;
        }
        let task = first.remove();
        // Invariant 2: the task runs without the lock.
        drop(state);
        task(key);
        state = TIMER.state.lock();
    }
}

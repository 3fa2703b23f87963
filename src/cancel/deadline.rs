//! Deadlines (C10): a source cancels itself at an instant, through the shared timer.
//!
//! A deadline is a [`timer`](super::timer) task that calls `cancel()` on its node, so
//! `checkpoint()` pays nothing for it. The node remembers its task in a [`Deadline`]
//! hook (node.rs), which is how the next deadline replaces it and how the last
//! `CancelSource` removes it.
//!
//! # Invariants
//!
//! 1. A node's `Deadline` hook names at most one task, its deadline. Setting a deadline
//!    replaces the hook's key and unschedules the task it named (like .NET's
//!    `CancelAfter`); dropping the last `CancelSource` takes the key and unschedules its
//!    task (no source, no deadline; the node's memory is then freed as soon as its
//!    tokens are gone, not at the deadline). Whoever takes a key out of the hook
//!    unschedules its task, so racing calls leave one deadline, never a stray task.
//! 2. A task that fires clears the hook if it still names it, then cancels. If a new
//!    deadline replaced it meanwhile, the old one was due first: cancelling is right.
//! 3. The timer's lock is never held while a node's lock is taken, nor the other way
//!    round: each is taken and released in turn.

#[cfg(not(loom))]
pub(crate) use self::imp::*;

/// Under loom there are no deadlines (loom has no time): nothing to remove.
#[cfg(loom)]
pub(crate) fn clear(_node: &super::node::NodeRef) {}

#[cfg(not(loom))]
mod imp {
    use std::io;
    use std::time::Instant;

    use crate::cancel::node::{Hook, NodeRef};
    use crate::cancel::timer::{self, TimerKey};

    /// The deadline hook of a node: the key of its task in the timer (invariant 1).
    struct Deadline(Option<TimerKey>);

    /// A deadline needs nothing when its node is cancelled otherwise: the task stays
    /// until it is due (then its `cancel()` finds the request made) or the last source
    /// removes it.
    impl Hook for Deadline {}

    /// Cancels `node` at `when`, replacing its previous deadline (invariant 1).
    pub(crate) fn set(node: &NodeRef, when: Instant) -> io::Result<()> {
        if node.is_cancelled() {
            return Ok(());
        }
        let target = node.clone();
        let key = timer::schedule(when, Box::new(move |key| fire(target, key)))?;
        let old = node
            .lock()
            .hook_or_insert_with(|| Deadline(None))
            .0
            .replace(key);
        if let Some(old) = old {
            // Invariant 3: after the node's lock is released. The task holds a node
            // reference; it is dropped here, outside both locks.
            drop(timer::unschedule(old));
        }
        Ok(())
    }

    /// Removes `node`'s deadline, if any.
    pub(crate) fn clear(node: &NodeRef) {
        let key = node.lock().hook::<Deadline>().and_then(|d| d.0.take());
        if let Some(key) = key {
            drop(timer::unschedule(key));
        }
    }

    /// The task of a deadline (invariant 2).
    fn fire(node: NodeRef, key: TimerKey) {
        if let Some(deadline) = node.lock().hook::<Deadline>() {
            if deadline.0 == Some(key) {
                deadline.0 = None;
            }
        }
        node.cancel();
    }
}

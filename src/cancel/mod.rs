//! Cooperative cancellation: the token tree, per-job cancel state, callbacks and
//! cancellable waits (contract items C1–C10).
//!
//! | piece | module | protocol doc |
//! |---|---|---|
//! | token tree, propagation, callbacks, hooks | `node` | invariants 1–6 there |
//! | per-job state, `DisableGuard`, ambient access | `state` | invariants 1–3 there |
//! | the shared timer thread | `timer` | invariants 1–3 there |
//! | deadlines | `deadline` | invariants 1–3 there |
//! | `CancelSource`, `CancelToken`, `CancelCallback` | `token` | thin handles over `node` |
//! | `sleep`, `wait_cancelled`, `wait_while`, deferred pokes | `wait` | steps 1–4 there |
//! | `wait_fd` (unix) | `fd` | eventfd/pipe waker |
//!
//! # Layers
//!
//! Each module uses only those of the layers before its own:
//!
//! 1. `node` (the bottom: the tree, flags, callbacks) and `timer` (a thread that runs
//!    tasks at an instant). They use nothing else of `cancel/`.
//! 2. `deadline`: a timer task that cancels a node, its key kept in a node hook.
//! 3. `token` and `state`: the public handles and the per-job cancel state, which use
//!    each other (a checkpoint consults the job's state; the state names the job's
//!    token). The last `CancelSource` removes its deadline.
//! 4. `wait` and `fd`: the cancellable waits, methods of `CancelToken`. `wait` hands a
//!    poke it could not deliver to the timer; `fd` attaches its waker as a node hook.
//!
//! So the bottom layer does not know the layers above it. They reach a node through its
//! lock and condvar (what waits block on) and through hooks (`node::Hook`): state a
//! layer attaches to the node's rarely used part, told when the node is cancelled.
//! `CancelToken::checkpoint()` touches none of this: it is one load of the node's flag
//! (the job's cancel state is read only once a request is seen).
//!
//! The life of a request: `cancel()` claims the node (one winner), sets the flags of the
//! whole subtree bottom-up with no user code in between, then wakes each node's waiters
//! and runs its callbacks. A job observes the flag at its next cancellation point; if
//! its cancel state is disabled, the request waits, and the first checkpoint after the
//! last guard drops delivers it.

pub(crate) mod deadline;
#[cfg(all(unix, not(loom)))]
pub(crate) mod fd;
pub(crate) mod node;
pub(crate) mod state;
#[cfg(not(loom))]
pub(crate) mod timer;
pub(crate) mod token;
pub(crate) mod wait;

#[cfg(all(unix, not(loom)))]
pub use fd::{Interest, Ready};
pub use state::{DisableGuard, cancel_enabled, checkpoint, current_token, disable_cancel};
pub use token::{CancelCallback, CancelSource, CancelToken, Cancelled};

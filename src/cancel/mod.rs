//! Cooperative cancellation: the token tree, per-job cancel state, callbacks and
//! cancellable waits (contract items C1–C10).
//!
//! | piece | module | protocol doc |
//! |---|---|---|
//! | token tree, propagation, callbacks | `node` | invariants 1–6 there |
//! | `CancelSource`, `CancelToken`, `CancelCallback` | `token` | thin handles over `node` |
//! | per-job state, `DisableGuard`, ambient access | `state` | invariants 1–3 there |
//! | `sleep`, `wait_cancelled`, `wait_while` | `wait` | steps 1–4 there |
//! | `wait_fd` (unix) | `fd` | eventfd/pipe waker |
//! | deadlines, deferred pokes | `deadline` | the timer thread |
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
pub(crate) mod token;
pub(crate) mod wait;

#[cfg(all(unix, not(loom)))]
pub use fd::{Interest, Ready};
pub use state::{DisableGuard, cancel_enabled, checkpoint, current_token, disable_cancel};
pub use token::{CancelCallback, CancelSource, CancelToken, Cancelled};

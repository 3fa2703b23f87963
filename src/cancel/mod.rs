//! Cooperative cancellation: sources and tokens, causes, cancel state, callbacks,
//! cancellable waits, and the types of awaiting a token.
//!
//! The main types are re-exported at the crate root ([`CancelSource`], [`CancelToken`],
//! [`CancelCause`], [`Cancelled`], [`DisableGuard`], [`DropGuard`], …); the crate docs
//! describe the cancellation model. This module also holds the futures that
//! [`CancelToken::cancelled`] and [`CancelToken::cancelled_owned`] return and the
//! borrowing drop guard, [`DropGuardRef`].
//!
//! # Example
//!
//! ```
//! use cancelpool::cancel::{CancelCause, CancelSource, WaitForCancellationFuture};
//!
//! let source = CancelSource::new();
//! let token = source.token();
//! let _waiting: WaitForCancellationFuture<'_> = token.cancelled();
//! source.cancel_with(CancelCause::Shutdown);
//! assert_eq!(token.cause(), Some(CancelCause::Shutdown));
//! ```

// Maintainers' map of `cancel/` (not rustdoc: this module's page is public). The
// token tree, per-job cancel state, callbacks, causes, cancellable waits and awaitable
// tokens (contract items C1–C12).
//
// | piece | module | protocol doc |
// |---|---|---|
// | token tree, propagation, callbacks, wakers, hooks | `node` | invariants 1–7 there |
// | why a token was cancelled: `CancelCause` | `cause` | its module doc |
// | per-job state, `DisableGuard`, ambient access | `state` | invariants 1–3 there |
// | the shared timer thread | `timer` | invariants 1–3 there |
// | deadlines | `deadline` | invariants 1–3 there |
// | `CancelSource`, `CancelToken`, `CancelCallback` | `token` | thin handles over `node` |
// | `DropGuard`, `DropGuardRef` | `drop_guard` | cancel on drop |
// | `cancelled()`, `run_until_cancelled` | `future` | node invariant 7 |
// | `sleep`, `wait_cancelled`, `wait_while`, deferred pokes | `wait` | steps 1–4 there |
// | `wait_fd` (unix) | `fd` | eventfd/pipe waker |
//
// # Layers
//
// Each module uses only those of the layers before its own:
//
// 1. `node` (the bottom: the tree, flags, causes, callbacks, wakers), with `cause` (the
//    compact form of a cause it keeps), and `timer` (a thread that runs tasks at an
//    instant). They use nothing else of `cancel/`.
// 2. `deadline`: a timer task that cancels a node, its key kept in a node hook.
// 3. `token` and `state`: the public handles and the per-job cancel state, which use
//    each other (a checkpoint consults the job's state; the state names the job's
//    token). The last `CancelSource` removes its deadline.
// 4. `wait` and `fd`: the cancellable waits, methods of `CancelToken`. `wait` hands a
//    poke it could not deliver to the timer; `fd` attaches its waker as a node hook.
//    `future` (awaiting a token, through the node's wakers) and `drop_guard` (cancel on
//    drop) are thin methods over `token`.
//
// So the bottom layer does not know the layers above it. They reach a node through its
// lock and condvar (what waits block on) and through hooks (`node::Hook`): state a
// layer attaches to the node's rarely used part, told when the node is cancelled.
// `CancelToken::checkpoint()` touches none of this: it is one load of the node's flag
// (the job's cancel state is read only once a request is seen).
//
// The life of a request: `cancel()` claims the node (one winner, whose cause the node
// keeps; its descendants keep "my parent's cause"), sets the flags of the whole subtree
// bottom-up with no user code in between, then wakes each node's waiters and futures
// and runs its callbacks. A job observes the flag at its next cancellation point; if
// its cancel state is disabled, the request waits, and the first checkpoint after the
// last guard drops delivers it.

pub(crate) mod cause;
pub(crate) mod deadline;
pub(crate) mod drop_guard;
#[cfg(all(unix, not(loom)))]
pub(crate) mod fd;
pub(crate) mod future;
pub(crate) mod node;
pub(crate) mod state;
#[cfg(not(loom))]
pub(crate) mod timer;
pub(crate) mod token;
pub(crate) mod wait;

pub use cause::CancelCause;
pub use drop_guard::{DropGuard, DropGuardRef};
#[cfg(all(unix, not(loom)))]
pub use fd::{Interest, Ready};
pub use future::{WaitForCancellationFuture, WaitForCancellationFutureOwned};
pub use state::{DisableGuard, cancel_enabled, checkpoint, current_token, disable_cancel};
pub use token::{CancelCallback, CancelSource, CancelToken, Cancelled};

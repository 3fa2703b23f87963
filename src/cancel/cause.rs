//! Why a token was cancelled: the public [`CancelCause`] and the compact form a node
//! keeps ([`Claim`]).
//!
//! This module is at the bottom of `cancel/`, beside `node`, which stores a cause when it
//! is claimed. A node keeps a `Claim` of one word beside its `claimed` state (the header
//! does not grow); only a user's cause, an `Arc`, lives in the node's boxed rare state.
//! A node cancelled through an ancestor keeps `Claim::Parent`: its cause is the one of
//! the nearest ancestor that was cancelled directly, found by walking up when the cause
//! is read (readers pay for it, `cancel()` and `checkpoint()` do not).

use std::error::Error;
use std::fmt;
use std::sync::Arc;

/// Why a token was cancelled: what [`CancelToken::cause`](crate::CancelToken::cause)
/// reports.
///
/// A server can tell a deadline (answer 504) from a client that went away (499) from a
/// shutdown (503) by matching on it. Cheap to clone: at most one reference count.
///
/// The first request wins: a token keeps the cause of the call that cancelled it, and
/// later `cancel` or `cancel_with` calls change nothing. A token cancelled through an
/// ancestor reports the ancestor's cause unchanged (as Go's `context.Cause` does), so a
/// deadline set on a request's source reads as [`DeadlineExceeded`](Self::DeadlineExceeded)
/// in every job below it, however deep.
///
/// # Example
///
/// ```
/// use cancelpool::{CancelCause, CancelSource};
///
/// #[derive(Debug)]
/// struct ClientGone;
/// impl std::fmt::Display for ClientGone {
///     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
///         f.write_str("the client closed the connection")
///     }
/// }
/// impl std::error::Error for ClientGone {}
///
/// fn status(cause: &CancelCause) -> u16 {
///     match cause {
///         CancelCause::DeadlineExceeded => 504,
///         CancelCause::Shutdown | CancelCause::Signal(_) => 503,
///         cause if cause.downcast_ref::<ClientGone>().is_some() => 499,
///         _ => 500,
///     }
/// }
///
/// let request = CancelSource::new();
/// let job = CancelSource::child_of(&request.token());
/// assert!(request.cancel_with(CancelCause::user(ClientGone)));
/// let cause = job.token().cause().expect("cancelled through its parent");
/// assert_eq!(status(&cause), 499);
/// assert_eq!(cause.to_string(), "the client closed the connection");
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub enum CancelCause {
    /// `cancel()` was called: on the source, a job's handle, a scope, a pool's
    /// `cancel_all`, or a [`DropGuard`](crate::cancel::DropGuard) was dropped.
    Requested,
    /// A deadline passed (`with_timeout`, `with_deadline`, `cancel_after`, `cancel_at`),
    /// or it could not be scheduled and the source was cancelled at once (see
    /// [`CancelSource::cancel_after`](crate::CancelSource::cancel_after)).
    DeadlineExceeded,
    /// The pool shut down and cancelled its jobs: `shutdown_now`, a shutdown's grace
    /// period ending, or dropping the pool.
    Shutdown,
    /// A signal arrived (feature `signal`); the signal's number.
    Signal(i32),
    /// A cause given to [`CancelSource::cancel_with`](crate::CancelSource::cancel_with).
    User(Arc<dyn Error + Send + Sync + 'static>),
}

impl CancelCause {
    /// A user-supplied cause: any error, or a message (`&str`, `String`).
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::CancelCause;
    /// let cause = CancelCause::user("the user pressed Stop");
    /// assert_eq!(cause.to_string(), "the user pressed Stop");
    /// assert!(matches!(cause, CancelCause::User(_)));
    /// ```
    pub fn user(error: impl Into<Box<dyn Error + Send + Sync + 'static>>) -> CancelCause {
        CancelCause::User(Arc::from(error.into()))
    }

    /// The user's error, if this is a [`User`](Self::User) cause whose error has type `E`.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::CancelCause;
    /// use std::io;
    ///
    /// let cause = CancelCause::user(io::Error::from(io::ErrorKind::ConnectionReset));
    /// let err = cause.downcast_ref::<io::Error>().unwrap();
    /// assert_eq!(err.kind(), io::ErrorKind::ConnectionReset);
    /// assert!(CancelCause::Requested.downcast_ref::<io::Error>().is_none());
    /// ```
    pub fn downcast_ref<E: Error + 'static>(&self) -> Option<&E> {
        match self {
            CancelCause::User(error) => error.downcast_ref::<E>(),
            _ => None,
        }
    }
}

impl fmt::Debug for CancelCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CancelCause::Requested => f.write_str("Requested"),
            CancelCause::DeadlineExceeded => f.write_str("DeadlineExceeded"),
            CancelCause::Shutdown => f.write_str("Shutdown"),
            CancelCause::Signal(signal) => f.debug_tuple("Signal").field(signal).finish(),
            CancelCause::User(error) => f.debug_tuple("User").field(error).finish(),
        }
    }
}

impl fmt::Display for CancelCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CancelCause::Requested => f.write_str("cancellation was requested"),
            CancelCause::DeadlineExceeded => f.write_str("the deadline passed"),
            CancelCause::Shutdown => f.write_str("the pool shut down"),
            CancelCause::Signal(signal) => write!(f, "signal {signal} arrived"),
            CancelCause::User(error) => fmt::Display::fmt(error, f),
        }
    }
}

impl Error for CancelCause {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            CancelCause::User(error) => Some(&**error),
            _ => None,
        }
    }
}

/// Two causes are equal if they are the same kind; two [`User`](CancelCause::User)
/// causes only if they share one `Arc` (the errors themselves are not compared).
impl PartialEq for CancelCause {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (CancelCause::Requested, CancelCause::Requested)
            | (CancelCause::DeadlineExceeded, CancelCause::DeadlineExceeded)
            | (CancelCause::Shutdown, CancelCause::Shutdown) => true,
            (CancelCause::Signal(a), CancelCause::Signal(b)) => a == b,
            (CancelCause::User(a), CancelCause::User(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl Eq for CancelCause {}

/// What a claimed node keeps of its cause: one word, so the node header does not grow.
/// A user's error is kept apart, in the node's rare state (`node::Extras`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Claim {
    Requested,
    DeadlineExceeded,
    Shutdown,
    Signal(i32),
    /// The user's error is in the node's rare state.
    User,
    /// Cancelled through an ancestor: the cause is the parent's.
    Parent,
}

impl CancelCause {
    /// The compact form, and the user's error to keep beside it.
    pub(crate) fn into_claim(self) -> (Claim, Option<Arc<dyn Error + Send + Sync + 'static>>) {
        match self {
            CancelCause::Requested => (Claim::Requested, None),
            CancelCause::DeadlineExceeded => (Claim::DeadlineExceeded, None),
            CancelCause::Shutdown => (Claim::Shutdown, None),
            CancelCause::Signal(signal) => (Claim::Signal(signal), None),
            CancelCause::User(error) => (Claim::User, Some(error)),
        }
    }
}

impl Claim {
    /// The public cause of a node claimed directly (not [`Claim::Parent`]); `user` is the
    /// error kept for [`Claim::User`].
    pub(crate) fn to_cause(
        self,
        user: Option<&Arc<dyn Error + Send + Sync + 'static>>,
    ) -> Option<CancelCause> {
        Some(match self {
            Claim::Requested => CancelCause::Requested,
            Claim::DeadlineExceeded => CancelCause::DeadlineExceeded,
            Claim::Shutdown => CancelCause::Shutdown,
            Claim::Signal(signal) => CancelCause::Signal(signal),
            Claim::User => CancelCause::User(Arc::clone(user?)),
            Claim::Parent => return None,
        })
    }
}

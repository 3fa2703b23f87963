//! The public handles: [`CancelSource`] requests, [`CancelToken`] observes,
//! [`CancelCallback`] runs code on cancel. The shared state lives in [`super::node`].
//!
//! A source holds a token (whose node is always present) and dereferences to it, so
//! a source can do all that a token does: tokio-util's `CancellationToken`, which is
//! both, maps onto `CancelSource`.

use std::fmt;
use std::hash::{Hash, Hasher};

use super::cause::CancelCause;
use super::node::NodeRef;
use super::state::{self, DisableGuard};
use crate::util::slab::Key;

/// The error a job returns when it stops at a cancellation point.
///
/// Small and `Copy`, so jobs leave by `?` and ordinary drops run their cleanup.
///
/// # Example
///
/// ```
/// use cancelpool::{CancelSource, Cancelled};
///
/// fn step(token: &cancelpool::CancelToken) -> Result<(), Cancelled> {
///     token.checkpoint()?;
///     Ok(())
/// }
/// let source = CancelSource::new();
/// source.cancel();
/// let err = step(&source.token()).unwrap_err();
/// assert_eq!(err, Cancelled);
/// assert_eq!(err.to_string(), "the job was cancelled");
/// let _: &dyn std::error::Error = &err;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Cancelled;

impl fmt::Display for Cancelled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the job was cancelled")
    }
}

impl std::error::Error for Cancelled {}

impl From<Cancelled> for std::io::Error {
    /// A cancellation as an I/O error of kind [`Other`](std::io::ErrorKind::Other)
    /// carrying [`Cancelled`]: the form [`CancelToken::wait_fd`] returns, and what `?`
    /// makes of a `checkpoint()` in a function returning `io::Result`.
    ///
    /// Not `Interrupted`: std's `read_exact`, `write_all` and `io::copy` retry an
    /// `Interrupted` error, so a reader built on `wait_fd` would spin forever after a
    /// cancel. `Other` is never retried, and says nothing false (unlike `TimedOut`, which
    /// only a deadline would justify). Test for a cancellation with
    /// [`Cancelled::is_cancelled_io`], not with the kind.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::Cancelled;
    /// use std::io;
    ///
    /// let err = io::Error::from(Cancelled);
    /// assert_eq!(err.kind(), io::ErrorKind::Other);
    /// assert!(Cancelled::is_cancelled_io(&err));
    /// assert_eq!(err.to_string(), "the job was cancelled");
    /// ```
    fn from(c: Cancelled) -> Self {
        std::io::Error::other(c)
    }
}

impl Cancelled {
    /// True if `err` is a cancellation made by `From<Cancelled> for io::Error` (as
    /// returned by [`CancelToken::wait_fd`]), not an interrupted system call or another
    /// error of kind `Other`.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::Cancelled;
    /// use std::io;
    ///
    /// let err: io::Error = Cancelled.into();
    /// assert!(Cancelled::is_cancelled_io(&err));
    /// assert!(!Cancelled::is_cancelled_io(&io::Error::from(io::ErrorKind::Interrupted)));
    /// assert!(!Cancelled::is_cancelled_io(&io::Error::other("disk on fire")));
    /// ```
    pub fn is_cancelled_io(err: &std::io::Error) -> bool {
        err.get_ref().is_some_and(|inner| inner.is::<Cancelled>())
    }
}

/// Requests cancellation: the writing side of a token.
///
/// Cheap to clone (one reference count); all clones request the same cancellation.
/// Dropping a source does not cancel (a pool's `JobHandle` gives RAII cancellation of
/// jobs, and [`drop_guard`](Self::drop_guard) gives it for a source); dropping the last
/// source removes its deadline, if any.
///
/// A source dereferences to its [`CancelToken`], so it can also observe and wait:
/// `source.checkpoint()`, `source.cancelled().await`, `source.cause()`. Two sources (or
/// two tokens) are equal if they request (observe) the same cancellation.
///
/// # Example
///
/// ```
/// use cancelpool::CancelSource;
///
/// let source = CancelSource::new();
/// let token = source.token();
/// assert!(!token.is_cancelled());
/// assert!(source.cancel(), "the first call makes the request");
/// assert!(!source.cancel(), "later calls find it made");
/// assert!(token.is_cancelled() && source.is_cancelled());
/// ```
pub struct CancelSource {
    /// Its node is always `Some`.
    token: CancelToken,
}

impl CancelSource {
    /// A new root source: nothing but its own `cancel` (or deadline) cancels it.
    ///
    /// # Example
    ///
    /// ```
    /// let source = cancelpool::CancelSource::new();
    /// assert!(!source.is_cancelled());
    /// ```
    pub fn new() -> CancelSource {
        CancelSource::from_node(NodeRef::new(None))
    }

    /// A source whose token is a child of `parent`: cancelling `parent` (or any of
    /// its ancestors) cancels this one and its descendants; cancelling this one never
    /// touches `parent` or its other children. A child of an already cancelled parent is
    /// born cancelled.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::CancelSource;
    ///
    /// let parent = CancelSource::new();
    /// let child = CancelSource::child_of(&parent.token());
    /// let sibling = CancelSource::child_of(&parent.token());
    /// child.cancel();
    /// assert!(!parent.is_cancelled() && !sibling.is_cancelled());
    /// parent.cancel();
    /// assert!(sibling.is_cancelled());
    /// assert!(CancelSource::child_of(&parent.token()).is_cancelled(), "born cancelled");
    /// ```
    pub fn child_of(parent: &CancelToken) -> CancelSource {
        CancelSource::from_node(NodeRef::new(parent.node.as_ref()))
    }

    pub(crate) fn from_node(node: NodeRef) -> CancelSource {
        node.add_source();
        CancelSource {
            token: CancelToken::from_node(node),
        }
    }

    /// The node; a source always has one.
    fn node(&self) -> &NodeRef {
        match &self.token.node {
            Some(node) => node,
            None => unreachable!("a CancelSource is made from a node"),
        }
    }

    /// A token observing this source.
    ///
    /// # Example
    ///
    /// ```
    /// let source = cancelpool::CancelSource::new();
    /// let token = source.token();
    /// source.cancel();
    /// assert!(token.is_cancelled());
    /// ```
    pub fn token(&self) -> CancelToken {
        self.token.clone()
    }

    /// Requests cancellation of this source's token and all its descendants, with the
    /// cause [`CancelCause::Requested`].
    ///
    /// Returns `true` only for the call that made the request. Before it returns, every
    /// descendant reports `is_cancelled()`, blocked waits on them have been woken, their
    /// `cancelled()` futures have been woken and their `on_cancel` callbacks have run on
    /// this thread.
    ///
    /// # Example
    ///
    /// ```
    /// let source = cancelpool::CancelSource::new();
    /// assert!(source.cancel());
    /// assert!(!source.clone().cancel());
    /// assert_eq!(source.cause(), Some(cancelpool::CancelCause::Requested));
    /// ```
    pub fn cancel(&self) -> bool {
        self.node().cancel()
    }

    /// Requests cancellation as [`cancel`](Self::cancel) does, for `cause`: the token and
    /// its descendants report it from [`CancelToken::cause`].
    ///
    /// The first request wins: if the source was already cancelled (by any call, an
    /// ancestor or a deadline), this returns `false` and the cause stays the first one.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::{CancelCause, CancelSource};
    ///
    /// let source = CancelSource::new();
    /// assert!(source.cancel_with(CancelCause::user("the client went away")));
    /// assert!(!source.cancel_with(CancelCause::DeadlineExceeded), "too late");
    /// let cause = source.token().cause().unwrap();
    /// assert_eq!(cause.to_string(), "the client went away");
    /// ```
    pub fn cancel_with(&self, cause: CancelCause) -> bool {
        self.node().cancel_with(cause)
    }

    /// Whether a request has been made (by this source, an ancestor or a deadline).
    ///
    /// # Example
    ///
    /// ```
    /// let source = cancelpool::CancelSource::new();
    /// assert!(!source.is_cancelled());
    /// ```
    #[inline]
    pub fn is_cancelled(&self) -> bool {
        self.node().is_cancelled()
    }
}

/// Deadlines: one shared timer thread, started on first use, cancels the source
/// at its deadline; `checkpoint()` costs nothing extra. A source has at most one
/// deadline: setting one replaces the previous. Dropping the last clone of a source
/// removes its deadline.
#[cfg(not(loom))]
impl CancelSource {
    /// A new root source that cancels itself at `deadline`.
    ///
    /// # Example
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    ///
    /// let source = cancelpool::CancelSource::with_deadline(Instant::now() + Duration::from_millis(5));
    /// assert!(source.token().wait_cancelled(Duration::from_secs(10)).is_err());
    /// ```
    pub fn with_deadline(deadline: std::time::Instant) -> CancelSource {
        let source = CancelSource::new();
        source.cancel_at(deadline);
        source
    }

    /// A new root source that cancels itself after `timeout`.
    ///
    /// # Example
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let source = cancelpool::CancelSource::with_timeout(Duration::from_millis(5));
    /// assert!(source.token().wait_cancelled(Duration::from_secs(10)).is_err());
    /// ```
    pub fn with_timeout(timeout: std::time::Duration) -> CancelSource {
        let source = CancelSource::new();
        source.cancel_after(timeout);
        source
    }

    /// Cancels this source after `timeout` (like .NET's `CancelAfter`), replacing any
    /// earlier deadline.
    ///
    /// The token then reports [`CancelCause::DeadlineExceeded`]. If the process cannot
    /// start the timer thread (EAGAIN), the source is cancelled at once, with that same
    /// cause: a deadline that might never fire is worse than an early stop. Use
    /// [`try_cancel_after`](Self::try_cancel_after) to get the error instead.
    ///
    /// # Example
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let source = cancelpool::CancelSource::new();
    /// source.cancel_after(Duration::from_millis(5));
    /// assert!(source.token().wait_cancelled(Duration::from_secs(10)).is_err());
    /// ```
    pub fn cancel_after(&self, timeout: std::time::Duration) {
        match std::time::Instant::now().checked_add(timeout) {
            Some(deadline) => self.cancel_at(deadline),
            None => super::deadline::clear(self.node()),
        }
    }

    /// Cancels this source at `deadline`, replacing any earlier deadline. See
    /// [`cancel_after`](Self::cancel_after) for what happens if the timer cannot start.
    /// The cause is [`CancelCause::DeadlineExceeded`].
    ///
    /// # Example
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    ///
    /// let source = cancelpool::CancelSource::new();
    /// source.cancel_at(Instant::now());
    /// assert!(source.token().wait_cancelled(Duration::from_secs(10)).is_err());
    /// ```
    pub fn cancel_at(&self, deadline: std::time::Instant) {
        if self.try_cancel_at(deadline).is_err() {
            self.cancel_with(CancelCause::DeadlineExceeded);
        }
    }

    /// Like [`cancel_after`](Self::cancel_after), but reports a timer thread that cannot
    /// be started instead of cancelling at once.
    ///
    /// # Example
    ///
    /// ```
    /// let source = cancelpool::CancelSource::new();
    /// source.try_cancel_after(std::time::Duration::from_secs(3600)).expect("timer thread");
    /// assert!(!source.is_cancelled());
    /// ```
    pub fn try_cancel_after(&self, timeout: std::time::Duration) -> std::io::Result<()> {
        match std::time::Instant::now().checked_add(timeout) {
            Some(deadline) => self.try_cancel_at(deadline),
            None => {
                super::deadline::clear(self.node());
                Ok(())
            }
        }
    }

    /// Like [`cancel_at`](Self::cancel_at), but reports a timer thread that cannot be
    /// started instead of cancelling at once.
    ///
    /// # Example
    ///
    /// ```
    /// let source = cancelpool::CancelSource::new();
    /// let far = std::time::Instant::now() + std::time::Duration::from_secs(3600);
    /// source.try_cancel_at(far).expect("timer thread");
    /// assert!(!source.is_cancelled());
    /// ```
    pub fn try_cancel_at(&self, deadline: std::time::Instant) -> std::io::Result<()> {
        super::deadline::set(self.node(), deadline)
    }
}

impl Default for CancelSource {
    fn default() -> Self {
        CancelSource::new()
    }
}

impl Clone for CancelSource {
    fn clone(&self) -> Self {
        CancelSource::from_node(self.node().clone())
    }
}

impl Drop for CancelSource {
    fn drop(&mut self) {
        if self.node().remove_source() {
            super::deadline::clear(self.node());
        }
    }
}

/// A source is also a token: it can check, wait and be awaited (see [`CancelToken`]).
impl std::ops::Deref for CancelSource {
    type Target = CancelToken;

    #[inline]
    fn deref(&self) -> &CancelToken {
        &self.token
    }
}

/// Equal if both request the same cancellation (clones of one source).
impl PartialEq for CancelSource {
    fn eq(&self, other: &Self) -> bool {
        self.token == other.token
    }
}

impl Eq for CancelSource {}

impl Hash for CancelSource {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.token.hash(state);
    }
}

impl fmt::Debug for CancelSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CancelSource")
            .field("cancelled", &self.is_cancelled())
            .finish()
    }
}

/// Observes cancellation: the reading side. One pointer wide, `Clone + Send + Sync`.
///
/// `is_cancelled()` and `checkpoint()` are one atomic load whatever the depth of the
/// token tree: requests are propagated when they are made, not looked up when checked.
/// Two tokens are equal (and hash alike) if they observe the same cancellation: clones
/// of one token, or tokens of one source.
///
/// # Example
///
/// ```
/// use cancelpool::{CancelSource, CancelToken};
///
/// assert_eq!(std::mem::size_of::<CancelToken>(), std::mem::size_of::<usize>());
/// let source = CancelSource::new();
/// let token: CancelToken = source.token();
/// let worker = std::thread::spawn(move || {
///     let mut steps = 0u64;
///     while token.checkpoint().is_ok() {
///         steps += 1;
///         std::thread::yield_now();
///     }
///     steps
/// });
/// source.cancel();
/// worker.join().unwrap();
/// ```
#[derive(Clone)]
pub struct CancelToken {
    /// `None` is the token that is never cancelled (outside any job).
    pub(crate) node: Option<NodeRef>,
}

impl CancelToken {
    /// A token that is never cancelled: what [`current_token`](crate::current_token)
    /// returns outside any job.
    ///
    /// # Example
    ///
    /// ```
    /// let token = cancelpool::CancelToken::never();
    /// assert!(!token.is_cancelled());
    /// ```
    pub const fn never() -> CancelToken {
        CancelToken { node: None }
    }

    pub(crate) fn from_node(node: NodeRef) -> CancelToken {
        CancelToken { node: Some(node) }
    }

    /// Why the token was cancelled, or `None` if it is not.
    ///
    /// The cause of the first request wins; a token cancelled through an ancestor reports
    /// the ancestor's cause (see [`CancelCause`]). Unlike `is_cancelled()`, reading it
    /// takes the token's lock (and its ancestors' for a token cancelled through them),
    /// which is why it is a separate call.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::{CancelCause, CancelSource};
    /// use std::time::Duration;
    ///
    /// let request = CancelSource::with_timeout(Duration::from_millis(1));
    /// let job = CancelSource::child_of(&request.token()).token();
    /// assert_eq!(job.cause(), None);
    /// assert!(job.wait_cancelled(Duration::from_secs(10)).is_err());
    /// assert_eq!(job.cause(), Some(CancelCause::DeadlineExceeded));
    /// ```
    pub fn cause(&self) -> Option<CancelCause> {
        self.node.as_ref()?.cause()
    }

    /// A new source whose token is a child of this one: the same as
    /// [`CancelSource::child_of(self)`](CancelSource::child_of), under tokio-util's name.
    ///
    /// It returns a source, not a token, because tokio-util's `child_token()` gives a
    /// token that can itself be cancelled; call `.token()` for the observing side only.
    ///
    /// # Example
    ///
    /// ```
    /// let parent = cancelpool::CancelSource::new();
    /// let child = parent.child_token();
    /// child.cancel();
    /// assert!(!parent.is_cancelled());
    /// let other = parent.child_token();
    /// parent.cancel();
    /// assert!(other.is_cancelled());
    /// ```
    pub fn child_token(&self) -> CancelSource {
        CancelSource::child_of(self)
    }

    /// Whether cancellation has been requested (one Acquire load). Unlike
    /// [`checkpoint`](Self::checkpoint), it ignores the disable state.
    ///
    /// # Example
    ///
    /// ```
    /// let source = cancelpool::CancelSource::new();
    /// let token = source.token();
    /// let _guard = cancelpool::disable_cancel();
    /// source.cancel();
    /// assert!(token.is_cancelled());
    /// assert!(token.checkpoint().is_ok());
    /// ```
    #[inline]
    pub fn is_cancelled(&self) -> bool {
        match &self.node {
            Some(node) => node.is_cancelled(),
            None => false,
        }
    }

    /// The explicit cancellation point: `Err(Cancelled)` iff a request is pending
    /// and cancellation is enabled in the current job.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::{CancelSource, Cancelled};
    ///
    /// let source = CancelSource::new();
    /// let token = source.token();
    /// assert_eq!(token.checkpoint(), Ok(()));
    /// source.cancel();
    /// assert_eq!(token.checkpoint(), Err(Cancelled));
    /// ```
    #[inline]
    pub fn checkpoint(&self) -> Result<(), super::Cancelled> {
        if !self.is_cancelled() {
            return Ok(());
        }
        checkpoint_slow()
    }

    /// Disables cancellation for the current job while the guard lives; the same as
    /// [`disable_cancel`](crate::disable_cancel). The state is the job's, as POSIX's is
    /// the thread's, so the guard also holds for checks of other tokens in this job.
    ///
    /// # Example
    ///
    /// ```
    /// let source = cancelpool::CancelSource::new();
    /// let token = source.token();
    /// let guard = token.disable();
    /// source.cancel();
    /// assert!(token.checkpoint().is_ok());
    /// drop(guard);
    /// assert!(token.checkpoint().is_err());
    /// ```
    #[inline]
    pub fn disable(&self) -> DisableGuard {
        state::disable_cancel()
    }

    /// Runs `f` once when this token is cancelled, like C++'s `stop_callback`.
    ///
    /// `f` runs exactly once — on the cancelling thread during `cancel()`, or at once on
    /// this thread if the token is already cancelled — or never, if the returned guard is
    /// dropped first. Dropping the guard while `f` runs on another thread blocks until
    /// `f` returns (so `f` may borrow what the guard's owner frees next); dropping it
    /// from inside `f` does not block. A panic in `f` is reported by the panic hook and
    /// does not stop the other callbacks or poison the token. Callbacks ignore the
    /// disable state: they observe the request, not deliver it.
    ///
    /// # Example
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use std::sync::Arc;
    ///
    /// let source = cancelpool::CancelSource::new();
    /// let hits = Arc::new(AtomicUsize::new(0));
    /// let h = Arc::clone(&hits);
    /// let guard = source.token().on_cancel(move || {
    ///     h.fetch_add(1, Ordering::SeqCst);
    /// });
    /// source.cancel();
    /// source.cancel();
    /// assert_eq!(hits.load(Ordering::SeqCst), 1, "exactly once");
    /// drop(guard);
    /// ```
    pub fn on_cancel<F>(&self, f: F) -> CancelCallback
    where
        F: FnOnce() + Send + 'static,
    {
        let Some(node) = &self.node else {
            return CancelCallback { registration: None };
        };
        match node.register(Box::new(f)) {
            Ok(key) => CancelCallback {
                registration: Some((node.clone(), key)),
            },
            Err(f) => {
                f();
                CancelCallback { registration: None }
            }
        }
    }
}

#[cold]
fn checkpoint_slow() -> Result<(), super::Cancelled> {
    if state::cancel_enabled() {
        Err(super::Cancelled)
    } else {
        Ok(())
    }
}

impl Default for CancelToken {
    fn default() -> Self {
        CancelToken::never()
    }
}

/// Equal if both observe the same cancellation; [`CancelToken::never`] tokens are all
/// equal.
impl PartialEq for CancelToken {
    fn eq(&self, other: &Self) -> bool {
        match (&self.node, &other.node) {
            (Some(a), Some(b)) => std::ptr::eq::<super::node::Node>(&**a, &**b),
            (None, None) => true,
            _ => false,
        }
    }
}

impl Eq for CancelToken {}

impl Hash for CancelToken {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let addr = self.node.as_ref().map_or(std::ptr::null(), |n| {
            std::ptr::from_ref::<super::node::Node>(n)
        });
        addr.hash(state);
    }
}

impl fmt::Debug for CancelToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.node {
            Some(_) => f
                .debug_struct("CancelToken")
                .field("cancelled", &self.is_cancelled())
                .finish(),
            None => f.write_str("CancelToken(never)"),
        }
    }
}

/// An `on_cancel` registration; dropping it unregisters the callback.
///
/// If the callback has not run, it never will. If it is running on another thread,
/// `drop` waits for it to return. To keep the callback registered for the token's whole
/// life instead, call [`CancelCallback::detach`].
///
/// # Example
///
/// ```
/// use std::sync::atomic::{AtomicBool, Ordering};
/// use std::sync::Arc;
///
/// let source = cancelpool::CancelSource::new();
/// let ran = Arc::new(AtomicBool::new(false));
/// let r = Arc::clone(&ran);
/// let guard = source.token().on_cancel(move || r.store(true, Ordering::SeqCst));
/// drop(guard); // unregistered before any cancel: never runs
/// source.cancel();
/// assert!(!ran.load(Ordering::SeqCst));
/// ```
#[must_use = "dropping the guard unregisters the callback at once"]
pub struct CancelCallback {
    registration: Option<(NodeRef, Key)>,
}

impl CancelCallback {
    /// Keeps the callback registered for as long as the token's state lives, without
    /// holding a guard: it runs if and when the token is cancelled.
    ///
    /// # Example
    ///
    /// ```
    /// use std::sync::atomic::{AtomicBool, Ordering};
    /// use std::sync::Arc;
    ///
    /// let source = cancelpool::CancelSource::new();
    /// let ran = Arc::new(AtomicBool::new(false));
    /// let r = Arc::clone(&ran);
    /// source.token().on_cancel(move || r.store(true, Ordering::SeqCst)).detach();
    /// source.cancel();
    /// assert!(ran.load(Ordering::SeqCst));
    /// ```
    pub fn detach(mut self) {
        // Dropping the node reference without unregistering leaves the callback in place.
        self.registration = None;
    }

    /// True if the callback is still registered (it has not started and was not
    /// detached).
    ///
    /// # Example
    ///
    /// ```
    /// let source = cancelpool::CancelSource::new();
    /// let guard = source.token().on_cancel(|| {});
    /// assert!(guard.is_registered());
    /// source.cancel();
    /// assert!(!guard.is_registered());
    /// ```
    pub fn is_registered(&self) -> bool {
        match &self.registration {
            Some((node, key)) => node.is_registered(*key),
            None => false,
        }
    }
}

impl CancelCallback {
    /// Unregisters without waiting for a run in progress on another thread: only for
    /// callbacks that borrow nothing (they own all they touch).
    pub(crate) fn unregister_without_waiting(mut self) {
        if let Some((node, key)) = self.registration.take() {
            drop(node.unregister_nowait(key));
        }
    }
}

impl Drop for CancelCallback {
    fn drop(&mut self) {
        if let Some((node, key)) = self.registration.take() {
            // A callback that never ran is dropped here, outside the node's lock.
            drop(node.unregister(key));
        }
    }
}

impl fmt::Debug for CancelCallback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CancelCallback")
            .field("registered", &self.is_registered())
            .finish()
    }
}

//! What a submitted job returns ([`JobResult`], [`JobFailure`]) and what its handle
//! reports ([`JobError`], [`PanicPayload`]).
//!
//! # Why a concrete error type
//!
//! A job's closure is `FnOnce(&CancelToken) -> JobResult<T>`. Were the error type a
//! generic `E`, the simplest closures — `|_| Ok(7)`, `|t| { t.checkpoint()?; Ok(5) }` —
//! would leave `E` with nothing to infer it from, and fail to compile without an
//! annotation. A concrete type keeps them annotation-free, and one blanket `From` (the
//! way `anyhow::Error` does it) lets `?` convert every error a job meets. That blanket
//! impl is why [`JobFailure`] must not implement `std::error::Error` itself: it would
//! overlap with the standard `From<T> for T`.
//!
//! # Cancellations inside other errors
//!
//! [`classify`] decides what the handle reports for a job that returned `Err`:
//! [`JobError::Cancelled`] if the job stopped on a cancellation, that is if
//!
//! - its own token was cancelled when it returned (it was asked to stop, and stopped:
//!   whatever error it stopped with, typically the `Cancelled` of a `checkpoint()?`,
//!   possibly wrapped in an `anyhow::Error` with or without `.context(..)`), or
//! - its error is a [`Cancelled`], has one in its `source()` chain, or is an `io::Error`
//!   carrying one (a cancellation from another token, such as a deadline's);
//!
//! and [`JobError::Failed`] with the error otherwise. One case the chain cannot show: a
//! plain `anyhow::Error` made from the `Cancelled` of *another* token (anyhow's
//! conversion into `Box<dyn Error>` hides the type and skips it in the chain) is
//! reported as `Failed`; with `.context(..)` it is found.

use std::any::Any;
use std::error::Error;
use std::fmt;

use crate::cancel::Cancelled;
use crate::util::unwind::Payload;

/// The error type of a submitted job: any error, boxed, so that `?` works on each kind a
/// job meets in the same closure.
///
/// Every `E: Into<Box<dyn Error + Send + Sync>>` converts into it: [`Cancelled`] (from
/// [`checkpoint()?`](crate::CancelToken::checkpoint)), `std::io::Error`,
/// `anyhow::Error`, `Box<dyn Error + Send + Sync>`, any `Error + Send + Sync` type, and
/// `&str`/`String` messages. [`JobHandle::join`](crate::JobHandle::join) turns it into
/// [`JobError::Failed`] with the boxed error (or [`JobError::Cancelled`] if it is a
/// cancellation).
///
/// Like `anyhow::Error`, it does not implement `std::error::Error` itself (that would
/// make the blanket `From` overlap with `From<T> for T`); it dereferences to the boxed
/// `dyn Error`, and [`into_inner`](Self::into_inner) gives the box.
///
/// A closure written with an explicit return type must name [`JobResult<T>`]:
/// `|t| -> io::Result<T>` or `-> anyhow::Result<T>` do not fit `submit`'s signature. A
/// signature generic over the error type would accept them, but would leave `|_| Ok(7)`
/// with no error type to infer, so the simple closures would need annotations instead.
/// To submit a function that returns another `Result`, convert with `?`:
/// `pool.submit(|t| Ok(read_config(t)?))`.
///
/// # Example
///
/// ```
/// use std::io;
/// use cancelpool::{JobError, JobResult};
///
/// fn parse(text: &str) -> JobResult<u32> {
///     let n: u32 = text.trim().parse()?; // ParseIntError
///     if n == 0 {
///         return Err("zero is not allowed".into()); // a message
///     }
///     Ok(n)
/// }
///
/// let pool = cancelpool::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
/// let job = pool.submit(|token| {
///     token.checkpoint()?; // Cancelled
///     let text = std::fs::read_to_string("/no/such/file")?; // io::Error
///     Ok(parse(&text)?)
/// });
/// match job.join() {
///     Err(JobError::Failed(err)) => {
///         assert_eq!(err.downcast_ref::<io::Error>().unwrap().kind(), io::ErrorKind::NotFound)
///     }
///     other => panic!("{other:?}"),
/// }
/// ```
pub struct JobFailure(Box<dyn Error + Send + Sync + 'static>);

/// What a submitted job's closure returns: `Ok(value)`, or any error (see [`JobFailure`]).
///
/// # Example
///
/// ```
/// use cancelpool::{CancelToken, JobResult};
///
/// fn count_to(token: &CancelToken, n: u64) -> JobResult<u64> {
///     for i in 0..n {
///         if i % 1024 == 0 {
///             token.checkpoint()?;
///         }
///     }
///     Ok(n)
/// }
///
/// let pool = cancelpool::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
/// assert_eq!(pool.submit(|t| count_to(t, 10_000)).join().unwrap(), 10_000);
/// ```
pub type JobResult<T> = Result<T, JobFailure>;

impl<E> From<E> for JobFailure
where
    E: Into<Box<dyn Error + Send + Sync + 'static>>,
{
    /// Boxes the error (a zero-sized one, like [`Cancelled`], without allocating).
    fn from(err: E) -> Self {
        JobFailure(err.into())
    }
}

impl JobFailure {
    /// The boxed error.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::JobFailure;
    ///
    /// let failure = JobFailure::from(std::io::Error::other("disk full"));
    /// let boxed = failure.into_inner();
    /// assert_eq!(boxed.to_string(), "disk full");
    /// ```
    pub fn into_inner(self) -> Box<dyn Error + Send + Sync + 'static> {
        self.0
    }

    /// True if the error is a cancellation: a [`Cancelled`], an error that carries one in
    /// its `source()` chain, or an `io::Error` made from one. (A job's handle also
    /// reports [`JobError::Cancelled`] for any error the job returns after its own token
    /// was cancelled.)
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::{Cancelled, JobFailure};
    ///
    /// assert!(JobFailure::from(Cancelled).is_cancelled());
    /// assert!(!JobFailure::from("bad input").is_cancelled());
    /// ```
    pub fn is_cancelled(&self) -> bool {
        is_cancellation(&*self.0)
    }
}

impl std::ops::Deref for JobFailure {
    type Target = dyn Error + Send + Sync + 'static;

    fn deref(&self) -> &Self::Target {
        &*self.0
    }
}

impl AsRef<dyn Error + Send + Sync + 'static> for JobFailure {
    fn as_ref(&self) -> &(dyn Error + Send + Sync + 'static) {
        &*self.0
    }
}

impl fmt::Debug for JobFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for JobFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

/// True if `err`, or an error in its `source()` chain, is a [`Cancelled`] or an
/// `io::Error` carrying one (`io::Error::source` skips the error it wraps, so that one is
/// looked into by hand).
fn is_cancellation(err: &(dyn Error + 'static)) -> bool {
    let mut next = Some(err);
    while let Some(err) = next {
        if err.is::<Cancelled>() {
            return true;
        }
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            if Cancelled::is_cancelled_io(io) {
                return true;
            }
        }
        next = err.source();
    }
    false
}

/// The handle's report of a job's error, given whether the job's own token was cancelled
/// when it returned (module docs, "Cancellations inside other errors").
pub(crate) fn classify(failure: JobFailure, token_cancelled: bool) -> JobError {
    if token_cancelled || failure.is_cancelled() {
        JobError::Cancelled
    } else {
        JobError::Failed(failure.0)
    }
}

/// How a submitted job ended, when it did not return `Ok`: the job's outcome, never a
/// mistake in using its handle.
///
/// `JobError` is `Error + Send + Sync + 'static`, so `handle.join()?` works in a function
/// returning `anyhow::Result` or `Result<_, Box<dyn Error + Send + Sync>>`. For
/// [`Failed`](JobError::Failed), `source()` is the job's own error.
///
/// # Example
///
/// ```
/// use cancelpool::{Cancelled, JobError};
///
/// fn run() -> Result<u32, Box<dyn std::error::Error + Send + Sync>> {
///     let pool = cancelpool::ThreadPoolBuilder::new().num_threads(1).build()?;
///     let sum = pool.submit(|_| Ok(2 + 2)).join()?;
///     let cancelled = pool.submit(|_| -> cancelpool::JobResult<u32> { Err(Cancelled.into()) });
///     assert!(matches!(cancelled.join(), Err(JobError::Cancelled)));
///     Ok(sum)
/// }
/// assert_eq!(run().unwrap(), 4);
/// ```
#[non_exhaustive]
pub enum JobError {
    /// The job was cancelled before it started; or it returned an error after its token
    /// was cancelled, or an error that is a cancellation (a [`Cancelled`], also inside
    /// another error: see [`JobFailure::is_cancelled`]).
    Cancelled,
    /// The job panicked.
    Panicked(PanicPayload),
    /// The job returned this error.
    Failed(Box<dyn Error + Send + Sync + 'static>),
    /// The pool was shut down: the job was not accepted and nothing ran.
    Rejected,
}

impl JobError {
    /// True for [`JobError::Cancelled`].
    ///
    /// # Example
    ///
    /// ```
    /// assert!(cancelpool::JobError::Cancelled.is_cancelled());
    /// ```
    pub fn is_cancelled(&self) -> bool {
        matches!(self, JobError::Cancelled)
    }

    /// True for [`JobError::Panicked`].
    ///
    /// # Example
    ///
    /// ```
    /// assert!(!cancelpool::JobError::Rejected.is_panic());
    /// ```
    pub fn is_panic(&self) -> bool {
        matches!(self, JobError::Panicked(_))
    }

    /// The panic's payload, to inspect it or to raise the panic again with
    /// [`std::panic::resume_unwind`].
    ///
    /// # Panics
    ///
    /// If the job did not panic ([`is_panic`](Self::is_panic) is false); see
    /// [`try_into_panic`](Self::try_into_panic).
    ///
    /// # Example
    ///
    /// ```
    /// let pool = cancelpool::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    /// # let hook = std::panic::take_hook();
    /// # std::panic::set_hook(Box::new(|_| {}));
    /// let err = pool.submit(|_| -> cancelpool::JobResult<()> { panic!("oops") }).join().unwrap_err();
    /// # std::panic::set_hook(hook);
    /// let payload = err.into_panic();
    /// assert_eq!(*payload.downcast::<&str>().unwrap(), "oops");
    /// ```
    #[track_caller]
    pub fn into_panic(self) -> Box<dyn Any + Send + 'static> {
        match self.try_into_panic() {
            Ok(payload) => payload,
            Err(err) => panic!("`JobError::into_panic` on a job that did not panic: {err}"),
        }
    }

    /// The panic's payload if the job panicked, else the error itself.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::JobError;
    ///
    /// let err = JobError::Cancelled;
    /// assert!(matches!(err.try_into_panic(), Err(JobError::Cancelled)));
    /// ```
    pub fn try_into_panic(self) -> Result<Box<dyn Any + Send + 'static>, JobError> {
        match self {
            JobError::Panicked(payload) => Ok(payload.into_inner()),
            other => Err(other),
        }
    }
}

impl fmt::Debug for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JobError::Cancelled => f.write_str("Cancelled"),
            JobError::Panicked(payload) => f.debug_tuple("Panicked").field(payload).finish(),
            JobError::Failed(err) => f.debug_tuple("Failed").field(err).finish(),
            JobError::Rejected => f.write_str("Rejected"),
        }
    }
}

impl fmt::Display for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JobError::Cancelled => f.write_str("the job was cancelled"),
            JobError::Panicked(payload) => match payload.message() {
                Some(message) => write!(f, "the job panicked: {message}"),
                None => f.write_str("the job panicked"),
            },
            JobError::Failed(_) => f.write_str("the job failed"),
            JobError::Rejected => f.write_str("the pool was shut down and did not accept the job"),
        }
    }
}

impl Error for JobError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            JobError::Failed(err) => Some(&**err),
            _ => None,
        }
    }
}

impl From<Cancelled> for JobError {
    fn from(_: Cancelled) -> Self {
        JobError::Cancelled
    }
}

/// The payload of a job's panic, as [`std::panic::catch_unwind`] gives it, in a wrapper
/// that is `Sync` so that [`JobError`] can be.
///
/// A payload is `Send` but not `Sync`; the wrapper gives no access to it through a shared
/// reference, only by value ([`into_inner`](Self::into_inner)). The panic message, when
/// the payload is a string (as `panic!` makes it), is copied out beforehand for
/// [`message`](Self::message), `Display` and `Debug`.
///
/// # Example
///
/// ```
/// use cancelpool::JobError;
///
/// let pool = cancelpool::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
/// # let hook = std::panic::take_hook();
/// # std::panic::set_hook(Box::new(|_| {}));
/// let err = pool.submit(|_| -> cancelpool::JobResult<()> { panic!("disk {} full", 3) }).join();
/// # std::panic::set_hook(hook);
/// match err {
///     Err(JobError::Panicked(payload)) => assert_eq!(payload.message(), Some("disk 3 full")),
///     other => panic!("{other:?}"),
/// }
/// ```
pub struct PanicPayload(Box<PanicInner>);

/// Boxed, so that a job's result slot (`Option<Result<T, JobError>>`) stays three words.
struct PanicInner {
    payload: ExclusiveAccess<Payload>,
    message: Option<Box<str>>,
}

impl PanicPayload {
    pub(crate) fn new(payload: Payload) -> Self {
        let message = payload
            .downcast_ref::<&'static str>()
            .map(|s| Box::from(*s))
            .or_else(|| {
                payload
                    .downcast_ref::<String>()
                    .map(|s| Box::from(s.as_str()))
            });
        PanicPayload(Box::new(PanicInner {
            payload: ExclusiveAccess(payload),
            message,
        }))
    }

    /// The panic message, if the payload is a string.
    ///
    /// # Example
    ///
    /// ```
    /// # let hook = std::panic::take_hook();
    /// # std::panic::set_hook(Box::new(|_| {}));
    /// let pool = cancelpool::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    /// let err = pool.submit(|_| -> cancelpool::JobResult<()> { std::panic::panic_any(7) }).join();
    /// # std::panic::set_hook(hook);
    /// let Err(cancelpool::JobError::Panicked(payload)) = err else { unreachable!() };
    /// assert_eq!(payload.message(), None);
    /// ```
    pub fn message(&self) -> Option<&str> {
        self.0.message.as_deref()
    }

    /// The payload, to downcast or to raise again with [`std::panic::resume_unwind`].
    ///
    /// # Example
    ///
    /// ```
    /// # let hook = std::panic::take_hook();
    /// # std::panic::set_hook(Box::new(|_| {}));
    /// let pool = cancelpool::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    /// let err = pool.submit(|_| -> cancelpool::JobResult<()> { std::panic::panic_any(7u8) }).join();
    /// # std::panic::set_hook(hook);
    /// let Err(cancelpool::JobError::Panicked(payload)) = err else { unreachable!() };
    /// assert_eq!(*payload.into_inner().downcast::<u8>().unwrap(), 7);
    /// ```
    pub fn into_inner(self) -> Box<dyn Any + Send + 'static> {
        self.0.payload.0
    }
}

impl fmt::Debug for PanicPayload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.message() {
            Some(message) => fmt::Debug::fmt(message, f),
            None => f.write_str("<non-string payload>"),
        }
    }
}

/// A value reachable only by value or `&mut`, never through `&`: sharing `&Self` between
/// threads shares nothing, so it is `Sync` whenever the value is `Send`.
struct ExclusiveAccess<T>(T);

// SAFETY: no `&self` method or field access is offered (the field is private and used
// only by value in `PanicPayload::into_inner`, and dropped), so a shared reference gives no access
// to the `T` inside, and `T: Send` covers moving it to another thread.
unsafe impl<T: Send> Sync for ExclusiveAccess<T> {}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn a_jobs_result_slot_stays_three_words() {
        // It sits in every submitted job's result slot, in the job's one allocation.
        let words = std::mem::size_of::<Option<Result<(), JobError>>>() / 8;
        assert!(
            words <= 3,
            "Option<Result<(), JobError>> grew to {words} words"
        );
    }
}

//! The fallible types that `try_*` methods accept: `Option`, `Result`, `ControlFlow` and
//! `Poll` of those. The trait is public only so that it can bound public methods; it is
//! sealed, like std's unstable `Try`, and its shape follows that trait.

use std::convert::Infallible;
use std::ops::ControlFlow;
use std::task::Poll;

mod sealed {
    pub trait Sealed {}
}

/// A value that is either a success carrying an `Output` or a failure that can be
/// rebuilt from its `Residual`. Implemented for `Option<T>`, `Result<T, E>`,
/// `ControlFlow<B, C>`, `Poll<Result<T, E>>` and `Poll<Option<Result<T, E>>>`; it cannot
/// be implemented outside this crate.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// // Any of those types works with the `try_*` methods.
/// let r: Option<()> = (0..10).into_par_iter().try_for_each(|x| (x < 10).then_some(()));
/// assert_eq!(r, Some(()));
/// ```
pub trait Try: sealed::Sealed {
    /// The value of a success.
    type Output;
    /// What a failure keeps, to be rebuilt into any `Try` type with the same failure.
    type Residual;

    /// A success.
    fn from_output(output: Self::Output) -> Self;
    /// A failure.
    fn from_residual(residual: Self::Residual) -> Self;
    /// `Continue(output)` for a success, `Break(residual)` for a failure.
    fn branch(self) -> ControlFlow<Self::Residual, Self::Output>;
    /// Whether this is a failure, without consuming it.
    fn is_failure(&self) -> bool;
}

impl<T> sealed::Sealed for Option<T> {}
impl<T> Try for Option<T> {
    type Output = T;
    type Residual = Option<Infallible>;

    fn from_output(output: T) -> Self {
        Some(output)
    }
    fn from_residual(_: Option<Infallible>) -> Self {
        None
    }
    fn branch(self) -> ControlFlow<Option<Infallible>, T> {
        match self {
            Some(v) => ControlFlow::Continue(v),
            None => ControlFlow::Break(None),
        }
    }
    fn is_failure(&self) -> bool {
        self.is_none()
    }
}

impl<T, E> sealed::Sealed for Result<T, E> {}
impl<T, E> Try for Result<T, E> {
    type Output = T;
    type Residual = Result<Infallible, E>;

    fn from_output(output: T) -> Self {
        Ok(output)
    }
    fn from_residual(residual: Result<Infallible, E>) -> Self {
        let Err(e) = residual;
        Err(e)
    }
    fn branch(self) -> ControlFlow<Result<Infallible, E>, T> {
        match self {
            Ok(v) => ControlFlow::Continue(v),
            Err(e) => ControlFlow::Break(Err(e)),
        }
    }
    fn is_failure(&self) -> bool {
        self.is_err()
    }
}

impl<B, C> sealed::Sealed for ControlFlow<B, C> {}
impl<B, C> Try for ControlFlow<B, C> {
    type Output = C;
    type Residual = ControlFlow<B, Infallible>;

    fn from_output(output: C) -> Self {
        ControlFlow::Continue(output)
    }
    fn from_residual(residual: ControlFlow<B, Infallible>) -> Self {
        let ControlFlow::Break(b) = residual;
        ControlFlow::Break(b)
    }
    fn branch(self) -> ControlFlow<ControlFlow<B, Infallible>, C> {
        match self {
            ControlFlow::Continue(c) => ControlFlow::Continue(c),
            ControlFlow::Break(b) => ControlFlow::Break(ControlFlow::Break(b)),
        }
    }
    fn is_failure(&self) -> bool {
        self.is_break()
    }
}

impl<T, E> sealed::Sealed for Poll<Result<T, E>> {}
impl<T, E> Try for Poll<Result<T, E>> {
    type Output = Poll<T>;
    type Residual = Result<Infallible, E>;

    fn from_output(output: Poll<T>) -> Self {
        output.map(Ok)
    }
    fn from_residual(residual: Result<Infallible, E>) -> Self {
        let Err(e) = residual;
        Poll::Ready(Err(e))
    }
    fn branch(self) -> ControlFlow<Result<Infallible, E>, Poll<T>> {
        match self {
            Poll::Ready(Ok(v)) => ControlFlow::Continue(Poll::Ready(v)),
            Poll::Ready(Err(e)) => ControlFlow::Break(Err(e)),
            Poll::Pending => ControlFlow::Continue(Poll::Pending),
        }
    }
    fn is_failure(&self) -> bool {
        matches!(self, Poll::Ready(Err(_)))
    }
}

impl<T, E> sealed::Sealed for Poll<Option<Result<T, E>>> {}
impl<T, E> Try for Poll<Option<Result<T, E>>> {
    type Output = Poll<Option<T>>;
    type Residual = Result<Infallible, E>;

    fn from_output(output: Poll<Option<T>>) -> Self {
        output.map(|o| o.map(Ok))
    }
    fn from_residual(residual: Result<Infallible, E>) -> Self {
        let Err(e) = residual;
        Poll::Ready(Some(Err(e)))
    }
    fn branch(self) -> ControlFlow<Result<Infallible, E>, Poll<Option<T>>> {
        match self {
            Poll::Ready(Some(Ok(v))) => ControlFlow::Continue(Poll::Ready(Some(v))),
            Poll::Ready(Some(Err(e))) => ControlFlow::Break(Err(e)),
            Poll::Ready(None) => ControlFlow::Continue(Poll::Ready(None)),
            Poll::Pending => ControlFlow::Continue(Poll::Pending),
        }
    }
    fn is_failure(&self) -> bool {
        matches!(self, Poll::Ready(Some(Err(_))))
    }
}

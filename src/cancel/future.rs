//! Awaiting a token: `cancelled()`, `cancelled_owned()` and `run_until_cancelled`, with
//! tokio-util's names and meanings and no async runtime behind them.
//!
//! # Protocol
//!
//! A pending future keeps the key of its waker in the node's `wakers` slab (node
//! invariant 7): a poll checks the flag under the node's lock and registers (or updates)
//! its waker there only if the flag is clear; phase 2 of `cancel()` takes every waker
//! under that lock, after storing the flag, and wakes them once the lock is released. So
//! a poll racing a cancel either sees the flag or is woken — modelled in
//! `loom-tests/tests/futures.rs`. A future that completes or is dropped removes its
//! waker, so dropping a pending future (the losing branch of a `select!`) leaves nothing
//! behind: the futures are cancel-safe.
//!
//! The futures ignore the job's cancel state (a `DisableGuard`): a future can be polled
//! on any thread of any executor, where "the current job" means nothing. They observe the
//! request as `is_cancelled()` and `on_cancel` do.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::token::CancelToken;
use crate::util::slab::Key;

impl CancelToken {
    /// A future that completes when the token is cancelled — at once if it already is.
    ///
    /// tokio-util's `cancelled()`: cancel-safe (dropping it unregisters its waker), `Send`,
    /// and usable from any executor (tokio, `futures::executor::block_on`, …); the crate
    /// depends on none. The job's disable state does not hold it back (see the module
    /// docs). The future of [`CancelToken::never`] never completes.
    ///
    /// # Example
    ///
    /// ```
    /// use std::future::Future;
    /// use std::pin::pin;
    /// use std::task::{Context, Poll, Waker};
    ///
    /// let source = cancelpool::CancelSource::new();
    /// let token = source.token();
    /// let mut cancelled = pin!(token.cancelled());
    /// let mut cx = Context::from_waker(Waker::noop());
    /// assert!(cancelled.as_mut().poll(&mut cx).is_pending());
    /// source.cancel();
    /// assert!(cancelled.as_mut().poll(&mut cx).is_ready());
    /// // In async code: `token.cancelled().await;`
    /// ```
    pub fn cancelled(&self) -> WaitForCancellationFuture<'_> {
        WaitForCancellationFuture {
            token: self,
            key: None,
        }
    }

    /// [`cancelled`](Self::cancelled) for a future that owns its token (so it can be
    /// `'static`, e.g. moved into a spawned task).
    ///
    /// # Example
    ///
    /// ```
    /// use std::future::Future;
    /// use std::pin::pin;
    /// use std::task::{Context, Poll, Waker};
    ///
    /// let source = cancelpool::CancelSource::new();
    /// let mut cancelled = pin!(source.token().cancelled_owned());
    /// let mut cx = Context::from_waker(Waker::noop());
    /// assert!(cancelled.as_mut().poll(&mut cx).is_pending());
    /// source.cancel();
    /// assert!(cancelled.as_mut().poll(&mut cx).is_ready());
    /// ```
    pub fn cancelled_owned(self) -> WaitForCancellationFutureOwned {
        WaitForCancellationFutureOwned {
            token: self,
            key: None,
        }
    }

    /// Runs `fut` to completion unless the token is cancelled first: `Some(output)`, or
    /// `None` once cancelled (then `fut` is dropped where it stopped).
    ///
    /// As in tokio-util: a token cancelled before the call gives `None` without polling
    /// `fut`; after that, when `fut` completes and the token is cancelled in the same
    /// wake-up, the output wins. Cancel-safe if `fut` is.
    ///
    /// # Example
    ///
    /// ```
    /// use std::future::Future;
    /// use std::pin::pin;
    /// use std::task::{Context, Waker};
    ///
    /// let source = cancelpool::CancelSource::new();
    /// let token = source.token();
    /// let mut cx = Context::from_waker(Waker::noop());
    ///
    /// let mut quick = pin!(token.run_until_cancelled(async { 7 }));
    /// assert_eq!(quick.as_mut().poll(&mut cx), std::task::Poll::Ready(Some(7)));
    ///
    /// let mut forever = pin!(token.run_until_cancelled(std::future::pending::<u32>()));
    /// assert!(forever.as_mut().poll(&mut cx).is_pending());
    /// source.cancel();
    /// assert_eq!(forever.as_mut().poll(&mut cx), std::task::Poll::Ready(None));
    /// ```
    pub async fn run_until_cancelled<F: Future>(&self, fut: F) -> Option<F::Output> {
        if self.is_cancelled() {
            return None;
        }
        let mut fut = std::pin::pin!(fut);
        let mut cancelled = self.cancelled();
        std::future::poll_fn(|cx| {
            if let Poll::Ready(output) = fut.as_mut().poll(cx) {
                return Poll::Ready(Some(output));
            }
            Pin::new(&mut cancelled).poll(cx).map(|()| None)
        })
        .await
    }

    /// [`run_until_cancelled`](Self::run_until_cancelled) for a future that owns its
    /// token.
    ///
    /// # Example
    ///
    /// ```
    /// use std::future::Future;
    /// use std::pin::pin;
    /// use std::task::{Context, Poll, Waker};
    ///
    /// let source = cancelpool::CancelSource::new();
    /// let mut work = pin!(source.token().run_until_cancelled_owned(std::future::pending::<()>()));
    /// let mut cx = Context::from_waker(Waker::noop());
    /// assert!(work.as_mut().poll(&mut cx).is_pending());
    /// source.cancel();
    /// assert_eq!(work.as_mut().poll(&mut cx), Poll::Ready(None));
    /// ```
    pub async fn run_until_cancelled_owned<F: Future>(self, fut: F) -> Option<F::Output> {
        self.run_until_cancelled(fut).await
    }
}

/// Polls `token` for a request on behalf of a future whose waker key is `key`.
fn poll_token(token: &CancelToken, key: &mut Option<Key>, cx: &mut Context<'_>) -> Poll<()> {
    match &token.node {
        Some(node) => node.poll_cancelled(key, cx.waker()),
        None => Poll::Pending,
    }
}

/// Unregisters the waker of a future that completed or is dropped.
fn forget(token: &CancelToken, key: &mut Option<Key>) {
    if let (Some(node), Some(_)) = (&token.node, &key) {
        node.forget_waker(key);
    }
}

/// The future of [`CancelToken::cancelled`]: completes when the token is cancelled.
///
/// # Example
///
/// ```
/// fn assert_send<T: Send>(_: &T) {}
/// let token = cancelpool::CancelSource::new().token();
/// let future: cancelpool::cancel::WaitForCancellationFuture<'_> = token.cancelled();
/// assert_send(&future);
/// ```
#[must_use = "futures do nothing unless polled or awaited"]
pub struct WaitForCancellationFuture<'a> {
    token: &'a CancelToken,
    /// The key of our waker in the node, while one is registered.
    key: Option<Key>,
}

impl Future for WaitForCancellationFuture<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        poll_token(this.token, &mut this.key, cx)
    }
}

impl Drop for WaitForCancellationFuture<'_> {
    fn drop(&mut self) {
        forget(self.token, &mut self.key);
    }
}

impl fmt::Debug for WaitForCancellationFuture<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaitForCancellationFuture")
            .field("cancelled", &self.token.is_cancelled())
            .finish()
    }
}

/// The future of [`CancelToken::cancelled_owned`]: completes when the token is
/// cancelled, and owns the token.
///
/// # Example
///
/// ```
/// fn assert_static_send<T: Send + 'static>(_: &T) {}
/// let future = cancelpool::CancelSource::new().token().cancelled_owned();
/// assert_static_send(&future);
/// ```
#[must_use = "futures do nothing unless polled or awaited"]
pub struct WaitForCancellationFutureOwned {
    token: CancelToken,
    /// The key of our waker in the node, while one is registered.
    key: Option<Key>,
}

impl Future for WaitForCancellationFutureOwned {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        poll_token(&this.token, &mut this.key, cx)
    }
}

impl Drop for WaitForCancellationFutureOwned {
    fn drop(&mut self) {
        forget(&self.token, &mut self.key);
    }
}

impl fmt::Debug for WaitForCancellationFutureOwned {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaitForCancellationFutureOwned")
            .field("cancelled", &self.token.is_cancelled())
            .finish()
    }
}

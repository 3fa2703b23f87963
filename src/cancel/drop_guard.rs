//! Cancel-on-drop guards for a source, under tokio-util's names: [`DropGuard`] owns the
//! source, [`DropGuardRef`] borrows it; `disarm()` gives it back without cancelling.

use std::fmt;

use super::token::{CancelSource, CancelToken};

impl CancelSource {
    /// A guard that cancels this source when dropped, unless it is
    /// [disarmed](DropGuard::disarm) first (tokio-util's `drop_guard`).
    ///
    /// # Example
    ///
    /// ```
    /// let source = cancelpool::CancelSource::new();
    /// let token = source.token();
    /// {
    ///     let _guard = source.drop_guard();
    ///     assert!(!token.is_cancelled());
    /// } // an early return or a panic here cancels too
    /// assert!(token.is_cancelled());
    /// ```
    pub fn drop_guard(self) -> DropGuard {
        DropGuard { source: Some(self) }
    }

    /// [`drop_guard`](Self::drop_guard) borrowing the source instead of owning it.
    ///
    /// # Example
    ///
    /// ```
    /// let source = cancelpool::CancelSource::new();
    /// let guard = source.drop_guard_ref();
    /// let source_again = guard.disarm();
    /// assert!(!source_again.is_cancelled());
    /// drop(source.drop_guard_ref());
    /// assert!(source.is_cancelled());
    /// ```
    pub fn drop_guard_ref(&self) -> DropGuardRef<'_> {
        DropGuardRef {
            source: self,
            armed: true,
        }
    }
}

/// Cancels its source (cause [`Requested`](crate::CancelCause::Requested)) when dropped,
/// unless [`disarm`](Self::disarm)ed: made by [`CancelSource::drop_guard`].
///
/// # Example
///
/// ```
/// let source = cancelpool::CancelSource::new();
/// let token = source.token();
/// let guard = source.drop_guard();
/// assert_eq!(guard.token(), &token);
/// let source = guard.disarm(); // keep it: no cancel
/// drop(source);
/// assert!(!token.is_cancelled());
/// ```
#[must_use = "dropping the guard cancels its source at once"]
pub struct DropGuard {
    /// `None` once disarmed.
    source: Option<CancelSource>,
}

impl DropGuard {
    /// The guarded source's token.
    ///
    /// # Example
    ///
    /// ```
    /// let guard = cancelpool::CancelSource::new().drop_guard();
    /// assert!(!guard.token().is_cancelled());
    /// ```
    pub fn token(&self) -> &CancelToken {
        match &self.source {
            Some(source) => source,
            None => unreachable!("a DropGuard is disarmed only by value"),
        }
    }

    /// Gives the source back without cancelling it.
    ///
    /// # Example
    ///
    /// ```
    /// let guard = cancelpool::CancelSource::new().drop_guard();
    /// let source = guard.disarm();
    /// assert!(!source.is_cancelled());
    /// ```
    pub fn disarm(mut self) -> CancelSource {
        match self.source.take() {
            Some(source) => source,
            None => unreachable!("a DropGuard is disarmed only by value"),
        }
    }
}

impl Drop for DropGuard {
    fn drop(&mut self) {
        if let Some(source) = &self.source {
            source.cancel();
        }
    }
}

impl fmt::Debug for DropGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DropGuard")
            .field("source", &self.source)
            .finish()
    }
}

/// Cancels the borrowed source when dropped, unless [`disarm`](Self::disarm)ed: made by
/// [`CancelSource::drop_guard_ref`].
///
/// # Example
///
/// ```
/// let source = cancelpool::CancelSource::new();
/// let guard = source.drop_guard_ref();
/// assert!(!guard.token().is_cancelled());
/// drop(guard);
/// assert!(source.is_cancelled());
/// ```
#[must_use = "dropping the guard cancels its source at once"]
pub struct DropGuardRef<'a> {
    source: &'a CancelSource,
    /// False once disarmed.
    armed: bool,
}

impl<'a> DropGuardRef<'a> {
    /// The guarded source's token.
    ///
    /// # Example
    ///
    /// ```
    /// let source = cancelpool::CancelSource::new();
    /// let guard = source.drop_guard_ref();
    /// assert_eq!(guard.token(), &source.token());
    /// # guard.disarm();
    /// ```
    pub fn token(&self) -> &CancelToken {
        self.source
    }

    /// Gives the borrowed source back without cancelling it.
    ///
    /// # Example
    ///
    /// ```
    /// let source = cancelpool::CancelSource::new();
    /// let same = source.drop_guard_ref().disarm();
    /// assert!(!same.is_cancelled());
    /// ```
    pub fn disarm(mut self) -> &'a CancelSource {
        self.armed = false;
        self.source
    }
}

impl Drop for DropGuardRef<'_> {
    fn drop(&mut self) {
        if self.armed {
            self.source.cancel();
        }
    }
}

impl fmt::Debug for DropGuardRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DropGuardRef")
            .field("source", self.source)
            .finish()
    }
}

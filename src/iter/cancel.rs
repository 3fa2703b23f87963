//! `with_cancel(&token)`: the consumers of a parallel iterator, cancellable.
//!
//! The check itself lives in `stop.rs`; this is the public face. A call:
//!
//! 1. returns `Err(Cancelled)` at once, running no item, if the token is already
//!    cancelled and cancellation is enabled in the calling job;
//! 2. otherwise runs like the plain consumer, every piece watching the token between
//!    items and installing it as the current job token;
//! 3. returns `Err(Cancelled)` iff some piece stopped for the request, whatever it had
//!    computed (dropped); a request that came after every piece had finished does not
//!    discard the finished work (`stop.rs`, protocol step 4). A short-circuiting
//!    consumer that found its answer returns it.

use super::find::{self, Parent};
use super::reduce::{
    self, CountOp, ForEach, MaxByKeyOp, MaxOp, MinByKeyOp, MinOp, ProductOp, ReduceOp, SumOp,
};
use super::stop::StopState;
use super::{
    Enumerate, Filter, Fold, FromParallelIterator, IndexedParallelIterator, IntoParallelIterator,
    Map, MaxLen, MinLen, ParallelIterator, Zip,
};
use crate::{CancelToken, Cancelled};

/// A parallel iterator whose consumers can be cancelled; made by
/// [`ParallelIterator::with_cancel`].
///
/// It has the adapters and consumers of [`ParallelIterator`] (and of
/// [`IndexedParallelIterator`] when the inner iterator is indexed); adapters keep the
/// token, and consumers return `Result<R, Cancelled>`:
///
/// - `Err(Cancelled)` at once, without running any item, if the token is cancelled when
///   the call starts (and cancellation is enabled in the calling job, C4);
/// - `Err(Cancelled)` if a request arrives while it runs: every piece checks the token
///   between two items (one atomic load) and stops; items already running finish first,
///   or notice earlier through [`checkpoint()`](crate::checkpoint), since the token is
///   the current job token while a piece runs;
/// - `Ok(r)` otherwise: all items ran.
///
/// A call made while cancellation is disabled runs every item (C5).
///
/// While a piece runs, `token` replaces the job's own token as the current one; to stop
/// on either the job's cancellation or your own, pass a child of the job's token,
/// `CancelSource::child_of(&cancelpool::current_token())`.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
/// use cancelpool::{CancelSource, Cancelled};
/// use std::sync::atomic::{AtomicUsize, Ordering};
///
/// let source = CancelSource::new();
/// let token = source.token();
/// let done = AtomicUsize::new(0);
/// let result = (0..1_000_000u32).into_par_iter().with_cancel(&token).for_each(|i| {
///     if i == 10 {
///         source.cancel(); // as if from another thread
///     }
///     done.fetch_add(1, Ordering::Relaxed);
/// });
/// assert_eq!(result, Err(Cancelled));
/// assert!(done.into_inner() < 1_000_000);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Clone, Debug)]
pub struct WithCancel<I> {
    base: I,
    token: CancelToken,
}

impl<I: ParallelIterator> WithCancel<I> {
    pub(super) fn new(base: I, token: &CancelToken) -> Self {
        WithCancel {
            base,
            token: token.clone(),
        }
    }

    /// The token the consumers watch.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let source = cancelpool::CancelSource::new();
    /// let iter = (0..10u8).into_par_iter().with_cancel(&source.token());
    /// source.cancel();
    /// assert!(iter.token().is_cancelled());
    /// ```
    pub fn token(&self) -> &CancelToken {
        &self.token
    }

    /// Step 1: cancelled before anything runs.
    fn cancelled_at_start(&self) -> bool {
        self.token.is_cancelled() && crate::cancel_enabled()
    }

    /// Runs a consumer with a cancellable check (steps 1–3).
    fn run<R>(self, consume: impl FnOnce(I, &StopState) -> R) -> Result<R, Cancelled> {
        if self.cancelled_at_start() {
            return Err(Cancelled);
        }
        let stop = StopState::cancellable(&self.token);
        let result = consume(self.base, &stop);
        if stop.was_cancelled() {
            Err(Cancelled)
        } else {
            Ok(result)
        }
    }

    /// Runs a short-circuiting consumer (steps 1–3).
    fn run_short<R>(
        self,
        consume: impl FnOnce(I, Parent<'_>) -> (R, bool),
    ) -> Result<R, Cancelled> {
        if self.cancelled_at_start() {
            return Err(Cancelled);
        }
        match consume(self.base, Parent::Cancellable(&self.token)) {
            (_, true) => Err(Cancelled),
            (result, false) => Ok(result),
        }
    }

    fn wrap<J>(self, adapt: impl FnOnce(I) -> J) -> WithCancel<J> {
        WithCancel {
            base: adapt(self.base),
            token: self.token,
        }
    }

    /// [`ParallelIterator::map`], keeping the token.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let token = cancelpool::CancelToken::never();
    /// let v = (0..3u8).into_par_iter().with_cancel(&token).map(|x| x * 2).collect::<Vec<_>>();
    /// assert_eq!(v, Ok(vec![0, 2, 4]));
    /// ```
    pub fn map<F, R>(self, map_op: F) -> WithCancel<Map<I, F>>
    where
        F: Fn(I::Item) -> R + Sync + Send,
        R: Send,
    {
        self.wrap(|base| base.map(map_op))
    }

    /// [`ParallelIterator::filter`], keeping the token.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let token = cancelpool::CancelToken::never();
    /// let n = (0..10u8).into_par_iter().with_cancel(&token).filter(|x| x % 2 == 0).count();
    /// assert_eq!(n, Ok(5));
    /// ```
    pub fn filter<P>(self, filter_op: P) -> WithCancel<Filter<I, P>>
    where
        P: Fn(&I::Item) -> bool + Sync + Send,
    {
        self.wrap(|base| base.filter(filter_op))
    }

    /// [`ParallelIterator::fold`], keeping the token.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let token = cancelpool::CancelToken::never();
    /// let total = (1..=100u32)
    ///     .collect::<Vec<_>>()
    ///     .par_iter()
    ///     .with_cancel(&token)
    ///     .fold(|| 0u32, |acc, x| acc + x)
    ///     .reduce(|| 0, |a, b| a + b);
    /// assert_eq!(total, Ok(5050));
    /// ```
    pub fn fold<T, ID, F>(self, identity: ID, fold_op: F) -> WithCancel<Fold<I, ID, F>>
    where
        F: Fn(T, I::Item) -> T + Sync + Send,
        ID: Fn() -> T + Sync + Send,
        T: Send,
    {
        self.wrap(|base| base.fold(identity, fold_op))
    }

    /// [`ParallelIterator::with_min_len`], keeping the token.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let token = cancelpool::CancelToken::never();
    /// let n = (0..100u8).into_par_iter().with_cancel(&token).with_min_len(50).count();
    /// assert_eq!(n, Ok(100));
    /// ```
    pub fn with_min_len(self, min: usize) -> WithCancel<MinLen<I>> {
        self.wrap(|base| base.with_min_len(min))
    }

    /// [`ParallelIterator::with_max_len`], keeping the token.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let token = cancelpool::CancelToken::never();
    /// let n = (0..100u8).into_par_iter().with_cancel(&token).with_max_len(10).count();
    /// assert_eq!(n, Ok(100));
    /// ```
    pub fn with_max_len(self, max: usize) -> WithCancel<MaxLen<I>> {
        self.wrap(|base| base.with_max_len(max))
    }

    /// [`ParallelIterator::for_each`], cancellable.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    /// use cancelpool::{CancelSource, Cancelled};
    ///
    /// let source = CancelSource::new();
    /// source.cancel();
    /// let r = (0..10u8).into_par_iter().with_cancel(&source.token()).for_each(|_| {
    ///     unreachable!("a cancelled call runs no item")
    /// });
    /// assert_eq!(r, Err(Cancelled));
    /// ```
    pub fn for_each<OP>(self, op: OP) -> Result<(), Cancelled>
    where
        OP: Fn(I::Item) + Sync + Send,
    {
        self.run(|base, stop| reduce::run(base, &ForEach(op), stop))
    }

    /// [`ParallelIterator::sum`], cancellable.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let token = cancelpool::CancelToken::never();
    /// assert_eq!((0..10u64).into_par_iter().with_cancel(&token).sum::<u64>(), Ok(45));
    /// ```
    pub fn sum<S>(self) -> Result<S, Cancelled>
    where
        S: Send + std::iter::Sum<I::Item> + std::iter::Sum<S>,
    {
        self.run(|base, stop| reduce::run(base, &SumOp::new(), stop))
    }

    /// [`ParallelIterator::product`], cancellable.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let token = cancelpool::CancelToken::never();
    /// assert_eq!((1..5u64).into_par_iter().with_cancel(&token).product::<u64>(), Ok(24));
    /// ```
    pub fn product<P>(self) -> Result<P, Cancelled>
    where
        P: Send + std::iter::Product<I::Item> + std::iter::Product<P>,
    {
        self.run(|base, stop| reduce::run(base, &ProductOp::new(), stop))
    }

    /// [`ParallelIterator::reduce`], cancellable.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let token = cancelpool::CancelToken::never();
    /// let max = (0..10i32).into_par_iter().with_cancel(&token).reduce(|| i32::MIN, i32::max);
    /// assert_eq!(max, Ok(9));
    /// ```
    pub fn reduce<OP, ID>(self, identity: ID, op: OP) -> Result<I::Item, Cancelled>
    where
        OP: Fn(I::Item, I::Item) -> I::Item + Sync + Send,
        ID: Fn() -> I::Item + Sync + Send,
    {
        self.run(|base, stop| reduce::run(base, &ReduceOp { identity, op }, stop))
    }

    /// [`ParallelIterator::count`], cancellable.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let token = cancelpool::CancelToken::never();
    /// assert_eq!((0..10u8).into_par_iter().with_cancel(&token).count(), Ok(10));
    /// ```
    pub fn count(self) -> Result<usize, Cancelled> {
        self.run(|base, stop| reduce::run(base, &CountOp, stop))
    }

    /// [`ParallelIterator::min`], cancellable.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let token = cancelpool::CancelToken::never();
    /// assert_eq!([4, 2, 8].par_iter().with_cancel(&token).min(), Ok(Some(&2)));
    /// ```
    pub fn min(self) -> Result<Option<I::Item>, Cancelled>
    where
        I::Item: Ord,
    {
        self.run(|base, stop| reduce::run(base, &MinOp, stop))
    }

    /// [`ParallelIterator::max`], cancellable.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let token = cancelpool::CancelToken::never();
    /// assert_eq!([4, 2, 8].par_iter().with_cancel(&token).max(), Ok(Some(&8)));
    /// ```
    pub fn max(self) -> Result<Option<I::Item>, Cancelled>
    where
        I::Item: Ord,
    {
        self.run(|base, stop| reduce::run(base, &MaxOp, stop))
    }

    /// [`ParallelIterator::min_by_key`], cancellable.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let token = cancelpool::CancelToken::never();
    /// let r = [-3i32, 1, -2].par_iter().with_cancel(&token).min_by_key(|x| x.abs());
    /// assert_eq!(r, Ok(Some(&1)));
    /// ```
    pub fn min_by_key<K, F>(self, f: F) -> Result<Option<I::Item>, Cancelled>
    where
        K: Ord + Send,
        F: Fn(&I::Item) -> K + Sync + Send,
    {
        self.run(|base, stop| reduce::run(base, &MinByKeyOp(f), stop).map(|(_, item)| item))
    }

    /// [`ParallelIterator::max_by_key`], cancellable.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let token = cancelpool::CancelToken::never();
    /// let r = [-3i32, 1, -2].par_iter().with_cancel(&token).max_by_key(|x| x.abs());
    /// assert_eq!(r, Ok(Some(&-3)));
    /// ```
    pub fn max_by_key<K, F>(self, f: F) -> Result<Option<I::Item>, Cancelled>
    where
        K: Ord + Send,
        F: Fn(&I::Item) -> K + Sync + Send,
    {
        self.run(|base, stop| reduce::run(base, &MaxByKeyOp(f), stop).map(|(_, item)| item))
    }

    /// [`ParallelIterator::collect`], cancellable; on `Err` the items collected so far
    /// are dropped.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let token = cancelpool::CancelToken::never();
    /// let v: Result<Vec<u8>, _> = (0..4u8).into_par_iter().with_cancel(&token).collect();
    /// assert_eq!(v, Ok(vec![0, 1, 2, 3]));
    /// ```
    pub fn collect<C>(self) -> Result<C, Cancelled>
    where
        C: FromParallelIterator<I::Item>,
    {
        self.run(|base, stop| C::from_par_iter_with(base, stop))
    }

    /// [`ParallelIterator::any`], cancellable: `Ok(true)` if an item was found, even if
    /// a request came meanwhile.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let token = cancelpool::CancelToken::never();
    /// assert_eq!((0..100u32).into_par_iter().with_cancel(&token).any(|x| x == 42), Ok(true));
    /// ```
    pub fn any<P>(self, predicate: P) -> Result<bool, Cancelled>
    where
        P: Fn(I::Item) -> bool + Sync + Send,
    {
        self.run_short(|base, parent| find::any(base, predicate, parent))
    }

    /// [`ParallelIterator::all`], cancellable.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let token = cancelpool::CancelToken::never();
    /// assert_eq!((0..100u32).into_par_iter().with_cancel(&token).all(|x| x < 50), Ok(false));
    /// ```
    pub fn all<P>(self, predicate: P) -> Result<bool, Cancelled>
    where
        P: Fn(I::Item) -> bool + Sync + Send,
    {
        self.run_short(|base, parent| find::all(base, predicate, parent))
    }

    /// [`ParallelIterator::find_any`], cancellable: `Ok(Some(item))` if an item was
    /// found, even if a request came meanwhile.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let token = cancelpool::CancelToken::never();
    /// let r = (0..100u32).into_par_iter().with_cancel(&token).find_any(|&x| x == 42);
    /// assert_eq!(r, Ok(Some(42)));
    /// ```
    pub fn find_any<P>(self, predicate: P) -> Result<Option<I::Item>, Cancelled>
    where
        P: Fn(&I::Item) -> bool + Sync + Send,
    {
        self.run_short(|base, parent| find::find_any(base, predicate, parent))
    }
}

impl<I: IndexedParallelIterator> WithCancel<I> {
    /// [`IndexedParallelIterator::enumerate`], keeping the token.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let token = cancelpool::CancelToken::never();
    /// let v: Result<Vec<_>, _> = (5..7u8).into_par_iter().with_cancel(&token).enumerate().collect();
    /// assert_eq!(v, Ok(vec![(0, 5), (1, 6)]));
    /// ```
    pub fn enumerate(self) -> WithCancel<Enumerate<I>> {
        self.wrap(|base| base.enumerate())
    }

    /// [`IndexedParallelIterator::zip`], keeping the token.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let token = cancelpool::CancelToken::never();
    /// let a = [1, 2];
    /// let dot = a.par_iter().with_cancel(&token).zip(&[3, 4]).map(|(x, y)| x * y).sum::<i32>();
    /// assert_eq!(dot, Ok(11));
    /// ```
    pub fn zip<Z>(self, other: Z) -> WithCancel<Zip<I, Z::Iter>>
    where
        Z: IntoParallelIterator,
        Z::Iter: IndexedParallelIterator,
    {
        self.wrap(|base| base.zip(other))
    }

    /// [`IndexedParallelIterator::position_any`], cancellable.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let token = cancelpool::CancelToken::never();
    /// let r = [7, 8, 9].par_iter().with_cancel(&token).position_any(|&x| x == 9);
    /// assert_eq!(r, Ok(Some(2)));
    /// ```
    pub fn position_any<P>(self, predicate: P) -> Result<Option<usize>, Cancelled>
    where
        P: Fn(I::Item) -> bool + Sync + Send,
    {
        self.run_short(|base, parent| find::position_any(base, predicate, parent))
    }
}

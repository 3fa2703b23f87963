//! Short-circuiting consumers: `find_any`, `any`, `all`, `position_any`.
//!
//! Each call watches a fresh child token (`stop.rs`, protocol step 1). The piece that
//! finds an answer cancels it, so the other pieces stop before their next item, and an
//! item closure still running sees the request through `cancelpool::checkpoint()` and can
//! give up early too (an answer to rayon issue 1067).

use super::reduce::{self, PieceOp};
use super::stop::StopState;
use super::{IndexedParallelIterator, ParallelIterator};
use crate::CancelToken;

/// `find_any(pred)`: the first match of a piece ends it and stops the others.
struct FindOp<'s, P> {
    pred: P,
    stop: &'s StopState,
}

impl<T, P> PieceOp<T> for FindOp<'_, P>
where
    T: Send,
    P: Fn(&T) -> bool + Sync,
{
    type Acc = Option<T>;

    fn identity(&self) -> Option<T> {
        None
    }

    #[inline]
    fn fold_iter<I: Iterator<Item = T>>(&self, acc: Option<T>, mut iter: I) -> Option<T> {
        if acc.is_some() {
            return acc;
        }
        let found = iter.find(|item| (self.pred)(item));
        if found.is_some() {
            self.stop.found();
        }
        found
    }

    fn combine(&self, left: Option<T>, right: Option<T>) -> Option<T> {
        left.or(right)
    }
}

/// The watched token of a call: the user's (`with_cancel`) or the current job's.
pub(crate) enum Parent<'t> {
    /// `with_cancel(token)`: a request on `token` stops the call.
    Cancellable(&'t CancelToken),
    /// A plain call: only an answer stops it.
    Plain,
}

impl Parent<'_> {
    fn stop_state(&self) -> StopState {
        match self {
            Parent::Cancellable(token) => StopState::short_circuit(token, true),
            Parent::Plain => StopState::short_circuit(&crate::current_token(), false),
        }
    }
}

/// Runs `find_any`; also returns the call's state, which tells whether a piece stopped for
/// a cancel request.
pub(crate) fn find_any<I, P>(iter: I, pred: P, parent: Parent<'_>) -> (Option<I::Item>, bool)
where
    I: ParallelIterator,
    P: Fn(&I::Item) -> bool + Sync,
{
    let stop = parent.stop_state();
    let op = FindOp { pred, stop: &stop };
    let found = reduce::run(iter, &op, &stop);
    let cancelled = found.is_none() && stop.was_cancelled();
    (found, cancelled)
}

/// `any(pred)`.
pub(crate) fn any<I, P>(iter: I, pred: P, parent: Parent<'_>) -> (bool, bool)
where
    I: ParallelIterator,
    P: Fn(I::Item) -> bool + Sync + Send,
{
    let (found, cancelled) = find_any(iter.map(pred), |&hit| hit, parent);
    (found.is_some(), cancelled)
}

/// `all(pred)`.
pub(crate) fn all<I, P>(iter: I, pred: P, parent: Parent<'_>) -> (bool, bool)
where
    I: ParallelIterator,
    P: Fn(I::Item) -> bool + Sync + Send,
{
    let (found, cancelled) = find_any(iter.map(pred), |&ok| !ok, parent);
    (found.is_none(), cancelled)
}

/// `position_any(pred)`.
pub(crate) fn position_any<I, P>(iter: I, pred: P, parent: Parent<'_>) -> (Option<usize>, bool)
where
    I: IndexedParallelIterator,
    P: Fn(I::Item) -> bool + Sync + Send,
{
    let hits = iter.enumerate().map(|(i, item)| (i, pred(item)));
    let (found, cancelled) = find_any(hits, |&(_, hit)| hit, parent);
    (found.map(|(i, _)| i), cancelled)
}

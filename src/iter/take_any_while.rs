//! `take_any_while`: items while a predicate holds, from any piece. A gated adapter
//! (`short.rs`): the first item that fails it stops every piece, and cancels a child
//! token that the items still being made before the adapter see at their `checkpoint()`.

use std::fmt;

use super::ParallelIterator;
use super::cancel::{CancelCheck, cancellable_adapter};
use super::plumbing::UnindexedConsumer;
use super::short::{Gate, Stop, drive_gated, drive_gated_checked};

/// Items while a predicate holds: once some piece meets an item that fails it, no piece
/// passes on any more; made by [`ParallelIterator::take_any_while`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let small: Vec<u32> = (0..100u32).into_par_iter().take_any_while(|&x| x < 10).collect();
/// assert!(small.iter().all(|&x| x < 10));
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Clone)]
pub struct TakeAnyWhile<I, P> {
    base: I,
    predicate: P,
}

impl<I: fmt::Debug, P> fmt::Debug for TakeAnyWhile<I, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TakeAnyWhile")
            .field("base", &self.base)
            .finish()
    }
}

impl<I, P> TakeAnyWhile<I, P> {
    pub(super) fn new(base: I, predicate: P) -> Self {
        TakeAnyWhile { base, predicate }
    }
}

impl<I, P> ParallelIterator for TakeAnyWhile<I, P>
where
    I: ParallelIterator,
    P: Fn(&I::Item) -> bool + Sync + Send,
{
    type Item = I::Item;

    fn drive_unindexed<C>(self, consumer: C) -> C::Result
    where
        C: UnindexedConsumer<I::Item>,
    {
        drive_gated(self.base, &WhileGate(self.predicate), consumer)
    }

    fn drive_checked<C>(self, consumer: C, check: CancelCheck<'_>) -> C::Result
    where
        C: UnindexedConsumer<I::Item>,
    {
        drive_gated_checked(self.base, &WhileGate(self.predicate), consumer, check)
    }
}

cancellable_adapter!(TakeAnyWhile<I, P>, base: I);

/// Admits items while the predicate holds.
struct WhileGate<P>(P);

impl<T, P> Gate<T> for WhileGate<P>
where
    P: Fn(&T) -> bool + Sync,
{
    type Out = T;

    #[inline]
    fn admit(&self, item: T, stop: &Stop) -> Option<T> {
        if (self.0)(&item) {
            Some(item)
        } else {
            stop.set();
            None
        }
    }
}

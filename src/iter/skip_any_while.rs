//! `skip_any_while`: drops items while a predicate holds, from any piece; once some piece
//! meets an item that fails it, every piece passes on every item from then on. It never
//! stops early: every item after that one is wanted.

use std::fmt;

use super::ParallelIterator;
use super::cancel::{CancelCheck, cancellable_adapter};
use super::plumbing::{Consumer, Folder, UnindexedConsumer};
use crate::sync::atomic::{AtomicBool, Ordering};

/// Drops items while a predicate holds; once some piece meets an item that fails it, the
/// items from then on are kept (and items before it in other pieces may be kept too);
/// made by [`ParallelIterator::skip_any_while`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let v: Vec<u32> = (0..100u32).into_par_iter().skip_any_while(|&x| x < 90).collect();
/// assert!((90..100).all(|x| v.contains(&x)), "every item that fails is kept");
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Clone)]
pub struct SkipAnyWhile<I, P> {
    base: I,
    predicate: P,
}

impl<I: fmt::Debug, P> fmt::Debug for SkipAnyWhile<I, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SkipAnyWhile")
            .field("base", &self.base)
            .finish()
    }
}

impl<I, P> SkipAnyWhile<I, P> {
    pub(super) fn new(base: I, predicate: P) -> Self {
        SkipAnyWhile { base, predicate }
    }
}

impl<I, P> ParallelIterator for SkipAnyWhile<I, P>
where
    I: ParallelIterator,
    P: Fn(&I::Item) -> bool + Sync + Send,
{
    type Item = I::Item;

    fn drive_unindexed<C>(self, consumer: C) -> C::Result
    where
        C: UnindexedConsumer<I::Item>,
    {
        let skipping = AtomicBool::new(true);
        self.base.drive_unindexed(SkipAnyWhileConsumer {
            base: consumer,
            predicate: &self.predicate,
            skipping: &skipping,
        })
    }

    fn drive_checked<C>(self, consumer: C, check: CancelCheck<'_>) -> C::Result
    where
        C: UnindexedConsumer<I::Item>,
    {
        let skipping = AtomicBool::new(true);
        let consumer = SkipAnyWhileConsumer {
            base: consumer,
            predicate: &self.predicate,
            skipping: &skipping,
        };
        self.base.drive_checked(consumer, check)
    }
}

cancellable_adapter!(SkipAnyWhile<I, P>, base: I);

/// Whether to drop `item`: the call still skips and the predicate holds. An item that
/// fails it ends the skipping everywhere.
#[inline]
fn skip<T>(item: &T, skipping: &AtomicBool, predicate: &impl Fn(&T) -> bool) -> bool {
    // Relaxed: the flag only decides which items pass; it publishes nothing.
    if !skipping.load(Ordering::Relaxed) {
        return false;
    }
    if predicate(item) {
        return true;
    }
    skipping.store(false, Ordering::Relaxed);
    false
}

struct SkipAnyWhileConsumer<'p, C, P> {
    base: C,
    predicate: &'p P,
    skipping: &'p AtomicBool,
}

impl<'p, T, C, P> Consumer<T> for SkipAnyWhileConsumer<'p, C, P>
where
    C: Consumer<T>,
    P: Fn(&T) -> bool + Sync,
{
    type Folder = SkipAnyWhileFolder<'p, C::Folder, P>;
    type Reducer = C::Reducer;
    type Result = C::Result;

    fn split_at(self, index: usize) -> (Self, Self, C::Reducer) {
        let (left, right, reducer) = self.base.split_at(index);
        (
            SkipAnyWhileConsumer { base: left, ..self },
            SkipAnyWhileConsumer {
                base: right,
                ..self
            },
            reducer,
        )
    }

    fn into_folder(self) -> Self::Folder {
        SkipAnyWhileFolder {
            base: self.base.into_folder(),
            predicate: self.predicate,
            skipping: self.skipping,
        }
    }

    fn full(&self) -> bool {
        self.base.full()
    }
}

impl<T, C, P> UnindexedConsumer<T> for SkipAnyWhileConsumer<'_, C, P>
where
    C: UnindexedConsumer<T>,
    P: Fn(&T) -> bool + Sync,
{
    fn split_off_left(&self) -> Self {
        SkipAnyWhileConsumer {
            base: self.base.split_off_left(),
            predicate: self.predicate,
            skipping: self.skipping,
        }
    }

    fn to_reducer(&self) -> C::Reducer {
        self.base.to_reducer()
    }
}

struct SkipAnyWhileFolder<'p, F, P> {
    base: F,
    predicate: &'p P,
    skipping: &'p AtomicBool,
}

impl<T, F, P> Folder<T> for SkipAnyWhileFolder<'_, F, P>
where
    F: Folder<T>,
    P: Fn(&T) -> bool,
{
    type Result = F::Result;

    fn consume(mut self, item: T) -> Self {
        if !skip(&item, self.skipping, self.predicate) {
            self.base = self.base.consume(item);
        }
        self
    }

    fn consume_iter<I: IntoIterator<Item = T>>(mut self, iter: I) -> Self {
        let (skipping, predicate) = (self.skipping, self.predicate);
        self.base = self.base.consume_iter(
            iter.into_iter()
                .skip_while(|item| skip(item, skipping, predicate)),
        );
        self
    }

    fn complete(self) -> F::Result {
        self.base.complete()
    }

    fn full(&self) -> bool {
        self.base.full()
    }
}

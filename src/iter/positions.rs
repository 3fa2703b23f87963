//! `positions`: the indices of the items a predicate accepts. Its base is indexed, so it
//! drives the base with an indexed consumer that knows where each piece starts; the
//! indices it passes on are unindexed (their number is unknown until it runs).

use std::fmt;

use super::cancel::{CancelCheck, bridge_checked, cancellable_adapter};
use super::plumbing::{Consumer, Folder, UnindexedConsumer};
use super::{IndexedParallelIterator, ParallelIterator};

/// The indices of the items that satisfy a predicate, in order; made by
/// [`IndexedParallelIterator::positions`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let text = "a,b,,c";
/// let commas: Vec<usize> = text.as_bytes().par_iter().positions(|&b| b == b',').collect();
/// assert_eq!(commas, [1, 3, 4]);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Clone)]
pub struct Positions<I, P> {
    base: I,
    predicate: P,
}

impl<I: fmt::Debug, P> fmt::Debug for Positions<I, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Positions")
            .field("base", &self.base)
            .finish()
    }
}

impl<I, P> Positions<I, P> {
    pub(super) fn new(base: I, predicate: P) -> Self {
        Positions { base, predicate }
    }
}

impl<I, P> ParallelIterator for Positions<I, P>
where
    I: IndexedParallelIterator,
    P: Fn(I::Item) -> bool + Sync + Send,
{
    type Item = usize;

    fn drive_unindexed<C>(self, consumer: C) -> C::Result
    where
        C: UnindexedConsumer<usize>,
    {
        self.base
            .drive(PositionsConsumer::new(consumer, &self.predicate, 0))
    }

    fn drive_checked<C>(self, consumer: C, check: CancelCheck<'_>) -> C::Result
    where
        C: UnindexedConsumer<usize>,
    {
        let consumer = PositionsConsumer::new(consumer, &self.predicate, 0);
        bridge_checked(self.base, consumer, check)
    }
}

cancellable_adapter!(Positions<I, P>, base: I);

/// Knows the index of its first position (`offset`).
struct PositionsConsumer<'p, C, P> {
    base: C,
    predicate: &'p P,
    offset: usize,
}

impl<'p, C, P> PositionsConsumer<'p, C, P> {
    fn new(base: C, predicate: &'p P, offset: usize) -> Self {
        PositionsConsumer {
            base,
            predicate,
            offset,
        }
    }
}

impl<'p, T, C, P> Consumer<T> for PositionsConsumer<'p, C, P>
where
    C: Consumer<usize>,
    P: Fn(T) -> bool + Sync,
{
    type Folder = PositionsFolder<'p, C::Folder, P>;
    type Reducer = C::Reducer;
    type Result = C::Result;

    fn split_at(self, index: usize) -> (Self, Self, C::Reducer) {
        let (left, right, reducer) = self.base.split_at(index);
        (
            PositionsConsumer::new(left, self.predicate, self.offset),
            PositionsConsumer::new(right, self.predicate, self.offset + index),
            reducer,
        )
    }

    fn into_folder(self) -> Self::Folder {
        PositionsFolder {
            base: self.base.into_folder(),
            predicate: self.predicate,
            next: self.offset,
        }
    }

    fn full(&self) -> bool {
        self.base.full()
    }
}

struct PositionsFolder<'p, F, P> {
    base: F,
    predicate: &'p P,
    /// The index of the next item.
    next: usize,
}

impl<T, F, P> Folder<T> for PositionsFolder<'_, F, P>
where
    F: Folder<usize>,
    P: Fn(T) -> bool,
{
    type Result = F::Result;

    fn consume(mut self, item: T) -> Self {
        let index = self.next;
        self.next += 1;
        if (self.predicate)(item) {
            self.base = self.base.consume(index);
        }
        self
    }

    fn consume_iter<I: IntoIterator<Item = T>>(mut self, iter: I) -> Self {
        // Counts the items it pulls: a piece may be fed in several blocks.
        let (predicate, next) = (self.predicate, &mut self.next);
        let indices = iter.into_iter().filter_map(|item| {
            let index = *next;
            *next += 1;
            predicate(item).then_some(index)
        });
        self.base = self.base.consume_iter(indices);
        self
    }

    fn complete(self) -> F::Result {
        self.base.complete()
    }

    fn full(&self) -> bool {
        self.base.full()
    }
}

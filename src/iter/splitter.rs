//! `split(data, splitter)`: a parallel iterator over the pieces that a splitting function
//! cuts `data` into, as deep as the pool wants to split.

use std::fmt;

use super::ParallelIterator;
use super::plumbing::{Folder, UnindexedConsumer, UnindexedProducer, bridge_unindexed};

/// A parallel iterator over the pieces of `data`: `splitter` cuts a piece in two
/// (`(left, Some(right))`) or says it should stay whole (`(piece, None)`), and the pool
/// calls it for as long as it wants more parallelism. Each final piece is one item, in
/// order: the pieces of `left` come before those of `right`.
///
/// # Example
///
/// ```
/// use cancelpool::iter::split;
/// use cancelpool::prelude::*;
///
/// // Sum a range by cutting it in halves until the pieces are short.
/// let total: u64 = split(0..10_000u64, |r| {
///     if r.end - r.start <= 100 {
///         return (r, None);
///     }
///     let mid = r.start + (r.end - r.start) / 2;
///     (r.start..mid, Some(mid..r.end))
/// })
/// .map(|r| r.sum::<u64>())
/// .sum();
/// assert_eq!(total, (0..10_000).sum::<u64>());
/// ```
pub fn split<D, S>(data: D, splitter: S) -> Split<D, S>
where
    D: Send,
    S: Fn(D) -> (D, Option<D>) + Sync,
{
    Split { data, splitter }
}

/// The parallel iterator made by [`split()`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let s: cancelpool::iter::Split<Vec<u8>, _> = cancelpool::iter::split(vec![1, 2, 3], |v| (v, None));
/// assert_eq!(s.collect::<Vec<_>>(), [vec![1, 2, 3]]);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Clone)]
pub struct Split<D, S> {
    data: D,
    splitter: S,
}

impl<D: fmt::Debug, S> fmt::Debug for Split<D, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Split").field("data", &self.data).finish()
    }
}

impl<D, S> ParallelIterator for Split<D, S>
where
    D: Send,
    S: Fn(D) -> (D, Option<D>) + Sync + Send,
{
    type Item = D;

    fn drive_unindexed<C: UnindexedConsumer<D>>(self, consumer: C) -> C::Result {
        bridge_unindexed(
            SplitProducer {
                data: self.data,
                splitter: &self.splitter,
            },
            consumer,
        )
    }
}

/// One piece and the function that cuts it.
struct SplitProducer<'s, D, S> {
    data: D,
    splitter: &'s S,
}

impl<D, S> UnindexedProducer for SplitProducer<'_, D, S>
where
    D: Send,
    S: Fn(D) -> (D, Option<D>) + Sync,
{
    type Item = D;

    fn split(self) -> (Self, Option<Self>) {
        let splitter = self.splitter;
        let (left, right) = splitter(self.data);
        (
            SplitProducer {
                data: left,
                splitter,
            },
            right.map(|data| SplitProducer { data, splitter }),
        )
    }

    fn fold_with<F: Folder<D>>(self, folder: F) -> F {
        folder.consume(self.data)
    }
}

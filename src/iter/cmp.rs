//! `cmp`, `partial_cmp` and `eq` of two indexed iterators: the pairs of the common prefix
//! are compared in parallel (`zip`), the first unequal pair by position decides
//! (`find_first`, so pieces after a difference stop), and if there is none, the lengths
//! do. `eq` needs no order: any unequal pair decides (`all`), and unequal lengths decide
//! before any item runs.

use std::cmp::Ordering;

use super::{IndexedParallelIterator, ParallelIterator};

pub(super) fn cmp<A, B>(a: A, b: B) -> Ordering
where
    A: IndexedParallelIterator,
    B: IndexedParallelIterator<Item = A::Item>,
    A::Item: Ord,
{
    let by_len = a.len().cmp(&b.len());
    a.zip(b)
        .map(|(x, y)| Ord::cmp(&x, &y))
        .find_first(|&order| order != Ordering::Equal)
        .unwrap_or(by_len)
}

pub(super) fn partial_cmp<A, B>(a: A, b: B) -> Option<Ordering>
where
    A: IndexedParallelIterator,
    B: IndexedParallelIterator,
    A::Item: PartialOrd<B::Item>,
{
    let by_len = a.len().cmp(&b.len());
    a.zip(b)
        .map(|(x, y)| PartialOrd::partial_cmp(&x, &y))
        .find_first(|&order| order != Some(Ordering::Equal))
        .unwrap_or(Some(by_len))
}

pub(super) fn eq<A, B>(a: A, b: B) -> bool
where
    A: IndexedParallelIterator,
    B: IndexedParallelIterator,
    A::Item: PartialEq<B::Item>,
{
    a.len() == b.len() && a.zip(b).all(|(x, y)| x == y)
}

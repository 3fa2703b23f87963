//! STUB: to be implemented (issue 15).
use super::IndexedParallelIterator;
use std::cmp::Ordering;
pub(super) fn cmp<A, B>(a: A, b: B) -> Ordering
where
    A: IndexedParallelIterator,
    B: IndexedParallelIterator<Item = A::Item>,
    A::Item: Ord,
{
    let _ = (a, b);
    todo!("cmp")
}
pub(super) fn partial_cmp<A, B>(a: A, b: B) -> Option<Ordering>
where
    A: IndexedParallelIterator,
    B: IndexedParallelIterator,
    A::Item: PartialOrd<B::Item>,
{
    let _ = (a, b);
    todo!("partial_cmp")
}
pub(super) fn eq<A, B>(a: A, b: B) -> bool
where
    A: IndexedParallelIterator,
    B: IndexedParallelIterator,
    A::Item: PartialEq<B::Item>,
{
    let _ = (a, b);
    todo!("eq")
}

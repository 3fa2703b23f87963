//! STUB: to be implemented (issue 15).
use super::ParallelIterator;
pub(super) fn find_first<I: ParallelIterator, P>(iter: I, predicate: P) -> Option<I::Item>
where
    P: Fn(&I::Item) -> bool + Sync + Send,
{
    let _ = (iter, predicate);
    todo!("find_first")
}
pub(super) fn find_last<I: ParallelIterator, P>(iter: I, predicate: P) -> Option<I::Item>
where
    P: Fn(&I::Item) -> bool + Sync + Send,
{
    let _ = (iter, predicate);
    todo!("find_last")
}

//! STUB: to be implemented (issue 15).
use super::ParallelIterator;
use super::private::Try;
pub(super) fn try_reduce<I, T, OP, ID>(iter: I, identity: ID, op: OP) -> I::Item
where
    I: ParallelIterator,
    OP: Fn(T, T) -> I::Item + Sync + Send,
    ID: Fn() -> T + Sync + Send,
    I::Item: Try<Output = T>,
{
    let _ = (iter, identity, op);
    todo!("try_reduce")
}
pub(super) fn try_reduce_with<I, T, OP>(iter: I, op: OP) -> Option<I::Item>
where
    I: ParallelIterator,
    OP: Fn(T, T) -> I::Item + Sync + Send,
    I::Item: Try<Output = T>,
{
    let _ = (iter, op);
    todo!("try_reduce_with")
}

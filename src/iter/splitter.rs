//! STUB: to be implemented (issue 15).
#![allow(dead_code, missing_docs)]
/// STUB
pub fn split<D, S>(data: D, splitter: S) -> Split<D, S>
where
    D: Send,
    S: Fn(D) -> (D, Option<D>) + Sync,
{
    Split { data, splitter }
}
/// STUB
pub struct Split<D, S> {
    data: D,
    splitter: S,
}

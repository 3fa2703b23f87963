//! STUB: to be implemented (issue 15).
#![allow(dead_code, missing_docs)]
use super::ParallelIterator;
/// STUB
pub struct Intersperse<I: ParallelIterator> {
    base: I,
    item: I::Item,
}
impl<I: ParallelIterator> Intersperse<I> {
    pub(super) fn new(base: I, item: I::Item) -> Self {
        Intersperse { base, item }
    }
}

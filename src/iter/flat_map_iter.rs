//! STUB: to be implemented (issue 15).
#![allow(dead_code, missing_docs)]

/// STUB
pub struct FlatMapIter<I, F> {
    base: I,
    map_op: F,
}
impl<I, F> FlatMapIter<I, F> {
    pub(super) fn new(base: I, map_op: F) -> Self {
        FlatMapIter { base, map_op }
    }
}

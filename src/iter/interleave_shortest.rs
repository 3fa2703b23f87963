//! STUB: to be implemented (issue 15).
#![allow(dead_code, missing_docs)]

/// STUB
pub struct InterleaveShortest<I, J> {
    i: I,
    j: J,
}
impl<I, J> InterleaveShortest<I, J> {
    pub(super) fn new(i: I, j: J) -> Self {
        InterleaveShortest { i, j }
    }
}

//! STUB: to be implemented (issue 15).
#![allow(dead_code, missing_docs)]

/// STUB
pub struct Take<I> {
    base: I,
    n: usize,
}
impl<I> Take<I> {
    pub(super) fn new(base: I, n: usize) -> Self {
        Take { base, n }
    }
}

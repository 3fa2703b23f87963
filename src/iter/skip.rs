//! STUB: to be implemented (issue 15).
#![allow(dead_code, missing_docs)]

/// STUB
pub struct Skip<I> {
    base: I,
    n: usize,
}
impl<I> Skip<I> {
    pub(super) fn new(base: I, n: usize) -> Self {
        Skip { base, n }
    }
}

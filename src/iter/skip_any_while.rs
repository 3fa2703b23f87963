//! STUB: to be implemented (issue 15).
#![allow(dead_code, missing_docs)]

/// STUB
pub struct SkipAnyWhile<I, P> {
    base: I,
    predicate: P,
}
impl<I, P> SkipAnyWhile<I, P> {
    pub(super) fn new(base: I, predicate: P) -> Self {
        SkipAnyWhile { base, predicate }
    }
}

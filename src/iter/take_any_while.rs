//! STUB: to be implemented (issue 15).
#![allow(dead_code, missing_docs)]

/// STUB
pub struct TakeAnyWhile<I, P> {
    base: I,
    predicate: P,
}
impl<I, P> TakeAnyWhile<I, P> {
    pub(super) fn new(base: I, predicate: P) -> Self {
        TakeAnyWhile { base, predicate }
    }
}

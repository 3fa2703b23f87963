//! STUB: to be implemented (issue 15).
#![allow(dead_code, missing_docs)]

/// STUB
pub struct Positions<I, P> {
    base: I,
    predicate: P,
}
impl<I, P> Positions<I, P> {
    pub(super) fn new(base: I, predicate: P) -> Self {
        Positions { base, predicate }
    }
}

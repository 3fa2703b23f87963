//! STUB: to be implemented (issue 15).
#![allow(dead_code, missing_docs)]
/// STUB
pub struct MultiZip<T> {
    tuple: T,
}

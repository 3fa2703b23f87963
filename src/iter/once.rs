//! STUB: to be implemented (issue 15).
#![allow(dead_code, missing_docs)]
/// STUB
pub fn once<T: Send>(item: T) -> Once<T> {
    Once { item }
}
/// STUB
pub struct Once<T> {
    item: T,
}

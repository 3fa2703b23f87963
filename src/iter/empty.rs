//! STUB: to be implemented (issue 15).
#![allow(dead_code, missing_docs)]
use std::marker::PhantomData;
/// STUB
pub fn empty<T: Send>() -> Empty<T> {
    Empty {
        marker: PhantomData,
    }
}
/// STUB
pub struct Empty<T> {
    marker: PhantomData<T>,
}

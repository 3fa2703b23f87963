//! STUB: to be implemented (issue 15).
#![allow(dead_code, missing_docs)]

/// STUB
pub struct ExponentialBlocks<I> {
    base: I,
}
impl<I> ExponentialBlocks<I> {
    pub(super) fn new(base: I) -> Self {
        ExponentialBlocks { base }
    }
}

/// STUB
pub struct UniformBlocks<I> {
    base: I,
    block_size: usize,
}
impl<I> UniformBlocks<I> {
    pub(super) fn new(base: I, block_size: usize) -> Self {
        UniformBlocks { base, block_size }
    }
}

//! STUB: `ParallelExtend` for the std collections (issue 15). `Vec`'s is in `collect`.

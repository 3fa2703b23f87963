//! The traits that give slices, `Vec`s, ranges, collections and parallel iterators their
//! parallel methods: `use cancelpool::prelude::*;`.
//!
//! # Example
//!
//! ```
//! use cancelpool::prelude::*;
//!
//! let mut v: Vec<u32> = (0..100).into_par_iter().collect();
//! v.par_iter_mut().for_each(|x| *x *= 2);
//! assert_eq!(v.par_iter().sum::<u32>(), 9900);
//! assert_eq!(v.par_chunks(10).count(), 10);
//! ```

pub use crate::iter::{
    FromParallelIterator, IndexedParallelIterator, IntoParallelIterator, IntoParallelRefIterator,
    IntoParallelRefMutIterator, ParallelDrainFull, ParallelDrainRange, ParallelExtend,
    ParallelIterator,
};
pub use crate::slice::{ParallelSlice, ParallelSliceMut};

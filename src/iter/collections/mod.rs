//! Parallel iterators over the std collections: `into_par_iter()`, `par_iter()`,
//! `par_iter_mut()` and `par_drain()` where rayon has them.
//!
//! Collections that cannot be split in place (hash maps and sets, B-trees, linked
//! lists) first gather their items, or references to them, into a `Vec` — one sequential
//! pass, as in rayon — and run in parallel from there; their iterators know their length
//! (`opt_len`) but are not indexed. `VecDeque` and `BinaryHeap` split in place and are
//! indexed.
//!
//! ```
//! use cancelpool::prelude::*;
//! use std::collections::{BTreeMap, HashSet};
//!
//! let set: HashSet<u32> = (0..100).collect();
//! assert_eq!(set.par_iter().sum::<u32>(), 4950);
//! let map: BTreeMap<u32, char> = [(1, 'a'), (2, 'b')].into_iter().collect();
//! let keys: Vec<u32> = map.par_iter().map(|(k, _)| *k).collect();
//! assert_eq!(keys, [1, 2]);
//! ```

/// Implements `IntoParallelIterator` for `$t` by collecting it into a `Vec` first: the
/// iterator `$iter` wraps that `Vec`'s parallel iterator in its field `inner`.
macro_rules! into_par_vec {
    ($t:ty => $iter:ident<$($i:tt),*>, impl $($args:tt)*) => {
        impl $($args)* $crate::iter::IntoParallelIterator for $t {
            type Item = <$t as IntoIterator>::Item;
            type Iter = $iter<$($i),*>;

            fn into_par_iter(self) -> Self::Iter {
                let items: Vec<Self::Item> = self.into_iter().collect();
                $iter {
                    inner: $crate::iter::IntoParallelIterator::into_par_iter(items),
                }
            }
        }
    };
}

pub mod binary_heap;
pub mod btree_map;
pub mod btree_set;
pub mod hash_map;
pub mod hash_set;
pub mod linked_list;
pub mod vec_deque;

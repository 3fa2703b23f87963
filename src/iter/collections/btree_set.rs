//! Parallel iterators over a `BTreeSet`: by value and `&`, in order for consumers that
//! keep order.
//!
//! ```
//! use cancelpool::prelude::*;
//! use std::collections::BTreeSet;
//!
//! let set: BTreeSet<u32> = [5, 1, 3].into_iter().collect();
//! assert_eq!(set.par_iter().map(|x| x * 2).collect::<Vec<_>>(), [2, 6, 10]);
//! ```

use std::collections::BTreeSet;

use crate::iter::delegate::delegate_iterator;
use crate::vec;

/// A parallel iterator that moves the items out of a `BTreeSet`; made by
/// `into_par_iter()`.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
/// use std::collections::BTreeSet;
///
/// let set: BTreeSet<u8> = [3, 1, 2].into_iter().collect();
/// let iter: cancelpool::collections::btree_set::IntoIter<u8> = set.into_par_iter();
/// assert_eq!(iter.collect::<Vec<_>>(), [1, 2, 3]);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Debug)] // Not `Clone`: std's is not.
pub struct IntoIter<T> {
    inner: vec::IntoIter<T>,
}

into_par_vec!(BTreeSet<T> => IntoIter<T>, impl<T: Send>);
delegate_iterator!(IntoIter<T> => T, impl<T: Send>);

/// A parallel iterator over the items of a `BTreeSet`, by reference; made by
/// `par_iter()`.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
/// use std::collections::BTreeSet;
///
/// let set: BTreeSet<u8> = [3, 1, 2].into_iter().collect();
/// let iter: cancelpool::collections::btree_set::Iter<'_, u8> = set.par_iter();
/// assert_eq!(iter.min(), Some(&1));
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Debug)]
pub struct Iter<'a, T> {
    inner: vec::IntoIter<&'a T>,
}

impl<T> Clone for Iter<'_, T> {
    fn clone(&self) -> Self {
        Iter {
            inner: self.inner.clone(),
        }
    }
}

into_par_vec!(&'a BTreeSet<T> => Iter<'a, T>, impl<'a, T: Sync>);
delegate_iterator!(Iter<'a, T> => &'a T, impl<'a, T: Sync + 'a>);

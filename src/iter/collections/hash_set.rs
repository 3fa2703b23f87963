//! Parallel iterators over a `HashSet`: by value, `&`, and `par_drain()`.
//!
//! ```
//! use cancelpool::prelude::*;
//! use std::collections::HashSet;
//!
//! let set: HashSet<u32> = (1..=10).collect();
//! assert_eq!(set.par_iter().filter(|&&x| x % 2 == 0).count(), 5);
//! ```

use std::collections::HashSet;
use std::marker::PhantomData;

use crate::iter::delegate::delegate_iterator;
use crate::iter::{IntoParallelIterator, ParallelDrainFull};
use crate::vec;

/// A parallel iterator that moves the items out of a `HashSet`; made by
/// `into_par_iter()`.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
/// use std::collections::HashSet;
///
/// let set: HashSet<String> = ["a".to_string(), "b".to_string()].into_iter().collect();
/// let iter: cancelpool::collections::hash_set::IntoIter<String> = set.into_par_iter();
/// assert_eq!(iter.map(|s| s.len()).sum::<usize>(), 2);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Debug)] // Not `Clone`: std's is not.
pub struct IntoIter<T> {
    inner: vec::IntoIter<T>,
}

into_par_vec!(HashSet<T, S> => IntoIter<T>, impl<T: Send, S>);
delegate_iterator!(IntoIter<T> => T, impl<T: Send>);

/// A parallel iterator over the items of a `HashSet`, by reference; made by
/// `par_iter()`.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
/// use std::collections::HashSet;
///
/// let set: HashSet<u8> = (0..4).collect();
/// let iter: cancelpool::collections::hash_set::Iter<'_, u8> = set.par_iter();
/// assert_eq!(iter.max(), Some(&3));
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

into_par_vec!(&'a HashSet<T, S> => Iter<'a, T>, impl<'a, T: Sync, S>);
delegate_iterator!(Iter<'a, T> => &'a T, impl<'a, T: Sync>);

/// A parallel iterator that empties a `HashSet`; made by
/// [`par_drain()`](ParallelDrainFull::par_drain). The set is empty (its capacity kept)
/// as soon as the iterator is made.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
/// use std::collections::HashSet;
///
/// let mut set: HashSet<u8> = (0..4).collect();
/// let drain: cancelpool::collections::hash_set::Drain<'_, u8> = set.par_drain();
/// assert_eq!(drain.count(), 4);
/// assert!(set.is_empty());
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Debug)]
pub struct Drain<'a, T> {
    inner: vec::IntoIter<T>,
    marker: PhantomData<&'a mut HashSet<T>>,
}

impl<'a, T: Send, S> ParallelDrainFull for &'a mut HashSet<T, S> {
    type Iter = Drain<'a, T>;
    type Item = T;

    fn par_drain(self) -> Drain<'a, T> {
        let items: Vec<T> = self.drain().collect();
        Drain {
            inner: items.into_par_iter(),
            marker: PhantomData,
        }
    }
}

delegate_iterator!(Drain<'_, T> => T, impl<T: Send>);

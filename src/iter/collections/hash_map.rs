//! Parallel iterators over a `HashMap`: by value, `&`, `&mut`, and `par_drain()`.
//!
//! ```
//! use cancelpool::prelude::*;
//! use std::collections::HashMap;
//!
//! let mut map: HashMap<&str, u32> = [("a", 1), ("b", 2)].into_iter().collect();
//! map.par_iter_mut().for_each(|(_, v)| *v *= 10);
//! assert_eq!(map.par_iter().map(|(_, v)| v).sum::<u32>(), 30);
//! ```

use std::collections::HashMap;
use std::marker::PhantomData;

use crate::iter::delegate::delegate_iterator;
use crate::iter::{IntoParallelIterator, ParallelDrainFull};
use crate::vec;

/// A parallel iterator that moves the entries out of a `HashMap`; made by
/// `into_par_iter()`.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
/// use std::collections::HashMap;
///
/// let map: HashMap<u8, u8> = (0..4).map(|i| (i, i * i)).collect();
/// let iter: cancelpool::collections::hash_map::IntoIter<u8, u8> = map.into_par_iter();
/// assert_eq!(iter.map(|(_, v)| u32::from(v)).sum::<u32>(), 14);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Debug)] // Not `Clone`: std's is not.
pub struct IntoIter<K, V> {
    inner: vec::IntoIter<(K, V)>,
}

into_par_vec!(HashMap<K, V, S> => IntoIter<K, V>, impl<K: Send, V: Send, S>);
delegate_iterator!(IntoIter<K, V> => (K, V), impl<K: Send, V: Send>);

/// A parallel iterator over the entries of a `HashMap`, by reference; made by
/// `par_iter()`.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
/// use std::collections::HashMap;
///
/// let map: HashMap<u8, u8> = (0..4).map(|i| (i, i * i)).collect();
/// let iter: cancelpool::collections::hash_map::Iter<'_, u8, u8> = map.par_iter();
/// assert_eq!(iter.filter(|(k, _)| **k > 1).count(), 2);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Debug)]
pub struct Iter<'a, K, V> {
    inner: vec::IntoIter<(&'a K, &'a V)>,
}

impl<K, V> Clone for Iter<'_, K, V> {
    fn clone(&self) -> Self {
        Iter {
            inner: self.inner.clone(),
        }
    }
}

into_par_vec!(&'a HashMap<K, V, S> => Iter<'a, K, V>, impl<'a, K: Sync, V: Sync, S>);
delegate_iterator!(Iter<'a, K, V> => (&'a K, &'a V), impl<'a, K: Sync, V: Sync>);

/// A parallel iterator over the entries of a `HashMap`, with mutable values; made by
/// `par_iter_mut()`.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
/// use std::collections::HashMap;
///
/// let mut map: HashMap<u8, u8> = (0..4).map(|i| (i, i)).collect();
/// let iter: cancelpool::collections::hash_map::IterMut<'_, u8, u8> = map.par_iter_mut();
/// iter.for_each(|(_, v)| *v += 1);
/// assert_eq!(map[&3], 4);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Debug)]
pub struct IterMut<'a, K, V> {
    inner: vec::IntoIter<(&'a K, &'a mut V)>,
}

into_par_vec!(&'a mut HashMap<K, V, S> => IterMut<'a, K, V>, impl<'a, K: Sync, V: Send, S>);
delegate_iterator!(IterMut<'a, K, V> => (&'a K, &'a mut V), impl<'a, K: Sync, V: Send>);

/// A parallel iterator that empties a `HashMap`; made by
/// [`par_drain()`](ParallelDrainFull::par_drain). The map is empty (its capacity kept)
/// as soon as the iterator is made.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
/// use std::collections::HashMap;
///
/// let mut map: HashMap<u8, u8> = (0..4).map(|i| (i, i)).collect();
/// let drain: cancelpool::collections::hash_map::Drain<'_, u8, u8> = map.par_drain();
/// assert_eq!(drain.count(), 4);
/// assert!(map.is_empty());
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Debug)]
pub struct Drain<'a, K, V> {
    inner: vec::IntoIter<(K, V)>,
    marker: PhantomData<&'a mut HashMap<K, V>>,
}

impl<'a, K: Send, V: Send, S> ParallelDrainFull for &'a mut HashMap<K, V, S> {
    type Iter = Drain<'a, K, V>;
    type Item = (K, V);

    fn par_drain(self) -> Drain<'a, K, V> {
        let entries: Vec<(K, V)> = self.drain().collect();
        Drain {
            inner: entries.into_par_iter(),
            marker: PhantomData,
        }
    }
}

delegate_iterator!(Drain<'_, K, V> => (K, V), impl<K: Send, V: Send>);

//! Parallel iterators over a `BTreeMap`: by value, `&` and `&mut`, in key order for
//! consumers that keep order.
//!
//! ```
//! use cancelpool::prelude::*;
//! use std::collections::BTreeMap;
//!
//! let map: BTreeMap<u32, u32> = (0..10).map(|i| (i, i * i)).collect();
//! let squares: Vec<u32> = map.par_iter().map(|(_, v)| *v).collect();
//! assert_eq!(squares[3], 9);
//! ```

use std::collections::BTreeMap;

use crate::iter::delegate::delegate_iterator;
use crate::vec;

/// A parallel iterator that moves the entries out of a `BTreeMap`; made by
/// `into_par_iter()`.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
/// use std::collections::BTreeMap;
///
/// let map: BTreeMap<u8, char> = [(2, 'b'), (1, 'a')].into_iter().collect();
/// let iter: cancelpool::collections::btree_map::IntoIter<u8, char> = map.into_par_iter();
/// assert_eq!(iter.collect::<Vec<_>>(), [(1, 'a'), (2, 'b')]);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Debug)] // Not `Clone`: std's is not.
pub struct IntoIter<K, V> {
    inner: vec::IntoIter<(K, V)>,
}

into_par_vec!(BTreeMap<K, V> => IntoIter<K, V>, impl<K: Send, V: Send>);
delegate_iterator!(IntoIter<K, V> => (K, V), impl<K: Send, V: Send>);

/// A parallel iterator over the entries of a `BTreeMap`, by reference; made by
/// `par_iter()`.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
/// use std::collections::BTreeMap;
///
/// let map: BTreeMap<u8, char> = [(2, 'b'), (1, 'a')].into_iter().collect();
/// let iter: cancelpool::collections::btree_map::Iter<'_, u8, char> = map.par_iter();
/// assert_eq!(iter.map(|(_, c)| *c).collect::<String>(), "ab");
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

into_par_vec!(&'a BTreeMap<K, V> => Iter<'a, K, V>, impl<'a, K: Sync, V: Sync>);
delegate_iterator!(Iter<'a, K, V> => (&'a K, &'a V), impl<'a, K: Sync + 'a, V: Sync + 'a>);

/// A parallel iterator over the entries of a `BTreeMap`, with mutable values; made by
/// `par_iter_mut()`.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
/// use std::collections::BTreeMap;
///
/// let mut map: BTreeMap<u8, u8> = (0..4).map(|i| (i, i)).collect();
/// let iter: cancelpool::collections::btree_map::IterMut<'_, u8, u8> = map.par_iter_mut();
/// iter.for_each(|(k, v)| *v += k);
/// assert_eq!(map[&3], 6);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Debug)]
pub struct IterMut<'a, K, V> {
    inner: vec::IntoIter<(&'a K, &'a mut V)>,
}

into_par_vec!(&'a mut BTreeMap<K, V> => IterMut<'a, K, V>, impl<'a, K: Sync, V: Send>);
delegate_iterator!(IterMut<'a, K, V> => (&'a K, &'a mut V), impl<'a, K: Sync + 'a, V: Send + 'a>);

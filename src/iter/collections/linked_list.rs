//! Parallel iterators over a `LinkedList`: by value, `&` and `&mut`, in order for
//! consumers that keep order.
//!
//! ```
//! use cancelpool::prelude::*;
//! use std::collections::LinkedList;
//!
//! let list: LinkedList<u32> = (1..=4).collect();
//! assert_eq!(list.par_iter().product::<u32>(), 24);
//! ```

use std::collections::LinkedList;

use crate::iter::delegate::delegate_iterator;
use crate::vec;

/// A parallel iterator that moves the items out of a `LinkedList`; made by
/// `into_par_iter()`.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
/// use std::collections::LinkedList;
///
/// let list: LinkedList<char> = ['a', 'b'].into_iter().collect();
/// let iter: cancelpool::collections::linked_list::IntoIter<char> = list.into_par_iter();
/// assert_eq!(iter.collect::<String>(), "ab");
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Clone, Debug)]
pub struct IntoIter<T> {
    inner: vec::IntoIter<T>,
}

into_par_vec!(LinkedList<T> => IntoIter<T>, impl<T: Send>);
delegate_iterator!(IntoIter<T> => T, impl<T: Send>);

/// A parallel iterator over the items of a `LinkedList`, by reference; made by
/// `par_iter()`.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
/// use std::collections::LinkedList;
///
/// let list: LinkedList<u8> = (0..4).collect();
/// let iter: cancelpool::collections::linked_list::Iter<'_, u8> = list.par_iter();
/// assert_eq!(iter.map(|x| x * 2).collect::<Vec<_>>(), [0, 2, 4, 6]);
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

into_par_vec!(&'a LinkedList<T> => Iter<'a, T>, impl<'a, T: Sync>);
delegate_iterator!(Iter<'a, T> => &'a T, impl<'a, T: Sync>);

/// A parallel iterator over the items of a `LinkedList`, by mutable reference; made by
/// `par_iter_mut()`.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
/// use std::collections::LinkedList;
///
/// let mut list: LinkedList<u8> = (0..4).collect();
/// let iter: cancelpool::collections::linked_list::IterMut<'_, u8> = list.par_iter_mut();
/// iter.for_each(|x| *x *= 2);
/// assert_eq!(list.into_iter().collect::<Vec<_>>(), [0, 2, 4, 6]);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Debug)]
pub struct IterMut<'a, T> {
    inner: vec::IntoIter<&'a mut T>,
}

into_par_vec!(&'a mut LinkedList<T> => IterMut<'a, T>, impl<'a, T: Send>);
delegate_iterator!(IterMut<'a, T> => &'a mut T, impl<'a, T: Send>);

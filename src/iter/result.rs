//! Parallel iterators over a `Result`: its `Ok` value or nothing, like `Result::iter`.
//!
//! You rarely name these types; `into_par_iter()`, `par_iter()` and `par_iter_mut()`
//! make them. Collecting into a `Result` is in [`FromParallelIterator`]: it stops at the
//! first `Err`.
//!
//! [`FromParallelIterator`]: crate::iter::FromParallelIterator
//!
//! ```
//! use cancelpool::prelude::*;
//!
//! let ok: Result<i32, String> = Ok(3);
//! assert_eq!(ok.par_iter().sum::<i32>(), 3);
//! let err: Result<i32, String> = Err("no".into());
//! assert_eq!(err.into_par_iter().count(), 0);
//! ```

use super::delegate::delegate_indexed_iterator;
use super::{IntoParallelIterator, option};

/// A parallel iterator that moves the `Ok` value out of a `Result`; made by
/// `into_par_iter()`.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let r: Result<String, ()> = Ok("a".to_string());
/// let iter: cancelpool::result::IntoIter<String> = r.into_par_iter();
/// assert_eq!(iter.collect::<Vec<_>>(), ["a"]);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Clone, Debug)]
pub struct IntoIter<T> {
    inner: option::IntoIter<T>,
}

impl<T: Send, E> IntoParallelIterator for Result<T, E> {
    type Item = T;
    type Iter = IntoIter<T>;

    fn into_par_iter(self) -> IntoIter<T> {
        IntoIter {
            inner: self.ok().into_par_iter(),
        }
    }
}

delegate_indexed_iterator!(IntoIter<T> => T, impl<T: Send>);

/// A parallel iterator over a reference to a `Result`'s `Ok` value; made by `par_iter()`.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let r: Result<i32, ()> = Ok(5);
/// let iter: cancelpool::result::Iter<'_, i32> = r.par_iter();
/// assert_eq!(iter.max(), Some(&5));
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Debug)]
pub struct Iter<'a, T> {
    inner: option::IntoIter<&'a T>,
}

impl<T> Clone for Iter<'_, T> {
    fn clone(&self) -> Self {
        Iter {
            inner: self.inner.clone(),
        }
    }
}

impl<'a, T: Sync, E> IntoParallelIterator for &'a Result<T, E> {
    type Item = &'a T;
    type Iter = Iter<'a, T>;

    fn into_par_iter(self) -> Iter<'a, T> {
        Iter {
            inner: self.as_ref().ok().into_par_iter(),
        }
    }
}

delegate_indexed_iterator!(Iter<'a, T> => &'a T, impl<'a, T: Sync>);

/// A parallel iterator over a mutable reference to a `Result`'s `Ok` value; made by
/// `par_iter_mut()`.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let mut r: Result<i32, ()> = Ok(5);
/// let iter: cancelpool::result::IterMut<'_, i32> = r.par_iter_mut();
/// iter.for_each(|x| *x += 1);
/// assert_eq!(r, Ok(6));
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Debug)]
pub struct IterMut<'a, T> {
    inner: option::IntoIter<&'a mut T>,
}

impl<'a, T: Send, E> IntoParallelIterator for &'a mut Result<T, E> {
    type Item = &'a mut T;
    type Iter = IterMut<'a, T>;

    fn into_par_iter(self) -> IterMut<'a, T> {
        IterMut {
            inner: self.as_mut().ok().into_par_iter(),
        }
    }
}

delegate_indexed_iterator!(IterMut<'a, T> => &'a mut T, impl<'a, T: Send>);

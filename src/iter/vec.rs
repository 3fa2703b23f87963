//! The owning parallel iterator of a `Vec`: `vec.into_par_iter()` (`par_iter()` and
//! `par_iter_mut()` on a `Vec` are the slice iterators).
//!
//! # Invariants
//!
//! 1. When the iteration starts, the vector's length is set to 0: from then on it only
//!    owns its buffer, and the items belong to the `DrainProducer`s that split the
//!    buffer, each owning exactly the items of its sub-slice.
//! 2. An item leaves a producer (or its `SliceDrain`) only by `ptr::read` while the
//!    pointer past it moves on, so it is owned once; whatever a producer or drain still
//!    holds when dropped (a piece that stopped early, a panic) is dropped there.

use std::mem;
use std::ptr;

use super::plumbing::{Producer, ProducerCallback};
use super::{IndexedParallelIterator, IntoParallelIterator, ParallelIterator};

/// A parallel iterator that moves the items out of a `Vec`; made by
/// `vec.into_par_iter()`.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let words = vec![String::from("a"), String::from("bc")];
/// let iter: cancelpool::iter::vec::IntoIter<String> = words.into_par_iter();
/// let joined: Vec<String> = iter.map(|s| s + "!").collect();
/// assert_eq!(joined, ["a!", "bc!"]);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Clone, Debug)]
pub struct IntoIter<T> {
    vec: Vec<T>,
}

impl<T: Send> IntoParallelIterator for Vec<T> {
    type Iter = IntoIter<T>;
    type Item = T;

    fn into_par_iter(self) -> IntoIter<T> {
        IntoIter { vec: self }
    }
}

impl<T: Send> ParallelIterator for IntoIter<T> {
    type Item = T;

    fn with_producer<CB>(mut self, callback: CB) -> CB::Output
    where
        CB: ProducerCallback<T>,
    {
        let len = self.vec.len();
        // SAFETY: invariant 1: the items now belong to the producer made below; the
        // vector keeps (and frees on drop) only its buffer.
        unsafe { self.vec.set_len(0) };
        // SAFETY: the buffer holds `len` initialised items (the old length), and nothing
        // else touches it until `self.vec` drops after the callback.
        let slice = unsafe { std::slice::from_raw_parts_mut(self.vec.as_mut_ptr(), len) };
        callback.callback(DrainProducer { slice })
    }

    fn opt_len(&self) -> Option<usize> {
        Some(self.vec.len())
    }
}

impl<T: Send> IndexedParallelIterator for IntoIter<T> {
    fn len(&self) -> usize {
        self.vec.len()
    }
}

/// Owns the items of `slice` (invariant 1).
struct DrainProducer<'a, T> {
    slice: &'a mut [T],
}

impl<'a, T: Send> Producer for DrainProducer<'a, T> {
    type Item = T;
    type IntoIter = SliceDrain<'a, T>;

    fn len(&self) -> usize {
        self.slice.len()
    }

    fn split_at(mut self, index: usize) -> (Self, Self) {
        // Leave `self` empty so that its drop drops nothing.
        let (left, right) = mem::take(&mut self.slice).split_at_mut(index);
        (
            DrainProducer { slice: left },
            DrainProducer { slice: right },
        )
    }

    fn into_iter(mut self) -> SliceDrain<'a, T> {
        SliceDrain {
            iter: mem::take(&mut self.slice).iter_mut(),
        }
    }
}

impl<T> Drop for DrainProducer<'_, T> {
    fn drop(&mut self) {
        // SAFETY: the items of `slice` are ours and still in place (invariant 2).
        unsafe { ptr::drop_in_place(mem::take(&mut self.slice) as *mut [T]) }
    }
}

/// Moves the items of one piece out, in order (invariant 2).
struct SliceDrain<'a, T> {
    iter: std::slice::IterMut<'a, T>,
}

impl<T> Iterator for SliceDrain<'_, T> {
    type Item = T;

    #[inline]
    fn next(&mut self) -> Option<T> {
        // SAFETY: each slot is yielded by `iter` once, so each item is read once; the
        // slots behind `iter` are never dropped in place (invariant 2).
        self.iter.next().map(|slot| unsafe { ptr::read(slot) })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.iter.size_hint()
    }
}

impl<T> Drop for SliceDrain<'_, T> {
    fn drop(&mut self) {
        let rest = mem::take(&mut self.iter).into_slice();
        // SAFETY: the items not yet yielded are ours and in place (invariant 2).
        unsafe { ptr::drop_in_place(rest as *mut [T]) }
    }
}

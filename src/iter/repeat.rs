//! `repeat(x)` (endless clones of `x`) and `repeat_n(x, n)` (`n` of them).

use std::fmt;

use super::cancel::{CancelCheck, bridge_checked};
use super::plumbing::{
    Consumer, Folder, Producer, ProducerCallback, UnindexedConsumer, UnindexedProducer, bridge,
    bridge_unindexed,
};
use super::{IndexedParallelIterator, IntoParallelIterator, ParallelIterator, Zip};

/// A parallel iterator that yields clones of `element` without end, like
/// [`std::iter::repeat`]. Bound it with [`take`](Repeat::take), [`zip`](Repeat::zip) or a
/// short-circuiting consumer.
///
/// # Example
///
/// ```
/// use cancelpool::iter::repeat;
/// use cancelpool::prelude::*;
///
/// let pairs: Vec<(char, i32)> = repeat('x').zip(vec![1, 2]).collect();
/// assert_eq!(pairs, [('x', 1), ('x', 2)]);
/// assert_eq!(repeat(7).find_any(|&x| x == 7), Some(7));
/// ```
pub fn repeat<T: Clone + Send>(element: T) -> Repeat<T> {
    Repeat { element }
}

/// The endless parallel iterator made by [`repeat()`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let r: cancelpool::iter::Repeat<u8> = cancelpool::iter::repeat(1);
/// assert_eq!(r.take(5).sum::<u8>(), 5);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Clone, Debug)]
pub struct Repeat<T> {
    element: T,
}

impl<T: Clone + Send> Repeat<T> {
    /// The first `n` items: [`repeat_n(element, n)`](repeat_n), an indexed iterator.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let v: Vec<&str> = cancelpool::iter::repeat("a").take(3).collect();
    /// assert_eq!(v, ["a", "a", "a"]);
    /// ```
    pub fn take(self, n: usize) -> RepeatN<T> {
        repeat_n(self.element, n)
    }

    /// Pairs a clone of the element with every item of `zip_op`: as many as it has.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let v: Vec<(u8, char)> = cancelpool::iter::repeat(0).zip(['a', 'b']).collect();
    /// assert_eq!(v, [(0, 'a'), (0, 'b')]);
    /// ```
    pub fn zip<Z>(self, zip_op: Z) -> Zip<RepeatN<T>, Z::Iter>
    where
        Z: IntoParallelIterator<Iter: IndexedParallelIterator>,
    {
        let other = zip_op.into_par_iter();
        let n = other.len();
        self.take(n).zip(other)
    }
}

impl<T: Clone + Send> ParallelIterator for Repeat<T> {
    type Item = T;

    fn drive_unindexed<C: UnindexedConsumer<T>>(self, consumer: C) -> C::Result {
        bridge_unindexed(
            RepeatProducer {
                element: self.element,
            },
            consumer,
        )
    }
}

/// An endless supply of clones, split into two endless supplies.
struct RepeatProducer<T> {
    element: T,
}

impl<T: Clone + Send> UnindexedProducer for RepeatProducer<T> {
    type Item = T;

    fn split(self) -> (Self, Option<Self>) {
        let left = RepeatProducer {
            element: self.element.clone(),
        };
        (left, Some(self))
    }

    fn fold_with<F: Folder<T>>(self, folder: F) -> F {
        folder.consume_iter(std::iter::repeat(self.element))
    }
}

/// A parallel iterator that yields `n` clones of an element (the last one is the element
/// itself), like [`std::iter::repeat_n`].
///
/// # Example
///
/// ```
/// use cancelpool::iter::repeat_n;
/// use cancelpool::prelude::*;
///
/// let v: Vec<String> = repeat_n("ab".to_string(), 3).collect();
/// assert_eq!(v, ["ab", "ab", "ab"]);
/// assert_eq!(repeat_n(1, 0).count(), 0);
/// ```
pub fn repeat_n<T: Clone + Send>(element: T, n: usize) -> RepeatN<T> {
    RepeatN {
        inner: RepeatNProducer::new(element, n),
    }
}

/// The old name of [`repeat_n`].
///
/// # Example
///
/// ```
/// #![allow(deprecated)]
/// use cancelpool::prelude::*;
///
/// assert_eq!(cancelpool::iter::repeatn(2, 3).sum::<i32>(), 6);
/// ```
#[deprecated(note = "use `repeat_n`")]
pub fn repeatn<T: Clone + Send>(element: T, n: usize) -> RepeatN<T> {
    repeat_n(element, n)
}

/// The parallel iterator of `n` clones made by [`repeat_n()`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let r: cancelpool::iter::RepeatN<u8> = cancelpool::iter::repeat_n(2, 4);
/// assert_eq!(r.len(), 4);
/// assert_eq!(format!("{r:?}"), "RepeatN { count: 4, element: 2 }");
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Clone)]
pub struct RepeatN<T> {
    inner: RepeatNProducer<T>,
}

impl<T: fmt::Debug> fmt::Debug for RepeatN<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("RepeatN");
        s.field("count", &self.inner.count);
        match &self.inner.element {
            Some(element) => s.field("element", element).finish(),
            None => s.finish_non_exhaustive(),
        }
    }
}

impl<T: Clone + Send> ParallelIterator for RepeatN<T> {
    type Item = T;

    fn drive_unindexed<C: UnindexedConsumer<T>>(self, consumer: C) -> C::Result {
        bridge(self, consumer)
    }

    fn opt_len(&self) -> Option<usize> {
        Some(self.inner.count)
    }

    fn drive_checked<C: UnindexedConsumer<T>>(
        self,
        consumer: C,
        check: CancelCheck<'_>,
    ) -> C::Result {
        bridge_checked(self, consumer, check)
    }
}

impl<T: Clone + Send> IndexedParallelIterator for RepeatN<T> {
    fn len(&self) -> usize {
        self.inner.count
    }

    fn drive<C: Consumer<T>>(self, consumer: C) -> C::Result {
        bridge(self, consumer)
    }

    fn with_producer<CB: ProducerCallback<T>>(self, callback: CB) -> CB::Output {
        callback.callback(self.inner)
    }
}

/// `count` clones of `element`, which is `Some` exactly when `count > 0`: both the
/// producer and the sequential iterator of [`RepeatN`].
#[derive(Clone)]
struct RepeatNProducer<T> {
    element: Option<T>,
    count: usize,
}

impl<T> RepeatNProducer<T> {
    fn new(element: T, count: usize) -> Self {
        RepeatNProducer {
            element: (count > 0).then_some(element),
            count,
        }
    }
}

impl<T: Clone + Send> Producer for RepeatNProducer<T> {
    type Item = T;
    type IntoIter = Self;

    fn into_iter(self) -> Self {
        self
    }

    fn split_at(self, index: usize) -> (Self, Self) {
        assert!(index <= self.count, "repeat_n split past its end");
        let right_count = self.count - index;
        match self.element {
            // Clone only when both halves need the element.
            Some(element) if index > 0 && right_count > 0 => (
                RepeatNProducer::new(element.clone(), index),
                RepeatNProducer::new(element, right_count),
            ),
            element => {
                let (left, right) = if index > 0 {
                    (element, None)
                } else {
                    (None, element)
                };
                (
                    RepeatNProducer {
                        element: left,
                        count: index,
                    },
                    RepeatNProducer {
                        element: right,
                        count: right_count,
                    },
                )
            }
        }
    }
}

impl<T: Clone> Iterator for RepeatNProducer<T> {
    type Item = T;

    #[inline]
    fn next(&mut self) -> Option<T> {
        match self.count {
            0 => None,
            1 => {
                self.count = 0;
                self.element.take()
            }
            _ => {
                self.count -= 1;
                self.element.clone()
            }
        }
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.count, Some(self.count))
    }
}

impl<T: Clone> DoubleEndedIterator for RepeatNProducer<T> {
    #[inline]
    fn next_back(&mut self) -> Option<T> {
        self.next()
    }
}

impl<T: Clone> ExactSizeIterator for RepeatNProducer<T> {}

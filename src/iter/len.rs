//! `with_min_len` / `with_max_len`: bounds on the number of positions in a piece.
//!
//! Both adapters wrap the base producer in one [`BoundedProducer`] that carries a lower
//! and an upper bound; each adapter only tightens its own side.

use super::plumbing::{Folder, Producer, ProducerCallback};
use super::stop::Check;
use super::{IndexedParallelIterator, ParallelIterator};

/// A parallel iterator whose pieces have at least a given number of positions; made by
/// [`ParallelIterator::with_min_len`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// // Pieces of at least 1000 items: at most one piece here, run as one sequential loop.
/// let sum: u64 = (0..1000u64).into_par_iter().with_min_len(1000).sum();
/// assert_eq!(sum, 499_500);
/// ```
#[derive(Clone, Debug)]
pub struct MinLen<I> {
    base: I,
    min: usize,
}

/// A parallel iterator whose pieces have at most a given number of positions (unless a
/// [`with_min_len`](ParallelIterator::with_min_len) asks for more); made by
/// [`ParallelIterator::with_max_len`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// // One piece per item: each of these items is long enough to be a job of its own.
/// let lens: Vec<usize> = ["a", "bb", "ccc"].par_iter().with_max_len(1).map(|s| s.len()).collect();
/// assert_eq!(lens, [1, 2, 3]);
/// ```
#[derive(Clone, Debug)]
pub struct MaxLen<I> {
    base: I,
    max: usize,
}

impl<I> MinLen<I> {
    pub(super) fn new(base: I, min: usize) -> Self {
        MinLen { base, min }
    }
}

impl<I> MaxLen<I> {
    pub(super) fn new(base: I, max: usize) -> Self {
        MaxLen { base, max }
    }
}

/// The two adapters differ only in the bounds they hand to the shared producer.
macro_rules! bounded_iterator {
    ($name:ident, |$this:ident| $bounds:expr) => {
        impl<I: ParallelIterator> ParallelIterator for $name<I> {
            type Item = I::Item;

            fn with_producer<CB>(self, callback: CB) -> CB::Output
            where
                CB: ProducerCallback<I::Item>,
            {
                let $this = &self;
                let bounds = $bounds;
                self.base.with_producer(Callback { callback, bounds })
            }

            fn opt_len(&self) -> Option<usize> {
                self.base.opt_len()
            }
        }

        impl<I: IndexedParallelIterator> IndexedParallelIterator for $name<I> {
            fn len(&self) -> usize {
                self.base.len()
            }
        }
    };
}

bounded_iterator!(MinLen, |this| Bounds {
    min: this.min,
    max: usize::MAX
});
bounded_iterator!(MaxLen, |this| Bounds {
    min: 0,
    max: this.max
});

/// A lower and an upper bound on piece lengths.
#[derive(Clone, Copy)]
struct Bounds {
    min: usize,
    max: usize,
}

struct Callback<CB> {
    callback: CB,
    bounds: Bounds,
}

impl<T, CB: ProducerCallback<T>> ProducerCallback<T> for Callback<CB> {
    type Output = CB::Output;

    fn callback<P>(self, base: P) -> CB::Output
    where
        P: Producer<Item = T>,
    {
        self.callback.callback(BoundedProducer {
            base,
            bounds: self.bounds,
        })
    }
}

struct BoundedProducer<P> {
    base: P,
    bounds: Bounds,
}

impl<P: Producer> Producer for BoundedProducer<P> {
    type Item = P::Item;
    type IntoIter = P::IntoIter;

    fn len(&self) -> usize {
        self.base.len()
    }

    fn split_at(self, index: usize) -> (Self, Self) {
        let (left, right) = self.base.split_at(index);
        let bounds = self.bounds;
        (
            BoundedProducer { base: left, bounds },
            BoundedProducer {
                base: right,
                bounds,
            },
        )
    }

    fn into_iter(self) -> P::IntoIter {
        self.base.into_iter()
    }

    fn min_len(&self) -> usize {
        self.base.min_len().max(self.bounds.min)
    }

    fn max_len(&self) -> usize {
        self.base.max_len().min(self.bounds.max)
    }

    fn fold_with<C, K>(self, folder: C, check: K) -> C
    where
        C: Folder<P::Item>,
        K: Check,
    {
        self.base.fold_with(folder, check)
    }
}

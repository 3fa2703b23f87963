//! `enumerate`: pairs every item with its index. Indexed iterators only.

use super::plumbing::{Folder, Producer, ProducerCallback};
use super::stop::Check;
use super::{IndexedParallelIterator, ParallelIterator};

/// A parallel iterator of `(index, item)` pairs; made by
/// [`IndexedParallelIterator::enumerate`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let pairs: Vec<(usize, &char)> = ['a', 'b'].par_iter().enumerate().collect();
/// assert_eq!(pairs, [(0, &'a'), (1, &'b')]);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Clone, Debug)]
pub struct Enumerate<I> {
    base: I,
}

impl<I> Enumerate<I> {
    pub(super) fn new(base: I) -> Self {
        Enumerate { base }
    }
}

impl<I: IndexedParallelIterator> ParallelIterator for Enumerate<I> {
    type Item = (usize, I::Item);

    fn with_producer<CB>(self, callback: CB) -> CB::Output
    where
        CB: ProducerCallback<Self::Item>,
    {
        self.base.with_producer(Callback { callback })
    }

    fn opt_len(&self) -> Option<usize> {
        Some(self.base.len())
    }
}

impl<I: IndexedParallelIterator> IndexedParallelIterator for Enumerate<I> {
    fn len(&self) -> usize {
        self.base.len()
    }
}

struct Callback<CB> {
    callback: CB,
}

impl<T, CB> ProducerCallback<T> for Callback<CB>
where
    CB: ProducerCallback<(usize, T)>,
{
    type Output = CB::Output;

    fn callback<P>(self, base: P) -> CB::Output
    where
        P: Producer<Item = T>,
    {
        self.callback
            .callback(EnumerateProducer { base, offset: 0 })
    }
}

/// `base` with the index of its first position.
struct EnumerateProducer<P> {
    base: P,
    offset: usize,
}

impl<P: Producer> Producer for EnumerateProducer<P> {
    type Item = (usize, P::Item);
    type IntoIter = std::iter::Zip<std::ops::RangeFrom<usize>, P::IntoIter>;

    fn len(&self) -> usize {
        self.base.len()
    }

    fn split_at(self, index: usize) -> (Self, Self) {
        let (left, right) = self.base.split_at(index);
        (
            EnumerateProducer {
                base: left,
                offset: self.offset,
            },
            EnumerateProducer {
                base: right,
                offset: self.offset + index,
            },
        )
    }

    fn into_iter(self) -> Self::IntoIter {
        (self.offset..).zip(self.base.into_iter())
    }

    fn min_len(&self) -> usize {
        self.base.min_len()
    }

    fn max_len(&self) -> usize {
        self.base.max_len()
    }

    fn fold_with<C, K>(self, folder: C, check: K) -> C
    where
        C: Folder<Self::Item>,
        K: Check,
    {
        let folder = EnumerateFolder {
            base: folder,
            next: self.offset,
        };
        self.base.fold_with(folder, check).base
    }
}

struct EnumerateFolder<C> {
    base: C,
    next: usize,
}

impl<T, C: Folder<(usize, T)>> Folder<T> for EnumerateFolder<C> {
    type Result = C::Result;

    fn consume(self, item: T) -> Self {
        EnumerateFolder {
            base: self.base.consume((self.next, item)),
            next: self.next + 1,
        }
    }

    #[inline]
    fn consume_iter<I>(self, iter: I) -> Self
    where
        I: IntoIterator<Item = T>,
    {
        let mut next = self.next;
        let base = self.base.consume_iter(iter.into_iter().map(|item| {
            let index = next;
            next += 1;
            (index, item)
        }));
        EnumerateFolder { base, next }
    }

    fn complete(self) -> C::Result {
        self.base.complete()
    }
}

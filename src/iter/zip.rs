//! `zip`: pairs the items of two indexed iterators, position by position.

use super::plumbing::{Producer, ProducerCallback};
use super::{IndexedParallelIterator, ParallelIterator};

/// A parallel iterator over pairs of items of two indexed iterators, as long as the
/// shorter; made by [`IndexedParallelIterator::zip`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let a = [1, 2, 3];
/// let b = [10, 20];
/// let sums: Vec<i32> = a.par_iter().zip(&b).map(|(x, y)| x + y).collect();
/// assert_eq!(sums, [11, 22]);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Clone, Debug)]
pub struct Zip<A, B> {
    a: A,
    b: B,
}

impl<A, B> Zip<A, B> {
    pub(super) fn new(a: A, b: B) -> Self {
        Zip { a, b }
    }
}

impl<A, B> ParallelIterator for Zip<A, B>
where
    A: IndexedParallelIterator,
    B: IndexedParallelIterator,
{
    type Item = (A::Item, B::Item);

    fn with_producer<CB>(self, callback: CB) -> CB::Output
    where
        CB: ProducerCallback<Self::Item>,
    {
        let len = self.len();
        self.a.with_producer(CallbackA {
            callback,
            b: self.b,
            len,
        })
    }

    fn opt_len(&self) -> Option<usize> {
        Some(self.len())
    }
}

impl<A, B> IndexedParallelIterator for Zip<A, B>
where
    A: IndexedParallelIterator,
    B: IndexedParallelIterator,
{
    fn len(&self) -> usize {
        self.a.len().min(self.b.len())
    }
}

/// Receives the producer of `a`, then asks `b` for its own.
struct CallbackA<CB, B> {
    callback: CB,
    b: B,
    len: usize,
}

impl<CB, B, TA> ProducerCallback<TA> for CallbackA<CB, B>
where
    B: IndexedParallelIterator,
    CB: ProducerCallback<(TA, B::Item)>,
{
    type Output = CB::Output;

    fn callback<PA>(self, a: PA) -> CB::Output
    where
        PA: Producer<Item = TA>,
    {
        self.b.with_producer(CallbackB {
            callback: self.callback,
            a,
            len: self.len,
        })
    }
}

struct CallbackB<CB, PA> {
    callback: CB,
    a: PA,
    len: usize,
}

impl<CB, PA, TB> ProducerCallback<TB> for CallbackB<CB, PA>
where
    PA: Producer,
    CB: ProducerCallback<(PA::Item, TB)>,
{
    type Output = CB::Output;

    fn callback<PB>(self, b: PB) -> CB::Output
    where
        PB: Producer<Item = TB>,
    {
        self.callback.callback(ZipProducer {
            a: truncate(self.a, self.len),
            b: truncate(b, self.len),
        })
    }
}

/// The first `len` positions of `p`; the rest is dropped.
fn truncate<P: Producer>(p: P, len: usize) -> P {
    if p.len() > len { p.split_at(len).0 } else { p }
}

/// Two producers of the same length, split at the same positions.
struct ZipProducer<A, B> {
    a: A,
    b: B,
}

impl<A: Producer, B: Producer> Producer for ZipProducer<A, B> {
    type Item = (A::Item, B::Item);
    type IntoIter = std::iter::Zip<A::IntoIter, B::IntoIter>;

    fn len(&self) -> usize {
        self.a.len().min(self.b.len())
    }

    fn split_at(self, index: usize) -> (Self, Self) {
        let (a_left, a_right) = self.a.split_at(index);
        let (b_left, b_right) = self.b.split_at(index);
        (
            ZipProducer {
                a: a_left,
                b: b_left,
            },
            ZipProducer {
                a: a_right,
                b: b_right,
            },
        )
    }

    fn into_iter(self) -> Self::IntoIter {
        self.a.into_iter().zip(self.b.into_iter())
    }

    fn min_len(&self) -> usize {
        self.a.min_len().max(self.b.min_len())
    }

    fn max_len(&self) -> usize {
        self.a.max_len().min(self.b.max_len())
    }
}

//! `zip`: pairs the items of two indexed iterators, position by position. A producer
//! adapter over two producers split at the same index.

use std::cmp;
use std::iter;

use super::cancel::{CancelCheck, bridge_checked, cancellable_adapter};
use super::plumbing::{Consumer, Producer, ProducerCallback, UnindexedConsumer, bridge};
use super::{IndexedParallelIterator, ParallelIterator};

/// Pairs the items of two iterators, as long as the shorter; made by
/// [`IndexedParallelIterator::zip`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let v: Vec<(i32, char)> = (1..4).into_par_iter().zip(vec!['a', 'b']).collect();
/// assert_eq!(v, [(1, 'a'), (2, 'b')]);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Debug, Clone)]
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

    fn drive_unindexed<C: UnindexedConsumer<Self::Item>>(self, consumer: C) -> C::Result {
        bridge(self, consumer)
    }

    fn opt_len(&self) -> Option<usize> {
        Some(self.len())
    }

    fn drive_checked<C: UnindexedConsumer<Self::Item>>(
        self,
        consumer: C,
        check: CancelCheck<'_>,
    ) -> C::Result {
        bridge_checked(self, consumer, check)
    }
}

impl<A, B> IndexedParallelIterator for Zip<A, B>
where
    A: IndexedParallelIterator,
    B: IndexedParallelIterator,
{
    fn len(&self) -> usize {
        cmp::min(self.a.len(), self.b.len())
    }

    fn drive<C: Consumer<Self::Item>>(self, consumer: C) -> C::Result {
        bridge(self, consumer)
    }

    fn with_producer<CB: ProducerCallback<Self::Item>>(self, callback: CB) -> CB::Output {
        // Both sides are cut to the common length first, so the producers split in step
        // and `rev` pairs the right items.
        let len = self.len();
        return self.a.with_producer(CallbackA {
            callback,
            b: self.b,
            len,
        });

        struct CallbackA<CB, B> {
            callback: CB,
            b: B,
            len: usize,
        }

        impl<CB, ITEM, B> ProducerCallback<ITEM> for CallbackA<CB, B>
        where
            B: IndexedParallelIterator,
            CB: ProducerCallback<(ITEM, B::Item)>,
        {
            type Output = CB::Output;

            fn callback<PA: Producer<Item = ITEM>>(self, a: PA) -> CB::Output {
                self.b.with_producer(CallbackB {
                    a,
                    callback: self.callback,
                    len: self.len,
                })
            }
        }

        struct CallbackB<CB, PA> {
            a: PA,
            callback: CB,
            len: usize,
        }

        impl<CB, PA, ITEM> ProducerCallback<ITEM> for CallbackB<CB, PA>
        where
            PA: Producer,
            CB: ProducerCallback<(PA::Item, ITEM)>,
        {
            type Output = CB::Output;

            fn callback<PB: Producer<Item = ITEM>>(self, b: PB) -> CB::Output {
                self.callback
                    .callback(ZipProducer::new(self.a, b, self.len))
            }
        }
    }
}

cancellable_adapter!(Zip<A, B>, a: A);

/// Two producers cut to the same `len` positions.
pub(super) struct ZipProducer<PA, PB> {
    a: PA,
    b: PB,
}

impl<PA: Producer, PB: Producer> ZipProducer<PA, PB> {
    /// Zips `a` and `b`, each of which has at least `len` positions, cut to `len`.
    pub(super) fn new(a: PA, b: PB, len: usize) -> Self {
        ZipProducer {
            a: a.split_at(len).0,
            b: b.split_at(len).0,
        }
    }
}

impl<PA: Producer, PB: Producer> Producer for ZipProducer<PA, PB> {
    type Item = (PA::Item, PB::Item);
    type IntoIter = iter::Zip<PA::IntoIter, PB::IntoIter>;

    fn into_iter(self) -> Self::IntoIter {
        self.a.into_iter().zip(self.b.into_iter())
    }

    fn min_len(&self) -> usize {
        cmp::max(self.a.min_len(), self.b.min_len())
    }

    fn max_len(&self) -> usize {
        cmp::min(self.a.max_len(), self.b.max_len())
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
}

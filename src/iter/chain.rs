//! `chain`: the items of one iterator, then those of another. The two halves run in
//! parallel (`join`); the consumer is split where the first ends — at its length when it
//! is known (`opt_len`), which keeps consumers that need positions (`collect` into a
//! `Vec`) working — and their results are reduced first half first. Indexed when both
//! halves are: its producer pairs theirs and splits whichever half holds the index.

use super::cancel::{CancelCheck, cancellable_adapter};
use super::plumbing::{Consumer, Folder, Producer, ProducerCallback, Reducer, UnindexedConsumer};
use super::{IndexedParallelIterator, ParallelIterator};

/// The items of `a`, then those of `b`; made by [`ParallelIterator::chain`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let head = vec![1, 2];
/// let all: Vec<i32> = head.par_iter().copied().chain(10..12).collect();
/// assert_eq!(all, [1, 2, 10, 11]);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Debug, Clone)]
pub struct Chain<A, B> {
    a: A,
    b: B,
}

impl<A, B> Chain<A, B> {
    pub(super) fn new(a: A, b: B) -> Self {
        Chain { a, b }
    }
}

/// Splits `consumer` where `a`'s items end: at `a`'s length if it is known, else without
/// an index.
fn split_after<A, T, C>(a: &A, consumer: C) -> (C, C, C::Reducer)
where
    A: ParallelIterator,
    C: UnindexedConsumer<T>,
{
    match a.opt_len() {
        Some(len) => consumer.split_at(len),
        None => {
            let reducer = consumer.to_reducer();
            (consumer.split_off_left(), consumer, reducer)
        }
    }
}

impl<A, B> ParallelIterator for Chain<A, B>
where
    A: ParallelIterator,
    B: ParallelIterator<Item = A::Item>,
{
    type Item = A::Item;

    fn drive_unindexed<C>(self, consumer: C) -> C::Result
    where
        C: UnindexedConsumer<A::Item>,
    {
        let Chain { a, b } = self;
        let (left, right, reducer) = split_after(&a, consumer);
        let (a, b) = crate::join(|| a.drive_unindexed(left), || b.drive_unindexed(right));
        reducer.reduce(a, b)
    }

    fn opt_len(&self) -> Option<usize> {
        self.a.opt_len()?.checked_add(self.b.opt_len()?)
    }

    fn drive_checked<C>(self, consumer: C, check: CancelCheck<'_>) -> C::Result
    where
        C: UnindexedConsumer<A::Item>,
    {
        let Chain { a, b } = self;
        let (left, right, reducer) = split_after(&a, consumer);
        let (a, b) = crate::join(
            || a.drive_checked(left, check),
            || b.drive_checked(right, check),
        );
        reducer.reduce(a, b)
    }
}

impl<A, B> IndexedParallelIterator for Chain<A, B>
where
    A: IndexedParallelIterator,
    B: IndexedParallelIterator<Item = A::Item>,
{
    fn len(&self) -> usize {
        self.a
            .len()
            .checked_add(self.b.len())
            .expect("chain: the total length overflows usize")
    }

    fn drive<C: Consumer<A::Item>>(self, consumer: C) -> C::Result {
        let Chain { a, b } = self;
        let (left, right, reducer) = consumer.split_at(a.len());
        let (a, b) = crate::join(|| a.drive(left), || b.drive(right));
        reducer.reduce(a, b)
    }

    fn with_producer<CB: ProducerCallback<A::Item>>(self, callback: CB) -> CB::Output {
        let a_len = self.a.len();
        return self.a.with_producer(CallbackA {
            callback,
            a_len,
            b: self.b,
        });

        /// Receives `a`'s producer, then asks `b` for its own.
        struct CallbackA<CB, B> {
            callback: CB,
            a_len: usize,
            b: B,
        }

        impl<CB, B> ProducerCallback<B::Item> for CallbackA<CB, B>
        where
            CB: ProducerCallback<B::Item>,
            B: IndexedParallelIterator,
        {
            type Output = CB::Output;

            fn callback<PA: Producer<Item = B::Item>>(self, a: PA) -> CB::Output {
                self.b.with_producer(CallbackB {
                    callback: self.callback,
                    a_len: self.a_len,
                    a,
                })
            }
        }

        /// Receives `b`'s producer and hands on the pair.
        struct CallbackB<CB, PA> {
            callback: CB,
            a_len: usize,
            a: PA,
        }

        impl<CB, PA> ProducerCallback<PA::Item> for CallbackB<CB, PA>
        where
            CB: ProducerCallback<PA::Item>,
            PA: Producer,
        {
            type Output = CB::Output;

            fn callback<PB: Producer<Item = PA::Item>>(self, b: PB) -> CB::Output {
                self.callback.callback(ChainProducer {
                    a: self.a,
                    a_len: self.a_len,
                    b,
                })
            }
        }
    }
}

cancellable_adapter!(Chain<A, B>, a: A);

/// The positions of `a` (`a_len` of them), then those of `b`.
struct ChainProducer<PA, PB> {
    a: PA,
    a_len: usize,
    b: PB,
}

impl<PA, PB> Producer for ChainProducer<PA, PB>
where
    PA: Producer,
    PB: Producer<Item = PA::Item>,
{
    type Item = PA::Item;
    type IntoIter = ChainIter<PA::IntoIter, PB::IntoIter>;

    fn into_iter(self) -> Self::IntoIter {
        ChainIter {
            inner: self.a.into_iter().chain(self.b.into_iter()),
        }
    }

    fn min_len(&self) -> usize {
        self.a.min_len().max(self.b.min_len())
    }

    fn max_len(&self) -> usize {
        self.a.max_len().min(self.b.max_len())
    }

    fn split_at(self, index: usize) -> (Self, Self) {
        if index <= self.a_len {
            let (a_left, a_right) = self.a.split_at(index);
            let (b_left, b_right) = self.b.split_at(0);
            (
                ChainProducer {
                    a: a_left,
                    a_len: index,
                    b: b_left,
                },
                ChainProducer {
                    a: a_right,
                    a_len: self.a_len - index,
                    b: b_right,
                },
            )
        } else {
            let (a_left, a_right) = self.a.split_at(self.a_len);
            let (b_left, b_right) = self.b.split_at(index - self.a_len);
            (
                ChainProducer {
                    a: a_left,
                    a_len: self.a_len,
                    b: b_left,
                },
                ChainProducer {
                    a: a_right,
                    a_len: 0,
                    b: b_right,
                },
            )
        }
    }

    fn fold_with<F: Folder<PA::Item>>(self, folder: F) -> F {
        let folder = self.a.fold_with(folder);
        if folder.full() {
            folder
        } else {
            self.b.fold_with(folder)
        }
    }
}

/// `std::iter::Chain` of two exact-size iterators, which is exact-size too as long as the
/// total fits in `usize` (the producer's length does).
struct ChainIter<A, B> {
    inner: std::iter::Chain<A, B>,
}

impl<A, B> Iterator for ChainIter<A, B>
where
    A: Iterator,
    B: Iterator<Item = A::Item>,
{
    type Item = A::Item;

    #[inline]
    fn next(&mut self) -> Option<A::Item> {
        self.inner.next()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }

    fn fold<Acc, G>(self, init: Acc, g: G) -> Acc
    where
        G: FnMut(Acc, A::Item) -> Acc,
    {
        self.inner.fold(init, g)
    }
}

impl<A, B> DoubleEndedIterator for ChainIter<A, B>
where
    A: DoubleEndedIterator,
    B: DoubleEndedIterator<Item = A::Item>,
{
    #[inline]
    fn next_back(&mut self) -> Option<A::Item> {
        self.inner.next_back()
    }

    fn rfold<Acc, G>(self, init: Acc, g: G) -> Acc
    where
        G: FnMut(Acc, A::Item) -> Acc,
    {
        self.inner.rfold(init, g)
    }
}

impl<A, B> ExactSizeIterator for ChainIter<A, B>
where
    A: ExactSizeIterator,
    B: ExactSizeIterator<Item = A::Item>,
{
}

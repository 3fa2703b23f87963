//! `interleave`: the items of two indexed iterators, taken in turns, then the rest of
//! the longer one. A producer adapter over two producers.
//!
//! A piece is the two producers' remaining positions and whose turn it is. Its first
//! `k` items take turns while both sides last: the side whose turn it is gives
//! `k - k / 2` of them and the other `k / 2`. If a side has fewer than its share, it
//! gives all it has and the other side the rest. So a split at `k` cuts each side at its
//! share, and the right half starts with the turn that follows `k` alternations (when
//! a side ran out in the left half, the right half has one side only and its turn
//! does not matter).

use std::iter::Fuse;

use super::cancel::{CancelCheck, bridge_checked, cancellable_adapter};
use super::plumbing::{Consumer, Producer, ProducerCallback, UnindexedConsumer, bridge};
use super::{IndexedParallelIterator, ParallelIterator};

/// Alternates the items of two iterators, starting with the first; the rest of the
/// longer follows. Made by [`IndexedParallelIterator::interleave`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let v: Vec<u8> = vec![1, 3].into_par_iter().interleave(vec![2, 4, 6, 8]).collect();
/// assert_eq!(v, [1, 2, 3, 4, 6, 8]);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Debug, Clone)]
pub struct Interleave<I, J> {
    i: I,
    j: J,
}

impl<I, J> Interleave<I, J> {
    pub(super) fn new(i: I, j: J) -> Self {
        Interleave { i, j }
    }

    /// The first iterator: the base of the chain, for `with_cancel`.
    pub(super) fn first(&self) -> &I {
        &self.i
    }
}

impl<I, J> ParallelIterator for Interleave<I, J>
where
    I: IndexedParallelIterator,
    J: IndexedParallelIterator<Item = I::Item>,
{
    type Item = I::Item;

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

impl<I, J> IndexedParallelIterator for Interleave<I, J>
where
    I: IndexedParallelIterator,
    J: IndexedParallelIterator<Item = I::Item>,
{
    /// # Panics
    ///
    /// If the two lengths add up to more than `usize::MAX`.
    fn len(&self) -> usize {
        match self.i.len().checked_add(self.j.len()) {
            Some(len) => len,
            None => panic!("interleave: the total length overflows usize"),
        }
    }

    fn drive<C: Consumer<Self::Item>>(self, consumer: C) -> C::Result {
        bridge(self, consumer)
    }

    fn with_producer<CB: ProducerCallback<Self::Item>>(self, callback: CB) -> CB::Output {
        let (i_len, j_len) = (self.i.len(), self.j.len());
        return self.i.with_producer(CallbackI {
            callback,
            j: self.j,
            i_len,
            j_len,
        });

        struct CallbackI<CB, J> {
            callback: CB,
            j: J,
            i_len: usize,
            j_len: usize,
        }

        impl<CB, J> ProducerCallback<J::Item> for CallbackI<CB, J>
        where
            J: IndexedParallelIterator,
            CB: ProducerCallback<J::Item>,
        {
            type Output = CB::Output;

            fn callback<PI: Producer<Item = J::Item>>(self, i: PI) -> CB::Output {
                self.j.with_producer(CallbackJ {
                    callback: self.callback,
                    i,
                    i_len: self.i_len,
                    j_len: self.j_len,
                })
            }
        }

        struct CallbackJ<CB, PI> {
            callback: CB,
            i: PI,
            i_len: usize,
            j_len: usize,
        }

        impl<CB, PI> ProducerCallback<PI::Item> for CallbackJ<CB, PI>
        where
            PI: Producer,
            CB: ProducerCallback<PI::Item>,
        {
            type Output = CB::Output;

            fn callback<PJ: Producer<Item = PI::Item>>(self, j: PJ) -> CB::Output {
                self.callback.callback(InterleaveProducer {
                    i: self.i,
                    j,
                    i_len: self.i_len,
                    j_len: self.j_len,
                    i_turn: true,
                })
            }
        }
    }
}

cancellable_adapter!(Interleave<I, J>, i: I);

/// One piece of an interleaving (module docs).
struct InterleaveProducer<PI, PJ> {
    i: PI,
    j: PJ,
    i_len: usize,
    j_len: usize,
    /// Whether `i` gives the piece's first item.
    i_turn: bool,
}

impl<PI, PJ> Producer for InterleaveProducer<PI, PJ>
where
    PI: Producer,
    PJ: Producer<Item = PI::Item>,
{
    type Item = PI::Item;
    type IntoIter = InterleaveIter<PI::IntoIter, PJ::IntoIter>;

    fn into_iter(self) -> Self::IntoIter {
        InterleaveIter {
            i: self.i.into_iter().fuse(),
            j: self.j.into_iter().fuse(),
            i_turn: self.i_turn,
        }
    }

    fn min_len(&self) -> usize {
        self.i.min_len().max(self.j.min_len())
    }

    fn max_len(&self) -> usize {
        self.i.max_len().min(self.j.max_len())
    }

    fn split_at(self, index: usize) -> (Self, Self) {
        let (first, second) = (index - index / 2, index / 2);
        let (want_i, want_j) = if self.i_turn {
            (first, second)
        } else {
            (second, first)
        };
        let (cut_i, cut_j) = if want_i > self.i_len {
            (self.i_len, index - self.i_len)
        } else if want_j > self.j_len {
            (index - self.j_len, self.j_len)
        } else {
            (want_i, want_j)
        };
        let (i_left, i_right) = self.i.split_at(cut_i);
        let (j_left, j_right) = self.j.split_at(cut_j);
        (
            InterleaveProducer {
                i: i_left,
                j: j_left,
                i_len: cut_i,
                j_len: cut_j,
                i_turn: self.i_turn,
            },
            InterleaveProducer {
                i: i_right,
                j: j_right,
                i_len: self.i_len - cut_i,
                j_len: self.j_len - cut_j,
                // An odd number of turns hands the turn over.
                i_turn: self.i_turn == (index % 2 == 0),
            },
        )
    }
}

/// The sequential interleaving of one piece, from either end.
struct InterleaveIter<I, J> {
    i: Fuse<I>,
    j: Fuse<J>,
    /// Whether `i` gives the next item from the front.
    i_turn: bool,
}

impl<I, J> Iterator for InterleaveIter<I, J>
where
    I: Iterator,
    J: Iterator<Item = I::Item>,
{
    type Item = I::Item;

    #[inline]
    fn next(&mut self) -> Option<I::Item> {
        if self.i_turn {
            match self.i.next() {
                Some(item) => {
                    self.i_turn = false;
                    Some(item)
                }
                None => self.j.next(),
            }
        } else {
            match self.j.next() {
                Some(item) => {
                    self.i_turn = true;
                    Some(item)
                }
                None => self.i.next(),
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let (i_lo, i_hi) = self.i.size_hint();
        let (j_lo, j_hi) = self.j.size_hint();
        let hi = match (i_hi, j_hi) {
            (Some(a), Some(b)) => a.checked_add(b),
            _ => None,
        };
        (i_lo.saturating_add(j_lo), hi)
    }
}

impl<I, J> DoubleEndedIterator for InterleaveIter<I, J>
where
    I: DoubleEndedIterator + ExactSizeIterator,
    J: DoubleEndedIterator<Item = I::Item> + ExactSizeIterator,
{
    #[inline]
    fn next_back(&mut self) -> Option<I::Item> {
        // The longer side ends the sequence; of two equal ones, the side whose turn it
        // is not (the turns end with it).
        let (i_len, j_len) = (self.i.len(), self.j.len());
        if i_len > j_len || (i_len == j_len && !self.i_turn) {
            self.i.next_back()
        } else {
            self.j.next_back()
        }
    }
}

impl<I, J> ExactSizeIterator for InterleaveIter<I, J>
where
    I: ExactSizeIterator,
    J: ExactSizeIterator<Item = I::Item>,
{
}

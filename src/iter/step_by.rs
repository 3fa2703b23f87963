//! `step_by`: every `step`-th item, from the first. A producer adapter: position `i` of
//! the stepped producer is position `i * step` of its base, so a split at `i` cuts the
//! base at `i * step` (or at its end), and each piece runs `std`'s `step_by`.

use std::iter;

use super::cancel::{CancelCheck, bridge_checked, cancellable_adapter};
use super::plumbing::{Consumer, Producer, ProducerCallback, UnindexedConsumer, bridge};
use super::{IndexedParallelIterator, ParallelIterator};

/// Every `step`-th item, starting with the first; made by
/// [`IndexedParallelIterator::step_by`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let v: Vec<u32> = (0..10u32).into_par_iter().step_by(4).collect();
/// assert_eq!(v, [0, 4, 8]);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Debug, Clone)]
pub struct StepBy<I> {
    base: I,
    step: usize,
}

impl<I> StepBy<I> {
    pub(super) fn new(base: I, step: usize) -> Self {
        StepBy { base, step }
    }
}

impl<I: IndexedParallelIterator> ParallelIterator for StepBy<I> {
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

impl<I: IndexedParallelIterator> IndexedParallelIterator for StepBy<I> {
    /// # Panics
    ///
    /// If the step is 0, as every use of the iterator does.
    #[track_caller]
    fn len(&self) -> usize {
        assert!(self.step != 0, "step_by: the step must not be zero");
        self.base.len().div_ceil(self.step)
    }

    fn drive<C: Consumer<Self::Item>>(self, consumer: C) -> C::Result {
        bridge(self, consumer)
    }

    fn with_producer<CB: ProducerCallback<Self::Item>>(self, callback: CB) -> CB::Output {
        // `len` checks the step, before any producer sees it.
        let _ = self.len();
        let len = self.base.len();
        return self.base.with_producer(Callback {
            callback,
            step: self.step,
            len,
        });

        struct Callback<CB> {
            callback: CB,
            step: usize,
            len: usize,
        }

        impl<T, CB: ProducerCallback<T>> ProducerCallback<T> for Callback<CB> {
            type Output = CB::Output;

            fn callback<P: Producer<Item = T>>(self, base: P) -> CB::Output {
                self.callback.callback(StepByProducer {
                    base,
                    step: self.step,
                    len: self.len,
                })
            }
        }
    }
}

cancellable_adapter!(StepBy<I>, base: I);

/// The producer of `step_by`: every `step`-th of its base's `len` positions (`step > 0`).
struct StepByProducer<P> {
    base: P,
    step: usize,
    len: usize,
}

impl<P: Producer> Producer for StepByProducer<P> {
    type Item = P::Item;
    type IntoIter = iter::StepBy<P::IntoIter>;

    fn into_iter(self) -> Self::IntoIter {
        self.base.into_iter().step_by(self.step)
    }

    fn min_len(&self) -> usize {
        self.base.min_len().div_ceil(self.step)
    }

    fn max_len(&self) -> usize {
        // At least 1: a base piece of `max_len` positions holds at least one step.
        (self.base.max_len() / self.step).max(1)
    }

    fn split_at(self, index: usize) -> (Self, Self) {
        // The left piece ends just before the base position of item `index`; the last
        // piece may end before a whole step.
        let cut = index.saturating_mul(self.step).min(self.len);
        let (left, right) = self.base.split_at(cut);
        (
            StepByProducer {
                base: left,
                step: self.step,
                len: cut,
            },
            StepByProducer {
                base: right,
                step: self.step,
                len: self.len - cut,
            },
        )
    }
}

//! `skip`: the items after the first `n`. A producer adapter: the base's producer is cut
//! at `n` and the rest is handed on.
//!
//! The skipped items still run, as with `std`'s `skip` (a `map` or `inspect` before
//! `skip` sees every item, and owned items are dropped as they pass): the first `n`
//! positions are driven, in parallel, into a consumer that drops them, *before* the
//! rest runs. They cannot run beside the rest: the callback that receives the rest need
//! not be `Send`, and neither need its result, so it cannot be handed to `join`.

use super::cancel::{CancelCheck, bridge_checked, cancellable_adapter};
use super::noop::NoopConsumer;
use super::plumbing::{
    Consumer, Producer, ProducerCallback, UnindexedConsumer, bridge, bridge_producer_consumer,
};
use super::{IndexedParallelIterator, ParallelIterator};

/// Skips the first `n` items; made by [`IndexedParallelIterator::skip`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let v: Vec<u8> = (0..6u8).into_par_iter().skip(4).collect();
/// assert_eq!(v, [4, 5]);
/// assert_eq!((0..6).into_par_iter().skip(10).len(), 0);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Debug, Clone)]
pub struct Skip<I> {
    base: I,
    n: usize,
}

impl<I: IndexedParallelIterator> Skip<I> {
    pub(super) fn new(base: I, n: usize) -> Self {
        // Skipping more than there is skips everything.
        let n = n.min(base.len());
        Skip { base, n }
    }
}

impl<I: IndexedParallelIterator> ParallelIterator for Skip<I> {
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

impl<I: IndexedParallelIterator> IndexedParallelIterator for Skip<I> {
    fn len(&self) -> usize {
        self.base.len() - self.n
    }

    fn drive<C: Consumer<Self::Item>>(self, consumer: C) -> C::Result {
        bridge(self, consumer)
    }

    fn with_producer<CB: ProducerCallback<Self::Item>>(self, callback: CB) -> CB::Output {
        return self.base.with_producer(Callback {
            callback,
            n: self.n,
        });

        struct Callback<CB> {
            callback: CB,
            n: usize,
        }

        impl<T, CB: ProducerCallback<T>> ProducerCallback<T> for Callback<CB> {
            type Output = CB::Output;

            fn callback<P: Producer<Item = T>>(self, base: P) -> CB::Output {
                let (skipped, rest) = base.split_at(self.n);
                // The skipped items run for their side effects (module docs). A panic
                // here drops `rest`, and with it the items it owns.
                bridge_producer_consumer(self.n, skipped, NoopConsumer);
                self.callback.callback(rest)
            }
        }
    }
}

cancellable_adapter!(Skip<I>, base: I);

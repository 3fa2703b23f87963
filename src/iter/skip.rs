//! `skip`: the items after the first `n`. A producer adapter: the base's producer is cut
//! at `n` and the rest is handed on.
//!
//! The skipped items still run, as with `std`'s `skip` (a `map` or `inspect` before
//! `skip` sees every item, and owned items are dropped as they pass): the first `n`
//! positions are driven, in parallel, into a consumer that drops them, *before* the
//! rest runs. They cannot run beside the rest: the callback that receives the rest need
//! not be `Send`, and neither need its result, so it cannot be handed to `join`.

use super::cancel::{CancelCheck, cancellable_adapter, with_checked_producer};
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
        // The check goes on the base's producer, before the cut, so that the skipped
        // items answer a cancel too.
        let (n, len) = (self.n, self.len());
        let bridge = BridgeRest { consumer, len };
        with_checked_producer(
            self.base,
            SkipFirst {
                callback: bridge,
                n,
            },
            check,
        )
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
        self.base.with_producer(SkipFirst {
            callback,
            n: self.n,
        })
    }
}

/// Cuts the first `n` positions off the producer it receives, runs them (module docs),
/// and hands the rest to `callback`.
struct SkipFirst<CB> {
    callback: CB,
    n: usize,
}

impl<T, CB: ProducerCallback<T>> ProducerCallback<T> for SkipFirst<CB> {
    type Output = CB::Output;

    fn callback<P: Producer<Item = T>>(self, base: P) -> CB::Output {
        let (skipped, rest) = base.split_at(self.n);
        // A panic here drops `rest`, and with it the items it owns.
        bridge_producer_consumer(self.n, skipped, NoopConsumer);
        self.callback.callback(rest)
    }
}

/// Bridges the producer it receives, of `len` positions, with `consumer`.
struct BridgeRest<C> {
    consumer: C,
    len: usize,
}

impl<T, C: Consumer<T>> ProducerCallback<T> for BridgeRest<C> {
    type Output = C::Result;

    fn callback<P: Producer<Item = T>>(self, producer: P) -> C::Result {
        bridge_producer_consumer(self.len, producer, self.consumer)
    }
}

cancellable_adapter!(Skip<I>, base: I);

//! `panic_fuse`: once one piece panics, the others stop at their next item.
//!
//! The call makes a [`Stop`] (`short.rs`) and keeps its child token current for the whole
//! chain, after the adapter too: the call re-raises the panic anyway, so nothing of it is
//! kept. Every folder, sequential iterator and reducer of the call holds a [`Fuse`],
//! which sets the stop when it is dropped by the unwinding of a panic; the pieces poll the
//! stop between items, and items still running see the cancelled child token at their
//! `checkpoint()`. `join` re-raises the panic once both of its halves have returned, so
//! the call ends after every piece has stopped. Indexed when the base is (the producer
//! carries the fuse).

use std::thread;

use super::cancel::{CancelCheck, cancellable_adapter};
use super::plumbing::{Consumer, Folder, Producer, ProducerCallback, Reducer, UnindexedConsumer};
use super::short::Stop;
use super::{IndexedParallelIterator, ParallelIterator};

/// Stops the other pieces as soon as one panics; made by [`ParallelIterator::panic_fuse`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
/// use std::sync::atomic::{AtomicUsize, Ordering};
///
/// let ran = AtomicUsize::new(0);
/// let result = std::panic::catch_unwind(|| {
///     (0..1_000_000u32).into_par_iter().panic_fuse().for_each(|i| {
///         ran.fetch_add(1, Ordering::Relaxed);
///         assert!(i != 0, "item {i} is bad");
///     })
/// });
/// assert!(result.is_err(), "the panic comes back");
/// assert!(ran.into_inner() < 1_000_000, "the other pieces stopped early");
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Debug, Clone)]
pub struct PanicFuse<I> {
    base: I,
}

impl<I> PanicFuse<I> {
    pub(super) fn new(base: I) -> Self {
        PanicFuse { base }
    }
}

impl<I: ParallelIterator> ParallelIterator for PanicFuse<I> {
    type Item = I::Item;

    fn drive_unindexed<C>(self, consumer: C) -> C::Result
    where
        C: UnindexedConsumer<I::Item>,
    {
        let stop = Stop::new();
        let consumer = FuseConsumer::new(consumer, &stop);
        stop.run(|| self.base.drive_unindexed(consumer))
    }

    fn opt_len(&self) -> Option<usize> {
        self.base.opt_len()
    }

    fn drive_checked<C>(self, consumer: C, check: CancelCheck<'_>) -> C::Result
    where
        C: UnindexedConsumer<I::Item>,
    {
        let stop = Stop::new();
        let consumer = FuseConsumer::new(consumer, &stop);
        stop.run(|| self.base.drive_checked(consumer, check))
    }
}

impl<I: IndexedParallelIterator> IndexedParallelIterator for PanicFuse<I> {
    fn len(&self) -> usize {
        self.base.len()
    }

    fn drive<C: Consumer<I::Item>>(self, consumer: C) -> C::Result {
        let stop = Stop::new();
        let consumer = FuseConsumer::new(consumer, &stop);
        stop.run(|| self.base.drive(consumer))
    }

    fn with_producer<CB: ProducerCallback<I::Item>>(self, callback: CB) -> CB::Output {
        return self.base.with_producer(Callback { callback });

        struct Callback<CB> {
            callback: CB,
        }

        impl<T, CB: ProducerCallback<T>> ProducerCallback<T> for Callback<CB> {
            type Output = CB::Output;

            fn callback<P: Producer<Item = T>>(self, base: P) -> CB::Output {
                let stop = Stop::new();
                let producer = FuseProducer { base, stop: &stop };
                stop.run(|| self.callback.callback(producer))
            }
        }
    }
}

cancellable_adapter!(PanicFuse<I>, base: I);

/// Sets the stop if it is dropped by the unwinding of a panic that began after it was
/// made (a call made by a destructor while unwinding must not stop itself).
struct Fuse<'s> {
    stop: &'s Stop,
    armed: bool,
}

impl<'s> Fuse<'s> {
    fn new(stop: &'s Stop) -> Self {
        Fuse {
            stop,
            armed: !thread::panicking(),
        }
    }
}

impl Drop for Fuse<'_> {
    fn drop(&mut self) {
        if self.armed && thread::panicking() {
            self.stop.set();
        }
    }
}

struct FuseProducer<'s, P> {
    base: P,
    stop: &'s Stop,
}

impl<'s, P: Producer> Producer for FuseProducer<'s, P> {
    type Item = P::Item;
    type IntoIter = FuseIter<'s, P::IntoIter>;

    fn into_iter(self) -> Self::IntoIter {
        FuseIter {
            base: self.base.into_iter(),
            fuse: Fuse::new(self.stop),
        }
    }

    fn min_len(&self) -> usize {
        self.base.min_len()
    }

    fn max_len(&self) -> usize {
        self.base.max_len()
    }

    fn split_at(self, index: usize) -> (Self, Self) {
        let (left, right) = self.base.split_at(index);
        (
            FuseProducer {
                base: left,
                stop: self.stop,
            },
            FuseProducer {
                base: right,
                stop: self.stop,
            },
        )
    }

    fn fold_with<F: Folder<P::Item>>(self, folder: F) -> F {
        self.base.fold_with(FuseFolder::new(folder, self.stop)).base
    }
}

/// The sequential iterator of a fused piece: it ends once the call stops.
struct FuseIter<'s, I> {
    base: I,
    fuse: Fuse<'s>,
}

impl<I: Iterator> Iterator for FuseIter<'_, I> {
    type Item = I::Item;

    fn next(&mut self) -> Option<I::Item> {
        if self.fuse.stop.is_set() {
            None
        } else {
            self.base.next()
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.base.size_hint()
    }
}

impl<I: DoubleEndedIterator> DoubleEndedIterator for FuseIter<'_, I> {
    fn next_back(&mut self) -> Option<I::Item> {
        if self.fuse.stop.is_set() {
            None
        } else {
            self.base.next_back()
        }
    }
}

impl<I: ExactSizeIterator> ExactSizeIterator for FuseIter<'_, I> {}

struct FuseConsumer<'s, C> {
    base: C,
    stop: &'s Stop,
}

impl<'s, C> FuseConsumer<'s, C> {
    fn new(base: C, stop: &'s Stop) -> Self {
        FuseConsumer { base, stop }
    }
}

impl<'s, T, C: Consumer<T>> Consumer<T> for FuseConsumer<'s, C> {
    type Folder = FuseFolder<'s, C::Folder>;
    type Reducer = FuseReducer<'s, C::Reducer>;
    type Result = C::Result;

    fn split_at(self, index: usize) -> (Self, Self, Self::Reducer) {
        let (left, right, reducer) = self.base.split_at(index);
        (
            FuseConsumer::new(left, self.stop),
            FuseConsumer::new(right, self.stop),
            FuseReducer::new(reducer, self.stop),
        )
    }

    fn into_folder(self) -> Self::Folder {
        FuseFolder::new(self.base.into_folder(), self.stop)
    }

    fn full(&self) -> bool {
        self.stop.is_set() || self.base.full()
    }
}

impl<T, C: UnindexedConsumer<T>> UnindexedConsumer<T> for FuseConsumer<'_, C> {
    fn split_off_left(&self) -> Self {
        FuseConsumer::new(self.base.split_off_left(), self.stop)
    }

    fn to_reducer(&self) -> Self::Reducer {
        FuseReducer::new(self.base.to_reducer(), self.stop)
    }
}

struct FuseFolder<'s, F> {
    base: F,
    fuse: Fuse<'s>,
}

impl<'s, F> FuseFolder<'s, F> {
    fn new(base: F, stop: &'s Stop) -> Self {
        FuseFolder {
            base,
            fuse: Fuse::new(stop),
        }
    }
}

impl<T, F: Folder<T>> Folder<T> for FuseFolder<'_, F> {
    type Result = F::Result;

    fn consume(mut self, item: T) -> Self {
        if !self.fuse.stop.is_set() {
            self.base = self.base.consume(item);
        }
        self
    }

    fn consume_iter<I: IntoIterator<Item = T>>(mut self, iter: I) -> Self {
        self.base = self
            .base
            .consume_iter(self.fuse.stop.until(iter.into_iter()));
        self
    }

    fn complete(self) -> F::Result {
        self.base.complete()
    }

    fn full(&self) -> bool {
        self.fuse.stop.is_set() || self.base.full()
    }
}

struct FuseReducer<'s, R> {
    base: R,
    _fuse: Fuse<'s>,
}

impl<'s, R> FuseReducer<'s, R> {
    fn new(base: R, stop: &'s Stop) -> Self {
        FuseReducer {
            base,
            _fuse: Fuse::new(stop),
        }
    }
}

impl<T, R: Reducer<T>> Reducer<T> for FuseReducer<'_, R> {
    fn reduce(self, left: T, right: T) -> T {
        self.base.reduce(left, right)
    }
}

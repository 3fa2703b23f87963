//! `take_any`: the first `n` items that reach the adapter, from any piece. A gated
//! adapter (`short.rs`): taking the `n`-th item stops every piece, and cancels a child
//! token that the items still being made before the adapter see at their `checkpoint()`.

use super::ParallelIterator;
use super::cancel::{CancelCheck, cancellable_adapter};
use super::plumbing::{Folder, UnindexedConsumer};
use super::short::{Gate, Stop, drive_gated, drive_gated_checked};
use crate::sync::atomic::{AtomicUsize, Ordering};

/// At most `n` items, whichever reach the adapter first; made by
/// [`ParallelIterator::take_any`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let some: Vec<u32> = (0..1000u32).into_par_iter().filter(|x| x % 7 == 0).take_any(3).collect();
/// assert_eq!(some.len(), 3);
/// assert!(some.iter().all(|x| x % 7 == 0));
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Clone, Debug)]
pub struct TakeAny<I> {
    base: I,
    count: usize,
}

impl<I> TakeAny<I> {
    pub(super) fn new(base: I, count: usize) -> Self {
        TakeAny { base, count }
    }
}

impl<I: ParallelIterator> ParallelIterator for TakeAny<I> {
    type Item = I::Item;

    fn drive_unindexed<C>(self, consumer: C) -> C::Result
    where
        C: UnindexedConsumer<I::Item>,
    {
        if self.count == 0 {
            return consumer.into_folder().complete();
        }
        drive_gated(self.base, &CountGate::new(self.count), consumer)
    }

    fn drive_checked<C>(self, consumer: C, check: CancelCheck<'_>) -> C::Result
    where
        C: UnindexedConsumer<I::Item>,
    {
        if self.count == 0 {
            return consumer.into_folder().complete();
        }
        drive_gated_checked(self.base, &CountGate::new(self.count), consumer, check)
    }
}

cancellable_adapter!(TakeAny<I>, base: I);

/// Admits items while some of its count is left.
struct CountGate {
    left: AtomicUsize,
}

impl CountGate {
    fn new(count: usize) -> Self {
        CountGate {
            left: AtomicUsize::new(count),
        }
    }
}

impl<T> Gate<T> for CountGate {
    type Out = T;

    #[inline]
    fn admit(&self, item: T, stop: &Stop) -> Option<T> {
        // Relaxed: the count only decides which items pass; it publishes nothing.
        let taken = self
            .left
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1));
        match taken {
            Ok(1) => {
                // The last one: nothing more will be taken.
                stop.set();
                Some(item)
            }
            Ok(_) => Some(item),
            Err(_) => {
                stop.set();
                None
            }
        }
    }
}

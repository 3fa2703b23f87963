//! `cloned`: turns an iterator of `&T` into one of `T`. Shaped like `map.rs`: it forwards
//! consumers, producers and cancellation checks, and is indexed when its base is.

use super::cancel::{CancelCheck, cancellable_adapter};
use super::plumbing::{Consumer, Folder, Producer, ProducerCallback, UnindexedConsumer};
use super::{IndexedParallelIterator, ParallelIterator};

/// Clones every item of an iterator of references; made by [`ParallelIterator::cloned`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let words = vec!["to".to_string(), "be".to_string()];
/// let owned: Vec<String> = words.par_iter().cloned().collect();
/// assert_eq!(owned, words);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Debug, Clone)]
pub struct Cloned<I> {
    base: I,
}

impl<I> Cloned<I> {
    pub(super) fn new(base: I) -> Self {
        Cloned { base }
    }
}

impl<'a, T, I> ParallelIterator for Cloned<I>
where
    I: ParallelIterator<Item = &'a T>,
    T: 'a + Clone + Send + Sync,
{
    type Item = T;

    fn drive_unindexed<C>(self, consumer: C) -> C::Result
    where
        C: UnindexedConsumer<T>,
    {
        self.base.drive_unindexed(ClonedConsumer { base: consumer })
    }

    fn opt_len(&self) -> Option<usize> {
        self.base.opt_len()
    }

    fn drive_checked<C>(self, consumer: C, check: CancelCheck<'_>) -> C::Result
    where
        C: UnindexedConsumer<T>,
    {
        self.base
            .drive_checked(ClonedConsumer { base: consumer }, check)
    }
}

impl<'a, T, I> IndexedParallelIterator for Cloned<I>
where
    I: IndexedParallelIterator<Item = &'a T>,
    T: 'a + Clone + Send + Sync,
{
    fn len(&self) -> usize {
        self.base.len()
    }

    fn drive<C: Consumer<T>>(self, consumer: C) -> C::Result {
        self.base.drive(ClonedConsumer { base: consumer })
    }

    fn with_producer<CB: ProducerCallback<T>>(self, callback: CB) -> CB::Output {
        return self.base.with_producer(Callback { callback });

        struct Callback<CB> {
            callback: CB,
        }

        impl<'a, T, CB> ProducerCallback<&'a T> for Callback<CB>
        where
            CB: ProducerCallback<T>,
            T: 'a + Clone + Send,
        {
            type Output = CB::Output;

            fn callback<P: Producer<Item = &'a T>>(self, base: P) -> CB::Output {
                self.callback.callback(ClonedProducer { base })
            }
        }
    }
}

cancellable_adapter!(Cloned<I>, base: I);

struct ClonedProducer<P> {
    base: P,
}

impl<'a, T, P> Producer for ClonedProducer<P>
where
    P: Producer<Item = &'a T>,
    T: 'a + Clone,
{
    type Item = T;
    type IntoIter = std::iter::Cloned<P::IntoIter>;

    fn into_iter(self) -> Self::IntoIter {
        self.base.into_iter().cloned()
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
            ClonedProducer { base: left },
            ClonedProducer { base: right },
        )
    }

    fn fold_with<F: Folder<T>>(self, folder: F) -> F {
        self.base.fold_with(ClonedFolder { base: folder }).base
    }
}

struct ClonedConsumer<C> {
    base: C,
}

impl<'a, T, C> Consumer<&'a T> for ClonedConsumer<C>
where
    C: Consumer<T>,
    T: 'a + Clone,
{
    type Folder = ClonedFolder<C::Folder>;
    type Reducer = C::Reducer;
    type Result = C::Result;

    fn split_at(self, index: usize) -> (Self, Self, C::Reducer) {
        let (left, right, reducer) = self.base.split_at(index);
        (
            ClonedConsumer { base: left },
            ClonedConsumer { base: right },
            reducer,
        )
    }

    fn into_folder(self) -> Self::Folder {
        ClonedFolder {
            base: self.base.into_folder(),
        }
    }

    fn full(&self) -> bool {
        self.base.full()
    }
}

impl<'a, T, C> UnindexedConsumer<&'a T> for ClonedConsumer<C>
where
    C: UnindexedConsumer<T>,
    T: 'a + Clone,
{
    fn split_off_left(&self) -> Self {
        ClonedConsumer {
            base: self.base.split_off_left(),
        }
    }

    fn to_reducer(&self) -> C::Reducer {
        self.base.to_reducer()
    }
}

struct ClonedFolder<F> {
    base: F,
}

impl<'a, T, F> Folder<&'a T> for ClonedFolder<F>
where
    F: Folder<T>,
    T: 'a + Clone,
{
    type Result = F::Result;

    fn consume(self, item: &'a T) -> Self {
        ClonedFolder {
            base: self.base.consume(item.clone()),
        }
    }

    fn consume_iter<I: IntoIterator<Item = &'a T>>(self, iter: I) -> Self {
        ClonedFolder {
            base: self.base.consume_iter(iter.into_iter().cloned()),
        }
    }

    fn complete(self) -> F::Result {
        self.base.complete()
    }

    fn full(&self) -> bool {
        self.base.full()
    }
}

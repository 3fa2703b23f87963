//! `find_any` (and through it `any`, `all`, `position_any`, `find_map_any`): the first
//! piece to find a match stops the others (`short.rs`).

use super::ParallelIterator;
use super::plumbing::{Consumer, Folder, Reducer, UnindexedConsumer};
use super::short::Stop;

pub(super) fn find_any<I, P>(iter: I, predicate: P) -> Option<I::Item>
where
    I: ParallelIterator,
    P: Fn(&I::Item) -> bool + Sync + Send,
{
    let stop = Stop::new();
    stop.run(|| {
        iter.drive_unindexed(FindConsumer {
            predicate: &predicate,
            stop: &stop,
        })
    })
}

struct FindConsumer<'a, P> {
    predicate: &'a P,
    stop: &'a Stop,
}

impl<P> Clone for FindConsumer<'_, P> {
    fn clone(&self) -> Self {
        FindConsumer {
            predicate: self.predicate,
            stop: self.stop,
        }
    }
}

impl<'a, T, P> Consumer<T> for FindConsumer<'a, P>
where
    T: Send,
    P: Fn(&T) -> bool + Sync,
{
    type Folder = FindFolder<'a, T, P>;
    type Reducer = FindReducer;
    type Result = Option<T>;

    fn split_at(self, _index: usize) -> (Self, Self, FindReducer) {
        (self.clone(), self, FindReducer)
    }

    fn into_folder(self) -> Self::Folder {
        FindFolder {
            predicate: self.predicate,
            stop: self.stop,
            item: None,
        }
    }

    fn full(&self) -> bool {
        self.stop.is_set()
    }
}

impl<T, P> UnindexedConsumer<T> for FindConsumer<'_, P>
where
    T: Send,
    P: Fn(&T) -> bool + Sync,
{
    fn split_off_left(&self) -> Self {
        self.clone()
    }

    fn to_reducer(&self) -> FindReducer {
        FindReducer
    }
}

struct FindFolder<'a, T, P> {
    predicate: &'a P,
    stop: &'a Stop,
    item: Option<T>,
}

impl<T, P> Folder<T> for FindFolder<'_, T, P>
where
    P: Fn(&T) -> bool,
{
    type Result = Option<T>;

    fn consume(mut self, item: T) -> Self {
        if self.item.is_none() && (self.predicate)(&item) {
            self.stop.set();
            self.item = Some(item);
        }
        self
    }

    fn consume_iter<I: IntoIterator<Item = T>>(mut self, iter: I) -> Self {
        if self.item.is_none() {
            let stop = self.stop;
            self.item = iter
                .into_iter()
                .take_while(|_| !stop.is_set())
                .find(self.predicate);
            if self.item.is_some() {
                stop.set();
            }
        }
        self
    }

    fn complete(self) -> Option<T> {
        self.item
    }

    fn full(&self) -> bool {
        self.item.is_some() || self.stop.is_set()
    }
}

struct FindReducer;

impl<T> Reducer<Option<T>> for FindReducer {
    fn reduce(self, left: Option<T>, right: Option<T>) -> Option<T> {
        left.or(right)
    }
}

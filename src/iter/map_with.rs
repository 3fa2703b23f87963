//! `map_with` and `map_init`: `map` with per-piece state, a clone of a value or a value
//! made by a function. Shaped like `map.rs`; the state is made when a piece starts (a
//! folder, or a producer's iterator) and cloned when a consumer or producer splits.

use std::fmt;

use super::cancel::{CancelCheck, cancellable_adapter};
use super::plumbing::{Consumer, Folder, Producer, ProducerCallback, UnindexedConsumer};
use super::{IndexedParallelIterator, ParallelIterator};

/// `map` with a `&mut` to a per-piece clone of a value; made by
/// [`ParallelIterator::map_with`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let v: Vec<usize> = (0..3).into_par_iter().map_with(vec![7], |seen, x| { seen.push(x); seen.len() }).collect();
/// assert_eq!(v.len(), 3);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Clone)]
pub struct MapWith<I, T, F> {
    base: I,
    item: T,
    map_op: F,
}

impl<I: fmt::Debug, T: fmt::Debug, F> fmt::Debug for MapWith<I, T, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MapWith")
            .field("base", &self.base)
            .field("item", &self.item)
            .finish()
    }
}

impl<I, T, F> MapWith<I, T, F> {
    pub(super) fn new(base: I, item: T, map_op: F) -> Self {
        MapWith { base, item, map_op }
    }
}

impl<I, T, F, R> ParallelIterator for MapWith<I, T, F>
where
    I: ParallelIterator,
    T: Send + Clone,
    F: Fn(&mut T, I::Item) -> R + Sync + Send,
    R: Send,
{
    type Item = R;

    fn drive_unindexed<C: UnindexedConsumer<R>>(self, consumer: C) -> C::Result {
        let consumer = WithConsumer::new(consumer, Clones(self.item), &self.map_op);
        self.base.drive_unindexed(consumer)
    }

    fn opt_len(&self) -> Option<usize> {
        self.base.opt_len()
    }

    fn drive_checked<C: UnindexedConsumer<R>>(
        self,
        consumer: C,
        check: CancelCheck<'_>,
    ) -> C::Result {
        let consumer = WithConsumer::new(consumer, Clones(self.item), &self.map_op);
        self.base.drive_checked(consumer, check)
    }
}

impl<I, T, F, R> IndexedParallelIterator for MapWith<I, T, F>
where
    I: IndexedParallelIterator,
    T: Send + Clone,
    F: Fn(&mut T, I::Item) -> R + Sync + Send,
    R: Send,
{
    fn len(&self) -> usize {
        self.base.len()
    }

    fn drive<C: Consumer<R>>(self, consumer: C) -> C::Result {
        let consumer = WithConsumer::new(consumer, Clones(self.item), &self.map_op);
        self.base.drive(consumer)
    }

    fn with_producer<CB: ProducerCallback<R>>(self, callback: CB) -> CB::Output {
        self.base.with_producer(WithCallback {
            callback,
            state: Clones(self.item),
            map_op: self.map_op,
        })
    }
}

cancellable_adapter!(MapWith<I, T, F>, base: I);

/// `map` with a `&mut` to a per-piece value made by a function; made by
/// [`ParallelIterator::map_init`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let v: Vec<String> = (0..3).into_par_iter().map_init(String::new, |s, x| { s.clear(); s.push_str(&x.to_string()); s.clone() }).collect();
/// assert_eq!(v, ["0", "1", "2"]);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Clone)]
pub struct MapInit<I, INIT, F> {
    base: I,
    init: INIT,
    map_op: F,
}

impl<I: fmt::Debug, INIT, F> fmt::Debug for MapInit<I, INIT, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MapInit").field("base", &self.base).finish()
    }
}

impl<I, INIT, F> MapInit<I, INIT, F> {
    pub(super) fn new(base: I, init: INIT, map_op: F) -> Self {
        MapInit { base, init, map_op }
    }
}

impl<I, INIT, T, F, R> ParallelIterator for MapInit<I, INIT, F>
where
    I: ParallelIterator,
    INIT: Fn() -> T + Sync + Send,
    F: Fn(&mut T, I::Item) -> R + Sync + Send,
    R: Send,
{
    type Item = R;

    fn drive_unindexed<C: UnindexedConsumer<R>>(self, consumer: C) -> C::Result {
        let consumer = WithConsumer::new(consumer, Inits(&self.init), &self.map_op);
        self.base.drive_unindexed(consumer)
    }

    fn opt_len(&self) -> Option<usize> {
        self.base.opt_len()
    }

    fn drive_checked<C: UnindexedConsumer<R>>(
        self,
        consumer: C,
        check: CancelCheck<'_>,
    ) -> C::Result {
        let consumer = WithConsumer::new(consumer, Inits(&self.init), &self.map_op);
        self.base.drive_checked(consumer, check)
    }
}

impl<I, INIT, T, F, R> IndexedParallelIterator for MapInit<I, INIT, F>
where
    I: IndexedParallelIterator,
    INIT: Fn() -> T + Sync + Send,
    F: Fn(&mut T, I::Item) -> R + Sync + Send,
    R: Send,
{
    fn len(&self) -> usize {
        self.base.len()
    }

    fn drive<C: Consumer<R>>(self, consumer: C) -> C::Result {
        let consumer = WithConsumer::new(consumer, Inits(&self.init), &self.map_op);
        self.base.drive(consumer)
    }

    fn with_producer<CB: ProducerCallback<R>>(self, callback: CB) -> CB::Output {
        self.base.with_producer(WithCallback {
            callback,
            state: Inits(&self.init),
            map_op: self.map_op,
        })
    }
}

cancellable_adapter!(MapInit<I, INIT, F>, base: I);

/// Where a piece's state comes from: split copies of the source, each making the state
/// once, when its piece starts.
trait StateSource: Send + Sized {
    type State;
    fn split(&self) -> Self;
    fn make(self) -> Self::State;
}

/// `map_with`: clones of a value.
struct Clones<T>(T);

impl<T: Send + Clone> StateSource for Clones<T> {
    type State = T;
    fn split(&self) -> Self {
        Clones(self.0.clone())
    }
    fn make(self) -> T {
        self.0
    }
}

/// `map_init`: values made by a function.
struct Inits<'f, INIT>(&'f INIT);

impl<INIT, T> StateSource for Inits<'_, INIT>
where
    INIT: Fn() -> T + Sync,
{
    type State = T;
    fn split(&self) -> Self {
        Inits(self.0)
    }
    fn make(self) -> T {
        (self.0)()
    }
}

struct WithCallback<CB, S, F> {
    callback: CB,
    state: S,
    map_op: F,
}

impl<T, R, CB, S, F> ProducerCallback<T> for WithCallback<CB, S, F>
where
    CB: ProducerCallback<R>,
    S: StateSource,
    F: Fn(&mut S::State, T) -> R + Sync,
    R: Send,
{
    type Output = CB::Output;

    fn callback<P: Producer<Item = T>>(self, base: P) -> CB::Output {
        self.callback.callback(WithProducer {
            base,
            state: self.state,
            map_op: &self.map_op,
        })
    }
}

struct WithProducer<'f, P, S, F> {
    base: P,
    state: S,
    map_op: &'f F,
}

impl<'f, P, S, F, R> Producer for WithProducer<'f, P, S, F>
where
    P: Producer,
    S: StateSource,
    F: Fn(&mut S::State, P::Item) -> R + Sync,
    R: Send,
{
    type Item = R;
    type IntoIter = WithIter<'f, P::IntoIter, S::State, F>;

    fn into_iter(self) -> Self::IntoIter {
        WithIter {
            base: self.base.into_iter(),
            state: self.state.make(),
            map_op: self.map_op,
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
        let left_state = self.state.split();
        (
            WithProducer {
                base: left,
                state: left_state,
                map_op: self.map_op,
            },
            WithProducer {
                base: right,
                state: self.state,
                map_op: self.map_op,
            },
        )
    }

    fn fold_with<G: Folder<R>>(self, folder: G) -> G {
        let folder = WithFolder {
            base: folder,
            state: self.state.make(),
            map_op: self.map_op,
        };
        self.base.fold_with(folder).base
    }
}

struct WithIter<'f, I, T, F> {
    base: I,
    state: T,
    map_op: &'f F,
}

impl<I, T, F, R> Iterator for WithIter<'_, I, T, F>
where
    I: Iterator,
    F: Fn(&mut T, I::Item) -> R,
{
    type Item = R;

    fn next(&mut self) -> Option<R> {
        let item = self.base.next()?;
        Some((self.map_op)(&mut self.state, item))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.base.size_hint()
    }
}

impl<I, T, F, R> DoubleEndedIterator for WithIter<'_, I, T, F>
where
    I: DoubleEndedIterator,
    F: Fn(&mut T, I::Item) -> R,
{
    fn next_back(&mut self) -> Option<R> {
        let item = self.base.next_back()?;
        Some((self.map_op)(&mut self.state, item))
    }
}

impl<I, T, F, R> ExactSizeIterator for WithIter<'_, I, T, F>
where
    I: ExactSizeIterator,
    F: Fn(&mut T, I::Item) -> R,
{
}

struct WithConsumer<'f, C, S, F> {
    base: C,
    state: S,
    map_op: &'f F,
}

impl<'f, C, S, F> WithConsumer<'f, C, S, F> {
    fn new(base: C, state: S, map_op: &'f F) -> Self {
        WithConsumer {
            base,
            state,
            map_op,
        }
    }
}

impl<'f, T, R, C, S, F> Consumer<T> for WithConsumer<'f, C, S, F>
where
    C: Consumer<R>,
    S: StateSource,
    F: Fn(&mut S::State, T) -> R + Sync,
    R: Send,
{
    type Folder = WithFolder<'f, C::Folder, S::State, F>;
    type Reducer = C::Reducer;
    type Result = C::Result;

    fn split_at(self, index: usize) -> (Self, Self, C::Reducer) {
        let (left, right, reducer) = self.base.split_at(index);
        let left_state = self.state.split();
        (
            WithConsumer::new(left, left_state, self.map_op),
            WithConsumer::new(right, self.state, self.map_op),
            reducer,
        )
    }

    fn into_folder(self) -> Self::Folder {
        WithFolder {
            base: self.base.into_folder(),
            state: self.state.make(),
            map_op: self.map_op,
        }
    }

    fn full(&self) -> bool {
        self.base.full()
    }
}

impl<T, R, C, S, F> UnindexedConsumer<T> for WithConsumer<'_, C, S, F>
where
    C: UnindexedConsumer<R>,
    S: StateSource,
    F: Fn(&mut S::State, T) -> R + Sync,
    R: Send,
{
    fn split_off_left(&self) -> Self {
        WithConsumer::new(self.base.split_off_left(), self.state.split(), self.map_op)
    }

    fn to_reducer(&self) -> C::Reducer {
        self.base.to_reducer()
    }
}

struct WithFolder<'f, C, T, F> {
    base: C,
    state: T,
    map_op: &'f F,
}

impl<U, R, C, T, F> Folder<U> for WithFolder<'_, C, T, F>
where
    C: Folder<R>,
    F: Fn(&mut T, U) -> R,
{
    type Result = C::Result;

    fn consume(mut self, item: U) -> Self {
        let mapped = (self.map_op)(&mut self.state, item);
        self.base = self.base.consume(mapped);
        self
    }

    fn consume_iter<I: IntoIterator<Item = U>>(mut self, iter: I) -> Self {
        let (state, map_op) = (&mut self.state, self.map_op);
        self.base = self
            .base
            .consume_iter(iter.into_iter().map(|item| map_op(state, item)));
        self
    }

    fn complete(self) -> C::Result {
        self.base.complete()
    }

    fn full(&self) -> bool {
        self.base.full()
    }
}

//! `FromParallelIterator` for the std collections, `String`, boxed and shared slices,
//! `Cow`, `()`, and `Option` / `Result` of any of those (`Vec`'s is in `collect/`).
//!
//! # `Option` and `Result`
//!
//! Collecting `Option<T>` items into `Option<C>` (and `Result<T, E>` into
//! `Result<C, E>`) collects the `T`s into `C` through a private adapter, [`UntilFailure`],
//! that passes `Some`/`Ok` values on and stops the call at the first `None`/`Err` with a
//! [`Stop`]: other pieces stop between items, and items still running see the child
//! token cancelled at their `checkpoint()`. The whole collect runs under the child
//! token, so a `Vec` that receives fewer items than the chain's length knows that it was
//! stopped (see `collect::append_indexed`) and keeps the prefix it got — which is then
//! dropped, as the answer is `None`/`Err`. Which `Err` is returned when several pieces
//! meet one is not specified (the first one to be recorded).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap, HashSet, LinkedList, VecDeque};
use std::ffi::{OsStr, OsString};
use std::hash::{BuildHasher, Hash};
use std::rc::Rc;
use std::sync::Arc;

use super::cancel::CancelCheck;
use super::plumbing::{Consumer, Folder, UnindexedConsumer};
use super::short::Stop;
use super::{FromParallelIterator, IntoParallelIterator, ParallelExtend, ParallelIterator};
use crate::sync::Mutex;

/// A default collection, extended with the items.
fn extended<C, I>(par_iter: I) -> C
where
    I: IntoParallelIterator,
    C: Default + ParallelExtend<I::Item>,
{
    let mut collection = C::default();
    collection.par_extend(par_iter);
    collection
}

/// `FromParallelIterator<$item>` for `$target` through [`extended`].
macro_rules! from_extend {
    ($(impl[$($g:tt)*] $item:ty => $target:ty $(where [$($w:tt)*])?;)*) => {$(
        impl<$($g)*> FromParallelIterator<$item> for $target $(where $($w)*)? {
            fn from_par_iter<I>(par_iter: I) -> Self
            where
                I: IntoParallelIterator<Item = $item>,
            {
                extended(par_iter)
            }
        }
    )*};
}

from_extend! {
    impl[T] T => LinkedList<T> where [T: Send];
    impl[K, V, S] (K, V) => HashMap<K, V, S>
        where [K: Eq + Hash + Send, V: Send, S: BuildHasher + Default + Send];
    impl[K, V] (K, V) => BTreeMap<K, V> where [K: Ord + Send, V: Send];
    impl[T, S] T => HashSet<T, S> where [T: Eq + Hash + Send, S: BuildHasher + Default + Send];
    impl[T] T => BTreeSet<T> where [T: Ord + Send];
    impl[] char => String;
    impl['a] &'a char => String;
    impl['a] &'a str => String;
    impl[] String => String;
    impl[] Box<str> => String;
    impl['a] Cow<'a, str> => String;
    impl['a] &'a OsStr => OsString;
    impl[] OsString => OsString;
    impl['a] Cow<'a, OsStr> => OsString;
    impl[] () => ();
}

/// `FromParallelIterator<T>` for `$target` by converting the `Vec<T>` collected first.
macro_rules! from_vec {
    ($(impl[$($g:tt)*] $item:ty => $target:ty $(where [$($w:tt)*])?;)*) => {$(
        impl<$($g)*> FromParallelIterator<$item> for $target $(where $($w)*)? {
            fn from_par_iter<I>(par_iter: I) -> Self
            where
                I: IntoParallelIterator<Item = $item>,
            {
                Vec::from_par_iter(par_iter).into()
            }
        }
    )*};
}

from_vec! {
    impl[T] T => Box<[T]> where [T: Send];
    impl[T] T => Rc<[T]> where [T: Send];
    impl[T] T => Arc<[T]> where [T: Send];
    impl[T] T => VecDeque<T> where [T: Send];
    impl[T] T => BinaryHeap<T> where [T: Ord + Send];
}

/// `Box<str>` from whatever a `String` can be collected from.
macro_rules! boxed_str {
    ($(impl[$($g:tt)*] $item:ty;)*) => {$(
        impl<$($g)*> FromParallelIterator<$item> for Box<str> {
            fn from_par_iter<I>(par_iter: I) -> Self
            where
                I: IntoParallelIterator<Item = $item>,
            {
                String::from_par_iter(par_iter).into_boxed_str()
            }
        }
    )*};
}

boxed_str! {
    impl[] char;
    impl['a] &'a char;
    impl['a] &'a str;
    impl[] String;
    impl[] Box<str>;
    impl['a] Cow<'a, str>;
}

impl<'a, C, T> FromParallelIterator<T> for Cow<'a, C>
where
    C: ToOwned<Owned: FromParallelIterator<T>> + ?Sized,
    T: Send,
{
    /// An owned `Cow`, collected as `C::Owned`.
    fn from_par_iter<I>(par_iter: I) -> Self
    where
        I: IntoParallelIterator<Item = T>,
    {
        Cow::Owned(C::Owned::from_par_iter(par_iter))
    }
}

impl<C, T> FromParallelIterator<Option<T>> for Option<C>
where
    C: FromParallelIterator<T>,
    T: Send,
{
    /// `Some` of the values if no item is `None`; `None` otherwise, stopping the other
    /// pieces at the first `None` (see the module docs).
    fn from_par_iter<I>(par_iter: I) -> Self
    where
        I: IntoParallelIterator<Item = Option<T>>,
    {
        let stop = Stop::new();
        let values = stop.run(|| {
            C::from_par_iter(UntilFailure {
                base: par_iter.into_par_iter(),
                split: &OptionSplit,
                stop: &stop,
            })
        });
        // The pieces were joined inside `run`, after any `set`.
        (!stop.is_set()).then_some(values)
    }
}

impl<C, T, E> FromParallelIterator<Result<T, E>> for Result<C, E>
where
    C: FromParallelIterator<T>,
    T: Send,
    E: Send,
{
    /// `Ok` of the values if no item is `Err`; an `Err` otherwise, stopping the other
    /// pieces at the first `Err` (see the module docs).
    fn from_par_iter<I>(par_iter: I) -> Self
    where
        I: IntoParallelIterator<Item = Result<T, E>>,
    {
        let stop = Stop::new();
        let split = ResultSplit {
            error: Mutex::new(None),
        };
        let values = stop.run(|| {
            C::from_par_iter(UntilFailure {
                base: par_iter.into_par_iter(),
                split: &split,
                stop: &stop,
            })
        });
        match split.error.into_inner() {
            Some(error) => Err(error),
            None => Ok(values),
        }
    }
}

/// How [`UntilFailure`] tells a value from a failure.
trait Split<In>: Sync {
    type Value: Send;

    /// The value of a success; `None` (after recording the failure) for a failure.
    fn value(&self, item: In) -> Option<Self::Value>;
}

struct OptionSplit;

impl<T: Send> Split<Option<T>> for OptionSplit {
    type Value = T;

    #[inline]
    fn value(&self, item: Option<T>) -> Option<T> {
        item
    }
}

/// Keeps the first error recorded.
struct ResultSplit<E> {
    error: Mutex<Option<E>>,
}

impl<T: Send, E: Send> Split<Result<T, E>> for ResultSplit<E> {
    type Value = T;

    #[inline]
    fn value(&self, item: Result<T, E>) -> Option<T> {
        match item {
            Ok(value) => Some(value),
            Err(error) => {
                self.error.lock().get_or_insert(error);
                None
            }
        }
    }
}

/// The values of `base`'s items up to the first failure, which stops the call (module
/// docs). It reports `base`'s length, which is exact unless the call stops.
struct UntilFailure<'s, I, S> {
    base: I,
    split: &'s S,
    stop: &'s Stop,
}

impl<I, S> ParallelIterator for UntilFailure<'_, I, S>
where
    I: ParallelIterator,
    S: Split<I::Item>,
{
    type Item = S::Value;

    fn drive_unindexed<C: UnindexedConsumer<S::Value>>(self, consumer: C) -> C::Result {
        self.base.drive_unindexed(UntilFailureConsumer {
            base: consumer,
            split: self.split,
            stop: self.stop,
        })
    }

    fn opt_len(&self) -> Option<usize> {
        self.base.opt_len()
    }

    fn drive_checked<C: UnindexedConsumer<S::Value>>(
        self,
        consumer: C,
        check: CancelCheck<'_>,
    ) -> C::Result {
        let consumer = UntilFailureConsumer {
            base: consumer,
            split: self.split,
            stop: self.stop,
        };
        self.base.drive_checked(consumer, check)
    }
}

struct UntilFailureConsumer<'s, C, S> {
    base: C,
    split: &'s S,
    stop: &'s Stop,
}

impl<'s, T, C, S> Consumer<T> for UntilFailureConsumer<'s, C, S>
where
    S: Split<T>,
    C: Consumer<S::Value>,
{
    type Folder = UntilFailureFolder<'s, C::Folder, S>;
    type Reducer = C::Reducer;
    type Result = C::Result;

    fn split_at(self, index: usize) -> (Self, Self, C::Reducer) {
        let (left, right, reducer) = self.base.split_at(index);
        let (split, stop) = (self.split, self.stop);
        (
            UntilFailureConsumer {
                base: left,
                split,
                stop,
            },
            UntilFailureConsumer {
                base: right,
                split,
                stop,
            },
            reducer,
        )
    }

    fn into_folder(self) -> Self::Folder {
        UntilFailureFolder {
            base: self.base.into_folder(),
            split: self.split,
            stop: self.stop,
        }
    }

    fn full(&self) -> bool {
        self.stop.is_set() || self.base.full()
    }
}

impl<T, C, S> UnindexedConsumer<T> for UntilFailureConsumer<'_, C, S>
where
    S: Split<T>,
    C: UnindexedConsumer<S::Value>,
{
    fn split_off_left(&self) -> Self {
        UntilFailureConsumer {
            base: self.base.split_off_left(),
            split: self.split,
            stop: self.stop,
        }
    }

    fn to_reducer(&self) -> C::Reducer {
        self.base.to_reducer()
    }
}

struct UntilFailureFolder<'s, F, S> {
    base: F,
    split: &'s S,
    stop: &'s Stop,
}

impl<T, F, S> Folder<T> for UntilFailureFolder<'_, F, S>
where
    S: Split<T>,
    F: Folder<S::Value>,
{
    type Result = F::Result;

    fn consume(mut self, item: T) -> Self {
        match self.split.value(item) {
            Some(value) => self.base = self.base.consume(value),
            None => self.stop.set(),
        }
        self
    }

    fn consume_iter<It: IntoIterator<Item = T>>(mut self, iter: It) -> Self {
        let (split, stop) = (self.split, self.stop);
        let values = iter
            .into_iter()
            .take_while(|_| !stop.is_set())
            .map_while(|item| {
                let value = split.value(item);
                if value.is_none() {
                    stop.set();
                }
                value
            });
        self.base = self.base.consume_iter(values);
        self
    }

    fn complete(self) -> F::Result {
        self.base.complete()
    }

    fn full(&self) -> bool {
        self.stop.is_set() || self.base.full()
    }
}

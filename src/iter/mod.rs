//! Parallel iterators: rayon's `par_iter()` chains, run on the pool, and cancellable with
//! [`with_cancel`](ParallelIterator::with_cancel).
//!
//! `use cancelpool::prelude::*;` brings the traits in. The names, signatures and meaning
//! of every item are rayon's, so rayon code moves over by changing its imports; the
//! crate docs list the few places where we differ on purpose.
//!
//! ```
//! use cancelpool::prelude::*;
//!
//! let words = ["apple", "bob", "kayak", "rust"];
//! let palindromes: Vec<&str> = words
//!     .par_iter()
//!     .copied()
//!     .filter(|w| w.chars().eq(w.chars().rev()))
//!     .collect();
//! assert_eq!(palindromes, ["bob", "kayak"]);
//! ```
//!
//! # How a call runs
//!
//! A chain is a description; the consumer at its end (`sum`, `collect`, `for_each`, ...)
//! splits it into pieces with `join_context` and runs each piece as one sequential loop,
//! with no allocation and no virtual call per item. Splitting is adaptive: about one split
//! per thread to begin with, more where pieces are stolen. [`plumbing`] documents the
//! protocol and lets you write sources and adapters of your own.
//!
//! # Cancellation
//!
//! `chain.with_cancel(&token)` can stand anywhere in a chain, and any adapter may follow
//! it. The chain's consumer then returns `Result<R, Cancelled>`:
//!
//! - `Err(Cancelled)` at once, running no item, if the token is already cancelled;
//! - `Err(Cancelled)` if a request arrives while it runs: the pieces stop between blocks
//!   of source items (see below), and items already running can notice earlier through
//!   [`checkpoint()`](crate::checkpoint), because the token is the current token while
//!   the chain runs;
//! - `Ok(r)` otherwise — also when a request came after every piece had finished: work
//!   that was done is kept.
//!
//! A call made while cancellation is disabled ([`disable_cancel`](crate::disable_cancel))
//! runs every item, as part of the disabled section.
//!
//! ```
//! use cancelpool::prelude::*;
//! use cancelpool::{CancelSource, Cancelled};
//!
//! let source = CancelSource::new();
//! let token = source.token();
//! let squares: Result<Vec<u64>, Cancelled> =
//!     (0..1000u64).into_par_iter().with_cancel(&token).map(|x| x * x).collect();
//! assert_eq!(squares.map(|v| v.len()), Ok(1000));
//!
//! source.cancel();
//! let sum: Result<u64, Cancelled> = (0..1000u64).into_par_iter().map(|x| x * x).with_cancel(&token).sum();
//! assert_eq!(sum, Err(Cancelled));
//! ```
//!
//! **How soon a chain stops.** Each piece checks the token between *blocks* of source
//! items, one atomic load per block, so a check costs nothing per item and loops still
//! vectorise. A block starts at one item and doubles while it takes less than about
//! 10 µs, so the time from `cancel()` to the consumer's return is bounded by about
//! 20 µs of work per piece plus the item that is running — whatever the items cost.
//! (Unindexed chains, such as one that begins with `par_bridge`, check before every
//! item.) Chains that short-circuit (`find_any`, `any`, `all`, `try_for_each`, ...)
//! stop the other pieces in the same way when their answer is known, and cancel a child
//! token that items see at their `checkpoint()`.
//!
//! **Generic code.** The `Result`-returning consumers belong to the chain's type: a chain
//! whose `with_cancel` is on its left-most path (the base of every adapter, the left
//! operand of `zip`, `chain`, `interleave`). A function that takes
//! `impl ParallelIterator` and calls a consumer sees only the plain consumer: the chain
//! then runs every item (a consumer that cannot report cancellation must not drop work
//! silently), and its items still see the token at their checkpoints.

use std::cmp::Ordering;
use std::collections::LinkedList;
use std::iter::{Product, Sum};
use std::ops::RangeBounds;

pub use either::Either;

use self::plumbing::{Consumer, ProducerCallback, UnindexedConsumer};
use self::private::Try;
use crate::CancelToken;

pub mod plumbing;

// Sources, public at the crate root under rayon's paths (`cancelpool::slice`, ...).
#[doc(hidden)]
pub mod array;
#[doc(hidden)]
pub mod collections;
#[doc(hidden)]
pub mod option;
#[doc(hidden)]
pub mod range;
#[doc(hidden)]
pub mod range_inclusive;
#[doc(hidden)]
pub mod result;
#[doc(hidden)]
pub mod slice;
#[doc(hidden)]
pub mod string;
#[doc(hidden)]
pub mod vec;

mod blocks;
mod cancel;
mod chain;
mod chunks;
mod cloned;
mod cmp;
mod collect;
mod copied;
mod delegate;
mod empty;
mod enumerate;
mod extend;
mod filter;
mod filter_map;
mod find;
mod find_first_last;
mod flat_map;
mod flat_map_iter;
mod flatten;
mod flatten_iter;
mod fold;
mod fold_chunks;
mod for_each;
mod from_par_iter;
mod inspect;
mod interleave;
mod interleave_shortest;
mod intersperse;
mod len;
mod map;
mod map_with;
mod multizip;
mod noop;
mod once;
mod panic_fuse;
mod positions;
#[allow(unreachable_pub)]
// `private::Try` bounds public methods but is sealed: users never name it.
mod private;
mod reduce;
mod repeat;
mod rev;
mod short;
mod skip;
mod skip_any;
mod skip_any_while;
mod splitter;
mod step_by;
mod sum;
mod take;
mod take_any;
mod take_any_while;
mod try_fold;
mod try_reduce;
mod unzip;
mod update;
mod walk_tree;
mod while_some;
mod zip;
mod zip_eq;

pub use self::blocks::{ExponentialBlocks, UniformBlocks};
pub use self::cancel::WithCancel;
#[doc(hidden)]
pub use self::cancel::{CancelCheck, CancelShared, CancellableChain};
pub use self::chain::Chain;
pub use self::chunks::Chunks;
pub use self::cloned::Cloned;
pub use self::copied::Copied;
pub use self::empty::{Empty, empty};
pub use self::enumerate::Enumerate;
pub use self::filter::Filter;
pub use self::filter_map::FilterMap;
pub use self::flat_map::FlatMap;
pub use self::flat_map_iter::FlatMapIter;
pub use self::flatten::Flatten;
pub use self::flatten_iter::FlattenIter;
pub use self::fold::{Fold, FoldWith};
pub use self::fold_chunks::{FoldChunks, FoldChunksWith};
pub use self::inspect::Inspect;
pub use self::interleave::Interleave;
pub use self::interleave_shortest::InterleaveShortest;
pub use self::intersperse::Intersperse;
pub use self::len::{MaxLen, MinLen};
pub use self::map::Map;
pub use self::map_with::{MapInit, MapWith};
pub use self::multizip::MultiZip;
pub use self::once::{Once, once};
pub use self::panic_fuse::PanicFuse;
pub use self::positions::Positions;
#[allow(deprecated)]
pub use self::repeat::repeatn;
pub use self::repeat::{Repeat, RepeatN, repeat, repeat_n};
pub use self::rev::Rev;
pub use self::skip::Skip;
pub use self::skip_any::SkipAny;
pub use self::skip_any_while::SkipAnyWhile;
pub use self::splitter::{Split, split};
pub use self::step_by::StepBy;
pub use self::take::Take;
pub use self::take_any::TakeAny;
pub use self::take_any_while::TakeAnyWhile;
pub use self::try_fold::{TryFold, TryFoldWith};
pub use self::update::Update;
pub use self::walk_tree::{
    WalkTree, WalkTreePostfix, WalkTreePrefix, walk_tree, walk_tree_postfix, walk_tree_prefix,
};
pub use self::while_some::WhileSome;
pub use self::zip::Zip;
pub use self::zip_eq::ZipEq;

/// Conversion into a parallel iterator: `into_par_iter()` on ranges, `Vec`s, slices,
/// collections, `Option`s, tuples of iterators, and every parallel iterator itself.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let sum: i32 = vec![1, 2, 3].into_par_iter().sum();
/// assert_eq!(sum, 6);
/// // Literals need no suffix: the item type is inferred as for a sequential range.
/// assert_eq!((0..10).into_par_iter().count(), 10);
/// ```
pub trait IntoParallelIterator {
    /// The parallel iterator made.
    type Iter: ParallelIterator<Item = Self::Item>;

    /// Its items.
    type Item: Send;

    /// Converts `self` into a parallel iterator.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let v: Vec<char> = ('a'..='e').into_par_iter().collect();
    /// assert_eq!(v, ['a', 'b', 'c', 'd', 'e']);
    /// ```
    fn into_par_iter(self) -> Self::Iter;
}

impl<T: ParallelIterator> IntoParallelIterator for T {
    type Iter = T;
    type Item = T::Item;

    #[inline]
    fn into_par_iter(self) -> T {
        self
    }
}

/// `par_iter()`: a parallel iterator over shared references, for every `C` whose `&C` is
/// [`IntoParallelIterator`] (slices, `Vec`s, arrays, collections, `Option`s).
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let v = vec![1, 2, 3];
/// assert_eq!(v.par_iter().max(), Some(&3));
/// assert_eq!(v.len(), 3, "v is only borrowed");
/// ```
pub trait IntoParallelRefIterator<'data> {
    /// The parallel iterator made.
    type Iter: ParallelIterator<Item = Self::Item>;

    /// Its items: references into `self`.
    type Item: Send + 'data;

    /// A parallel iterator over `&self`'s items.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    /// use std::collections::BTreeSet;
    ///
    /// let set: BTreeSet<u32> = (1..=4).collect();
    /// assert_eq!(set.par_iter().sum::<u32>(), 10);
    /// ```
    fn par_iter(&'data self) -> Self::Iter;
}

impl<'data, I: 'data + ?Sized> IntoParallelRefIterator<'data> for I
where
    &'data I: IntoParallelIterator,
{
    type Iter = <&'data I as IntoParallelIterator>::Iter;
    type Item = <&'data I as IntoParallelIterator>::Item;

    fn par_iter(&'data self) -> Self::Iter {
        self.into_par_iter()
    }
}

/// `par_iter_mut()`: a parallel iterator over mutable references, for every `C` whose
/// `&mut C` is [`IntoParallelIterator`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let mut v = vec![1, 2, 3];
/// v.par_iter_mut().for_each(|x| *x += 1);
/// assert_eq!(v, [2, 3, 4]);
/// ```
pub trait IntoParallelRefMutIterator<'data> {
    /// The parallel iterator made.
    type Iter: ParallelIterator<Item = Self::Item>;

    /// Its items: mutable references into `self`.
    type Item: Send + 'data;

    /// A parallel iterator over `&mut self`'s items.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let mut a = [1, 2, 3];
    /// a.par_iter_mut().enumerate().for_each(|(i, x)| *x *= i);
    /// assert_eq!(a, [0, 2, 6]);
    /// ```
    fn par_iter_mut(&'data mut self) -> Self::Iter;
}

impl<'data, I: 'data + ?Sized> IntoParallelRefMutIterator<'data> for I
where
    &'data mut I: IntoParallelIterator,
{
    type Iter = <&'data mut I as IntoParallelIterator>::Iter;
    type Item = <&'data mut I as IntoParallelIterator>::Item;

    fn par_iter_mut(&'data mut self) -> Self::Iter {
        self.into_par_iter()
    }
}

/// A parallel iterator: a description of work that its consumer splits into pieces and
/// runs on the pool.
///
/// Implement it for a source of your own with [`drive_unindexed`] (and [`opt_len`] if
/// you know the length), using the [`plumbing`] bridges.
///
/// [`drive_unindexed`]: ParallelIterator::drive_unindexed
/// [`opt_len`]: ParallelIterator::opt_len
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// fn total_len<I: ParallelIterator<Item = String>>(iter: I) -> usize {
///     iter.map(|s| s.len()).sum()
/// }
/// assert_eq!(total_len(vec!["ab".to_string(), "c".to_string()].into_par_iter()), 3);
/// ```
pub trait ParallelIterator: Sized + Send {
    /// The type of the items.
    type Item: Send;

    /// Calls `op` on every item, in parallel.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    ///
    /// let total = AtomicUsize::new(0);
    /// (0..10usize).into_par_iter().for_each(|x| {
    ///     total.fetch_add(x, Ordering::Relaxed);
    /// });
    /// assert_eq!(total.into_inner(), 45);
    /// ```
    fn for_each<OP>(self, op: OP)
    where
        OP: Fn(Self::Item) + Sync + Send,
    {
        for_each::for_each(self, &op)
    }

    /// Calls `op` on every item with a `&mut` to a clone of `init` (one clone per piece).
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    /// use std::sync::mpsc::channel;
    ///
    /// let (sender, receiver) = channel();
    /// (0..5).into_par_iter().for_each_with(sender, |s, x| s.send(x).unwrap());
    /// let mut got: Vec<_> = receiver.iter().collect();
    /// got.sort();
    /// assert_eq!(got, [0, 1, 2, 3, 4]);
    /// ```
    fn for_each_with<OP, T>(self, init: T, op: OP)
    where
        OP: Fn(&mut T, Self::Item) + Sync + Send,
        T: Send + Clone,
    {
        self.map_with(init, op).for_each(drop)
    }

    /// Calls `op` on every item with a `&mut` to a value made by `init` (one per piece).
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    /// use std::sync::atomic::{AtomicU64, Ordering};
    ///
    /// let total = AtomicU64::new(0);
    /// // One scratch buffer per piece, not per item.
    /// (0..100u64).into_par_iter().for_each_init(Vec::new, |buf, x| {
    ///     buf.clear();
    ///     buf.push(x);
    ///     total.fetch_add(buf[0], Ordering::Relaxed);
    /// });
    /// assert_eq!(total.into_inner(), 4950);
    /// ```
    fn for_each_init<OP, INIT, T>(self, init: INIT, op: OP)
    where
        OP: Fn(&mut T, Self::Item) + Sync + Send,
        INIT: Fn() -> T + Sync + Send,
    {
        self.map_init(init, op).for_each(drop)
    }

    /// Calls the fallible `op` on every item until one fails; returns that failure (one
    /// of them, if several fail) or success. A failure stops the other pieces and cancels
    /// a child token that running items see at their `checkpoint()`.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let r = (0..100).into_par_iter().try_for_each(|x| if x < 50 { Ok(()) } else { Err(x) });
    /// assert!(matches!(r, Err(x) if x >= 50));
    /// assert_eq!((0..10).into_par_iter().try_for_each(|_| Some(())), Some(()));
    /// ```
    fn try_for_each<OP, R>(self, op: OP) -> R
    where
        OP: Fn(Self::Item) -> R + Sync + Send,
        R: Try<Output = ()> + Send,
    {
        self.map(op).try_reduce(|| (), |(), ()| R::from_output(()))
    }

    /// [`try_for_each`](Self::try_for_each) with a `&mut` to a clone of `init` per piece.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    /// use std::sync::mpsc::channel;
    ///
    /// let (sender, receiver) = channel();
    /// let r = (0..5).into_par_iter().try_for_each_with(sender, |s, x| s.send(x));
    /// assert!(r.is_ok());
    /// assert_eq!(receiver.iter().count(), 5);
    /// ```
    fn try_for_each_with<OP, T, R>(self, init: T, op: OP) -> R
    where
        OP: Fn(&mut T, Self::Item) -> R + Sync + Send,
        T: Send + Clone,
        R: Try<Output = ()> + Send,
    {
        self.map_with(init, op)
            .try_reduce(|| (), |(), ()| R::from_output(()))
    }

    /// [`try_for_each`](Self::try_for_each) with a `&mut` to a value made by `init` per
    /// piece.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let r: Result<(), String> = (0..10u8).into_par_iter().try_for_each_init(String::new, |s, x| {
    ///     s.clear();
    ///     s.push((b'a' + x) as char);
    ///     if s == "z" { Err(s.clone()) } else { Ok(()) }
    /// });
    /// assert_eq!(r, Ok(()));
    /// ```
    fn try_for_each_init<OP, INIT, T, R>(self, init: INIT, op: OP) -> R
    where
        OP: Fn(&mut T, Self::Item) -> R + Sync + Send,
        INIT: Fn() -> T + Sync + Send,
        R: Try<Output = ()> + Send,
    {
        self.map_init(init, op)
            .try_reduce(|| (), |(), ()| R::from_output(()))
    }

    /// Counts the items.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// assert_eq!((0..1000).into_par_iter().filter(|x| x % 3 == 0).count(), 334);
    /// ```
    fn count(self) -> usize {
        sum::count(self)
    }

    /// Applies `map_op` to every item.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let doubled: Vec<i32> = (1..4).into_par_iter().map(|x| x * 2).collect();
    /// assert_eq!(doubled, [2, 4, 6]);
    /// ```
    fn map<F, R>(self, map_op: F) -> Map<Self, F>
    where
        F: Fn(Self::Item) -> R + Sync + Send,
        R: Send,
    {
        Map::new(self, map_op)
    }

    /// Applies `map_op` to every item with a `&mut` to a clone of `init` (one clone per
    /// piece).
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let v: Vec<u32> = (0..5u32).into_par_iter().map_with(10u32, |ten, x| x + *ten).collect();
    /// assert_eq!(v, [10, 11, 12, 13, 14]);
    /// ```
    fn map_with<F, T, R>(self, init: T, map_op: F) -> MapWith<Self, T, F>
    where
        F: Fn(&mut T, Self::Item) -> R + Sync + Send,
        T: Send + Clone,
        R: Send,
    {
        MapWith::new(self, init, map_op)
    }

    /// Applies `map_op` to every item with a `&mut` to a value made by `init` (one per
    /// piece): for state that is expensive to make or cannot be cloned.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let lens: Vec<usize> = (0..4u32)
    ///     .into_par_iter()
    ///     .map_init(String::new, |buf, x| {
    ///         buf.clear();
    ///         buf.push_str(&x.to_string());
    ///         buf.len()
    ///     })
    ///     .collect();
    /// assert_eq!(lens, [1, 1, 1, 1]);
    /// ```
    fn map_init<F, INIT, T, R>(self, init: INIT, map_op: F) -> MapInit<Self, INIT, F>
    where
        F: Fn(&mut T, Self::Item) -> R + Sync + Send,
        INIT: Fn() -> T + Sync + Send,
        R: Send,
    {
        MapInit::new(self, init, map_op)
    }

    /// Clones every item: an iterator of `&T` becomes one of `T`.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let names = vec!["a".to_string(), "b".to_string()];
    /// let copies: Vec<String> = names.par_iter().cloned().collect();
    /// assert_eq!(copies, names);
    /// ```
    fn cloned<'a, T>(self) -> Cloned<Self>
    where
        T: 'a + Clone + Send,
        Self: ParallelIterator<Item = &'a T>,
    {
        Cloned::new(self)
    }

    /// Copies every item: an iterator of `&T` becomes one of `T`.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let v = [1, 2, 3];
    /// let total: i32 = v.par_iter().copied().sum();
    /// assert_eq!(total, 6);
    /// ```
    fn copied<'a, T>(self) -> Copied<Self>
    where
        T: 'a + Copy + Send,
        Self: ParallelIterator<Item = &'a T>,
    {
        Copied::new(self)
    }

    /// Calls `inspect_op` on a reference to every item as it passes.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    ///
    /// let seen = AtomicUsize::new(0);
    /// let sum: i32 = (1..=4).into_par_iter().inspect(|_| { seen.fetch_add(1, Ordering::Relaxed); }).sum();
    /// assert_eq!((sum, seen.into_inner()), (10, 4));
    /// ```
    fn inspect<OP>(self, inspect_op: OP) -> Inspect<Self, OP>
    where
        OP: Fn(&Self::Item) + Sync + Send,
    {
        Inspect::new(self, inspect_op)
    }

    /// Mutates every item in place as it passes.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let v: Vec<Vec<u8>> = (0..3u8).into_par_iter().map(|x| vec![x]).update(|v| v.push(9)).collect();
    /// assert_eq!(v, [vec![0, 9], vec![1, 9], vec![2, 9]]);
    /// ```
    fn update<F>(self, update_op: F) -> Update<Self, F>
    where
        F: Fn(&mut Self::Item) + Sync + Send,
    {
        Update::new(self, update_op)
    }

    /// Keeps the items for which `filter_op` returns `true`.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let odd: Vec<u8> = (0..10u8).into_par_iter().filter(|x| x % 2 == 1).collect();
    /// assert_eq!(odd, [1, 3, 5, 7, 9]);
    /// ```
    fn filter<P>(self, filter_op: P) -> Filter<Self, P>
    where
        P: Fn(&Self::Item) -> bool + Sync + Send,
    {
        Filter::new(self, filter_op)
    }

    /// Maps every item to an `Option` and keeps the `Some` values.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let nums: Vec<i32> = ["1", "x", "3"].par_iter().filter_map(|s| s.parse().ok()).collect();
    /// assert_eq!(nums, [1, 3]);
    /// ```
    fn filter_map<P, R>(self, filter_op: P) -> FilterMap<Self, P>
    where
        P: Fn(Self::Item) -> Option<R> + Sync + Send,
        R: Send,
    {
        FilterMap::new(self, filter_op)
    }

    /// Maps every item to a parallel iterator and flattens them, in order.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let v: Vec<u32> = (1..4u32).into_par_iter().flat_map(|n| (0..n).into_par_iter()).collect();
    /// assert_eq!(v, [0, 0, 1, 0, 1, 2]);
    /// ```
    fn flat_map<F, PI>(self, map_op: F) -> FlatMap<Self, F>
    where
        F: Fn(Self::Item) -> PI + Sync + Send,
        PI: IntoParallelIterator,
    {
        FlatMap::new(self, map_op)
    }

    /// Maps every item to a sequential iterator and flattens them, in order: cheaper than
    /// [`flat_map`](Self::flat_map) when the inner iterators are short.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let v: Vec<char> = ["ab", "c"].par_iter().flat_map_iter(|s| s.chars()).collect();
    /// assert_eq!(v, ['a', 'b', 'c']);
    /// ```
    fn flat_map_iter<F, SI>(self, map_op: F) -> FlatMapIter<Self, F>
    where
        F: Fn(Self::Item) -> SI + Sync + Send,
        SI: IntoIterator<Item: Send>,
    {
        FlatMapIter::new(self, map_op)
    }

    /// Flattens items that are themselves parallel iterables, in order.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let nested = vec![vec![1, 2], vec![], vec![3]];
    /// let flat: Vec<i32> = nested.into_par_iter().flatten().collect();
    /// assert_eq!(flat, [1, 2, 3]);
    /// ```
    fn flatten(self) -> Flatten<Self>
    where
        Self::Item: IntoParallelIterator,
    {
        Flatten::new(self)
    }

    /// Flattens items that are sequential iterables, in order.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let nested = vec![vec![1, 2], vec![3]];
    /// let flat: Vec<i32> = nested.into_par_iter().flatten_iter().collect();
    /// assert_eq!(flat, [1, 2, 3]);
    /// ```
    fn flatten_iter(self) -> FlattenIter<Self>
    where
        Self::Item: IntoIterator<Item: Send>,
    {
        FlattenIter::new(self)
    }

    /// Combines the items with `op`, which must be associative; each piece starts from
    /// `identity()`, which must be neutral for `op`.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let longest = ["a", "abc", "ab"].par_iter().map(|s| s.len()).reduce(|| 0, usize::max);
    /// assert_eq!(longest, 3);
    /// ```
    fn reduce<OP, ID>(self, identity: ID, op: OP) -> Self::Item
    where
        OP: Fn(Self::Item, Self::Item) -> Self::Item + Sync + Send,
        ID: Fn() -> Self::Item + Sync + Send,
    {
        reduce::reduce(self, identity, op)
    }

    /// Combines the items with the associative `op`; `None` if there are none.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// assert_eq!((1..=5).into_par_iter().reduce_with(|a, b| a * b), Some(120));
    /// assert_eq!((0..0).into_par_iter().reduce_with(|a: i32, b| a + b), None);
    /// ```
    fn reduce_with<OP>(self, op: OP) -> Option<Self::Item>
    where
        OP: Fn(Self::Item, Self::Item) -> Self::Item + Sync + Send,
    {
        reduce::reduce_with(self, op)
    }

    /// Combines fallible items (`Result`s, `Option`s) with `op` until one fails; returns
    /// the failure or the combined value. A failure stops the other pieces and cancels a
    /// child token that running items see at their `checkpoint()`.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let sum = (1..=4).into_par_iter().map(|x| if x > 0 { Ok(x) } else { Err(x) })
    ///     .try_reduce(|| 0, |a, b| Ok(a + b));
    /// assert_eq!(sum, Ok(10));
    /// let checked = [u8::MAX, 1].par_iter().map(|&x| Some(x)).try_reduce(|| 0, u8::checked_add);
    /// assert_eq!(checked, None);
    /// ```
    fn try_reduce<T, OP, ID>(self, identity: ID, op: OP) -> Self::Item
    where
        OP: Fn(T, T) -> Self::Item + Sync + Send,
        ID: Fn() -> T + Sync + Send,
        Self::Item: Try<Output = T>,
    {
        try_reduce::try_reduce(self, identity, op)
    }

    /// [`try_reduce`](Self::try_reduce) without an identity: `None` if there are no items.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let r = (1..=3u8).into_par_iter().map(Some).try_reduce_with(u8::checked_mul);
    /// assert_eq!(r, Some(Some(6)));
    /// ```
    fn try_reduce_with<T, OP>(self, op: OP) -> Option<Self::Item>
    where
        OP: Fn(T, T) -> Self::Item + Sync + Send,
        Self::Item: Try<Output = T>,
    {
        try_reduce::try_reduce_with(self, op)
    }

    /// Folds each piece into one accumulator, starting from `identity()`: a parallel
    /// iterator of accumulators, to be combined by a consumer such as
    /// [`reduce`](Self::reduce) or [`sum`](Self::sum). How many there are depends on the
    /// splitting.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let evens = (0..100u32)
    ///     .into_par_iter()
    ///     .fold(|| 0usize, |n, x| n + (x % 2 == 0) as usize)
    ///     .sum::<usize>();
    /// assert_eq!(evens, 50);
    /// ```
    fn fold<T, ID, F>(self, identity: ID, fold_op: F) -> Fold<Self, ID, F>
    where
        F: Fn(T, Self::Item) -> T + Sync + Send,
        ID: Fn() -> T + Sync + Send,
        T: Send,
    {
        Fold::new(self, identity, fold_op)
    }

    /// [`fold`](Self::fold) starting each piece from a clone of `init`.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let total: u64 = (1..=100u64).into_par_iter().fold_with(0u64, |a, x| a + x).sum();
    /// assert_eq!(total, 5050);
    /// ```
    fn fold_with<F, T>(self, init: T, fold_op: F) -> FoldWith<Self, T, F>
    where
        F: Fn(T, Self::Item) -> T + Sync + Send,
        T: Send + Clone,
    {
        FoldWith::new(self, init, fold_op)
    }

    /// A fallible [`fold`](Self::fold): each piece stops at its first failure, and a
    /// failure stops the other pieces too.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let bytes = [1u8, 2, 3];
    /// let sum = bytes.par_iter().try_fold(|| 0u8, |a, &b| a.checked_add(b)).try_reduce(|| 0, u8::checked_add);
    /// assert_eq!(sum, Some(6));
    /// ```
    fn try_fold<T, R, ID, F>(self, identity: ID, fold_op: F) -> TryFold<Self, R, ID, F>
    where
        F: Fn(T, Self::Item) -> R + Sync + Send,
        ID: Fn() -> T + Sync + Send,
        R: Try<Output = T> + Send,
    {
        TryFold::new(self, identity, fold_op)
    }

    /// [`try_fold`](Self::try_fold) starting each piece from a clone of `init`.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let r = (1..=10u8).into_par_iter().try_fold_with(0u8, |a, b| a.checked_add(b)).try_reduce(|| 0, u8::checked_add);
    /// assert_eq!(r, Some(55));
    /// ```
    fn try_fold_with<F, T, R>(self, init: T, fold_op: F) -> TryFoldWith<Self, R, F>
    where
        F: Fn(T, Self::Item) -> R + Sync + Send,
        R: Try<Output = T> + Send,
        T: Clone + Send,
    {
        TryFoldWith::new(self, init, fold_op)
    }

    /// Adds the items up (an empty iterator sums to its `Sum`'s zero).
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// assert_eq!(vec![1.5f64, 2.5].par_iter().sum::<f64>(), 4.0);
    /// assert_eq!((0..0u64).into_par_iter().sum::<u64>(), 0);
    /// ```
    fn sum<S>(self) -> S
    where
        S: Send + Sum<Self::Item> + Sum<S>,
    {
        sum::sum(self)
    }

    /// Multiplies the items (1 for an empty iterator).
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// assert_eq!((1..6u64).into_par_iter().product::<u64>(), 120);
    /// ```
    fn product<P>(self) -> P
    where
        P: Send + Product<Self::Item> + Product<P>,
    {
        sum::product(self)
    }

    /// The smallest item; of several equal ones, the first (as `Iterator::min`).
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// assert_eq!([3, 1, 2].par_iter().min(), Some(&1));
    /// assert_eq!((0..0).into_par_iter().min(), None::<i32>);
    /// ```
    fn min(self) -> Option<Self::Item>
    where
        Self::Item: Ord,
    {
        self.min_by(Ord::cmp)
    }

    /// The smallest item by `f`; of several equal ones, the first.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let v = [2.5f64, -1.0, 4.0];
    /// assert_eq!(v.par_iter().min_by(|a, b| a.total_cmp(b)), Some(&-1.0));
    /// ```
    fn min_by<F>(self, f: F) -> Option<Self::Item>
    where
        F: Sync + Send + Fn(&Self::Item, &Self::Item) -> Ordering,
    {
        self.reduce_with(|a, b| if f(&b, &a) == Ordering::Less { b } else { a })
    }

    /// The item with the smallest key; of several, the first.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let words = ["ccc", "a", "bb", "d"];
    /// assert_eq!(words.par_iter().min_by_key(|w| w.len()), Some(&"a"));
    /// ```
    fn min_by_key<K, F>(self, f: F) -> Option<Self::Item>
    where
        K: Ord + Send,
        F: Sync + Send + Fn(&Self::Item) -> K,
    {
        self.map(|item| (f(&item), item))
            .min_by(|a, b| a.0.cmp(&b.0))
            .map(|(_, item)| item)
    }

    /// The largest item; of several equal ones, the last.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// assert_eq!([3, 1, 2].par_iter().max(), Some(&3));
    /// ```
    fn max(self) -> Option<Self::Item>
    where
        Self::Item: Ord,
    {
        self.max_by(Ord::cmp)
    }

    /// The largest item by `f`; of several equal ones, the last.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let v = [2.5f64, -1.0, 4.0];
    /// assert_eq!(v.par_iter().max_by(|a, b| a.total_cmp(b)), Some(&4.0));
    /// ```
    fn max_by<F>(self, f: F) -> Option<Self::Item>
    where
        F: Sync + Send + Fn(&Self::Item, &Self::Item) -> Ordering,
    {
        self.reduce_with(|a, b| if f(&b, &a) == Ordering::Less { a } else { b })
    }

    /// The item with the largest key; of several, the last.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let words = ["ccc", "a", "bb", "ddd"];
    /// assert_eq!(words.par_iter().max_by_key(|w| w.len()), Some(&"ddd"));
    /// ```
    fn max_by_key<K, F>(self, f: F) -> Option<Self::Item>
    where
        K: Ord + Send,
        F: Sync + Send + Fn(&Self::Item) -> K,
    {
        self.map(|item| (f(&item), item))
            .max_by(|a, b| a.0.cmp(&b.0))
            .map(|(_, item)| item)
    }

    /// The items of `self`, then those of `chain`.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let v: Vec<i32> = (0..3).into_par_iter().chain(vec![7, 8]).collect();
    /// assert_eq!(v, [0, 1, 2, 7, 8]);
    /// ```
    fn chain<C>(self, chain: C) -> Chain<Self, C::Iter>
    where
        C: IntoParallelIterator<Item = Self::Item>,
    {
        Chain::new(self, chain.into_par_iter())
    }

    /// Some item that satisfies `predicate` — not necessarily the first. Once one is found
    /// the other pieces stop, and items still running see a cancelled child token at their
    /// `checkpoint()`.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let hit = (0..1000).into_par_iter().find_any(|x| x % 100 == 99);
    /// assert!(matches!(hit, Some(x) if x % 100 == 99));
    /// assert_eq!((0..10).into_par_iter().find_any(|&x| x > 10), None);
    /// ```
    fn find_any<P>(self, predicate: P) -> Option<Self::Item>
    where
        P: Fn(&Self::Item) -> bool + Sync + Send,
    {
        find::find_any(self, predicate)
    }

    /// The first item, in order, that satisfies `predicate`. Pieces after a match stop.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// assert_eq!((0..1000).into_par_iter().find_first(|x| x % 7 == 6), Some(6));
    /// ```
    fn find_first<P>(self, predicate: P) -> Option<Self::Item>
    where
        P: Fn(&Self::Item) -> bool + Sync + Send,
    {
        find_first_last::find_first(self, predicate)
    }

    /// The last item, in order, that satisfies `predicate`. Pieces before a match stop.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// assert_eq!((0..1000).into_par_iter().find_last(|x| x % 7 == 6), Some(993));
    /// ```
    fn find_last<P>(self, predicate: P) -> Option<Self::Item>
    where
        P: Fn(&Self::Item) -> bool + Sync + Send,
    {
        find_first_last::find_last(self, predicate)
    }

    /// Some `Some` value of `predicate` — not necessarily the first.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let n = ["x", "2", "y"].par_iter().find_map_any(|s| s.parse::<i32>().ok());
    /// assert_eq!(n, Some(2));
    /// ```
    fn find_map_any<P, R>(self, predicate: P) -> Option<R>
    where
        P: Fn(Self::Item) -> Option<R> + Sync + Send,
        R: Send,
    {
        self.filter_map(predicate).find_any(|_| true)
    }

    /// The first `Some` value of `predicate`, in order.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let n = ["x", "2", "3"].par_iter().find_map_first(|s| s.parse::<i32>().ok());
    /// assert_eq!(n, Some(2));
    /// ```
    fn find_map_first<P, R>(self, predicate: P) -> Option<R>
    where
        P: Fn(Self::Item) -> Option<R> + Sync + Send,
        R: Send,
    {
        self.filter_map(predicate).find_first(|_| true)
    }

    /// The last `Some` value of `predicate`, in order.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let n = ["x", "2", "3"].par_iter().find_map_last(|s| s.parse::<i32>().ok());
    /// assert_eq!(n, Some(3));
    /// ```
    fn find_map_last<P, R>(self, predicate: P) -> Option<R>
    where
        P: Fn(Self::Item) -> Option<R> + Sync + Send,
        R: Send,
    {
        self.filter_map(predicate).find_last(|_| true)
    }

    #[doc(hidden)]
    #[deprecated(note = "parallel `find` does not search in order -- use `find_any`, \
                         `find_first`, or `find_last`")]
    fn find<P>(self, predicate: P) -> Option<Self::Item>
    where
        P: Fn(&Self::Item) -> bool + Sync + Send,
    {
        self.find_any(predicate)
    }

    /// Whether some item satisfies `predicate`. Stops the other pieces once one is found.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// assert!((0..1_000_000).into_par_iter().any(|x| x == 10));
    /// assert!(!(0..100).into_par_iter().any(|x| x > 100));
    /// ```
    fn any<P>(self, predicate: P) -> bool
    where
        P: Fn(Self::Item) -> bool + Sync + Send,
    {
        self.map(predicate).find_any(|&b| b).is_some()
    }

    /// Whether every item satisfies `predicate`. Stops the other pieces at the first that
    /// does not.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// assert!((0..100).into_par_iter().all(|x| x < 100));
    /// assert!(!(0..100).into_par_iter().all(|x| x < 50));
    /// ```
    fn all<P>(self, predicate: P) -> bool
    where
        P: Fn(Self::Item) -> bool + Sync + Send,
    {
        self.map(predicate).find_any(|&b| !b).is_none()
    }

    /// The items up to the first `None` (in some piece): `Some(x)` gives `x`, and a `None`
    /// stops the iteration. Which items before the `None` are kept is unspecified, as in
    /// rayon: pieces after it may already have produced theirs.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let v: Vec<i32> = (0..100).into_par_iter().map(|x| if x != 50 { Some(x) } else { None }).while_some().collect();
    /// assert!(!v.contains(&50) && v.len() < 100);
    /// ```
    fn while_some<T>(self) -> WhileSome<Self>
    where
        Self: ParallelIterator<Item = Option<T>>,
        T: Send,
    {
        WhileSome::new(self)
    }

    /// Stops the other pieces as soon as one panics, so that a panic surfaces quickly; the
    /// panic is still re-raised after every piece stopped.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let r = std::panic::catch_unwind(|| {
    ///     (0..1_000_000).into_par_iter().panic_fuse().for_each(|x| {
    ///         if x == 10 {
    ///             panic!("stop");
    ///         }
    ///     })
    /// });
    /// assert!(r.is_err());
    /// ```
    fn panic_fuse(self) -> PanicFuse<Self> {
        PanicFuse::new(self)
    }

    /// Collects the items, in order, into a collection (`Vec`, `String`, `HashMap`,
    /// `Result<Vec<_>, E>`, ...; see [`FromParallelIterator`]).
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    /// use std::collections::HashMap;
    ///
    /// let v: Vec<String> = (0..3).into_par_iter().map(|i| i.to_string()).collect();
    /// assert_eq!(v, ["0", "1", "2"]);
    /// let m: HashMap<u8, u8> = (0..3u8).into_par_iter().map(|i| (i, i * i)).collect();
    /// assert_eq!(m[&2], 4);
    /// let r: Result<Vec<u8>, String> = (0..3u8).into_par_iter().map(Ok).collect();
    /// assert_eq!(r, Ok(vec![0, 1, 2]));
    /// ```
    fn collect<C>(self) -> C
    where
        C: FromParallelIterator<Self::Item>,
    {
        C::from_par_iter(self)
    }

    /// Splits pairs into two collections.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let (a, b): (Vec<u8>, Vec<char>) = vec![(1, 'x'), (2, 'y')].into_par_iter().unzip();
    /// assert_eq!((a, b), (vec![1, 2], vec!['x', 'y']));
    /// ```
    fn unzip<A, B, FromA, FromB>(self) -> (FromA, FromB)
    where
        Self: ParallelIterator<Item = (A, B)>,
        FromA: Default + Send + ParallelExtend<A>,
        FromB: Default + Send + ParallelExtend<B>,
        A: Send,
        B: Send,
    {
        unzip::unzip(self)
    }

    /// Splits the items into those that satisfy `predicate` and those that do not.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let (even, odd): (Vec<i32>, Vec<i32>) = (0..6).into_par_iter().partition(|x| x % 2 == 0);
    /// assert_eq!((even, odd), (vec![0, 2, 4], vec![1, 3, 5]));
    /// ```
    fn partition<A, B, P>(self, predicate: P) -> (A, B)
    where
        A: Default + Send + ParallelExtend<Self::Item>,
        B: Default + Send + ParallelExtend<Self::Item>,
        P: Fn(&Self::Item) -> bool + Sync + Send,
    {
        unzip::partition(self, predicate)
    }

    /// Maps the items to [`Either`] and splits the `Left`s from the `Right`s.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::iter::Either;
    /// use cancelpool::prelude::*;
    ///
    /// let (nums, words): (Vec<i32>, Vec<&str>) = ["1", "a", "2"]
    ///     .par_iter()
    ///     .partition_map(|s| match s.parse::<i32>() {
    ///         Ok(n) => Either::Left(n),
    ///         Err(_) => Either::Right(*s),
    ///     });
    /// assert_eq!((nums, words), (vec![1, 2], vec!["a"]));
    /// ```
    fn partition_map<A, B, P, L, R>(self, predicate: P) -> (A, B)
    where
        A: Default + Send + ParallelExtend<L>,
        B: Default + Send + ParallelExtend<R>,
        P: Fn(Self::Item) -> Either<L, R> + Sync + Send,
        L: Send,
        R: Send,
    {
        unzip::partition_map(self, predicate)
    }

    /// Puts a clone of `element` between every two adjacent items.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let v: Vec<i32> = vec![1, 2, 3].into_par_iter().intersperse(0).collect();
    /// assert_eq!(v, [1, 0, 2, 0, 3]);
    /// ```
    fn intersperse(self, element: Self::Item) -> Intersperse<Self>
    where
        Self::Item: Clone,
    {
        Intersperse::new(self, element)
    }

    /// At most `n` items, whichever the pieces produce first (not necessarily the first
    /// `n` in order).
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let v: Vec<u32> = (0..100u32).into_par_iter().take_any(5).collect();
    /// assert_eq!(v.len(), 5);
    /// ```
    fn take_any(self, n: usize) -> TakeAny<Self> {
        TakeAny::new(self, n)
    }

    /// All but `n` items, whichever the pieces produce first.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let v: Vec<u32> = (0..100u32).into_par_iter().skip_any(95).collect();
    /// assert_eq!(v.len(), 5);
    /// ```
    fn skip_any(self, n: usize) -> SkipAny<Self> {
        SkipAny::new(self, n)
    }

    /// Items while `predicate` holds: once some piece meets an item that fails it, no
    /// later item anywhere is taken (items before it in other pieces may be).
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let v: Vec<u32> = (0..100u32).into_par_iter().take_any_while(|&x| x < 50).collect();
    /// assert!(v.iter().all(|&x| x < 50));
    /// ```
    fn take_any_while<P>(self, predicate: P) -> TakeAnyWhile<Self, P>
    where
        P: Fn(&Self::Item) -> bool + Sync + Send,
    {
        TakeAnyWhile::new(self, predicate)
    }

    /// Skips items while `predicate` holds; once some piece meets an item that fails it,
    /// every later item is kept (items before it in other pieces may be kept too).
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let v: Vec<u32> = (0..100u32).into_par_iter().skip_any_while(|&x| x < 50).collect();
    /// assert!((50..100).all(|x| v.contains(&x)));
    /// ```
    fn skip_any_while<P>(self, predicate: P) -> SkipAnyWhile<Self, P>
    where
        P: Fn(&Self::Item) -> bool + Sync + Send,
    {
        SkipAnyWhile::new(self, predicate)
    }

    /// Collects into a linked list of `Vec`s, one per piece, in order: the cheapest
    /// collect when the items will only be iterated again.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let list = (0..100).into_par_iter().filter(|x| x % 2 == 0).collect_vec_list();
    /// assert_eq!(list.into_iter().flatten().collect::<Vec<_>>(), (0..100).step_by(2).collect::<Vec<_>>());
    /// ```
    fn collect_vec_list(self) -> LinkedList<Vec<Self::Item>> {
        collect::vec_list(self)
    }

    /// Makes the consumer at the end of this chain cancellable by `token`: it returns
    /// `Result<R, Cancelled>` (see "Cancellation" in the [module docs](self)). It may
    /// stand anywhere in the chain, and any adapter may follow it.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    /// use cancelpool::{CancelSource, Cancelled};
    ///
    /// let source = CancelSource::new();
    /// let token = source.token();
    /// assert_eq!((0..100u32).into_par_iter().with_cancel(&token).sum::<u32>(), Ok(4950));
    /// source.cancel();
    /// let r = (0..100u32).into_par_iter().with_cancel(&token).filter(|x| x % 2 == 0).count();
    /// assert_eq!(r, Err(Cancelled));
    /// ```
    fn with_cancel(self, token: &CancelToken) -> WithCancel<Self> {
        WithCancel::new(self, token)
    }

    /// Runs the chain into an unindexed `consumer` (see [`plumbing`]): what every
    /// consumer method does, and what a source of your own implements.
    ///
    /// # Example
    ///
    /// See [`plumbing::Consumer`].
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// // Implementations forward the consumer to their base, as `map` does here.
    /// assert_eq!((0..4).into_par_iter().map(|x| x + 1).sum::<i32>(), 10);
    /// ```
    fn drive_unindexed<C>(self, consumer: C) -> C::Result
    where
        C: UnindexedConsumer<Self::Item>;

    /// The exact number of items, if known without running the iterator: `Some` for
    /// indexed iterators. The default is `None`.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// assert_eq!((0..10).into_par_iter().opt_len(), Some(10));
    /// assert_eq!((0..10).into_par_iter().filter(|x| x % 2 == 0).opt_len(), None);
    /// ```
    fn opt_len(&self) -> Option<usize> {
        None
    }

    /// Runs the chain with a cancellation check, for a [`with_cancel`] later in the
    /// chain. The default checks before every item, in the consumer; indexed sources and
    /// the adapters that forward their consumer override it to check between blocks of
    /// source items instead, which keeps loops vectorised.
    ///
    /// [`with_cancel`]: ParallelIterator::with_cancel
    #[doc(hidden)]
    fn drive_checked<C>(self, consumer: C, check: CancelCheck<'_>) -> C::Result
    where
        C: UnindexedConsumer<Self::Item>,
    {
        self.drive_unindexed(cancel::CheckConsumer::new(consumer, check))
    }
}

/// A parallel iterator that knows its exact length, each position one item: sources such
/// as slices, ranges and `Vec`s, and the adapters that keep positions (`map`,
/// `enumerate`, `zip`, `rev`, ...). `filter`, `flat_map` and the like lose it.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// fn halves<I: IndexedParallelIterator>(iter: I) -> usize {
///     iter.len() / 2
/// }
/// assert_eq!(halves((0..10).into_par_iter()), 5);
/// ```
#[allow(clippy::len_without_is_empty)] // rayon's trait has no `is_empty`
pub trait IndexedParallelIterator: ParallelIterator {
    /// Divides the iterator into a sequence of blocks of growing size (the number of
    /// threads, then doubling), each run in parallel, one after the other: a
    /// short-circuiting consumer such as `find_first` stops at the first block that has
    /// its answer.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let hit = (0..10_000).into_par_iter().by_exponential_blocks().find_first(|&x| x == 4_999);
    /// assert_eq!(hit, Some(4_999));
    /// ```
    fn by_exponential_blocks(self) -> ExponentialBlocks<Self> {
        ExponentialBlocks::new(self)
    }

    /// Divides the iterator into a sequence of blocks of `block_size` positions, each run
    /// in parallel, one after the other (for memory locality).
    ///
    /// # Panics
    ///
    /// If `block_size` is 0.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let v: Vec<u32> = (0..10_000u32).into_par_iter().by_uniform_blocks(1_000).collect();
    /// assert_eq!(v, (0..10_000).collect::<Vec<_>>());
    /// ```
    #[track_caller]
    fn by_uniform_blocks(self, block_size: usize) -> UniformBlocks<Self> {
        assert!(
            block_size != 0,
            "by_uniform_blocks: block_size must not be zero"
        );
        UniformBlocks::new(self, block_size)
    }

    /// Collects into `target`, replacing its contents, reusing its allocation where it is
    /// large enough.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let mut v = vec![9; 2];
    /// (0..4).into_par_iter().collect_into_vec(&mut v);
    /// assert_eq!(v, [0, 1, 2, 3]);
    /// ```
    fn collect_into_vec(self, target: &mut Vec<Self::Item>) {
        collect::collect_into_vec(self, target)
    }

    /// Splits pairs into `left` and `right`, replacing their contents.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let (mut a, mut b) = (Vec::new(), Vec::new());
    /// (0..3).into_par_iter().map(|x| (x, x * 2)).unzip_into_vecs(&mut a, &mut b);
    /// assert_eq!((a, b), (vec![0, 1, 2], vec![0, 2, 4]));
    /// ```
    fn unzip_into_vecs<A, B>(self, left: &mut Vec<A>, right: &mut Vec<B>)
    where
        Self: IndexedParallelIterator<Item = (A, B)>,
        A: Send,
        B: Send,
    {
        collect::unzip_into_vecs(self, left, right)
    }

    /// Pairs the items of `self` and `zip_op` position by position, as long as the
    /// shorter of the two.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let a = vec![1, 2, 3];
    /// let b = vec![4, 5, 6, 7];
    /// let dot: i32 = a.par_iter().zip(&b).map(|(x, y)| x * y).sum();
    /// assert_eq!(dot, 32);
    /// ```
    fn zip<Z>(self, zip_op: Z) -> Zip<Self, Z::Iter>
    where
        Z: IntoParallelIterator<Iter: IndexedParallelIterator>,
    {
        Zip::new(self, zip_op.into_par_iter())
    }

    /// [`zip`](Self::zip) of two iterators that must have the same length.
    ///
    /// # Panics
    ///
    /// If the lengths differ.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let v: Vec<(i32, char)> = vec![1, 2].into_par_iter().zip_eq(vec!['a', 'b']).collect();
    /// assert_eq!(v, [(1, 'a'), (2, 'b')]);
    /// ```
    #[track_caller]
    fn zip_eq<Z>(self, zip_op: Z) -> ZipEq<Self, Z::Iter>
    where
        Z: IntoParallelIterator<Iter: IndexedParallelIterator>,
    {
        let other = zip_op.into_par_iter();
        let (a, b) = (self.len(), other.len());
        assert!(
            a == b,
            "zip_eq: the iterators have different lengths ({a} and {b})"
        );
        ZipEq::new(self, other)
    }

    /// Alternates the items of `self` and `other`, starting with `self`; the rest of the
    /// longer follows.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let v: Vec<i32> = vec![1, 3, 5, 7].into_par_iter().interleave(vec![2, 4]).collect();
    /// assert_eq!(v, [1, 2, 3, 4, 5, 7]);
    /// ```
    fn interleave<I>(self, other: I) -> Interleave<Self, I::Iter>
    where
        I: IntoParallelIterator<Item = Self::Item, Iter: IndexedParallelIterator>,
    {
        Interleave::new(self, other.into_par_iter())
    }

    /// Alternates the items of `self` and `other`, starting with `self`, and stops when
    /// the one whose turn it is runs out.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let v: Vec<i32> = vec![1, 3, 5, 7].into_par_iter().interleave_shortest(vec![2, 4]).collect();
    /// assert_eq!(v, [1, 2, 3, 4, 5]);
    /// ```
    fn interleave_shortest<I>(self, other: I) -> InterleaveShortest<Self, I::Iter>
    where
        I: IntoParallelIterator<Item = Self::Item, Iter: IndexedParallelIterator>,
    {
        InterleaveShortest::new(self, other.into_par_iter())
    }

    /// Groups the items into `Vec`s of `chunk_size` (the last may be shorter).
    ///
    /// # Panics
    ///
    /// If `chunk_size` is 0.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let v: Vec<Vec<i32>> = (1..=5).into_par_iter().chunks(2).collect();
    /// assert_eq!(v, [vec![1, 2], vec![3, 4], vec![5]]);
    /// ```
    #[track_caller]
    fn chunks(self, chunk_size: usize) -> Chunks<Self> {
        assert!(chunk_size != 0, "chunks: chunk_size must not be zero");
        Chunks::new(self, chunk_size)
    }

    /// Folds every run of `chunk_size` items (the last may be shorter) into one value,
    /// starting from `identity()`.
    ///
    /// # Panics
    ///
    /// If `chunk_size` is 0.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let sums: Vec<i32> = (1..=5).into_par_iter().fold_chunks(2, || 0, |a, x| a + x).collect();
    /// assert_eq!(sums, [3, 7, 5]);
    /// ```
    #[track_caller]
    fn fold_chunks<T, ID, F>(
        self,
        chunk_size: usize,
        identity: ID,
        fold_op: F,
    ) -> FoldChunks<Self, ID, F>
    where
        ID: Fn() -> T + Send + Sync,
        F: Fn(T, Self::Item) -> T + Send + Sync,
        T: Send,
    {
        assert!(chunk_size != 0, "fold_chunks: chunk_size must not be zero");
        FoldChunks::new(self, chunk_size, identity, fold_op)
    }

    /// [`fold_chunks`](Self::fold_chunks) starting each chunk from a clone of `init`.
    ///
    /// # Panics
    ///
    /// If `chunk_size` is 0.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let sums: Vec<i32> = (1..=5).into_par_iter().fold_chunks_with(2, 0, |a, x| a + x).collect();
    /// assert_eq!(sums, [3, 7, 5]);
    /// ```
    #[track_caller]
    fn fold_chunks_with<T, F>(
        self,
        chunk_size: usize,
        init: T,
        fold_op: F,
    ) -> FoldChunksWith<Self, T, F>
    where
        T: Send + Clone,
        F: Fn(T, Self::Item) -> T + Send + Sync,
    {
        assert!(
            chunk_size != 0,
            "fold_chunks_with: chunk_size must not be zero"
        );
        FoldChunksWith::new(self, chunk_size, init, fold_op)
    }

    /// Compares the items lexicographically with those of `other`.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    /// use std::cmp::Ordering;
    ///
    /// assert_eq!(vec![1, 2, 3].par_iter().cmp(&vec![1, 2, 4]), Ordering::Less);
    /// assert_eq!(vec![1, 2].par_iter().cmp(&vec![1]), Ordering::Greater);
    /// ```
    fn cmp<I>(self, other: I) -> Ordering
    where
        I: IntoParallelIterator<Item = Self::Item, Iter: IndexedParallelIterator>,
        Self::Item: Ord,
    {
        cmp::cmp(self, other.into_par_iter())
    }

    /// Compares the items lexicographically with those of `other`, for `PartialOrd`
    /// items.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    /// use std::cmp::Ordering;
    ///
    /// assert_eq!(vec![1.0, 2.0].par_iter().partial_cmp(&vec![1.0, f64::NAN]), None);
    /// assert_eq!(vec![1.0].par_iter().partial_cmp(&vec![2.0]), Some(Ordering::Less));
    /// ```
    fn partial_cmp<I>(self, other: I) -> Option<Ordering>
    where
        I: IntoParallelIterator<Iter: IndexedParallelIterator>,
        Self::Item: PartialOrd<I::Item>,
    {
        cmp::partial_cmp(self, other.into_par_iter())
    }

    /// Whether the items equal those of `other`, position by position, and the lengths
    /// agree.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// assert!((0..3).into_par_iter().eq(vec![0, 1, 2]));
    /// assert!(!(0..3).into_par_iter().eq(vec![0, 1]));
    /// ```
    fn eq<I>(self, other: I) -> bool
    where
        I: IntoParallelIterator<Iter: IndexedParallelIterator>,
        Self::Item: PartialEq<I::Item>,
    {
        cmp::eq(self, other.into_par_iter())
    }

    /// The negation of [`eq`](Self::eq).
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// assert!((0..3).into_par_iter().ne(vec![0, 1, 3]));
    /// ```
    fn ne<I>(self, other: I) -> bool
    where
        I: IntoParallelIterator<Iter: IndexedParallelIterator>,
        Self::Item: PartialEq<I::Item>,
    {
        !self.eq(other)
    }

    /// Whether the items are lexicographically less than those of `other`.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// assert!(vec![1, 2].par_iter().lt(&vec![1, 3]));
    /// ```
    fn lt<I>(self, other: I) -> bool
    where
        I: IntoParallelIterator<Iter: IndexedParallelIterator>,
        Self::Item: PartialOrd<I::Item>,
    {
        self.partial_cmp(other) == Some(Ordering::Less)
    }

    /// Whether the items are lexicographically less than or equal to those of `other`.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// assert!(vec![1, 2].par_iter().le(&vec![1, 2]));
    /// ```
    fn le<I>(self, other: I) -> bool
    where
        I: IntoParallelIterator<Iter: IndexedParallelIterator>,
        Self::Item: PartialOrd<I::Item>,
    {
        matches!(
            self.partial_cmp(other),
            Some(Ordering::Less | Ordering::Equal)
        )
    }

    /// Whether the items are lexicographically greater than those of `other`.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// assert!(vec![2].par_iter().gt(&vec![1, 9]));
    /// ```
    fn gt<I>(self, other: I) -> bool
    where
        I: IntoParallelIterator<Iter: IndexedParallelIterator>,
        Self::Item: PartialOrd<I::Item>,
    {
        self.partial_cmp(other) == Some(Ordering::Greater)
    }

    /// Whether the items are lexicographically greater than or equal to those of `other`.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// assert!(vec![2].par_iter().ge(&vec![2]));
    /// ```
    fn ge<I>(self, other: I) -> bool
    where
        I: IntoParallelIterator<Iter: IndexedParallelIterator>,
        Self::Item: PartialOrd<I::Item>,
    {
        matches!(
            self.partial_cmp(other),
            Some(Ordering::Greater | Ordering::Equal)
        )
    }

    /// Pairs every item with its index.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let v: Vec<(usize, u8)> = (10..13u8).into_par_iter().enumerate().collect();
    /// assert_eq!(v, [(0, 10), (1, 11), (2, 12)]);
    /// ```
    fn enumerate(self) -> Enumerate<Self> {
        Enumerate::new(self)
    }

    /// Every `step`-th item, starting with the first.
    ///
    /// # Panics
    ///
    /// If `step` is 0 (when the iterator runs).
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let v: Vec<i32> = (0..10).into_par_iter().step_by(3).collect();
    /// assert_eq!(v, [0, 3, 6, 9]);
    /// ```
    fn step_by(self, step: usize) -> StepBy<Self> {
        StepBy::new(self, step)
    }

    /// Skips the first `n` items.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let v: Vec<i32> = (0..5).into_par_iter().skip(3).collect();
    /// assert_eq!(v, [3, 4]);
    /// ```
    fn skip(self, n: usize) -> Skip<Self> {
        Skip::new(self, n)
    }

    /// The first `n` items.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let v: Vec<i32> = (0..5).into_par_iter().take(2).collect();
    /// assert_eq!(v, [0, 1]);
    /// ```
    fn take(self, n: usize) -> Take<Self> {
        Take::new(self, n)
    }

    /// The index of some item that satisfies `predicate` — not necessarily the first.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let v = vec![1, 5, 3, 5];
    /// let i = v.par_iter().position_any(|&x| x == 5);
    /// assert!(i == Some(1) || i == Some(3));
    /// assert_eq!(v.par_iter().position_any(|&x| x == 7), None);
    /// ```
    fn position_any<P>(self, predicate: P) -> Option<usize>
    where
        P: Fn(Self::Item) -> bool + Sync + Send,
    {
        self.map(predicate)
            .enumerate()
            .find_any(|&(_, hit)| hit)
            .map(|(i, _)| i)
    }

    /// The index of the first item that satisfies `predicate`.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// assert_eq!(vec![1, 5, 3, 5].par_iter().position_first(|&x| x == 5), Some(1));
    /// ```
    fn position_first<P>(self, predicate: P) -> Option<usize>
    where
        P: Fn(Self::Item) -> bool + Sync + Send,
    {
        self.map(predicate)
            .enumerate()
            .find_first(|&(_, hit)| hit)
            .map(|(i, _)| i)
    }

    /// The index of the last item that satisfies `predicate`.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// assert_eq!(vec![1, 5, 3, 5].par_iter().position_last(|&x| x == 5), Some(3));
    /// ```
    fn position_last<P>(self, predicate: P) -> Option<usize>
    where
        P: Fn(Self::Item) -> bool + Sync + Send,
    {
        self.map(predicate)
            .enumerate()
            .find_last(|&(_, hit)| hit)
            .map(|(i, _)| i)
    }

    #[doc(hidden)]
    #[deprecated(
        note = "parallel `position` does not search in order -- use `position_any`, \
                `position_first`, or `position_last`"
    )]
    fn position<P>(self, predicate: P) -> Option<usize>
    where
        P: Fn(Self::Item) -> bool + Sync + Send,
    {
        self.position_any(predicate)
    }

    /// The indices of the items that satisfy `predicate`, in order.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let v: Vec<usize> = vec![1, 5, 3, 5].into_par_iter().positions(|x| x == 5).collect();
    /// assert_eq!(v, [1, 3]);
    /// ```
    fn positions<P>(self, predicate: P) -> Positions<Self, P>
    where
        P: Fn(Self::Item) -> bool + Sync + Send,
    {
        Positions::new(self, predicate)
    }

    /// The items in reverse order.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let v: Vec<i32> = (0..4).into_par_iter().rev().collect();
    /// assert_eq!(v, [3, 2, 1, 0]);
    /// ```
    fn rev(self) -> Rev<Self> {
        Rev::new(self)
    }

    /// Keeps pieces at least `min` positions long, for items so cheap that splitting costs
    /// more than it gains.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let pieces = (0..10_000).into_par_iter().with_min_len(5_000).fold(|| (), |(), _| ()).count();
    /// assert!(pieces <= 2);
    /// ```
    fn with_min_len(self, min: usize) -> MinLen<Self> {
        MinLen::new(self, min)
    }

    /// Splits pieces down to at most `max` positions (unless `with_min_len` asks for
    /// more), for items so long that each deserves to be a job of its own.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let pieces = (0..8).into_par_iter().with_max_len(1).fold(|| (), |(), _| ()).count();
    /// assert_eq!(pieces, 8);
    /// ```
    fn with_max_len(self, max: usize) -> MaxLen<Self> {
        MaxLen::new(self, max)
    }

    /// The number of items.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// assert_eq!((5..10).into_par_iter().len(), 5);
    /// assert_eq!(vec![1, 2, 3].par_iter().map(|x| x + 1).len(), 3);
    /// ```
    fn len(&self) -> usize;

    /// Runs the chain into an indexed `consumer` (see [`plumbing`]).
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// // `collect_into_vec` drives an indexed consumer that writes each item in its slot.
    /// let mut v = Vec::new();
    /// (0..3).into_par_iter().map(|x| x * 2).collect_into_vec(&mut v);
    /// assert_eq!(v, [0, 2, 4]);
    /// ```
    fn drive<C: Consumer<Self::Item>>(self, consumer: C) -> C::Result;

    /// Hands the chain's producer to `callback` (see [`plumbing`]).
    ///
    /// # Example
    ///
    /// See [`plumbing::ProducerCallback`].
    ///
    /// ```
    /// use cancelpool::iter::plumbing::{Producer, ProducerCallback};
    /// use cancelpool::prelude::*;
    ///
    /// struct First;
    /// impl<T> ProducerCallback<T> for First {
    ///     type Output = Option<T>;
    ///     fn callback<P: Producer<Item = T>>(self, p: P) -> Option<T> {
    ///         p.into_iter().next()
    ///     }
    /// }
    /// assert_eq!((7..9).into_par_iter().with_producer(First), Some(7));
    /// ```
    fn with_producer<CB: ProducerCallback<Self::Item>>(self, callback: CB) -> CB::Output;
}

/// Builds a collection from a parallel iterator: the target of
/// [`ParallelIterator::collect`]. Implemented for `Vec`, `String`, the std collections,
/// `Box<[T]>`, `Rc<[T]>`/`Arc<[T]>`, `Cow`, `()`, and `Option`/`Result` of any of those
/// (which stop at the first `None`/`Err`).
///
/// # Example
///
/// ```
/// use cancelpool::iter::FromParallelIterator;
/// use cancelpool::prelude::*;
///
/// struct Total(u64);
///
/// impl FromParallelIterator<u64> for Total {
///     fn from_par_iter<I: IntoParallelIterator<Item = u64>>(iter: I) -> Self {
///         Total(iter.into_par_iter().sum())
///     }
/// }
///
/// let t: Total = (1..=4u64).into_par_iter().collect();
/// assert_eq!(t.0, 10);
/// ```
pub trait FromParallelIterator<T>
where
    T: Send,
{
    /// Collects the items of `par_iter`.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::iter::FromParallelIterator;
    ///
    /// let v = Vec::from_par_iter(0..4u8);
    /// assert_eq!(v, [0, 1, 2, 3]);
    /// ```
    fn from_par_iter<I>(par_iter: I) -> Self
    where
        I: IntoParallelIterator<Item = T>;
}

/// Extends a collection with the items of a parallel iterator.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let mut v = vec![0];
/// v.par_extend((1..4).into_par_iter());
/// assert_eq!(v, [0, 1, 2, 3]);
/// ```
pub trait ParallelExtend<T>
where
    T: Send,
{
    /// Adds the items of `par_iter`, in order where the collection has one.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    /// use std::collections::HashSet;
    ///
    /// let mut set: HashSet<u8> = HashSet::new();
    /// set.par_extend(vec![1, 2, 2, 3]);
    /// assert_eq!(set.len(), 3);
    /// ```
    fn par_extend<I>(&mut self, par_iter: I)
    where
        I: IntoParallelIterator<Item = T>;
}

/// Removes every item of a collection in parallel (`par_drain()`), leaving it empty with
/// its allocation kept.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
/// use std::collections::HashSet;
///
/// let mut set: HashSet<u32> = (0..10).collect();
/// let sum: u32 = set.par_drain().sum();
/// assert_eq!((sum, set.len()), (45, 0));
/// ```
pub trait ParallelDrainFull {
    /// The draining parallel iterator.
    type Iter: ParallelIterator<Item = Self::Item>;

    /// The items drained.
    type Item: Send;

    /// Drains every item.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    /// use std::collections::BinaryHeap;
    ///
    /// let mut heap: BinaryHeap<u8> = [3, 1, 2].into_iter().collect();
    /// assert_eq!(heap.par_drain().count(), 3);
    /// assert!(heap.is_empty());
    /// ```
    fn par_drain(self) -> Self::Iter;
}

/// Removes a range of items from a sequence in parallel (`par_drain(range)`), as
/// `Vec::drain` does.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let mut v: Vec<u32> = (0..10).collect();
/// let drained: Vec<u32> = v.par_drain(2..5).collect();
/// assert_eq!(drained, [2, 3, 4]);
/// assert_eq!(v, [0, 1, 5, 6, 7, 8, 9]);
/// ```
pub trait ParallelDrainRange<Idx = usize> {
    /// The draining parallel iterator.
    type Iter: ParallelIterator<Item = Self::Item>;

    /// The items drained.
    type Item: Send;

    /// Drains the items in `range`.
    ///
    /// # Panics
    ///
    /// If the range is out of bounds or its start is after its end.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let mut s = String::from("hello world");
    /// let taken: String = s.par_drain(5..).collect();
    /// assert_eq!((s.as_str(), taken.as_str()), ("hello", " world"));
    /// ```
    fn par_drain<R: RangeBounds<Idx>>(self, range: R) -> Self::Iter;
}

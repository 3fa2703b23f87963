//! Parallel iterators: rayon-style `par_iter()` chains that run on the pool, and can be
//! cancelled with [`with_cancel`](ParallelIterator::with_cancel).
//!
//! # Overview
//!
//! | kind | items |
//! |---|---|
//! | sources | integer ranges (`into_par_iter`), slices, arrays and `Vec`s (`par_iter`, `par_iter_mut`), `Vec` (`into_par_iter`), [`par_chunks`](ParallelSlice::par_chunks), [`par_chunks_mut`](ParallelSliceMut::par_chunks_mut) |
//! | adapters | [`map`](ParallelIterator::map), [`filter`](ParallelIterator::filter), [`fold`](ParallelIterator::fold), [`with_min_len`](ParallelIterator::with_min_len), [`with_max_len`](ParallelIterator::with_max_len); indexed: [`enumerate`](IndexedParallelIterator::enumerate), [`zip`](IndexedParallelIterator::zip) |
//! | consumers | [`for_each`](ParallelIterator::for_each), [`sum`](ParallelIterator::sum), [`product`](ParallelIterator::product), [`reduce`](ParallelIterator::reduce), [`count`](ParallelIterator::count), [`min`](ParallelIterator::min), [`max`](ParallelIterator::max), [`min_by_key`](ParallelIterator::min_by_key), [`max_by_key`](ParallelIterator::max_by_key), [`collect`](ParallelIterator::collect) (order kept) |
//! | short-circuiting | [`any`](ParallelIterator::any), [`all`](ParallelIterator::all), [`find_any`](ParallelIterator::find_any), [`position_any`](IndexedParallelIterator::position_any) |
//! | cancellation | [`with_cancel(&token)`](ParallelIterator::with_cancel): the same consumers, returning `Result<_, Cancelled>` |
//!
//! The meaning of every item is rayon's; `use cancelpool::prelude::*` brings the traits in.
//!
//! ```
//! use cancelpool::prelude::*;
//!
//! let v: Vec<u64> = (0..1000).collect();
//! let sum_of_squares: u64 = v.par_iter().map(|x| x * x).sum();
//! assert_eq!(sum_of_squares, (0..1000u64).map(|x| x * x).sum());
//! ```
//!
//! # How a call runs
//!
//! A chain (`v.par_iter().map(f).filter(p)`) is a description; the consumer at its end
//! runs it. The source makes a *producer* (positions that can be split in two), each
//! adapter wraps it, and the consumer splits it recursively with `join_context`, in step
//! with itself, down to *pieces*. A piece is run as one sequential loop
//! (`Iterator::fold`/`sum`/... of the adapted source iterator): no virtual call, no
//! allocation per item. Results of adjacent pieces are combined left to right, so
//! `collect` keeps the order; an indexed `collect` writes each item straight into its slot
//! of the output vector.
//!
//! Splitting is adaptive: a call starts with about one split per pool thread, and a piece
//! that another thread stole splits further, so uneven work spreads out where threads
//! are idle. [`with_min_len(n)`](ParallelIterator::with_min_len) keeps pieces at least
//! `n` positions long, for items so cheap that splitting costs more than it gains;
//! [`with_max_len(n)`](ParallelIterator::with_max_len) splits pieces down to `n`
//! positions, for items so long that each deserves to be a job of its own.
//!
//! # Cancellation
//!
//! `iter.with_cancel(&token)` gives a [`WithCancel`]: the same adapters and consumers,
//! whose results are `Result<R, Cancelled>`. Each piece checks the token between two
//! source items (one atomic load; the disable state is read only once a request is seen),
//! and while a piece runs the token is the current job's token, so
//! [`checkpoint()`](crate::checkpoint) and [`current_token()`](crate::current_token) in
//! an item closure see it (C6). A call made while cancellation is disabled runs to the
//! end, as part of the disabled section (C5).
//!
//! Short-circuiting consumers stop the other pieces through a child token: the piece that
//! finds the answer cancels it, the others stop before their next item, and an item
//! closure still running can notice with [`checkpoint()`](crate::checkpoint) and give up.
//!
//! A panic in a closure propagates to the caller once all pieces have stopped.
//!
//! # Differences from rayon
//!
//! - `with_min_len` and `with_max_len` exist on every parallel iterator (after `filter`
//!   they count positions of the source).
//! - The plumbing (producers, consumers) is not public: you cannot implement
//!   `ParallelIterator` for your own types yet.

mod cancel;
mod collect;
mod enumerate;
mod filter;
mod find;
mod fold;
mod len;
mod map;
mod plumbing;
pub mod range;
mod reduce;
pub mod slice;
mod stop;
pub mod vec;
mod zip;

pub use self::cancel::WithCancel;
pub use self::collect::FromParallelIterator;
pub use self::enumerate::Enumerate;
pub use self::filter::Filter;
pub use self::fold::Fold;
pub use self::len::{MaxLen, MinLen};
pub use self::map::Map;
pub use self::slice::{ParallelSlice, ParallelSliceMut};
pub use self::zip::Zip;

use self::find::Parent;
use self::plumbing::ProducerCallback;
use self::reduce::{
    CountOp, ForEach, MaxByKeyOp, MaxOp, MinByKeyOp, MinOp, ProductOp, ReduceOp, SumOp,
};
use self::stop::NoCheck;
use crate::CancelToken;

/// A parallel iterator: a description of work that its consumer (`for_each`, `sum`,
/// `collect`, ...) splits into pieces and runs on the pool.
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

    /// Hands the producer of this chain to `callback` (see `plumbing`).
    #[doc(hidden)]
    fn with_producer<CB>(self, callback: CB) -> CB::Output
    where
        CB: ProducerCallback<Self::Item>;

    /// The exact number of items, if known without running the iterator: `Some` for
    /// indexed iterators, `None` after `filter` or `fold`.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// assert_eq!((0..10u32).into_par_iter().opt_len(), Some(10));
    /// assert_eq!((0..10u32).into_par_iter().filter(|x| x % 2 == 0).opt_len(), None);
    /// ```
    fn opt_len(&self) -> Option<usize>;

    /// Applies `map_op` to every item.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let doubled: Vec<i32> = (1..4i32).into_par_iter().map(|x| x * 2).collect();
    /// assert_eq!(doubled, [2, 4, 6]);
    /// ```
    fn map<F, R>(self, map_op: F) -> Map<Self, F>
    where
        F: Fn(Self::Item) -> R + Sync + Send,
        R: Send,
    {
        Map::new(self, map_op)
    }

    /// Keeps the items for which `filter_op` returns `true`.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let odd = (0..10u8).into_par_iter().filter(|x| x % 2 == 1).count();
    /// assert_eq!(odd, 5);
    /// ```
    fn filter<P>(self, filter_op: P) -> Filter<Self, P>
    where
        P: Fn(&Self::Item) -> bool + Sync + Send,
    {
        Filter::new(self, filter_op)
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
    /// // Count even numbers with one counter per piece, then add the counters.
    /// let evens = (0..100u32)
    ///     .into_par_iter()
    ///     .fold(|| 0usize, |n, x| n + (x % 2 == 0) as usize)
    ///     .reduce(|| 0, |a, b| a + b);
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

    /// Keeps pieces at least `min` positions long (positions of the source: after a
    /// `filter`, items that were filtered out count too).
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let n = (0..10_000u32).into_par_iter().with_min_len(5_000).count();
    /// assert_eq!(n, 10_000);
    /// ```
    fn with_min_len(self, min: usize) -> MinLen<Self> {
        MinLen::new(self, min)
    }

    /// Splits pieces down to at most `max` positions (unless a
    /// [`with_min_len`](Self::with_min_len) asks for more), whatever the split budget: for
    /// items so long, or so uneven, that each deserves to be a job of its own.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// // Every piece is one item.
    /// let pieces = (0..8u32).into_par_iter().with_max_len(1).fold(|| (), |(), _| ()).count();
    /// assert_eq!(pieces, 8);
    /// ```
    fn with_max_len(self, max: usize) -> MaxLen<Self> {
        MaxLen::new(self, max)
    }

    /// Makes the consumers of this iterator cancellable by `token`: they return
    /// `Result<R, Cancelled>`. See [`WithCancel`].
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
    /// assert_eq!((0..100u32).into_par_iter().with_cancel(&token).sum::<u32>(), Err(Cancelled));
    /// ```
    fn with_cancel(self, token: &CancelToken) -> WithCancel<Self> {
        WithCancel::new(self, token)
    }

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
        reduce::run(self, &ForEach(op), NoCheck)
    }

    /// Adds the items up (`S::default` of an empty iterator is its `Sum`: 0).
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let v = vec![1.5f64, 2.5];
    /// assert_eq!(v.par_iter().sum::<f64>(), 4.0);
    /// assert_eq!((0..0u64).into_par_iter().sum::<u64>(), 0);
    /// ```
    fn sum<S>(self) -> S
    where
        S: Send + std::iter::Sum<Self::Item> + std::iter::Sum<S>,
    {
        reduce::run(self, &SumOp::new(), NoCheck)
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
        P: Send + std::iter::Product<Self::Item> + std::iter::Product<P>,
    {
        reduce::run(self, &ProductOp::new(), NoCheck)
    }

    /// Combines the items with `op`, which must be associative; each piece starts from
    /// `identity()`, which must be neutral for `op`.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let longest = ["a", "abc", "ab"]
    ///     .par_iter()
    ///     .map(|s| s.len())
    ///     .reduce(|| 0, usize::max);
    /// assert_eq!(longest, 3);
    /// ```
    fn reduce<OP, ID>(self, identity: ID, op: OP) -> Self::Item
    where
        OP: Fn(Self::Item, Self::Item) -> Self::Item + Sync + Send,
        ID: Fn() -> Self::Item + Sync + Send,
    {
        reduce::run(self, &ReduceOp { identity, op }, NoCheck)
    }

    /// Counts the items.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// assert_eq!((0..1000u32).into_par_iter().filter(|x| x % 3 == 0).count(), 334);
    /// ```
    fn count(self) -> usize {
        reduce::run(self, &CountOp, NoCheck)
    }

    /// The smallest item; of several equal ones, the first (as `Iterator::min`).
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// assert_eq!([3, 1, 2].par_iter().min(), Some(&1));
    /// assert_eq!((0..0i32).into_par_iter().min(), None);
    /// ```
    fn min(self) -> Option<Self::Item>
    where
        Self::Item: Ord,
    {
        reduce::run(self, &MinOp, NoCheck)
    }

    /// The largest item; of several equal ones, the last (as `Iterator::max`).
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
        reduce::run(self, &MaxOp, NoCheck)
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
        F: Fn(&Self::Item) -> K + Sync + Send,
    {
        reduce::run(self, &MinByKeyOp(f), NoCheck).map(|(_, item)| item)
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
        F: Fn(&Self::Item) -> K + Sync + Send,
    {
        reduce::run(self, &MaxByKeyOp(f), NoCheck).map(|(_, item)| item)
    }

    /// Collects the items, in order, into a collection (a `Vec`).
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let v: Vec<String> = (0..3u8).into_par_iter().map(|i| i.to_string()).collect();
    /// assert_eq!(v, ["0", "1", "2"]);
    /// ```
    fn collect<C>(self) -> C
    where
        C: FromParallelIterator<Self::Item>,
    {
        C::from_par_iter_with(self, NoCheck)
    }

    /// Whether some item satisfies `predicate`. Stops the other pieces once one is found;
    /// item closures still running see it through [`checkpoint()`](crate::checkpoint).
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// assert!((0..1_000_000u32).into_par_iter().any(|x| x == 10));
    /// assert!(!(0..100u32).into_par_iter().any(|x| x > 100));
    /// ```
    fn any<P>(self, predicate: P) -> bool
    where
        P: Fn(Self::Item) -> bool + Sync + Send,
    {
        find::any(self, predicate, Parent::Plain).0
    }

    /// Whether every item satisfies `predicate`. Stops the other pieces at the first
    /// item that does not.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// assert!((0..100u32).into_par_iter().all(|x| x < 100));
    /// assert!(!(0..100u32).into_par_iter().all(|x| x < 50));
    /// ```
    fn all<P>(self, predicate: P) -> bool
    where
        P: Fn(Self::Item) -> bool + Sync + Send,
    {
        find::all(self, predicate, Parent::Plain).0
    }

    /// Some item that satisfies `predicate` — not necessarily the first. Stops the other
    /// pieces once one is found; item closures still running see it through
    /// [`checkpoint()`](crate::checkpoint).
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let hit = (0..1000u32).into_par_iter().find_any(|x| x % 100 == 99);
    /// assert!(matches!(hit, Some(x) if x % 100 == 99));
    /// assert_eq!((0..10u32).into_par_iter().find_any(|&x| x > 10), None);
    /// ```
    fn find_any<P>(self, predicate: P) -> Option<Self::Item>
    where
        P: Fn(&Self::Item) -> bool + Sync + Send,
    {
        find::find_any(self, predicate, Parent::Plain).0
    }
}

/// A parallel iterator that knows its exact length: every position is one item. Sources
/// are indexed; `map`, `enumerate`, `zip` and `with_min_len` keep it, `filter` and `fold`
/// lose it.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// fn halves<I: IndexedParallelIterator>(iter: I) -> usize {
///     iter.len() / 2
/// }
/// assert_eq!(halves((0..10u8).into_par_iter()), 5);
/// ```
pub trait IndexedParallelIterator: ParallelIterator {
    /// The number of items.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// assert_eq!((5..10u64).into_par_iter().len(), 5);
    /// assert_eq!(vec![1, 2, 3].par_iter().map(|x| x + 1).len(), 3);
    /// ```
    fn len(&self) -> usize;

    /// Whether there are no items.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// assert!((3..3u8).into_par_iter().is_empty());
    /// assert!(!vec![1].par_iter().is_empty());
    /// ```
    fn is_empty(&self) -> bool {
        self.len() == 0
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

    /// Pairs the items of `self` and `other` position by position, as long as the
    /// shorter of the two.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let a = vec![1, 2, 3];
    /// let b = vec![4, 5, 6];
    /// let dot: i32 = a.par_iter().zip(&b).map(|(x, y)| x * y).sum();
    /// assert_eq!(dot, 32);
    /// ```
    fn zip<Z>(self, other: Z) -> Zip<Self, Z::Iter>
    where
        Z: IntoParallelIterator,
        Z::Iter: IndexedParallelIterator,
    {
        Zip::new(self, other.into_par_iter())
    }

    /// The index of some item that satisfies `predicate` — not necessarily the first.
    /// Stops the other pieces once one is found.
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
        find::position_any(self, predicate, Parent::Plain).0
    }
}

/// Conversion into a parallel iterator: ranges, `Vec`s, slices and every parallel
/// iterator itself.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let v = vec![1, 2, 3];
/// let sum: i32 = v.into_par_iter().sum();
/// assert_eq!(sum, 6);
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
    /// assert_eq!((0..4u16).into_par_iter().count(), 4);
    /// ```
    fn into_par_iter(self) -> Self::Iter;
}

impl<I: ParallelIterator> IntoParallelIterator for I {
    type Iter = I;
    type Item = I::Item;

    fn into_par_iter(self) -> I {
        self
    }
}

/// `par_iter()`: a parallel iterator over shared references, for every `T` whose `&T` is
/// [`IntoParallelIterator`] (slices, arrays, `Vec`s).
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
    /// Its items (references into `self`).
    type Item: Send + 'data;

    /// A parallel iterator over `&self`'s items.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::prelude::*;
    ///
    /// let a = [1u8, 2, 3];
    /// assert_eq!(a.par_iter().map(|&x| x as u32).sum::<u32>(), 6);
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

/// `par_iter_mut()`: a parallel iterator over mutable references, for every `T` whose
/// `&mut T` is [`IntoParallelIterator`] (slices, arrays, `Vec`s).
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
    /// Its items (mutable references into `self`).
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

//! The machinery under every parallel iterator, public so that you can write your own
//! sources and adapters. The traits and functions have rayon's names and shapes
//! (`rayon::iter::plumbing`), so a producer or consumer written for rayon compiles here
//! with its imports changed.
//!
//! # How a chain runs
//!
//! A chain such as `v.par_iter().map(f).filter(p).sum()` is a description until its last
//! call, the *consumer* (`sum`), runs it. Running has two halves that meet at the source:
//!
//! - **Consumers travel down the chain.** `sum` makes a [`Consumer`] and hands it to the
//!   last adapter (`drive_unindexed`); every adapter wraps the consumer it receives in its
//!   own (a filtering consumer around the summing one, a mapping consumer around that) and
//!   hands the result on, until the source receives the whole stack.
//! - **Producers travel up.** An indexed source (a slice, a range, a `Vec`) has a
//!   [`Producer`]: a description of its positions that can be split at any index. Indexed
//!   adapters ask their base for its producer ([`IndexedParallelIterator::with_producer`])
//!   and wrap it (an enumerating producer, a zipping one) before passing it to the
//!   [`ProducerCallback`] they were given.
//!
//! The source then calls one of the *bridges* below, which splits producer and consumer
//! in step — the left `i` positions of the producer go with the left consumer of
//! `Consumer::split_at(i)` — and runs the halves with [`join_context`](crate::join_context)
//! until the pieces are small enough. Each piece is folded sequentially: the consumer
//! becomes a [`Folder`], the producer an ordinary `Iterator`, and `Folder::consume_iter`
//! runs one tight loop with no allocation and no virtual call per item. The results of
//! two adjacent pieces are combined by the [`Reducer`] that the split returned, left
//! result first, so order-keeping consumers (`collect`) see items in order.
//!
//! Sources whose length is unknown (`par_bridge`, `split`, a `filter`ed chain driven as a
//! whole) split themselves instead: an [`UnindexedProducer`] decides where to cut, and
//! [`bridge_unindexed`] pairs it with an [`UnindexedConsumer`], which can make a left
//! consumer without being told an index.
//!
//! # Splitting
//!
//! How far a call splits is adaptive, as in rayon: a call starts with a budget of about
//! one split per pool thread, each split halves it, and a piece that was stolen by another
//! thread (`FnContext::migrated`) raises it back to the thread count — a theft means a
//! thread ran out of work, so uneven work is split further exactly where it is needed.
//! [`Producer::min_len`] and [`Producer::max_len`] bound the size of pieces
//! (`with_min_len`, `with_max_len`).
//!
//! # Stopping early
//!
//! A consumer that needs no more items (a `find_any` that found one, a `try_for_each`
//! that met an error) says so through [`Consumer::full`] and [`Folder::full`]. The bridges
//! stop splitting a full consumer and the default `consume_iter` stops feeding a full
//! folder. Cancellation (`with_cancel`) uses the same path: a cancelled chain's pieces
//! stop between blocks of source items (see `with_cancel` on
//! [`ParallelIterator`](super::ParallelIterator)).
//!
//! # Example: a source of your own
//!
//! ```
//! use cancelpool::iter::plumbing::{bridge, Consumer, Producer, ProducerCallback, UnindexedConsumer};
//! use cancelpool::prelude::*;
//!
//! /// The even numbers below `end`.
//! struct Evens { end: u64 }
//!
//! struct EvensProducer { start: usize, end: usize } // positions start..end, item 2 * position
//!
//! impl Producer for EvensProducer {
//!     type Item = u64;
//!     type IntoIter = std::iter::Map<std::ops::Range<usize>, fn(usize) -> u64>;
//!     fn into_iter(self) -> Self::IntoIter {
//!         (self.start..self.end).map(|i| 2 * i as u64)
//!     }
//!     fn split_at(self, index: usize) -> (Self, Self) {
//!         let mid = self.start + index;
//!         (EvensProducer { start: self.start, end: mid }, EvensProducer { start: mid, end: self.end })
//!     }
//! }
//!
//! impl ParallelIterator for Evens {
//!     type Item = u64;
//!     fn drive_unindexed<C: UnindexedConsumer<u64>>(self, consumer: C) -> C::Result {
//!         bridge(self, consumer)
//!     }
//!     fn opt_len(&self) -> Option<usize> {
//!         Some(self.len())
//!     }
//! }
//!
//! impl IndexedParallelIterator for Evens {
//!     fn len(&self) -> usize {
//!         self.end.div_ceil(2) as usize
//!     }
//!     fn drive<C: Consumer<u64>>(self, consumer: C) -> C::Result {
//!         bridge(self, consumer)
//!     }
//!     fn with_producer<CB: ProducerCallback<u64>>(self, callback: CB) -> CB::Output {
//!         callback.callback(EvensProducer { start: 0, end: self.len() })
//!     }
//! }
//!
//! assert_eq!(Evens { end: 10 }.sum::<u64>(), 2 + 4 + 6 + 8);
//! assert_eq!(Evens { end: 7 }.map(|x| x + 1).collect::<Vec<_>>(), [1, 3, 5, 7]);
//! ```

use super::IndexedParallelIterator;
use crate::FnContext;

/// Receives the producer of an indexed chain.
///
/// [`IndexedParallelIterator::with_producer`] cannot return its producer, whose type
/// depends on the whole chain; it hands it to a callback instead. Each adapter wraps the
/// callback it receives, so the producer is wrapped by every adapter on its way to the
/// caller's callback.
///
/// # Example
///
/// ```
/// use cancelpool::iter::plumbing::{Producer, ProducerCallback};
/// use cancelpool::prelude::*;
///
/// /// Asks a chain how many positions its producer has.
/// struct Length;
///
/// impl<T> ProducerCallback<T> for Length {
///     type Output = usize;
///     fn callback<P: Producer<Item = T>>(self, producer: P) -> usize {
///         producer.into_iter().len()
///     }
/// }
///
/// assert_eq!((0..5u8).into_par_iter().map(|x| x * 2).with_producer(Length), 5);
/// ```
pub trait ProducerCallback<T> {
    /// What the callback returns.
    type Output;

    /// Called once, with the producer of the whole chain.
    fn callback<P>(self, producer: P) -> Self::Output
    where
        P: Producer<Item = T>;
}

/// The positions of an indexed source, splittable at any index.
///
/// `split_at(i)` returns the first `i` positions and the rest; together they yield
/// exactly the items of the whole, left ones first. Pieces that are not split further
/// become a sequential iterator ([`into_iter`](Producer::into_iter)).
///
/// # Example
///
/// ```
/// use cancelpool::iter::plumbing::Producer;
///
/// /// The positions of a slice of bytes, each read as a number.
/// struct Bytes<'a>(&'a [u8]);
///
/// impl<'a> Producer for Bytes<'a> {
///     type Item = u32;
///     type IntoIter = std::iter::Map<std::slice::Iter<'a, u8>, fn(&u8) -> u32>;
///     fn into_iter(self) -> Self::IntoIter {
///         self.0.iter().map(|&b| u32::from(b))
///     }
///     fn split_at(self, index: usize) -> (Self, Self) {
///         let (l, r) = self.0.split_at(index);
///         (Bytes(l), Bytes(r))
///     }
/// }
///
/// let (l, r) = Bytes(&[1, 2, 3]).split_at(1);
/// assert_eq!(l.into_iter().sum::<u32>() + r.into_iter().sum::<u32>(), 6);
/// ```
pub trait Producer: Send + Sized {
    /// The items produced.
    type Item;

    /// The sequential iterator over the items of one piece.
    type IntoIter: Iterator<Item = Self::Item> + DoubleEndedIterator + ExactSizeIterator;

    /// The sequential iterator over this producer's items, in order.
    fn into_iter(self) -> Self::IntoIter;

    /// Pieces are not split below this many positions (`with_min_len`). The default is 1.
    fn min_len(&self) -> usize {
        1
    }

    /// Pieces longer than this are split whatever the split budget, unless that would
    /// break [`min_len`](Producer::min_len) (`with_max_len`). The default is no limit.
    fn max_len(&self) -> usize {
        usize::MAX
    }

    /// Splits into the first `index` positions and the rest.
    fn split_at(self, index: usize) -> (Self, Self);

    /// Feeds every item into `folder`. Override it when the source can do better than
    /// `folder.consume_iter(self.into_iter())`.
    fn fold_with<F>(self, folder: F) -> F
    where
        F: Folder<Self::Item>,
    {
        folder.consume_iter(self.into_iter())
    }
}

/// The receiving end of a split chain: it splits in step with the producer, becomes a
/// [`Folder`] for each piece, and supplies the [`Reducer`] that combines two pieces.
///
/// # Example
///
/// ```
/// use cancelpool::iter::plumbing::{Consumer, Folder, Reducer, UnindexedConsumer};
/// use cancelpool::prelude::*;
///
/// /// Counts the items.
/// struct Count;
/// struct CountFolder(usize);
/// struct Add;
///
/// impl<T> Consumer<T> for Count {
///     type Folder = CountFolder;
///     type Reducer = Add;
///     type Result = usize;
///     fn split_at(self, _index: usize) -> (Self, Self, Add) {
///         (Count, Count, Add)
///     }
///     fn into_folder(self) -> CountFolder {
///         CountFolder(0)
///     }
///     fn full(&self) -> bool {
///         false
///     }
/// }
///
/// impl<T> UnindexedConsumer<T> for Count {
///     fn split_off_left(&self) -> Self {
///         Count
///     }
///     fn to_reducer(&self) -> Add {
///         Add
///     }
/// }
///
/// impl<T> Folder<T> for CountFolder {
///     type Result = usize;
///     fn consume(self, _item: T) -> Self {
///         CountFolder(self.0 + 1)
///     }
///     fn complete(self) -> usize {
///         self.0
///     }
///     fn full(&self) -> bool {
///         false
///     }
/// }
///
/// impl Reducer<usize> for Add {
///     fn reduce(self, left: usize, right: usize) -> usize {
///         left + right
///     }
/// }
///
/// let n = (0..1000u32).into_par_iter().filter(|x| x % 3 == 0).drive_unindexed(Count);
/// assert_eq!(n, 334);
/// ```
pub trait Consumer<Item>: Send + Sized {
    /// What each piece folds into.
    type Folder: Folder<Item, Result = Self::Result>;

    /// Combines the results of two adjacent pieces.
    type Reducer: Reducer<Self::Result>;

    /// What the consumer, and each of its pieces, produces.
    type Result: Send;

    /// Splits into a consumer for the first `index` positions, one for the rest, and the
    /// reducer that combines their results.
    fn split_at(self, index: usize) -> (Self, Self, Self::Reducer);

    /// The folder for an unsplit piece.
    fn into_folder(self) -> Self::Folder;

    /// Whether the consumer needs no more items: splitting and folding stop.
    fn full(&self) -> bool;
}

/// Folds the items of one piece, sequentially.
///
/// # Example
///
/// ```
/// use cancelpool::iter::plumbing::Folder;
///
/// /// Keeps the largest item.
/// struct Largest(Option<u32>);
///
/// impl Folder<u32> for Largest {
///     type Result = Option<u32>;
///     fn consume(self, item: u32) -> Self {
///         Largest(Some(self.0.map_or(item, |m| m.max(item))))
///     }
///     fn complete(self) -> Option<u32> {
///         self.0
///     }
///     fn full(&self) -> bool {
///         false
///     }
/// }
///
/// assert_eq!(Largest(None).consume_iter([3, 9, 4]).complete(), Some(9));
/// ```
pub trait Folder<Item>: Sized {
    /// What the piece produces.
    type Result;

    /// Takes one item.
    fn consume(self, item: Item) -> Self;

    /// Takes the items of `iter` until it ends or the folder is [`full`](Folder::full).
    /// Folders that can run a tighter loop (a sum, a write into a buffer) override it.
    fn consume_iter<I>(mut self, iter: I) -> Self
    where
        I: IntoIterator<Item = Item>,
    {
        for item in iter {
            self = self.consume(item);
            if self.full() {
                break;
            }
        }
        self
    }

    /// Finishes the piece.
    fn complete(self) -> Self::Result;

    /// Whether the folder needs no more items.
    fn full(&self) -> bool;
}

/// Combines the results of two adjacent pieces, the left one first.
///
/// # Example
///
/// ```
/// use cancelpool::iter::plumbing::Reducer;
///
/// struct Concat;
///
/// impl Reducer<String> for Concat {
///     fn reduce(self, mut left: String, right: String) -> String {
///         left.push_str(&right);
///         left
///     }
/// }
///
/// assert_eq!(Concat.reduce("ab".into(), "cd".into()), "abcd");
/// ```
pub trait Reducer<Result> {
    /// Combines `left`, from the positions before, with `right`.
    fn reduce(self, left: Result, right: Result) -> Result;
}

/// A consumer that can be split without an index, for sources that split themselves.
///
/// # Example
///
/// See [`Consumer`]: its `Count` is also an `UnindexedConsumer`.
///
/// ```
/// use cancelpool::prelude::*;
///
/// // `sum` drives unindexed chains, such as a filtered one, with an unindexed consumer.
/// assert_eq!((0..10u32).into_par_iter().filter(|x| x % 2 == 0).sum::<u32>(), 20);
/// ```
pub trait UnindexedConsumer<I>: Consumer<I> {
    /// A consumer for items that come before those left to `self`. Its result is
    /// combined with `self`'s, left first, by [`to_reducer`](UnindexedConsumer::to_reducer).
    fn split_off_left(&self) -> Self;

    /// The reducer for a result of `split_off_left` and one of `self`.
    fn to_reducer(&self) -> Self::Reducer;
}

/// A source that splits itself, where positions are unknown (`par_bridge`, `split`).
///
/// # Example
///
/// ```
/// use cancelpool::iter::plumbing::{bridge_unindexed, Folder, UnindexedConsumer, UnindexedProducer};
/// use cancelpool::prelude::*;
///
/// /// The numbers of a range, halved until pieces are short.
/// struct Halves(std::ops::Range<u32>);
///
/// impl UnindexedProducer for Halves {
///     type Item = u32;
///     fn split(self) -> (Self, Option<Self>) {
///         let r = self.0;
///         if r.len() < 16 {
///             return (Halves(r), None);
///         }
///         let mid = r.start + (r.end - r.start) / 2;
///         (Halves(r.start..mid), Some(Halves(mid..r.end)))
///     }
///     fn fold_with<F: Folder<u32>>(self, folder: F) -> F {
///         folder.consume_iter(self.0)
///     }
/// }
///
/// struct All(std::ops::Range<u32>);
///
/// impl ParallelIterator for All {
///     type Item = u32;
///     fn drive_unindexed<C: UnindexedConsumer<u32>>(self, consumer: C) -> C::Result {
///         bridge_unindexed(Halves(self.0), consumer)
///     }
/// }
///
/// assert_eq!(All(0..1000).sum::<u32>(), 499_500);
/// ```
pub trait UnindexedProducer: Send + Sized {
    /// The items produced.
    type Item;

    /// Splits off a second half, or returns `None` if this piece should not be split.
    fn split(self) -> (Self, Option<Self>);

    /// Feeds every item into `folder`.
    fn fold_with<F>(self, folder: F) -> F
    where
        F: Folder<Self::Item>;
}

/// How far a call still splits (see "Splitting" in the module docs).
#[derive(Clone, Copy)]
struct Splitter {
    /// Splits left in the budget.
    splits: usize,
}

impl Splitter {
    #[inline]
    fn new() -> Splitter {
        Splitter {
            splits: crate::current_num_threads(),
        }
    }

    #[inline]
    fn try_split(&mut self, migrated: bool) -> bool {
        if migrated {
            // Stolen: some thread had nothing to do, so give this piece a fresh budget.
            self.splits = (self.splits / 2).max(crate::current_num_threads());
            true
        } else if self.splits > 0 {
            self.splits /= 2;
            true
        } else {
            false
        }
    }
}

/// A [`Splitter`] that also respects the producer's `min_len` and `max_len`.
#[derive(Clone, Copy)]
struct LengthSplitter {
    inner: Splitter,
    min: usize,
    max: usize,
}

impl LengthSplitter {
    #[inline]
    fn new(min: usize, max: usize) -> LengthSplitter {
        LengthSplitter {
            inner: Splitter::new(),
            min: min.max(1),
            max: max.max(1),
        }
    }

    #[inline]
    fn try_split(&mut self, len: usize, migrated: bool) -> bool {
        if len / 2 < self.min {
            return false;
        }
        // Over-long pieces split whatever the budget (`with_max_len`), but still spend it
        // so that their halves do not split on the budget too.
        let budget = self.inner.try_split(migrated);
        budget || len > self.max
    }
}

/// Runs an indexed chain: asks `par_iter` for its producer and bridges it with
/// `consumer` ([`bridge_producer_consumer`]). This is how indexed sources and adapters
/// implement `drive` and `drive_unindexed`.
///
/// # Example
///
/// ```
/// use cancelpool::iter::plumbing::bridge;
/// use cancelpool::prelude::*;
///
/// // `bridge` is what `drive` of an indexed source does; any consumer works with it.
/// struct Noop;
/// # use cancelpool::iter::plumbing::{Consumer, Folder, Reducer};
/// # impl<T> Consumer<T> for Noop {
/// #     type Folder = Noop; type Reducer = Noop; type Result = ();
/// #     fn split_at(self, _: usize) -> (Noop, Noop, Noop) { (Noop, Noop, Noop) }
/// #     fn into_folder(self) -> Noop { Noop }
/// #     fn full(&self) -> bool { false }
/// # }
/// # impl<T> Folder<T> for Noop {
/// #     type Result = ();
/// #     fn consume(self, _: T) -> Noop { Noop }
/// #     fn complete(self) {}
/// #     fn full(&self) -> bool { false }
/// # }
/// # impl Reducer<()> for Noop { fn reduce(self, _: (), _: ()) {} }
/// bridge((0..100u32).into_par_iter(), Noop);
/// ```
pub fn bridge<I, C>(par_iter: I, consumer: C) -> C::Result
where
    I: IndexedParallelIterator,
    C: Consumer<I::Item>,
{
    let len = par_iter.len();
    par_iter.with_producer(BridgeCallback { len, consumer })
}

struct BridgeCallback<C> {
    len: usize,
    consumer: C,
}

impl<T, C: Consumer<T>> ProducerCallback<T> for BridgeCallback<C> {
    type Output = C::Result;

    fn callback<P>(self, producer: P) -> C::Result
    where
        P: Producer<Item = T>,
    {
        bridge_producer_consumer(self.len, producer, self.consumer)
    }
}

/// Splits `producer` (of `len` positions) and `consumer` in step, runs the pieces in
/// parallel and reduces their results in order.
///
/// # Example
///
/// ```
/// use cancelpool::iter::plumbing::{
///     bridge_producer_consumer, Consumer, Folder, Producer, ProducerCallback, Reducer,
/// };
/// use cancelpool::prelude::*;
///
/// /// Counts items, in parallel.
/// struct Count;
/// struct CountFolder(usize);
/// struct Add;
///
/// impl<T> Consumer<T> for Count {
///     type Folder = CountFolder;
///     type Reducer = Add;
///     type Result = usize;
///     fn split_at(self, _index: usize) -> (Count, Count, Add) {
///         (Count, Count, Add)
///     }
///     fn into_folder(self) -> CountFolder {
///         CountFolder(0)
///     }
///     fn full(&self) -> bool {
///         false
///     }
/// }
///
/// impl<T> Folder<T> for CountFolder {
///     type Result = usize;
///     fn consume(self, _item: T) -> Self {
///         CountFolder(self.0 + 1)
///     }
///     fn complete(self) -> usize {
///         self.0
///     }
///     fn full(&self) -> bool {
///         false
///     }
/// }
///
/// impl Reducer<usize> for Add {
///     fn reduce(self, left: usize, right: usize) -> usize {
///         left + right
///     }
/// }
///
/// /// Receives a chain's producer and bridges it with `Count`.
/// struct CountItems {
///     len: usize,
/// }
///
/// impl<T> ProducerCallback<T> for CountItems {
///     type Output = usize;
///     fn callback<P: Producer<Item = T>>(self, producer: P) -> usize {
///         bridge_producer_consumer(self.len, producer, Count)
///     }
/// }
///
/// let chain = (0..1000u32).into_par_iter().map(|x| x * 2);
/// let len = chain.len();
/// assert_eq!(chain.with_producer(CountItems { len }), 1000);
/// ```
pub fn bridge_producer_consumer<P, C>(len: usize, producer: P, consumer: C) -> C::Result
where
    P: Producer,
    C: Consumer<P::Item>,
{
    let splitter = LengthSplitter::new(producer.min_len(), producer.max_len());
    producer_piece(len, false, splitter, producer, consumer)
}

fn producer_piece<P, C>(
    len: usize,
    migrated: bool,
    mut splitter: LengthSplitter,
    producer: P,
    consumer: C,
) -> C::Result
where
    P: Producer,
    C: Consumer<P::Item>,
{
    if consumer.full() {
        return consumer.into_folder().complete();
    }
    if splitter.try_split(len, migrated) {
        let mid = len / 2;
        let (left_p, right_p) = producer.split_at(mid);
        let (left_c, right_c, reducer) = consumer.split_at(mid);
        let (left, right) = crate::join_context(
            move |ctx: FnContext| producer_piece(mid, ctx.migrated(), splitter, left_p, left_c),
            move |ctx: FnContext| {
                producer_piece(len - mid, ctx.migrated(), splitter, right_p, right_c)
            },
        );
        reducer.reduce(left, right)
    } else {
        producer.fold_with(consumer.into_folder()).complete()
    }
}

/// Runs an unindexed producer into `consumer`, letting the producer decide where to
/// split.
///
/// # Example
///
/// See [`UnindexedProducer`].
///
/// ```
/// use cancelpool::prelude::*;
///
/// // `split` is built on `bridge_unindexed`.
/// let n = cancelpool::iter::split(0..100u32, |r| {
///     if r.len() < 10 {
///         return (r, None);
///     }
///     let mid = r.start + (r.end - r.start) / 2;
///     (r.start..mid, Some(mid..r.end))
/// })
/// .map(|r| r.len())
/// .sum::<usize>();
/// assert_eq!(n, 100);
/// ```
pub fn bridge_unindexed<P, C>(producer: P, consumer: C) -> C::Result
where
    P: UnindexedProducer,
    C: UnindexedConsumer<P::Item>,
{
    unindexed_piece(false, Splitter::new(), producer, consumer)
}

fn unindexed_piece<P, C>(
    migrated: bool,
    mut splitter: Splitter,
    producer: P,
    consumer: C,
) -> C::Result
where
    P: UnindexedProducer,
    C: UnindexedConsumer<P::Item>,
{
    if consumer.full() {
        return consumer.into_folder().complete();
    }
    if splitter.try_split(migrated) {
        match producer.split() {
            (left_p, Some(right_p)) => {
                let (reducer, left_c, right_c) =
                    (consumer.to_reducer(), consumer.split_off_left(), consumer);
                let (left, right) = crate::join_context(
                    move |ctx: FnContext| unindexed_piece(ctx.migrated(), splitter, left_p, left_c),
                    move |ctx: FnContext| {
                        unindexed_piece(ctx.migrated(), splitter, right_p, right_c)
                    },
                );
                return reducer.reduce(left, right);
            }
            (whole, None) => return whole.fold_with(consumer.into_folder()).complete(),
        }
    }
    producer.fold_with(consumer.into_folder()).complete()
}

//! The machinery under every parallel iterator: producers split the input, consumers
//! combine the results, and [`bridge`] decides how far to split (see the module docs of
//! [`crate::iter`], "How a call runs").
//!
//! These traits are `pub` only so that they can appear in the hidden methods of the public
//! traits; the module is private, so users can neither name nor implement them.
//!
//! # Invariants
//!
//! 1. A producer's `len` counts *positions*. `split_at(i)` with `i <= len` gives a left
//!    part of `i` positions and a right part of `len - i`, which together yield exactly
//!    the items of the whole, left ones first.
//! 2. An iterator whose `opt_len()` is `Some(n)` yields exactly one item per position,
//!    `n` in all ("indexed"). Only consumers used with indexed iterators (the collect
//!    into a buffer) give a meaning to the index of `Consumer::split_at`; the others
//!    ignore it. Code that relies on this still checks it and panics rather than trust it.
//! 3. Every piece reaches the source through `Check::fold_piece` exactly once, so a check
//!    sees every source item (`stop.rs`).

use super::stop::Check;
use crate::FnContext;

/// A splittable source of items (invariant 1).
pub trait Producer: Send + Sized {
    /// The items produced.
    type Item;
    /// A sequential iterator over the items of one piece.
    type IntoIter: Iterator<Item = Self::Item>;

    /// Number of positions.
    fn len(&self) -> usize;
    /// Splits at `index` positions (invariant 1).
    fn split_at(self, index: usize) -> (Self, Self);
    /// A sequential iterator over the items.
    fn into_iter(self) -> Self::IntoIter;
    /// Pieces are not split below this many positions.
    fn min_len(&self) -> usize {
        1
    }
    /// Pieces longer than this are split, whatever the split budget (unless that would
    /// break `min_len`).
    fn max_len(&self) -> usize {
        usize::MAX
    }
    /// Feeds every item of this piece into `folder`, reaching the source through
    /// `check.fold_piece` (invariant 3). Adapters wrap the folder and delegate.
    fn fold_with<F, K>(self, folder: F, check: K) -> F
    where
        F: Folder<Self::Item>,
        K: Check,
    {
        check.fold_piece(self.into_iter(), folder)
    }
}

/// Sequential consumption of one piece.
pub trait Folder<Item>: Sized {
    /// What the piece gives.
    type Result;
    /// Takes one item.
    fn consume(self, item: Item) -> Self;
    /// Takes every item of `iter`; sinks override it with one tight loop.
    fn consume_iter<I>(self, iter: I) -> Self
    where
        I: IntoIterator<Item = Item>,
    {
        iter.into_iter().fold(self, Folder::consume)
    }
    /// Finishes the piece.
    fn complete(self) -> Self::Result;
}

/// Combines the results of two adjacent pieces, left then right.
pub(crate) trait Reducer<R> {
    /// `left` came from the positions before those of `right`.
    fn reduce(self, left: R, right: R) -> R;
}

/// The receiving side of a split: splits along with the producer and folds pieces.
pub(crate) trait Consumer<Item>: Send + Sized {
    /// Folds one piece.
    type Folder: Folder<Item, Result = Self::Result>;
    /// Combines two pieces.
    type Reducer: Reducer<Self::Result>;
    /// What the whole gives.
    type Result: Send;
    /// Splits in step with `Producer::split_at(index)` (invariant 2).
    fn split_at(self, index: usize) -> (Self, Self, Self::Reducer);
    /// The folder for an unsplit piece.
    fn into_folder(self) -> Self::Folder;
}

/// Receives the producer of an iterator chain: each adapter wraps the callback it is
/// given, and the source calls it with its producer.
pub trait ProducerCallback<T> {
    /// What the callback gives.
    type Output;
    /// Called once with the producer of the whole chain.
    fn callback<P>(self, producer: P) -> Self::Output
    where
        P: Producer<Item = T>;
}

/// Drives an iterator chain into `consumer`, checking `check` in every piece.
pub(crate) fn drive<I, C, K>(iter: I, consumer: C, check: K) -> C::Result
where
    I: super::ParallelIterator,
    C: Consumer<I::Item>,
    K: Check,
{
    iter.with_producer(Bridge { consumer, check })
}

struct Bridge<C, K> {
    consumer: C,
    check: K,
}

impl<T, C, K> ProducerCallback<T> for Bridge<C, K>
where
    C: Consumer<T>,
    K: Check,
{
    type Output = C::Result;

    fn callback<P>(self, producer: P) -> C::Result
    where
        P: Producer<Item = T>,
    {
        bridge(producer, self.consumer, self.check)
    }
}

/// How far a call still splits: adaptive, like the splitting of rayon's bridge.
///
/// A call starts with a budget of about one split per thread; every split halves it, and
/// a piece that another thread stole (`FnContext::migrated`) raises it back to the thread
/// count, because a theft means some thread ran out of work: uneven work is split further
/// exactly where it is needed. Pieces never go below `min` positions, and pieces above
/// `max` are split whatever the budget (`min` wins if the two disagree).
#[derive(Clone, Copy)]
struct Splitter {
    splits: usize,
    min: usize,
    max: usize,
}

impl Splitter {
    fn new(min: usize, max: usize) -> Splitter {
        Splitter {
            splits: crate::current_num_threads(),
            min: min.max(1),
            max: max.max(1),
        }
    }

    #[inline]
    fn try_split(&mut self, len: usize, migrated: bool) -> bool {
        if len / 2 < self.min {
            return false;
        }
        if len > self.max {
            return true;
        }
        if migrated {
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

/// Splits `producer` and `consumer` in step, runs the pieces with `join_context`, and
/// reduces their results in order.
pub(crate) fn bridge<P, C, K>(producer: P, consumer: C, check: K) -> C::Result
where
    P: Producer,
    C: Consumer<P::Item>,
    K: Check,
{
    let len = producer.len();
    let splitter = Splitter::new(producer.min_len(), producer.max_len());
    piece(len, false, splitter, producer, consumer, check)
}

fn piece<P, C, K>(
    len: usize,
    migrated: bool,
    mut splitter: Splitter,
    producer: P,
    consumer: C,
    check: K,
) -> C::Result
where
    P: Producer,
    C: Consumer<P::Item>,
    K: Check,
{
    if K::ACTIVE && check.should_stop() {
        return consumer.into_folder().complete();
    }
    if splitter.try_split(len, migrated) {
        let mid = len / 2;
        let (left_p, right_p) = producer.split_at(mid);
        let (left_c, right_c, reducer) = consumer.split_at(mid);
        let (left, right) = crate::join_context(
            move |ctx: FnContext| piece(mid, ctx.migrated(), splitter, left_p, left_c, check),
            move |ctx: FnContext| {
                piece(len - mid, ctx.migrated(), splitter, right_p, right_c, check)
            },
        );
        reducer.reduce(left, right)
    } else {
        producer.fold_with(consumer.into_folder(), check).complete()
    }
}

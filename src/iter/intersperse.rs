//! `intersperse`: a clone of one item between every two adjacent items.
//!
//! # Indexed: by producer
//!
//! The interspersed sequence of `n` items has `2n - 1` positions: even positions hold the
//! base's items, odd ones separators. A piece of it is a range of positions, described by
//! its length and by whether its first position is a separator (`sep_first`); from those
//! two it knows how many base items it covers, so it splits its base producer at the
//! matching index, and whether it ends with a separator, which it then emits after its
//! last item. (rayon's producer emits only separators *before* items, so a piece that ends
//! with one loses it, e.g. under `with_max_len(1)`.)
//!
//! # Unindexed: by consumer
//!
//! Driven through a consumer, a piece may not know whether any item precedes it: when
//! the base's length is unknown, neither `split_off_left` nor the index of `split_at`
//! (which counts source positions, some of them dropped by a `filter` upstream) tells
//! how many items the pieces before it have, and they may all be empty. So a piece emits
//! separators only *between* its own items, and records what precedes it ([`Before`]):
//! nothing (it starts the sequence), something (a separator was emitted before its first
//! item), or unknown — then it holds a consumer reserved, at the split, for the one
//! separator that may go before its first item (a *lead*). Reducing two adjacent pieces,
//! the right one's lead receives a separator iff the right piece has items and something
//! precedes them: the left piece has items or is itself preceded by something. Otherwise
//! the lead is dropped unused. (rayon's consumer assumes that the part left of a split
//! has items, and puts a separator first when it has none.)
//!
//! When the base's length is known (`opt_len`), the index of `split_at` counts the items
//! that reach the consumer, so a split knows that its right part is preceded by an item
//! and how many positions its left part covers — which consumers that need positions
//! (`collect` into a `Vec`) require. Such splits never make a lead.

use std::cell::Cell;

use super::cancel::{CancelCheck, cancellable_adapter};
use super::plumbing::{
    Consumer, Folder, Producer, ProducerCallback, Reducer, UnindexedConsumer, bridge,
};
use super::{IndexedParallelIterator, ParallelIterator};

/// Puts a clone of one item between every two adjacent items; made by
/// [`ParallelIterator::intersperse`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let csv: Vec<&str> = ["a", "b", "c"].par_iter().copied().intersperse(",").collect();
/// assert_eq!(csv.concat(), "a,b,c");
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Clone, Debug)]
pub struct Intersperse<I: ParallelIterator> {
    base: I,
    item: I::Item,
}

impl<I: ParallelIterator<Item: Clone>> Intersperse<I> {
    pub(super) fn new(base: I, item: I::Item) -> Self {
        Intersperse { base, item }
    }
}

impl<I> ParallelIterator for Intersperse<I>
where
    I: ParallelIterator<Item: Clone>,
{
    type Item = I::Item;

    fn drive_unindexed<C>(self, consumer: C) -> C::Result
    where
        C: UnindexedConsumer<I::Item>,
    {
        let exact = self.base.opt_len().is_some();
        let consumer = SepConsumer::new(consumer, self.item, exact);
        self.base.drive_unindexed(consumer).body
    }

    fn opt_len(&self) -> Option<usize> {
        match self.base.opt_len()? {
            0 => Some(0),
            n => n.checked_add(n - 1),
        }
    }

    fn drive_checked<C>(self, consumer: C, check: CancelCheck<'_>) -> C::Result
    where
        C: UnindexedConsumer<I::Item>,
    {
        let exact = self.base.opt_len().is_some();
        let consumer = SepConsumer::new(consumer, self.item, exact);
        self.base.drive_checked(consumer, check).body
    }
}

impl<I> IndexedParallelIterator for Intersperse<I>
where
    I: IndexedParallelIterator<Item: Clone>,
{
    fn len(&self) -> usize {
        match self.base.len() {
            0 => 0,
            n => n
                .checked_add(n - 1)
                .expect("intersperse: the length overflows usize"),
        }
    }

    fn drive<C: Consumer<I::Item>>(self, consumer: C) -> C::Result {
        bridge(self, consumer)
    }

    fn with_producer<CB: ProducerCallback<I::Item>>(self, callback: CB) -> CB::Output {
        let len = self.len();
        return self.base.with_producer(Callback {
            callback,
            item: self.item,
            len,
        });

        struct Callback<CB, T> {
            callback: CB,
            item: T,
            len: usize,
        }

        impl<T, CB> ProducerCallback<T> for Callback<CB, T>
        where
            CB: ProducerCallback<T>,
            T: Clone + Send,
        {
            type Output = CB::Output;

            fn callback<P: Producer<Item = T>>(self, base: P) -> CB::Output {
                self.callback.callback(SepProducer {
                    base,
                    item: self.item,
                    len: self.len,
                    sep_first: false,
                })
            }
        }
    }
}

cancellable_adapter!(Intersperse<I: ParallelIterator>, base: I);

/// `len` positions of the interspersed sequence (module docs, "Indexed").
struct SepProducer<P: Producer> {
    base: P,
    item: P::Item,
    len: usize,
    /// The first position holds a separator.
    sep_first: bool,
}

impl<P> SepProducer<P>
where
    P: Producer<Item: Clone>,
{
    /// How many of the first `positions` positions hold base items.
    fn items_in(&self, positions: usize) -> usize {
        if self.sep_first {
            positions / 2
        } else {
            positions.div_ceil(2)
        }
    }

    /// Whether the last position holds a separator.
    fn sep_last(&self) -> bool {
        self.len > 0 && (self.sep_first ^ (self.len % 2 == 0))
    }
}

impl<P> Producer for SepProducer<P>
where
    P: Producer<Item: Clone + Send>,
{
    type Item = P::Item;
    type IntoIter = SepIter<P::IntoIter>;

    fn into_iter(self) -> Self::IntoIter {
        SepIter {
            base: self.base.into_iter(),
            item: self.item,
            len: self.len,
            sep_front: self.sep_first,
        }
    }

    fn min_len(&self) -> usize {
        self.base.min_len()
    }

    fn max_len(&self) -> usize {
        self.base.max_len()
    }

    fn split_at(self, index: usize) -> (Self, Self) {
        let items = self.items_in(index);
        let (left, right) = self.base.split_at(items);
        (
            SepProducer {
                base: left,
                item: self.item.clone(),
                len: index,
                sep_first: self.sep_first,
            },
            SepProducer {
                base: right,
                item: self.item,
                len: self.len - index,
                sep_first: self.sep_first ^ (index % 2 == 1),
            },
        )
    }

    fn fold_with<F: Folder<P::Item>>(self, folder: F) -> F {
        let sep_last = self.sep_last();
        let folder = SepFolder {
            base: folder,
            item: self.item,
            sep_next: self.sep_first,
            any: false,
        };
        let SepFolder {
            base: folder, item, ..
        } = self.base.fold_with(folder);
        if sep_last && !folder.full() {
            folder.consume(item)
        } else {
            folder
        }
    }
}

/// The sequential iterator of a [`SepProducer`]: `len` positions left, alternating
/// between base items and separators.
struct SepIter<I: Iterator> {
    base: I,
    item: I::Item,
    len: usize,
    /// The front position holds a separator.
    sep_front: bool,
}

impl<I> Iterator for SepIter<I>
where
    I: Iterator<Item: Clone>,
{
    type Item = I::Item;

    fn next(&mut self) -> Option<I::Item> {
        if self.len == 0 {
            return None;
        }
        self.len -= 1;
        let sep = self.sep_front;
        self.sep_front = !sep;
        if sep {
            Some(self.item.clone())
        } else {
            self.base.next()
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.len, Some(self.len))
    }
}

impl<I> DoubleEndedIterator for SepIter<I>
where
    I: DoubleEndedIterator<Item: Clone>,
{
    fn next_back(&mut self) -> Option<I::Item> {
        if self.len == 0 {
            return None;
        }
        self.len -= 1;
        // The back position is `len` positions after the front one.
        if self.sep_front ^ (self.len % 2 == 1) {
            Some(self.item.clone())
        } else {
            self.base.next_back()
        }
    }
}

impl<I> ExactSizeIterator for SepIter<I> where I: ExactSizeIterator<Item: Clone> {}

/// Emits a separator before every item but the first, and before the first one too if
/// `sep_next` starts set.
struct SepFolder<F, T> {
    base: F,
    item: T,
    sep_next: bool,
    /// An item arrived.
    any: bool,
}

impl<F, T> Folder<T> for SepFolder<F, T>
where
    F: Folder<T>,
    T: Clone,
{
    type Result = F::Result;

    fn consume(mut self, item: T) -> Self {
        self.any = true;
        if self.sep_next {
            self.base = self.base.consume(self.item.clone());
            if self.base.full() {
                return self;
            }
        }
        self.sep_next = true;
        self.base = self.base.consume(item);
        self
    }

    fn consume_iter<I: IntoIterator<Item = T>>(mut self, iter: I) -> Self {
        let mut seen = false;
        let seps = WithSeps {
            iter: iter.into_iter(),
            item: &self.item,
            held: None,
            sep_next: self.sep_next,
            seen: &mut seen,
        };
        self.base = self.base.consume_iter(seps);
        // After an item, every item has a separator before it.
        self.sep_next |= seen;
        self.any |= seen;
        self
    }

    fn complete(self) -> F::Result {
        self.base.complete()
    }

    fn full(&self) -> bool {
        self.base.full()
    }
}

/// `iter` with a clone of `item` before every item but the first (and before that one
/// too if `sep_next` starts set); it sets `seen` once it has pulled an item. `fold` is
/// written out, so that consumers that fold (`sum`, `collect`) run one loop.
struct WithSeps<'a, I: Iterator> {
    iter: I,
    item: &'a I::Item,
    /// An item whose separator was just returned.
    held: Option<I::Item>,
    sep_next: bool,
    seen: &'a mut bool,
}

impl<I> Iterator for WithSeps<'_, I>
where
    I: Iterator<Item: Clone>,
{
    type Item = I::Item;

    #[inline]
    fn next(&mut self) -> Option<I::Item> {
        if let Some(item) = self.held.take() {
            return Some(item);
        }
        let item = self.iter.next()?;
        *self.seen = true;
        if self.sep_next {
            self.held = Some(item);
            Some(self.item.clone())
        } else {
            self.sep_next = true;
            Some(item)
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let held = usize::from(self.held.is_some());
        let first = usize::from(!self.sep_next);
        let (lo, hi) = self.iter.size_hint();
        let bound = |n: usize| {
            n.checked_mul(2)?
                .checked_add(held)?
                .checked_sub(first.min(n))
        };
        (bound(lo).unwrap_or(usize::MAX), hi.and_then(bound))
    }

    fn fold<B, G>(self, init: B, mut g: G) -> B
    where
        G: FnMut(B, I::Item) -> B,
    {
        let WithSeps {
            iter,
            item,
            held,
            mut sep_next,
            seen,
        } = self;
        let mut acc = init;
        if let Some(held) = held {
            acc = g(acc, held);
        }
        let mut any = false;
        let acc = iter.fold(acc, |mut acc, next| {
            any = true;
            if sep_next {
                acc = g(acc, item.clone());
            }
            sep_next = true;
            g(acc, next)
        });
        *seen |= any;
        acc
    }
}

/// What precedes a piece of the consumer side (module docs, "Unindexed").
enum Before<C> {
    /// The piece starts the sequence.
    Nothing,
    /// Some item does; a separator was emitted before the piece's first item.
    Something,
    /// Unknown; the lead consumer can take the separator that may be due.
    Unknown(C),
}

/// The result of a piece of the consumer side.
struct Piece<C, R> {
    before: Before<C>,
    /// The piece had items.
    nonempty: bool,
    body: R,
}

/// The consumer `intersperse` hands to its base (module docs, "Unindexed").
struct SepConsumer<C, T> {
    base: C,
    item: T,
    /// The base's length is known, so the index of `split_at` counts the items that
    /// reach this consumer.
    exact: bool,
    /// A `Cell` because `split_off_left` (by `&self`) hands it to the left part.
    before: Cell<Before<C>>,
}

impl<C, T> SepConsumer<C, T> {
    fn new(base: C, item: T, exact: bool) -> Self {
        SepConsumer {
            base,
            item,
            exact,
            before: Cell::new(Before::Nothing),
        }
    }
}

impl<C, T> Consumer<T> for SepConsumer<C, T>
where
    C: UnindexedConsumer<T>,
    T: Clone + Send,
{
    type Folder = PieceFolder<C::Folder, C, T>;
    type Reducer = SepReducer<C::Reducer, T>;
    type Result = Piece<C, C::Result>;

    fn split_at(self, index: usize) -> (Self, Self, Self::Reducer) {
        let before = self.before.into_inner();
        let reducer = SepReducer {
            base: self.base.to_reducer(),
            item: self.item.clone(),
        };
        let (left, right, right_before) = if !self.exact {
            // `index` counts positions of the source, not items that reach this
            // consumer: as `split_off_left`, with a lead between the parts.
            let (left, right, _) = self.base.split_at(index);
            let lead = right.split_off_left();
            (left, right, Before::Unknown(lead))
        } else if index == 0 {
            // The left part is empty: what precedes the right one is what precedes both.
            let (left, right, _) = self.base.split_at(0);
            let right_before = match before {
                Before::Nothing => Before::Nothing,
                Before::Something => Before::Something,
                Before::Unknown(_) => Before::Unknown(right.split_off_left()),
            };
            (left, right, right_before)
        } else {
            // The left part has `index` items, and separators between them (before the
            // first one too if something precedes it).
            let positions = match before {
                Before::Something => index.saturating_mul(2),
                Before::Nothing | Before::Unknown(_) => index.saturating_mul(2) - 1,
            };
            let (left, right, _) = self.base.split_at(positions);
            (left, right, Before::Something)
        };
        (
            SepConsumer {
                base: left,
                item: self.item.clone(),
                exact: self.exact,
                before: Cell::new(before),
            },
            SepConsumer {
                base: right,
                item: self.item,
                exact: self.exact,
                before: Cell::new(right_before),
            },
            reducer,
        )
    }

    fn into_folder(self) -> Self::Folder {
        let before = self.before.into_inner();
        PieceFolder {
            inner: SepFolder {
                base: self.base.into_folder(),
                item: self.item,
                sep_next: matches!(before, Before::Something),
                any: false,
            },
            before,
        }
    }

    fn full(&self) -> bool {
        self.base.full()
    }
}

impl<C, T> UnindexedConsumer<T> for SepConsumer<C, T>
where
    C: UnindexedConsumer<T>,
    T: Clone + Send,
{
    fn split_off_left(&self) -> Self {
        // In order: the left part, then the lead of what is left to `self`.
        let left = self.base.split_off_left();
        let lead = self.base.split_off_left();
        SepConsumer {
            base: left,
            item: self.item.clone(),
            exact: self.exact,
            before: Cell::new(self.before.replace(Before::Unknown(lead))),
        }
    }

    fn to_reducer(&self) -> Self::Reducer {
        SepReducer {
            base: self.base.to_reducer(),
            item: self.item.clone(),
        }
    }
}

struct PieceFolder<F, C, T> {
    inner: SepFolder<F, T>,
    before: Before<C>,
}

impl<F, C, T> Folder<T> for PieceFolder<F, C, T>
where
    F: Folder<T>,
    T: Clone,
{
    type Result = Piece<C, F::Result>;

    fn consume(mut self, item: T) -> Self {
        self.inner = self.inner.consume(item);
        self
    }

    fn consume_iter<I: IntoIterator<Item = T>>(mut self, iter: I) -> Self {
        self.inner = self.inner.consume_iter(iter);
        self
    }

    fn complete(self) -> Self::Result {
        Piece {
            before: self.before,
            nonempty: self.inner.any,
            body: self.inner.complete(),
        }
    }

    fn full(&self) -> bool {
        self.inner.full()
    }
}

struct SepReducer<R, T> {
    base: R,
    item: T,
}

impl<C, T> Reducer<Piece<C, C::Result>> for SepReducer<C::Reducer, T>
where
    C: UnindexedConsumer<T>,
    T: Clone,
{
    fn reduce(self, left: Piece<C, C::Result>, right: Piece<C, C::Result>) -> Piece<C, C::Result> {
        let preceded = left.nonempty || matches!(left.before, Before::Something);
        let right_body = match right.before {
            Before::Unknown(lead) if right.nonempty && preceded => {
                let reducer = lead.to_reducer();
                let sep = if lead.full() {
                    lead.into_folder().complete()
                } else {
                    lead.into_folder().consume(self.item).complete()
                };
                reducer.reduce(sep, right.body)
            }
            _ => right.body,
        };
        Piece {
            before: left.before,
            nonempty: left.nonempty || right.nonempty,
            body: self.base.reduce(left.body, right_body),
        }
    }
}

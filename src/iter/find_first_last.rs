//! `find_first` and `find_last` (and through them `find_map_first`/`_last`,
//! `position_first`/`_last`, `cmp`, `partial_cmp`): the match nearest the start (end),
//! found in parallel, with the pieces that can no longer hold the answer stopping early.
//!
//! # Positions
//!
//! Every consumer owns a range `lo..hi` of *positions*: the call's first consumer
//! owns `0..usize::MAX`; `split_at(index)` cuts it at `lo + index` (clamped to `hi`), and
//! `split_off_left` at its middle. So the ranges of two consumers do not overlap, and
//! the one whose range lies lower comes first. A folder's *key* is its `lo` for
//! `find_first` and its `hi` for `find_last`.
//!
//! # Protocol
//!
//! 1. `best` holds the best key of a folder that kept a match so far (lowest for
//!    `find_first`, highest for `find_last`).
//! 2. A folder that finds a match raises `best` to its key if its key is better, and
//!    keeps the item if its key is now at least as good as `best`. Otherwise a folder
//!    with a strictly better key kept one (by this rule), so the item cannot be the
//!    answer.
//! 3. A consumer or folder whose key is strictly worse than `best` is *full* and stops:
//!    a folder with a better key has a match. (Once positions run out, after 64 halvings,
//!    two consumers can share a key; then neither stops the other, and step 4 still picks
//!    the right one.)
//! 4. Results reduce left first (`find_first`) or right first (`find_last`). By 2 and 3
//!    every folder before the first match (after the last) ran to its end without a
//!    match, and the folder of that match kept it, so the reduction returns it.
//!
//! # Stopping running items
//!
//! Pieces beyond the best match stop between items (step 3), but an item already running
//! there cannot be told without a token per piece. The call's [`Stop`] child token is
//! cancelled only once the *whole* answer is known: when a result that is `Some` covers
//! the start of the call (`find_first`; the end for `find_last`) — everything before
//! its match has been searched, so no running item can change the answer, and items
//! may leave at their `checkpoint()`. Whether a result covers the start is tracked
//! exactly (the `edge` flag): only the consumer that begins the call and the left part of
//! its splits carry it, and a reduced result covers the start if its left input does
//! (the end: its right input). For `find_first` that moment comes as soon as the first
//! piece finds a match; for `find_last`, when the last piece finishes with one.
//! (`loom-tests/tests/iter_find.rs` checks that an item that can still change the answer
//! never sees the cancel.)
//!
//! Orderings: `best` is read and written `Relaxed`: it only decides whether to do more
//! work; the items travel through the results, which `join` orders.

use std::cell::Cell;

use super::ParallelIterator;
use super::plumbing::{Consumer, Folder, Reducer, UnindexedConsumer};
use super::short::Stop;
use crate::sync::atomic::{AtomicUsize, Ordering};

pub(super) fn find_first<I: ParallelIterator, P>(iter: I, predicate: P) -> Option<I::Item>
where
    P: Fn(&I::Item) -> bool + Sync + Send,
{
    find(iter, &predicate, Side::First)
}

pub(super) fn find_last<I: ParallelIterator, P>(iter: I, predicate: P) -> Option<I::Item>
where
    P: Fn(&I::Item) -> bool + Sync + Send,
{
    find(iter, &predicate, Side::Last)
}

fn find<I: ParallelIterator, P>(iter: I, predicate: &P, side: Side) -> Option<I::Item>
where
    P: Fn(&I::Item) -> bool + Sync,
{
    let search = Search {
        side,
        best: AtomicUsize::new(side.worst()),
        stop: Stop::new(),
    };
    let consumer = FindConsumer {
        predicate,
        search: &search,
        lo: Cell::new(0),
        hi: usize::MAX,
        edge: Cell::new(true),
    };
    search.stop.run(|| iter.drive_unindexed(consumer)).item
}

/// Which match is wanted.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    First,
    Last,
}

impl Side {
    /// Whether key `a` is strictly better than key `b`.
    #[inline]
    fn better(self, a: usize, b: usize) -> bool {
        match self {
            Side::First => a < b,
            Side::Last => a > b,
        }
    }

    /// A key no folder's is worse than: `best` before any match.
    fn worst(self) -> usize {
        match self {
            Side::First => usize::MAX,
            Side::Last => 0,
        }
    }
}

/// What the pieces of one call share.
struct Search {
    side: Side,
    /// Protocol step 1.
    best: AtomicUsize,
    /// Set once the whole answer is known (module docs).
    stop: Stop,
}

impl Search {
    /// Whether a folder or consumer with `key` cannot hold the answer (step 3).
    #[inline]
    fn beaten(&self, key: usize) -> bool {
        // Relaxed: a hint to stop (module docs).
        self.side.better(self.best.load(Ordering::Relaxed), key)
    }

    /// Offers a match at `key`; whether the folder should keep it (step 2).
    fn offer(&self, key: usize) -> bool {
        let side = self.side;
        // Relaxed: as in `beaten`.
        let now = self
            .best
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |best| {
                side.better(key, best).then_some(key)
            });
        match now {
            Ok(_) => true,
            Err(best) => best == key,
        }
    }
}

/// The result of a piece, or of several adjacent ones.
struct Found<T> {
    item: Option<T>,
    /// Whether it covers the start of the call (`find_first`) or its end (`find_last`).
    edge: bool,
}

impl<T> Found<T> {
    /// Cancels the stop token if this result is the answer (module docs).
    fn settle(self, search: &Search) -> Self {
        if self.edge && self.item.is_some() {
            search.stop.set();
        }
        self
    }
}

struct FindConsumer<'a, P> {
    predicate: &'a P,
    search: &'a Search,
    lo: Cell<usize>,
    hi: usize,
    /// Whether this consumer begins (`find_first`) or ends (`find_last`) the call.
    edge: Cell<bool>,
}

impl<P> FindConsumer<'_, P> {
    fn key(&self) -> usize {
        match self.search.side {
            Side::First => self.lo.get(),
            Side::Last => self.hi,
        }
    }

    /// The consumer for `lo..mid` and the edge flags of the two parts.
    fn left_part(&self, mid: usize) -> Self {
        let first = self.search.side == Side::First;
        FindConsumer {
            predicate: self.predicate,
            search: self.search,
            lo: Cell::new(self.lo.get()),
            hi: mid,
            edge: Cell::new(first && self.edge.get()),
        }
    }
}

impl<'a, T, P> Consumer<T> for FindConsumer<'a, P>
where
    T: Send,
    P: Fn(&T) -> bool + Sync,
{
    type Folder = FindFolder<'a, T, P>;
    type Reducer = FindReducer<'a>;
    type Result = Found<T>;

    fn split_at(self, index: usize) -> (Self, Self, FindReducer<'a>) {
        let lo = self.lo.get();
        let mid = lo + index.min(self.hi - lo);
        let left = self.left_part(mid);
        let right = FindConsumer {
            lo: Cell::new(mid),
            edge: Cell::new(self.search.side == Side::Last && self.edge.get()),
            ..self
        };
        let reducer = FindReducer {
            search: right.search,
        };
        (left, right, reducer)
    }

    fn into_folder(self) -> Self::Folder {
        FindFolder {
            predicate: self.predicate,
            search: self.search,
            key: self.key(),
            edge: self.edge.get(),
            item: None,
        }
    }

    fn full(&self) -> bool {
        self.search.beaten(self.key()) || self.search.stop.is_set()
    }
}

impl<'a, T, P> UnindexedConsumer<T> for FindConsumer<'a, P>
where
    T: Send,
    P: Fn(&T) -> bool + Sync,
{
    fn split_off_left(&self) -> Self {
        let lo = self.lo.get();
        let mid = lo + (self.hi - lo) / 2;
        let left = self.left_part(mid);
        self.lo.set(mid);
        if self.search.side == Side::First {
            self.edge.set(false);
        }
        left
    }

    fn to_reducer(&self) -> FindReducer<'a> {
        FindReducer {
            search: self.search,
        }
    }
}

struct FindFolder<'a, T, P> {
    predicate: &'a P,
    search: &'a Search,
    key: usize,
    edge: bool,
    item: Option<T>,
}

impl<T, P> FindFolder<'_, T, P> {
    /// Takes a match (step 2); a `find_first` at the start of the call has its answer.
    fn take(&mut self, item: T) {
        // A folder that already kept a match has offered its key: it stays at least as
        // good as `best` until a better one beats it (and then nothing it keeps counts).
        if self.item.is_some() || self.search.offer(self.key) {
            self.item = Some(item);
            if self.search.side == Side::First && self.edge {
                self.search.stop.set();
            }
        }
    }
}

impl<T, P> Folder<T> for FindFolder<'_, T, P>
where
    P: Fn(&T) -> bool,
{
    type Result = Found<T>;

    fn consume(mut self, item: T) -> Self {
        let first_found = self.search.side == Side::First && self.item.is_some();
        if !first_found && (self.predicate)(&item) {
            self.take(item);
        }
        self
    }

    fn consume_iter<I: IntoIterator<Item = T>>(mut self, iter: I) -> Self {
        if self.full() {
            return self;
        }
        let (search, key, predicate) = (self.search, self.key, self.predicate);
        match search.side {
            Side::First => {
                let hit = iter
                    .into_iter()
                    .take_while(|_| !search.beaten(key))
                    .find(predicate);
                if let Some(item) = hit {
                    self.take(item);
                }
            }
            Side::Last => {
                for item in iter {
                    if search.beaten(key) {
                        break;
                    }
                    if predicate(&item) {
                        self.take(item);
                    }
                }
            }
        }
        self
    }

    fn complete(self) -> Found<T> {
        Found {
            item: self.item,
            edge: self.edge,
        }
        .settle(self.search)
    }

    fn full(&self) -> bool {
        (self.search.side == Side::First && self.item.is_some())
            || self.search.beaten(self.key)
            || self.search.stop.is_set()
    }
}

struct FindReducer<'a> {
    search: &'a Search,
}

impl<T> Reducer<Found<T>> for FindReducer<'_> {
    fn reduce(self, left: Found<T>, right: Found<T>) -> Found<T> {
        let found = match self.search.side {
            Side::First => Found {
                item: left.item.or(right.item),
                edge: left.edge,
            },
            Side::Last => Found {
                item: right.item.or(left.item),
                edge: right.edge,
            },
        };
        found.settle(self.search)
    }
}

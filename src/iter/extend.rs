//! `ParallelExtend` for the std collections and `String` (`Vec`'s is in `collect/`).
//!
//! Every collection is filled the same way: the parallel iterator is collected into
//! `Vec`s first — one `Vec` written in place when the chain knows its length, one `Vec`
//! per piece otherwise ([`collect_pieces`]) — and those are then moved into the
//! collection, sequentially, in order. Strings are built per piece and concatenated;
//! linked lists are built per piece and appended.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap, HashSet, LinkedList, VecDeque};
use std::ffi::{OsStr, OsString};
use std::hash::{BuildHasher, Hash};

use super::collect::{ListReducer, append_indexed, vec_list};
use super::plumbing::{Consumer, Folder, UnindexedConsumer};
use super::{Either, IntoParallelIterator, ParallelExtend, ParallelIterator};

/// The items of a parallel iterator, in order: one `Vec` if the chain knows its length,
/// else one `Vec` per piece.
pub(super) fn collect_pieces<I>(par_iter: I) -> Either<Vec<I::Item>, LinkedList<Vec<I::Item>>>
where
    I: IntoParallelIterator,
{
    let iter = par_iter.into_par_iter();
    match iter.opt_len() {
        Some(len) => {
            let mut vec = Vec::new();
            append_indexed(&mut vec, len, |consumer| iter.drive_unindexed(consumer));
            Either::Left(vec)
        }
        None => Either::Right(vec_list(iter)),
    }
}

/// How many items [`collect_pieces`] gathered.
fn count<T>(pieces: &Either<Vec<T>, LinkedList<Vec<T>>>) -> usize {
    match pieces {
        Either::Left(vec) => vec.len(),
        Either::Right(list) => list.iter().map(Vec::len).sum(),
    }
}

/// Feeds the gathered items to `extend`, in order.
fn drain_pieces<T>(pieces: Either<Vec<T>, LinkedList<Vec<T>>>, mut extend: impl FnMut(Vec<T>)) {
    match pieces {
        Either::Left(vec) => extend(vec),
        Either::Right(list) => list.into_iter().for_each(extend),
    }
}

/// `ParallelExtend<$item>` for `$target` (with the given generics and bounds): gathers,
/// reserves room for `$room(&gathered)` items (`reserve: $room`) or not (`no_reserve`),
/// then extends in order.
macro_rules! extend_by_pieces {
    ($(impl[$($g:tt)*] $item:ty => $target:ty $(where [$($w:tt)*])?, $how:ident $(: $room:ident)?;)*) => {$(
        impl<$($g)*> ParallelExtend<$item> for $target $(where $($w)*)? {
            fn par_extend<I>(&mut self, par_iter: I)
            where
                I: IntoParallelIterator<Item = $item>,
            {
                let pieces = collect_pieces(par_iter);
                extend_by_pieces!(@$how self, &pieces $(, $room)?);
                drain_pieces(pieces, |vec| self.extend(vec));
            }
        }
    )*};
    (@reserve $self:ident, $pieces:expr, $room:ident) => {
        $self.reserve($room($pieces))
    };
    (@no_reserve $self:ident, $pieces:expr) => {};
}

/// Room for every item.
fn all<T>(pieces: &Either<Vec<T>, LinkedList<Vec<T>>>) -> usize {
    count(pieces)
}

/// The total length of gathered strings.
fn str_len<T: AsRef<str>>(pieces: &Either<Vec<T>, LinkedList<Vec<T>>>) -> usize {
    let len = |v: &Vec<T>| v.iter().map(|s| s.as_ref().len()).sum::<usize>();
    match pieces {
        Either::Left(vec) => len(vec),
        Either::Right(list) => list.iter().map(len).sum(),
    }
}

/// The total length of gathered OS strings.
fn os_str_len<T: AsRef<OsStr>>(pieces: &Either<Vec<T>, LinkedList<Vec<T>>>) -> usize {
    let len = |v: &Vec<T>| v.iter().map(|s| s.as_ref().len()).sum::<usize>();
    match pieces {
        Either::Left(vec) => len(vec),
        Either::Right(list) => list.iter().map(len).sum(),
    }
}

extend_by_pieces! {
    impl[T] T => BinaryHeap<T> where [T: Ord + Send], reserve: all;
    impl['a, T] &'a T => BinaryHeap<T> where [T: 'a + Copy + Ord + Send + Sync], reserve: all;
    impl[K, V] (K, V) => BTreeMap<K, V> where [K: Ord + Send, V: Send], no_reserve;
    impl['a, K, V] (&'a K, &'a V) => BTreeMap<K, V>
        where [K: 'a + Copy + Ord + Send + Sync, V: 'a + Copy + Send + Sync], no_reserve;
    impl[T] T => BTreeSet<T> where [T: Ord + Send], no_reserve;
    impl['a, T] &'a T => BTreeSet<T> where [T: 'a + Copy + Ord + Send + Sync], no_reserve;
    impl[K, V, S] (K, V) => HashMap<K, V, S>
        where [K: Eq + Hash + Send, V: Send, S: BuildHasher + Send], reserve: all;
    impl['a, K, V, S] (&'a K, &'a V) => HashMap<K, V, S>
        where [K: 'a + Copy + Eq + Hash + Send + Sync, V: 'a + Copy + Send + Sync, S: BuildHasher + Send],
        reserve: all;
    impl[T, S] T => HashSet<T, S> where [T: Eq + Hash + Send, S: BuildHasher + Send], reserve: all;
    impl['a, T, S] &'a T => HashSet<T, S>
        where [T: 'a + Copy + Eq + Hash + Send + Sync, S: BuildHasher + Send], reserve: all;
    impl[T] T => VecDeque<T> where [T: Send], reserve: all;
    impl['a, T] &'a T => VecDeque<T> where [T: 'a + Copy + Send + Sync], reserve: all;
    impl['a] &'a str => String, reserve: str_len;
    impl[] String => String, reserve: str_len;
    impl[] Box<str> => String, reserve: str_len;
    impl['a] Cow<'a, str> => String, reserve: str_len;
    impl['a] &'a OsStr => OsString, reserve: os_str_len;
    impl[] OsString => OsString, reserve: os_str_len;
    impl['a] Cow<'a, OsStr> => OsString, reserve: os_str_len;
}

impl<'a, T> ParallelExtend<&'a T> for Vec<T>
where
    T: 'a + Copy + Send + Sync,
{
    fn par_extend<I>(&mut self, par_iter: I)
    where
        I: IntoParallelIterator<Item = &'a T>,
    {
        // Through `map` rather than `copied`, so that indexed chains stay on the write-in-
        // place path of `Vec<T>`'s own `par_extend`.
        self.par_extend(par_iter.into_par_iter().map(|&x| x));
    }
}

impl<T: Send> ParallelExtend<T> for LinkedList<T> {
    fn par_extend<I>(&mut self, par_iter: I)
    where
        I: IntoParallelIterator<Item = T>,
    {
        let mut list = par_iter.into_par_iter().drive_unindexed(ListConsumer);
        self.append(&mut list);
    }
}

impl<'a, T> ParallelExtend<&'a T> for LinkedList<T>
where
    T: 'a + Copy + Send + Sync,
{
    fn par_extend<I>(&mut self, par_iter: I)
    where
        I: IntoParallelIterator<Item = &'a T>,
    {
        self.par_extend(par_iter.into_par_iter().map(|&x| x));
    }
}

impl ParallelExtend<char> for String {
    fn par_extend<I>(&mut self, par_iter: I)
    where
        I: IntoParallelIterator<Item = char>,
    {
        // One `String` per piece: a `Vec<char>` would take four bytes per `char`.
        let pieces = par_iter.into_par_iter().drive_unindexed(StringConsumer);
        self.reserve(pieces.iter().map(String::len).sum());
        pieces.iter().for_each(|piece| self.push_str(piece));
    }
}

impl<'a> ParallelExtend<&'a char> for String {
    fn par_extend<I>(&mut self, par_iter: I)
    where
        I: IntoParallelIterator<Item = &'a char>,
    {
        self.par_extend(par_iter.into_par_iter().map(|&c| c));
    }
}

impl ParallelExtend<()> for () {
    fn par_extend<I>(&mut self, par_iter: I)
    where
        I: IntoParallelIterator<Item = ()>,
    {
        par_iter.into_par_iter().for_each(|()| {});
    }
}

/// Collects each piece into a `LinkedList`, appending them in order.
struct ListConsumer;

impl<T: Send> Consumer<T> for ListConsumer {
    type Folder = ListFolder<T>;
    type Reducer = ListReducer;
    type Result = LinkedList<T>;

    fn split_at(self, _index: usize) -> (Self, Self, ListReducer) {
        (ListConsumer, ListConsumer, ListReducer)
    }

    fn into_folder(self) -> ListFolder<T> {
        ListFolder {
            list: LinkedList::new(),
        }
    }

    fn full(&self) -> bool {
        false
    }
}

impl<T: Send> UnindexedConsumer<T> for ListConsumer {
    fn split_off_left(&self) -> Self {
        ListConsumer
    }

    fn to_reducer(&self) -> ListReducer {
        ListReducer
    }
}

struct ListFolder<T> {
    list: LinkedList<T>,
}

impl<T> Folder<T> for ListFolder<T> {
    type Result = LinkedList<T>;

    fn consume(mut self, item: T) -> Self {
        self.list.push_back(item);
        self
    }

    fn consume_iter<I: IntoIterator<Item = T>>(mut self, iter: I) -> Self {
        self.list.extend(iter);
        self
    }

    fn complete(self) -> LinkedList<T> {
        self.list
    }

    fn full(&self) -> bool {
        false
    }
}

/// Collects the `char`s of each piece into a `String`: a list of them, in order.
struct StringConsumer;

impl Consumer<char> for StringConsumer {
    type Folder = StringFolder;
    type Reducer = ListReducer;
    type Result = LinkedList<String>;

    fn split_at(self, _index: usize) -> (Self, Self, ListReducer) {
        (StringConsumer, StringConsumer, ListReducer)
    }

    fn into_folder(self) -> StringFolder {
        StringFolder {
            string: String::new(),
        }
    }

    fn full(&self) -> bool {
        false
    }
}

impl UnindexedConsumer<char> for StringConsumer {
    fn split_off_left(&self) -> Self {
        StringConsumer
    }

    fn to_reducer(&self) -> ListReducer {
        ListReducer
    }
}

struct StringFolder {
    string: String,
}

impl Folder<char> for StringFolder {
    type Result = LinkedList<String>;

    fn consume(mut self, item: char) -> Self {
        self.string.push(item);
        self
    }

    fn consume_iter<I: IntoIterator<Item = char>>(mut self, iter: I) -> Self {
        self.string.extend(iter);
        self
    }

    fn complete(self) -> LinkedList<String> {
        let mut list = LinkedList::new();
        if !self.string.is_empty() {
            list.push_back(self.string);
        }
        list
    }

    fn full(&self) -> bool {
        false
    }
}

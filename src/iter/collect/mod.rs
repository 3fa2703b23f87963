//! Collecting into a `Vec`, the base of every other collect: indexed chains write each
//! item straight into its slot (`consumer.rs`); unindexed ones collect one `Vec` per
//! piece into a list and append them in order.

mod consumer;

use std::collections::LinkedList;

use self::consumer::CollectConsumer;
use super::plumbing::{Consumer, Folder, Reducer, UnindexedConsumer};
use super::{
    FromParallelIterator, IndexedParallelIterator, IntoParallelIterator, ParallelExtend,
    ParallelIterator,
};

impl<T: Send> FromParallelIterator<T> for Vec<T> {
    fn from_par_iter<I>(par_iter: I) -> Self
    where
        I: IntoParallelIterator<Item = T>,
    {
        let mut vec = Vec::new();
        vec.par_extend(par_iter);
        vec
    }
}

impl<T: Send> ParallelExtend<T> for Vec<T> {
    fn par_extend<I>(&mut self, par_iter: I)
    where
        I: IntoParallelIterator<Item = T>,
    {
        let iter = par_iter.into_par_iter();
        match iter.opt_len() {
            Some(len) => append_indexed(self, len, |consumer| iter.drive_unindexed(consumer)),
            None => append_list(self, vec_list(iter)),
        }
    }
}

/// Appends the `Vec`s of `list` to `vec`, in order.
pub(super) fn append_list<T>(vec: &mut Vec<T>, list: LinkedList<Vec<T>>) {
    vec.reserve(list.iter().map(Vec::len).sum());
    for mut piece in list {
        vec.append(&mut piece);
    }
}

/// `collect_into_vec`: replaces `target`'s contents, reusing its allocation.
pub(super) fn collect_into_vec<I>(iter: I, target: &mut Vec<I::Item>)
where
    I: IndexedParallelIterator,
{
    target.clear();
    let len = iter.len();
    append_indexed(target, len, |consumer| iter.drive(consumer));
}

/// `unzip_into_vecs`: replaces the contents of both, reusing their allocations.
pub(super) fn unzip_into_vecs<I, A, B>(iter: I, left: &mut Vec<A>, right: &mut Vec<B>)
where
    I: IndexedParallelIterator<Item = (A, B)>,
    A: Send,
    B: Send,
{
    left.clear();
    right.clear();
    let len = iter.len();
    // Each side writes its halves straight into its own slots: the right vector's
    // consumer is made first and carried into the left one's drive, where both are
    // driven in one pass.
    append_indexed(right, len, |right_consumer| {
        let mut right_result = None;
        append_indexed(left, len, |left_consumer| {
            let (left_result, right_half) =
                super::unzip::unzip_indexed(iter, left_consumer, right_consumer);
            right_result = Some(right_half);
            left_result
        });
        match right_result {
            Some(result) => result,
            None => unreachable!("append_indexed runs its drive closure once"),
        }
    });
}

/// Writes the `len` items that `drive` produces into `vec`'s spare capacity, after its
/// current items (see `consumer.rs` for the invariants).
///
/// # Panics
///
/// If the chain produced another number of items than `len` — unless it stopped early
/// because its current token was cancelled (a `with_cancel`, a short-circuit), in which
/// case the items it did produce are kept in order.
pub(super) fn append_indexed<T, F>(vec: &mut Vec<T>, len: usize, drive: F)
where
    T: Send,
    F: FnOnce(CollectConsumer<'_, T>) -> consumer::CollectResult<'_, T>,
{
    vec.reserve(len);
    let start = vec.len();
    let result = drive(CollectConsumer::appending(vec, len));
    let written = result.release_ownership();
    // SAFETY: the consumer initialised exactly `written` slots after `start`, in order
    // (consumer invariants 2 and 3), and gave up their ownership above.
    unsafe { vec.set_len(start + written) };
    if written != len && !crate::current_token().is_cancelled() {
        panic!("a parallel iterator promised {len} items but produced {written}");
    }
}

/// `collect_vec_list`: one `Vec` per piece, in order.
pub(super) fn vec_list<I: ParallelIterator>(iter: I) -> LinkedList<Vec<I::Item>> {
    iter.drive_unindexed(ListVecConsumer)
}

struct ListVecConsumer;

impl<T: Send> Consumer<T> for ListVecConsumer {
    type Folder = ListVecFolder<T>;
    type Reducer = ListReducer;
    type Result = LinkedList<Vec<T>>;

    fn split_at(self, _index: usize) -> (Self, Self, ListReducer) {
        (ListVecConsumer, ListVecConsumer, ListReducer)
    }

    fn into_folder(self) -> ListVecFolder<T> {
        ListVecFolder { vec: Vec::new() }
    }

    fn full(&self) -> bool {
        false
    }
}

impl<T: Send> UnindexedConsumer<T> for ListVecConsumer {
    fn split_off_left(&self) -> Self {
        ListVecConsumer
    }

    fn to_reducer(&self) -> ListReducer {
        ListReducer
    }
}

struct ListVecFolder<T> {
    vec: Vec<T>,
}

impl<T> Folder<T> for ListVecFolder<T> {
    type Result = LinkedList<Vec<T>>;

    fn consume(mut self, item: T) -> Self {
        self.vec.push(item);
        self
    }

    fn consume_iter<I: IntoIterator<Item = T>>(mut self, iter: I) -> Self {
        self.vec.extend(iter);
        self
    }

    fn complete(self) -> LinkedList<Vec<T>> {
        let mut list = LinkedList::new();
        if !self.vec.is_empty() {
            list.push_back(self.vec);
        }
        list
    }

    fn full(&self) -> bool {
        false
    }
}

/// Appends the right list to the left one.
pub(super) struct ListReducer;

impl<T> Reducer<LinkedList<T>> for ListReducer {
    fn reduce(self, mut left: LinkedList<T>, mut right: LinkedList<T>) -> LinkedList<T> {
        left.append(&mut right);
        left
    }
}

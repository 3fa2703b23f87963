//! `collect::<Vec<_>>()`, keeping the order of the items.
//!
//! Indexed iterators (`opt_len()` is `Some(n)`) write straight into the spare capacity of
//! the output vector: the consumer splits the uninitialised buffer in step with the
//! producer, so each piece owns the slots of its positions and no item is moved twice or
//! allocated for. Other iterators (after `filter` or `fold`) collect one `Vec` per piece
//! and concatenate them in order at the end.
//!
//! # Invariants (indexed collect)
//!
//! 1. A [`Filled`] owns the slots `start .. start + total` and has initialised exactly the
//!    first `init` of them; its `Drop` drops those `init` items. So items written by a
//!    piece that panics, or by a piece whose result is discarded, are dropped once.
//! 2. Two results merge only if the left one is full and the right one starts where the
//!    left one ends; otherwise the right one is dropped (invariant 1) and the left one
//!    kept: the final result is always an initialised prefix of the buffer.
//! 3. The vector's length is set only to the final result's `init`, after forgetting it,
//!    so every item is owned exactly once. A prefix shorter than `n` is returned only to a
//!    call that stopped early (and reports that); otherwise it is a broken `opt_len`, and
//!    we panic (after the vector took the prefix, so nothing leaks).

use std::collections::LinkedList;
use std::marker::PhantomData;
use std::mem::{ManuallyDrop, MaybeUninit};
use std::ptr;

use super::plumbing::{Consumer, Folder, Producer, ProducerCallback, Reducer};
use super::reduce::{self, PieceOp};
use super::stop::{Check, NoCheck};
use super::{IntoParallelIterator, ParallelIterator};

/// Builds a collection from a parallel iterator: the target of
/// [`ParallelIterator::collect`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let squares: Vec<u32> = (0..5u32).into_par_iter().map(|x| x * x).collect();
/// assert_eq!(squares, [0, 1, 4, 9, 16]);
/// ```
pub trait FromParallelIterator<T: Send>: Sized {
    /// Collects `iter`; pieces check `check` between items.
    #[doc(hidden)]
    fn from_par_iter_with<I, K>(iter: I, check: K) -> Self
    where
        I: ParallelIterator<Item = T>,
        K: Check;

    /// Collects the items of `iter`.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::iter::FromParallelIterator;
    ///
    /// let v = Vec::from_par_iter(0..4u8);
    /// assert_eq!(v, [0, 1, 2, 3]);
    /// ```
    fn from_par_iter<I>(iter: I) -> Self
    where
        I: IntoParallelIterator<Item = T>,
    {
        Self::from_par_iter_with(iter.into_par_iter(), NoCheck)
    }
}

impl<T: Send> FromParallelIterator<T> for Vec<T> {
    fn from_par_iter_with<I, K>(iter: I, check: K) -> Vec<T>
    where
        I: ParallelIterator<Item = T>,
        K: Check,
    {
        match iter.opt_len() {
            Some(len) => collect_indexed(iter, len, check),
            None => collect_pieces(iter, check),
        }
    }
}

fn collect_indexed<I, K>(iter: I, len: usize, check: K) -> Vec<I::Item>
where
    I: ParallelIterator,
    K: Check,
{
    let mut vec = Vec::with_capacity(len);
    // Every slot pointer below derives from this one pointer to the whole spare capacity,
    // so a merged run (invariant 2) may reach the slots of both halves. A pointer taken
    // from one half's `&mut` sub-slice would have no right to the other half's slots
    // (miri reports it under Tree and Stacked Borrows).
    let base = vec.spare_capacity_mut()[..len]
        .as_mut_ptr()
        .cast::<I::Item>();
    let slots = SlotsConsumer {
        start: base,
        len,
        _slots: PhantomData,
    };
    let filled = iter.with_producer(IntoSlots { slots, check });
    debug_assert!(ptr::eq(filled.start, base) || filled.init == 0);
    let init = filled.init;
    std::mem::forget(filled);
    // SAFETY: the first `init` slots are initialised and owned by nobody else now
    // (invariants 2 and 3); `init <= len <= capacity`.
    unsafe { vec.set_len(init) };
    if init != len && !check.stopped() {
        panic!("parallel collect expected {len} items but got {init}");
    }
    vec
}

struct IntoSlots<'v, T, K> {
    slots: SlotsConsumer<'v, T>,
    check: K,
}

impl<'v, T: Send, K: Check> ProducerCallback<T> for IntoSlots<'v, T, K> {
    type Output = Filled<'v, T>;

    fn callback<P>(self, producer: P) -> Filled<'v, T>
    where
        P: Producer<Item = T>,
    {
        assert_eq!(
            producer.len(),
            self.slots.len,
            "an indexed parallel iterator has as many positions as items"
        );
        super::plumbing::bridge(producer, self.slots, self.check)
    }
}

/// The slots `start .. start + len` of one piece of the output, borrowed exclusively as
/// the `&'v mut [MaybeUninit<T>]` they stand for; a raw pointer so that every piece's
/// pointer derives from the one base pointer (see `collect_indexed`).
struct SlotsConsumer<'v, T> {
    start: *mut T,
    len: usize,
    _slots: PhantomData<&'v mut [MaybeUninit<T>]>,
}

// SAFETY: a `SlotsConsumer` stands for an exclusive borrow of its slots, like the
// `&mut [MaybeUninit<T>]` it replaces (`Send` for `T: Send`); `split_at` hands out
// disjoint ranges.
unsafe impl<T: Send> Send for SlotsConsumer<'_, T> {}

impl<'v, T: Send> Consumer<T> for SlotsConsumer<'v, T> {
    type Folder = Filled<'v, T>;
    type Reducer = MergeFilled;
    type Result = Filled<'v, T>;

    fn split_at(self, index: usize) -> (Self, Self, MergeFilled) {
        assert!(index <= self.len, "split inside the piece");
        (
            SlotsConsumer {
                start: self.start,
                len: index,
                _slots: PhantomData,
            },
            SlotsConsumer {
                // `wrapping_add` keeps the base's provenance; `index <= len` keeps the
                // pointer inside (or one past) the buffer.
                start: self.start.wrapping_add(index),
                len: self.len - index,
                _slots: PhantomData,
            },
            MergeFilled,
        )
    }

    fn into_folder(self) -> Filled<'v, T> {
        Filled {
            start: self.start,
            total: self.len,
            init: 0,
            _slots: PhantomData,
        }
    }
}

/// Slots `start .. start + total`, of which the first `init` are written (invariant 1).
struct Filled<'v, T> {
    start: *mut T,
    total: usize,
    init: usize,
    _slots: PhantomData<&'v mut [MaybeUninit<T>]>,
}

// SAFETY: a `Filled` owns its initialised items and exclusively borrows its slots, as a
// `&mut [T]` would; moving it to another thread moves `T`s.
unsafe impl<T: Send> Send for Filled<'_, T> {}

impl<T> Drop for Filled<'_, T> {
    fn drop(&mut self) {
        // SAFETY: the first `init` slots are initialised and owned by us (invariant 1).
        unsafe { ptr::drop_in_place(ptr::slice_from_raw_parts_mut(self.start, self.init)) }
    }
}

impl<T> Folder<T> for Filled<'_, T> {
    type Result = Self;

    #[inline]
    fn consume(mut self, item: T) -> Self {
        self.push(item);
        self
    }

    #[inline]
    fn consume_iter<I>(mut self, iter: I) -> Self
    where
        I: IntoIterator<Item = T>,
    {
        iter.into_iter().for_each(|item| self.push(item));
        self
    }

    fn complete(self) -> Self {
        self
    }
}

impl<T> Filled<'_, T> {
    #[inline]
    fn push(&mut self, item: T) {
        assert!(
            self.init < self.total,
            "an indexed parallel iterator produced more items than positions"
        );
        // SAFETY: `init < total`, so the slot is ours and not yet written (invariant 1).
        unsafe { self.start.add(self.init).write(item) };
        self.init += 1;
    }
}

struct MergeFilled;

impl<'v, T> Reducer<Filled<'v, T>> for MergeFilled {
    fn reduce(self, left: Filled<'v, T>, right: Filled<'v, T>) -> Filled<'v, T> {
        // `wrapping_add`: only compared, never dereferenced.
        let adjacent = ptr::eq(left.start.wrapping_add(left.total), right.start);
        if left.init == left.total && adjacent {
            let left = ManuallyDrop::new(left);
            let right = ManuallyDrop::new(right);
            // Invariant 2: the two runs of initialised slots are one run now.
            Filled {
                start: left.start,
                total: left.total + right.total,
                init: left.init + right.init,
                _slots: PhantomData,
            }
        } else {
            drop(right);
            left
        }
    }
}

fn collect_pieces<I, K>(iter: I, check: K) -> Vec<I::Item>
where
    I: ParallelIterator,
    K: Check,
{
    let mut list = reduce::run(iter, &ListOp, check);
    if list.len() == 1 {
        if let Some(only) = list.pop_front() {
            return only;
        }
    }
    let total = list.iter().map(Vec::len).sum();
    let mut vec = Vec::with_capacity(total);
    for mut piece in list {
        vec.append(&mut piece);
    }
    vec
}

/// One `Vec` per piece, chained in order.
struct ListOp;

impl<T: Send> PieceOp<T> for ListOp {
    type Acc = LinkedList<Vec<T>>;

    fn identity(&self) -> Self::Acc {
        LinkedList::new()
    }

    fn fold_iter<I: Iterator<Item = T>>(&self, mut acc: Self::Acc, iter: I) -> Self::Acc {
        match acc.back_mut() {
            Some(last) => last.extend(iter),
            None => {
                let piece: Vec<T> = iter.collect();
                if !piece.is_empty() {
                    acc.push_back(piece);
                }
            }
        }
        acc
    }

    fn combine(&self, mut left: Self::Acc, mut right: Self::Acc) -> Self::Acc {
        left.append(&mut right);
        left
    }
}

//! The indexed collect: a consumer over the spare capacity of a `Vec` that splits in
//! step with the producer, so each piece owns the slots of its positions and writes its
//! items straight into them — no item is moved twice, nothing is allocated per piece.
//!
//! # Invariants
//!
//! 1. Every slot pointer derives from one pointer to the whole spare capacity, so a
//!    merged result (invariant 3) may reach the slots of both halves. (A pointer taken
//!    from one half's sub-slice would have no right to the other half's slots; miri
//!    reports that under both Tree and Stacked Borrows.)
//! 2. A [`CollectResult`] owns the slots `start .. start + len` and has initialised exactly
//!    the first `init` of them, in order; its `Drop` drops those `init` items. So the
//!    items of a piece that panics, or whose result is discarded, are dropped once.
//! 3. Two results merge only if the left one is full and the right one starts where it
//!    ends; otherwise the right one is dropped (invariant 2) and the left one kept. So
//!    the final result is always an initialised prefix of the capacity.
//! 4. [`CollectResult::release_ownership`] forgets the result and returns its `init`:
//!    from then on the caller owns those items (it sets the `Vec`'s length to cover them).

use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::ptr;

use crate::iter::plumbing::{Consumer, Folder, Reducer, UnindexedConsumer};

/// The consumer of an indexed collect: the slots `start .. start + len`.
pub(crate) struct CollectConsumer<'c, T> {
    start: *mut T,
    len: usize,
    _slots: PhantomData<&'c mut [T]>,
}

// SAFETY: a consumer is a unique borrow of its slots (`&mut [T]` is `Send` for `T: Send`),
// and splitting it gives disjoint slots to the halves.
unsafe impl<T: Send> Send for CollectConsumer<'_, T> {}

impl<'c, T: Send> CollectConsumer<'c, T> {
    /// The `len` slots after `vec`'s items; the caller has reserved them.
    pub(crate) fn appending(vec: &'c mut Vec<T>, len: usize) -> Self {
        debug_assert!(vec.capacity() - vec.len() >= len);
        // Invariant 1: the one base pointer.
        let start = vec.spare_capacity_mut()[..len].as_mut_ptr().cast::<T>();
        CollectConsumer {
            start,
            len,
            _slots: PhantomData,
        }
    }
}

impl<'c, T: Send> Consumer<T> for CollectConsumer<'c, T> {
    type Folder = CollectResult<'c, T>;
    type Reducer = CollectReducer;
    type Result = CollectResult<'c, T>;

    fn split_at(self, index: usize) -> (Self, Self, CollectReducer) {
        assert!(index <= self.len, "a producer split past its end");
        // SAFETY: `index <= len`, so the pointer stays within (or one past) the slots.
        let right_start = unsafe { self.start.add(index) };
        (
            CollectConsumer {
                start: self.start,
                len: index,
                _slots: PhantomData,
            },
            CollectConsumer {
                start: right_start,
                len: self.len - index,
                _slots: PhantomData,
            },
            CollectReducer,
        )
    }

    fn into_folder(self) -> CollectResult<'c, T> {
        CollectResult {
            start: self.start,
            len: self.len,
            init: 0,
            _slots: PhantomData,
        }
    }

    fn full(&self) -> bool {
        false
    }
}

impl<T: Send> UnindexedConsumer<T> for CollectConsumer<'_, T> {
    fn split_off_left(&self) -> Self {
        panic!(
            "a parallel iterator whose `opt_len()` is `Some` split without an index; \
             its `drive_unindexed` must bridge it as an indexed iterator"
        )
    }

    fn to_reducer(&self) -> CollectReducer {
        CollectReducer
    }
}

/// The items one piece (or several merged ones) wrote (invariant 2).
pub(crate) struct CollectResult<'c, T> {
    start: *mut T,
    len: usize,
    init: usize,
    _slots: PhantomData<&'c mut [T]>,
}

// SAFETY: as for the consumer: it owns its slots and the `T`s in them.
unsafe impl<T: Send> Send for CollectResult<'_, T> {}

impl<T> CollectResult<'_, T> {
    /// Forgets the result and returns how many items it wrote (invariant 4).
    pub(crate) fn release_ownership(self) -> usize {
        ManuallyDrop::new(self).init
    }
}

impl<T> Drop for CollectResult<'_, T> {
    fn drop(&mut self) {
        // SAFETY: the first `init` slots hold items this result owns (invariant 2).
        unsafe { ptr::drop_in_place(ptr::slice_from_raw_parts_mut(self.start, self.init)) };
    }
}

impl<'c, T: Send> Folder<T> for CollectResult<'c, T> {
    type Result = Self;

    fn consume(mut self, item: T) -> Self {
        assert!(
            self.init < self.len,
            "a parallel iterator produced more items than it promised"
        );
        // SAFETY: `init < len`: the slot is ours and uninitialised (invariant 2).
        unsafe { self.start.add(self.init).write(item) };
        self.init += 1;
        self
    }

    fn complete(self) -> Self {
        self
    }

    fn full(&self) -> bool {
        false
    }
}

pub(crate) struct CollectReducer;

impl<'c, T> Reducer<CollectResult<'c, T>> for CollectReducer {
    fn reduce(
        self,
        mut left: CollectResult<'c, T>,
        right: CollectResult<'c, T>,
    ) -> CollectResult<'c, T> {
        // SAFETY: one past the left's slots, which lie within the capacity.
        let left_end = unsafe { left.start.add(left.len) };
        if left.init == left.len && ptr::eq(left_end, right.start) {
            // Invariant 3: contiguous and the left is full: one run.
            let right = ManuallyDrop::new(right);
            left.len += right.len;
            left.init += right.init;
        }
        // Otherwise `right` drops here, with its items (invariant 2).
        left
    }
}

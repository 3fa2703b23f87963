//! `unzip`, `partition` and `partition_map`: one pass over the items fills two
//! collections, each through its own `ParallelExtend`, in order. Also `par_extend` and
//! `collect` of pairs and of `Either`s into a pair of collections.
//!
//! # How both collections see one pass
//!
//! A collection's `par_extend` drives an iterator with a consumer of its own making,
//! which we cannot build ourselves. So the pass is run from inside both:
//!
//! 1. `a.par_extend(LeftHalf)`: `a` drives [`LeftHalf`] with its consumer `ca`.
//! 2. `LeftHalf` calls `b.par_extend(RightHalf)`, carrying `ca`: `b` drives
//!    [`RightHalf`] with its consumer `cb`.
//! 3. `RightHalf` now holds both, and drives the real iterator with an
//!    [`UnzipConsumer`] of `ca` and `cb`, which splits and folds both in step and hands
//!    each item to one side or both (a [`Route`]). It gives `b` its half of the result
//!    and leaves `a`'s half in a slot that `LeftHalf` returns to `a`.
//!
//! When every item goes to both sides (`unzip`), both halves have the iterator's length,
//! so an indexed iterator stays indexed and a `Vec` writes each item straight into its
//! slot. `partition` does not know the lengths of its sides until it runs, so its halves
//! are unindexed.

use super::plumbing::{Consumer, Folder, Reducer, UnindexedConsumer};
use super::{
    Either, FromParallelIterator, IndexedParallelIterator, IntoParallelIterator, ParallelExtend,
    ParallelIterator,
};

pub(super) fn unzip<I, A, B, FromA, FromB>(iter: I) -> (FromA, FromB)
where
    I: ParallelIterator<Item = (A, B)>,
    FromA: Default + Send + ParallelExtend<A>,
    FromB: Default + Send + ParallelExtend<B>,
    A: Send,
    B: Send,
{
    into_defaults(iter, Unzip)
}

pub(super) fn partition<I, A, B, P>(iter: I, predicate: P) -> (A, B)
where
    I: ParallelIterator,
    A: Default + Send + ParallelExtend<I::Item>,
    B: Default + Send + ParallelExtend<I::Item>,
    P: Fn(&I::Item) -> bool + Sync + Send,
{
    into_defaults(iter, Partition(predicate))
}

pub(super) fn partition_map<I, A, B, P, L, R>(iter: I, predicate: P) -> (A, B)
where
    I: ParallelIterator,
    A: Default + Send + ParallelExtend<L>,
    B: Default + Send + ParallelExtend<R>,
    P: Fn(I::Item) -> Either<L, R> + Sync + Send,
    L: Send,
    R: Send,
{
    into_defaults(iter, PartitionMap(predicate))
}

/// Drives an indexed iterator of pairs into two consumers at once (`unzip_into_vecs`).
pub(super) fn unzip_indexed<I, A, B, CA, CB>(
    iter: I,
    left: CA,
    right: CB,
) -> (CA::Result, CB::Result)
where
    I: IndexedParallelIterator<Item = (A, B)>,
    CA: Consumer<A>,
    CB: Consumer<B>,
    A: Send,
    B: Send,
{
    iter.drive(UnzipConsumer {
        route: &Unzip,
        left,
        right,
    })
}

/// Routes `iter`'s items into two new default collections.
fn into_defaults<I, R, FromA, FromB>(iter: I, route: R) -> (FromA, FromB)
where
    I: ParallelIterator,
    R: Route<I::Item>,
    FromA: Default + Send + ParallelExtend<R::Left>,
    FromB: Default + Send + ParallelExtend<R::Right>,
{
    let (mut a, mut b) = (FromA::default(), FromB::default());
    extend_both(&mut a, &mut b, iter, route);
    (a, b)
}

/// Routes `iter`'s items onto the ends of `a` and `b` (module docs).
fn extend_both<I, R, FromA, FromB>(a: &mut FromA, b: &mut FromB, iter: I, route: R)
where
    I: ParallelIterator,
    R: Route<I::Item>,
    FromA: Send + ParallelExtend<R::Left>,
    FromB: Send + ParallelExtend<R::Right>,
{
    a.par_extend(LeftHalf {
        base: iter,
        route,
        b,
    });
}

/// Where each item of the iterator goes: to the left folder, the right one, or both.
trait Route<T>: Sync + Send {
    /// The items of the left collection.
    type Left: Send;
    /// The items of the right collection.
    type Right: Send;

    /// Whether every item gives one to each side, so each side has the iterator's length.
    const EVERY_ITEM_TO_BOTH: bool;

    /// Hands `item` on.
    fn route<FL, FR>(&self, item: T, left: FL, right: FR) -> (FL, FR)
    where
        FL: Folder<Self::Left>,
        FR: Folder<Self::Right>;
}

/// `unzip`: the pair's halves go left and right.
struct Unzip;

impl<A: Send, B: Send> Route<(A, B)> for Unzip {
    type Left = A;
    type Right = B;
    const EVERY_ITEM_TO_BOTH: bool = true;

    fn route<FL: Folder<A>, FR: Folder<B>>(&self, (a, b): (A, B), left: FL, right: FR) -> (FL, FR) {
        (left.consume(a), right.consume(b))
    }
}

/// `partition`: items that satisfy the predicate go left, the others right.
struct Partition<P>(P);

impl<T, P> Route<T> for Partition<P>
where
    T: Send,
    P: Fn(&T) -> bool + Sync + Send,
{
    type Left = T;
    type Right = T;
    const EVERY_ITEM_TO_BOTH: bool = false;

    fn route<FL: Folder<T>, FR: Folder<T>>(&self, item: T, left: FL, right: FR) -> (FL, FR) {
        if (self.0)(&item) {
            (left.consume(item), right)
        } else {
            (left, right.consume(item))
        }
    }
}

/// `partition_map`: the predicate's `Left`s go left, its `Right`s right.
struct PartitionMap<P>(P);

impl<T, P, L, R> Route<T> for PartitionMap<P>
where
    P: Fn(T) -> Either<L, R> + Sync + Send,
    L: Send,
    R: Send,
{
    type Left = L;
    type Right = R;
    const EVERY_ITEM_TO_BOTH: bool = false;

    fn route<FL: Folder<L>, FR: Folder<R>>(&self, item: T, left: FL, right: FR) -> (FL, FR) {
        Unsplit.route((self.0)(item), left, right)
    }
}

/// Items that are already `Either`s: `Left`s go left, `Right`s right.
struct Unsplit;

impl<L: Send, R: Send> Route<Either<L, R>> for Unsplit {
    type Left = L;
    type Right = R;
    const EVERY_ITEM_TO_BOTH: bool = false;

    fn route<FL: Folder<L>, FR: Folder<R>>(
        &self,
        item: Either<L, R>,
        left: FL,
        right: FR,
    ) -> (FL, FR) {
        match item {
            Either::Left(l) => (left.consume(l), right),
            Either::Right(r) => (left, right.consume(r)),
        }
    }
}

/// Step 1: the iterator the left collection extends itself with.
struct LeftHalf<'b, I, R, FromB> {
    base: I,
    route: R,
    b: &'b mut FromB,
}

impl<I, R, FromB> ParallelIterator for LeftHalf<'_, I, R, FromB>
where
    I: ParallelIterator,
    R: Route<I::Item>,
    FromB: Send + ParallelExtend<R::Right>,
{
    type Item = R::Left;

    fn drive_unindexed<C: UnindexedConsumer<R::Left>>(self, consumer: C) -> C::Result {
        let mut left_result = None;
        self.b.par_extend(RightHalf {
            base: self.base,
            route: self.route,
            left: consumer,
            left_result: &mut left_result,
        });
        match left_result {
            Some(result) => result,
            None => panic!(
                "unzip: the second collection's `par_extend` returned without running \
                 its iterator"
            ),
        }
    }

    fn opt_len(&self) -> Option<usize> {
        if R::EVERY_ITEM_TO_BOTH {
            self.base.opt_len()
        } else {
            None
        }
    }
}

/// Step 2: the iterator the right collection extends itself with; `LR` is the left
/// consumer's result.
struct RightHalf<'r, I, R, CA, LR> {
    base: I,
    route: R,
    left: CA,
    left_result: &'r mut Option<LR>,
}

impl<I, R, CA> ParallelIterator for RightHalf<'_, I, R, CA, CA::Result>
where
    I: ParallelIterator,
    R: Route<I::Item>,
    CA: UnindexedConsumer<R::Left>,
{
    type Item = R::Right;

    fn drive_unindexed<C: UnindexedConsumer<R::Right>>(self, consumer: C) -> C::Result {
        // Step 3.
        let (left, right) = self.base.drive_unindexed(UnzipConsumer {
            route: &self.route,
            left: self.left,
            right: consumer,
        });
        *self.left_result = Some(left);
        right
    }

    fn opt_len(&self) -> Option<usize> {
        if R::EVERY_ITEM_TO_BOTH {
            self.base.opt_len()
        } else {
            None
        }
    }
}

/// Two consumers split and folded in step; each item goes where `route` sends it.
struct UnzipConsumer<'r, R, CA, CB> {
    route: &'r R,
    left: CA,
    right: CB,
}

impl<'r, T, R, CA, CB> Consumer<T> for UnzipConsumer<'r, R, CA, CB>
where
    R: Route<T>,
    CA: Consumer<R::Left>,
    CB: Consumer<R::Right>,
{
    type Folder = UnzipFolder<'r, R, CA::Folder, CB::Folder>;
    type Reducer = UnzipReducer<CA::Reducer, CB::Reducer>;
    type Result = (CA::Result, CB::Result);

    fn split_at(self, index: usize) -> (Self, Self, Self::Reducer) {
        let (left_a, right_a, reducer_a) = self.left.split_at(index);
        let (left_b, right_b, reducer_b) = self.right.split_at(index);
        (
            UnzipConsumer {
                route: self.route,
                left: left_a,
                right: left_b,
            },
            UnzipConsumer {
                route: self.route,
                left: right_a,
                right: right_b,
            },
            UnzipReducer(reducer_a, reducer_b),
        )
    }

    fn into_folder(self) -> Self::Folder {
        UnzipFolder {
            route: self.route,
            left: self.left.into_folder(),
            right: self.right.into_folder(),
        }
    }

    fn full(&self) -> bool {
        // Items still matter while either side takes them.
        self.left.full() && self.right.full()
    }
}

impl<T, R, CA, CB> UnindexedConsumer<T> for UnzipConsumer<'_, R, CA, CB>
where
    R: Route<T>,
    CA: UnindexedConsumer<R::Left>,
    CB: UnindexedConsumer<R::Right>,
{
    fn split_off_left(&self) -> Self {
        UnzipConsumer {
            route: self.route,
            left: self.left.split_off_left(),
            right: self.right.split_off_left(),
        }
    }

    fn to_reducer(&self) -> Self::Reducer {
        UnzipReducer(self.left.to_reducer(), self.right.to_reducer())
    }
}

struct UnzipFolder<'r, R, FA, FB> {
    route: &'r R,
    left: FA,
    right: FB,
}

impl<T, R, FA, FB> Folder<T> for UnzipFolder<'_, R, FA, FB>
where
    R: Route<T>,
    FA: Folder<R::Left>,
    FB: Folder<R::Right>,
{
    type Result = (FA::Result, FB::Result);

    fn consume(self, item: T) -> Self {
        let (left, right) = self.route.route(item, self.left, self.right);
        UnzipFolder {
            route: self.route,
            left,
            right,
        }
    }

    fn complete(self) -> Self::Result {
        (self.left.complete(), self.right.complete())
    }

    fn full(&self) -> bool {
        self.left.full() && self.right.full()
    }
}

/// Reduces each side with its own reducer.
struct UnzipReducer<RA, RB>(RA, RB);

impl<A, B, RA, RB> Reducer<(A, B)> for UnzipReducer<RA, RB>
where
    RA: Reducer<A>,
    RB: Reducer<B>,
{
    fn reduce(self, left: (A, B), right: (A, B)) -> (A, B) {
        (
            self.0.reduce(left.0, right.0),
            self.1.reduce(left.1, right.1),
        )
    }
}

/// Extends the first collection with the first halves of the pairs and the second with
/// the second halves, in one pass.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let mut pair = (vec![0], vec!['z']);
/// pair.par_extend(vec![(1, 'a'), (2, 'b')]);
/// assert_eq!(pair, (vec![0, 1, 2], vec!['z', 'a', 'b']));
/// ```
impl<A, B, FromA, FromB> ParallelExtend<(A, B)> for (FromA, FromB)
where
    A: Send,
    B: Send,
    FromA: Send + ParallelExtend<A>,
    FromB: Send + ParallelExtend<B>,
{
    fn par_extend<I>(&mut self, par_iter: I)
    where
        I: IntoParallelIterator<Item = (A, B)>,
    {
        extend_both(&mut self.0, &mut self.1, par_iter.into_par_iter(), Unzip);
    }
}

/// Extends the first collection with the `Left` values and the second with the `Right`
/// ones, in one pass.
///
/// # Example
///
/// ```
/// use cancelpool::iter::Either;
/// use cancelpool::prelude::*;
///
/// let mut pair: (Vec<i32>, Vec<char>) = (Vec::new(), Vec::new());
/// pair.par_extend(vec![Either::Left(1), Either::Right('x'), Either::Left(2)]);
/// assert_eq!(pair, (vec![1, 2], vec!['x']));
/// ```
impl<L, R, A, B> ParallelExtend<Either<L, R>> for (A, B)
where
    L: Send,
    R: Send,
    A: Send + ParallelExtend<L>,
    B: Send + ParallelExtend<R>,
{
    fn par_extend<I>(&mut self, par_iter: I)
    where
        I: IntoParallelIterator<Item = Either<L, R>>,
    {
        extend_both(&mut self.0, &mut self.1, par_iter.into_par_iter(), Unsplit);
    }
}

/// Collects the first halves of the pairs into one collection and the second halves into
/// another, in one pass.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let (v, s): (Vec<u8>, Vec<char>) = vec![(1, 'b'), (2, 'a')].into_par_iter().collect();
/// assert_eq!((v, s), (vec![1, 2], vec!['b', 'a']));
/// ```
impl<A, B, FromA, FromB> FromParallelIterator<(A, B)> for (FromA, FromB)
where
    A: Send,
    B: Send,
    FromA: Send + FromParallelIterator<A>,
    FromB: Send + FromParallelIterator<B>,
{
    fn from_par_iter<I>(par_iter: I) -> Self
    where
        I: IntoParallelIterator<Item = (A, B)>,
    {
        let (a, b): (Collected<FromA>, Collected<FromB>) = unzip(par_iter.into_par_iter());
        (a.into_inner(), b.into_inner())
    }
}

/// Collects the `Left` values into one collection and the `Right` ones into another, in
/// one pass.
///
/// # Example
///
/// ```
/// use cancelpool::iter::Either;
/// use cancelpool::prelude::*;
///
/// let (evens, odds): (Vec<u32>, Vec<u32>) = (0..6u32)
///     .into_par_iter()
///     .map(|x| if x % 2 == 0 { Either::Left(x) } else { Either::Right(x) })
///     .collect();
/// assert_eq!((evens, odds), (vec![0, 2, 4], vec![1, 3, 5]));
/// ```
impl<L, R, A, B> FromParallelIterator<Either<L, R>> for (A, B)
where
    L: Send,
    R: Send,
    A: Send + FromParallelIterator<L>,
    B: Send + FromParallelIterator<R>,
{
    fn from_par_iter<I>(par_iter: I) -> Self
    where
        I: IntoParallelIterator<Item = Either<L, R>>,
    {
        let (a, b): (Collected<A>, Collected<B>) = into_defaults(par_iter.into_par_iter(), Unsplit);
        (a.into_inner(), b.into_inner())
    }
}

/// A collection built by `FromParallelIterator`, seen as one that is extended once: what
/// lets `collect` into a pair run through the two sides' `par_extend`.
struct Collected<C>(Option<C>);

impl<C> Default for Collected<C> {
    fn default() -> Self {
        Collected(None)
    }
}

impl<C> Collected<C> {
    fn into_inner(self) -> C {
        match self.0 {
            Some(collection) => collection,
            // `extend_both` extends each side exactly once.
            None => unreachable!("unzip: a side of a pair was never collected"),
        }
    }
}

impl<T: Send, C: Send + FromParallelIterator<T>> ParallelExtend<T> for Collected<C> {
    fn par_extend<I>(&mut self, par_iter: I)
    where
        I: IntoParallelIterator<Item = T>,
    {
        debug_assert!(self.0.is_none(), "a pair's side is collected once");
        self.0 = Some(par_iter.into_par_iter().collect());
    }
}

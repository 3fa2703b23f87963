//! Consumers that fold each piece into an accumulator and combine accumulators in order:
//! `for_each`, `sum`, `product`, `count`, `reduce`, `min`, `max`, `min_by_key`,
//! `max_by_key` (and, in `find.rs` and `collect.rs`, the short-circuiting and list ops).
//!
//! One generic consumer ([`OpConsumer`]) serves them all; an operation only says how a
//! piece folds its source iterator ([`PieceOp::fold_iter`], one sequential loop, so a sum
//! over a range or a slice is the same tight loop as `Iterator::sum`) and how two
//! adjacent results combine.

use std::cmp::{self, Ordering};
use std::iter::{Product, Sum};
use std::marker::PhantomData;

use super::ParallelIterator;
use super::plumbing::{Consumer, Folder, Reducer, drive};
use super::stop::Check;

/// One operation: how a piece folds, and how two pieces' results combine.
pub(crate) trait PieceOp<T>: Sync {
    /// The result of a piece (and of the whole).
    type Acc: Send;
    /// The starting accumulator of a piece.
    fn identity(&self) -> Self::Acc;
    /// Folds a piece's items into `acc`.
    fn fold_iter<I: Iterator<Item = T>>(&self, acc: Self::Acc, iter: I) -> Self::Acc;
    /// `left` came before `right`.
    fn combine(&self, left: Self::Acc, right: Self::Acc) -> Self::Acc;
}

/// Runs `op` over `iter`, checking `check` between items.
pub(crate) fn run<I, O, K>(iter: I, op: &O, check: K) -> O::Acc
where
    I: ParallelIterator,
    O: PieceOp<I::Item>,
    K: Check,
{
    drive(iter, OpConsumer { op }, check)
}

pub(crate) struct OpConsumer<'o, O> {
    op: &'o O,
}

impl<O> Clone for OpConsumer<'_, O> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<O> Copy for OpConsumer<'_, O> {}

impl<'o, T, O: PieceOp<T>> Consumer<T> for OpConsumer<'o, O> {
    type Folder = OpFolder<'o, O, O::Acc>;
    type Reducer = OpReducer<'o, O, T>;
    type Result = O::Acc;

    fn split_at(self, _index: usize) -> (Self, Self, Self::Reducer) {
        let reducer = OpReducer {
            op: self.op,
            _item: PhantomData,
        };
        (self, self, reducer)
    }

    fn into_folder(self) -> Self::Folder {
        OpFolder {
            op: self.op,
            acc: self.op.identity(),
        }
    }
}

pub(crate) struct OpReducer<'o, O, T> {
    op: &'o O,
    _item: PhantomData<fn(T)>,
}

impl<T, O: PieceOp<T>> Reducer<O::Acc> for OpReducer<'_, O, T> {
    fn reduce(self, left: O::Acc, right: O::Acc) -> O::Acc {
        self.op.combine(left, right)
    }
}

pub(crate) struct OpFolder<'o, O, A> {
    op: &'o O,
    acc: A,
}

impl<T, O: PieceOp<T>> Folder<T> for OpFolder<'_, O, O::Acc> {
    type Result = O::Acc;

    fn consume(self, item: T) -> Self {
        self.consume_iter(std::iter::once(item))
    }

    #[inline]
    fn consume_iter<I>(self, iter: I) -> Self
    where
        I: IntoIterator<Item = T>,
    {
        OpFolder {
            op: self.op,
            acc: self.op.fold_iter(self.acc, iter.into_iter()),
        }
    }

    fn complete(self) -> O::Acc {
        self.acc
    }
}

/// `for_each(f)`.
pub(crate) struct ForEach<F>(pub(crate) F);

impl<T, F: Fn(T) + Sync> PieceOp<T> for ForEach<F> {
    type Acc = ();
    fn identity(&self) {}
    #[inline]
    fn fold_iter<I: Iterator<Item = T>>(&self, _acc: (), iter: I) {
        iter.for_each(&self.0)
    }
    fn combine(&self, _left: (), _right: ()) {}
}

/// `sum::<S>()`.
pub(crate) struct SumOp<S>(PhantomData<fn() -> S>);

impl<S> SumOp<S> {
    pub(crate) fn new() -> Self {
        SumOp(PhantomData)
    }
}

impl<T, S: Sum<T> + Sum<S> + Send> PieceOp<T> for SumOp<S> {
    type Acc = S;
    fn identity(&self) -> S {
        std::iter::empty::<S>().sum()
    }
    #[inline]
    fn fold_iter<I: Iterator<Item = T>>(&self, acc: S, iter: I) -> S {
        let piece: S = iter.sum();
        [acc, piece].into_iter().sum()
    }
    fn combine(&self, left: S, right: S) -> S {
        [left, right].into_iter().sum()
    }
}

/// `product::<P>()`.
pub(crate) struct ProductOp<P>(PhantomData<fn() -> P>);

impl<P> ProductOp<P> {
    pub(crate) fn new() -> Self {
        ProductOp(PhantomData)
    }
}

impl<T, P: Product<T> + Product<P> + Send> PieceOp<T> for ProductOp<P> {
    type Acc = P;
    fn identity(&self) -> P {
        std::iter::empty::<P>().product()
    }
    #[inline]
    fn fold_iter<I: Iterator<Item = T>>(&self, acc: P, iter: I) -> P {
        let piece: P = iter.product();
        [acc, piece].into_iter().product()
    }
    fn combine(&self, left: P, right: P) -> P {
        [left, right].into_iter().product()
    }
}

/// `count()`.
pub(crate) struct CountOp;

impl<T> PieceOp<T> for CountOp {
    type Acc = usize;
    fn identity(&self) -> usize {
        0
    }
    #[inline]
    fn fold_iter<I: Iterator<Item = T>>(&self, acc: usize, iter: I) -> usize {
        acc + iter.count()
    }
    fn combine(&self, left: usize, right: usize) -> usize {
        left + right
    }
}

/// `reduce(identity, op)`.
pub(crate) struct ReduceOp<ID, OP> {
    pub(crate) identity: ID,
    pub(crate) op: OP,
}

impl<T, ID, OP> PieceOp<T> for ReduceOp<ID, OP>
where
    T: Send,
    ID: Fn() -> T + Sync,
    OP: Fn(T, T) -> T + Sync,
{
    type Acc = T;
    fn identity(&self) -> T {
        (self.identity)()
    }
    #[inline]
    fn fold_iter<I: Iterator<Item = T>>(&self, acc: T, iter: I) -> T {
        iter.fold(acc, &self.op)
    }
    fn combine(&self, left: T, right: T) -> T {
        (self.op)(left, right)
    }
}

/// Combines two optional results with `pick`, which sees the left one first.
fn either<T>(left: Option<T>, right: Option<T>, pick: impl FnOnce(T, T) -> T) -> Option<T> {
    match (left, right) {
        (Some(l), Some(r)) => Some(pick(l, r)),
        (l, None) => l,
        (None, r) => r,
    }
}

/// `min()`: the first of equal minima, as `Iterator::min`.
pub(crate) struct MinOp;

impl<T: Ord + Send> PieceOp<T> for MinOp {
    type Acc = Option<T>;
    fn identity(&self) -> Option<T> {
        None
    }
    #[inline]
    fn fold_iter<I: Iterator<Item = T>>(&self, acc: Option<T>, iter: I) -> Option<T> {
        either(acc, iter.min(), cmp::min)
    }
    fn combine(&self, left: Option<T>, right: Option<T>) -> Option<T> {
        either(left, right, cmp::min)
    }
}

/// `max()`: the last of equal maxima, as `Iterator::max`.
pub(crate) struct MaxOp;

impl<T: Ord + Send> PieceOp<T> for MaxOp {
    type Acc = Option<T>;
    fn identity(&self) -> Option<T> {
        None
    }
    #[inline]
    fn fold_iter<I: Iterator<Item = T>>(&self, acc: Option<T>, iter: I) -> Option<T> {
        either(acc, iter.max(), cmp::max)
    }
    fn combine(&self, left: Option<T>, right: Option<T>) -> Option<T> {
        either(left, right, cmp::max)
    }
}

fn by_key<K: Ord, T>(a: &(K, T), b: &(K, T)) -> Ordering {
    a.0.cmp(&b.0)
}

/// `min_by_key(f)`: the first of equal minima. Keys are computed once per item.
pub(crate) struct MinByKeyOp<F>(pub(crate) F);

impl<T, K, F> PieceOp<T> for MinByKeyOp<F>
where
    T: Send,
    K: Ord + Send,
    F: Fn(&T) -> K + Sync,
{
    type Acc = Option<(K, T)>;
    fn identity(&self) -> Self::Acc {
        None
    }
    #[inline]
    fn fold_iter<I: Iterator<Item = T>>(&self, acc: Self::Acc, iter: I) -> Self::Acc {
        let piece = iter.map(|x| ((self.0)(&x), x)).min_by(by_key);
        self.combine(acc, piece)
    }
    fn combine(&self, left: Self::Acc, right: Self::Acc) -> Self::Acc {
        either(left, right, |l, r| cmp::min_by(l, r, by_key))
    }
}

/// `max_by_key(f)`: the last of equal maxima. Keys are computed once per item.
pub(crate) struct MaxByKeyOp<F>(pub(crate) F);

impl<T, K, F> PieceOp<T> for MaxByKeyOp<F>
where
    T: Send,
    K: Ord + Send,
    F: Fn(&T) -> K + Sync,
{
    type Acc = Option<(K, T)>;
    fn identity(&self) -> Self::Acc {
        None
    }
    #[inline]
    fn fold_iter<I: Iterator<Item = T>>(&self, acc: Self::Acc, iter: I) -> Self::Acc {
        let piece = iter.map(|x| ((self.0)(&x), x)).max_by(by_key);
        self.combine(acc, piece)
    }
    fn combine(&self, left: Self::Acc, right: Self::Acc) -> Self::Acc {
        either(left, right, |l, r| cmp::max_by(l, r, by_key))
    }
}

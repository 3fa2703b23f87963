//! Tuples of indexed parallel iterables as one parallel iterator: `(a, b, c).into_par_iter()`
//! yields `(a_i, b_i, c_i)`, as `a.zip(b).zip(c)` would yield `((a_i, b_i), c_i)`.
//!
//! [`MultiZip`] zips its members pairwise (adjacent pairs, then pairs of pairs, ...) so
//! that a tuple of `n` nests only about log2(n) zips deep, and maps each nested item to a
//! flat tuple. Tuples of 1 to 12 members are supported, by value, `&` and `&mut`.

use super::cancel::{CancelCheck, bridge_checked};
use super::plumbing::{Consumer, ProducerCallback, UnindexedConsumer, bridge};
use super::{
    IndexedParallelIterator, IntoParallelIterator, IntoParallelRefIterator,
    IntoParallelRefMutIterator, ParallelIterator,
};

/// The parallel iterator over a tuple of indexed parallel iterators, made by
/// `into_par_iter()`, `par_iter()` or `par_iter_mut()` on a tuple of 1 to 12 of them.
/// Its items are tuples; it is as long as its shortest member.
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let (a, b, c) = (vec![1, 2, 3], [10, 20, 30], 100..200);
/// let sums: Vec<i32> = (&a, &b, c).into_par_iter().map(|(x, y, z)| x + y + z).collect();
/// assert_eq!(sums, [111, 123, 135]);
///
/// let mut left = vec![0; 3];
/// let mut right = vec![0; 3];
/// (&mut left, &mut right, &a).into_par_iter().for_each(|(l, r, x)| {
///     *l = -x;
///     *r = 2 * x;
/// });
/// assert_eq!((left, right), (vec![-1, -2, -3], vec![2, 4, 6]));
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Clone, Debug)]
pub struct MultiZip<T> {
    tuple: T,
}

/// Combines the single-token items `$x` pairwise with `$combine`, round after round,
/// until one is left: `a b c d e` becomes `(((a, b), (c, d)), e)` for `tuple` (with
/// parentheses around each pair, hence the `allow(unused_parens)` where it is used).
macro_rules! pairwise {
    ($combine:ident; $($x:tt)+) => {
        pairwise!(@round $combine; [$($x)+] -> [])
    };
    (@round $combine:ident; [] -> [$x:tt]) => { $x };
    (@round $combine:ident; [] -> [$($out:tt)+]) => {
        pairwise!(@round $combine; [$($out)+] -> [])
    };
    (@round $combine:ident; [$a:tt $b:tt $($rest:tt)*] -> [$($out:tt)*]) => {
        pairwise!(@round $combine; [$($rest)*] -> [$($out)* (pairwise!(@$combine $a, $b))])
    };
    (@round $combine:ident; [$a:tt] -> [$($out:tt)*]) => {
        pairwise!(@round $combine; [] -> [$($out)* $a])
    };
    (@tuple $a:tt, $b:tt) => { ($a, $b) };
    (@zip $a:tt, $b:tt) => { IndexedParallelIterator::zip($a, $b) };
    (@min $a:tt, $b:tt) => { Ord::min($a, $b) };
}

macro_rules! multizip {
    ($(($($T:ident $v:ident $idx:tt),+))+) => {$(
        impl<$($T),+> IntoParallelIterator for ($($T,)+)
        where
            $($T: IntoParallelIterator<Iter: IndexedParallelIterator>,)+
        {
            type Item = ($($T::Item,)+);
            type Iter = MultiZip<($($T::Iter,)+)>;

            fn into_par_iter(self) -> Self::Iter {
                MultiZip {
                    tuple: ($(self.$idx.into_par_iter(),)+),
                }
            }
        }

        impl<'a, $($T),+> IntoParallelIterator for &'a ($($T,)+)
        where
            $($T: IntoParallelRefIterator<'a, Iter: IndexedParallelIterator>,)+
        {
            type Item = ($($T::Item,)+);
            type Iter = MultiZip<($($T::Iter,)+)>;

            fn into_par_iter(self) -> Self::Iter {
                MultiZip {
                    tuple: ($(self.$idx.par_iter(),)+),
                }
            }
        }

        impl<'a, $($T),+> IntoParallelIterator for &'a mut ($($T,)+)
        where
            $($T: IntoParallelRefMutIterator<'a, Iter: IndexedParallelIterator>,)+
        {
            type Item = ($($T::Item,)+);
            type Iter = MultiZip<($($T::Iter,)+)>;

            fn into_par_iter(self) -> Self::Iter {
                MultiZip {
                    tuple: ($(self.$idx.par_iter_mut(),)+),
                }
            }
        }

        impl<$($T),+> ParallelIterator for MultiZip<($($T,)+)>
        where
            $($T: IndexedParallelIterator,)+
        {
            type Item = ($($T::Item,)+);

            fn drive_unindexed<CONSUMER>(self, consumer: CONSUMER) -> CONSUMER::Result
            where
                CONSUMER: UnindexedConsumer<Self::Item>,
            {
                bridge(self, consumer)
            }

            fn opt_len(&self) -> Option<usize> {
                Some(self.len())
            }

            fn drive_checked<CONSUMER>(
                self,
                consumer: CONSUMER,
                check: CancelCheck<'_>,
            ) -> CONSUMER::Result
            where
                CONSUMER: UnindexedConsumer<Self::Item>,
            {
                bridge_checked(self, consumer, check)
            }
        }

        impl<$($T),+> IndexedParallelIterator for MultiZip<($($T,)+)>
        where
            $($T: IndexedParallelIterator,)+
        {
            #[allow(unused_parens)] // `pairwise!` wraps every pair
            fn len(&self) -> usize {
                let ($($v,)+) = &self.tuple;
                $(let $v = $v.len();)+
                pairwise!(min; $($v)+)
            }

            fn drive<CONSUMER>(self, consumer: CONSUMER) -> CONSUMER::Result
            where
                CONSUMER: Consumer<Self::Item>,
            {
                bridge(self, consumer)
            }

            #[allow(unused_parens)] // `pairwise!` wraps every pair
            fn with_producer<CB>(self, callback: CB) -> CB::Output
            where
                CB: ProducerCallback<Self::Item>,
            {
                #[allow(unused_parens)]
                fn flatten<$($T),+>(nested: pairwise!(tuple; $($T)+)) -> ($($T,)+) {
                    let pairwise!(tuple; $($v)+) = nested;
                    ($($v,)+)
                }
                let ($($v,)+) = self.tuple;
                pairwise!(zip; $($v)+).map(flatten).with_producer(callback)
            }
        }
    )+};
}

multizip! {
    (A a 0)
    (A a 0, B b 1)
    (A a 0, B b 1, C c 2)
    (A a 0, B b 1, C c 2, D d 3)
    (A a 0, B b 1, C c 2, D d 3, E e 4)
    (A a 0, B b 1, C c 2, D d 3, E e 4, F f 5)
    (A a 0, B b 1, C c 2, D d 3, E e 4, F f 5, G g 6)
    (A a 0, B b 1, C c 2, D d 3, E e 4, F f 5, G g 6, H h 7)
    (A a 0, B b 1, C c 2, D d 3, E e 4, F f 5, G g 6, H h 7, I i 8)
    (A a 0, B b 1, C c 2, D d 3, E e 4, F f 5, G g 6, H h 7, I i 8, J j 9)
    (A a 0, B b 1, C c 2, D d 3, E e 4, F f 5, G g 6, H h 7, I i 8, J j 9, K k 10)
    (A a 0, B b 1, C c 2, D d 3, E e 4, F f 5, G g 6, H h 7, I i 8, J j 9, K k 10, L l 11)
}

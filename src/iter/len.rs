//! `with_min_len` and `with_max_len`: bound the size of pieces by changing what the
//! producer reports as `min_len` / `max_len`; items pass unchanged.

use super::cancel::{CancelCheck, bridge_checked, cancellable_adapter};
use super::plumbing::{Consumer, Producer, ProducerCallback, UnindexedConsumer, bridge};
use super::{IndexedParallelIterator, ParallelIterator};

/// Keeps pieces at least `min` positions long; made by
/// [`IndexedParallelIterator::with_min_len`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// assert_eq!((0..100).into_par_iter().with_min_len(50).sum::<i32>(), 4950);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Debug, Clone)]
pub struct MinLen<I> {
    base: I,
    min: usize,
}

impl<I> MinLen<I> {
    pub(super) fn new(base: I, min: usize) -> Self {
        MinLen { base, min }
    }
}

/// Splits pieces down to at most `max` positions; made by
/// [`IndexedParallelIterator::with_max_len`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// assert_eq!((0..100).into_par_iter().with_max_len(10).sum::<i32>(), 4950);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Debug, Clone)]
pub struct MaxLen<I> {
    base: I,
    max: usize,
}

impl<I> MaxLen<I> {
    pub(super) fn new(base: I, max: usize) -> Self {
        MaxLen { base, max }
    }
}

/// The two adapters differ only in the bound they set on the producer.
macro_rules! bound_adapter {
    ($name:ident, $field:ident, |$p:ident, $v:ident| ($min:expr, $max:expr)) => {
        impl<I: IndexedParallelIterator> ParallelIterator for $name<I> {
            type Item = I::Item;

            fn drive_unindexed<C: UnindexedConsumer<I::Item>>(self, consumer: C) -> C::Result {
                bridge(self, consumer)
            }

            fn opt_len(&self) -> Option<usize> {
                Some(self.base.len())
            }

            fn drive_checked<C: UnindexedConsumer<I::Item>>(
                self,
                consumer: C,
                check: CancelCheck<'_>,
            ) -> C::Result {
                bridge_checked(self, consumer, check)
            }
        }

        impl<I: IndexedParallelIterator> IndexedParallelIterator for $name<I> {
            fn len(&self) -> usize {
                self.base.len()
            }

            fn drive<C: Consumer<I::Item>>(self, consumer: C) -> C::Result {
                bridge(self, consumer)
            }

            fn with_producer<CB: ProducerCallback<I::Item>>(self, callback: CB) -> CB::Output {
                return self.base.with_producer(Callback {
                    callback,
                    bound: self.$field,
                });

                struct Callback<CB> {
                    callback: CB,
                    bound: usize,
                }

                impl<T, CB: ProducerCallback<T>> ProducerCallback<T> for Callback<CB> {
                    type Output = CB::Output;

                    fn callback<P: Producer<Item = T>>(self, base: P) -> CB::Output {
                        self.callback.callback(BoundProducer {
                            base,
                            bound: self.bound,
                            bounds: |$p: &P, $v: usize| ($min, $max),
                        })
                    }
                }
            }
        }

        cancellable_adapter!($name<I>, base: I);
    };
}

bound_adapter!(MinLen, min, |p, v| (p.min_len().max(v), p.max_len()));
bound_adapter!(MaxLen, max, |p, v| (p.min_len(), p.max_len().min(v)));

/// A producer whose `(min_len, max_len)` come from `bounds(base, bound)`.
struct BoundProducer<P, B> {
    base: P,
    bound: usize,
    bounds: B,
}

impl<P, B> Producer for BoundProducer<P, B>
where
    P: Producer,
    B: Fn(&P, usize) -> (usize, usize) + Copy + Send,
{
    type Item = P::Item;
    type IntoIter = P::IntoIter;

    fn into_iter(self) -> P::IntoIter {
        self.base.into_iter()
    }

    fn min_len(&self) -> usize {
        (self.bounds)(&self.base, self.bound).0
    }

    fn max_len(&self) -> usize {
        (self.bounds)(&self.base, self.bound).1
    }

    fn split_at(self, index: usize) -> (Self, Self) {
        let (left, right) = self.base.split_at(index);
        (
            BoundProducer {
                base: left,
                bound: self.bound,
                bounds: self.bounds,
            },
            BoundProducer {
                base: right,
                bound: self.bound,
                bounds: self.bounds,
            },
        )
    }

    fn fold_with<F: super::plumbing::Folder<P::Item>>(self, folder: F) -> F {
        self.base.fold_with(folder)
    }
}

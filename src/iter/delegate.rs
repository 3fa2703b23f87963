//! Sources that are another source under a name of their own (`option::Iter` is an
//! `option::IntoIter<&T>`, `hash_set::IntoIter` a `vec::IntoIter`): their trait methods
//! forward to the field `inner`, `drive_checked` included, so a `with_cancel` later in
//! the chain checks between blocks of the inner source's items.

/// Implements `ParallelIterator` for `$iter` by forwarding to its field `inner`.
macro_rules! delegate_iterator {
    ($iter:ty => $item:ty, impl $($args:tt)*) => {
        impl $($args)* $crate::iter::ParallelIterator for $iter {
            type Item = $item;

            fn drive_unindexed<C>(self, consumer: C) -> C::Result
            where
                C: $crate::iter::plumbing::UnindexedConsumer<Self::Item>,
            {
                self.inner.drive_unindexed(consumer)
            }

            fn opt_len(&self) -> Option<usize> {
                self.inner.opt_len()
            }

            fn drive_checked<C>(
                self,
                consumer: C,
                check: $crate::iter::CancelCheck<'_>,
            ) -> C::Result
            where
                C: $crate::iter::plumbing::UnindexedConsumer<Self::Item>,
            {
                self.inner.drive_checked(consumer, check)
            }
        }
    };
}
pub(crate) use delegate_iterator;

/// [`delegate_iterator!`] and `IndexedParallelIterator` too.
macro_rules! delegate_indexed_iterator {
    ($iter:ty => $item:ty, impl $($args:tt)*) => {
        $crate::iter::delegate::delegate_iterator!($iter => $item, impl $($args)*);

        impl $($args)* $crate::iter::IndexedParallelIterator for $iter {
            fn len(&self) -> usize {
                self.inner.len()
            }

            fn drive<C>(self, consumer: C) -> C::Result
            where
                C: $crate::iter::plumbing::Consumer<Self::Item>,
            {
                self.inner.drive(consumer)
            }

            fn with_producer<CB>(self, callback: CB) -> CB::Output
            where
                CB: $crate::iter::plumbing::ProducerCallback<Self::Item>,
            {
                self.inner.with_producer(callback)
            }
        }
    };
}
pub(crate) use delegate_indexed_iterator;

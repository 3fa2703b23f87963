//! `String::par_drain(range)`: removes a range of a string and yields its `char`s in
//! parallel.
//!
//! ```
//! use cancelpool::prelude::*;
//!
//! let mut s = String::from("héllo wörld");
//! let upper: String = s.par_drain(6..).map(|c| c.to_ascii_uppercase()).collect();
//! assert_eq!((s.as_str(), upper.as_str()), ("héllo", " WöRLD"));
//! ```

use std::ops::{Range, RangeBounds};

use super::plumbing::{Folder, UnindexedConsumer, UnindexedProducer, bridge_unindexed};
use super::vec::drain_range;
use super::{ParallelDrainRange, ParallelIterator};

impl<'a> ParallelDrainRange<usize> for &'a mut String {
    type Iter = Drain<'a>;
    type Item = char;

    /// Removes the bytes in `range`, as `String::drain` does, and yields their `char`s.
    /// They are removed even if the iterator is dropped without being driven.
    ///
    /// # Panics
    ///
    /// If the range is out of bounds, its start is after its end, or either end is not
    /// on a `char` boundary.
    #[track_caller]
    fn par_drain<R: RangeBounds<usize>>(self, range: R) -> Drain<'a> {
        let range = drain_range(range, self.len());
        assert!(
            self.is_char_boundary(range.start) && self.is_char_boundary(range.end),
            "par_drain: range {range:?} does not lie on char boundaries"
        );
        Drain {
            string: self,
            range,
        }
    }
}

/// A parallel iterator over the `char`s of a range removed from a `String`; made by
/// [`par_drain`](ParallelDrainRange::par_drain). The range is removed when the iterator
/// is dropped (after it ran).
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let mut s = String::from("abc");
/// let drain: cancelpool::string::Drain<'_> = s.par_drain(1..);
/// assert_eq!(drain.count(), 2);
/// assert_eq!(s, "a");
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Debug)]
pub struct Drain<'a> {
    string: &'a mut String,
    range: Range<usize>,
}

impl ParallelIterator for Drain<'_> {
    type Item = char;

    fn drive_unindexed<C: UnindexedConsumer<char>>(self, consumer: C) -> C::Result {
        bridge_unindexed(
            CharsProducer {
                chars: &self.string[self.range.clone()],
            },
            consumer,
        )
    }
}

impl Drop for Drain<'_> {
    fn drop(&mut self) {
        self.string.drain(self.range.clone());
    }
}

/// The `char`s of a string slice, split near the middle at a `char` boundary.
struct CharsProducer<'a> {
    chars: &'a str,
}

impl UnindexedProducer for CharsProducer<'_> {
    type Item = char;

    fn split(self) -> (Self, Option<Self>) {
        let s = self.chars;
        let mut mid = s.len() / 2;
        // A `char` is at most 4 bytes, so a boundary is at most 3 bytes further.
        while !s.is_char_boundary(mid) {
            mid += 1;
        }
        if mid == 0 || mid == s.len() {
            return (self, None);
        }
        let (left, right) = s.split_at(mid);
        (
            CharsProducer { chars: left },
            Some(CharsProducer { chars: right }),
        )
    }

    fn fold_with<F: Folder<char>>(self, folder: F) -> F {
        folder.consume_iter(self.chars.chars())
    }
}

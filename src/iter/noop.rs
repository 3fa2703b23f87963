//! The reducer of consumers whose pieces return `()`.

use super::plumbing::Reducer;

/// Combines two `()`.
pub(super) struct NoopReducer;

impl Reducer<()> for NoopReducer {
    #[inline]
    fn reduce(self, _left: (), _right: ()) {}
}

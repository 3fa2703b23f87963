//! # cancelpool
//!
//! A work-stealing thread pool with a rayon-style job API in which every job carries a
//! cooperative cancellation token.
//!
//! (Crate docs are completed with the pool; see the README.)
#![warn(missing_docs)]
#![deny(clippy::undocumented_unsafe_blocks)]

pub mod cancel;
pub mod iter;
pub mod prelude;
pub mod sync;
mod util;

// TEMPORARY: replaced by the pool at merge
mod pool_stub;
// TEMPORARY: replaced by the pool at merge
pub use pool_stub::{current_num_threads, join, join_context, FnContext};

pub use cancel::{
    cancel_enabled, checkpoint, current_token, disable_cancel, CancelCallback, CancelSource,
    CancelToken, Cancelled, DisableGuard,
};
#[cfg(all(unix, not(loom)))]
pub use cancel::{Interest, Ready};

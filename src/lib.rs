//! # cancelpool
//!
//! A work-stealing thread pool with a rayon-style job API (`join`, `scope`, `spawn`,
//! parallel iterators) in which every job carries a cooperative cancellation token.
//!
//! (The full crate documentation is in the README while the API settles.)
#![warn(missing_docs)]
#![deny(clippy::undocumented_unsafe_blocks)]

pub mod cancel;
pub mod pool;
pub mod sync;
mod util;

pub use cancel::{
    cancel_enabled, checkpoint, current_token, disable_cancel, CancelCallback, CancelSource,
    CancelToken, Cancelled, DisableGuard,
};
#[cfg(all(unix, not(loom)))]
pub use cancel::{Interest, Ready};
pub use pool::{
    current_num_threads, current_thread_index, isolate, join, join_context, scope, shutdown_global,
    spawn, submit, BuildError, FnContext, JobError, JobHandle, PoolStats, Scope, ShutdownError,
    ThreadPool, ThreadPoolBuilder, MAX_THREADS,
};

//! # cancelpool
//!
//! A work-stealing thread pool with rayon's job API — [`join`], [`scope`], [`spawn`],
//! parallel iterators — in which every job carries a cooperative cancellation token.
//! Jobs stop only at explicit cancellation points; an RAII guard disables cancellation
//! for a critical section, mirroring `pthread_setcancelstate`, and a request that
//! arrives meanwhile is delivered afterwards, never lost. Pools shut down gracefully and
//! synchronously. The protocols are model-checked with loom.
//!
//! ## Quick start
//!
//! ```
//! use cancelpool::{JobError, ThreadPoolBuilder};
//!
//! let pool = ThreadPoolBuilder::new().num_threads(2).build()?;
//!
//! // A cancellable job: `token.checkpoint()?` is where it may stop.
//! let job = pool.submit(|token| {
//!     let mut steps = 0u64;
//!     loop {
//!         token.checkpoint()?;
//!         steps += 1;
//!     }
//!     #[allow(unreachable_code)]
//!     Ok(steps)
//! });
//! job.cancel();
//! assert!(matches!(job.join(), Err(JobError::Cancelled)));
//!
//! // Fork-join, as in rayon; both halves inherit the caller's token.
//! let (a, b) = pool.join(|| 2 * 3, || 4 * 5);
//! assert_eq!(a + b, 26);
//!
//! pool.shutdown()?; // returns once every worker has exited
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## The cancellation model
//!
//! | step | what happens |
//! |---|---|
//! | [`CancelSource::cancel`] | the token and all its descendants report `is_cancelled()` (bottom-up, so a cancelled parent implies cancelled children); blocked waits wake; [`on_cancel`](CancelToken::on_cancel) callbacks run |
//! | a job reaches [`checkpoint`] with cancellation **enabled** | `Err(Cancelled)`: the job returns with `?`, and ordinary `Drop`s clean up |
//! | … with cancellation **disabled** (a [`DisableGuard`] of the job lives) | `Ok(())`: the request stays pending |
//! | the job's last `DisableGuard` drops | the next checkpoint returns `Err(Cancelled)` |
//! | a job never reaches a checkpoint | it runs to its end: nothing is killed (see the FAQ) |
//!
//! - [`CancelSource`] requests, [`CancelToken`] observes; tokens form a tree
//!   ([`CancelSource::child_of`]). `is_cancelled()` and `checkpoint()` are one atomic
//!   load whatever the depth: requests propagate when made, not when checked.
//! - The cancel *state* belongs to the job (POSIX: to the thread). When a worker runs a
//!   stolen job while it waits in `join`, that job has its own state. Forks (`join`
//!   halves, scope spawns, iterator pieces) inherit the token and the state at the fork;
//!   detached jobs ([`ThreadPool::spawn`], [`ThreadPool::submit`]) start enabled.
//! - Cancellation points: [`checkpoint`], [`CancelToken::checkpoint`], and the waits
//!   [`CancelToken::sleep`], [`CancelToken::wait_cancelled`], [`CancelToken::wait_while`]
//!   and (unix) `CancelToken::wait_fd`. A cancel that races with entering a wait is never
//!   missed.
//! - Deadlines: [`CancelSource::with_timeout`], [`CancelSource::cancel_after`] — one
//!   shared timer thread, no cost on `checkpoint()`.
//! - Causes: [`CancelToken::cause`] says why a token was cancelled — a [`CancelCause`]:
//!   `cancel()`, a deadline, the pool's shutdown, a signal, or your own error given to
//!   [`CancelSource::cancel_with`]. The first request wins; a token cancelled through an
//!   ancestor reports the ancestor's cause. Reading it takes a lock; `checkpoint()` stays
//!   one load.
//! - Async callers: [`CancelToken::cancelled`] is a future that completes on cancel and
//!   [`CancelToken::run_until_cancelled`] races a future against the token, with any
//!   executor (the crate depends on none). A server can await the token of the pool job
//!   that serves a request, and cancel that job when the client goes away.
//!
//! ## Pools and shutdown
//!
//! [`ThreadPoolBuilder`] checks its settings and returns [`BuildError`] instead of
//! panicking; a failed build joins the workers it had started. [`ThreadPool::shutdown`]
//! lets queued and running jobs finish and joins every worker;
//! [`ThreadPool::shutdown_now`] cancels running jobs and discards queued ones (their
//! handles report [`JobError::Cancelled`]); the `*_timeout` forms name the workers still
//! running. Dropping a pool is `shutdown_now`. After shutdown, submissions are
//! [`JobError::Rejected`]; [`ThreadPool::stats`] accounts for every detached job.
//! With the feature `signal` (unix), `cancel_on_signals(&pool)` cancels a pool's jobs
//! on SIGINT/SIGTERM so that a program can clean up and exit normally
//! (`examples/graceful.rs`); a second signal during the clean-up ends the process at
//! once, and dropping the guard restores what the signals did before.
//!
//! ## Migrating from rayon
//!
//! | rayon | cancelpool | what changes |
//! |---|---|---|
//! | `rayon::join`, `scope`, `spawn`, `ThreadPool::install` | the same names | halves and spawns carry the caller's token |
//! | `ThreadPool::spawn(f)` | `submit(\|token\| ...) -> JobHandle` | a handle to `join`, `cancel`, `join_timeout`; dropping it cancels the job (`detach` to keep it) |
//! | `drop(pool)`: threads exit later | `drop(pool)` = `shutdown_now()`: cancel and **join** | use `shutdown()` to let queued work finish |
//! | a job holding a lock across `join` can deadlock (rayon 592, 1174) | wrap the region in [`isolate`] | the waiting worker runs only work forked inside it |
//! | panics in `spawn` abort by default | go to the panic handler (or are dropped after the hook printed them) | `join`/`scope` re-raise as in rayon |
//! | `try_*`, `while_some`, `take_any(_while)`, `panic_fuse` stop the other pieces between items | the same names | items still running see a cancelled token at [`checkpoint()`](checkpoint) too; items already passed on by an adapter finish under the call's own token |
//! | `try_fold`: a failing piece stops itself | a failure stops every piece | the other pieces pass on what they folded so far, so a following `try_reduce` returns sooner |
//!
//! ## Differences from rayon
//!
//! Parallel iterators keep rayon's names, signatures and meaning; rayon code compiles
//! with its imports changed. Where they differ, on purpose:
//!
//! | what | rayon | cancelpool | why |
//! |---|---|---|---|
//! | `a..b` over `u64`/`i64` and `a..=b` over `u32`/`i32`, on 64-bit targets | `ParallelIterator` | also `IndexedParallelIterator` | their length always fits a 64-bit `usize`, so `zip`, `enumerate` and in-place `collect` work; rayon code is unaffected |
//! | `collect` into `Option<C>` / `Result<C, E>` | other pieces stop at their next item | the same, and items already running see their token cancelled at `checkpoint()` | a long item need not run to its end once the answer is `None`/`Err` |
//! | `String::par_drain` with a range that splits a `char` | panics when the drain runs | panics in `par_drain` | the error shows at the call, as with `String::drain` |
//!
//! ## Migrating from pthread cancellation
//!
//! | pthreads | cancelpool |
//! |---|---|
//! | `pthread_cancel(t)` | `source.cancel()`, `handle.cancel()`, `pool.shutdown_now()` |
//! | `pthread_testcancel()` | `checkpoint()?` / `token.checkpoint()?` |
//! | `pthread_setcancelstate(DISABLE)` … `(ENABLE)` | `let _guard = disable_cancel();` (RAII, nests) |
//! | `pthread_cleanup_push/pop` | `Drop` (jobs return by `?`), or `token.on_cancel(f)` |
//! | `pthread_cond_wait` as a cancellation point | `token.wait_while(&condvar, &mut guard, pred)` |
//! | blocking `read`/`poll` as a cancellation point | `token.wait_fd(fd, Interest::Readable, timeout)` |
//! | `PTHREAD_CANCEL_ASYNCHRONOUS` | not offered (see the FAQ) |
//!
//! ## Migrating from tokio-util's `CancellationToken`
//!
//! tokio-util has one type that both cancels and observes. Here the two sides are
//! separate, so that code given only a [`CancelToken`] cannot cancel: a
//! [`CancelSource`] cancels, and it dereferences to its `CancelToken`, so it observes as
//! well. Replace `CancellationToken` by `CancelSource` where the token is made and
//! cancelled, and hand `source.token()` to code that only watches; tokio-util's method
//! names then keep working.
//!
//! | tokio-util | cancelpool | what changes |
//! |---|---|---|
//! | `CancellationToken::new()` | [`CancelSource::new()`] | |
//! | a clone given to code that only waits | [`source.token()`](CancelSource::token) | a `CancelToken` cannot cancel |
//! | `token.cancel()` | [`source.cancel()`](CancelSource::cancel) | returns `true` for the call that made the request; [`cancel_with(cause)`](CancelSource::cancel_with) says why |
//! | `token.is_cancelled()` | `token.is_cancelled()` | one atomic load, no lock |
//! | `token.cancelled().await`, `cancelled_owned()` | the same names | the futures are [`WaitForCancellationFuture`](cancel::WaitForCancellationFuture) and `…Owned`, as there |
//! | `token.run_until_cancelled(fut)`, `run_until_cancelled_owned` | the same names | |
//! | `token.child_token()` | [`token.child_token()`](CancelToken::child_token) | returns the child's `CancelSource` (tokio's child can cancel itself); `.token()` for a watcher |
//! | `token.drop_guard()`, `drop_guard_ref()`, `DropGuard::disarm` | [`source.drop_guard()`](CancelSource::drop_guard), `drop_guard_ref()`, [`DropGuard::disarm`] | `disarm` gives back the `CancelSource` |
//! | `==`, `Hash` (same token) | `==`, `Hash` on tokens and sources | equal when they share one cancellation |
//! | — | [`checkpoint`], [`on_cancel`](CancelToken::on_cancel), blocking waits, [`cause`](CancelToken::cause), deadlines, [`disable_cancel`] | for code running on threads rather than tasks |
//!
//! ## Compared with its neighbours
//!
//! | | rayon | tokio-util `CancellationToken` | C++20 `stop_token`/`jthread` | pthreads | cancelpool |
//! |---|---|---|---|---|---|
//! | work-stealing fork-join | yes | — | — | — | yes |
//! | cancel a running job | — | yes (async) | yes | forced | yes, cooperative |
//! | token tree, O(1) check | — | tree, check takes a lock | flat | — | tree, one load |
//! | disable for a critical section, request kept | — | — | — | yes | yes (RAII, per job) |
//! | callbacks on cancel | — | via `cancelled()` future | `stop_callback` | cleanup handlers | `on_cancel` |
//! | await a token | — | `cancelled()` | — | — | `cancelled()`, `run_until_cancelled`, any executor |
//! | why it was cancelled | — | — | — | — | [`CancelCause`]: requested, deadline, shutdown, signal, yours |
//! | cancellable condvar / fd waits | — | async only | `condition_variable_any` | yes, by unwinding | yes, no signals |
//! | shutdown that joins | — | — | `jthread` joins | — | yes, with timeouts |
//! | loom-checked protocols | partly | yes | — | — | yes, and usable by your loom models |
//!
//! ## FAQ
//!
//! **Why no asynchronous cancellation?** Stopping code at an arbitrary instruction
//! breaks every invariant it was in the middle of keeping, and forced unwinding through
//! foreign frames aborts or corrupts. Code that must be killable at any point belongs in
//! a separate process.
//!
//! **What happens to a job that never checks?** Nothing: it runs to its end. `shutdown`
//! and `shutdown_now` wait for it; `shutdown_timeout` returns the names of the workers
//! still busy, and the process can still exit. Put a `checkpoint()` in every loop that
//! may run long, and use the cancellable waits instead of plain blocking calls.
//!
//! **Do callbacks and checks cost anything when nothing is cancelled?** A check is one
//! atomic load; a disable guard is two thread-local updates; deadlines add nothing to
//! the check. `benches/` measures them beside `AtomicBool`, `pthread_testcancel` and
//! tokio-util.
//!
//! **Can I model-check my code that uses cancelpool?** Yes: build with
//! `RUSTFLAGS="--cfg loom"`; tokens, guards, callbacks, `sleep`/`wait_while` and
//! [`sync`]'s `Mutex`/`Condvar` then run on loom's primitives.
#![warn(missing_docs)]
#![deny(clippy::undocumented_unsafe_blocks)]

pub mod cancel;
pub mod iter;
#[doc(inline)]
pub use iter::{array, collections, option, range, range_inclusive, result, slice, string, vec};
pub mod pool;
pub mod prelude;
#[cfg(all(feature = "signal", unix, not(loom)))]
pub mod signal;
/// The signal handler's table, for the loom models in `loom-tests` only.
#[cfg(all(feature = "signal", unix, loom))]
#[doc(hidden)]
#[path = "signal/table.rs"]
pub mod signal_table;
pub mod sync;
mod util;

pub use cancel::{
    CancelCallback, CancelCause, CancelSource, CancelToken, Cancelled, DisableGuard, DropGuard,
    cancel_enabled, checkpoint, current_token, disable_cancel,
};
#[cfg(all(unix, not(loom)))]
pub use cancel::{Interest, Ready};
pub use pool::{
    BuildError, FnContext, JobError, JobFailure, JobHandle, JobResult, MAX_THREADS, PanicPayload,
    PoolStats, Scope, ShutdownError, ThreadPool, ThreadPoolBuilder, current_num_threads,
    current_thread_index, isolate, join, join_context, scope, shutdown_global, spawn, submit,
};
#[cfg(all(feature = "signal", unix, not(loom)))]
pub use signal::{SignalGuard, cancel_on_signals, cancel_source_on_signals};

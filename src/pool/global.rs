//! The global pool used by the free functions outside any pool: started lazily on first
//! use (or by `build_global`), replaced by a fresh one after `shutdown_global`.
//!
//! `shutdown_global` moves the current pool to a *retiring* list before it shuts it
//! down, and drops it from the list only once a shutdown joined it. Called from inside a
//! job of the global pool, the shutdown cannot join (`ShutdownError::InsidePool`): the
//! pool stays on the list, still graceful (its running jobs are not cancelled, as they
//! would be if the last `Arc` were dropped there: `Drop` is `shutdown_now`), and the next
//! `shutdown_global` from outside joins it. Concurrent callers each shut every retiring
//! pool down, so each returns only after those pools were joined.

use once_cell::sync::Lazy;

use super::builder::{BuildError, ThreadPoolBuilder};
use super::registry::{Registry, WorkerThread};
use super::thread_pool::{ShutdownError, ThreadPool};
use crate::sync::Arc;

/// The global pool's state.
#[derive(Default)]
struct Global {
    /// The pool the free functions use now.
    current: Option<Arc<ThreadPool>>,
    /// Pools shut down by `shutdown_global` but not yet joined (module docs).
    retiring: Vec<Arc<ThreadPool>>,
}

/// The slot. A std mutex, not the facade's: the global pool is process state that loom
/// models never use (they build their own pools). It is never held while joining.
static GLOBAL: Lazy<std::sync::Mutex<Global>> =
    Lazy::new(|| std::sync::Mutex::new(Global::default()));

fn slot() -> std::sync::MutexGuard<'static, Global> {
    GLOBAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The global pool, started with the default settings if needed.
///
/// # Panics
///
/// If the default global pool cannot be started (no thread could be spawned).
pub(crate) fn global_pool() -> Arc<ThreadPool> {
    let mut slot = slot();
    if let Some(pool) = &slot.current {
        return Arc::clone(pool);
    }
    match ThreadPoolBuilder::new().build() {
        Ok(pool) => {
            let pool = Arc::new(pool);
            slot.current = Some(Arc::clone(&pool));
            pool
        }
        Err(e) => panic!("cancelpool: the global pool could not be started: {e}"),
    }
}

pub(crate) fn build_global(builder: ThreadPoolBuilder) -> Result<(), BuildError> {
    let mut slot = slot();
    if slot.current.is_some() {
        return Err(BuildError::GlobalPoolAlreadyInitialized);
    }
    slot.current = Some(Arc::new(builder.build()?));
    Ok(())
}

/// Runs `op` on the calling worker, or else on a worker of the global pool. If the
/// global pool is shut down meanwhile, retries on a fresh one.
pub(crate) fn in_worker<OP, R>(op: OP) -> R
where
    OP: FnOnce(&WorkerThread, bool) -> R + Send,
    R: Send,
{
    WorkerThread::with_current(|worker| match worker {
        Some(worker) => op(worker, false),
        None => in_global_cold(op),
    })
}

#[cold]
fn in_global_cold<OP, R>(mut op: OP) -> R
where
    OP: FnOnce(&WorkerThread, bool) -> R + Send,
    R: Send,
{
    loop {
        let pool = global_pool();
        match pool.registry.in_worker_cold(op) {
            Ok(r) => return r,
            Err(back) => op = back,
        }
        // The global pool was shut down under us: retire it if it is still current
        // (never drop it here: `Drop` would cancel its jobs), and go again on a fresh one.
        let mut slot = slot();
        if slot.current.as_ref().is_some_and(|p| Arc::ptr_eq(p, &pool)) {
            if let Some(old) = slot.current.take() {
                slot.retiring.push(old);
            }
        }
    }
}

/// The registry of the calling worker's pool, or of the global pool.
pub(crate) fn current_registry() -> Arc<Registry> {
    WorkerThread::with_current(|worker| match worker {
        Some(worker) => Arc::clone(&worker.registry),
        None => Arc::clone(&global_pool().registry),
    })
}

/// Shuts the global pool down gracefully (queued and running jobs finish, every worker is
/// joined). A later free-function call starts a fresh global pool. `Ok` if there was
/// none.
///
/// Called from inside a job of the global pool it cannot join: the pool is closed (not
/// cancelled), free functions move on to a fresh pool at once, and the call returns
/// [`ShutdownError::InsidePool`]; the next `shutdown_global` from outside joins the old
/// pool as well.
///
/// # Example
///
/// ```
/// let (a, b) = cancelpool::join(|| 1, || 2);
/// assert_eq!(a + b, 3);
/// cancelpool::shutdown_global().unwrap();
/// // A later call starts a fresh global pool.
/// assert_eq!(cancelpool::join(|| 3, || 4), (3, 4));
/// ```
pub fn shutdown_global() -> Result<(), ShutdownError> {
    let pools = {
        let mut slot = slot();
        if let Some(pool) = slot.current.take() {
            slot.retiring.push(pool);
        }
        slot.retiring.clone()
    };
    let mut result = Ok(());
    for pool in pools {
        match pool.shutdown() {
            Ok(()) => slot().retiring.retain(|p| !Arc::ptr_eq(p, &pool)),
            Err(e) => {
                if result.is_ok() {
                    result = Err(e);
                }
            }
        }
        // Our clone: joined (a no-op `Drop`) or still on the retiring list.
        drop(pool);
    }
    result
}

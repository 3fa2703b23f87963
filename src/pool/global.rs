//! The global pool used by the free functions outside any pool: started lazily on first
//! use (or by `build_global`), replaced by a fresh one after `shutdown_global`.

use once_cell::sync::Lazy;

use super::builder::{BuildError, ThreadPoolBuilder};
use super::registry::{Registry, WorkerThread};
use super::thread_pool::{ShutdownError, ThreadPool};
use crate::sync::Arc;

/// The slot. A std mutex, not the facade's: the global pool is process state that loom
/// models never use (they build their own pools).
static GLOBAL: Lazy<std::sync::Mutex<Option<Arc<ThreadPool>>>> =
    Lazy::new(|| std::sync::Mutex::new(None));

fn slot() -> std::sync::MutexGuard<'static, Option<Arc<ThreadPool>>> {
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
    if let Some(pool) = &*slot {
        return Arc::clone(pool);
    }
    match ThreadPoolBuilder::new().build() {
        Ok(pool) => {
            let pool = Arc::new(pool);
            *slot = Some(Arc::clone(&pool));
            pool
        }
        Err(e) => panic!("cancelpool: the global pool could not be started: {e}"),
    }
}

pub(crate) fn build_global(builder: ThreadPoolBuilder) -> Result<(), BuildError> {
    let mut slot = slot();
    if slot.is_some() {
        return Err(BuildError::GlobalPoolAlreadyInitialized);
    }
    *slot = Some(Arc::new(builder.build()?));
    Ok(())
}

/// Runs `op` on the calling worker, or else on a worker of the global pool. If the
/// global pool is shut down meanwhile, retries on a fresh one.
pub(crate) fn in_worker<OP, R>(op: OP) -> R
where
    OP: FnOnce(&WorkerThread, bool) -> R + Send,
    R: Send,
{
    let worker = WorkerThread::current();
    if !worker.is_null() {
        // SAFETY: registry invariant 2.
        return op(unsafe { &*worker }, false);
    }
    in_global_cold(op)
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
        // The global pool was shut down under us: drop it from the slot if it is still
        // there, and go again on a fresh one.
        let mut slot = slot();
        if slot.as_ref().is_some_and(|p| Arc::ptr_eq(p, &pool)) {
            *slot = None;
        }
    }
}

/// The registry of the calling worker's pool, or of the global pool.
pub(crate) fn current_registry() -> Arc<Registry> {
    let worker = WorkerThread::current();
    if !worker.is_null() {
        // SAFETY: registry invariant 2.
        return Arc::clone(unsafe { &(*worker).registry });
    }
    Arc::clone(&global_pool().registry)
}

/// Shuts the global pool down gracefully (queued and running jobs finish, every worker is
/// joined). A later free-function call starts a fresh global pool. `Ok` if there was
/// none.
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
    let pool = slot().take();
    match pool {
        Some(pool) => pool.shutdown(),
        None => Ok(()),
    }
}

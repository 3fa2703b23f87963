//! Cancel a pool (or any [`CancelSource`]) on SIGINT/SIGTERM — feature `signal`, unix.
//!
//! Cancellation stays cooperative: the signal handler (installed through
//! [signal-hook](https://docs.rs/signal-hook)) only writes a byte to a self-pipe, which is
//! async-signal-safe. A small watcher thread, `cancelpool-signals`, reads the pipe and
//! calls [`CancelSource::cancel`] (running `on_cancel` callbacks there, never in the
//! handler). Jobs see the request at their next checkpoint or cancellable wait, return
//! through their ordinary drops, and the program shuts its pool down and exits normally.
//!
//! A **second** of the watched signals, while the first cancellation is under way, runs
//! the signal's default action (for SIGINT/SIGTERM: terminate the process), so a job that
//! never reaches a checkpoint cannot make the program deaf to Ctrl-C.
//!
//! Dropping the [`SignalGuard`] stops the watcher and removes the actions. signal-hook
//! cannot reinstall the original disposition: after the guard is gone, the signals are
//! ignored (except by handlers you installed yourself, which signal-hook keeps calling).
//! Keep the guard for as long as the program should react — typically all of `main`.
//!
//! Workers block SIGINT/SIGTERM by default (`ThreadPoolBuilder::block_signals`), so the
//! handler runs on one of the application's threads or on the watcher.

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::thread::JoinHandle;

use signal_hook::SigId;
use signal_hook::iterator::{Handle, Signals};

pub use signal_hook::consts::signal::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};

use crate::{CancelSource, ThreadPool};

/// Keeps SIGINT/SIGTERM (or the signals you chose) cancelling a pool or a source; see the
/// [module docs](self). Dropping it stops the watcher thread and removes the actions.
///
/// # Example
///
/// ```
/// use cancelpool::signal::{cancel_on_signals, SIGTERM};
/// use cancelpool::{JobError, ThreadPoolBuilder};
/// use std::time::Duration;
///
/// let pool = ThreadPoolBuilder::new().num_threads(2).build()?;
/// let guard = cancel_on_signals(&pool)?;
/// let (started_tx, started_rx) = std::sync::mpsc::channel();
/// let job = pool.submit(move |token| {
///     started_tx.send(()).unwrap();
///     loop {
///         token.sleep(Duration::from_millis(10))?; // a cancellation point
///     }
/// });
/// started_rx.recv().unwrap();
/// // What `kill -TERM <pid>` (or Ctrl-C, for SIGINT) would do:
/// // SAFETY: raising a signal this process handles.
/// unsafe { libc::raise(SIGTERM) };
/// assert!(matches!(job.join(), Err::<(), _>(JobError::Cancelled)));
/// assert_eq!(guard.received(), Some(SIGTERM));
/// pool.shutdown().unwrap();
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use = "dropping the guard stops reacting to the signals"]
pub struct SignalGuard {
    handle: Handle,
    watcher: Option<JoinHandle<()>>,
    received: Arc<AtomicI32>,
    /// Our "second signal: default action" registrations (module docs).
    defaults: Vec<SigId>,
}

impl SignalGuard {
    /// The first watched signal received while the guard lived, if any.
    ///
    /// # Example
    ///
    /// ```
    /// let pool = cancelpool::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    /// let guard = cancelpool::signal::cancel_on_signals(&pool).unwrap();
    /// assert_eq!(guard.received(), None);
    /// ```
    pub fn received(&self) -> Option<i32> {
        match self.received.load(Ordering::SeqCst) {
            0 => None,
            sig => Some(sig),
        }
    }
}

impl Drop for SignalGuard {
    fn drop(&mut self) {
        self.handle.close();
        if let Some(watcher) = self.watcher.take() {
            // The watcher only reads the pipe and cancels; it ends on `close`.
            let _ = watcher.join();
        }
        for id in self.defaults.drain(..) {
            signal_hook::low_level::unregister(id);
        }
    }
}

impl std::fmt::Debug for SignalGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignalGuard")
            .field("received", &self.received())
            .finish()
    }
}

/// Cancels every job of `pool` ([`ThreadPool::cancel_all`]) on SIGINT or SIGTERM, until
/// the returned guard is dropped. Running jobs see the request at their next
/// cancellation point, queued ones are discarded (their handles say `Cancelled`); the
/// pool stays usable for shutdown. See the [module docs](self) and [`SignalGuard`] for an
/// example.
///
/// # Errors
///
/// If the handlers cannot be installed or the watcher thread cannot be started.
pub fn cancel_on_signals(pool: &ThreadPool) -> io::Result<SignalGuard> {
    cancel_source_on_signals(&pool.registry.source, &[SIGINT, SIGTERM])
}

/// Cancels `source` when one of `signals` arrives, until the returned guard is dropped.
///
/// # Errors
///
/// `InvalidInput` for a signal that cannot be handled (SIGKILL, SIGSTOP, SIGSEGV, SIGILL,
/// SIGFPE, or not a signal number); otherwise if the handlers cannot be installed or the
/// watcher thread cannot be started.
///
/// # Example
///
/// ```
/// use cancelpool::signal::{cancel_source_on_signals, SIGHUP};
/// use cancelpool::CancelSource;
///
/// let source = CancelSource::new();
/// let token = source.token();
/// let guard = cancel_source_on_signals(&source, &[SIGHUP])?;
/// // SAFETY: raising a signal this process handles.
/// unsafe { libc::raise(SIGHUP) };
/// token.wait_cancelled(std::time::Duration::from_secs(30)).unwrap_err();
/// assert_eq!(guard.received(), Some(SIGHUP));
///
/// let err = cancel_source_on_signals(&source, &[libc::SIGKILL]).unwrap_err();
/// assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn cancel_source_on_signals(source: &CancelSource, signals: &[i32]) -> io::Result<SignalGuard> {
    for &sig in signals {
        if sig <= 0 || sig >= 128 || signal_hook::consts::FORBIDDEN.contains(&sig) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("signal {sig} cannot be handled"),
            ));
        }
    }
    // Set by the watcher once it has seen a signal: then the next one gets the default
    // action. Registered before the pipe action, so the first signal does not see it.
    let armed = Arc::new(AtomicBool::new(false));
    let mut defaults = Vec::with_capacity(signals.len());
    let unregister = |ids: &mut Vec<SigId>| {
        for id in ids.drain(..) {
            signal_hook::low_level::unregister(id);
        }
    };
    for &sig in signals {
        match signal_hook::flag::register_conditional_default(sig, Arc::clone(&armed)) {
            Ok(id) => defaults.push(id),
            Err(e) => {
                unregister(&mut defaults);
                return Err(e);
            }
        }
    }
    let mut pipe = match Signals::new(signals) {
        Ok(pipe) => pipe,
        Err(e) => {
            unregister(&mut defaults);
            return Err(e);
        }
    };
    let handle = pipe.handle();
    let received = Arc::new(AtomicI32::new(0));
    let (source, first, blocked) = (source.clone(), Arc::clone(&received), signals.to_vec());
    let watcher = std::thread::Builder::new()
        .name("cancelpool-signals".into())
        .spawn(move || {
            // Process-directed signals should go to the application's threads (P1).
            block(&blocked);
            for sig in pipe.forever() {
                let _ = first.compare_exchange(0, sig, Ordering::SeqCst, Ordering::SeqCst);
                armed.store(true, Ordering::SeqCst);
                source.cancel();
            }
        });
    match watcher {
        Ok(watcher) => Ok(SignalGuard {
            handle,
            watcher: Some(watcher),
            received,
            defaults,
        }),
        Err(e) => {
            // The closure (with `pipe`) was dropped: its actions are unregistered.
            handle.close();
            unregister(&mut defaults);
            Err(e)
        }
    }
}

/// Blocks `signals` on the calling thread.
fn block(signals: &[i32]) {
    // SAFETY: `set` is initialised by sigemptyset before use; pthread_sigmask changes only
    // this thread's mask.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for &sig in signals {
            libc::sigaddset(&mut set, sig);
        }
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
    }
}

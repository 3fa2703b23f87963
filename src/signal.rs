//! Cancel a pool (or any [`CancelSource`]) on SIGINT/SIGTERM — feature `signal`, unix.
//!
//! Cancellation stays cooperative: the signal handler only notes the signal and writes a
//! byte to a socket, which is async-signal-safe. A small watcher thread,
//! `cancelpool-signals`, reads the socket and calls [`CancelSource::cancel`] (running
//! `on_cancel` callbacks there, never in the handler). Jobs see the request at their next
//! checkpoint or cancellable wait, return through their ordinary drops, and the program
//! shuts its pool down and exits normally.
//!
//! # A second signal ends the process at once
//!
//! The first watched signal starts the graceful path: the jobs are cancelled and the
//! program gets to clean up. If one of the guard's signals arrives **again** while the
//! guard lives — the user pressed Ctrl-C a second time because the clean-up takes too
//! long, or a job never reaches a checkpoint — the process ends at once, by that
//! signal's default action: for SIGINT, SIGTERM, SIGHUP and SIGQUIT the process is
//! killed by the signal, exactly as if no handler had been installed. A shell reports
//! that as status 128 + the signal number (130 after a second Ctrl-C, 143 after a second
//! SIGTERM), and a script that ran the program stops as it does for any interrupted
//! program. This is the usual convention: dying by the signal, rather than calling
//! `exit(130)`, lets a parent process tell an interrupt from a failure.
//!
//! # Dropping the guard restores the previous disposition
//!
//! While a [`SignalGuard`] lives, its handler replaces what the signal did before, and
//! still calls a handler function that was installed before (yours, or another
//! library's), after its own work. When the last guard watching a signal is dropped, the
//! signal's previous disposition is put back: the default action (for SIGINT and
//! SIGTERM, terminate), ignored, or the previous handler. If something else replaced the
//! handler while the guard lived, that newer handler is left in place.
//!
//! Several guards may watch the same signal at once (one per pool, say): each signal
//! cancels every one of them, and the previous disposition comes back when the last is
//! dropped. At most 32 guards live at once; signals are numbered 1 to 64 and SIGKILL,
//! SIGSTOP, SIGILL, SIGFPE and SIGSEGV cannot be watched.
//!
//! Workers block SIGINT/SIGTERM by default (`ThreadPoolBuilder::block_signals`), and so
//! does the watcher, so the handler runs on one of the application's threads.
//!
//! # Example: a grace period, then give up
//!
//! ```
//! use cancelpool::signal::{cancel_on_signals, SIGINT};
//! use cancelpool::{JobError, ThreadPoolBuilder};
//! use std::time::Duration;
//!
//! let pool = ThreadPoolBuilder::new().num_threads(2).build()?;
//! let guard = cancel_on_signals(&pool)?;
//! let job = pool.submit(|token| loop {
//!     token.sleep(Duration::from_millis(10))?; // some work between checkpoints
//! });
//! // What Ctrl-C does:
//! // SAFETY: raising a signal this process handles.
//! unsafe { libc::raise(SIGINT) };
//! // The job stops at its next checkpoint; a second Ctrl-C from here on would end the
//! // process at once. Give the jobs 5 seconds to clean up.
//! pool.shutdown_timeout(Duration::from_secs(5))?;
//! assert!(matches!(job.join(), Err::<(), _>(JobError::Cancelled)));
//! assert_eq!(guard.received(), Some(SIGINT));
//! drop(guard); // Ctrl-C terminates the process again, as before the guard
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::io::{self, Read};
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::thread::JoinHandle;

pub use libc::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};

use crate::{CancelSource, ThreadPool};

mod table;

/// Keeps SIGINT/SIGTERM (or the signals you chose) cancelling a pool or a source; see the
/// [module docs](self). Dropping it stops the watcher thread and restores what the
/// signals did before (once no other guard watches them).
///
/// While the guard lives, a second of its signals after the first ends the process at
/// once, killed by that signal (see the [module docs](self#a-second-signal-ends-the-process-at-once)).
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
    /// Our slot in the handler's table (see `table`).
    slot: usize,
    signals: Vec<i32>,
    /// The write end of the wake-up socket; closing it ends the watcher.
    wake: Option<UnixStream>,
    watcher: Option<JoinHandle<()>>,
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
        handler::TABLE.received(self.slot)
    }
}

impl Drop for SignalGuard {
    fn drop(&mut self) {
        for &sig in &self.signals {
            handler::unregister(sig);
        }
        let wake = self.wake.take();
        handler::TABLE.release(self.slot, move || drop(wake));
        if let Some(watcher) = self.watcher.take() {
            // The watcher ends when the write end closes (in `release`).
            let _ = watcher.join();
        }
    }
}

impl std::fmt::Debug for SignalGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignalGuard")
            .field("signals", &self.signals)
            .field("received", &self.received())
            .finish()
    }
}

/// Cancels every job of `pool` ([`ThreadPool::cancel_all`]) on SIGINT or SIGTERM, until
/// the returned guard is dropped. Running jobs see the request at their next
/// cancellation point, queued ones are discarded (their handles say `Cancelled`); the
/// pool stays usable for shutdown. A second SIGINT or SIGTERM while the guard lives ends
/// the process at once. See the [module docs](self) and [`SignalGuard`] for examples.
///
/// # Errors
///
/// If 32 guards already live, if the handlers cannot be installed or if the watcher
/// thread cannot be started.
pub fn cancel_on_signals(pool: &ThreadPool) -> io::Result<SignalGuard> {
    cancel_source_on_signals(&pool.registry.source, &[SIGINT, SIGTERM])
}

/// Cancels `source` when one of `signals` arrives, until the returned guard is dropped.
/// A second of them while the guard lives ends the process at once (see the
/// [module docs](self)).
///
/// # Errors
///
/// `InvalidInput` for a signal that cannot be watched (SIGKILL, SIGSTOP, SIGSEGV,
/// SIGILL, SIGFPE, or a number outside 1..=64 or unknown to the system); otherwise if 32
/// guards already live, if the handlers cannot be installed or the watcher thread cannot
/// be started.
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
    let mut watched: Vec<i32> = Vec::with_capacity(signals.len());
    for &sig in signals {
        if !handler::can_watch(sig) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("signal {sig} cannot be watched"),
            ));
        }
        if !watched.contains(&sig) {
            watched.push(sig);
        }
    }
    let (mut read, wake) = UnixStream::pair()?;
    // The handler must never block: a full socket already holds a pending wake-up.
    wake.set_nonblocking(true)?;
    let mask = watched.iter().fold(0, |m, &sig| m | table::bit(sig));
    let slot = handler::TABLE
        .claim(mask, wake.as_raw_fd())
        .ok_or_else(|| io::Error::other("32 signal guards live already; drop one first"))?;
    let (source, blocked) = (source.clone(), watched.clone());
    let watcher = std::thread::Builder::new()
        .name("cancelpool-signals".into())
        .spawn(move || {
            // Process-directed signals should go to the application's threads.
            block(&blocked);
            let mut buf = [0u8; 64];
            loop {
                match read.read(&mut buf) {
                    Ok(0) => break, // the guard was dropped
                    Ok(_) => {
                        source.cancel();
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(_) => break,
                }
            }
        });
    let mut guard = SignalGuard {
        slot,
        signals: Vec::with_capacity(watched.len()),
        wake: Some(wake),
        watcher: None,
    };
    // From here on, dropping `guard` undoes whatever was done.
    guard.watcher = Some(watcher?);
    for sig in watched {
        handler::register(sig)?;
        guard.signals.push(sig);
    }
    Ok(guard)
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

/// The process-wide signal handler and the signals' previous dispositions. The table of
/// live guards, and how a guard leaves it safely while handlers run, is in `table`.
///
/// [`REGISTRY`] (a mutex, never taken by the handler) counts the guards watching each
/// signal and keeps the disposition our handler replaced, to put it back when the count
/// returns to zero. The handler needs only the previous handler function, to call it
/// after its own work: [`PREVIOUS`] holds it packed in one atomic word (so the handler
/// never reads half of an update), written before our handler is installed.
mod handler {
    use std::io;

    use libc::{c_int, c_void, siginfo_t};

    use super::table::Table;
    use crate::sync::Mutex;
    use crate::sync::unmodelled::{AtomicU64, Ordering};

    /// The live guards, as the handler sees them.
    pub(super) static TABLE: Table = Table::new();

    /// Signal numbers 1..=MAX_SIGNAL can be watched (one bit each in the table).
    const MAX_SIGNAL: i32 = 64;
    /// Signals whose handling would break the program (or the kernel refuses).
    const FORBIDDEN: [c_int; 5] = [
        libc::SIGKILL,
        libc::SIGSTOP,
        libc::SIGILL,
        libc::SIGFPE,
        libc::SIGSEGV,
    ];

    /// Per signal: the previous handler function, packed by [`pack`]; written under
    /// [`REGISTRY`] before our handler is installed for the signal.
    static PREVIOUS: [AtomicU64; MAX_SIGNAL as usize + 1] =
        [const { AtomicU64::new(0) }; MAX_SIGNAL as usize + 1];

    /// Per signal: the guards watching it and the disposition our handler replaced.
    static REGISTRY: Mutex<[Watch; MAX_SIGNAL as usize + 1]> = Mutex::new(
        [const {
            Watch {
                guards: 0,
                previous: None,
            }
        }; MAX_SIGNAL as usize + 1],
    );

    struct Watch {
        guards: usize,
        previous: Option<Disposition>,
    }

    /// A `sigaction` as the kernel gave it, to give back unchanged.
    struct Disposition(libc::sigaction);

    // SAFETY: a `sigaction` is plain data (a handler address, flags, a mask); nothing in
    // it is tied to the thread that read it.
    unsafe impl Send for Disposition {}

    /// Bit 63 of a [`PREVIOUS`] word: the previous handler takes `siginfo` (SA_SIGINFO).
    /// Handler addresses are user-space addresses, which never have bit 63 set (on
    /// 32-bit targets they have 32 bits).
    const SIGINFO_BIT: u64 = 1 << 63;

    fn pack(action: &libc::sigaction) -> u64 {
        let siginfo = if action.sa_flags & libc::SA_SIGINFO != 0 {
            SIGINFO_BIT
        } else {
            0
        };
        action.sa_sigaction as u64 | siginfo
    }

    pub(super) fn can_watch(sig: c_int) -> bool {
        (1..=MAX_SIGNAL).contains(&sig) && !FORBIDDEN.contains(&sig)
    }

    /// One more guard watches `sig`: the first installs our handler, keeping the
    /// disposition it replaces.
    pub(super) fn register(sig: c_int) -> io::Result<()> {
        let mut registry = REGISTRY.lock();
        let watch = &mut registry[sig as usize];
        if watch.guards == 0 {
            let current = query(sig)?;
            PREVIOUS[sig as usize].store(pack(&current), Ordering::SeqCst);
            // SAFETY: an all-zero `sigaction` is a valid value (no handler, no flags, an
            // empty mask); the fields that matter are set below.
            let mut ours: libc::sigaction = unsafe { std::mem::zeroed() };
            ours.sa_sigaction = on_signal as extern "C" fn(c_int, *mut siginfo_t, *mut c_void)
                as libc::sighandler_t;
            ours.sa_flags = libc::SA_SIGINFO | libc::SA_RESTART | libc::SA_ONSTACK;
            // SAFETY: `ours.sa_mask` is a valid sigset to initialise.
            unsafe { libc::sigemptyset(&mut ours.sa_mask) };
            // SAFETY: an all-zero `sigaction` is a valid out-value.
            let mut replaced: libc::sigaction = unsafe { std::mem::zeroed() };
            // SAFETY: valid pointers to our action, whose handler is async-signal-safe
            // (`on_signal`), and to an out-struct.
            if unsafe { libc::sigaction(sig, &ours, &mut replaced) } != 0 {
                return Err(invalid_if_einval(io::Error::last_os_error(), sig));
            }
            // Someone may have changed it between `query` and here: keep what we replaced.
            PREVIOUS[sig as usize].store(pack(&replaced), Ordering::SeqCst);
            watch.previous = Some(Disposition(replaced));
        }
        watch.guards += 1;
        Ok(())
    }

    /// One guard fewer watches `sig`: the last puts the previous disposition back,
    /// unless another handler replaced ours meanwhile (then that one stays).
    pub(super) fn unregister(sig: c_int) {
        let mut registry = REGISTRY.lock();
        let watch = &mut registry[sig as usize];
        watch.guards -= 1;
        if watch.guards > 0 {
            return;
        }
        let Some(Disposition(previous)) = watch.previous.take() else {
            return;
        };
        let ours =
            on_signal as extern "C" fn(c_int, *mut siginfo_t, *mut c_void) as libc::sighandler_t;
        if query(sig).is_ok_and(|current| current.sa_sigaction == ours) {
            // SAFETY: gives back a disposition the kernel gave us for this signal.
            unsafe { libc::sigaction(sig, &previous, std::ptr::null_mut()) };
        }
    }

    /// The current disposition of `sig`.
    fn query(sig: c_int) -> io::Result<libc::sigaction> {
        // SAFETY: an all-zero `sigaction` is a valid out-value.
        let mut current: libc::sigaction = unsafe { std::mem::zeroed() };
        // SAFETY: a null new action only reads the current one into a valid out-pointer.
        if unsafe { libc::sigaction(sig, std::ptr::null(), &mut current) } != 0 {
            return Err(invalid_if_einval(io::Error::last_os_error(), sig));
        }
        Ok(current)
    }

    /// A signal number the system does not know is the caller's mistake.
    fn invalid_if_einval(err: io::Error, sig: c_int) -> io::Error {
        if err.raw_os_error() == Some(libc::EINVAL) {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("signal {sig} cannot be watched on this system"),
            )
        } else {
            err
        }
    }

    /// The handler. Async-signal-safe: atomics, `write`, `sigaction`, `raise`, and the
    /// previous handler (whose own business that is).
    ///
    /// Known limit: a handler installed on top of ours that calls ours in turn, left in
    /// place when our last guard went (see `unregister`) and then found by a new guard
    /// as the previous handler, would call us back from our own chained call; that call
    /// would count as a second signal.
    extern "C" fn on_signal(sig: c_int, info: *mut siginfo_t, context: *mut c_void) {
        let errno = SavedErrno::save();
        let found = TABLE.deliver(sig, |fd| {
            let byte = 1u8;
            // SAFETY: `fd` is open while the table hands it out (its invariant 1); one
            // byte from a live local. Non-blocking: if the socket is full, a wake-up is
            // pending already.
            unsafe { libc::write(fd, (&byte as *const u8).cast(), 1) };
        });
        let previous = PREVIOUS
            .get(sig as usize)
            .map_or(0, |p| p.load(Ordering::SeqCst));
        let handler = (previous & !SIGINFO_BIT) as libc::sighandler_t;
        if found.second {
            die_by(sig);
        } else if handler == libc::SIG_DFL {
            // Reached with no guard watching only through someone else's handler
            // calling ours, or in the instant a guard comes or goes: do what the
            // signal would have done.
            if !found.watched {
                die_by(sig);
            }
        } else if handler != libc::SIG_IGN {
            if previous & SIGINFO_BIT != 0 {
                // SAFETY: the kernel reported this address as an SA_SIGINFO handler
                // for `sig`; we pass it what the kernel passed us.
                let f: extern "C" fn(c_int, *mut siginfo_t, *mut c_void) =
                    unsafe { std::mem::transmute(handler) };
                f(sig, info, context);
            } else {
                // SAFETY: the kernel reported this address as a plain handler for `sig`.
                let f: extern "C" fn(c_int) = unsafe { std::mem::transmute(handler) };
                f(sig);
            }
        }
        drop(errno);
    }

    /// Ends the process by `sig`'s default action: restores it and raises `sig`, which
    /// stays pending while this handler runs (the kernel blocks a signal during its own
    /// handler) and is acted on when the handler returns.
    fn die_by(sig: c_int) {
        // SAFETY: an all-zero `sigaction` is SIG_DFL with no flags and an empty mask;
        // `sigaction` and `raise` are async-signal-safe.
        unsafe {
            let default: libc::sigaction = std::mem::zeroed();
            libc::sigaction(sig, &default, std::ptr::null_mut());
            libc::raise(sig);
        }
    }

    /// The handler's caller may read `errno` right after we return (we interrupted it
    /// between a failing call and that read): a failing `write` must not change it.
    struct SavedErrno(Option<(*mut c_int, c_int)>);

    impl SavedErrno {
        fn save() -> SavedErrno {
            let location = errno_location();
            // SAFETY: the thread's errno is a live, aligned int.
            SavedErrno(location.map(|p| (p, unsafe { *p })))
        }
    }

    impl Drop for SavedErrno {
        fn drop(&mut self) {
            if let Some((p, value)) = self.0 {
                // SAFETY: as in `save`, on the same thread.
                unsafe { *p = value };
            }
        }
    }

    /// This thread's `errno`, where libc names it.
    fn errno_location() -> Option<*mut c_int> {
        #[cfg(any(target_os = "linux", target_os = "emscripten"))]
        // SAFETY: no preconditions.
        return Some(unsafe { libc::__errno_location() });
        #[cfg(any(target_os = "android", target_os = "netbsd", target_os = "openbsd"))]
        // SAFETY: no preconditions.
        return Some(unsafe { libc::__errno() });
        #[cfg(any(
            target_vendor = "apple",
            target_os = "freebsd",
            target_os = "dragonfly"
        ))]
        // SAFETY: no preconditions.
        return Some(unsafe { libc::__error() });
        #[allow(unreachable_code)]
        None
    }
}

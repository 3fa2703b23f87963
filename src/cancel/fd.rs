//! `wait_fd`: wait for a file descriptor or a cancel request, whichever comes first (C8).
//!
//! # Protocol
//!
//! A node that is waited on by `wait_fd` owns a *waker*: an eventfd (Linux) or a pipe
//! (other unixes), non-blocking and close-on-exec, made on first use under the node's
//! lock and attached to the node as a hook (`node::Hook`). The waiter, holding the lock,
//! makes sure the waker exists and checks the flag; then it `poll`s the user's fd
//! together with the waker's read end. `cancel()` stores the flag and then, under the
//! same lock, tells the hook, which makes the waker readable (node invariant 4).
//! The waker is never drained: a cancelled node stays cancelled, so every later poll sees
//! it at once. No signals, no race between "check flag" and "block".
//!
//! Making the waker can fail with EMFILE/ENFILE/ENOMEM; the error is returned as an
//! `io::Error` and nothing is left half made.

use std::io;
use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::time::{Duration, Instant};

use super::Cancelled;
use super::node::Hook;
use super::state;
use super::token::CancelToken;

/// What to wait for on a file descriptor.
///
/// # Example
///
/// ```
/// use cancelpool::Interest;
/// assert_eq!(Interest::READABLE, Interest::Readable);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Interest {
    /// Data can be read (or the peer hung up).
    Readable,
    /// Data can be written.
    Writable,
    /// Either.
    Both,
}

impl Interest {
    /// The same as [`Interest::Readable`].
    pub const READABLE: Interest = Interest::Readable;
    /// The same as [`Interest::Writable`].
    pub const WRITABLE: Interest = Interest::Writable;

    fn events(self) -> libc::c_short {
        match self {
            Interest::Readable => libc::POLLIN,
            Interest::Writable => libc::POLLOUT,
            Interest::Both => libc::POLLIN | libc::POLLOUT,
        }
    }
}

/// The readiness `wait_fd` found. All flags false means the timeout passed.
///
/// # Example
///
/// ```
/// use cancelpool::{CancelSource, Interest};
/// use std::io::Write;
/// use std::os::unix::net::UnixStream;
/// use std::time::Duration;
///
/// let (mut a, b) = UnixStream::pair().unwrap();
/// let token = CancelSource::new().token();
/// let ready = token.wait_fd(&b, Interest::Readable, Duration::from_millis(1)).unwrap();
/// assert!(ready.is_timeout());
/// a.write_all(b"x").unwrap();
/// let ready = token.wait_fd(&b, Interest::Readable, None).unwrap();
/// assert!(ready.is_readable());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Ready {
    readable: bool,
    writable: bool,
    hangup: bool,
    error: bool,
}

impl Ready {
    /// The fd can be read without blocking (or is at end of file).
    pub fn is_readable(&self) -> bool {
        self.readable
    }
    /// The fd can be written without blocking.
    pub fn is_writable(&self) -> bool {
        self.writable
    }
    /// The peer hung up.
    pub fn is_hangup(&self) -> bool {
        self.hangup
    }
    /// The fd is in an error state (`POLLERR`/`POLLNVAL`).
    pub fn is_error(&self) -> bool {
        self.error
    }
    /// Nothing happened before the timeout.
    pub fn is_timeout(&self) -> bool {
        *self == Ready::default()
    }

    fn from_revents(revents: libc::c_short) -> Ready {
        Ready {
            readable: revents & libc::POLLIN != 0,
            writable: revents & libc::POLLOUT != 0,
            hangup: revents & libc::POLLHUP != 0,
            error: revents & (libc::POLLERR | libc::POLLNVAL) != 0,
        }
    }
}

/// The fd that `cancel()` makes readable (see the module docs).
struct FdWaker {
    read: OwnedFd,
    /// For a pipe, the write end; an eventfd is read and written through `read`.
    write: Option<OwnedFd>,
}

impl FdWaker {
    fn new() -> io::Result<FdWaker> {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            // SAFETY: plain syscall; the result is checked before use.
            let fd = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) };
            if fd < 0 {
                return Err(io::Error::last_os_error());
            }
            // SAFETY: `fd` is a fresh descriptor we own.
            let read = unsafe { OwnedFd::from_raw_fd(fd) };
            Ok(FdWaker { read, write: None })
        }
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        {
            let mut fds = [0 as RawFd; 2];
            // SAFETY: `fds` has room for the two descriptors `pipe` writes.
            if unsafe { libc::pipe(fds.as_mut_ptr()) } < 0 {
                return Err(io::Error::last_os_error());
            }
            // SAFETY: both are fresh descriptors we own.
            let (read, write) =
                unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
            for fd in [&read, &write] {
                // SAFETY: valid descriptors; flags set by plain fcntl calls.
                unsafe {
                    libc::fcntl(fd.as_raw_fd(), libc::F_SETFD, libc::FD_CLOEXEC);
                    libc::fcntl(fd.as_raw_fd(), libc::F_SETFL, libc::O_NONBLOCK);
                }
            }
            Ok(FdWaker {
                read,
                write: Some(write),
            })
        }
    }

    /// Makes the read end readable (idempotent: a full pipe/eventfd is readable too).
    fn wake(&self) {
        let fd = self.write.as_ref().unwrap_or(&self.read).as_raw_fd();
        let one: u64 = 1;
        // SAFETY: writes 8 bytes from a live local to a descriptor we own. A failure
        // (EAGAIN: already full, hence readable) needs no handling.
        let _ = unsafe { libc::write(fd, (&one as *const u64).cast(), std::mem::size_of::<u64>()) };
    }

    fn raw(&self) -> RawFd {
        self.read.as_raw_fd()
    }
}

/// Phase 2 of a cancel makes the waker readable: one `write`, no lock, no blocking.
impl Hook for FdWaker {
    fn cancelled(&mut self) {
        self.wake();
    }
}

impl CancelToken {
    /// Waits until `fd` is ready for `interest`, the token is cancelled, or `timeout`
    /// passes (`None`: no limit) — a cancellable `poll` (C8, unix only).
    ///
    /// Returns the readiness found (all false on timeout), or an `io::Error` of kind
    /// `Interrupted` carrying [`Cancelled`] when a request is pending and cancellation
    /// is enabled (test with [`Cancelled::is_cancelled_io`]). Resource failures
    /// (EMFILE when the waker cannot be made, ENOMEM from `poll`) come back as the
    /// corresponding `io::Error`; nothing aborts. `fd` is anything that lends an fd
    /// (`&TcpStream`, `&File`, `BorrowedFd`, …); it stays open for the whole call.
    ///
    /// # Example
    ///
    /// ```
    /// use cancelpool::{CancelSource, Cancelled, Interest};
    /// use std::os::unix::net::UnixStream;
    ///
    /// let (_a, b) = UnixStream::pair().unwrap();
    /// let source = CancelSource::new();
    /// let token = source.token();
    /// let reader = std::thread::spawn(move || token.wait_fd(&b, Interest::Readable, None));
    /// source.cancel();
    /// let err = reader.join().unwrap().unwrap_err();
    /// assert!(Cancelled::is_cancelled_io(&err));
    /// ```
    pub fn wait_fd(
        &self,
        fd: impl AsFd,
        interest: Interest,
        timeout: impl Into<Option<Duration>>,
    ) -> io::Result<Ready> {
        let fd = fd.as_fd().as_raw_fd();
        let deadline = timeout.into().and_then(|t| Instant::now().checked_add(t));
        let waker = match &self.node {
            Some(node) if state::cancel_enabled() => {
                let mut inner = node.lock();
                if node.is_cancelled() {
                    return Err(Cancelled.into());
                }
                Some(inner.hook_or_try_insert_with(FdWaker::new)?.raw())
            }
            _ => None,
        };
        // The waker fd stays open while `self` holds the node (it is closed only when the
        // node is freed), so polling it after unlocking is sound.
        let mut fds = [
            libc::pollfd {
                fd,
                events: interest.events(),
                revents: 0,
            },
            libc::pollfd {
                fd: waker.unwrap_or(-1),
                events: libc::POLLIN,
                revents: 0,
            },
        ];
        loop {
            let timeout_ms = match deadline {
                None => -1,
                Some(d) => {
                    let left = d.saturating_duration_since(Instant::now());
                    // Round up so that a short timeout does not become a busy poll.
                    let ms = left.as_nanos().div_ceil(1_000_000);
                    ms.min(libc::c_int::MAX as u128) as libc::c_int
                }
            };
            let nfds = if waker.is_some() { 2 } else { 1 };
            // SAFETY: `fds` is a live array of `nfds` initialised pollfd structs.
            let n = unsafe { libc::poll(fds.as_mut_ptr(), nfds, timeout_ms) };
            if n < 0 {
                let err = io::Error::last_os_error();
                if err.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(err);
            }
            if waker.is_some() && fds[1].revents != 0 {
                return Err(Cancelled.into());
            }
            if n == 0 {
                if deadline.is_some_and(|d| Instant::now() < d) {
                    continue;
                }
                return Ok(Ready::default());
            }
            return Ok(Ready::from_revents(fds[0].revents));
        }
    }
}

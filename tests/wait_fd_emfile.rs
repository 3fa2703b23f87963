//! C8: `wait_fd` under file-descriptor exhaustion returns `io::Error` (EMFILE), never
//! aborts; and its waker fd is closed with the token's state.
//!
//! A test binary of its own with a single `#[test]`: it lowers `RLIMIT_NOFILE` and fills
//! the descriptor table, which would break any test running beside it in the process.
#![cfg(unix)]

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::net::UnixStream;
use std::time::Duration;

use cancelpool::{CancelSource, Cancelled, Interest, disable_cancel};

/// Restores the original `RLIMIT_NOFILE` on drop, also if an assertion fails.
struct RestoreLimit(libc::rlimit);

impl Drop for RestoreLimit {
    fn drop(&mut self) {
        // SAFETY: `setrlimit` reads the struct we pass; no other memory is involved.
        let rc = unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &self.0) };
        assert_eq!(rc, 0, "restoring RLIMIT_NOFILE");
    }
}

fn get_limit() -> libc::rlimit {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `getrlimit` writes the struct we pass.
    let rc = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) };
    assert_eq!(rc, 0, "getrlimit: {}", io::Error::last_os_error());
    lim
}

/// Duplicates `fd` until the process is out of descriptors; returns the duplicates.
fn fill_descriptor_table(fd: &UnixStream) -> Vec<OwnedFd> {
    let mut held = Vec::new();
    for _ in 0..100_000 {
        // SAFETY: plain syscall on a descriptor we own; the result is checked.
        let dup = unsafe { libc::dup(fd.as_raw_fd()) };
        if dup < 0 {
            let err = io::Error::last_os_error();
            assert_eq!(err.raw_os_error(), Some(libc::EMFILE), "dup failed: {err}");
            return held;
        }
        // SAFETY: `dup` returned a fresh descriptor that nothing else owns.
        held.push(unsafe { OwnedFd::from_raw_fd(dup) });
    }
    panic!("the descriptor table did not fill up");
}

#[cfg(target_os = "linux")]
fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

#[test]
fn wait_fd_reports_emfile_when_its_waker_cannot_be_made_and_recovers() {
    let (mut a, b) = UnixStream::pair().unwrap();
    let short = Duration::from_millis(5);

    // 1. The waker is released with the token's state: no fd leak over many tokens.
    #[cfg(target_os = "linux")]
    {
        let before = open_fds();
        for i in 0..200 {
            let source = CancelSource::new();
            let token = source.token();
            if i % 2 == 0 {
                source.cancel();
                assert!(token.wait_fd(&b, Interest::Readable, short).is_err());
            } else {
                assert!(
                    token
                        .wait_fd(&b, Interest::Readable, short)
                        .unwrap()
                        .is_timeout()
                );
            }
        }
        assert_eq!(open_fds(), before, "waker descriptors leaked");
    }

    // 2. Out of descriptors: lower the soft limit and fill the table.
    let original = get_limit();
    let restore = RestoreLimit(original);
    let lowered = libc::rlimit {
        rlim_cur: original.rlim_cur.min(256),
        rlim_max: original.rlim_max,
    };
    // SAFETY: `setrlimit` reads the struct we pass.
    assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lowered) }, 0);
    let filler = fill_descriptor_table(&b);

    let source = CancelSource::new();
    let token = source.token();
    for _ in 0..2 {
        let err = token
            .wait_fd(&b, Interest::Readable, short)
            .expect_err("the waker cannot be made without a free descriptor");
        assert_eq!(err.raw_os_error(), Some(libc::EMFILE), "{err}");
        assert!(!Cancelled::is_cancelled_io(&err));
    }
    // Nothing else is broken: waits that need no descriptor work, a cancel is seen, and
    // an already-cancelled token reports the cancellation rather than the resource error.
    assert_eq!(token.wait_cancelled(short), Ok(()));
    {
        // With cancellation disabled no waker is needed: the fd alone is polled.
        let _g = disable_cancel();
        assert!(
            token
                .wait_fd(&b, Interest::Readable, short)
                .unwrap()
                .is_timeout()
        );
    }
    let cancelled = CancelSource::new();
    cancelled.cancel();
    let err = cancelled
        .token()
        .wait_fd(&b, Interest::Readable, short)
        .unwrap_err();
    assert!(Cancelled::is_cancelled_io(&err), "{err}");

    // 3. Descriptors back: the same token's wait_fd works, and is cancellable.
    drop(filler);
    drop(restore);
    assert!(
        token
            .wait_fd(&b, Interest::Readable, short)
            .unwrap()
            .is_timeout()
    );
    std::io::Write::write_all(&mut a, b"x").unwrap();
    assert!(
        token
            .wait_fd(&b, Interest::Readable, short)
            .unwrap()
            .is_readable()
    );
    assert!(source.cancel());
    let err = token.wait_fd(&b, Interest::Readable, None).unwrap_err();
    assert!(Cancelled::is_cancelled_io(&err));
    assert_eq!(get_limit().rlim_cur, original.rlim_cur);
}

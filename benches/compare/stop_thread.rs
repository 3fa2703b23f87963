//! `stop-thread`: stop a thread blocked reading an idle pipe, until it is joined —
//! `cancel()` of a `wait_fd` beside `pthread_cancel` + `pthread_join`. Linux with glibc:
//! the pthread side relies on glibc's cancellation by forced unwinding (see
//! [`pthread_stop`]) and on `/proc` to know the reader is blocked.

use std::sync::atomic::{AtomicI32, Ordering};
use std::thread;
use std::time::Instant;

use cancelpool::{CancelSource, Cancelled, Interest};

use crate::common::{gettid, wait_until_blocked};
use crate::harness::{Bar, Config, Fig, Row, Variant, interleaved};

/// A pipe closed on drop.
struct Pipe {
    read: libc::c_int,
    write: libc::c_int,
}

impl Pipe {
    fn new() -> Pipe {
        let mut fds = [0; 2];
        // SAFETY: `fds` is a valid out-array of two ints.
        let r = unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) };
        assert_eq!(r, 0, "pipe2: {}", std::io::Error::last_os_error());
        Pipe {
            read: fds[0],
            write: fds[1],
        }
    }
}

impl Drop for Pipe {
    fn drop(&mut self) {
        // SAFETY: both fds were opened by `Pipe::new` and are closed once, here.
        unsafe {
            libc::close(self.read);
            libc::close(self.write);
        }
    }
}

/// The pthread_cancel side, made safe:
///
/// The cancelled thread is made by `pthread_create`, never by std, and runs only
/// `blocked_reader`, whose frame owns nothing with a destructor (a "plain old frame").
/// glibc's cancellation unwinds it with a *forced* unwind; Rust defines a forced unwind
/// through plain old frames of `extern "C-unwind"` functions (RFC 2945), whereas through
/// an `extern "C"` frame it may abort. So the start routine and the `read` it calls are
/// both declared `C-unwind`. No Rust code other than that frame is on the thread's stack.
mod pthread_stop {
    use std::sync::atomic::{AtomicI32, Ordering};

    use libc::{c_int, c_void, pthread_attr_t, pthread_t, size_t, ssize_t};

    /// What the blocked reader gets: the fd to read and where to publish its tid.
    pub(crate) struct Arg {
        pub(crate) fd: c_int,
        pub(crate) tid: AtomicI32,
    }

    // The same symbols as libc's declarations, with the unwind ABI the forced unwind
    // needs (see the module docs); the signatures are otherwise identical.
    #[allow(clashing_extern_declarations)]
    unsafe extern "C-unwind" {
        #[link_name = "read"]
        fn read_cancellable(fd: c_int, buf: *mut c_void, count: size_t) -> ssize_t;
    }
    #[allow(clashing_extern_declarations)]
    unsafe extern "C" {
        #[link_name = "pthread_create"]
        fn pthread_create_unwind(
            thread: *mut pthread_t,
            attr: *const pthread_attr_t,
            start: extern "C-unwind" fn(*mut c_void) -> *mut c_void,
            arg: *mut c_void,
        ) -> c_int;
    }

    /// Publishes its tid, then blocks in `read` until cancelled. A plain old frame.
    extern "C-unwind" fn blocked_reader(arg: *mut c_void) -> *mut c_void {
        // SAFETY: `spawn` passes a pointer to an `Arg` that outlives the thread (the
        // caller joins before dropping it).
        let arg = unsafe { &*arg.cast::<Arg>() };
        arg.tid.store(crate::common::gettid(), Ordering::SeqCst);
        let mut byte = 0u8;
        // SAFETY: reads at most one byte into a live local; a cancellation point.
        unsafe { read_cancellable(arg.fd, (&mut byte as *mut u8).cast(), 1) };
        std::ptr::null_mut()
    }

    /// Starts a thread blocked reading `arg.fd`.
    pub(crate) fn spawn(arg: &Arg) -> pthread_t {
        // SAFETY: `pthread_t` is a plain integer on linux-gnu: zero is a valid value.
        let mut thread: pthread_t = unsafe { std::mem::zeroed() };
        // SAFETY: valid out-pointer, default attributes, a start routine as described
        // in the module docs, and an argument that outlives the thread (see above).
        let r = unsafe {
            pthread_create_unwind(
                &mut thread,
                std::ptr::null(),
                blocked_reader,
                (arg as *const Arg).cast_mut().cast(),
            )
        };
        assert_eq!(
            r,
            0,
            "pthread_create: {}",
            std::io::Error::from_raw_os_error(r)
        );
        thread
    }

    /// `pthread_cancel` + `pthread_join`; true if the thread ended by cancellation.
    pub(crate) fn cancel_and_join(thread: pthread_t) -> bool {
        let mut ret: *mut c_void = std::ptr::null_mut();
        // SAFETY: `thread` is a joinable thread made by `spawn`, joined once, here.
        unsafe {
            assert_eq!(libc::pthread_cancel(thread), 0);
            assert_eq!(libc::pthread_join(thread, &mut ret), 0);
        }
        // glibc's PTHREAD_CANCELED is ((void *) -1).
        ret as isize == -1
    }
}

fn stop_pthread_round() -> f64 {
    let pipe = Pipe::new();
    let arg = pthread_stop::Arg {
        fd: pipe.read,
        tid: AtomicI32::new(0),
    };
    let thread = pthread_stop::spawn(&arg);
    let tid = loop {
        match arg.tid.load(Ordering::SeqCst) {
            0 => thread::yield_now(),
            tid => break tid,
        }
    };
    wait_until_blocked(tid);
    let t0 = Instant::now();
    let cancelled = pthread_stop::cancel_and_join(thread);
    let ns = t0.elapsed().as_nanos() as f64;
    assert!(cancelled, "the reader was not cancelled");
    ns
}

fn stop_cancelpool_round() -> f64 {
    let pipe = Pipe::new();
    let source = CancelSource::new();
    let token = source.token();
    let tid = AtomicI32::new(0);
    thread::scope(|s| {
        let reader = s.spawn(|| {
            tid.store(gettid(), Ordering::SeqCst);
            // SAFETY: the pipe outlives the scope, hence this thread.
            let fd = unsafe { std::os::fd::BorrowedFd::borrow_raw(pipe.read) };
            token.wait_fd(fd, Interest::Readable, None)
        });
        let tid = loop {
            match tid.load(Ordering::SeqCst) {
                0 => thread::yield_now(),
                tid => break tid,
            }
        };
        wait_until_blocked(tid);
        let t0 = Instant::now();
        source.cancel();
        let r = reader.join().expect("reader thread");
        let ns = t0.elapsed().as_nanos() as f64;
        let err = r.expect_err("only a cancel ends the wait");
        assert!(Cancelled::is_cancelled_io(&err), "{err}");
        ns
    })
}

pub(crate) fn stop_thread_rows(cfg: &Config, rows: &mut Vec<Row>) {
    let rounds = cfg.pick(300, 1500);
    let mut variants: Vec<Variant<'_>> = vec![
        ("cancelpool", Box::new(stop_cancelpool_round)),
        (
            "pthread_cancel + pthread_join",
            Box::new(stop_pthread_round),
        ),
    ];
    // `interleaved` discards a first round of each: glibc loads libgcc_s at the first
    // cancellation.
    let s = interleaved(rounds, &mut variants);
    rows.push(Row::new(
        "stop a thread blocked reading a pipe, until joined",
        Fig::latency(&s[0]),
        variants[1].0,
        Fig::latency(&s[1]),
        Bar::None,
    ));
}

//! Plumbing shared by `benches/cancel.rs` and `benches/compare.rs`: the pthread calls
//! that libc does not declare, a persistent waiter thread for wake-latency rounds, and
//! the scenarios it runs (cancelpool waits and their peers).
//!
//! Linux only, and its users declare it so (`#[cfg(target_os = "linux")] mod common;`):
//! it reads `/proc` to know that a waiter is really blocked before timing its wake-up,
//! calls `gettid`, and uses the pthread constants glibc and musl share.
// Each bench binary uses a different subset of this module.
#![allow(dead_code)]

use std::io::Write;
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock, mpsc};
use std::thread::{self, JoinHandle, Thread};
use std::time::{Duration, Instant};

use cancelpool::sync::{Condvar, Mutex};
use cancelpool::{CancelSource, CancelToken, Cancelled, Interest};

/// pthread functions libc 0.2 does not declare for Linux, with the constants glibc and
/// musl share.
pub(crate) mod ffi {
    use libc::c_int;

    /// `PTHREAD_CANCEL_ENABLE` (glibc, musl).
    pub(crate) const PTHREAD_CANCEL_ENABLE: c_int = 0;
    /// `PTHREAD_CANCEL_DISABLE` (glibc, musl).
    pub(crate) const PTHREAD_CANCEL_DISABLE: c_int = 1;

    unsafe extern "C" {
        pub(crate) fn pthread_testcancel();
        pub(crate) fn pthread_setcancelstate(state: c_int, old: *mut c_int) -> c_int;
    }

    /// One `pthread_setcancelstate` DISABLE + restore pair, as a critical section does.
    #[inline(always)]
    pub(crate) fn setcancelstate_pair() {
        let mut old: c_int = 0;
        let mut ignored: c_int = 0;
        // SAFETY: both calls get valid out-pointers; nobody cancels this thread, and the
        // state is restored to what it was.
        unsafe {
            pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &mut old);
            pthread_setcancelstate(old, &mut ignored);
        }
    }
}

/// The calling thread's kernel id.
pub(crate) fn gettid() -> i32 {
    // SAFETY: `gettid` has no preconditions.
    unsafe { libc::gettid() }
}

/// Waits until thread `tid` of this process is blocked in the kernel (state `S` or `D`
/// in `/proc/self/task/<tid>/stat`), then keeps the CPU busy another 20 µs so that the
/// kernel has really switched it out (the state is set just before `schedule()`).
///
/// Panics after 5 s: a scenario whose waiter never blocks is a broken scenario.
pub(crate) fn wait_until_blocked(tid: i32) {
    let path = format!("/proc/self/task/{tid}/stat");
    let start = Instant::now();
    loop {
        let stat = std::fs::read(&path).expect("read /proc/self/task/<tid>/stat");
        // Format: "tid (comm) S ..."; comm may contain spaces and parentheses.
        let close = stat.iter().rposition(|&b| b == b')').expect("stat format");
        let state = stat.get(close + 2).copied().unwrap_or(b'?');
        if state == b'S' || state == b'D' {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "waiter thread {tid} never blocked (state {})",
            state as char
        );
        thread::yield_now();
    }
    let spin = Instant::now();
    while spin.elapsed() < Duration::from_micros(20) {
        std::hint::spin_loop();
    }
}

/// One wake-latency scenario: a fresh instance per round.
pub(crate) trait Blocker: Send + Sync {
    /// Runs on the waiter thread: blocks until `wake` (and checks it ended the right way).
    fn block(&self);
    /// Runs on the measuring thread: the timed action that ends `block`.
    fn wake(&self);
}

/// A thread that runs one [`Blocker::block`] per round and reports the instant it
/// returned; kept across rounds so that thread start-up is not measured.
pub(crate) struct Waiter {
    rounds: mpsc::Sender<Arc<dyn Blocker>>,
    returned: mpsc::Receiver<Instant>,
    tid: Arc<AtomicI32>,
    started: Arc<AtomicUsize>,
    generation: usize,
    handle: Option<JoinHandle<()>>,
}

impl Waiter {
    pub(crate) fn new() -> Waiter {
        let (rounds, rx) = mpsc::channel::<Arc<dyn Blocker>>();
        let (tx, returned) = mpsc::channel();
        let tid = Arc::new(AtomicI32::new(0));
        let started = Arc::new(AtomicUsize::new(0));
        let handle = {
            let tid = Arc::clone(&tid);
            let started = Arc::clone(&started);
            thread::Builder::new()
                .name("bench-waiter".into())
                .spawn(move || {
                    tid.store(gettid(), Ordering::SeqCst);
                    let mut generation = 0;
                    while let Ok(blocker) = rx.recv() {
                        generation += 1;
                        started.store(generation, Ordering::SeqCst);
                        blocker.block();
                        let now = Instant::now();
                        if tx.send(now).is_err() {
                            break;
                        }
                    }
                })
                .expect("spawn waiter")
        };
        Waiter {
            rounds,
            returned,
            tid,
            started,
            generation: 0,
            handle: Some(handle),
        }
    }

    /// One round: the time from just before `wake()` to the waiter's return.
    pub(crate) fn round(&mut self, blocker: Arc<dyn Blocker>) -> Duration {
        self.generation += 1;
        self.rounds
            .send(Arc::clone(&blocker))
            .expect("waiter alive");
        while self.started.load(Ordering::SeqCst) != self.generation {
            thread::yield_now();
        }
        wait_until_blocked(self.tid.load(Ordering::SeqCst));
        let t0 = Instant::now();
        blocker.wake();
        let t1 = self.returned.recv().expect("waiter alive");
        t1.saturating_duration_since(t0)
    }
}

impl Default for Waiter {
    fn default() -> Self {
        Waiter::new()
    }
}

impl Drop for Waiter {
    fn drop(&mut self) {
        // Closing the channel ends the waiter's loop.
        let (dead, _) = mpsc::channel();
        drop(std::mem::replace(&mut self.rounds, dead));
        if let Some(h) = self.handle.take() {
            h.join().expect("waiter thread");
        }
    }
}

/// The wake-latency scenarios, cancelpool's and the peers'.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scenario {
    /// `token.sleep(60 s)` ended by `cancel()`.
    TokenSleep,
    /// `token.wait_while(cv, guard, never)` ended by `cancel()`.
    TokenWaitWhile,
    /// `token.wait_fd(idle UnixStream, Readable, None)` ended by `cancel()`.
    TokenWaitFd,
    /// parking_lot `Condvar` wait ended by flag + `notify_one`.
    Condvar,
    /// `thread::park` ended by flag + `unpark`.
    Park,
    /// `poll` on a UnixStream ended by writing one byte.
    Poll,
}

impl Scenario {
    pub(crate) const ALL: [Scenario; 6] = [
        Scenario::TokenSleep,
        Scenario::TokenWaitWhile,
        Scenario::TokenWaitFd,
        Scenario::Condvar,
        Scenario::Park,
        Scenario::Poll,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Scenario::TokenSleep => "token.sleep",
            Scenario::TokenWaitWhile => "token.wait_while",
            Scenario::TokenWaitFd => "token.wait_fd",
            Scenario::Condvar => "Condvar notify",
            Scenario::Park => "park/unpark",
            Scenario::Poll => "write + poll",
        }
    }

    /// A fresh instance for one round.
    pub(crate) fn make(self) -> Arc<dyn Blocker> {
        match self {
            Scenario::TokenSleep => Arc::new(TokenSleep(Fresh::new())),
            Scenario::TokenWaitWhile => Arc::new(TokenWaitWhile {
                fresh: Fresh::new(),
                lock: Mutex::new(false),
                cv: Condvar::new(),
            }),
            Scenario::TokenWaitFd => {
                let (a, b) = UnixStream::pair().expect("socketpair");
                Arc::new(TokenWaitFd {
                    fresh: Fresh::new(),
                    _a: a,
                    b,
                })
            }
            Scenario::Condvar => Arc::new(CondvarWake {
                lock: Mutex::new(false),
                cv: Condvar::new(),
            }),
            Scenario::Park => Arc::new(ParkWake {
                flag: AtomicBool::new(false),
                thread: OnceLock::new(),
            }),
            Scenario::Poll => {
                let (a, b) = UnixStream::pair().expect("socketpair");
                Arc::new(PollWake { a, b })
            }
        }
    }
}

/// A fresh source and its token.
struct Fresh {
    source: CancelSource,
    token: CancelToken,
}

impl Fresh {
    fn new() -> Fresh {
        let source = CancelSource::new();
        let token = source.token();
        Fresh { source, token }
    }
}

struct TokenSleep(Fresh);

impl Blocker for TokenSleep {
    fn block(&self) {
        assert_eq!(self.0.token.sleep(Duration::from_secs(60)), Err(Cancelled));
    }
    fn wake(&self) {
        self.0.source.cancel();
    }
}

struct TokenWaitWhile {
    fresh: Fresh,
    lock: Mutex<bool>,
    cv: Condvar,
}

impl Blocker for TokenWaitWhile {
    fn block(&self) {
        let mut guard = self.lock.lock();
        let r = self
            .fresh
            .token
            .wait_while(&self.cv, &mut guard, |ready| !*ready);
        assert_eq!(r, Err(Cancelled));
    }
    fn wake(&self) {
        self.fresh.source.cancel();
    }
}

struct TokenWaitFd {
    fresh: Fresh,
    _a: UnixStream,
    b: UnixStream,
}

impl Blocker for TokenWaitFd {
    fn block(&self) {
        let err = self
            .fresh
            .token
            .wait_fd(&self.b, Interest::Readable, None)
            .expect_err("only a cancel ends this wait");
        assert!(Cancelled::is_cancelled_io(&err), "{err}");
    }
    fn wake(&self) {
        self.fresh.source.cancel();
    }
}

struct CondvarWake {
    lock: Mutex<bool>,
    cv: Condvar,
}

impl Blocker for CondvarWake {
    fn block(&self) {
        let mut ready = self.lock.lock();
        while !*ready {
            self.cv.wait(&mut ready);
        }
    }
    fn wake(&self) {
        *self.lock.lock() = true;
        self.cv.notify_one();
    }
}

struct ParkWake {
    flag: AtomicBool,
    thread: OnceLock<Thread>,
}

impl Blocker for ParkWake {
    fn block(&self) {
        self.thread.get_or_init(thread::current);
        while !self.flag.load(Ordering::Acquire) {
            thread::park();
        }
    }
    fn wake(&self) {
        self.flag.store(true, Ordering::Release);
        self.thread.get().expect("waiter registered").unpark();
    }
}

struct PollWake {
    a: UnixStream,
    b: UnixStream,
}

impl Blocker for PollWake {
    fn block(&self) {
        let mut fds = [libc::pollfd {
            fd: self.b.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        }];
        loop {
            // SAFETY: `fds` is one live, initialised pollfd.
            let n = unsafe { libc::poll(fds.as_mut_ptr(), 1, -1) };
            if n == 1 {
                return;
            }
            let err = std::io::Error::last_os_error();
            assert_eq!(err.kind(), std::io::ErrorKind::Interrupted, "poll: {err}");
        }
    }
    fn wake(&self) {
        (&self.a).write_all(b"x").expect("write to socketpair");
    }
}

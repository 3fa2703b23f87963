//! C8: cancellable waits (`sleep`, `wait_cancelled`, `wait_while`, `wait_fd`), through
//! the public API. Time limits here are generous watchdogs (correctness: the wait ended
//! because of the cancel, not because of its own 60 s timeout), never speed targets.

mod common;

use std::io::{self, Write};
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use cancelpool::sync::{Condvar, Mutex};
use cancelpool::{CancelSource, CancelToken, Cancelled, Interest, Ready, disable_cancel};

/// A wait that would last a minute: only a cancel can end it in time.
const LONG: Duration = Duration::from_secs(60);
/// "Promptly": far below `LONG`, far above any scheduling hiccup.
const PROMPT: Duration = Duration::from_secs(2);
const WATCHDOG: Duration = Duration::from_secs(10);

/// The cancellable waits, so that every scenario runs against each of them.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Sleep,
    WaitCancelled,
    WaitCancelledNoLimit,
    WaitWhile,
    WaitFd,
}

#[cfg(not(miri))]
const TIMED: [Kind; 3] = [Kind::Sleep, Kind::WaitCancelled, Kind::WaitFd];
#[cfg(not(miri))]
const ALL: [Kind; 5] = [
    Kind::Sleep,
    Kind::WaitCancelled,
    Kind::WaitCancelledNoLimit,
    Kind::WaitWhile,
    Kind::WaitFd,
];
// Miri has no poll(2): `wait_fd` is left out there.
#[cfg(miri)]
const TIMED: [Kind; 2] = [Kind::Sleep, Kind::WaitCancelled];
#[cfg(miri)]
const ALL: [Kind; 4] = [
    Kind::Sleep,
    Kind::WaitCancelled,
    Kind::WaitCancelledNoLimit,
    Kind::WaitWhile,
];

impl Kind {
    /// Runs the wait on `token` for `timeout` (ignored where the wait has no timeout).
    /// `wait_while` waits on a condition nobody makes false; `wait_fd` on a socket nobody
    /// writes to. `Err` means the wait reported cancellation.
    fn run(self, token: &CancelToken, timeout: Duration) -> Result<(), Cancelled> {
        match self {
            Kind::Sleep => token.sleep(timeout),
            Kind::WaitCancelled => token.wait_cancelled(timeout),
            Kind::WaitCancelledNoLimit => token.wait_cancelled(None),
            Kind::WaitWhile => {
                let lock = Mutex::new(());
                let cv = Condvar::new();
                let mut guard = lock.lock();
                token.wait_while(&cv, &mut guard, |_| true)
            }
            Kind::WaitFd => {
                let (_a, b) = UnixStream::pair().unwrap();
                match token.wait_fd(&b, Interest::Readable, timeout) {
                    Ok(ready) => {
                        assert!(ready.is_timeout(), "nobody wrote: {ready:?}");
                        Ok(())
                    }
                    Err(e) => {
                        assert!(Cancelled::is_cancelled_io(&e), "unexpected error {e}");
                        assert_eq!(e.kind(), io::ErrorKind::Other);
                        Err(Cancelled)
                    }
                }
            }
        }
    }
}

/// Starts `wait` on another thread, cancels once the waiter is (very likely) blocked,
/// and returns the wait's result and how long it took.
fn cancel_during(
    wait: Kind,
    token: CancelToken,
    source: &CancelSource,
) -> (Result<(), Cancelled>, Duration) {
    let barrier = Arc::new(Barrier::new(2));
    let b = Arc::clone(&barrier);
    let waiter = thread::spawn(move || {
        b.wait();
        let start = Instant::now();
        let r = wait.run(&token, LONG);
        (r, start.elapsed())
    });
    barrier.wait();
    // Workload of a cancel-latency scenario: give the waiter time to block.
    thread::sleep(Duration::from_millis(20));
    assert!(source.cancel());
    common::within(WATCHDOG, "waiter", move || waiter.join().unwrap())
}

#[test]
fn every_wait_returns_err_promptly_when_cancelled_from_another_thread() {
    for wait in ALL {
        let source = CancelSource::new();
        let (r, took) = cancel_during(wait, source.token(), &source);
        assert_eq!(r, Err(Cancelled), "{wait:?}");
        assert!(took < PROMPT, "{wait:?} took {took:?}");
    }
}

#[test]
fn every_wait_on_a_descendant_is_woken_by_an_ancestor_cancel() {
    for wait in ALL {
        let root = CancelSource::new();
        let child = CancelSource::child_of(&root.token());
        let grandchild = CancelSource::child_of(&child.token());
        let (r, took) = cancel_during(wait, grandchild.token(), &root);
        assert_eq!(r, Err(Cancelled), "{wait:?}");
        assert!(took < PROMPT, "{wait:?} took {took:?}");
    }
}

#[test]
fn every_wait_returns_err_at_once_when_already_cancelled() {
    for wait in ALL {
        let source = CancelSource::new();
        source.cancel();
        let token = source.token();
        let r = common::within(WATCHDOG, "wait", move || {
            let start = Instant::now();
            (wait.run(&token, LONG), start.elapsed())
        });
        assert_eq!(r.0, Err(Cancelled), "{wait:?}");
        assert!(r.1 < PROMPT, "{wait:?} took {:?}", r.1);
    }
    // Also with a zero timeout.
    let source = CancelSource::new();
    source.cancel();
    assert_eq!(source.token().sleep(Duration::ZERO), Err(Cancelled));
    assert_eq!(
        source.token().wait_cancelled(Duration::ZERO),
        Err(Cancelled)
    );
}

#[test]
fn every_waiter_on_one_token_is_woken() {
    let source = CancelSource::new();
    let barrier = Arc::new(Barrier::new(ALL.len() * 2 + 1));
    let waiters: Vec<_> = ALL
        .iter()
        .chain(ALL.iter())
        .map(|&wait| {
            let token = source.token();
            let b = Arc::clone(&barrier);
            thread::spawn(move || {
                b.wait();
                wait.run(&token, LONG)
            })
        })
        .collect();
    barrier.wait();
    thread::sleep(Duration::from_millis(20)); // workload: let them block
    source.cancel();
    let results = common::within(WATCHDOG, "waiters", move || {
        waiters
            .into_iter()
            .map(|w| w.join().unwrap())
            .collect::<Vec<_>>()
    });
    assert!(results.iter().all(|r| *r == Err(Cancelled)), "{results:?}");
}

#[test]
fn timed_waits_time_out_with_ok() {
    let token = CancelSource::new().token();
    let timeout = Duration::from_millis(30);
    for wait in TIMED {
        let start = Instant::now();
        assert_eq!(wait.run(&token, timeout), Ok(()), "{wait:?}");
        assert!(start.elapsed() >= timeout, "{wait:?} ended early");
    }
    assert_eq!(token.sleep(Duration::ZERO), Ok(()));
    assert_eq!(token.wait_cancelled(Duration::ZERO), Ok(()));
    // The never-cancelled token waits like a plain sleep.
    let start = Instant::now();
    assert_eq!(CancelToken::never().sleep(timeout), Ok(()));
    assert!(start.elapsed() >= timeout);
}

#[test]
fn waits_under_a_guard_are_not_interrupted_and_the_request_is_delivered_after() {
    // The request is made either before the wait starts or (very likely) during it;
    // either way the guarded wait ends at its own timeout.
    for cancel_first in [true, false] {
        for wait in TIMED {
            let source = CancelSource::new();
            let token = source.token();
            if cancel_first {
                source.cancel();
            }
            let barrier = Arc::new(Barrier::new(2));
            let b = Arc::clone(&barrier);
            let timeout = Duration::from_millis(100);
            let waiter = thread::spawn(move || {
                let guard = disable_cancel();
                b.wait(); // the main thread cancels from here on...
                let start = Instant::now();
                let during = wait.run(&token, timeout);
                let took = start.elapsed();
                b.wait(); // ...and has cancelled by here
                let still_disabled = token.checkpoint();
                drop(guard);
                let checkpoint_after = token.checkpoint();
                let wait_after = wait.run(&token, LONG);
                (during, took, still_disabled, checkpoint_after, wait_after)
            });
            barrier.wait();
            source.cancel();
            barrier.wait();
            let (during, took, still_disabled, checkpoint_after, wait_after) =
                common::within(WATCHDOG, "waiter", move || waiter.join().unwrap());
            assert_eq!(during, Ok(()), "{wait:?}: not interrupted");
            assert!(
                took >= timeout,
                "{wait:?}: ended at its timeout, took {took:?}"
            );
            assert_eq!(still_disabled, Ok(()));
            assert_eq!(
                checkpoint_after,
                Err(Cancelled),
                "{wait:?}: delivered after"
            );
            assert_eq!(wait_after, Err(Cancelled), "{wait:?}: next wait");
        }
    }
}

/// State shared by a `wait_while` waiter and the test.
#[derive(Default)]
struct Shared {
    /// Set by the waiter's predicate: it has checked the condition with the lock held.
    entered: bool,
    /// The waited-for condition: the waiter waits while this is false.
    ready: bool,
}

/// What a `wait_while` waiter reports: its result, whether the condition was false at
/// return, and a checkpoint taken after it dropped its guard (if any).
type WaiterReport = (Result<(), Cancelled>, bool, Result<(), Cancelled>);

struct Rendezvous {
    lock: Mutex<Shared>,
    /// What the waiter waits on.
    cv: Condvar,
    /// Tells the test that the waiter has entered.
    entered_cv: Condvar,
}

impl Rendezvous {
    fn new() -> Arc<Rendezvous> {
        Arc::new(Rendezvous {
            lock: Mutex::new(Shared::default()),
            cv: Condvar::new(),
            entered_cv: Condvar::new(),
        })
    }

    /// The waiter: waits while `!ready`; reports its result and that it returned.
    fn spawn_waiter(
        self: &Arc<Self>,
        token: CancelToken,
        disabled: bool,
    ) -> (mpsc::Receiver<WaiterReport>, Arc<AtomicBool>) {
        let (tx, rx) = mpsc::channel();
        let returned = Arc::new(AtomicBool::new(false));
        let r = Arc::clone(self);
        let ret = Arc::clone(&returned);
        thread::spawn(move || {
            let guard = disabled.then(disable_cancel);
            let mut shared = r.lock.lock();
            let result = token.wait_while(&r.cv, &mut shared, |s| {
                if !s.entered {
                    s.entered = true;
                    r.entered_cv.notify_all();
                }
                !s.ready
            });
            let ready_at_return = shared.ready;
            ret.store(true, Ordering::SeqCst);
            drop(shared);
            drop(guard);
            let _ = tx.send((result, ready_at_return, token.checkpoint()));
        });
        (rx, returned)
    }

    /// Locks and waits until the waiter is parked on `cv` (it released the lock after
    /// its predicate ran, so holding the lock now means it is blocked in the wait).
    fn lock_when_parked(&self) -> cancelpool::sync::MutexGuard<'_, Shared> {
        let mut shared = self.lock.lock();
        while !shared.entered {
            self.entered_cv.wait(&mut shared);
        }
        shared
    }
}

#[test]
fn wait_while_returns_ok_when_the_condition_becomes_false() {
    let r = Rendezvous::new();
    let source = CancelSource::new();
    let (rx, _) = r.spawn_waiter(source.token(), false);
    {
        let mut shared = r.lock_when_parked();
        shared.ready = true;
        r.cv.notify_all();
    }
    let (result, ready, after) = rx.recv_timeout(WATCHDOG).expect("waiter hung");
    assert_eq!(result, Ok(()));
    assert!(ready, "returned with the lock held and the condition false");
    assert_eq!(after, Ok(()));
    // A condition already false returns at once, without waiting.
    let lock = Mutex::new(5);
    let mut g = lock.lock();
    assert_eq!(
        source
            .token()
            .wait_while(&Condvar::new(), &mut g, |v| *v != 5),
        Ok(())
    );
    // Cancellation is checked before the condition: a cancellation point.
    source.cancel();
    assert_eq!(
        source
            .token()
            .wait_while(&Condvar::new(), &mut g, |v| *v != 5),
        Err(Cancelled)
    );
    *g += 1; // still locked after Err
}

#[test]
fn wait_while_cancelled_by_a_thread_holding_the_mutex_does_not_deadlock() {
    for round in 0..common::scaled(20, 3) {
        let r = Rendezvous::new();
        let source = CancelSource::new();
        let (rx, returned) = r.spawn_waiter(source.token(), false);
        let shared = r.lock_when_parked();
        // Cancel while holding the waiter's mutex: must return.
        let s = source.clone();
        assert!(common::within(
            WATCHDOG,
            "cancel under the user's mutex",
            move || s.cancel()
        ));
        assert!(
            !returned.load(Ordering::SeqCst),
            "the waiter cannot return while we hold its mutex"
        );
        drop(shared);
        let (result, ready, _) = rx.recv_timeout(WATCHDOG).unwrap_or_else(|_| {
            panic!("round {round}: waiter not woken after the mutex was released")
        });
        assert_eq!(result, Err(Cancelled));
        assert!(!ready);
    }
}

#[test]
fn wait_while_under_a_guard_ends_on_its_condition_and_delivers_after() {
    let r = Rendezvous::new();
    let source = CancelSource::new();
    let (rx, returned) = r.spawn_waiter(source.token(), true);
    {
        let _shared = r.lock_when_parked();
        assert!(source.cancel());
    }
    // Give a (wrong) interrupted wait every chance to return before the condition.
    thread::sleep(Duration::from_millis(50));
    assert!(
        !returned.load(Ordering::SeqCst),
        "interrupted under a guard"
    );
    {
        let mut shared = r.lock.lock();
        shared.ready = true;
        r.cv.notify_all();
    }
    let (result, ready, after) = rx.recv_timeout(WATCHDOG).expect("waiter hung");
    assert_eq!(result, Ok(()), "not interrupted");
    assert!(ready, "ended on its condition");
    assert_eq!(after, Err(Cancelled), "first checkpoint after the guard");
}

#[test]
#[cfg_attr(miri, ignore)] // miri has no poll(2)
fn wait_fd_reports_readiness() {
    let (mut a, b) = UnixStream::pair().unwrap();
    let token = CancelSource::new().token();
    let short = Duration::from_millis(10);
    let ready = token.wait_fd(&b, Interest::Readable, short).unwrap();
    assert!(ready.is_timeout());
    assert_eq!(ready, Ready::default());
    let ready = token.wait_fd(&b, Interest::Writable, LONG).unwrap();
    assert!(ready.is_writable() && !ready.is_readable() && !ready.is_timeout());
    a.write_all(b"x").unwrap();
    let ready = token.wait_fd(&b, Interest::Readable, LONG).unwrap();
    assert!(ready.is_readable() && !ready.is_writable());
    let ready = token.wait_fd(&b, Interest::Both, LONG).unwrap();
    assert!(ready.is_readable() && ready.is_writable());
    // A borrowed fd works as well as a reference.
    use std::os::fd::AsFd;
    assert!(
        token
            .wait_fd(b.as_fd(), Interest::Readable, None)
            .unwrap()
            .is_readable()
    );
    drop(a);
    let ready = token.wait_fd(&b, Interest::Readable, LONG).unwrap();
    assert!(ready.is_readable() || ready.is_hangup(), "{ready:?}");
    // The never-cancelled token polls the fd alone.
    let (mut c, d) = UnixStream::pair().unwrap();
    assert!(
        CancelToken::never()
            .wait_fd(&d, Interest::Readable, short)
            .unwrap()
            .is_timeout()
    );
    c.write_all(b"y").unwrap();
    assert!(
        CancelToken::never()
            .wait_fd(&d, Interest::Readable, None)
            .unwrap()
            .is_readable()
    );
}

#[test]
#[cfg_attr(miri, ignore)] // miri has no poll(2)
fn wait_fd_woken_by_data_from_another_thread() {
    let (mut a, b) = UnixStream::pair().unwrap();
    let token = CancelSource::new().token();
    let barrier = Arc::new(Barrier::new(2));
    let bw = Arc::clone(&barrier);
    let waiter = thread::spawn(move || {
        bw.wait();
        token.wait_fd(&b, Interest::Readable, LONG)
    });
    barrier.wait();
    a.write_all(b"x").unwrap();
    let ready = common::within(WATCHDOG, "waiter", move || waiter.join().unwrap()).unwrap();
    assert!(ready.is_readable());
}

#[test]
#[cfg_attr(miri, ignore)] // miri has no poll(2)
fn wait_fd_cancelled_is_an_io_error_of_kind_other_carrying_cancelled() {
    let (mut a, b) = UnixStream::pair().unwrap();
    let source = CancelSource::new();
    source.cancel();
    a.write_all(b"x").unwrap(); // even with data ready, the cancellation point wins
    let err = source
        .token()
        .wait_fd(&b, Interest::Readable, LONG)
        .unwrap_err();
    // Not `Interrupted`, which std's read_exact/write_all/io::copy would retry forever.
    assert_eq!(err.kind(), io::ErrorKind::Other);
    assert!(Cancelled::is_cancelled_io(&err));
    assert_eq!(
        err.get_ref().and_then(|e| e.downcast_ref::<Cancelled>()),
        Some(&Cancelled)
    );
    // Under a guard the fd's readiness is reported instead.
    let _g = disable_cancel();
    assert!(
        source
            .token()
            .wait_fd(&b, Interest::Readable, LONG)
            .unwrap()
            .is_readable()
    );
}

/// Races `cancel()` against entry into `wait` for `rounds` rounds. The waiter runs on
/// one long-lived thread with a timeout of a few seconds as a watchdog: it must report
/// `Err(Cancelled)`, never time out, never hang.
///
/// To make the race real, the waiter announces "entering now" just before the call and
/// the canceller, spinning on that announcement, cancels after a delay that sweeps
/// 0..5 µs across rounds (in debug builds the waiter reaches its blocking step about
/// 1–2 µs after announcing): over the rounds the cancel lands before,
/// inside and after the waiter's check-then-block window. Every third round cancels
/// before the waiter even has the token.
fn race_cancel_with_entry(wait: Kind, rounds: usize) {
    const WAIT_LIMIT: Duration = Duration::from_secs(5);
    const DELAY_NS: u64 = 5_000;
    let entering = Arc::new(AtomicUsize::new(usize::MAX));
    let (job_tx, job_rx) = mpsc::channel::<(usize, CancelToken)>();
    let (res_tx, res_rx) = mpsc::channel::<Result<(), Cancelled>>();
    let e = Arc::clone(&entering);
    let waiter = thread::spawn(move || {
        for (round, token) in job_rx {
            e.store(round, Ordering::SeqCst);
            res_tx.send(wait.run(&token, WAIT_LIMIT)).unwrap();
        }
    });
    for round in 0..rounds {
        let source = CancelSource::new();
        let token = source.token();
        if round % 3 == 0 {
            source.cancel();
            job_tx.send((round, token)).unwrap();
        } else {
            job_tx.send((round, token)).unwrap();
            let give_up = Instant::now() + WAIT_LIMIT;
            // Spin briefly (to see the announcement within nanoseconds), then yield: on a
            // loaded machine a canceller that only spins keeps the waiter off the CPU.
            'seen: while Instant::now() < give_up {
                for _ in 0..200 {
                    if entering.load(Ordering::SeqCst) == round {
                        break 'seen;
                    }
                    std::hint::spin_loop();
                }
                thread::yield_now();
            }
            let seen = Instant::now();
            let delay = Duration::from_nanos((round as u64 * 37) % DELAY_NS);
            while seen.elapsed() < delay {
                std::hint::spin_loop();
            }
            source.cancel();
        }
        let r = res_rx
            .recv_timeout(WAIT_LIMIT * 2)
            .unwrap_or_else(|_| panic!("{wait:?} round {round}: the waiter hung"));
        assert_eq!(r, Err(Cancelled), "{wait:?} round {round}: cancel missed");
    }
    drop(job_tx);
    waiter.join().unwrap();
}

#[test]
fn cancel_racing_entry_into_sleep_is_never_missed() {
    race_cancel_with_entry(Kind::Sleep, common::scaled(2000, 30));
}

#[test]
fn cancel_racing_entry_into_wait_cancelled_is_never_missed() {
    race_cancel_with_entry(Kind::WaitCancelled, common::scaled(2000, 30));
    race_cancel_with_entry(Kind::WaitCancelledNoLimit, common::scaled(1000, 15));
}

#[test]
fn cancel_racing_entry_into_wait_while_is_never_missed() {
    race_cancel_with_entry(Kind::WaitWhile, common::scaled(2000, 30));
}

#[test]
#[cfg_attr(miri, ignore)] // miri has no poll(2)
fn cancel_racing_entry_into_wait_fd_is_never_missed() {
    race_cancel_with_entry(Kind::WaitFd, 2000);
}

#[test]
fn cancel_under_the_mutex_racing_entry_into_wait_while_is_never_missed() {
    // The canceller takes the waiter's mutex around `cancel()`, racing the waiter's
    // entry: the poke cannot take the mutex and must be retried later.
    for round in 0..common::scaled(1000, 20) {
        let pair = Arc::new((Mutex::new(()), Condvar::new()));
        let source = CancelSource::new();
        let token = source.token();
        let p = Arc::clone(&pair);
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            let (lock, cv) = &*p;
            let mut g = lock.lock();
            let _ = tx.send(token.wait_while(cv, &mut g, |_| true));
        });
        {
            let _held = pair.0.lock();
            source.cancel();
        }
        let r = rx
            .recv_timeout(WATCHDOG)
            .unwrap_or_else(|_| panic!("round {round}: the waiter hung"));
        assert_eq!(r, Err(Cancelled), "round {round}");
    }
}

// ---------------------------------------------------------------------------------------
// wait_fd under std's I/O helpers, and the fd's mode

/// A pipe whose read end `wait_fd`s before each read: the reader a user builds on the
/// token. Its reads are counted; past `MAX_READS` it fails with an error of its own, so
/// that a cancellation retried by std (the bug this guards against) ends the test with a
/// clear message instead of spinning.
struct PipeReader {
    file: std::fs::File,
    token: CancelToken,
    reads: usize,
    /// Told the byte count of every successful read.
    progress: mpsc::Sender<usize>,
}

const MAX_READS: usize = 1000;

impl io::Read for PipeReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.reads += 1;
        if self.reads > MAX_READS {
            return Err(io::Error::other(
                "read() called again and again: a retry loop",
            ));
        }
        self.token.wait_fd(&self.file, Interest::Readable, LONG)?;
        let n = self.file.read(buf)?;
        let _ = self.progress.send(n);
        Ok(n)
    }
}

/// A pipe: (read end, write end), blocking, close-on-exec.
fn pipe() -> (std::fs::File, std::fs::File) {
    use std::os::fd::FromRawFd;
    let mut fds = [0 as libc::c_int; 2];
    // SAFETY: `fds` has room for the two descriptors `pipe` writes.
    let rc = unsafe { libc::pipe(fds.as_mut_ptr()) };
    assert_eq!(rc, 0, "pipe: {}", io::Error::last_os_error());
    // SAFETY: both are fresh descriptors that nothing else owns.
    unsafe {
        (
            std::fs::File::from_raw_fd(fds[0]),
            std::fs::File::from_raw_fd(fds[1]),
        )
    }
}

/// Runs `consume` (e.g. `read_exact`) on a `PipeReader` on another thread; writes 3 bytes
/// (fewer than it wants), waits until the reader has read them (so that it is back in
/// `wait_fd` for the rest, or about to be), cancels, and returns what `consume` returned
/// and how many reads it made.
fn cancel_mid_read(
    consume: impl FnOnce(&mut PipeReader) -> io::Result<()> + Send + 'static,
) -> (io::Result<()>, usize) {
    let (read_end, mut write_end) = pipe();
    let source = CancelSource::new();
    let (progress_tx, progress_rx) = mpsc::channel();
    let mut reader = PipeReader {
        file: read_end,
        token: source.token(),
        reads: 0,
        progress: progress_tx,
    };
    let consumer = thread::spawn(move || {
        let result = consume(&mut reader);
        (result, reader.reads)
    });
    write_end.write_all(b"abc").unwrap();
    // The rendezvous: the reader reports the 3 bytes it read.
    let mut got = 0;
    while got < 3 {
        got += progress_rx
            .recv_timeout(WATCHDOG)
            .expect("the reader reads the bytes");
    }
    assert!(source.cancel());
    let out = common::within(WATCHDOG, "read after cancel", move || {
        consumer.join().unwrap()
    });
    drop(write_end);
    out
}

#[test]
#[cfg_attr(miri, ignore)] // miri has no poll(2)
fn read_exact_over_a_cancellable_pipe_reader_returns_after_cancel() {
    use std::io::Read;
    let (result, reads) = cancel_mid_read(|reader| reader.read_exact(&mut [0u8; 8]));
    let err = result.unwrap_err();
    assert!(
        Cancelled::is_cancelled_io(&err),
        "not a cancellation: {err}"
    );
    assert_eq!(err.kind(), io::ErrorKind::Other);
    // One read got the 3 bytes; the next one's wait_fd was cancelled, and read_exact
    // returned that error instead of calling read() again.
    assert_eq!(reads, 2, "read_exact retried the cancellation");
}

#[test]
#[cfg_attr(miri, ignore)] // miri has no poll(2)
fn io_copy_from_a_cancellable_pipe_reader_returns_after_cancel() {
    let (result, reads) = cancel_mid_read(|reader| io::copy(reader, &mut io::sink()).map(drop));
    let err = result.unwrap_err();
    assert!(
        Cancelled::is_cancelled_io(&err),
        "not a cancellation: {err}"
    );
    assert_eq!(reads, 2, "io::copy retried the cancellation");
}

/// The file status flags of `fd` (`O_NONBLOCK` among them).
fn status_flags(fd: &impl std::os::fd::AsRawFd) -> libc::c_int {
    // SAFETY: F_GETFL on a descriptor the caller keeps open.
    let flags = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETFL) };
    assert!(flags >= 0, "fcntl: {}", io::Error::last_os_error());
    flags
}

#[test]
#[cfg_attr(miri, ignore)] // miri has no poll(2)
fn wait_fd_works_on_blocking_and_non_blocking_fds_and_leaves_the_mode_alone() {
    for nonblocking in [false, true] {
        let (mut a, b) = UnixStream::pair().unwrap();
        b.set_nonblocking(nonblocking).unwrap();
        let flags = status_flags(&b);
        assert_eq!(flags & libc::O_NONBLOCK != 0, nonblocking);
        let source = CancelSource::new();
        let token = source.token();
        // Readiness.
        a.write_all(b"x").unwrap();
        assert!(
            token
                .wait_fd(&b, Interest::Readable, LONG)
                .unwrap()
                .is_readable()
        );
        assert_eq!(status_flags(&b), flags, "wait_fd changed the fd's mode");
        let mut byte = [0u8; 1];
        assert_eq!(io::Read::read(&mut &b, &mut byte).unwrap(), 1);
        // Cancellation of a wait that nothing else ends.
        let barrier = Arc::new(Barrier::new(2));
        let bw = Arc::clone(&barrier);
        let waiter = thread::spawn(move || {
            bw.wait();
            let r = token.wait_fd(&b, Interest::Readable, LONG);
            (r, b)
        });
        barrier.wait();
        source.cancel();
        let (r, b) = common::within(WATCHDOG, "wait_fd", move || waiter.join().unwrap());
        assert!(Cancelled::is_cancelled_io(&r.unwrap_err()));
        assert_eq!(status_flags(&b), flags, "wait_fd changed the fd's mode");
    }
}

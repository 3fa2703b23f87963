//! Helpers shared by the integration tests.
#![allow(dead_code)] // each test binary uses a different subset

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// A global allocator that counts, per thread, the bytes allocated minus the bytes freed
/// and the number of allocations made by that thread, and — for threads that opted in
/// (e.g. a pool's workers, through their start handler) — a process-wide allocation
/// count while a measurement runs. A test reads what its own threads did; other tests
/// running in parallel cannot disturb it.
pub(crate) struct CountingAlloc;

std::thread_local! {
    // Const-initialised and without destructors: safe to touch from inside the allocator.
    static NET_BYTES: Cell<isize> = const { Cell::new(0) };
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
    static OPTED_IN: Cell<bool> = const { Cell::new(false) };
}

static MEASURING_OPTED_IN: AtomicBool = AtomicBool::new(false);
static OPTED_IN_ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

fn account(delta: isize) {
    let _ = NET_BYTES.try_with(|n| n.set(n.get() + delta));
}

fn count_allocation() {
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
    if MEASURING_OPTED_IN.load(Ordering::SeqCst) && OPTED_IN.try_with(Cell::get).unwrap_or(false) {
        OPTED_IN_ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
    }
}

/// Runs `f` and returns its result and how many allocations this thread made in it.
pub(crate) fn allocations_during<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let before = ALLOCATIONS.with(Cell::get);
    let r = f();
    (r, ALLOCATIONS.with(Cell::get) - before)
}

/// Makes this thread's allocations count in [`opted_in_allocations_during`].
pub(crate) fn opt_in_this_thread() {
    OPTED_IN.with(|o| o.set(true));
}

/// Runs `f` and returns its result and how many allocations all opted-in threads made
/// meanwhile (measurements of this kind must not overlap).
pub(crate) fn opted_in_allocations_during<R>(f: impl FnOnce() -> R) -> (R, usize) {
    OPTED_IN_ALLOCATIONS.store(0, Ordering::SeqCst);
    MEASURING_OPTED_IN.store(true, Ordering::SeqCst);
    let r = f();
    MEASURING_OPTED_IN.store(false, Ordering::SeqCst);
    (r, OPTED_IN_ALLOCATIONS.load(Ordering::SeqCst))
}

// SAFETY: every call is forwarded unchanged to the system allocator; the bookkeeping
// only touches a thread-local `Cell`, which neither allocates nor unwinds.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            account(layout.size() as isize);
            count_allocation();
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            account(layout.size() as isize);
            count_allocation();
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        account(-(layout.size() as isize));
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            account(new_size as isize - layout.size() as isize);
            count_allocation();
        }
        p
    }
}

/// Bytes allocated minus bytes freed by this thread so far (see [`CountingAlloc`]).
pub(crate) fn net_bytes_on_this_thread() -> isize {
    NET_BYTES.with(Cell::get)
}

/// Runs `f` on a fresh thread and returns its result, failing the test if it has not
/// finished within `limit` (a watchdog against hangs; the limit is generous and is not
/// a speed requirement). A hung thread is left behind; the test fails either way.
pub(crate) fn within<T: Send + 'static>(
    limit: Duration,
    what: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = mpsc::channel();
    let handle = thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(limit) {
        Ok(v) => {
            handle.join().expect("watchdog thread");
            v
        }
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("{what}: did not finish within {limit:?}"),
        Err(mpsc::RecvTimeoutError::Disconnected) => match handle.join() {
            Err(payload) => std::panic::resume_unwind(payload),
            Ok(()) => unreachable!("the thread sends before it ends"),
        },
    }
}

// ---------------------------------------------------------------------------------------
// Helpers of the pool tests.

/// Generous bound for "this must not deadlock" in the pool tests: far above any
/// legitimate run time, so it fires only on a real hang, never because the machine is
/// busy.
pub(crate) const WATCHDOG: Duration = Duration::from_secs(20);

/// The prefix of panic messages the tests raise on purpose.
pub(crate) const EXPECTED: &str = "expected panic";

/// Installs (once per test binary) a panic hook that stays silent for panics whose
/// message starts with [`EXPECTED`] and defers to the previous hook otherwise.
pub(crate) fn quiet_expected_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !panic_message(info.payload()).starts_with(EXPECTED) {
                previous(info);
            }
        }));
    });
}

/// The message of a panic payload (`&str` or `String`).
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "<non-string payload>".to_owned())
}

/// Polls `cond` (yielding between polls) until it holds or `limit` passes; returns
/// whether it held. For conditions that become true "eventually" by design, such as
/// idle workers parking; never a substitute for synchronising with a job.
pub(crate) fn eventually(limit: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let deadline = std::time::Instant::now() + limit;
    loop {
        if cond() {
            return true;
        }
        if std::time::Instant::now() >= deadline {
            return false;
        }
        thread::yield_now();
    }
}

/// `full` normally, `under_miri` when the test runs under miri: the interpreter is some
/// thousands of times slower, so loops and sizes shrink to keep `scripts/miri.sh` within
/// minutes. Pick `under_miri` so that the scenario still happens (a race still races, a
/// churn still reuses slots).
pub(crate) const fn scaled(full: usize, under_miri: usize) -> usize {
    if cfg!(miri) { under_miri } else { full }
}

/// xorshift64*: small, seeded, reproducible test inputs.
#[derive(Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub(crate) fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    pub(crate) fn range(&mut self, lo: u64, hi_inclusive: u64) -> u64 {
        lo + self.below(hi_inclusive - lo + 1)
    }

    pub(crate) fn chance(&mut self, one_in: u64) -> bool {
        self.below(one_in) == 0
    }

    pub(crate) fn vec(&mut self, len: usize, max: u64) -> Vec<u64> {
        (0..len).map(|_| self.below(max)).collect()
    }
}

/// Runs this test binary again for the one test `name`, with `env` set, and returns its
/// exit status and stdout; fails the test if the child has not exited within 60 s.
pub(crate) fn run_child(name: &str, env: &[(&str, &str)]) -> (std::process::ExitStatus, String) {
    use std::process::{Command, Stdio};
    use std::time::Instant;
    let mut child = Command::new(std::env::current_exe().expect("test binary path"))
        .args(["--exact", name, "--nocapture", "--test-threads=1"])
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn the child test process");
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the child") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("child test {name} did not exit");
        }
        // Polling a child process: the sleep is the wait itself, not a synchronisation.
        thread::sleep(Duration::from_millis(10));
    };
    let mut out = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().expect("piped stdout"), &mut out)
        .expect("read the child's stdout");
    (status, out)
}

/// A child process whose stdout the test reads line by line as it comes, to rendezvous
/// with it ("ready" lines) before acting on it (signals).
#[cfg(unix)]
pub(crate) struct LineChild {
    child: std::process::Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

#[cfg(unix)]
impl LineChild {
    /// Starts `cmd` with stdout piped (stderr inherited).
    pub(crate) fn spawn(mut cmd: std::process::Command) -> LineChild {
        use std::io::BufRead;
        let mut child = cmd
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::inherit())
            .spawn()
            .expect("spawn the child process");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, lines) = mpsc::channel();
        thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        LineChild {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// The child's pid.
    pub(crate) fn id(&self) -> i32 {
        self.child.id() as i32
    }

    /// Waits (up to 60 s, a watchdog) for a line starting with `prefix` and returns it.
    pub(crate) fn wait_for_line(&mut self, prefix: &str) -> String {
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.starts_with(prefix) {
                        return line;
                    }
                }
                Err(_) => {
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    panic!(
                        "the child never printed a line starting with {prefix:?}; it printed:\n{}",
                        self.seen.join("\n")
                    );
                }
            }
        }
    }

    /// Sends `sig` to process `pid` (the child, or one it started).
    pub(crate) fn signal(pid: i32, sig: i32) {
        // SAFETY: a plain syscall.
        let r = unsafe { libc::kill(pid, sig) };
        assert_eq!(r, 0, "kill: {}", std::io::Error::last_os_error());
    }

    /// Waits (up to 60 s, a watchdog) for the child to exit; returns its status and
    /// every line it printed.
    pub(crate) fn finish(mut self) -> (std::process::ExitStatus, Vec<String>) {
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait for the child") {
                break status;
            }
            if std::time::Instant::now() > deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!("the child did not exit:\n{}", self.seen.join("\n"));
            }
            // Polling a child process: the sleep is the wait itself, not a synchronisation.
            thread::sleep(Duration::from_millis(10));
        };
        // The reader ends at EOF; every line is in the channel by then or soon after.
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            let rest: Vec<String> = self.lines.iter().collect();
            let _ = tx.send(rest);
        });
        let rest = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("the child's stdout closes");
        self.seen.extend(rest);
        (status, self.seen)
    }
}

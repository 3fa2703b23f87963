//! Helpers shared by the integration tests of the cancellation core.
#![allow(dead_code)] // each test binary uses a different subset

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// A global allocator that counts, per thread, the bytes allocated minus the bytes freed
/// by that thread. A test that allocates and frees on one thread reads a growth that
/// other tests running in parallel cannot disturb.
pub(crate) struct CountingAlloc;

std::thread_local! {
    // Const-initialised and without a destructor: safe to touch from inside the allocator.
    static NET_BYTES: Cell<isize> = const { Cell::new(0) };
}

fn account(delta: isize) {
    let _ = NET_BYTES.try_with(|n| n.set(n.get() + delta));
}

// SAFETY: every call is forwarded unchanged to the system allocator; the bookkeeping
// only touches a thread-local `Cell`, which neither allocates nor unwinds.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            account(layout.size() as isize);
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            account(layout.size() as isize);
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

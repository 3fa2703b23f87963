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

/// `full` normally, `under_miri` when the test runs under miri: the interpreter is some
/// thousands of times slower, so loops and sizes shrink to keep `scripts/miri.sh` within
/// minutes. Pick `under_miri` so that the scenario still happens (a race still races, a
/// churn still reuses slots).
pub(crate) const fn scaled(full: usize, under_miri: usize) -> usize {
    if cfg!(miri) {
        under_miri
    } else {
        full
    }
}

//! `alloc`: heap allocations per `join`, `scope.spawn`, `submit` and `spawn`, counted
//! by a counting `#[global_allocator]` on every thread, while a row measures.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::harness::{Bar, Config, Fig, Row, Variant, interleaved, median};
use crate::jobs::{cp_spawn_all, cp_submit_all, rayon_spawn_all};
use crate::pools::{cp_pool, rayon_pool};

/// The system allocator, counting allocations while [`COUNTING`] is set.
struct CountingAlloc;

/// Set while an allocation row measures.
static COUNTING: AtomicBool = AtomicBool::new(false);
/// Allocations (`alloc`, `alloc_zeroed`, `realloc`) made while [`COUNTING`] was set.
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

impl CountingAlloc {
    #[inline(always)]
    fn count() {
        // Relaxed: a plain counter, read after the measured work has joined its threads;
        // an allocation racing the flag's edges belongs to no operation.
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
    }
}

// SAFETY: every call is forwarded unchanged to `System`, which upholds the contract.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        Self::count();
        // SAFETY: the caller's contract, forwarded.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        Self::count();
        // SAFETY: the caller's contract, forwarded.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        Self::count();
        // SAFETY: the caller's contract, forwarded.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract, forwarded.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

/// Allocations per operation made (on any thread) by `run`, which performs `ops`
/// operations and returns only when all of them finished.
fn allocs_per_op(ops: usize, run: impl FnOnce()) -> f64 {
    ALLOCATIONS.store(0, Ordering::SeqCst);
    COUNTING.store(true, Ordering::SeqCst);
    run();
    COUNTING.store(false, Ordering::SeqCst);
    ALLOCATIONS.load(Ordering::SeqCst) as f64 / ops as f64
}

pub(crate) fn alloc_rows(_cfg: &Config, rows: &mut Vec<Row>) {
    const N: usize = 20_000;
    let cp = cp_pool(2);
    let ry = rayon_pool(2);
    let mut handles = Vec::with_capacity(N);
    let mut variants: Vec<Variant<'_>> = vec![
        (
            "cancelpool join",
            Box::new(|| {
                cp.install(|| {
                    allocs_per_op(N, || {
                        for _ in 0..N {
                            black_box(cancelpool::join(|| black_box(1), || black_box(2)));
                        }
                    })
                })
            }),
        ),
        (
            "rayon join",
            Box::new(|| {
                ry.install(|| {
                    allocs_per_op(N, || {
                        for _ in 0..N {
                            black_box(rayon::join(|| black_box(1), || black_box(2)));
                        }
                    })
                })
            }),
        ),
        (
            "cancelpool scope.spawn",
            Box::new(|| {
                cp.install(|| {
                    allocs_per_op(N, || {
                        cancelpool::scope(|s| {
                            for _ in 0..N {
                                s.spawn(|_| {});
                            }
                        })
                    })
                })
            }),
        ),
        (
            "rayon scope.spawn",
            Box::new(|| {
                ry.install(|| {
                    allocs_per_op(N, || {
                        rayon::scope(|s| {
                            for _ in 0..N {
                                s.spawn(|_| {});
                            }
                        })
                    })
                })
            }),
        ),
        (
            "cancelpool submit",
            Box::new(|| allocs_per_op(N, || cp_submit_all(&cp, N, &mut handles))),
        ),
        (
            "rayon spawn",
            Box::new(|| allocs_per_op(N, || rayon_spawn_all(&ry, N))),
        ),
        (
            "cancelpool spawn",
            Box::new(|| allocs_per_op(N, || cp_spawn_all(&cp, N))),
        ),
    ];
    let s = interleaved(3, &mut variants);
    let fig = |i: usize| Fig::Allocs(median(&s[i]));
    rows.push(Row::new(
        "allocations per `join` (2 workers, some halves stolen)",
        fig(0),
        variants[1].0,
        fig(1),
        Bar::MaxAllocs(0.0),
    ));
    rows.push(Row::new(
        "allocations per `scope.spawn` (from a worker)",
        fig(2),
        variants[3].0,
        fig(3),
        Bar::MaxAllocs(1.0),
    ));
    rows.push(Row::new(
        "allocations per `submit` from outside (job + handle state), incl. joining the handle",
        fig(4),
        variants[5].0,
        fig(5),
        Bar::MaxAllocs(1.0),
    ));
    rows.push(Row::new(
        "allocations per `spawn` from outside",
        fig(6),
        variants[5].0,
        fig(5),
        Bar::None,
    ));
}

//! `join` (P2): results, parallelism, panic propagation after both halves finished,
//! `join_context`, and no heap allocation on the hot path.

mod common;

use std::hint::black_box;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex, mpsc};
use std::time::Duration;

use cancelpool::{ThreadPool, ThreadPoolBuilder};
use common::{EXPECTED, WATCHDOG, within};

#[global_allocator]
static ALLOC: common::CountingAlloc = common::CountingAlloc;

// ---------------------------------------------------------------------------------------

fn pool(n: usize) -> ThreadPool {
    ThreadPoolBuilder::new().num_threads(n).build().unwrap()
}

fn fib_seq(n: u64) -> u64 {
    if n < 2 {
        n
    } else {
        fib_seq(n - 1) + fib_seq(n - 2)
    }
}

fn fib_join(n: u64) -> u64 {
    if n < 2 {
        return n;
    }
    let (a, b) = cancelpool::join(|| fib_join(n - 1), || fib_join(n - 2));
    a + b
}

#[test]
fn fib_with_join_at_every_level_matches_the_sequential_result() {
    let pool = pool(3);
    for n in [0, 1, 2, 10, 22] {
        assert_eq!(pool.install(|| fib_join(n)), fib_seq(n), "fib({n})");
    }
    assert_eq!(pool.join(|| fib_join(15), || fib_seq(16)), (610, 987));
}

#[test]
fn both_halves_run_in_parallel_when_a_worker_is_free() {
    // Each half waits for the other at a barrier: unless the second half is taken by the
    // other worker while the first one waits, this deadlocks.
    within(WATCHDOG, "join halves meeting at a barrier", || {
        let pool = pool(2);
        for round in 0..100 {
            if round % 25 == 0 {
                // Sometimes start from a pool whose workers are parked, so that the
                // forked half has to wake a sleeper (bounded: parking can take a while
                // on a loaded machine; the round is valid either way).
                common::eventually(Duration::from_secs(2), || pool.stats().parked == 2);
            }
            let barrier = Barrier::new(2);
            let (a, b) = pool.install(|| {
                cancelpool::join(
                    || {
                        barrier.wait();
                        std::thread::current().id()
                    },
                    || {
                        barrier.wait();
                        std::thread::current().id()
                    },
                )
            });
            assert_ne!(a, b);
        }
    });
}

#[test]
fn a_panic_in_a_propagates_after_b_finished() {
    common::quiet_expected_panics();
    let pool = pool(2);
    for _ in 0..20 {
        let b_done = AtomicBool::new(false);
        let (tx, rx) = mpsc::channel::<()>();
        let rx = Mutex::new(rx);
        let result = panic::catch_unwind(AssertUnwindSafe(|| {
            pool.install(|| {
                cancelpool::join(
                    || {
                        tx.send(()).unwrap();
                        panic!("{EXPECTED}: a");
                    },
                    || {
                        // Still busy when `a` panics.
                        rx.lock().unwrap().recv_timeout(WATCHDOG).unwrap();
                        for _ in 0..200 {
                            std::thread::yield_now();
                        }
                        b_done.store(true, Ordering::SeqCst);
                    },
                )
            })
        }));
        let payload = result.unwrap_err();
        assert_eq!(common::panic_message(&*payload), format!("{EXPECTED}: a"));
        assert!(b_done.load(Ordering::SeqCst), "b finished before the panic");
    }
}

#[test]
fn a_panic_in_b_propagates_after_a_finished() {
    common::quiet_expected_panics();
    let pool = pool(2);
    for _ in 0..20 {
        let a_done = AtomicBool::new(false);
        let barrier = Barrier::new(2);
        let result = panic::catch_unwind(AssertUnwindSafe(|| {
            pool.install(|| {
                cancelpool::join(
                    || {
                        barrier.wait();
                        for _ in 0..200 {
                            std::thread::yield_now();
                        }
                        a_done.store(true, Ordering::SeqCst);
                    },
                    || {
                        barrier.wait();
                        panic!("{EXPECTED}: b");
                    },
                )
            })
        }));
        let payload = result.unwrap_err();
        assert_eq!(common::panic_message(&*payload), format!("{EXPECTED}: b"));
        assert!(a_done.load(Ordering::SeqCst));
    }
    // Not stolen: `b` runs inline after `a` and its panic still comes out.
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        pool.install(|| cancelpool::join(|| 1, || panic!("{EXPECTED}: inline b")))
    }));
    let payload = result.unwrap_err();
    assert_eq!(
        common::panic_message(&*payload),
        format!("{EXPECTED}: inline b")
    );
}

#[test]
fn when_both_halves_panic_the_first_halfs_panic_wins() {
    common::quiet_expected_panics();
    let pool = pool(2);
    let b_ran = AtomicBool::new(false);
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        pool.install(|| {
            cancelpool::join(
                || panic!("{EXPECTED}: first"),
                || {
                    b_ran.store(true, Ordering::SeqCst);
                    panic!("{EXPECTED}: second");
                },
            )
        })
    }));
    assert_eq!(
        common::panic_message(&*result.unwrap_err()),
        format!("{EXPECTED}: first")
    );
    assert!(b_ran.load(Ordering::SeqCst));
    // The pool is intact.
    assert_eq!(pool.join(|| 1, || 2), (1, 2));
}

#[test]
fn join_from_outside_any_pool_works() {
    let x = 40;
    let (a, b) = cancelpool::join(|| x + 1, || x + 2);
    assert_eq!((a, b), (41, 42));
    assert_eq!(
        cancelpool::join(|| fib_join(12), || fib_seq(12)),
        (144, 144)
    );
    let pool = pool(2);
    let mut v = vec![1, 2, 3];
    let (sum, ()) = pool.join(|| x, || v.push(4));
    assert_eq!((sum, v), (40, vec![1, 2, 3, 4]));
}

#[test]
fn join_context_reports_a_stolen_half_as_migrated() {
    let pool = pool(2);
    let barrier = Barrier::new(2);
    let (caller, (a_migrated, a_thread), (b_migrated, b_thread)) = pool.install(|| {
        let caller = std::thread::current().id();
        let (a, b) = cancelpool::join_context(
            |ctx| {
                barrier.wait();
                (ctx.migrated(), std::thread::current().id())
            },
            |ctx| {
                barrier.wait();
                (ctx.migrated(), std::thread::current().id())
            },
        );
        (caller, a, b)
    });
    assert_eq!(a_thread, caller);
    assert!(!a_migrated, "a runs on the calling worker");
    assert_ne!(b_thread, caller);
    assert!(b_migrated, "b was stolen");

    // Not stolen: neither migrated.
    let one = self::pool(1);
    assert_eq!(
        one.install(|| cancelpool::join_context(|c| c.migrated(), |c| c.migrated())),
        (false, false)
    );
    // From outside a pool, the caller is not a worker: both run elsewhere.
    let outside = cancelpool::join_context(|c| c.migrated(), |c| c.migrated());
    assert_eq!(outside, (true, true));
}

#[test]
fn join_does_not_allocate_in_a_warmed_up_pool() {
    let pool = ThreadPoolBuilder::new()
        .num_threads(2)
        .start_handler(|_| common::opt_in_this_thread())
        .build()
        .unwrap();
    let trivial = || {
        for _ in 0..10_000 {
            let (a, b) = cancelpool::join(|| black_box(1u32), || black_box(2u32));
            black_box(a + b);
        }
    };
    let nested = || {
        black_box(fib_join(black_box(18)));
    };
    // Halves that meet at a barrier: the second one is always stolen.
    let barrier = Barrier::new(2);
    let stolen = || {
        for _ in 0..200 {
            cancelpool::join(|| barrier.wait(), || barrier.wait());
        }
    };
    // Warm up: thread-locals, crossbeam epoch registration, parking_lot thread data.
    pool.install(trivial);
    pool.install(nested);
    pool.install(stolen);

    let stolen_before = pool.stats().stolen;
    let allocations = Arc::new(AtomicUsize::new(0));
    for work in [&trivial as &(dyn Fn() + Sync), &nested, &stolen] {
        pool.install(|| {
            let ((), n) = common::opted_in_allocations_during(work);
            allocations.fetch_add(n, Ordering::SeqCst);
        });
    }
    let stolen = pool.stats().stolen - stolen_before;
    assert!(stolen >= 200, "the stolen path was measured too");
    assert_eq!(
        allocations.load(Ordering::SeqCst),
        0,
        "allocations by join on the pool's workers ({stolen} halves were stolen)"
    );
    eprintln!(
        "join: 0 allocations over 10000 trivial joins, fib(18) and 200 stolen halves ({stolen} steals)"
    );
}

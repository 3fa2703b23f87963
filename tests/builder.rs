//! ThreadPoolBuilder (P1): settings are applied, bad input is an error (never a panic),
//! a failed build joins the workers it started, and handlers run once per worker and
//! cannot break the pool by panicking.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex, mpsc};

use cancelpool::{BuildError, MAX_THREADS, ThreadPoolBuilder};
use common::EXPECTED;

#[test]
fn num_threads_zero_means_one_worker_per_available_core() {
    let cores = std::thread::available_parallelism().unwrap().get();
    let pool = ThreadPoolBuilder::new().num_threads(0).build().unwrap();
    assert_eq!(pool.current_num_threads(), cores);
    assert_eq!(pool.install(cancelpool::current_num_threads), cores);
    let default = ThreadPoolBuilder::new().build().unwrap();
    assert_eq!(default.current_num_threads(), cores, "0 is the default");
}

#[test]
fn thread_names_are_applied_to_every_worker() {
    let pool = ThreadPoolBuilder::new()
        .num_threads(2)
        .thread_name(|i| format!("named-{i}"))
        .build()
        .unwrap();
    let (index, name) = pool.install(|| {
        let name = std::thread::current().name().map(str::to_owned);
        (cancelpool::current_thread_index().unwrap(), name.unwrap())
    });
    assert_eq!(name, format!("named-{index}"));

    // Both workers: two jobs that meet at a barrier run on different workers.
    let names = Mutex::new(Vec::new());
    let barrier = Barrier::new(2);
    pool.scope(|s| {
        for _ in 0..2 {
            s.spawn(|_| {
                barrier.wait();
                let name = std::thread::current().name().unwrap().to_owned();
                names.lock().unwrap().push(name);
            });
        }
    });
    let mut names = names.into_inner().unwrap();
    names.sort();
    assert_eq!(names, ["named-0", "named-1"]);
}

#[test]
fn default_thread_names_are_numbered() {
    let pool = ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let name = pool.install(|| std::thread::current().name().map(str::to_owned));
    assert_eq!(name.as_deref(), Some("cancelpool-worker-0"));
}

/// Touches a `BYTES`-sized array on the stack (more than a default 2 MiB thread stack).
#[inline(never)]
fn use_big_stack_array<const BYTES: usize>() -> u64 {
    let mut buf = [0u8; BYTES];
    for i in (0..BYTES).step_by(4096) {
        buf[i] = (i / 4096) as u8;
    }
    let buf = std::hint::black_box(&mut buf);
    buf.iter().step_by(4096).map(|&b| u64::from(b)).sum()
}

#[test]
fn stack_size_is_honoured() {
    const BYTES: usize = 8 << 20;
    let pool = ThreadPoolBuilder::new()
        .num_threads(1)
        .stack_size(32 << 20)
        .build()
        .unwrap();
    let expected: u64 = (0..BYTES / 4096).map(|i| u64::from(i as u8)).sum();
    // With the default 2 MiB stack this would overflow (and abort the process).
    assert_eq!(pool.install(use_big_stack_array::<BYTES>), expected);
    pool.shutdown().unwrap();
}

#[test]
fn absurd_stack_size_is_a_spawn_error_not_a_panic() {
    let started = Arc::new(AtomicUsize::new(0));
    let s = Arc::clone(&started);
    let err = ThreadPoolBuilder::new()
        .num_threads(4)
        .stack_size(1 << 60)
        .start_handler(move |_| {
            s.fetch_add(1, Ordering::SeqCst);
        })
        .build()
        .unwrap_err();
    match &err {
        BuildError::Spawn { index, source } => {
            assert_eq!(*index, 0, "the first worker already cannot start");
            let _ = source.kind();
        }
        other => panic!("expected BuildError::Spawn, got {other:?}"),
    }
    assert!(std::error::Error::source(&err).is_some());
    assert!(err.to_string().contains("could not start worker 0"));
    assert_eq!(started.load(Ordering::SeqCst), 0);
}

#[test]
fn nul_in_a_thread_name_fails_the_build_after_joining_the_workers_already_started() {
    let started = Arc::new(AtomicUsize::new(0));
    let exited = Arc::new(AtomicUsize::new(0));
    let (s, e) = (Arc::clone(&started), Arc::clone(&exited));
    let err = ThreadPoolBuilder::new()
        .num_threads(4)
        .thread_name(|i| {
            if i == 2 {
                "bad\0name".to_owned()
            } else {
                format!("ok-{i}")
            }
        })
        .start_handler(move |_| {
            s.fetch_add(1, Ordering::SeqCst);
        })
        .exit_handler(move |_| {
            e.fetch_add(1, Ordering::SeqCst);
        })
        .build()
        .unwrap_err();
    match &err {
        BuildError::InvalidThreadName { index, name } => {
            assert_eq!(*index, 2);
            assert_eq!(name, "bad\0name");
        }
        other => panic!("expected BuildError::InvalidThreadName, got {other:?}"),
    }
    // Workers 0 and 1 were started, then joined before `build` returned: their exit
    // handlers (the last thing a worker runs) have already run.
    assert_eq!(exited.load(Ordering::SeqCst), 2);
    assert_eq!(started.load(Ordering::SeqCst), 2);
}

#[test]
fn too_many_threads_is_an_error() {
    let err = ThreadPoolBuilder::new()
        .num_threads(MAX_THREADS + 1)
        .build()
        .unwrap_err();
    match err {
        BuildError::TooManyThreads { requested, max } => {
            assert_eq!(requested, MAX_THREADS + 1);
            assert_eq!(max, MAX_THREADS);
        }
        other => panic!("expected BuildError::TooManyThreads, got {other:?}"),
    }
}

#[test]
fn start_and_exit_handlers_run_once_per_worker_on_that_worker() {
    let started = Arc::new(Mutex::new(Vec::new()));
    let exited = Arc::new(Mutex::new(Vec::new()));
    let (s, e) = (Arc::clone(&started), Arc::clone(&exited));
    let pool = ThreadPoolBuilder::new()
        .num_threads(3)
        .start_handler(move |i| {
            s.lock()
                .unwrap()
                .push((i, cancelpool::current_thread_index()));
        })
        .exit_handler(move |i| {
            e.lock()
                .unwrap()
                .push((i, cancelpool::current_thread_index()));
        })
        .build()
        .unwrap();
    assert_eq!(pool.join(|| 1, || 2), (1, 2));
    pool.shutdown().unwrap();
    let mut started = started.lock().unwrap().clone();
    let mut exited = exited.lock().unwrap().clone();
    started.sort();
    exited.sort();
    let expected: Vec<_> = (0..3).map(|i| (i, Some(i))).collect();
    assert_eq!(
        started, expected,
        "each start handler ran once, on its worker"
    );
    assert_eq!(
        exited, expected,
        "each exit handler ran once, on its worker"
    );
}

/// A panic handler that counts and forwards the panic messages it receives.
fn counting_panic_handler(
    builder: ThreadPoolBuilder,
) -> (ThreadPoolBuilder, mpsc::Receiver<String>) {
    let (tx, rx) = mpsc::channel();
    let tx = Mutex::new(tx);
    let builder = builder.panic_handler(move |payload| {
        let _ = tx.lock().unwrap().send(common::panic_message(&*payload));
    });
    (builder, rx)
}

#[test]
fn panicking_start_handler_reaches_the_panic_handler_and_the_pool_still_works() {
    common::quiet_expected_panics();
    let (builder, panics) = counting_panic_handler(
        ThreadPoolBuilder::new()
            .num_threads(2)
            .start_handler(|i| panic!("{EXPECTED}: start {i}")),
    );
    let pool = builder.build().unwrap();
    assert_eq!(pool.join(|| 20, || 22), (20, 22));
    assert_eq!(pool.submit(|_| Ok(7)).join().unwrap(), 7);
    pool.shutdown().unwrap();
    let mut msgs: Vec<String> = panics.try_iter().collect();
    msgs.sort();
    assert_eq!(
        msgs,
        [
            format!("{EXPECTED}: start 0"),
            format!("{EXPECTED}: start 1")
        ]
    );
}

#[test]
fn panicking_exit_handler_reaches_the_panic_handler_and_shutdown_returns_ok() {
    common::quiet_expected_panics();
    let (builder, panics) = counting_panic_handler(
        ThreadPoolBuilder::new()
            .num_threads(2)
            .exit_handler(|i| panic!("{EXPECTED}: exit {i}")),
    );
    let pool = builder.build().unwrap();
    assert_eq!(pool.install(|| 5), 5);
    assert_eq!(pool.shutdown(), Ok(()));
    let mut msgs: Vec<String> = panics.try_iter().collect();
    msgs.sort();
    assert_eq!(
        msgs,
        [format!("{EXPECTED}: exit 0"), format!("{EXPECTED}: exit 1")]
    );
}

#[test]
fn panicking_panic_handler_does_not_abort() {
    common::quiet_expected_panics();
    let (tx, rx) = mpsc::channel();
    let tx = Mutex::new(tx);
    let pool = ThreadPoolBuilder::new()
        .num_threads(1)
        .panic_handler(move |payload| {
            let _ = tx.lock().unwrap().send(common::panic_message(&*payload));
            panic!("{EXPECTED}: in the panic handler");
        })
        .build()
        .unwrap();
    pool.spawn(|| panic!("{EXPECTED}: spawned job"));
    assert_eq!(rx.recv().unwrap(), format!("{EXPECTED}: spawned job"));
    // The worker survived both panics.
    assert_eq!(pool.install(|| 1 + 1), 2);
    pool.spawn(|| panic!("{EXPECTED}: again"));
    assert_eq!(rx.recv().unwrap(), format!("{EXPECTED}: again"));
    assert_eq!(pool.shutdown(), Ok(()));
    assert_eq!(pool.stats().panicked, 2);
}

#[cfg(unix)]
fn sigint_blocked_here() -> bool {
    // SAFETY: sigset_t is plain data initialised by sigemptyset; with a null `set`,
    // pthread_sigmask only reads this thread's mask into `old`.
    unsafe {
        let mut old: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut old);
        assert_eq!(
            libc::pthread_sigmask(libc::SIG_BLOCK, std::ptr::null(), &mut old),
            0
        );
        libc::sigismember(&old, libc::SIGINT) == 1
    }
}

#[cfg(unix)]
#[test]
fn workers_start_with_signals_blocked_and_the_callers_mask_is_restored() {
    let before = sigint_blocked_here();
    let pool = ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    assert_eq!(
        sigint_blocked_here(),
        before,
        "the caller's mask is restored"
    );
    assert!(pool.install(sigint_blocked_here), "blocked by default");
    if !before {
        let unblocked = ThreadPoolBuilder::new()
            .num_threads(1)
            .block_signals(false)
            .build()
            .unwrap();
        assert!(!unblocked.install(sigint_blocked_here));
    }
}

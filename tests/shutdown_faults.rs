//! Fault tolerance: thread-spawn failures under resource limits, and panics in every
//! place user code runs (jobs, destructors of discarded jobs, `on_cancel` callbacks,
//! start/exit/panic handlers). The pool keeps working or fails with a clear error; it
//! never hangs and never aborts.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, Once};
use std::thread;
use std::time::Duration;

use cancelpool::{BuildError, Cancelled, JobError, ThreadPool, ThreadPoolBuilder};

/// One malloc arena: per-thread arenas would reserve address space of their own.
#[cfg(target_os = "linux")]
const MALLOC_ONE_ARENA: (&str, &str) = ("MALLOC_ARENA_MAX", "1");

#[cfg(target_os = "linux")]
const CHILD_ENV: &str = "CANCELPOOL_FAULTS_CHILD";
/// Every panic these tests cause on purpose carries this text; the hook keeps quiet
/// about them (and reports any other panic as usual).
const EXPECTED: &str = "expected panic";

fn quiet_expected_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let msg = info
                .payload()
                .downcast_ref::<&str>()
                .copied()
                .or_else(|| info.payload().downcast_ref::<String>().map(String::as_str))
                .unwrap_or("");
            if !msg.contains(EXPECTED) {
                default(info);
            }
        }));
    });
}

/// Runs `f` on a helper thread and fails the test (instead of hanging) if it does not
/// return within a generous bound.
fn within<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(Duration::from_secs(30)) {
        Ok(v) => v,
        Err(_) => panic!("{what} hung"),
    }
}

/// A pool whose panic handler forwards payload messages to the returned receiver.
fn pool_with_panic_channel(n: usize) -> (ThreadPool, mpsc::Receiver<String>) {
    let (tx, rx) = mpsc::channel();
    let tx = Mutex::new(tx);
    let pool = ThreadPoolBuilder::new()
        .num_threads(n)
        .panic_handler(move |p| {
            let msg = p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            let _ = tx.lock().unwrap().send(msg);
        })
        .build()
        .unwrap();
    (pool, rx)
}

struct PanicOnDrop(&'static str);

impl Drop for PanicOnDrop {
    fn drop(&mut self) {
        if !thread::panicking() {
            panic!("{EXPECTED}: {}", self.0);
        }
    }
}

#[test]
fn panics_in_jobs_reach_the_handler_or_the_handle_and_the_pool_keeps_working() {
    quiet_expected_panics();
    let (pool, panics) = pool_with_panic_channel(2);
    pool.spawn(|| panic!("{EXPECTED}: spawn"));
    assert_eq!(panics.recv().unwrap(), format!("{EXPECTED}: spawn"));
    let err = pool
        .submit(|_| -> Result<(), Cancelled> { panic!("{EXPECTED}: submit") })
        .join()
        .unwrap_err();
    let payload = err.into_panic().unwrap();
    assert_eq!(
        payload.downcast_ref::<String>().unwrap(),
        &format!("{EXPECTED}: submit")
    );
    assert_eq!(pool.install(|| 6 * 7), 42);
    assert_eq!(pool.submit(|_| Ok(1)).join().unwrap(), 1);
    let s = pool.stats();
    assert_eq!(s.panicked, 2);
    assert_eq!(s.finished, 3);
    assert_eq!(pool.shutdown(), Ok(()));
    assert!(
        panics.try_recv().is_err(),
        "the submit panic went to its handle only"
    );
}

#[test]
fn panicking_destructors_of_discarded_jobs_do_not_kill_the_workers() {
    quiet_expected_panics();
    let (pool, panics) = pool_with_panic_channel(1);
    let (started_tx, started_rx) = mpsc::channel();
    let busy = pool.submit(move |token| {
        started_tx.send(()).unwrap();
        let _ = token.wait_cancelled(None);
        token.checkpoint()
    });
    started_rx.recv().unwrap();
    // Queued behind `busy` on the only worker: discarded by shutdown_now, and dropping
    // their closures panics.
    let bomb = PanicOnDrop("submitted closure");
    let queued = pool.submit(move |_| {
        let _keep = &bomb;
        Ok(())
    });
    let bomb = PanicOnDrop("spawned closure");
    pool.spawn(move || {
        let _keep = &bomb;
    });
    let pool = Arc::new(pool);
    let p = Arc::clone(&pool);
    let discarded = within("shutdown_now", move || p.shutdown_now());
    assert_eq!(discarded, 2);
    assert!(matches!(busy.join(), Err(JobError::Cancelled)));
    assert!(matches!(queued.join(), Err(JobError::Cancelled)));
    let mut got: Vec<String> = panics.try_iter().collect();
    got.sort();
    assert_eq!(
        got,
        [
            format!("{EXPECTED}: spawned closure"),
            format!("{EXPECTED}: submitted closure")
        ]
    );
    let s = pool.stats();
    assert_eq!((s.cancelled_before_start, s.in_flight), (2, 0));
}

#[test]
fn a_panicking_destructor_of_an_abandoned_result_does_not_kill_the_worker() {
    quiet_expected_panics();
    let (pool, panics) = pool_with_panic_channel(1);
    let (go_tx, go_rx) = mpsc::channel::<()>();
    let (started_tx, started_rx) = mpsc::channel();
    let h = pool.submit(move |_| {
        started_tx.send(()).unwrap();
        go_rx.recv().unwrap();
        Ok(PanicOnDrop("result"))
    });
    started_rx.recv().unwrap();
    // Nobody will take the result: the worker frees it. (The drop requests
    // cancellation, which this job ignores: it returns `Ok`.)
    drop(h);
    go_tx.send(()).unwrap();
    let got = panics.recv_timeout(Duration::from_secs(30)).unwrap();
    assert_eq!(got, format!("{EXPECTED}: result"));
    // The only worker is alive and well.
    let mut h = pool.submit(|_| Ok(3));
    assert_eq!(h.join_timeout(Duration::from_secs(30)).unwrap(), 3);
    let pool = Arc::new(pool);
    let p = Arc::clone(&pool);
    assert_eq!(within("shutdown", move || p.shutdown()), Ok(()));
}

#[test]
fn panicking_on_cancel_callbacks_do_not_stop_shutdown_now() {
    quiet_expected_panics();
    let pool = ThreadPoolBuilder::new().num_threads(2).build().unwrap();
    let called = Arc::new(AtomicUsize::new(0));
    // On the pool's token (run by shutdown_now's thread) ...
    let c = Arc::clone(&called);
    let _pool_cb = pool.token().on_cancel(move || {
        c.fetch_add(1, Ordering::SeqCst);
        panic!("{EXPECTED}: pool on_cancel");
    });
    // ... and on running jobs' tokens.
    let (started_tx, started_rx) = mpsc::channel();
    let jobs: Vec<_> = (0..2)
        .map(|_| {
            let (c, started_tx) = (Arc::clone(&called), started_tx.clone());
            pool.submit(move |token| {
                let _cb = token.on_cancel(move || {
                    c.fetch_add(1, Ordering::SeqCst);
                    panic!("{EXPECTED}: job on_cancel");
                });
                started_tx.send(()).unwrap();
                token.sleep(Duration::from_secs(60))
            })
        })
        .collect();
    for _ in 0..2 {
        started_rx.recv().unwrap();
    }
    let pool = Arc::new(pool);
    let p = Arc::clone(&pool);
    assert_eq!(within("shutdown_now", move || p.shutdown_now()), 0);
    assert_eq!(called.load(Ordering::SeqCst), 3, "every callback ran once");
    for h in jobs {
        assert!(matches!(h.join(), Err(JobError::Cancelled)));
    }
}

#[test]
fn panicking_start_and_exit_handlers_are_reported_and_the_pool_works() {
    quiet_expected_panics();
    let (tx, rx) = mpsc::channel();
    let tx = Mutex::new(tx);
    let pool = ThreadPoolBuilder::new()
        .num_threads(2)
        .start_handler(|i| panic!("{EXPECTED}: start {i}"))
        .exit_handler(|i| panic!("{EXPECTED}: exit {i}"))
        .panic_handler(move |p| {
            let _ = tx.lock().unwrap().send(*p.downcast::<String>().unwrap());
        })
        .build()
        .unwrap();
    assert_eq!(pool.join(|| 1, || 2), (1, 2));
    assert_eq!(pool.submit(|_| Ok(5)).join().unwrap(), 5);
    let pool = Arc::new(pool);
    let p = Arc::clone(&pool);
    assert_eq!(within("shutdown", move || p.shutdown()), Ok(()));
    let mut got: Vec<String> = rx.try_iter().collect();
    got.sort();
    let want: Vec<String> = ["exit 0", "exit 1", "start 0", "start 1"]
        .iter()
        .map(|s| format!("{EXPECTED}: {s}"))
        .collect();
    assert_eq!(got, want);
    assert_eq!(pool.stats().panicked, 4);
}

#[test]
fn a_panicking_panic_handler_is_contained() {
    quiet_expected_panics();
    let seen = Arc::new(AtomicUsize::new(0));
    let s = Arc::clone(&seen);
    let pool = ThreadPoolBuilder::new()
        .num_threads(1)
        .panic_handler(move |_| {
            s.fetch_add(1, Ordering::SeqCst);
            panic!("{EXPECTED}: in the panic handler");
        })
        .build()
        .unwrap();
    for _ in 0..3 {
        pool.spawn(|| panic!("{EXPECTED}: spawn"));
    }
    // Runs after the three spawns on the single worker (FIFO from outside).
    assert_eq!(pool.submit(|_| Ok("alive")).join().unwrap(), "alive");
    assert_eq!(seen.load(Ordering::SeqCst), 3);
    let pool = Arc::new(pool);
    let p = Arc::clone(&pool);
    assert_eq!(within("shutdown", move || p.shutdown()), Ok(()));
}

#[test]
fn a_panicking_thread_name_fails_the_build_before_any_thread_starts() {
    quiet_expected_panics();
    let started = Arc::new(AtomicUsize::new(0));
    let s = Arc::clone(&started);
    let r = std::panic::catch_unwind(|| {
        ThreadPoolBuilder::new()
            .num_threads(4)
            .thread_name(|i| {
                if i == 2 {
                    panic!("{EXPECTED}: name");
                }
                format!("n{i}")
            })
            .start_handler(move |_| {
                s.fetch_add(1, Ordering::SeqCst);
            })
            .build()
    });
    assert!(r.is_err());
    assert_eq!(started.load(Ordering::SeqCst), 0);
}

#[test]
fn an_impossible_stack_size_is_a_spawn_error() {
    let err = ThreadPoolBuilder::new()
        .num_threads(3)
        .stack_size(usize::MAX / 2)
        .build()
        .unwrap_err();
    assert!(matches!(err, BuildError::Spawn { index: 0, .. }), "{err:?}");
    assert!(std::error::Error::source(&err).is_some());
}

// ---- spawn failures under resource limits, in child processes ----

/// Builds a pool of `n` workers with a counting start/exit handler; on failure checks
/// that exactly the started workers were joined. Returns the failing index, if any.
#[cfg(target_os = "linux")]
fn build_under_limit(n: usize, stack: usize) -> Option<usize> {
    let started = Arc::new(AtomicUsize::new(0));
    let exited = Arc::new(AtomicUsize::new(0));
    let (s, e) = (Arc::clone(&started), Arc::clone(&exited));
    let r = ThreadPoolBuilder::new()
        .num_threads(n)
        .stack_size(stack)
        .start_handler(move |_| {
            s.fetch_add(1, Ordering::SeqCst);
        })
        .exit_handler(move |_| {
            e.fetch_add(1, Ordering::SeqCst);
        })
        .build();
    match r {
        Ok(pool) => {
            pool.shutdown().unwrap();
            None
        }
        Err(BuildError::Spawn { index, source }) => {
            println!("spawn failed at worker {index}: {source}");
            // When build returns, the workers it started were joined: each ran its
            // start and exit handlers.
            assert_eq!(started.load(Ordering::SeqCst), index);
            assert_eq!(exited.load(Ordering::SeqCst), index);
            Some(index)
        }
        Err(e) => panic!("unexpected build error {e}"),
    }
}

#[cfg(target_os = "linux")]
fn set_soft_limit(resource: libc::__rlimit_resource_t, soft: u64) -> u64 {
    // SAFETY: plain syscalls on a local struct.
    unsafe {
        let mut lim: libc::rlimit = std::mem::zeroed();
        assert_eq!(libc::getrlimit(resource, &mut lim), 0);
        let old = lim.rlim_cur;
        lim.rlim_cur = soft.min(lim.rlim_max);
        assert_eq!(libc::setrlimit(resource, &lim), 0);
        old
    }
}

/// Child scenario `as`: an address-space limit that fits about three 64 MiB stacks.
#[cfg(target_os = "linux")]
#[test]
fn child_scenario_rlimit_as() {
    if std::env::var(CHILD_ENV).as_deref() != Ok("as") {
        return;
    }
    const STACK: usize = 64 << 20;
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: u64 = statm.split_whitespace().next().unwrap().parse().unwrap();
    // SAFETY: sysconf has no preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) } as u64;
    let vm = pages * page;
    let old = set_soft_limit(libc::RLIMIT_AS, vm + 7 * STACK as u64 / 2);
    let failed_at = build_under_limit(16, STACK);
    set_soft_limit(libc::RLIMIT_AS, old);
    let index = failed_at.expect("RLIMIT_AS did not stop the build");
    assert!(index >= 1, "at least one worker started before the failure");
    // The process is fine afterwards.
    let pool = ThreadPoolBuilder::new().num_threads(4).build().unwrap();
    assert_eq!(pool.join(|| 1, || 2), (1, 2));
    pool.shutdown().unwrap();
    println!("CHILD-AS-DONE {index}");
}

/// Tasks (threads) of the real uid, as RLIMIT_NPROC counts them.
#[cfg(target_os = "linux")]
fn tasks_of_my_uid() -> u64 {
    // SAFETY: getuid has no preconditions.
    let uid = unsafe { libc::getuid() }.to_string();
    let mut n = 0;
    for proc in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(tasks) = std::fs::read_dir(proc.path().join("task")) else {
            continue;
        };
        for task in tasks.flatten() {
            let Ok(status) = std::fs::read_to_string(task.path().join("status")) else {
                continue;
            };
            let real = status
                .lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .and_then(|l| l.split_whitespace().next());
            if real == Some(uid.as_str()) {
                n += 1;
            }
        }
    }
    n
}

/// Child scenario `nproc`: a thread-count limit a few threads above the current count.
#[cfg(target_os = "linux")]
#[test]
fn child_scenario_rlimit_nproc() {
    if std::env::var(CHILD_ENV).as_deref() != Ok("nproc") {
        return;
    }
    let old = set_soft_limit(libc::RLIMIT_NPROC, tasks_of_my_uid() + 3);
    let failed_at = build_under_limit(64, 256 << 10);
    set_soft_limit(libc::RLIMIT_NPROC, old);
    match failed_at {
        Some(index) => println!("CHILD-NPROC-DONE {index}"),
        None => println!(
            "CHILD-NPROC-SKIPPED: RLIMIT_NPROC does not bite here (root or CAP_SYS_RESOURCE)"
        ),
    }
}

#[cfg(target_os = "linux")]
#[test]
fn spawn_failure_under_rlimit_as_is_an_error_and_joins_the_started_workers() {
    let (status, out) = common::run_child(
        "child_scenario_rlimit_as",
        &[(CHILD_ENV, "as"), MALLOC_ONE_ARENA],
    );
    assert!(status.success(), "child failed: {status:?}\n{out}");
    assert!(
        out.contains("CHILD-AS-DONE"),
        "the scenario did not run:\n{out}"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn spawn_failure_under_rlimit_nproc_is_an_error_and_joins_the_started_workers() {
    let (status, out) = common::run_child(
        "child_scenario_rlimit_nproc",
        &[(CHILD_ENV, "nproc"), MALLOC_ONE_ARENA],
    );
    assert!(status.success(), "child failed: {status:?}\n{out}");
    if let Some(line) = out.lines().find(|l| l.contains("CHILD-NPROC-SKIPPED")) {
        eprintln!("skipped: {line}");
        return;
    }
    assert!(
        out.contains("CHILD-NPROC-DONE"),
        "the scenario did not run:\n{out}"
    );
}

//! The global pool (P2, P6): `build_global`, `shutdown_global`, and the free functions
//! outside any pool. The global pool is per process, so this file has its own test
//! binary and its tests take `GLOBAL_LOCK` to run one at a time.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, mpsc};

use cancelpool::{BuildError, ThreadPoolBuilder};

static GLOBAL_LOCK: Mutex<()> = Mutex::new(());

/// Serialises the tests of this file and starts each with no global pool.
fn exclusive_global() -> MutexGuard<'static, ()> {
    let guard = GLOBAL_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    cancelpool::shutdown_global().unwrap();
    guard
}

fn thread_name() -> String {
    std::thread::current().name().unwrap_or("").to_owned()
}

#[test]
fn build_global_twice_is_global_pool_already_initialized() {
    let _g = exclusive_global();
    ThreadPoolBuilder::new()
        .num_threads(3)
        .build_global()
        .unwrap();
    let err = ThreadPoolBuilder::new()
        .num_threads(1)
        .build_global()
        .unwrap_err();
    assert!(matches!(err, BuildError::GlobalPoolAlreadyInitialized));
    assert_eq!(cancelpool::current_num_threads(), 3, "the first one stays");
    cancelpool::shutdown_global().unwrap();
}

#[test]
fn a_lazily_started_global_pool_counts_as_initialized() {
    let _g = exclusive_global();
    assert_eq!(cancelpool::join(|| 1, || 2), (1, 2));
    let err = ThreadPoolBuilder::new().build_global().unwrap_err();
    assert!(matches!(err, BuildError::GlobalPoolAlreadyInitialized));
    let cores = std::thread::available_parallelism().unwrap().get();
    assert_eq!(cancelpool::current_num_threads(), cores, "default settings");
}

#[test]
fn shutdown_global_joins_the_workers_then_a_fresh_global_pool_works() {
    let _g = exclusive_global();
    let exited = Arc::new(AtomicUsize::new(0));
    let e = Arc::clone(&exited);
    ThreadPoolBuilder::new()
        .num_threads(2)
        .thread_name(|i| format!("old-global-{i}"))
        .exit_handler(move |_| {
            e.fetch_add(1, Ordering::SeqCst);
        })
        .build_global()
        .unwrap();
    let queued = cancelpool::submit(|_| Ok(thread_name()));
    cancelpool::shutdown_global().unwrap();
    assert_eq!(
        exited.load(Ordering::SeqCst),
        2,
        "every worker joined on return"
    );
    assert!(
        queued.join().unwrap().starts_with("old-global-"),
        "graceful"
    );
    assert_eq!(cancelpool::shutdown_global(), Ok(()), "no pool: Ok");

    // The next free-function call starts a fresh global pool with default settings.
    let (a, b) = cancelpool::join(thread_name, thread_name);
    assert!(a.starts_with("cancelpool-worker-"), "{a}");
    assert!(b.starts_with("cancelpool-worker-"), "{b}");
    assert_eq!(cancelpool::submit(|_| Ok(5)).join().unwrap(), 5);

    // And after another shutdown it may be configured again.
    cancelpool::shutdown_global().unwrap();
    ThreadPoolBuilder::new()
        .num_threads(1)
        .thread_name(|i| format!("new-global-{i}"))
        .build_global()
        .unwrap();
    assert_eq!(
        cancelpool::join(thread_name, thread_name),
        ("new-global-0".to_owned(), "new-global-0".to_owned())
    );
    cancelpool::shutdown_global().unwrap();
}

#[test]
fn free_functions_outside_a_pool_use_the_global_pool() {
    let _g = exclusive_global();
    ThreadPoolBuilder::new()
        .num_threads(2)
        .thread_name(|i| format!("global-{i}"))
        .build_global()
        .unwrap();
    let on_global = |name: &str| name.starts_with("global-");

    assert_eq!(cancelpool::current_thread_index(), None, "not a worker");
    assert_eq!(cancelpool::current_num_threads(), 2);

    let (a, b) = cancelpool::join(thread_name, thread_name);
    assert!(on_global(&a) && on_global(&b), "join: {a}, {b}");

    let (x, _) = cancelpool::join_context(|ctx| ctx.migrated(), |_| ());
    assert!(
        x,
        "called from outside: the first half runs on another thread"
    );

    let names = Mutex::new(Vec::new());
    cancelpool::scope(|s| {
        names.lock().unwrap().push(thread_name());
        s.spawn(|_| names.lock().unwrap().push(thread_name()));
    });
    let names = names.into_inner().unwrap();
    assert_eq!(names.len(), 2);
    assert!(names.iter().all(|n| on_global(n)), "scope: {names:?}");

    let (tx, rx) = mpsc::channel();
    cancelpool::spawn(move || tx.send(thread_name()).unwrap());
    assert!(on_global(&rx.recv().unwrap()), "spawn");

    assert!(on_global(&cancelpool::isolate(|| {
        cancelpool::join(thread_name, || ()).0
    })));
    cancelpool::shutdown_global().unwrap();
}

#[test]
fn free_submit_uses_the_global_pool() {
    let _g = exclusive_global();
    ThreadPoolBuilder::new()
        .num_threads(1)
        .thread_name(|i| format!("global-{i}"))
        .build_global()
        .unwrap();
    let h = cancelpool::submit(|token| {
        token.checkpoint()?;
        Ok((thread_name(), cancelpool::current_thread_index()))
    });
    assert_eq!(h.join().unwrap(), ("global-0".to_owned(), Some(0)));

    // After `shutdown_global` the free function starts a fresh global pool: it is not
    // rejected by the old one.
    cancelpool::shutdown_global().unwrap();
    let h = cancelpool::submit(|_| Ok(thread_name()));
    match h.join() {
        Ok(name) => assert!(name.starts_with("cancelpool-worker-"), "{name}"),
        Err(e) => panic!("a free submit after shutdown_global should start a fresh pool: {e:?}"),
    }
}

#[test]
fn free_functions_inside_a_pool_use_that_pool_not_the_global_one() {
    let _g = exclusive_global();
    ThreadPoolBuilder::new()
        .num_threads(1)
        .thread_name(|i| format!("global-{i}"))
        .build_global()
        .unwrap();
    let pool = ThreadPoolBuilder::new()
        .num_threads(2)
        .thread_name(|i| format!("local-{i}"))
        .build()
        .unwrap();
    let names = pool.install(|| {
        let (a, b) = cancelpool::join(thread_name, thread_name);
        let s = cancelpool::submit(|_| Ok(thread_name())).join().unwrap();
        let (tx, rx) = mpsc::channel();
        cancelpool::spawn(move || tx.send(thread_name()).unwrap());
        let n = cancelpool::current_num_threads();
        (a, b, s, rx.recv().unwrap(), n)
    });
    assert!(names.0.starts_with("local-") && names.1.starts_with("local-"));
    assert!(names.2.starts_with("local-"), "submit: {}", names.2);
    assert!(names.3.starts_with("local-"), "spawn: {}", names.3);
    assert_eq!(names.4, 2);
    cancelpool::shutdown_global().unwrap();
}

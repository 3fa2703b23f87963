//! P1 `block_signals`: process-directed signals land on the application's threads, never
//! on pool workers.
//!
//! A test binary of its own without the libtest harness (`harness = false`): the
//! process's threads are exactly `main` and the pools' workers, so which thread may take
//! a signal is decided by this file alone. The handler records the kernel thread id
//! (`gettid`, async-signal-safe) of the thread it runs on.

#[cfg(target_os = "linux")]
mod linux {
    use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
    use std::sync::{Arc, Barrier, Mutex};
    use std::thread;
    use std::time::{Duration, Instant};

    use cancelpool::{ThreadPool, ThreadPoolBuilder};

    static HITS: AtomicUsize = AtomicUsize::new(0);
    static HANDLER_TID: AtomicI64 = AtomicI64::new(0);

    extern "C" fn on_usr1(_: libc::c_int) {
        // Only async-signal-safe work: a syscall and atomic stores.
        // SAFETY: gettid has no preconditions.
        let tid = unsafe { libc::syscall(libc::SYS_gettid) };
        HANDLER_TID.store(tid, Ordering::SeqCst);
        HITS.fetch_add(1, Ordering::SeqCst);
    }

    fn gettid() -> i64 {
        // SAFETY: gettid has no preconditions.
        unsafe { libc::syscall(libc::SYS_gettid) }
    }

    fn install_handler() {
        // SAFETY: a zeroed sigaction with an empty mask and a handler that only does
        // async-signal-safe work.
        unsafe {
            let mut sa: libc::sigaction = std::mem::zeroed();
            sa.sa_sigaction = on_usr1 as extern "C" fn(libc::c_int) as libc::sighandler_t;
            libc::sigemptyset(&mut sa.sa_mask);
            sa.sa_flags = libc::SA_RESTART;
            assert_eq!(libc::sigaction(libc::SIGUSR1, &sa, std::ptr::null_mut()), 0);
        }
    }

    fn set_usr1_blocked(blocked: bool) {
        // SAFETY: changes only this thread's mask.
        unsafe {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            libc::sigaddset(&mut set, libc::SIGUSR1);
            let how = if blocked {
                libc::SIG_BLOCK
            } else {
                libc::SIG_UNBLOCK
            };
            assert_eq!(libc::pthread_sigmask(how, &set, std::ptr::null_mut()), 0);
        }
    }

    fn usr1_blocked_here() -> bool {
        // SAFETY: reads only this thread's mask.
        unsafe {
            let mut old: libc::sigset_t = std::mem::zeroed();
            assert_eq!(
                libc::pthread_sigmask(libc::SIG_BLOCK, std::ptr::null(), &mut old),
                0
            );
            libc::sigismember(&old, libc::SIGUSR1) == 1
        }
    }

    /// Sends SIGUSR1 to the whole process (not to a thread).
    fn kill_process() {
        // SAFETY: plain syscalls.
        assert_eq!(unsafe { libc::kill(libc::getpid(), libc::SIGUSR1) }, 0);
    }

    /// Waits until the handler ran `n` times in all; returns the thread it last ran on.
    fn wait_hits(n: usize) -> i64 {
        let deadline = Instant::now() + Duration::from_secs(30);
        while HITS.load(Ordering::SeqCst) < n {
            assert!(Instant::now() < deadline, "SIGUSR1 was never handled");
            thread::yield_now();
        }
        assert_eq!(HITS.load(Ordering::SeqCst), n);
        HANDLER_TID.load(Ordering::SeqCst)
    }

    /// A pool whose workers have all started, with their thread ids and their view of
    /// the SIGUSR1 mask.
    fn pool(block: bool) -> (ThreadPool, Vec<(i64, bool)>) {
        const WORKERS: usize = 4;
        let started = Arc::new(Barrier::new(WORKERS + 1));
        let tids = Arc::new(Mutex::new(Vec::new()));
        let (s, t) = (Arc::clone(&started), Arc::clone(&tids));
        let pool = ThreadPoolBuilder::new()
            .num_threads(WORKERS)
            .block_signals(block)
            .start_handler(move |_| {
                t.lock().unwrap().push((gettid(), usr1_blocked_here()));
                s.wait();
            })
            .build()
            .unwrap();
        started.wait();
        let tids = tids.lock().unwrap().clone();
        (pool, tids)
    }

    pub(super) fn run() {
        install_handler();
        let main_tid = gettid();
        assert!(!usr1_blocked_here());

        // The default: workers block SIGUSR1 though they were started from a thread
        // that does not.
        let (blocking, workers) = pool(true);
        assert!(workers.iter().all(|&(_, blocked)| blocked), "{workers:?}");
        assert!(!usr1_blocked_here(), "build restored the caller's mask");

        // 1. main has SIGUSR1 unblocked: the handler runs on a non-worker thread.
        kill_process();
        let tid = wait_hits(1);
        assert!(!workers.iter().any(|&(w, _)| w == tid), "ran on a worker");
        assert_eq!(tid, main_tid);

        // 2. Sharper: main blocks SIGUSR1 and one thread of the application, started
        //    after the workers, unblocks it. The kernel offers a process-directed signal
        //    to the first thread (in creation order) that does not block it: a worker,
        //    if the workers did not block it. So it must run on the application thread.
        set_usr1_blocked(true);
        let (tid_tx, tid_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = std::sync::mpsc::channel::<()>();
        let app = thread::spawn(move || {
            set_usr1_blocked(false);
            tid_tx.send(gettid()).unwrap();
            // Waits (in the kernel, interruptibly) until told to stop.
            let _ = stop_rx.recv();
        });
        let app_tid = tid_rx.recv().unwrap();
        for round in 0..10 {
            kill_process();
            let tid = wait_hits(2 + round);
            assert_eq!(tid, app_tid, "round {round}: handled on another thread");
        }
        stop_tx.send(()).unwrap();
        app.join().unwrap();
        set_usr1_blocked(false);
        blocking.shutdown().unwrap();

        // 3. The control: with `block_signals(false)` the workers take the signal when
        //    main blocks it; so the checks above can fail.
        let (open, workers) = pool(false);
        assert!(workers.iter().all(|&(_, blocked)| !blocked), "{workers:?}");
        set_usr1_blocked(true);
        kill_process();
        let tid = wait_hits(12);
        assert!(
            workers.iter().any(|&(w, _)| w == tid),
            "with block_signals(false) a worker takes it"
        );
        set_usr1_blocked(false);
        open.shutdown().unwrap();
    }
}

fn main() {
    #[cfg(target_os = "linux")]
    {
        linux::run();
        println!("signals: block_signals(true) keeps SIGUSR1 off the workers: ok");
    }
    #[cfg(not(target_os = "linux"))]
    println!("signals: skipped (the test reads kernel thread ids, Linux only)");
}

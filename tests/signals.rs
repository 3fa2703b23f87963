//! Signals and the pool, through the public API:
//!
//! - `block_signals` (Linux): process-directed signals land on the application's threads,
//!   never on pool workers. The process's threads are exactly `main` and the pools'
//!   workers (this binary has no libtest harness, `harness = false`), so which thread may
//!   take a signal is decided by this file alone. The handler records the kernel thread
//!   id (`gettid`, async-signal-safe) of the thread it runs on.
//! - `SignalGuard` (feature `signal`): a first signal cancels, a second one ends the
//!   process by the signal (a shell sees 130 for SIGINT), and dropping the guard gives
//!   the signal back its previous disposition. Each scenario runs in a child process
//!   (this binary again, with `CANCELPOOL_SIGNALS_CHILD` naming the scenario), since it
//!   changes process-wide dispositions or ends the process; the parent waits for the
//!   child's lines before it signals it.

mod common;

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

#[cfg(all(feature = "signal", unix))]
mod guard {
    use std::os::unix::process::ExitStatusExt;
    use std::process::Command;
    use std::sync::mpsc;
    use std::time::Duration;

    use cancelpool::signal::{
        SIGHUP, SIGINT, SIGTERM, cancel_on_signals, cancel_source_on_signals,
    };
    use cancelpool::{CancelSource, Cancelled, ThreadPoolBuilder};

    use crate::common::LineChild;

    /// Names the scenario a child process runs.
    pub(super) const CHILD: &str = "CANCELPOOL_SIGNALS_CHILD";

    /// Generous: only a hang reaches it.
    const WATCHDOG: Duration = Duration::from_secs(60);

    fn raise(sig: i32) {
        // SAFETY: raising a signal in this process; each scenario says what it expects.
        assert_eq!(unsafe { libc::raise(sig) }, 0);
    }

    /// The handler address currently installed for `sig` (SIG_DFL, SIG_IGN or a function).
    fn disposition(sig: i32) -> libc::sighandler_t {
        // SAFETY: reads the current action into a zeroed out-struct.
        unsafe {
            let mut current: libc::sigaction = std::mem::zeroed();
            assert_eq!(libc::sigaction(sig, std::ptr::null(), &mut current), 0);
            current.sa_sigaction
        }
    }

    fn set_disposition(sig: i32, handler: libc::sighandler_t) {
        // SAFETY: installs SIG_IGN or a handler that only touches an atomic.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = handler;
            libc::sigemptyset(&mut action.sa_mask);
            assert_eq!(libc::sigaction(sig, &action, std::ptr::null_mut()), 0);
        }
    }

    static USER_HANDLER_CALLS: std::sync::atomic::AtomicUsize =
        std::sync::atomic::AtomicUsize::new(0);

    extern "C" fn user_handler(_: libc::c_int) {
        USER_HANDLER_CALLS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }

    fn child(scenario: &str) -> LineChild {
        let mut cmd = Command::new(std::env::current_exe().expect("test binary path"));
        cmd.env(CHILD, scenario);
        LineChild::spawn(cmd)
    }

    /// Runs in the child: one scenario, then exits.
    pub(super) fn run_child(scenario: &str) {
        match scenario {
            "drop-restores-default" => drop_restores_default(),
            "drop-restores-ignore-and-handler" => drop_restores_ignore_and_handler(),
            "second-signal" => second_signal(),
            "guards-share-a-signal" => guards_share_a_signal(),
            other => panic!("unknown scenario {other}"),
        }
    }

    /// SIGTERM cancels; after the guard is dropped, SIGINT kills the process again.
    fn drop_restores_default() {
        let source = CancelSource::new();
        let token = source.token();
        let guard = cancel_source_on_signals(&source, &[SIGINT, SIGTERM]).unwrap();
        raise(SIGTERM);
        assert_eq!(token.wait_cancelled(WATCHDOG), Err(Cancelled));
        println!("cancelled by {:?}", guard.received());
        drop(guard);
        println!("dropped");
        raise(SIGINT);
        println!("survived SIGINT");
    }

    /// A signal ignored before the guard is ignored after it; a handler installed before
    /// it runs while the guard lives (after the guard's own work) and is back after it.
    fn drop_restores_ignore_and_handler() {
        set_disposition(SIGINT, libc::SIG_IGN);
        let source = CancelSource::new();
        let token = source.token();
        let guard = cancel_source_on_signals(&source, &[SIGINT]).unwrap();
        assert_ne!(
            disposition(SIGINT),
            libc::SIG_IGN,
            "the guard handles SIGINT"
        );
        raise(SIGINT);
        assert_eq!(token.wait_cancelled(WATCHDOG), Err(Cancelled));
        drop(guard);
        assert_eq!(disposition(SIGINT), libc::SIG_IGN, "ignored again");
        raise(SIGINT);
        println!("SIGINT ignored again");

        let handler = user_handler as extern "C" fn(libc::c_int) as libc::sighandler_t;
        set_disposition(libc::SIGUSR2, handler);
        let source = CancelSource::new();
        let token = source.token();
        let guard = cancel_source_on_signals(&source, &[libc::SIGUSR2]).unwrap();
        raise(libc::SIGUSR2);
        assert_eq!(token.wait_cancelled(WATCHDOG), Err(Cancelled));
        // `raise` returns after the handler ran on this thread, ours and the chained one.
        assert_eq!(
            USER_HANDLER_CALLS.load(std::sync::atomic::Ordering::SeqCst),
            1
        );
        drop(guard);
        assert_eq!(
            disposition(libc::SIGUSR2),
            handler,
            "the user's handler is back"
        );
        raise(libc::SIGUSR2);
        assert_eq!(
            USER_HANDLER_CALLS.load(std::sync::atomic::Ordering::SeqCst),
            2
        );
        println!("SIGUSR2 handler back");
    }

    /// The first SIGINT cancels the pool; its job ignores cancellation, so shutdown would
    /// wait 30 s; a second SIGINT ends the process at once, killed by SIGINT.
    fn second_signal() {
        let pool = ThreadPoolBuilder::new().num_threads(2).build().unwrap();
        let _guard = cancel_on_signals(&pool).unwrap();
        let (started_tx, started_rx) = mpsc::channel();
        let (_never_tx, never_rx) = mpsc::channel::<()>();
        let stubborn = pool.submit(move |_token| {
            started_tx.send(()).unwrap();
            // A job that reaches no checkpoint for 30 s.
            let _ = never_rx.recv_timeout(Duration::from_secs(30));
            Ok(())
        });
        started_rx.recv().unwrap();
        println!("ready {}", std::process::id());
        assert_eq!(pool.token().wait_cancelled(WATCHDOG), Err(Cancelled));
        println!("cancelled; the grace period runs");
        pool.shutdown().unwrap();
        let _ = stubborn.join();
        println!("shut down after the grace period");
    }

    /// Two guards watch SIGHUP; after the first is dropped, the second still reacts;
    /// after both, SIGHUP kills the process (its default action).
    fn guards_share_a_signal() {
        let (first, second) = (CancelSource::new(), CancelSource::new());
        let (first_token, second_token) = (first.token(), second.token());
        let first_guard = cancel_source_on_signals(&first, &[SIGHUP]).unwrap();
        let second_guard = cancel_source_on_signals(&second, &[SIGHUP]).unwrap();
        drop(first_guard);
        raise(SIGHUP);
        assert_eq!(second_token.wait_cancelled(WATCHDOG), Err(Cancelled));
        assert!(!first_token.is_cancelled(), "the dropped guard's source");
        assert_eq!(second_guard.received(), Some(SIGHUP));
        println!("the remaining guard reacted");
        drop(second_guard);
        raise(SIGHUP);
        println!("survived SIGHUP");
    }

    fn expect_killed_by(status: std::process::ExitStatus, sig: i32, lines: &[String]) {
        assert_eq!(
            status.signal(),
            Some(sig),
            "expected death by signal {sig}, got {status}:\n{}",
            lines.join("\n")
        );
    }

    pub(super) fn run() {
        // 1. The disposition before the guard (here the default) comes back on drop.
        let mut c = child("drop-restores-default");
        c.wait_for_line("dropped");
        let (status, lines) = c.finish();
        expect_killed_by(status, SIGINT, &lines);
        assert!(
            lines.contains(&format!("cancelled by Some({SIGTERM})")),
            "{lines:?}"
        );
        assert!(
            !lines.iter().any(|l| l.starts_with("survived")),
            "{lines:?}"
        );

        // 2. Ignored stays ignored; a user's handler is chained, then restored.
        let (status, lines) = child("drop-restores-ignore-and-handler").finish();
        assert!(status.success(), "{status}: {lines:?}");
        assert!(
            lines.contains(&"SIGINT ignored again".to_owned()),
            "{lines:?}"
        );
        assert!(
            lines.contains(&"SIGUSR2 handler back".to_owned()),
            "{lines:?}"
        );

        // 3. A second Ctrl-C during the grace period: killed by SIGINT, which a shell
        //    reports as status 130. The child runs under `sh` to show that.
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "\"$0\"; echo \"status $?\""])
            .arg(std::env::current_exe().expect("test binary path"))
            .env(CHILD, "second-signal");
        let mut c = LineChild::spawn(cmd);
        let ready = c.wait_for_line("ready ");
        let pid: i32 = ready["ready ".len()..].parse().expect("a pid");
        LineChild::signal(pid, SIGINT);
        c.wait_for_line("cancelled; the grace period runs");
        LineChild::signal(pid, SIGINT);
        let (status, lines) = c.finish();
        assert!(status.success(), "sh: {status}");
        assert!(lines.contains(&"status 130".to_owned()), "{lines:?}");
        assert!(
            !lines.iter().any(|l| l.starts_with("shut down")),
            "{lines:?}"
        );

        // 4. Guards share a signal; the last one to go restores it.
        let (status, lines) = child("guards-share-a-signal").finish();
        expect_killed_by(status, SIGHUP, &lines);
        assert!(
            lines.contains(&"the remaining guard reacted".to_owned()),
            "{lines:?}"
        );
        assert!(
            !lines.iter().any(|l| l.starts_with("survived")),
            "{lines:?}"
        );
    }
}

fn main() {
    #[cfg(all(feature = "signal", unix))]
    if let Ok(scenario) = std::env::var(guard::CHILD) {
        guard::run_child(&scenario);
        return;
    }
    #[cfg(target_os = "linux")]
    {
        linux::run();
        println!("signals: block_signals(true) keeps SIGUSR1 off the workers: ok");
    }
    #[cfg(not(target_os = "linux"))]
    println!("signals: block_signals skipped (the test reads kernel thread ids, Linux only)");
    #[cfg(all(feature = "signal", unix))]
    {
        guard::run();
        println!(
            "signals: SignalGuard restores dispositions, a second SIGINT kills (status 130): ok"
        );
    }
    #[cfg(not(all(feature = "signal", unix)))]
    println!("signals: SignalGuard skipped (feature `signal`, unix)");
}

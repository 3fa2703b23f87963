//! Side-by-side comparison of cancelpool with its peers, in one process run.
//!
//! `cargo bench --bench compare` (under a minute) or `cargo bench --bench compare --
//! --quick` (under 15 s); extra words select sections by name, e.g. `-- --quick wake`.
//! Prints one markdown table: `workload | cancelpool | peer | peer figure | ratio | bar`.
//!
//! Method (see shared/BENCHMARKS.md): every figure is a median over repeated samples
//! (p50/p99 over rounds for latencies), and the variants of a section are sampled in
//! turn — A B C A B C … — so that drift of a shared VM hits them alike. Ratios are
//! cancelpool / peer: below 1 means cancelpool is faster.
//!
//! Adding rows: write `fn my_rows(cfg: &Config, rows: &mut Vec<Row>)` with the helpers
//! below (`per_op`, `interleaved`, `Fig::time`, `Fig::latency`, `Bar`) and list it in
//! [`SECTIONS`]. Linux/glibc only (see `common`).

mod common;

use std::cell::RefCell;
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU8, Ordering};
use std::thread;
use std::time::Instant;

use cancelpool::{CancelSource, Cancelled, Interest};
use common::{ffi, gettid, wait_until_blocked, Scenario, Waiter};

/// A section measures its workloads and appends their rows.
type Section = fn(&Config, &mut Vec<Row>);

/// Every section, in table order. Pool sections go here as they are written.
const SECTIONS: &[(&str, Section)] = &[
    ("checkpoint", checkpoint_rows),
    ("checkpoint-2-threads", checkpoint_2_threads_rows),
    ("guard", guard_rows),
    ("wake", wake_rows),
    ("stop-thread", stop_thread_rows),
];

// ---------------------------------------------------------------------------------------
// Configuration, rows and the table.

/// Sample counts: `--quick` for a smoke run, the default for figures to quote.
struct Config {
    /// Operations per timed loop in per-operation sections.
    ops: u64,
    /// Timed loops per variant (the median is reported).
    samples: usize,
    /// Rounds per wake-latency scenario (p50/p99 over these).
    wake_rounds: usize,
    /// Threads stopped per stop-a-thread scenario.
    stop_rounds: usize,
}

impl Config {
    const QUICK: Config = Config {
        ops: 1_000_000,
        samples: 15,
        wake_rounds: 1500,
        stop_rounds: 300,
    };
    const FULL: Config = Config {
        ops: 2_000_000,
        samples: 41,
        wake_rounds: 6000,
        stop_rounds: 1500,
    };
}

/// A measured figure: a time per operation, or a latency distribution.
#[derive(Clone, Copy)]
enum Fig {
    /// Median nanoseconds per operation.
    Time(f64),
    /// p50 and p99 in nanoseconds.
    Latency { p50: f64, p99: f64 },
}

impl Fig {
    /// The median of per-operation samples (ns).
    fn time(samples: &[f64]) -> Fig {
        Fig::Time(percentile(samples, 50.0))
    }

    /// p50/p99 of latency samples (ns).
    fn latency(samples: &[f64]) -> Fig {
        Fig::Latency {
            p50: percentile(samples, 50.0),
            p99: percentile(samples, 99.0),
        }
    }

    fn show(self) -> String {
        match self {
            Fig::Time(t) => fmt_ns(t),
            Fig::Latency { p50, p99 } => format!("p50 {} / p99 {}", fmt_ns(p50), fmt_ns(p99)),
        }
    }
}

/// Where the bar is (shared/BENCHMARKS.md), checked against cancelpool's figure.
#[derive(Clone, Copy)]
enum Bar {
    /// No bar for this row (context only).
    None,
    /// The time per operation is at most this many ns.
    MaxNs(f64),
    /// p50 and p99 at most these many ns.
    MaxLatency { p50: f64, p99: f64 },
    /// cancelpool / peer at most this ratio (the pool rows' bars, e.g. join ≤ 1.0× rayon).
    #[allow(dead_code)] // used once the pool rows land
    MaxRatio(f64),
}

impl Bar {
    fn show(self, ours: Fig, theirs: Fig) -> String {
        let verdict = |ok: bool| if ok { "met" } else { "**MISSED**" };
        match (self, ours, theirs) {
            (Bar::None, _, _) => "—".to_string(),
            (Bar::MaxNs(max), Fig::Time(t), _) => {
                format!("≤ {}: {}", fmt_ns(max), verdict(t <= max))
            }
            (Bar::MaxLatency { p50, p99 }, Fig::Latency { p50: a, p99: b }, _) => format!(
                "p50 ≤ {}, p99 ≤ {}: {}",
                fmt_ns(p50),
                fmt_ns(p99),
                verdict(a <= p50 && b <= p99)
            ),
            (Bar::MaxRatio(max), Fig::Time(a), Fig::Time(b)) => {
                format!("≤ {max:.2}×: {}", verdict(a / b <= max))
            }
            _ => "(bar does not fit the figure)".to_string(),
        }
    }
}

/// One line of the table.
struct Row {
    workload: String,
    ours: Fig,
    peer: String,
    theirs: Fig,
    bar: Bar,
}

impl Row {
    fn new(
        workload: impl Into<String>,
        ours: Fig,
        peer: impl Into<String>,
        theirs: Fig,
        bar: Bar,
    ) -> Row {
        Row {
            workload: workload.into(),
            ours,
            peer: peer.into(),
            theirs,
            bar,
        }
    }

    fn ratio(&self) -> String {
        match (self.ours, self.theirs) {
            (Fig::Time(a), Fig::Time(b)) => format!("{:.2}×", a / b),
            (Fig::Latency { p50: a50, p99: a99 }, Fig::Latency { p50: b50, p99: b99 }) => {
                format!("{:.2}× / {:.2}×", a50 / b50, a99 / b99)
            }
            _ => "—".to_string(),
        }
    }
}

fn print_table(rows: &[Row]) {
    println!("| workload | cancelpool | peer | peer figure | ratio | bar |");
    println!("|---|---|---|---|---|---|");
    for r in rows {
        println!(
            "| {} | {} | {} | {} | {} | {} |",
            r.workload,
            r.ours.show(),
            r.peer,
            r.theirs.show(),
            r.ratio(),
            r.bar.show(r.ours, r.theirs)
        );
    }
}

fn fmt_ns(ns: f64) -> String {
    if ns < 1_000.0 {
        format!("{ns:.2} ns")
    } else if ns < 1_000_000.0 {
        format!("{:.1} µs", ns / 1e3)
    } else {
        format!("{:.2} ms", ns / 1e6)
    }
}

// ---------------------------------------------------------------------------------------
// Measurement helpers.

/// The `p`-th percentile (nearest rank) of `samples`.
fn percentile(samples: &[f64], p: f64) -> f64 {
    assert!(!samples.is_empty(), "no samples");
    let mut v = samples.to_vec();
    v.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * v.len() as f64).ceil() as usize;
    v[rank.clamp(1, v.len()) - 1]
}

/// Nanoseconds per call of `op`, over a loop of `n` calls. `op` returns a bool so that
/// its result is used; it should take its subject through `black_box`.
#[inline(always)]
fn per_op(n: u64, mut op: impl FnMut() -> bool) -> f64 {
    let mut hits = 0u64;
    let start = Instant::now();
    for _ in 0..n {
        hits += op() as u64;
    }
    let elapsed = start.elapsed();
    black_box(hits);
    elapsed.as_nanos() as f64 / n as f64
}

/// A named measurement producing one sample (ns) per call.
type Variant<'a> = (&'a str, Box<dyn FnMut() -> f64 + 'a>);

/// Takes `samples` samples of every variant, in turn (A B C A B C …), after one
/// discarded warm-up round; returns the samples per variant, in order.
fn interleaved(samples: usize, variants: &mut [Variant<'_>]) -> Vec<Vec<f64>> {
    for (_, v) in variants.iter_mut() {
        v();
    }
    let mut out = vec![Vec::with_capacity(samples); variants.len()];
    for _ in 0..samples {
        for (i, (_, v)) in variants.iter_mut().enumerate() {
            out[i].push(v());
        }
    }
    out
}

/// CPU time consumed by the calling thread (ns).
fn thread_cpu_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: a valid out-pointer and a clock every Linux has.
    let r = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(r, 0, "clock_gettime");
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

/// Runs `measure` while another thread spins on `poll`, and returns its result with the
/// fraction of `measure`'s wall time that the poller spent on a CPU. On a shared VM the
/// poller may be descheduled: a fraction well below 1 means the sample did not really
/// measure two threads at once.
fn with_poller<R>(poll: impl Fn() -> bool + Sync, measure: impl FnOnce() -> R) -> (R, f64) {
    const WARMING: u8 = 0;
    const MEASURING: u8 = 1;
    const STOP: u8 = 2;
    let phase = AtomicU8::new(WARMING);
    let polling = AtomicBool::new(false);
    thread::scope(|s| {
        let poller = s.spawn(|| {
            let mut hits = 0u64;
            let mut mark = None;
            loop {
                for _ in 0..256 {
                    hits += poll() as u64;
                }
                match phase.load(Ordering::SeqCst) {
                    WARMING => polling.store(true, Ordering::SeqCst),
                    MEASURING => {
                        mark.get_or_insert_with(thread_cpu_ns);
                    }
                    _ => break,
                }
            }
            black_box(hits);
            mark.map_or(0, |m| thread_cpu_ns() - m)
        });
        while !polling.load(Ordering::SeqCst) {
            std::hint::spin_loop();
        }
        phase.store(MEASURING, Ordering::SeqCst);
        let start = Instant::now();
        let r = measure();
        let wall = start.elapsed().as_nanos() as f64;
        phase.store(STOP, Ordering::SeqCst);
        let cpu = poller.join().expect("poller thread") as f64;
        (r, (cpu / wall).min(1.0))
    })
}

// ---------------------------------------------------------------------------------------
// Sections: the cancellation core.

const CHECK_BAR: Bar = Bar::MaxNs(1.0);

fn checkpoint_rows(cfg: &Config, rows: &mut Vec<Row>) {
    let source = CancelSource::new();
    let token = source.token();
    let flag = AtomicBool::new(false);
    let tokio = tokio_util::sync::CancellationToken::new();
    let n = cfg.ops;
    let mut variants: Vec<Variant<'_>> = vec![
        (
            "token.checkpoint",
            Box::new(|| per_op(n, || black_box(&token).checkpoint().is_err())),
        ),
        (
            "cancelpool::checkpoint",
            Box::new(|| per_op(n, || black_box(cancelpool::checkpoint()).is_err())),
        ),
        (
            "AtomicBool load",
            Box::new(|| per_op(n, || black_box(&flag).load(Ordering::Acquire))),
        ),
        (
            "pthread_testcancel",
            Box::new(|| {
                per_op(n, || {
                    // SAFETY: nobody cancels this thread, so this returns at once.
                    unsafe { ffi::pthread_testcancel() };
                    black_box(false)
                })
            }),
        ),
        (
            "tokio-util is_cancelled",
            Box::new(|| per_op(n, || black_box(&tokio).is_cancelled())),
        ),
    ];
    let s = interleaved(cfg.samples, &mut variants);
    let ours = Fig::time(&s[0]);
    for (i, (peer, _)) in variants.iter().enumerate().skip(2) {
        rows.push(Row::new(
            "checkpoint, 1 thread",
            ours,
            *peer,
            Fig::time(&s[i]),
            CHECK_BAR,
        ));
    }
    rows.push(Row::new(
        "free `checkpoint()` (outside a job)",
        Fig::time(&s[1]),
        "AtomicBool load",
        Fig::time(&s[2]),
        CHECK_BAR,
    ));
}

fn checkpoint_2_threads_rows(cfg: &Config, rows: &mut Vec<Row>) {
    let source = CancelSource::new();
    let token = source.token();
    let flag = AtomicBool::new(false);
    let tokio = tokio_util::sync::CancellationToken::new();
    let n = cfg.ops;
    let check_token = || black_box(&token).checkpoint().is_err();
    let check_flag = || black_box(&flag).load(Ordering::Acquire);
    let check_tokio = || black_box(&tokio).is_cancelled();
    // What a pool does when jobs take clones of a shared token: reference-count writes.
    let churn_token = || {
        drop(black_box(token.clone()));
        false
    };
    // The poller's on-CPU fraction of each sample, per variant.
    let overlap: [RefCell<Vec<f64>>; 4] = Default::default();
    let sample = |i: usize, (ns, on_cpu): (f64, f64)| {
        overlap[i].borrow_mut().push(on_cpu);
        ns
    };
    let mut variants: Vec<Variant<'_>> = vec![
        (
            "token.checkpoint",
            Box::new(|| sample(0, with_poller(check_token, || per_op(n, check_token)))),
        ),
        (
            "AtomicBool load, 2 threads",
            Box::new(|| sample(1, with_poller(check_flag, || per_op(n, check_flag)))),
        ),
        (
            "tokio-util is_cancelled, 2 threads",
            Box::new(|| sample(2, with_poller(check_tokio, || per_op(n, check_tokio)))),
        ),
        (
            "token.checkpoint, other thread clones + drops the token",
            Box::new(|| sample(3, with_poller(churn_token, || per_op(n, check_token)))),
        ),
    ];
    let s = interleaved(cfg.samples, &mut variants);
    // Keep the samples in which the poller really ran alongside (≥ 90 % of the window on
    // a CPU), if there are at least 3; the label says how many were kept.
    let figure = |i: usize| {
        let on_cpu = &overlap[i].borrow()[1..]; // [0] is the discarded warm-up sample
        let kept: Vec<f64> = s[i]
            .iter()
            .zip(on_cpu)
            .filter(|(_, &c)| c >= 0.9)
            .map(|(&ns, _)| ns)
            .collect();
        if kept.len() >= 3 {
            (Fig::time(&kept), format!("{}/{}", kept.len(), s[i].len()))
        } else {
            (
                Fig::time(&s[i]),
                format!("{}/{}: poller mostly off-CPU", kept.len(), s[i].len()),
            )
        }
    };
    let (ours, ours_kept) = figure(0);
    for (i, (peer, _)) in variants.iter().enumerate().take(3).skip(1) {
        let (theirs, kept) = figure(i);
        rows.push(Row::new(
            format!(
                "checkpoint, 2 threads polling one token (samples with both threads on a CPU: \
                 {ours_kept} vs {kept})"
            ),
            ours,
            *peer,
            theirs,
            CHECK_BAR,
        ));
    }
    // The flag shares a cache line with the reference count: a thread that clones and
    // drops the token makes every check of the other thread miss.
    let (churn, churn_kept) = figure(3);
    rows.push(Row::new(
        format!(
            "checkpoint while another thread clones + drops the same token (samples with \
             both threads on a CPU: {churn_kept} vs {ours_kept})"
        ),
        churn,
        "the same, other thread only checks",
        ours,
        CHECK_BAR,
    ));
}

fn guard_rows(cfg: &Config, rows: &mut Vec<Row>) {
    let n = cfg.ops;
    let mut variants: Vec<Variant<'_>> = vec![
        (
            "drop(disable_cancel())",
            Box::new(|| {
                per_op(n, || {
                    drop(black_box(cancelpool::disable_cancel()));
                    false
                })
            }),
        ),
        (
            "pthread_setcancelstate pair",
            Box::new(|| {
                per_op(n, || {
                    ffi::setcancelstate_pair();
                    false
                })
            }),
        ),
    ];
    let s = interleaved(cfg.samples, &mut variants);
    rows.push(Row::new(
        "`disable_cancel()` guard pair",
        Fig::time(&s[0]),
        variants[1].0,
        Fig::time(&s[1]),
        Bar::MaxNs(1.0),
    ));
}

const WAKE_BAR: Bar = Bar::MaxLatency {
    p50: 10_000.0,
    p99: 25_000.0,
};

fn wake_rows(cfg: &Config, rows: &mut Vec<Row>) {
    // One shared waiter thread: the variants borrow it in turn.
    let waiter = RefCell::new(Waiter::new());
    let mut variants: Vec<Variant<'_>> = Vec::new();
    for scenario in Scenario::ALL {
        let waiter = &waiter;
        variants.push((
            scenario.name(),
            Box::new(move || waiter.borrow_mut().round(scenario.make()).as_nanos() as f64),
        ));
    }
    let s = interleaved(cfg.wake_rounds, &mut variants);
    let fig = |sc: Scenario| {
        let i = Scenario::ALL.iter().position(|&x| x == sc).expect("listed");
        Fig::latency(&s[i])
    };
    let pairs = [
        (Scenario::TokenSleep, Scenario::Condvar),
        (Scenario::TokenSleep, Scenario::Park),
        (Scenario::TokenWaitWhile, Scenario::Condvar),
        (Scenario::TokenWaitFd, Scenario::Condvar),
        (Scenario::TokenWaitFd, Scenario::Poll),
    ];
    for (ours, peer) in pairs {
        rows.push(Row::new(
            format!("cancel → return, `{}`", ours.name()),
            fig(ours),
            peer.name(),
            fig(peer),
            WAKE_BAR,
        ));
    }
}

// ---------------------------------------------------------------------------------------
// Stop a thread blocked reading an idle pipe: cancelpool vs pthread_cancel.

/// A pipe closed on drop.
struct Pipe {
    read: libc::c_int,
    write: libc::c_int,
}

impl Pipe {
    fn new() -> Pipe {
        let mut fds = [0; 2];
        // SAFETY: `fds` is a valid out-array of two ints.
        let r = unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) };
        assert_eq!(r, 0, "pipe2: {}", std::io::Error::last_os_error());
        Pipe {
            read: fds[0],
            write: fds[1],
        }
    }
}

impl Drop for Pipe {
    fn drop(&mut self) {
        // SAFETY: both fds were opened by `Pipe::new` and are closed once, here.
        unsafe {
            libc::close(self.read);
            libc::close(self.write);
        }
    }
}

/// The pthread_cancel side, made safe:
///
/// The cancelled thread is made by `pthread_create`, never by std, and runs only
/// `blocked_reader`, whose frame owns nothing with a destructor (a "plain old frame").
/// glibc's cancellation unwinds it with a *forced* unwind; Rust defines a forced unwind
/// through plain old frames of `extern "C-unwind"` functions (RFC 2945), whereas through
/// an `extern "C"` frame it may abort. So the start routine and the `read` it calls are
/// both declared `C-unwind`. No Rust code other than that frame is on the thread's stack.
mod pthread_stop {
    use std::sync::atomic::{AtomicI32, Ordering};

    use libc::{c_int, c_void, pthread_attr_t, pthread_t, size_t, ssize_t};

    /// What the blocked reader gets: the fd to read and where to publish its tid.
    pub(crate) struct Arg {
        pub(crate) fd: c_int,
        pub(crate) tid: AtomicI32,
    }

    // The same symbols as libc's declarations, with the unwind ABI the forced unwind
    // needs (see the module docs); the signatures are otherwise identical.
    #[allow(clashing_extern_declarations)]
    extern "C-unwind" {
        #[link_name = "read"]
        fn read_cancellable(fd: c_int, buf: *mut c_void, count: size_t) -> ssize_t;
    }
    #[allow(clashing_extern_declarations)]
    extern "C" {
        #[link_name = "pthread_create"]
        fn pthread_create_unwind(
            thread: *mut pthread_t,
            attr: *const pthread_attr_t,
            start: extern "C-unwind" fn(*mut c_void) -> *mut c_void,
            arg: *mut c_void,
        ) -> c_int;
    }

    /// Publishes its tid, then blocks in `read` until cancelled. A plain old frame.
    extern "C-unwind" fn blocked_reader(arg: *mut c_void) -> *mut c_void {
        // SAFETY: `spawn` passes a pointer to an `Arg` that outlives the thread (the
        // caller joins before dropping it).
        let arg = unsafe { &*arg.cast::<Arg>() };
        arg.tid.store(super::gettid(), Ordering::SeqCst);
        let mut byte = 0u8;
        // SAFETY: reads at most one byte into a live local; a cancellation point.
        unsafe { read_cancellable(arg.fd, (&mut byte as *mut u8).cast(), 1) };
        std::ptr::null_mut()
    }

    /// Starts a thread blocked reading `arg.fd`.
    pub(crate) fn spawn(arg: &Arg) -> pthread_t {
        // SAFETY: `pthread_t` is a plain integer on linux-gnu: zero is a valid value.
        let mut thread: pthread_t = unsafe { std::mem::zeroed() };
        // SAFETY: valid out-pointer, default attributes, a start routine as described
        // in the module docs, and an argument that outlives the thread (see above).
        let r = unsafe {
            pthread_create_unwind(
                &mut thread,
                std::ptr::null(),
                blocked_reader,
                (arg as *const Arg).cast_mut().cast(),
            )
        };
        assert_eq!(
            r,
            0,
            "pthread_create: {}",
            std::io::Error::from_raw_os_error(r)
        );
        thread
    }

    /// `pthread_cancel` + `pthread_join`; true if the thread ended by cancellation.
    pub(crate) fn cancel_and_join(thread: pthread_t) -> bool {
        let mut ret: *mut c_void = std::ptr::null_mut();
        // SAFETY: `thread` is a joinable thread made by `spawn`, joined once, here.
        unsafe {
            assert_eq!(libc::pthread_cancel(thread), 0);
            assert_eq!(libc::pthread_join(thread, &mut ret), 0);
        }
        // glibc's PTHREAD_CANCELED is ((void *) -1).
        ret as isize == -1
    }
}

fn stop_pthread_round() -> f64 {
    let pipe = Pipe::new();
    let arg = pthread_stop::Arg {
        fd: pipe.read,
        tid: AtomicI32::new(0),
    };
    let thread = pthread_stop::spawn(&arg);
    let tid = loop {
        match arg.tid.load(Ordering::SeqCst) {
            0 => thread::yield_now(),
            tid => break tid,
        }
    };
    wait_until_blocked(tid);
    let t0 = Instant::now();
    let cancelled = pthread_stop::cancel_and_join(thread);
    let ns = t0.elapsed().as_nanos() as f64;
    assert!(cancelled, "the reader was not cancelled");
    ns
}

fn stop_cancelpool_round() -> f64 {
    let pipe = Pipe::new();
    let source = CancelSource::new();
    let token = source.token();
    let tid = AtomicI32::new(0);
    thread::scope(|s| {
        let reader = s.spawn(|| {
            tid.store(gettid(), Ordering::SeqCst);
            // SAFETY: the pipe outlives the scope, hence this thread.
            let fd = unsafe { std::os::fd::BorrowedFd::borrow_raw(pipe.read) };
            token.wait_fd(fd, Interest::Readable, None)
        });
        let tid = loop {
            match tid.load(Ordering::SeqCst) {
                0 => thread::yield_now(),
                tid => break tid,
            }
        };
        wait_until_blocked(tid);
        let t0 = Instant::now();
        source.cancel();
        let r = reader.join().expect("reader thread");
        let ns = t0.elapsed().as_nanos() as f64;
        let err = r.expect_err("only a cancel ends the wait");
        assert!(Cancelled::is_cancelled_io(&err), "{err}");
        ns
    })
}

fn stop_thread_rows(cfg: &Config, rows: &mut Vec<Row>) {
    let mut variants: Vec<Variant<'_>> = vec![
        ("cancelpool", Box::new(stop_cancelpool_round)),
        (
            "pthread_cancel + pthread_join",
            Box::new(stop_pthread_round),
        ),
    ];
    // `interleaved` discards a first round of each: glibc loads libgcc_s at the first
    // cancellation.
    let s = interleaved(cfg.stop_rounds, &mut variants);
    rows.push(Row::new(
        "stop a thread blocked reading a pipe, until joined",
        Fig::latency(&s[0]),
        variants[1].0,
        Fig::latency(&s[1]),
        Bar::None,
    ));
}

// ---------------------------------------------------------------------------------------

fn main() {
    let mut quick = false;
    let mut filters = Vec::new();
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--quick" => quick = true,
            // cargo bench passes `--bench` to every bench binary.
            "--bench" => {}
            other if other.starts_with('-') => eprintln!("compare: ignoring {other}"),
            other => filters.push(other.to_string()),
        }
    }
    let cfg = if quick { Config::QUICK } else { Config::FULL };
    // Other processes' load decides the latency tails on a shared VM: say what it was.
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load = load.split_whitespace().next().unwrap_or("?");
    let cpus = thread::available_parallelism().map_or(0, |n| n.get());
    let start = Instant::now();
    let mut rows = Vec::new();
    for (name, section) in SECTIONS {
        if filters.is_empty() || filters.iter().any(|f| name.contains(f.as_str())) {
            let t = Instant::now();
            section(&cfg, &mut rows);
            eprintln!("compare: {name} took {:.1} s", t.elapsed().as_secs_f64());
        }
    }
    println!("compare: 1-min load average {load} on {cpus} CPUs when it started\n");
    print_table(&rows);
    eprintln!(
        "compare: {} rows in {:.1} s ({})",
        rows.len(),
        start.elapsed().as_secs_f64(),
        if quick { "--quick" } else { "full" }
    );
}

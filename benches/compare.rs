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
//! Pool and parallel-iterator rows run both libraries on pools of 2 workers (unless the
//! row says otherwise), and every parallel sample starts with a short parallel warm-up
//! phase on its own pool (`warm_cp`, `warm_rayon`): a parallel phase right after a
//! single-threaded one runs 1.3–1.7× slower on these VMs. The allocation rows count heap
//! allocations with a counting `#[global_allocator]` that counts only while a row
//! measures (one relaxed load per allocation otherwise, for every row alike).
//!
//! Adding rows: write `fn my_rows(cfg: &Config, rows: &mut Vec<Row>)` with the helpers
//! below (`per_op`, `interleaved`, `time_ns`, `Fig::time`, `Fig::latency`, `Bar`) and
//! list it in [`SECTIONS`]. Linux/glibc only (see `common`).

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::RefCell;
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar as StdCondvar, Mutex as StdMutex};
use std::thread;
use std::time::{Duration, Instant};

use cancelpool::{CancelSource, Cancelled, Interest, JobError, JobHandle};
use common::{Scenario, Waiter, ffi, gettid, wait_until_blocked};

/// A section measures its workloads and appends their rows.
type Section = fn(&Config, &mut Vec<Row>);

/// Every section, in table order. Pool sections go here as they are written.
const SECTIONS: &[(&str, Section)] = &[
    ("checkpoint", checkpoint_rows),
    ("checkpoint-2-threads", checkpoint_2_threads_rows),
    ("guard", guard_rows),
    ("wake", wake_rows),
    ("stop-thread", stop_thread_rows),
    ("join", join_rows),
    ("fib-cutoff", fib_cutoff_rows),
    ("scope-spawn", scope_spawn_rows),
    ("spawn-submit", spawn_submit_rows),
    ("alloc", alloc_rows),
    ("par-sum", par_sum_rows),
    ("par-map-collect", par_map_collect_rows),
    ("par-find-any", par_find_any_rows),
    ("shutdown", shutdown_rows),
    ("shutdown-now-busy", shutdown_now_rows),
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
    /// Samples per variant of the fork-join and parallel-iterator sections.
    par_samples: usize,
    /// Jobs per sample of the job-throughput sections (`scope`/`spawn`/`submit`).
    jobs: usize,
    /// Samples per variant of the job-throughput sections.
    job_samples: usize,
    /// Elements of the `sum` input.
    sum_len: usize,
    /// Length of the `find_any` range.
    find_len: usize,
    /// Elements of the `map` + `collect` input.
    map_len: usize,
    /// Rounds per variant of the idle-shutdown section.
    shutdown_rounds: usize,
    /// Rounds per variant of the busy-shutdown section (8 spinning threads each).
    busy_rounds: usize,
}

impl Config {
    const QUICK: Config = Config {
        ops: 1_000_000,
        samples: 15,
        wake_rounds: 1500,
        stop_rounds: 300,
        par_samples: 7,
        jobs: 200_000,
        job_samples: 5,
        sum_len: 10_000_000,
        find_len: 10_000_000,
        map_len: 2_000_000,
        shutdown_rounds: 40,
        busy_rounds: 8,
    };
    const FULL: Config = Config {
        ops: 2_000_000,
        samples: 41,
        wake_rounds: 6000,
        stop_rounds: 1500,
        par_samples: 11,
        jobs: 1_000_000,
        job_samples: 5,
        sum_len: 100_000_000,
        find_len: 50_000_000,
        map_len: 10_000_000,
        shutdown_rounds: 200,
        busy_rounds: 20,
    };
}

/// A measured figure: a time per operation, or a latency distribution.
#[derive(Clone, Copy)]
enum Fig {
    /// Median nanoseconds per operation.
    Time(f64),
    /// Median nanoseconds per job, shown with the throughput it means.
    PerJob(f64),
    /// p50 and p99 in nanoseconds.
    Latency { p50: f64, p99: f64 },
    /// A speed-up over a sequential run (higher is better).
    Speedup(f64),
    /// Heap allocations per operation.
    Allocs(f64),
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

    /// The speed-up `sequential / parallel` of two medians of times.
    fn speedup(sequential: &[f64], parallel: &[f64]) -> Fig {
        Fig::Speedup(percentile(sequential, 50.0) / percentile(parallel, 50.0))
    }

    /// A time per operation (ns), if the figure is one.
    fn ns(self) -> Option<f64> {
        match self {
            Fig::Time(t) | Fig::PerJob(t) => Some(t),
            _ => None,
        }
    }

    fn show(self) -> String {
        match self {
            Fig::Time(t) => fmt_ns(t),
            Fig::PerJob(t) => format!("{}/job ({:.2} M jobs/s)", fmt_ns(t), 1e3 / t),
            Fig::Latency { p50, p99 } => format!("p50 {} / p99 {}", fmt_ns(p50), fmt_ns(p99)),
            Fig::Speedup(x) => format!("{x:.2}× sequential"),
            Fig::Allocs(n) => format!("{n:.3} allocs/op"),
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
    /// p50 at most this many ns (p99 shown, not judged).
    MaxP50(f64),
    /// cancelpool / peer at most this ratio (the pool rows' bars, e.g. join ≤ 1.0× rayon).
    MaxRatio(f64),
    /// A speed-up of at least this much.
    MinSpeedup(f64),
    /// At most this many allocations per operation, plus [`QUEUE_BLOCKS`].
    MaxAllocs(f64),
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
            (Bar::MaxP50(max), Fig::Latency { p50, .. }, _) => {
                format!("p50 ≤ {}: {}", fmt_ns(max), verdict(p50 <= max))
            }
            (Bar::MaxRatio(max), a, b) => match (a.ns(), b.ns()) {
                (Some(a), Some(b)) => format!("≤ {max:.2}×: {}", verdict(a / b <= max)),
                _ => "(bar does not fit the figure)".to_string(),
            },
            (Bar::MinSpeedup(min), Fig::Speedup(x), _) => {
                format!("≥ {min:.2}×: {}", verdict(x >= min))
            }
            (Bar::MaxAllocs(max), Fig::Allocs(n), _) => format!(
                "≤ {max} (+ {QUEUE_BLOCKS} for queue blocks): {}",
                verdict(n <= max + QUEUE_BLOCKS)
            ),
            _ => "(bar does not fit the figure)".to_string(),
        }
    }
}

/// Slack of the allocation bars: the job queues' own storage, amortized over the jobs
/// (crossbeam's injector allocates one block per 63 jobs, 0.016 per job, for rayon and
/// cancelpool alike); a whole extra allocation per job still misses.
const QUEUE_BLOCKS: f64 = 0.05;

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

    /// cancelpool / peer; for speed-ups over the same sequential run, the ratio of the
    /// times (peer's speed-up / ours), so that below 1 still means cancelpool is faster.
    fn ratio(&self) -> String {
        match (self.ours, self.theirs) {
            (Fig::Latency { p50: a50, p99: a99 }, Fig::Latency { p50: b50, p99: b99 }) => {
                format!("{:.2}× / {:.2}×", a50 / b50, a99 / b99)
            }
            (Fig::Speedup(a), Fig::Speedup(b)) => format!("{:.2}×", b / a),
            (Fig::Allocs(a), Fig::Allocs(b)) if b > 0.0 => format!("{:.2}×", a / b),
            (a, b) => match (a.ns(), b.ns()) {
                (Some(a), Some(b)) => format!("{:.2}×", a / b),
                _ => "—".to_string(),
            },
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
            .filter(|&(_, &c)| c >= 0.9)
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
    unsafe extern "C-unwind" {
        #[link_name = "read"]
        fn read_cancellable(fd: c_int, buf: *mut c_void, count: size_t) -> ssize_t;
    }
    #[allow(clashing_extern_declarations)]
    unsafe extern "C" {
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
// Counting allocator: the allocation rows count the heap allocations every thread makes
// while `COUNTING` is set.

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

// ---------------------------------------------------------------------------------------
// Pool helpers.

fn cp_pool(threads: usize) -> cancelpool::ThreadPool {
    cancelpool::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("build a cancelpool pool")
}

fn rayon_pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("build a rayon pool")
}

/// How long each side of a warm-up `join` spins.
const WARM: Duration = Duration::from_micros(300);

fn spin_for(d: Duration) {
    let start = Instant::now();
    while start.elapsed() < d {
        std::hint::spin_loop();
    }
}

/// A short parallel phase right before a timed one: both workers (and both vCPUs) are
/// awake when timing starts, whatever ran before (see shared/BENCHMARKS.md).
fn warm_cp(pool: &cancelpool::ThreadPool) {
    pool.install(|| cancelpool::join(|| spin_for(WARM), || spin_for(WARM)));
}

fn warm_rayon(pool: &rayon::ThreadPool) {
    pool.install(|| rayon::join(|| spin_for(WARM), || spin_for(WARM)));
}

fn warm_threadpool(pool: &threadpool::ThreadPool) {
    for _ in 0..pool.max_count() {
        pool.execute(|| spin_for(WARM));
    }
    pool.join();
}

/// Wall time of `f` (ns); its result is dropped after the clock stopped.
fn time_ns<R>(f: impl FnOnce() -> R) -> f64 {
    let start = Instant::now();
    let r = f();
    let ns = start.elapsed().as_nanos() as f64;
    drop(black_box(r));
    ns
}

/// `1_000_000` → "1M", `250_000` → "250k".
fn fmt_count(n: usize) -> String {
    if n >= 1_000_000 && n % 1_000_000 == 0 {
        format!("{}M", n / 1_000_000)
    } else if n >= 1_000 && n % 1_000 == 0 {
        format!("{}k", n / 1_000)
    } else {
        n.to_string()
    }
}

// ---------------------------------------------------------------------------------------
// Sections: fork-join.

fn fib_seq(n: u64) -> u64 {
    if n < 2 {
        n
    } else {
        fib_seq(n - 1) + fib_seq(n - 2)
    }
}

/// fib(n) with `join` for every n above `cutoff`, sequential at or below it.
fn fib_cp(n: u64, cutoff: u64) -> u64 {
    if n <= cutoff {
        return fib_seq(n);
    }
    let (a, b) = cancelpool::join(|| fib_cp(n - 1, cutoff), || fib_cp(n - 2, cutoff));
    a + b
}

fn fib_rayon(n: u64, cutoff: u64) -> u64 {
    if n <= cutoff {
        return fib_seq(n);
    }
    let (a, b) = rayon::join(|| fib_rayon(n - 1, cutoff), || fib_rayon(n - 2, cutoff));
    a + b
}

fn join_rows(cfg: &Config, rows: &mut Vec<Row>) {
    const N: u64 = 30;
    let cp = cp_pool(2);
    let ry = rayon_pool(2);
    assert_eq!(cp.install(|| fib_cp(N, 1)), fib_seq(N));
    assert_eq!(ry.install(|| fib_rayon(N, 1)), fib_seq(N));
    let mut variants: Vec<Variant<'_>> = vec![
        (
            "cancelpool",
            Box::new(|| {
                warm_cp(&cp);
                time_ns(|| cp.install(|| fib_cp(black_box(N), 1)))
            }),
        ),
        (
            "rayon",
            Box::new(|| {
                warm_rayon(&ry);
                time_ns(|| ry.install(|| fib_rayon(black_box(N), 1)))
            }),
        ),
        (
            "sequential fib(30)",
            Box::new(|| time_ns(|| fib_seq(black_box(N)))),
        ),
    ];
    let s = interleaved(cfg.par_samples, &mut variants);
    // Every call with n ≥ 2 joins: the internal nodes of the call tree, fib(n + 1) - 1.
    let joins = (fib_seq(N + 1) - 1) as f64;
    let per_join = |i: usize| fmt_ns(percentile(&s[i], 50.0) / joins);
    rows.push(Row::new(
        format!(
            "fib(30), `join` at every level, 2 workers ({} vs {} per join)",
            per_join(0),
            per_join(1)
        ),
        Fig::time(&s[0]),
        variants[1].0,
        Fig::time(&s[1]),
        Bar::MaxRatio(1.0),
    ));
    rows.push(Row::new(
        format!(
            "fib(30), `join` at every level, vs sequential (rayon: {:.2}× sequential)",
            percentile(&s[1], 50.0) / percentile(&s[2], 50.0)
        ),
        Fig::time(&s[0]),
        variants[2].0,
        Fig::time(&s[2]),
        Bar::None,
    ));
}

fn fib_cutoff_rows(cfg: &Config, rows: &mut Vec<Row>) {
    const N: u64 = 35;
    const CUTOFF: u64 = 20;
    let cp = cp_pool(2);
    let ry = rayon_pool(2);
    let mut variants: Vec<Variant<'_>> = vec![
        ("sequential", Box::new(|| time_ns(|| fib_seq(black_box(N))))),
        (
            "cancelpool",
            Box::new(|| {
                warm_cp(&cp);
                time_ns(|| cp.install(|| fib_cp(black_box(N), CUTOFF)))
            }),
        ),
        (
            "rayon",
            Box::new(|| {
                warm_rayon(&ry);
                time_ns(|| ry.install(|| fib_rayon(black_box(N), CUTOFF)))
            }),
        ),
    ];
    let s = interleaved(cfg.par_samples, &mut variants);
    rows.push(Row::new(
        format!(
            "fib(35), `join` above n = 20, sequential below, 2 workers: speed-up \
             (cancelpool {}, rayon {}, sequential {})",
            Fig::time(&s[1]).show(),
            Fig::time(&s[2]).show(),
            Fig::time(&s[0]).show()
        ),
        Fig::speedup(&s[0], &s[1]),
        variants[2].0,
        Fig::speedup(&s[0], &s[2]),
        Bar::MinSpeedup(1.95),
    ));
}

// ---------------------------------------------------------------------------------------
// Sections: job throughput.

fn scope_spawn_rows(cfg: &Config, rows: &mut Vec<Row>) {
    let n = cfg.jobs;
    let cp = cp_pool(2);
    let ry = rayon_pool(2);
    let mut variants: Vec<Variant<'_>> = vec![
        (
            "cancelpool",
            Box::new(|| {
                warm_cp(&cp);
                let ns = time_ns(|| {
                    cp.scope(|s| {
                        for _ in 0..n {
                            s.spawn(|_| {});
                        }
                    })
                });
                ns / n as f64
            }),
        ),
        (
            "rayon",
            Box::new(|| {
                warm_rayon(&ry);
                let ns = time_ns(|| {
                    ry.scope(|s| {
                        for _ in 0..n {
                            s.spawn(|_| {});
                        }
                    })
                });
                ns / n as f64
            }),
        ),
    ];
    let s = interleaved(cfg.job_samples, &mut variants);
    rows.push(Row::new(
        format!(
            "`scope` + `spawn` of {} empty jobs, 2 workers",
            fmt_count(n)
        ),
        Fig::PerJob(percentile(&s[0], 50.0)),
        variants[1].0,
        Fig::PerJob(percentile(&s[1], 50.0)),
        Bar::MaxRatio(1.0),
    ));
}

/// Counts finished handle-less jobs down and wakes the waiter at zero: completion
/// without a channel, for `spawn` rows.
struct Countdown {
    left: AtomicUsize,
    done: StdMutex<bool>,
    cv: StdCondvar,
}

impl Countdown {
    const fn new() -> Countdown {
        Countdown {
            left: AtomicUsize::new(0),
            done: StdMutex::new(false),
            cv: StdCondvar::new(),
        }
    }

    /// Arms the countdown for `n ≥ 1` jobs; no job of an earlier round may be running.
    fn reset(&self, n: usize) {
        assert!(n > 0);
        *self.done.lock().expect("countdown lock") = false;
        self.left.store(n, Ordering::SeqCst);
    }

    /// One job finished.
    fn hit(&self) {
        // AcqRel: the last decrement happens after every other job's; the waiter is told
        // through the mutex.
        if self.left.fetch_sub(1, Ordering::AcqRel) == 1 {
            *self.done.lock().expect("countdown lock") = true;
            self.cv.notify_one();
        }
    }

    /// Blocks until every job of the round finished.
    fn wait(&self) {
        let mut done = self.done.lock().expect("countdown lock");
        while !*done {
            done = self.cv.wait(done).expect("countdown lock");
        }
    }
}

/// The countdown of the `spawn` rows (`spawn` needs `'static` jobs).
static COUNTDOWN: Countdown = Countdown::new();

fn cp_submit_all(cp: &cancelpool::ThreadPool, n: usize, handles: &mut Vec<JobHandle<()>>) {
    for _ in 0..n {
        handles.push(cp.submit(|_| Ok(())));
    }
    for h in handles.drain(..) {
        h.join().expect("an empty job succeeds");
    }
}

fn cp_spawn_all(cp: &cancelpool::ThreadPool, n: usize) {
    COUNTDOWN.reset(n);
    for _ in 0..n {
        cp.spawn(|| COUNTDOWN.hit());
    }
    COUNTDOWN.wait();
}

fn rayon_spawn_all(ry: &rayon::ThreadPool, n: usize) {
    COUNTDOWN.reset(n);
    for _ in 0..n {
        ry.spawn(|| COUNTDOWN.hit());
    }
    COUNTDOWN.wait();
}

fn spawn_submit_rows(cfg: &Config, rows: &mut Vec<Row>) {
    let n = cfg.jobs;
    let cp = cp_pool(2);
    let ry = rayon_pool(2);
    let tp = threadpool::ThreadPool::new(2);
    // The handles' storage is made outside the timed region.
    let mut handles = Vec::with_capacity(n);
    let mut variants: Vec<Variant<'_>> = vec![
        (
            "cancelpool submit",
            Box::new(|| {
                warm_cp(&cp);
                time_ns(|| cp_submit_all(&cp, n, &mut handles)) / n as f64
            }),
        ),
        (
            "rayon `spawn` (no handle) + countdown",
            Box::new(|| {
                warm_rayon(&ry);
                time_ns(|| rayon_spawn_all(&ry, n)) / n as f64
            }),
        ),
        (
            "cancelpool spawn",
            Box::new(|| {
                warm_cp(&cp);
                time_ns(|| cp_spawn_all(&cp, n)) / n as f64
            }),
        ),
        (
            "threadpool `execute` + `join`",
            Box::new(|| {
                warm_threadpool(&tp);
                let ns = time_ns(|| {
                    for _ in 0..n {
                        tp.execute(|| {});
                    }
                    tp.join();
                });
                ns / n as f64
            }),
        ),
    ];
    let s = interleaved(cfg.job_samples, &mut variants);
    let fig = |i: usize| Fig::PerJob(percentile(&s[i], 50.0));
    let jobs = fmt_count(n);
    rows.push(Row::new(
        format!(
            "`submit` of {jobs} empty jobs from outside, keeping each `JobHandle`, then \
             joining each; 2 workers"
        ),
        fig(0),
        variants[1].0,
        fig(1),
        Bar::MaxRatio(1.0),
    ));
    rows.push(Row::new(
        format!("`spawn` of {jobs} empty jobs from outside + countdown; 2 workers"),
        fig(2),
        variants[1].0,
        fig(1),
        Bar::None,
    ));
    rows.push(Row::new(
        format!("`submit` of {jobs} empty jobs from outside + join the handles; 2 workers"),
        fig(0),
        variants[3].0,
        fig(3),
        Bar::None,
    ));
    rows.push(Row::new(
        format!("`spawn` of {jobs} empty jobs from outside + countdown; 2 workers"),
        fig(2),
        variants[3].0,
        fig(3),
        Bar::None,
    ));
}

fn alloc_rows(_cfg: &Config, rows: &mut Vec<Row>) {
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
    let fig = |i: usize| Fig::Allocs(percentile(&s[i], 50.0));
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

// ---------------------------------------------------------------------------------------
// Sections: parallel iterators. The two libraries' traits have the same method names,
// so each library's workloads live in a module with its own prelude.

/// What the `map` rows apply to each element.
const MASK: u64 = 0x5555_5555_5555_5555;

mod cp_iter {
    use cancelpool::CancelToken;
    use cancelpool::prelude::*;

    pub(crate) fn sum(v: &[u64]) -> u64 {
        v.par_iter().sum()
    }

    pub(crate) fn sum_cancel(v: &[u64], token: &CancelToken) -> u64 {
        v.par_iter()
            .with_cancel(token)
            .sum()
            .expect("nobody cancels")
    }

    pub(crate) fn map_collect(v: &[u64]) -> Vec<u64> {
        v.par_iter().map(|&x| x ^ super::MASK).collect()
    }

    pub(crate) fn map_collect_cancel(v: &[u64], token: &CancelToken) -> Vec<u64> {
        v.par_iter()
            .with_cancel(token)
            .map(|&x| x ^ super::MASK)
            .collect()
            .expect("nobody cancels")
    }

    pub(crate) fn find_any(n: u64, target: u64) -> Option<u64> {
        (0..n).into_par_iter().find_any(|&x| x == target)
    }
}

mod rayon_iter {
    use rayon::prelude::*;

    pub(crate) fn sum(v: &[u64]) -> u64 {
        v.par_iter().sum()
    }

    pub(crate) fn map_collect(v: &[u64]) -> Vec<u64> {
        v.par_iter().map(|&x| x ^ super::MASK).collect()
    }

    pub(crate) fn find_any(n: u64, target: u64) -> Option<u64> {
        (0..n).into_par_iter().find_any(|&x| x == target)
    }
}

fn par_sum_rows(cfg: &Config, rows: &mut Vec<Row>) {
    let n = cfg.sum_len;
    let v: Vec<u64> = (0..n as u64).collect();
    let cp = cp_pool(2);
    let ry = rayon_pool(2);
    let source = CancelSource::new();
    let token = source.token();
    let expect = (n as u64) * (n as u64 - 1) / 2;
    assert_eq!(cp.install(|| cp_iter::sum(&v)), expect);
    assert_eq!(ry.install(|| rayon_iter::sum(&v)), expect);
    let v = &v;
    let mut variants: Vec<Variant<'_>> = vec![
        (
            "cancelpool",
            Box::new(|| {
                warm_cp(&cp);
                time_ns(|| cp.install(|| cp_iter::sum(black_box(v))))
            }),
        ),
        (
            "rayon",
            Box::new(|| {
                warm_rayon(&ry);
                time_ns(|| ry.install(|| rayon_iter::sum(black_box(v))))
            }),
        ),
        (
            "sequential `iter().sum()`",
            Box::new(|| time_ns(|| black_box(v).iter().sum::<u64>())),
        ),
        (
            "cancelpool `.with_cancel(&token)`",
            Box::new(|| {
                warm_cp(&cp);
                time_ns(|| cp.install(|| cp_iter::sum_cancel(black_box(v), &token)))
            }),
        ),
    ];
    let s = interleaved(cfg.par_samples, &mut variants);
    let what = format!(
        "`par_iter().sum()` of {} u64 ({} MB)",
        fmt_count(n),
        n * 8 / 1_000_000
    );
    rows.push(Row::new(
        format!("{what}, 2 workers"),
        Fig::time(&s[0]),
        variants[1].0,
        Fig::time(&s[1]),
        Bar::MaxRatio(1.05),
    ));
    rows.push(Row::new(
        format!("{what} vs sequential"),
        Fig::time(&s[0]),
        variants[2].0,
        Fig::time(&s[2]),
        Bar::None,
    ));
    rows.push(Row::new(
        format!("{what}: with `.with_cancel(&token)` vs without"),
        Fig::time(&s[3]),
        "cancelpool without",
        Fig::time(&s[0]),
        Bar::None,
    ));
}

fn par_map_collect_rows(cfg: &Config, rows: &mut Vec<Row>) {
    let n = cfg.map_len;
    let v: Vec<u64> = (0..n as u64).collect();
    let cp = cp_pool(2);
    let ry = rayon_pool(2);
    let source = CancelSource::new();
    let token = source.token();
    let expect: Vec<u64> = v.iter().map(|&x| x ^ MASK).collect();
    assert!(cp.install(|| cp_iter::map_collect(&v)) == expect);
    assert!(ry.install(|| rayon_iter::map_collect(&v)) == expect);
    drop(expect);
    let v = &v;
    let mut variants: Vec<Variant<'_>> = vec![
        (
            "cancelpool",
            Box::new(|| {
                warm_cp(&cp);
                time_ns(|| cp.install(|| cp_iter::map_collect(black_box(v))))
            }),
        ),
        (
            "rayon",
            Box::new(|| {
                warm_rayon(&ry);
                time_ns(|| ry.install(|| rayon_iter::map_collect(black_box(v))))
            }),
        ),
        (
            "cancelpool `.with_cancel(&token)`",
            Box::new(|| {
                warm_cp(&cp);
                time_ns(|| cp.install(|| cp_iter::map_collect_cancel(black_box(v), &token)))
            }),
        ),
    ];
    let s = interleaved(cfg.par_samples, &mut variants);
    let what = format!(
        "`par_iter().map(..).collect::<Vec<u64>>()` of {} u64",
        fmt_count(n)
    );
    rows.push(Row::new(
        format!("{what}, 2 workers"),
        Fig::time(&s[0]),
        variants[1].0,
        Fig::time(&s[1]),
        Bar::MaxRatio(1.05),
    ));
    rows.push(Row::new(
        format!("{what}: with `.with_cancel(&token)` vs without"),
        Fig::time(&s[2]),
        "cancelpool without",
        Fig::time(&s[0]),
        Bar::None,
    ));
}

fn par_find_any_rows(cfg: &Config, rows: &mut Vec<Row>) {
    let n = cfg.find_len as u64;
    let target = n - n / 1000;
    let cp = cp_pool(2);
    let ry = rayon_pool(2);
    assert_eq!(cp.install(|| cp_iter::find_any(n, target)), Some(target));
    assert_eq!(ry.install(|| rayon_iter::find_any(n, target)), Some(target));
    let mut variants: Vec<Variant<'_>> = vec![
        (
            "cancelpool",
            Box::new(|| {
                warm_cp(&cp);
                time_ns(|| cp.install(|| cp_iter::find_any(black_box(n), black_box(target))))
            }),
        ),
        (
            "rayon",
            Box::new(|| {
                warm_rayon(&ry);
                time_ns(|| ry.install(|| rayon_iter::find_any(black_box(n), black_box(target))))
            }),
        ),
    ];
    let s = interleaved(cfg.par_samples, &mut variants);
    rows.push(Row::new(
        format!(
            "`(0..{0}).into_par_iter().find_any(x == {0} - {0}/1000)`, 2 workers",
            fmt_count(n as usize)
        ),
        Fig::time(&s[0]),
        variants[1].0,
        Fig::time(&s[1]),
        Bar::None,
    ));
}

// ---------------------------------------------------------------------------------------
// Sections: shutdown.

/// Workers in the shutdown rows.
const SHUTDOWN_WORKERS: usize = 8;

/// Gives up on a scenario whose threads never start.
fn check_deadline(start: Instant, what: &str) {
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{what} did not happen within 5 s"
    );
}

/// Waits until `n` threads reported their tids and every one of them is blocked.
fn wait_all_blocked(tids: &StdMutex<Vec<i32>>, n: usize) {
    let start = Instant::now();
    let tids = loop {
        let tids = tids.lock().expect("tids lock").clone();
        if tids.len() == n {
            break tids;
        }
        check_deadline(start, "thread start");
        thread::yield_now();
    };
    for tid in tids {
        wait_until_blocked(tid);
    }
}

/// Waits until `counter` reaches `n`.
fn wait_count(counter: &AtomicUsize, n: usize, what: &str) {
    let start = Instant::now();
    while counter.load(Ordering::SeqCst) < n {
        check_deadline(start, what);
        thread::yield_now();
    }
}

fn shutdown_cp_round() -> f64 {
    let tids = Arc::new(StdMutex::new(Vec::new()));
    let t = Arc::clone(&tids);
    let pool = cancelpool::ThreadPoolBuilder::new()
        .num_threads(SHUTDOWN_WORKERS)
        .start_handler(move |_| t.lock().expect("tids lock").push(gettid()))
        .build()
        .expect("build a cancelpool pool");
    wait_all_blocked(&tids, SHUTDOWN_WORKERS);
    time_ns(|| pool.shutdown().expect("an idle pool shuts down"))
}

fn shutdown_std_round() -> f64 {
    let tids = StdMutex::new(Vec::new());
    let stop = StdMutex::new(false);
    let cv = StdCondvar::new();
    thread::scope(|s| {
        let handles: Vec<_> = (0..SHUTDOWN_WORKERS)
            .map(|_| {
                s.spawn(|| {
                    tids.lock().expect("tids lock").push(gettid());
                    let mut stop = stop.lock().expect("stop lock");
                    while !*stop {
                        stop = cv.wait(stop).expect("stop lock");
                    }
                })
            })
            .collect();
        wait_all_blocked(&tids, SHUTDOWN_WORKERS);
        time_ns(|| {
            *stop.lock().expect("stop lock") = true;
            cv.notify_all();
            for h in handles {
                h.join().expect("idle thread");
            }
        })
    })
}

fn shutdown_rayon_round() -> f64 {
    let tids = Arc::new(StdMutex::new(Vec::new()));
    let exited = Arc::new(AtomicUsize::new(0));
    let (t, e) = (Arc::clone(&tids), Arc::clone(&exited));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(SHUTDOWN_WORKERS)
        .start_handler(move |_| t.lock().expect("tids lock").push(gettid()))
        .exit_handler(move |_| {
            e.fetch_add(1, Ordering::SeqCst);
        })
        .build()
        .expect("build a rayon pool");
    wait_all_blocked(&tids, SHUTDOWN_WORKERS);
    let ns = time_ns(|| drop(pool));
    // Not timed: the next round starts without rayon's exiting threads around.
    wait_count(&exited, SHUTDOWN_WORKERS, "rayon workers' exit");
    ns
}

fn shutdown_rows(cfg: &Config, rows: &mut Vec<Row>) {
    let mut variants: Vec<Variant<'_>> = vec![
        ("cancelpool", Box::new(shutdown_cp_round)),
        (
            "8 idle std threads: notify_all + join",
            Box::new(shutdown_std_round),
        ),
        (
            "rayon `ThreadPool` drop (does NOT join its threads)",
            Box::new(shutdown_rayon_round),
        ),
    ];
    let s = interleaved(cfg.shutdown_rounds, &mut variants);
    rows.push(Row::new(
        "`shutdown()` of 8 idle (asleep) workers, until all joined",
        Fig::latency(&s[0]),
        variants[1].0,
        Fig::latency(&s[1]),
        Bar::MaxP50(200_000.0),
    ));
    rows.push(Row::new(
        "`shutdown()` of 8 idle (asleep) workers, until all joined",
        Fig::latency(&s[0]),
        variants[2].0,
        Fig::latency(&s[2]),
        Bar::None,
    ));
}

fn shutdown_now_cp_round() -> f64 {
    let pool = cp_pool(SHUTDOWN_WORKERS);
    let started = Arc::new(AtomicUsize::new(0));
    let handles: Vec<JobHandle<()>> = (0..SHUTDOWN_WORKERS)
        .map(|_| {
            let started = Arc::clone(&started);
            pool.submit(move |token| {
                started.fetch_add(1, Ordering::SeqCst);
                loop {
                    token.checkpoint()?;
                    std::hint::spin_loop();
                }
            })
        })
        .collect();
    wait_count(&started, SHUTDOWN_WORKERS, "busy jobs' start");
    let ns = time_ns(|| pool.shutdown_now());
    for h in handles {
        assert!(matches!(h.join(), Err(JobError::Cancelled)));
    }
    ns
}

fn shutdown_now_std_round() -> f64 {
    let started = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    thread::scope(|s| {
        let handles: Vec<_> = (0..SHUTDOWN_WORKERS)
            .map(|_| {
                s.spawn(|| {
                    started.fetch_add(1, Ordering::SeqCst);
                    while !stop.load(Ordering::Acquire) {
                        std::hint::spin_loop();
                    }
                })
            })
            .collect();
        wait_count(&started, SHUTDOWN_WORKERS, "busy threads' start");
        time_ns(|| {
            stop.store(true, Ordering::Release);
            for h in handles {
                h.join().expect("busy thread");
            }
        })
    })
}

fn shutdown_now_rows(cfg: &Config, rows: &mut Vec<Row>) {
    let mut variants: Vec<Variant<'_>> = vec![
        ("cancelpool", Box::new(shutdown_now_cp_round)),
        (
            "8 std threads spinning on an AtomicBool: store + join",
            Box::new(shutdown_now_std_round),
        ),
    ];
    let s = interleaved(cfg.busy_rounds, &mut variants);
    rows.push(Row::new(
        "`shutdown_now()` of 8 workers busy in `checkpoint()` loops (on 2 CPUs), until \
         all joined",
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

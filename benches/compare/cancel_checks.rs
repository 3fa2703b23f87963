//! The cancellation check itself: `checkpoint()` against an `AtomicBool`, tokio-util's
//! `is_cancelled` and (Linux) `pthread_testcancel`, on one thread and with a second
//! thread polling the same token; and the `disable_cancel()` guard against a
//! `pthread_setcancelstate` pair (Linux).

use std::cell::RefCell;
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::thread;
use std::time::Instant;

use cancelpool::CancelSource;

use crate::harness::{Bar, Config, Fig, Row, Variant, interleaved, per_op};

/// A check costs at most 1 ns, alone or with a second thread polling.
const CHECK_BAR: Bar = Bar::MaxNs(1.0);

/// `checkpoint`: one thread checking a token nobody cancels.
pub(crate) fn checkpoint_rows(cfg: &Config, rows: &mut Vec<Row>) {
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
            "tokio-util is_cancelled",
            Box::new(|| per_op(n, || black_box(&tokio).is_cancelled())),
        ),
    ];
    #[cfg(target_os = "linux")]
    variants.push((
        "pthread_testcancel",
        Box::new(|| {
            per_op(n, || {
                // SAFETY: nobody cancels this thread, so this returns at once.
                unsafe { crate::common::ffi::pthread_testcancel() };
                black_box(false)
            })
        }),
    ));
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

/// `checkpoint-2-threads`: the same while another thread polls (or clones) the token.
pub(crate) fn checkpoint_2_threads_rows(cfg: &Config, rows: &mut Vec<Row>) {
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

/// `guard`: a `disable_cancel()` guard made and dropped, beside the pthread equivalent.
#[cfg(target_os = "linux")]
pub(crate) fn guard_rows(cfg: &Config, rows: &mut Vec<Row>) {
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
                    crate::common::ffi::setcancelstate_pair();
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

/// CPU time consumed by the calling thread (ns), where the platform tells.
#[cfg(unix)]
fn thread_cpu_ns() -> Option<u64> {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: a valid out-pointer; CLOCK_THREAD_CPUTIME_ID exists on Linux, macOS and
    // the BSDs (libc declares it for each).
    let r = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(r, 0, "clock_gettime");
    Some(ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64)
}

#[cfg(not(unix))]
fn thread_cpu_ns() -> Option<u64> {
    None
}

/// Runs `measure` while another thread spins on `poll`, and returns its result with the
/// fraction of `measure`'s wall time that the poller spent on a CPU (1 where the
/// platform cannot tell). On a shared VM the poller may be descheduled: a fraction well
/// below 1 means the sample did not really measure two threads at once.
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
            match (mark.flatten(), thread_cpu_ns()) {
                (Some(start), Some(end)) => Some(end - start),
                _ => None,
            }
        });
        while !polling.load(Ordering::SeqCst) {
            std::hint::spin_loop();
        }
        phase.store(MEASURING, Ordering::SeqCst);
        let start = Instant::now();
        let r = measure();
        let wall = start.elapsed().as_nanos() as f64;
        phase.store(STOP, Ordering::SeqCst);
        let on_cpu = match poller.join().expect("poller thread") {
            Some(cpu) => (cpu as f64 / wall).min(1.0),
            None => 1.0,
        };
        (r, on_cpu)
    })
}

//! Shutdown: `shutdown()` of 8 idle workers until all joined, beside joining 8 idle std
//! threads and dropping a rayon pool (which does not join; Linux: the workers are known
//! to be asleep by reading `/proc`), and `shutdown_now()` of 8 workers busy in
//! `checkpoint()` loops.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
#[cfg(target_os = "linux")]
use std::sync::{Condvar, Mutex};
use std::thread;

use cancelpool::{JobError, JobHandle};

#[cfg(target_os = "linux")]
use crate::common::{gettid, wait_until_blocked};
use crate::harness::{Bar, Config, Fig, Row, Variant, interleaved, time_ns, wait_until};
use crate::pools::cp_pool;

/// Workers in the shutdown rows.
const SHUTDOWN_WORKERS: usize = 8;

/// Waits until `n` threads reported their tids and every one of them is blocked.
#[cfg(target_os = "linux")]
fn wait_all_blocked(tids: &Mutex<Vec<i32>>, n: usize) {
    let mut all = Vec::new();
    wait_until("thread start", || {
        all = tids.lock().expect("tids lock").clone();
        all.len() == n
    });
    for tid in all {
        wait_until_blocked(tid);
    }
}

/// Waits until `counter` reaches `n`.
fn wait_count(counter: &AtomicUsize, n: usize, what: &str) {
    wait_until(what, || counter.load(Ordering::SeqCst) >= n);
}

#[cfg(target_os = "linux")]
fn shutdown_cp_round() -> f64 {
    let tids = Arc::new(Mutex::new(Vec::new()));
    let t = Arc::clone(&tids);
    let pool = cancelpool::ThreadPoolBuilder::new()
        .num_threads(SHUTDOWN_WORKERS)
        .start_handler(move |_| t.lock().expect("tids lock").push(gettid()))
        .build()
        .expect("build a cancelpool pool");
    wait_all_blocked(&tids, SHUTDOWN_WORKERS);
    time_ns(|| pool.shutdown().expect("an idle pool shuts down"))
}

#[cfg(target_os = "linux")]
fn shutdown_std_round() -> f64 {
    let tids = Mutex::new(Vec::new());
    let stop = Mutex::new(false);
    let cv = Condvar::new();
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

#[cfg(target_os = "linux")]
fn shutdown_rayon_round() -> f64 {
    let tids = Arc::new(Mutex::new(Vec::new()));
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

#[cfg(target_os = "linux")]
pub(crate) fn shutdown_rows(cfg: &Config, rows: &mut Vec<Row>) {
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
    let s = interleaved(cfg.pick(40, 200), &mut variants);
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

pub(crate) fn shutdown_now_rows(cfg: &Config, rows: &mut Vec<Row>) {
    let mut variants: Vec<Variant<'_>> = vec![
        ("cancelpool", Box::new(shutdown_now_cp_round)),
        (
            "8 std threads spinning on an AtomicBool: store + join",
            Box::new(shutdown_now_std_round),
        ),
    ];
    let s = interleaved(cfg.pick(8, 20), &mut variants);
    rows.push(Row::new(
        "`shutdown_now()` of 8 workers busy in `checkpoint()` loops (on 2 CPUs), until \
         all joined",
        Fig::latency(&s[0]),
        variants[1].0,
        Fig::latency(&s[1]),
        Bar::None,
    ));
}

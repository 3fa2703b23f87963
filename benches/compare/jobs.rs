//! Job throughput: `scope` + `spawn` from a worker, and `submit`/`spawn` from outside
//! the pool, beside rayon's handle-less `spawn` and threadpool's `execute`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};

use cancelpool::JobHandle;

use crate::harness::{Bar, Config, Fig, Row, Variant, fmt_count, interleaved, time_ns};
use crate::pools::{cp_pool, rayon_pool, warm_cp, warm_rayon, warm_threadpool};

pub(crate) fn scope_spawn_rows(cfg: &Config, rows: &mut Vec<Row>) {
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
        Fig::per_job(&s[0]),
        variants[1].0,
        Fig::per_job(&s[1]),
        Bar::MaxRatio(1.0),
    ));
}

/// Counts finished handle-less jobs down and wakes the waiter at zero: completion
/// without a channel, for `spawn` rows.
struct Countdown {
    left: AtomicUsize,
    done: Mutex<bool>,
    cv: Condvar,
}

impl Countdown {
    const fn new() -> Countdown {
        Countdown {
            left: AtomicUsize::new(0),
            done: Mutex::new(false),
            cv: Condvar::new(),
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

pub(crate) fn cp_submit_all(
    cp: &cancelpool::ThreadPool,
    n: usize,
    handles: &mut Vec<JobHandle<()>>,
) {
    for _ in 0..n {
        handles.push(cp.submit(|_| Ok(())));
    }
    for h in handles.drain(..) {
        h.join().expect("an empty job succeeds");
    }
}

pub(crate) fn cp_spawn_all(cp: &cancelpool::ThreadPool, n: usize) {
    COUNTDOWN.reset(n);
    for _ in 0..n {
        cp.spawn(|| COUNTDOWN.hit());
    }
    COUNTDOWN.wait();
}

pub(crate) fn rayon_spawn_all(ry: &rayon::ThreadPool, n: usize) {
    COUNTDOWN.reset(n);
    for _ in 0..n {
        ry.spawn(|| COUNTDOWN.hit());
    }
    COUNTDOWN.wait();
}

pub(crate) fn spawn_submit_rows(cfg: &Config, rows: &mut Vec<Row>) {
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
    let fig = |i: usize| Fig::per_job(&s[i]);
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

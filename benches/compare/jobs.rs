//! Job throughput: `scope` + `spawn` from a worker, and `submit`/`spawn` from outside
//! the pool, beside rayon's handle-less `spawn` and threadpool's `execute`; and how soon
//! a job's end resumes whoever waits for its `JobHandle`, blocked in `join` or awaiting
//! it.

#[cfg(target_os = "linux")]
use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};

use cancelpool::JobHandle;

#[cfg(target_os = "linux")]
use crate::common::{Blocker, Waiter};

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

/// One round of the `await-wake` section: a submitted job spins until `wake`, then ends;
/// the waiter thread waits for its handle, blocked in `join` or in `block_on(handle)`.
#[cfg(target_os = "linux")]
struct HandleWake {
    handle: Mutex<Option<JobHandle<()>>>,
    go: Arc<AtomicBool>,
    awaited: bool,
}

#[cfg(target_os = "linux")]
impl HandleWake {
    fn new(pool: &cancelpool::ThreadPool, awaited: bool) -> Arc<HandleWake> {
        let go = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&go);
        let handle = pool.submit(move |_| {
            // Spins (the job is running when the waiter blocks), so that the round times
            // the job's end and the handle's wake-up, not a wake-up of the job itself.
            while !flag.load(Ordering::Acquire) {
                std::hint::spin_loop();
            }
            Ok(())
        });
        Arc::new(HandleWake {
            handle: Mutex::new(Some(handle)),
            go,
            awaited,
        })
    }
}

#[cfg(target_os = "linux")]
impl Blocker for HandleWake {
    fn block(&self) {
        let handle = self.handle.lock().expect("lock").take().expect("one round");
        let result = if self.awaited {
            futures::executor::block_on(handle)
        } else {
            handle.join()
        };
        result.expect("the job succeeds");
    }

    fn wake(&self) {
        self.go.store(true, Ordering::Release);
    }
}

/// From a job's end to the return of the thread waiting for its handle: awaited
/// (`futures::executor::block_on`, a thread-parking executor) beside a blocking `join`.
#[cfg(target_os = "linux")]
pub(crate) fn await_wake_rows(cfg: &Config, rows: &mut Vec<Row>) {
    let rounds = cfg.pick(1000, 4000);
    // One worker for the spinning job; the waiter thread is outside the pool.
    let cp = cp_pool(1);
    let waiter = RefCell::new(Waiter::new());
    let mut variants: Vec<Variant<'_>> = Vec::new();
    for awaited in [true, false] {
        let (waiter, cp) = (&waiter, &cp);
        variants.push((
            if awaited { "awaited" } else { "join" },
            Box::new(move || {
                let round = HandleWake::new(cp, awaited);
                waiter.borrow_mut().round(round).as_nanos() as f64
            }),
        ));
    }
    let s = interleaved(rounds, &mut variants);
    rows.push(Row::new(
        "job end → the task awaiting its `JobHandle` resumes (`block_on(handle)`)",
        Fig::latency(&s[0]),
        "blocking `JobHandle::join`",
        Fig::latency(&s[1]),
        Bar::None,
    ));
}

//! Pool statistics (P7) and the idle behaviour they report (P5): work is counted, idle
//! workers park (and then use no CPU), queues drain, and the accounting identity of
//! detached jobs holds at every sample.

mod common;

use std::sync::{Arc, Barrier, mpsc};
use std::time::Duration;

use cancelpool::{Cancelled, JobError, PoolStats, ThreadPool, ThreadPoolBuilder};
use common::{EXPECTED, WATCHDOG};

fn pool(n: usize) -> ThreadPool {
    ThreadPoolBuilder::new().num_threads(n).build().unwrap()
}

/// Long enough for idle workers to finish spinning and park even on a loaded machine.
const PARK_LIMIT: Duration = Duration::from_secs(10);

fn identity_holds(s: &PoolStats) -> bool {
    s.submitted == s.finished + s.cancelled_before_start + s.rejected + s.in_flight
}

fn fib_join(n: u64) -> u64 {
    if n < 2 {
        return n;
    }
    let (a, b) = cancelpool::join(|| fib_join(n - 1), || fib_join(n - 2));
    a + b
}

#[test]
fn executed_and_stolen_are_counted_after_parallel_work() {
    let pool = pool(2);
    let before = pool.stats();
    assert_eq!((before.executed, before.stolen), (0, 0));
    let barrier = Barrier::new(2);
    pool.install(|| {
        for _ in 0..10 {
            // The second half can only complete on the other worker: it is stolen.
            cancelpool::join(|| barrier.wait(), || barrier.wait());
        }
        fib_join(18)
    });
    let s = pool.stats();
    assert!(s.stolen >= 10, "{s:?}");
    assert!(s.executed >= s.stolen, "stolen jobs are executed: {s:?}");
    assert_eq!(s.workers, 2);
}

#[test]
fn every_worker_parks_when_the_pool_goes_idle_and_the_queues_are_empty() {
    let pool = pool(3);
    assert!(
        common::eventually(PARK_LIMIT, || pool.stats().parked == 3),
        "a fresh pool parks: {:?}",
        pool.stats()
    );
    let handles: Vec<_> = (0..100).map(|i| pool.submit(move |_| Ok(i))).collect();
    pool.install(|| fib_join(15));
    for (i, h) in handles.into_iter().enumerate() {
        assert_eq!(h.join().unwrap(), i);
    }
    assert!(
        common::eventually(PARK_LIMIT, || pool.stats().parked == 3),
        "idle again: {:?}",
        pool.stats()
    );
    let s = pool.stats();
    assert_eq!((s.queued, s.in_flight, s.workers), (0, 0, 3), "{s:?}");
}

#[test]
fn queued_counts_the_jobs_waiting_in_the_queues() {
    let pool = pool(1);
    let (started_tx, started_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    pool.spawn(move || {
        started_tx.send(()).unwrap();
        let _ = release_rx.recv_timeout(WATCHDOG);
    });
    started_rx.recv_timeout(WATCHDOG).unwrap();
    let handles: Vec<_> = (0..5).map(|_| pool.submit(|_| Ok(()))).collect();
    let s = pool.stats();
    assert_eq!((s.queued, s.in_flight, s.parked), (5, 6, 0), "{s:?}");
    release_tx.send(()).unwrap();
    handles.into_iter().for_each(|h| h.join().unwrap());
    pool.shutdown().unwrap();
    let s = pool.stats();
    assert_eq!((s.queued, s.in_flight), (0, 0), "{s:?}");
}

#[test]
fn accounting_identity_holds_throughout_many_submits() {
    common::quiet_expected_panics();
    const N: usize = 600;
    let pool = pool(2);
    // Occupy both workers until `gate` so that every job below is queued first.
    let started = Arc::new(Barrier::new(3));
    let gate = Arc::new(Barrier::new(3));
    for _ in 0..2 {
        let (started, gate) = (Arc::clone(&started), Arc::clone(&gate));
        pool.spawn(move || {
            started.wait();
            gate.wait();
        });
    }
    started.wait();

    let mut keep = Vec::new();
    let mut cancelled_early = 0;
    for i in 0..N {
        let h = pool.submit(move |token| match i % 3 {
            0 => Ok(i),
            1 => Err(Cancelled),
            _ => {
                token.checkpoint()?;
                Ok(i)
            }
        });
        if i % 3 == 2 {
            // Cancelled while queued: discarded before it starts.
            assert!(h.cancel());
            cancelled_early += 1;
        }
        keep.push((i, h));
    }
    let panicking: Vec<_> = (0..10)
        .map(|_| pool.submit(|_| -> Result<(), Cancelled> { panic!("{EXPECTED}: stats") }))
        .collect();
    for _ in 0..20 {
        pool.spawn(|| {});
    }
    let s = pool.stats();
    let queued_total = 2 + N + 10 + 20;
    assert_eq!(
        (s.submitted, s.in_flight, s.finished),
        (queued_total, queued_total, 0)
    );
    assert!(identity_holds(&s));

    gate.wait();
    // Sample while the queues drain: the identity holds and nothing goes negative.
    for _ in 0..2_000 {
        let s = pool.stats();
        assert!(
            s.finished + s.cancelled_before_start + s.rejected <= s.submitted,
            "{s:?}"
        );
        assert!(identity_holds(&s), "{s:?}");
        if s.in_flight == 0 {
            break;
        }
        std::thread::yield_now();
    }
    for (i, h) in keep {
        match (i % 3, h.join()) {
            (0, Ok(v)) => assert_eq!(v, i),
            (1 | 2, Err(JobError::Cancelled)) => {}
            (_, other) => panic!("job {i}: {other:?}"),
        }
    }
    for h in panicking {
        assert!(matches!(h.join(), Err(JobError::Panicked(_))));
    }
    pool.shutdown().unwrap();
    for _ in 0..5 {
        assert!(matches!(pool.try_spawn(|| {}), Err(JobError::Rejected)));
        assert!(matches!(
            pool.submit(|_| Ok(())).join(),
            Err(JobError::Rejected)
        ));
    }

    let s = pool.stats();
    assert!(identity_holds(&s), "{s:?}");
    assert_eq!(s.submitted, queued_total + 10);
    assert_eq!(s.rejected, 10);
    assert_eq!(s.cancelled_before_start, cancelled_early);
    assert_eq!(s.finished, queued_total - cancelled_early);
    assert_eq!(
        s.cancelled,
        cancelled_early + N / 3,
        "discarded + returned Err"
    );
    assert_eq!(s.panicked, 10);
    assert_eq!((s.in_flight, s.queued), (0, 0));
}

/// CPU time (user + system, in clock ticks) of one thread of this process.
#[cfg(target_os = "linux")]
fn thread_cpu_ticks(tid: i32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/self/task/{tid}/stat")).unwrap();
    // The fields after the command name (which may contain spaces) in parentheses;
    // utime and stime are fields 14 and 15 of the whole line.
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

#[cfg(target_os = "linux")]
#[test]
fn an_idle_pool_uses_no_cpu() {
    let tids = Arc::new(std::sync::Mutex::new(Vec::new()));
    let t = Arc::clone(&tids);
    let pool = ThreadPoolBuilder::new()
        .num_threads(2)
        .start_handler(move |_| {
            // SAFETY: gettid has no preconditions.
            let tid = unsafe { libc::gettid() };
            t.lock().unwrap().push(tid);
        })
        .build()
        .unwrap();
    // Some work first, so that the workers went through wake-ups and stealing.
    let barrier = Barrier::new(2);
    pool.install(|| {
        for _ in 0..10 {
            cancelpool::join(|| barrier.wait(), || barrier.wait());
        }
        fib_join(15)
    });
    assert!(common::eventually(PARK_LIMIT, || pool.stats().parked == 2));
    let tids = tids.lock().unwrap().clone();
    assert_eq!(tids.len(), 2);

    // SAFETY: sysconf has no preconditions.
    let ticks_per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as u64;
    let before: u64 = tids.iter().map(|&tid| thread_cpu_ticks(tid)).sum();
    // The measurement window (not a wait for any thread).
    std::thread::sleep(Duration::from_secs(1));
    let after: u64 = tids.iter().map(|&tid| thread_cpu_ticks(tid)).sum();
    let used_ms = (after - before) * 1000 / ticks_per_second;
    eprintln!("idle pool: {used_ms} ms of CPU over 1 s (2 workers)");
    assert!(used_ms < 50, "an idle pool used {used_ms} ms of CPU in 1 s");
    assert_eq!(pool.stats().parked, 2, "still parked: nothing woke them");
}

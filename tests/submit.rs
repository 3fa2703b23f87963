//! `submit` and `JobHandle` (P3): results, `?` on any error and how a job's error is
//! reported, cancellation before and while running, kept work, panics, timed joins, RAII
//! cancel on drop, `detach`, the handle's token, joins from inside a pool and from
//! another pool's worker, and the allocations of one submit.

mod common;

use std::error::Error;
use std::fmt;
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Duration;

use anyhow::Context as _;

use cancelpool::{
    CancelSource, CancelToken, Cancelled, JobError, JobFailure, JobHandle, JobResult, ThreadPool,
    ThreadPoolBuilder,
};
use common::{EXPECTED, WATCHDOG};

#[global_allocator]
static ALLOC: common::CountingAlloc = common::CountingAlloc;

use common::allocations_during;

// ---------------------------------------------------------------------------------------

fn pool(n: usize) -> ThreadPool {
    ThreadPoolBuilder::new().num_threads(n).build().unwrap()
}

/// Occupies the only worker of a one-thread pool until the returned sender is used (or
/// dropped). Returns once the worker is inside the blocking job.
fn block_the_worker(pool: &ThreadPool) -> mpsc::Sender<()> {
    let (started_tx, started_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    pool.spawn(move || {
        started_tx.send(()).unwrap();
        let _ = release_rx.recv_timeout(WATCHDOG);
    });
    started_rx.recv_timeout(WATCHDOG).unwrap();
    release_tx
}

#[test]
fn join_returns_the_jobs_result() {
    let pool = pool(2);
    let data: Vec<i32> = (1..=3).collect();
    let h = pool.submit(move |token| {
        token.checkpoint()?;
        Ok(data.iter().sum::<i32>())
    });
    assert_eq!(h.join().unwrap(), 6);
    let h: JobHandle<String> = pool.submit(|_| Ok("text".to_owned()));
    assert_eq!(h.join().unwrap(), "text");
    let s = pool.stats();
    assert_eq!((s.submitted, s.finished, s.in_flight), (2, 2, 0));
}

/// Which error the job of `question_mark_converts_every_error_kind` fails with.
#[derive(Clone, Copy)]
enum Fail {
    Not,
    Io,
    Anyhow,
    Boxed,
    Parse,
    Message,
}

fn fail_with(token: &CancelToken, fail: Fail) -> JobResult<&'static str> {
    // Every `?` below converts a different error type into `JobFailure`.
    token.checkpoint()?;
    match fail {
        Fail::Not => {}
        Fail::Io => {
            std::fs::read("/this/path/does/not/exist")?;
        }
        Fail::Anyhow => {
            let r: anyhow::Result<()> = Err(anyhow::anyhow!("anyhow says no"));
            r?;
        }
        Fail::Boxed => {
            let r: Result<(), Box<dyn Error + Send + Sync>> = Err("boxed says no".into());
            r?;
        }
        Fail::Parse => {
            "seven".parse::<u32>()?;
        }
        Fail::Message => return Err("a plain message".into()),
    }
    Ok("no error")
}

#[test]
fn question_mark_converts_every_error_kind_and_join_reports_it_as_failed() {
    let pool = pool(1);
    let run = |fail| pool.submit(move |token| fail_with(token, fail)).join();
    assert_eq!(run(Fail::Not).unwrap(), "no error");
    let failed = |fail| match run(fail) {
        Err(JobError::Failed(err)) => err,
        other => panic!("expected Failed, got {other:?}"),
    };
    let io = failed(Fail::Io);
    assert_eq!(
        io.downcast_ref::<io::Error>().map(io::Error::kind),
        Some(io::ErrorKind::NotFound)
    );
    assert_eq!(failed(Fail::Anyhow).to_string(), "anyhow says no");
    assert_eq!(failed(Fail::Boxed).to_string(), "boxed says no");
    assert!(failed(Fail::Parse).is::<std::num::ParseIntError>());
    assert_eq!(failed(Fail::Message).to_string(), "a plain message");
    let s = pool.stats();
    assert_eq!(
        (s.finished, s.cancelled),
        (6, 0),
        "failures are not cancellations"
    );
}

#[test]
fn closures_with_an_explicit_return_type_name_job_result() {
    let pool = pool(1);
    let h = pool.submit(|token| -> JobResult<u8> {
        token.checkpoint()?;
        let n: u8 = "42".parse()?;
        Ok(n)
    });
    assert_eq!(h.join().unwrap(), 42);
    // A function returning another `Result` is submitted through `?`.
    fn read_missing() -> io::Result<Vec<u8>> {
        std::fs::read("/this/path/does/not/exist")
    }
    let h = pool.submit(|_| Ok(read_missing()?));
    assert!(matches!(h.join(), Err(JobError::Failed(e)) if e.is::<io::Error>()));
}

/// A user's error type that exposes a `Cancelled` as its source.
#[derive(Debug)]
struct Wrapped(Cancelled);

impl fmt::Display for Wrapped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the step was stopped")
    }
}

impl Error for Wrapped {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(&self.0)
    }
}

/// A user's error type that hides the `Cancelled` it was made from.
#[derive(Debug)]
struct Opaque;

impl fmt::Display for Opaque {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("something went wrong")
    }
}

impl Error for Opaque {}

/// A job body, named for the tables of cases below.
type JobWithToken = fn(&CancelToken) -> JobResult<()>;
type Job = fn() -> JobResult<()>;

/// `checkpoint()?` in a function returning `anyhow::Result`.
fn through_anyhow(token: &CancelToken) -> anyhow::Result<()> {
    token.checkpoint()?;
    Ok(())
}

/// A job that waits until its own token is cancelled and then returns `f`'s error is
/// reported as `Cancelled`, whatever the error: it was asked to stop, and stopped.
#[test]
fn an_error_returned_after_the_jobs_token_was_cancelled_is_reported_as_cancelled() {
    let pool = pool(1);
    let run = |f: JobWithToken| {
        let (started_tx, started_rx) = mpsc::channel();
        let h = pool.submit(move |token| {
            started_tx.send(()).unwrap();
            let _ = token.wait_cancelled(WATCHDOG);
            f(token)
        });
        started_rx.recv_timeout(WATCHDOG).unwrap();
        h.cancel();
        h.join()
    };
    let cases: [(&str, JobWithToken); 4] = [
        ("anyhow", |t| Ok(through_anyhow(t)?)),
        ("anyhow with context", |t| {
            Ok(through_anyhow(t).context("while loading the index")?)
        }),
        ("io::Error", |t| {
            Ok(t.checkpoint().map_err(io::Error::from)?)
        }),
        ("any error", |_| Err("the stream closed".into())),
    ];
    for (name, f) in cases {
        assert!(
            matches!(run(f), Err(JobError::Cancelled)),
            "{name}: not reported as Cancelled"
        );
    }
    // `Ok` after the request is kept (P3), as always.
    assert!(run(|_| Ok(())).is_ok());
    let s = pool.stats();
    assert_eq!((s.cancelled, s.finished), (4, 5));
}

/// A token that is already cancelled and is not the job's: its `checkpoint()` fails in a
/// job whose own token is never cancelled, so only the error itself can say
/// "cancellation".
fn foreign_cancelled_token() -> CancelToken {
    let source = CancelSource::new();
    source.cancel();
    source.token()
}

#[test]
fn a_cancelled_in_the_source_chain_of_a_jobs_error_is_reported_as_cancelled() {
    let pool = pool(1);
    let join = |f: Job| pool.submit(move |_| f()).join();
    let cases: [(&str, Job); 5] = [
        ("bare", || Ok(foreign_cancelled_token().checkpoint()?)),
        ("anyhow with context", || {
            Ok(through_anyhow(&foreign_cancelled_token()).context("while loading the index")?)
        }),
        ("context on the Cancelled itself", || {
            Ok(foreign_cancelled_token().checkpoint().context("step 2")?)
        }),
        ("io::Error carrying Cancelled", || {
            let r = foreign_cancelled_token().checkpoint();
            Ok(r.map_err(io::Error::from)?)
        }),
        ("a user error whose source is Cancelled", || {
            Err(Wrapped(Cancelled).into())
        }),
    ];
    for (name, f) in cases {
        assert!(
            matches!(join(f), Err(JobError::Cancelled)),
            "{name}: not reported as Cancelled"
        );
    }
    // Errors that do not show the `Cancelled` are the job's own failure: a user type
    // that hides it, and a plain `anyhow::Error` (anyhow's conversion into a boxed
    // error hides the type it holds).
    let failed = |f: Job| match join(f) {
        Err(JobError::Failed(err)) => err,
        other => panic!("expected Failed, got {other:?}"),
    };
    assert!(failed(|| Err(Opaque.into())).is::<Opaque>());
    let plain = failed(|| Ok(through_anyhow(&foreign_cancelled_token())?));
    assert_eq!(plain.to_string(), Cancelled.to_string());
    let s = pool.stats();
    assert_eq!((s.cancelled, s.finished), (5, 7));
    assert!(JobFailure::from(Wrapped(Cancelled)).is_cancelled());
    assert!(!JobFailure::from(Opaque).is_cancelled());
}

fn assert_error<E: Error + Send + Sync + 'static>() {}
fn assert_send_sync<T: Send + Sync>() {}

#[test]
fn job_error_is_an_error_that_question_mark_carries_into_anyhow_and_boxes() {
    assert_error::<JobError>();
    assert_send_sync::<JobHandle<String>>();
    let pool = pool(1);
    fn into_anyhow(pool: &ThreadPool, fail: Fail) -> anyhow::Result<&'static str> {
        Ok(pool.submit(move |token| fail_with(token, fail)).join()?)
    }
    fn into_box(pool: &ThreadPool) -> Result<u32, Box<dyn Error + Send + Sync>> {
        Ok(pool.submit(|_| Ok(3)).join()?)
    }
    assert_eq!(into_anyhow(&pool, Fail::Not).unwrap(), "no error");
    assert_eq!(into_box(&pool).unwrap(), 3);
    let err = into_anyhow(&pool, Fail::Io).unwrap_err();
    assert!(matches!(
        err.downcast_ref::<JobError>(),
        Some(JobError::Failed(_))
    ));
    // The job's own error is the `source()` of `JobError::Failed`.
    let io = err.chain().find_map(|e| e.downcast_ref::<io::Error>());
    assert_eq!(io.map(io::Error::kind), Some(io::ErrorKind::NotFound));
    assert_eq!(err.to_string(), "the job failed");
    assert!(format!("{err:#}").starts_with("the job failed: "));
}

#[test]
fn job_error_messages_say_what_happened() {
    common::quiet_expected_panics();
    let pool = pool(1);
    let h = pool.submit(|_| -> JobResult<()> { panic!("{EXPECTED}: disk full") });
    let err = h.join().unwrap_err();
    assert!(err.is_panic());
    assert_eq!(
        err.to_string(),
        format!("the job panicked: {EXPECTED}: disk full")
    );
    assert_eq!(
        format!("{err:?}"),
        format!("Panicked({:?})", format!("{EXPECTED}: disk full"))
    );
    assert_eq!(JobError::Cancelled.to_string(), "the job was cancelled");
    assert_eq!(
        JobError::Rejected.to_string(),
        "the pool was shut down and did not accept the job"
    );
    let not_a_panic = JobError::Cancelled.try_into_panic();
    assert!(matches!(not_a_panic, Err(JobError::Cancelled)));
}

#[test]
fn cancel_before_start_gives_cancelled_and_the_closure_never_runs() {
    let pool = pool(1);
    let release = block_the_worker(&pool);
    let ran = Arc::new(AtomicBool::new(false));
    let r = Arc::clone(&ran);
    let h = pool.submit(move |_| {
        r.store(true, Ordering::SeqCst);
        Ok(())
    });
    assert!(h.cancel(), "the first cancel makes the request");
    assert!(!h.cancel());
    assert!(!h.is_finished());
    release.send(()).unwrap();
    assert!(matches!(h.join(), Err(JobError::Cancelled)));
    assert!(!ran.load(Ordering::SeqCst), "the closure never ran");
    let s = pool.stats();
    assert_eq!(s.cancelled_before_start, 1);
    assert_eq!(s.cancelled, 1);
    assert_eq!(
        s.submitted,
        s.finished + s.cancelled_before_start + s.rejected
    );
}

#[test]
fn cancel_while_running_is_seen_at_a_checkpoint() {
    let pool = pool(2);
    let (started_tx, started_rx) = mpsc::channel();
    let h = pool.submit(move |token| {
        started_tx.send(()).unwrap();
        for _ in 0..10_000_000u64 {
            token.checkpoint()?;
            std::thread::yield_now();
        }
        Ok("never cancelled")
    });
    started_rx.recv_timeout(WATCHDOG).unwrap();
    assert!(h.cancel());
    assert!(matches!(h.join(), Err(JobError::Cancelled)));
    let s = pool.stats();
    assert_eq!(
        (s.cancelled, s.cancelled_before_start, s.finished),
        (1, 0, 1)
    );
}

#[test]
fn cancel_wakes_a_cancellable_wait_in_the_job() {
    let pool = pool(1);
    let (started_tx, started_rx) = mpsc::channel();
    let h = pool.submit(move |token| {
        started_tx.send(()).unwrap();
        token.sleep(WATCHDOG * 2)?;
        Ok(())
    });
    started_rx.recv_timeout(WATCHDOG).unwrap();
    h.cancel();
    assert!(matches!(h.join(), Err(JobError::Cancelled)));
}

#[test]
fn a_job_that_returns_ok_after_a_cancel_keeps_its_work() {
    let pool = pool(1);
    let (started_tx, started_rx) = mpsc::channel();
    let h = pool.submit(move |token| {
        started_tx.send(()).unwrap();
        let seen = token.wait_cancelled(WATCHDOG).is_err();
        Ok(if seen {
            "finished despite the request"
        } else {
            "timed out"
        })
    });
    started_rx.recv_timeout(WATCHDOG).unwrap();
    h.cancel();
    assert_eq!(h.join().unwrap(), "finished despite the request");
    assert_eq!(pool.stats().cancelled, 0);
}

#[test]
fn a_panic_becomes_panicked_with_its_payload() {
    common::quiet_expected_panics();
    let pool = pool(1);
    let h = pool.submit(|_| -> cancelpool::JobResult<()> { panic!("{EXPECTED}: submitted") });
    match h.join() {
        Err(JobError::Panicked(payload)) => {
            let expected = format!("{EXPECTED}: submitted");
            assert_eq!(payload.message(), Some(expected.as_str()));
            assert_eq!(common::panic_message(&*payload.into_inner()), expected);
        }
        other => panic!("expected Panicked, got {other:?}"),
    }
    // The worker survived.
    assert_eq!(pool.submit(|_| Ok(1)).join().unwrap(), 1);
    let s = pool.stats();
    assert_eq!((s.panicked, s.finished), (1, 2));
}

#[test]
fn join_timeout_gives_the_handle_back_then_later_returns_the_result() {
    let pool = pool(1);
    let (go_tx, go_rx) = mpsc::channel::<()>();
    let h = pool.submit(move |_| {
        go_rx.recv_timeout(WATCHDOG).unwrap();
        Ok(7)
    });
    let h = h
        .join_timeout(Duration::from_millis(20))
        .expect_err("the job waits for `go`: time-out");
    let h = h
        .join_timeout(Duration::ZERO)
        .expect_err("a zero time-out still times out");
    assert!(!h.is_finished());
    assert!(!h.token().is_cancelled(), "a time-out does not cancel");
    go_tx.send(()).unwrap();
    let result = h
        .join_timeout(WATCHDOG)
        .expect("the job ends once released");
    assert_eq!(result.unwrap(), 7);
}

#[test]
fn dropping_the_handle_given_back_by_a_time_out_cancels_the_job() {
    let pool = pool(1);
    let (started_tx, started_rx) = mpsc::channel();
    let h = pool.submit(move |token| {
        started_tx.send(()).unwrap();
        token.wait_cancelled(WATCHDOG)?;
        Ok(())
    });
    let token = h.token();
    started_rx.recv_timeout(WATCHDOG).unwrap();
    let timed_out = h.join_timeout(Duration::from_millis(5));
    assert!(timed_out.is_err());
    drop(timed_out);
    assert!(token.is_cancelled());
    pool.shutdown().unwrap();
    assert_eq!(pool.stats().cancelled, 1);
}

#[test]
fn is_finished_turns_true_when_the_job_ends() {
    let pool = pool(1);
    let (go_tx, go_rx) = mpsc::channel::<()>();
    let h = pool.submit(move |_| {
        go_rx.recv_timeout(WATCHDOG).unwrap();
        Ok(())
    });
    assert!(!h.is_finished());
    go_tx.send(()).unwrap();
    // The job ends on its own: poll (bounded) without joining.
    assert!(common::eventually(WATCHDOG, || h.is_finished()));
    h.join().unwrap();

    // A rejected job is finished at once.
    pool.shutdown().unwrap();
    let h = pool.submit(|_| Ok(()));
    assert!(h.is_finished());
}

#[test]
fn dropping_the_handle_requests_cancellation_and_does_not_block() {
    let pool = pool(1);
    let (started_tx, started_rx) = mpsc::channel();
    let (proceed_tx, proceed_rx) = mpsc::channel::<()>();
    let (report_tx, report_rx) = mpsc::channel();
    let h = pool.submit(move |token| {
        started_tx.send(()).unwrap();
        let cancelled = token.wait_cancelled(WATCHDOG).is_err();
        // Only reachable quickly if `drop(handle)` returned before the job ended.
        let proceeded = proceed_rx.recv_timeout(WATCHDOG).is_ok();
        report_tx.send((cancelled, proceeded)).unwrap();
        token.checkpoint()?;
        Ok(())
    });
    started_rx.recv_timeout(WATCHDOG).unwrap();
    drop(h);
    proceed_tx.send(()).unwrap();
    assert_eq!(report_rx.recv_timeout(WATCHDOG * 2).unwrap(), (true, true));
    pool.shutdown().unwrap();
    assert_eq!(pool.stats().cancelled, 1);
}

#[test]
fn dropping_the_handle_of_a_queued_job_discards_it() {
    let pool = pool(1);
    let release = block_the_worker(&pool);
    let ran = Arc::new(AtomicBool::new(false));
    let r = Arc::clone(&ran);
    drop(pool.submit(move |_| {
        r.store(true, Ordering::SeqCst);
        Ok(())
    }));
    release.send(()).unwrap();
    pool.shutdown().unwrap();
    assert!(!ran.load(Ordering::SeqCst));
    assert_eq!(pool.stats().cancelled_before_start, 1);
}

#[test]
fn detach_lets_the_job_finish_uncancelled() {
    let pool = pool(1);
    let (started_tx, started_rx) = mpsc::channel();
    let (go_tx, go_rx) = mpsc::channel::<()>();
    let (done_tx, done_rx) = mpsc::channel();
    let h = pool.submit(move |token| {
        started_tx.send(()).unwrap();
        go_rx.recv_timeout(WATCHDOG).unwrap();
        done_tx.send(token.is_cancelled()).unwrap();
        token.checkpoint()?;
        Ok(())
    });
    started_rx.recv_timeout(WATCHDOG).unwrap();
    h.detach();
    go_tx.send(()).unwrap();
    assert!(!done_rx.recv_timeout(WATCHDOG).unwrap(), "not cancelled");
    pool.shutdown().unwrap();
    let s = pool.stats();
    assert_eq!((s.finished, s.cancelled), (1, 0));
}

#[test]
fn the_handles_token_is_the_jobs_token() {
    let pool = pool(1);
    let (started_tx, started_rx) = mpsc::channel();
    let h = pool.submit(move |token| {
        started_tx.send(()).unwrap();
        let given = token.wait_cancelled(WATCHDOG).is_err();
        let ambient = cancelpool::current_token().is_cancelled();
        Ok((given, ambient, cancelpool::checkpoint().is_err()))
    });
    let token = h.token();
    started_rx.recv_timeout(WATCHDOG).unwrap();
    assert!(!token.is_cancelled());
    h.cancel();
    assert!(token.is_cancelled());
    assert_eq!(h.join().unwrap(), (true, true, true));
    assert!(token.is_cancelled(), "the token outlives the handle");
}

#[test]
fn a_jobs_token_is_a_child_of_the_pool_token() {
    let pool = pool(1);
    let (started_tx, started_rx) = mpsc::channel();
    let running = pool.submit(move |token| {
        started_tx.send(()).unwrap();
        token.wait_cancelled(WATCHDOG)?;
        Ok(())
    });
    started_rx.recv_timeout(WATCHDOG).unwrap();
    // Queued behind the running job.
    let cancelled_alone = pool.submit(|_| Ok(()));
    let sibling = pool.submit(|_| Ok(()));
    // Cancelling one job touches neither its siblings nor the pool.
    cancelled_alone.cancel();
    assert!(!running.token().is_cancelled() && !sibling.token().is_cancelled());
    assert!(!pool.token().is_cancelled());
    // Cancelling the pool's token cancels every job's token.
    assert!(pool.cancel_all());
    assert!(running.token().is_cancelled() && sibling.token().is_cancelled());
    assert!(matches!(running.join(), Err(JobError::Cancelled)));
    assert!(matches!(cancelled_alone.join(), Err(JobError::Cancelled)));
    assert!(matches!(sibling.join(), Err(JobError::Cancelled)));
    let s = pool.stats();
    assert_eq!((s.cancelled_before_start, s.cancelled), (2, 3));
}

#[test]
fn submit_after_shutdown_is_rejected_and_nothing_runs() {
    let pool = pool(1);
    pool.shutdown().unwrap();
    let ran = Arc::new(AtomicBool::new(false));
    let r = Arc::clone(&ran);
    let h = pool.submit(move |_| {
        r.store(true, Ordering::SeqCst);
        Ok(())
    });
    assert!(matches!(h.join(), Err(JobError::Rejected)));
    assert!(!ran.load(Ordering::SeqCst));
    assert_eq!(pool.stats().rejected, 1);
}

#[test]
fn joining_a_handle_from_inside_the_pool_does_not_deadlock() {
    common::within(
        Duration::from_secs(5),
        "JobHandle::join on the only worker",
        || {
            let pool = pool(1);
            let r = pool.install(|| cancelpool::submit(|_| Ok(5)).join().unwrap());
            assert_eq!(r, 5);
        },
    );
}

/// P2: a worker of pool A that joins a job of pool B runs A's jobs meanwhile. Here B's
/// job needs a job queued on A's only worker, which only the joining worker can run.
#[test]
fn joining_a_job_of_another_pool_from_a_worker_runs_its_own_pools_jobs() {
    common::within(
        Duration::from_secs(10),
        "JobHandle::join across pools",
        || {
            let a = pool(1);
            let b = pool(1);
            let r = a.install(|| {
                let (tx, rx) = mpsc::channel();
                // On A's only worker's own deque.
                let a_job = cancelpool::submit(move |_| {
                    tx.send(()).unwrap();
                    Ok(())
                });
                let b_job = b.submit(move |_| {
                    rx.recv_timeout(WATCHDOG).map_err(|_| "A's job never ran")?;
                    Ok(5)
                });
                let r = b_job.join();
                a_job.join().unwrap();
                r
            });
            assert_eq!(r.unwrap(), 5);
        },
    );
}

fn median(mut v: Vec<usize>) -> usize {
    v.sort_unstable();
    v[v.len() / 2]
}

/// Submits 1000 trivial jobs, one at a time, and counts the allocations each `submit`
/// call makes on the submitting thread. Returns (median, max, total).
fn measure_submits(pool: &ThreadPool) -> (usize, usize, usize) {
    const N: usize = 1000;
    let mut counts = Vec::with_capacity(N);
    for _ in 0..N {
        let (h, n) = allocations_during(|| cancelpool_submit(pool));
        counts.push(n);
        h.join().unwrap();
    }
    let max = *counts.iter().max().unwrap();
    let total = counts.iter().sum();
    (median(counts), max, total)
}

/// `submit` on `pool`: through the pool from outside, or the free function on a worker.
fn cancelpool_submit(pool: &ThreadPool) -> JobHandle<()> {
    if pool.current_thread_index().is_some() {
        cancelpool::submit(|_| Ok(()))
    } else {
        pool.submit(|_| Ok(()))
    }
}

#[test]
fn one_submit_makes_one_allocation_on_the_submitting_thread() {
    let pool = pool(2);
    // Warm up: reserve room in the pool token's child slab (many jobs alive at once),
    // and let the queues and the thread-locals reach their steady state.
    for _ in 0..2 {
        let handles: Vec<_> = (0..256).map(|_| pool.submit(|_| Ok(()))).collect();
        handles.into_iter().for_each(|h| h.join().unwrap());
    }
    let outside = measure_submits(&pool);
    let inside = pool.install(|| {
        let handles: Vec<_> = (0..256).map(|_| cancelpool::submit(|_| Ok(()))).collect();
        handles.into_iter().for_each(|h| h.join().unwrap());
        measure_submits(&pool)
    });
    eprintln!(
        "submit allocations (median, max, total over 1000): from outside {outside:?}, \
         from a worker {inside:?}"
    );
    for (median, max, total) in [outside, inside] {
        assert_eq!(
            median, 1,
            "one allocation: job, handle state and token together"
        );
        // The global injector allocates one block per 63 jobs pushed from outside.
        assert!(max <= 2, "max {max}");
        assert!(total <= 1000 + 1000 / 32, "total {total}");
    }
}

//! `JobHandle` as a `Future` (C12): awaited under tokio (current-thread and multi-thread
//! runtimes) and `futures::executor::block_on`; one wake per completion, a re-poll with
//! another waker replaces the first; dropping the future (a time-out around it) cancels
//! the job like dropping the handle, and the job's cleanup runs.

mod common;

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use cancelpool::{JobError, JobHandle, ThreadPool, ThreadPoolBuilder};
use common::WATCHDOG;

fn pool(n: usize) -> ThreadPool {
    ThreadPoolBuilder::new().num_threads(n).build().unwrap()
}

fn current_thread_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap()
}

fn multi_thread_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .unwrap()
}

#[test]
fn block_on_awaits_the_result() {
    let pool = pool(2);
    let h = pool.submit(|token| {
        token.checkpoint()?;
        Ok(6 * 7)
    });
    assert_eq!(futures::executor::block_on(h).unwrap(), 42);
    let failed = futures::executor::block_on(pool.submit(|_| Err::<(), _>("no".into())));
    assert!(matches!(failed, Err(JobError::Failed(e)) if e.to_string() == "no"));
}

#[test]
fn tokio_current_thread_runtime_awaits_jobs() {
    let pool = pool(2);
    let rt = current_thread_runtime();
    let sum = rt.block_on(async {
        let handles: Vec<JobHandle<u64>> =
            (0..100u64).map(|i| pool.submit(move |_| Ok(i))).collect();
        let mut sum = 0;
        for h in handles {
            sum += h.await.unwrap();
        }
        sum
    });
    assert_eq!(sum, (0..100).sum::<u64>());
}

#[test]
fn tokio_multi_thread_runtime_awaits_jobs_from_many_tasks() {
    let pool = Arc::new(pool(2));
    let rt = multi_thread_runtime();
    let total = rt.block_on(async {
        let tasks: Vec<_> = (0..50u64)
            .map(|i| {
                let pool = Arc::clone(&pool);
                tokio::spawn(async move { pool.submit(move |_| Ok(i * 2)).await.unwrap() })
            })
            .collect();
        let mut total = 0;
        for t in tasks {
            total += t.await.unwrap();
        }
        total
    });
    assert_eq!(total, (0..50u64).map(|i| i * 2).sum::<u64>());
}

/// Sends on drop: the job's cleanup, by ordinary `Drop`.
struct Cleanup(mpsc::Sender<&'static str>, &'static str);

impl Drop for Cleanup {
    fn drop(&mut self) {
        let _ = self.0.send(self.1);
    }
}

/// A time-out around an awaited running job drops the handle: the job is cancelled, and
/// its cleanup has run when the time-out's error has been observed (bounded wait).
fn timeout_cancels_a_running_job(rt: &tokio::runtime::Runtime) {
    let pool = pool(1);
    let (started_tx, started_rx) = mpsc::channel();
    let (cleanup_tx, cleanup_rx) = mpsc::channel();
    let h = pool.submit(move |token| {
        let _cleanup = Cleanup(cleanup_tx, "running job cleaned up");
        started_tx.send(()).unwrap();
        // Stands for long work with checkpoints: returns once cancelled.
        token.wait_cancelled(WATCHDOG)?;
        Ok("never")
    });
    let token = h.token();
    started_rx.recv_timeout(WATCHDOG).unwrap();
    let outcome = rt.block_on(async { tokio::time::timeout(Duration::from_millis(20), h).await });
    assert!(outcome.is_err(), "the job waits for its cancel: time-out");
    assert!(
        token.is_cancelled(),
        "dropping the future cancelled the job"
    );
    assert_eq!(
        cleanup_rx.recv_timeout(WATCHDOG),
        Ok("running job cleaned up")
    );
    pool.shutdown().unwrap();
    let s = pool.stats();
    assert_eq!((s.cancelled, s.finished), (1, 1));
}

#[test]
fn tokio_timeout_cancels_the_job_on_a_current_thread_runtime() {
    timeout_cancels_a_running_job(&current_thread_runtime());
}

#[test]
fn tokio_timeout_cancels_the_job_on_a_multi_thread_runtime() {
    timeout_cancels_a_running_job(&multi_thread_runtime());
}

#[test]
fn tokio_timeout_around_a_queued_job_discards_it_and_drops_its_captures() {
    let pool = pool(1);
    let (started_tx, started_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    pool.spawn(move || {
        started_tx.send(()).unwrap();
        let _ = release_rx.recv_timeout(WATCHDOG);
    });
    started_rx.recv_timeout(WATCHDOG).unwrap();
    let (cleanup_tx, cleanup_rx) = mpsc::channel();
    let captured = Cleanup(cleanup_tx, "captures dropped");
    let h = pool.submit(move |_| {
        let _keep = &captured;
        Ok("ran")
    });
    let rt = current_thread_runtime();
    let outcome = rt.block_on(async { tokio::time::timeout(Duration::from_millis(5), h).await });
    assert!(outcome.is_err());
    release_tx.send(()).unwrap();
    assert_eq!(cleanup_rx.recv_timeout(WATCHDOG), Ok("captures dropped"));
    pool.shutdown().unwrap();
    assert_eq!(pool.stats().cancelled_before_start, 1);
}

/// A waker that counts its wakes and tells a channel.
struct CountingWaker {
    wakes: AtomicUsize,
    tx: std::sync::Mutex<mpsc::Sender<()>>,
}

impl CountingWaker {
    fn new() -> (Arc<CountingWaker>, mpsc::Receiver<()>) {
        let (tx, rx) = mpsc::channel();
        let waker = CountingWaker {
            wakes: AtomicUsize::new(0),
            tx: std::sync::Mutex::new(tx),
        };
        (Arc::new(waker), rx)
    }

    fn wakes(&self) -> usize {
        self.wakes.load(Ordering::SeqCst)
    }
}

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.wakes.fetch_add(1, Ordering::SeqCst);
        let _ = self.tx.lock().unwrap().send(());
    }
}

fn poll_with<T>(h: &mut JobHandle<T>, waker: &Arc<CountingWaker>) -> Poll<Result<T, JobError>> {
    let waker = Waker::from(Arc::clone(waker));
    Pin::new(h).poll(&mut Context::from_waker(&waker))
}

/// A job that returns `value` once `go` receives.
fn gated<T: Send + 'static>(pool: &ThreadPool, value: T) -> (JobHandle<T>, mpsc::Sender<()>) {
    let (go_tx, go_rx) = mpsc::channel::<()>();
    let h = pool.submit(move |_| {
        go_rx.recv_timeout(WATCHDOG).map_err(|_| "never released")?;
        Ok(value)
    });
    (h, go_tx)
}

#[test]
fn completion_wakes_the_last_registered_waker_once() {
    let pool = pool(1);
    let (mut h, go) = gated(&pool, 9);
    let (first, first_rx) = CountingWaker::new();
    let (second, second_rx) = CountingWaker::new();
    assert!(poll_with(&mut h, &first).is_pending());
    // The same waker again: still registered once.
    assert!(poll_with(&mut h, &first).is_pending());
    // Another waker replaces it.
    assert!(poll_with(&mut h, &second).is_pending());
    go.send(()).unwrap();
    second_rx.recv_timeout(WATCHDOG).unwrap();
    assert!(matches!(poll_with(&mut h, &second), Poll::Ready(Ok(9))));
    assert_eq!(second.wakes(), 1, "one wake per completion");
    assert_eq!(first.wakes(), 0, "the replaced waker is not woken");
    assert!(first_rx.try_recv().is_err());
    drop(h);
}

#[test]
fn a_finished_job_is_ready_at_the_first_poll_without_a_wake() {
    let pool = pool(1);
    let (mut h, go) = gated(&pool, "done");
    go.send(()).unwrap();
    let token = h.token();
    assert!(common::eventually(WATCHDOG, || h.is_finished()));
    let (waker, _rx) = CountingWaker::new();
    assert!(matches!(poll_with(&mut h, &waker), Poll::Ready(Ok("done"))));
    assert_eq!(waker.wakes(), 0);
    drop(h);
    assert!(
        !token.is_cancelled(),
        "dropping a finished handle cancels nothing"
    );
}

#[test]
fn dropping_a_pending_future_cancels_the_job_and_does_not_wake_its_waker() {
    let pool = pool(1);
    let (started_tx, started_rx) = mpsc::channel();
    let mut h = pool.submit(move |token| {
        started_tx.send(()).unwrap();
        token.wait_cancelled(WATCHDOG)?;
        Ok(())
    });
    let token = h.token();
    started_rx.recv_timeout(WATCHDOG).unwrap();
    let (waker, _rx) = CountingWaker::new();
    assert!(poll_with(&mut h, &waker).is_pending());
    drop(h);
    assert!(token.is_cancelled());
    pool.shutdown().unwrap();
    assert_eq!(pool.stats().cancelled, 1);
    assert_eq!(waker.wakes(), 0, "the waker was taken back on drop");
    assert_eq!(
        Arc::strong_count(&waker),
        1,
        "the slot no longer holds the waker"
    );
}

#[test]
#[should_panic(expected = "awaited to completion before")]
fn polling_after_completion_panics() {
    let pool = pool(1);
    let mut h = pool.submit(|_| Ok(1));
    let (waker, _rx) = CountingWaker::new();
    while poll_with(&mut h, &waker).is_pending() {
        std::thread::yield_now();
    }
    let _ = poll_with(&mut h, &waker);
}

//! Awaiting a token: `cancelled()`, `cancelled_owned()`, `run_until_cancelled(_owned)`,
//! on tokio's current-thread and multi-thread runtimes, on `futures::executor::block_on`
//! and by hand with counting wakers. Time limits are watchdogs against hangs, never speed
//! targets; threads are ordered by rendezvous (channels, barriers), never by sleeping.

mod common;

use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, mpsc};
use std::task::{Context, Poll, Wake, Waker};
use std::thread;
use std::time::Duration;

use cancelpool::{CancelCause, CancelSource, CancelToken, disable_cancel};

const WATCHDOG: Duration = Duration::from_secs(20);

/// A waker that counts its wake-ups; `Arc::strong_count` tells whether a clone of it is
/// still registered somewhere.
#[derive(Default)]
struct CountingWaker {
    wakes: AtomicUsize,
}

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.wakes.fetch_add(1, Ordering::SeqCst);
    }
}

impl CountingWaker {
    fn new() -> (Arc<CountingWaker>, Waker) {
        let counter = Arc::new(CountingWaker::default());
        let waker = Waker::from(Arc::clone(&counter));
        (counter, waker)
    }

    fn wakes(&self) -> usize {
        self.wakes.load(Ordering::SeqCst)
    }
}

fn current_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

fn multi_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
}

fn assert_send<T: Send>(_: &T) {}
fn assert_static_send<T: Send + 'static>(_: &T) {}

#[test]
fn the_futures_are_send_and_the_owned_ones_static() {
    let source = CancelSource::new();
    let token = source.token();
    assert_send(&token.cancelled());
    assert_send(&token.run_until_cancelled(async { 1 }));
    assert_static_send(&token.clone().cancelled_owned());
    assert_static_send(&token.clone().run_until_cancelled_owned(async { 1 }));
    // A source is a token too.
    assert_send(&source.cancelled());
}

#[test]
fn cancelled_is_pending_until_cancel_then_ready_and_stays_ready() {
    let source = CancelSource::new();
    let token = source.token();
    let (counter, waker) = CountingWaker::new();
    let mut cx = Context::from_waker(&waker);
    let mut cancelled = pin!(token.cancelled());
    assert!(cancelled.as_mut().poll(&mut cx).is_pending());
    assert!(cancelled.as_mut().poll(&mut cx).is_pending());
    assert_eq!(counter.wakes(), 0);
    assert!(source.cancel());
    assert_eq!(
        counter.wakes(),
        1,
        "cancel() wakes the registered waker once"
    );
    assert_eq!(
        Arc::strong_count(&counter),
        2,
        "only `waker` is left: the clone was used"
    );
    assert!(cancelled.as_mut().poll(&mut cx).is_ready());
    assert!(cancelled.as_mut().poll(&mut cx).is_ready());
    // A new future on a cancelled token is ready at once, and registers nothing.
    assert!(pin!(token.cancelled()).poll(&mut cx).is_ready());
    assert_eq!(Arc::strong_count(&counter), 2);
}

#[test]
fn a_repolled_future_keeps_only_its_latest_waker() {
    let source = CancelSource::new();
    let token = source.token();
    let (first, first_waker) = CountingWaker::new();
    let (second, second_waker) = CountingWaker::new();
    let mut cancelled = pin!(token.cancelled());
    assert!(
        cancelled
            .as_mut()
            .poll(&mut Context::from_waker(&first_waker))
            .is_pending()
    );
    assert_eq!(
        Arc::strong_count(&first),
        3,
        "a clone of the first is registered"
    );
    assert!(
        cancelled
            .as_mut()
            .poll(&mut Context::from_waker(&second_waker))
            .is_pending()
    );
    assert_eq!(Arc::strong_count(&first), 2, "the first was replaced");
    assert_eq!(Arc::strong_count(&second), 3);
    source.cancel();
    assert_eq!((first.wakes(), second.wakes()), (0, 1));
}

#[test]
fn dropping_a_pending_future_unregisters_its_waker() {
    // Cancel safety: the losing branch of a `select!` leaves nothing behind.
    let source = CancelSource::new();
    let token = source.token();
    let (counter, waker) = CountingWaker::new();
    for _ in 0..100 {
        let mut cancelled = pin!(token.cancelled());
        assert!(
            cancelled
                .as_mut()
                .poll(&mut Context::from_waker(&waker))
                .is_pending()
        );
        assert_eq!(Arc::strong_count(&counter), 3);
    }
    assert_eq!(
        Arc::strong_count(&counter),
        2,
        "every registration was removed"
    );
    source.cancel();
    assert_eq!(counter.wakes(), 0, "no dropped future is woken");
}

#[test]
fn every_pending_future_of_a_subtree_is_woken_by_the_root_cancel() {
    let root = CancelSource::new();
    let children: Vec<CancelSource> = (0..8).map(|_| root.child_token()).collect();
    let grandchild = children[3].child_token();
    let tokens: Vec<CancelToken> = children
        .iter()
        .map(|c| c.token())
        .chain([grandchild.token(), root.token(), root.token()])
        .collect();
    let (counter, waker) = CountingWaker::new();
    let mut cx = Context::from_waker(&waker);
    let mut futures: Vec<_> = tokens.iter().map(|t| Box::pin(t.cancelled())).collect();
    for f in &mut futures {
        assert!(f.as_mut().poll(&mut cx).is_pending());
    }
    root.cancel();
    assert_eq!(counter.wakes(), tokens.len());
    for f in &mut futures {
        assert!(f.as_mut().poll(&mut cx).is_ready());
    }
}

#[test]
fn the_never_token_never_completes_and_registers_nothing() {
    let token = CancelToken::never();
    let (counter, waker) = CountingWaker::new();
    let mut cancelled = pin!(token.cancelled());
    assert!(
        cancelled
            .as_mut()
            .poll(&mut Context::from_waker(&waker))
            .is_pending()
    );
    assert_eq!(Arc::strong_count(&counter), 2);
}

#[test]
fn a_disable_guard_does_not_hold_the_future_back() {
    let source = CancelSource::new();
    let token = source.token();
    let _guard = disable_cancel();
    source.cancel();
    assert!(
        token.checkpoint().is_ok(),
        "the checkpoint honours the guard"
    );
    assert!(
        pin!(token.cancelled())
            .poll(&mut Context::from_waker(Waker::noop()))
            .is_ready(),
        "the future observes the request, as is_cancelled() does"
    );
}

/// The waiting side announces that its future is pending (polled once, waker
/// registered), the cancelling side waits for that, then cancels.
fn cancel_after_pending(
    source: CancelSource,
    pending: mpsc::Receiver<()>,
) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        pending.recv().expect("the waiter announces itself");
        assert!(source.cancel());
    })
}

/// A future that, on its first poll, polls `inner` and announces on `tx` that it is
/// pending (so a canceller can act while the task is really waiting).
async fn announce_pending<F: Future>(inner: F, tx: mpsc::Sender<()>) -> F::Output {
    let mut inner = pin!(inner);
    let mut tx = Some(tx);
    std::future::poll_fn(move |cx| {
        let poll = inner.as_mut().poll(cx);
        if poll.is_pending() {
            if let Some(tx) = tx.take() {
                let _ = tx.send(());
            }
        }
        poll
    })
    .await
}

#[test]
fn cancelled_await_on_tokio_current_thread_wakes_on_cancel_from_another_thread() {
    common::within(WATCHDOG, "current-thread runtime", || {
        let source = CancelSource::new();
        let token = source.token();
        let (tx, rx) = mpsc::channel();
        let canceller = cancel_after_pending(source, rx);
        current_thread().block_on(announce_pending(token.cancelled(), tx));
        assert!(token.is_cancelled());
        canceller.join().unwrap();
    });
}

#[test]
fn cancelled_await_on_tokio_multi_thread_wakes_many_tasks() {
    common::within(WATCHDOG, "multi-thread runtime", || {
        let runtime = multi_thread();
        let root = CancelSource::new();
        let tasks = 32;
        let (tx, rx) = mpsc::channel();
        let handles: Vec<_> = (0..tasks)
            .map(|i| {
                // Half on child tokens, half on the root itself; owned futures.
                let token = if i % 2 == 0 {
                    root.child_token().token()
                } else {
                    root.token()
                };
                let tx = tx.clone();
                runtime.spawn(async move {
                    announce_pending(token.clone().cancelled_owned(), tx).await;
                    token.cause()
                })
            })
            .collect();
        drop(tx);
        for _ in 0..tasks {
            rx.recv().expect("every task reaches its await");
        }
        let user = CancelCause::user("the client went away");
        assert!(root.cancel_with(user.clone()));
        for handle in handles {
            let cause = runtime.block_on(handle).expect("task");
            assert_eq!(
                cause,
                Some(user.clone()),
                "children report the root's cause"
            );
        }
    });
}

#[test]
fn cancelled_await_on_futures_block_on_wakes_on_cancel() {
    common::within(WATCHDOG, "futures::executor::block_on", || {
        let source = CancelSource::new();
        let token = source.token();
        let (tx, rx) = mpsc::channel();
        let canceller = cancel_after_pending(source, rx);
        futures::executor::block_on(announce_pending(token.cancelled(), tx));
        assert!(token.is_cancelled());
        canceller.join().unwrap();
    });
}

#[test]
#[cfg_attr(miri, ignore)] // many threads and rounds
fn cancel_racing_the_first_poll_is_never_missed() {
    // Each round: a fresh token, a thread that awaits it with block_on, and a cancel
    // released by the same barrier, so that the cancel lands anywhere in the poll.
    common::within(WATCHDOG, "racing rounds", || {
        for _ in 0..common::scaled(2000, 20) {
            let source = CancelSource::new();
            let token = source.token();
            let barrier = Arc::new(Barrier::new(2));
            let b = Arc::clone(&barrier);
            let waiter = thread::spawn(move || {
                b.wait();
                futures::executor::block_on(token.cancelled());
            });
            barrier.wait();
            source.cancel();
            waiter.join().unwrap();
        }
    });
}

#[test]
fn tokio_select_on_cancelled_stops_the_other_branch() {
    common::within(WATCHDOG, "select", || {
        let runtime = current_thread();
        let source = CancelSource::new();
        let token = source.token();
        let (tx, rx) = mpsc::channel();
        let canceller = cancel_after_pending(source, rx);
        let out = runtime.block_on(async {
            let work = announce_pending(std::future::pending::<u32>(), tx);
            tokio::select! {
                v = work => Some(v),
                () = token.cancelled() => None,
            }
        });
        assert_eq!(out, None);
        canceller.join().unwrap();
    });
}

/// Sets a flag when dropped: shows that a future was dropped where it stopped.
struct DropFlag(Arc<AtomicBool>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

#[test]
fn run_until_cancelled_returns_the_output_when_the_future_wins() {
    let token = CancelSource::new().token();
    let out = futures::executor::block_on(token.run_until_cancelled(async { 41 + 1 }));
    assert_eq!(out, Some(42));
    let out = current_thread().block_on(token.clone().run_until_cancelled_owned(async { "done" }));
    assert_eq!(out, Some("done"));
}

#[test]
fn run_until_cancelled_returns_none_and_drops_the_future_on_cancel() {
    common::within(WATCHDOG, "run_until_cancelled", || {
        let source = CancelSource::new();
        let token = source.token();
        let dropped = Arc::new(AtomicBool::new(false));
        let (tx, rx) = mpsc::channel();
        let canceller = cancel_after_pending(source, rx);
        let flag = DropFlag(Arc::clone(&dropped));
        let work = async move {
            let _flag = flag;
            std::future::pending::<u32>().await
        };
        let out = multi_thread().block_on(announce_pending(token.run_until_cancelled(work), tx));
        assert_eq!(out, None);
        assert!(dropped.load(Ordering::SeqCst), "the future was dropped");
        canceller.join().unwrap();
    });
}

#[test]
fn run_until_cancelled_on_a_cancelled_token_never_polls_the_future() {
    let source = CancelSource::new();
    source.cancel();
    let polled = Arc::new(AtomicBool::new(false));
    let p = Arc::clone(&polled);
    let work = std::future::poll_fn(move |_| {
        p.store(true, Ordering::SeqCst);
        Poll::Ready(7)
    });
    assert_eq!(
        futures::executor::block_on(source.run_until_cancelled(work)),
        None
    );
    assert!(!polled.load(Ordering::SeqCst));
}

#[test]
fn run_until_cancelled_prefers_the_output_when_both_are_ready() {
    // tokio-util's fairness: after the first poll, a future that completes in the same
    // wake-up as the cancel wins.
    let source = CancelSource::new();
    let token = source.token();
    let ready = Arc::new(AtomicBool::new(false));
    let r = Arc::clone(&ready);
    let work = std::future::poll_fn(move |_| {
        if r.load(Ordering::SeqCst) {
            Poll::Ready(5)
        } else {
            Poll::Pending
        }
    });
    let mut run = pin!(token.run_until_cancelled(work));
    let mut cx = Context::from_waker(Waker::noop());
    assert!(run.as_mut().poll(&mut cx).is_pending());
    ready.store(true, Ordering::SeqCst);
    source.cancel();
    assert_eq!(run.as_mut().poll(&mut cx), Poll::Ready(Some(5)));
}

#[test]
fn a_job_awaits_nothing_but_an_async_caller_awaits_the_jobs_token() {
    // The bridge a server needs: a pool job checkpoints, an async task awaits the same
    // token and learns the cause.
    common::within(WATCHDOG, "pool job and async waiter", || {
        let pool = cancelpool::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("pool");
        let (started_tx, started_rx) = mpsc::channel();
        let job = pool.submit(move |job_token| {
            started_tx.send(job_token.clone()).unwrap();
            loop {
                job_token.sleep(Duration::from_millis(50))?;
            }
            #[allow(unreachable_code)]
            Ok::<(), cancelpool::JobFailure>(())
        });
        let job_token = started_rx.recv().unwrap();
        let (tx, rx) = mpsc::channel();
        let canceller = {
            let job_token = job_token.clone();
            thread::spawn(move || {
                rx.recv().unwrap();
                drop(job_token);
                pool.shutdown_now()
            })
        };
        let cause = current_thread().block_on(async {
            announce_pending(job_token.cancelled(), tx).await;
            job_token.cause()
        });
        assert_eq!(cause, Some(CancelCause::Shutdown));
        assert!(job.join().unwrap_err().is_cancelled());
        assert_eq!(canceller.join().unwrap(), 0, "nothing was queued");
    });
}

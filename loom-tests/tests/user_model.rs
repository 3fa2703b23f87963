//! C9: the README's example of a user's own model of code built on cancelpool, kept here
//! so that it stays true. Consumer waits on a user condvar with `wait_while`; a producer
//! and a cancel race it.
//!
//! Bound: none (exhaustive); about 1 s on 2 cores, release.
//!
//! Run: `RUSTFLAGS="--cfg loom" cargo test -p loom-tests --release --target-dir target/loom --test user_model`
#![cfg(loom)]

mod common;

use cancelpool::sync::{Condvar, Mutex};
use cancelpool::{CancelSource, Cancelled};
use loom::sync::Arc;

#[test]
fn consumer_stops_on_cancel_or_gets_the_item() {
    common::model_exhaustive("consumer_stops_on_cancel_or_gets_the_item", || {
        let queue = Arc::new((Mutex::new(Vec::<u32>::new()), Condvar::new()));
        let source = CancelSource::new();
        let token = source.token();
        let consumer = {
            let queue = Arc::clone(&queue);
            loom::thread::spawn(move || {
                let (lock, cv) = &*queue;
                let mut items = lock.lock();
                token.wait_while(cv, &mut items, |items| items.is_empty())?;
                Ok::<_, Cancelled>(items.pop())
            })
        };
        {
            let (lock, cv) = &*queue;
            lock.lock().push(1);
            cv.notify_one();
        }
        source.cancel();
        // Either the item or the cancel ends the wait; never a hang (loom reports a lost
        // wake-up as a deadlock).
        if let Ok(item) = consumer.join().unwrap() {
            assert_eq!(item, Some(1));
        }
    });
}

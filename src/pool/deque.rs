//! The work queues: crossbeam-deque normally, a modelled stand-in under loom.
//!
//! crossbeam-deque is not loom-instrumented, so under `cfg(loom)` the same interface is
//! backed by a loom `Mutex<VecDeque>`: loom then explores every interleaving of pushes,
//! pops and steals at queue granularity (DESIGN.md allows this stand-in).
//!
//! A mutex alone would make every queue access sequentially consistent, which crossbeam's
//! work-stealing deque is not: a thief decides "empty" from its `front`/`back` indices
//! (Acquire loads around a SeqCst fence) without a lock, while the owner publishes a push
//! with a Release store of `back` and no fence. So a thief may miss a push that the owner
//! made "before" it looked. The model keeps that: the owner publishes the queue length
//! with a Release store (`Worker::push`), and `Stealer::steal` first reads it with
//! `fence(SeqCst)` + Acquire load, giving up on a stale zero as crossbeam's thief does.
//! The injector needs no such care: crossbeam's `Injector::push` is a SeqCst CAS and its
//! `is_empty` SeqCst loads, which a mutex models faithfully.

#[cfg(not(loom))]
pub(crate) use crossbeam_deque::{Injector, Steal, Stealer, Worker};

#[cfg(loom)]
pub(crate) use self::model::{Injector, Steal, Stealer, Worker};

#[cfg(loom)]
mod model {
    use std::collections::VecDeque;

    use crate::sync::atomic::{AtomicUsize, Ordering, fence};
    use crate::sync::{Arc, Mutex};

    /// A work-stealing deque: the items, and their count as thieves see it.
    struct Shared<T> {
        queue: Mutex<VecDeque<T>>,
        /// Written under `queue`'s lock after every change; read without it by thieves.
        published_len: AtomicUsize,
    }

    /// The outcome of a steal (no `Retry` in the model: the mutex never fails).
    pub(crate) enum Steal<T> {
        Empty,
        Success(T),
        #[allow(dead_code)]
        Retry,
    }

    /// The owner's end: LIFO push/pop at the back.
    pub(crate) struct Worker<T> {
        shared: Arc<Shared<T>>,
    }

    /// A thief's end: takes from the front.
    pub(crate) struct Stealer<T> {
        shared: Arc<Shared<T>>,
    }

    /// The global queue: FIFO.
    pub(crate) struct Injector<T> {
        queue: Mutex<VecDeque<T>>,
    }

    impl<T> Worker<T> {
        pub(crate) fn new_lifo() -> Self {
            Worker {
                shared: Arc::new(Shared {
                    queue: Mutex::new(VecDeque::new()),
                    published_len: AtomicUsize::new(0),
                }),
            }
        }
        pub(crate) fn push(&self, value: T) {
            let mut queue = self.shared.queue.lock();
            queue.push_back(value);
            // Release, no fence: as crossbeam's `Worker::push` publishes `back`.
            self.shared
                .published_len
                .store(queue.len(), Ordering::Release);
        }
        pub(crate) fn pop(&self) -> Option<T> {
            let mut queue = self.shared.queue.lock();
            let value = queue.pop_back();
            // Release: as in `push` (the owner's pop never reads the published length).
            self.shared
                .published_len
                .store(queue.len(), Ordering::Release);
            value
        }
        pub(crate) fn stealer(&self) -> Stealer<T> {
            Stealer {
                shared: Arc::clone(&self.shared),
            }
        }
    }

    impl<T> Stealer<T> {
        pub(crate) fn steal(&self) -> Steal<T> {
            // As crossbeam's thief: SeqCst fence, then Acquire load of the owner's index;
            // a stale "empty" is believed.
            fence(Ordering::SeqCst);
            if self.shared.published_len.load(Ordering::Acquire) == 0 {
                return Steal::Empty;
            }
            let mut queue = self.shared.queue.lock();
            let value = queue.pop_front();
            // Release: as in `Worker::push`.
            self.shared
                .published_len
                .store(queue.len(), Ordering::Release);
            match value {
                Some(v) => Steal::Success(v),
                None => Steal::Empty,
            }
        }
        pub(crate) fn len(&self) -> usize {
            self.shared.queue.lock().len()
        }
    }

    impl<T> Injector<T> {
        pub(crate) fn new() -> Self {
            Injector {
                queue: Mutex::new(VecDeque::new()),
            }
        }
        pub(crate) fn push(&self, value: T) {
            self.queue.lock().push_back(value);
        }
        pub(crate) fn steal(&self) -> Steal<T> {
            match self.queue.lock().pop_front() {
                Some(v) => Steal::Success(v),
                None => Steal::Empty,
            }
        }
        pub(crate) fn is_empty(&self) -> bool {
            self.queue.lock().is_empty()
        }
        pub(crate) fn len(&self) -> usize {
            self.queue.lock().len()
        }
    }
}

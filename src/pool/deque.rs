//! The work queues: crossbeam-deque normally, a modelled stand-in under loom.
//!
//! crossbeam-deque is not loom-instrumented, so under `cfg(loom)` the same interface is
//! backed by a loom `Mutex<VecDeque>`: loom then explores every interleaving of pushes,
//! pops and steals at queue granularity (DESIGN.md allows this stand-in).

#[cfg(not(loom))]
pub(crate) use crossbeam_deque::{Injector, Steal, Stealer, Worker};

#[cfg(loom)]
pub(crate) use self::model::{Injector, Steal, Stealer, Worker};

#[cfg(loom)]
mod model {
    use std::collections::VecDeque;

    use crate::sync::{Arc, Mutex};

    /// The outcome of a steal (no `Retry` in the model: the mutex never fails).
    pub(crate) enum Steal<T> {
        Empty,
        Success(T),
        #[allow(dead_code)]
        Retry,
    }

    /// The owner's end: LIFO push/pop at the back.
    pub(crate) struct Worker<T> {
        queue: Arc<Mutex<VecDeque<T>>>,
    }

    /// A thief's end: takes from the front.
    pub(crate) struct Stealer<T> {
        queue: Arc<Mutex<VecDeque<T>>>,
    }

    /// The global queue: FIFO.
    pub(crate) struct Injector<T> {
        queue: Mutex<VecDeque<T>>,
    }

    impl<T> Worker<T> {
        pub(crate) fn new_lifo() -> Self {
            Worker {
                queue: Arc::new(Mutex::new(VecDeque::new())),
            }
        }
        pub(crate) fn push(&self, value: T) {
            self.queue.lock().push_back(value);
        }
        pub(crate) fn pop(&self) -> Option<T> {
            self.queue.lock().pop_back()
        }
        pub(crate) fn stealer(&self) -> Stealer<T> {
            Stealer {
                queue: Arc::clone(&self.queue),
            }
        }
    }

    impl<T> Stealer<T> {
        pub(crate) fn steal(&self) -> Steal<T> {
            match self.queue.lock().pop_front() {
                Some(v) => Steal::Success(v),
                None => Steal::Empty,
            }
        }
        pub(crate) fn len(&self) -> usize {
            self.queue.lock().len()
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

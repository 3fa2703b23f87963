//! The signal handler's table of live guards (`src/signal/table.rs`): a handler running
//! on another thread while a guard is dropped never writes to the guard's socket after
//! it is closed, nor to a slot's next owner with the old owner's socket; two signals
//! racing make exactly one the first.
//!
//! A signal handler is modelled as a thread: it may run at any point of the guard's
//! drop, as a handler on another thread may, and it never waits (as in the handler).
//!
//! Run: `RUSTFLAGS="--cfg loom" cargo test -p loom-tests --release --target-dir
//! target/loom --test signal_table`. Every model is exhaustive (no preemption bound).
//! Figures: release build, on the shared 2-core machine.
//!
//! | model | bound | executions | time |
//! |---|---|---|---|
//! | `handler_racing_drop_never_writes_a_closed_socket` | none | 47 | 2 ms |
//! | `handler_racing_drop_and_reuse_writes_only_open_sockets` | none | 97 | 5 ms |
//! | `two_signals_racing_make_exactly_one_first` | none | 7,641 | 0.7 s |
//!
//! Mutants caught (`scripts/loom-mutants.sh signal-`): `signal-release-no-wait`,
//! `signal-deliver-plain-load` (both fail the first two models) and
//! `signal-deliver-relaxed-decrement` (fails the reuse model: the old guard's signal
//! lands on the next guard of the slot).
#![cfg(loom)]

mod common;

use cancelpool::signal_table::Model;
use loom::sync::Arc;
use loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

const SIGINT: i32 = 2;

/// A socket's state in the model: open or closed, and how many wake-ups it received.
struct Socket {
    open: AtomicBool,
    wakes: AtomicUsize,
}

impl Socket {
    fn new() -> Arc<Socket> {
        Arc::new(Socket {
            open: AtomicBool::new(true),
            wakes: AtomicUsize::new(0),
        })
    }

    /// What the handler's `write` does to it; writing to a closed socket is the bug.
    fn write(&self) {
        // Relaxed: the model must not add synchronisation the table does not have.
        assert!(
            self.open.load(Ordering::Relaxed),
            "wrote to a closed socket"
        );
        self.wakes.fetch_add(1, Ordering::Relaxed);
    }

    fn close(&self) {
        // Relaxed: as above.
        self.open.store(false, Ordering::Relaxed);
    }
}

#[test]
fn handler_racing_drop_never_writes_a_closed_socket() {
    common::model_exhaustive("handler_racing_drop_never_writes_a_closed_socket", || {
        let table = Arc::new(Model::new());
        let socket = Socket::new();
        let slot = table.claim(Model::bit(SIGINT), 3).unwrap();
        let handler = {
            let (table, socket) = (Arc::clone(&table), Arc::clone(&socket));
            loom::thread::spawn(move || {
                table.deliver(SIGINT, |fd| {
                    assert_eq!(fd, 3);
                    socket.write();
                })
            })
        };
        table.release(slot, || socket.close());
        let (watched, second) = handler.join().unwrap();
        assert!(!second);
        // The signal either reached the guard (and woke it once) or came after it left.
        assert_eq!(watched, socket.wakes.load(Ordering::Relaxed) == 1);
    });
}

#[test]
fn handler_racing_drop_and_reuse_writes_only_open_sockets() {
    common::model_exhaustive(
        "handler_racing_drop_and_reuse_writes_only_open_sockets",
        || {
            let table = Arc::new(Model::new());
            let (old, new) = (Socket::new(), Socket::new());
            let slot = table.claim(Model::bit(SIGINT), 3).unwrap();
            let handler = {
                let (table, old, new) = (Arc::clone(&table), Arc::clone(&old), Arc::clone(&new));
                loom::thread::spawn(move || {
                    table.deliver(SIGINT, |fd| match fd {
                        3 => old.write(),
                        4 => new.write(),
                        other => panic!("wrote to fd {other}"),
                    })
                })
            };
            table.release(slot, || old.close());
            // The next guard takes a free slot, possibly the same one.
            let next = table.claim(Model::bit(SIGINT), 4).unwrap();
            let (_, second) = handler.join().unwrap();
            assert!(!second, "each guard's first signal is its first");
            let wakes = old.wakes.load(Ordering::Relaxed) + new.wakes.load(Ordering::Relaxed);
            assert!(wakes <= 1, "one signal, one guard woken at most");
            assert_eq!(
                table.received(next),
                (new.wakes.load(Ordering::Relaxed) == 1).then_some(SIGINT),
                "the next guard records a signal if and only if it was woken for it"
            );
            table.release(next, || new.close());
        },
    );
}

#[test]
fn two_signals_racing_make_exactly_one_first() {
    common::model_exhaustive("two_signals_racing_make_exactly_one_first", || {
        let table = Arc::new(Model::new());
        let socket = Socket::new();
        let slot = table.claim(Model::bit(SIGINT), 3).unwrap();
        let signals: Vec<_> = (0..2)
            .map(|_| {
                let (table, socket) = (Arc::clone(&table), Arc::clone(&socket));
                loom::thread::spawn(move || table.deliver(SIGINT, |_| socket.write()))
            })
            .collect();
        let seconds = signals
            .into_iter()
            .map(|h| h.join().unwrap())
            .filter(|&(watched, second)| {
                assert!(watched);
                second
            })
            .count();
        assert_eq!(seconds, 1);
        assert_eq!(socket.wakes.load(Ordering::Relaxed), 1);
        assert_eq!(table.received(slot), Some(SIGINT));
        table.release(slot, || socket.close());
    });
}

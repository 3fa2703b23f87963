//! The signal handler's table of live guards: what the handler may touch, and how a
//! guard leaves the table without the handler ever writing to a closed (or reused) file
//! descriptor. Checked by `loom-tests/tests/signal_table.rs`.
//!
//! # The table
//!
//! One [`Slot`] per live guard. The handler reads slots; guards claim and release them.
//!
//! | field | written by | meaning |
//! |---|---|---|
//! | `claimed` | claim (CAS false → true), release (store false) | the slot belongs to a guard |
//! | `signals` | claim (publish), release (swap to 0); the handler reads it by an RMW | bit `sig - 1` set: the handler serves this guard for `sig` |
//! | `wake_fd` | claim, before publishing | the write end of the guard's wake-up socket |
//! | `fired` | claim (reset), handler (swap true) | a first signal reached this guard |
//! | `received` | claim (reset), handler (CAS 0 → sig) | that first signal's number |
//!
//! # Invariants
//!
//! 1. `wake_fd` is open whenever a handler that read a non-zero `signals` from the slot
//!    is still running.
//! 2. A handler touches a slot only between its increment and its decrement of
//!    `in_flight` (steps h1 and h4 below).
//! 3. Release clears `signals` (r1), then waits until `in_flight` is zero (r2), and only
//!    then closes `wake_fd` (r3) and frees the slot (r4).
//!
//! # Why 1 holds
//!
//! The handler: h1 `in_flight += 1`; h2 `signals.fetch_or(0)` (an RMW, AcqRel); h3 use
//! the slot if h2 saw the signal's bit; h4 `in_flight -= 1` (Release). Release: r1
//! `signals.swap(0)` (AcqRel); r2 load `in_flight` (Acquire) until it is 0; r3 close;
//! r4 free.
//!
//! h2 and r1 are RMWs of one location, so one comes first in its modification order.
//! - h2 first: r1 reads h2's value or a later RMW's (a release sequence headed by h2),
//!   so h2 synchronizes with r1, and h1 (before h2) happens before r2. r2 therefore
//!   reads a count that includes h1, which stays above zero until h4; when r2 finally
//!   reads the decrement of h4 (or a later one), h4 synchronizes with r2, so h3's use of
//!   the fd happens before r3 closes it.
//! - r1 first: h2 reads 0, or the mask of a guard that claimed the slot after r4 and
//!   published its own open `wake_fd` with the store that h2 read (Release/AcqRel).
//!
//! This needs no SeqCst, only the two RMWs on `signals`; so loom, which models
//! acquire/release exactly, checks the argument itself.
//!
//! The wait in r2 cannot deadlock: a handler never waits, and release never runs inside
//! a handler. It waits for every handler in flight, not only those using its slot:
//! handlers are short.

#[cfg(loom)]
use crate::sync::atomic::{AtomicBool, AtomicI32, AtomicU64, AtomicUsize, Ordering};
#[cfg(not(loom))]
use crate::sync::unmodelled::{AtomicBool, AtomicI32, AtomicU64, AtomicUsize, Ordering};

/// Live guards at most.
#[cfg(not(loom))]
pub(crate) const MAX_GUARDS: usize = 32;
/// Live guards at most; under loom two, which the models need, and each slot more would
/// only multiply the states to explore.
#[cfg(loom)]
pub(crate) const MAX_GUARDS: usize = 2;

/// The handler's view of the live guards (module docs).
pub(crate) struct Table {
    slots: [Slot; MAX_GUARDS],
    /// Handlers running now, on any thread (invariants 2, 3).
    in_flight: AtomicUsize,
}

/// One live guard, as the handler sees it (table in the module docs).
struct Slot {
    claimed: AtomicBool,
    signals: AtomicU64,
    wake_fd: AtomicI32,
    fired: AtomicBool,
    received: AtomicI32,
}

/// What a delivery found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Delivery {
    /// Some guard watches the signal.
    pub(crate) watched: bool,
    /// Some guard watching it had received a first signal already.
    pub(crate) second: bool,
}

/// The bit of `sig` (1..=64) in a slot's `signals`.
pub(crate) fn bit(sig: i32) -> u64 {
    1 << (sig - 1)
}

impl Slot {
    #[cfg(not(loom))]
    const fn new() -> Slot {
        Slot {
            claimed: AtomicBool::new(false),
            signals: AtomicU64::new(0),
            wake_fd: AtomicI32::new(-1),
            fired: AtomicBool::new(false),
            received: AtomicI32::new(0),
        }
    }

    #[cfg(loom)]
    fn new() -> Slot {
        Slot {
            claimed: AtomicBool::new(false),
            signals: AtomicU64::new(0),
            wake_fd: AtomicI32::new(-1),
            fired: AtomicBool::new(false),
            received: AtomicI32::new(0),
        }
    }
}

impl Table {
    /// An empty table, for the process-wide static.
    #[cfg(not(loom))]
    pub(crate) const fn new() -> Table {
        Table {
            slots: [const { Slot::new() }; MAX_GUARDS],
            in_flight: AtomicUsize::new(0),
        }
    }

    /// An empty table (loom's atomics cannot be built in a const context).
    #[cfg(loom)]
    pub(crate) fn new() -> Table {
        Table {
            slots: std::array::from_fn(|_| Slot::new()),
            in_flight: AtomicUsize::new(0),
        }
    }

    /// Takes a free slot for a guard of the signals in `mask` that the handler wakes by
    /// writing to `wake_fd`, and publishes it; `None` if every slot is taken.
    pub(crate) fn claim(&self, mask: u64, wake_fd: i32) -> Option<usize> {
        for (index, slot) in self.slots.iter().enumerate() {
            // Acquire: the previous owner's release (its close) happens before our use.
            if slot
                .claimed
                .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
            {
                // Relaxed: published by the Release store of `signals` below.
                slot.wake_fd.store(wake_fd, Ordering::Relaxed);
                slot.fired.store(false, Ordering::Relaxed);
                slot.received.store(0, Ordering::Relaxed);
                // Release: publishes the fields above to the handler's AcqRel read.
                slot.signals.store(mask, Ordering::Release);
                return Some(index);
            }
        }
        None
    }

    /// Unpublishes slot `index`, waits for the handlers in flight, runs `close` (which
    /// closes the slot's `wake_fd`) and frees the slot (invariant 3).
    pub(crate) fn release(&self, index: usize, close: impl FnOnce()) {
        let slot = &self.slots[index];
        // AcqRel: acquires the handlers' RMWs that read our mask (module docs, "h2
        // first"); Release is not needed but comes with the swap.
        slot.signals.swap(0, Ordering::AcqRel);
        // Acquire: pairs with the handlers' Release decrements.
        while self.in_flight.load(Ordering::Acquire) != 0 {
            crate::sync::thread::yield_now();
        }
        close();
        // Release: our close happens before the next owner's claim (Acquire).
        slot.claimed.store(false, Ordering::Release);
    }

    /// The first signal the guard in slot `index` received, if any.
    pub(crate) fn received(&self, index: usize) -> Option<i32> {
        match self.slots[index].received.load(Ordering::SeqCst) {
            0 => None,
            sig => Some(sig),
        }
    }

    /// The handler's part: for each guard watching `sig`, a first signal records itself
    /// and calls `wake` with the guard's `wake_fd`; a later one is reported as `second`.
    /// Async-signal-safe if `wake` is: atomics only.
    pub(crate) fn deliver(&self, sig: i32, mut wake: impl FnMut(i32)) -> Delivery {
        let mut found = Delivery {
            watched: false,
            second: false,
        };
        // Relaxed: published to `release` by the AcqRel RMW on `signals` that follows
        // (module docs, "h2 first").
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        for slot in &self.slots {
            // AcqRel, an RMW rather than a load: see the module docs.
            if slot.signals.fetch_or(0, Ordering::AcqRel) & bit(sig) == 0 {
                continue;
            }
            found.watched = true;
            // Relaxed: the swap's atomicity alone makes exactly one signal the first.
            if slot.fired.swap(true, Ordering::Relaxed) {
                found.second = true;
                continue;
            }
            let _ = slot
                .received
                .compare_exchange(0, sig, Ordering::SeqCst, Ordering::SeqCst);
            // Relaxed: published by the claim's Release store that the RMW above read.
            wake(slot.wake_fd.load(Ordering::Relaxed));
        }
        // Release: our use of the slots happens before a release that sees the count.
        self.in_flight.fetch_sub(1, Ordering::Release);
        found
    }
}

/// The table for the loom models in `loom-tests` (built under `--cfg loom` with the
/// feature `signal` only; not part of the API).
#[cfg(loom)]
pub struct Model(Table);

#[cfg(loom)]
#[allow(missing_docs, clippy::new_without_default)]
impl Model {
    pub fn new() -> Model {
        Model(Table::new())
    }
    pub fn claim(&self, mask: u64, wake_fd: i32) -> Option<usize> {
        self.0.claim(mask, wake_fd)
    }
    pub fn release(&self, index: usize, close: impl FnOnce()) {
        self.0.release(index, close)
    }
    pub fn received(&self, index: usize) -> Option<i32> {
        self.0.received(index)
    }
    /// `(watched, second)`.
    pub fn deliver(&self, sig: i32, wake: impl FnMut(i32)) -> (bool, bool) {
        let d = self.0.deliver(sig, wake);
        (d.watched, d.second)
    }
    pub fn bit(sig: i32) -> u64 {
        bit(sig)
    }
}

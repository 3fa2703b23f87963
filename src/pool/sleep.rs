//! When idle workers spin, when they park, and how new work wakes them (P5, loom L6).
//!
//! # The counters word (`Sleep::counters: AtomicUsize`)
//!
//! | bits | field | meaning |
//! |---|---|---|
//! | 0..16 | `sleeping` | workers blocked on their condvar (or committed to block) |
//! | 16.. | `jec` | jobs event counter: **odd** = some worker is sleepy and watching |
//!
//! # Protocol
//!
//! An idle worker searches for work (own deque, other deques, injector). After
//! `ROUNDS_UNTIL_SLEEPY` failed rounds (yielding between them):
//!
//! 1. **Sleepy.** It makes the JEC odd (if even, +1) and remembers the odd value `J`.
//! 2. It searches once more (`ROUNDS_UNTIL_SLEEPING - ROUNDS_UNTIL_SLEEPY` rounds).
//! 3. **Sleep.** It locks its own sleep mutex, moves its latch `SLEEPY → SLEEPING`
//!    (fails if the latch it waits for was set: it stays awake), then CASes
//!    `sleeping += 1` *only if the JEC is still `J`*. If the JEC moved, work was posted
//!    after step 1: back to searching.
//! 4. `fence(SeqCst)`, then a last look at the injector; if it has jobs, undo
//!    `sleeping` and go back to work. Otherwise set `is_blocked` and wait on the condvar.
//!
//! A poster of new work, after pushing:
//!
//! 5. **Injected** work (from outside the pool): `fence(SeqCst)` first.
//! 6. Loads the counters; if the JEC is odd, CASes it to the next even value (so every
//!    sleepy worker's step-3 CAS fails). If `sleeping > 0`, wakes one worker: locks a
//!    sleeping worker's mutex, clears `is_blocked`, `sleeping -= 1`, notifies.
//!
//! A worker waiting inside an `isolate` region may not run injected jobs: it skips the
//! injector check of step 4 and blocks as `Isolated`, which step 6 passes over, so a
//! wake-up meant for new work always reaches a worker that can run it; the isolated
//! waiter is woken only by the latch it waits for.
//!
//! **Why no job is stranded.** For injected work, steps 4 and 5 are a store/fence/load
//! pair on each side (push, fence, read `sleeping` — vs — `sleeping += 1`, fence, read
//! injector): one of the two reads sees the other's write, so either the poster wakes
//! someone or the sleeper sees the job. For work pushed on a worker's *own* deque, the
//! pusher is awake and will run the job itself if nobody steals it, so a missed wake-up
//! costs parallelism, never progress; that is why local pushes skip the fence (as rayon
//! does) and `join` stays cheap. That reasoning holds for *forks* (`join`, scope
//! spawns), whose pusher waits for them by helping. A *detached* job (`spawn`/`submit`
//! from inside the pool) also goes on the local deque, but the job that pushed it may then
//! block without helping (in `JobHandle::join`, on a channel): so it takes the fenced path
//! (`Registry::push_detached`). Its push, fence, read of the JEC pair with a sleepy
//! thief's step-1 JEC write, the SeqCst fence every steal does, and its read of the deque:
//! the pusher sees the thief sleepy (and bumps the JEC, failing its step 3) or the thief
//! sees the job. Without the fence both reads may miss (store buffering, real on x86) and
//! the job is stranded (loom `submit_from_worker_races_other_worker_sleep_job_runs`).
//! A latch set for a sleeping owner wakes that owner
//! specifically (latch.rs); the owner's mutex is held from `fall_asleep` until it
//! blocks, so that wake-up cannot be lost either.
//!
//! An idle pool uses no CPU: every worker ends in step 4 on its condvar.

use crossbeam_utils::CachePadded;

use super::latch::CoreLatch;
use crate::sync::atomic::{AtomicUsize, Ordering, fence};
use crate::sync::{Condvar, Mutex};

/// Failed search rounds before a worker announces it is sleepy.
#[cfg(not(loom))]
const ROUNDS_UNTIL_SLEEPY: u32 = 32;
/// Failed search rounds before a sleepy worker tries to sleep.
#[cfg(not(loom))]
const ROUNDS_UNTIL_SLEEPING: u32 = ROUNDS_UNTIL_SLEEPY + 1;
// Under loom, spin rounds only multiply the states to explore: sleep at once.
#[cfg(loom)]
const ROUNDS_UNTIL_SLEEPY: u32 = 0;
#[cfg(loom)]
const ROUNDS_UNTIL_SLEEPING: u32 = 1;

const SLEEPING_BITS: u32 = 16;
const ONE_SLEEPING: usize = 1;
const SLEEPING_MASK: usize = (1 << SLEEPING_BITS) - 1;
const ONE_JEC: usize = 1 << SLEEPING_BITS;

fn sleeping(counters: usize) -> usize {
    counters & SLEEPING_MASK
}

fn jec(counters: usize) -> usize {
    counters >> SLEEPING_BITS
}

fn is_sleepy(jec: usize) -> bool {
    jec & 1 == 1
}

/// The blocked state of one worker, under its sleep mutex.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Blocked {
    No,
    /// Blocked; any new work may wake it.
    Yes,
    /// Blocked while waiting inside an isolated region: it may not take new work from
    /// other queues, so only the latch it waits for wakes it (`wake_specific`).
    Isolated,
}

struct WorkerSleep {
    is_blocked: Mutex<Blocked>,
    cond: Condvar,
}

/// The sleep state of one registry.
pub(crate) struct Sleep {
    counters: CachePadded<AtomicUsize>,
    workers: Vec<CachePadded<WorkerSleep>>,
}

/// A worker's progress towards sleep, local to its wait loop.
pub(crate) struct IdleState {
    index: usize,
    rounds: u32,
    /// The odd JEC seen at step 1 (meaningful once `rounds > ROUNDS_UNTIL_SLEEPY`).
    jec: usize,
}

impl Sleep {
    pub(crate) fn new(n_workers: usize) -> Sleep {
        assert!(
            n_workers < SLEEPING_MASK,
            "too many workers for the sleep counters"
        );
        Sleep {
            counters: CachePadded::new(AtomicUsize::new(0)),
            workers: (0..n_workers)
                .map(|_| {
                    CachePadded::new(WorkerSleep {
                        is_blocked: Mutex::new(Blocked::No),
                        cond: Condvar::new(),
                    })
                })
                .collect(),
        }
    }

    /// Workers blocked now (for `stats()`).
    pub(crate) fn sleeping_now(&self) -> usize {
        // Relaxed: a statistic; no decision is made on it.
        sleeping(self.counters.load(Ordering::Relaxed))
    }

    pub(crate) fn start_looking(&self, index: usize) -> IdleState {
        IdleState {
            index,
            rounds: 0,
            jec: 0,
        }
    }

    /// Called after each failed search; may block (steps 1–4).
    /// `isolated`: the worker waits inside an isolated region and may not run
    /// injected jobs, so it neither looks at the injector nor takes a wake-up meant
    /// for new work.
    #[cfg_attr(loom, allow(clippy::absurd_extreme_comparisons))]
    pub(crate) fn no_work_found(
        &self,
        idle: &mut IdleState,
        latch: &CoreLatch,
        isolated: bool,
        has_injected_jobs: impl FnOnce() -> bool,
    ) {
        if idle.rounds < ROUNDS_UNTIL_SLEEPY {
            crate::sync::thread::yield_now();
            idle.rounds += 1;
        } else if idle.rounds == ROUNDS_UNTIL_SLEEPY {
            idle.jec = self.announce_sleepy();
            idle.rounds += 1;
            crate::sync::thread::yield_now();
        } else if idle.rounds < ROUNDS_UNTIL_SLEEPING {
            idle.rounds += 1;
            crate::sync::thread::yield_now();
        } else {
            self.sleep(idle, latch, isolated, has_injected_jobs);
        }
    }

    /// Step 1: make the JEC odd; return the odd value.
    fn announce_sleepy(&self) -> usize {
        loop {
            // SeqCst: the JEC's transitions are the protocol's total order (steps 1, 3, 6).
            let c = self.counters.load(Ordering::SeqCst);
            if is_sleepy(jec(c)) {
                return jec(c);
            }
            if self
                .counters
                .compare_exchange_weak(c, c + ONE_JEC, Ordering::SeqCst, Ordering::Relaxed)
                .is_ok()
            {
                return jec(c + ONE_JEC);
            }
        }
    }

    /// Steps 3–4.
    fn sleep(
        &self,
        idle: &mut IdleState,
        latch: &CoreLatch,
        isolated: bool,
        has_injected_jobs: impl FnOnce() -> bool,
    ) {
        if !latch.get_sleepy() {
            return;
        }
        let worker = &self.workers[idle.index];
        let mut is_blocked = worker.is_blocked.lock();
        if !latch.fall_asleep() {
            // The latch was set: stay awake.
            idle.rounds = 0;
            return;
        }
        loop {
            // SeqCst: step 3 must be ordered against the posters' step 6.
            let c = self.counters.load(Ordering::SeqCst);
            if jec(c) != idle.jec {
                // Work was posted since we got sleepy: search again before sleeping.
                idle.rounds = ROUNDS_UNTIL_SLEEPY;
                latch.wake_up();
                return;
            }
            if self
                .counters
                .compare_exchange(c, c + ONE_SLEEPING, Ordering::SeqCst, Ordering::Relaxed)
                .is_ok()
            {
                break;
            }
        }
        // Step 4: pairs with the poster's fence in `new_injected_jobs`.
        fence(Ordering::SeqCst);
        if !isolated && has_injected_jobs() {
            // SeqCst: as above; we undo our own increment.
            self.counters.fetch_sub(ONE_SLEEPING, Ordering::SeqCst);
        } else {
            *is_blocked = if isolated {
                Blocked::Isolated
            } else {
                Blocked::Yes
            };
            while *is_blocked != Blocked::No {
                worker.cond.wait(&mut is_blocked);
            }
        }
        drop(is_blocked);
        idle.rounds = 0;
        latch.wake_up();
    }

    /// Step 5–6 for jobs pushed on a worker's own deque.
    #[inline]
    pub(crate) fn new_internal_jobs(&self) {
        self.new_jobs();
    }

    /// Step 5–6 for jobs injected from outside the pool, and for detached jobs pushed on
    /// a worker's own deque (`Registry::push_detached`).
    #[inline]
    pub(crate) fn new_injected_jobs(&self) {
        // Step 5: pairs with the sleeper's fence in step 4.
        fence(Ordering::SeqCst);
        self.new_jobs();
    }

    #[inline]
    fn new_jobs(&self) {
        let mut c = self.counters.load(Ordering::SeqCst);
        while is_sleepy(jec(c)) {
            // SeqCst: step 6 against steps 1 and 3.
            match self.counters.compare_exchange_weak(
                c,
                c + ONE_JEC,
                Ordering::SeqCst,
                Ordering::SeqCst,
            ) {
                Ok(_) => {
                    c += ONE_JEC;
                    break;
                }
                Err(actual) => c = actual,
            }
        }
        if sleeping(c) > 0 {
            self.wake_any();
        }
    }

    /// Wakes one worker that may take new work (not an isolated waiter).
    #[cold]
    fn wake_any(&self) {
        for index in 0..self.workers.len() {
            if self.wake(index, false) {
                return;
            }
        }
    }

    /// Wakes worker `index` if it is blocked; true if it was.
    pub(crate) fn wake_specific(&self, index: usize) -> bool {
        self.wake(index, true)
    }

    fn wake(&self, index: usize, even_isolated: bool) -> bool {
        let worker = &self.workers[index];
        let mut is_blocked = worker.is_blocked.lock();
        let wake = match *is_blocked {
            Blocked::No => false,
            Blocked::Yes => true,
            Blocked::Isolated => even_isolated,
        };
        if wake {
            *is_blocked = Blocked::No;
            // SeqCst: the decrement belongs to the same total order as step 3.
            self.counters.fetch_sub(ONE_SLEEPING, Ordering::SeqCst);
            worker.cond.notify_one();
            true
        } else {
            false
        }
    }
}

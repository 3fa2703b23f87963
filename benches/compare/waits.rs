//! `wake`: from `cancel()` to the return of a thread blocked in a cancellable wait
//! (`token.sleep`, `wait_while`, `wait_fd`), beside the peers' wake-ups of a blocked
//! thread (condvar, park, a byte written to a polled socket). Linux: the waiter is known
//! to be blocked by reading `/proc` (see `common`).

use std::cell::RefCell;

use crate::common::{Scenario, Waiter};
use crate::harness::{Bar, Config, Fig, Row, Variant, interleaved};

const WAKE_BAR: Bar = Bar::MaxLatency {
    p50: 10_000.0,
    p99: 25_000.0,
};

pub(crate) fn wake_rows(cfg: &Config, rows: &mut Vec<Row>) {
    let rounds = cfg.pick(1500, 6000);
    // One shared waiter thread: the variants borrow it in turn.
    let waiter = RefCell::new(Waiter::new());
    let mut variants: Vec<Variant<'_>> = Vec::new();
    for scenario in Scenario::ALL {
        let waiter = &waiter;
        variants.push((
            scenario.name(),
            Box::new(move || waiter.borrow_mut().round(scenario.make()).as_nanos() as f64),
        ));
    }
    let s = interleaved(rounds, &mut variants);
    let fig = |sc: Scenario| {
        let i = Scenario::ALL.iter().position(|&x| x == sc).expect("listed");
        Fig::latency(&s[i])
    };
    let pairs = [
        (Scenario::TokenSleep, Scenario::Condvar),
        (Scenario::TokenSleep, Scenario::Park),
        (Scenario::TokenWaitWhile, Scenario::Condvar),
        (Scenario::TokenWaitFd, Scenario::Condvar),
        (Scenario::TokenWaitFd, Scenario::Poll),
    ];
    for (ours, peer) in pairs {
        rows.push(Row::new(
            format!("cancel → return, `{}`", ours.name()),
            fig(ours),
            peer.name(),
            fig(peer),
            WAKE_BAR,
        ));
    }
}

//! `await`: from `cancel()` to the return of a thread blocked awaiting the token —
//! `futures::executor::block_on(token.cancelled())` and `token.cancelled().await` on a
//! tokio current-thread runtime — beside the blocking `token.wait_cancelled` and
//! tokio-util's `cancelled().await`. Reported, not judged (BENCHMARKS.md: "report
//! both"). Linux: the waiter is known to be blocked by reading `/proc` (see `common`).

use std::cell::RefCell;

use crate::common::{Scenario, Waiter};
use crate::harness::{Bar, Config, Fig, Row, Variant, interleaved};

pub(crate) fn await_rows(cfg: &Config, rows: &mut Vec<Row>) {
    let rounds = cfg.pick(1000, 4000);
    let waiter = RefCell::new(Waiter::new());
    let mut variants: Vec<Variant<'_>> = Vec::new();
    for scenario in Scenario::AWAIT {
        let waiter = &waiter;
        variants.push((
            scenario.name(),
            Box::new(move || waiter.borrow_mut().round(scenario.make()).as_nanos() as f64),
        ));
    }
    let s = interleaved(rounds, &mut variants);
    let fig = |sc: Scenario| {
        let i = Scenario::AWAIT
            .iter()
            .position(|&x| x == sc)
            .expect("listed");
        Fig::latency(&s[i])
    };
    let pairs = [
        (Scenario::TokenAwaitBlockOn, Scenario::TokenWaitCancelled),
        (Scenario::TokenAwaitTokio, Scenario::TokenWaitCancelled),
        (Scenario::TokenAwaitBlockOn, Scenario::TokioUtilAwaitBlockOn),
    ];
    for (ours, peer) in pairs {
        rows.push(Row::new(
            format!("cancel → return, `{}`", ours.name()),
            fig(ours),
            peer.name(),
            fig(peer),
            Bar::None,
        ));
    }
}

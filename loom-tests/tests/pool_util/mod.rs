//! Shared by the pool models (`pool_*.rs`): the model runner and a quiet panic hook.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Runs `f` under loom, exhaustively up to `bound` preemptions (`None`: unbounded)
/// unless `LOOM_MAX_PREEMPTIONS` sets another bound, and reports how many executions
/// were explored, so that a run shows the model did work.
pub fn model(name: &str, bound: Option<usize>, f: impl Fn() + Sync + Send + 'static) {
    let executions = std::sync::Arc::new(AtomicUsize::new(0));
    let counter = std::sync::Arc::clone(&executions);
    let mut builder = loom::model::Builder::new();
    if builder.preemption_bound.is_none() {
        builder.preemption_bound = bound;
    }
    let shown = builder.preemption_bound;
    let started = std::time::Instant::now();
    builder.check(move || {
        counter.fetch_add(1, Ordering::Relaxed);
        f();
    });
    let n = executions.load(Ordering::Relaxed);
    eprintln!(
        "{name}: {n} executions, preemption bound {shown:?}, {:.1}s",
        started.elapsed().as_secs_f64()
    );
    assert!(n > 1, "the model explored a single execution");
}

/// The panic payload the models raise on purpose.
#[allow(dead_code)]
pub const EXPECTED_PANIC: &str = "loom model: expected panic";

/// Installs (once) a panic hook that stays silent for [`EXPECTED_PANIC`] and reports
/// every other panic as usual, so the models' output shows only real failures.
#[allow(dead_code)]
pub fn quiet_expected_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let payload = info.payload();
            let expected = payload.downcast_ref::<&str>() == Some(&EXPECTED_PANIC)
                || payload.downcast_ref::<String>().map(String::as_str) == Some(EXPECTED_PANIC);
            if !expected {
                default(info);
            }
        }));
    });
}

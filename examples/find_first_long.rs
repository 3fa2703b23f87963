//! `find_any` over items that take long: the items poll `cancelpool::checkpoint()`, so
//! once one piece finds the answer, the items still running elsewhere give up at once
//! instead of finishing their work (what rayon issue 1067 asks for).
//!
//! Run with `cargo run --release --example find_first_long`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use cancelpool::prelude::*;
use cancelpool::{CancelSource, Cancelled};

/// How long it takes to rule a candidate out.
const WORK: Duration = Duration::from_millis(200);
/// How long it takes to recognise the right one.
const HIT: Duration = Duration::from_millis(20);

/// Checks one candidate in small steps, polling the job's cancellation point between
/// them; `Err(Cancelled)` means someone else already found the answer.
fn expensive_check(candidate: u32, secret: u32) -> Result<bool, Cancelled> {
    let start = Instant::now();
    while start.elapsed() < WORK {
        cancelpool::checkpoint()?;
        if candidate == secret && start.elapsed() >= HIT {
            return Ok(true);
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    Ok(false)
}

fn main() {
    let candidates: Vec<u32> = (0..64).collect();
    // `find_any` is not `find_first`: every thread starts at the front of its own share,
    // and candidate 0 is among the first ones looked at. When it is recognised, the other
    // threads are in the middle of their own first candidates: they give up at once.
    let secret = 0;
    let started = AtomicUsize::new(0);
    let gave_up = AtomicUsize::new(0);

    let t0 = Instant::now();
    let found = candidates.par_iter().with_min_len(1).find_any(|&&c| {
        started.fetch_add(1, Ordering::Relaxed);
        match expensive_check(c, secret) {
            Ok(hit) => hit,
            Err(Cancelled) => {
                gave_up.fetch_add(1, Ordering::Relaxed);
                false
            }
        }
    });
    let elapsed = t0.elapsed();
    let started = started.into_inner();
    let gave_up = gave_up.into_inner();
    println!(
        "found {found:?} in {elapsed:?} on {} threads",
        cancelpool::current_num_threads()
    );
    println!(
        "{started} of {} candidates started; {gave_up} gave up at a checkpoint, {} ran to the end",
        candidates.len(),
        started - gave_up
    );
    println!(
        "checking every candidate sequentially would take {:?}",
        WORK * candidates.len() as u32
    );
    assert_eq!(found, Some(&secret));

    // The same search under an overall deadline: `with_cancel` turns the result into
    // `Result<_, Cancelled>`, and the deadline stops the items through the same checkpoint.
    let deadline = CancelSource::with_timeout(Duration::from_millis(300));
    let t0 = Instant::now();
    let result = candidates
        .par_iter()
        .with_min_len(1)
        .with_cancel(&deadline.token())
        .find_any(|&&c| expensive_check(c, u32::MAX).unwrap_or(false));
    println!(
        "search for a missing candidate with a 300 ms deadline: {result:?} after {:?}",
        t0.elapsed()
    );
    assert_eq!(result, Err(Cancelled));
}

//! `find_first` / `find_last` (`src/iter/find_first_last.rs`): the answer is the first
//! (last) match by position however the pieces interleave, and the call's child token is
//! cancelled only once the answer is decided, so an item that can still change the
//! answer never sees a cancel at its `checkpoint()`.
//!
//! Two workers; the model thread `install`s `(0..2).into_par_iter().with_max_len(1)`
//! driven into `find_first` (`find_last`): two pieces of one item each, which may run on
//! either worker, in either order or at once. Both items match, so both pieces race to
//! record their match in `best`; the item that decides the answer checks its checkpoint.
//!
//! Run: `scripts/loom.sh --test iter_find`. Each model is exhaustive under the preemption
//! bound named below (its default; `LOOM_MAX_PREEMPTIONS` overrides it). Figures: release
//! build, one test at a time, on the shared 2-core machine.
//!
//! | model | bound | executions | time |
//! |---|---|---|---|
//! | `find_first_is_the_first_match_and_the_first_item_is_not_cancelled` | 2 | 148,915 | 72 s |
//! | `find_last_is_the_last_match_and_the_last_item_is_not_cancelled` | 2 | 96,611 | 43 s |
//!
//! Mutants caught (applied by hand to the source, not kept): the stop token cancelled by
//! any piece that finds a match, not only by the one that decides the answer (the
//! `find_first` model: item 0 sees the cancel; the `find_last` model: item 1's piece
//! stops before it runs and the answer is item 0); `find_first` reducing right first
//! (the answer is item 1).
#![cfg(loom)]

mod pool_util;

use cancelpool::ThreadPoolBuilder;
use cancelpool::prelude::*;
use pool_util::model;

#[test]
fn find_first_is_the_first_match_and_the_first_item_is_not_cancelled() {
    model(
        "find_first_is_the_first_match_and_the_first_item_is_not_cancelled",
        Some(2),
        || {
            let pool = ThreadPoolBuilder::new().num_threads(2).build().unwrap();
            let found = pool.install(|| {
                (0..2usize)
                    .into_par_iter()
                    .with_max_len(1)
                    .find_first(|&i| {
                        if i == 0 {
                            // Item 1 may have matched already: the answer is still open.
                            assert!(cancelpool::checkpoint().is_ok(), "item 0 was cancelled");
                        }
                        true
                    })
            });
            assert_eq!(found, Some(0));
            pool.shutdown().unwrap();
        },
    );
}

#[test]
fn find_last_is_the_last_match_and_the_last_item_is_not_cancelled() {
    model(
        "find_last_is_the_last_match_and_the_last_item_is_not_cancelled",
        Some(2),
        || {
            let pool = ThreadPoolBuilder::new().num_threads(2).build().unwrap();
            let found = pool.install(|| {
                (0..2usize).into_par_iter().with_max_len(1).find_last(|&i| {
                    if i == 1 {
                        // Item 0 may have matched already: the answer is still open.
                        assert!(cancelpool::checkpoint().is_ok(), "item 1 was cancelled");
                    }
                    true
                })
            });
            assert_eq!(found, Some(1));
            pool.shutdown().unwrap();
        },
    );
}

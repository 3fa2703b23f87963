//! Token models: L1 (cancel racing a checkpoint loop), L5 (child creation racing parent
//! cancel), the unique winner of `cancel()`, and the atomicity of a subtree's cancel.
//!
//! Bounds (2 cores, release): every model here is exhaustive (no preemption bound)
//! except `subtree_cancel_races_root_cancel_tree_stays_atomic`, which is exhaustive up to
//! LOOM_MAX_PREEMPTIONS (default 3: 6.6k interleavings, ~2 s; 4: 36k, ~3 s; unbounded it
//! passes too, 2.2M interleavings in ~6 min, checked once). Whole file: ~10 s.
//!
//! Run: `RUSTFLAGS="--cfg loom" cargo test -p loom-tests --release --target-dir target/loom --test tokens`
#![cfg(loom)]

mod common;

use cancelpool::{CancelSource, Cancelled};
use common::{Published, model, model_exhaustive};
use loom::sync::Arc;
use loom::thread;

/// L1: a job polling `checkpoint()` in a loop observes a cancel made by another thread,
/// and then sees what the canceller wrote before `cancel()` (the flag is Release/Acquire).
#[test]
fn cancel_races_checkpoint_loop_is_observed() {
    model_exhaustive("cancel_races_checkpoint_loop_is_observed", || {
        let data = Arc::new(Published::new());
        let source = CancelSource::new();
        let token = source.token();
        let canceller = {
            let data = Arc::clone(&data);
            thread::spawn(move || {
                data.write(42);
                assert!(source.cancel(), "the only cancel call wins");
            })
        };
        while token.checkpoint().is_ok() {
            thread::yield_now(); // the loop's "work"; a checkpoint each round
        }
        assert_eq!(token.checkpoint(), Err(Cancelled));
        assert_eq!(
            data.read(),
            42,
            "the request publishes the canceller's writes"
        );
        canceller.join().unwrap();
    });
}

/// L5: a child created while its parent is being cancelled is cancelled: either it was
/// linked before the claim (and phase 1 cancels it) or it is born cancelled.
#[test]
fn child_creation_races_parent_cancel_child_is_cancelled() {
    model_exhaustive(
        "child_creation_races_parent_cancel_child_is_cancelled",
        || {
            let parent = CancelSource::new();
            let parent_token = parent.token();
            let maker = thread::spawn(move || {
                let child = CancelSource::child_of(&parent_token);
                let grandchild = CancelSource::child_of(&child.token());
                (child.token(), grandchild.token())
            });
            assert!(parent.cancel());
            assert!(parent.is_cancelled());
            let (child, grandchild) = maker.join().unwrap();
            assert!(
                child.is_cancelled(),
                "a child made during the cancel is cancelled"
            );
            assert!(grandchild.is_cancelled(), "and so is its own child");
            assert!(
                CancelSource::child_of(&child).is_cancelled(),
                "a child made after the cancel is born cancelled"
            );
        },
    );
}

/// L5, memory side: dropping the last handle of a child races its parent's cancel (the
/// child unlinks itself under the parent's lock, the canceller only takes references
/// under that lock). No deadlock, no double unlink, and the sibling is cancelled.
#[test]
fn child_drop_races_parent_cancel() {
    model_exhaustive("child_drop_races_parent_cancel", || {
        let parent = CancelSource::new();
        let doomed = CancelSource::child_of(&parent.token());
        let sibling = CancelSource::child_of(&parent.token()).token();
        let dropper = thread::spawn(move || drop(doomed));
        assert!(parent.cancel());
        dropper.join().unwrap();
        assert!(sibling.is_cancelled());
    });
}

/// C1: of two racing `cancel()` calls exactly one returns true, and each caller, winner
/// or not, finds the token cancelled when its call returns.
#[test]
fn cancel_winner_is_unique() {
    model_exhaustive("cancel_winner_is_unique", || {
        let source = CancelSource::new();
        let other = source.clone();
        let token = source.token();
        let rival = thread::spawn(move || {
            let won = other.cancel();
            assert!(other.is_cancelled(), "cancelled when cancel() returns");
            won
        });
        let won = source.cancel();
        assert!(token.is_cancelled(), "cancelled when cancel() returns");
        let rival_won = rival.join().unwrap();
        assert!(won != rival_won, "exactly one winner");
    });
}

/// C2 atomicity: an observer that reads the tree top-down never sees a node cancelled
/// and a descendant not cancelled, also while the subtree is cancelled by a racing call
/// (the root's canceller then waits for the subtree's flags, node invariant 3). Each
/// canceller finds the whole subtree of its node cancelled when its call returns.
#[test]
fn subtree_cancel_races_root_cancel_tree_stays_atomic() {
    model("subtree_cancel_races_root_cancel_tree_stays_atomic", || {
        let root = CancelSource::new();
        let mid = CancelSource::child_of(&root.token());
        let leaf = CancelSource::child_of(&mid.token()).token();
        let (root_t, mid_t) = (root.token(), mid.token());
        let root_canceller = {
            let (mid_t, leaf) = (mid_t.clone(), leaf.clone());
            thread::spawn(move || {
                assert!(root.cancel(), "nothing else cancels the root");
                assert!(mid_t.is_cancelled() && leaf.is_cancelled(), "subtree done");
            })
        };
        let mid_canceller = {
            let leaf = leaf.clone();
            thread::spawn(move || {
                let _won = mid.cancel(); // either call may claim `mid` first
                assert!(mid.is_cancelled() && leaf.is_cancelled(), "subtree done");
            })
        };
        let r = root_t.is_cancelled();
        let m = mid_t.is_cancelled();
        let l = leaf.is_cancelled();
        assert!(!r || m, "root cancelled => mid cancelled");
        assert!(!m || l, "mid cancelled => leaf cancelled");
        root_canceller.join().unwrap();
        mid_canceller.join().unwrap();
        assert!(root_t.is_cancelled() && mid_t.is_cancelled() && leaf.is_cancelled());
    });
}

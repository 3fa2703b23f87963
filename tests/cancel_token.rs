//! C1/C2: sources, tokens and the token tree, through the public API.

mod common;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Duration;

use cancelpool::{CancelCallback, CancelSource, CancelToken, Cancelled};

#[global_allocator]
static ALLOC: common::CountingAlloc = common::CountingAlloc;

// ---------------------------------------------------------------------------------------
// C1: one winner, handle shapes

#[test]
fn cancel_returns_true_only_for_the_call_that_made_the_request() {
    let source = CancelSource::new();
    let clone = source.clone();
    let token = source.token();
    assert!(!source.is_cancelled() && !clone.is_cancelled() && !token.is_cancelled());
    assert!(source.cancel(), "first call makes the request");
    assert!(!source.cancel(), "second call on the same handle");
    assert!(!clone.cancel(), "a clone shares the request");
    assert!(source.is_cancelled() && clone.is_cancelled() && token.is_cancelled());
    assert!(token.clone().is_cancelled());
    assert_eq!(token.checkpoint(), Err(Cancelled));
}

#[test]
fn a_child_cancelled_through_its_parent_reports_false_on_its_own_cancel() {
    let parent = CancelSource::new();
    let child = CancelSource::child_of(&parent.token());
    assert!(parent.cancel());
    assert!(
        !child.cancel(),
        "the parent's call made the child's request"
    );
    // The other way round: the child's own request does not stop the parent's.
    let parent = CancelSource::new();
    let child = CancelSource::child_of(&parent.token());
    assert!(child.cancel());
    assert!(parent.cancel());
}

#[test]
fn racing_cancels_from_four_threads_have_exactly_one_winner() {
    const THREADS: usize = 4;
    const ROUNDS: usize = common::scaled(300, 10);
    for round in 0..ROUNDS {
        let source = CancelSource::new();
        let barrier = Arc::new(Barrier::new(THREADS));
        let winners: usize = (0..THREADS)
            .map(|_| {
                let source = source.clone();
                let barrier = Arc::clone(&barrier);
                thread::spawn(move || {
                    barrier.wait();
                    source.cancel()
                })
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|h| usize::from(h.join().unwrap()))
            .sum();
        assert_eq!(winners, 1, "round {round}");
        assert!(source.token().is_cancelled());
    }
}

#[test]
fn racing_parent_and_child_cancels_each_node_has_exactly_one_winner() {
    // Each node is claimed once: the child's request is made by the child's own call
    // or by the parent's propagation, never by both.
    for round in 0..common::scaled(300, 10) {
        let parent = CancelSource::new();
        let child = CancelSource::child_of(&parent.token());
        let grandchild = CancelSource::child_of(&child.token());
        let barrier = Arc::new(Barrier::new(3));
        let spawn = |s: CancelSource| {
            let barrier = Arc::clone(&barrier);
            thread::spawn(move || {
                barrier.wait();
                s.cancel()
            })
        };
        let p = spawn(parent.clone());
        let c = spawn(child.clone());
        let g = spawn(grandchild.clone());
        assert!(
            p.join().unwrap(),
            "round {round}: nobody else claims the root"
        );
        c.join().unwrap();
        g.join().unwrap();
        assert!(parent.is_cancelled() && child.is_cancelled() && grandchild.is_cancelled());
        assert!(!child.cancel() && !grandchild.cancel());
    }
}

#[test]
fn token_is_one_pointer_wide() {
    assert_eq!(
        std::mem::size_of::<CancelToken>(),
        std::mem::size_of::<usize>()
    );
    assert_eq!(
        std::mem::size_of::<CancelToken>(),
        std::mem::size_of::<*const ()>()
    );
}

#[test]
fn handles_are_send_sync_clone() {
    fn send_sync_clone<T: Send + Sync + Clone + 'static>() {}
    fn send_sync<T: Send + Sync + 'static>() {}
    fn small_error<T: std::error::Error + Copy + Send + Sync + 'static>() {}
    send_sync_clone::<CancelSource>();
    send_sync_clone::<CancelToken>();
    // A callback guard may be dropped on another thread (C7).
    send_sync::<CancelCallback>();
    small_error::<Cancelled>();
    assert!(std::mem::size_of::<Cancelled>() <= std::mem::size_of::<usize>());
}

#[test]
fn never_token_and_default_handles() {
    let never = CancelToken::never();
    assert!(!never.is_cancelled());
    assert_eq!(never.checkpoint(), Ok(()));
    assert!(!CancelToken::default().is_cancelled());
    assert_eq!(never.wait_cancelled(Duration::from_millis(1)), Ok(()));
    // A child of the never-cancelled token is an independent root.
    let child = CancelSource::child_of(&never);
    assert!(!child.is_cancelled());
    assert!(child.cancel());
    assert!(!never.is_cancelled());
    let default = CancelSource::default();
    assert!(!default.is_cancelled());
    assert!(default.cancel());
}

#[test]
fn tokens_outlive_their_source_and_sources_outlive_their_tokens() {
    let source = CancelSource::new();
    let token = source.token();
    drop(source);
    assert!(!token.is_cancelled());
    let source = CancelSource::new();
    drop(source.token());
    assert!(source.cancel());
}

// ---------------------------------------------------------------------------------------
// C2: the tree

#[test]
fn parent_cancel_reaches_every_node_of_a_deep_chain() {
    const DEPTH: usize = common::scaled(10_000, 300);
    // A small stack: creating, cancelling and dropping the chain must not recurse.
    let run = || {
        let mut chain: Vec<CancelSource> = Vec::with_capacity(DEPTH);
        chain.push(CancelSource::new());
        for i in 1..DEPTH {
            let child = CancelSource::child_of(&chain[i - 1].token());
            chain.push(child);
        }
        let leaf = chain[DEPTH - 1].token();
        assert!(!leaf.is_cancelled());
        assert!(chain[0].cancel());
        assert!(chain.iter().all(CancelSource::is_cancelled));
        assert_eq!(leaf.checkpoint(), Err(Cancelled));
        // Root first: the leaf token is the last handle, and releasing it frees the
        // whole chain, 10_000 nodes, from this thread.
        drop(chain);
        drop(leaf);

        // A chain that is never cancelled, dropped leaf-last as well.
        let mut tokens = vec![CancelSource::new().token()];
        for i in 1..DEPTH {
            let child = CancelSource::child_of(&tokens[i - 1]).token();
            tokens.push(child);
        }
        drop(tokens);
    };
    thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(run)
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn cancelling_the_middle_of_a_chain_leaves_the_part_above_alone() {
    let chain: Vec<CancelSource> = {
        let mut v = vec![CancelSource::new()];
        for i in 1..100 {
            let c = CancelSource::child_of(&v[i - 1].token());
            v.push(c);
        }
        v
    };
    assert!(chain[50].cancel());
    assert!(chain[..50].iter().all(|s| !s.is_cancelled()));
    assert!(chain[50..].iter().all(CancelSource::is_cancelled));
    assert!(chain[0].cancel());
    assert!(chain.iter().all(CancelSource::is_cancelled));
}

#[test]
fn parent_cancel_reaches_every_node_of_a_wide_fan_out() {
    const WIDTH: usize = common::scaled(1_000, 100);
    let root = CancelSource::new();
    let children: Vec<CancelSource> = (0..WIDTH)
        .map(|_| CancelSource::child_of(&root.token()))
        .collect();
    let grandchildren: Vec<CancelToken> = children
        .iter()
        .step_by(10)
        .flat_map(|c| {
            [
                CancelSource::child_of(&c.token()).token(),
                CancelSource::child_of(&c.token()).token(),
            ]
        })
        .collect();
    assert!(children.iter().all(|c| !c.is_cancelled()));
    assert!(root.cancel());
    assert!(children.iter().all(CancelSource::is_cancelled));
    assert!(grandchildren.iter().all(CancelToken::is_cancelled));
    assert!(
        children.iter().all(|c| !c.cancel()),
        "every child was claimed by the root's call"
    );
}

#[test]
fn child_cancel_never_touches_parent_or_siblings() {
    let root = CancelSource::new();
    let a = CancelSource::child_of(&root.token());
    let b = CancelSource::child_of(&root.token());
    let a1 = CancelSource::child_of(&a.token());
    let b1 = CancelSource::child_of(&b.token());
    assert!(a.cancel());
    assert!(a.is_cancelled() && a1.is_cancelled());
    assert!(!root.is_cancelled(), "parent untouched");
    assert!(
        !b.is_cancelled() && !b1.is_cancelled(),
        "sibling subtree untouched"
    );
    assert_eq!(root.token().checkpoint(), Ok(()));
    // New children of the untouched parent are born live.
    assert!(!CancelSource::child_of(&root.token()).is_cancelled());
    assert!(b1.cancel());
    assert!(!b.is_cancelled());
}

#[test]
fn child_of_a_cancelled_parent_is_born_cancelled() {
    let parent = CancelSource::new();
    parent.cancel();
    let child = CancelSource::child_of(&parent.token());
    assert!(child.is_cancelled() && child.token().is_cancelled());
    assert!(!child.cancel(), "the request was already made");
    let grandchild = CancelSource::child_of(&child.token());
    assert!(grandchild.is_cancelled());
    // A callback on a born-cancelled token runs at once.
    let ran = Arc::new(AtomicBool::new(false));
    let r = Arc::clone(&ran);
    let guard = grandchild
        .token()
        .on_cancel(move || r.store(true, Ordering::SeqCst));
    assert!(ran.load(Ordering::SeqCst));
    assert!(!guard.is_registered());
}

#[test]
fn child_created_while_parent_is_cancelled_concurrently_is_cancelled() {
    // C2 / L5: whichever wins, a child made from the parent's token ends up cancelled.
    for round in 0..common::scaled(500, 20) {
        let parent = CancelSource::new();
        let token = parent.token();
        let barrier = Arc::new(Barrier::new(2));
        let b = Arc::clone(&barrier);
        let canceller = thread::spawn(move || {
            b.wait();
            parent.cancel()
        });
        barrier.wait();
        let children: Vec<CancelSource> = (0..8).map(|_| CancelSource::child_of(&token)).collect();
        assert!(canceller.join().unwrap());
        assert!(
            children.iter().all(CancelSource::is_cancelled),
            "round {round}: a child escaped its parent's cancel"
        );
    }
}

/// A small tree: every node's token with the indices of its whole subtree.
struct Tree {
    sources: Vec<CancelSource>,
    tokens: Vec<CancelToken>,
    /// `subtree[i]`: indices of all strict descendants of node `i`.
    subtree: Vec<Vec<usize>>,
}

impl Tree {
    /// Root 0, `fanout` children per node, `depth` levels below the root.
    fn new(fanout: usize, depth: usize) -> Tree {
        let mut sources = vec![CancelSource::new()];
        let mut parents = vec![usize::MAX];
        let mut level = vec![0usize];
        for _ in 0..depth {
            let mut next = Vec::new();
            for &p in &level {
                for _ in 0..fanout {
                    let child = CancelSource::child_of(&sources[p].token());
                    sources.push(child);
                    parents.push(p);
                    next.push(sources.len() - 1);
                }
            }
            level = next;
        }
        let mut subtree = vec![Vec::new(); sources.len()];
        for i in 1..sources.len() {
            let mut p = parents[i];
            while p != usize::MAX {
                subtree[p].push(i);
                p = parents[p];
            }
        }
        let tokens = sources.iter().map(CancelSource::token).collect();
        Tree {
            sources,
            tokens,
            subtree,
        }
    }

    /// Checks, node by node, that a node seen cancelled has its whole subtree cancelled.
    fn check_atomic(&self) -> bool {
        let mut all = true;
        for (i, token) in self.tokens.iter().enumerate() {
            if token.is_cancelled() {
                for &d in &self.subtree[i] {
                    assert!(
                        self.tokens[d].is_cancelled(),
                        "node {i} is cancelled but its descendant {d} is not"
                    );
                }
            } else {
                all = false;
            }
        }
        all
    }
}

#[test]
fn observers_that_see_a_parent_cancelled_see_every_descendant_cancelled() {
    const OBSERVERS: usize = 2;
    const ROUNDS: usize = common::scaled(150, 3);
    const MAX_SPINS: usize = common::scaled(100_000, 20);
    for _ in 0..ROUNDS {
        let tree = Arc::new(Tree::new(4, 3)); // 1 + 4 + 16 + 64 nodes
        let barrier = Arc::new(Barrier::new(OBSERVERS + 2));
        let observers: Vec<_> = (0..OBSERVERS)
            .map(|_| {
                let tree = Arc::clone(&tree);
                let barrier = Arc::clone(&barrier);
                thread::spawn(move || {
                    barrier.wait();
                    let mut spins = 0;
                    while !tree.check_atomic() && spins < MAX_SPINS {
                        spins += 1;
                    }
                })
            })
            .collect();
        // A middle node is cancelled concurrently with the root.
        let middle = {
            let tree = Arc::clone(&tree);
            let barrier = Arc::clone(&barrier);
            thread::spawn(move || {
                barrier.wait();
                tree.sources[2].cancel();
            })
        };
        barrier.wait();
        assert!(tree.sources[0].cancel());
        middle.join().unwrap();
        for o in observers {
            o.join().unwrap();
        }
        assert!(tree.check_atomic(), "everything is cancelled at the end");
    }
}

#[test]
fn a_child_token_outliving_its_source_is_still_cancelled_by_the_parent() {
    let parent = CancelSource::new();
    let child_token = CancelSource::child_of(&parent.token()).token();
    parent.cancel();
    assert!(child_token.is_cancelled());
}

#[test]
fn dropping_children_does_not_leak_their_registrations() {
    const CHURN: usize = common::scaled(100_000, 300);
    let parent = CancelSource::new();
    let token = parent.token();
    // Warm up: the parent's registry reaches its steady size.
    for _ in 0..16 {
        drop(CancelSource::child_of(&token));
    }
    let kept_before = CancelSource::child_of(&token);
    let before = common::net_bytes_on_this_thread();
    for _ in 0..CHURN {
        let child = CancelSource::child_of(&token);
        let grandchild = CancelSource::child_of(&child.token());
        drop(child);
        drop(grandchild);
    }
    let growth = common::net_bytes_on_this_thread() - before;
    assert!(
        growth <= 1024,
        "{CHURN} created-and-dropped children left {growth} bytes behind"
    );
    // The registry still works after the churn: live children are cancelled, and
    // the parent's cancel does not walk over 100k dead entries.
    let kept_after = CancelSource::child_of(&token);
    let cancel_took = common::within(Duration::from_secs(10), "parent cancel", move || {
        parent.cancel()
    });
    assert!(cancel_took);
    assert!(kept_before.is_cancelled() && kept_after.is_cancelled());
}

#[test]
fn children_kept_alive_through_churn_are_all_cancelled() {
    // Slots of dropped children are reused; a stale registration must neither unlink a
    // live child nor be cancelled in its place.
    let parent = CancelSource::new();
    let token = parent.token();
    let mut kept = Vec::new();
    for i in 0..common::scaled(20_000, 500) {
        let child = CancelSource::child_of(&token);
        if i % 97 == 0 {
            kept.push(child.token());
        }
    }
    // Dropping a kept child's handles after others reused slots around it.
    let dropped_early: Vec<CancelToken> = kept.drain(..kept.len() / 2).collect();
    drop(dropped_early);
    assert!(parent.cancel());
    assert!(!kept.is_empty());
    assert!(kept.iter().all(CancelToken::is_cancelled));
}

#[test]
fn dropping_children_after_the_parent_is_cancelled_is_fine() {
    let parent = CancelSource::new();
    let children: Vec<CancelSource> = (0..100)
        .map(|_| CancelSource::child_of(&parent.token()))
        .collect();
    parent.cancel();
    drop(children);
    // And dropping the parent before its children.
    let parent = CancelSource::new();
    let children: Vec<CancelToken> = (0..100)
        .map(|_| CancelSource::child_of(&parent.token()).token())
        .collect();
    drop(parent);
    assert!(children.iter().all(|c| !c.is_cancelled()));
}

#[test]
fn concurrent_child_churn_and_parent_cancel() {
    // Children are created and dropped on several threads while the parent is
    // cancelled: no crash, and every child alive after the cancel is cancelled.
    for _ in 0..common::scaled(50, 3) {
        let parent = CancelSource::new();
        let barrier = Arc::new(Barrier::new(4));
        let seen_live_after = Arc::new(AtomicUsize::new(0));
        let workers: Vec<_> = (0..3)
            .map(|_| {
                let token = parent.token();
                let barrier = Arc::clone(&barrier);
                let seen = Arc::clone(&seen_live_after);
                thread::spawn(move || {
                    barrier.wait();
                    for _ in 0..common::scaled(500, 30) {
                        let was = token.is_cancelled();
                        let child = CancelSource::child_of(&token);
                        let grandchild = CancelSource::child_of(&child.token());
                        if was && !(child.is_cancelled() && grandchild.is_cancelled()) {
                            seen.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                })
            })
            .collect();
        barrier.wait();
        parent.cancel();
        for w in workers {
            w.join().unwrap();
        }
        assert_eq!(seen_live_after.load(Ordering::SeqCst), 0);
    }
}

// ---------------------------------------------------------------------------------------
// Debug

#[test]
fn debug_impls_show_the_state() {
    let source = CancelSource::new();
    let token = source.token();
    let guard = token.on_cancel(|| {});
    assert_eq!(format!("{source:?}"), "CancelSource { cancelled: false }");
    assert_eq!(format!("{token:?}"), "CancelToken { cancelled: false }");
    assert_eq!(format!("{guard:?}"), "CancelCallback { registered: true }");
    source.cancel();
    assert_eq!(format!("{source:?}"), "CancelSource { cancelled: true }");
    assert_eq!(format!("{token:?}"), "CancelToken { cancelled: true }");
    assert_eq!(format!("{guard:?}"), "CancelCallback { registered: false }");
    assert_eq!(format!("{:?}", CancelToken::never()), "CancelToken(never)");
    assert_eq!(format!("{Cancelled:?}"), "Cancelled");
    assert_eq!(Cancelled.to_string(), "the job was cancelled");
    let outer = cancelpool::disable_cancel();
    let inner = token.disable();
    assert_eq!(format!("{inner:?}"), "DisableGuard { depth: 2 }");
    drop(inner);
    assert_eq!(format!("{outer:?}"), "DisableGuard { depth: 1 }");
}

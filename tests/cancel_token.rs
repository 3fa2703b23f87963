//! C1/C2: sources, tokens and the token tree, through the public API.

mod common;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Duration;

use cancelpool::{CancelCallback, CancelCause, CancelSource, CancelToken, Cancelled};

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

// ---------------------------------------------------------------------------------------
// Causes: why a token was cancelled

#[derive(Debug)]
struct ClientGone;

impl std::fmt::Display for ClientGone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the client closed the connection")
    }
}

impl std::error::Error for ClientGone {}

#[test]
fn the_cause_is_none_until_cancelled_then_the_requests() {
    let source = CancelSource::new();
    let token = source.token();
    assert_eq!(token.cause(), None);
    assert_eq!(source.cause(), None);
    assert_eq!(CancelToken::never().cause(), None);
    source.cancel();
    assert_eq!(token.cause(), Some(CancelCause::Requested));
    assert_eq!(source.cause(), Some(CancelCause::Requested));
}

#[test]
fn a_user_cause_is_reported_and_downcast() {
    let source = CancelSource::new();
    assert!(source.cancel_with(CancelCause::user(ClientGone)));
    let cause = source.token().cause().expect("cancelled");
    assert!(matches!(cause, CancelCause::User(_)));
    assert!(cause.downcast_ref::<ClientGone>().is_some());
    assert!(cause.downcast_ref::<std::io::Error>().is_none());
    assert_eq!(cause.to_string(), "the client closed the connection");
    let source_err = std::error::Error::source(&cause).expect("the user's error");
    assert!(source_err.is::<ClientGone>());
    // Clones share the error; two separately made user causes differ.
    assert_eq!(cause.clone(), cause);
    assert_ne!(CancelCause::user(ClientGone), CancelCause::user(ClientGone));
}

#[test]
fn causes_display_a_sentence_and_compare_by_kind() {
    assert_eq!(
        CancelCause::Requested.to_string(),
        "cancellation was requested"
    );
    assert_eq!(
        CancelCause::DeadlineExceeded.to_string(),
        "the deadline passed"
    );
    assert_eq!(CancelCause::Shutdown.to_string(), "the pool shut down");
    assert_eq!(CancelCause::Signal(15).to_string(), "signal 15 arrived");
    assert_eq!(CancelCause::Signal(2), CancelCause::Signal(2));
    assert_ne!(CancelCause::Signal(2), CancelCause::Signal(15));
    assert_ne!(CancelCause::Requested, CancelCause::Shutdown);
    assert_eq!(format!("{:?}", CancelCause::Signal(2)), "Signal(2)");
    assert!(format!("{:?}", CancelCause::user("gone")).starts_with("User("));
}

#[test]
fn the_first_cancel_wins_and_keeps_its_cause() {
    let source = CancelSource::new();
    assert!(source.cancel_with(CancelCause::DeadlineExceeded));
    assert!(!source.cancel_with(CancelCause::user(ClientGone)));
    assert!(!source.cancel());
    assert_eq!(source.cause(), Some(CancelCause::DeadlineExceeded));
}

#[test]
fn racing_cancels_with_different_causes_report_the_winners() {
    for _ in 0..200 {
        let source = CancelSource::new();
        let barrier = Arc::new(Barrier::new(4));
        let causes = [
            CancelCause::Requested,
            CancelCause::DeadlineExceeded,
            CancelCause::Shutdown,
            CancelCause::Signal(2),
        ];
        let threads: Vec<_> = causes
            .into_iter()
            .map(|cause| {
                let source = source.clone();
                let barrier = Arc::clone(&barrier);
                thread::spawn(move || {
                    barrier.wait();
                    let won = source.cancel_with(cause.clone());
                    // Every call returns after the request is visible, winner or not.
                    assert!(source.cause().is_some());
                    won.then_some(cause)
                })
            })
            .collect();
        let winners: Vec<CancelCause> = threads
            .into_iter()
            .filter_map(|t| t.join().unwrap())
            .collect();
        assert_eq!(winners.len(), 1);
        assert_eq!(source.cause().as_ref(), winners.first());
    }
}

#[test]
fn descendants_report_the_cause_of_the_ancestor_that_was_cancelled() {
    let root = CancelSource::new();
    let child = root.child_token();
    let grandchild = child.child_token();
    let great = CancelSource::child_of(&grandchild.token());
    let user = CancelCause::user(ClientGone);
    assert!(child.cancel_with(user.clone()));
    for token in [child.token(), grandchild.token(), great.token()] {
        assert_eq!(token.cause(), Some(user.clone()));
    }
    assert_eq!(
        root.cause(),
        None,
        "a child's cancel never touches its parent"
    );
    // A node cancelled first by its own request keeps that cause when the root follows.
    let other = root.child_token();
    other.cancel_with(CancelCause::Signal(15));
    root.cancel();
    assert_eq!(other.cause(), Some(CancelCause::Signal(15)));
    assert_eq!(
        child.cause(),
        Some(user),
        "the first request wins in the subtree too"
    );
    assert_eq!(root.cause(), Some(CancelCause::Requested));
}

#[test]
fn a_child_born_cancelled_reports_its_parents_cause() {
    let parent = CancelSource::new();
    parent.cancel_with(CancelCause::DeadlineExceeded);
    let child = CancelSource::child_of(&parent.token());
    assert!(child.is_cancelled());
    assert_eq!(child.cause(), Some(CancelCause::DeadlineExceeded));
    assert!(!child.cancel_with(CancelCause::Requested));
    assert_eq!(
        child.child_token().cause(),
        Some(CancelCause::DeadlineExceeded)
    );
}

#[test]
fn reading_the_cause_of_a_deep_chain_walks_up_to_the_request() {
    let root = CancelSource::new();
    let mut chain = vec![root.token()];
    for _ in 0..10_000 {
        let next = CancelSource::child_of(chain.last().unwrap()).token();
        chain.push(next);
    }
    root.cancel_with(CancelCause::Shutdown);
    assert_eq!(chain.last().unwrap().cause(), Some(CancelCause::Shutdown));
    // Dropped leaf first, as everywhere (no recursion on drop).
    while chain.pop().is_some() {}
}

#[test]
fn pool_shutdown_reports_shutdown_to_running_jobs() {
    let pool = cancelpool::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let job = pool.submit(move |token| {
        tx.send(token.clone()).unwrap();
        token.wait_cancelled(None)?;
        Ok::<(), cancelpool::JobFailure>(())
    });
    let token = rx.recv().unwrap();
    assert_eq!(pool.token().cause(), None);
    drop(pool); // = shutdown_now
    assert_eq!(token.cause(), Some(CancelCause::Shutdown));
    assert!(job.join().unwrap_err().is_cancelled());
}

#[test]
fn a_handle_cancel_and_cancel_all_report_requested() {
    let pool = cancelpool::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let job = pool.submit(|token| {
        token.wait_cancelled(None)?;
        Ok::<(), cancelpool::JobFailure>(())
    });
    let token = job.token();
    job.cancel();
    assert_eq!(token.cause(), Some(CancelCause::Requested));
    let _ = job.join();
    pool.cancel_all();
    assert_eq!(pool.token().cause(), Some(CancelCause::Requested));
    pool.shutdown_now();
    assert_eq!(
        pool.token().cause(),
        Some(CancelCause::Requested),
        "the first request wins over the shutdown's"
    );
}

// ---------------------------------------------------------------------------------------
// tokio-util's conveniences: child_token, drop guards, equality

#[test]
fn child_token_is_a_cancellable_child() {
    let parent = CancelSource::new();
    let child = parent.token().child_token();
    let sibling = parent.child_token(); // a source is a token too
    child.cancel();
    assert!(child.is_cancelled());
    assert!(!parent.is_cancelled() && !sibling.is_cancelled());
    parent.cancel();
    assert!(sibling.is_cancelled());
    assert_ne!(child, sibling);
    assert_ne!(child.token(), parent.token());
}

#[test]
fn tokens_and_sources_are_equal_when_they_share_a_node() {
    use std::collections::HashSet;
    let a = CancelSource::new();
    let b = CancelSource::new();
    assert_eq!(a, a.clone());
    assert_ne!(a, b);
    assert_eq!(a.token(), a.token());
    assert_eq!(a.token(), a.clone().token());
    assert_ne!(a.token(), b.token());
    assert_eq!(*a, a.token(), "a source dereferences to its token");
    assert_eq!(CancelToken::never(), CancelToken::default());
    assert_ne!(CancelToken::never(), a.token());
    let set: HashSet<CancelToken> = [a.token(), a.token(), b.token(), CancelToken::never()]
        .into_iter()
        .collect();
    assert_eq!(set.len(), 3);
    let sources: HashSet<CancelSource> = [a.clone(), a.clone(), b.clone()].into_iter().collect();
    assert_eq!(sources.len(), 2);
}

#[test]
fn a_source_does_what_a_token_does() {
    let source = CancelSource::new();
    assert!(source.checkpoint().is_ok());
    assert_eq!(source.wait_cancelled(Duration::from_millis(1)), Ok(()));
    source.cancel();
    assert_eq!(source.checkpoint(), Err(Cancelled));
    let child = CancelSource::child_of(&source);
    assert!(child.is_cancelled());
}

#[test]
fn a_drop_guard_cancels_on_drop_also_when_unwinding() {
    let source = CancelSource::new();
    let token = source.token();
    let guard = source.clone().drop_guard();
    assert_eq!(guard.token(), &token);
    drop(guard);
    assert_eq!(token.cause(), Some(CancelCause::Requested));

    common::quiet_expected_panics();
    let source = CancelSource::new();
    let token = source.token();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
        let _guard = source.drop_guard();
        panic!("{}", common::EXPECTED);
    }));
    assert!(result.is_err());
    assert!(token.is_cancelled(), "the guard cancelled while unwinding");
}

#[test]
fn a_disarmed_drop_guard_gives_the_source_back_uncancelled() {
    let source = CancelSource::new();
    let token = source.token();
    let back = source.drop_guard().disarm();
    drop(back);
    assert!(!token.is_cancelled());

    let source = CancelSource::new();
    let guard = source.drop_guard_ref();
    assert_eq!(guard.token(), &source.token());
    assert_eq!(guard.disarm(), &source);
    assert!(!source.is_cancelled());
    drop(source.drop_guard_ref());
    assert!(source.is_cancelled());
}

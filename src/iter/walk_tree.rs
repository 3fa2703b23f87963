//! `walk_tree_prefix`, `walk_tree_postfix` and `walk_tree`: parallel iterators over the
//! nodes of a tree given by its root and a function from a node to its children.
//!
//! # How a walk splits
//!
//! A producer holds some whole subtrees still to walk and some nodes already visited
//! whose place in the order is fixed. To split, it first expands a lone subtree (its
//! root becomes a visited node, its children the subtrees) until it has two or more
//! subtrees or none, then gives the later half of its subtrees to a new producer; with
//! no subtrees, it splits its visited nodes instead. In prefix order the visited nodes
//! come before every subtree of the producer, so they stay on the left; in postfix order
//! they come after every subtree, so they go right with the later subtrees (and are
//! emitted deepest first). Consumers that keep order (`collect`) therefore see exactly
//! the sequential prefix or postfix order, whatever the splits.
//!
//! A piece walks its subtrees with an explicit stack, so deep trees do not grow the
//! thread's stack.

use std::mem;

use super::ParallelIterator;
use super::plumbing::{Folder, UnindexedConsumer, UnindexedProducer, bridge_unindexed};

/// How many nodes a split expands, at most, while looking for two subtrees: a bound for
/// trees that are long chains.
const EXPAND_LIMIT: usize = 1024;

/// The nodes of the tree under `root`, parents before their children and children in
/// the order `children_of` gives them (depth-first prefix order), when collected in
/// order. Subtrees are walked in parallel.
///
/// # Example
///
/// ```
/// use cancelpool::iter::walk_tree_prefix;
/// use cancelpool::prelude::*;
///
/// // The tree 4 -> [2 -> [1, 3], 6 -> [5, 7]]: a node n has children n ± step.
/// let nodes: Vec<u32> = walk_tree_prefix((4, 2), |&(n, step)| {
///     if step == 0 { vec![] } else { vec![(n - step, step / 2), (n + step, step / 2)] }
/// })
/// .map(|(n, _)| n)
/// .collect();
/// assert_eq!(nodes, [4, 2, 1, 3, 6, 5, 7]);
/// ```
pub fn walk_tree_prefix<S, B, I>(root: S, children_of: B) -> WalkTreePrefix<S, B>
where
    S: Send,
    B: Fn(&S) -> I + Send + Sync,
    I: IntoIterator<Item = S, IntoIter: DoubleEndedIterator>,
{
    WalkTreePrefix {
        initial_state: root,
        children_of,
    }
}

/// The parallel iterator made by [`walk_tree_prefix()`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let walk: cancelpool::iter::WalkTreePrefix<u8, _> =
///     cancelpool::iter::walk_tree_prefix(1u8, |&n| if n < 4 { vec![2 * n, 2 * n + 1] } else { vec![] });
/// assert_eq!(walk.collect::<Vec<_>>(), [1, 2, 4, 5, 3, 6, 7]);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Debug)]
pub struct WalkTreePrefix<S, B> {
    initial_state: S,
    children_of: B,
}

impl<S, B, I> ParallelIterator for WalkTreePrefix<S, B>
where
    S: Send,
    B: Fn(&S) -> I + Send + Sync,
    I: IntoIterator<Item = S, IntoIter: DoubleEndedIterator>,
{
    type Item = S;

    fn drive_unindexed<C: UnindexedConsumer<S>>(self, consumer: C) -> C::Result {
        let producer = PrefixProducer {
            visited: Vec::new(),
            subtrees: vec![self.initial_state],
            children_of: &self.children_of,
        };
        bridge_unindexed(producer, consumer)
    }
}

/// A piece of a prefix walk: `visited` nodes (in order), then the `subtrees`, kept as a
/// stack whose top is the earliest.
struct PrefixProducer<'b, S, B> {
    visited: Vec<S>,
    subtrees: Vec<S>,
    children_of: &'b B,
}

impl<S, B, I> PrefixProducer<'_, S, B>
where
    B: Fn(&S) -> I,
    I: IntoIterator<Item = S, IntoIter: DoubleEndedIterator>,
{
    /// Pushes `node`'s children so that the first one is on top.
    fn push_children(&mut self, node: &S) {
        self.subtrees
            .extend((self.children_of)(node).into_iter().rev());
    }
}

impl<S, B, I> UnindexedProducer for PrefixProducer<'_, S, B>
where
    S: Send,
    B: Fn(&S) -> I + Send + Sync,
    I: IntoIterator<Item = S, IntoIter: DoubleEndedIterator>,
{
    type Item = S;

    fn split(mut self) -> (Self, Option<Self>) {
        for _ in 0..EXPAND_LIMIT {
            if self.subtrees.len() != 1 {
                break;
            }
            if let Some(node) = self.subtrees.pop() {
                self.push_children(&node);
                self.visited.push(node);
            }
        }
        let children_of = self.children_of;
        if self.subtrees.len() >= 2 {
            // The bottom of the stack holds the later subtrees: they go right.
            let earlier = self.subtrees.split_off(self.subtrees.len() / 2);
            let later = mem::replace(&mut self.subtrees, earlier);
            let right = PrefixProducer {
                visited: Vec::new(),
                subtrees: later,
                children_of,
            };
            (self, Some(right))
        } else if self.subtrees.is_empty() && self.visited.len() >= 2 {
            let later = self.visited.split_off(self.visited.len() / 2);
            let right = PrefixProducer {
                visited: later,
                subtrees: Vec::new(),
                children_of,
            };
            (self, Some(right))
        } else {
            (self, None)
        }
    }

    fn fold_with<F: Folder<S>>(mut self, mut folder: F) -> F {
        folder = folder.consume_iter(mem::take(&mut self.visited));
        while let Some(node) = self.subtrees.pop() {
            if folder.full() {
                break;
            }
            self.push_children(&node);
            folder = folder.consume(node);
        }
        folder
    }
}

/// The nodes of the tree under `root`, children (in the order `children_of` gives them)
/// before their parent (depth-first postfix order), when collected in order. Subtrees
/// are walked in parallel.
///
/// # Example
///
/// ```
/// use cancelpool::iter::walk_tree_postfix;
/// use cancelpool::prelude::*;
///
/// let nodes: Vec<u32> = walk_tree_postfix((4, 2), |&(n, step)| {
///     if step == 0 { vec![] } else { vec![(n - step, step / 2), (n + step, step / 2)] }
/// })
/// .map(|(n, _)| n)
/// .collect();
/// assert_eq!(nodes, [1, 3, 2, 5, 7, 6, 4]);
/// ```
pub fn walk_tree_postfix<S, B, I>(root: S, children_of: B) -> WalkTreePostfix<S, B>
where
    S: Send,
    B: Fn(&S) -> I + Send + Sync,
    I: IntoIterator<Item = S>,
{
    WalkTreePostfix {
        initial_state: root,
        children_of,
    }
}

/// The parallel iterator made by [`walk_tree_postfix()`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let walk: cancelpool::iter::WalkTreePostfix<u8, _> =
///     cancelpool::iter::walk_tree_postfix(1u8, |&n| if n < 4 { vec![2 * n, 2 * n + 1] } else { vec![] });
/// assert_eq!(walk.collect::<Vec<_>>(), [4, 5, 2, 6, 7, 3, 1]);
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Debug)]
pub struct WalkTreePostfix<S, B> {
    initial_state: S,
    children_of: B,
}

impl<S, B, I> ParallelIterator for WalkTreePostfix<S, B>
where
    S: Send,
    B: Fn(&S) -> I + Send + Sync,
    I: IntoIterator<Item = S>,
{
    type Item = S;

    fn drive_unindexed<C: UnindexedConsumer<S>>(self, consumer: C) -> C::Result {
        let producer = PostfixProducer {
            subtrees: vec![self.initial_state],
            ancestors: Vec::new(),
            children_of: &self.children_of,
        };
        bridge_unindexed(producer, consumer)
    }
}

/// A piece of a postfix walk: the `subtrees` in order, then the `ancestors` (visited
/// nodes, kept top-down and emitted bottom-up).
struct PostfixProducer<'b, S, B> {
    subtrees: Vec<S>,
    ancestors: Vec<S>,
    children_of: &'b B,
}

impl<S, B, I> UnindexedProducer for PostfixProducer<'_, S, B>
where
    S: Send,
    B: Fn(&S) -> I + Send + Sync,
    I: IntoIterator<Item = S>,
{
    type Item = S;

    fn split(mut self) -> (Self, Option<Self>) {
        for _ in 0..EXPAND_LIMIT {
            if self.subtrees.len() != 1 {
                break;
            }
            if let Some(node) = self.subtrees.pop() {
                self.subtrees.extend((self.children_of)(&node));
                self.ancestors.push(node);
            }
        }
        let children_of = self.children_of;
        if self.subtrees.len() >= 2 {
            // The later subtrees and every ancestor (which follow them) go right.
            let right = PostfixProducer {
                subtrees: self.subtrees.split_off(self.subtrees.len() / 2),
                ancestors: mem::take(&mut self.ancestors),
                children_of,
            };
            (self, Some(right))
        } else if self.subtrees.is_empty() && self.ancestors.len() >= 2 {
            // Emitted deepest first: the deeper half stays left.
            let deeper = self.ancestors.split_off(self.ancestors.len() / 2);
            let upper = mem::replace(&mut self.ancestors, deeper);
            let right = PostfixProducer {
                subtrees: Vec::new(),
                ancestors: upper,
                children_of,
            };
            (self, Some(right))
        } else {
            (self, None)
        }
    }

    fn fold_with<F: Folder<S>>(self, mut folder: F) -> F {
        for root in self.subtrees {
            folder = fold_postfix(self.children_of, root, folder);
            if folder.full() {
                return folder;
            }
        }
        folder.consume_iter(self.ancestors.into_iter().rev())
    }
}

/// Feeds the subtree under `root` to `folder` in postfix order, with a stack of nodes
/// and their remaining children instead of recursion.
fn fold_postfix<S, B, I, F>(children_of: &B, root: S, mut folder: F) -> F
where
    B: Fn(&S) -> I,
    I: IntoIterator<Item = S>,
    F: Folder<S>,
{
    let children = children_of(&root).into_iter();
    let mut stack = vec![(root, children)];
    while let Some((_, children)) = stack.last_mut() {
        if let Some(child) = children.next() {
            let grandchildren = children_of(&child).into_iter();
            stack.push((child, grandchildren));
        } else if let Some((node, _)) = stack.pop() {
            folder = folder.consume(node);
            if folder.full() {
                break;
            }
        }
    }
    folder
}

/// The nodes of the tree under `root`, in no particular order: use it when order does
/// not matter, and [`walk_tree_prefix`] or [`walk_tree_postfix`] when it does. Subtrees
/// are walked in parallel.
///
/// # Example
///
/// ```
/// use cancelpool::iter::walk_tree;
/// use cancelpool::prelude::*;
///
/// // The sizes of a directory-like tree.
/// let total: u32 = walk_tree(1u32, |&n| if n < 64 { vec![2 * n, 2 * n + 1] } else { vec![] }).count() as u32;
/// assert_eq!(total, 127);
/// ```
pub fn walk_tree<S, B, I>(root: S, children_of: B) -> WalkTree<S, B>
where
    S: Send,
    B: Fn(&S) -> I + Send + Sync,
    I: IntoIterator<Item = S, IntoIter: DoubleEndedIterator>,
{
    WalkTree(walk_tree_postfix(root, children_of))
}

/// The parallel iterator made by [`walk_tree()`].
///
/// # Example
///
/// ```
/// use cancelpool::prelude::*;
///
/// let walk: cancelpool::iter::WalkTree<u8, _> =
///     cancelpool::iter::walk_tree(1u8, |&n| if n < 4 { vec![2 * n, 2 * n + 1] } else { vec![] });
/// assert_eq!(walk.max(), Some(7));
/// ```
#[must_use = "parallel iterators are lazy and do nothing unless consumed"]
#[derive(Debug)]
pub struct WalkTree<S, B>(WalkTreePostfix<S, B>);

impl<S, B, I> ParallelIterator for WalkTree<S, B>
where
    S: Send,
    B: Fn(&S) -> I + Send + Sync,
    I: IntoIterator<Item = S, IntoIter: DoubleEndedIterator> + Send,
{
    type Item = S;

    fn drive_unindexed<C: UnindexedConsumer<S>>(self, consumer: C) -> C::Result {
        self.0.drive_unindexed(consumer)
    }
}

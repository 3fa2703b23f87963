//! STUB: to be implemented (issue 15).
#![allow(dead_code, missing_docs)]
/// STUB
pub struct WalkTreePrefix<S, B> {
    initial_state: S,
    children_of: B,
}
/// STUB
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
/// STUB
pub struct WalkTreePostfix<S, B> {
    initial_state: S,
    children_of: B,
}
/// STUB
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
/// STUB
pub struct WalkTree<S, B>(WalkTreePostfix<S, B>);
/// STUB
pub fn walk_tree<S, B, I>(root: S, children_of: B) -> WalkTree<S, B>
where
    S: Send,
    B: Fn(&S) -> I + Send + Sync,
    I: IntoIterator<Item = S, IntoIter: DoubleEndedIterator>,
{
    WalkTree(WalkTreePostfix {
        initial_state: root,
        children_of,
    })
}

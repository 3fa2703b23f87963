//! The token tree: one [`Node`] per cancellation scope, shared by its sources, tokens,
//! callback guards and (for submitted jobs) the job itself.
//!
//! This is the bottom layer of `cancel/` (see `cancel/mod.rs`): it knows nothing of
//! deadlines, file descriptors or waits. The layers above reach a node through its lock
//! and condvar (waits block on them, invariant 4) and through [`Hook`]s: state a layer
//! attaches to the node (a deadline's timer key, `wait_fd`'s waker), which phase 2 of a
//! cancel tells about the request.
//!
//! # Memory layout
//!
//! A node is the header of a heap allocation `NodeBox<P> { header: Node, payload: P }`.
//! [`NodeRef`] is a thin, reference-counted pointer to the header (one pointer wide, as
//! contract C1 asks of `CancelToken`); the header's `drop_box` function knows the real
//! type and frees the whole box. A submitted job keeps its closure, result slot and handle
//! state in the payload, so a job, its handle and its token are one allocation.
//!
//! # Invariants
//!
//! 1. `Inner::claimed` goes `false → true` once, under `inner`; the `cancel` call that
//!    flips it is the one that returns `true` (C1). After it, no child and no callback
//!    is added to this node: `child_of` and `on_cancel` test `claimed` under the same
//!    lock, and a claimed parent gives a child that is born cancelled (C2, loom L5).
//! 2. `cancelled` goes `false → true` once, after `claimed`, and only after every
//!    descendant that existed at the claim has its own `cancelled` set (post-order).
//!    So an observer that sees a node cancelled sees its whole subtree cancelled: the
//!    tree is cancelled "atomically as seen by `is_cancelled()`".
//! 3. No user code runs between a claim and the store of `cancelled` (phase 1 only takes
//!    locks and moves pointers). Callbacks and wake-ups run afterwards (phase 2), so a
//!    canceller that finds a node already claimed by a racing `cancel` (a child during
//!    phase 1, or the very node it was asked to cancel) may spin until that node's flag
//!    appears: the wait is bounded. So every `cancel()` call, winner or loser, returns
//!    only after its whole subtree reports `is_cancelled()`.
//! 4. Every wait on a node checks `cancelled` while holding `inner`, and phase 2 takes
//!    `inner` after storing `cancelled` before it notifies `cond` and tells the node's
//!    hooks (`wait_fd`'s waker). A waiter therefore either sees the flag or is already
//!    blocked when the notification comes: no lost wake-up (loom L3).
//! 5. A parent's `children` slab holds raw pointers to live children. A child unlinks
//!    itself under the parent's lock before its memory is freed, and the parent only
//!    takes a strong reference (`try_acquire`, which fails at count zero) under that same
//!    lock. A child holds a strong reference to its parent, so the parent outlives it.
//! 6. A callback is in exactly one of: registered (in `callbacks`), running (`running`
//!    names it), or finished/removed. `CancelCallback::drop` removes a registered one
//!    (it then never runs), waits on `cond` for a running one unless the running thread
//!    is the dropping thread, and returns at once otherwise (C7, loom L4).
//!
//! # Lock order
//!
//! A child's unlink takes only the parent's `inner`. Cancellation takes one node's
//! `inner` at a time and never holds it while running user code. Hooks run under
//! `inner` and take no lock; the layers above take a node's `inner` holding no lock of
//! their own (the timer's is a leaf, see `timer`).

use std::any::Any;
use std::convert::Infallible;
use std::marker::PhantomData;
use std::ptr::NonNull;

use crate::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use crate::sync::{Condvar, Mutex, MutexGuard};
use crate::util::slab::{Key, Slab};
use crate::util::unwind;

/// Ordering of every store of `Node::cancelled` (invariant 2). Release: what the
/// canceller wrote before `cancel()` happens-before what a job does after observing it.
const FLAG_STORE: Ordering = Ordering::Release;
/// Ordering of `is_cancelled`'s load; Acquire pairs with [`FLAG_STORE`].
const FLAG_LOAD: Ordering = Ordering::Acquire;

/// A registered `on_cancel` callback.
pub(crate) type Callback = Box<dyn FnOnce() + Send>;

/// State that a layer above attaches to a node (a deadline's timer key, `wait_fd`'s
/// waker), so that this layer need not know it. Kept in the node's rare-state box, at
/// most one per type, and freed with the node.
pub(crate) trait Hook: Send + 'static {
    /// Phase 2 of the node's cancel, under its lock, right after its waiters were
    /// notified (invariant 4). Must not block, take a lock or run user code.
    fn cancelled(&mut self) {}
}

/// A [`Hook`] that can be found again by its type.
trait AnyHook: Hook {
    fn as_any(&mut self) -> &mut dyn Any;
}

impl<H: Hook> AnyHook for H {
    fn as_any(&mut self) -> &mut dyn Any {
        self
    }
}

/// The shared state of one cancellation scope.
#[repr(C)]
pub(crate) struct Node {
    /// The request flag read by `is_cancelled` with one Acquire load (invariant 2).
    /// First, and `refs` last: the fields between keep them at least 64 bytes apart, so
    /// threads that clone and drop a token do not slow down those that check it (a unit
    /// test holds the distance).
    cancelled: AtomicBool,
    /// Frees the `NodeBox<P>` this header starts.
    drop_box: unsafe fn(NonNull<Node>),
    /// The parent and this node's key in the parent's `children` (`None` for a child
    /// born cancelled, which is never linked; invariant 5).
    parent: Option<(NodeRef, Option<Key>)>,
    inner: Mutex<Inner>,
    /// Notified (under `inner`) when the node is cancelled and when a callback finishes.
    cond: Condvar,
    /// `CancelSource` handles alive; at zero the token layer removes the deadline (C10).
    sources: AtomicUsize,
    /// Strong references: tokens, sources, callback guards, job references.
    refs: AtomicUsize,
}

/// State guarded by `Node::inner`. Kept small: most nodes (a submitted job's, a
/// scope's) never get children, callbacks or hooks, so those live in a box made on
/// first use.
pub(crate) struct Inner {
    /// Invariant 1.
    claimed: bool,
    extras: Option<Box<Extras>>,
}

/// The rarely used part of a node's state.
#[derive(Default)]
struct Extras {
    children: Slab<NodePtr>,
    callbacks: Slab<Callback>,
    /// The callback being run by phase 2, and the thread running it (invariant 6).
    running: Option<(Key, crate::sync::thread::ThreadId)>,
    /// What the layers above attached, one per type.
    hooks: Vec<Box<dyn AnyHook>>,
}

impl Inner {
    /// The extras, made on first use.
    fn extras(&mut self) -> &mut Extras {
        self.extras.get_or_insert_with(Box::default)
    }

    /// The extras, if they were ever made.
    fn extras_ref(&self) -> Option<&Extras> {
        self.extras.as_deref()
    }

    /// The hook of type `H`, if one was attached.
    // Under loom no layer attaches a hook: deadlines and `wait_fd` do not exist there.
    #[cfg_attr(loom, allow(dead_code))]
    pub(crate) fn hook<H: Hook>(&mut self) -> Option<&mut H> {
        let hooks = &mut self.extras.as_mut()?.hooks;
        hooks.iter_mut().find_map(|h| h.as_any().downcast_mut())
    }

    /// The hook of type `H`, attached first (made by `make`) if there is none.
    #[cfg_attr(loom, allow(dead_code))]
    pub(crate) fn hook_or_insert_with<H: Hook>(&mut self, make: impl FnOnce() -> H) -> &mut H {
        match self.hook_or_try_insert_with(|| Ok::<H, Infallible>(make())) {
            Ok(hook) => hook,
            Err(never) => match never {},
        }
    }

    /// The hook of type `H`, attached first if there is none; `make`'s error if it fails
    /// (nothing is attached then).
    #[cfg_attr(loom, allow(dead_code))]
    pub(crate) fn hook_or_try_insert_with<H: Hook, E>(
        &mut self,
        make: impl FnOnce() -> Result<H, E>,
    ) -> Result<&mut H, E> {
        let hooks = &mut self.extras().hooks;
        let index = match hooks.iter_mut().position(|h| h.as_any().is::<H>()) {
            Some(index) => index,
            None => {
                hooks.push(Box::new(make()?));
                hooks.len() - 1
            }
        };
        let hook = hooks[index].as_any().downcast_mut();
        Ok(hook.expect("the hook at `index` has type `H`"))
    }
}

/// A raw child pointer kept in the parent's slab (invariant 5).
struct NodePtr(NonNull<Node>);
// SAFETY: the pointee is a `Node`, which is `Sync`; the pointer is only dereferenced
// under the parent's lock while the child is alive (invariant 5).
unsafe impl Send for NodePtr {}

#[repr(C)]
struct NodeBox<P> {
    header: Node,
    payload: P,
}

/// A counted reference to a [`Node`].
pub(crate) struct NodeRef {
    ptr: NonNull<Node>,
    _marker: PhantomData<Node>,
}

// SAFETY: `Node` is `Send + Sync` (atomics, a mutex and condvar over `Send` data, and a
// `NodeRef` to the parent); payloads are required to be `Send + Sync` by `new_with`.
unsafe impl Send for NodeRef {}
// SAFETY: as above.
unsafe impl Sync for NodeRef {}

impl NodeRef {
    /// A fresh node with no payload; a child of `parent` if given.
    pub(crate) fn new(parent: Option<&NodeRef>) -> NodeRef {
        NodeRef::new_with(parent, ())
    }

    /// A fresh node whose allocation also holds `payload`.
    pub(crate) fn new_with<P: Send + Sync + 'static>(
        parent: Option<&NodeRef>,
        payload: P,
    ) -> NodeRef {
        let Some(parent) = parent else {
            return NodeRef::allocate(None, false, payload);
        };
        let mut guard = parent.inner.lock();
        if guard.claimed {
            // Invariant 1: a child of a cancelled (or cancelling) parent is born cancelled.
            drop(guard);
            return NodeRef::allocate(Some((parent.clone(), None)), true, payload);
        }
        let children = &mut guard.extras().children;
        let key = children.vacant_key();
        let child = NodeRef::allocate(Some((parent.clone(), Some(key))), false, payload);
        let inserted = guard.extras().children.insert(NodePtr(child.ptr));
        debug_assert_eq!(inserted, key);
        child
    }

    fn allocate<P: Send + Sync + 'static>(
        parent: Option<(NodeRef, Option<Key>)>,
        born_cancelled: bool,
        payload: P,
    ) -> NodeRef {
        let boxed = Box::new(NodeBox {
            header: Node {
                refs: AtomicUsize::new(1),
                sources: AtomicUsize::new(0),
                cancelled: AtomicBool::new(born_cancelled),
                drop_box: drop_box::<P>,
                parent,
                inner: Mutex::new(Inner {
                    claimed: born_cancelled,
                    extras: None,
                }),
                cond: Condvar::new(),
            },
            payload,
        });
        // The header is the first field of a `#[repr(C)]` struct: the box pointer is the
        // header pointer, with provenance over the whole box (freed by `drop_box`).
        let raw = Box::into_raw(boxed).cast::<Node>();
        // SAFETY: `Box::into_raw` never returns null.
        let ptr = unsafe { NonNull::new_unchecked(raw) };
        NodeRef {
            ptr,
            _marker: PhantomData,
        }
    }

    /// The payload this node was created with.
    ///
    /// # Safety
    ///
    /// `P` must be the payload type passed to [`NodeRef::new_with`] for this node.
    pub(crate) unsafe fn payload<P>(&self) -> &P {
        // SAFETY: the header is the first field of a `#[repr(C)] NodeBox<P>` (caller
        // guarantees `P`), so the header pointer is the box pointer.
        unsafe { &(*self.ptr.cast::<NodeBox<P>>().as_ptr()).payload }
    }

    /// Turns the reference into a raw pointer without releasing it.
    pub(crate) fn into_raw(self) -> NonNull<Node> {
        let ptr = self.ptr;
        std::mem::forget(self);
        ptr
    }

    /// The address of the payload of the node `raw` (made for payload type `P`), with
    /// the provenance of `raw` (so the node can be recovered by [`Self::from_payload`]).
    pub(crate) fn payload_ptr<P>(raw: NonNull<Node>) -> *const P {
        raw.as_ptr()
            .cast::<u8>()
            .wrapping_add(std::mem::offset_of!(NodeBox<P>, payload))
            .cast()
    }

    /// Takes back a reference made by [`NodeRef::into_raw`], given its payload address.
    ///
    /// # Safety
    ///
    /// `payload` must come from [`Self::payload_ptr`] for a pointer made by `into_raw`,
    /// with the same `P`, and be taken back once.
    pub(crate) unsafe fn from_payload<P>(payload: *const P) -> NodeRef {
        let raw = payload
            .cast::<u8>()
            .wrapping_sub(std::mem::offset_of!(NodeBox<P>, payload));
        // SAFETY: the caller's contract: `raw` is the non-null header pointer.
        unsafe { NodeRef::from_raw(NonNull::new_unchecked(raw.cast_mut().cast::<Node>())) }
    }

    /// Takes back a reference made by [`NodeRef::into_raw`].
    ///
    /// # Safety
    ///
    /// `ptr` must come from `into_raw` and be taken back once.
    pub(crate) unsafe fn from_raw(ptr: NonNull<Node>) -> NodeRef {
        NodeRef {
            ptr,
            _marker: PhantomData,
        }
    }

    /// Takes a strong reference unless the count already reached zero (the node is dying).
    ///
    /// # Safety
    ///
    /// The node's memory must be valid for the call: the caller holds the parent's lock
    /// and the node is still linked (invariant 5).
    unsafe fn try_acquire(ptr: NonNull<Node>) -> Option<NodeRef> {
        // SAFETY: valid per the caller's contract. Only `refs` is borrowed, not the whole
        // node: a child whose count reached zero writes its `parent` field in
        // `release_slow` before it takes our lock, so a `&Node` here would race with it.
        let refs = unsafe { &*std::ptr::addr_of!((*ptr.as_ptr()).refs) };
        let mut n = refs.load(Ordering::Relaxed);
        loop {
            if n == 0 {
                return None;
            }
            // Relaxed suffices: as in `Arc::clone`, a new reference is made from a
            // reference that keeps the node alive; no data is published by the count.
            match refs.compare_exchange_weak(n, n + 1, Ordering::Relaxed, Ordering::Relaxed) {
                Ok(_) => {
                    return Some(NodeRef {
                        ptr,
                        _marker: PhantomData,
                    });
                }
                Err(actual) => n = actual,
            }
        }
    }
}

/// Frees a `NodeBox<P>`.
///
/// # Safety
///
/// `ptr` must be the header of a `NodeBox<P>` made by `NodeRef::allocate::<P>` whose
/// count reached zero and which is unlinked from its parent.
unsafe fn drop_box<P>(ptr: NonNull<Node>) {
    // SAFETY: per the contract, the box was leaked by `allocate` and nobody refers to it.
    drop(unsafe { Box::from_raw(ptr.cast::<NodeBox<P>>().as_ptr()) });
}

impl Clone for NodeRef {
    #[inline]
    fn clone(&self) -> Self {
        // Relaxed suffices: a new reference is derived from one the caller holds (as
        // `Arc::clone`); ordering with the eventual free comes from the Release
        // decrement and Acquire load in `drop`.
        let old = self.refs.fetch_add(1, Ordering::Relaxed);
        if old > isize::MAX as usize {
            std::process::abort();
        }
        NodeRef {
            ptr: self.ptr,
            _marker: PhantomData,
        }
    }
}

impl Drop for NodeRef {
    #[inline]
    fn drop(&mut self) {
        // Release: our uses of the node happen-before the free done by the last owner.
        if self.refs.fetch_sub(1, Ordering::Release) != 1 {
            return;
        }
        // Acquire: pairs with every other owner's Release decrement (they and ours form
        // one release sequence). A load rather than `fence(Acquire)`: the same ordering,
        // and ThreadSanitizer, which does not model fences, sees it (as std's `Arc` does
        // under TSan); the count stays zero, so the load reads our own decrement.
        self.refs.load(Ordering::Acquire);
        // SAFETY: the count reached zero: we are the last owner.
        unsafe { release_slow(self.ptr) };
    }
}

/// Unlinks and frees a node whose count reached zero, then its parent if that was the
/// parent's last reference, and so on up the chain (iteratively: dropping the leaf of a
/// deep chain must not overflow the stack).
///
/// # Safety
///
/// `ptr`'s count is zero and this thread owns its destruction.
#[cold]
unsafe fn release_slow(mut ptr: NonNull<Node>) {
    loop {
        let raw = ptr.as_ptr();
        // SAFETY: we own the node's destruction (count zero), so we may move its parent
        // reference out; the field is left `None` and never dropped twice.
        let parent = unsafe { std::ptr::replace(std::ptr::addr_of_mut!((*raw).parent), None) };
        if let Some((parent, Some(key))) = &parent {
            // Invariant 5: unlink under the parent's lock before the memory is freed.
            let mut inner = parent.inner.lock();
            if !inner.claimed {
                if let Some(extras) = inner.extras.as_mut() {
                    extras.children.remove(*key);
                }
            }
        }
        // SAFETY: count zero and unlinked; `drop_box` was chosen for this payload type.
        unsafe { ((*raw).drop_box)(ptr) };
        let Some((parent, _)) = parent else { return };
        let parent_ptr = parent.into_raw();
        // SAFETY: we held a reference to the parent until this decrement.
        let parent_node = unsafe { parent_ptr.as_ref() };
        // Release/Acquire as in `NodeRef::drop`.
        if parent_node.refs.fetch_sub(1, Ordering::Release) != 1 {
            return;
        }
        parent_node.refs.load(Ordering::Acquire);
        ptr = parent_ptr;
    }
}

impl std::ops::Deref for NodeRef {
    type Target = Node;
    #[inline]
    fn deref(&self) -> &Node {
        // SAFETY: a `NodeRef` holds a count, so the node is alive.
        unsafe { self.ptr.as_ref() }
    }
}

impl Node {
    /// One Acquire load: has a cancel request reached this node? (invariant 2)
    #[inline]
    pub(crate) fn is_cancelled(&self) -> bool {
        // Acquire (FLAG_LOAD): a job that sees the request also sees what the canceller
        // wrote before.
        self.cancelled.load(FLAG_LOAD)
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock()
    }

    pub(crate) fn cond(&self) -> &Condvar {
        &self.cond
    }

    pub(crate) fn add_source(&self) {
        // Relaxed: the count only decides when to drop the deadline; that removal takes
        // the timer lock, which orders it.
        self.sources.fetch_add(1, Ordering::Relaxed);
    }

    /// Returns true if this was the last source.
    pub(crate) fn remove_source(&self) -> bool {
        // AcqRel: the last source's removal of the deadline happens after all sources'
        // earlier deadline changes.
        self.sources.fetch_sub(1, Ordering::AcqRel) == 1
    }

    /// Requests cancellation of this node and its subtree. True for the winning call.
    ///
    /// Every call, winner or not, returns only once the whole subtree reports
    /// `is_cancelled()` (invariant 2).
    pub(crate) fn cancel(&self) -> bool {
        let Some(children) = self.claim() else {
            // Claimed by a racing `cancel` (of this node or an ancestor): its flag follows
            // without user code in between (invariant 3). Wait for it, so that a losing
            // caller too finds the request made when `cancel()` returns (loom:
            // `cancel_winner_is_unique`).
            self.wait_for_flag();
            return false;
        };
        let mut done: Vec<NodeRef> = Vec::new();
        // Phase 1: post-order over the subtree, setting flags (invariants 2 and 3).
        let mut stack: Vec<(NodeRef, bool)> = children.into_iter().map(|c| (c, false)).collect();
        while let Some((node, expanded)) = stack.pop() {
            if expanded {
                // Release (FLAG_STORE): as for the root's store below.
                node.cancelled.store(true, FLAG_STORE);
                done.push(node);
                continue;
            }
            match node.claim() {
                Some(grandchildren) => {
                    stack.push((node, true));
                    stack.extend(grandchildren.into_iter().map(|c| (c, false)));
                }
                None => {
                    // Claimed by a racing `cancel`: wait for its flag to keep invariant 2.
                    node.wait_for_flag();
                }
            }
        }
        // Release (FLAG_STORE): what the canceller wrote before `cancel()` is visible to
        // a job that observes the flag with Acquire.
        self.cancelled.store(true, FLAG_STORE);
        // Phase 2: wake waiters and run callbacks, this node first, then the subtree.
        self.finish();
        for node in &done {
            node.finish();
        }
        true
    }

    /// Waits for the flag of a node claimed by another `cancel` call. The claimer stores
    /// it after phase 1, which runs no user code and takes one lock at a time
    /// (invariant 3), so the wait is short and cannot deadlock.
    fn wait_for_flag(&self) {
        let mut spins = 0u32;
        while !self.is_cancelled() {
            if spins < 64 {
                spins += 1;
                crate::sync::spin_hint();
            } else {
                crate::sync::thread::yield_now();
            }
        }
    }

    /// Sets `claimed` and takes the children (invariant 1); `None` if already claimed.
    fn claim(&self) -> Option<Vec<NodeRef>> {
        let mut inner = self.inner.lock();
        if inner.claimed {
            return None;
        }
        inner.claimed = true;
        let Some(extras) = inner.extras.as_mut() else {
            return Some(Vec::new());
        };
        let children = extras
            .children
            .drain()
            // SAFETY: we hold this node's lock and the child is linked (invariant 5).
            .filter_map(|p| unsafe { NodeRef::try_acquire(p.0) })
            .collect();
        Some(children)
    }

    /// Phase 2 for one node: wake its waiters, tell its hooks, run its callbacks.
    fn finish(&self) {
        let mut inner = self.inner.lock();
        // Invariant 4: notify under the lock, after the flag store; then the hooks.
        self.cond.notify_all();
        if let Some(extras) = inner.extras.as_mut() {
            for hook in &mut extras.hooks {
                hook.cancelled();
            }
        }
        let me = crate::sync::thread::current().id();
        while let Some((key, callback)) = inner.extras.as_mut().and_then(|e| e.callbacks.pop()) {
            inner.extras().running = Some((key, me));
            drop(inner);
            // A panicking callback must not stop the others nor poison the node; the
            // panic hook has already reported it (unwind invariant 3).
            let _ = unwind::halt_unwinding(callback);
            inner = self.inner.lock();
            inner.extras().running = None;
            self.cond.notify_all();
        }
    }

    /// Registers `callback`, or returns it if the node is already claimed (invariant 1).
    pub(crate) fn register(&self, callback: Callback) -> Result<Key, Callback> {
        let mut inner = self.inner.lock();
        if inner.claimed {
            return Err(callback);
        }
        Ok(inner.extras().callbacks.insert(callback))
    }

    /// Unregisters `key` if it has not started; never waits. Returns the callback if it
    /// had not run.
    pub(crate) fn unregister_nowait(&self, key: Key) -> Option<Callback> {
        let mut inner = self.inner.lock();
        inner.extras.as_mut().and_then(|e| e.callbacks.remove(key))
    }

    /// True if the callback under `key` is registered and has not started.
    pub(crate) fn is_registered(&self, key: Key) -> bool {
        self.inner
            .lock()
            .extras_ref()
            .is_some_and(|e| e.callbacks.contains(key))
    }

    /// Unregisters `key`; if its callback is running on another thread, waits for it to
    /// return (invariant 6). Returns the callback if it had not run.
    pub(crate) fn unregister(&self, key: Key) -> Option<Callback> {
        let mut inner = self.inner.lock();
        if let Some(callback) = inner.extras.as_mut().and_then(|e| e.callbacks.remove(key)) {
            return Some(callback);
        }
        let me = crate::sync::thread::current().id();
        while let Some((running, thread)) = inner.extras_ref().and_then(|e| e.running) {
            if running != key || thread == me {
                break;
            }
            self.cond.wait(&mut inner);
        }
        None
    }
}

impl std::fmt::Debug for NodeRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Node")
            .field("cancelled", &self.is_cancelled())
            .field("depth", &self.depth())
            .finish()
    }
}

impl Node {
    /// True if `ancestor` is this node or one of its ancestors. Walks the parent chain
    /// (O(depth)); used only off the hot path (shutdown's "am I inside this pool?").
    pub(crate) fn descends_from(&self, ancestor: &Node) -> bool {
        let mut cur: &Node = self;
        loop {
            if std::ptr::eq(cur, ancestor) {
                return true;
            }
            match cur.parent.as_ref() {
                Some((p, _)) => cur = p,
                None => return false,
            }
        }
    }

    /// Distance to the root (for `Debug`).
    fn depth(&self) -> usize {
        let mut depth = 0;
        let mut cur = self.parent.as_ref();
        while let Some((p, _)) = cur {
            depth += 1;
            cur = p.parent.as_ref();
        }
        depth
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn node_header_stays_small() {
        // A submitted job, its handle state and its token share one allocation headed by
        // a `Node`; keep the header within two cache lines.
        let size = std::mem::size_of::<Node>();
        assert!(size <= 88, "Node grew to {size} bytes");
    }

    #[test]
    fn the_flag_and_the_reference_count_are_a_cache_line_apart() {
        let flag = std::mem::offset_of!(Node, cancelled);
        let refs = std::mem::offset_of!(Node, refs);
        assert!(refs - flag >= 64, "flag at {flag}, refs at {refs}");
    }

    #[test]
    fn payload_pointer_round_trips() {
        let node = NodeRef::new_with(None, 0xABCD_u64);
        let raw = node.into_raw();
        let payload = NodeRef::payload_ptr::<u64>(raw);
        // SAFETY: `payload` came from `payload_ptr` for this `into_raw` pointer.
        let node = unsafe { NodeRef::from_payload(payload) };
        // SAFETY: the node was made with a `u64` payload.
        assert_eq!(unsafe { *node.payload::<u64>() }, 0xABCD);
    }
}

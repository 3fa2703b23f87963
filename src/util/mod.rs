//! Small internal data structures and panic plumbing shared by the modules.

pub(crate) mod slab;
pub(crate) mod unwind;

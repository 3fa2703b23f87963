//! loom models of cancelpool's protocols. This crate is an ordinary downstream user of
//! cancelpool: built with `RUSTFLAGS="--cfg loom"`, cancelpool's public token API runs on
//! loom's primitives (contract C9), and the models in `tests/` explore its interleavings.
//! See `tests/*.rs` and the README for how to run them.

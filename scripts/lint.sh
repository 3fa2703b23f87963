#!/usr/bin/env bash
# Formatting, lints and docs: the static half of CI.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy --workspace --all-targets --all-features -- -D warnings
RUSTDOCFLAGS="-D warnings -D rustdoc::broken_intra_doc_links" cargo doc --no-deps --all-features --quiet
# The rayon-compat helper is a crate of its own (not a workspace member).
cargo fmt --manifest-path scripts/rayon-compat/Cargo.toml -- --check
CARGO_TARGET_DIR="$PWD/target/rayon-compat/helper" \
    cargo clippy --quiet --manifest-path scripts/rayon-compat/Cargo.toml --release --all-targets -- -D warnings
echo "lint: ok"

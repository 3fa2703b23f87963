#!/usr/bin/env bash
# rayon compatibility, measured with rayon's own tests ported by import change.
#
# Ports rayon's and rayon-core's tests (tests/*.rs and the unit-test modules in src/) to
# cancelpool by rewriting paths only, into a scratch crate under target/rayon-compat/
# (nothing of rayon's is kept in this repository), builds each ported file as its own
# test target, runs those that compile with a time limit per file, and prints a table.
# Also builds rayon-demo's programs when rayon's repository is at hand.
#
#   scripts/rayon-compat.sh                  # the table
#   scripts/rayon-compat.sh --list-missing   # and the ranked list of missing items
#   scripts/rayon-compat.sh --help           # all options
#
# Deliberate differences: scripts/rayon-compat/differences.txt. Path overrides:
# scripts/rayon-compat/paths.txt. Output: target/rayon-compat/{report.md,missing.txt}.
set -euo pipefail
cd "$(dirname "$0")/.."
helper=scripts/rayon-compat
CARGO_TARGET_DIR="$PWD/target/rayon-compat/helper" \
    cargo build --quiet --release --manifest-path "$helper/Cargo.toml"
exec "$PWD/target/rayon-compat/helper/release/rayon-compat" --repo "$PWD" "$@"

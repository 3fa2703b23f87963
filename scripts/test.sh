#!/usr/bin/env bash
# The README's test command (`cargo test`), then the same with every feature. This is
# what CI runs for the tests (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
cargo test
cargo test --all-features
echo "test: ok ($(( $(date +%s) - start ))s)"

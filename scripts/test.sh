#!/usr/bin/env bash
# The README's test command (`cargo test`), then the same with every feature.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test
cargo test --all-features

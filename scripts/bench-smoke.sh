#!/usr/bin/env bash
# Benches must build; the side-by-side comparison runs once in its quick mode.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench --no-run --all-features
if cargo bench --bench compare --no-run >/dev/null 2>&1; then
    timeout 300 cargo bench --bench compare -- --quick
fi

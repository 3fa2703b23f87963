#!/usr/bin/env bash
# Runs every loom model in loom-tests/ (contract L1-L9) and prints the elapsed time.
#
#   scripts/loom.sh                     # all models, each under the bound its file states
#   LOOM_MAX_PREEMPTIONS=4 scripts/loom.sh --test waits
#   scripts/loom.sh --test tokens cancel_winner_is_unique
#
# Arguments go to `cargo test` (before `--`); a test-name filter may follow them.
# The models build into target/loom (RUSTFLAGS differ from the normal build, so a
# separate target dir avoids rebuilding the normal one). Each model prints how many
# interleavings it explored. See loom-tests/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."

# Each model applies the preemption bound its file states (most none at all) unless
# LOOM_MAX_PREEMPTIONS is set, which then overrides every model's bound.
export RUSTFLAGS="--cfg loom ${LOOM_EXTRA_RUSTFLAGS:-}"
export RUST_BACKTRACE="${RUST_BACKTRACE:-0}"

cargo_args=()
filter=()
while [ $# -gt 0 ]; do
    case "$1" in
        --test|-p|--package|--features) cargo_args+=("$1" "$2"); shift 2 ;;
        -*) cargo_args+=("$1"); shift ;;
        *) filter+=("$1"); shift ;;
    esac
done

echo "loom: LOOM_MAX_PREEMPTIONS=${LOOM_MAX_PREEMPTIONS:-(per model)} RUSTFLAGS='$RUSTFLAGS'"
start=$(date +%s)
cargo build -p loom-tests --release --target-dir target/loom --tests
built=$(date +%s)
cargo test -p loom-tests --release --target-dir target/loom "${cargo_args[@]}" \
    -- --nocapture "${filter[@]}"
end=$(date +%s)
echo "loom: build $((built - start)) s, models $((end - built)) s, total $((end - start)) s"

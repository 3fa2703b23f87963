#!/usr/bin/env bash
# Sharpness check for the loom models: puts each known bug back into src/cancel (a
# `#[cfg(cancelpool_mutant = "NAME")]` switch) and checks that the loom model meant to
# catch it fails. Prints a table and exits non-zero if a mutant survives, if a mutant
# does not build, or if the unmutated models fail.
#
#   scripts/loom-mutants.sh            # each mutant against the model named below
#   scripts/loom-mutants.sh --all      # each mutant against every model (slower);
#                                      # lists every model that catches it
#   scripts/loom-mutants.sh relaxed-flag poke-no-defer   # only these mutants
#   scripts/loom-mutants.sh --rustflags  # pass the cfg in RUSTFLAGS (see below)
#
# How the cfg reaches the crate. By default scripts/mutant-rustc.sh (a RUSTC_WRAPPER)
# adds `--cfg cancelpool_mutant="NAME"` to the compilation of cancelpool only, in
# target/loom-mutants; a mutant then rebuilds cancelpool and the models (~30 s) instead
# of loom and all its dependencies (several minutes on a busy 2-core machine). With
# --rustflags it is RUSTFLAGS='--cfg loom --cfg cancelpool_mutant="NAME"' in the shared
# target/loom, the plain form (every crate rebuilds for every mutant). The cfg is read
# by cancelpool only, so both build the same code.
set -uo pipefail
cd "$(dirname "$0")/.."

export LOOM_MAX_PREEMPTIONS="${LOOM_MAX_PREEMPTIONS:-3}"
export RUST_BACKTRACE=0
TARGET=target/loom

# name | test file | model expected to catch it | the bug
MUTANTS=(
  "relaxed-flag|tokens|cancel_races_checkpoint_loop_is_observed|cancel flag stored and loaded Relaxed"
  "preorder-flags|tokens|subtree_cancel_races_root_cancel_tree_stays_atomic|root flag set before its subtree's"
  "cancel-loser-no-wait|tokens|cancel_winner_is_unique|losing cancel() returns before the flag is set"
  "child-ignores-claimed|tokens|child_creation_races_parent_cancel_child_is_cancelled|child_of tests the flag, not claimed"
  "disable-drop-no-restore|disable|cancel_while_disabled_is_delivered_on_enable|DisableGuard drop does not re-enable"
  "wait-park-before-check|waits|cancel_races_sleep_entry_wakes_waiter|token wait parks before checking the flag"
  "wait-check-unlocked|waits|cancel_races_wait_cancelled_entry|token wait checks the flag outside the lock"
  "finish-notify-unlocked|waits|cancel_races_sleep_entry_wakes_waiter|cancel notifies waiters without the lock"
  "poke-no-retry|waits|cancel_races_wait_while_entry|wait_while poke gives up when try_lock fails"
  "poke-no-defer|waits|cancel_races_wait_while_entry|no deferred retry after the inline pokes fail"
  "register-ignores-claimed|callbacks|on_cancel_races_cancel_runs_exactly_once|on_cancel registers on a claimed node"
  "unregister-no-wait|callbacks|guard_drop_races_cancel_runs_once_or_never_and_drop_waits|guard drop does not wait for a running callback"
)

all=0
via_rustflags=0
only=()
for arg in "$@"; do
    case "$arg" in
        --all) all=1 ;;
        --rustflags) via_rustflags=1 ;;
        *) only+=("$arg") ;;
    esac
done
if [ "$via_rustflags" = 0 ]; then
    TARGET=target/loom-mutants
fi

log_dir="$TARGET/mutants"
mkdir -p "$log_dir"

# Builds and runs the models with mutant $2 ("" = none); $1 = log name, rest = cargo
# test arguments. Returns 2 if the build fails, else cargo test's status.
run_models() {
    local log="$log_dir/$1.log" mutant="$2"
    shift 2
    local -a env_args
    if [ "$via_rustflags" = 1 ]; then
        local flags="--cfg loom"
        [ -n "$mutant" ] && flags="$flags --cfg cancelpool_mutant=\"$mutant\""
        env_args=(RUSTFLAGS="$flags")
    else
        # The wrapper's cfg is invisible to cargo's fingerprint: touching the crate
        # root makes cargo rebuild cancelpool (and the models) for every mutant.
        touch src/lib.rs
        env_args=(RUSTFLAGS="--cfg loom" RUSTC_WRAPPER="$PWD/scripts/mutant-rustc.sh"
            CANCELPOOL_MUTANT="$mutant")
    fi
    if ! env "${env_args[@]}" cargo test -p loom-tests --release \
        --target-dir "$TARGET" --no-run >"$log" 2>&1; then
        return 2
    fi
    env "${env_args[@]}" cargo test -p loom-tests --release \
        --target-dir "$TARGET" --no-fail-fast "$@" >>"$log" 2>&1
}

# The first reason a failing log gives (an assertion, a loom deadlock or race report).
reason() {
    grep -m1 -A1 "panicked at" "$1" | tail -n1 | cut -c1-70
}

start=$(date +%s)
failed=0
rows=()

echo "baseline: unmutated models (LOOM_MAX_PREEMPTIONS=$LOOM_MAX_PREEMPTIONS)"
if run_models baseline ""; then
    rows+=("(none) | all models | pass")
else
    rows+=("(none) | all models | FAIL: the unmutated models fail, see $log_dir/baseline.log")
    failed=1
fi

for entry in "${MUTANTS[@]}"; do
    IFS='|' read -r name file model what <<<"$entry"
    if [ ${#only[@]} -gt 0 ] && [[ ! " ${only[*]} " == *" $name "* ]]; then
        continue
    fi
    echo "mutant $name: $what"
    if [ "$all" = 1 ]; then
        run_models "$name" "$name"
    else
        run_models "$name" "$name" --test "$file" -- --exact "$model"
    fi
    rc=$?
    log="$log_dir/$name.log"
    if [ "$rc" = 2 ]; then
        rows+=("$name | - | ERROR: does not build, see $log")
        failed=1
    elif [ "$rc" = 0 ]; then
        rows+=("$name | $model | SURVIVED")
        failed=1
    else
        if [ "$all" = 1 ]; then
            caught=$(grep -E "^test .* FAILED$" "$log" | awk '{print $2}' | paste -sd, -)
            # A model that aborts the process (a loom deadlock panicking in a drop)
            # shows up as a failed test binary instead.
            [ -z "$caught" ] && caught=$(grep -oE "Running tests/[a-z]+\.rs" "$log" | tail -n1)
        else
            caught="$model"
        fi
        rows+=("$name | $caught | caught: $(reason "$log")")
    fi
done

echo
echo "mutant | caught by (test name) | result"
echo "--- | --- | ---"
printf '%s\n' "${rows[@]}"
echo
echo "elapsed: $(( $(date +%s) - start )) s (LOOM_MAX_PREEMPTIONS=$LOOM_MAX_PREEMPTIONS)"
exit "$failed"

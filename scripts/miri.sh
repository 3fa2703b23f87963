#!/usr/bin/env bash
# Miri: the library's unit tests and the integration tests miri can run, interpreted on
# nightly with undefined-behaviour, data-race and (where possible) leak checking.
#
#   scripts/miri.sh              # every group below (about 10 minutes on 2 cores)
#   scripts/miri.sh tokens pool  # only the named groups
#   MIRI_EXTRA="-Zmiri-many-seeds=0..8" scripts/miri.sh pool   # more schedules
#
# Skipped (exit 0, with a message) where nightly's miri cannot be installed.
#
# Flags, and why they differ from a plain `-Zmiri-strict-provenance` run:
# - Provenance. Our code makes no integer-to-pointer casts, but two dependencies do:
#   parking_lot_core 0.9.12 (word_lock.rs, on every contended lock or condvar wait;
#   Amanieu/parking_lot#477, fixed upstream, not yet released) and crossbeam-epoch
#   (atomic.rs). -Zmiri-strict-provenance stops at the first of them, so miri runs with
#   its default (exposed) provenance and this script fails if any integer-to-pointer
#   cast is reported outside those two crates: for our code that is the strict check.
#   Once both crates are clean, set PROVENANCE=-Zmiri-strict-provenance below.
# - Aliasing model. The groups that run the pool use Tree Borrows: crossbeam-epoch's
#   intrusive list violates Stacked Borrows (crossbeam-rs/crossbeam#545; crossbeam's own
#   CI runs epoch and deque under Tree Borrows). The token groups use Stacked Borrows.
# - Leaks. A group whose tests leave threads running by design (the deadline timer
#   thread, the global pool) needs -Zmiri-ignore-leaks. In the `pool` group every pool is
#   joined, so leaks are checked, and only crossbeam-epoch's never-collected garbage
#   (crossbeam-rs/crossbeam#579) is accepted.
# - Sizes. Tests shrink their loops under miri (`common::scaled`, `cfg!(miri)`); those
#   that cannot run there are `#[cfg_attr(miri, ignore)]` with the reason (no poll(2)
#   for `wait_fd`, millions of items).
set -euo pipefail
cd "$(dirname "$0")/.."

skip() {
    echo "miri: skipped: $*"
    exit 0
}

command -v rustup >/dev/null || skip "rustup is not installed"
rustup toolchain list | grep -q '^nightly' ||
    rustup toolchain install nightly --profile minimal >/dev/null 2>&1 ||
    skip "the nightly toolchain cannot be installed"
rustup component add --toolchain nightly miri rust-src >/dev/null 2>&1 ||
    skip "nightly's miri and rust-src components cannot be installed"
cargo +nightly miri setup >/dev/null 2>&1 || skip "\`cargo +nightly miri setup\` failed"

PROVENANCE=""
# Crates whose integer-to-pointer casts are accepted (see above).
INT2PTR_OK='parking_lot_core-|crossbeam-epoch-'
# Crates whose leaked allocations are accepted in leak-checked groups (see above).
LEAK_OK='crossbeam-epoch-'

logs=target/miri-logs
mkdir -p "$logs"
failed=()

# run GROUP "MIRIFLAGS" CARGO-TEST-ARGS...
run() {
    local group=$1 flags=$2
    shift 2
    local log="$logs/$group.log" status=0 t0
    t0=$(date +%s)
    echo "--- miri group '$group' (MIRIFLAGS: $flags)"
    MIRIFLAGS="$PROVENANCE $flags ${MIRI_EXTRA:-}" \
        cargo +nightly miri test --no-fail-fast "$@" -- -Zunstable-options --report-time \
        >"$log" 2>&1 || status=$?
    grep -E '^test result|^test .*(FAILED|ignored)' "$log" || true
    if ! check "$log" "$status"; then
        failed+=("$group")
        echo "miri group '$group': FAILED — see $log"
    else
        echo "miri group '$group': clean ($(( $(date +%s) - t0 ))s)"
    fi
}

# check LOG STATUS: clean iff no UB, no failed test, no unexpected integer-to-pointer
# cast, and, if cargo failed, the only errors are accepted leaks.
check() {
    local log=$1 status=$2
    awk -v int2ptr_ok="$INT2PTR_OK" -v leak_ok="$LEAK_OK" -v status="$status" '
        # Miri diagnostics start a line, or follow "test NAME ... " on the same line.
        # The location of a diagnostic is the first "-->" line after it.
        /(^|\.\.\. )warning: integer-to-pointer cast/ { want = "int2ptr"; next }
        /^error: memory leaked/ { want = "leak"; next }
        /-->/ && want != "" {
            if (want == "int2ptr" && $0 !~ int2ptr_ok) { print "unexpected int-to-ptr cast: " $0; bad = 1 }
            if (want == "leak") { if ($0 !~ leak_ok) { print "leak: " $0; bad = 1 } else accepted++ }
            want = ""; next
        }
        /^error: (aborting due to|test failed, to rerun|[0-9]+ targets? failed)/ { next }
        /(^|\.\.\. )error/ { print; bad = 1 }
        /^test result: FAILED/          { print; bad = 1 }
        /^running [0-9]+ test/          { ran = 1 }
        END {
            if (!ran) { print "no test binary ran"; bad = 1 }
            if (status != 0 && !bad && accepted == 0) { print "cargo failed (status " status ")"; bad = 1 }
            if (accepted > 0) print "accepted " accepted " leaked allocation(s) of " leak_ok
            exit bad
        }' "$log"
}

groups=("$@")
[ ${#groups[@]} -gt 0 ] || groups=(tokens waits pool iter)
start=$(date +%s)
for g in "${groups[@]}"; do
    case $g in
        # Tokens, guards, callbacks: nothing outlives a test, so leaks are checked.
        tokens) run tokens "" --lib --test cancel_token --test callbacks --test disable ;;
        # Waits and deadlines start the shared timer thread, which never exits.
        waits) run waits "-Zmiri-ignore-leaks" --test waits --test deadline ;;
        # A two-worker pool end to end; every pool is joined.
        pool) run pool "-Zmiri-tree-borrows" --test pool_miri ;;
        # Parallel iterators on the global pool (two workers), which never exits.
        iter) run iter "-Zmiri-tree-borrows -Zmiri-ignore-leaks -Zmiri-num-cpus=2" \
            --test par_iter --test par_iter_cancel ;;
        *) echo "miri: unknown group '$g' (tokens, waits, pool, iter)"; exit 2 ;;
    esac
done
echo "miri: ${#groups[@]} group(s) in $(( $(date +%s) - start ))s"
if [ ${#failed[@]} -gt 0 ]; then
    echo "miri: FAILED: ${failed[*]}"
    exit 1
fi
echo "miri: clean"

#!/usr/bin/env bash
# ThreadSanitizer: the unit and integration tests (no doctests) built with
# -Zsanitizer=thread on nightly, std rebuilt with the sanitizer (-Zbuild-std) so that its
# atomics and locks are instrumented too. Its own target dir: target/tsan.
#
#   scripts/tsan.sh                  # everything below
#   scripts/tsan.sh --test waits     # extra arguments go to `cargo test`
#
# Skipped (exit 0, with a message) where nightly's rust-src cannot be installed or the
# target is not x86_64 Linux. Reports that are understood false positives are listed,
# each with its reason, in scripts/tsan.supp.
set -euo pipefail
cd "$(dirname "$0")/.."

skip() {
    echo "tsan: skipped: $*"
    exit 0
}

target=x86_64-unknown-linux-gnu
[ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] || skip "ThreadSanitizer is set up here for $target only"
command -v rustup >/dev/null || skip "rustup is not installed"
rustup toolchain list | grep -q '^nightly' ||
    rustup toolchain install nightly --profile minimal >/dev/null 2>&1 ||
    skip "the nightly toolchain cannot be installed"
rustup component add --toolchain nightly rust-src >/dev/null 2>&1 ||
    skip "nightly's rust-src (needed by -Zbuild-std) cannot be installed"

export RUSTFLAGS="-Zsanitizer=thread"
export RUSTDOCFLAGS="-Zsanitizer=thread"
# Reports go to stderr; a test binary with a report exits with status 66 (TSan's
# default exitcode), so the run fails. halt_on_error=0: report every race, not only the
# first.
export TSAN_OPTIONS="suppressions=$PWD/scripts/tsan.supp halt_on_error=0 second_deadlock_stack=1 ${TSAN_OPTIONS:-}"
# One test at a time: TSan slows threads down 5-15x, and tests that share the global
# pool (par_iter_cancel) then wait on each other past their generous bounds.
export RUST_TEST_THREADS="${RUST_TEST_THREADS:-1}"

args=("$@")
if [ ${#args[@]} -eq 0 ]; then
    # The library's unit tests and every integration test file (no doctests), except:
    # - examples.rs runs the example binaries as child processes, built by a plain
    #   `cargo build` that knows nothing of this target dir or of -Zbuild-std;
    # - wait_fd_emfile.rs fills the descriptor table, which TSan's runtime also needs;
    # - signals.rs checks which thread takes a process-directed signal, and TSan changes
    #   that: it defers handlers to its interceptors and runs a thread of its own.
    args=(--lib)
    for f in tests/*.rs; do
        name=$(basename "$f" .rs)
        case $name in
            examples | signals | wait_fd_emfile) ;;
            *) args+=(--test "$name") ;;
        esac
    done
    # Tests skipped by name:
    # - join_does_not_allocate_in_a_warmed_up_pool counts allocations, and under TSan
    #   crossbeam-epoch allocates in try_advance (its stand-in for fences TSan cannot see).
    args+=(-- --skip join_does_not_allocate_in_a_warmed_up_pool)
fi

start=$(date +%s)
cargo +nightly test -Zbuild-std --target "$target" --target-dir target/tsan --no-fail-fast "${args[@]}"
echo "tsan: ok ($(( $(date +%s) - start ))s)"

#!/usr/bin/env bash
# Sharpness check for the pool's loom models (DESIGN.md "What loom must prove", L6-L9).
#
# Each mutant is a small real bug compiled into src/pool/ under
# `--cfg cancelpool_mutant="NAME"` (see the `Mutant` comments there). For each one this
# builds the crate with RUSTFLAGS="--cfg loom --cfg cancelpool_mutant=\"NAME\"" and runs
# the model that must catch it; a mutant the model does not catch "survives" and the
# script exits non-zero. A baseline run (no mutant) of the same models comes first: a
# model that fails without a mutant proves nothing.
#
# Usage: scripts/loom-pool-mutants.sh [MUTANT...]   (default: all)
# The mutant cfg reaches only the cancelpool crate through scripts/mutant-rustc.sh (a
# RUSTC_WRAPPER, as in loom-mutants.sh), so a mutant rebuilds cancelpool and the models,
# not loom and its dependencies; mutants share target/loom-mutants.
set -uo pipefail
cd "$(dirname "$0")/.."

# mutant | test file | model (exact test name)
MUTANTS=(
  "sleep_skip_jec_recheck|pool_sleep|submit_from_worker_races_other_worker_sleep_job_runs"
  "detached_push_unfenced|pool_sleep|submit_from_worker_races_other_worker_sleep_job_runs"
  "wake_specific_no_notify|pool_sleep|submit_races_worker_sleep_job_runs"
  "latch_set_load_then_store|pool_join|join_waiter_resumes_when_stolen_half_completes"
  "latch_set_relaxed|pool_join|join_waiter_resumes_when_stolen_half_completes"
  "admit_check_then_increment|pool_shutdown|shutdown_races_submit_every_job_accounted"
  "close_skips_admission_wait|pool_shutdown|shutdown_races_submit_every_job_accounted"
  "worker_exit_skips_drain|pool_shutdown|shutdown_races_submit_every_job_accounted"
  "join_unwinds_before_stolen_half|pool_join|join_waits_for_stolen_half_when_first_half_panics"
  "stackjob_lets_panic_escape|pool_join|join_waiter_resumes_also_when_stolen_half_panics"
  "submit_runs_cancelled_job|pool_submit|handle_cancel_races_job_start_join_reports_what_happened"
  "submit_cancel_overrides_ok|pool_submit|handle_cancel_races_job_start_join_reports_what_happened"
  "submit_done_before_result|pool_submit|handle_cancel_races_job_start_join_reports_what_happened"
  "submit_done_relaxed|pool_submit|handle_cancel_races_job_start_join_reports_what_happened"
  "submit_notify_outside_lock|pool_submit|handle_cancel_races_job_start_join_reports_what_happened"
)

LOGDIR=target/loom-mutants/logs
mkdir -p "$LOGDIR"

# selected MUTANT [WANTED...]: true if no mutant was asked for, or MUTANT was.
selected() {
  local m=$1; shift
  [ $# -eq 0 ] && return 0
  for want in "$@"; do [ "$want" = "$m" ] && return 0; done
  return 1
}

# run MUTANT TARGET_DIR FILE TEST LOG -> exit status of cargo test ("" = no mutant)
run_model() {
  # The wrapper's cfg is invisible to cargo's fingerprint: touching the crate root makes
  # cargo rebuild cancelpool (and the models) for every mutant.
  touch src/lib.rs
  RUSTFLAGS="--cfg loom" RUSTC_WRAPPER="$PWD/scripts/mutant-rustc.sh" CANCELPOOL_MUTANT="$1" \
    cargo test -q -p loom-tests --release --target-dir "$2" --test "$3" \
    -- --exact "$4" >"$5" 2>&1
}

# Why the model failed, in a few words, from its log.
reason() {
  local log=$1 msg sig
  if grep -q "could not compile\|error\[E" "$log"; then
    echo "BUILD FAILED"
  elif grep -q "^deadlock" "$log"; then
    echo "deadlock"
  elif msg=$(grep -m1 -A1 "panicked at .*loom-tests/tests/\|panicked at .*src/pool/" "$log"); then
    echo "panic: $(echo "$msg" | tail -n1 | cut -c1-70)"
  elif sig=$(grep -o -m1 "signal: [0-9]*, SIG[A-Z]*" "$log"); then
    # A use-after-free in the model process (e.g. a thief writing into a dead frame).
    echo "crash (${sig#*, })"
  else
    # The models silence their own expected panic payload: it escaped somewhere.
    echo "failed (the expected panic escaped a worker)"
  fi
}

status=0
declare -A baseline_done=()
printf '%-34s | %-68s | %s\n' "mutant" "caught by" "result"
printf '%s\n' "$(printf -- '-%.0s' {1..140})"
for entry in "${MUTANTS[@]}"; do
  IFS='|' read -r name file model <<<"$entry"
  selected "$name" "$@" || continue
  if [ -z "${baseline_done[$file::$model]:-}" ]; then
    log="$LOGDIR/baseline-$model.log"
    if ! run_model "" target/loom-mutants "$file" "$model" "$log"; then
      printf '%-34s | %-68s | %s\n' "(none: baseline)" "$file::$model" "FAILS WITHOUT MUTANT ($log)"
      status=1
    fi
    baseline_done[$file::$model]=1
  fi
  log="$LOGDIR/$name.log"
  start=$(date +%s)
  if run_model "$name" target/loom-mutants "$file" "$model" "$log"; then
    result="SURVIVED"
    status=1
  else
    result="caught: $(reason "$log")"
    case $result in *"BUILD FAILED"*) status=1 ;; esac
  fi
  printf '%-34s | %-68s | %s (%ss)\n' "$name" "$file::$model" "$result" \
    "$(($(date +%s) - start))"
done
exit $status

#!/usr/bin/env bash
# Sharpness of the loom models (loom-tests/): every seeded bug must make a model fail.
#
# Each mutant is a patch, loom-tests/mutants/<area>-<name>.patch, where <area> is the
# module it breaks (node, wait, state, sleep, latch, registry, join, job, submit). Its
# header names the bug and the model(s) that must catch it:
#
#     Bug: a latch is set Relaxed: the owner that sees it set does not see the job's writes
#     Model: pool_join join_waiter_resumes_when_stolen_half_completes
#
# (`Model: <file in loom-tests/tests> <exact test name>`, one line per model). The
# patch is applied to a scratch copy of the crate (target/loom-mutants/crate, never to
# src/), the models are built with RUSTFLAGS="--cfg loom" and run under the bound their
# files state, and a table says which mutant each model caught. Exit status non-zero if
# a mutant survives, a patch no longer applies or does not build, or a model fails
# without any mutant (the unmutated baseline, run first: such a model proves nothing).
#
#   scripts/loom-mutants.sh                 # every mutant
#   scripts/loom-mutants.sh latch submit-   # the mutants whose name contains a word given
#   scripts/loom-mutants.sh --list          # each mutant's bug and model(s)
#   scripts/loom-mutants.sh --no-baseline   # skip the unmutated run (when scripts/loom.sh
#                                           # has just passed on this tree, as in CI)
#   scripts/loom-mutants.sh --refresh [..]  # after src/ changed: rewrite the patches that
#                                           # still apply with fuzz and then build
#                                           # (review the diff: fuzz can misplace a hunk)
#
# A new mutant: break the code in your tree, `git diff src > loom-tests/mutants/<area>-
# <name>.patch`, restore src (`git checkout src`), add the Bug/Model header, run the
# script on it. A patch that no longer applies exactly (the code it breaks changed)
# fails the run: refresh it (--refresh) or remake it; it is never skipped.
#
# The build shares target/loom with scripts/loom.sh (same RUSTFLAGS), so loom and its
# dependencies are built once; each mutant rebuilds only cancelpool (renamed in the copy,
# see fresh_copy) and the model files it runs. LOOM_MAX_PREEMPTIONS, if set, overrides every model's bound, as in loom.sh.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

MUTANTS_DIR=loom-tests/mutants
WORK=$ROOT/target/loom-mutants
COPY=$WORK/crate
LOGS=$WORK/logs
TARGET=$ROOT/target/loom
# A model that runs longer than this under a mutant is reported as a failure to catch.
MODEL_TIMEOUT=${MODEL_TIMEOUT:-600}
export RUSTFLAGS="--cfg loom"
export RUST_BACKTRACE=0

die() {
    echo "loom-mutants: $*" >&2
    exit 2
}

mode=run
baseline=1
words=()
for arg in "$@"; do
    case $arg in
        --list) mode=list ;;
        --no-baseline) baseline=0 ;;
        --refresh) mode=refresh ;;
        -h | --help)
            sed -n '2,/^set -uo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        -*) die "unknown option $arg (see --help)" ;;
        *) words+=("$arg") ;;
    esac
done

patches=()
for p in "$MUTANTS_DIR"/*.patch; do
    [ -e "$p" ] || continue
    name=$(basename "$p" .patch)
    if [ ${#words[@]} -gt 0 ]; then
        hit=0
        for w in "${words[@]}"; do [[ $name == *"$w"* ]] && hit=1; done
        [ $hit = 1 ] || continue
    fi
    patches+=("$p")
done
[ ${#patches[@]} -gt 0 ] || die "no mutant in $MUTANTS_DIR matches: ${words[*]:-(any)}"

bug_of() { sed -n 's/^Bug: //p' "$1" | head -n1; }
models_of() { sed -n 's/^Model: //p' "$1"; }

if [ $mode = list ]; then
    for p in "${patches[@]}"; do
        echo "$(basename "$p" .patch): $(bug_of "$p")"
        models_of "$p" | sed 's/^/    model: /'
    done
    exit 0
fi

mkdir -p "$WORK" "$LOGS"
if command -v flock >/dev/null; then
    exec 9>"$WORK/lock"
    flock -n 9 || die "another run holds $WORK/lock"
fi

# A fresh copy of the crate as it is in the working tree. Fresh modification times
# make cargo rebuild cancelpool for every mutant, whatever the previous one touched.
fresh_copy() {
    rm -rf "$COPY"
    mkdir -p "$COPY"
    local item
    for item in Cargo.toml Cargo.lock README.md src tests benches examples loom-tests; do
        [ -e "$item" ] && cp -R "$item" "$COPY/"
    done
    rm -rf "$COPY/loom-tests/mutants"
    # Cargo names a workspace member's artifacts after its package and its path relative
    # to the workspace root, so the copy's would be the very files of the tree's own loom
    # build in target/loom: a mutated library could then pass for the tree's. Renamed
    # (the models still say `cancelpool`), the copy shares only the dependencies' builds.
    rename 's/^name = "cancelpool"$/name = "cancelpool-mutant"/' "$COPY/Cargo.toml"
    rename 's/^cancelpool = { path = "\.\."\(.*\) }$/cancelpool = { path = "..", package = "cancelpool-mutant"\1 }/' \
        "$COPY/loom-tests/Cargo.toml"
}

# rename SED-EXPR FILE: edits FILE in place; fails unless the expression changed it.
rename() {
    sed "$1" "$2" >"$2.new"
    if cmp -s "$2" "$2.new"; then
        die "the copy's $2 has no line for '$1' (update fresh_copy in $0)"
    fi
    mv "$2.new" "$2"
}

# apply PATCH [patch options...]: applies PATCH to the copy; exact context only.
apply() {
    local p=$1
    shift
    patch -d "$COPY" -p1 -F0 --no-backup-if-mismatch -s "$@" <"$ROOT/$p"
}

if [ $mode = refresh ]; then
    status=0
    for p in "${patches[@]}"; do
        name=$(basename "$p" .patch)
        fresh_copy
        if apply "$p" --dry-run >/dev/null 2>&1; then
            echo "$name: applies as it is"
            continue
        fi
        if ! patch -d "$COPY" -p1 -F3 --no-backup-if-mismatch -s <"$p" >/dev/null 2>&1; then
            echo "$name: DOES NOT APPLY, even with fuzz: remake it by hand"
            status=1
            continue
        fi
        # Fuzz may put a hunk in the wrong place: keep the result only if it builds.
        if ! (cd "$COPY" && cargo build -q -p cancelpool-mutant --release --target-dir "$TARGET") \
            >"$LOGS/refresh-$name.log" 2>&1; then
            echo "$name: applies only with fuzz, and then does not build: remake it by hand"
            status=1
            continue
        fi
        {
            sed -n '1,/^$/p' "$p"
            for f in $(sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$p"); do
                diff -u --label "a/$f" --label "b/$f" "$f" "$COPY/$f"
            done
        } >"$p.new"
        mv "$p.new" "$p"
        echo "$name: refreshed (review: git diff $p)"
    done
    exit $status
fi

start=$(date +%s)
status=0
rows=()
row() { rows+=("$1|$2|$3"); }

# 1. Every patch must apply exactly and name models that exist, before any model runs.
fresh_copy
declare -A wanted=()
for p in "${patches[@]}"; do
    name=$(basename "$p" .patch)
    if ! out=$(apply "$p" --dry-run 2>&1); then
        echo "loom-mutants: $p DOES NOT APPLY to the working tree (refresh or remake it):" >&2
        echo "$out" | sed 's/^/    /' >&2
        status=2
    fi
    [ -n "$(models_of "$p")" ] || {
        echo "loom-mutants: $p names no 'Model:'" >&2
        status=2
    }
    while read -r file test; do
        [ -n "$file" ] || continue
        if ! grep -q "fn $test()" "loom-tests/tests/$file.rs" 2>/dev/null; then
            echo "loom-mutants: $p names $file::$test, which is not in loom-tests/tests/$file.rs" >&2
            status=2
        fi
        wanted["$file $test"]=1
    done < <(models_of "$p")
done
[ $status = 0 ] || exit $status

# build_models LOG FILE...: builds the named model files in the copy.
build_models() {
    local log=$1
    shift
    local args=() f
    for f in "$@"; do args+=(--test "$f"); done
    (cd "$COPY" && cargo test -p loom-tests --release --target-dir "$TARGET" --no-run "${args[@]}") \
        >"$log" 2>&1
}

# run_model LOG FILE TEST: runs one model (already built); cargo test's status.
run_model() {
    local log=$1 file=$2 test=$3
    (cd "$COPY" && timeout "$MODEL_TIMEOUT" cargo test -q -p loom-tests --release \
        --target-dir "$TARGET" --test "$file" -- --exact "$test") >>"$log" 2>&1
}

# Why a model failed, in a few words, from its log.
reason() {
    local log=$1 msg sig
    if grep -q "^deadlock; threads" "$log"; then
        echo "loom: deadlock"
    elif msg=$(grep -m1 -A1 "panicked at" "$log"); then
        echo "$msg" | tail -n1 | cut -c1-70
    elif sig=$(grep -o -m1 "signal: [0-9]*, SIG[A-Z]*" "$log"); then
        # A crash in the model process (a thief writing into an unwound frame, an abort).
        echo "crash (${sig#*, })"
    else
        # The pool models silence their own expected panic: it escaped somewhere.
        echo "failed with no message of its own (see ${log#"$WORK"/})"
    fi
}

# 2. Baseline: the unmutated copy passes every model the mutants name.
declare -A baseline_ok=()
if [ $baseline = 0 ]; then
    echo "baseline: skipped (--no-baseline: the models passed unmutated elsewhere)"
    for key in $(printf '%s\n' "${!wanted[@]}" | tr ' ' ':'); do baseline_ok[$key]=1; done
else
    files=$(printf '%s\n' "${!wanted[@]}" | cut -d' ' -f1 | sort -u)
    echo "baseline: building $(echo $files | wc -w) model files"
    # shellcheck disable=SC2086
    if ! build_models "$LOGS/baseline-build.log" $files; then
        echo "loom-mutants: the unmutated crate does not build, see $LOGS/baseline-build.log" >&2
        exit 2
    fi
    for key in $(printf '%s\n' "${!wanted[@]}" | sort | tr ' ' ':'); do
        file=${key%%:*}
        test=${key#*:}
        t0=$(date +%s)
        log="$LOGS/baseline-$test.log"
        : >"$log"
        if run_model "$log" "$file" "$test"; then
            baseline_ok[$key]=1
            echo "baseline: $file::$test passes ($(($(date +%s) - t0)) s)"
        else
            row "(none: baseline)" "$file::$test" "FAILS WITHOUT A MUTANT: $(reason "$log")"
            echo "baseline: $file::$test FAILS without a mutant, see $log"
            status=1
        fi
    done
fi

# 3. Each mutant against its models.
for p in "${patches[@]}"; do
    name=$(basename "$p" .patch)
    echo "mutant $name: $(bug_of "$p")"
    t0=$(date +%s)
    log="$LOGS/$name.log"
    fresh_copy
    if ! apply "$p" >"$log" 2>&1; then
        row "$name" "-" "ERROR: patch does not apply, see $log"
        status=1
        continue
    fi
    # shellcheck disable=SC2046
    if ! build_models "$log" $(models_of "$p" | cut -d' ' -f1 | sort -u); then
        row "$name" "-" "ERROR: does not build, see $log"
        status=1
        continue
    fi
    while read -r file test; do
        if [ -z "${baseline_ok[$file:$test]:-}" ]; then
            row "$name" "$file::$test" "NOT RUN: the model fails without a mutant"
            continue
        fi
        run_model "$log" "$file" "$test"
        rc=$?
        if [ $rc = 0 ]; then
            row "$name" "$file::$test" "SURVIVED"
            status=1
        elif [ $rc = 124 ]; then
            row "$name" "$file::$test" "TIMED OUT after ${MODEL_TIMEOUT} s (not caught)"
            status=1
        else
            row "$name" "$file::$test" "caught: $(reason "$log") ($(($(date +%s) - t0)) s)"
        fi
    done < <(models_of "$p")
done

echo
printf '%-38s | %-70s | %s\n' "mutant" "model" "caught?"
printf '%s\n' "$(printf -- '-%.0s' {1..150})"
for r in "${rows[@]}"; do
    IFS='|' read -r a b c <<<"$r"
    printf '%-38s | %-70s | %s\n' "$a" "$b" "$c"
done
echo
echo "loom-mutants: ${#patches[@]} mutant(s) in $(($(date +%s) - start)) s" \
    "(LOOM_MAX_PREEMPTIONS=${LOOM_MAX_PREEMPTIONS:-per model})"
[ $status = 0 ] && echo "loom-mutants: every mutant caught"
exit $status

#!/usr/bin/env bash
# RUSTC_WRAPPER used by scripts/loom-mutants.sh: when rustc compiles the `cancelpool`
# crate, adds `--cfg cancelpool_mutant="$CANCELPOOL_MUTANT"`, exactly what
# RUSTFLAGS='--cfg cancelpool_mutant="NAME"' would add to it. Other crates are compiled
# unchanged, so a mutant rebuilds cancelpool and the models, not loom and its deps.
rustc="$1"
shift
is_cancelpool=0
prev=""
for arg in "$@"; do
    if [ "$prev" = "--crate-name" ] && [ "$arg" = "cancelpool" ]; then
        is_cancelpool=1
    fi
    prev="$arg"
done
if [ "$is_cancelpool" = 1 ] && [ -n "${CANCELPOOL_MUTANT:-}" ]; then
    exec "$rustc" "$@" --cfg "cancelpool_mutant=\"$CANCELPOOL_MUTANT\""
fi
exec "$rustc" "$@"

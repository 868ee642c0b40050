#!/usr/bin/env bash
# CI: build every fuzz target and run each for a short fixed time from its seeds, failing on any
# crash, timeout or out-of-memory. Regressions show here; finding new bugs is the campaign's job
# (fuzz/README.md).
#
#   fuzz/ci.sh              every target, FUZZ_SECONDS (default 10) each
#   fuzz/ci.sh junit tap    just those
#   fuzz/ci.sh --build-only build the targets, run none
#
# Needs only the stable toolchain: cargo-fuzz's nightly flags are allowed with RUSTC_BOOTSTRAP=1.
# Builds into fuzz/target; corpora go to fuzz/corpus (seeded by fuzz/seed.sh when empty), crash
# inputs to fuzz/artifacts/<target>/.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
seconds=${FUZZ_SECONDS:-10}
build_only=
if [ "${1:-}" = --build-only ]; then
  build_only=1
  shift
fi
# shellcheck source=options.sh
. ./options.sh
export RUSTC_BOOTSTRAP=1
# The fuzz workspace has its own target folder, whatever the caller's CARGO_TARGET_DIR says.
unset CARGO_TARGET_DIR

if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked --version 0.13.2
fi

mapfile -t targets < <(if [ $# -gt 0 ]; then printf '%s\n' "$@"; else cargo fuzz list; fi)

start=$(date +%s)
# --dev: unoptimised, a third of an optimised build's time (the campaign, run.sh, optimises: this
# is a regression check, not a search); -a: with overflow checks and debug assertions, as tests
# run; -s none: no sanitizer (gate-core forbids unsafe code; we look for panics, hangs and memory
# blow-ups).
flags=(--dev -a -s none)
CARGO_PROFILE_DEV_DEBUG=0 cargo fuzz build "${flags[@]}"
echo "fuzz/ci.sh: built in $(($(date +%s) - start)) s"
if [ -n "$build_only" ]; then
  exit 0
fi

if [ ! -d corpus ] || [ -z "$(ls -A corpus 2>/dev/null)" ]; then
  ./seed.sh
fi

failed=()
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t" "artifacts/$t"
  # A target's corpus only grows during CI runs into a scratch copy: CI must not depend on, or
  # change, what an earlier run found.
  work=$(mktemp -d)
  mapfile -t options < <(fuzz_options "$t")
  if ! CARGO_PROFILE_DEV_DEBUG=0 cargo fuzz run "${flags[@]}" "$t" "$work" "corpus/$t" -- \
    -max_total_time="$seconds" -print_final_stats=1 "${options[@]}" >"$work.log" 2>&1; then
    failed+=("$t")
    echo "fuzz/ci.sh: $t FAILED; the log's end:" >&2
    tail -n 40 "$work.log" >&2
    cp "$work.log" "artifacts/$t/ci.log"
  else
    printf 'fuzz/ci.sh: %-16s ok  %s\n' "$t" "$(grep -h 'stat::number_of_executed_units' "$work.log" | awk '{print $2 " execs"}')"
  fi
  rm -rf "$work" "$work.log"
done

echo "fuzz/ci.sh: ${#targets[@]} targets in $(($(date +%s) - start)) s"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz/ci.sh: failed: ${failed[*]} (inputs in fuzz/artifacts/<target>/)" >&2
  exit 1
fi

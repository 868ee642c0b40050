#!/usr/bin/env bash
# The campaign: run each named target (default: all) for SECONDS (default 60) in turn, on one
# core, growing fuzz/corpus/<target>/; logs go to fuzz/logs/<target>.log and a line per run to
# fuzz/logs/campaign.tsv (target, wall seconds, CPU seconds, executions, exec/s, coverage,
# features, corpus, crashed). On a shared machine the CPU seconds are the figure that counts:
# libFuzzer's own clock, and so its exec/s, is wall time.
#
#   fuzz/run.sh 300 junit sarif
#
# Build first (fuzz/ci.sh builds; or `RUSTC_BOOTSTRAP=1 cargo fuzz build -O -a -s none`).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
seconds=${1:-60}
shift || true
export RUSTC_BOOTSTRAP=1
unset CARGO_TARGET_DIR
# shellcheck source=options.sh
. ./options.sh

mapfile -t targets < <(if [ $# -gt 0 ]; then printf '%s\n' "$@"; else cargo fuzz list; fi)
mkdir -p logs
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t" "artifacts/$t"
  mapfile -t options < <(fuzz_options "$t")
  log=logs/$t.log
  cargo fuzz build -O -a -s none "$t" >/dev/null 2>&1
  start=$(date +%s)
  TIMEFORMAT='%U %S'
  { time cargo fuzz run -O -a -s none "$t" "corpus/$t" -- -max_total_time="$seconds" \
    -print_final_stats=1 "${options[@]}" >"$log" 2>&1; } 2>"$log.cpu"
  status=$?
  wall=$(($(date +%s) - start))
  cpu=$(awk '{printf "%d", $1 + $2}' "$log.cpu")
  stat() { grep -h "stat::$1:" "$log" | tail -1 | awk '{print $2}'; }
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  cov=$(printf '%s' "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
  ft=$(printf '%s' "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
  corp=$(printf '%s' "$last" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$wall" "$cpu" "$(stat number_of_executed_units)" \
    "$(stat average_exec_per_sec)" "$cov" "$ft" "$corp" "$([ $status -eq 0 ] && echo no || echo YES)" \
    | tee -a logs/campaign.tsv
done

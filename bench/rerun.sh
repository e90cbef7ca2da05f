#!/usr/bin/env bash
# What up-to-date detection saves: for each export layout, the wall time of a first run, of the
# rerun after changing only the time bins (tokens_final and export_tokens rebuilt from the stored
# events_merged), and of a rerun with nothing to do. Each is the median of REPEAT (default 3)
# rounds, as this machine's run-to-run spread is wide. Measures; asserts nothing about time.
#   bench/rerun.sh HOSP_DIR [THREADS=2] [WORK_DIR=/tmp/ehrtok-rerun]
set -euo pipefail
cd "$(dirname "$0")/.."
hosp=$1
threads=${2:-2}
work=${3:-/tmp/ehrtok-rerun}
ehrtok=${EHRTOK:-build/ehrtok}
repeat=${REPEAT:-3}
new_bins=(--time-bins-edges 0,12,48 --time-bins-names PRE,FIRST_12H,FIRST_2D,LATER)

# Prints the wall seconds of one ehrtok run.
wall() {
  /usr/bin/time -f "%e" -o "$work/time" "$ehrtok" "$@" --threads "$threads" --quiet
  cat "$work/time"
}

# The median of the numbers on stdin.
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

mkdir -p "$work"
printf "%-7s %9s %9s %9s %8s   (median of %d)\n" layout first_s rebin_s noop_s speedup "$repeat"
for layout in hive none; do
  out="$work/out-$layout"
  args=(run --input "$hosp" --output "$out" --export-layout "$layout")
  firsts=() rebins=() noops=()
  for ((round = 0; round < repeat; round++)); do
    rm -rf "$out"
    sync
    firsts+=("$(wall "${args[@]}")")
    rebins+=("$(wall "${args[@]}" "${new_bins[@]}")")
    noops+=("$(wall "${args[@]}" "${new_bins[@]}")")
  done
  first=$(printf "%s\n" "${firsts[@]}" | median)
  rebin=$(printf "%s\n" "${rebins[@]}" | median)
  noop=$(printf "%s\n" "${noops[@]}" | median)
  printf "%-7s %9.2f %9.2f %9.2f %7.1fx   first: %s  rebin: %s\n" "$layout" "$first" "$rebin" \
    "$noop" "$(awk -v a="$first" -v b="$rebin" 'BEGIN { print a / b }')" "${firsts[*]}" "${rebins[*]}"
done

#!/usr/bin/env bash
# What up-to-date detection saves: for each export layout, the wall time of a first run, of the
# rerun after changing only the time bins (tokens_final and export_tokens rebuilt from the stored
# events_merged), and of a rerun with nothing to do. Measures; asserts nothing about time.
#   bench/rerun.sh HOSP_DIR [THREADS=2] [WORK_DIR=/tmp/ehrtok-rerun]
set -euo pipefail
cd "$(dirname "$0")/.."
hosp=$1
threads=${2:-2}
work=${3:-/tmp/ehrtok-rerun}
ehrtok=${EHRTOK:-build/ehrtok}
new_bins=(--time-bins-edges 0,12,48 --time-bins-names PRE,FIRST_12H,FIRST_2D,LATER)

# Prints the wall seconds of one ehrtok run.
wall() {
  /usr/bin/time -f "%e" -o "$work/time" "$ehrtok" "$@" --threads "$threads" --quiet
  cat "$work/time"
}

mkdir -p "$work"
printf "%-7s %9s %9s %9s %8s\n" layout first_s rebin_s noop_s speedup
for layout in hive none; do
  out="$work/out-$layout"
  rm -rf "$out"
  sync
  args=(run --input "$hosp" --output "$out" --export-layout "$layout")
  first=$(wall "${args[@]}")
  rebin=$(wall "${args[@]}" "${new_bins[@]}")
  noop=$(wall "${args[@]}" "${new_bins[@]}")
  printf "%-7s %9.2f %9.2f %9.2f %7.1fx\n" "$layout" "$first" "$rebin" "$noop" \
    "$(awk -v a="$first" -v b="$rebin" 'BEGIN { print a / b }')"
done

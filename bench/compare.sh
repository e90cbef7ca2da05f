#!/usr/bin/env bash
# Same data, same thread count: (a) ehrtok (REPEAT runs, default 3: the median counts), (b) the
# reference SQL on DuckDB, (c) the floor: decompressing the inputs with igzip. Prints wall time,
# CPU time and peak RSS of each and the ratios, then checks that (a) and (b) produced the same
# rows. Measures; asserts nothing about time.
#   bench/compare.sh HOSP_DIR [THREADS=2] [WORK_DIR=/tmp/ehrtok-bench]
set -euo pipefail
cd "$(dirname "$0")/.."
hosp=$1
threads=${2:-2}
work=${3:-/tmp/ehrtok-bench}
ehrtok=${EHRTOK:-build/ehrtok}
repeat=${REPEAT:-3}
((repeat >= 1)) || { echo "REPEAT must be at least 1" >&2; exit 2; }
rm -rf "$work" && mkdir -p "$work"

# Runs a command under /usr/bin/time; appends "name wall cpu rss_kb" to $work/times.
measure() {
  local name=$1
  shift
  /usr/bin/time -f "%e %U %S %M" -o "$work/$name.time" "$@" > "$work/$name.log" 2>&1 || {
    echo "$name failed; see $work/$name.log" >&2
    exit 1
  }
  read -r wall user sys rss < "$work/$name.time"
  echo "$name $wall $(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }') $rss" >> "$work/times"
}

inputs=()
for t in admissions diagnoses_icd procedures_icd prescriptions labevents; do
  if [ -f "$hosp/$t.csv.gz" ]; then inputs+=("$hosp/$t.csv.gz"); else inputs+=("$hosp/$t.csv"); fi
done
sync
measure floor bash -c 'for f in "$@"; do case $f in *.gz) igzip -dc "$f" ;; *) cat "$f" ;; esac; done > /dev/null' _ "${inputs[@]}"
# ehrtok runs REPEAT times (default 3; this VM's runs vary by +-20%) and the median run counts
# (the lower middle one for an even count); each run's log is kept as ehrtok.N.log.
# ehrtok resets the kernel's peak-RSS mark at each asset to measure assets one by one, so the
# figure /usr/bin/time reads at exit covers only the last stretch of the run: take the peak its
# run_report.json records over all assets instead.
for ((round = 1; round <= repeat; round++)); do
  rm -rf "$work/ehrtok"
  measure ehrtok "$ehrtok" run --input "$hosp" --output "$work/ehrtok" --threads "$threads" --no-export
  cp "$work/ehrtok.log" "$work/ehrtok.$round.log"
  report_peak_kb=$(node -e 'console.log(Math.round(JSON.parse(require("fs").readFileSync(process.argv[1])).peak_rss_bytes / 1024))' "$work/ehrtok/run_report.json")
  awk -v peak="$report_peak_kb" 'NR == n && $1 == "ehrtok" && peak > $4 { $4 = peak } { print }' \
    n="$(wc -l < "$work/times")" "$work/times" > "$work/times.new"
  mv "$work/times.new" "$work/times"
done
measure duckdb node bench/reference/run_reference.mjs --hosp "$hosp" --out "$work/duckdb" \
  --threads "$threads" --format parquet

echo "what        wall_s   cpu_s   peak_rss_MB"
while read -r name wall cpu rss; do
  printf "%-10s %7.2f %7.2f %9.0f\n" "$name" "$wall" "$cpu" "$((rss / 1024))"
done < "$work/times"
# The median ehrtok run (by wall time) stands for ehrtok in the ratios.
{ grep -v '^ehrtok ' "$work/times"; grep '^ehrtok ' "$work/times" | sort -k2,2n | awk '{ r[NR] = $0 } END { print r[int((NR + 1) / 2)] }'; } > "$work/median"
echo "ehrtok: the median of $(grep -c '^ehrtok ' "$work/times") runs"
awk '{ wall[$1] = $2; rss[$1] = $4 }
  END { printf "duckdb / ehrtok wall: %.2fx; ehrtok / floor wall: %.2fx; ehrtok / duckdb peak RSS: %.3f\n",
               wall["duckdb"] / wall["ehrtok"], wall["ehrtok"] / wall["floor"], rss["ehrtok"] / rss["duckdb"] }' "$work/median"

node bench/same_rows.mjs "$work/ehrtok" "$work/duckdb"

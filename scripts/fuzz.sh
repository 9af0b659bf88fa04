#!/usr/bin/env bash
# Runs the libFuzzer targets in fuzz/ (the ID number, money, area-code and
# month parsers; CSV in UTF-8 and GBK; xlsx as raw bytes and as a well-formed
# container around arbitrary sheet XML), each for the given number of seconds,
# and prints one line per target: seconds, executions, result.
#
#   scripts/fuzz.sh [seconds-per-target] [target ...]      default 60 s, all targets
#
# Installs cargo-fuzz from crates.io when it is missing. The sanitizer flags
# cargo-fuzz passes to rustc are nightly features; on a stable toolchain
# RUSTC_BOOTSTRAP=1 lets the same compiler accept them. The corpus grows in
# fuzz/corpus/<target> (kept between runs, not committed) from the seeds in
# fuzz/seeds; a crash leaves its input in fuzz/artifacts/<target>/ and makes
# the script fail (replay: cargo fuzz run <target> <file>).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-60}"
shift || true
all_targets=(id_number money area_code year_month csv_utf8 csv_gbk xlsx_bytes xlsx_parts)
if [ "$#" -gt 0 ]; then targets=("$@"); else targets=("${all_targets[@]}"); fi

if ! command -v cargo-fuzz >/dev/null 2>&1; then
  echo "== installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi
if ! rustc --version | grep -q nightly; then
  export RUSTC_BOOTSTRAP=1
fi
export CARGO_TARGET_DIR="$repo_root/target/fuzz"
cd "$repo_root/fuzz"

seeds_of() {
  case "$1" in
    id_number|money|area_code|year_month|csv_gbk) echo seeds/text ;;
    csv_utf8) echo seeds/csv ;;
    xlsx_bytes) echo seeds/xlsx ;;
    xlsx_parts) echo seeds/xlsx_parts ;;
    *) echo "unknown fuzz target: $1" >&2; return 1 ;;
  esac
}
max_len_of() {
  case "$1" in
    id_number|money|area_code|year_month) echo 256 ;;
    *) echo 131072 ;;
  esac
}

echo "== building the fuzz targets (release, debug assertions on)"
cargo fuzz build --debug-assertions

failed=0
summary=()
for t in "${targets[@]}"; do
  seeds="$(seeds_of "$t")"
  mkdir -p "corpus/$t" "artifacts/$t"
  log="$CARGO_TARGET_DIR/fuzz-$t.log"
  echo "== $t for ${seconds}s"
  start=$(date +%s)
  if cargo fuzz run --debug-assertions "$t" "corpus/$t" "$seeds" -- \
      -max_total_time="$seconds" -max_len="$(max_len_of "$t")" -timeout=20 \
      -rss_limit_mb=3072 -print_final_stats=1 -artifact_prefix="artifacts/$t/" >"$log" 2>&1; then
    result=ok
  else
    result="CRASH (see $log and fuzz/artifacts/$t/)"
    failed=1
    tail -n 40 "$log" >&2
  fi
  took=$(( $(date +%s) - start ))
  execs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -n1)"
  summary+=("$(printf '%-11s %6ss %12s executions  corpus %5s  %s' "$t" "$took" "${execs:-?}" "$(ls "corpus/$t" | wc -l)" "$result")")
done

echo
echo "== fuzz summary (${seconds}s per target)"
printf '%s\n' "${summary[@]}"
exit "$failed"

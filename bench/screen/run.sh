#!/usr/bin/env bash
# The provincial screening benchmark: a registry extract of PERSONS persons
# and a 医保 feed of ROWS rows (default 10,000,000 each), screened by fangpin
# (`fangpin screen`), DuckDB (2 threads) and pandas, the same job in each
# (bench/screen/jobs.py says which); prints wall time and peak memory side by
# side and checks that the three give the same warnings.
#
#   bench/screen/run.sh [PERSONS] [ROWS]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"
persons="${1:-10000000}"
rows="${2:-10000000}"
as_of=2024-12-31
venv="$repo_root/target/bench-venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet duckdb pandas numpy
fi
py="$venv/bin/python"
cargo build --release -p fangpin --manifest-path "$repo_root/Cargo.toml" >&2
bin="$repo_root/target/release/fangpin"
data="$repo_root/target/bench-screen/$persons-$rows"
mkdir -p "$data"
if [ ! -s "$data/feed.csv" ]; then
  echo "== generating $persons persons and $rows feed rows" >&2
  "$py" "$here/gen.py" "$persons" "$rows" "$data"
fi
ls -la "$data"/registry.csv "$data"/feed.csv | awk '{printf "    %s: %.0f MB\n", $9, $5/1048576}'
measure() {
  local name="$1"; shift
  /usr/bin/time -f "%e %M" -o "$data/time-$name" "$@" >/dev/null
  read -r wall rss < "$data/time-$name"
  printf "    %-8s %8.2f s %8.0f MB\n" "$name" "$wall" "$((rss / 1024))"
}
echo "== screening (wall time, peak memory)"
measure fangpin "$bin" screen "$data/feed.csv" --type 医保 --registry "$data/registry.csv" \
  --out "$data/warnings-fangpin.csv" --as-of "$as_of" --rules YB01,YB02,YB07 --unmasked
measure duckdb "$py" "$here/jobs.py" duckdb "$data" "$as_of"
measure pandas "$py" "$here/jobs.py" pandas "$data" "$as_of"
"$py" "$here/compare.py" "$data"

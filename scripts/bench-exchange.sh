#!/usr/bin/env bash
# Measures export and import of N demo households (default 100,000) on SQLite:
# export to xlsx and CSV, import each into a fresh database, then re-import
# (every household unchanged). Prints wall time and peak memory per step.
# With BENCH_PG_URL (a PostgreSQL server URL, e.g.
# postgres://postgres@127.0.0.1:5432/postgres) the imports are repeated on
# PostgreSQL, each into a new database.
#
#   scripts/bench-exchange.sh 100000
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${1:-100000}"
cargo build --release -p fangpin --manifest-path "$repo_root/Cargo.toml" >&2
bin="$repo_root/target/release/fangpin"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
t() { /usr/bin/time -f "    wall %e s, peak RSS %M KB" "$@" 2>&1 | grep -v " INFO "; }
echo "== demo county of $n households"
t "$bin" demo --no-serve --households "$n" --database-url sqlite:src.db
export FANGPIN_KEY_FILE="$work/src.key"
echo "== export xlsx (unmasked)"; t "$bin" export --database-url sqlite:src.db --out all.xlsx --unmasked
echo "== export csv (unmasked)";  t "$bin" export --database-url sqlite:src.db --out all.csv --unmasked
ls -la all.xlsx all.csv | awk '{printf "    %s: %.0f MB\n", $9, $5/1048576}'
"$bin" keygen --out "$work/dst.key" >/dev/null
export FANGPIN_KEY_FILE="$work/dst.key"
echo "== import xlsx into a fresh database"; t "$bin" import --database-url sqlite:x.db all.xlsx
echo "== re-import the same xlsx (nothing changes)"; t "$bin" import --database-url sqlite:x.db all.xlsx
echo "== import csv into a fresh database"; t "$bin" import --database-url sqlite:c.db all.csv

if [ -n "${BENCH_PG_URL:-}" ]; then
  base="${BENCH_PG_URL%/*}"
  for kind in xlsx csv; do
    db="fangpin_bench_$kind"
    psql "$BENCH_PG_URL" -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
    echo "== PostgreSQL: import $kind into a fresh database"
    t "$bin" import --database-url "$base/$db" "all.$kind"
    if [ "$kind" = xlsx ]; then
      echo "== PostgreSQL: re-import the same xlsx (nothing changes)"
      t "$bin" import --database-url "$base/$db" all.xlsx
    fi
    psql "$BENCH_PG_URL" -qc "DROP DATABASE IF EXISTS $db" >/dev/null
  done
fi

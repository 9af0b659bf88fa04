#!/usr/bin/env bash
# Measures `fangpin demo --no-serve` (generate + store) for a given size on
# SQLite and, when FANGPIN_BENCH_PG_URL is set, on PostgreSQL (that database is
# wiped first). Prints wall time and peak memory. Results go in docs/benchmarks.md.
#
#   scripts/bench-demo.sh 100000
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${1:-100000}"
cargo build --release -p fangpin --manifest-path "$repo_root/Cargo.toml" >&2
bin="$repo_root/target/release/fangpin"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "== SQLite, $n households"
/usr/bin/time -f "wall %e s, peak RSS %M KB" "$bin" demo --no-serve --households "$n" \
  --database-url "sqlite:$work/bench.db" 2>&1 | grep -v " INFO "
ls -la "$work/bench.db" | awk '{printf "database file: %.0f MB\n", $5/1048576}'
if [ -n "${FANGPIN_BENCH_PG_URL:-}" ]; then
  echo "== PostgreSQL, $n households"
  psql -q "$FANGPIN_BENCH_PG_URL" -c "SET client_min_messages = warning; DROP SCHEMA public CASCADE; CREATE SCHEMA public;"
  /usr/bin/time -f "wall %e s, peak RSS %M KB" "$bin" demo --no-serve --households "$n" \
    --database-url "$FANGPIN_BENCH_PG_URL" 2>&1 | grep -v " INFO "
fi

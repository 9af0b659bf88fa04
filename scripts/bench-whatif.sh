#!/usr/bin/env bash
# Measures `fangpin whatif` on a demo county of N households (SQLite): the
# first run reads every household's facts from the database, the following
# runs reuse them from memory (as the server does between edits). Results go
# in docs/benchmarks.md.
#
#   scripts/bench-whatif.sh 1000000
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${1:-100000}"
cargo build --release -p fangpin --manifest-path "$repo_root/Cargo.toml" >&2
bin="$repo_root/target/release/fangpin"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
db="sqlite:$work/bench.db"
echo "== generating $n households"
/usr/bin/time -f "wall %e s, peak RSS %M KB" "$bin" demo --no-serve --households "$n" \
  --database-url "$db" 2>&1 | grep -v " INFO " | tail -2
echo "== what-if: 监测范围 8300 → 9300 元 (2024), three runs in one process"
/usr/bin/time -f "wall %e s, peak RSS %M KB" "$bin" whatif --database-url "$db" \
  --key-file "$work/bench.key" --year 2024 --line 9300 --repeat 3 2>&1 | grep -v " INFO " | grep -v "^  乡镇"

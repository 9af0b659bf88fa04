#!/usr/bin/env bash
# Runs every test: the Rust tests (each store and API test on SQLite and on
# PostgreSQL) and the browser end-to-end tests. Prepares what they need first:
# a PostgreSQL server (scripts/ensure-postgres.sh), Chromium with a CJK font
# and the e2e packages (scripts/setup-e2e.sh).
#
#   scripts/test.sh            everything
#   scripts/test.sh --no-e2e   Rust tests only
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

run_e2e=1
for arg in "$@"; do
  case "$arg" in
    --no-e2e) run_e2e=0 ;;
    *) echo "unknown option: $arg" >&2; exit 2 ;;
  esac
done

FANGPIN_TEST_PG_URL="$(bash scripts/ensure-postgres.sh)"
export FANGPIN_TEST_PG_URL
echo "== PostgreSQL for tests: $FANGPIN_TEST_PG_URL"

echo "== Rust tests (SQLite and PostgreSQL)"
cargo test --workspace --all-targets

if [ "$run_e2e" -eq 1 ]; then
  echo "== Browser end-to-end tests"
  bash scripts/setup-e2e.sh
  cargo build -p fangpin
  (cd e2e && FANGPIN_BIN="$repo_root/target/debug/fangpin" npm test)
fi

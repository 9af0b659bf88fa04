#!/usr/bin/env bash
# Load test on loopback: a release `fangpin demo` server on a fresh demo
# county, and `fangpin-load load` with many concurrent sessions (each logs in
# as the village operator, then lists the village's households, opens one and
# saves a visit, until the time is up), on SQLite and on PostgreSQL. Prints
# requests/s, p50/p99 and errors per kind of request; fails if any request
# failed. Results go in docs/benchmarks.md.
#
#   scripts/load.sh                      # 200 sessions, 60 s, 20,000 households, both engines
#   scripts/load.sh --sessions 50 --duration 20 --households 2000 --engine sqlite
#
# PostgreSQL: FANGPIN_LOAD_PG_URL (default postgres://postgres@127.0.0.1:5432/fp_load);
# that database is created if missing and emptied.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/harness-lib.sh"

sessions=200 duration=60 households=20000 engines="sqlite postgres" port=18080
while [ $# -gt 0 ]; do
  case "$1" in
    --sessions) sessions="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --households) households="$2"; shift 2 ;;
    --engine) engines="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    *) echo "未知参数：$1" >&2; exit 2 ;;
  esac
done
pg_url="${FANGPIN_LOAD_PG_URL:-postgres://postgres@127.0.0.1:5432/fp_load}"

build_release
work="$target_dir/load"
mkdir -p "$work"
new_key "$work/load.key"
trap stop_server EXIT
results="$work/results.txt"
: >"$results"
status=0
for engine in $engines; do
  case "$engine" in
    sqlite) url="sqlite:$work/load.db" label="SQLite" ;;
    postgres) url="$pg_url" label="PostgreSQL" ;;
    *) echo "未知数据库：$engine" >&2; exit 2 ;;
  esac
  echo "== $label：生成 $households 户演示县" >&2
  make_demo "$url" "$work/load.key" "$households"
  start_demo "$url" "$work/load.key" "$households" "127.0.0.1:$port" "$work/server-$engine.log"
  echo "== $label：$sessions 个会话，$duration 秒" >&2
  if ! "$bin/fangpin-load" load --base "http://127.0.0.1:$port" --sessions "$sessions" \
      --duration "$duration" --label "$label" | tee -a "$results"; then
    status=1
  fi
  stop_server
done
echo
echo "机器：$(nproc) 核，$(uname -sr)；$households 户，$sessions 个并发会话，每个引擎 $duration 秒"
cat "$results"
exit "$status"

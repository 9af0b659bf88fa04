#!/usr/bin/env bash
# Crash test: `fangpin-load crash` starts a release `fangpin demo` server,
# saves visits (16 at a time) and uploads an import file through it, and
# kill -9s it at a random moment; then, with the server down, checks that
# PRAGMA integrity_check is clean (SQLite), that every visit the server
# acknowledged is stored exactly once and that each round's import is wholly
# there or wholly absent; then the next round restarts the server. At the
# end the server starts once more and every acknowledged visit is read back
# through the API. Runs on SQLite and PostgreSQL. Results go in
# docs/benchmarks.md.
#
#   scripts/crash.sh                   # 100 rounds on each engine
#   scripts/crash.sh --rounds 10 --engine sqlite
#
# PostgreSQL: FANGPIN_CRASH_PG_URL (default postgres://postgres@127.0.0.1:5432/fp_crash);
# that database is created if missing and emptied.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/harness-lib.sh"

rounds=100 households=2000 engines="sqlite postgres" port=18090
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --households) households="$2"; shift 2 ;;
    --engine) engines="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    *) echo "未知参数：$1" >&2; exit 2 ;;
  esac
done
pg_url="${FANGPIN_CRASH_PG_URL:-postgres://postgres@127.0.0.1:5432/fp_crash}"

build_release
work="$target_dir/crash"
mkdir -p "$work"
new_key "$work/crash.key"
status=0
for engine in $engines; do
  case "$engine" in
    sqlite) url="sqlite:$work/crash.db" label="SQLite" ;;
    postgres) url="$pg_url" label="PostgreSQL" ;;
    *) echo "未知数据库：$engine" >&2; exit 2 ;;
  esac
  echo "== $label：生成 $households 户演示县" >&2
  make_demo "$url" "$work/crash.key" "$households"
  rm -f "$work/ack-$engine.log" "$work/server-$engine.log"
  echo "== $label：$rounds 轮 kill -9" >&2
  if ! "$bin/fangpin-load" crash --fangpin "$bin/fangpin" --database-url "$url" \
      --key-file "$work/crash.key" --demo-households "$households" --rounds "$rounds" \
      --bind "127.0.0.1:$port" --ack-log "$work/ack-$engine.log" \
      --server-log "$work/server-$engine.log" | tee "$work/crash-$engine.txt"; then
    status=1
  fi
done
echo
echo "机器：$(nproc) 核，$(uname -sr)"
for engine in $engines; do grep -h "^崩溃测试：" "$work/crash-$engine.txt" | sed "s/^/$engine: /"; done
exit "$status"

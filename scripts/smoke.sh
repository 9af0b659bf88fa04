#!/usr/bin/env bash
# Smoke run: `fangpin demo --households 2000` on a fresh SQLite file must come
# up and answer /healthz.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${FANGPIN_BIN:-$repo_root/target/debug/fangpin}"
work="$(mktemp -d)"
port=$(( 20000 + RANDOM % 20000 ))
"$bin" demo --households 2000 --database-url "sqlite:$work/smoke.db" --bind "127.0.0.1:$port" >"$work/out.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 240); do
  if body="$(curl -fsS "http://127.0.0.1:$port/healthz" 2>/dev/null)"; then
    echo "smoke: /healthz answered: $body"
    grep -q '"status":"ok"' <<<"$body"
    curl -fsS "http://127.0.0.1:$port/api/meta"; echo
    grep -m1 "已生成演示县" "$work/out.log" || true
    exit 0
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "smoke: fangpin exited early:" >&2; cat "$work/out.log" >&2; exit 1
  fi
  sleep 0.5
done
echo "smoke: no answer from /healthz within 120 s" >&2
cat "$work/out.log" >&2
exit 1

#!/usr/bin/env bash
# Schemathesis against the served OpenAPI document (/api/openapi.json) of a
# fresh demo county (2,000 households on a temporary SQLite database), logged
# in as the county administrator (session cookie on every request, the
# X-CSRF-Token header on writes). Checks: no 5xx on any route, and every
# refusal a 4xx whose JSON `message` is Chinese (scripts/schemathesis_checks.py).
#
#   scripts/schemathesis.sh [max-examples-per-operation]     default 20
#
# Schemathesis is installed from PyPI into a virtualenv under target/. The
# login, logout and password routes are left out (they would end the session
# or lock the account under test). Reports go to target/schemathesis/.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
examples="${1:-20}"
venv="$repo_root/target/schemathesis-venv"
out="$repo_root/target/schemathesis"
mkdir -p "$out"

if [ ! -x "$venv/bin/schemathesis" ]; then
  echo "== installing schemathesis into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet schemathesis
fi

bin="${FANGPIN_BIN:-$repo_root/target/debug/fangpin}"
if [ -z "${FANGPIN_BIN:-}" ]; then
  cargo build -p fangpin
fi

work="$(mktemp -d)"
port=$(( 20000 + RANDOM % 20000 ))
base="http://127.0.0.1:$port"
"$bin" demo --households 2000 --database-url "sqlite:$work/schemathesis.db" --bind "127.0.0.1:$port" \
  >"$out/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 300); do
  curl -fsS "$base/healthz" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { echo "fangpin exited early" >&2; cat "$out/server.log" >&2; exit 1; }
  sleep 0.5
done

# Log in as the county administrator with the demo password the server printed.
password="$(grep -o '密码均为 *[A-Za-z0-9]*' "$out/server.log" | grep -o '[A-Za-z0-9]*$' | head -n1)"
login="$(curl -fsS -D "$work/headers" -H 'content-type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$password\"}" "$base/api/auth/login")"
cookie="$(grep -i '^set-cookie:' "$work/headers" | head -n1 | sed -E 's/^[Ss]et-[Cc]ookie: *([^;]*).*/\1/')"
csrf="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])' <<<"$login")"

echo "== schemathesis: $examples examples per operation against $base"
status=0
# From the report folder, so that schemathesis keeps its example database there.
cd "$out"
SCHEMATHESIS_HOOKS=schemathesis_checks PYTHONPATH="$repo_root/scripts" \
  "$venv/bin/schemathesis" run "$base/api/openapi.json" \
    --url "$base" \
    -H "Cookie: $cookie" -H "X-CSRF-Token: $csrf" \
    --exclude-path /api/auth/login --exclude-path /api/auth/logout --exclude-path /api/auth/password \
    --checks not_a_server_error,chinese_refusal \
    --max-examples "$examples" --generation-deterministic \
    --phases examples,coverage,fuzzing \
    --request-timeout 60 --workers 2 \
    --report junit --report-dir "$out" \
    --no-color 2>&1 | tee "$out/run.log" || status=$?

# Any worker panic in the server log is a failure too, whatever the checks saw.
if grep -q "panicked at" "$out/server.log"; then
  echo "== the server log has panics:" >&2
  grep -A2 "panicked at" "$out/server.log" | head -n 40 >&2
  status=1
fi
exit "$status"

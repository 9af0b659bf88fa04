#!/usr/bin/env bash
# Makes a PostgreSQL server available for the tests and prints its URL on stdout.
#
# Order of preference:
#   1. FANGPIN_TEST_PG_URL, when it is already set and answers;
#   2. a server on 127.0.0.1:5432 (user postgres, trust auth);
#   3. a stopped Debian cluster, started with pg_ctlcluster;
#   4. a throwaway cluster under target/pgtest made with initdb/pg_ctl,
#      installing Debian's postgresql package first when no initdb exists.
# Fails (exit 1) when none of these works: the tests never skip PostgreSQL.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log() { echo "ensure-postgres: $*" >&2; }

answers() { # host port
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h "$1" -p "$2" -t 3
  else
    (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
  fi
}

if [ -n "${FANGPIN_TEST_PG_URL:-}" ]; then
  hostport="${FANGPIN_TEST_PG_URL#*@}"; hostport="${hostport%%/*}"
  host="${hostport%%:*}"; port="${hostport##*:}"; [ "$port" = "$hostport" ] && port=5432
  if answers "$host" "$port"; then echo "$FANGPIN_TEST_PG_URL"; exit 0; fi
  log "FANGPIN_TEST_PG_URL is set but $host:$port does not answer; trying the local server"
fi

if answers 127.0.0.1 5432; then
  echo "postgres://postgres@127.0.0.1:5432/postgres"; exit 0
fi

if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  for ver in $(ls /etc/postgresql 2>/dev/null); do
    log "starting the Debian cluster $ver/main"
    pg_ctlcluster --skip-systemctl-redirect "$ver" main start >&2 2>&1 || true
  done
  for _ in $(seq 1 20); do
    if answers 127.0.0.1 5432; then echo "postgres://postgres@127.0.0.1:5432/postgres"; exit 0; fi
    sleep 0.5
  done
fi

find_bin() { ls /usr/lib/postgresql/*/bin/"$1" 2>/dev/null | sort -V | tail -n 1; }
initdb="$(find_bin initdb || true)"
if [ -z "$initdb" ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing Debian's postgresql package"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >&2
    apt-get install -y -q postgresql >&2
    initdb="$(find_bin initdb || true)"
  fi
fi
if [ -z "$initdb" ]; then
  log "no PostgreSQL server and no way to start one; install PostgreSQL or set FANGPIN_TEST_PG_URL"
  exit 1
fi
bindir="$(dirname "$initdb")"
port=55432
dir="$repo_root/target/pgtest"
run_as=()
if [ "$(id -u)" -eq 0 ]; then
  # initdb refuses to run as root.
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  run_as=(runuser -u postgres --)
fi
mkdir -p "$dir"
[ "$(id -u)" -eq 0 ] && chown postgres "$dir"
if [ ! -f "$dir/data/PG_VERSION" ]; then
  log "creating a throwaway cluster in $dir"
  "${run_as[@]}" "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >&2
fi
if ! answers 127.0.0.1 "$port"; then
  "${run_as[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off" start >&2
fi
for _ in $(seq 1 20); do
  if answers 127.0.0.1 "$port"; then echo "postgres://postgres@127.0.0.1:$port/postgres"; exit 0; fi
  sleep 0.5
done
log "the throwaway cluster did not start; see $dir/server.log"
exit 1

# Shared by scripts/load.sh and scripts/crash.sh: build, make a demo database
# on either engine, start and stop a server. Sourced, not run.

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target_dir="${CARGO_TARGET_DIR:-$repo_root/target}"
bin="$target_dir/release"

build_release() {
  cargo build --release -p fangpin -p fangpin-loadtest --manifest-path "$repo_root/Cargo.toml" >&2
}

# new_key FILE: a fresh data encryption key.
new_key() {
  rm -f "$1"
  "$bin/fangpin" keygen --out "$1" >/dev/null
}

# The PostgreSQL database named by URL $1, created if missing and emptied.
reset_pg() {
  local url="$1" name="${1##*/}"
  name="${name%%\?*}"
  local admin="${url%/*}/postgres"
  if ! psql -qAt "$admin" -c "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1; then
    psql -q "$admin" -c "CREATE DATABASE $name" >/dev/null
  fi
  psql -q "$url" -c "SET client_min_messages = warning; DROP SCHEMA public CASCADE; CREATE SCHEMA public;" >/dev/null
}

# make_demo URL KEY HOUSEHOLDS: a fresh demo county (seed 2024).
make_demo() {
  case "$1" in
    sqlite:*) local f="${1#sqlite:}"; rm -f "$f" "$f-wal" "$f-shm" ;;
    *) reset_pg "$1" ;;
  esac
  "$bin/fangpin" demo --no-serve --database-url "$1" --key-file "$2" --households "$3" --seed 2024 \
    2>&1 | grep -v " INFO " >&2 || true
}

# start_demo URL KEY HOUSEHOLDS BIND LOG: serves it in the background; sets server_pid.
start_demo() {
  RUST_LOG=warn "$bin/fangpin" demo --database-url "$1" --key-file "$2" --households "$3" --seed 2024 \
    --bind "$4" >>"$5" 2>&1 &
  server_pid=$!
}

stop_server() {
  if [ -n "${server_pid:-}" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}

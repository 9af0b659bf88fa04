#!/usr/bin/env bash
# The built front end (web/dist) is committed so that `cargo build` needs no
# Node. This rebuilds it from source and fails if the result differs from
# what is committed (run scripts/build-web.sh and commit web/dist to fix).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$repo_root/scripts/build-web.sh"
cd "$repo_root"
if ! git diff --exit-code --stat -- web/dist || [ -n "$(git status --porcelain -- web/dist)" ]; then
  echo "check-web: web/dist does not match web/src; run scripts/build-web.sh and commit web/dist" >&2
  git status --porcelain -- web/dist >&2
  exit 1
fi
echo "check-web: web/dist matches its sources"

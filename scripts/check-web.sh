#!/usr/bin/env bash
# The built front end (web/dist) is committed so that `cargo build` needs no
# Node, and so are the API types generated from the OpenAPI document
# (web/src/api/schema.d.ts). This regenerates both from source and fails if
# the result differs from what is committed (run scripts/build-web.sh and
# commit web/src/api/schema.d.ts and web/dist to fix). That the OpenAPI
# document itself is current is checked by `cargo test --test openapi`.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$repo_root/scripts/build-web.sh"
cd "$repo_root"
if ! git diff --exit-code --stat -- web/src/api/schema.d.ts || [ -n "$(git status --porcelain -- web/src/api/schema.d.ts)" ]; then
  echo "check-web: web/src/api/schema.d.ts does not match crates/server/openapi.json; run scripts/build-web.sh and commit it" >&2
  exit 1
fi
if ! git diff --exit-code --stat -- web/dist || [ -n "$(git status --porcelain -- web/dist)" ]; then
  echo "check-web: web/dist does not match web/src; run scripts/build-web.sh and commit web/dist" >&2
  git status --porcelain -- web/dist >&2
  exit 1
fi
echo "check-web: the API types and web/dist match their sources"

#!/usr/bin/env bash
# Builds the web front-end into web/dist (committed; embedded by the Rust server).
# The build is deterministic: CI reruns it and checks `git diff --exit-code web/dist`.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root/web"

npm ci --no-audit --no-fund
npm run build

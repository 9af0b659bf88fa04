#!/usr/bin/env bash
# Prepares the browser end-to-end tests (e2e/): Debian's Chromium and a CJK font
# (without it Chinese text renders as boxes), then the e2e npm packages.
# Idempotent and non-interactive; safe to run on every CI run.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export DEBIAN_FRONTEND=noninteractive

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo -n)
else
  SUDO=()
fi

missing=()
for pkg in chromium fonts-wqy-microhei; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup-e2e: apt-get not found; install ${missing[*]} by hand" >&2
    exit 1
  fi
  if [ "$(id -u)" -ne 0 ] && [ "${#SUDO[@]}" -eq 0 ]; then
    echo "setup-e2e: need root or sudo to install ${missing[*]}" >&2
    exit 1
  fi
  echo "setup-e2e: installing ${missing[*]}"
  "${SUDO[@]}" apt-get update -q
  "${SUDO[@]}" apt-get install -y -q "${missing[@]}"
else
  echo "setup-e2e: chromium and fonts-wqy-microhei already installed"
fi

chromium --version 2>/dev/null || true

cd "$repo_root/e2e"
npm ci --no-audit --no-fund

#!/usr/bin/env bash
# Builds the web front-end into web/dist (committed; embedded by the Rust server).
# First generates the API types (web/src/api/schema.d.ts, committed) from the
# OpenAPI document the server's tests keep in crates/server/openapi.json.
# The build is deterministic: CI reruns it and checks that neither
# web/src/api/schema.d.ts nor web/dist changed (scripts/check-web.sh).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root/web"

npm ci --no-audit --no-fund
# Each schema is also exported under its own name (`export type Household = …`).
# A field with a default (`#[serde(default)]` on a request body) may be left
# out, so a default does not make it required.
npx --no-install openapi-typescript ../crates/server/openapi.json \
  --root-types --root-types-no-schema-prefix --default-non-nullable false \
  --output src/api/schema.d.ts
npm run build

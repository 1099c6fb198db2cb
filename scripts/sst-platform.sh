#!/usr/bin/env bash
# Produces SST's platform types (.sst/platform) offline, so sst.config.ts and infra/ type-check
# against the real components. Skipped when they are already there for this SST version.
set -euo pipefail
cd "$(dirname "$0")/.."
want=$(node -p 'JSON.parse(require("fs").readFileSync("node_modules/sst/package.json","utf8")).version')
have=$(cat .sst/platform/version 2>/dev/null || true)
if [ -f .sst/platform/config.d.ts ] && [ "$have" = "$want" ]; then exit 0; fi
echo "Installing SST $want platform types into .sst/platform (offline, ~30 s)…"
SST_NO_BUN=1 SST_SKIP_DEPENDENCY_CHECK=1 SST_PULUMI_PATH=/bin/true SST_STAGE=ci SST_TELEMETRY_DISABLED=1 npx sst install >/dev/null

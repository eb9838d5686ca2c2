#!/usr/bin/env bash
# Runs the pinned pnpm (package.json "packageManager"): the installed one if it is that
# version, else the same version through npx from the npm registry.
set -euo pipefail
want=$(node -p "require('./package.json').packageManager.split('@')[1]")
if command -v pnpm >/dev/null 2>&1 && [ "$(pnpm --version 2>/dev/null)" = "$want" ]; then
  exec pnpm "$@"
fi
exec npx --yes "pnpm@$want" "$@"

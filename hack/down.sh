#!/usr/bin/env bash
# Stops the cluster started by up.sh and removes its pods; --purge also deletes $BERTH_HOME.
set -euo pipefail
BERTH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec node "$BERTH_ROOT/dist/cmd/berth/main.js" down "$@"

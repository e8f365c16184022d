#!/usr/bin/env bash
# Installs what is missing, builds, and starts a one-node cluster in the background.
# Returns when the node is Ready. Extra arguments go to `berth up` (e.g. --port-offset 100).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_installed
# `berthctl` on the PATH, as the README's walk-through uses it (a link into this checkout).
if [ -L /usr/local/bin/berthctl ] || [ ! -e /usr/local/bin/berthctl ]; then ln -sfn "$BERTH_ROOT/bin/berthctl" /usr/local/bin/berthctl; fi
exec node "$BERTH_ROOT/dist/cmd/berth/main.js" up --image "$BUSYBOX_ARCHIVE" "$@"

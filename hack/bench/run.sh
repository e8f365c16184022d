#!/usr/bin/env bash
# Runs one benchmark: ./hack/bench/run.sh <name>. It prints figures and ratios against a
# baseline measured in the same run, and writes the same figures to results/<name>.json.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
name="${1:?usage: hack/bench/run.sh <name>   (available: $(cd "$BERTH_ROOT/hack/bench" && ls *.ts | sed 's/\.ts$//' | tr '\n' ' '))}"
ensure_installed
exec node "$BERTH_ROOT/dist/hack/bench/$name.js" "$BERTH_ROOT/hack/bench/results/$name.json"

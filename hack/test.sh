#!/usr/bin/env bash
# Installs what is missing, then runs every suite: typecheck, lint, unit, integration, e2e.
# `./hack/test.sh unit` (or integration, e2e) runs one suite.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_installed
cd "$BERTH_ROOT"

suites=("$@")
[ ${#suites[@]} -eq 0 ] && suites=(lint unit integration e2e)

for suite in "${suites[@]}"; do
  log "suite: $suite"
  case "$suite" in
    lint) npx eslint . ;;
    unit) npx jest --selectProjects unit --ci ;;
    integration) npx jest --selectProjects integration --ci --runInBand ;;
    e2e) npx jest --selectProjects e2e --ci --runInBand ;;
    *) log "unknown suite $suite"; exit 2 ;;
  esac
done
log "all suites passed"

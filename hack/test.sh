#!/usr/bin/env bash
# Installs what is missing, then runs every suite: lint, unit, integration, e2e (as root).
# `./hack/test.sh unit` (or lint, integration, e2e) runs the named suites only.
# Ends with one line `tests: N passed, N failed` and a non-zero exit if anything failed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_installed
cd "$BERTH_ROOT"

suites=("$@")
[ ${#suites[@]} -eq 0 ] && suites=(lint unit integration e2e)

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT
failed_suites=()
for suite in "${suites[@]}"; do
  log "suite: $suite"
  case "$suite" in
    lint) npx eslint . || failed_suites+=(lint) ;;
    unit|integration|e2e)
      band=(); [ "$suite" = unit ] || band=(--runInBand)
      npx jest --selectProjects "$suite" --ci "${band[@]}" --json --outputFile="$results/$suite.json" || failed_suites+=("$suite") ;;
    *) log "unknown suite $suite"; exit 2 ;;
  esac
done

[ ${#failed_suites[@]} -eq 0 ] || log "failed suites: ${failed_suites[*]}"
node -e '
  const fs = require("fs"), dir = process.argv[1];
  let passed = 0, failed = 0;
  for (const f of fs.readdirSync(dir)) {
    const r = JSON.parse(fs.readFileSync(`${dir}/${f}`, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests + r.numRuntimeErrorTestSuites;
  }
  console.log(`tests: ${passed} passed, ${failed} failed`);
' "$results"
[ ${#failed_suites[@]} -eq 0 ]

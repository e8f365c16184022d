#!/bin/sh
# Builds the base images. Compiles only the image builder and what it imports, so another
# area's unfinished code cannot stop it. Usage: hack/images/build.sh [out.tar]
set -eu
cd "$(dirname "$0")/../.."
npx tsc -p hack/images/tsconfig.json
exec node dist/hack/images/build-busybox.js "$@"

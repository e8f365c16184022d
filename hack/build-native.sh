#!/bin/sh
# Builds the runtime's native helper, pkg/runtime/native/build/berth-shim, with the machine's gcc.
# Idempotent: rebuilds only when a source is newer than the binary (or with --force).
set -eu
cd "$(dirname "$0")/../pkg/runtime/native"
out=build/berth-shim
srcs="main.c ns-create.c run.c rootfs.c log.c spec.c exec.c oci-run.c"
mkdir -p build
if [ "${1:-}" != "--force" ] && [ -x "$out" ]; then
  stale=0
  for f in $srcs *.h; do [ "$f" -nt "$out" ] && stale=1; done
  [ "$stale" = 0 ] && exit 0
fi
${CC:-gcc} -std=c99 -O2 -Wall -Wextra -Werror -o "$out.tmp" $srcs
mv "$out.tmp" "$out"
echo "built $(pwd)/$out"

#!/usr/bin/env bash
# Shared by up.sh and test.sh: install whatever is missing on a fresh Debian machine, then
# build. Every step is idempotent and cheap when there is nothing to do.
set -euo pipefail

BERTH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export BERTH_ROOT

# The OCI archive of the base busybox image, built by hack/images/build.sh.
BUSYBOX_ARCHIVE="$BERTH_ROOT/dist/images/busybox.oci.tar"
export BUSYBOX_ARCHIVE

# Debian packages the cluster and the tests need (command it provides → package).
APT_PACKAGES=(
  etcd-server iptables containernetworking-plugins busybox-static iproute2 util-linux
  attr procps psmisc gcc libc6-dev make openssl kubectl runc crun hyperfine
  docker-registry skopeo zstd
)

log() { printf 'hack: %s\n' "$*" >&2; }

install_apt_packages() {
  local missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_node_modules() {
  cd "$BERTH_ROOT"
  local stamp=node_modules/.berth-lock-stamp
  if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
    log "npm ci"
    npm ci --no-fund --no-audit --loglevel=error
    cp package-lock.json "$stamp"
  fi
}

build_all() {
  cd "$BERTH_ROOT"
  log "building TypeScript"
  npx tsc -p tsconfig.json
  "$BERTH_ROOT/hack/build-native.sh"
  "$BERTH_ROOT/hack/images/build.sh" "$BUSYBOX_ARCHIVE"
}


ensure_installed() {
  [ "$(id -u)" -eq 0 ] || { log "Berth needs root (namespaces, cgroups, mounts)"; exit 1; }
  install_apt_packages
  install_node_modules
  build_all
}

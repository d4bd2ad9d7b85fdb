#!/usr/bin/env bash
# Install the Debian packages that ness needs to build, test and plot.
# Idempotent: does nothing (and prints nothing) when every package is present.
set -euo pipefail

PACKAGES=(
  petsc-dev
  libhdf5-openmpi-dev
  check
  cmake
  pkg-config
  python3-matplotlib
  python3-h5py
  python3-numpy
  gmsh
  make
  gcc
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  if [[ "$status" != "install ok installed" ]]; then
    missing+=("$pkg")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

SUDO=()
if [[ "$(id -u)" -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  else
    echo "install_deps: missing packages (${missing[*]}) but not root and sudo is unavailable" >&2
    exit 1
  fi
fi

echo "install_deps: installing missing packages: ${missing[*]}"
"${SUDO[@]}" apt-get update
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y --no-install-recommends "${missing[@]}"

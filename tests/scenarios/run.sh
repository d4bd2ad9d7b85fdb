#!/usr/bin/env bash
# Runs tests/scenarios/scenarios.py with a python3 that has numpy and h5py (Debian's, when a pyenv shadows it).
# Usage: run.sh BUILD_DIR SOURCE_DIR CASE... ; exit 77 (skip) without such a python3.
set -u
for p in python3 /usr/bin/python3; do
  if $p -c 'import numpy, h5py' 2>/dev/null; then exec $p "$2/tests/scenarios/scenarios.py" "$@"; fi
done
echo "scenarios: SKIP: no python3 with numpy and h5py"
exit 77

#!/usr/bin/env bash
# Runs tests/verify/corrosion.py with a python3 that has numpy and h5py (Debian's, when a pyenv shadows it).
set -u
for p in python3 /usr/bin/python3; do
  if $p -c 'import numpy, h5py' 2>/dev/null; then exec $p "$2/tests/verify/corrosion.py" "$1" "$2"; fi
done
echo "no python3 with numpy and h5py"
exit 1

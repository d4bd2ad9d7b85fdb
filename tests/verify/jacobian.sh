#!/usr/bin/env bash
# Analytic Jacobian vs finite differences (-snes_test_jacobian, -pseudo_snes_test_jacobian) along the solve of a
# scenario: every Newton step of the pseudo-transient phase and of the final Newton solve.
# Usage: jacobian.sh BUILD_DIR SOURCE_DIR SCENARIO [extra options...]
set -u
build=$1 src=$2 scen=$3
shift 3
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
log=$("$src/tools/mpirun.sh" -n 1 "$build/ness" -options_file "$src/$scen" -ness_output_dir "$out" \
  -snes_test_jacobian -pseudo_snes_test_jacobian "$@" 2>&1)
# only the operator's test: with galvanostatic/floating electrodes the preconditioning matrix is the sparse part A
# of the operator A + B D^-1 C^T by design, so "Testing Jacobian for preconditioner" is expected to differ
ratios=$(printf '%s\n' "$log" | awk '/Testing Jacobian for preconditioner/ {skip = 1; next}
  /J - Jfd/ { if (!skip) { sub(/.*\/\|\|J\|\|_F = /, ""); sub(/,.*/, ""); print } skip = 0 }')
if [ -z "$ratios" ]; then
  printf '%s\n' "$log" | tail -20
  echo "0 passed, 1 failed"
  exit 1
fi
worst=$(printf '%s\n' "$ratios" | sort -g | tail -1)
echo "$scen: ||J - Jfd||_F/||J||_F over $(printf '%s\n' "$ratios" | wc -l) evaluations, worst $worst"
if awk -v w="$worst" 'BEGIN { exit !(w < 1e-6) }'; then
  echo "1 passed, 0 failed"
else
  echo "0 passed, 1 failed"
  exit 1
fi

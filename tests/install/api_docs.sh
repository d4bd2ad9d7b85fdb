#!/usr/bin/env bash
# The ctest `install_api_docs`: every function declared in include/ness.h (PETSC_EXTERN PetscErrorCode Name(...)) and
# every public type and variable (NESS_CLASSID, typedefs) is described in docs/api.md (as `Name(` for functions,
# `Name` otherwise).
#
# Usage: tests/install/api_docs.sh SOURCE_DIR
# The last line is "N passed, M failed"; the exit status is 1 if anything is undocumented.
set -u
if [ $# -ne 1 ]; then
  echo "usage: $0 SOURCE_DIR" >&2
  exit 2
fi
SOURCE_DIR=$(cd "$1" && pwd) || exit 2
HEADER="$SOURCE_DIR/include/ness.h"
DOC="$SOURCE_DIR/docs/api.md"
# shellcheck source=tests/install/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

mapfile -t funcs < <(sed -n 's/^PETSC_EXTERN PetscErrorCode \([A-Za-z0-9_]*\)(.*/\1/p' "$HEADER")
mapfile -t others < <({
  sed -n 's/^PETSC_EXTERN [A-Za-z_]* \([A-Za-z0-9_]*\);.*/\1/p' "$HEADER"
  sed -n 's/^} *\([A-Za-z0-9_]*\);.*/\1/p; s/^typedef .*(\*\([A-Za-z0-9_]*\))(.*/\1/p' "$HEADER"
})
if [ ${#funcs[@]} -eq 0 ]; then
  fail "include/ness.h" "(no PETSC_EXTERN PetscErrorCode declarations found)"
fi
missing=()
for f in "${funcs[@]}"; do grep -q "\`$f(" "$DOC" || missing+=("$f()"); done
for t in "${others[@]}"; do grep -q "\`[^\`]*\\b$t\\b" "$DOC" || missing+=("$t"); done
if [ ${#missing[@]} -eq 0 ]; then
  pass "docs/api.md describes all ${#funcs[@]} functions and ${#others[@]} types/variables of include/ness.h"
else
  fail "docs/api.md" "does not describe: ${missing[*]}"
fi
finish

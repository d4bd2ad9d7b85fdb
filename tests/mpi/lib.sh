# Shared helpers of the MPI test scripts (sourced): counters and PASS/FAIL lines.
# shellcheck shell=bash
passed=0
failed=0
failed_names=()

pass() {
  passed=$((passed + 1))
  echo "PASS  $1"
}

# fail NAME [DETAIL]
fail() {
  failed=$((failed + 1))
  # shellcheck disable=SC2034 # read by the sourcing script
  failed_names+=("$1")
  echo "FAIL  $1${2:+ $2}"
}

# indent FILE: show a file's content, indented (lines cut at 240 characters)
indent() {
  cut -c 1-240 "$1" | sed -e 's/^/      | /' | head -n 60
}

# make_workdir NAME: a temporary WORK directory removed on exit, and RUN_NESS, a private copy of $NESS
# (a rebuild may relink BUILD_DIR/ness while the tests run; reported commands still name BUILD_DIR/ness)
make_workdir() {
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/ness_$1.XXXXXX") || exit 2
  # shellcheck disable=SC2064 # expand WORK now
  trap "rm -rf '$WORK'" EXIT
  mkdir -p "$WORK/bin" && cp "$NESS" "$WORK/bin/ness" || exit 2
  # shellcheck disable=SC2034 # read by the sourcing script
  RUN_NESS="$WORK/bin/ness"
}

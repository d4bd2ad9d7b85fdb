# Helpers of the packaging test scripts (sourced): PASS/FAIL lines and counters, a scratch directory, JSON access.
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
  failed_names+=("$1")
  echo "FAIL  $1${2:+ $2}"
}

# show FILE: a log, indented (first 60 lines, cut at 240 characters)
show() {
  cut -c 1-240 "$1" | sed -e 's/^/      | /' | head -n 60
}

# make_workdir NAME: a temporary WORK directory removed on exit (kept with NESS_KEEP_WORK=1)
make_workdir() {
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/ness_$1.XXXXXX") || exit 2
  if [ -z "${NESS_KEEP_WORK:-}" ]; then
    # shellcheck disable=SC2064 # expand WORK now
    trap "rm -rf '$WORK'" EXIT
  fi
}

# elapsed T0: seconds since T0 (from date +%s.%N)
elapsed() {
  awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'
}

# summary_current SUMMARY.json ELECTRODE: current_A of that electrode
summary_current() {
  python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(repr([e["current_A"] for e in d["electrodes"] if e["name"] == sys.argv[2]][0]))' "$1" "$2"
}

# rel_close A B RTOL: exit status 0 when |A - B| <= RTOL max(|A|, |B|) (both finite), and prints the relative difference
rel_close() {
  python3 -c 'import math, sys
a, b, rtol = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
d = abs(a - b) / max(abs(a), abs(b), 1e-300)
print("%.3e" % d)
sys.exit(0 if math.isfinite(a) and math.isfinite(b) and d <= rtol else 1)' "$1" "$2" "$3"
}

finish() {
  if [ "$failed" -gt 0 ]; then echo "failed: ${failed_names[*]}"; fi
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}

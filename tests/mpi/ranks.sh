#!/usr/bin/env bash
# Rank-independence test of the ness program.
#
# Usage: tests/mpi/ranks.sh BUILD_DIR SOURCE_DIR
#
# Runs scenarios/default.yaml (2D) and tests/data/ranks_1d.yaml (1D) on 1, 2 and 3 MPI ranks into
# temporary directories and checks
#   - every run exits 0, reports convergence and writes summary.json (with the right "ranks") and
#     solution.h5,
#   - every pair of summary.json files agrees: tools/compare_summary.py A B --rtol 1e-8,
#   - every pair of solution.h5 files agrees: each /fields/* dataset and /geometry/vertices within
#     max|a - b| <= 1e-8 max|a| (same dataset names and shapes), /topology/cells identical.
# The last line is "N passed, M failed"; the exit status is 1 if any check failed.
set -u

if [ $# -ne 2 ]; then
  echo "usage: $0 BUILD_DIR SOURCE_DIR" >&2
  exit 2
fi
BUILD_DIR=$(cd "$1" && pwd) || exit 2
SOURCE_DIR=$(cd "$2" && pwd) || exit 2
NESS="$BUILD_DIR/ness"
COMPARE="$SOURCE_DIR/tools/compare_summary.py"
RANKS=(1 2 3)
RTOL=1e-8
TIME_LIMIT=120


# shellcheck source=tests/mpi/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"


if [ ! -x "$NESS" ]; then
  echo "ranks: $NESS not found or not executable (build first)" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

# The HDF5 comparison needs numpy and h5py (pyenv shims may shadow Debian's python3, which has them);
# compare_summary.py is pure python and runs under the same interpreter.
PY=""
for p in python3 /usr/bin/python3; do
  if "$p" -c 'import numpy, h5py' >/dev/null 2>&1; then
    PY=$p
    break
  fi
done
if [ -z "$PY" ]; then
  echo "ranks: no python3 with numpy and h5py found (tried python3, /usr/bin/python3)" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

make_workdir ranks

cat >"$WORK/compare_h5.py" <<'EOF'
"""compare_h5.py A.h5 B.h5 RTOL: /fields/* and /geometry/vertices within RTOL (relative to max |A|),
/topology/cells identical."""
import sys

import h5py
import numpy as np

a_path, b_path, rtol = sys.argv[1], sys.argv[2], float(sys.argv[3])
bad = 0
with h5py.File(a_path, "r") as fa, h5py.File(b_path, "r") as fb:
    fields_a = sorted(fa["fields"].keys()) if "fields" in fa else []
    fields_b = sorted(fb["fields"].keys()) if "fields" in fb else []
    if not fields_a or fields_a != fields_b:
        print("  /fields: datasets differ or are missing: %s vs %s" % (fields_a, fields_b))
        bad += 1
    names = ["/fields/" + f for f in fields_a if f in fields_b] + ["/geometry/vertices"]
    for name in names:
        if name not in fa or name not in fb:
            print("  %s: missing (%s)" % (name, a_path if name not in fa else b_path))
            bad += 1
            continue
        x = np.asarray(fa[name][...], dtype=float)
        y = np.asarray(fb[name][...], dtype=float)
        if x.shape != y.shape:
            print("  %s: shapes differ %s vs %s" % (name, x.shape, y.shape))
            bad += 1
            continue
        if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
            print("  %s: non-finite values" % name)
            bad += 1
            continue
        scale = float(np.max(np.abs(x))) if x.size else 0.0
        diff = float(np.max(np.abs(x - y))) if x.size else 0.0
        rel = diff / scale if scale > 0 else (0.0 if diff == 0 else float("inf"))
        ok = rel <= rtol
        bad += not ok
        print("  %s %-20s max|a-b| %.3e  max|a| %.3e  relative %.3e" % ("ok  " if ok else "BAD ", name, diff, scale, rel))
    name = "/topology/cells"
    if name in fa and name in fb:
        x, y = fa[name][...], fb[name][...]
        ok = x.shape == y.shape and np.array_equal(x, y)
        bad += not ok
        print("  %s %-20s %s" % ("ok  " if ok else "BAD ", name, "identical" if ok else "differ"))
    else:
        print("  BAD  %s missing" % name)
        bad += 1
sys.exit(1 if bad else 0)
EOF

echo "ranks: $NESS on ${RANKS[*]} ranks, python $PY, scratch directory $WORK"

# scenario NAME OPTIONS_FILE: run on every rank count, then compare every pair
scenario() {
  local name=$1 file=$2 n m dir log rc t0 t1 problems p ok=()
  for n in "${RANKS[@]}"; do
    dir="$WORK/$name/np$n"
    log="$WORK/$name.np$n.log"
    problems=()
    t0=$(date +%s.%N)
    timeout -k 5 "$TIME_LIMIT" bash "$SOURCE_DIR/tools/mpirun.sh" -n "$n" "$RUN_NESS" -options_file "$file" -ness_output_dir "$dir" >"$log" 2>&1 </dev/null
    rc=$?
    t1=$(date +%s.%N)
    [ "$rc" -eq 0 ] || problems+=("exit status $rc, expected 0")
    grep -q 'ness: converged' "$log" || problems+=("no 'ness: converged' line")
    [ -s "$dir/solution.h5" ] || problems+=("no solution.h5")
    if [ -s "$dir/summary.json" ]; then
      grep -q '"converged": true' "$dir/summary.json" || problems+=("summary.json lacks \"converged\": true")
      grep -q "\"ranks\": $n," "$dir/summary.json" || problems+=("summary.json lacks \"ranks\": $n")
    else
      problems+=("no summary.json")
    fi
    if [ ${#problems[@]} -eq 0 ]; then
      ok+=("$n")
      pass "$name np=$n ($(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s): $(grep -m1 'ness: converged' "$log")"
    else
      fail "$name np=$n" "(exit status $rc)"
      echo "      command: bash $SOURCE_DIR/tools/mpirun.sh -n $n $NESS -options_file $file -ness_output_dir $dir"
      for p in "${problems[@]}"; do echo "      - $p"; done
      indent "$log"
    fi
  done
  for n in "${RANKS[@]}"; do
    for m in "${RANKS[@]}"; do
      [ "$m" -gt "$n" ] || continue
      if [[ " ${ok[*]} " != *" $n "* || " ${ok[*]} " != *" $m "* ]]; then
        fail "$name np=$n vs np=$m" "(not compared: a run failed)"
        continue
      fi
      local a="$WORK/$name/np$n" b="$WORK/$name/np$m" out="$WORK/$name.cmp$n$m.log"
      if "$PY" "$COMPARE" "$a/summary.json" "$b/summary.json" --rtol "$RTOL" >"$out" 2>&1; then
        pass "$name summary.json np=$n vs np=$m: $(tail -n 1 "$out")"
      else
        fail "$name summary.json np=$n vs np=$m"
        echo "      command: $PY $COMPARE $a/summary.json $b/summary.json --rtol $RTOL"
        indent "$out"
      fi
      out="$WORK/$name.h5cmp$n$m.log"
      if "$PY" "$WORK/compare_h5.py" "$a/solution.h5" "$b/solution.h5" "$RTOL" >"$out" 2>&1; then
        pass "$name solution.h5 np=$n vs np=$m: $(grep -c '^  ok' "$out") datasets agree"
      else
        fail "$name solution.h5 np=$n vs np=$m"
        indent "$out"
      fi
    done
  done
}

scenario default "$SOURCE_DIR/scenarios/default.yaml"
scenario ranks_1d "$SOURCE_DIR/tests/data/ranks_1d.yaml"

if [ "$failed" -gt 0 ]; then echo "failed: ${failed_names[*]}"; fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

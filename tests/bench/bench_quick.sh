#!/usr/bin/env bash
# bench_quick: run the benchmark driver's quick suite and check its records (see CMakeLists.txt).
# usage: bench_quick.sh NESS_PROGRAM SOURCE_DIR
set -euo pipefail
NESS=${1:?ness program}
SRC=${2:?source dir}
PY=$(command -v python3 || true)
[ -n "$PY" ] || { echo "SKIP: no python3"; exit 77; }
command -v mpicc > /dev/null || { echo "SKIP: no mpicc (needed for the STREAM probe)"; exit 77; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ness_bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

start=$(date +%s)
"$PY" "$SRC/benchmarks/run.py" --quick --out "$WORK/out" --ness "$NESS"
echo "bench_quick: run.py --quick took $(( $(date +%s) - start )) s"
"$PY" "$SRC/tests/bench/check_records.py" "$WORK/out/records.jsonl" "$SRC"

# compare.py: identical records pass; a doctored 2x slower copy is flagged, and fails only with --fail-on-regression
"$PY" "$SRC/benchmarks/compare.py" "$WORK/out/records.jsonl" "$WORK/out/records.jsonl" --fail-on-regression > "$WORK/cmp0.txt"
grep -q "no run slower" "$WORK/cmp0.txt" || { echo "FAIL: compare.py flagged identical records"; cat "$WORK/cmp0.txt"; exit 1; }
"$PY" - "$WORK/out/records.jsonl" "$WORK/slow.jsonl" <<'PYEOF'
import json, sys
with open(sys.argv[1]) as fi, open(sys.argv[2], "w") as fo:
    for line in fi:
        r = json.loads(line)
        if r.get("kind") == "run" and r.get("times_s"):
            for k in ("solve", "total"):
                if r["times_s"].get(k):
                    r["times_s"][k] = 2.0 * r["times_s"][k] + 1.0
        fo.write(json.dumps(r) + "\n")
PYEOF
"$PY" "$SRC/benchmarks/compare.py" "$WORK/out/records.jsonl" "$WORK/slow.jsonl" > "$WORK/cmp1.txt" \
  || { echo "FAIL: compare.py failed without --fail-on-regression"; cat "$WORK/cmp1.txt"; exit 1; }
grep -q "^SLOWER:" "$WORK/cmp1.txt" || { echo "FAIL: compare.py did not flag a 2x slow-down"; cat "$WORK/cmp1.txt"; exit 1; }
if "$PY" "$SRC/benchmarks/compare.py" "$WORK/out/records.jsonl" "$WORK/slow.jsonl" --fail-on-regression > /dev/null; then
  echo "FAIL: compare.py --fail-on-regression returned 0 on a 2x slow-down"; exit 1
fi
"$PY" "$SRC/benchmarks/summarize.py" "$WORK/out/records.jsonl" > "$WORK/summary.md"
grep -q "## AMG study" "$WORK/summary.md" || { echo "FAIL: summarize.py output"; exit 1; }

# plot.py needs matplotlib (it re-executes itself with /usr/bin/python3); skip this part without it
set +e
"$PY" "$SRC/benchmarks/plot.py" "$WORK/out/records.jsonl" --out "$WORK/plots"
rc=$?
set -e
if [ $rc -eq 0 ]; then
  for f in time_vs_unknowns.png strong_scaling.png memory.png amg_study.png; do
    [ -s "$WORK/plots/$f" ] || { echo "FAIL: plot.py did not write $f"; exit 1; }
    head -c 8 "$WORK/plots/$f" | od -An -tx1 | grep -q "89 50 4e 47" || { echo "FAIL: $f is not a PNG"; exit 1; }
  done
elif [ $rc -eq 77 ]; then
  echo "note: matplotlib missing, plot.py not checked"
else
  echo "FAIL: plot.py exit status $rc"; exit 1
fi
echo "PASS: bench_quick ($(( $(date +%s) - start )) s)"

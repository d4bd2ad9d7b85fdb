#!/usr/bin/env bash
# Interrupted runs lose nothing (issue "Reliability"):
#   1. a reference run of the default scenario, uninterrupted;
#   2. the same run with a tiny first pseudo-time step (so the march is long) and -ness_checkpoint_interval 5 on
#      2 ranks, killed with SIGTERM (sent to the ranks, as a batch system does) once the first checkpoint exists:
#      it must stop cleanly with exit status 4, a final checkpoint, summary.json with interrupted=true and no
#      solution file;
#   3. a restart from that checkpoint on 3 ranks must reach the reference steady state (tools/compare_summary.py,
#      relative tolerance 1e-8) and write its solution;
#   4. a checkpoint of another mesh is refused with a clear error;
#   5. a polarization sweep stopped by SIGTERM and resumed from its checkpoint on 3 ranks gives the uninterrupted curve.
# Usage: checkpoint.sh BUILD_DIR SOURCE_DIR
set -u
build=$1 src=$2
NESS="$build/ness"
# shellcheck source=lib.sh
. "$src/tests/mpi/lib.sh"
make_workdir checkpoint
PY=python3
for p in python3 /usr/bin/python3; do
  if $p -c 'import json' 2>/dev/null; then PY=$p; break; fi
done
scen="$src/scenarios/default.yaml"

"$src/tools/mpirun.sh" -n 2 "$RUN_NESS" -options_file "$scen" -ness_mesh_faces 24,20 -ness_output_dir "$WORK/ref" >"$WORK/ref.log" 2>&1 ||
  fail "reference run" "(exit $?)"

"$src/tools/mpirun.sh" -n 2 "$RUN_NESS" -options_file "$scen" -ness_mesh_faces 24,20 -ness_pseudo_dt 1e-16 -ness_pseudo_max_steps 2000 \
  -ness_checkpoint_interval 5 -ness_output_dir "$WORK/int" >"$WORK/int.log" 2>&1 &
mpipid=$!
for _ in $(seq 1 300); do
  [ -e "$WORK/int/checkpoint.h5" ] && break
  sleep 0.1
done
if [ -e "$WORK/int/checkpoint.h5" ]; then
  pkill -TERM -f "^$RUN_NESS .*$WORK/int\$"
fi
wait $mpipid
rc=$?
if [ $rc -eq 4 ] && grep -q "interrupted by a signal" "$WORK/int.log" && [ -s "$WORK/int/checkpoint.h5" ] &&
  [ ! -e "$WORK/int/solution.h5" ] && ! ls "$WORK/int"/*.tmp >/dev/null 2>&1 &&
  $PY -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["interrupted"] and not d["converged"] else 1)' "$WORK/int/summary.json"; then
  pass "SIGTERM: exit 4, checkpoint.h5 written, summary interrupted=true, no solution file"
else
  fail "SIGTERM" "(exit $rc)"
  indent "$WORK/int.log"
fi

"$src/tools/mpirun.sh" -n 3 "$RUN_NESS" -options_file "$scen" -ness_mesh_faces 24,20 -ness_restart "$WORK/int/checkpoint.h5" \
  -ness_output_dir "$WORK/restart" >"$WORK/restart.log" 2>&1
rc=$?
if [ $rc -eq 0 ] && [ -s "$WORK/restart/solution.h5" ] &&
  cmp=$($PY "$src/tools/compare_summary.py" "$WORK/ref/summary.json" "$WORK/restart/summary.json" 2>&1); then
  pass "restart on 3 ranks reaches the reference steady state: $(printf '%s\n' "$cmp" | tail -1)"
else
  fail "restart" "(exit $rc)"
  printf '%s\n' "${cmp:-}" | tail -5
  indent "$WORK/restart.log"
fi

"$src/tools/mpirun.sh" -n 2 "$RUN_NESS" -options_file "$scen" -ness_mesh_faces 12,10 -ness_restart "$WORK/int/checkpoint.h5" \
  -ness_output_dir "$WORK/wrong" >"$WORK/wrong.log" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q "ness: error: Checkpoint .* restart with the same mesh" "$WORK/wrong.log"; then
  pass "a checkpoint of another mesh is refused: $(grep -m1 'ness: error' "$WORK/wrong.log" | cut -c1-160)"
else
  fail "checkpoint of another mesh" "(exit $rc)"
  indent "$WORK/wrong.log"
fi
# 5. sweeps: a polarization sweep with -ness_checkpoint_interval, stopped by SIGTERM part-way, resumed on 3 ranks
#    from its checkpoint: the whole curve must equal an uninterrupted sweep's (potentials, currents, charges)
sweep=(-ness_mesh_faces 24,20 -ness_sweep anode -ness_sweep_range -0.56,-0.30 -ness_sweep_step 0.002)
"$src/tools/mpirun.sh" -n 2 "$RUN_NESS" -options_file "$scen" "${sweep[@]}" -ness_output_dir "$WORK/swref" >"$WORK/swref.log" 2>&1 ||
  fail "reference sweep" "(exit $?)"
"$src/tools/mpirun.sh" -n 2 "$RUN_NESS" -options_file "$scen" "${sweep[@]}" -ness_checkpoint_interval 5 \
  -ness_output_dir "$WORK/swint" >"$WORK/swint.log" 2>&1 &
mpipid=$!
for _ in $(seq 1 400); do
  [ -e "$WORK/swint/checkpoint.h5" ] && [ -e "$WORK/swint/sweep.csv" ] && [ "$(wc -l <"$WORK/swint/sweep.csv")" -gt 10 ] && break
  sleep 0.02
done
pkill -TERM -f "^$RUN_NESS .*$WORK/swint\$"
wait $mpipid
rc=$?
npts=$(($(wc -l <"$WORK/swint/sweep.csv" 2>/dev/null || echo 1) - 1))
if [ $rc -eq 4 ] && grep -q "sweep: stopped by a signal" "$WORK/swint.log" && [ -s "$WORK/swint/checkpoint.h5" ] && [ "$npts" -lt 131 ]; then
  pass "sweep stopped by SIGTERM after $npts of 131 points: exit 4, checkpoint written"
else
  fail "sweep SIGTERM" "(exit $rc, $npts points)"
  indent "$WORK/swint.log"
fi
"$src/tools/mpirun.sh" -n 3 "$RUN_NESS" -options_file "$scen" "${sweep[@]}" -ness_restart "$WORK/swint/checkpoint.h5" \
  -ness_output_dir "$WORK/swres" >"$WORK/swres.log" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q "sweep: resuming from" "$WORK/swres.log" &&
  cmp=$($PY -c '
import csv, sys
def load(p):
    with open(p) as fh:
        r = list(csv.reader(fh))
    return r[0], [[float(x) for x in row] for row in r[1:]]
h, a = load(sys.argv[1])
_, b = load(sys.argv[2])
cols = [i for i, n in enumerate(h) if n.startswith(("potential", "current", "phi", "charge"))]
worst = max(abs(x[i] - y[i]) / (abs(x[i]) + 1e-300) for x, y in zip(a, b) for i in cols) if len(a) == len(b) else float("inf")
print("%d points, %d columns; worst relative difference %.1e" % (len(b), len(cols), worst))
sys.exit(0 if len(a) == len(b) and worst < 1e-8 else 1)' "$WORK/swref/sweep.csv" "$WORK/swres/sweep.csv"); then
  pass "sweep resumed on 3 ranks equals the uninterrupted sweep: $cmp"
else
  fail "sweep resume" "(exit $rc) ${cmp:-}"
  indent "$WORK/swres.log"
fi
"$src/tools/mpirun.sh" -n 2 "$RUN_NESS" -options_file "$scen" "${sweep[@]}" -ness_sweep_range -0.56,-0.20 \
  -ness_restart "$WORK/swint/checkpoint.h5" -ness_output_dir "$WORK/swwrong" >"$WORK/swwrong.log" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q "ness: error: Checkpoint .* holds a sweep from -0.56 to -0.3 V" "$WORK/swwrong.log"; then
  pass "a sweep checkpoint of another sweep range is refused: $(grep -m1 'ness: error' "$WORK/swwrong.log" | cut -c1-200)"
else
  fail "sweep checkpoint of another range" "(exit $rc)"
  indent "$WORK/swwrong.log"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# Hard physics converges or says why (issue "Reliability"):
#   - the default scenario driven far from equilibrium (E = +0.3 V, eta ~ 0.74 V) fails as a direct solve and
#     converges by continuation in the electrode potential; the summary records the path and the power balance
#     still holds;
#   - 1 V above and below the equilibrium potential, and 1 V above with i0 = 1e4 A/m^2, converge; each
#     continuation path (potential, rate, debye) forced alone reaches the same steady state, and a failing path
#     hands over to the next;
#   - a floating couple reaches the same mixed potential from initial potentials 0.8 V below to 0.7 V above it;
#   - a PNP cell with lambda_D/L ~ 1e-6 on a graded mesh converges and its power balance holds;
#   - with -ness_continuation 0 the same run exits 3, says DID NOT CONVERGE with the reason, and writes no
#     solution file;
#   - no converged solution has a negative concentration, and no shipped scenario leaves dilute-solution theory
#     (-ness_max_concentration warning): every shipped scenario (scenarios/*.yaml, coarsened as
#     in the scenario regression tests) and the test cases under tests/data.
# Usage: robustness.sh BUILD_DIR SOURCE_DIR
set -u
build=$1 src=$2
NESS="$build/ness"
# shellcheck source=../mpi/lib.sh
. "$src/tests/mpi/lib.sh"
make_workdir robustness
PY=
for p in python3 /usr/bin/python3; do
  if $p -c 'import numpy, h5py' 2>/dev/null; then PY=$p; break; fi
done
[ -n "$PY" ] || { echo "no python3 with numpy and h5py"; echo "0 passed, 1 failed"; exit 1; }

out="$WORK/strong"
if "$src/tools/mpirun.sh" -n 2 "$RUN_NESS" -options_file "$src/scenarios/default.yaml" -ness_mesh_faces 24,20 \
  -ness_electrode_anode_potential 0.3 -ness_output_dir "$out" >"$WORK/strong.log" 2>&1 &&
  msg=$($PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
c = d["continuation"]
ok = d["converged"] and c["used"] and c["reached"] == 1 and d["power_balance_W"]["relative_error"] < 1e-8
print("converged=%s continuation %s, current %.4e A, power balance relative error %.1e" % (d["converged"], c, d["electrodes"][0]["current_A"], d["power_balance_W"]["relative_error"]))
sys.exit(0 if ok else 1)' "$out/summary.json") && grep -q "continuation (parameter and fraction of the way reached): potential 100%" "$WORK/strong.log"; then
  pass "strong drive by continuation: $msg"
else
  fail "strong drive by continuation" "${msg:-}"
  indent "$WORK/strong.log"
fi

out="$WORK/nocont"
"$src/tools/mpirun.sh" -n 2 "$RUN_NESS" -options_file "$src/scenarios/default.yaml" -ness_mesh_faces 24,20 \
  -ness_electrode_anode_potential 0.3 -ness_continuation 0 -ness_output_dir "$out" >"$WORK/nocont.log" 2>&1
rc=$?
if [ $rc -eq 3 ] && grep -q "DID NOT CONVERGE (DIVERGED" "$WORK/nocont.log" && [ ! -e "$out/solution.h5" ] &&
  $PY -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))["converged"] is False else 1)' "$out/summary.json"; then
  pass "without continuation: exit 3, $(grep -m1 -o 'DID NOT CONVERGE ([A-Z_]*)' "$WORK/nocont.log"), no solution file, summary converged=false"
else
  fail "without continuation" "(exit $rc)"
  indent "$WORK/nocont.log"
fi

# a thin double layer: lambda_D/L ~ 1e-6 (CuSO4 100 mol/m^3, L = 0.5 mm) on a graded mesh (first cell 15 pm)
out="$WORK/thin"
if "$src/tools/mpirun.sh" -n 2 "$RUN_NESS" -options_file "$src/tests/data/en_binary.yaml" -ness_model pnp \
  -ness_electrode_cathode_phi_bc stern -ness_mesh_upper 5e-4 -ness_mesh_faces 400 -ness_mesh_grade 14 \
  -ness_output_dir "$out" >"$WORK/thin.log" 2>&1 &&
  msg=$($PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
pb = d["power_balance_W"]
print("converged=%s (%s), %d Newton iterations, current %.4e A/m^2, power balance relative error %.1e" % (d["converged"], d["converged_reason"], d["iterations"]["newton"], d["electrodes"][0]["current_A"], pb["relative_error"]))
sys.exit(0 if d["converged"] and pb["relative_error"] < 1e-8 else 1)' "$out/summary.json"); then
  pass "thin double layer lambda_D/L = 1e-6: $msg"
else
  fail "thin double layer lambda_D/L = 1e-6" "${msg:-}"
  indent "$WORK/thin.log"
fi
# the same thin layer driven 1 V cathodic (copper deposition at the diffusion limit)
out="$WORK/thin_m1V"
if "$src/tools/mpirun.sh" -n 2 "$RUN_NESS" -options_file "$src/tests/data/en_binary.yaml" -ness_model pnp \
  -ness_electrode_cathode_phi_bc stern -ness_mesh_upper 5e-4 -ness_mesh_faces 400 -ness_mesh_grade 14 \
  -ness_electrode_cathode_potential -1.0 -ness_output_dir "$out" >"$WORK/thin_m1V.log" 2>&1 &&
  msg=$($PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
pb = d["power_balance_W"]
ilim = 2 * 2 * 96485.33212 * 0.72e-9 * 100 / 5e-4  # electroneutral limiting current 2zFD+c0/L
I = -d["electrodes"][0]["current_A"]
print("converged=%s, current %.4f A/m^2 = %.4f i_lim (2zFD+c0/L), power balance relative error %.1e" % (d["converged"], I, I / ilim, pb["relative_error"]))
sys.exit(0 if d["converged"] and pb["relative_error"] < 1e-8 and 0.99 < I / ilim < 1.01 else 1)' "$out/summary.json"); then
  pass "thin double layer at -1 V: $msg"
else
  fail "thin double layer at -1 V" "${msg:-}"
  indent "$WORK/thin_m1V.log"
fi

# Strong drive and fast kinetics: the default scenario (iron anode; equilibrium with the bulk at E0 = -0.558 V)
# driven to E0 + 1 V and E0 - 1 V (diffusion-limited Fe2+ deposition), and to E0 + 1 V with i0 = 1e4 A/m^2 (six
# decades faster); then each continuation path forced on its own must reach the same steady state, and a path that
# fails hands over to the next one (the summary records the path).
summ() { # summary.json -> "converged current balance path"
  $PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
pb = d.get("power_balance_W", {}).get("relative_error", float("nan"))
print(d["converged"], repr(d["electrodes"][0]["current_A"]), pb, d["continuation"]["path"] or "direct")' "$1"
}
drive() { # name, extra options
  local name=$1
  shift
  "$src/tools/mpirun.sh" -n 2 "$RUN_NESS" -options_file "$src/scenarios/default.yaml" -ness_mesh_faces 24,20 "$@" \
    -ness_output_dir "$WORK/$name" >"$WORK/$name.log" 2>&1
  if [ -s "$WORK/$name/summary.json" ]; then summ "$WORK/$name/summary.json"; else echo "False nan nan none"; fi
}
for spec in "plus1V:-ness_electrode_anode_potential 0.442" "minus1V:-ness_electrode_anode_potential -1.558" \
  "fast_plus1V:-ness_electrode_anode_potential 0.442 -ness_reaction_fe_dissolution_i0 1e4"; do
  name=${spec%%:*}
  # shellcheck disable=SC2086 # options
  read -r conv cur bal path <<<"$(drive "$name" ${spec#*:})"
  if [ "$conv" = True ] && awk -v b="$bal" 'BEGIN { exit !(b < 1e-8) }'; then
    pass "$name (${spec#*:}): converged via $path, current $cur A, power balance relative error $bal"
  else
    fail "$name (${spec#*:})" "converged=$conv path=$path balance=$bal"
    indent "$WORK/$name.log"
  fi
done
# each path on its own, and a failing path handing over (fast kinetics at E0 + 1 V; debye cannot do it alone)
read -r _ ref _ _ <<<"$(summ "$WORK/fast_plus1V/summary.json" 2>/dev/null || echo x nan x x)"
for p in potential rate "debye,rate"; do
  read -r conv cur bal path <<<"$(drive "path_$p" -ness_electrode_anode_potential 0.442 -ness_reaction_fe_dissolution_i0 1e4 -ness_continuation_paths "$p")"
  if [ "$conv" = True ] && awk -v a="$cur" -v b="$ref" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 1e-8 * (b < 0 ? -b : b)) }' &&
    grep -q "continuation (parameter and fraction of the way reached): ${path}" "$WORK/path_$p.log"; then
    pass "continuation path '$p': $path, current $cur A (automatic path: $ref A), power balance $bal"
  else
    fail "continuation path '$p'" "converged=$conv path=$path current $cur vs $ref"
    indent "$WORK/path_$p.log"
  fi
done
# the debye path on its own where it works (E = +0.3 V): the same steady state as the automatic potential path
read -r _ refd _ _ <<<"$(summ "$WORK/strong/summary.json" 2>/dev/null || echo x nan x x)"
read -r conv cur bal path <<<"$(drive path_debye -ness_electrode_anode_potential 0.3 -ness_continuation_paths debye)"
if [ "$conv" = True ] && [ "$path" = "debye 100%" ] && awk -v a="$cur" -v b="$refd" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 1e-8 * (b < 0 ? -b : b)) }'; then
  pass "continuation path 'debye' at E = +0.3 V: current $cur A (potential path: $refd A), power balance $bal"
else
  fail "continuation path 'debye'" "converged=$conv path=$path current $cur vs $refd"
  indent "$WORK/path_debye.log"
fi

# A floating galvanic couple converges from any initial metal potential: the Zn-steel film (electroneutral, 100x4)
# started 0.8 V below to 0.7 V above its mixed potential reaches the same potential and current
floats=()
for E0 in -1.5 -0.9 -0.3 0.0; do
  "$src/tools/mpirun.sh" -n 2 "$RUN_NESS" -options_file "$src/scenarios/galvanic_zn_steel_film.yaml" -ness_mesh_faces 100,4 \
    -ness_electrode_zn_potential $E0 -ness_electrode_steel_potential $E0 -ness_output_dir "$WORK/float$E0" >"$WORK/float$E0.log" 2>&1
  floats+=("$($PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(d["converged"], repr(d["electrodes"][0]["potential_V"]), repr(d["electrodes"][0]["current_A"]))' "$WORK/float$E0/summary.json" 2>/dev/null || echo "False nan nan")")
done
if msg=$($PY -c '
import sys
rows = [l.split() for l in sys.argv[1:]]
ok = all(r[0] == "True" for r in rows)
E = [float(r[1]) for r in rows]; I = [float(r[2]) for r in rows]
dE = max(E) - min(E); dI = (max(I) - min(I)) / abs(I[0])
print("from E = -1.5, -0.9, -0.3, 0.0 V: mixed potential %.6f V (spread %.1e V), current %.6e A (spread %.1e)" % (E[0], dE, I[0], dI))
sys.exit(0 if ok and dE < 1e-9 and dI < 1e-8 else 1)' "${floats[@]}"); then
  pass "floating couple from any start: $msg"
else
  fail "floating couple from any start" "${msg:-} ${floats[*]}"
fi

for f in "$src"/scenarios/*.yaml "$src"/tests/data/*.yaml; do
  name=$(basename "$f" .yaml)
  # the coarse versions the scenario regression tests (tests/scenarios) use
  case "$name" in
    galvanic_mg_steel) extra="-ness_mesh_file $src/meshes/galvanic_mg_steel_coarse.msh" ;;
    disk_electrode) extra="-ness_mesh_file $src/meshes/disk_electrode_coarse.msh" ;;
    pit) extra="-ness_mesh_file $src/meshes/pit_coarse.msh" ;;
    chemostat) extra="-ness_mesh_faces 50,10" ;;
    cathodic_protection) extra="-ness_mesh_faces 20,20,10" ;;
    crevice) extra="-ness_mesh_faces 300,2" ;;
    default) extra="-ness_mesh_faces 24,20" ;;
    *) extra="" ;;
  esac
  out="$WORK/pos_$name"
  # shellcheck disable=SC2086 # extra holds options
  "$src/tools/mpirun.sh" -n 2 "$RUN_NESS" -options_file "$f" $extra -ness_output_dir "$out" >"$out.log" 2>&1
  if [ ! -e "$out/solution.h5" ]; then
    fail "positivity $name" "(no converged solution)"
    continue
  fi
  if msg=$($PY -c '
import h5py, sys
with h5py.File(sys.argv[1], "r") as h:
    mins = {k[2:]: float(h["fields"][k][()].min()) for k in h["fields"] if k.startswith("c_")}
print(", ".join("%s %.3g" % kv for kv in mins.items()))
sys.exit(0 if all(v >= 0 for v in mins.values()) else 1)' "$out/solution.h5"); then
    pass "positivity $name: min c (mol/m^3): $msg"
  else
    fail "positivity $name" "min c: $msg"
  fi
  # the shipped scenarios stay within dilute-solution theory (no -ness_max_concentration warning)
  if [ "${f#"$src"/scenarios/}" != "$f" ]; then
    if grep -q "ness: warning: the concentration" "$out.log"; then
      fail "concentration range $name" "$(grep -m1 'ness: warning' "$out.log")"
    else
      pass "concentration range $name: $($PY -c 'import json,sys; print(json.load(open(sys.argv[1])).get("concentration_range_mol_per_m3"))' "$out/summary.json")"
    fi
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

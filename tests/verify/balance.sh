#!/usr/bin/env bash
# Dissipation balance T (S_transport + S_reactions + S_surface) = P_external + P_open + P_chemical on the default
# scenario and the test cases of every model (PNP, bulk reactions, electroneutral, secondary with a floating couple),
# on 1 and 3 ranks: the relative error must be at the solver tolerance
# (<= 1e-8), and on Delaunay meshes every edge dissipation sum_i J_KL,i (mu_K - mu_L) must be >= 0 (no edge below
# -1e-12 of the largest), including a strongly driven case (E - E_eq = 0.44 V, about 1e3 A/m^2).
# Usage: balance.sh BUILD_DIR SOURCE_DIR
set -u
build=$1 src=$2
NESS="$build/ness"
# shellcheck source=../mpi/lib.sh
. "$src/tests/mpi/lib.sh"
make_workdir balance
PY=python3
for p in python3 /usr/bin/python3; do
  if $p -c 'import json' 2>/dev/null; then PY=$p; break; fi
done

# case NAME NP NEGOK ARGS...   (NEGOK=1: edge signs not checked: a non-Delaunay mesh, or advection, whose edge
#                               term J (mu_K - mu_L) includes the convective transport of free energy, which is
#                               not dissipation; NEGOK=2: an equilibrium (no current, no drive), where every
#                               term is round-off: T S and the balance defect must be below 1e-10 W instead)
run_case() {
  local name=$1 np=$2 negok=$3
  shift 3
  local out="$WORK/$name.$np"
  if ! "$src/tools/mpirun.sh" -n "$np" "$RUN_NESS" "$@" -ness_output_dir "$out" >"$out.log" 2>&1; then
    fail "$name (np $np)" "(ness exited with an error)"
    indent "$out.log"
    return
  fi
  local msg
  if msg=$($PY - "$out/summary.json" "$negok" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
pb = d["power_balance_W"]
ep = d["entropy_production_W_per_K"]
supply = pb["external"] + pb["open_boundaries"] + pb["chemical"]
line = ("dissipation %.6e W = external %.6e + open %.6e + chemical %.6e (sum %.6e); relative error %.2e; "
        "S = %.4e W/K (transport %.3e, reactions %.3e, surface %.3e); min edge %.3e, max edge %.3e, negative %d"
        % (pb["dissipation"], pb["external"], pb["open_boundaries"], pb["chemical"], supply, pb["relative_error"],
           ep["total"], ep["bulk_transport"], ep["bulk_reactions"], ep["surface"],
           d["min_edge_dissipation"], d["max_edge_dissipation"], d["negative_edge_dissipations"]))
mode = int(sys.argv[2])
if mode == 2:
    ok = d["converged"] and abs(pb["dissipation"]) < 1e-10 and abs(pb["dissipation"] - supply) < 1e-10
else:
    ok = d["converged"] and pb["relative_error"] <= 1e-8 and ep["total"] > 0
    ok = ok and abs(pb["dissipation"] - supply) <= 1e-8 * max(abs(pb["dissipation"]), abs(pb["external"]), abs(pb["open_boundaries"]), abs(pb["chemical"]))
if mode == 0:
    ok = ok and d["negative_edge_dissipations"] == 0 and d["min_edge_dissipation"] >= -1e-12 * d["max_edge_dissipation"]
if mode == 0:
    for k in ("bulk_transport", "bulk_reactions", "surface"):
        ok = ok and ep[k] >= -1e-12 * ep["total"]
print(line)
sys.exit(0 if ok else 1)
PYEOF
  ); then
    pass "$name (np $np): $msg"
  else
    fail "$name (np $np)" "$msg"
  fi
}

for np in 1 3; do
  run_case default "$np" 0 -options_file "$src/scenarios/default.yaml" -ness_mesh_faces 24,20
  run_case default_strong "$np" 0 -options_file "$src/scenarios/default.yaml" -ness_mesh_faces 24,20 -ness_electrode_anode_potential 0.0
  run_case ranks_1d "$np" 0 -options_file "$src/tests/data/ranks_1d.yaml"
  run_case dirichlet_phi_1d "$np" 0 -options_file "$src/tests/data/ranks_1d.yaml" -ness_electrode_anode_phi_bc dirichlet -ness_electrode_anode_potential -0.2
  run_case water "$np" 0 -options_file "$src/tests/data/bulk_water.yaml"
  run_case hydrolysis "$np" 0 -options_file "$src/tests/data/bulk_hydrolysis.yaml"
  run_case electroneutral "$np" 0 -options_file "$src/tests/data/en_binary.yaml"
  run_case secondary_galvanic_couple "$np" 0 -options_file "$src/tests/data/galvanic_strip.yaml"
  # the scenario library, coarse as in its regression tests
  run_case galvanic_mg_steel "$np" 0 -options_file "$src/scenarios/galvanic_mg_steel.yaml" -ness_mesh_file "$src/meshes/galvanic_mg_steel_coarse.msh"
  run_case disk_electrode "$np" 0 -options_file "$src/scenarios/disk_electrode.yaml" -ness_mesh_file "$src/meshes/disk_electrode_coarse.msh"
  run_case double_layer "$np" 2 -options_file "$src/scenarios/double_layer.yaml"
  run_case pit "$np" 0 -options_file "$src/scenarios/pit.yaml" -ness_mesh_file "$src/meshes/pit_coarse.msh"
  run_case galvanic_zn_steel_film "$np" 1 -options_file "$src/scenarios/galvanic_zn_steel_film.yaml"
  run_case chemostat "$np" 1 -options_file "$src/scenarios/chemostat.yaml" -ness_mesh_faces 50,10
  run_case cathodic_protection "$np" 0 -options_file "$src/scenarios/cathodic_protection.yaml" -ness_mesh_faces 20,20,10
  run_case crevice "$np" 0 -options_file "$src/scenarios/crevice.yaml" -ness_mesh_faces 300,2
  run_case cube_3d "$np" 1 -options_file "$src/tests/data/ranks_1d.yaml" -ness_mesh_file "$src/meshes/cube.msh" -ness_mesh_scale 1e-5 \
    -ness_electrode_anode_label left -ness_bulk_boundaries right
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# Memory and undefined-behaviour checks (issue "Reliability", clean memory):
#   1. a Debug build with AddressSanitizer + UBSan in build-asan/ (cmake -DNESS_SANITIZE=ON);
#   2. the unit tests under it;
#   3. small scenarios under it on 2 ranks: PNP default (coarse), the floating galvanic couple (secondary, low-rank
#      Jacobian), the electroneutral cell, water with bulk reactions, 1D advection, and an axisymmetric run with
#      the relaxation;
#   4. valgrind (memcheck) on the release build for a 1D PNP cell and the secondary cell, 1 rank;
#   5. PETSc's -malloc_dump on a 2-rank run with the relaxation.
# Leak detection is off for ASan: MPI and PETSc keep allocations until exit by design (valgrind reports
# definite leaks of ness's own code in step 4 instead, with Open MPI's suppression file and
# tools/valgrind-mpi.supp, which hides the leaks inside Open MPI's start-up, shutdown and plugin loading).
# Usage: tools/sanitize.sh [BUILD_DIR (release build with ness, default build)]
set -u
cd "$(dirname "$0")/.." || exit 2
rel=${1:-build}
asan=build-asan
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1
fail=0
work=$(mktemp -d "${TMPDIR:-/tmp}/ness_sanitize.XXXXXX")
trap 'rm -rf "$work"' EXIT

cmake -S . -B "$asan" -DCMAKE_BUILD_TYPE=Debug -DNESS_SANITIZE=ON >/dev/null || exit 2
cmake --build "$asan" -j2 >/dev/null || { echo "FAIL  sanitizer build"; exit 1; }
(cd "$asan" && ctest -R '^unit_' --output-on-failure) >"$work/unit.log" 2>&1
if grep -qE "AddressSanitizer|runtime error" "$work/unit.log" || ! grep -q "100% tests passed" "$work/unit.log"; then
  echo "FAIL  unit tests under ASan/UBSan"; tail -40 "$work/unit.log"; fail=1
else
  echo "PASS  unit tests under ASan/UBSan"
fi

run_asan() {
  local name=$1
  shift
  bash tools/mpirun.sh -n 2 "$asan/ness" "$@" -ness_output_dir "$work/$name" >"$work/$name.log" 2>&1
  local rc=$?
  if grep -qE "AddressSanitizer|runtime error|LeakSanitizer" "$work/$name.log" || [ $rc -ne 0 ]; then
    echo "FAIL  $name under ASan/UBSan (exit $rc)"; grep -m20 -E "ERROR|runtime error|#[0-9]" "$work/$name.log"; fail=1
  else
    echo "PASS  $name under ASan/UBSan"
  fi
}
run_asan default -options_file scenarios/default.yaml -ness_mesh_faces 12,10
run_asan galvanic_couple -options_file tests/data/galvanic_strip.yaml -ness_mesh_faces 10,4
run_asan electroneutral -options_file tests/data/en_binary.yaml -ness_mesh_faces 20
run_asan water -options_file tests/data/bulk_water.yaml
run_asan advection -options_file tests/data/advection_1d.yaml
run_asan axisym_relax -options_file scenarios/default.yaml -ness_mesh_faces 12,10 -ness_coordinates axisymmetric -ness_transient -ness_transient_growth 2
run_asan closed_cell -options_file tests/data/en_closed.yaml -ness_mesh_faces 20
run_asan continuation -options_file scenarios/default.yaml -ness_mesh_faces 12,10 -ness_electrode_anode_potential 0.442 -ness_reaction_fe_dissolution_i0 1e4 -ness_continuation_paths debye,rate
run_asan sweep -options_file scenarios/default.yaml -ness_mesh_faces 12,10 -ness_sweep anode -ness_sweep_range -0.56,-0.5 -ness_sweep_step 0.01 -ness_checkpoint_interval 2

supp=/usr/share/openmpi/openmpi-valgrind.supp
run_valgrind() {
  local name=$1
  shift
  if ! command -v valgrind >/dev/null; then echo "SKIP  valgrind not installed"; return; fi
  valgrind -q --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite \
    ${supp:+--suppressions=$supp} --suppressions=tools/valgrind-mpi.supp "$rel/ness" "$@" -ness_output_dir "$work/vg_$name" >"$work/vg_$name.log" 2>&1
  local rc=$?
  if [ $rc -ne 0 ]; then
    echo "FAIL  $name under valgrind (exit $rc)"; grep -m30 -E "==[0-9]+==" "$work/vg_$name.log"; fail=1
  else
    echo "PASS  $name under valgrind (no errors, no definite leaks)"
  fi
}
run_valgrind pnp_1d -options_file tests/data/ranks_1d.yaml -ness_mesh_faces 40
run_valgrind secondary_1d -options_file tests/data/secondary_1d.yaml
run_valgrind closed_cell -options_file tests/data/en_closed.yaml -ness_mesh_faces 20
# PETSc's own allocation tracking: nothing allocated with PetscMalloc may be left at PetscFinalize
bash tools/mpirun.sh -n 2 "$rel/ness" -options_file scenarios/default.yaml -ness_mesh_faces 12,10 -ness_transient \
  -ness_transient_growth 2 -malloc_debug -malloc_dump -ness_output_dir "$work/md" >"$work/md.log" 2>&1
if grep -qiE "unfreed|malloc_dump|bytes .* allocated" "$work/md.log"; then
  echo "FAIL  PETSc -malloc_dump reports unfreed memory"; grep -m20 -iE "unfreed|bytes" "$work/md.log"; fail=1
else
  echo "PASS  PETSc -malloc_dump: no unfreed PetscMalloc memory (default scenario + relaxation, 2 ranks)"
fi
exit $fail

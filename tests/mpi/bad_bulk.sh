#!/usr/bin/env bash
# Bad-input tests of the bulk mass-action reactions (-ness_bulk_reaction_...) on 2 MPI ranks.
#
# Usage: tests/mpi/bad_bulk.sh BUILD_DIR SOURCE_DIR
#
# Every case starts from tests/data/bulk_water.yaml (water autoionization in a 1D cell) plus command-line
# overrides and asserts that ness
#   - exits with status 1 (a user error; never 0, never a signal, never the "not converged" status 3),
#   - prints exactly one line "ness: error: ..." and the case-specific fragment (the offending option or value),
#   - prints no traceback or crash lines (Segmentation, MPI_ABORT, Caught signal, PETSC ERROR),
#   - finishes within 30 s (the cases run concurrently),
#   - leaves no summary.json, solution.h5, solution.xmf or *.tmp file in its (fresh) output directory.
# Also: a positive control (the unmodified scenario exits 0 and reports a consistent network), and a network that
# violates Wegscheider's condition, which is not an error: ness warns that it is intrinsically driven, solves,
# and records "wegscheider_satisfied": false in summary.json.
#
# The last line is "N passed, M failed"; the exit status is 1 if any check failed.
set -u

if [ $# -ne 2 ]; then
  echo "usage: $0 BUILD_DIR SOURCE_DIR" >&2
  exit 2
fi
BUILD_DIR=$(cd "$1" && pwd) || exit 2
SOURCE_DIR=$(cd "$2" && pwd) || exit 2
NESS="$BUILD_DIR/ness"
SCEN="$SOURCE_DIR/tests/data/bulk_water.yaml"
MPIRUN=(bash "$SOURCE_DIR/tools/mpirun.sh" -n 2)
TIME_LIMIT=30

if [ ! -x "$NESS" ]; then
  echo "bad_bulk: $NESS not found or not executable (build first)" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

# shellcheck source=tests/mpi/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
make_workdir bad_bulk

# run_ness LOG ARGS...: ness on 2 ranks under a timeout; sets RC and ELAPSED (seconds)
RC=0
ELAPSED=0
run_ness() {
  local log=$1 t0 t1
  shift
  t0=$(date +%s.%N)
  timeout -k 5 "$TIME_LIMIT" "${MPIRUN[@]}" "$RUN_NESS" -options_file "$SCEN" "$@" >"$log" 2>&1 </dev/null
  RC=$?
  t1=$(date +%s.%N)
  ELAPSED=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
}

crash_lines() {
  grep -E 'Segmentation|MPI_ABORT|Caught signal|PETSC ERROR' "$1"
}

# report NAME LOG PROBLEMS... : PASS with SUMMARY, or FAIL with the problems, the command and the output
report() {
  local name=$1 log=$2 summary=$3
  shift 3
  if [ $# -eq 0 ]; then
    pass "$name (${ELAPSED} s): $summary"
  else
    fail "$name" "(${ELAPSED} s, exit status $RC)"
    echo "      command: ${MPIRUN[*]} $NESS -options_file $SCEN $CMD_ARGS"
    local p
    for p in "$@"; do echo "      - $p"; done
    echo "      ---- output ($log) ----"
    indent "$log"
    echo "      ----"
  fi
}

# bad_case NAME FRAGMENT ARGS...: start the case in the background (the runs spend most of their time waiting for
# mpirun to tear down after the error exit, so they run concurrently); check_cases evaluates them all.
CASES=()
declare -A FRAG CMDS
bad_case() {
  local name=$1 frag=$2 dir
  shift 2
  dir="$WORK/$name"
  mkdir -p "$dir"
  CASES+=("$name")
  FRAG[$name]=$frag
  CMDS[$name]="-ness_output_dir $dir/out $*"
  (
    run_ness "$WORK/$name.log" -ness_output_dir "$dir/out" "$@"
    echo "$RC $ELAPSED" >"$WORK/$name.rc"
  ) &
}

check_cases() {
  local name frag dir log problems nerr found
  wait
  for name in "${CASES[@]}"; do
    frag=${FRAG[$name]}
    dir="$WORK/$name"
    log="$WORK/$name.log"
    CMD_ARGS=${CMDS[$name]}
    read -r RC ELAPSED <"$WORK/$name.rc" || { RC=255; ELAPSED=0; }
    problems=()
    if [ "$RC" -eq 124 ] || [ "$RC" -eq 137 ]; then
      problems+=("did not finish within ${TIME_LIMIT} s (exit status $RC from timeout)")
    elif [ "$RC" -eq 0 ]; then
      problems+=("exit status 0, expected 1 (the bad input was accepted)")
    elif [ "$RC" -ne 1 ]; then
      problems+=("exit status $RC, expected 1 (user error)")
    fi
    nerr=$(grep -c 'ness: error:' "$log")
    if [ "$nerr" -ne 1 ]; then problems+=("$nerr 'ness: error:' lines, expected exactly one"); fi
    grep -qF -- "$frag" "$log" || problems+=("output lacks the fragment '$frag'")
    if crash_lines "$log" >/dev/null; then
      problems+=("crash/traceback lines in the output: $(crash_lines "$log" | head -n 2 | tr '\n' ' ')")
    fi
    found=$(find "$dir" \( -name summary.json -o -name solution.h5 -o -name solution.xmf -o -name '*.tmp' \) -print)
    [ -z "$found" ] || problems+=("output files were written for an input error: $(echo "$found" | tr '\n' ' ')")
    report "$name" "$log" "$(grep -m1 'ness: error:' "$log")" "${problems[@]+"${problems[@]}"}"
  done
}

echo "bad_bulk: $NESS on 2 ranks, scenario $SCEN, scratch directory $WORK"

# Positive control ------------------------------------------------------------------------------------
log="$WORK/control.log"
CMD_ARGS="-ness_output_dir $WORK/control"
run_ness "$log" -ness_output_dir "$WORK/control"
problems=()
[ "$RC" -eq 0 ] || problems+=("exit status $RC, expected 0")
grep -q 'ness: converged' "$log" || problems+=("no 'ness: converged' line")
if grep -q 'intrinsically driven' "$log"; then problems+=("a Wegscheider warning for a network without cycles"); fi
if crash_lines "$log" >/dev/null; then problems+=("crash/traceback lines in the output"); fi
[ -s "$WORK/control/summary.json" ] || problems+=("no summary.json")
report control "$log" "exit 0, converged, no Wegscheider warning" "${problems[@]+"${problems[@]}"}"

# Bad inputs ---------------------------------------------------------------------------------------------
# shellcheck disable=SC2054 # the commas are inside option values
X=(-ness_bulk_reaction_names w,x -ness_bulk_reaction_x_species H,OH -ness_bulk_reaction_x_stoich 1,1)
bad_case unknown_species "'Zn'" -ness_bulk_reaction_w_species H,Zn
bad_case stoich_count_mismatch "-ness_bulk_reaction_w_stoich" -ness_bulk_reaction_w_stoich 1
bad_case zero_stoichiometry "zero stoichiometry" -ness_bulk_reaction_w_stoich 0,0
bad_case charge_unbalanced "unbalanced in charge" -ness_bulk_reaction_w_stoich 1,-1
bad_case no_species "-ness_bulk_reaction_x_species" -ness_bulk_reaction_names w,x -ness_bulk_reaction_x_stoich 1,1 \
  -ness_bulk_reaction_x_kf 1 -ness_bulk_reaction_x_kb 1
bad_case kf_missing "-ness_bulk_reaction_x_kf" "${X[@]}" -ness_bulk_reaction_x_kb 1
bad_case kb_missing "-ness_bulk_reaction_x_kb" "${X[@]}" -ness_bulk_reaction_x_kf 1
bad_case kf_zero "-ness_bulk_reaction_w_kf" -ness_bulk_reaction_w_kf 0
bad_case kb_negative "-ness_bulk_reaction_w_kb" -ness_bulk_reaction_w_kb -1.4e8
bad_case K_negative "-ness_bulk_reaction_x_K" "${X[@]}" -ness_bulk_reaction_x_kf 1 -ness_bulk_reaction_x_K -2
bad_case kb_and_K "not both" -ness_bulk_reaction_w_K 1e-8
bad_case duplicate_name "Duplicate name 'w'" -ness_bulk_reaction_names w,w
bad_case option_misspelled "unknown option -ness_bulk_reaction_w_kff" -ness_bulk_reaction_w_kff 1
bad_case reaction_not_listed "unknown option -ness_bulk_reaction_y_kf" -ness_bulk_reaction_y_kf 1
check_cases

# A network violating Wegscheider's condition: a second water reaction with K = 1e-6 instead of 1e-8 ----------
log="$WORK/driven.log"
CMD_ARGS="-ness_output_dir $WORK/driven ${X[*]} -ness_bulk_reaction_x_kf 1 -ness_bulk_reaction_x_K 1e-6"
run_ness "$log" -ness_output_dir "$WORK/driven" "${X[@]}" -ness_bulk_reaction_x_kf 1 -ness_bulk_reaction_x_K 1e-6
problems=()
[ "$RC" -eq 0 ] || problems+=("exit status $RC, expected 0 (a driven network is a warning, not an error)")
grep -q 'intrinsically driven.*cycle 1 (w - x)' "$log" || problems+=("no warning naming the cycle 'w - x'")
if grep -q 'ness: error:' "$log"; then problems+=("'ness: error:' in the output"); fi
if crash_lines "$log" >/dev/null; then problems+=("crash/traceback lines in the output"); fi
if [ -s "$WORK/driven/summary.json" ]; then
  grep -q '"wegscheider_satisfied": false' "$WORK/driven/summary.json" || problems+=("summary.json lacks \"wegscheider_satisfied\": false")
else
  problems+=("no summary.json")
fi
report driven_network "$log" "$(grep -m1 -o 'WARNING: the bulk reaction network is intrinsically driven: cycle 1 ([^)]*) has affinity[^,]*' "$log")" "${problems[@]+"${problems[@]}"}"

if [ "$failed" -gt 0 ]; then echo "failed: ${failed_names[*]}"; fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

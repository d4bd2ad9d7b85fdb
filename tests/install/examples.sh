#!/usr/bin/env bash
# The ctest `examples`: runs examples/ex1_drive, ex2_couple and ex3_two_objects on 2 MPI ranks and checks them.
#
# Usage: tests/install/examples.sh SOURCE_DIR NESS EX1 EX2 EX3
#
#   ex1  converges; prints the anode current and the ranges of phi, Na, Cl, Fe; with -ex1_ness_output_dir the
#        summary.json it writes holds the same current.
#   ex2  every solve converges; after the first (cold) solve, every warm-started solve takes no pseudo-time step
#        and at most MAX_WARM_NEWTON Newton iterations, fewer than the cold one; the current rises with the metal
#        potential; a cold solve at the last potential agrees with the warm-started one to 1e-8.
#   ex3  two objects (prefixes a_, b_) from tests/data/ranks_1d.yaml, b at -0.25 V: each current equals current_A of
#        a separate run of the ness program with the same options to RTOL (1e-10) relative, and the two differ.
# The last line is "N passed, M failed"; the exit status is 1 if any check failed.
set -u
if [ $# -ne 5 ]; then
  echo "usage: $0 SOURCE_DIR NESS EX1 EX2 EX3" >&2
  exit 2
fi
SOURCE_DIR=$(cd "$1" && pwd) || exit 2
NESS=$2
EX1=$3
EX2=$4
EX3=$5
NP=2
RTOL=1e-10
MAX_WARM_NEWTON=8
MPIRUN=(bash "$SOURCE_DIR/tools/mpirun.sh" -n "$NP")
SCENARIO="$SOURCE_DIR/tests/data/ranks_1d.yaml"

# shellcheck source=tests/install/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
make_workdir examples
for f in "$NESS" "$EX1" "$EX2" "$EX3"; do
  if [ ! -x "$f" ]; then
    echo "examples: $f not found or not executable (build first)" >&2
    echo "0 passed, 1 failed"
    exit 1
  fi
done

# run NAME COMMAND...: runs COMMAND with a 60 s limit into $WORK/NAME.log; sets rc and secs
run() {
  local name=$1 t0
  shift
  t0=$(date +%s.%N)
  timeout -k 5 60 "$@" >"$WORK/$name.log" 2>&1 </dev/null
  rc=$?
  secs=$(elapsed "$t0")
}

# --- ex1 --------------------------------------------------------------------------------------------------------
run ex1 "${MPIRUN[@]}" "$EX1" -ex1_ness_output_dir "$WORK/ex1"
log="$WORK/ex1.log"
problems=()
[ "$rc" -eq 0 ] || problems+=("exit status $rc, expected 0")
grep -q '^ex1: converged to a steady state' "$log" || problems+=("no 'ex1: converged' line")
for f in phi Na Cl Fe; do grep -Eq "^ex1: field $f +\(121 vertices\) min" "$log" || problems+=("no range of field $f on 121 vertices"); done
cur=$(sed -n 's/^ex1: electrode anode .* I = \([-+0-9.e]*\) A.*/\1/p' "$log")
if [ -z "$cur" ]; then
  problems+=("no anode current")
elif [ ! -s "$WORK/ex1/summary.json" ]; then
  problems+=("no summary.json in -ex1_ness_output_dir")
else
  sj=$(summary_current "$WORK/ex1/summary.json" anode)
  d=$(rel_close "$cur" "$sj" 1e-9) || problems+=("printed current $cur differs from summary.json current_A $sj (relative $d)")
  python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) > 0 else 1)' "$cur" || problems+=("anode current $cur is not anodic (> 0)")
fi
if [ ${#problems[@]} -eq 0 ]; then
  pass "ex1_drive np=$NP ($secs s): anode I = $cur A, equal to summary.json current_A"
else
  fail "ex1_drive np=$NP" "($secs s)"
  echo "      command: ${MPIRUN[*]} $EX1 -ex1_ness_output_dir $WORK/ex1"
  for p in "${problems[@]}"; do echo "      - $p"; done
  show "$log"
fi

# --- ex2 --------------------------------------------------------------------------------------------------------
run ex2 "${MPIRUN[@]}" "$EX2"
log="$WORK/ex2.log"
problems=()
[ "$rc" -eq 0 ] || problems+=("exit status $rc, expected 0")
# rows: "ex2: step time E I converged pseudo newton final"
awk -v maxwarm="$MAX_WARM_NEWTON" '
  $1 == "ex2:" && $2 ~ /^[0-9]+$/ {
    n++; k = $2; E = $4 + 0; I = $5 + 0
    if ($6 != "yes") { printf "step %d did not converge\n", k; bad++ }
    if (k == 0) cold = $8
    else {
      if ($7 != 0) { printf "warm-started step %d took %d pseudo-time steps (expected 0)\n", k, $7; bad++ }
      if ($8 > maxwarm) { printf "warm-started step %d took %d Newton iterations (expected <= %d)\n", k, $8, maxwarm; bad++ }
      if ($8 >= cold) { printf "warm-started step %d took %d Newton iterations, not fewer than the cold solve (%d)\n", k, $8, cold; bad++ }
      if (!(I > prevI && E > prevE)) { printf "current does not rise with the potential at step %d\n", k; bad++ }
    }
    prevI = I; prevE = E
  }
  END { if (n < 2) { print "fewer than 2 steps printed"; bad++ } exit bad ? 1 : 0 }' "$log" >"$WORK/ex2.check" || problems+=("$(tr '\n' ';' <"$WORK/ex2.check")")
reldiff=$(sed -n 's/^ex2: cold solve .* relative difference to the warm-started solve \([-+0-9.e]*\)$/\1/p' "$log")
if [ -z "$reldiff" ]; then
  problems+=("no cold-solve comparison line")
else
  python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) <= 1e-8 else 1)' "$reldiff" || problems+=("warm-started and cold solves differ by $reldiff (> 1e-8)")
fi
if [ ${#problems[@]} -eq 0 ]; then
  pass "ex2_couple np=$NP ($secs s): cold solve $(awk '$1 == "ex2:" && $2 == "0" { print $8 }' "$log") Newton iterations, warm starts $(awk '$1 == "ex2:" && $2 ~ /^[1-9][0-9]*$/ { printf "%s%s", sep, $8; sep = "," }' "$log"); warm vs cold $reldiff"
else
  fail "ex2_couple np=$NP" "($secs s)"
  echo "      command: ${MPIRUN[*]} $EX2"
  for p in "${problems[@]}"; do echo "      - $p"; done
  show "$log"
fi

# --- ex3 against two runs of the ness program ------------------------------------------------------------------------
EB=-0.25
run ex3 "${MPIRUN[@]}" "$EX3" -scenario "$SCENARIO" -b_ness_electrode_anode_potential "$EB"
ex3secs=$secs
ex3rc=$rc
run ness_a "${MPIRUN[@]}" "$NESS" -options_file "$SCENARIO" -ness_output_dir "$WORK/a"
arc=$rc
run ness_b "${MPIRUN[@]}" "$NESS" -options_file "$SCENARIO" -ness_electrode_anode_potential "$EB" -ness_output_dir "$WORK/b"
brc=$rc
problems=()
[ "$ex3rc" -eq 0 ] || problems+=("ex3 exit status $ex3rc, expected 0")
[ "$arc" -eq 0 ] || problems+=("ness run a: exit status $arc, expected 0 (log $WORK/ness_a.log)")
[ "$brc" -eq 0 ] || problems+=("ness run b: exit status $brc, expected 0 (log $WORK/ness_b.log)")
msg=""
for obj in a b; do
  cur=$(sed -n "s/^ex3: object ${obj}_ electrode anode converged yes E = .* I = \([-+0-9.e]*\) A$/\1/p" "$WORK/ex3.log")
  if [ -z "$cur" ]; then
    problems+=("ex3: no converged anode current of object ${obj}_")
    continue
  fi
  eval "cur_$obj=\$cur"
  if [ ! -s "$WORK/$obj/summary.json" ]; then
    problems+=("ness run $obj wrote no summary.json")
    continue
  fi
  sj=$(summary_current "$WORK/$obj/summary.json" anode)
  if d=$(rel_close "$cur" "$sj" "$RTOL"); then
    msg="$msg ${obj}_: $cur A (ness $sj, relative $d);"
  else
    problems+=("object ${obj}_: ex3 current $cur A, ness current_A $sj A: relative difference $d > $RTOL")
  fi
done
if [ -n "${cur_a:-}" ] && [ -n "${cur_b:-}" ] && rel_close "$cur_a" "$cur_b" 1e-3 >/dev/null; then
  problems+=("objects a_ and b_ give the same current ($cur_a, $cur_b): the prefixes did not separate them")
fi
if [ ${#problems[@]} -eq 0 ]; then
  pass "ex3_two_objects np=$NP ($ex3secs s) vs two ness runs:$msg"
else
  fail "ex3_two_objects np=$NP" "($ex3secs s)"
  echo "      command: ${MPIRUN[*]} $EX3 -scenario $SCENARIO -b_ness_electrode_anode_potential $EB"
  echo "      ness:    ${MPIRUN[*]} $NESS -options_file $SCENARIO [-ness_electrode_anode_potential $EB] -ness_output_dir DIR"
  for p in "${problems[@]}"; do echo "      - $p"; done
  show "$WORK/ex3.log"
fi

# ex3 with its built-in configuration (no scenario file): both objects converge, b's current above a's
run ex3_builtin "${MPIRUN[@]}" "$EX3"
log="$WORK/ex3_builtin.log"
ca=$(sed -n 's/^ex3: object a_ electrode anode converged yes E = -0.300000 V I = \([-+0-9.e]*\) A$/\1/p' "$log")
cb=$(sed -n 's/^ex3: object b_ electrode anode converged yes E = -0.250000 V I = \([-+0-9.e]*\) A$/\1/p' "$log")
if [ "$rc" -eq 0 ] && [ -n "$ca" ] && [ -n "$cb" ] && python3 -c 'import sys; sys.exit(0 if 0 < float(sys.argv[1]) < float(sys.argv[2]) else 1)' "$ca" "$cb"; then
  pass "ex3_two_objects built-in np=$NP ($secs s): a_ (-0.30 V) $ca A, b_ (-0.25 V) $cb A"
else
  fail "ex3_two_objects built-in np=$NP" "(exit status $rc, $secs s)"
  show "$log"
fi

finish

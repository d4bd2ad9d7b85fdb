#!/usr/bin/env bash
# The ctest `examples`: runs examples/ex1_drive, ex2_couple, ex3_two_objects, ex4_compose and ex5_extend on 2 MPI ranks
# and checks them.
#
# Usage: tests/install/examples.sh SOURCE_DIR NESS EX1 EX2 EX3 [EX4 EX5]
#        (EX4 and EX5 default to ex4_compose and ex5_extend in the directory of EX3)
#
#   ex1  converges; prints the anode current and the ranges of phi, Na, Cl, Fe; with -ex1_ness_output_dir the
#        summary.json it writes holds the same current.
#   ex2  every solve converges; after the first (cold) solve, every warm-started solve takes no pseudo-time step
#        and at most MAX_WARM_NEWTON Newton iterations, fewer than the cold one; the current rises with the metal
#        potential; a cold solve at the last potential agrees with the warm-started one to 1e-8.
#   ex3  two objects (prefixes a_, b_) from tests/data/ranks_1d.yaml, b at -0.25 V: each current equals current_A of
#        a separate run of the ness program with the same options to RTOL (1e-10) relative, and the two differ.
#   ex4  ness's residual and Jacobian in the host's own SNES (prefix host_, PCFIELDSPLIT with at least 2 splits) and TS
#        (prefix hostts_): from a short pseudo-time march (part snes) and from a host implicit-Euler transient (part ts)
#        the host SNES converges, and the fields and electrode currents equal NessSolve()'s to COMPOSE_TOL (1e-9)
#        relative; two input errors come back as nonzero error codes. Runs: the built-in 1D cell (Schur-complement split
#        by default), the same with -host_pc_fieldsplit_type multiplicative and -host_snes_view (the view must show the
#        multiplicative field split), the coarse 2D default scenario, and the floating galvanic strip (secondary model,
#        MATLRC Jacobian).
#   ex5  a host kinetics law (film_bv) equals butler_volmer with R = 0 to 1e-12 and satisfies i = i_BV(eta - R i) with
#        R > 0 to 1e-8 at a smaller current; a host velocity function gives the same current and field as the option
#        velocity (1e-12) and the exact advection-diffusion profile (1e-8); two input errors come back as nonzero codes.
# The last line is "N passed, M failed"; the exit status is 1 if any check failed.
set -u
if [ $# -ne 5 ] && [ $# -ne 7 ]; then
  echo "usage: $0 SOURCE_DIR NESS EX1 EX2 EX3 [EX4 EX5]" >&2
  exit 2
fi
SOURCE_DIR=$(cd "$1" && pwd) || exit 2
NESS=$2
EX1=$3
EX2=$4
EX3=$5
EX4=${6:-$(dirname "$EX3")/ex4_compose}
EX5=${7:-$(dirname "$EX3")/ex5_extend}
NP=2
COMPOSE_TOL=1e-9
RTOL=1e-10
MAX_WARM_NEWTON=8
MPIRUN=(bash "$SOURCE_DIR/tools/mpirun.sh" -n "$NP")
SCENARIO="$SOURCE_DIR/tests/data/ranks_1d.yaml"

# shellcheck source=tests/install/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
make_workdir examples
for f in "$NESS" "$EX1" "$EX2" "$EX3" "$EX4" "$EX5"; do
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

# --- ex4: composition with the host's SNES and TS -----------------------------------------------------------------------
# check_ex4 NAME LOG: the checks common to every ex4 run; sets problems and msg
check_ex4() {
  local log=$1 part line n
  [ "$rc" -eq 0 ] || problems+=("exit status $rc, expected 0")
  grep -q '^ex4: NessSolve converged yes' "$log" || problems+=("NessSolve did not converge")
  msg=""
  for part in snes ts; do
    line=$(grep -m 1 "^ex4: $part: host SNES converged" "$log")
    if [ -z "$line" ]; then
      problems+=("part $part: no host SNES line")
      continue
    fi
    case $line in *"converged yes"*) ;; *) problems+=("part $part: $line") ;; esac
    n=$(sed -n "s/^ex4: $part: host SNES converged yes ([A-Z_]*) in \([0-9]*\) Newton.*/\1/p" "$log" | head -n 1)
    d=$(sed -n "s/^ex4: $part: max relative field difference \([-+0-9.e]*\), max relative current difference \([-+0-9.e]*\)$/\1 \2/p" "$log" | head -n 1)
    if [ -z "$d" ]; then
      problems+=("part $part: no difference line")
      continue
    fi
    # shellcheck disable=SC2086 # two numbers
    python3 -c 'import sys; sys.exit(0 if max(float(sys.argv[1]), float(sys.argv[2])) <= float(sys.argv[3]) else 1)' $d "$COMPOSE_TOL" ||
      problems+=("part $part: host steady state differs from NessSolve's (field, current): $d > $COMPOSE_TOL")
    grep -q "^ex4: $part vs NessSolve: electrode .* relative difference" "$log" || problems+=("part $part: no electrode current compared")
    msg="$msg $part: ${n:-?} Newton its, differences (field, current) $(echo "$d" | tr ' ' ',');"
  done
  [ "$(grep -c '^ex4: error: .* returned error code [1-9]' "$log")" -eq 2 ] || problems+=("expected 2 nonzero error codes from the provoked input errors")
}

run ex4 "${MPIRUN[@]}" "$EX4"
log="$WORK/ex4.log"
problems=()
check_ex4 "$log"
[ "$(grep -Ec '^ex4: host PC fieldsplit \(schur\) with [2-9] splits' "$log")" -eq 2 ] || problems+=("the host SNES did not use the Schur field split (2 'host PC fieldsplit (schur)' lines expected)")
if [ ${#problems[@]} -eq 0 ]; then
  pass "ex4_compose np=$NP ($secs s) 1D, PCFIELDSPLIT schur:$msg"
else
  fail "ex4_compose np=$NP" "($secs s)"
  echo "      command: ${MPIRUN[*]} $EX4"
  for p in "${problems[@]}"; do echo "      - $p"; done
  show "$log"
fi

run ex4_mult "${MPIRUN[@]}" "$EX4" -host_pc_fieldsplit_type multiplicative -host_snes_view
log="$WORK/ex4_mult.log"
problems=()
check_ex4 "$log"
grep -q 'FieldSplit with MULTIPLICATIVE composition: total splits = 2' "$log" || problems+=("-host_snes_view does not show the multiplicative field split")
grep -q 'KSP Object: (host_fieldsplit_psi_)' "$log" || problems+=("-host_snes_view shows no split named after the field psi")
if [ ${#problems[@]} -eq 0 ]; then
  pass "ex4_compose np=$NP ($secs s) 1D, -host_pc_fieldsplit_type multiplicative (seen in -host_snes_view):$msg"
else
  fail "ex4_compose multiplicative np=$NP" "($secs s)"
  echo "      command: ${MPIRUN[*]} $EX4 -host_pc_fieldsplit_type multiplicative -host_snes_view"
  for p in "${problems[@]}"; do echo "      - $p"; done
  grep -v '^ *INFOG\|^ *RINFOG' "$log" >"$WORK/ex4_mult.short"
  show "$WORK/ex4_mult.short"
fi

run ex4_2d "${MPIRUN[@]}" "$EX4" -scenario "$SOURCE_DIR/scenarios/default.yaml" -ex4_ness_mesh_faces 24,20
log="$WORK/ex4_2d.log"
problems=()
check_ex4 "$log"
if [ ${#problems[@]} -eq 0 ]; then
  pass "ex4_compose np=$NP ($secs s) scenarios/default.yaml on 24x20 cells:$msg"
else
  fail "ex4_compose 2D np=$NP" "($secs s)"
  echo "      command: ${MPIRUN[*]} $EX4 -scenario $SOURCE_DIR/scenarios/default.yaml -ex4_ness_mesh_faces 24,20"
  for p in "${problems[@]}"; do echo "      - $p"; done
  show "$log"
fi

run ex4_lrc "${MPIRUN[@]}" "$EX4" -scenario "$SOURCE_DIR/tests/data/galvanic_strip.yaml"
log="$WORK/ex4_lrc.log"
problems=()
check_ex4 "$log"
if [ ${#problems[@]} -eq 0 ]; then
  pass "ex4_compose np=$NP ($secs s) tests/data/galvanic_strip.yaml (floating couple, MATLRC Jacobian):$msg"
else
  fail "ex4_compose floating couple np=$NP" "($secs s)"
  echo "      command: ${MPIRUN[*]} $EX4 -scenario $SOURCE_DIR/tests/data/galvanic_strip.yaml"
  for p in "${problems[@]}"; do echo "      - $p"; done
  show "$log"
fi

# --- ex5: a host kinetics law and a host velocity field -----------------------------------------------------------------
run ex5 "${MPIRUN[@]}" "$EX5"
log="$WORK/ex5.log"
problems=()
[ "$rc" -eq 0 ] || problems+=("exit status $rc, expected 0")
grep -q '^ex5: all checks passed' "$log" || problems+=("ex5 reports failed checks")
for obj in bv_ film0_ film_ uopt_ uhost_; do
  grep -Eq "^ex5: $obj .* converged yes" "$log" || problems+=("object $obj did not converge")
done
r0=$(sed -n 's/^ex5: film_bv with R = 0 vs butler_volmer: relative difference \([-+0-9.e]*\) (\([0-9]*\) law calls)$/\1/p' "$log" | head -n 1)
[ -n "$r0" ] && python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) <= 1e-12 else 1)' "$r0" || problems+=("film_bv with R = 0 differs from butler_volmer: '${r0:-no line}'")
fm=$(sed -n 's/^ex5: film_: .* relative mismatch \([-+0-9.e]*\); I \/ I_bv = \([0-9.]*\)$/\1 \2/p' "$log" | head -n 1)
# shellcheck disable=SC2086 # two numbers
[ -n "$fm" ] && python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) <= 1e-8 and float(sys.argv[2]) < 1 else 1)' $fm || problems+=("film_bv with R > 0: mismatch and I/I_bv '${fm:-no line}' (expected <= 1e-8 and < 1)")
vl=$(sed -n 's/^ex5: host velocity vs option velocity: current relative difference \([-+0-9.e]*\), field O max difference \([-+0-9.e]*\) relative (\([0-9]*\) host velocity calls); host velocity vs exact profile: max relative error \([-+0-9.e]*\)$/\1 \2 \3 \4/p' "$log" | head -n 1)
# shellcheck disable=SC2086 # four numbers
[ -n "$vl" ] && python3 -c 'import sys; a = [float(x) for x in sys.argv[1:]]; sys.exit(0 if a[0] <= 1e-12 and a[1] <= 1e-12 and a[2] > 0 and a[3] <= 1e-8 else 1)' $vl || problems+=("host velocity: (current, field difference, calls, exact error) '${vl:-no line}'")
[ "$(grep -c '^ex5: error: .* returned error code [1-9]' "$log")" -eq 2 ] || problems+=("expected 2 nonzero error codes from the provoked input errors")
if [ ${#problems[@]} -eq 0 ]; then
  pass "ex5_extend np=$NP ($secs s): film_bv R=0 vs butler_volmer $r0, film I/I_bv $(echo "$fm" | cut -d' ' -f2) (mismatch $(echo "$fm" | cut -d' ' -f1)); host vs option velocity $(echo "$vl" | cut -d' ' -f1), vs exact $(echo "$vl" | cut -d' ' -f4)"
else
  fail "ex5_extend np=$NP" "($secs s)"
  echo "      command: ${MPIRUN[*]} $EX5"
  for p in "${problems[@]}"; do echo "      - $p"; done
  show "$log"
fi

finish

#!/usr/bin/env bash
# Relaxation of a NESS to equilibrium (-ness_transient) on 2 ranks: the default scenario (coarsened) is solved,
# its drive switched off (the iron electrode to the Nernst potential of the bulk) and the relaxation integrated by
# implicit Euler. Asserted on out/relaxation.csv:
#   - the free energy G never increases (to 1e-12 of G(0)), and decreases by at least dt*T*S per step
#     (G^n - G^{n+1} >= (1 - 1e-6) (t^{n+1} - t^n) T S^{n+1}: the discrete Lyapunov inequality that ties the
#     free energy and the entropy production together) wherever that bound is above round-off;
#   - the total entropy production never increases (to 1e-12 of S(0)) and falls below 1e-12 S(0);
#   - the electrode current ends below 1e-8 of its initial value: the state is an equilibrium.
# Usage: relax.sh BUILD_DIR SOURCE_DIR
set -u
build=$1 src=$2
NESS="$build/ness"
# shellcheck source=../mpi/lib.sh
. "$src/tests/mpi/lib.sh"
make_workdir relax
PY=
for p in python3 /usr/bin/python3; do
  if $p -c 'import numpy' 2>/dev/null; then PY=$p; break; fi
done
[ -n "$PY" ] || { echo "numpy not found"; echo "0 passed, 1 failed"; exit 1; }
out="$WORK/out"
if ! "$src/tools/mpirun.sh" -n 2 "$RUN_NESS" -options_file "$src/scenarios/default.yaml" -ness_mesh_faces 24,20 \
  -ness_transient -ness_transient_growth 1.5 -ness_output_dir "$out" >"$WORK/log" 2>&1; then
  fail "relaxation run" "(ness exited with an error)"
  indent "$WORK/log"
elif msg=$($PY - "$out/relaxation.csv" <<'PYEOF'
import sys
import numpy as np
d = np.genfromtxt(sys.argv[1], delimiter=",", names=True)
t, S, G, I = d["time_s"], d["entropy_production_W_per_K"], d["free_energy_J"], d["current_A_anode"]
T = 298.15
dt, dG = np.diff(t), -np.diff(G)
bound = dt * T * S[1:]
sig = bound > 1e-9 * abs(G[0])
ratio = dG[sig] / bound[sig]
checks = {
    "G never increases": bool(np.all(np.diff(G) <= 1e-12 * abs(G[0]))),
    "G drops by >= dt T S": bool(np.all(ratio >= 1 - 1e-6)),
    "S never increases": bool(np.all(np.diff(S) <= 1e-12 * S[0])),
    "S -> 0": bool(S[-1] < 1e-12 * S[0]),
    "I -> 0": bool(abs(I[-1]) < 1e-8 * abs(I[0])),
}
print("%d steps to t = %.3e s: S %.3e -> %.3e W/K, G %.6e -> %.6e J, I %.3e -> %.3e A; "
      "(G^n - G^n+1)/(dt T S^n+1) in [%.6f, %.3f] over %d steps; %s"
      % (len(t) - 1, t[-1], S[0], S[-1], G[0], G[-1], I[0], I[-1], ratio.min(), ratio.max(), sig.sum(),
         ", ".join("%s: %s" % (k, "yes" if v else "NO") for k, v in checks.items())))
sys.exit(0 if all(checks.values()) else 1)
PYEOF
); then
  pass "relaxation: $msg"
else
  fail "relaxation" "$msg"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

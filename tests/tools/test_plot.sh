#!/usr/bin/env bash
# Test of the plotting tool tools/ness_plot.py (ctest tools_plot).
#
# Usage: tests/tools/test_plot.sh NESS_BINARY SOURCE_DIR
#
# Runs the ness program (2 MPI ranks) on tests/data/ranks_1d.yaml (1D) and on scenarios/default.yaml
# coarsened to 24 x 20 faces (2D), plots both and checks
#   - ness and ness_plot.py exit 0 (the plotting time is printed, not asserted: speed belongs in benchmarks),
#   - the expected PNG files exist, are larger than 10 kB and are not a single colour
#     (1D: profiles, electrodes, polarization; 2D: field maps, phi_current, electrodes, polarization),
#   - a synthetic relaxation.csv gives relaxation.png, and a relaxation.csv without time_s is reported
#     (exit 1) while the other pictures are still written,
#   - an output in the old format (only phi and c_<sp>, no post-processed data) still plots (exit 0):
#     field maps, and no electrodes.png or polarization.png.
# The last line is "N passed, M failed"; the exit status is 1 if any check failed, 77 (skip) if there is no
# python3 with numpy, h5py and matplotlib.
set -u

if [ $# -ne 2 ]; then
  echo "usage: $0 NESS_BINARY SOURCE_DIR" >&2
  exit 2
fi
NESS=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") || exit 2
SOURCE_DIR=$(cd "$2" && pwd) || exit 2
PLOT="$SOURCE_DIR/tools/ness_plot.py"
MPIRUN=(bash "$SOURCE_DIR/tools/mpirun.sh" -n 2)
RUN_LIMIT=60     # s, per ness run
MIN_BYTES=10240

# shellcheck source=tests/mpi/lib.sh
source "$SOURCE_DIR/tests/mpi/lib.sh"

if [ ! -x "$NESS" ]; then
  echo "tools_plot: $NESS not found or not executable (build first)" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

# pyenv shims may shadow Debian's python3, which has the modules.
PY=""
for p in python3 /usr/bin/python3; do
  if "$p" -c 'import numpy, h5py, matplotlib' >/dev/null 2>&1; then
    PY=$p
    break
  fi
done
if [ -z "$PY" ]; then
  echo "tools_plot: SKIP: no python3 with numpy, h5py and matplotlib (tried python3, /usr/bin/python3)"
  exit 77
fi

start=$SECONDS
make_workdir plot

# check_png.py FILE...: one line per file, "ok FILE detail" or "bad FILE reason"
cat >"$WORK/check_png.py" <<'EOF'
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.image as mpimg
import numpy as np

MIN_BYTES = int(sys.argv[1])
for path in sys.argv[2:]:
    if not os.path.isfile(path):
        print("bad %s missing" % path)
        continue
    size = os.path.getsize(path)
    if size <= MIN_BYTES:
        print("bad %s only %d bytes (need > %d)" % (path, size, MIN_BYTES))
        continue
    try:
        img = mpimg.imread(path)
    except Exception as exc:  # noqa: BLE001 - any decoding failure is a failed check
        print("bad %s unreadable PNG (%s)" % (path, exc))
        continue
    px = np.round(np.asarray(img, dtype=float).reshape(-1, img.shape[-1] if img.ndim == 3 else 1) * 255).astype(np.int64)
    key = np.zeros(px.shape[0], dtype=np.int64)
    for ch in range(px.shape[1]):  # one integer per RGBA colour (np.unique on rows is slow)
        key = (key << 8) | px[:, ch]
    colours, counts = np.unique(key, return_counts=True)
    other = 1.0 - counts.max() / key.size  # share of pixels not in the most common (background) colour
    if colours.size < 16 or other < 0.02:
        print("bad %s looks blank: %d colours, %.2f%% non-background pixels" % (path, colours.size, 100 * other))
        continue
    print("ok %s %d bytes, %d colours, %.0f%% non-background" % (path, size, colours.size, 100 * other))
EOF

# check_pngs DIR NAME...: every DIR/NAME is a non-trivial PNG
check_pngs() {
  local dir=$1
  shift
  local files=()
  for f in "$@"; do files+=("$dir/$f"); done
  local status path detail
  while read -r status path detail; do
    if [ "$status" = ok ]; then
      pass "png $(basename "$dir")/$(basename "$path") ($detail)"
    else
      fail "png $(basename "$dir")/$(basename "$path")" "$detail"
    fi
  done < <("$PY" "$WORK/check_png.py" "$MIN_BYTES" "${files[@]}" 2>&1)
}

# absent DIR NAME...: the files must not exist
absent() {
  local dir=$1
  shift
  for f in "$@"; do
    if [ -e "$dir/$f" ]; then
      fail "absent $(basename "$dir")/$f" "(written although its input is missing)"
    else
      pass "absent $(basename "$dir")/$f"
    fi
  done
}

# run_ness NAME DIR ARGS...: ness into DIR; passes when it exits 0
run_ness() {
  local name=$1 dir=$2
  shift 2
  local log="$WORK/$name.ness.log"
  timeout -k 5 "$RUN_LIMIT" "${MPIRUN[@]}" "$RUN_NESS" "$@" -ness_output_dir "$dir" >"$log" 2>&1 </dev/null
  local rc=$?
  if [ $rc -eq 0 ] && [ -f "$dir/solution.h5" ] && [ -f "$dir/summary.json" ]; then
    pass "ness $name"
    return 0
  fi
  fail "ness $name" "(exit $rc)"
  echo "      command: ${MPIRUN[*]} $NESS $* -ness_output_dir $dir"
  indent "$log"
  return 1
}

# run_plot NAME DIR EXPECTED_STATUS: ness_plot.py DIR; sets PLOT_SECONDS
run_plot() {
  local name=$1 dir=$2 want=$3
  local log="$WORK/$name.plot.log"
  local t0 t1
  t0=$(date +%s.%N)
  timeout -k 5 60 "$PY" "$PLOT" "$dir" >"$log" 2>&1 </dev/null
  local rc=$?
  t1=$(date +%s.%N)
  PLOT_SECONDS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
  if [ $rc -eq "$want" ]; then
    pass "plot $name (exit $rc, ${PLOT_SECONDS} s)"
  else
    fail "plot $name" "(exit $rc, expected $want)"
    echo "      command: $PY $PLOT $dir"
    indent "$log"
  fi
}

# --- 1D ----------------------------------------------------------------------------------------------
D1="$WORK/one_d"
if run_ness 1d "$D1" -options_file "$SOURCE_DIR/tests/data/ranks_1d.yaml"; then
  run_plot 1d "$D1" 0
  check_pngs "$D1" profiles.png electrodes.png polarization.png
  absent "$D1" relaxation.png
fi

# --- 2D ----------------------------------------------------------------------------------------------
D2="$WORK/two_d"
if run_ness 2d "$D2" -options_file "$SOURCE_DIR/scenarios/default.yaml" -ness_mesh_faces 24,20; then
  run_plot 2d "$D2" 0
  # speed is measured by benchmarks, not asserted here: report the time only
  echo "note  plot 2d took ${PLOT_SECONDS} s"
  check_pngs "$D2" field_phi.png field_c_Fe.png field_entropy_production.png field_mu_Fe.png phi_current.png \
    electrodes.png polarization.png

  # --- old output format: geometry, topology, phi and c_<sp> only; summary without the new keys ----------
  OLD="$WORK/old_format"
  mkdir -p "$OLD"
  if "$PY" - "$D2" "$OLD" >"$WORK/old.log" 2>&1 <<'EOF'
import json
import sys

import h5py

src, dst = sys.argv[1], sys.argv[2]
with h5py.File(src + "/solution.h5", "r") as a, h5py.File(dst + "/solution.h5", "w") as b:
    a.copy("geometry", b)
    a.copy("topology", b)
    g = b.create_group("fields")
    for k in a["fields"]:
        if k == "phi" or k.startswith("c_"):
            g[k] = a["fields"][k][()]
with open(src + "/summary.json") as f:
    s = json.load(f)
for k in ("entropy_production_W_per_K", "power_balance_W"):
    s.pop(k, None)
for e in s.get("electrodes", []):
    for r in e.get("reactions", []):
        r.pop("polarization_V", None)
with open(dst + "/summary.json", "w") as f:
    json.dump(s, f)
EOF
  then
    run_plot old_format "$OLD" 0
    check_pngs "$OLD" field_phi.png field_c_Fe.png
    absent "$OLD" electrodes.png polarization.png phi_current.png field_entropy_production.png
  else
    fail "old_format set-up"
    indent "$WORK/old.log"
  fi
fi

# --- relaxation.csv (synthetic), next to the 1D result ------------------------------------------------
if [ -f "$D1/solution.h5" ]; then
  RX="$WORK/relaxation"
  mkdir -p "$RX"
  cp "$D1/solution.h5" "$D1/summary.json" "$RX/"
  awk 'BEGIN {
    print "step,time_s,entropy_production_W_per_K,free_energy_J,current_A_anode"
    for (i = 0; i <= 40; i++) {
      t = (i == 0) ? 0 : 10 ^ (-6 + 7 * (i - 1) / 39)
      printf "%d,%.10e,%.10e,%.10e,%.10e\n", i, t, 5.4e-5 + 1e-3 * exp(-t / 1e-3), -2e-3 + 5e-4 * exp(-t / 1e-2), 0.0624 * (1 - exp(-t / 1e-4))
    }
  }' >"$RX/relaxation.csv"
  run_plot relaxation "$RX" 0
  check_pngs "$RX" relaxation.png profiles.png

  # a relaxation.csv without time_s: reported (exit 1), the other pictures are still written
  BAD="$WORK/relaxation_bad"
  mkdir -p "$BAD"
  cp "$D1/solution.h5" "$D1/summary.json" "$BAD/"
  printf 'step,entropy_production_W_per_K\n0,1e-5\n' >"$BAD/relaxation.csv"
  run_plot relaxation_bad "$BAD" 1
  if grep -q "relaxation.png failed" "$WORK/relaxation_bad.plot.log"; then
    pass "relaxation_bad reported"
  else
    fail "relaxation_bad reported" "(no 'relaxation.png failed' message)"
    indent "$WORK/relaxation_bad.plot.log"
  fi
  check_pngs "$BAD" profiles.png electrodes.png
  absent "$BAD" relaxation.png
fi

echo "tools_plot: $((SECONDS - start)) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# The ctest `install_consumer`: ness as an installed, relocatable package.
#
# Usage: tests/install/install_consumer.sh BUILD_DIR SOURCE_DIR LIBDIR CMAKE VERSION
#   (LIBDIR: CMAKE_INSTALL_LIBDIR of the build, e.g. lib; VERSION: the project version)
#
#   1. cmake --install BUILD_DIR --prefix WORK/prefix, then the prefix is moved to WORK/moved/ness (the original path
#      no longer exists, so any absolute path left in the installed files would break what follows).
#   2. The installed tree: bin/ness, LIBDIR/libness.a, libness.so, include/ness.h, no include/ness/private,
#      LIBDIR/pkgconfig/ness.pc, LIBDIR/cmake/Ness/{NessConfig,NessConfigVersion,NessTargets}.cmake; no installed
#      text file names the install prefix.
#   3. pkg-config: PKG_CONFIG_PATH=moved/LIBDIR/pkgconfig pkg-config --modversion/--cflags --libs ness; host.c built
#      with mpicc against them (libness.so found through an rpath to moved/LIBDIR); ness.h alone compiles as C99 and,
#      with mpicxx if present, as C++.
#   4. CMake: tests/install/consumer (find_package(Ness), Ness::ness and Ness::ness_static) configured with
#      -DCMAKE_PREFIX_PATH=moved and built.
#   5. The three hosts and the moved bin/ness run tests/data/ranks_1d.yaml on 2 MPI ranks: all converge and give the
#      same anode current to 1e-10 relative (the ness program's from its summary.json).
# The last line is "N passed, M failed"; the exit status is 1 if any check failed.
set -u
if [ $# -ne 5 ]; then
  echo "usage: $0 BUILD_DIR SOURCE_DIR LIBDIR CMAKE VERSION" >&2
  exit 2
fi
BUILD_DIR=$(cd "$1" && pwd) || exit 2
SOURCE_DIR=$(cd "$2" && pwd) || exit 2
LIBDIR=$3
CMAKE=$4
VERSION=$5
NP=2
RTOL=1e-10
SCENARIO="$SOURCE_DIR/tests/data/ranks_1d.yaml"
MPIRUN=(bash "$SOURCE_DIR/tools/mpirun.sh" -n "$NP")
MPICC=${MPICC:-mpicc} # the MPI C compiler wrapper (ctest sets it to CMake's MPI_C_COMPILER)

# shellcheck source=tests/install/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
make_workdir install
echo "install_consumer: build $BUILD_DIR, scratch directory $WORK"

# logof NAME: the log file of step NAME
logof() {
  echo "$WORK/log_$(echo "$1" | tr -c 'A-Za-z0-9_.=\n-' '_').txt"
}

# step NAME COMMAND...: runs COMMAND into $(logof NAME); PASS/FAIL with its time; returns its exit status
step() {
  local name=$1 t0 rc log
  shift
  log=$(logof "$name")
  t0=$(date +%s.%N)
  timeout -k 5 120 "$@" >"$log" 2>&1 </dev/null
  rc=$?
  if [ "$rc" -eq 0 ]; then
    pass "$name ($(elapsed "$t0") s)"
  else
    fail "$name" "(exit status $rc, $(elapsed "$t0") s)"
    echo "      command: $*"
    show "$log"
  fi
  return "$rc"
}

# --- 1. install and move --------------------------------------------------------------------------------------------
PREFIX="$WORK/prefix"
MOVED="$WORK/moved/ness"
if ! step "cmake --install" "$CMAKE" --install "$BUILD_DIR" --prefix "$PREFIX"; then
  finish
  exit 1
fi
mkdir -p "$WORK/moved" && mv "$PREFIX" "$MOVED" || exit 2

# --- 2. the installed tree --------------------------------------------------------------------------------------------
problems=()
for f in bin/ness "$LIBDIR/libness.a" "$LIBDIR/libness.so" include/ness.h "$LIBDIR/pkgconfig/ness.pc" \
  "$LIBDIR/cmake/Ness/NessConfig.cmake" "$LIBDIR/cmake/Ness/NessConfigVersion.cmake" "$LIBDIR/cmake/Ness/NessTargets.cmake"; do
  [ -e "$MOVED/$f" ] || problems+=("missing $f")
done
[ -e "$MOVED/include/ness/private" ] && problems+=("include/ness/private was installed")
[ "$(find "$MOVED/include" -type f | wc -l)" -eq 1 ] || problems+=("include/ holds more than ness.h: $(cd "$MOVED" && find include -type f | tr '\n' ' ')")
if grep -rIl -- "$PREFIX" "$MOVED" >"$WORK/abs.txt" 2>/dev/null; then
  problems+=("installed files name the install prefix $PREFIX: $(tr '\n' ' ' <"$WORK/abs.txt")")
fi
if [ ${#problems[@]} -eq 0 ]; then
  pass "installed tree: $(cd "$MOVED" && find . -type f | wc -l) files, ness.h the only header, no absolute install paths"
else
  fail "installed tree"
  for p in "${problems[@]}"; do echo "      - $p"; done
  (cd "$MOVED" && find . | sort | sed -e 's/^/      | /')
fi

# --- 3. pkg-config consumer ----------------------------------------------------------------------------------------
export PKG_CONFIG_PATH="$MOVED/$LIBDIR/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
pcver=$(pkg-config --modversion ness 2>"$WORK/pc.err")
pcflags=$(pkg-config --cflags --libs ness 2>>"$WORK/pc.err")
if [ "$pcver" = "$VERSION" ] && [ -n "$pcflags" ]; then
  pass "pkg-config ness: version $pcver, flags $pcflags"
else
  fail "pkg-config ness" "(version '$pcver', expected $VERSION)"
  show "$WORK/pc.err"
fi
# shellcheck disable=SC2086 # the pkg-config flags are split on purpose
step "mpicc with pkg-config" "$MPICC" -o "$WORK/host_pc" "$SOURCE_DIR/tests/install/consumer/host.c" $pcflags -Wl,-rpath,"$MOVED/$LIBDIR"

# the installed header compiles on its own as C and as C++ (extern "C" through PETSC_EXTERN)
printf '#include <ness.h>\nint main(void) { Ness n = NULL; return n != NULL; }\n' >"$WORK/header_only.c"
# shellcheck disable=SC2086
step "ness.h alone (mpicc -std=c99 -Wall -Werror)" "$MPICC" -std=c99 -Wall -Werror -fsyntax-only $pcflags "$WORK/header_only.c"
if command -v mpicxx >/dev/null 2>&1; then
  cp "$WORK/header_only.c" "$WORK/header_only.cxx"
  # shellcheck disable=SC2086
  step "ness.h from C++ (mpicxx)" mpicxx -Wall -Werror -fsyntax-only $pcflags "$WORK/header_only.cxx"
fi

# --- 4. CMake consumer -------------------------------------------------------------------------------------------------
if step "cmake configure find_package(Ness)" "$CMAKE" -S "$SOURCE_DIR/tests/install/consumer" -B "$WORK/consumer" -DCMAKE_PREFIX_PATH="$MOVED" -DCMAKE_BUILD_TYPE=Release; then
  grep -q "Found Ness $VERSION in $MOVED/$LIBDIR/cmake/Ness" "$(logof "cmake configure find_package(Ness)")" ||
    fail "find_package(Ness) location" "(expected 'Found Ness $VERSION in $MOVED/$LIBDIR/cmake/Ness')"
  step "cmake build consumer" "$CMAKE" --build "$WORK/consumer" -j2
fi

# --- 5. run everything on the same scenario -----------------------------------------------------------------------
if [ -x "$WORK/host_pc" ]; then
  if ldd "$WORK/host_pc" | grep -q "$MOVED/$LIBDIR/libness.so"; then
    pass "host_pc uses the moved libness.so"
  else
    fail "host_pc uses the moved libness.so"
    ldd "$WORK/host_pc" | sed -e 's/^/      | /'
  fi
fi
ref=""
if step "moved bin/ness np=$NP" "${MPIRUN[@]}" "$MOVED/bin/ness" -options_file "$SCENARIO" -ness_output_dir "$WORK/out"; then
  ref=$(summary_current "$WORK/out/summary.json" anode)
fi
for host in "$WORK/host_pc" "$WORK/consumer/host_cmake" "$WORK/consumer/host_cmake_static"; do
  name=$(basename "$host")
  [ -x "$host" ] || continue
  if step "$name np=$NP" "${MPIRUN[@]}" "$host" -options_file "$SCENARIO"; then
    cur=$(sed -n "s/^host: ranks $NP converged yes electrode anode I = \([-+0-9.e]*\) A$/\1/p" "$(logof "$name np=$NP")")
    if [ -z "$cur" ] || [ -z "$ref" ]; then
      fail "$name current" "(no converged anode current on $NP ranks, or no reference)"
      show "$(logof "$name np=$NP")"
    elif d=$(rel_close "$cur" "$ref" "$RTOL"); then
      pass "$name current $cur A = ness current_A $ref A (relative $d)"
    else
      fail "$name current" "($cur A vs ness $ref A, relative $d > $RTOL)"
    fi
  fi
done

finish

#!/usr/bin/env bash
# Bounded libFuzzer run of the scenario-file and option-parsing fuzz target (issue 8). `make fuzz` calls it.
#
# Usage: tests/fuzz/run.sh [SECONDS]        (default: $FUZZ_SECONDS, else 60)
# Environment:
#   FUZZ_SECONDS  fuzzing time when no argument is given (default 60)
#   FUZZ_JOBS     fuzzing processes in parallel (default 1)
#   FUZZ_BUILD    build directory of the instrumented build (default build-fuzz)
#   FUZZ_FLAGS    extra libFuzzer flags, e.g. FUZZ_FLAGS="-seed=1 -use_value_profile=1"
#   FUZZ_STRICT   1: an error code that the ness program would report with a PETSc traceback (not a user-input
#                 error) counts as a crash too (NESS_FUZZ_STRICT_ERRORS=1, see tests/fuzz/fuzz_options.c)
#   FUZZ_ERROR_LEAKS 1: also report leaks of inputs that ness rejects (NESS_FUZZ_ERROR_LEAKS=1); the known PETSc
#                 error-path leaks are suppressed by tests/fuzz/lsan.supp
#   FUZZ_MERGE    0: do not merge the new inputs into tests/fuzz/corpus/ (default 1)
#
# Steps:
#   1. installs what is missing from Debian: ness's packages (tools/install_deps.sh), clang and libclang-rt-dev
#      (the AddressSanitizer, UBSan and libFuzzer runtimes of clang 14);
#   2. configures FUZZ_BUILD once (clang, -DNESS_SANITIZE=ON -DNESS_FUZZ=ON, every object built with
#      -fsanitize=fuzzer-no-link,address,undefined) and builds the target ness_fuzz;
#   3. replays tests/fuzz/regressions/ through ness_fuzz (one process per input, error-path leaks included) and
#      reports the regressions that fail and are not in tests/fuzz/known_failures.txt;
#      then fuzzes for SECONDS in libFuzzer's fork mode (a crash, leak or timeout is saved and fuzzing goes on) from
#      tests/fuzz/corpus/ with -max_len=4096 -timeout=10 and the dictionary tests/fuzz/ness.dict;
#      new inputs are collected in FUZZ_BUILD/fuzz-work/new/;
#   4. merges (-merge=1 -use_counters=0: new edges, not new hit counts) what adds coverage into tests/fuzz/corpus/:
#      the seed_* files are kept, and the other files are re-minimized against them, so the corpus stays small;
#   5. prints the statistics, and for every crash/leak/timeout/oom artifact its sanitizer report and the command
#      that reproduces it. Exit status 1 when anything was found (turn each into a regression input: README.md).
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 2
SRC=$(pwd)
SECONDS_BUDGET=${1:-${FUZZ_SECONDS:-60}}
JOBS=${FUZZ_JOBS:-1}
BUILD=${FUZZ_BUILD:-build-fuzz}
FUZZ_DIR="$SRC/tests/fuzz"
CORPUS="$FUZZ_DIR/corpus"

case "$SECONDS_BUDGET" in '' | *[!0-9]*)
  echo "fuzz: SECONDS must be a whole number, got '$SECONDS_BUDGET'" >&2
  exit 2
  ;;
esac

# 1. packages ------------------------------------------------------------------------------------------------
bash tools/install_deps.sh || exit 2
missing=()
for pkg in clang libclang-rt-dev; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=()
  [ "$(id -u)" -eq 0 ] || SUDO=(sudo)
  echo "fuzz: installing ${missing[*]}"
  "${SUDO[@]}" apt-get update && "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" || exit 2
fi

# 2. instrumented build ---------------------------------------------------------------------------------------
if [ ! -f "$BUILD/CMakeCache.txt" ] || { [ ! -f "$BUILD/Makefile" ] && [ ! -f "$BUILD/build.ninja" ]; }; then
  cmake -S . -B "$BUILD" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNESS_SANITIZE=ON -DNESS_FUZZ=ON \
    -DCMAKE_C_FLAGS=-fsanitize=fuzzer-no-link >"$BUILD.configure.log" 2>&1 || {
    cat "$BUILD.configure.log"
    exit 2
  }
  rm -f "$BUILD.configure.log"
fi
cmake --build "$BUILD" --target ness_fuzz -j"$(nproc)" >/dev/null || {
  echo "fuzz: building ness_fuzz failed:" >&2
  cmake --build "$BUILD" --target ness_fuzz 2>&1 | tail -30
  exit 2
}
FUZZER=$(cd "$BUILD" && pwd)/tests/fuzz/ness_fuzz

# 3. fuzz --------------------------------------------------------------------------------------------------------
WORK=$(cd "$BUILD" && pwd)/fuzz-work
rm -rf "$WORK/new" "$WORK/tmp" "$WORK/merge"
mkdir -p "$WORK/new" "$WORK/tmp" "$WORK/artifacts"
touch "$WORK/started"
ART="$WORK/artifacts"
before_art=$(find "$ART" -type f | wc -l)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
export TMPDIR="$WORK/tmp"
export LSAN_OPTIONS="suppressions=$FUZZ_DIR/lsan.supp:leak_check_at_exit=0:print_suppressions=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
# PETSc and Open MPI are built without frame pointers: the fast unwinder stops at PetscMallocAlign, which makes
# leak reports useless and the suppressions unmatchable. The slow unwinder halves the executions per second.
export ASAN_OPTIONS="fast_unwind_on_malloc=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
[ "${FUZZ_STRICT:-0}" = 1 ] && export NESS_FUZZ_STRICT_ERRORS=1
# libFuzzer's leak detection scans the heap after every input whose mallocs and frees differ: every rejected
# scenario (PETSc's error paths leak). By default the harness checks the accepted scenarios itself.
DETECT_LEAKS=0
if [ "${FUZZ_ERROR_LEAKS:-0}" = 1 ]; then
  export NESS_FUZZ_ERROR_LEAKS=1
  DETECT_LEAKS=1
fi
COMMON=(-max_len=4096 -timeout=10 -rss_limit_mb=2048 "-dict=$FUZZ_DIR/ness.dict")

# regression inputs under ASan/UBSan/LSan, leaks on error paths included ------------------------------------------
known=" $(sed -e 's/#.*//' "$FUZZ_DIR/known_failures.txt" | awk 'NF { print $1 }' | tr '\n' ' ') "
reg_fail=0
reg_pass=0
for f in "$FUZZ_DIR"/regressions/*; do
  [ -f "$f" ] || continue
  b=$(basename "$f")
  case "$b" in README*) continue ;; esac
  strict=${NESS_FUZZ_STRICT_ERRORS:-0}
  case "$b" in strict_*) strict=1 ;; esac
  if (cd "$WORK" && NESS_FUZZ_ERROR_LEAKS=1 NESS_FUZZ_STRICT_ERRORS=$strict timeout -k 5 60 "$FUZZER" -timeout=10 -rss_limit_mb=2048 "$f" >"$WORK/regression.log" 2>&1) 2>/dev/null; then
    if [[ "$known" == *" $b "* ]]; then echo "fuzz: regression $b passes now: remove it from tests/fuzz/known_failures.txt"; fi
    reg_pass=$((reg_pass + 1))
  elif [[ "$known" == *" $b "* ]]; then
    echo "fuzz: regression $b still fails (known failure)"
  else
    echo "fuzz: REGRESSION $b fails:"
    grep -E 'ERROR|SUMMARY|runtime error|#[0-9]+ .* in |leak of' "$WORK/regression.log" | grep -vE 'libFuzzer|fuzzer::' | head -n 20 | sed -e 's/^/    /'
    reg_fail=$((reg_fail + 1))
  fi
done
echo "fuzz: regressions under the sanitizers: $reg_pass passed, $reg_fail failed (known failures not counted)"
echo "fuzz: $SECONDS_BUDGET s with $JOBS job(s); corpus $CORPUS ($(find "$CORPUS" -type f | wc -l) files); log $WORK/fuzz.log"
# shellcheck disable=SC2086 # FUZZ_FLAGS is a list of flags
(cd "$WORK" && "$FUZZER" "${COMMON[@]}" -detect_leaks="$DETECT_LEAKS" -fork="$JOBS" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
  -max_total_time="$SECONDS_BUDGET" -artifact_prefix="$ART/" -print_final_stats=1 ${FUZZ_FLAGS:-} \
  "$WORK/new" "$CORPUS") >"$WORK/fuzz.log" 2>&1
grep -E '^#[0-9]+: cov:' "$WORK/fuzz.log" | tail -n 1 | sed -e 's/^/fuzz: last status: /'
grep -E '^INFO: exiting|^INFO: fuzzed for|^==[0-9]+== ERROR|^stat::' "$WORK/fuzz.log" | tail -n 8 | sed -e 's/^/fuzz: /'
new=$(find "$WORK/new" -type f | wc -l)
echo "fuzz: $new new input(s) found in this run"

# 4. merge into the committed corpus -----------------------------------------------------------------------
if [ "${FUZZ_MERGE:-1}" = 1 ]; then
  mkdir -p "$WORK/merge/keep" "$WORK/merge/old"
  find "$CORPUS" -maxdepth 1 -type f -name 'seed_*' -exec cp {} "$WORK/merge/keep/" \;
  find "$CORPUS" -maxdepth 1 -type f ! -name 'seed_*' -exec cp {} "$WORK/merge/old/" \;
  if (cd "$WORK" && "$FUZZER" "${COMMON[@]}" -detect_leaks=0 -merge=1 -use_counters=0 -artifact_prefix="$ART/" "$WORK/merge/keep" "$WORK/merge/old" "$WORK/new") >"$WORK/merge.log" 2>&1; then
    find "$CORPUS" -maxdepth 1 -type f ! -name 'seed_*' -delete
    find "$WORK/merge/keep" -maxdepth 1 -type f ! -name 'seed_*' -exec cp {} "$CORPUS/" \;
    grep -E 'MERGE-OUTER: [0-9]+ new files' "$WORK/merge.log" | sed -e 's/^/fuzz: /'
  else
    echo "fuzz: merge failed (corpus left as it was); see $WORK/merge.log"
  fi
fi
nfiles=$(find "$CORPUS" -type f | wc -l)
kb=$(du -sk "$CORPUS" | cut -f1)
echo "fuzz: corpus now $nfiles files, $kb kB"
if [ "$nfiles" -ge 200 ] || [ "$kb" -ge 1024 ]; then
  echo "fuzz: WARNING: the committed corpus should stay under 200 files and 1 MB: drop some seeds or minimize" >&2
fi

# 5. findings -----------------------------------------------------------------------------------------------------
found=0
for a in $(find "$ART" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) -newer "$WORK/started" -print 2>/dev/null | sort); do
  found=$((found + 1))
  echo
  echo "fuzz: FINDING $a ($(wc -c <"$a") bytes)"
  echo "  reproduce: OMPI_ALLOW_RUN_AS_ROOT=1 ASAN_OPTIONS=$ASAN_OPTIONS LSAN_OPTIONS=$LSAN_OPTIONS UBSAN_OPTIONS=$UBSAN_OPTIONS $FUZZER -timeout=10 $a"
  echo "  input (first lines):"
  head -c 600 "$a" | sed -e 's/^/    | /'
  echo
  echo "  report:"
  (cd "$WORK" && timeout -k 5 60 "$FUZZER" -timeout=10 -rss_limit_mb=2048 "$a" 2>&1) | grep -E 'ERROR|SUMMARY|runtime error|#[0-9]+ .* in |ALARM|timeout|leak of' | grep -vE 'libFuzzer|fuzzer::' | head -n 25 | sed -e 's/^/    /'
done
found=$((found + reg_fail))
if [ "$found" -gt 0 ]; then
  echo
  echo "fuzz: $found finding(s) (artifacts in $ART; $before_art older ones were there before this run)."
  echo "fuzz: keep each as tests/fuzz/regressions/<what>.yaml|.opts and list it in tests/fuzz/known_failures.txt until ness is fixed."
  exit 1
fi
echo "fuzz: no crash, leak, timeout or out-of-memory in this run"

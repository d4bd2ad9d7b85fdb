/* Fuzz target of ness's scenario-file and option parsing (issue 8; see tests/fuzz/README.md).

   LLVMFuzzerTestOneInput takes the bytes as a scenario file:
     - bytes starting with '-' (but not the YAML document marker "---") are a plain PETSc options file
       ("-key value" lines, '#' comments), written to <tmp>/scenario.opts;
     - anything else is a YAML scenario, written to <tmp>/scenario.yaml.
   The file is read with PetscOptionsInsertFile() into a private options database. Its options are then copied into
   the global database through a filter that keeps the harness cheap and side-effect free:
     - kept: every -ness_* option (except -ness_dm_view, a viewer that writes files), the solver families
       -snes_/-ksp_/-pc_/-ts_/-pseudo_/-transient_ without viewers, monitors, files or python, and
       -dm_plex_gmsh_use_regions (ness sets it unless it is given);
     - -ness_mesh_faces: scaled down to at most FUZZ_MAX_CELLS cells (small meshes only);
     - -ness_mesh_file: the committed small meshes (by base name, see mesh_allow) map to their path in the source
       tree; any other name maps to a path that does not exist (the "cannot open" error path).
   Inputs that mention /dev/, /proc/, /sys/, options_file or options_string are skipped, so an input cannot make
   PETSc read a device or another file. Then: NessCreate, NessSetFromOptions, NessSetUp (box mesh of at most 1024
   cells, or a small Gmsh file), NessSweepSetFromOptions, NessView (to /dev/null), NessDestroy, PetscOptionsClear.

   An error returned by ness (a rejected scenario) is a normal outcome. Findings are crashes, sanitizer reports,
   hangs (libFuzzer -timeout), leaks, and with NESS_FUZZ_STRICT_ERRORS=1 also errors whose code is not one of the
   "user error" codes that the ness program reports in one line (src/app/main.c): those get a PETSc traceback.
   Leaks: by default only an accepted scenario is checked. Its first run is ignored by LeakSanitizer, and it runs
   a second time, followed by a leak check when the heap grew (a leak aborts: a crash- artifact). The allocations
   of a rejected scenario are not checked, since PETSc's error idiom (PetscCall returns at once) leaks on error
   paths everywhere. NESS_FUZZ_ERROR_LEAKS=1 checks every input through libFuzzer's -detect_leaks (with
   tests/fuzz/lsan.supp for the leaks inside PETSc).

   Environment: NESS_FUZZ_VERBOSE=1 prints each input's outcome (and ness's output) on stderr;
   NESS_FUZZ_STRICT_ERRORS=1 and NESS_FUZZ_ERROR_LEAKS=1 as above; NESS_FUZZ_SOURCE_DIR overrides the source tree
   used for the mesh files; NESS_FUZZ_NO_SETUP=1 skips NessSetUp. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, strdup */
#include <ness.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <math.h>

#ifndef NESS_SOURCE_DIR
  #define NESS_SOURCE_DIR "."
#endif

#define FUZZ_MAX_LEN   4096 /* longer inputs are skipped (run.sh passes -max_len=4096) */
#define FUZZ_MAX_CELLS 1024 /* box-mesh cells */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* for the replay driver (replay_main.c) */
void NessFuzzFinalize(void);
int  NessFuzzLastOutcome(char *msg, size_t len);
void NessFuzzSetStrict(int flg);

static char        fuzz_dir[256] = "";
static char        path_yaml[300], path_opts[300];
static const char *source_dir = NESS_SOURCE_DIR;
static int         verbose = 0, strict = 0, do_setup = 1, error_leaks = 0;

static FILE       *devnull_fp = NULL;
static PetscViewer devnull    = NULL;

/* LeakSanitizer and allocator interface (weak: absent without -fsanitize=address/leak) */
void   __lsan_disable(void) __attribute__((weak));
void   __lsan_enable(void) __attribute__((weak));
int    __lsan_do_recoverable_leak_check(void) __attribute__((weak));
size_t __sanitizer_get_current_allocated_bytes(void) __attribute__((weak));

/* first error of the current input (recorded by the error handler) */
static PetscErrorCode err_code = 0;
static char           err_msg[512];
static int            last_outcome = 0; /* 0 accepted, 1 rejected while reading the file, 2 rejected by ness */

static PetscErrorCode FuzzErrorHandler(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  if (p == PETSC_ERROR_INITIAL && !err_code) {
    err_code = n;
    snprintf(err_msg, sizeof(err_msg), "%s (%s:%d %s)", mess && mess[0] ? mess : "error", file ? file : "?", line, fun ? fun : "?");
  }
  return n;
}

/* the error codes that the ness program reports as a user error, in one line and without a traceback (src/app/main.c) */
static int UserErrorCode(PetscErrorCode n)
{
  return n == PETSC_ERR_USER_INPUT || n == PETSC_ERR_USER || n == PETSC_ERR_FILE_OPEN || n == PETSC_ERR_FILE_READ || n == PETSC_ERR_FILE_WRITE || n == PETSC_ERR_FILE_UNEXPECTED || n == PETSC_ERR_SUP || n == PETSC_ERR_ARG_WRONG || n == PETSC_ERR_ARG_OUTOFRANGE || n == PETSC_ERR_ARG_UNKNOWN_TYPE; /* the same list as src/app/main.c */
}

static void Cleanup(void)
{
  if (path_yaml[0]) (void)remove(path_yaml);
  if (path_opts[0]) (void)remove(path_opts);
  if (fuzz_dir[0]) (void)rmdir(fuzz_dir);
  fuzz_dir[0] = 0;
}

/* ---------------------------------------------------------------------------------------------------------------- */
/* the option filter */

static const char *const mesh_allow[] = {"meshes/square_h1.msh",  "meshes/annulus_h1.msh",         "meshes/cylinder_h1.msh",       "meshes/galvanic_mg_steel_coarse.msh", "meshes/disk_electrode_coarse.msh",
                                         "meshes/pit_coarse.msh", "tests/data/bad/degenerate.msh", "tests/data/bad/truncated.msh", "tests/data/bad/version5.msh",         NULL};

static const char *BaseName(const char *p)
{
  const char *b = strrchr(p, '/');
  return b ? b + 1 : p;
}

static int Contains(const char *s, const char *const list[])
{
  for (int i = 0; list[i]; i++)
    if (strstr(s, list[i])) return 1;
  return 0;
}

static int StartsWithAny(const char *s, const char *const list[])
{
  for (int i = 0; list[i]; i++)
    if (!strncmp(s, list[i], strlen(list[i]))) return 1;
  return 0;
}

static int AllowedOption(const char *name, const char *value)
{
  static const char *const solver[]     = {"snes_", "ksp_", "pc_", "ts_", "pseudo_", "transient_", NULL};
  static const char *const banned[]     = {"view", "monitor", "draw", "save", "dump", "log", "info", "trace", "debug", "malloc", "history", "test", "error", "signal", "fp_", "reason", "file", "load", "output", "python", "saws", NULL};
  static const char *const bannedval[]  = {"python", ":", "/", NULL};
  static const char *const nessbanned[] = {"ness_dm_view", NULL};

  if (!strncmp(name, "ness_", 5)) return !Contains(name, nessbanned);
  if (!strcmp(name, "dm_plex_gmsh_use_regions")) return 1;
  if (!StartsWithAny(name, solver) || Contains(name, banned)) return 0;
  return !(value && Contains(value, bannedval));
}

/* -ness_mesh_faces: when the positive integers among the first three values (ness reads at most three) ask for
   more than FUZZ_MAX_CELLS cells, each of them is scaled down by the same factor (to at least 1); anything else
   (zero, negative, not a number, values past the third) is kept as it is */
static void ClampFaces(const char *value, char *out, size_t len)
{
  char   buf[4200], *rest = NULL;
  char  *tok[3];
  long   v[3] = {0, 0, 0};
  int    nt = 0, nv = 0;
  double cells = 1;
  size_t o     = 0;

  snprintf(buf, sizeof(buf), "%s", value);
  for (char *t = buf; t;) {
    char *comma = strchr(t, ',');
    if (nt == 3) {
      rest = t;
      break;
    }
    if (comma) *comma = 0;
    tok[nt] = t;
    {
      char *end;
      long  x = strtol(t, &end, 10);
      while (*end == ' ') end++;
      if (end != t && !*end && x > 0) {
        v[nt] = x;
        cells *= (double)x;
        nv++;
      }
    }
    nt++;
    t = comma ? comma + 1 : NULL;
  }
  if (cells <= FUZZ_MAX_CELLS) {
    snprintf(out, len, "%s", value);
    return;
  }
  {
    const double f = pow(FUZZ_MAX_CELLS / cells, 1.0 / nv);
    for (int i = 0; i < nt && o < len; i++) {
      long x = (long)(v[i] * f);
      if (v[i] > 0) o += (size_t)snprintf(out + o, len - o, "%s%ld", i ? "," : "", x > 0 ? x : 1);
      else o += (size_t)snprintf(out + o, len - o, "%s%s", i ? "," : "", tok[i]);
    }
    if (rest && o < len) snprintf(out + o, len - o, ",%s", rest);
  }
}

static void MapMeshFile(const char *value, char *out, size_t len)
{
  const char *b = BaseName(value);
  if (!value[0]) {
    out[0] = 0;
    return;
  }
  for (int i = 0; mesh_allow[i]; i++)
    if (!strcmp(b, BaseName(mesh_allow[i]))) {
      snprintf(out, len, "%s/%s", source_dir, mesh_allow[i]);
      return;
    }
  snprintf(out, len, "/nonexistent/ness_fuzz/%s", b);
}

/* Copy the allowed options of the private database into the global one */
static PetscErrorCode CopyFilteredOptions(PetscOptions from)
{
  PetscInt n;
  char   **names, **values;

  PetscFunctionBegin;
  PetscCall(PetscOptionsLeftGet(from, &n, &names, &values));
  for (PetscInt i = 0; i < n; i++) {
    char        opt[1024], val[4200];
    const char *v = values[i];
    if (!AllowedOption(names[i], v)) continue;
    if (strlen(names[i]) + 2 > sizeof(opt)) continue;
    snprintf(opt, sizeof(opt), "-%s", names[i]);
    if (v && !strcmp(names[i], "ness_mesh_faces")) {
      ClampFaces(v, val, sizeof(val));
      v = val;
    } else if (v && !strcmp(names[i], "ness_mesh_file")) {
      MapMeshFile(v, val, sizeof(val));
      v = val;
    }
    PetscCall(PetscOptionsSetValue(NULL, opt, v));
  }
  PetscCall(PetscOptionsLeftRestore(from, &n, &names, &values));
  PetscFunctionReturn(0);
}

/* ---------------------------------------------------------------------------------------------------------------- */

static int Forbidden(const uint8_t *data, size_t size)
{
  static const char *const pats[] = {"/dev/", "/proc/", "/sys/", "options_file", "options_string", NULL};
  for (int i = 0; pats[i]; i++) {
    size_t m = strlen(pats[i]);
    for (size_t k = 0; k + m <= size; k++)
      if (!memcmp(data + k, pats[i], m)) return 1;
  }
  return 0;
}

static PetscErrorCode RunNess(void)
{
  Ness      ness = NULL;
  PetscBool sweep;

  PetscFunctionBegin;
  PetscCall(NessCreate(PETSC_COMM_WORLD, &ness));
  /* errors from here on are ness's: keep going only to destroy the object */
  {
    PetscErrorCode ierr = NessSetFromOptions(ness);
    if (!ierr && do_setup) ierr = NessSetUp(ness);
    if (!ierr) ierr = NessSweepSetFromOptions(ness, &sweep);
    if (!ierr) ierr = NessView(ness, devnull);
    PetscCall(NessDestroy(&ness));
    PetscCall(ierr);
  }
  PetscFunctionReturn(0);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  /* PETSc must not see libFuzzer's arguments, nor install its own signal handlers (ASan reports crashes) */
  static char *pargv[] = {"ness_fuzz", "-no_signal_handler", "-skip_petscrc", NULL};
  int          pargc   = 3;
  char       **pa      = pargv;
  const char  *e;

  if ((e = getenv("NESS_FUZZ_VERBOSE")) && atoi(e) > 0) verbose = 1;
  if ((e = getenv("NESS_FUZZ_STRICT_ERRORS")) && atoi(e) > 0) strict = 1;
  if ((e = getenv("NESS_FUZZ_NO_SETUP")) && atoi(e) > 0) do_setup = 0;
  if ((e = getenv("NESS_FUZZ_ERROR_LEAKS")) && atoi(e) > 0) error_leaks = 1;
  if ((e = getenv("NESS_FUZZ_SOURCE_DIR")) && e[0]) source_dir = e;
  /* Open MPI keeps (unreachable) allocations from its start-up: not ness's, and not per input */
  if (__lsan_disable) __lsan_disable();
  if (PetscInitialize(&pargc, &pa, NULL, NULL)) {
    fprintf(stderr, "ness_fuzz: PetscInitialize failed\n");
    exit(1);
  }
  if (__lsan_enable) __lsan_enable();
  {
    PetscMPIInt size;
    MPI_Comm_size(PETSC_COMM_WORLD, &size);
    if (size != 1) {
      fprintf(stderr, "ness_fuzz: run on 1 MPI rank (got %d)\n", size);
      exit(1);
    }
  }
  if (PetscPushErrorHandler(FuzzErrorHandler, NULL)) exit(1);
  /* ness's own output (warnings, -help) and NessView go to /dev/null unless verbose */
  devnull_fp = fopen("/dev/null", "w");
  if (!devnull_fp) exit(1);
  if (!verbose) PETSC_STDOUT = devnull_fp;
  if (PetscViewerASCIIOpenWithFILE(PETSC_COMM_WORLD, verbose ? stderr : devnull_fp, &devnull)) exit(1);
  {
    const char *tmp = getenv("TMPDIR");
    snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/ness_fuzz.XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (!mkdtemp(fuzz_dir)) {
      perror("ness_fuzz: mkdtemp");
      exit(1);
    }
    snprintf(path_yaml, sizeof(path_yaml), "%s/scenario.yaml", fuzz_dir);
    snprintf(path_opts, sizeof(path_opts), "%s/scenario.opts", fuzz_dir);
    atexit(Cleanup);
  }
  (void)argc;
  (void)argv;
  return 0;
}

/* One run of the input; sets last_outcome */
static void RunInput(const uint8_t *data, size_t size)
{
  const char    *path;
  FILE          *fp;
  PetscOptions   fo = NULL;
  PetscErrorCode ierr;

  err_code     = 0;
  err_msg[0]   = 0;
  last_outcome = 0;
  path         = size > 0 && data[0] == '-' && !(size >= 3 && data[1] == '-' && data[2] == '-') ? path_opts : path_yaml;
  fp           = fopen(path, "wb");
  if (!fp) abort();
  if (size && fwrite(data, 1, size, fp) != size) abort();
  fclose(fp);

  /* read the scenario file into a private database, then filter it into the global one */
  ierr = PetscOptionsCreate(&fo);
  if (ierr) abort();
  ierr = PetscOptionsInsertFile(PETSC_COMM_WORLD, fo, path, PETSC_TRUE);
  if (!ierr) ierr = CopyFilteredOptions(fo);
  if (PetscOptionsDestroy(&fo)) abort();
  if (ierr) {
    last_outcome = 1;
    if (verbose) fprintf(stderr, "ness_fuzz: scenario file rejected: %s\n", err_msg);
  } else {
    if (PetscOptionsSetValue(NULL, "-options_file", path)) abort(); /* as the ness program does: names the scenario */
    ierr = RunNess();
    if (ierr) {
      last_outcome = 2;
      if (verbose) fprintf(stderr, "ness_fuzz: ness rejected the scenario (error %d): %s\n", (int)err_code, err_msg);
      if (strict && !UserErrorCode(err_code)) {
        fprintf(stderr, "ness_fuzz: NESS_FUZZ_STRICT_ERRORS: error code %d is not a user-input error (the ness program would print a traceback): %s\n", (int)err_code, err_msg);
        abort();
      }
    } else if (verbose) fprintf(stderr, "ness_fuzz: scenario accepted\n");
  }
  if (PetscOptionsClear(NULL)) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size > FUZZ_MAX_LEN || Forbidden(data, size)) {
    last_outcome = 1;
    snprintf(err_msg, sizeof(err_msg), "skipped by the harness (longer than %d bytes, or names a device, /proc, /sys or another options file)", FUZZ_MAX_LEN);
    return 0;
  }
  if (error_leaks || !__lsan_disable) {
    RunInput(data, size);
    return 0;
  }
  /* Leaks on the error paths (a rejected scenario) are not reported by default (NESS_FUZZ_ERROR_LEAKS=1 does):
     the first run ignores its allocations; an accepted scenario then runs again, followed by a leak check when
     the heap grew. (libFuzzer's own leak detection, -detect_leaks=1, would scan the heap after every rejected
     scenario, since those leak inside PETSc: run.sh passes -detect_leaks=0 unless FUZZ_ERROR_LEAKS=1.) */
  __lsan_disable();
  RunInput(data, size);
  __lsan_enable();
  if (last_outcome == 0) {
    size_t before = __sanitizer_get_current_allocated_bytes ? __sanitizer_get_current_allocated_bytes() : 0;
    RunInput(data, size);
    if (__sanitizer_get_current_allocated_bytes && __lsan_do_recoverable_leak_check && __sanitizer_get_current_allocated_bytes() > before && __lsan_do_recoverable_leak_check()) {
      fprintf(stderr, "ness_fuzz: an accepted scenario leaks (LeakSanitizer report above)\n");
      abort();
    }
  }
  return 0;
}

void NessFuzzSetStrict(int flg)
{
  strict = flg;
}

int NessFuzzLastOutcome(char *msg, size_t len)
{
  if (msg && len) snprintf(msg, len, "%s", err_msg);
  return last_outcome;
}

void NessFuzzFinalize(void)
{
  PetscViewerDestroy(&devnull);
  PetscPopErrorHandler();
  PETSC_STDOUT = stdout;
  PetscFinalize();
  if (devnull_fp) fclose(devnull_fp);
  devnull_fp = NULL;
  Cleanup();
}

/* Replay driver of the fuzz target (tests/fuzz/fuzz_options.c) for builds without libFuzzer: the CTest fuzz_replay.

   Usage: ness_fuzz_replay [--known-failures FILE] [--timeout SECONDS] PATH...
   Every PATH is an input file or a directory of input files (README* and dot files are skipped), replayed in
   sorted order through LLVMFuzzerTestOneInput in one process. An input fails when it crashes (the process dies:
   the last "replay" line names it), hangs (more than --timeout seconds, default 10), or, in builds without
   AddressSanitizer, when a scenario that ness accepts leaves heap memory behind (glibc mallinfo2: the in-use
   bytes after NessDestroy + PetscOptionsClear exceed those before, on two runs in a row, so one-time lazy
   registrations inside PETSc are not counted; the driver re-executes itself with glibc's tcache off, whose
   cached chunks mallinfo2 counts as in use). Rejected scenarios are not leak-checked here (PETSc itself does
   not free everything on error paths); the libFuzzer build checks them with LeakSanitizer.
   Inputs whose base name starts with strict_ are run with NESS_FUZZ_STRICT_ERRORS (fuzz_options.c): they fail
   when ness rejects them with an error code that the ness program reports with a PETSc traceback.
   Inputs whose base name is listed in the known-failures file (one per line: NAME [KIND], '#' comments) are
   skipped and reported as SKIP: they reproduce bugs in ness that are reported but not fixed yet. An entry of
   KIND error-path-leak is replayed all the same: only the sanitizer replay of tests/fuzz/run.sh checks the leaks
   of rejected scenarios, here such an input must just not crash or hang. So is one of KIND memory-error in a
   build without AddressSanitizer, where the (small) memory error goes unnoticed.
   The last line is "N passed, M failed, K skipped"; the exit status is 1 when any input failed. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, strdup */
#include <dirent.h>
#include <malloc.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int  LLVMFuzzerInitialize(int *argc, char ***argv);
int  LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
void NessFuzzFinalize(void);
int  NessFuzzLastOutcome(char *msg, size_t len);
void NessFuzzSetStrict(int flg);

#if defined(__SANITIZE_ADDRESS__)
  #define REPLAY_ASAN 1
#elif defined(__has_feature)
  #if __has_feature(address_sanitizer)
    #define REPLAY_ASAN 1
  #endif
#endif
#ifndef REPLAY_ASAN
  #define REPLAY_ASAN 0
#endif

#if REPLAY_ASAN
/* Open MPI keeps allocations from its start-up until exit: no leak report at exit (run.sh checks leaks per input) */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
  return "detect_leaks=0";
}
#endif

#define MAX_INPUTS 4096

static char       *inputs[MAX_INPUTS];
static int         ninputs = 0;
static char       *known[MAX_INPUTS];
static int         nknown     = 0;
static const char *current    = "(none)";
static int         strict_all = 0;

static void OnAlarm(int sig)
{
  static const char m[] = "FAIL  timeout (hang) while replaying ";
  (void)sig;
  if (write(2, m, sizeof(m) - 1) < 0 || write(2, current, strlen(current)) < 0 || write(2, "\n", 1) < 0) _exit(1);
  _exit(1);
}

static int CompareStrings(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void AddPath(const char *p)
{
  struct stat st;
  if (stat(p, &st)) {
    fprintf(stderr, "ness_fuzz_replay: cannot stat %s\n", p);
    exit(2);
  }
  if (S_ISDIR(st.st_mode)) {
    DIR           *d = opendir(p);
    struct dirent *e;
    int            first = ninputs;
    if (!d) exit(2);
    while ((e = readdir(d))) {
      char *full;
      if (e->d_name[0] == '.' || !strncmp(e->d_name, "README", 6)) continue;
      if (ninputs == MAX_INPUTS) break;
      full = malloc(strlen(p) + strlen(e->d_name) + 2);
      if (!full) exit(2);
      sprintf(full, "%s/%s", p, e->d_name);
      if (stat(full, &st) || !S_ISREG(st.st_mode)) {
        free(full);
        continue;
      }
      inputs[ninputs++] = full;
    }
    closedir(d);
    qsort(inputs + first, (size_t)(ninputs - first), sizeof(char *), CompareStrings);
  } else if (ninputs < MAX_INPUTS) {
    inputs[ninputs] = strdup(p);
    if (!inputs[ninputs++]) exit(2);
  }
}

static void ReadKnown(const char *file)
{
  FILE *fp = fopen(file, "r");
  char  line[1024];
  if (!fp) {
    fprintf(stderr, "ness_fuzz_replay: cannot open %s\n", file);
    exit(2);
  }
  while (fgets(line, sizeof(line), fp) && nknown < MAX_INPUTS) {
    char *s = line, *e, *k;
    int   run;
    while (*s == ' ' || *s == '\t') s++;
    if (*s == '#') continue;
    for (e = s; *e && *e != '\n' && *e != ' ' && *e != '\t' && *e != '#'; e++) { }
    k = e;
    while (*k == ' ' || *k == '\t') k++;
    /* this replay does not check the leaks of rejected scenarios, and finds memory errors only with ASan */
    run = !strncmp(k, "error-path-leak", 15) || (!REPLAY_ASAN && !strncmp(k, "memory-error", 12));
    *e  = 0;
    if (!*s || run) continue;
    known[nknown] = strdup(s);
    if (!known[nknown++]) exit(2);
  }
  fclose(fp);
}

static int IsKnown(const char *path)
{
  const char *b = strrchr(path, '/');
  b             = b ? b + 1 : path;
  for (int i = 0; i < nknown; i++)
    if (!strcmp(known[i], b)) return 1;
  return 0;
}

static int ReadFile(const char *path, uint8_t **data, size_t *size)
{
  FILE *fp = fopen(path, "rb");
  long  n;
  if (!fp) return 1;
  if (fseek(fp, 0, SEEK_END) || (n = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET)) {
    fclose(fp);
    return 1;
  }
  *data = malloc((size_t)n + 1);
  if (!*data || fread(*data, 1, (size_t)n, fp) != (size_t)n) {
    fclose(fp);
    return 1;
  }
  fclose(fp);
  *size = (size_t)n;
  return 0;
}

static size_t HeapInUse(void)
{
#if !REPLAY_ASAN && defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
  struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
#else
  return 0;
#endif
}

int main(int argc, char **argv)
{
  int         timeout = 10, passed = 0, failed = 0, skipped = 0;
  const char *e = getenv("NESS_FUZZ_STRICT_ERRORS");

  strict_all = e && atoi(e) > 0;

#if !REPLAY_ASAN
  /* glibc's per-thread cache keeps freed chunks counted as in use by mallinfo2: run without it */
  if (!getenv("NESS_FUZZ_REPLAY_REEXEC")) {
    setenv("NESS_FUZZ_REPLAY_REEXEC", "1", 1);
    setenv("GLIBC_TUNABLES", "glibc.malloc.tcache_count=0", 1);
    execv("/proc/self/exe", argv);
    perror("ness_fuzz_replay: execv /proc/self/exe (leak check without tcache)");
    return 2;
  }
#endif
  for (int a = 1; a < argc; a++) {
    if (!strcmp(argv[a], "--known-failures") && a + 1 < argc) ReadKnown(argv[++a]);
    else if (!strcmp(argv[a], "--timeout") && a + 1 < argc) timeout = atoi(argv[++a]);
    else AddPath(argv[a]);
  }
  if (!ninputs) {
    fprintf(stderr, "usage: %s [--known-failures FILE] [--timeout SECONDS] PATH...\n", argv[0]);
    return 2;
  }
  signal(SIGALRM, OnAlarm);
  LLVMFuzzerInitialize(&argc, &argv);
  printf("ness_fuzz_replay: %d input(s), %d known failure(s) listed, leak check %s\n", ninputs, nknown, REPLAY_ASAN ? "off (AddressSanitizer build)" : HeapInUse() ? "on (mallinfo2)" : "unavailable");
  fflush(stdout);
  for (int i = 0; i < ninputs; i++) {
    uint8_t *data = NULL;
    size_t   size = 0;
    char     msg[512];
    int      outcome;
    current = inputs[i];
    if (IsKnown(current)) {
      printf("SKIP  %s (known failure, listed in the known-failures file)\n", current);
      skipped++;
      free(inputs[i]);
      continue;
    }
    if (ReadFile(current, &data, &size)) {
      printf("FAIL  %s: cannot read\n", current);
      failed++;
      continue;
    }
    fprintf(stderr, "replay %s\n", current);
    {
      const char *b = strrchr(current, '/');
      b             = b ? b + 1 : current;
      NessFuzzSetStrict(!strncmp(b, "strict_", 7) || strict_all); /* strict_*: a non-user error code aborts */
    }
    alarm((unsigned)timeout);
    {
      size_t before = HeapInUse(), after;
      LLVMFuzzerTestOneInput(data, size);
      after   = HeapInUse();
      outcome = NessFuzzLastOutcome(msg, sizeof(msg));
      if (outcome == 0 && after > before) { /* again: a lazy one-time registration does not grow twice */
        before = HeapInUse();
        LLVMFuzzerTestOneInput(data, size);
        after = HeapInUse();
      }
      alarm(0);
      if (outcome == 0 && after > before) {
        printf("FAIL  %s: accepted scenario leaks %zu bytes of heap per run\n", current, after - before);
        failed++;
      } else {
        printf("ok    %s: %s%s\n", current, outcome == 0 ? "accepted" : outcome == 1 ? "file rejected: " : "rejected: ", outcome ? msg : "");
        passed++;
      }
    }
    fflush(stdout);
    free(data);
    free(inputs[i]);
  }
  NessFuzzFinalize();
  for (int i = 0; i < nknown; i++) free(known[i]);
  printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
  return failed ? 1 : 0;
}

static const char help[] = "ness: steady states of driven electrochemical systems (Nernst-Planck-Poisson, Butler-Volmer).\n"
                           "Usage: mpirun -n 2 ness -options_file scenarios/default.yaml [-ness_... overrides]\n";

#include <ness.h>

/* Every -ness_ option must have been read: a typo in a scenario must not pass silently */
static PetscErrorCode CheckUnusedOptions(MPI_Comm comm)
{
  PetscInt n, bad = 0;
  char   **names, **values;

  PetscFunctionBegin;
  PetscCall(PetscOptionsLeftGet(NULL, &n, &names, &values));
  for (PetscInt i = 0; i < n; i++) {
    if (strncmp(names[i], "ness_", 5)) continue;
    PetscCall(PetscPrintf(comm, "ERROR: unknown option -%s %s (misspelled, or not used by this scenario; see ness -help)\n", names[i], values[i] ? values[i] : ""));
    bad++;
  }
  PetscCall(PetscOptionsLeftRestore(NULL, &n, &names, &values));
  PetscCheck(!bad, comm, PETSC_ERR_USER_INPUT, "%" PetscInt_FMT " unknown -ness_ option(s); nothing was computed", bad);
  PetscFunctionReturn(0);
}

static PetscErrorCode Report(Ness ness)
{
  MPI_Comm            comm = PetscObjectComm((PetscObject)ness);
  PetscInt            ne;
  PetscBool           conv;
  SNES                snes;
  SNESConvergedReason reason;
  PetscReal           fnorm;

  PetscFunctionBegin;
  PetscCall(NessGetConverged(ness, &conv));
  PetscCall(NessGetSNES(ness, &snes));
  PetscCall(SNESGetConvergedReason(snes, &reason));
  PetscCall(SNESGetFunctionNorm(snes, &fnorm));
  {
    PetscBool intr;
    PetscCall(NessGetInterrupted(ness, &intr));
    if (intr) PetscCall(PetscPrintf(comm, "ness: stopped on a signal\n"));
    else PetscCall(PetscPrintf(comm, "ness: %s (%s), residual norm %.3e\n", conv ? "converged to a steady state" : "DID NOT CONVERGE", SNESConvergedReasons[reason], (double)fnorm));
  }
  {
    PetscInt    stages;
    PetscReal   reached;
    const char *path;
    PetscCall(NessGetContinuation(ness, &stages, &reached));
    PetscCall(NessGetContinuationPath(ness, &path));
    if (stages) PetscCall(PetscPrintf(comm, "  the direct solve failed; continuation (parameter and fraction of the way reached): %s; %d stages in all\n", path, (int)stages));
  }
  if (conv) {
    PetscInt ns;
    PetscCall(NessGetNumSpecies(ness, &ns));
    for (PetscInt i = 0; i < ns; i++) {
      PetscReal   cmax;
      PetscBool   beyond;
      const char *name;
      PetscCall(NessGetConcentrationRange(ness, i, NULL, &cmax, &beyond));
      PetscCall(NessGetSpeciesName(ness, i, &name));
      if (beyond)
        PetscCall(PetscPrintf(comm, "ness: warning: the concentration of %s reaches %.3g mol/m^3, above -ness_max_concentration: dilute-solution theory (ideal activities, no salt film or precipitation) does not hold there; treat this steady state as unphysical\n", name, (double)cmax));
    }
  }
  PetscCall(NessGetNumElectrodes(ness, &ne));
  for (PetscInt e = 0; e < ne; e++) {
    const char *name;
    PetscReal   cur, A, E;
    PetscCall(NessGetElectrodeName(ness, e, &name));
    PetscCall(NessGetElectrodeCurrent(ness, e, &cur));
    PetscCall(NessGetElectrodeArea(ness, e, &A));
    PetscCall(NessGetElectrodePotential(ness, e, &E));
    PetscCall(PetscPrintf(comm, "  electrode %-12s E = %+.4f V  I = %+.6e A  mean current density %+.6e A/m^2\n", name, (double)E, (double)cur, (double)(A > 0 ? cur / A : 0.0)));
  }
  PetscFunctionReturn(0);
}

/* User errors (bad input) end with one line naming the problem, no traceback and no MPI_Abort;
   internal errors keep PETSc's traceback. */
static char        errmsg[4096];
static PetscBool   interrupted = PETSC_FALSE; /* stopped on SIGTERM/SIGINT: exit status 4 */
static const char *reading     = NULL;        /* scenario file being read: every error there is a user error */

static PetscErrorCode NessAppErrorHandler(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  if (p == PETSC_ERROR_INITIAL && !errmsg[0]) snprintf(errmsg, sizeof(errmsg), "%s", mess && mess[0] ? mess : "error");
  if (reading || n == PETSC_ERR_USER_INPUT || n == PETSC_ERR_USER || n == PETSC_ERR_FILE_OPEN || n == PETSC_ERR_FILE_READ || n == PETSC_ERR_FILE_WRITE || n == PETSC_ERR_FILE_UNEXPECTED || n == PETSC_ERR_SUP || n == PETSC_ERR_ARG_WRONG || n == PETSC_ERR_ARG_OUTOFRANGE || n == PETSC_ERR_ARG_UNKNOWN_TYPE)
    return n;
  return PetscTraceBackErrorHandler(comm, line, fun, file, n, p, mess, ctx);
}

static PetscErrorCode Run(PetscBool *conv)
{
  Ness      ness;
  PetscBool sweep = PETSC_FALSE, complete = PETSC_TRUE;

  PetscFunctionBegin;
  PetscCall(NessCreate(PETSC_COMM_WORLD, &ness));
  {
    /* the program stops cleanly on SIGTERM/SIGINT, with a checkpoint to restart from */
    PetscBool set;
    PetscCall(PetscOptionsHasName(NULL, NULL, "-ness_catch_sigterm", &set));
    if (!set) PetscCall(PetscOptionsSetValue(NULL, "-ness_catch_sigterm", "true"));
  }
  PetscCall(NessSetFromOptions(ness));
  PetscCall(NessSetUp(ness));
  PetscCall(NessSweepSetFromOptions(ness, &sweep)); /* -ness_sweep: a polarization curve instead of one solve */
  PetscCall(PetscOptionsHasName(NULL, NULL, "-ness_view", NULL));
  PetscCall(CheckUnusedOptions(PETSC_COMM_WORLD));
  PetscCall(NessViewFromOptions(ness, NULL, "-ness_view"));
  if (!sweep) PetscCall(NessSolve(ness));
  PetscCall(NessSweepFromOptions(ness)); /* the sweep, or removal of an earlier run's sweep files */
  PetscCall(NessWriteOutput(ness));
  PetscCall(Report(ness));
  PetscCall(NessGetConverged(ness, conv));
  {
    PetscBool relax = PETSC_FALSE;
    PetscCall(PetscOptionsGetBool(NULL, NULL, "-ness_transient", &relax, NULL));
    if (relax && *conv) PetscCall(NessRelax(ness));
  }
  {
    PetscBool intr;
    PetscCall(NessGetInterrupted(ness, &intr));
    if (intr) {
      char dir[PETSC_MAX_PATH_LEN] = "out";
      PetscCall(PetscOptionsGetString(NULL, NULL, "-ness_output_dir", dir, sizeof(dir), NULL));
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "ness: interrupted by a signal; the state is in %s/checkpoint.h5: continue with -ness_restart %s/checkpoint.h5 (any number of ranks)\n", dir, dir));
      PetscCall(NessDestroy(&ness));
      interrupted = PETSC_TRUE;
      PetscFunctionReturn(0);
    }
  }
  if (!*conv) PetscCall(NessViewResidual(ness, NULL));
  if (!*conv)
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "ness: the steady state was not reached; summary.json records converged: false and no solution file was written.\n  Continuation (in the electrode potentials, the reaction rates, then the Debye length) is "
                                            "on unless -ness_continuation 0. Try more "
                                            "pseudo-time steps (-ness_pseudo_max_steps), a smaller first step "
                                            "(-ness_pseudo_dt), or watch -pseudo_ts_monitor -snes_monitor.\n"));
  if (sweep) PetscCall(NessSweepGetCurve(ness, NULL, NULL, NULL, &complete));
  *conv = (PetscBool)(*conv && complete); /* an incomplete sweep (sweep.json: complete false) exits with status 3 */
  PetscCall(NessDestroy(&ness));
  PetscFunctionReturn(0);
}

/* Scenario files are read after the error handler is in place, so a missing or malformed file ends with one
   line; the command line is inserted again afterwards so that it overrides the files. */
static PetscErrorCode InsertScenarioFiles(int nfiles, char **files, int *argc, char ***argv)
{
  PetscFunctionBegin;
  for (int i = 0; i < nfiles; i++) {
    char base[PETSC_MAX_PATH_LEN], *b, *dot;
    reading = files[i];
    PetscCall(PetscOptionsInsertFile(PETSC_COMM_WORLD, NULL, files[i], PETSC_TRUE));
    reading = NULL;
    PetscCall(PetscStrncpy(base, files[i], sizeof(base)));
    b   = strrchr(base, '/');
    b   = b ? b + 1 : base;
    dot = strrchr(b, '.');
    if (dot) *dot = 0;
    PetscCall(PetscOptionsSetValue(NULL, "-options_file", files[i]));
  }
  PetscCall(PetscOptionsInsert(NULL, argc, argv, NULL));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscBool      conv = PETSC_FALSE;
  PetscErrorCode ierr;
  int            nfiles = 0, argc2 = 0;
  char         **files, **argv2;

  /* take -options_file out of the arguments PETSc sees at initialization */
  files = (char **)malloc(sizeof(char *) * (size_t)(argc + 1));
  argv2 = (char **)malloc(sizeof(char *) * (size_t)(argc + 1));
  if (!files || !argv2) return 1;
  for (int a = 0; a < argc; a++) {
    if (!strcmp(argv[a], "-options_file") && a + 1 < argc) files[nfiles++] = argv[++a];
    else argv2[argc2++] = argv[a];
  }
  argv2[argc2] = NULL;
  PetscCall(PetscInitialize(&argc2, &argv2, NULL, help));
  PetscCall(PetscPushErrorHandler(NessAppErrorHandler, NULL));
  ierr = InsertScenarioFiles(nfiles, files, &argc2, &argv2);
  if (!ierr) ierr = Run(&conv);
  PetscCall(PetscPopErrorHandler());
  free(files);
  free(argv2);
  if (ierr) {
    if (reading) PetscCall(PetscPrintf(PETSC_COMM_WORLD, "ness: error: scenario file '%s' (-options_file): %s\n", reading, errmsg));
    else PetscCall(PetscPrintf(PETSC_COMM_WORLD, "ness: error: %s\n", errmsg));
    PetscCall(PetscFinalize());
    return 1;
  }
  PetscCall(PetscFinalize());
  return interrupted ? 4 : (conv ? 0 : 3);
}

/* Polarization sweeps: the metal potential of one or more potentiostatic electrodes stepped from E0 to E1, each point a
   steady state warm-started from the previous one, with an adaptive step (VoronoiFVM's ivsweep rule: grow by
   -ness_sweep_growth after a success, up to -ness_sweep_max_step; halve and retry after a failure, down to
   -ness_sweep_min_step). Every point is appended to <outdir>/sweep.csv (rewritten atomically: .tmp, then rename);
   the corrosion potential (zero of the swept electrodes' total current) and corrosion current (the anodic partial
   current there) are read off the curve and written to <outdir>/sweep.json. tools/ness_sweep_plot.py draws sweep.png.

   The sweep state lives in a PetscContainer composed with the Ness object ("NessSweep"), so the Ness struct is not
   touched; everything here is collective on the Ness communicator. */
#include <ness/private/nessimpl.h>
#include <petscviewerhdf5.h>
#include <errno.h>
#include <sys/stat.h>

#define SWEEP_KEY      "NessSweep"
#define SWEEP_MAX_COLS (8 + NESS_MAX_ELECTRODES * (4 + NESS_MAX_REACTIONS))

typedef struct {
  /* configuration (NessSweepSetFromOptions) */
  PetscBool set;
  PetscInt  ne, el[NESS_MAX_ELECTRODES];
  PetscReal E0, E1, dE, dEmax, dEmin, growth; /* dEmax, dEmin: options (0: default); hmax, hmin: used */
  PetscReal hmax, hmin;
  PetscBool write;
  /* results */
  PetscInt   n, nalloc, ncol;
  char       colname[SWEEP_MAX_COLS][2 * NESS_NAME_LEN + 24];
  PetscReal *row;       /* n * ncol */
  PetscReal *Ecv, *Icv; /* curve: potential, total swept current */
  PetscBool  complete, have_corr;
  PetscReal  Ecorr, Icorr;
  PetscInt   nfail;
  PetscReal  Elast, hlast; /* last converged potential and the step to try next (checkpoints) */
} NessSweepCtx;

static PetscErrorCode SweepCtxDestroy(void *p)
{
  NessSweepCtx *s = (NessSweepCtx *)p;

  PetscFunctionBegin;
  PetscCall(PetscFree(s->row));
  PetscCall(PetscFree2(s->Ecv, s->Icv));
  PetscCall(PetscFree(s));
  PetscFunctionReturn(0);
}

static PetscErrorCode SweepGetCtx(Ness ness, PetscBool create, NessSweepCtx **s)
{
  PetscContainer c;

  PetscFunctionBegin;
  *s = NULL;
  PetscCall(PetscObjectQuery((PetscObject)ness, SWEEP_KEY, (PetscObject *)&c));
  if (c) PetscCall(PetscContainerGetPointer(c, (void **)s));
  else if (create) {
    NessSweepCtx *n;
    PetscCall(PetscNew(&n));
    n->growth = 1.2;
    n->write  = PETSC_TRUE;
    PetscCall(PetscContainerCreate(PETSC_COMM_SELF, &c));
    PetscCall(PetscContainerSetPointer(c, n));
    PetscCall(PetscContainerSetUserDestroy(c, SweepCtxDestroy));
    PetscCall(PetscObjectCompose((PetscObject)ness, SWEEP_KEY, (PetscObject)c));
    PetscCall(PetscContainerDestroy(&c));
    *s = n;
  }
  PetscFunctionReturn(0);
}

/* column names of one row: point, swept potential, total current of the swept electrodes, then per electrode its metal
   potential, current, reaction currents, mean electrolyte potential at the electrode and (PNP Stern electrodes) the
   metal charge, then solver statistics */
static PetscErrorCode SweepColumns(Ness ness, NessSweepCtx *s)
{
  PetscInt k = 0;

  PetscFunctionBegin;
#define COL(...) PetscCall(PetscSNPrintf(s->colname[k++], sizeof(s->colname[0]), __VA_ARGS__))
  COL("point");
  COL("potential_V");
  COL("current_A");
  for (PetscInt e = 0; e < ness->ne; e++) {
    const NessElectrode *el = &ness->el[e];
    COL("potential_V_%s", el->name);
    COL("current_A_%s", el->name);
    for (PetscInt r = 0; r < el->nreact; r++) COL("current_A_%s_%s", el->name, ness->rx[el->react[r]].name);
    COL("phi_V_%s", el->name);
    if (ness->model == NESS_MODEL_PNP && el->phibc == NESS_PHI_STERN) COL("charge_C_%s", el->name);
  }
  COL("newton_its");
  COL("linear_its");
  COL("pseudo_steps");
  COL("retries");
  COL("step_V");
#undef COL
  s->ncol = k;
  PetscFunctionReturn(0);
}

/* area-mean electrolyte potential (V) and Stern-layer metal charge (C: the capacitor's charge C_S (E_s - E_pzc - phi)
   integrated over the electrode; per metre of depth in 2D, per m^2 in 1D) of every electrode, at the current state */
static PetscErrorCode SweepElectrodeCharges(Ness ness, PetscReal phi[], PetscReal q[])
{
  const NessGeom    *g      = &ness->g;
  const PetscReal    Ascale = PetscPowRealInt(ness->L, (int)(ness->edim - 1));
  PetscReal          loc[3 * NESS_MAX_ELECTRODES], glob[3 * NESS_MAX_ELECTRODES];
  Vec                Ul;
  const PetscScalar *u;

  PetscFunctionBegin;
  for (PetscInt i = 0; i < 3 * ness->ne; i++) loc[i] = 0.0;
  PetscCall(DMGetLocalVector(ness->dm, &Ul));
  PetscCall(DMGlobalToLocalBegin(ness->dm, ness->U, INSERT_VALUES, Ul));
  PetscCall(DMGlobalToLocalEnd(ness->dm, ness->U, INSERT_VALUES, Ul));
  PetscCall(VecGetArrayRead(Ul, &u));
  for (PetscInt k = 0; k < g->nev; k++) {
    const PetscInt       v = g->evv[k], e = g->eve[k];
    const NessElectrode *el = &ness->el[e];
    const PetscReal      A  = g->eva[k] * Ascale;
    const PetscReal      ph = PetscRealPart(u[v * ness->nf + ness->nu]) / ness->f;
    if (g->dirichlet[v]) continue; /* as in the residual */
    loc[3 * e] += A;
    loc[3 * e + 1] += A * ph;
    if (ness->model == NESS_MODEL_PNP && el->phibc == NESS_PHI_STERN) loc[3 * e + 2] += A * el->Cs * (el->Es - el->Epzc - ph);
  }
  PetscCall(VecRestoreArrayRead(Ul, &u));
  PetscCall(DMRestoreLocalVector(ness->dm, &Ul));
  PetscCall(MPIU_Allreduce(loc, glob, 3 * ness->ne, MPIU_REAL, MPIU_SUM, PetscObjectComm((PetscObject)ness)));
  for (PetscInt e = 0; e < ness->ne; e++) {
    phi[e] = glob[3 * e] > 0 ? glob[3 * e + 1] / glob[3 * e] : 0.0;
    q[e]   = glob[3 * e + 2];
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode SweepRecord(Ness ness, NessSweepCtx *s, PetscReal Eapp, PetscInt retries, PetscReal step)
{
  PetscReal *r, phi[NESS_MAX_ELECTRODES], q[NESS_MAX_ELECTRODES], Itot = 0.0;
  PetscInt   k = 0, ps, nw, li;

  PetscFunctionBegin;
  if (s->n == s->nalloc) {
    PetscReal *row, *Ev, *Iv;
    PetscInt   na = PetscMax(64, 2 * s->nalloc);
    PetscCall(PetscMalloc1(na * s->ncol, &row));
    PetscCall(PetscMalloc2(na, &Ev, na, &Iv));
    if (s->n) {
      PetscCall(PetscArraycpy(row, s->row, s->n * s->ncol));
      PetscCall(PetscArraycpy(Ev, s->Ecv, s->n));
      PetscCall(PetscArraycpy(Iv, s->Icv, s->n));
    }
    PetscCall(PetscFree(s->row));
    PetscCall(PetscFree2(s->Ecv, s->Icv));
    s->row    = row;
    s->Ecv    = Ev;
    s->Icv    = Iv;
    s->nalloc = na;
  }
  PetscCall(SweepElectrodeCharges(ness, phi, q));
  PetscCall(NessGetIterations(ness, &ps, &nw, &li));
  for (PetscInt j = 0; j < s->ne; j++) Itot += ness->el[s->el[j]].current;
  r      = &s->row[s->n * s->ncol];
  r[k++] = (PetscReal)s->n;
  r[k++] = Eapp;
  r[k++] = Itot;
  for (PetscInt e = 0; e < ness->ne; e++) {
    const NessElectrode *el = &ness->el[e];
    r[k++]                  = el->Es;
    r[k++]                  = el->current;
    for (PetscInt j = 0; j < el->nreact; j++) r[k++] = el->rcurrent[j];
    r[k++] = phi[e];
    if (ness->model == NESS_MODEL_PNP && el->phibc == NESS_PHI_STERN) r[k++] = q[e];
  }
  r[k++] = (PetscReal)nw;
  r[k++] = (PetscReal)li;
  r[k++] = (PetscReal)ps;
  r[k++] = (PetscReal)retries;
  r[k++] = step;
  PetscCheck(k == s->ncol, PETSC_COMM_SELF, PETSC_ERR_PLIB, "Sweep row has %" PetscInt_FMT " values for %" PetscInt_FMT " columns", k, s->ncol);
  s->Ecv[s->n] = Eapp;
  s->Icv[s->n] = Itot;
  s->n++;
  PetscFunctionReturn(0);
}

/* reaction current r (column k of the row table) interpolated between points p and p+1 at fraction t: geometric
   (linear in log|i|, exact for a Tafel line) when both values have the same sign, linear otherwise */
static PetscReal SweepInterp(const NessSweepCtx *s, PetscInt p, PetscInt k, PetscReal t)
{
  const PetscReal a = s->row[p * s->ncol + k], b = s->row[(p + 1) * s->ncol + k];
  if (a * b > 0) return (a > 0 ? 1.0 : -1.0) * PetscExpReal((1.0 - t) * PetscLogReal(PetscAbsReal(a)) + t * PetscLogReal(PetscAbsReal(b)));
  return a + t * (b - a);
}

/* columns of the reaction currents of the swept electrodes */
static PetscInt SweepReactionColumns(Ness ness, const NessSweepCtx *s, PetscInt cols[])
{
  PetscInt k = 3, m = 0;
  for (PetscInt e = 0; e < ness->ne; e++) {
    const NessElectrode *el    = &ness->el[e];
    PetscBool            swept = PETSC_FALSE;
    for (PetscInt j = 0; j < s->ne; j++)
      if (s->el[j] == e) swept = PETSC_TRUE;
    k += 2;
    for (PetscInt j = 0; j < el->nreact; j++, k++)
      if (swept) cols[m++] = k;
    k += (ness->model == NESS_MODEL_PNP && el->phibc == NESS_PHI_STERN) ? 2 : 1;
  }
  return m;
}

/* corrosion potential: first zero of the total current along the curve, between the two points around the sign
   change, with each reaction current interpolated by SweepInterp (exact for Tafel lines; bisection); corrosion
   current: the sum of the swept electrodes' reaction currents that are anodic there */
static PetscErrorCode SweepCorrosion(Ness ness, NessSweepCtx *s)
{
  PetscInt cols[NESS_MAX_ELECTRODES * NESS_MAX_REACTIONS], m;

  PetscFunctionBegin;
  s->have_corr = PETSC_FALSE;
  m            = SweepReactionColumns(ness, s, cols);
  for (PetscInt p = 0; p + 1 < s->n; p++) {
    const PetscReal Ia = s->Icv[p], Ib = s->Icv[p + 1];
    PetscReal       t, lo = 0.0, hi = 1.0, Ic = 0.0;
    if (!((Ia <= 0 && Ib > 0) || (Ia >= 0 && Ib < 0))) continue;
    if (Ia == 0.0) t = 0.0;
    else if (!m) t = Ia / (Ia - Ib);
    else {
      for (PetscInt it = 0; it < 100; it++) {
        PetscReal mid = 0.5 * (lo + hi), g = 0.0;
        for (PetscInt j = 0; j < m; j++) g += SweepInterp(s, p, cols[j], mid);
        if ((g > 0) == (Ib > 0)) hi = mid;
        else lo = mid;
      }
      t = 0.5 * (lo + hi);
    }
    s->Ecorr = s->Ecv[p] + t * (s->Ecv[p + 1] - s->Ecv[p]);
    for (PetscInt j = 0; j < m; j++) {
      const PetscReal r = SweepInterp(s, p, cols[j], t);
      if (r > 0) Ic += r;
    }
    s->Icorr     = Ic;
    s->have_corr = PETSC_TRUE;
    break;
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode SweepWrite(Ness ness, NessSweepCtx *s, PetscBool final)
{
  MPI_Comm    comm = PetscObjectComm((PetscObject)ness);
  PetscMPIInt rank;
  char        tmp[PETSC_MAX_PATH_LEN], fin[PETSC_MAX_PATH_LEN];
  int         err = 0;

  PetscFunctionBegin;
  if (!s->write || !ness->write_output) PetscFunctionReturn(0);
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(PetscSNPrintf(tmp, sizeof(tmp), "%s/sweep.csv.tmp", ness->outdir));
  PetscCall(PetscSNPrintf(fin, sizeof(fin), "%s/sweep.csv", ness->outdir));
  if (rank == 0) {
    FILE *fp = fopen(tmp, "w");
    if (!fp) err = errno;
    else {
      for (PetscInt c = 0; c < s->ncol; c++) fprintf(fp, "%s%s", c ? "," : "", s->colname[c]);
      fprintf(fp, "\n");
      for (PetscInt p = 0; p < s->n; p++) {
        for (PetscInt c = 0; c < s->ncol; c++) {
          const PetscReal v = s->row[p * s->ncol + c];
          if (c == 0 || !strncmp(s->colname[c], "newton", 6) || !strncmp(s->colname[c], "linear", 6) || !strncmp(s->colname[c], "pseudo", 6) || !strncmp(s->colname[c], "retries", 7)) fprintf(fp, "%s%d", c ? "," : "", (int)v);
          else fprintf(fp, ",%.17g", (double)v);
        }
        fprintf(fp, "\n");
      }
      if (fclose(fp)) err = errno;
    }
  }
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, comm));
  PetscCheck(!err, comm, PETSC_ERR_FILE_WRITE, "Cannot write %s: %s", tmp, strerror(err));
  PetscCall(NessFileCommit(comm, tmp, fin));
  if (!final) PetscFunctionReturn(0);
  PetscCall(PetscSNPrintf(tmp, sizeof(tmp), "%s/sweep.json.tmp", ness->outdir));
  PetscCall(PetscSNPrintf(fin, sizeof(fin), "%s/sweep.json", ness->outdir));
  if (rank == 0) {
    FILE *fp = fopen(tmp, "w");
    if (!fp) err = errno;
    else {
      fprintf(fp, "{\n  \"electrodes\": [");
      for (PetscInt j = 0; j < s->ne; j++) fprintf(fp, "%s\"%s\"", j ? ", " : "", ness->el[s->el[j]].name);
      fprintf(fp, "],\n  \"range_V\": [%.17g, %.17g],\n  \"step_V\": %.17g,\n  \"max_step_V\": %.17g,\n  \"min_step_V\": %.17g,\n  \"growth\": %.17g,\n", (double)s->E0, (double)s->E1, (double)s->dE, (double)s->hmax, (double)s->hmin, (double)s->growth);
      fprintf(fp, "  \"points\": %d,\n  \"failed_attempts\": %d,\n  \"complete\": %s,\n", (int)s->n, (int)s->nfail, s->complete ? "true" : "false");
      if (s->n) fprintf(fp, "  \"last_potential_V\": %.17g,\n", (double)s->Ecv[s->n - 1]);
      if (s->have_corr) fprintf(fp, "  \"corrosion_potential_V\": %.17g,\n  \"corrosion_current_A\": %.17g\n}\n", (double)s->Ecorr, (double)s->Icorr);
      else fprintf(fp, "  \"corrosion_potential_V\": null,\n  \"corrosion_current_A\": null\n}\n");
      if (fclose(fp)) err = errno;
    }
  }
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, comm));
  PetscCheck(!err, comm, PETSC_ERR_FILE_WRITE, "Cannot write %s: %s", tmp, strerror(err));
  PetscCall(NessFileCommit(comm, tmp, fin));
  PetscFunctionReturn(0);
}

static PetscErrorCode SweepSetPotential(Ness ness, NessSweepCtx *s, PetscReal E)
{
  PetscFunctionBegin;
  for (PetscInt j = 0; j < s->ne; j++) PetscCall(NessSetElectrodePotential(ness, s->el[j], E));
  PetscFunctionReturn(0);
}

static PetscErrorCode SweepProgress(Ness ness, NessSweepCtx *s, PetscInt retries, PetscReal step)
{
  const PetscReal *r = &s->row[(s->n - 1) * s->ncol];
  PetscInt         nw, ps, li;

  PetscFunctionBegin;
  PetscCall(NessGetIterations(ness, &ps, &nw, &li));
  PetscCall(PetscPrintf(PetscObjectComm((PetscObject)ness), "sweep: point %3" PetscInt_FMT "  E = %+.5f V  I = %+.6e A  newton %" PetscInt_FMT "  pseudo-steps %" PetscInt_FMT "  step %.3g V%s\n", s->n - 1, (double)r[1], (double)r[2], nw, ps, (double)step, retries ? "  (after step halving)" : ""));
  PetscFunctionReturn(0);
}

/* attributes of /state that hold a sweep's position in a checkpoint */
static const char *const SweepAttr[8] = {"sweep_n", "sweep_ncol", "sweep_E", "sweep_h", "sweep_E0", "sweep_E1", "sweep_nfail", "sweep_nel"};

/* checkpoints of a running sweep: the curve so far (rows on rank 0), the last converged potential, the next step
   and the sweep's definition, as attributes of /state and a dataset /sweep_rows (NessWriteCheckpoint calls this) */
static PetscErrorCode SweepCheckpointExtra(Ness ness, PetscViewer viewer)
{
  MPI_Comm      comm = PetscObjectComm((PetscObject)ness);
  NessSweepCtx *s;
  Vec           rows;
  PetscMPIInt   rank;
  PetscReal     a[8];

  PetscFunctionBegin;
  PetscCall(SweepGetCtx(ness, PETSC_FALSE, &s));
  if (!s) PetscFunctionReturn(0);
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  a[0] = (PetscReal)s->n;
  a[1] = (PetscReal)s->ncol;
  a[2] = s->Elast;
  a[3] = s->hlast;
  a[4] = s->E0;
  a[5] = s->E1;
  a[6] = (PetscReal)s->nfail;
  a[7] = (PetscReal)s->ne;
  for (int k = 0; k < 8; k++) PetscCall(PetscViewerHDF5WriteAttribute(viewer, "/state", SweepAttr[k], PETSC_REAL, &a[k]));
  PetscCall(VecCreateMPI(comm, rank == 0 ? s->n * s->ncol : 0, PETSC_DETERMINE, &rows));
  if (rank == 0) {
    PetscScalar *r;
    PetscCall(VecGetArray(rows, &r));
    for (PetscInt i = 0; i < s->n * s->ncol; i++) r[i] = s->row[i];
    PetscCall(VecRestoreArray(rows, &r));
  }
  PetscCall(PetscObjectSetName((PetscObject)rows, "sweep_rows"));
  PetscCall(VecView(rows, viewer));
  PetscCall(VecDestroy(&rows));
  PetscFunctionReturn(0);
}

/* -ness_restart of a sweep checkpoint: the curve so far, the state of its last converged point and where to go on.
   *resumed is false for a checkpoint without a sweep (a pseudo-time checkpoint: the sweep starts from its state). */
static PetscErrorCode SweepResume(Ness ness, NessSweepCtx *s, PetscBool *resumed)
{
  MPI_Comm    comm = PetscObjectComm((PetscObject)ness);
  PetscViewer viewer;
  PetscBool   has;
  PetscReal   a[8];
  PetscInt    n, ncol;
  Vec         rows;
  PetscMPIInt rank;
  PetscReal  *buf;

  PetscFunctionBegin;
  *resumed = PETSC_FALSE;
  PetscCall(NessReadCheckpoint(ness, ness->restart)); /* checks the file, the mesh and the unknowns; sets the state */
  PetscCall(PetscViewerHDF5Open(comm, ness->restart, FILE_MODE_READ, &viewer));
  PetscCall(PetscViewerHDF5HasAttribute(viewer, "/state", "sweep_n", &has));
  if (!has) {
    PetscCall(PetscViewerDestroy(&viewer));
    PetscFunctionReturn(0);
  }
  for (int k = 0; k < 8; k++) PetscCall(PetscViewerHDF5ReadAttribute(viewer, "/state", SweepAttr[k], PETSC_REAL, NULL, &a[k]));
  n    = (PetscInt)a[0];
  ncol = (PetscInt)a[1];
  PetscCheck(ncol == s->ncol && (PetscInt)a[7] == s->ne && a[4] == s->E0 && a[5] == s->E1 && n >= 1, comm, PETSC_ERR_USER_INPUT, "Checkpoint '%s' (-ness_restart) holds a sweep from %g to %g V of %d electrode(s) with %d columns; this sweep is from %g to %g V of %d with %d: restart with the same -ness_sweep options",
             ness->restart, (double)a[4], (double)a[5], (int)a[7], (int)ncol, (double)s->E0, (double)s->E1, (int)s->ne, (int)s->ncol);
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(VecCreateMPI(comm, rank == 0 ? n * ncol : 0, PETSC_DETERMINE, &rows));
  PetscCall(PetscObjectSetName((PetscObject)rows, "sweep_rows"));
  PetscCall(VecLoad(rows, viewer));
  PetscCall(PetscViewerDestroy(&viewer));
  PetscCall(PetscMalloc1(n * ncol, &buf));
  if (rank == 0) {
    const PetscScalar *r;
    PetscCall(VecGetArrayRead(rows, &r));
    for (PetscInt i = 0; i < n * ncol; i++) buf[i] = PetscRealPart(r[i]);
    PetscCall(VecRestoreArrayRead(rows, &r));
  }
  PetscCall(VecDestroy(&rows));
  PetscCallMPI(MPI_Bcast(buf, (PetscMPIInt)(n * ncol), MPIU_REAL, 0, comm));
  PetscCall(PetscFree(s->row));
  PetscCall(PetscFree2(s->Ecv, s->Icv));
  s->nalloc = PetscMax(64, 2 * n);
  PetscCall(PetscMalloc1(s->nalloc * ncol, &s->row));
  PetscCall(PetscMalloc2(s->nalloc, &s->Ecv, s->nalloc, &s->Icv));
  PetscCall(PetscArraycpy(s->row, buf, n * ncol));
  for (PetscInt i = 0; i < n; i++) {
    s->Ecv[i] = buf[i * ncol + 1]; /* columns: point, E_applied, I_total, ... (SweepRecord) */
    s->Icv[i] = buf[i * ncol + 2];
  }
  PetscCall(PetscFree(buf));
  s->n     = n;
  s->nfail = (PetscInt)a[6];
  s->Elast = a[2];
  s->hlast = a[3];
  *resumed = PETSC_TRUE;
  PetscCall(PetscPrintf(comm, "sweep: resuming from %s after %" PetscInt_FMT " points, at E = %+.5f V\n", ness->restart, n, (double)s->Elast));
  PetscFunctionReturn(0);
}

/* after a converged point: a checkpoint every -ness_checkpoint_interval points; on SIGTERM/SIGINT (all ranks agree)
   a checkpoint of the last converged point and *stop */
static PetscErrorCode SweepCheckpoint(Ness ness, NessSweepCtx *s, Vec last, PetscBool *stop)
{
  PetscFunctionBegin;
  *stop = PETSC_FALSE;
  if (ness->catch_sigterm) PetscCall(NessStopRequested(ness, stop));
  if (*stop || ness->interrupted) {
    PetscCall(VecCopy(last, ness->U)); /* the state of the last converged point, not a half-marched one */
    PetscCall(NessWriteCheckpoint(ness, s->n, 0.0, 0.0));
    ness->interrupted = PETSC_TRUE;
    *stop             = PETSC_TRUE;
    PetscCall(PetscPrintf(PetscObjectComm((PetscObject)ness), "sweep: stopped by a signal after %" PetscInt_FMT " points (last converged E = %+.5f V); checkpoint written\n", s->n, (double)s->Elast));
  } else if (ness->ckpt_interval > 0 && s->n % ness->ckpt_interval == 0) PetscCall(NessWriteCheckpoint(ness, s->n, 0.0, 0.0));
  PetscFunctionReturn(0);
}

/*@
  NessSweepElectrodes - polarization sweep: steps the metal potential of the given potentiostatic electrodes (all set
  to the same value) from E0 to E1, solving a steady state at each point (collective)

  Input Parameters:
+ ness - the Ness object (after NessSetFromOptions(); set up here if needed)
. n    - number of swept electrodes
. el   - their indices (0 <= el[j] < NessGetNumElectrodes())
. E0, E1 - first and last potential, V against the bulk-solution reference
- dE   - initial step magnitude, V (the sign is taken from E1 - E0)

  Notes:
  Each point warm-starts from the previous steady state (Newton; pseudo-transient continuation from that state if
  Newton fails). After a success the step grows by the growth factor up to the maximum step; after a failure the
  state is restored and the step halved; below the minimum step the sweep stops (incomplete), and the object is left
  at the last converged point. Options read by NessSweepSetFromOptions() (growth, min/max step, output) apply when
  set. With output on, <outdir>/sweep.csv is rewritten atomically after every point and sweep.json at the end.
  The first point, when the object holds no state yet, is solved from the bulk state.
@*/
PetscErrorCode NessSweepElectrodes(Ness ness, PetscInt n, const PetscInt el[], PetscReal E0, PetscReal E1, PetscReal dE)
{
  MPI_Comm      comm = PetscObjectComm((PetscObject)ness);
  NessSweepCtx *s;
  Vec           save;
  PetscReal     Esave[NESS_MAX_ELECTRODES], E, h, dir, tolE;
  PetscBool     conv, resumed = PETSC_FALSE, stop = PETSC_FALSE;
  PetscInt      retries = 0;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(ness, NESS_CLASSID, 1);
  PetscCall(NessSetUp(ness));
  PetscCheck(n >= 1 && n <= ness->ne, comm, PETSC_ERR_ARG_OUTOFRANGE, "A sweep needs 1 to %" PetscInt_FMT " electrodes, got %" PetscInt_FMT, ness->ne, n);
  PetscCheck(PetscIsNormalReal(dE) && dE != 0.0, comm, PETSC_ERR_USER_INPUT, "The sweep step (-ness_sweep_step) must be nonzero, got %g", (double)dE);
  PetscCall(SweepGetCtx(ness, PETSC_TRUE, &s));
  for (PetscInt j = 0; j < n; j++) {
    PetscCheck(el[j] >= 0 && el[j] < ness->ne, comm, PETSC_ERR_ARG_OUTOFRANGE, "Electrode %" PetscInt_FMT " out of range", el[j]);
    PetscCheck(ness->el[el[j]].control == NESS_CONTROL_POTENTIOSTATIC, comm, PETSC_ERR_USER_INPUT, "Swept electrode '%s' is %s: a sweep sets the metal potential, so it needs -ness_electrode_%s_control potentiostatic", ness->el[el[j]].name,
               NessControls[ness->el[el[j]].control], ness->el[el[j]].name);
    s->el[j] = el[j];
  }
  s->ne   = n;
  s->E0   = E0;
  s->E1   = E1;
  s->dE   = PetscAbsReal(dE);
  s->hmax = s->dEmax > 0 ? s->dEmax : s->dE;
  s->hmin = s->dEmin > 0 ? s->dEmin : s->dE / 1024.0;
  if (!(s->growth >= 1.0)) s->growth = 1.2;
  s->n        = 0;
  s->nfail    = 0;
  s->complete = PETSC_FALSE;
  PetscCall(SweepColumns(ness, s));
  if (s->write && ness->write_output) PetscCall(NessMakeOutputDir(comm, ness->outdir));
  dir  = E1 >= E0 ? 1.0 : -1.0;
  tolE = 1e-9 * PetscMax(1e-3, PetscAbsReal(E1 - E0));

  ness->ckpt_extra = SweepCheckpointExtra;
  if (ness->restart[0] && !ness->have_state) PetscCall(SweepResume(ness, s, &resumed));
  if (resumed) {
    /* the last converged point again, from its own state (one Newton step), then on along the curve */
    PetscCall(SweepSetPotential(ness, s, s->Elast));
    PetscCall(NessSolve(ness));
    PetscCall(NessGetConverged(ness, &conv));
    PetscCheck(conv, comm, PETSC_ERR_NOT_CONVERGED, "sweep: the checkpoint's point E = %+.5f V did not converge again", (double)s->Elast);
    E = s->Elast;
    h = s->hlast;
  } else {
    /* first point */
    PetscCall(SweepSetPotential(ness, s, E0));
    PetscCall(NessSolve(ness));
    PetscCall(NessGetConverged(ness, &conv));
    if (!conv) {
      ness->ckpt_extra = NULL;
      if (ness->interrupted) PetscFunctionReturn(0); /* its pseudo-time checkpoint holds the state */
      PetscCall(PetscPrintf(comm, "sweep: the first point E = %+.5f V did not converge; no curve\n", (double)E0));
      PetscCall(SweepWrite(ness, s, PETSC_TRUE));
      PetscFunctionReturn(0);
    }
    PetscCall(SweepRecord(ness, s, E0, 0, 0.0));
    PetscCall(SweepProgress(ness, s, 0, 0.0));
    E = E0;
    h = PetscMin(s->dE, s->hmax);
  }
  PetscCall(SweepWrite(ness, s, PETSC_FALSE));
  PetscCall(VecDuplicate(ness->U, &save));
  PetscCall(VecCopy(ness->U, save));
  for (PetscInt c = 0; c < ness->ncouple; c++) Esave[c] = ness->couple[c].E;
  s->Elast = E;
  s->hlast = h;
  PetscCall(SweepCheckpoint(ness, s, save, &stop));
  while (!stop && dir * (E1 - E) > tolE) {
    const PetscReal hs = PetscMin(h, PetscAbsReal(E1 - E));
    PetscReal       En = hs == PetscAbsReal(E1 - E) ? E1 : E + dir * hs;
    {
      /* points on the grid E0 + k dE are computed as such, not by summing steps (no drift of rounding errors) */
      const PetscReal k = PetscFloorReal(dir * (En - E0) / s->dE + 0.5);
      if (PetscAbsReal(En - (E0 + dir * k * s->dE)) < 1e-6 * s->dE) En = E0 + dir * k * s->dE;
    }
    PetscCall(SweepSetPotential(ness, s, En));
    PetscCall(NessSolve(ness));
    PetscCall(NessGetConverged(ness, &conv));
    if (conv) {
      PetscCall(SweepRecord(ness, s, En, retries, hs));
      PetscCall(SweepProgress(ness, s, retries, hs));
      PetscCall(SweepWrite(ness, s, PETSC_FALSE));
      PetscCall(VecCopy(ness->U, save));
      for (PetscInt c = 0; c < ness->ncouple; c++) Esave[c] = ness->couple[c].E;
      E        = En;
      retries  = 0;
      h        = PetscMin(h * s->growth, s->hmax);
      s->Elast = E;
      s->hlast = h;
      PetscCall(SweepCheckpoint(ness, s, save, &stop));
    } else if (ness->interrupted) {
      PetscCall(SweepCheckpoint(ness, s, save, &stop)); /* the point's march stopped on a signal */
    } else {
      s->nfail++;
      retries++;
      PetscCall(VecCopy(save, ness->U));
      for (PetscInt c = 0; c < ness->ncouple; c++) ness->couple[c].E = Esave[c];
      h *= 0.5;
      PetscCall(PetscPrintf(comm, "sweep: E = %+.5f V did not converge; step halved to %.3g V\n", (double)En, (double)h));
      if (h < s->hmin) break;
    }
  }
  ness->ckpt_extra = NULL;
  s->complete      = dir * (E1 - E) <= tolE ? PETSC_TRUE : PETSC_FALSE;
  if (stop) {
    /* stopped by a signal: the curve so far (sweep.csv, sweep.json with complete false) and the checkpoint */
    PetscCall(VecDestroy(&save));
    PetscCall(SweepWrite(ness, s, PETSC_TRUE));
    PetscFunctionReturn(0);
  }
  if (!s->complete) {
    /* leave the object at the last converged point, with its post-processing */
    PetscCall(PetscPrintf(comm, "sweep: stopped at E = %+.5f V (step below -ness_sweep_min_step %.3g V); the curve is incomplete\n", (double)E, (double)s->hmin));
    PetscCall(SweepSetPotential(ness, s, E));
    PetscCall(NessSolve(ness));
  }
  PetscCall(VecDestroy(&save));
  PetscCall(SweepCorrosion(ness, s));
  if (s->have_corr) PetscCall(PetscPrintf(comm, "sweep: %" PetscInt_FMT " points; corrosion potential %+.5f V, corrosion current %.6e A\n", s->n, (double)s->Ecorr, (double)s->Icorr));
  else PetscCall(PetscPrintf(comm, "sweep: %" PetscInt_FMT " points; the current does not change sign (no corrosion potential in the range)\n", s->n));
  PetscCall(SweepWrite(ness, s, PETSC_TRUE));
  PetscFunctionReturn(0);
}

/*@
  NessSweep - polarization sweep of one potentiostatic electrode from E0 to E1 with initial step dE (collective);
  see NessSweepElectrodes()
@*/
PetscErrorCode NessSweep(Ness ness, PetscInt e, PetscReal E0, PetscReal E1, PetscReal dE)
{
  PetscFunctionBegin;
  PetscCall(NessSweepElectrodes(ness, 1, &e, E0, E1, dE));
  PetscFunctionReturn(0);
}

/*@
  NessSweepSetFromOptions - reads the sweep options (collective): -ness_sweep <e1[,e2...]> (electrodes swept together),
  -ness_sweep_range E0,E1, -ness_sweep_step, -ness_sweep_max_step, -ness_sweep_min_step, -ness_sweep_growth,
  -ness_sweep_output. Call after NessSetFromOptions(). flg (may be NULL) tells whether a sweep was requested. Nothing
  is written or removed here (an input error found later must leave an earlier run's files alone).
@*/
PetscErrorCode NessSweepSetFromOptions(Ness ness, PetscBool *flg)
{
  MPI_Comm      comm = PetscObjectComm((PetscObject)ness);
  NessSweepCtx *s;
  char          list[1024] = "";
  PetscBool     set = PETSC_FALSE, rset = PETSC_FALSE;
  PetscReal     range[2] = {0, 0};
  PetscInt      nrange   = 2;
  const char   *prefix;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(ness, NESS_CLASSID, 1);
  PetscCheck(ness->configured, comm, PETSC_ERR_ORDER, "Call NessSetFromOptions() before NessSweepSetFromOptions()");
  PetscCall(SweepGetCtx(ness, PETSC_TRUE, &s));
  PetscCall(PetscObjectGetOptionsPrefix((PetscObject)ness, &prefix));
  PetscOptionsBegin(comm, prefix, "Ness polarization sweep", "Ness");
  PetscCall(PetscOptionsString("-ness_sweep", "Sweep the metal potential of these potentiostatic electrodes (comma-separated; swept together) and write sweep.csv", "NessSweepSetFromOptions", list, list, sizeof(list), &set));
  PetscCall(PetscOptionsRealArray("-ness_sweep_range", "First and last potential of the sweep, E0,E1 (V)", "NessSweepSetFromOptions", range, &nrange, &rset));
  s->dE = 0.0;
  PetscCall(PetscOptionsReal("-ness_sweep_step", "Initial potential step of the sweep (V); default (E1 - E0)/50", "NessSweepSetFromOptions", s->dE, &s->dE, NULL));
  PetscCall(PetscOptionsReal("-ness_sweep_max_step", "Largest potential step (V); default the initial step", "NessSweepSetFromOptions", s->dEmax, &s->dEmax, NULL));
  PetscCall(PetscOptionsReal("-ness_sweep_min_step", "Smallest potential step before the sweep gives up (V); default step/1024", "NessSweepSetFromOptions", s->dEmin, &s->dEmin, NULL));
  PetscCall(PetscOptionsReal("-ness_sweep_growth", "Step growth factor after a converged point (>= 1)", "NessSweepSetFromOptions", s->growth, &s->growth, NULL));
  PetscCall(PetscOptionsBool("-ness_sweep_output", "Write sweep.csv and sweep.json", "NessSweepSetFromOptions", s->write, &s->write, NULL));
  PetscOptionsEnd();
  s->set = PETSC_FALSE;
  if (set && list[0]) {
    char     names[NESS_MAX_ELECTRODES][NESS_NAME_LEN];
    PetscInt nn;
    PetscCall(NessSplitList(comm, list, NESS_MAX_ELECTRODES, names, &nn, "-ness_sweep"));
    PetscCheck(nn > 0, comm, PETSC_ERR_USER_INPUT, "-ness_sweep needs an electrode name");
    for (PetscInt j = 0; j < nn; j++) {
      PetscInt idx = -1;
      for (PetscInt e = 0; e < ness->ne; e++)
        if (!strcmp(ness->el[e].name, names[j])) idx = e;
      PetscCheck(idx >= 0, comm, PETSC_ERR_USER_INPUT, "-ness_sweep %s: no electrode named '%s' (-ness_electrode_names)", list, names[j]);
      PetscCheck(ness->el[idx].control == NESS_CONTROL_POTENTIOSTATIC, comm, PETSC_ERR_USER_INPUT, "-ness_sweep %s: electrode '%s' is %s; a swept electrode needs -ness_electrode_%s_control potentiostatic", list, names[j], NessControls[ness->el[idx].control], names[j]);
      s->el[j] = idx;
    }
    s->ne = nn;
    PetscCheck(rset && nrange == 2, comm, PETSC_ERR_USER_INPUT, "-ness_sweep needs -ness_sweep_range E0,E1 (two potentials in V)");
    PetscCheck(range[0] != range[1], comm, PETSC_ERR_USER_INPUT, "-ness_sweep_range %g,%g: the two potentials must differ", (double)range[0], (double)range[1]);
    s->E0 = range[0];
    s->E1 = range[1];
    if (s->dE == 0.0) s->dE = PetscAbsReal(range[1] - range[0]) / 50.0;
    PetscCheck(s->dE > 0, comm, PETSC_ERR_USER_INPUT, "-ness_sweep_step %g must be positive", (double)s->dE);
    PetscCheck(s->dEmax >= 0 && s->dEmin >= 0, comm, PETSC_ERR_USER_INPUT, "-ness_sweep_max_step and -ness_sweep_min_step must be positive");
    PetscCheck(s->growth >= 1.0, comm, PETSC_ERR_USER_INPUT, "-ness_sweep_growth %g must be >= 1", (double)s->growth);
    s->set = PETSC_TRUE;
  }
  PetscCheck(s->set || !rset, comm, PETSC_ERR_USER_INPUT, "-ness_sweep_range needs -ness_sweep <electrode>");
  if (flg) *flg = s->set;
  PetscFunctionReturn(0);
}

/*@
  NessSweepFromOptions - runs the sweep configured by NessSweepSetFromOptions() (collective). Without a requested sweep
  it only removes sweep.csv, sweep.json and sweep.png left in the output directory by an earlier run (rank 0), so the
  ness program calls it after NessSolve() in every run.
@*/
PetscErrorCode NessSweepFromOptions(Ness ness)
{
  NessSweepCtx *s;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(ness, NESS_CLASSID, 1);
  PetscCall(SweepGetCtx(ness, PETSC_FALSE, &s));
  if (!s || !s->set) {
    /* no sweep: sweep files of an earlier run in the output directory would be read as this run's */
    PetscMPIInt rank;
    PetscCallMPI(MPI_Comm_rank(PetscObjectComm((PetscObject)ness), &rank));
    if (rank == 0 && ness->write_output) {
      const char *stale[] = {"sweep.csv", "sweep.json", "sweep.png"};
      for (int i = 0; i < 3; i++) {
        char path[PETSC_MAX_PATH_LEN];
        PetscCall(PetscSNPrintf(path, sizeof(path), "%s/%s", ness->outdir, stale[i]));
        (void)remove(path);
      }
    }
    PetscFunctionReturn(0);
  }
  PetscCall(NessSweepElectrodes(ness, s->ne, s->el, s->E0, s->E1, s->dE));
  PetscFunctionReturn(0);
}

/*@C
  NessSweepGetCurve - the last sweep's curve (not collective): number of converged points, their potentials (V) and the
  total current of the swept electrodes (A, anodic positive). The arrays are borrowed (owned by the Ness object; valid
  until the next sweep or NessDestroy()). complete (may be NULL) tells whether the sweep reached E1.
@*/
PetscErrorCode NessSweepGetCurve(Ness ness, PetscInt *n, const PetscReal *Ev[], const PetscReal *Iv[], PetscBool *complete)
{
  NessSweepCtx *s;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(ness, NESS_CLASSID, 1);
  PetscCall(SweepGetCtx(ness, PETSC_FALSE, &s));
  if (n) *n = s ? s->n : 0;
  if (Ev) *Ev = s ? s->Ecv : NULL;
  if (Iv) *Iv = s ? s->Icv : NULL;
  if (complete) *complete = s ? s->complete : PETSC_FALSE;
  PetscFunctionReturn(0);
}

/*@
  NessSweepGetCorrosion - corrosion potential (V: first zero of the swept electrodes' total current along the curve) and
  corrosion current (A: their anodic reaction currents there) of the last sweep (not collective); found is PETSC_FALSE
  when the current does not change sign in the range
@*/
PetscErrorCode NessSweepGetCorrosion(Ness ness, PetscBool *found, PetscReal *Ecorr, PetscReal *Icorr)
{
  NessSweepCtx *s;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(ness, NESS_CLASSID, 1);
  PetscCall(SweepGetCtx(ness, PETSC_FALSE, &s));
  *found = s && s->have_corr ? PETSC_TRUE : PETSC_FALSE;
  if (Ecorr) *Ecorr = *found ? s->Ecorr : 0.0;
  if (Icorr) *Icorr = *found ? s->Icorr : 0.0;
  PetscFunctionReturn(0);
}

/* Checkpoints of the pseudo-time march and restarts.

   -ness_checkpoint_interval N writes <output_dir>/checkpoint.h5 every N pseudo-time steps (under a temporary name,
   then renamed, so an interrupted write never replaces a good checkpoint). The state is stored in natural
   (mesh-file) vertex order, so a run can restart on any number of ranks: -ness_restart FILE reads it and continues
   (a warm-started Newton solve, then pseudo-time from that state if needed).

   With -ness_catch_sigterm (set by the ness program), SIGTERM and SIGINT set a flag; at the next pseudo-time step
   all ranks agree to stop, write a final checkpoint and return from NessSolve() with ness->interrupted set.

   A running sweep (src/solve/sweep.c) adds its curve and position to every checkpoint (ness->ckpt_extra), writes
   one after every -ness_checkpoint_interval converged points and when stopped by a signal (then always the state
   of the last converged point), and resumes from such a checkpoint. */
#include <ness/private/nessimpl.h>
#include <petscviewerhdf5.h>
#include <signal.h>

static volatile sig_atomic_t NessStopFlag = 0;

static void NessSignalHandler(int sig)
{
  (void)sig;
  NessStopFlag = 1;
}

PetscErrorCode NessCatchSignals(Ness ness)
{
  PetscFunctionBegin;
  if (!ness->catch_sigterm) PetscFunctionReturn(0);
  signal(SIGTERM, NessSignalHandler);
  signal(SIGINT, NessSignalHandler);
  PetscFunctionReturn(0);
}

/* owned vertex values in natural order, as one Vec "state" of size nvglobal * nf, plus metadata */
PetscErrorCode NessWriteCheckpoint(Ness ness, PetscInt step, PetscReal t, PetscReal dt)
{
  MPI_Comm           comm = PetscObjectComm((PetscObject)ness);
  const NessGeom    *g    = &ness->g;
  const PetscInt     nf   = ness->nf;
  char               tmp[PETSC_MAX_PATH_LEN + 32], fin[PETSC_MAX_PATH_LEN + 32];
  PetscViewer        viewer;
  Vec                src, dst;
  IS                 to;
  VecScatter         sc;
  PetscInt          *idx;
  const PetscScalar *u;
  PetscScalar       *a;
  PetscReal          meta[4 + NESS_MAX_ELECTRODES];

  PetscFunctionBegin;
  PetscCall(NessMakeOutputDir(comm, ness->outdir));
  PetscCall(PetscSNPrintf(tmp, sizeof(tmp), "%s/checkpoint.h5.tmp", ness->outdir));
  PetscCall(PetscSNPrintf(fin, sizeof(fin), "%s/checkpoint.h5", ness->outdir));
  PetscCall(VecCreateMPI(comm, g->nvown * nf, PETSC_DETERMINE, &src));
  PetscCall(VecGetArrayRead(ness->U, &u));
  PetscCall(VecGetArray(src, &a));
  for (PetscInt i = 0; i < g->nvown * nf; i++) a[i] = u[i]; /* the global vector holds the owned vertices in vown order */
  PetscCall(VecRestoreArray(src, &a));
  PetscCall(VecRestoreArrayRead(ness->U, &u));
  PetscCall(VecCreate(comm, &dst));
  PetscCall(VecSetSizes(dst, PETSC_DECIDE, g->nvglobal * nf));
  PetscCall(VecSetBlockSize(dst, nf));
  PetscCall(VecSetType(dst, VECMPI));
  PetscCall(PetscMalloc1(g->nvown * nf + 1, &idx));
  for (PetscInt k = 0; k < g->nvown; k++)
    for (PetscInt j = 0; j < nf; j++) idx[k * nf + j] = g->natv[g->vown[k]] * nf + j;
  PetscCall(ISCreateGeneral(comm, g->nvown * nf, idx, PETSC_OWN_POINTER, &to));
  PetscCall(VecScatterCreate(src, NULL, dst, to, &sc));
  PetscCall(VecScatterBegin(sc, src, dst, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(sc, src, dst, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(PetscObjectSetName((PetscObject)dst, "state"));
  PetscCall(PetscViewerHDF5Open(comm, tmp, FILE_MODE_WRITE, &viewer));
  PetscCall(VecView(dst, viewer));
  meta[0] = (PetscReal)step;
  meta[1] = t;
  meta[2] = dt;
  meta[3] = (PetscReal)ness->ne;
  for (PetscInt e = 0; e < ness->ne; e++) meta[4 + e] = ness->el[e].Es;
  PetscCall(PetscViewerHDF5WriteAttribute(viewer, "/state", "pseudo_step", PETSC_REAL, &meta[0]));
  PetscCall(PetscViewerHDF5WriteAttribute(viewer, "/state", "pseudo_time", PETSC_REAL, &meta[1]));
  PetscCall(PetscViewerHDF5WriteAttribute(viewer, "/state", "pseudo_dt", PETSC_REAL, &meta[2]));
  {
    PetscReal nv = (PetscReal)g->nvglobal, nfr = (PetscReal)nf;
    PetscCall(PetscViewerHDF5WriteAttribute(viewer, "/state", "vertices", PETSC_REAL, &nv));
    PetscCall(PetscViewerHDF5WriteAttribute(viewer, "/state", "fields", PETSC_REAL, &nfr));
  }
  PetscCall(PetscViewerHDF5WriteAttribute(viewer, "/state", "scenario", PETSC_STRING, ness->scenario));
  if (ness->ckpt_extra) PetscCall((*ness->ckpt_extra)(ness, viewer));
  PetscCall(PetscViewerDestroy(&viewer));
  PetscCall(NessFileCommit(comm, tmp, fin));
  PetscCall(VecScatterDestroy(&sc));
  PetscCall(ISDestroy(&to));
  PetscCall(VecDestroy(&src));
  PetscCall(VecDestroy(&dst));
  PetscCall(PetscInfo(ness, "Checkpoint written to %s at pseudo-time step %" PetscInt_FMT "\n", fin, step));
  PetscFunctionReturn(0);
}

/* reads -ness_restart FILE into ness->U (any number of ranks); the mesh and the unknowns must match */
PetscErrorCode NessReadCheckpoint(Ness ness, const char path[])
{
  MPI_Comm           comm = PetscObjectComm((PetscObject)ness);
  const NessGeom    *g    = &ness->g;
  const PetscInt     nf   = ness->nf;
  PetscViewer        viewer;
  Vec                src, dst;
  IS                 from;
  VecScatter         sc;
  PetscInt          *idx, n;
  PetscReal          nv = 0, nfr = 0;
  const PetscScalar *a;
  PetscScalar       *u;
  PetscBool          has;
  int                ok = 1;
  PetscMPIInt        rank;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0) {
    FILE *fp = fopen(path, "rb");
    if (!fp) ok = 0;
    else fclose(fp);
  }
  PetscCallMPI(MPI_Bcast(&ok, 1, MPI_INT, 0, comm));
  PetscCheck(ok, comm, PETSC_ERR_FILE_OPEN, "Cannot open checkpoint '%s' (-ness_restart)", path);
  PetscCall(PetscViewerHDF5Open(comm, path, FILE_MODE_READ, &viewer));
  PetscCall(PetscViewerHDF5HasDataset(viewer, "/state", &has));
  PetscCheck(has, comm, PETSC_ERR_FILE_UNEXPECTED, "'%s' (-ness_restart) is not a ness checkpoint (no /state dataset)", path);
  PetscCall(PetscViewerHDF5ReadAttribute(viewer, "/state", "vertices", PETSC_REAL, NULL, &nv));
  PetscCall(PetscViewerHDF5ReadAttribute(viewer, "/state", "fields", PETSC_REAL, NULL, &nfr));
  PetscCheck((PetscInt)nv == g->nvglobal && (PetscInt)nfr == nf, comm, PETSC_ERR_USER_INPUT, "Checkpoint '%s' (-ness_restart) has %d vertices x %d unknowns, this problem %d x %d: restart with the same mesh and model", path, (int)nv, (int)nfr, (int)g->nvglobal, (int)nf);
  PetscCall(VecCreate(comm, &src));
  PetscCall(VecSetSizes(src, PETSC_DECIDE, g->nvglobal * nf));
  PetscCall(VecSetBlockSize(src, nf));
  PetscCall(VecSetType(src, VECMPI));
  PetscCall(PetscObjectSetName((PetscObject)src, "state"));
  PetscCall(VecLoad(src, viewer));
  PetscCall(PetscViewerDestroy(&viewer));
  PetscCall(VecCreateMPI(comm, g->nvown * nf, PETSC_DETERMINE, &dst));
  PetscCall(PetscMalloc1(g->nvown * nf + 1, &idx));
  for (PetscInt k = 0; k < g->nvown; k++)
    for (PetscInt j = 0; j < nf; j++) idx[k * nf + j] = g->natv[g->vown[k]] * nf + j;
  PetscCall(ISCreateGeneral(comm, g->nvown * nf, idx, PETSC_OWN_POINTER, &from));
  PetscCall(VecScatterCreate(src, from, dst, NULL, &sc));
  PetscCall(VecScatterBegin(sc, src, dst, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(sc, src, dst, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecGetLocalSize(ness->U, &n));
  PetscCall(VecGetArrayRead(dst, &a));
  PetscCall(VecGetArray(ness->U, &u));
  for (PetscInt i = 0; i < n; i++) u[i] = a[i];
  PetscCall(VecRestoreArray(ness->U, &u));
  PetscCall(VecRestoreArrayRead(dst, &a));
  PetscCall(VecScatterDestroy(&sc));
  PetscCall(ISDestroy(&from));
  PetscCall(VecDestroy(&src));
  PetscCall(VecDestroy(&dst));
  ness->have_state = PETSC_TRUE;
  ness->solved     = PETSC_FALSE;
  PetscFunctionReturn(0);
}

/* whether SIGTERM/SIGINT arrived on any rank (collective): lets loops outside the pseudo-time march (sweeps) stop */
PetscErrorCode NessStopRequested(Ness ness, PetscBool *stop)
{
  int s = NessStopFlag ? 1 : 0, gs;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Allreduce(&s, &gs, 1, MPI_INT, MPI_MAX, PetscObjectComm((PetscObject)ness)));
  *stop = gs ? PETSC_TRUE : PETSC_FALSE;
  PetscFunctionReturn(0);
}

/* pseudo-time monitor: periodic checkpoints, and the agreed stop after SIGTERM/SIGINT */
PetscErrorCode NessCheckpointMonitor(TS ts, PetscInt step, PetscReal t, Vec U, void *ctx)
{
  Ness      ness = (Ness)ctx;
  int       stop = NessStopFlag ? 1 : 0, gstop;
  PetscReal dt;

  PetscFunctionBegin;
  (void)U;
  PetscCallMPI(MPI_Allreduce(&stop, &gstop, 1, MPI_INT, MPI_MAX, PetscObjectComm((PetscObject)ness)));
  PetscCall(TSGetTimeStep(ts, &dt));
  if (gstop || (ness->ckpt_interval > 0 && step > 0 && step % ness->ckpt_interval == 0)) PetscCall(NessWriteCheckpoint(ness, step, t, dt));
  if (gstop) {
    ness->interrupted = PETSC_TRUE;
    PetscCall(TSSetConvergedReason(ts, TS_CONVERGED_USER));
  }
  PetscFunctionReturn(0);
}

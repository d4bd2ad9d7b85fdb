/* 1D profiles on rank 0: every vertex (owned on some rank) sorted by x, for checks that need neighbours across ranks.
   Used by the bulk-reaction verification programs. */
#ifndef NESS_VERIFY_PROFILE1D_H
#define NESS_VERIFY_PROFILE1D_H
#include "common.h"

typedef struct {
  PetscInt   n;       /* vertices (on rank 0; 0 elsewhere) */
  PetscInt   ns;      /* species */
  PetscReal *x, *psi; /* position (m), psi = f phi */
  PetscReal *c;       /* n*ns concentrations, mol/m^3 */
  PetscReal *u;       /* n*(ns+1) raw scaled unknowns (c/c0, psi), as the residual sees them */
} Profile1D;

static inline PetscErrorCode Profile1DCreate(Ness ness, Profile1D *p)
{
  PetscMPIInt size, rank, nloc, *cnt = NULL, *dsp = NULL;
  PetscInt    n, nf = ness->nf, ns = ness->ns, *perm = NULL;
  PetscReal  *x, *phi, *c, *buf, *all = NULL;

  PetscFunctionBegin;
  PetscCheck(ness->dim == 1, PETSC_COMM_WORLD, PETSC_ERR_SUP, "Profile1D needs a 1D mesh");
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCall(VerifyGetVertexData(ness, &n, &x, &phi, &c));
  /* pack x, then the scaled unknowns (c/c0 ..., psi) per vertex */
  PetscCall(PetscMalloc1((nf + 1) * (n ? n : 1), &buf));
  for (PetscInt k = 0; k < n; k++) {
    buf[k * (nf + 1)] = x[k];
    for (PetscInt i = 0; i < ns; i++) buf[k * (nf + 1) + 1 + i] = c[k * ns + i] / ness->c0;
    buf[k * (nf + 1) + 1 + ns] = phi[k] * ness->f;
  }
  nloc = (PetscMPIInt)(n * (nf + 1));
  if (rank == 0) PetscCall(PetscMalloc2(size, &cnt, size, &dsp));
  PetscCallMPI(MPI_Gather(&nloc, 1, MPI_INT, cnt, 1, MPI_INT, 0, PETSC_COMM_WORLD));
  p->n  = 0;
  p->ns = ns;
  if (rank == 0) {
    PetscInt tot = 0;
    for (PetscMPIInt r = 0; r < size; r++) {
      dsp[r] = (PetscMPIInt)tot;
      tot += cnt[r];
    }
    p->n = tot / (nf + 1);
    PetscCall(PetscMalloc1(tot ? tot : 1, &all));
  }
  PetscCallMPI(MPI_Gatherv(buf, nloc, MPIU_REAL, all, cnt, dsp, MPIU_REAL, 0, PETSC_COMM_WORLD));
  PetscCall(PetscMalloc4(p->n + 1, &p->x, p->n + 1, &p->psi, p->n * ns + 1, &p->c, p->n * nf + 1, &p->u));
  if (rank == 0) {
    PetscReal *xs;
    PetscCall(PetscMalloc2(p->n + 1, &xs, p->n + 1, &perm));
    for (PetscInt k = 0; k < p->n; k++) {
      xs[k]   = all[k * (nf + 1)];
      perm[k] = k;
    }
    PetscCall(PetscSortRealWithPermutation(p->n, xs, perm));
    for (PetscInt k = 0; k < p->n; k++) {
      const PetscReal *v = &all[perm[k] * (nf + 1)];
      p->x[k]            = v[0];
      for (PetscInt i = 0; i < nf; i++) p->u[k * nf + i] = v[1 + i];
      for (PetscInt i = 0; i < ns; i++) p->c[k * ns + i] = v[1 + i] * ness->c0;
      p->psi[k] = v[1 + ns];
    }
    PetscCall(PetscFree2(xs, perm));
    PetscCall(PetscFree(all));
    PetscCall(PetscFree2(cnt, dsp));
  }
  PetscCall(PetscFree(buf));
  PetscCall(PetscFree3(x, phi, c));
  PetscFunctionReturn(0);
}

static inline PetscErrorCode Profile1DDestroy(Profile1D *p)
{
  PetscFunctionBegin;
  PetscCall(PetscFree4(p->x, p->psi, p->c, p->u));
  PetscFunctionReturn(0);
}

/* Validate a JSON fragment written by NessBulkNetworkWriteJSON() (rank 0): wrap it in an object and let python3 parse
   it and run the assertions in 'check' (a Python expression on d). Sets *ok; *ran is false when python3 is missing. */
static inline PetscErrorCode VerifyBulkJSON(Ness ness, const char check[], PetscBool *ran, PetscBool *ok)
{
  PetscMPIInt rank;
  int         res[2] = {0, 0};

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  if (rank == 0) {
    char  dir[PETSC_MAX_PATH_LEN] = "/tmp/ness_bulk_json_XXXXXX", path[PETSC_MAX_PATH_LEN + 16], cmd[4096];
    FILE *fp;
    PetscCall(PetscMkdtemp(dir));
    PetscCall(PetscSNPrintf(path, sizeof(path), "%s/bulk.json", dir));
    fp = fopen(path, "w");
    PetscCheck(fp, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "Cannot write the temporary file %s", path);
    fprintf(fp, "{\n");
    PetscCall(NessBulkNetworkWriteJSON(ness, fp));
    fprintf(fp, "  \"end\": 0\n}\n");
    fclose(fp);
    res[0] = system("python3 -c 'import json' >/dev/null 2>&1") == 0;
    if (res[0]) {
      PetscCall(PetscSNPrintf(cmd, sizeof(cmd), "python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if (%s) else 1)' %s", check, path));
      res[1] = system(cmd) == 0;
    }
    PetscCall(PetscRMTree(dir));
  }
  PetscCallMPI(MPI_Bcast(res, 2, MPI_INT, 0, PETSC_COMM_WORLD));
  *ran = res[0] ? PETSC_TRUE : PETSC_FALSE;
  *ok  = res[1] ? PETSC_TRUE : PETSC_FALSE;
  PetscFunctionReturn(0);
}
#endif

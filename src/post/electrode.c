/* Electrode results from the residual's own boundary rates: total and per-reaction currents, areas and
   area-mean overpotentials (SI; per metre of depth in 2D planar). */
#include <ness/private/nessimpl.h>

PetscErrorCode NessComputeElectrodeResults(Ness ness, Vec U)
{
  const NessGeom    *g = &ness->g;
  Vec                Ul;
  const PetscScalar *u;
  PetscInt           ne = ness->ne, nrmax = NESS_MAX_REACTIONS, m = ne * (2 + 2 * nrmax);
  PetscReal          loc[NESS_MAX_ELECTRODES * (2 + 2 * NESS_MAX_REACTIONS)], glob[NESS_MAX_ELECTRODES * (2 + 2 * NESS_MAX_REACTIONS)];
  const PetscReal    Ascale = PetscPowRealInt(ness->L, (int)(ness->dim - 1));

  PetscFunctionBegin;
  if (!ne) PetscFunctionReturn(0);
  for (PetscInt i = 0; i < m; i++) loc[i] = 0.0;
  PetscCall(DMGetLocalVector(ness->dm, &Ul));
  PetscCall(DMGlobalToLocalBegin(ness->dm, U, INSERT_VALUES, Ul));
  PetscCall(DMGlobalToLocalEnd(ness->dm, U, INSERT_VALUES, Ul));
  PetscCall(VecGetArrayRead(Ul, &u));
  for (PetscInt k = 0; k < g->nev; k++) {
    const PetscInt       e  = g->eve[k];
    const NessElectrode *el = &ness->el[e];
    const PetscReal      A  = g->eva[k] * Ascale;
    PetscReal           *b  = &loc[e * (2 + 2 * nrmax)];
    b[0] += A;
    for (PetscInt r = 0; r < el->nreact; r++) {
      PetscReal i, eta;
      PetscCall(NessElectrodeRate(ness, el, r, &u[g->evv[k] * ness->nf], &i, NULL, NULL, &eta));
      b[1] += A * i;
      b[2 + r] += A * i;
      b[2 + nrmax + r] += A * eta;
    }
  }
  PetscCall(VecRestoreArrayRead(Ul, &u));
  PetscCall(DMRestoreLocalVector(ness->dm, &Ul));
  PetscCall(MPIU_Allreduce(loc, glob, m, MPIU_REAL, MPIU_SUM, PetscObjectComm((PetscObject)ness)));
  for (PetscInt e = 0; e < ne; e++) {
    NessElectrode *el = &ness->el[e];
    PetscReal     *b  = &glob[e * (2 + 2 * nrmax)];
    el->area          = b[0];
    el->current       = b[1];
    for (PetscInt r = 0; r < el->nreact; r++) {
      el->rcurrent[r] = b[2 + r];
      el->reta[r]     = b[0] > 0 ? b[2 + nrmax + r] / b[0] : 0.0;
    }
  }
  PetscFunctionReturn(0);
}

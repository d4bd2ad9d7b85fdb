/* Electrode results from the residual's own boundary rates: total and per-reaction currents, areas, area-mean
   overpotentials and corrosion currents (SI; per metre of depth in 2D planar, full revolution when axisymmetric). */
#include <ness/private/nessimpl.h>

PetscErrorCode NessComputeElectrodeResults(Ness ness, Vec U)
{
  const NessGeom    *g = &ness->g;
  Vec                Ul;
  const PetscScalar *ur;
  PetscScalar       *u;
  PetscInt           ne = ness->ne, nrmax = NESS_MAX_REACTIONS, st = 2 + 2 * nrmax, m = ne * st, nF = ness->ns + 1;
  PetscReal          loc[NESS_MAX_ELECTRODES * (2 + 2 * NESS_MAX_REACTIONS)], glob[NESS_MAX_ELECTRODES * (2 + 2 * NESS_MAX_REACTIONS)];
  const PetscReal    Ascale = PetscPowRealInt(ness->L, (int)(ness->edim - 1));

  PetscFunctionBegin;
  if (!ne) PetscFunctionReturn(0);
  for (PetscInt i = 0; i < m; i++) loc[i] = 0.0;
  PetscCall(DMGetLocalVector(ness->dm, &Ul));
  PetscCall(DMGlobalToLocalBegin(ness->dm, U, INSERT_VALUES, Ul));
  PetscCall(DMGlobalToLocalEnd(ness->dm, U, INSERT_VALUES, Ul));
  PetscCall(NessUpdateControlPotentials(ness, Ul)); /* metal potentials consistent with this state */
  PetscCall(VecGetArrayRead(Ul, &ur));
  PetscCall(NessFullState(ness, ur, g->nvloc, &u));
  for (PetscInt k = 0; k < g->nev; k++) {
    const PetscInt       e  = g->eve[k];
    const NessElectrode *el = &ness->el[e];
    const PetscReal      A  = g->eva[k] * Ascale;
    PetscReal           *b  = &loc[e * st];
    if (g->dirichlet[g->evv[k]]) continue; /* as in the residual */
    b[0] += A;
    for (PetscInt r = 0; r < el->nreact; r++) {
      PetscReal i, eta;
      PetscCall(NessElectrodeRate(ness, el, r, &u[g->evv[k] * nF], &i, NULL, NULL, &eta));
      b[1] += A * i;
      b[2 + r] += A * i;
      b[2 + nrmax + r] += A * eta;
    }
  }
  PetscCall(PetscFree(u));
  PetscCall(VecRestoreArrayRead(Ul, &ur));
  PetscCall(DMRestoreLocalVector(ness->dm, &Ul));
  PetscCall(MPIU_Allreduce(loc, glob, m, MPIU_REAL, MPIU_SUM, PetscObjectComm((PetscObject)ness)));
  for (PetscInt e = 0; e < ne; e++) {
    NessElectrode *el = &ness->el[e];
    PetscReal     *b  = &glob[e * st];
    el->area          = b[0];
    el->current       = b[1];
    for (PetscInt r = 0; r < el->nreact; r++) {
      el->rcurrent[r] = b[2 + r];
      el->reta[r]     = b[0] > 0 ? b[2 + nrmax + r] / b[0] : 0.0;
    }
  }
  PetscFunctionReturn(0);
}

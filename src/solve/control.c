/* Galvanostatic and floating electrodes: unknown metal potentials solved inside the Newton system.

   A couple k (one galvanostatic electrode, or floating electrodes wired together) has one metal potential E_k and
   one constraint g_k(u, E_k) = sum over its electrodes of the current - target = 0 (target 0 when floating).
   Every Butler-Volmer-type law has di/dE > 0, so g_k is strictly increasing in E_k: for a given field state u the
   constraint has one root, found by a safeguarded scalar Newton iteration (one MPI_Allreduce per iteration for all
   couples together) at the start of every residual evaluation. The residual is therefore F(u, E(u)), and its exact
   Jacobian is the rank-m update
       dF/du = A - B D^{-1} C^T,  A = dF/du|_E, B = dF/dE (N x m), C = dg/du (N x m), D = dg/dE (m x m, diagonal),
   applied as a MATLRC (PETSc's low-rank-correction matrix) over the sparse A. Krylov methods preconditioned with
   A's factorization (or AMG) converge in about m + 1 iterations, Newton stays quadratic, and no dense row or column
   is ever assembled: B and C are distributed like a vector. */
#include <ness/private/nessimpl.h>

/* sum of currents of each couple (A) and its derivative with respect to the couple's potential (A/V), for the state
   in the local vector u and the trial potentials E[] */
static PetscErrorCode CoupleCurrents(Ness ness, const PetscScalar *u, const PetscReal E[], PetscReal cur[], PetscReal dcur[])
{
  const NessGeom *g  = &ness->g;
  const PetscInt  nc = ness->ncouple, ns = ness->ns;
  const PetscReal Ascale = PetscPowRealInt(ness->L, (int)(ness->edim - 1));
  PetscReal       loc[2 * NESS_MAX_ELECTRODES];

  PetscFunctionBegin;
  for (PetscInt c = 0; c < 2 * nc; c++) loc[c] = 0.0;
  for (PetscInt c = 0; c < nc; c++)
    for (PetscInt j = 0; j < ness->couple[c].ne; j++) ness->el[ness->couple[c].el[j]].Es = E[c];
  for (PetscInt k = 0; k < g->nev; k++) {
    const PetscInt       v  = g->evv[k];
    const NessElectrode *el = &ness->el[g->eve[k]];
    const PetscReal      A  = g->eva[k] * Ascale;
    PetscScalar          uf[NESS_MAX_SPECIES + 1];
    PetscReal            c[NESS_MAX_SPECIES], psi;
    if (el->couple < 0 || g->dirichlet[v]) continue;
    NessVertexState(ness, &u[v * ness->nf], c, &psi);
    for (PetscInt i = 0; i < ns; i++) uf[i] = c[i];
    uf[ns] = psi;
    for (PetscInt r = 0; r < el->nreact; r++) {
      PetscReal i, dipsi;
      PetscCall(NessElectrodeRate(ness, el, r, uf, &i, &dipsi, NULL, NULL));
      loc[el->couple] += A * i;
      loc[nc + el->couple] += -A * dipsi * ness->f; /* di/dE = -f di/dpsi */
    }
  }
  {
    PetscReal glob[2 * NESS_MAX_ELECTRODES];
    PetscCall(MPIU_Allreduce(loc, glob, 2 * nc, MPIU_REAL, MPIU_SUM, PetscObjectComm((PetscObject)ness)));
    for (PetscInt c = 0; c < nc; c++) {
      cur[c]  = glob[c];
      dcur[c] = glob[nc + c];
    }
  }
  PetscFunctionReturn(0);
}

/*
  NessUpdateControlPotentials - solves every couple's current constraint for its metal potential, for the state in
  the local vector Ul, and sets the electrodes' Es (collective; no-op without couples)
*/
PetscErrorCode NessUpdateControlPotentials(Ness ness, Vec Ul)
{
  const PetscInt     nc = ness->ncouple;
  const PetscScalar *u;
  PetscReal          E[NESS_MAX_ELECTRODES], cur[NESS_MAX_ELECTRODES], dcur[NESS_MAX_ELECTRODES], lo[NESS_MAX_ELECTRODES], hi[NESS_MAX_ELECTRODES];
  PetscBool          done[NESS_MAX_ELECTRODES];
  PetscInt           it;

  PetscFunctionBegin;
  if (!nc || ness->control_frozen) PetscFunctionReturn(0);
  PetscCall(VecGetArrayRead(Ul, &u));
  for (PetscInt c = 0; c < nc; c++) {
    E[c]    = ness->couple[c].E;
    lo[c]   = -PETSC_MAX_REAL;
    hi[c]   = PETSC_MAX_REAL;
    done[c] = PETSC_FALSE;
  }
  for (it = 0; it < 200; it++) {
    PetscBool all = PETSC_TRUE;
    PetscCall(CoupleCurrents(ness, u, E, cur, dcur));
    for (PetscInt c = 0; c < nc; c++) {
      const PetscReal gval = cur[c] - ness->couple[c].target;
      PetscReal       step, En;
      ness->couple[c].dgdE = dcur[c];
      if (done[c]) continue;
      /* bracket the root: g increases with E */
      if (gval > 0) hi[c] = PetscMin(hi[c], E[c]);
      else lo[c] = PetscMax(lo[c], E[c]);
      step = dcur[c] > 0 ? -gval / dcur[c] : (gval > 0 ? -0.1 : 0.1);
      if (PetscAbsReal(step) < 1e-14 * (1.0 + PetscAbsReal(E[c])) || gval == 0.0) {
        done[c] = PETSC_TRUE;
        continue;
      }
      all = PETSC_FALSE;
      /* at most 0.1 V per iteration (exponential laws), and stay inside the bracket (bisect when leaving it) */
      step = PetscMax(-0.1, PetscMin(0.1, step));
      En   = E[c] + step;
      if ((En < lo[c] || En > hi[c]) && lo[c] > -PETSC_MAX_REAL && hi[c] < PETSC_MAX_REAL) En = 0.5 * (lo[c] + hi[c]);
      E[c] = En;
    }
    if (all) break;
  }
  PetscCheck(it < 200, PetscObjectComm((PetscObject)ness), PETSC_ERR_NOT_CONVERGED, "The metal potential of a galvanostatic/floating electrode did not converge (couple '%s')", ness->couple[0].name);
  /* one more Newton update past the stopping test, so the potential is converged to rounding whatever the
     iteration history (finite-difference Jacobian checks and the Newton solver see a smooth E(u)); the final
     evaluation sets Es and the derivatives */
  PetscCall(CoupleCurrents(ness, u, E, cur, dcur));
  for (PetscInt c = 0; c < nc; c++)
    if (dcur[c] > 0) E[c] -= (cur[c] - ness->couple[c].target) / dcur[c];
  PetscCall(CoupleCurrents(ness, u, E, cur, dcur));
  for (PetscInt c = 0; c < nc; c++) {
    ness->couple[c].E    = E[c];
    ness->couple[c].dgdE = dcur[c];
  }
  PetscCall(VecRestoreArrayRead(Ul, &u));
  PetscFunctionReturn(0);
}

/*
  NessControlJacobian - fills the low-rank correction of the Jacobian: columns of B = dF/dE and C = dg/du (scaled
  residual rows, physical currents) and c = -1/D, at the state in the local vector Ul (after the residual has set
  the potentials). Jlrc is the MATLRC created by the solver set-up.
*/
PetscErrorCode NessControlJacobian(Ness ness, Vec Ul, Mat Jlrc)
{
  const NessGeom    *g  = &ness->g;
  const PetscInt     ns = ness->ns, nf = ness->nf, nF = ns + 1, nu = ness->nu, nc = ness->ncouple;
  const PetscBool    pnp = ness->model == NESS_MODEL_PNP ? PETSC_TRUE : PETSC_FALSE, sec = ness->model == NESS_MODEL_SECONDARY ? PETSC_TRUE : PETSC_FALSE;
  const PetscReal    Nscale = ness->L / (ness->D0 * ness->c0 * NESS_FARADAY), Ascale = PetscPowRealInt(ness->L, (int)(ness->edim - 1));
  const PetscScalar *ur;
  PetscScalar       *uf, *cv;
  Mat                Bm, Cm;
  Vec                cvec, Bl[NESS_MAX_ELECTRODES], Cl[NESS_MAX_ELECTRODES];
  PetscScalar       *b[NESS_MAX_ELECTRODES], *cc[NESS_MAX_ELECTRODES];

  PetscFunctionBegin;
  if (!nc) PetscFunctionReturn(0);
  PetscCall(MatLRCGetMats(Jlrc, NULL, &Bm, &cvec, &Cm));
  PetscCall(VecGetArrayRead(Ul, &ur));
  PetscCall(NessFullState(ness, ur, g->nvloc, &uf));
  for (PetscInt c = 0; c < nc; c++) {
    PetscCall(DMGetLocalVector(ness->dm, &Bl[c]));
    PetscCall(DMGetLocalVector(ness->dm, &Cl[c]));
    PetscCall(VecZeroEntries(Bl[c]));
    PetscCall(VecZeroEntries(Cl[c]));
    PetscCall(VecGetArray(Bl[c], &b[c]));
    PetscCall(VecGetArray(Cl[c], &cc[c]));
  }
  for (PetscInt k = 0; k < g->nev; k++) {
    const PetscInt       v  = g->evv[k];
    const NessElectrode *el = &ness->el[g->eve[k]];
    const PetscInt       c  = el->couple;
    const PetscReal      A  = g->eva[k];
    PetscReal            dFf[NESS_MAX_SPECIES + 1];
    if (c < 0 || g->dirichlet[v]) continue;
    for (PetscInt s = 0; s <= ns; s++) dFf[s] = 0.0;
    for (PetscInt r = 0; r < el->nreact; r++) {
      const NessReaction *rx = &ness->rx[el->react[r]];
      PetscReal           i, dipsi, dic[NESS_MAX_SPECIES], diE;
      PetscCall(NessElectrodeRate(ness, el, r, &uf[v * nF], &i, &dipsi, dic, NULL));
      diE = -dipsi * ness->f;
      /* B: the residual's electrode terms, differentiated in E (full slots) */
      if (sec) dFf[ns] += -A * Nscale * diE;
      else
        for (PetscInt s = 0; s < ns; s++)
          if (rx->nu[s] != 0.0) dFf[s] += -A * Nscale * rx->nu[s] / rx->n * diE;
      /* C: dg/du of this vertex's current, through the full state */
      for (PetscInt j = 0; j < nu; j++) {
        PetscReal d = 0.0;
        for (PetscInt s = 0; s < ns; s++) d += dic[s] * ness->P[s][j];
        cc[c][v * nf + j] += A * Ascale * d;
      }
      cc[c][v * nf + nu] += A * Ascale * dipsi;
    }
    if (pnp && el->phibc == NESS_PHI_STERN && !g->phidir[v]) dFf[ns] += -A * el->Cs * ness->L / (ness->epsr * NESS_EPS0) * ness->f;
    /* project the full slots onto the reduced rows (as the residual does) */
    for (PetscInt r = 0; r < nf; r++) {
      PetscReal s = 0.0;
      if (r < nu) s = dFf[ness->kept[r]];
      else {
        s = dFf[ns];
        if (ness->model == NESS_MODEL_ELECTRONEUTRAL)
          for (PetscInt i = 0; i < ns; i++) s += ness->sp[i].z * dFf[i];
      }
      if (r == nu && g->phidir[v]) continue;
      b[c][v * nf + r] += s;
    }
  }
  /* Dirichlet-phi electrode vertices: the row psi - f (E - E_pzc) */
  for (PetscInt k = 0; k < g->nvown; k++) {
    const PetscInt v = g->vown[k];
    if (!g->phidir[v] || g->dirichlet[v]) continue;
    {
      const NessElectrode *el = &ness->el[g->phidir[v] - 1];
      if (el->couple >= 0) b[el->couple][v * nf + nu] += -ness->f;
    }
  }
  PetscCall(PetscFree(uf));
  PetscCall(VecRestoreArrayRead(Ul, &ur));
  PetscCall(VecGetArray(cvec, &cv));                                                                  /* sequential, the same on every rank */
  for (PetscInt c = 0; c < nc; c++) cv[c] = ness->control_frozen ? 0.0 : -1.0 / ness->couple[c].dgdE; /* frozen: potentiostatic */
  PetscCall(VecRestoreArray(cvec, &cv));
  for (PetscInt c = 0; c < nc; c++) {
    Vec colB, colC;
    PetscCall(VecRestoreArray(Bl[c], &b[c]));
    PetscCall(VecRestoreArray(Cl[c], &cc[c]));
    PetscCall(MatDenseGetColumnVecWrite(Bm, c, &colB));
    PetscCall(VecZeroEntries(colB));
    PetscCall(DMLocalToGlobalBegin(ness->dm, Bl[c], ADD_VALUES, colB));
    PetscCall(DMLocalToGlobalEnd(ness->dm, Bl[c], ADD_VALUES, colB));
    PetscCall(MatDenseRestoreColumnVecWrite(Bm, c, &colB));
    PetscCall(MatDenseGetColumnVecWrite(Cm, c, &colC));
    PetscCall(VecZeroEntries(colC));
    PetscCall(DMLocalToGlobalBegin(ness->dm, Cl[c], ADD_VALUES, colC));
    PetscCall(DMLocalToGlobalEnd(ness->dm, Cl[c], ADD_VALUES, colC));
    PetscCall(MatDenseRestoreColumnVecWrite(Cm, c, &colC));
    PetscCall(DMRestoreLocalVector(ness->dm, &Bl[c]));
    PetscCall(DMRestoreLocalVector(ness->dm, &Cl[c]));
  }
  PetscCall(MatAssemblyBegin(Jlrc, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(Jlrc, MAT_FINAL_ASSEMBLY));
  PetscFunctionReturn(0);
}

/* Residual and Jacobian of the box-method Nernst-Planck-Poisson system with Butler-Volmer electrodes.
   Unknowns per vertex: c_i/c0 (i < ns) and psi = f phi. Rows are scaled to O(1): species rows by
   1/(D0 c0 L^(d-2)), the Poisson row by f/(eps L^(d-2)). Geometry comes precomputed from NessGeometrySetUp. */
#include <ness/private/nessimpl.h>
#include <ness/private/kernels.h>

/* Current density (A/m^2) of reaction k of electrode el at a vertex with dofs u, its derivatives with respect to
   psi and to the scaled concentrations, and the overpotential (V). */
PetscErrorCode NessElectrodeRate(Ness ness, const NessElectrode *el, PetscInt k, const PetscScalar *u, PetscReal *i, PetscReal *di_dpsi, PetscReal di_dc[], PetscReal *eta)
{
  const NessReaction *rx = &ness->rx[el->react[k]];
  PetscReal           a[NESS_MAX_SPECIES], drda[NESS_MAX_SPECIES], x, r, drdx;
  PetscInt            ns = ness->ns;

  PetscFunctionBeginHot;
  for (PetscInt j = 0; j < ns; j++) a[j] = PetscRealPart(u[j]) * ness->c0 / ness->sp[j].cref;
  x = ness->f * (el->Es - rx->Eeq) - PetscRealPart(u[ns]);
  NessButlerVolmer(ns, a, rx->p, rx->q, rx->alpha_a, rx->alpha_c, rx->n, x, &r, &drdx, drda);
  *i = rx->i0 * r;
  if (di_dpsi) *di_dpsi = -rx->i0 * drdx;
  if (di_dc)
    for (PetscInt j = 0; j < ns; j++) di_dc[j] = rx->i0 * drda[j] * ness->c0 / ness->sp[j].cref;
  if (eta) *eta = x / ness->f;
  PetscFunctionReturn(0);
}

PetscErrorCode NessResidualLocal(Ness ness, Vec Uloc, Vec Udotloc, PetscReal unused, Vec Floc)
{
  const NessGeom    *g  = &ness->g;
  const PetscInt     ns = ness->ns, nf = ness->nf;
  const PetscScalar *u, *ud            = NULL;
  PetscScalar       *F;
  const PetscReal    Nscale = ness->L / (ness->D0 * ness->c0 * NESS_FARADAY);

  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(NESS_Residual, ness, 0, 0, 0));
  PetscCall(VecZeroEntries(Floc));
  PetscCall(VecGetArrayRead(Uloc, &u));
  if (Udotloc) PetscCall(VecGetArrayRead(Udotloc, &ud));
  PetscCall(VecGetArray(Floc, &F));
  for (PetscInt e = 0; e < g->nedge; e++) {
    const PetscInt     K = g->eK[e], L = g->eL[e];
    const PetscScalar *uK = &u[K * nf], *uL = &u[L * nf];
    const PetscReal    gam = g->egamma[e];
    const PetscBool    dK = g->dirichlet[K], dL = g->dirichlet[L];
    for (PetscInt i = 0; i < ns; i++) {
      PetscReal J;
      NessSGFlux(ness->sp[i].z, 0.0, PetscRealPart(uK[i]), PetscRealPart(uL[i]), PetscRealPart(uK[ns]), PetscRealPart(uL[ns]), &J, NULL);
      J *= gam * ness->sp[i].D / ness->D0;
      if (!dK) F[K * nf + i] += J;
      if (!dL) F[L * nf + i] -= J;
    }
    {
      PetscReal Jp = gam * PetscRealPart(uK[ns] - uL[ns]);
      if (!dK && !g->phidir[K]) F[K * nf + ns] += Jp;
      if (!dL && !g->phidir[L]) F[L * nf + ns] -= Jp;
    }
  }
  for (PetscInt k = 0; k < g->nvown; k++) {
    const PetscInt     v  = g->vown[k];
    const PetscScalar *uv = &u[v * nf];
    PetscScalar       *Fv = &F[v * nf];
    if (g->dirichlet[v]) {
      for (PetscInt i = 0; i < ns; i++) Fv[i] = uv[i] - ness->sp[i].cbulk / ness->c0;
      Fv[ns] = uv[ns];
      continue;
    }
    if (ud)
      for (PetscInt i = 0; i < ns; i++) Fv[i] += g->vol[v] * ud[v * nf + i];
    if (ness->srcv)
      for (PetscInt i = 0; i < ns; i++) Fv[i] -= g->vol[v] * ness->srcv[k * nf + i];
    if (g->phidir[v]) {
      const NessElectrode *el = &ness->el[g->phidir[v] - 1];
      Fv[ns]                  = uv[ns] - ness->f * (el->Es - el->Epzc);
    } else {
      PetscReal q = 0.0;
      for (PetscInt i = 0; i < ns; i++) q += ness->sp[i].z * PetscRealPart(uv[i]);
      Fv[ns] -= ness->Lambda * g->vol[v] * q;
      if (ness->srcv) Fv[ns] -= g->vol[v] * ness->srcv[k * nf + ns];
    }
  }
  for (PetscInt k = 0; k < g->nev; k++) {
    const PetscInt       v  = g->evv[k];
    const NessElectrode *el = &ness->el[g->eve[k]];
    const PetscReal      A  = g->eva[k];
    const PetscScalar   *uv = &u[v * nf];
    if (g->dirichlet[v]) continue;
    for (PetscInt r = 0; r < el->nreact; r++) {
      const NessReaction *rx = &ness->rx[el->react[r]];
      PetscReal           i;
      PetscCall(NessElectrodeRate(ness, el, r, uv, &i, NULL, NULL, NULL));
      for (PetscInt s = 0; s < ns; s++)
        if (rx->nu[s] != 0.0) F[v * nf + s] -= A * Nscale * rx->nu[s] * i / rx->n;
    }
    if (el->phibc == NESS_PHI_STERN && !g->phidir[v]) {
      const PetscReal kS = el->Cs * ness->L / (ness->epsr * NESS_EPS0);
      F[v * nf + ns] -= A * kS * (ness->f * (el->Es - el->Epzc) - PetscRealPart(uv[ns]));
    }
  }
  PetscCall(VecRestoreArray(Floc, &F));
  if (Udotloc) PetscCall(VecRestoreArrayRead(Udotloc, &ud));
  PetscCall(VecRestoreArrayRead(Uloc, &u));
  PetscCall(PetscLogFlops(30.0 * g->nedge * ns));
  PetscCall(PetscLogEventEnd(NESS_Residual, ness, 0, 0, 0));
  PetscFunctionReturn(0);
}

PetscErrorCode NessJacobianLocal(Ness ness, Vec Uloc, PetscReal shift, Mat Jac)
{
  const NessGeom    *g  = &ness->g;
  const PetscInt     ns = ness->ns, nf = ness->nf, n2 = 2 * nf;
  const PetscScalar *u;
  PetscScalar        Jb[4 * (NESS_MAX_SPECIES + 1) * (NESS_MAX_SPECIES + 1)];
  PetscInt           rows[2 * (NESS_MAX_SPECIES + 1)], cols[2 * (NESS_MAX_SPECIES + 1)];
  const PetscReal    Nscale = ness->L / (ness->D0 * ness->c0 * NESS_FARADAY);

  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(NESS_Jacobian, ness, 0, 0, 0));
  PetscCall(MatZeroEntries(Jac));
  PetscCall(VecGetArrayRead(Uloc, &u));
  for (PetscInt e = 0; e < g->nedge; e++) {
    const PetscInt     K = g->eK[e], L = g->eL[e];
    const PetscScalar *uK = &u[K * nf], *uL = &u[L * nf];
    const PetscReal    gam = g->egamma[e];
    for (PetscInt i = 0; i < n2 * n2; i++) Jb[i] = 0.0;
    for (PetscInt i = 0; i < nf; i++) {
      rows[i]      = g->dirichlet[K] || (i == ns && g->phidir[K]) ? -1 : K * nf + i;
      rows[nf + i] = g->dirichlet[L] || (i == ns && g->phidir[L]) ? -1 : L * nf + i;
      cols[i]      = K * nf + i;
      cols[nf + i] = L * nf + i;
    }
    for (PetscInt i = 0; i < ns; i++) {
      PetscReal J, dJ[4], c = gam * ness->sp[i].D / ness->D0;
      NessSGFlux(ness->sp[i].z, 0.0, PetscRealPart(uK[i]), PetscRealPart(uL[i]), PetscRealPart(uK[ns]), PetscRealPart(uL[ns]), &J, dJ);
      /* row K,i: +c J ; row L,i: -c J */
      Jb[i * n2 + i]              = c * dJ[0];
      Jb[i * n2 + nf + i]         = c * dJ[1];
      Jb[i * n2 + ns]             = c * dJ[2];
      Jb[i * n2 + nf + ns]        = c * dJ[3];
      Jb[(nf + i) * n2 + i]       = -c * dJ[0];
      Jb[(nf + i) * n2 + nf + i]  = -c * dJ[1];
      Jb[(nf + i) * n2 + ns]      = -c * dJ[2];
      Jb[(nf + i) * n2 + nf + ns] = -c * dJ[3];
    }
    Jb[ns * n2 + ns]             = gam;
    Jb[ns * n2 + nf + ns]        = -gam;
    Jb[(nf + ns) * n2 + ns]      = -gam;
    Jb[(nf + ns) * n2 + nf + ns] = gam;
    PetscCall(MatSetValuesLocal(Jac, n2, rows, n2, cols, Jb, ADD_VALUES));
  }
  for (PetscInt k = 0; k < g->nvown; k++) {
    const PetscInt v = g->vown[k];
    PetscInt       r, c;
    PetscScalar    val;
    if (g->dirichlet[v]) {
      for (PetscInt i = 0; i < nf; i++) {
        r   = v * nf + i;
        val = 1.0;
        PetscCall(MatSetValuesLocal(Jac, 1, &r, 1, &r, &val, ADD_VALUES));
      }
      continue;
    }
    if (shift != 0.0)
      for (PetscInt i = 0; i < ns; i++) {
        r   = v * nf + i;
        val = shift * g->vol[v];
        PetscCall(MatSetValuesLocal(Jac, 1, &r, 1, &r, &val, ADD_VALUES));
      }
    r = v * nf + ns;
    if (g->phidir[v]) {
      val = 1.0;
      PetscCall(MatSetValuesLocal(Jac, 1, &r, 1, &r, &val, ADD_VALUES));
    } else
      for (PetscInt i = 0; i < ns; i++) {
        c   = v * nf + i;
        val = -ness->Lambda * g->vol[v] * ness->sp[i].z;
        if (val != 0.0) PetscCall(MatSetValuesLocal(Jac, 1, &r, 1, &c, &val, ADD_VALUES));
      }
  }
  for (PetscInt k = 0; k < g->nev; k++) {
    const PetscInt       v  = g->evv[k];
    const NessElectrode *el = &ness->el[g->eve[k]];
    const PetscReal      A  = g->eva[k];
    const PetscScalar   *uv = &u[v * nf];
    if (g->dirichlet[v]) continue;
    for (PetscInt i = 0; i < nf * nf; i++) Jb[i] = 0.0;
    for (PetscInt i = 0; i < nf; i++) rows[i] = cols[i] = v * nf + i;
    for (PetscInt r = 0; r < el->nreact; r++) {
      const NessReaction *rx = &ness->rx[el->react[r]];
      PetscReal           i, dipsi, dic[NESS_MAX_SPECIES];
      PetscCall(NessElectrodeRate(ness, el, r, uv, &i, &dipsi, dic, NULL));
      for (PetscInt s = 0; s < ns; s++) {
        PetscReal w;
        if (rx->nu[s] == 0.0) continue;
        w = -A * Nscale * rx->nu[s] / rx->n;
        for (PetscInt j = 0; j < ns; j++) Jb[s * nf + j] += w * dic[j];
        Jb[s * nf + ns] += w * dipsi;
      }
    }
    if (el->phibc == NESS_PHI_STERN && !g->phidir[v]) Jb[ns * nf + ns] += A * el->Cs * ness->L / (ness->epsr * NESS_EPS0);
    PetscCall(MatSetValuesLocal(Jac, nf, rows, nf, cols, Jb, ADD_VALUES));
  }
  PetscCall(VecRestoreArrayRead(Uloc, &u));
  PetscCall(MatAssemblyBegin(Jac, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(Jac, MAT_FINAL_ASSEMBLY));
  PetscCall(PetscLogEventEnd(NESS_Jacobian, ness, 0, 0, 0));
  PetscFunctionReturn(0);
}

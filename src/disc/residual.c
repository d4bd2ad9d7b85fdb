/* Residual and Jacobian of the box method for the three transport models, with electrode kinetics, bulk
   mass-action reactions, advection and manufactured-solution sources.

   Every term is computed in the FULL row space of a vertex: nF = ns + 1 slots, the ns species balances (mol/s,
   scaled by 1/(D0 c0 L^(edim-2))) and one potential slot (pnp: Poisson, scaled by f/(eps L^(edim-2)); secondary:
   charge balance in species units). It is then projected onto the model's reduced rows:
     pnp:            rows = the ns species, then Poisson
     electroneutral: rows = the kept species, then charge conservation sum_i z_i (species row i)
     secondary:      one row, the charge balance (kappa grad phi, electrode currents)
   and the Jacobian columns are mapped through the full state c = cfix + P u, psi = u_nu (NessModelSetUp).
   Geometry comes precomputed from NessGeometrySetUp. */
#include <ness/private/nessimpl.h>
#include <ness/private/kernels.h>

#define NF_MAX (NESS_MAX_SPECIES + 1)

#define VertexState NessVertexState

/*
  NessFullState - full scaled state (c_i/c0 for all species, then psi) of n vertices from an array of reduced
  dofs; *uf is allocated (PetscFree it)
*/
PetscErrorCode NessFullState(Ness ness, const PetscScalar u[], PetscInt n, PetscScalar **uf)
{
  const PetscInt nF = ness->ns + 1, nf = ness->nf;
  PetscReal      c[NESS_MAX_SPECIES], psi;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(n * nF + 1, uf));
  for (PetscInt v = 0; v < n; v++) {
    VertexState(ness, &u[v * nf], c, &psi);
    for (PetscInt i = 0; i < ness->ns; i++) (*uf)[v * nF + i] = c[i];
    (*uf)[v * nF + ness->ns] = psi;
  }
  PetscFunctionReturn(0);
}

/* Current density (A/m^2) of reaction k of electrode el at a vertex with FULL scaled state uf, its derivatives
   with respect to psi and to the scaled concentrations, and the overpotential (V). di/dE_s = -f di/dpsi. */
PetscErrorCode NessElectrodeRate(Ness ness, const NessElectrode *el, PetscInt k, const PetscScalar *uf, PetscReal *i, PetscReal *di_dpsi, PetscReal di_dc[], PetscReal *eta)
{
  const NessReaction *rx = &ness->rx[el->react[k]];
  PetscReal           a[NESS_MAX_SPECIES], da[NESS_MAX_SPECIES], e, de;
  PetscInt            ns = ness->ns;

  PetscFunctionBeginHot;
  for (PetscInt j = 0; j < ns; j++) a[j] = PetscRealPart(uf[j]) * ness->c0 / ness->sp[j].cref;
  e = el->Es - rx->Eeq - PetscRealPart(uf[ns]) / ness->f;
  PetscCall(NessReactionRate(ness, rx, a, e, i, &de, da));
  if (di_dpsi) *di_dpsi = -de / ness->f;
  if (di_dc)
    for (PetscInt j = 0; j < ns; j++) di_dc[j] = da[j] * ness->c0 / ness->sp[j].cref;
  if (eta) *eta = e;
  PetscFunctionReturn(0);
}

/* reduced row r as a combination of full slots: coefficients q[0..ns] */
static inline void RowCoefficients(Ness ness, PetscInt r, PetscReal q[])
{
  const PetscInt ns = ness->ns;
  for (PetscInt k = 0; k <= ns; k++) q[k] = 0.0;
  if (r < ness->nu) q[ness->kept[r]] = 1.0;
  else {
    q[ns] = 1.0;
    if (ness->model == NESS_MODEL_ELECTRONEUTRAL)
      for (PetscInt i = 0; i < ns; i++) q[i] = ness->sp[i].z;
  }
}

/* Fr[r] = sum_k Q_rk Rf[k] for one vertex */
static inline void ProjectResidual(Ness ness, const PetscReal Rf[], PetscReal Fr[])
{
  const PetscInt nf = ness->nf, ns = ness->ns;
  if (ness->model == NESS_MODEL_PNP) {
    for (PetscInt k = 0; k <= ns; k++) Fr[k] = Rf[k];
    return;
  }
  for (PetscInt r = 0; r < nf; r++) {
    PetscReal q[NF_MAX], s = 0.0;
    RowCoefficients(ness, r, q);
    for (PetscInt k = 0; k <= ns; k++) s += q[k] * Rf[k];
    Fr[r] = s;
  }
}

/* Jr = Q Jf Pt for a block of nb vertices (full blocks nb*nF square, reduced nb*nf square, row-major) */
static void ProjectJacobian(Ness ness, PetscInt nb, const PetscReal Jf[], PetscScalar Jr[])
{
  const PetscInt nf = ness->nf, ns = ness->ns, nF = ns + 1, mF = nb * nF, mr = nb * nf;
  PetscReal      T[2 * NF_MAX * 2 * NF_MAX];

  if (ness->model == NESS_MODEL_PNP) {
    for (PetscInt i = 0; i < mF * mF; i++) Jr[i] = Jf[i];
    return;
  }
  /* T = Jf Pt: (mF x mr); column (b, j) of the reduced dofs of vertex b */
  for (PetscInt a = 0; a < mF; a++)
    for (PetscInt b = 0; b < nb; b++)
      for (PetscInt j = 0; j < nf; j++) {
        PetscReal s = 0.0;
        if (j < ness->nu)
          for (PetscInt k = 0; k < ns; k++) s += Jf[a * mF + b * nF + k] * ness->P[k][j];
        else s = Jf[a * mF + b * nF + ns];
        T[a * mr + b * nf + j] = s;
      }
  for (PetscInt b = 0; b < nb; b++)
    for (PetscInt r = 0; r < nf; r++) {
      PetscReal q[NF_MAX];
      RowCoefficients(ness, r, q);
      for (PetscInt col = 0; col < mr; col++) {
        PetscReal s = 0.0;
        for (PetscInt k = 0; k < nF; k++)
          if (q[k] != 0.0) s += q[k] * T[(b * nF + k) * mr + col];
        Jr[(b * nf + r) * mr + col] = s;
      }
    }
}

/* edge Peclet argument of species i (see NessSGFlux) */
static inline PetscReal EdgePe(Ness ness, PetscInt e, PetscInt i)
{
  return ness->g.eadv ? -ness->g.eadv[e] * ness->D0 / ness->sp[i].D : 0.0;
}

PetscErrorCode NessResidualLocal(Ness ness, Vec Uloc, Vec Udotloc, PetscReal unused, Vec Floc)
{
  const NessGeom    *g  = &ness->g;
  const PetscInt     ns = ness->ns, nf = ness->nf, nF = ns + 1, nu = ness->nu;
  const PetscBool    pnp = ness->model == NESS_MODEL_PNP ? PETSC_TRUE : PETSC_FALSE, sec = ness->model == NESS_MODEL_SECONDARY ? PETSC_TRUE : PETSC_FALSE;
  const PetscScalar *u, *ud                                                              = NULL;
  PetscScalar       *F;
  const PetscReal    Nscale = ness->L / (ness->D0 * ness->c0 * NESS_FARADAY);
  const PetscReal    Rscale = ness->L * ness->L / (ness->D0 * ness->c0); /* bulk rates, mol/(m^3 s), into species rows */

  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(NESS_Residual, ness, 0, 0, 0));
  PetscCall(VecZeroEntries(Floc));
  PetscCall(VecGetArrayRead(Uloc, &u));
  if (Udotloc) PetscCall(VecGetArrayRead(Udotloc, &ud));
  PetscCall(VecGetArray(Floc, &F));
  for (PetscInt e = 0; e < g->nedge; e++) {
    const PetscInt  K = g->eK[e], L = g->eL[e];
    const PetscReal gam = g->egamma[e];
    PetscReal       cK[NESS_MAX_SPECIES], cL[NESS_MAX_SPECIES], psiK, psiL, Rf[NF_MAX], Fr[NF_MAX];
    VertexState(ness, &u[K * nf], cK, &psiK);
    VertexState(ness, &u[L * nf], cL, &psiL);
    if (!sec)
      for (PetscInt i = 0; i < ns; i++) {
        PetscReal J;
        NessSGFlux(ness->sp[i].z, EdgePe(ness, e, i), cK[i], cL[i], psiK, psiL, &J, NULL);
        Rf[i] = J * gam * ness->sp[i].D / ness->D0;
      }
    else
      for (PetscInt i = 0; i < ns; i++) Rf[i] = 0.0;
    Rf[ns] = gam * (pnp ? 1.0 : (sec ? ness->kappa_s : 0.0)) * (psiK - psiL);
    ProjectResidual(ness, Rf, Fr);
    if (!g->dirichlet[K])
      for (PetscInt r = 0; r < nf; r++)
        if (r < nu || !g->phidir[K]) F[K * nf + r] += Fr[r];
    if (!g->dirichlet[L])
      for (PetscInt r = 0; r < nf; r++)
        if (r < nu || !g->phidir[L]) F[L * nf + r] -= Fr[r];
  }
  for (PetscInt k = 0; k < g->nvown; k++) {
    const PetscInt     v  = g->vown[k];
    const PetscScalar *uv = &u[v * nf];
    PetscScalar       *Fv = &F[v * nf];
    PetscReal          c[NESS_MAX_SPECIES], psi, Rf[NF_MAX], Fr[NF_MAX];
    if (g->dirichlet[v]) {
      for (PetscInt r = 0; r < nu; r++) Fv[r] = uv[r] - ness->bulkc[g->dirb[v]][ness->kept[r]] / ness->c0;
      Fv[nu] = uv[nu];
      continue;
    }
    VertexState(ness, uv, c, &psi);
    for (PetscInt i = 0; i <= ns; i++) Rf[i] = 0.0;
    if (ud && !sec)
      for (PetscInt i = 0; i < ns; i++) {
        PetscReal dc = 0.0;
        for (PetscInt j = 0; j < nu; j++) dc += ness->P[i][j] * PetscRealPart(ud[v * nf + j]);
        Rf[i] += g->vol[v] * dc;
      }
    if (ness->srcv) {
      for (PetscInt i = 0; i < ns; i++) Rf[i] -= g->vol[v] * ness->srcv[k * nF + i];
      if (pnp) Rf[ns] -= g->vol[v] * ness->srcv[k * nF + ns];
    }
    if (ness->nbr) {
      PetscReal cp[NESS_MAX_SPECIES];
      for (PetscInt i = 0; i < ns; i++) cp[i] = c[i] * ness->c0;
      for (PetscInt r = 0; r < ness->nbr; r++) {
        const NessBulkReaction *br = &ness->br[r];
        PetscReal               R;
        NessMassAction(ns, cp, br->nu, br->kf, br->kb, &R, NULL, NULL, NULL);
        for (PetscInt i = 0; i < ns; i++) Rf[i] -= g->vol[v] * Rscale * br->nu[i] * R;
      }
    }
    if (pnp && !g->phidir[v]) {
      PetscReal q = 0.0;
      for (PetscInt i = 0; i < ns; i++) q += ness->sp[i].z * c[i];
      Rf[ns] -= ness->Lambda * g->vol[v] * q;
    }
    ProjectResidual(ness, Rf, Fr);
    for (PetscInt r = 0; r < nf; r++) Fv[r] += Fr[r];
    if (g->phidir[v]) {
      const NessElectrode *el = &ness->el[g->phidir[v] - 1];
      Fv[ns]                  = uv[ns] - ness->f * (el->Es - el->Epzc);
    }
  }
  for (PetscInt k = 0; k < g->nev; k++) {
    const PetscInt       v  = g->evv[k];
    const NessElectrode *el = &ness->el[g->eve[k]];
    const PetscReal      A  = g->eva[k];
    PetscScalar          uf[NF_MAX];
    PetscReal            c[NESS_MAX_SPECIES], psi, Rf[NF_MAX], Fr[NF_MAX];
    if (g->dirichlet[v]) continue;
    VertexState(ness, &u[v * nf], c, &psi);
    for (PetscInt i = 0; i < ns; i++) uf[i] = c[i];
    uf[ns] = psi;
    for (PetscInt i = 0; i <= ns; i++) Rf[i] = 0.0;
    for (PetscInt r = 0; r < el->nreact; r++) {
      const NessReaction *rx = &ness->rx[el->react[r]];
      PetscReal           i;
      PetscCall(NessElectrodeRate(ness, el, r, uf, &i, NULL, NULL, NULL));
      if (sec) Rf[ns] -= A * Nscale * i;
      else
        for (PetscInt s = 0; s < ns; s++)
          if (rx->nu[s] != 0.0) Rf[s] -= A * Nscale * rx->nu[s] * i / rx->n;
    }
    if (pnp && el->phibc == NESS_PHI_STERN && !g->phidir[v]) {
      const PetscReal kS = el->Cs * ness->L / (ness->epsr * NESS_EPS0);
      Rf[ns] -= A * kS * (ness->f * (el->Es - el->Epzc) - psi);
    }
    ProjectResidual(ness, Rf, Fr);
    for (PetscInt r = 0; r < nf; r++)
      if (r < nu || !g->phidir[v]) F[v * nf + r] += Fr[r];
  }
  for (PetscInt k = 0; k < g->nout; k++) {
    /* outflow boundaries: fluid leaves with the vertex composition (enters with the bulk composition where u.n < 0) */
    const PetscInt v = g->outv[k];
    PetscReal      c[NESS_MAX_SPECIES], psi, Rf[NF_MAX], Fr[NF_MAX];
    if (g->dirichlet[v] || sec) continue;
    VertexState(ness, &u[v * nf], c, &psi);
    for (PetscInt i = 0; i < ns; i++) Rf[i] = g->outq[k] * (g->outq[k] > 0 ? c[i] : ness->sp[i].cbulk / ness->c0);
    Rf[ns] = 0.0;
    ProjectResidual(ness, Rf, Fr);
    for (PetscInt r = 0; r < nf; r++)
      if (r < nu || !g->phidir[v]) F[v * nf + r] += Fr[r];
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
  const PetscInt     ns = ness->ns, nf = ness->nf, nF = ns + 1, nu = ness->nu, n2 = 2 * nf, m2 = 2 * nF;
  const PetscBool    pnp = ness->model == NESS_MODEL_PNP ? PETSC_TRUE : PETSC_FALSE, sec = ness->model == NESS_MODEL_SECONDARY ? PETSC_TRUE : PETSC_FALSE;
  const PetscScalar *u;
  PetscReal          Jf[4 * NF_MAX * NF_MAX];
  PetscScalar        Jb[4 * NF_MAX * NF_MAX];
  PetscInt           rows[2 * NF_MAX], cols[2 * NF_MAX];
  const PetscReal    Nscale = ness->L / (ness->D0 * ness->c0 * NESS_FARADAY);
  const PetscReal    Rscale = ness->L * ness->L / (ness->D0 * ness->c0);

  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(NESS_Jacobian, ness, 0, 0, 0));
  PetscCall(MatZeroEntries(Jac));
  PetscCall(VecGetArrayRead(Uloc, &u));
  for (PetscInt e = 0; e < g->nedge; e++) {
    const PetscInt  K = g->eK[e], L = g->eL[e];
    const PetscReal gam = g->egamma[e], cp = gam * (pnp ? 1.0 : (sec ? ness->kappa_s : 0.0));
    PetscReal       cK[NESS_MAX_SPECIES], cL[NESS_MAX_SPECIES], psiK, psiL;
    VertexState(ness, &u[K * nf], cK, &psiK);
    VertexState(ness, &u[L * nf], cL, &psiL);
    for (PetscInt i = 0; i < m2 * m2; i++) Jf[i] = 0.0;
    for (PetscInt i = 0; i < nf; i++) {
      rows[i]      = g->dirichlet[K] || (i == nu && g->phidir[K]) ? -1 : K * nf + i;
      rows[nf + i] = g->dirichlet[L] || (i == nu && g->phidir[L]) ? -1 : L * nf + i;
      cols[i]      = K * nf + i;
      cols[nf + i] = L * nf + i;
    }
    if (!sec)
      for (PetscInt i = 0; i < ns; i++) {
        PetscReal J, dJ[4], c = gam * ness->sp[i].D / ness->D0;
        NessSGFlux(ness->sp[i].z, EdgePe(ness, e, i), cK[i], cL[i], psiK, psiL, &J, dJ);
        /* full row K,i: +c J ; row L,i: -c J; columns (K,i), (L,i), (K,psi), (L,psi) */
        Jf[i * m2 + i]              = c * dJ[0];
        Jf[i * m2 + nF + i]         = c * dJ[1];
        Jf[i * m2 + ns]             = c * dJ[2];
        Jf[i * m2 + nF + ns]        = c * dJ[3];
        Jf[(nF + i) * m2 + i]       = -c * dJ[0];
        Jf[(nF + i) * m2 + nF + i]  = -c * dJ[1];
        Jf[(nF + i) * m2 + ns]      = -c * dJ[2];
        Jf[(nF + i) * m2 + nF + ns] = -c * dJ[3];
      }
    Jf[ns * m2 + ns]             = cp;
    Jf[ns * m2 + nF + ns]        = -cp;
    Jf[(nF + ns) * m2 + ns]      = -cp;
    Jf[(nF + ns) * m2 + nF + ns] = cp;
    ProjectJacobian(ness, 2, Jf, Jb);
    PetscCall(MatSetValuesLocal(Jac, n2, rows, n2, cols, Jb, ADD_VALUES));
  }
  for (PetscInt k = 0; k < g->nvown; k++) {
    const PetscInt v = g->vown[k];
    PetscReal      c[NESS_MAX_SPECIES], psi;
    for (PetscInt i = 0; i < nf; i++) rows[i] = v * nf + i;
    if (g->dirichlet[v]) {
      for (PetscInt i = 0; i < nf * nf; i++) Jb[i] = 0.0;
      for (PetscInt i = 0; i < nf; i++) Jb[i * nf + i] = 1.0;
      PetscCall(MatSetValuesLocal(Jac, nf, rows, nf, rows, Jb, ADD_VALUES));
      continue;
    }
    VertexState(ness, &u[v * nf], c, &psi);
    for (PetscInt i = 0; i < nF * nF; i++) Jf[i] = 0.0;
    if (shift != 0.0 && !sec)
      for (PetscInt i = 0; i < ns; i++) Jf[i * nF + i] += shift * g->vol[v];
    if (ness->nbr) {
      PetscReal cp[NESS_MAX_SPECIES], dR[NESS_MAX_SPECIES];
      for (PetscInt i = 0; i < ns; i++) cp[i] = c[i] * ness->c0;
      for (PetscInt r = 0; r < ness->nbr; r++) {
        const NessBulkReaction *br = &ness->br[r];
        NessMassAction(ns, cp, br->nu, br->kf, br->kb, NULL, NULL, NULL, dR);
        for (PetscInt i = 0; i < ns; i++) {
          const PetscReal w = -g->vol[v] * Rscale * ness->c0 * br->nu[i];
          if (w == 0.0) continue;
          for (PetscInt j = 0; j < ns; j++) Jf[i * nF + j] += w * dR[j];
        }
      }
    }
    if (pnp && !g->phidir[v])
      for (PetscInt i = 0; i < ns; i++) Jf[ns * nF + i] = -ness->Lambda * g->vol[v] * ness->sp[i].z;
    ProjectJacobian(ness, 1, Jf, Jb);
    if (g->phidir[v]) {
      for (PetscInt j = 0; j < nf; j++) Jb[nu * nf + j] = 0.0;
      Jb[nu * nf + nu] = 1.0;
    }
    PetscCall(MatSetValuesLocal(Jac, nf, rows, nf, rows, Jb, ADD_VALUES));
  }
  for (PetscInt k = 0; k < g->nev; k++) {
    const PetscInt       v  = g->evv[k];
    const NessElectrode *el = &ness->el[g->eve[k]];
    const PetscReal      A  = g->eva[k];
    PetscScalar          uf[NF_MAX];
    PetscReal            c[NESS_MAX_SPECIES], psi;
    if (g->dirichlet[v]) continue;
    VertexState(ness, &u[v * nf], c, &psi);
    for (PetscInt i = 0; i < ns; i++) uf[i] = c[i];
    uf[ns] = psi;
    for (PetscInt i = 0; i < nF * nF; i++) Jf[i] = 0.0;
    for (PetscInt i = 0; i < nf; i++) rows[i] = cols[i] = v * nf + i;
    for (PetscInt r = 0; r < el->nreact; r++) {
      const NessReaction *rx = &ness->rx[el->react[r]];
      PetscReal           i, dipsi = 0.0, dic[NESS_MAX_SPECIES]; /* set by NessElectrodeRate (initialized for -O3 -Wmaybe-uninitialized) */
      PetscCall(NessElectrodeRate(ness, el, r, uf, &i, &dipsi, dic, NULL));
      if (sec) Jf[ns * nF + ns] += -A * Nscale * dipsi;
      else
        for (PetscInt s = 0; s < ns; s++) {
          PetscReal w;
          if (rx->nu[s] == 0.0) continue;
          w = -A * Nscale * rx->nu[s] / rx->n;
          for (PetscInt j = 0; j < ns; j++) Jf[s * nF + j] += w * dic[j];
          Jf[s * nF + ns] += w * dipsi;
        }
    }
    if (pnp && el->phibc == NESS_PHI_STERN && !g->phidir[v]) Jf[ns * nF + ns] += A * el->Cs * ness->L / (ness->epsr * NESS_EPS0);
    ProjectJacobian(ness, 1, Jf, Jb);
    if (g->phidir[v]) rows[nu] = -1;
    PetscCall(MatSetValuesLocal(Jac, nf, rows, nf, cols, Jb, ADD_VALUES));
  }
  for (PetscInt k = 0; k < g->nout; k++) {
    const PetscInt v = g->outv[k];
    if (g->dirichlet[v] || sec || g->outq[k] <= 0) continue;
    for (PetscInt i = 0; i < nF * nF; i++) Jf[i] = 0.0;
    for (PetscInt i = 0; i < ns; i++) Jf[i * nF + i] = g->outq[k];
    for (PetscInt i = 0; i < nf; i++) rows[i] = cols[i] = v * nf + i;
    ProjectJacobian(ness, 1, Jf, Jb);
    if (g->phidir[v]) rows[nu] = -1;
    PetscCall(MatSetValuesLocal(Jac, nf, rows, nf, cols, Jb, ADD_VALUES));
  }
  PetscCall(VecRestoreArrayRead(Uloc, &u));
  PetscCall(MatAssemblyBegin(Jac, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(Jac, MAT_FINAL_ASSEMBLY));
  PetscCall(PetscLogEventEnd(NESS_Jacobian, ness, 0, 0, 0));
  PetscFunctionReturn(0);
}

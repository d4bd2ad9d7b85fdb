/* Thermodynamics of a state: electrochemical potentials, their gradients, the ionic current density, local and
   total entropy production, the overpotential decomposition at electrodes and the free-energy (power) balance.

   Everything is computed from the residual's own edge fluxes (Scharfetter-Gummel), boundary rates (Butler-Volmer)
   and bulk rates (mass action), never from a reconstructed gradient, so that the balance

     T (S_transport + S_reactions + S_surface) = P_external + P_open + P_chemical (+ P_sources)

   is an identity of the discrete equations: its defect is sum_K sum_i mu_K,i r_K,i over the species residuals r,
   i.e. it vanishes to the nonlinear solver tolerance. With mu_i = mu0_i + RT ln(c_i/c_std) + z_i F phi:
     T S_transport = sum_edges sum_i J_KL,i (mu_K,i - mu_L,i)      (each edge term >= 0 for SG on Delaunay edges)
     T S_reactions = sum_K |w_K| sum_r R_r RT ln(R_r+/R_r-)        (>= 0 reaction by reaction)
     T S_surface   = sum_electrode vertices A sum_k i_k eta_s,k     (eta_s: vs the Nernst potential at the local
                                                                    surface composition)
     P_external    = sum_e I_e E_e                                 (electrical power fed through the metals)
     P_open        = sum_{bulk vertices} sum_i mu_i B_i            (B_i: molar inflow from the reservoir)
     P_chemical    = free energy brought by reaction partners outside the species table (metal atoms, solvent,
                     untracked charge) and by E_eq / rate constants not derived from the table's mu0:
                     - sum A i_k [dE_k - phi (sum_i nu_ik z_i - n_k)/n_k]   with
                       dE_k = E_eq,k - (sum_i nu_ik mu0_i + RT sum_i nu_ik ln(c_ref,i/c_std)) / (n_k F)
                     + sum_K |w_K| sum_r R_r (RT ln(R_r+/R_r-) + sum_i nu_ir mu_K,i)
     P_sources     = sum_K mu_K . s_K |w_K|                        (manufactured-solution sources only) */
#include <ness/private/nessimpl.h>
#include <ness/private/kernels.h>

#define NESS_CFLOOR 1e-300 /* concentrations below this (mol/m^3) count as this in logarithms */

static inline PetscReal LogC(PetscReal c, PetscReal ref)
{
  return PetscLogReal(PetscMax(c, NESS_CFLOOR) / ref);
}

PetscErrorCode NessThermoFieldsDestroy(NessThermoFields *fld)
{
  PetscFunctionBegin;
  PetscCall(PetscFree(fld->mu));
  PetscCall(PetscFree(fld->sigma));
  PetscCall(PetscFree(fld->pH));
  PetscCall(PetscFree(fld->gradmu));
  PetscCall(PetscFree(fld->cur));
  PetscCall(PetscFree3(fld->esv, fld->ese, fld->esdata));
  fld->nes = 0;
  PetscFunctionReturn(0);
}

/* index of the proton species (named H, H+ or H3O+), or -1 */
static PetscInt ProtonIndex(Ness ness)
{
  for (PetscInt i = 0; i < ness->ns; i++) {
    const char *n = ness->sp[i].name;
    if (!strcmp(n, "H") || !strcmp(n, "H+") || !strcmp(n, "Hp") || !strcmp(n, "H3O") || !strcmp(n, "H3O+")) return i;
  }
  return -1;
}

/*
  NessComputeThermodynamics - audit of the state U (global Vec): fills ness->thermo, the per-electrode
  overpotential decomposition and, when fld is not NULL, the post-processed fields for output. Collective.
*/
PetscErrorCode NessComputeThermodynamics(Ness ness, Vec U, NessThermoFields *fld)
{
  MPI_Comm           comm = PetscObjectComm((PetscObject)ness);
  const NessGeom    *g    = &ness->g;
  const PetscInt     ns = ness->ns, nf = ness->ns + 1, dim = ness->dim, ne = ness->ne, nrm = NESS_MAX_REACTIONS; /* nf: full state */
  const PetscBool    sec = ness->model == NESS_MODEL_SECONDARY ? PETSC_TRUE : PETSC_FALSE;
  const PetscReal    RT = NESS_RGAS * ness->T, F = NESS_FARADAY, f = ness->f, L = ness->L;
  const PetscInt     ed = ness->edim; /* dim, +1 in axisymmetric coordinates (2 pi r weights) */
  const PetscReal    Ld = PetscPowRealInt(L, (int)ed), Lam = PetscPowRealInt(L, (int)(ed - 1)), Lgam = PetscPowRealInt(L, (int)(ed - 2));
  const PetscInt     ip = ProtonIndex(ness);
  NessThermo        *th = &ness->thermo;
  Vec                Ul, Sl;
  const PetscScalar *ur;
  PetscScalar       *sl, *u;
  PetscReal         *mu, *edis;
  PetscInt           nb = 3 + 2 * nrm, nloc = 7 + ne * nb;
  PetscReal         *loc, *glob, mm[2], gmm[2];

  PetscFunctionBegin;
  PetscCall(PetscMalloc4(g->nvloc * ns + 1, &mu, g->nedge + 1, &edis, nloc, &loc, nloc, &glob));
  for (PetscInt i = 0; i < nloc; i++) loc[i] = 0.0;
  PetscCall(DMGetLocalVector(ness->dm, &Ul));
  PetscCall(DMGlobalToLocalBegin(ness->dm, U, INSERT_VALUES, Ul));
  PetscCall(DMGlobalToLocalEnd(ness->dm, U, INSERT_VALUES, Ul));
  PetscCall(VecGetArrayRead(Ul, &ur));
  PetscCall(NessFullState(ness, ur, g->nvloc, &u));
  for (PetscInt v = 0; v < g->nvloc; v++)
    for (PetscInt i = 0; i < ns; i++) {
      const NessSpecies *s = &ness->sp[i];
      mu[v * ns + i]       = s->mu0 + RT * LogC(PetscRealPart(u[v * nf + i]) * ness->c0, ness->cstd) + s->z * F * PetscRealPart(u[v * nf + ns]) / f;
    }

  /* edges: dissipation, half to each end (sigma), and the free energy entering through bulk vertices
     (sum over a bulk vertex's edges of mu J; each edge is owned once, so no assembly is needed) */
  PetscCall(DMGetLocalVector(ness->dmv, &Sl));
  PetscCall(VecZeroEntries(Sl));
  PetscCall(VecGetArray(Sl, &sl));
  mm[0] = PETSC_MAX_REAL;
  mm[1] = -PETSC_MAX_REAL;
  for (PetscInt e = 0; e < g->nedge; e++) {
    const PetscInt     K = g->eK[e], Lv = g->eL[e];
    const PetscScalar *uK = &u[K * nf], *uL = &u[Lv * nf];
    PetscReal          d = 0.0;
    if (sec) { /* Ohm's law: kappa gamma (phi_K - phi_L)^2; phi = 0 on bulk boundaries carries no free energy */
      const PetscReal dphi = PetscRealPart(uK[ns] - uL[ns]) / f;
      d                    = ness->kappa * g->egamma[e] * Lgam * dphi * dphi;
    } else
      for (PetscInt i = 0; i < ns; i++) {
        PetscReal J;
        NessSGFlux(ness->sp[i].z, g->eadv ? -g->eadv[e] * ness->D0 / ness->sp[i].D : 0.0, PetscRealPart(uK[i]), PetscRealPart(uL[i]), PetscRealPart(uK[ns]), PetscRealPart(uL[ns]), &J, NULL);
        J *= g->egamma[e] * Lgam * ness->sp[i].D * ness->c0; /* mol/s from K to L */
        d += J * (mu[K * ns + i] - mu[Lv * ns + i]);
        if (g->dirichlet[K]) loc[4] += mu[K * ns + i] * J;
        if (g->dirichlet[Lv]) loc[4] -= mu[Lv * ns + i] * J;
      }
    edis[e] = d;
    loc[0] += d;
    sl[K] += 0.5 * d;
    sl[Lv] += 0.5 * d;
    mm[0] = PetscMin(mm[0], d);
    mm[1] = PetscMax(mm[1], d);
  }
  PetscCall(VecRestoreArray(Sl, &sl));
  PetscCall(NessAssembleLocal(ness->dmv, Sl));
  PetscCall(VecGetArray(Sl, &sl));
  /* advective outflow carries free energy out */
  for (PetscInt k = 0; k < g->nout; k++) {
    const PetscInt v = g->outv[k];
    if (g->dirichlet[v] || sec) continue;
    for (PetscInt i = 0; i < ns; i++) {
      const PetscReal c = g->outq[k] > 0 ? PetscRealPart(u[v * nf + i]) : ness->sp[i].cbulk / ness->c0;
      loc[4] -= mu[v * ns + i] * g->outq[k] * ness->D0 * Lgam * c * ness->c0;
    }
  }

  if (fld) {
    PetscCall(NessThermoFieldsDestroy(fld));
    PetscCall(PetscMalloc1(g->nvown * ns + 1, &fld->mu));
    PetscCall(PetscMalloc1(g->nvown + 1, &fld->sigma));
    if (ip >= 0) PetscCall(PetscMalloc1(g->nvown + 1, &fld->pH));
  }
  /* owned vertices: reservoir inflow, bulk reactions, sources, fields */
  {
    PetscReal phmin = PETSC_MAX_REAL, phmax = -PETSC_MAX_REAL;
    for (PetscInt k = 0; k < g->nvown; k++) {
      const PetscInt  v    = g->vown[k];
      const PetscReal volp = g->vol[v] * Ld;
      PetscReal       srx  = 0.0;
      if (!g->dirichlet[v]) {
        for (PetscInt r = 0; r < ness->nbr; r++) {
          PetscReal R, Rf, Rb, Akin, Amu = 0.0;
          PetscCall(NessBulkReactionRate(ness, r, &u[v * nf], &R, &Rf, &Rb));
          Akin = RT * PetscLogReal(PetscMax(Rf, PETSC_MIN_REAL) / PetscMax(Rb, PETSC_MIN_REAL));
          for (PetscInt i = 0; i < ns; i++) Amu -= ness->br[r].nu[i] * mu[v * ns + i];
          srx += R * Akin;
          loc[5] += volp * R * (Akin - Amu);
        }
        loc[1] += volp * srx;
        if (ness->srcv)
          for (PetscInt i = 0; i < ns; i++) loc[6] += mu[v * ns + i] * g->vol[v] * ness->srcv[k * nf + i] * ness->D0 * ness->c0 * Lgam; /* srcv stride ns + 1 */
      }
      if (fld) {
        for (PetscInt i = 0; i < ns; i++) fld->mu[k * ns + i] = mu[v * ns + i];
        fld->sigma[k] = (PetscRealPart(sl[v]) / volp + srx) / ness->T;
        if (ip >= 0) fld->pH[k] = -PetscLog10Real(PetscMax(PetscRealPart(u[v * nf + ip]) * ness->c0, NESS_CFLOOR) / 1000.0);
      }
      if (ip >= 0) {
        PetscReal ph = -PetscLog10Real(PetscMax(PetscRealPart(u[v * nf + ip]) * ness->c0, NESS_CFLOOR) / 1000.0);
        phmin        = PetscMin(phmin, ph);
        phmax        = PetscMax(phmax, ph);
      }
    }
    if (ip >= 0) {
      PetscReal a[2] = {phmin, -phmax}, b[2];
      PetscCall(MPIU_Allreduce(a, b, 2, MPIU_REAL, MPIU_MIN, comm));
      th->pH_min = b[0];
      th->pH_max = -b[1];
    } else th->pH_min = th->pH_max = PETSC_MAX_REAL;
  }

  /* electrodes: surface dissipation, external power, chemical supply, overpotential decomposition */
  if (fld) {
    fld->nes = 0;
    PetscCall(PetscMalloc3(g->nev + 1, &fld->esv, g->nev + 1, &fld->ese, (g->nev + 1) * NESS_ES_STRIDE, &fld->esdata));
  }
  for (PetscInt k = 0; k < g->nev; k++) {
    const PetscInt       v = g->evv[k], ie = g->eve[k];
    const NessElectrode *el = &ness->el[ie];
    const PetscReal      A = g->eva[k] * Lam, phi = PetscRealPart(u[v * nf + ns]) / f;
    PetscReal           *b    = &loc[7 + ie * nb];
    PetscReal           *es   = NULL;
    PetscReal            itot = 0.0, ts = 0.0;
    if (g->dirichlet[v]) continue;
    if (fld) {
      fld->esv[fld->nes] = v;
      fld->ese[fld->nes] = ie;
      es                 = &fld->esdata[fld->nes * NESS_ES_STRIDE];
      for (PetscInt j = 0; j < NESS_ES_STRIDE; j++) es[j] = 0.0;
      fld->nes++;
    }
    b[0] += A;
    b[1] += A * phi;
    for (PetscInt r = 0; r < el->nreact; r++) {
      const NessReaction *rx = &ness->rx[el->react[r]];
      PetscReal           i, eta, lnq = 0.0, mu0s = 0.0, lnref = 0.0, zs = 0.0, etac, etas, dE;
      PetscCall(NessElectrodeRate(ness, el, r, &u[v * nf], &i, NULL, NULL, &eta));
      for (PetscInt s = 0; s < ns; s++) {
        if (rx->nu[s] == 0.0) continue;
        lnq += rx->nu[s] * LogC(PetscRealPart(u[v * nf + s]) * ness->c0, ness->sp[s].cref);
        lnref += rx->nu[s] * PetscLogReal(ness->sp[s].cref / ness->cstd);
        mu0s += rx->nu[s] * ness->sp[s].mu0;
        zs += rx->nu[s] * ness->sp[s].z;
      }
      etac = lnq / (rx->n * f);
      etas = eta - etac;
      dE   = rx->Eeq - (mu0s + RT * lnref) / (rx->n * F);
      loc[2] += A * i * etas;
      loc[3] += A * i * el->Es;
      if (sec) loc[5] -= A * i * (rx->Eeq + etac); /* ions are not tracked: the whole reaction free energy is chemical */
      else loc[5] -= A * i * (dE - phi * (zs - rx->n) / rx->n);
      ts += i * etas;
      itot += i;
      b[2] += A * i * etas;
      b[3 + r] += A * etas;
      b[3 + nrm + r] += A * etac;
      if (es) {
        es[NESS_ES_HEAD + 4 * r + 0] = i;
        es[NESS_ES_HEAD + 4 * r + 1] = eta;
        es[NESS_ES_HEAD + 4 * r + 2] = etas;
        es[NESS_ES_HEAD + 4 * r + 3] = etac;
      }
    }
    if (es) {
      es[0] = A;
      es[1] = phi;
      es[2] = itot;
      es[3] = ts / ness->T;
    }
  }
  PetscCall(MPIU_Allreduce(loc, glob, nloc, MPIU_REAL, MPIU_SUM, comm));
  {
    PetscReal a[2] = {mm[0], -mm[1]}, b2[2];
    PetscCall(MPIU_Allreduce(a, b2, 2, MPIU_REAL, MPIU_MIN, comm));
    gmm[0] = b2[0];
    gmm[1] = -b2[1];
  }
  th->S_transport = glob[0] / ness->T;
  th->S_reactions = glob[1] / ness->T;
  th->S_surface   = glob[2] / ness->T;
  th->S_total     = th->S_transport + th->S_reactions + th->S_surface;
  th->P_ext       = glob[3];
  th->P_open      = glob[4];
  th->P_chem      = glob[5];
  th->P_src       = glob[6];
  th->min_edge    = g->ncglobal > 0 && gmm[0] < PETSC_MAX_REAL ? gmm[0] : 0.0;
  th->max_edge    = gmm[1] > -PETSC_MAX_REAL ? gmm[1] : 0.0;
  {
    const PetscReal sup      = th->P_ext + th->P_open + th->P_chem + th->P_src;
    const PetscReal terms[7] = {glob[0], glob[1], glob[2], th->P_ext, th->P_open, th->P_chem, th->P_src};
    PetscReal       scale    = 0.0;
    for (PetscInt i = 0; i < 7; i++) scale = PetscMax(scale, PetscAbsReal(terms[i]));
    th->abs_error = PetscAbsReal(ness->T * th->S_total - sup);
    th->rel_error = scale > 0 ? th->abs_error / scale : 0.0;
  }
  {
    PetscInt nneg = 0, gneg;
    for (PetscInt e = 0; e < g->nedge; e++)
      if (edis[e] < -1e-12 * PetscMax(th->max_edge, 0.0)) nneg++;
    PetscCall(MPIU_Allreduce(&nneg, &gneg, 1, MPIU_INT, MPI_SUM, comm));
    th->nedge_negative = gneg;
  }
  for (PetscInt e = 0; e < ne; e++) {
    NessElectrode   *el = &ness->el[e];
    const PetscReal *b  = &glob[7 + e * nb];
    el->ohmic           = b[0] > 0 ? b[1] / b[0] : 0.0;
    el->tsigma          = b[2];
    for (PetscInt r = 0; r < el->nreact; r++) {
      el->ract[r]  = b[0] > 0 ? b[3 + r] / b[0] : 0.0;
      el->rconc[r] = b[0] > 0 ? b[3 + nrm + r] / b[0] : 0.0;
    }
  }
  /* cell fields: gradients of mu and the ionic current density from the edge data of each cell,
     v = (1/|T|) sum_{a<b} gamma_ab delta_ab (x_b - x_a), exact for a linear field / a constant flux density
     because sum_{a<b} gamma_ab (x_b - x_a)(x_b - x_a)^T = |T| I for simplices and axis-aligned tensor cells */
  if (fld) {
    PetscInt cStart, cEnd, vStart;
    PetscCall(DMPlexGetHeightStratum(ness->dm, 0, &cStart, &cEnd));
    PetscCall(DMPlexGetDepthStratum(ness->dm, 0, &vStart, NULL));
    PetscCall(PetscMalloc1((cEnd - cStart) * ns * dim + 1, &fld->gradmu));
    PetscCall(PetscMalloc1((cEnd - cStart) * dim + 1, &fld->cur));
    for (PetscInt c = cStart; c < cEnd; c++) {
      PetscInt   nv, verts[8];
      PetscReal  x[24], meas, vp[8], gam[64];
      PetscReal *gm = &fld->gradmu[(c - cStart) * ns * dim], *cu = &fld->cur[(c - cStart) * dim];
      PetscCall(NessGetPointVertices(ness->dm, c, &nv, verts, x));
      PetscCall(NessCellGeometry(dim, nv, ness->simplex ? PETSC_FALSE : PETSC_TRUE, x, &meas, vp, gam));
      for (PetscInt i = 0; i < ns * dim; i++) gm[i] = 0.0;
      for (PetscInt d = 0; d < dim; d++) cu[d] = 0.0;
      for (PetscInt a = 0; a < nv; a++)
        for (PetscInt b = a + 1; b < nv; b++) {
          const PetscReal    gab = gam[a * nv + b];
          const PetscInt     va = verts[a] - vStart, vb = verts[b] - vStart;
          const PetscScalar *ua = &u[va * nf], *ub = &u[vb * nf];
          PetscReal          q = 0.0, ue = 0.0;
          if (gab == 0.0) continue;
          if (ness->vtype != NESS_VELOCITY_NONE || ness->vfunc) {
            PetscReal xm[3] = {0, 0, 0}, vel[3];
            for (PetscInt d = 0; d < dim; d++) xm[d] = 0.5 * (x[a * dim + d] + x[b * dim + d]);
            PetscCall(NessVelocityAt(ness, xm, vel));
            for (PetscInt d = 0; d < dim; d++) ue += vel[d] * (x[b * dim + d] - x[a * dim + d]);
          }
          if (sec) q = -ness->kappa * PetscRealPart(ub[ns] - ua[ns]) / f;
          for (PetscInt i = 0; i < ns; i++) {
            PetscReal J, dmu = mu[vb * ns + i] - mu[va * ns + i];
            if (!sec) {
              NessSGFlux(ness->sp[i].z, -ue / ness->sp[i].D, PetscRealPart(ua[i]) * ness->c0, PetscRealPart(ub[i]) * ness->c0, PetscRealPart(ua[ns]), PetscRealPart(ub[ns]), &J, NULL);
              q += F * ness->sp[i].z * ness->sp[i].D * J;
            }
            for (PetscInt d = 0; d < dim; d++) gm[i * dim + d] += gab * dmu * (x[b * dim + d] - x[a * dim + d]);
          }
          for (PetscInt d = 0; d < dim; d++) cu[d] += gab * q * (x[b * dim + d] - x[a * dim + d]);
        }
      for (PetscInt i = 0; i < ns * dim; i++) gm[i] /= meas;
      for (PetscInt d = 0; d < dim; d++) cu[d] /= meas;
    }
  }
  th->computed = PETSC_TRUE;
  PetscCall(VecRestoreArray(Sl, &sl));
  PetscCall(DMRestoreLocalVector(ness->dmv, &Sl));
  PetscCall(PetscFree(u));
  PetscCall(VecRestoreArrayRead(Ul, &ur));
  PetscCall(DMRestoreLocalVector(ness->dm, &Ul));
  PetscCall(PetscFree4(mu, edis, loc, glob));
  PetscFunctionReturn(0);
}

/*
  NessComputeFreeEnergy - free energy of the state U relative to the bulk reservoir (J; per metre of depth in 2D):

    G = sum_K |w_K| sum_i RT (c ln(c/c_b) - c + c_b)                       (mixing, >= 0)
      + 1/2 sum_edges eps gamma_KL (phi_K - phi_L)^2                       (field energy)
      + 1/2 sum_{Stern vertices} A C_s phi_K^2                             (Stern layer, constant dropped)
      + sum_{Dirichlet-phi electrode vertices} phi_K (|w_K| F sum_i z_i c_K,i - P_K)

  with P_K = sum_L eps gamma_KL (phi_K - phi_L). With electrodes at the Nernst potential of the bulk composition,
  the discrete equations give dG/dt = -T S_total exactly (semi-discrete), and G is convex in the concentrations
  (phi depends affinely on them), so implicit Euler gives G^n - G^{n+1} >= (t^{n+1} - t^n) T S^{n+1}: G is a
  Lyapunov function of the relaxation. Collective.
*/
PetscErrorCode NessComputeFreeEnergy(Ness ness, Vec U, PetscReal *G)
{
  const NessGeom    *g  = &ness->g;
  const PetscInt     ns = ness->ns, nf = ness->ns + 1; /* full state */
  const PetscReal    RT = NESS_RGAS * ness->T, eps = ness->epsr * NESS_EPS0, f = ness->f;
  const PetscInt     ed = ness->edim;
  const PetscReal    Ld = PetscPowRealInt(ness->L, (int)ed), Lam = PetscPowRealInt(ness->L, (int)(ed - 1)), Lgam = PetscPowRealInt(ness->L, (int)(ed - 2));
  Vec                Ul, Pl;
  const PetscScalar *ur;
  PetscScalar       *pl, *u;
  PetscReal          loc = 0.0;

  PetscFunctionBegin;
  PetscCall(DMGetLocalVector(ness->dm, &Ul));
  PetscCall(DMGlobalToLocalBegin(ness->dm, U, INSERT_VALUES, Ul));
  PetscCall(DMGlobalToLocalEnd(ness->dm, U, INSERT_VALUES, Ul));
  PetscCall(VecGetArrayRead(Ul, &ur));
  PetscCall(NessFullState(ness, ur, g->nvloc, &u));
  PetscCall(DMGetLocalVector(ness->dmv, &Pl));
  PetscCall(VecZeroEntries(Pl));
  PetscCall(VecGetArray(Pl, &pl));
  for (PetscInt e = 0; e < g->nedge; e++) {
    const PetscInt  K = g->eK[e], L = g->eL[e];
    const PetscReal dphi = PetscRealPart(u[K * nf + ns] - u[L * nf + ns]) / f, q = eps * g->egamma[e] * Lgam * dphi;
    loc += 0.5 * q * dphi;
    pl[K] += q;
    pl[L] -= q;
  }
  PetscCall(VecRestoreArray(Pl, &pl));
  PetscCall(NessAssembleLocal(ness->dmv, Pl));
  PetscCall(VecGetArray(Pl, &pl));
  for (PetscInt k = 0; k < g->nvown; k++) {
    const PetscInt  v    = g->vown[k];
    const PetscReal volp = g->vol[v] * Ld, phi = PetscRealPart(u[v * nf + ns]) / f;
    PetscReal       q = 0.0;
    for (PetscInt i = 0; i < ns; i++) {
      const PetscReal c = PetscRealPart(u[v * nf + i]) * ness->c0, cb = ness->sp[i].cbulk;
      loc += volp * RT * ((c > 0 ? c * PetscLogReal(c / cb) : 0.0) - c + cb);
      q += ness->sp[i].z * c;
    }
    if (g->phidir[v] && !g->dirichlet[v]) loc += phi * (volp * NESS_FARADAY * q - PetscRealPart(pl[v]));
  }
  for (PetscInt k = 0; k < g->nev; k++) {
    const PetscInt       v   = g->evv[k];
    const NessElectrode *el  = &ness->el[g->eve[k]];
    const PetscReal      phi = PetscRealPart(u[v * nf + ns]) / f;
    if (g->dirichlet[v] || g->phidir[v] || el->phibc != NESS_PHI_STERN) continue;
    loc += 0.5 * g->eva[k] * Lam * el->Cs * phi * phi;
  }
  PetscCall(VecRestoreArray(Pl, &pl));
  PetscCall(DMRestoreLocalVector(ness->dmv, &Pl));
  PetscCall(PetscFree(u));
  PetscCall(VecRestoreArrayRead(Ul, &ur));
  PetscCall(DMRestoreLocalVector(ness->dm, &Ul));
  PetscCall(MPIU_Allreduce(&loc, G, 1, MPIU_REAL, MPIU_SUM, PetscObjectComm((PetscObject)ness)));
  PetscFunctionReturn(0);
}

/* Bulk mass-action reactions: options, the network's cycles and Wegscheider's condition, pointwise rates, and the
   domain-integrated results (rates and cycle fluxes) for summary.json. */
#include <ness/private/nessimpl.h>
#include <ness/private/kernels.h>

/* largest denominator tried when scaling a null-space vector to integers */
#define NESS_NULL_MAXDEN 64

static PetscErrorCode FindSpecies(Ness ness, const char name[], PetscInt *idx)
{
  PetscFunctionBegin;
  *idx = -1;
  for (PetscInt i = 0; i < ness->ns; i++)
    if (!strcmp(ness->sp[i].name, name)) *idx = i;
  PetscFunctionReturn(0);
}

/* Scale v (length n, not zero) to max |v_j| = 1, then to the smallest integers if every entry is a multiple of 1/d for
   some d <= NESS_NULL_MAXDEN; the first nonzero entry is made positive. */
static void NormalizeVector(PetscInt n, PetscReal v[])
{
  PetscReal vmax = 0.0, first = 0.0;

  for (PetscInt j = 0; j < n; j++) {
    if (first == 0.0 && v[j] != 0.0) first = v[j];
    vmax = PetscMax(vmax, PetscAbsReal(v[j]));
  }
  if (vmax == 0.0) return;
  for (PetscInt j = 0; j < n; j++) v[j] = (first < 0 ? -v[j] : v[j]) / vmax;
  for (PetscInt d = 1; d <= NESS_NULL_MAXDEN; d++) {
    PetscBool integer = PETSC_TRUE;
    for (PetscInt j = 0; j < n && integer; j++) {
      const PetscReal w = v[j] * d;
      if (PetscAbsReal(w - PetscFloorReal(w + 0.5)) > 1e-9 * d) integer = PETSC_FALSE;
    }
    if (integer) {
      for (PetscInt j = 0; j < n; j++) v[j] = PetscFloorReal(v[j] * d + 0.5);
      return;
    }
  }
}

PetscErrorCode NessNullSpace(PetscInt m, PetscInt n, const PetscReal S[], PetscInt *nnull, PetscReal basis[])
{
  PetscReal *A, smax      = 0.0, tol;
  PetscInt  *pivcol, rank = 0;
  PetscBool *ispiv;

  PetscFunctionBegin;
  *nnull = 0;
  if (n <= 0) PetscFunctionReturn(0);
  PetscCall(PetscMalloc3(PetscMax(m * n, 1), &A, PetscMax(m, 1), &pivcol, n, &ispiv));
  for (PetscInt k = 0; k < m * n; k++) {
    A[k] = S[k];
    smax = PetscMax(smax, PetscAbsReal(S[k]));
  }
  tol = 1e-10 * smax;
  /* reduced row echelon form with partial pivoting */
  for (PetscInt col = 0; col < n; col++) {
    PetscInt  p    = -1;
    PetscReal amax = tol;
    ispiv[col]     = PETSC_FALSE;
    for (PetscInt i = rank; i < m; i++)
      if (PetscAbsReal(A[i * n + col]) > amax) {
        amax = PetscAbsReal(A[i * n + col]);
        p    = i;
      }
    if (p < 0) continue;
    if (p != rank)
      for (PetscInt j = 0; j < n; j++) {
        const PetscReal t = A[p * n + j];
        A[p * n + j]      = A[rank * n + j];
        A[rank * n + j]   = t;
      }
    {
      const PetscReal piv = A[rank * n + col];
      for (PetscInt j = 0; j < n; j++) A[rank * n + j] /= piv;
      A[rank * n + col] = 1.0;
    }
    for (PetscInt i = 0; i < m; i++) {
      PetscReal fac;
      if (i == rank) continue;
      fac = A[i * n + col];
      if (fac == 0.0) continue;
      for (PetscInt j = 0; j < n; j++) A[i * n + j] -= fac * A[rank * n + j];
      A[i * n + col] = 0.0;
    }
    pivcol[rank++] = col;
    ispiv[col]     = PETSC_TRUE;
  }
  /* one basis vector per free column: v_free = 1, v_pivot(r) = -A[r][free] */
  for (PetscInt f = 0; f < n; f++) {
    PetscReal *v = &basis[*nnull * n];
    if (ispiv[f]) continue;
    for (PetscInt j = 0; j < n; j++) v[j] = 0.0;
    v[f] = 1.0;
    for (PetscInt r = 0; r < rank; r++) v[pivcol[r]] = -A[r * n + f];
    for (PetscInt j = 0; j < n; j++)
      if (PetscAbsReal(v[j]) < 1e-12) v[j] = 0.0;
    NormalizeVector(n, v);
    (*nnull)++;
  }
  PetscCall(PetscFree3(A, pivcol, ispiv));
  PetscFunctionReturn(0);
}

/* "r1 + 2 r2 - r3" into buf */
static PetscErrorCode CycleString(Ness ness, PetscInt c, char buf[], size_t len)
{
  size_t n = 0;

  PetscFunctionBegin;
  buf[0] = 0;
  for (PetscInt r = 0; r < ness->nbr; r++) {
    const PetscReal v = ness->cycle[c][r];
    const PetscReal a = PetscAbsReal(v);
    char            term[2 * NESS_NAME_LEN];
    if (v == 0.0) continue;
    if (a == 1.0) PetscCall(PetscSNPrintf(term, sizeof(term), "%s%s", n ? (v < 0 ? " - " : " + ") : (v < 0 ? "-" : ""), ness->br[r].name));
    else PetscCall(PetscSNPrintf(term, sizeof(term), "%s%g %s", n ? (v < 0 ? " - " : " + ") : (v < 0 ? "-" : ""), (double)a, ness->br[r].name));
    PetscCall(PetscStrlcat(buf, term, len));
    n++;
  }
  PetscFunctionReturn(0);
}

/* Affinity of cycle c in units of RT, and whether it is nonzero beyond rounding (relative to the size of its terms) */
static PetscBool CycleDriven(Ness ness, PetscInt c, PetscReal *A)
{
  PetscReal a = 0.0, aabs = 0.0;

  for (PetscInt r = 0; r < ness->nbr; r++) {
    const PetscReal t = ness->cycle[c][r] * PetscLogReal(ness->br[r].kf / ness->br[r].kb);
    a += t;
    aabs += PetscAbsReal(t);
  }
  if (A) *A = a;
  return PetscAbsReal(a) > 1e-9 * PetscMax(1.0, aabs) ? PETSC_TRUE : PETSC_FALSE;
}

/* Cycles of the network (right null space of the stoichiometric matrix), their affinities RT sum_r v_r ln(kf_r/kb_r)
   and Wegscheider's condition (every affinity zero). */
static PetscErrorCode BulkNetworkAnalyze(Ness ness)
{
  MPI_Comm        comm = PetscObjectComm((PetscObject)ness);
  const PetscInt  ns = ness->ns, nbr = ness->nbr;
  const PetscReal RT = NESS_RGAS * ness->T;
  PetscReal       S[NESS_MAX_SPECIES * NESS_MAX_REACTIONS], basis[NESS_MAX_REACTIONS * NESS_MAX_REACTIONS];
  PetscInt        nnull;

  PetscFunctionBegin;
  ness->ncycle         = 0;
  ness->network_driven = PETSC_FALSE;
  if (!nbr) PetscFunctionReturn(0);
  for (PetscInt i = 0; i < ns; i++)
    for (PetscInt r = 0; r < nbr; r++) S[i * nbr + r] = ness->br[r].nu[i];
  PetscCall(NessNullSpace(ns, nbr, S, &nnull, basis));
  ness->ncycle = nnull;
  for (PetscInt c = 0; c < nnull; c++) {
    PetscReal A;
    for (PetscInt r = 0; r < nbr; r++) ness->cycle[c][r] = basis[c * nbr + r];
    for (PetscInt r = nbr; r < NESS_MAX_REACTIONS; r++) ness->cycle[c][r] = 0.0;
    (void)CycleDriven(ness, c, &A);
    ness->cycle_affinity[c] = RT * A;
    ness->cycle_flux[c]     = 0.0;
    if (CycleDriven(ness, c, NULL)) {
      char cyc[1024];
      PetscCall(CycleString(ness, c, cyc, sizeof(cyc)));
      ness->network_driven = PETSC_TRUE;
      PetscCall(PetscInfo(ness, "Bulk reaction cycle %" PetscInt_FMT " (%s) has affinity %g J/mol: Wegscheider's condition is violated\n", c + 1, cyc, (double)ness->cycle_affinity[c]));
      PetscCall(PetscPrintf(comm,
                            "WARNING: the bulk reaction network is intrinsically driven: cycle %" PetscInt_FMT " (%s) has affinity RT sum v ln(kf/kb) = %g J/mol, not 0 (Wegscheider's condition is violated). "
                            "It cannot reach equilibrium even with every electrode switched off.\n",
                            c + 1, cyc, (double)ness->cycle_affinity[c]));
    }
  }
  PetscFunctionReturn(0);
}

PetscErrorCode NessBulkNetworkSetFromOptions(Ness ness, PetscOptionItems *PetscOptionsObject)
{
  MPI_Comm  comm = PetscObjectComm((PetscObject)ness);
  char      list[4096], opt[256], names[NESS_MAX_REACTIONS][NESS_NAME_LEN];
  PetscBool set;

  PetscFunctionBegin;
  list[0] = 0;
  PetscCall(PetscOptionsString("-ness_bulk_reaction_names", "Comma-separated names of bulk (homogeneous) mass-action reactions", "NessSetFromOptions", list, list, sizeof(list), NULL));
  PetscCall(NessSplitList(comm, list, NESS_MAX_REACTIONS, names, &ness->nbr, "-ness_bulk_reaction_names"));
  for (PetscInt r = 0; r < ness->nbr; r++) {
    NessBulkReaction *br = &ness->br[r];
    char              snames[NESS_MAX_SPECIES][NESS_NAME_LEN];
    PetscReal         vals[NESS_MAX_SPECIES], K = -1.0, zsum = 0.0, order = 0.0;
    PetscInt          nsp, nv;
    PetscBool         kbset, Kset, anynz = PETSC_FALSE;

    PetscCall(PetscStrncpy(br->name, names[r], NESS_NAME_LEN));
    for (PetscInt i = 0; i < NESS_MAX_SPECIES; i++) br->nu[i] = 0.0;
    br->rate_total = 0.0;
    /* species and stoichiometry */
    list[0] = 0;
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_bulk_reaction_%s_species", br->name));
    PetscCall(PetscOptionsString(opt, "Comma-separated species taking part in the bulk reaction", "NessSetFromOptions", list, list, sizeof(list), NULL));
    PetscCall(NessSplitList(comm, list, NESS_MAX_SPECIES, snames, &nsp, opt));
    PetscCheck(nsp > 0, comm, PETSC_ERR_USER_INPUT, "Bulk reaction '%s' has no species: give %s (and the matching -ness_bulk_reaction_%s_stoich)", br->name, opt, br->name);
    nv = NESS_MAX_SPECIES;
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_bulk_reaction_%s_stoich", br->name));
    PetscCall(NessOptionsRealArray(opt, "Stoichiometric coefficients of those species: reactants < 0, products > 0", "NessSetFromOptions", vals, &nv, &set));
    if (!set) nv = 0;
    PetscCheck(nv == nsp, comm, PETSC_ERR_USER_INPUT, "Bulk reaction '%s': %" PetscInt_FMT " species but %" PetscInt_FMT " stoichiometric coefficients (%s)", br->name, nsp, nv, opt);
    for (PetscInt k = 0; k < nsp; k++) {
      PetscInt idx;
      PetscCall(FindSpecies(ness, snames[k], &idx));
      PetscCheck(idx >= 0, comm, PETSC_ERR_USER_INPUT, "Bulk reaction '%s' names species '%s' in -ness_bulk_reaction_%s_species, which is not in -ness_species_names", br->name, snames[k], br->name);
      PetscCheck(!PetscIsInfOrNanReal(vals[k]), comm, PETSC_ERR_USER_INPUT, "%s: coefficient of '%s' is not a finite number", opt, snames[k]);
      br->nu[idx] = vals[k];
      if (vals[k] != 0.0) anynz = PETSC_TRUE;
      if (vals[k] < 0.0) order -= vals[k];
      zsum += vals[k] * ness->sp[idx].z;
    }
    PetscCheck(anynz, comm, PETSC_ERR_USER_INPUT, "Bulk reaction '%s' has zero stoichiometry (%s is all zeros): it changes nothing", br->name, opt);
    for (PetscInt k = 0; k < nsp; k++) PetscCheck(vals[k] != 0.0, comm, PETSC_ERR_USER_INPUT, "%s: species '%s' has coefficient 0 (list only species that react; catalysts do not enter mass-action rates)", opt, snames[k]);
    PetscCheck(PetscAbsReal(zsum) < 1e-10, comm, PETSC_ERR_USER_INPUT, "Bulk reaction '%s' is unbalanced in charge: sum of stoich*charge is %g (%s); bulk reactions must conserve charge", br->name, (double)zsum, opt);
    /* rate constants */
    br->kf = -1.0;
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_bulk_reaction_%s_kf", br->name));
    PetscCall(NessOptionsReal(opt, "Forward rate constant, SI with c in mol/m^3: (mol/m^3)^(1-reactant order)/s", "NessSetFromOptions", br->kf, &br->kf, &set));
    PetscCheck(set, comm, PETSC_ERR_USER_INPUT, "Bulk reaction '%s' has no forward rate constant: give %s", br->name, opt);
    PetscCheck(br->kf > 0 && br->kf < PETSC_MAX_REAL, comm, PETSC_ERR_USER_INPUT, "%s must be positive and finite, got %g", opt, (double)br->kf);
    br->kb = -1.0;
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_bulk_reaction_%s_kb", br->name));
    PetscCall(NessOptionsReal(opt, "Backward rate constant, SI with c in mol/m^3: (mol/m^3)^(1-product order)/s (or give _K)", "NessSetFromOptions", br->kb, &br->kb, &kbset));
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_bulk_reaction_%s_K", br->name));
    PetscCall(NessOptionsReal(opt, "Equilibrium constant kf/kb in (mol/m^3)^(sum of stoich) (instead of _kb)", "NessSetFromOptions", K, &K, &Kset));
    PetscCheck(!(kbset && Kset), comm, PETSC_ERR_USER_INPUT, "Bulk reaction '%s': give either -ness_bulk_reaction_%s_kb or -ness_bulk_reaction_%s_K, not both", br->name, br->name, br->name);
    PetscCheck(kbset || Kset, comm, PETSC_ERR_USER_INPUT, "Bulk reaction '%s' has no backward rate: give -ness_bulk_reaction_%s_kb or the equilibrium constant -ness_bulk_reaction_%s_K", br->name, br->name, br->name);
    if (Kset) {
      PetscCheck(K > 0 && K < PETSC_MAX_REAL, comm, PETSC_ERR_USER_INPUT, "-ness_bulk_reaction_%s_K must be positive and finite, got %g", br->name, (double)K);
      br->kb = br->kf / K;
      PetscCheck(br->kb > 0 && br->kb < PETSC_MAX_REAL, comm, PETSC_ERR_USER_INPUT, "Bulk reaction '%s': kb = kf/K = %g/%g is not a positive finite number", br->name, (double)br->kf, (double)K);
    } else PetscCheck(br->kb > 0 && br->kb < PETSC_MAX_REAL, comm, PETSC_ERR_USER_INPUT, "-ness_bulk_reaction_%s_kb must be positive and finite, got %g", br->name, (double)br->kb);
    PetscCall(PetscInfo(ness, "Bulk reaction %s: reactant order %g, kf = %g, kb = %g, K = kf/kb = %g\n", br->name, (double)order, (double)br->kf, (double)br->kb, (double)(br->kf / br->kb)));
  }
  PetscCall(BulkNetworkAnalyze(ness));
  PetscFunctionReturn(0);
}

PetscErrorCode NessBulkNetworkView(Ness ness, PetscViewer viewer)
{
  PetscBool iascii;

  PetscFunctionBegin;
  if (!ness->nbr) PetscFunctionReturn(0);
  PetscCall(PetscObjectTypeCompare((PetscObject)viewer, PETSCVIEWERASCII, &iascii));
  if (!iascii) PetscFunctionReturn(0);
  PetscCall(PetscViewerASCIIPrintf(viewer, "%" PetscInt_FMT " bulk reaction%s, %" PetscInt_FMT " independent cycle%s%s\n", ness->nbr, ness->nbr == 1 ? "" : "s", ness->ncycle, ness->ncycle == 1 ? "" : "s", ness->ncycle ? (ness->network_driven ? " (Wegscheider's condition VIOLATED: the network is intrinsically driven)" : " (Wegscheider's condition holds)") : ""));
  PetscCall(PetscViewerASCIIPushTab(viewer));
  for (PetscInt r = 0; r < ness->nbr; r++) {
    const NessBulkReaction *br        = &ness->br[r];
    char                    lhs[1024] = "", rhs[1024] = "";
    for (PetscInt i = 0; i < ness->ns; i++) {
      char      term[2 * NESS_NAME_LEN];
      PetscReal nu = br->nu[i];
      char     *side;
      if (nu == 0.0) continue;
      side = nu < 0 ? lhs : rhs;
      if (PetscAbsReal(nu) == 1.0) PetscCall(PetscSNPrintf(term, sizeof(term), "%s%s", side[0] ? " + " : "", ness->sp[i].name));
      else PetscCall(PetscSNPrintf(term, sizeof(term), "%s%g %s", side[0] ? " + " : "", (double)PetscAbsReal(nu), ness->sp[i].name));
      PetscCall(PetscStrlcat(side, term, sizeof(lhs)));
    }
    PetscCall(PetscViewerASCIIPrintf(viewer, "bulk reaction %s: %s <=> %s, kf = %g, kb = %g, K = kf/kb = %g (SI, mol/m^3)\n", br->name, lhs[0] ? lhs : "(untracked)", rhs[0] ? rhs : "(untracked)", (double)br->kf, (double)br->kb, (double)(br->kf / br->kb)));
  }
  for (PetscInt c = 0; c < ness->ncycle; c++) {
    char cyc[1024];
    PetscCall(CycleString(ness, c, cyc, sizeof(cyc)));
    PetscCall(PetscViewerASCIIPrintf(viewer, "cycle %" PetscInt_FMT ": %s, affinity %g J/mol%s\n", c + 1, cyc, (double)ness->cycle_affinity[c], CycleDriven(ness, c, NULL) ? " (not 0: this cycle drives the network)" : ""));
  }
  PetscCall(PetscViewerASCIIPopTab(viewer));
  PetscFunctionReturn(0);
}

PetscErrorCode NessBulkReactionRate(Ness ness, PetscInt r, const PetscScalar *u, PetscReal *R, PetscReal *Rf, PetscReal *Rb)
{
  PetscReal c[NESS_MAX_SPECIES];

  PetscFunctionBeginHot;
  for (PetscInt i = 0; i < ness->ns; i++) c[i] = PetscRealPart(u[i]) * ness->c0;
  NessMassAction(ness->ns, c, ness->br[r].nu, ness->br[r].kf, ness->br[r].kb, R, Rf, Rb, NULL);
  PetscFunctionReturn(0);
}

PetscErrorCode NessBulkNetworkComputeResults(Ness ness, Vec U)
{
  const NessGeom    *g = &ness->g;
  Vec                Ul;
  const PetscScalar *u;
  PetscScalar       *uf;
  PetscReal          loc[NESS_MAX_REACTIONS], glob[NESS_MAX_REACTIONS];
  const PetscReal    Vscale = PetscPowRealInt(ness->L, (int)ness->edim);

  PetscFunctionBegin;
  if (!ness->nbr) PetscFunctionReturn(0);
  for (PetscInt r = 0; r < ness->nbr; r++) loc[r] = 0.0;
  PetscCall(DMGetLocalVector(ness->dm, &Ul));
  PetscCall(DMGlobalToLocalBegin(ness->dm, U, INSERT_VALUES, Ul));
  PetscCall(DMGlobalToLocalEnd(ness->dm, U, INSERT_VALUES, Ul));
  PetscCall(VecGetArrayRead(Ul, &u));
  PetscCall(NessFullState(ness, u, g->nvloc, &uf)); /* all species, also one eliminated by electroneutrality */
  for (PetscInt k = 0; k < g->nvown; k++) {
    const PetscInt v = g->vown[k];
    if (g->dirichlet[v]) continue;
    for (PetscInt r = 0; r < ness->nbr; r++) {
      PetscReal R;
      PetscCall(NessBulkReactionRate(ness, r, &uf[v * (ness->ns + 1)], &R, NULL, NULL));
      loc[r] += g->vol[v] * Vscale * R;
    }
  }
  PetscCall(PetscFree(uf));
  PetscCall(VecRestoreArrayRead(Ul, &u));
  PetscCall(DMRestoreLocalVector(ness->dm, &Ul));
  PetscCall(MPIU_Allreduce(loc, glob, ness->nbr, MPIU_REAL, MPIU_SUM, PetscObjectComm((PetscObject)ness)));
  for (PetscInt r = 0; r < ness->nbr; r++) ness->br[r].rate_total = glob[r];
  for (PetscInt c = 0; c < ness->ncycle; c++) {
    PetscReal vr = 0.0, vv = 0.0;
    for (PetscInt r = 0; r < ness->nbr; r++) {
      vr += ness->cycle[c][r] * ness->br[r].rate_total;
      vv += ness->cycle[c][r] * ness->cycle[c][r];
    }
    ness->cycle_flux[c] = vv > 0 ? vr / vv : 0.0;
  }
  PetscFunctionReturn(0);
}

static void JsonReal(FILE *fp, PetscReal x)
{
  if (PetscIsInfOrNanReal(x)) fprintf(fp, "null");
  else fprintf(fp, "%.17g", (double)x);
}

/* a JSON string (names come from options: escape quotes, backslashes and control characters) */
static void JsonString(FILE *fp, const char s[])
{
  fputc('"', fp);
  for (const char *p = s; *p; p++) {
    if (*p == '"' || *p == '\\') fprintf(fp, "\\%c", *p);
    else if ((unsigned char)*p < 0x20) fprintf(fp, "\\u%04x", (unsigned)(unsigned char)*p);
    else fputc(*p, fp);
  }
  fputc('"', fp);
}

PetscErrorCode NessBulkNetworkWriteJSON(Ness ness, FILE *fp)
{
  PetscFunctionBegin;
  if (!ness->nbr) PetscFunctionReturn(0);
  fprintf(fp, "  \"bulk_reactions\": [");
  for (PetscInt r = 0; r < ness->nbr; r++) {
    const NessBulkReaction *br = &ness->br[r];
    fprintf(fp, "%s\n    {\"name\": ", r ? "," : "");
    JsonString(fp, br->name);
    fprintf(fp, ", \"kf\": ");
    JsonReal(fp, br->kf);
    fprintf(fp, ", \"kb\": ");
    JsonReal(fp, br->kb);
    fprintf(fp, ", \"rate_mol_per_s\": ");
    JsonReal(fp, br->rate_total);
    fprintf(fp, "}");
  }
  fprintf(fp, "\n  ],\n  \"reaction_cycles\": {\"count\": %d, \"wegscheider_satisfied\": %s, \"cycles\": [", (int)ness->ncycle, ness->network_driven ? "false" : "true");
  for (PetscInt c = 0; c < ness->ncycle; c++) {
    PetscInt n = 0;
    fprintf(fp, "%s\n    {\"coefficients\": {", c ? "," : "");
    for (PetscInt r = 0; r < ness->nbr; r++) {
      if (ness->cycle[c][r] == 0.0) continue;
      fprintf(fp, "%s", n++ ? ", " : "");
      JsonString(fp, ness->br[r].name);
      fprintf(fp, ": ");
      JsonReal(fp, ness->cycle[c][r]);
    }
    fprintf(fp, "}, \"affinity_J_per_mol\": ");
    JsonReal(fp, ness->cycle_affinity[c]);
    fprintf(fp, ", \"flux_mol_per_s\": ");
    JsonReal(fp, ness->cycle_flux[c]);
    fprintf(fp, "}");
  }
  fprintf(fp, "%s]},\n", ness->ncycle ? "\n  " : "");
  PetscFunctionReturn(0);
}

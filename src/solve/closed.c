/* Closed cells: species whose total amount is fixed.

   A species that no bulk boundary, outflow, electrode reaction or bulk reaction exchanges (the sulfate of a
   closed CuSO4 cell between two copper electrodes) has balances that sum to zero identically over the domain:
   its steady state is determined only up to the total amount, and the steady Jacobian is singular. For each
   such species listed in -ness_closed_species, ness replaces the balance of that species in one control volume
   (an interior vertex owned by rank 0) by the constraint that its mean concentration over the domain is its bulk
   concentration (-ness_species_<S>_bulk):
     F_k = sum_v V_v c_v / V_domain - c_bulk / c0          (scaled by c0)
   Nothing is lost: the replaced balance holds at the solution because the balances of the species sum to zero.
   In the electroneutral model the eliminated species has no row of its own; its balance is a combination of the
   charge row and the kept species' rows, and the row of a charged kept species at vertex k is the one replaced.

   The Jacobian of the constraint is a dense row. It is never assembled: the sparse matrix keeps only the
   constraint's entries at vertex k (which make it nonsingular), and the rest, e_k (w - w_k)^T, is one more
   column of the low-rank correction MATLRC that also carries the unknown metal potentials (src/solve/control.c).
   Both parts are constant (the constraint is linear), so the columns are filled once, at set-up. */
#include <ness/private/nessimpl.h>

PetscErrorCode NessClosedSetFromOptions(Ness ness, PetscOptionItems *PetscOptionsObject)
{
  MPI_Comm comm = PetscObjectComm((PetscObject)ness);
  char     list[PETSC_MAX_PATH_LEN], names[NESS_MAX_SPECIES][NESS_NAME_LEN];
  PetscInt n;

  PetscFunctionBegin;
  list[0] = 0;
  PetscCall(PetscOptionsString("-ness_closed_species", "Comma-separated species whose total amount is fixed (a closed cell): their mean concentration over the domain stays at their bulk concentration", "NessSetFromOptions", list, list, sizeof(list), NULL));
  PetscCall(NessSplitList(comm, list, NESS_MAX_SPECIES, names, &n, "-ness_closed_species"));
  ness->nclosed = 0;
  for (PetscInt k = 0; k < n; k++) {
    PetscInt idx = -1;
    for (PetscInt i = 0; i < ness->ns; i++) {
      PetscBool same;
      PetscCall(PetscStrcmp(names[k], ness->sp[i].name, &same));
      if (same) idx = i;
    }
    PetscCheck(idx >= 0, comm, PETSC_ERR_USER_INPUT, "-ness_closed_species names species '%s', which is not in -ness_species_names", names[k]);
    for (PetscInt j = 0; j < ness->nclosed; j++) PetscCheck(ness->closed[j] != idx, comm, PETSC_ERR_USER_INPUT, "-ness_closed_species names species '%s' twice", names[k]);
    ness->closed[ness->nclosed++] = idx;
  }
  PetscFunctionReturn(0);
}

/* what exchanges species i with the outside of the domain (NULL: nothing), for messages */
static const char *Exchange(Ness ness, PetscInt i, const char **name)
{
  *name = "";
  if (ness->nbulk) {
    *name = ness->bulk[0];
    return "bulk boundary";
  }
  if (ness->nout) {
    *name = ness->outflow[0];
    return "outflow boundary";
  }
  if (ness->source) return "volumetric source";
  for (PetscInt e = 0; e < ness->ne; e++)
    for (PetscInt r = 0; r < ness->el[e].nreact; r++)
      if (ness->rx[ness->el[e].react[r]].nu[i] != 0.0) {
        *name = ness->rx[ness->el[e].react[r]].name;
        return "electrode reaction";
      }
  for (PetscInt r = 0; r < ness->nbr; r++)
    if (ness->br[r].nu[i] != 0.0) {
      *name = ness->br[r].name;
      return "bulk reaction";
    }
  return NULL;
}

/*
  NessClosedSetUp - checks the closed species and picks the vertices whose balance each constraint replaces (after
  the section and the solution vector exist, before the solver set-up)
*/
PetscErrorCode NessClosedSetUp(Ness ness)
{
  MPI_Comm     comm = PetscObjectComm((PetscObject)ness);
  NessGeom    *g    = &ness->g;
  PetscMPIInt  rank;
  PetscSection gs;
  PetscInt     found = 0;
  PetscBool   *skip;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (ness->model != NESS_MODEL_SECONDARY) {
    /* a species nothing exchanges makes the steady state singular unless its amount is fixed */
    for (PetscInt i = 0; i < ness->ns; i++) {
      const char *what, *name;
      PetscBool   listed = PETSC_FALSE;
      what               = Exchange(ness, i, &name);
      for (PetscInt k = 0; k < ness->nclosed; k++)
        if (ness->closed[k] == i) listed = PETSC_TRUE;
      PetscCheck(what || listed, comm, PETSC_ERR_USER_INPUT, "Species '%s' is exchanged by no bulk boundary and no reaction, so its steady state is set only by its total amount (a closed cell): add it to -ness_closed_species to keep its mean concentration at -ness_species_%s_bulk",
                 ness->sp[i].name, ness->sp[i].name);
    }
  }
  if (!ness->nclosed) PetscFunctionReturn(0);
  PetscCheck(ness->model != NESS_MODEL_SECONDARY, comm, PETSC_ERR_USER_INPUT, "-ness_closed_species: the secondary model has a uniform composition; closed species need -ness_model pnp or electroneutral");
  for (PetscInt k = 0; k < ness->nclosed; k++) {
    const PetscInt i = ness->closed[k];
    const char    *what, *name;
    what = Exchange(ness, i, &name);
    PetscCheck(!what, comm, PETSC_ERR_USER_INPUT, "-ness_closed_species: the %s '%s' exchanges species '%s', so its total amount is not fixed; a closed species must take part in no reaction, and the cell must have no bulk or outflow boundary", what, name,
               ness->sp[i].name);
  }
  /* the replaced row of each constraint: the species' own row; for the eliminated species of the electroneutral
     model, whose balance is (charge row - sum_j z_j row_j)/z, the row of the first charged kept species j (it holds
     at the solution because z_j != 0, and the constraint's derivative d c/d u_j = -z_j/z gives that row a
     nonzero diagonal, so factorizations without pivoting work) */
  for (PetscInt k = 0; k < ness->nclosed; k++) {
    ness->closed_r[k] = -1;
    for (PetscInt j = 0; j < ness->nu; j++)
      if (ness->kept[j] == ness->closed[k]) ness->closed_r[k] = j;
    for (PetscInt j = 0; j < ness->nu && ness->closed_r[k] < 0; j++)
      if (ness->sp[ness->kept[j]].z != 0.0) ness->closed_r[k] = j;
    PetscCheck(ness->closed_r[k] >= 0, comm, PETSC_ERR_USER_INPUT, "-ness_closed_species: no row to hold the constraint of species '%s'", ness->sp[ness->closed[k]].name);
  }
  /* vertices: interior (no electrode) vertices owned by rank 0, a different one per constraint */
  PetscCall(PetscCalloc1(g->nvloc, &skip));
  for (PetscInt k = 0; k < g->nev; k++) skip[g->evv[k]] = PETSC_TRUE;
  for (PetscInt v = 0; v < g->nvloc; v++)
    if (g->phidir[v] || g->dirichlet[v]) skip[v] = PETSC_TRUE;
  PetscCall(DMGetGlobalSection(ness->dm, &gs));
  for (PetscInt k = 0; k < ness->nclosed; k++) {
    ness->closed_v[k]   = -1;
    ness->closed_row[k] = -1;
  }
  if (rank == 0)
    for (PetscInt q = 0; q < g->nvown && found < ness->nclosed; q++) {
      const PetscInt v = g->vown[q];
      PetscInt       off;
      if (skip[v]) continue;
      PetscCall(PetscSectionGetOffset(gs, v + g->vStart, &off));
      ness->closed_v[found]   = v;
      ness->closed_row[found] = off + ness->closed_r[found];
      found++;
    }
  PetscCall(PetscFree(skip));
  PetscCallMPI(MPI_Bcast(&found, 1, MPIU_INT, 0, comm));
  PetscCheck(found == ness->nclosed, comm, PETSC_ERR_USER_INPUT, "-ness_closed_species: the mesh part of rank 0 has too few interior vertices for %" PetscInt_FMT " closed species; refine the mesh", ness->nclosed);
  PetscCallMPI(MPI_Bcast(ness->closed_row, (PetscMPIInt)ness->nclosed, MPIU_INT, 0, comm));
  PetscFunctionReturn(0);
}

/*
  NessClosedResidual - replaces the balances of the closed species at their vertices by the mean-concentration
  constraints: Xl is the local state, F the assembled global residual (collective)
*/
PetscErrorCode NessClosedResidual(Ness ness, Vec Xl, Vec F)
{
  const NessGeom    *g = &ness->g;
  const PetscScalar *u;
  PetscReal          loc[NESS_MAX_SPECIES], glob[NESS_MAX_SPECIES];
  PetscInt           rstart;

  PetscFunctionBegin;
  if (!ness->nclosed) PetscFunctionReturn(0);
  PetscCall(VecGetArrayRead(Xl, &u));
  for (PetscInt k = 0; k < ness->nclosed; k++) loc[k] = 0.0;
  for (PetscInt q = 0; q < g->nvown; q++) {
    const PetscInt v = g->vown[q];
    PetscReal      c[NESS_MAX_SPECIES], psi;
    NessVertexState(ness, &u[v * ness->nf], c, &psi);
    for (PetscInt k = 0; k < ness->nclosed; k++) loc[k] += g->vol[v] * c[ness->closed[k]];
  }
  PetscCall(VecRestoreArrayRead(Xl, &u));
  PetscCall(MPIU_Allreduce(loc, glob, (PetscMPIInt)ness->nclosed, MPIU_REAL, MPIU_SUM, PetscObjectComm((PetscObject)ness)));
  PetscCall(VecGetOwnershipRange(F, &rstart, NULL));
  for (PetscInt k = 0; k < ness->nclosed; k++)
    if (ness->closed_v[k] >= 0) {
      PetscScalar *f;
      PetscCall(VecGetArray(F, &f));
      f[ness->closed_row[k] - rstart] = glob[k] / g->domain_volume - ness->sp[ness->closed[k]].cbulk / ness->c0;
      PetscCall(VecRestoreArray(F, &f));
    }
  PetscFunctionReturn(0);
}

/* d c_i / d u_j at a vertex, through the full state c = cfix + P u */
static inline PetscReal dCdU(Ness ness, PetscInt i, PetscInt j)
{
  return j < ness->nu ? ness->P[i][j] : 0.0;
}

/*
  NessClosedJacobianRows - the sparse part of the constraint rows in the assembled matrix P: the row of vertex k
  keeps only the constraint's derivatives with respect to vertex k's unknowns (collective)
*/
PetscErrorCode NessClosedJacobianRows(Ness ness, Mat P)
{
  const NessGeom *g = &ness->g;
  PetscInt        rows[NESS_MAX_SPECIES], n = 0;

  PetscFunctionBegin;
  if (!ness->nclosed) PetscFunctionReturn(0);
  for (PetscInt k = 0; k < ness->nclosed; k++)
    if (ness->closed_v[k] >= 0) rows[n++] = ness->closed_row[k];
  PetscCall(MatSetOption(P, MAT_KEEP_NONZERO_PATTERN, PETSC_TRUE));
  PetscCall(MatZeroRows(P, n, rows, 0.0, NULL, NULL));
  for (PetscInt k = 0; k < ness->nclosed; k++) {
    const PetscInt v = ness->closed_v[k];
    PetscInt       cols[NESS_MAX_SPECIES + 1];
    PetscScalar    w[NESS_MAX_SPECIES + 1];
    if (v < 0) continue;
    for (PetscInt j = 0; j < ness->nf; j++) {
      cols[j] = ness->closed_row[k] - ness->closed_r[k] + j;
      w[j]    = g->vol[v] / g->domain_volume * dCdU(ness, ness->closed[k], j);
    }
    PetscCall(MatSetValues(P, 1, &ness->closed_row[k], ness->nf, cols, w, INSERT_VALUES));
  }
  PetscCall(MatAssemblyBegin(P, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(P, MAT_FINAL_ASSEMBLY));
  PetscFunctionReturn(0);
}

/*
  NessCreateLowRankOperator - J = P + B diag(c) C^T (MATLRC) with one column per couple (filled by
  NessControlJacobian at every Jacobian evaluation) and one per closed species (constant, filled here): B = e_k,
  c = 1, C = the constraint's gradient without its vertex-k part. *J is NULL when there are neither (collective)
*/
PetscErrorCode NessCreateLowRankOperator(Ness ness, Mat P, Mat *J)
{
  MPI_Comm        comm = PetscObjectComm((PetscObject)ness);
  const NessGeom *g    = &ness->g;
  const PetscInt  m    = ness->ncouple + ness->nclosed;
  Mat             B, C;
  Vec             c;
  PetscInt        nloc, N;

  PetscFunctionBegin;
  *J = NULL;
  if (!m) PetscFunctionReturn(0);
  PetscCall(VecGetLocalSize(ness->U, &nloc));
  PetscCall(VecGetSize(ness->U, &N));
  PetscCall(MatCreateDense(comm, nloc, PETSC_DECIDE, N, m, NULL, &B));
  PetscCall(MatCreateDense(comm, nloc, PETSC_DECIDE, N, m, NULL, &C));
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, m, &c));
  PetscCall(MatZeroEntries(B));
  PetscCall(MatZeroEntries(C));
  PetscCall(VecSet(c, 0.0));
  for (PetscInt k = 0; k < ness->nclosed; k++) {
    const PetscInt col = ness->ncouple + k;
    Vec            colB, colC, Cl;
    PetscScalar   *a;
    PetscInt       rstart;
    PetscCall(VecSetValue(c, col, 1.0, INSERT_VALUES));
    PetscCall(MatDenseGetColumnVecWrite(B, col, &colB));
    PetscCall(VecGetOwnershipRange(colB, &rstart, NULL));
    if (ness->closed_v[k] >= 0) {
      PetscCall(VecGetArray(colB, &a));
      a[ness->closed_row[k] - rstart] = 1.0;
      PetscCall(VecRestoreArray(colB, &a));
    }
    PetscCall(MatDenseRestoreColumnVecWrite(B, col, &colB));
    PetscCall(DMGetLocalVector(ness->dm, &Cl));
    PetscCall(VecZeroEntries(Cl));
    PetscCall(VecGetArray(Cl, &a));
    for (PetscInt q = 0; q < g->nvown; q++) {
      const PetscInt v = g->vown[q];
      if (v == ness->closed_v[k]) continue; /* in the sparse part */
      for (PetscInt j = 0; j < ness->nu; j++) a[v * ness->nf + j] = g->vol[v] / g->domain_volume * dCdU(ness, ness->closed[k], j);
    }
    PetscCall(VecRestoreArray(Cl, &a));
    PetscCall(MatDenseGetColumnVecWrite(C, col, &colC));
    PetscCall(VecZeroEntries(colC));
    PetscCall(DMLocalToGlobalBegin(ness->dm, Cl, ADD_VALUES, colC));
    PetscCall(DMLocalToGlobalEnd(ness->dm, Cl, ADD_VALUES, colC));
    PetscCall(MatDenseRestoreColumnVecWrite(C, col, &colC));
    PetscCall(DMRestoreLocalVector(ness->dm, &Cl));
  }
  PetscCall(VecAssemblyBegin(c));
  PetscCall(VecAssemblyEnd(c));
  PetscCall(MatAssemblyBegin(B, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(B, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyBegin(C, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(C, MAT_FINAL_ASSEMBLY));
  PetscCall(MatCreateLRC(P, B, c, C, J));
  PetscCall(MatDestroy(&B));
  PetscCall(MatDestroy(&C));
  PetscCall(VecDestroy(&c));
  PetscFunctionReturn(0);
}

/*
  NessLowRankJacobian - completes the Jacobian after NessJacobianLocal assembled the sparse part into P: the rows of
  the closed-species constraints in P, and, when J is the MATLRC over P, the columns of the unknown metal potentials
  (collective)
*/
PetscErrorCode NessLowRankJacobian(Ness ness, Vec Xl, Mat J, Mat P)
{
  PetscBool lrc = PETSC_FALSE;

  PetscFunctionBegin;
  PetscCall(NessClosedJacobianRows(ness, P));
  if (J && J != P) PetscCall(PetscObjectTypeCompare((PetscObject)J, MATLRC, &lrc));
  if (lrc && ness->ncouple) {
    PetscCall(NessUpdateControlPotentials(ness, Xl));
    PetscCall(NessControlJacobian(ness, Xl, J));
  }
  if (J && J != P) { /* the MATLRC, or a host's operator (e.g. MFFD) */
    PetscCall(MatAssemblyBegin(J, MAT_FINAL_ASSEMBLY));
    PetscCall(MatAssemblyEnd(J, MAT_FINAL_ASSEMBLY));
  }
  PetscFunctionReturn(0);
}

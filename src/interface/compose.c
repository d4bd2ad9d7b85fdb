/* Composition with host solvers (embedding levels 3 and 4 of the library API).

   A host nests ness's discretization in its own nonlinear or time-stepping solver the way PETSc composes any
   physics: through callbacks attached to a DM (DMSNES for SNES, DMTS for TS). ness's own SNES and pseudo-time TS
   already own the DMSNES of ness's DM and of a clone of it, so every host solver gets a further clone of the DM
   (same mesh, distribution, section and fields, so PCFIELDSPLIT sees the fields by name), with ness's residual and
   Jacobian attached to the clone. The clone holds a reference to the Ness object, so the callbacks stay valid as long
   as the host solver lives, also after the host's NessDestroy().

   Level 4 (extension) adds a host velocity field; host kinetics laws are registered with NessKineticsRegister()
   (src/model/kinetics.c). */
#include <ness/private/nessimpl.h>

static PetscErrorCode ComposeFunction(SNES snes, Vec X, Vec F, void *ctx)
{
  PetscFunctionBegin;
  PetscCall(NessFormFunction(snes, X, F, ctx)); /* ness's own steady residual */
  PetscFunctionReturn(0);
}

/* the sparse part into P; with unknown metal potentials or closed species the low-rank correction into J when J
   is a MATLRC over P (NessCreateJacobian), else J is assembled as is (e.g. matrix-free J = P or MFFD) */
static PetscErrorCode ComposeJacobianShift(Ness ness, Vec X, PetscReal shift, Mat J, Mat P)
{
  Vec Xl;

  PetscFunctionBegin;
  PetscCall(DMGetLocalVector(ness->dm, &Xl));
  PetscCall(DMGlobalToLocalBegin(ness->dm, X, INSERT_VALUES, Xl));
  PetscCall(DMGlobalToLocalEnd(ness->dm, X, INSERT_VALUES, Xl));
  PetscCall(NessJacobianLocal(ness, Xl, shift, P));
  PetscCall(NessLowRankJacobian(ness, Xl, J, P));
  PetscCall(DMRestoreLocalVector(ness->dm, &Xl));
  PetscFunctionReturn(0);
}

static PetscErrorCode ComposeJacobian(SNES snes, Vec X, Mat J, Mat P, void *ctx)
{
  PetscFunctionBegin;
  PetscCall(ComposeJacobianShift((Ness)ctx, X, 0.0, J, P));
  PetscFunctionReturn(0);
}

static PetscErrorCode ComposeIFunction(TS ts, PetscReal t, Vec X, Vec Xdot, Vec F, void *ctx)
{
  PetscFunctionBegin;
  PetscCall(NessFormIFunction(ts, t, X, Xdot, F, ctx)); /* ness's own pseudo-time residual */
  PetscFunctionReturn(0);
}

static PetscErrorCode ComposeIJacobian(TS ts, PetscReal t, Vec X, Vec Xdot, PetscReal shift, Mat J, Mat P, void *ctx)
{
  PetscFunctionBegin;
  PetscCall(ComposeJacobianShift((Ness)ctx, X, shift, J, P));
  PetscFunctionReturn(0);
}

/* a clone of ness's DM (same mesh, section and named fields) that holds a reference to ness */
static PetscErrorCode CreateComposeDM(Ness ness, DM *dm)
{
  PetscSection sec;

  PetscFunctionBegin;
  PetscCall(DMClone(ness->dm, dm));
  PetscCall(DMGetLocalSection(ness->dm, &sec));
  PetscCall(DMSetLocalSection(*dm, sec));
  PetscCall(DMSetBasicAdjacency(*dm, PETSC_FALSE, PETSC_TRUE));
  PetscCall(PetscObjectSetName((PetscObject)*dm, "ness"));
  PetscCall(PetscObjectCompose((PetscObject)*dm, "Ness", (PetscObject)ness));
  PetscFunctionReturn(0);
}

/*@
  NessCreateJacobian - creates matrices for ness's Jacobian: P, the sparse matrix assembled by the Jacobian
  callbacks (preallocated from the DM), and J, the operator: J = P (a second reference) unless there are unknown
  metal potentials (galvanostatic or floating electrodes) or closed species (-ness_closed_species), where J is a
  MATLRC, P plus the rank-m correction of the current and mean-concentration constraints (collective; sets ness
  up; the caller destroys both)
@*/
PetscErrorCode NessCreateJacobian(Ness ness, Mat *J, Mat *P)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(ness, NESS_CLASSID, 1);
  PetscValidPointer(J, 2);
  PetscValidPointer(P, 3);
  PetscCall(NessSetUp(ness));
  PetscCall(DMCreateMatrix(ness->dm, P));
  PetscCall(MatSetOption(*P, MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_TRUE));
  PetscCall(NessCreateLowRankOperator(ness, *P, J));
  if (!*J) {
    PetscCall(PetscObjectReference((PetscObject)*P));
    *J = *P;
  }
  PetscFunctionReturn(0);
}

/*@
  NessSetSNESCallbacks - makes a host SNES solve ness's steady problem: sets a clone of ness's DM on the SNES (fields
  named after the unknowns, for PCFIELDSPLIT), attaches ness's steady residual and analytic Jacobian to it as DMSNES
  callbacks, and gives the SNES the matrices of NessCreateJacobian() (collective; sets ness up)

  The host keeps full control of the SNES: type, line search, tolerances, KSP and PC (call SNESSetFromOptions()
  afterwards). ness's own SNES, TS and state are not touched. The SNES's DM holds a reference to the Ness.
@*/
PetscErrorCode NessSetSNESCallbacks(Ness ness, SNES snes)
{
  DM  dm;
  Mat J, P;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(ness, NESS_CLASSID, 1);
  PetscValidHeaderSpecific(snes, SNES_CLASSID, 2);
  PetscCheckSameComm(ness, 1, snes, 2);
  PetscCall(NessSetUp(ness));
  PetscCall(CreateComposeDM(ness, &dm));
  PetscCall(SNESSetDM(snes, dm));
  PetscCall(DMSNESSetFunction(dm, ComposeFunction, ness));
  PetscCall(DMSNESSetJacobian(dm, ComposeJacobian, ness));
  PetscCall(NessCreateJacobian(ness, &J, &P));
  PetscCall(SNESSetJacobian(snes, J, P, NULL, NULL));
  PetscCall(MatDestroy(&J));
  PetscCall(MatDestroy(&P));
  PetscCall(DMDestroy(&dm));
  PetscFunctionReturn(0);
}

/*@
  NessSetTSCallbacks - makes a host TS integrate ness's time-dependent problem M du/dt + F(u) = 0 (storage terms of
  the species; the potential equation has none, so the system is a DAE of index 1): sets a clone of ness's DM on the
  TS and attaches ness's IFunction and IJacobian (shifted analytic Jacobian) to it as DMTS callbacks, with the
  matrices of NessCreateJacobian() (collective; sets ness up)

  Time is in units of L^2/D0 (the pseudo-time units of -ness_pseudo_dt; see NessView() for L and D0).
@*/
PetscErrorCode NessSetTSCallbacks(Ness ness, TS ts)
{
  DM   dm;
  Mat  J, P;
  SNES snes;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(ness, NESS_CLASSID, 1);
  PetscValidHeaderSpecific(ts, TS_CLASSID, 2);
  PetscCheckSameComm(ness, 1, ts, 2);
  PetscCall(NessSetUp(ness));
  PetscCall(CreateComposeDM(ness, &dm));
  PetscCall(TSSetDM(ts, dm));
  PetscCall(TSSetProblemType(ts, TS_NONLINEAR));
  PetscCall(DMTSSetIFunction(dm, ComposeIFunction, ness));
  PetscCall(DMTSSetIJacobian(dm, ComposeIJacobian, ness));
  PetscCall(NessCreateJacobian(ness, &J, &P));
  /* the TS's SNES evaluates the DMTS callbacks through SNESTSFormFunction/SNESTSFormJacobian */
  PetscCall(TSGetSNES(ts, &snes));
  PetscCall(SNESSetJacobian(snes, J, P, NULL, NULL));
  PetscCall(MatDestroy(&J));
  PetscCall(MatDestroy(&P));
  PetscCall(DMDestroy(&dm));
  PetscFunctionReturn(0);
}

/*@
  NessComputeInitialGuess - fills a global Vec on ness's DM (e.g. a copy of NessGetSolution()) with the state the
  first NessSolve() starts from: the bulk composition (each bulk boundary's own on its vertices), phi = 0, and the
  metal-side potential at electrodes with a Dirichlet potential condition (collective; sets ness up)
@*/
PetscErrorCode NessComputeInitialGuess(Ness ness, Vec U)
{
  Vec          Ul;
  PetscScalar *u;
  PetscInt     nf, n, N, nU, NU;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(ness, NESS_CLASSID, 1);
  PetscValidHeaderSpecific(U, VEC_CLASSID, 2);
  PetscCall(NessSetUp(ness));
  PetscCall(VecGetLocalSize(U, &n));
  PetscCall(VecGetSize(U, &N));
  PetscCall(VecGetLocalSize(ness->U, &nU));
  PetscCall(VecGetSize(ness->U, &NU));
  PetscCheck(n == nU && N == NU, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "Vec of size %" PetscInt_FMT " (local %" PetscInt_FMT ") is not a global Vec of ness's DM (size %" PetscInt_FMT ", local %" PetscInt_FMT ")", N, n, NU, nU);
  nf = ness->nf;
  /* the same state as SetInitialGuess() in src/solve/solve.c */
  PetscCall(DMGetLocalVector(ness->dm, &Ul));
  PetscCall(VecGetArray(Ul, &u));
  for (PetscInt v = 0; v < ness->g.nvloc; v++) {
    for (PetscInt j = 0; j < ness->nu; j++) u[v * nf + j] = (ness->g.dirichlet[v] ? ness->bulkc[ness->g.dirb[v]][ness->kept[j]] : ness->sp[ness->kept[j]].cbulk) / ness->c0;
    u[v * nf + ness->nu] = 0.0;
    if (ness->g.phidir[v] && !ness->g.dirichlet[v]) {
      const NessElectrode *el = &ness->el[ness->g.phidir[v] - 1];
      u[v * nf + ness->nu]    = ness->f * (el->Es - el->Epzc);
    }
  }
  PetscCall(VecRestoreArray(Ul, &u));
  PetscCall(DMLocalToGlobalBegin(ness->dm, Ul, INSERT_VALUES, U));
  PetscCall(DMLocalToGlobalEnd(ness->dm, Ul, INSERT_VALUES, U));
  PetscCall(DMRestoreLocalVector(ness->dm, &Ul));
  PetscFunctionReturn(0);
}

/*@C
  NessSetVelocityFunction - supplies the advection velocity as a host function u(x) (m/s at the physical point x,
  dim components; the remaining components are 0 on entry), which replaces -ness_velocity_type and its options
  (not collective, but every rank must set it; call before NessSetUp(); NULL removes it)

  ness evaluates it at set-up (edge midpoints, outflow boundary faces) and again for the output fields (current
  density), so ctx must stay valid until NessDestroy(). The field should be divergence-free.
@*/
PetscErrorCode NessSetVelocityFunction(Ness ness, PetscErrorCode (*f)(void *, const PetscReal[], PetscReal[]), void *ctx)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(ness, NESS_CLASSID, 1);
  PetscCheck(!ness->setupcalled, PETSC_COMM_SELF, PETSC_ERR_ORDER, "Call NessSetVelocityFunction() before NessSetUp(): the velocity enters the set-up of the discretization");
  PetscCheck(!f || ness->model != NESS_MODEL_SECONDARY, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONGSTATE, "The secondary model has uniform composition: advection does not enter it");
  ness->vfunc = f;
  ness->vctx  = f ? ctx : NULL;
  PetscFunctionReturn(0);
}

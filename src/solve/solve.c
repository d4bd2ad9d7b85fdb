/* Steady state: pseudo-transient continuation (TSPSEUDO, implicit Euler with the storage terms) followed by a
   Newton solve of the steady residual. Both use the same residual and analytic Jacobian. */
#include <ness/private/nessimpl.h>

PetscErrorCode NessFormFunction(SNES snes, Vec X, Vec F, void *ctx)
{
  Ness ness = (Ness)ctx;
  Vec  Xl, Fl;

  PetscFunctionBegin;
  PetscCall(DMGetLocalVector(ness->dm, &Xl));
  PetscCall(DMGetLocalVector(ness->dm, &Fl));
  PetscCall(DMGlobalToLocalBegin(ness->dm, X, INSERT_VALUES, Xl));
  PetscCall(DMGlobalToLocalEnd(ness->dm, X, INSERT_VALUES, Xl));
  PetscCall(NessUpdateControlPotentials(ness, Xl));
  PetscCall(NessResidualLocal(ness, Xl, NULL, 0.0, Fl));
  PetscCall(VecZeroEntries(F));
  PetscCall(DMLocalToGlobalBegin(ness->dm, Fl, ADD_VALUES, F));
  PetscCall(DMLocalToGlobalEnd(ness->dm, Fl, ADD_VALUES, F));
  PetscCall(NessClosedResidual(ness, Xl, F));
  PetscCall(DMRestoreLocalVector(ness->dm, &Xl));
  PetscCall(DMRestoreLocalVector(ness->dm, &Fl));
  PetscFunctionReturn(0);
}

/* A state far from the solution can overflow the exponentials of the kinetics or of the Scharfetter-Gummel flux:
   a Jacobian with Inf/NaN entries is reported to the SNES as a domain error (the Newton solve fails cleanly and
   the pseudo-time step or continuation stage is retried), never handed to the factorization */
static PetscErrorCode CheckJacobianFinite(Ness ness, SNES snes, Mat P)
{
  PetscReal nrm;

  PetscFunctionBegin;
  PetscCall(MatNorm(P, NORM_FROBENIUS, &nrm));
  if (PetscIsInfOrNanReal(nrm)) {
    PetscCall(PetscInfo(ness, "Jacobian with Inf/NaN entries: domain error\n"));
    PetscCall(SNESSetJacobianDomainError(snes));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode FormJacobian(SNES snes, Vec X, Mat J, Mat P, void *ctx)
{
  Ness ness = (Ness)ctx;
  Vec  Xl;

  PetscFunctionBegin;
  PetscCall(DMGetLocalVector(ness->dm, &Xl));
  PetscCall(DMGlobalToLocalBegin(ness->dm, X, INSERT_VALUES, Xl));
  PetscCall(DMGlobalToLocalEnd(ness->dm, X, INSERT_VALUES, Xl));
  PetscCall(NessJacobianLocal(ness, Xl, 0.0, P));
  PetscCall(NessLowRankJacobian(ness, Xl, J, P));
  PetscCall(DMRestoreLocalVector(ness->dm, &Xl));
  PetscCall(CheckJacobianFinite(ness, snes, P));
  PetscFunctionReturn(0);
}

PetscErrorCode NessFormIFunction(TS ts, PetscReal t, Vec X, Vec Xdot, Vec F, void *ctx)
{
  Ness ness = (Ness)ctx;
  Vec  Xl, Xdl, Fl;

  PetscFunctionBegin;
  PetscCall(DMGetLocalVector(ness->dm, &Xl));
  PetscCall(DMGetLocalVector(ness->dm, &Xdl));
  PetscCall(DMGetLocalVector(ness->dm, &Fl));
  PetscCall(DMGlobalToLocalBegin(ness->dm, X, INSERT_VALUES, Xl));
  PetscCall(DMGlobalToLocalEnd(ness->dm, X, INSERT_VALUES, Xl));
  PetscCall(DMGlobalToLocalBegin(ness->dm, Xdot, INSERT_VALUES, Xdl));
  PetscCall(DMGlobalToLocalEnd(ness->dm, Xdot, INSERT_VALUES, Xdl));
  PetscCall(NessUpdateControlPotentials(ness, Xl));
  PetscCall(NessResidualLocal(ness, Xl, Xdl, t, Fl));
  PetscCall(VecZeroEntries(F));
  PetscCall(DMLocalToGlobalBegin(ness->dm, Fl, ADD_VALUES, F));
  PetscCall(DMLocalToGlobalEnd(ness->dm, Fl, ADD_VALUES, F));
  PetscCall(NessClosedResidual(ness, Xl, F));
  PetscCall(DMRestoreLocalVector(ness->dm, &Xl));
  PetscCall(DMRestoreLocalVector(ness->dm, &Xdl));
  PetscCall(DMRestoreLocalVector(ness->dm, &Fl));
  PetscFunctionReturn(0);
}

PetscErrorCode NessFormIJacobian(TS ts, PetscReal t, Vec X, Vec Xdot, PetscReal shift, Mat J, Mat P, void *ctx)
{
  Ness ness = (Ness)ctx;
  Vec  Xl;

  PetscFunctionBegin;
  PetscCall(DMGetLocalVector(ness->dm, &Xl));
  PetscCall(DMGlobalToLocalBegin(ness->dm, X, INSERT_VALUES, Xl));
  PetscCall(DMGlobalToLocalEnd(ness->dm, X, INSERT_VALUES, Xl));
  PetscCall(NessJacobianLocal(ness, Xl, shift, P));
  PetscCall(NessLowRankJacobian(ness, Xl, J, P));
  PetscCall(DMRestoreLocalVector(ness->dm, &Xl));
  {
    SNES snes;
    PetscCall(TSGetSNES(ts, &snes));
    PetscCall(CheckJacobianFinite(ness, snes, P));
  }
  PetscFunctionReturn(0);
}

/* LU (MUMPS in parallel) for small problems, GMRES + ASM/ILU otherwise; PETSc options override */
PetscErrorCode NessSetDefaultLinearSolver(Ness ness, KSP ksp)
{
  PC pc;

  PetscFunctionBegin;
  PetscCall(KSPGetPC(ksp, &pc));
  if (ness->ncouple + ness->nclosed && ness->g.nvglobal * ness->nf <= 200000) {
    /* Jacobian = sparse A + rank-m correction (MATLRC): GMRES preconditioned by A's LU converges in ~m+1 steps */
    PetscCall(KSPSetType(ksp, KSPGMRES));
    PetscCall(PCSetType(pc, PCLU));
#if defined(PETSC_HAVE_MUMPS)
    PetscCall(PCFactorSetMatSolverType(pc, MATSOLVERMUMPS));
#endif
    PetscCall(KSPSetTolerances(ksp, 1e-13, 1e-50, PETSC_DEFAULT, 100));
  } else if (ness->g.nvglobal * ness->nf <= 200000) {
    PetscCall(KSPSetType(ksp, KSPPREONLY));
    PetscCall(PCSetType(pc, PCLU));
#if defined(PETSC_HAVE_MUMPS)
    PetscCall(PCFactorSetMatSolverType(pc, MATSOLVERMUMPS));
#endif
  } else {
    PetscCall(KSPSetType(ksp, KSPGMRES));
    PetscCall(KSPGMRESSetRestart(ksp, 100));
    PetscCall(PCSetType(pc, PCASM));
    PetscCall(KSPSetTolerances(ksp, 1e-10, 1e-30, PETSC_DEFAULT, 1000));
  }
  PetscFunctionReturn(0);
}

/* bulk composition, phi = 0, and the Dirichlet values */
static PetscErrorCode SetInitialGuess(Ness ness)
{
  Vec          Ul;
  PetscScalar *u;
  PetscInt     nf = ness->nf, ns = ness->ns;

  PetscFunctionBegin;
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
  (void)ns;
  PetscCall(VecRestoreArray(Ul, &u));
  PetscCall(DMLocalToGlobalBegin(ness->dm, Ul, INSERT_VALUES, ness->U));
  PetscCall(DMLocalToGlobalEnd(ness->dm, Ul, INSERT_VALUES, ness->U));
  PetscCall(DMRestoreLocalVector(ness->dm, &Ul));
  PetscFunctionReturn(0);
}

/* Newton steps keep every concentration positive: a species unknown that the step would take below a tenth of
   its current value is set to that tenth instead (a projection, component by component, so one tiny co-ion
   concentration in a double layer does not shorten the whole step). Far from the solution this keeps
   exponentially stiff kinetics and diffusion-limited states in the physical region; near it nothing is clipped. */
static PetscErrorCode PositivityPostCheck(SNESLineSearch ls, Vec X, Vec Y, Vec W, PetscBool *changedY, PetscBool *changedW, void *ctx)
{
  Ness               ness = (Ness)ctx;
  const PetscScalar *x;
  PetscScalar       *w;
  PetscInt           n, nf = ness->nf, nclip = 0;

  PetscFunctionBegin;
  *changedY = PETSC_FALSE;
  *changedW = PETSC_FALSE;
  if (ness->nu == 0) PetscFunctionReturn(0);
  PetscCall(VecGetLocalSize(X, &n));
  PetscCall(VecGetArrayRead(X, &x));
  PetscCall(VecGetArray(W, &w));
  for (PetscInt v = 0; v < n / nf; v++)
    for (PetscInt j = 0; j < ness->nu; j++) {
      const PetscReal xo = PetscRealPart(x[v * nf + j]);
      if (xo > 0 && PetscRealPart(w[v * nf + j]) < 0.1 * xo) {
        w[v * nf + j] = 0.1 * xo;
        nclip++;
      }
    }
  PetscCall(VecRestoreArrayRead(X, &x));
  PetscCall(VecRestoreArray(W, &w));
  if (nclip) *changedW = PETSC_TRUE;
  {
    PetscInt g;
    PetscCall(MPIU_Allreduce(&nclip, &g, 1, MPIU_INT, MPI_SUM, PetscObjectComm((PetscObject)ness)));
    ness->damped = g ? PETSC_TRUE : PETSC_FALSE;
  }
  (void)ls;
  (void)Y;
  PetscFunctionReturn(0);
}

/* Electroneutral model: the potential follows the composition through charge conservation, so a clipped
   composition with an unclipped potential is inconsistent; there the whole step is shortened instead, so that no
   concentration (also the eliminated one) that the full step would make negative falls below a tenth of its value. */
static PetscErrorCode PositivityPreCheck(SNESLineSearch ls, Vec X, Vec Y, PetscBool *changed, void *ctx)
{
  Ness               ness = (Ness)ctx;
  const PetscScalar *x, *y;
  PetscInt           n, nf = ness->nf, ns = ness->ns;
  PetscReal          lam = 1.0, glam;

  PetscFunctionBegin;
  *changed = PETSC_FALSE;
  PetscCall(VecGetLocalSize(X, &n));
  PetscCall(VecGetArrayRead(X, &x));
  PetscCall(VecGetArrayRead(Y, &y));
  for (PetscInt v = 0; v < n / nf; v++) {
    PetscReal c[NESS_MAX_SPECIES], psi;
    NessVertexState(ness, &x[v * nf], c, &psi);
    for (PetscInt i = 0; i < ns; i++) {
      PetscReal dc = 0.0; /* the update is c - lam dc */
      for (PetscInt j = 0; j < ness->nu; j++) dc += ness->P[i][j] * PetscRealPart(y[v * nf + j]);
      if (dc > c[i] && c[i] > 0) lam = PetscMin(lam, 0.9 * c[i] / dc);
    }
  }
  PetscCall(VecRestoreArrayRead(X, &x));
  PetscCall(VecRestoreArrayRead(Y, &y));
  PetscCall(MPIU_Allreduce(&lam, &glam, 1, MPIU_REAL, MPIU_MIN, PetscObjectComm((PetscObject)ness)));
  ness->damped = glam < 1.0 ? PETSC_TRUE : PETSC_FALSE;
  if (glam < 1.0) {
    PetscCall(VecScale(Y, glam));
    *changed = PETSC_TRUE;
  }
  (void)ls;
  PetscFunctionReturn(0);
}

static PetscErrorCode SetPositivity(Ness ness, SNESLineSearch ls)
{
  PetscFunctionBegin;
  if (ness->model == NESS_MODEL_ELECTRONEUTRAL) PetscCall(SNESLineSearchSetPreCheck(ls, PositivityPreCheck, ness));
  else if (ness->model == NESS_MODEL_PNP) PetscCall(SNESLineSearchSetPostCheck(ls, PositivityPostCheck, ness));
  PetscFunctionReturn(0);
}

/* Convergence of the final Newton solve: PETSc's default test, except that a tiny step (stol) counts as
   convergence only when the step was not shortened by the positivity safeguard (a damped step can be tiny far
   from the solution) */
static PetscErrorCode ConvergedTest(SNES snes, PetscInt it, PetscReal xnorm, PetscReal snorm, PetscReal fnorm, SNESConvergedReason *reason, void *ctx)
{
  Ness ness = (Ness)ctx;

  PetscFunctionBegin;
  PetscCall(SNESConvergedDefault(snes, it, xnorm, snorm, fnorm, reason, NULL));
  if (*reason == SNES_CONVERGED_SNORM_RELATIVE && ness->damped) *reason = SNES_CONVERGED_ITERATING;
  PetscFunctionReturn(0);
}

/* a pseudo-time step whose Newton solve needed no iteration means the state is already steady to the inner
   tolerance (the residual floor can sit above TSPseudo's relative stopping test): hand over to the Newton finish */
static PetscErrorCode PseudoPostStep(TS ts)
{
  SNES     snes;
  PetscInt its;

  PetscFunctionBegin;
  PetscCall(TSGetSNES(ts, &snes));
  PetscCall(SNESGetIterationNumber(snes, &its));
  if (its == 0) PetscCall(TSSetConvergedReason(ts, TS_CONVERGED_USER));
  PetscFunctionReturn(0);
}

PetscErrorCode NessSolverSetUp(Ness ness)
{
  MPI_Comm    comm = PetscObjectComm((PetscObject)ness);
  KSP         ksp;
  SNES        tsnes;
  const char *prefix;

  PetscFunctionBegin;
  PetscCall(PetscObjectGetOptionsPrefix((PetscObject)ness, &prefix));
  PetscCall(SNESCreate(comm, &ness->snes));
  PetscCall(SNESSetOptionsPrefix(ness->snes, prefix));
  PetscCall(SNESSetDM(ness->snes, ness->dm));
  PetscCall(SNESSetFunction(ness->snes, NULL, NessFormFunction, ness));
  /* unknown metal potentials and closed species: the Jacobian operator is A + B diag(c) C^T with B, C tall dense
     (one column each) distributed like the solution */
  PetscCall(NessCreateLowRankOperator(ness, ness->J, &ness->Jlrc));
  PetscCall(SNESSetJacobian(ness->snes, ness->Jlrc ? ness->Jlrc : ness->J, ness->J, FormJacobian, ness));
  PetscCall(SNESSetType(ness->snes, SNESNEWTONLS));
  {
    /* pseudo-time marching has globalized: finish with plain Newton steps; at round-off the step norm
       (stol) ends the iteration, since the residual floor scales with the size of the exponentials */
    SNESLineSearch ls;
    PetscCall(SNESGetLineSearch(ness->snes, &ls));
    PetscCall(SNESLineSearchSetType(ls, SNESLINESEARCHBASIC));
    PetscCall(SetPositivity(ness, ls));
  }
  PetscCall(SNESSetTolerances(ness->snes, 1e-11, 1e-12, 1e-12, 50, 10000));
  PetscCall(SNESSetConvergenceTest(ness->snes, ConvergedTest, ness, NULL));
  PetscCall(SNESGetKSP(ness->snes, &ksp));
  PetscCall(NessSetDefaultLinearSolver(ness, ksp));
  PetscCall(SNESSetFromOptions(ness->snes));

  PetscCall(TSCreate(comm, &ness->ts));
  PetscCall(TSSetOptionsPrefix(ness->ts, prefix));
  PetscCall(TSAppendOptionsPrefix(ness->ts, "pseudo_"));
  {
    /* the TS attaches its own DMSNES to its DM: give it a clone so the steady SNES keeps its callbacks */
    DM           dmts;
    PetscSection sec;
    PetscCall(DMClone(ness->dm, &dmts));
    PetscCall(DMGetLocalSection(ness->dm, &sec));
    PetscCall(DMSetLocalSection(dmts, sec));
    PetscCall(TSSetDM(ness->ts, dmts));
    PetscCall(DMDestroy(&dmts));
  }
  PetscCall(TSSetType(ness->ts, TSPSEUDO));
  PetscCall(TSSetIFunction(ness->ts, NULL, NessFormIFunction, ness));
  PetscCall(TSSetIJacobian(ness->ts, ness->Jlrc ? ness->Jlrc : ness->J, ness->J, NessFormIJacobian, ness));
  PetscCall(TSSetTimeStep(ness->ts, ness->tsdt0));
  PetscCall(TSSetMaxSteps(ness->ts, ness->pseudo_max_steps));
  PetscCall(TSSetMaxTime(ness->ts, 1e30));
  PetscCall(TSSetExactFinalTime(ness->ts, TS_EXACTFINALTIME_STEPOVER));
  PetscCall(TSSetMaxSNESFailures(ness->ts, -1));
  /* a rejected pseudo-time step ends the marching; the Newton finish and its converged reason decide */
  PetscCall(TSSetErrorIfStepFails(ness->ts, PETSC_FALSE));
  PetscCall(TSPseudoSetTimeStepIncrement(ness->ts, 1.5));
  PetscCall(TSSetPostStep(ness->ts, PseudoPostStep));
  if (ness->ckpt_interval > 0 || ness->catch_sigterm) PetscCall(TSMonitorSet(ness->ts, NessCheckpointMonitor, ness, NULL));
  PetscCall(TSGetSNES(ness->ts, &tsnes));
  PetscCall(SNESSetType(tsnes, SNESNEWTONLS));
  {
    /* the pseudo-time step is the globalization: plain Newton steps inside it (Kelley-Keyes Psi-tc) */
    SNESLineSearch ls;
    PetscCall(SNESGetLineSearch(tsnes, &ls));
    PetscCall(SNESLineSearchSetType(ls, SNESLINESEARCHBASIC));
    PetscCall(SetPositivity(ness, ls));
  }
  PetscCall(SNESSetTolerances(tsnes, 1e-10, 1e-6, 1e-12, 20, 10000));
  PetscCall(SNESGetKSP(tsnes, &ksp));
  PetscCall(NessSetDefaultLinearSolver(ness, ksp));
  PetscCall(TSSetFromOptions(ness->ts));
  PetscFunctionReturn(0);
}

/* After a failed Newton solve the factorization of its preconditioner may be left in a failed state (PETSc 3.18's
   MUMPS interface then skips the next numeric factorization, "called after analysis phase fails", and MatSolve
   stops with INFOG(1) = -3): reset the PC, so the next solve (continuation stage, retry) factors afresh. */
static PetscErrorCode ResetIfFailed(SNES snes)
{
  SNESConvergedReason r;
  KSP                 ksp;
  PC                  pc;

  PetscFunctionBegin;
  PetscCall(SNESGetConvergedReason(snes, &r));
  if (r > 0) PetscFunctionReturn(0);
  PetscCall(SNESGetKSP(snes, &ksp));
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PCReset(pc));
  PetscFunctionReturn(0);
}

/* warm-started Newton, or pseudo-transient continuation then Newton; sets ness->reason */
static PetscErrorCode SolveCore(Ness ness)
{
  PetscInt it, lit;

  PetscFunctionBegin;
  if (!ness->have_state) PetscCall(SetInitialGuess(ness));
  else if (!ness->solved) {
    /* warm start: the previous state (a steady state of nearby boundary data) is usually inside Newton's basin;
       if Newton fails from it, march in pseudo-time from it instead */
    Vec                 save;
    SNESConvergedReason r;
    PetscCall(VecDuplicate(ness->U, &save));
    PetscCall(VecCopy(ness->U, save));
    PetscCall(SNESSolve(ness->snes, NULL, ness->U));
    PetscCall(SNESGetConvergedReason(ness->snes, &r));
    PetscCall(SNESGetIterationNumber(ness->snes, &it));
    PetscCall(SNESGetLinearSolveIterations(ness->snes, &lit));
    ness->it_newton += it;
    ness->it_linear += lit;
    if (r > 0) ness->solved = PETSC_TRUE;
    else PetscCall(VecCopy(save, ness->U));
    PetscCall(ResetIfFailed(ness->snes));
    PetscCall(VecDestroy(&save));
  }
  if (ness->use_pseudo && !ness->solved) {
    PetscCall(TSSetStepNumber(ness->ts, 0));
    PetscCall(TSSetTime(ness->ts, 0.0));
    PetscCall(TSSetTimeStep(ness->ts, ness->tsdt0));
    PetscCall(TSSolve(ness->ts, ness->U));
    PetscCall(TSGetConvergedReason(ness->ts, &ness->tsreason));
    {
      SNES tsnes;
      PetscCall(TSGetSNES(ness->ts, &tsnes));
      PetscCall(ResetIfFailed(tsnes));
    }
    if (ness->interrupted) { /* stopped on a signal: the checkpoint holds the state; no Newton finish */
      ness->reason = SNES_CONVERGED_ITERATING;
      PetscFunctionReturn(0);
    }
    {
      PetscInt st;
      PetscCall(TSGetStepNumber(ness->ts, &st));
      ness->it_pseudo += st;
    }
    PetscCall(TSGetSNESIterations(ness->ts, &it));
    PetscCall(TSGetKSPIterations(ness->ts, &lit));
    ness->it_newton += it;
    ness->it_linear += lit;
  }
  PetscCall(SNESSolve(ness->snes, NULL, ness->U));
  PetscCall(SNESGetConvergedReason(ness->snes, &ness->reason));
  PetscCall(SNESGetIterationNumber(ness->snes, &it));
  PetscCall(SNESGetLinearSolveIterations(ness->snes, &lit));
  ness->it_newton += it;
  ness->it_linear += lit;
  PetscCall(SNESGetFunctionNorm(ness->snes, &ness->fnorm));
  PetscCall(ResetIfFailed(ness->snes));
  PetscFunctionReturn(0);
}

static PetscErrorCode SolveContinuation(Ness);

/* Unknown metal potentials, first solve: the potentials are held at their initial values (potentiostatic) for the
   pseudo-transient march, because a Frumkin-corrected electrode under current control is a stiff DAE in
   pseudo-time (the Stern layer moves phi with E at fixed charge). Then the current constraints are switched on
   and their targets ramped from the currents of that state to the requested ones, each stage a warm-started
   Newton solve; a failed stage is retried with a quarter of the increment. */
static PetscErrorCode SolveWithControl(Ness ness)
{
  PetscReal I0[NESS_MAX_ELECTRODES], target[NESS_MAX_ELECTRODES], s = 0.0, ds = 1.0;
  Vec       save;
  PetscInt  it, lit, stages = 0;

  PetscFunctionBegin;
  for (PetscInt c = 0; c < ness->ncouple; c++) {
    target[c] = ness->couple[c].target;
    for (PetscInt j = 0; j < ness->couple[c].ne; j++) ness->el[ness->couple[c].el[j]].Es = ness->couple[c].E;
  }
  ness->control_frozen = PETSC_TRUE;
  PetscCall(SolveCore(ness));
  if (ness->reason <= 0 && ness->continuation && !ness->interrupted) {
    /* the frozen problem is potentiostatic: the same continuation paths as a potentiostatic run */
    PetscCall(PetscInfo(ness, "Frozen-potential solve failed (%s); continuation\n", SNESConvergedReasons[ness->reason]));
    PetscCall(SolveContinuation(ness));
  }
  if (ness->reason <= 0) {
    ness->control_frozen = PETSC_FALSE;
    PetscFunctionReturn(0);
  }
  /* the currents of the frozen state at the frozen potentials (still frozen: with the control on, the results
     would first re-solve the potentials for the final targets, and the ramp would start with a jump) */
  PetscCall(NessComputeElectrodeResults(ness, ness->U));
  ness->control_frozen = PETSC_FALSE;
  for (PetscInt c = 0; c < ness->ncouple; c++) {
    I0[c] = 0.0;
    for (PetscInt j = 0; j < ness->couple[c].ne; j++) I0[c] += ness->el[ness->couple[c].el[j]].current;
  }
  PetscCall(VecDuplicate(ness->U, &save));
  while (s < 1.0) {
    const PetscReal sn = PetscMin(1.0, s + ds);
    for (PetscInt c = 0; c < ness->ncouple; c++) ness->couple[c].target = I0[c] + sn * (target[c] - I0[c]);
    PetscCall(VecCopy(ness->U, save));
    PetscCall(SNESSolve(ness->snes, NULL, ness->U));
    PetscCall(SNESGetConvergedReason(ness->snes, &ness->reason));
    PetscCall(SNESGetIterationNumber(ness->snes, &it));
    PetscCall(SNESGetLinearSolveIterations(ness->snes, &lit));
    PetscCall(ResetIfFailed(ness->snes));
    ness->it_newton += it;
    ness->it_linear += lit;
    stages++;
    if (ness->reason > 0) {
      s  = sn;
      ds = PetscMin(1.0, 2.0 * ds);
    } else {
      PetscCall(VecCopy(save, ness->U));
      ds *= 0.25;
      if (ds < 1e-4 || stages > 60) break;
    }
  }
  PetscCall(PetscInfo(ness, "Current control reached after %" PetscInt_FMT " Newton stages (last fraction %g)\n", stages, (double)s));
  for (PetscInt c = 0; c < ness->ncouple; c++) ness->couple[c].target = target[c];
  PetscCall(VecDestroy(&save));
  PetscFunctionReturn(0);
}

/* Continuation when the direct solve failed: a homotopy in one parameter s in [0, 1], s = 1 being the problem
   asked for, marched in warm-started stages (the step grows 1.5x on success and halves on failure). Three paths,
   tried in this order until one reaches s = 1 (each from the bulk initial state):
     potential: every potentiostatic electrode moves from its equilibrium with the bulk (the Nernst potential of
                its first reaction at the bulk composition; E_pzc for a blocking electrode) to its target, so the
                first stage is close to the initial guess;
     rate:      every electrode exchange current density and both rate constants of every bulk reaction (so their
                equilibrium constants stay) are scaled by 10^(-K (1 - s)); K is chosen so that the fastest reaction
                starts at 1e-3 A/m^2 or less at its full overpotential: the cell starts nearly blocked, and the
                exponentially stiff kinetics comes in gradually;
     debye:     (pnp) the permittivity is scaled by 10^(K (1 - s)), so the Debye length starts at L/100 (K from the
                ionic strength) and shrinks to its value: thin, stiff double layers come in gradually. */
typedef enum {
  CONT_POTENTIAL,
  CONT_RATE,
  CONT_DEBYE
} ContKind;
const char *const NessContinuationPaths[] = {"potential", "rate", "debye"}; /* in the order of ContKind */
#define ContNames NessContinuationPaths

typedef struct {
  PetscReal Et[NESS_MAX_ELECTRODES], E0[NESS_MAX_ELECTRODES];
  PetscReal i0[NESS_MAX_REACTIONS], kf[NESS_MAX_REACTIONS], kb[NESS_MAX_REACTIONS];
  PetscReal epsr, K;
} Homotopy;

/* the electrode's equilibrium potential with the bulk composition */
static PetscReal BulkEquilibrium(Ness ness, const NessElectrode *el)
{
  const NessReaction *rx;
  PetscReal           lnq = 0.0;
  if (el->nreact == 0) return el->Epzc;
  rx = &ness->rx[el->react[0]];
  for (PetscInt i = 0; i < ness->ns; i++)
    if (rx->nu[i] != 0.0) lnq += rx->nu[i] * PetscLogReal(ness->sp[i].cbulk / ness->sp[i].cref);
  return rx->Eeq + lnq / (rx->n * ness->f);
}

static void HomotopyInit(Ness ness, ContKind kind, Homotopy *h)
{
  for (PetscInt e = 0; e < ness->ne; e++) {
    h->Et[e] = ness->el[e].Es;
    h->E0[e] = ness->el[e].couple >= 0 && !ness->control_frozen ? ness->el[e].Es : BulkEquilibrium(ness, &ness->el[e]);
  }
  for (PetscInt r = 0; r < ness->nr; r++) h->i0[r] = ness->rx[r].i0;
  for (PetscInt r = 0; r < ness->nbr; r++) {
    h->kf[r] = ness->br[r].kf;
    h->kb[r] = ness->br[r].kb;
  }
  h->epsr = ness->epsr;
  h->K    = 0.0;
  if (kind == CONT_RATE) {
    /* decades that bring the largest current density at the full overpotential down to 1e-3 A/m^2 */
    PetscReal dec = 2.0;
    for (PetscInt e = 0; e < ness->ne; e++) {
      const NessElectrode *el  = &ness->el[e];
      const PetscReal      eta = PetscAbsReal(h->Et[e] - h->E0[e]);
      for (PetscInt k = 0; k < el->nreact; k++) {
        const NessReaction *rx = &ness->rx[el->react[k]];
        const PetscReal     a  = PetscMax(rx->alpha_a, rx->alpha_c);
        dec                    = PetscMax(dec, PetscLog10Real(PetscMax(rx->i0, 1e-300) / 1e-3) + a * rx->n * ness->f * eta / PetscLogReal(10.0));
      }
    }
    h->K = PetscMin(dec, 60.0);
  } else if (kind == CONT_DEBYE) {
    PetscReal ionic = 0.0, lD;
    for (PetscInt i = 0; i < ness->ns; i++) ionic += PetscSqr(ness->sp[i].z) * ness->sp[i].cbulk;
    lD   = PetscSqrtReal(ness->epsr * NESS_EPS0 / (NESS_FARADAY * ness->f * PetscMax(ionic, 1e-300)));
    h->K = PetscMax(0.0, 2.0 * PetscLog10Real(0.01 * ness->L / lD));
  }
}

static void HomotopySet(Ness ness, ContKind kind, const Homotopy *h, PetscReal s)
{
  const PetscReal sc = PetscPowReal(10.0, -h->K * (1.0 - s));
  switch (kind) {
  case CONT_POTENTIAL:
    for (PetscInt e = 0; e < ness->ne; e++)
      if (ness->el[e].couple < 0 || ness->control_frozen) ness->el[e].Es = h->E0[e] + s * (h->Et[e] - h->E0[e]);
    break;
  case CONT_RATE:
    for (PetscInt r = 0; r < ness->nr; r++) ness->rx[r].i0 = s >= 1.0 ? h->i0[r] : h->i0[r] * sc;
    for (PetscInt r = 0; r < ness->nbr; r++) {
      ness->br[r].kf = s >= 1.0 ? h->kf[r] : h->kf[r] * sc;
      ness->br[r].kb = s >= 1.0 ? h->kb[r] : h->kb[r] * sc;
    }
    break;
  case CONT_DEBYE:
    ness->epsr = s >= 1.0 ? h->epsr : h->epsr / sc;
    break;
  }
  ness->Lambda = NessLambda(ness);
}

static PetscErrorCode SolveHomotopy(Ness ness, ContKind kind, PetscInt *nstages, PetscReal *reached)
{
  Homotopy  h;
  PetscReal s = 0.0, ds = 0.25;
  Vec       save;
  PetscInt  stages = 0;
  PetscBool ok;

  PetscFunctionBegin;
  HomotopyInit(ness, kind, &h);
  PetscCall(PetscInfo(ness, "Continuation in %s (K = %g)\n", ContNames[kind], (double)h.K));
  HomotopySet(ness, kind, &h, 0.0);
  ness->have_state = PETSC_FALSE;
  ness->solved     = PETSC_FALSE;
  PetscCall(SolveCore(ness));
  stages++;
  ok = ness->reason > 0 ? PETSC_TRUE : PETSC_FALSE;
  PetscCall(VecDuplicate(ness->U, &save));
  while (ok && s < 1.0 && !ness->interrupted) {
    const PetscReal sn = PetscMin(1.0, s + ds);
    PetscCall(VecCopy(ness->U, save));
    HomotopySet(ness, kind, &h, sn);
    ness->have_state = PETSC_TRUE;
    ness->solved     = PETSC_FALSE;
    PetscCall(SolveCore(ness));
    stages++;
    if (ness->reason > 0) {
      s  = sn;
      ds = PetscMin(1.0, 1.5 * ds);
    } else {
      PetscCall(VecCopy(save, ness->U));
      ds *= 0.5;
      if (ds < 1e-3 || stages > 80) break; /* else keep going with a smaller step */
    }
  }
  if (s < 1.0 && ness->reason > 0) ness->reason = SNES_DIVERGED_MAX_IT;
  HomotopySet(ness, kind, &h, 1.0); /* the problem asked for, whatever was reached */
  PetscCall(PetscInfo(ness, "Continuation in %s: %" PetscInt_FMT " stages, reached s = %g\n", ContNames[kind], stages, (double)s));
  *nstages = stages;
  *reached = s;
  PetscCall(VecDestroy(&save));
  PetscFunctionReturn(0);
}

/* the continuation paths in turn until one reaches the problem asked for; records the path */
static PetscErrorCode SolveContinuation(Ness ness)
{
  char path[sizeof(ness->cont_path)];

  PetscFunctionBegin;
  path[0]            = 0;
  ness->cont_stages  = 0;
  ness->cont_reached = 0.0;
  for (PetscInt k = 0; k < ness->ncont_paths; k++) {
    const ContKind kind = (ContKind)ness->cont_paths[k];
    PetscInt       st   = 0;
    PetscReal      re   = 0.0;
    char           item[64];
    if (kind == CONT_DEBYE && ness->model != NESS_MODEL_PNP) continue;
    if (kind == CONT_POTENTIAL && ness->ne == 0) continue;
    PetscCall(SolveHomotopy(ness, kind, &st, &re));
    ness->cont_stages += st;
    ness->cont_reached = re;
    PetscCall(PetscSNPrintf(item, sizeof(item), "%s%s %.0f%%", path[0] ? ", " : "", ContNames[kind], (double)(100 * re)));
    PetscCall(PetscStrlcat(path, item, sizeof(path)));
    PetscCall(PetscStrncpy(ness->cont_kind, ContNames[kind], sizeof(ness->cont_kind)));
    if (ness->reason > 0 || ness->interrupted) break;
  }
  PetscCall(PetscStrncpy(ness->cont_path, path, sizeof(ness->cont_path)));
  PetscFunctionReturn(0);
}

/* 2-norm of the final scaled residual per unknown field (each kept species, then psi) */
static PetscErrorCode FieldResidualNorms(Ness ness)
{
  Vec                F;
  const PetscScalar *f;
  PetscInt           n, nf = ness->nf;
  PetscReal          loc[NESS_MAX_SPECIES + 1], glob[NESS_MAX_SPECIES + 1];

  PetscFunctionBegin;
  PetscCall(VecDuplicate(ness->U, &F));
  PetscCall(NessFormFunction(ness->snes, ness->U, F, ness));
  PetscCall(VecGetLocalSize(F, &n));
  PetscCall(VecGetArrayRead(F, &f));
  for (PetscInt j = 0; j < nf; j++) loc[j] = 0.0;
  for (PetscInt i = 0; i < n; i++) loc[i % nf] += PetscSqr(PetscRealPart(f[i]));
  PetscCall(VecRestoreArrayRead(F, &f));
  PetscCall(VecDestroy(&F));
  PetscCall(MPIU_Allreduce(loc, glob, nf, MPIU_REAL, MPIU_SUM, PetscObjectComm((PetscObject)ness)));
  for (PetscInt j = 0; j < nf; j++) ness->fieldnorm[j] = PetscSqrtReal(glob[j]);
  PetscFunctionReturn(0);
}

/* smallest and largest concentration of every species over the mesh (mol/m^3) */
static PetscErrorCode ConcentrationRange(Ness ness)
{
  Vec                Ul;
  const PetscScalar *u;
  PetscReal          loc[2 * NESS_MAX_SPECIES], glob[2 * NESS_MAX_SPECIES];
  const PetscInt     ns = ness->ns;

  PetscFunctionBegin;
  for (PetscInt i = 0; i < ns; i++) loc[i] = loc[ns + i] = -PETSC_MAX_REAL; /* -min, max */
  PetscCall(DMGetLocalVector(ness->dm, &Ul));
  PetscCall(DMGlobalToLocalBegin(ness->dm, ness->U, INSERT_VALUES, Ul));
  PetscCall(DMGlobalToLocalEnd(ness->dm, ness->U, INSERT_VALUES, Ul));
  PetscCall(VecGetArrayRead(Ul, &u));
  for (PetscInt k = 0; k < ness->g.nvown; k++) {
    PetscReal c[NESS_MAX_SPECIES], psi;
    NessVertexState(ness, &u[ness->g.vown[k] * ness->nf], c, &psi);
    for (PetscInt i = 0; i < ns; i++) {
      loc[i]      = PetscMax(loc[i], -c[i] * ness->c0);
      loc[ns + i] = PetscMax(loc[ns + i], c[i] * ness->c0);
    }
  }
  PetscCall(VecRestoreArrayRead(Ul, &u));
  PetscCall(DMRestoreLocalVector(ness->dm, &Ul));
  if (ns) PetscCall(MPIU_Allreduce(loc, glob, (PetscMPIInt)(2 * ns), MPIU_REAL, MPIU_MAX, PetscObjectComm((PetscObject)ness)));
  for (PetscInt i = 0; i < ns; i++) {
    ness->crange[i][0] = -glob[i];
    ness->crange[i][1] = glob[ns + i];
  }
  PetscFunctionReturn(0);
}

/*@
  NessViewResidual - prints the 2-norm of the final scaled residual of each unknown field (each species the model
  keeps, then psi), which shows where a solve that did not converge is stuck (collective)
@*/
PetscErrorCode NessViewResidual(Ness ness, PetscViewer viewer)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(ness, NESS_CLASSID, 1);
  if (!viewer) PetscCall(PetscViewerASCIIGetStdout(PetscObjectComm((PetscObject)ness), &viewer));
  PetscCall(PetscViewerASCIIPrintf(viewer, "  residual norms per field:"));
  PetscCall(PetscViewerASCIIUseTabs(viewer, PETSC_FALSE));
  for (PetscInt j = 0; j < ness->nf; j++) PetscCall(PetscViewerASCIIPrintf(viewer, " %s %.3e", j < ness->nu ? ness->sp[ness->kept[j]].name : "psi", (double)ness->fieldnorm[j]));
  PetscCall(PetscViewerASCIIPrintf(viewer, "\n"));
  PetscCall(PetscViewerASCIIUseTabs(viewer, PETSC_TRUE));
  PetscFunctionReturn(0);
}

/*@
  NessSolve - marches to the steady state: pseudo-transient continuation, then Newton (collective)
@*/
PetscErrorCode NessSolve(Ness ness)
{
  PetscLogDouble t0, t1;
  PetscLogStage  stage;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(ness, NESS_CLASSID, 1);
  PetscCall(NessSetUp(ness));
  PetscCall(PetscTime(&t0));
  PetscCall(PetscLogStageGetId("Ness solve", &stage));
  if (stage < 0) PetscCall(PetscLogStageRegister("Ness solve", &stage));
  PetscCall(PetscLogStagePush(stage));
  PetscCall(PetscLogEventBegin(NESS_Solve, ness, 0, 0, 0));
  ness->it_pseudo = ness->it_newton = ness->it_linear = 0;
  ness->cont_stages                                   = 0;
  ness->cont_reached                                  = 0.0;
  ness->cont_path[0]                                  = 0;
  ness->cont_kind[0]                                  = 0;
  ness->interrupted                                   = PETSC_FALSE;
  PetscCall(NessCatchSignals(ness));
  if (ness->restart[0] && !ness->have_state) {
    PetscCall(NessReadCheckpoint(ness, ness->restart));
    PetscCall(PetscInfo(ness, "Restarting from %s\n", ness->restart));
  }
  {
    const PetscBool first = ness->have_state ? PETSC_FALSE : PETSC_TRUE;
    if (ness->ncouple && first) PetscCall(SolveWithControl(ness));
    else PetscCall(SolveCore(ness));
    if (ness->reason <= 0 && first && !ness->interrupted && ness->continuation && ness->ncouple == 0) {
      PetscCall(PetscInfo(ness, "Direct solve failed (%s); continuation\n", SNESConvergedReasons[ness->reason]));
      PetscCall(SolveContinuation(ness));
    }
  }
  ness->converged  = ness->reason > 0 ? PETSC_TRUE : PETSC_FALSE;
  ness->solved     = ness->converged;
  ness->have_state = PETSC_TRUE;
  PetscCall(FieldResidualNorms(ness));
  PetscCall(ConcentrationRange(ness));
  PetscCall(NessComputeElectrodeResults(ness, ness->U));
  PetscCall(PetscLogEventBegin(NESS_Post, ness, 0, 0, 0));
  if (ness->converged) PetscCall(NessComputeThermodynamics(ness, ness->U, NULL));
  else ness->thermo.computed = PETSC_FALSE; /* no audit of a state that is not a steady state */
  PetscCall(PetscLogEventEnd(NESS_Post, ness, 0, 0, 0));
  PetscCall(PetscLogEventEnd(NESS_Solve, ness, 0, 0, 0));
  PetscCall(PetscLogStagePop());
  PetscCall(PetscTime(&t1));
  ness->t_solve = t1 - t0;
  PetscFunctionReturn(0);
}

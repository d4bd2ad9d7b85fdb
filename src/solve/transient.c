/* Relaxation of a NESS toward equilibrium: the drive is switched off (each electrode's metal potential set to the
   Nernst potential of its reaction at the bulk composition) and the same residual, with its storage terms, is
   integrated in time by implicit Euler (TSBEULER; Poisson rows are algebraic, a DAE of index 1). Each step records
   the time, the total entropy production, the free energy (NessComputeFreeEnergy) and the electrode currents into
   <output_dir>/relaxation.csv. Steps grow geometrically to span the time scales from the double layer to
   diffusion across the cell; a step whose Newton solve fails is retried with a quarter of the step. */
#include <ness/private/nessimpl.h>
#include <errno.h>

/* metal potential at which the electrode's (single) reaction is at equilibrium with the bulk composition */
static PetscErrorCode NernstBulkPotential(Ness ness, PetscInt e, PetscReal *E)
{
  const NessElectrode *el = &ness->el[e];
  const NessReaction  *rx;
  PetscReal            lnq = 0.0;

  PetscFunctionBegin;
  PetscCheck(el->nreact == 1, PetscObjectComm((PetscObject)ness), PETSC_ERR_SUP, "-ness_transient: electrode '%s' has %" PetscInt_FMT " reactions; switching the drive off to an equilibrium needs exactly one reaction per electrode (a mixed potential is itself a NESS)", el->name, el->nreact);
  rx = &ness->rx[el->react[0]];
  for (PetscInt i = 0; i < ness->ns; i++)
    if (rx->nu[i] != 0.0) lnq += rx->nu[i] * PetscLogReal(ness->sp[i].cbulk / ness->sp[i].cref);
  *E = rx->Eeq + lnq / (rx->n * ness->f);
  PetscFunctionReturn(0);
}

/*@
  NessRelax - switches the drive off and integrates the relaxation of the current state (normally the steady
  state from NessSolve()) toward equilibrium, writing <output_dir>/relaxation.csv (collective). On return the
  solution is the relaxed state and the electrodes hold their equilibrium potentials.
@*/
PetscErrorCode NessRelax(Ness ness)
{
  MPI_Comm      comm = PetscObjectComm((PetscObject)ness);
  TS            ts;
  SNES          snes;
  Vec           Usave;
  DM            dmts;
  PetscSection  sec;
  PetscReal     Lt = ness->L * ness->L, tend, dt, t = 0.0, Dmin = PETSC_MAX_REAL, *rows;
  PetscInt      ncol = 4 + ness->ne, nrow = 0, step, fails = 0;
  PetscMPIInt   rank;
  char          tmp[PETSC_MAX_PATH_LEN + 32], fin[PETSC_MAX_PATH_LEN + 32];
  const char   *prefix;
  PetscLogStage stage;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(ness, NESS_CLASSID, 1);
  PetscCheck(ness->solved, comm, PETSC_ERR_ORDER, "NessRelax() starts from a converged steady state: call NessSolve() first");
  PetscCheck(ness->bulk_uniform, comm, PETSC_ERR_SUP, "-ness_transient: the bulk boundaries have different compositions, so switching the electrodes off leaves a driven (non-equilibrium) state; relaxation to equilibrium needs one bulk composition");
  PetscCheck(ness->model != NESS_MODEL_SECONDARY, comm, PETSC_ERR_SUP, "-ness_transient: the secondary model has no storage (uniform composition); use pnp or electroneutral");
  PetscCheck(ness->ncouple == 0, comm, PETSC_ERR_SUP, "-ness_transient switches potentiostatic electrodes to their Nernst potentials; galvanostatic/floating electrodes are not supported");
  PetscCall(PetscLogStageGetId("Ness relax", &stage));
  if (stage < 0) PetscCall(PetscLogStageRegister("Ness relax", &stage));
  PetscCall(PetscLogStagePush(stage));
  for (PetscInt i = 0; i < ness->ns; i++) Dmin = PetscMin(Dmin, ness->sp[i].D);
  /* time in units of L^2/D0 inside the residual */
  tend = (ness->tr_time > 0 ? ness->tr_time : 10.0 * Lt / Dmin) * ness->D0 / Lt;
  dt   = (ness->tr_dt > 0 ? ness->tr_dt * ness->D0 / Lt : 1e-6);
  for (PetscInt e = 0; e < ness->ne; e++) PetscCall(NernstBulkPotential(ness, e, &ness->el[e].Es));

  PetscCall(TSCreate(comm, &ts));
  PetscCall(PetscObjectGetOptionsPrefix((PetscObject)ness, &prefix));
  PetscCall(TSSetOptionsPrefix(ts, prefix));
  PetscCall(TSAppendOptionsPrefix(ts, "transient_"));
  PetscCall(DMClone(ness->dm, &dmts));
  PetscCall(DMGetLocalSection(ness->dm, &sec));
  PetscCall(DMSetLocalSection(dmts, sec));
  PetscCall(TSSetDM(ts, dmts));
  PetscCall(DMDestroy(&dmts));
  PetscCall(TSSetType(ts, TSBEULER));
  PetscCall(TSSetIFunction(ts, NULL, NessFormIFunction, ness));
  PetscCall(TSSetIJacobian(ts, ness->Jlrc ? ness->Jlrc : ness->J, ness->J, NessFormIJacobian, ness));
  PetscCall(TSSetMaxTime(ts, 1e30));
  PetscCall(TSSetErrorIfStepFails(ts, PETSC_FALSE));
  PetscCall(TSGetSNES(ts, &snes));
  {
    SNESLineSearch ls;
    KSP            ksp;
    PetscCall(SNESSetType(snes, SNESNEWTONLS));
    PetscCall(SNESGetLineSearch(snes, &ls));
    PetscCall(SNESLineSearchSetType(ls, SNESLINESEARCHBASIC));
    PetscCall(SNESSetTolerances(snes, 1e-11, 1e-12, 1e-12, 30, 10000));
    PetscCall(SNESGetKSP(snes, &ksp));
    PetscCall(NessSetDefaultLinearSolver(ness, ksp));
  }
  PetscCall(TSSetFromOptions(ts));
  PetscCall(TSSetSolution(ts, ness->U));
  PetscCall(TSSetUp(ts));
  PetscCall(VecDuplicate(ness->U, &Usave));
  PetscCall(PetscMalloc1((ness->tr_max_steps + 1) * ncol, &rows));

  for (step = 0; step <= ness->tr_max_steps; step++) {
    PetscReal *r = &rows[nrow * ncol], G;
    {
      /* step 0 is a step of 1e-8 dt: the Poisson rows (algebraic) take the new boundary data while the
         concentrations stay put, which is the consistent initial state of the relaxation (the double layer
         recharges instantly through the Stern/diffuse capacitance) */
      SNESConvergedReason sr;
      PetscInt            tries = 0;
      PetscReal           h     = step == 0 ? 1e-8 * dt : dt;
      PetscCall(VecCopy(ness->U, Usave));
      while (1) {
        PetscCall(TSSetTime(ts, t));
        PetscCall(TSSetTimeStep(ts, h));
        PetscCall(TSSetStepNumber(ts, step));
        PetscCall(TSStep(ts));
        PetscCall(SNESGetConvergedReason(snes, &sr));
        if (sr > 0) break;
        PetscCall(VecCopy(Usave, ness->U));
        h *= 0.25;
        if (step > 0) dt = h;
        fails++;
        PetscCheck(++tries <= 8, comm, PETSC_ERR_NOT_CONVERGED, "Relaxation step %" PetscInt_FMT " failed to converge 8 times (last reason %s, dt %g s)", step, SNESConvergedReasons[sr], (double)(h * Lt / ness->D0));
      }
      t += h;
    }
    ness->converged = PETSC_TRUE;
    PetscCall(NessComputeElectrodeResults(ness, ness->U));
    PetscCall(NessComputeThermodynamics(ness, ness->U, NULL));
    PetscCall(NessComputeFreeEnergy(ness, ness->U, &G));
    r[0] = (PetscReal)step;
    r[1] = t * Lt / ness->D0;
    r[2] = ness->thermo.S_total;
    r[3] = G;
    for (PetscInt e = 0; e < ness->ne; e++) r[4 + e] = ness->el[e].current;
    nrow++;
    if (step % 20 == 0 || t >= tend) PetscCall(PetscPrintf(comm, "ness: relax step %4" PetscInt_FMT "  t = %.4e s  entropy production %.6e W/K  free energy %.6e J\n", step, (double)r[1], (double)r[2], (double)r[3]));
    if (t >= tend) break;
    if (step > 0) dt = PetscMin(dt * ness->tr_growth, tend - t);
  }
  ness->solved = PETSC_FALSE; /* the state is no longer the steady state of the original drive */

  /* relaxation.csv, written by rank 0 under a temporary name */
  if (ness->write_output) {
    int err = 0;
    PetscCallMPI(MPI_Comm_rank(comm, &rank));
    PetscCall(PetscSNPrintf(tmp, sizeof(tmp), "%s/relaxation.csv.tmp", ness->outdir));
    PetscCall(PetscSNPrintf(fin, sizeof(fin), "%s/relaxation.csv", ness->outdir));
    if (rank == 0) {
      FILE *fp = fopen(tmp, "w");
      if (!fp) err = errno;
      else {
        fprintf(fp, "step,time_s,entropy_production_W_per_K,free_energy_J");
        for (PetscInt e = 0; e < ness->ne; e++) fprintf(fp, ",current_A_%s", ness->el[e].name);
        fprintf(fp, "\n");
        for (PetscInt i = 0; i < nrow; i++) {
          fprintf(fp, "%d", (int)rows[i * ncol]);
          for (PetscInt c = 1; c < ncol; c++) fprintf(fp, ",%.17g", (double)rows[i * ncol + c]);
          fprintf(fp, "\n");
        }
        if (fclose(fp)) err = errno;
      }
    }
    PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, comm));
    PetscCheck(!err, comm, PETSC_ERR_FILE_WRITE, "Cannot write %s: %s", tmp, strerror(err));
    PetscCall(NessFileCommit(comm, tmp, fin));
  }
  PetscCall(PetscPrintf(comm, "ness: relaxed for %.4e s in %" PetscInt_FMT " steps (%" PetscInt_FMT " retried): entropy production %.4e -> %.4e W/K, free energy %.4e -> %.4e J%s%s\n", (double)rows[(nrow - 1) * ncol + 1], nrow - 1, fails, (double)rows[2], (double)rows[(nrow - 1) * ncol + 2], (double)rows[3], (double)rows[(nrow - 1) * ncol + 3], ness->write_output ? "; time series in " : "", ness->write_output ? fin : ""));
  PetscCall(PetscFree(rows));
  PetscCall(VecDestroy(&Usave));
  PetscCall(TSDestroy(&ts));
  PetscCall(PetscLogStagePop());
  PetscFunctionReturn(0);
}

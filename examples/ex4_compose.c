static const char help[] = "ex4_compose: ness's residual and Jacobian inside the host's own solvers (embedding level 3).\n"
                           "The host builds its own SNES (prefix host_) and TS (prefix hostts_) on ness's problem with\n"
                           "NessSetSNESCallbacks() and NessSetTSCallbacks() (DMSNES/DMTS callbacks on a clone of ness's DM, whose fields\n"
                           "are named after the unknowns) and configures them by prefix. By default the host SNES takes full Newton\n"
                           "steps and uses GMRES with a Schur-complement PCFIELDSPLIT: split 0 = the species, split psi = the potential\n"
                           "(the Schur complement, formed explicitly), LU in each; any of it can be changed on the command line, e.g.\n"
                           "-host_pc_fieldsplit_type multiplicative, -host_snes_view, -host_snes_monitor.\n"
                           "  part snes: from the state of a short pseudo-time march (-march_steps N steps of ness's own pseudo-time TS from\n"
                           "             the bulk state), the host SNES solves to the steady state;\n"
                           "  part ts:   the host TS (TSBEULER, -ts_steps N steps from the bulk state, the time step growing by\n"
                           "             -ts_growth) integrates the transient, then the host SNES finishes;\n"
                           "each is compared with NessSolve()'s steady state (fields and electrode currents). Then two input errors are\n"
                           "provoked and come back as PETSc error codes. Problem: the physics of tests/data/ranks_1d.yaml (prefix ex4_),\n"
                           "or the YAML scenario given with -scenario FILE.\n";

#include <ness.h>

static const char builtin[] = "-ness_scenario ex4_compose -ness_output 0 "
                              "-ness_mesh_dim 1 -ness_mesh_faces 120 -ness_mesh_lower 0 -ness_mesh_upper 10e-6 -ness_mesh_grade 6 "
                              "-ness_species_names Na,Cl,Fe "
                              "-ness_species_Na_charge 1 -ness_species_Na_diffusivity 1.33e-9 -ness_species_Na_bulk 1.0 "
                              "-ness_species_Cl_charge -1 -ness_species_Cl_diffusivity 2.03e-9 -ness_species_Cl_bulk 1.0002 "
                              "-ness_species_Fe_charge 2 -ness_species_Fe_diffusivity 0.72e-9 -ness_species_Fe_bulk 1.0e-4 -ness_species_Fe_cref 1.0 "
                              "-ness_bulk_boundaries right "
                              "-ness_electrode_names anode -ness_electrode_anode_label left -ness_electrode_anode_potential -0.30 "
                              "-ness_electrode_anode_phi_bc stern -ness_electrode_anode_stern_capacitance 0.2 -ness_electrode_anode_pzc -0.45 "
                              "-ness_electrode_anode_reactions fe_dissolution "
                              "-ness_reaction_fe_dissolution_n 2 -ness_reaction_fe_dissolution_i0 1.0e-2 -ness_reaction_fe_dissolution_alpha_a 0.5 "
                              "-ness_reaction_fe_dissolution_alpha_c 0.5 -ness_reaction_fe_dissolution_E_eq -0.44 "
                              "-ness_reaction_fe_dissolution_species Fe -ness_reaction_fe_dissolution_stoich 1";

/* an option of the host's solvers, unless the command line (or scenario) gave it */
static PetscErrorCode SetDefault(const char name[], const char value[])
{
  PetscBool set;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsHasName(NULL, NULL, name, &set));
  if (!set) PetscCall(PetscOptionsSetValue(NULL, name, value));
  PetscFunctionReturn(0);
}

/* host solver defaults: full Newton steps without a divergence test (the march leaves the state far from the steady
   one: the first steps may raise the residual), GMRES preconditioned by a Schur-complement field split, split 0 the
   species and split 1 = psi, with LU on the species block and on the explicitly formed Schur complement (exact, for
   this small example). PCFIELDSPLIT names a split of one field after the field (fieldsplit_psi_), a split of several
   fields by its number (fieldsplit_0_). */
static PetscErrorCode SetHostDefaults(DM dm)
{
  PetscSection sec;
  PetscInt     nf;
  char         fields[2][256] = {"", ""}, split[2][64];

  PetscFunctionBeginUser;
  PetscCall(DMGetLocalSection(dm, &sec));
  PetscCall(PetscSectionGetNumFields(sec, &nf));
  for (PetscInt j = 0; j < nf; j++) {
    char num[32];
    PetscCall(PetscSNPrintf(num, sizeof(num), "%s%" PetscInt_FMT, (j == 0 || j == nf - 1) ? "" : ",", j));
    PetscCall(PetscStrlcat(fields[j < nf - 1 ? 0 : 1], num, sizeof(fields[0])));
  }
  for (PetscInt s = 0; s < 2; s++) {
    const char *name;
    if ((s == 0 && nf == 2) || s == 1) {
      PetscCall(PetscSectionGetFieldName(sec, s == 0 ? 0 : nf - 1, &name));
      PetscCall(PetscStrncpy(split[s], name, sizeof(split[s])));
    } else PetscCall(PetscSNPrintf(split[s], sizeof(split[s]), "%" PetscInt_FMT, s));
  }
  PetscCall(SetDefault("-host_snes_atol", "1e-11"));
  PetscCall(SetDefault("-host_snes_rtol", "1e-12"));
  PetscCall(SetDefault("-host_snes_stol", "1e-12"));
  PetscCall(SetDefault("-host_snes_max_it", "50"));
  PetscCall(SetDefault("-host_snes_linesearch_type", "basic")); /* as ness's own Newton: backtracking stalls on the exponentials */
  PetscCall(SetDefault("-host_snes_divergence_tolerance", "-1"));
  PetscCall(SetDefault("-host_ksp_type", "gmres"));
  PetscCall(SetDefault("-host_ksp_gmres_restart", "100"));
  PetscCall(SetDefault("-host_ksp_rtol", "1e-10"));
  PetscCall(SetDefault("-host_ksp_atol", "1e-30"));
  PetscCall(SetDefault("-host_ksp_max_it", "300"));
  PetscCall(SetDefault("-host_pc_type", nf > 1 ? "fieldsplit" : "lu")); /* one unknown (secondary model): nothing to split */
#if defined(PETSC_HAVE_MUMPS)
  if (nf == 1) PetscCall(SetDefault("-host_pc_factor_mat_solver_type", "mumps"));
#endif
  PetscCall(SetDefault("-host_pc_fieldsplit_type", "schur"));
  PetscCall(SetDefault("-host_pc_fieldsplit_schur_fact_type", "full"));
  PetscCall(SetDefault("-host_pc_fieldsplit_schur_precondition", "full"));
  if (nf > 1) {
    PetscCall(SetDefault("-host_pc_fieldsplit_0_fields", fields[0]));
    PetscCall(SetDefault("-host_pc_fieldsplit_1_fields", fields[1]));
  }
  for (PetscInt s = 0; s < 2; s++) {
    char name[128];
    PetscCall(PetscSNPrintf(name, sizeof(name), "-host_fieldsplit_%s_ksp_type", split[s]));
    PetscCall(SetDefault(name, "preonly"));
    PetscCall(PetscSNPrintf(name, sizeof(name), "-host_fieldsplit_%s_pc_type", split[s]));
    PetscCall(SetDefault(name, "lu"));
#if defined(PETSC_HAVE_MUMPS)
    PetscCall(PetscSNPrintf(name, sizeof(name), "-host_fieldsplit_%s_pc_factor_mat_solver_type", split[s]));
    PetscCall(SetDefault(name, "mumps"));
#endif
  }
  /* the host TS's Newton solver: full steps, LU */
  PetscCall(SetDefault("-hostts_snes_linesearch_type", "basic"));
  PetscCall(SetDefault("-hostts_ksp_type", "preonly"));
  PetscCall(SetDefault("-hostts_pc_type", "lu"));
#if defined(PETSC_HAVE_MUMPS)
  PetscCall(SetDefault("-hostts_pc_factor_mat_solver_type", "mumps"));
#endif
  PetscFunctionReturn(0);
}

/* what the host SNES's preconditioner is: its type and, for PCFIELDSPLIT, the splits and their PCs */
static PetscErrorCode DescribePC(SNES snes)
{
  KSP       ksp;
  PC        pc;
  PCType    type;
  PetscBool fs;
  char      line[1024];

  PetscFunctionBeginUser;
  PetscCall(SNESGetKSP(snes, &ksp));
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PCGetType(pc, &type));
  PetscCall(PetscObjectTypeCompare((PetscObject)pc, PCFIELDSPLIT, &fs));
  PetscCall(PetscSNPrintf(line, sizeof(line), "ex4: host PC %s", type));
  if (fs) {
    KSP              *sub;
    PCCompositeType   ctype;
    PetscInt          n;
    const char *const ctypes[] = {"additive", "multiplicative", "symmetric_multiplicative", "special", "schur", "gkb"};
    PetscCall(PCFieldSplitGetType(pc, &ctype));
    PetscCall(PCFieldSplitGetSubKSP(pc, &n, &sub));
    PetscCall(PetscSNPrintf(line + strlen(line), sizeof(line) - strlen(line), " (%s) with %" PetscInt_FMT " splits:", (int)ctype < 6 ? ctypes[ctype] : "?", n));
    for (PetscInt s = 0; s < n; s++) {
      PC          spc;
      PCType      stype;
      const char *prefix;
      Mat         A;
      PetscInt    m;
      PetscCall(KSPGetPC(sub[s], &spc));
      PetscCall(PCGetType(spc, &stype));
      PetscCall(KSPGetOptionsPrefix(sub[s], &prefix));
      PetscCall(KSPGetOperators(sub[s], &A, NULL));
      PetscCall(MatGetSize(A, &m, NULL));
      PetscCall(PetscSNPrintf(line + strlen(line), sizeof(line) - strlen(line), " %s (%s, %" PetscInt_FMT " rows)", prefix, stype, m));
    }
    PetscCall(PetscFree(sub));
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s\n", line));
  PetscFunctionReturn(0);
}

typedef struct {
  PetscReal growth;
} StepCtx;

/* host TS: grow the time step geometrically (implicit Euler on a stiff transient approaching a steady state) */
static PetscErrorCode GrowStep(TS ts)
{
  StepCtx  *ctx;
  PetscReal dt;

  PetscFunctionBeginUser;
  PetscCall(TSGetApplicationContext(ts, &ctx));
  PetscCall(TSGetTimeStep(ts, &dt));
  PetscCall(TSSetTimeStep(ts, dt * ctx->growth));
  PetscFunctionReturn(0);
}

/* Compares the host's state U with NessSolve()'s steady state Uref (the current solution of ness): per field
   max |a - b| / max |b| in physical units, and each electrode current. Leaves ness's solution at Uref. */
static PetscErrorCode Compare(Ness ness, const char part[], Vec U, Vec Uref, PetscReal *dfield, PetscReal *dcur)
{
  Vec      sol;
  PetscInt ns, ne;

  PetscFunctionBeginUser;
  *dfield = *dcur = 0.0;
  PetscCall(NessGetSolution(ness, &sol));
  PetscCall(NessGetNumSpecies(ness, &ns));
  PetscCall(NessGetNumElectrodes(ness, &ne));
  for (PetscInt f = -1; f < ns; f++) {
    Vec         a, b;
    PetscReal   nd, nb;
    const char *name = "phi";
    if (f >= 0) PetscCall(NessGetSpeciesName(ness, f, &name));
    PetscCall(VecCopy(Uref, sol));
    PetscCall(NessCreateFieldVec(ness, f, &b));
    PetscCall(VecCopy(U, sol));
    PetscCall(NessCreateFieldVec(ness, f, &a));
    PetscCall(VecAXPY(a, -1.0, b));
    PetscCall(VecNorm(a, NORM_INFINITY, &nd));
    PetscCall(VecNorm(b, NORM_INFINITY, &nb));
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "ex4: %s vs NessSolve: field %-4s max |difference| %.3e %s, relative (to max |field|) %.3e\n", part, name, (double)nd, f < 0 ? "V" : "mol/m^3", (double)(nd / nb)));
    *dfield = PetscMax(*dfield, nd / nb);
    PetscCall(VecDestroy(&a));
    PetscCall(VecDestroy(&b));
  }
  for (PetscInt e = 0; e < ne; e++) {
    const char *name;
    PetscReal   Ih, Ir, d;
    PetscCall(NessGetElectrodeName(ness, e, &name));
    PetscCall(VecCopy(U, sol));
    PetscCall(NessGetElectrodeCurrent(ness, e, &Ih));
    PetscCall(VecCopy(Uref, sol));
    PetscCall(NessGetElectrodeCurrent(ness, e, &Ir));
    d = PetscAbsReal(Ih - Ir) / PetscMax(PetscAbsReal(Ir), 1e-300);
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "ex4: %s vs NessSolve: electrode %s I = %+.15e A (NessSolve %+.15e A), relative difference %.3e\n", part, name, (double)Ih, (double)Ir, (double)d));
    *dcur = PetscMax(*dcur, d);
  }
  PetscCall(VecCopy(Uref, sol));
  PetscFunctionReturn(0);
}

static PetscErrorCode HostSolve(SNES snes, Vec U, const char part[], PetscBool *conv)
{
  SNESConvergedReason reason;
  PetscInt            it, lit;
  PetscReal           fnorm;

  PetscFunctionBeginUser;
  PetscCall(SNESSolve(snes, NULL, U));
  PetscCall(SNESGetConvergedReason(snes, &reason));
  PetscCall(SNESGetIterationNumber(snes, &it));
  PetscCall(SNESGetLinearSolveIterations(snes, &lit));
  PetscCall(SNESGetFunctionNorm(snes, &fnorm));
  *conv = reason > 0 ? PETSC_TRUE : PETSC_FALSE;
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "ex4: %s: host SNES converged %s (%s) in %" PetscInt_FMT " Newton iterations, %" PetscInt_FMT " linear iterations, residual norm %.3e\n", part, *conv ? "yes" : "NO", SNESConvergedReasons[reason], it, lit, (double)fnorm));
  PetscCall(DescribePC(snes));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  Ness           ness, bad;
  DM             dm;
  TS             pts, hts;
  SNES           snes;
  Vec            Uref, U;
  char           file[PETSC_MAX_PATH_LEN] = "";
  PetscBool      fromfile, conv, ok = PETSC_TRUE;
  PetscInt       march = 5, tssteps = 12, maxsteps, pseudo, newton;
  PetscReal      dt0, dfield, dcur;
  StepCtx        step = {2.0};
  PetscErrorCode ierr;

  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-scenario", file, sizeof(file), &fromfile));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-march_steps", &march, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-ts_steps", &tssteps, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-ts_growth", &step.growth, NULL));
  PetscCall(PetscOptionsPrefixPush(NULL, "ex4_"));
  if (fromfile) PetscCall(PetscOptionsInsertFile(PETSC_COMM_WORLD, NULL, file, PETSC_TRUE));
  else PetscCall(PetscOptionsInsertString(NULL, builtin));
  PetscCall(PetscOptionsPrefixPop(NULL));
  PetscCall(PetscOptionsInsert(NULL, &argc, &argv, NULL)); /* the command line overrides the scenario */

  PetscCall(NessCreate(PETSC_COMM_WORLD, &ness));
  PetscCall(NessSetOptionsPrefix(ness, "ex4_"));
  PetscCall(NessSetFromOptions(ness));
  PetscCall(NessSetUp(ness));
  PetscCall(NessGetDM(ness, &dm));
  PetscCall(SetHostDefaults(dm));
  PetscCall(NessGetTS(ness, &pts));
  PetscCall(TSGetTimeStep(pts, &dt0)); /* -ness_pseudo_dt, units of L^2/D0 */

  /* ness's own steady state, the reference */
  PetscCall(NessSolve(ness));
  PetscCall(NessGetConverged(ness, &conv));
  PetscCall(NessGetIterations(ness, &pseudo, &newton, NULL));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "ex4: NessSolve converged %s: %" PetscInt_FMT " pseudo-time steps, %" PetscInt_FMT " Newton iterations\n", conv ? "yes" : "NO", pseudo, newton));
  if (!conv) ok = PETSC_FALSE;
  {
    Vec sol;
    PetscCall(NessGetSolution(ness, &sol));
    PetscCall(VecDuplicate(sol, &Uref));
    PetscCall(VecCopy(sol, Uref));
    PetscCall(VecDuplicate(sol, &U));
  }

  /* the host's SNES on ness's problem, configured by the prefix host_ */
  PetscCall(SNESCreate(PETSC_COMM_WORLD, &snes));
  PetscCall(SNESSetOptionsPrefix(snes, "host_"));
  PetscCall(NessSetSNESCallbacks(ness, snes));
  PetscCall(SNESSetFromOptions(snes));

  /* part snes: a short march of ness's pseudo-time TS from the bulk state (on the host's vector), then the host SNES */
  PetscCall(NessComputeInitialGuess(ness, U));
  PetscCall(TSGetMaxSteps(pts, &maxsteps));
  PetscCall(TSSetMaxSteps(pts, march));
  PetscCall(TSSetStepNumber(pts, 0));
  PetscCall(TSSetTime(pts, 0.0));
  PetscCall(TSSetTimeStep(pts, dt0));
  PetscCall(TSSolve(pts, U));
  PetscCall(TSSetMaxSteps(pts, maxsteps));
  {
    PetscInt  nstep;
    PetscReal t;
    PetscCall(TSGetStepNumber(pts, &nstep));
    PetscCall(TSGetTime(pts, &t));
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "ex4: snes: start from %" PetscInt_FMT " steps of ness's pseudo-time march (pseudo-time %.3e L^2/D0)\n", nstep, (double)t));
  }
  PetscCall(HostSolve(snes, U, "snes", &conv));
  if (!conv) ok = PETSC_FALSE;
  PetscCall(Compare(ness, "snes", U, Uref, &dfield, &dcur));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "ex4: snes: max relative field difference %.3e, max relative current difference %.3e\n", (double)dfield, (double)dcur));

  /* part ts: the host's TS (implicit Euler, prefix hostts_) from the bulk state, then the host SNES */
  PetscCall(TSCreate(PETSC_COMM_WORLD, &hts));
  PetscCall(TSSetOptionsPrefix(hts, "hostts_"));
  PetscCall(NessSetTSCallbacks(ness, hts));
  PetscCall(TSSetType(hts, TSBEULER));
  PetscCall(TSSetTime(hts, 0.0));
  PetscCall(TSSetTimeStep(hts, dt0));
  PetscCall(TSSetMaxSteps(hts, tssteps));
  PetscCall(TSSetMaxTime(hts, 1e30));
  PetscCall(TSSetExactFinalTime(hts, TS_EXACTFINALTIME_STEPOVER));
  PetscCall(TSSetApplicationContext(hts, &step));
  PetscCall(TSSetPostStep(hts, GrowStep));
  PetscCall(TSSetFromOptions(hts));
  PetscCall(NessComputeInitialGuess(ness, U));
  PetscCall(TSSolve(hts, U));
  {
    PetscInt  nstep, nit;
    PetscReal t;
    PetscCall(TSGetStepNumber(hts, &nstep));
    PetscCall(TSGetTime(hts, &t));
    PetscCall(TSGetSNESIterations(hts, &nit));
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "ex4: ts: host TS %" PetscInt_FMT " implicit Euler steps to t = %.3e L^2/D0 (%" PetscInt_FMT " Newton iterations)\n", nstep, (double)t, nit));
  }
  PetscCall(HostSolve(snes, U, "ts", &conv));
  if (!conv) ok = PETSC_FALSE;
  PetscCall(Compare(ness, "ts", U, Uref, &dfield, &dcur));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "ex4: ts: max relative field difference %.3e, max relative current difference %.3e\n", (double)dfield, (double)dcur));

  /* errors inside ness come back as error codes; the host decides (here: it reports them and carries on) */
  PetscCall(NessCreate(PETSC_COMM_WORLD, &bad));
  PetscCall(NessSetOptionsPrefix(bad, "bad_"));
  PetscCall(PetscOptionsSetValue(NULL, "-bad_ness_mesh_dim", "7"));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = NessSetFromOptions(bad);
  PetscCall(PetscPopErrorHandler());
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "ex4: error: NessSetFromOptions with -bad_ness_mesh_dim 7 returned error code %d (PETSC_ERR_USER_INPUT = %d)\n", (int)ierr, (int)PETSC_ERR_USER_INPUT));
  PetscCall(PetscOptionsClearValue(NULL, "-bad_ness_mesh_dim"));
  PetscCall(NessDestroy(&bad));
  PetscCall(NessCreate(PETSC_COMM_WORLD, &bad));
  {
    SNES s2;
    PetscCall(SNESCreate(PETSC_COMM_WORLD, &s2));
    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
    ierr = NessSetSNESCallbacks(bad, s2); /* not configured: NessSetFromOptions() was not called */
    PetscCall(PetscPopErrorHandler());
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "ex4: error: NessSetSNESCallbacks before NessSetFromOptions returned error code %d (PETSC_ERR_ORDER = %d)\n", (int)ierr, (int)PETSC_ERR_ORDER));
    PetscCall(SNESDestroy(&s2));
  }
  PetscCall(NessDestroy(&bad));

  PetscCall(TSDestroy(&hts));
  PetscCall(SNESDestroy(&snes));
  PetscCall(VecDestroy(&U));
  PetscCall(VecDestroy(&Uref));
  PetscCall(NessDestroy(&ness));
  PetscCall(PetscFinalize());
  return ok ? 0 : 3;
}

static const char help[] = "ex2_couple: ness inside a host time loop. At each host time step the metal potential of the anode changes\n"
                           "(NessSetElectrodePotential) and NessSolve() computes the new steady state, warm-started from the previous one.\n"
                           "Prints current vs potential and the Newton iterations of every solve, then checks the last warm-started state\n"
                           "against a cold solve of a fresh object. Physics of tests/data/ranks_1d.yaml, options prefix ex2_.\n"
                           "Options: -steps N (host steps, default 10), -E0 V and -E1 V (first and last metal potential, default -0.30, -0.20).\n";

#include <ness.h>

static const char scenario[] = "-ness_scenario ex2_couple "
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

/* Newton iterations and pseudo-time steps, counted by monitors: NessSolve() may run several SNES solves (a warm
   start from the previous state, the pseudo-time steps' inner solves, the final Newton solve) */
typedef struct {
  PetscInt newton, pseudo;
} Counter;

static PetscErrorCode CountNewton(SNES snes, PetscInt it, PetscReal fnorm, void *ctx)
{
  Counter *c = (Counter *)ctx;
  if (it > 0) c->newton++;
  return 0;
}

static PetscErrorCode CountPseudo(TS ts, PetscInt step, PetscReal t, Vec U, void *ctx)
{
  Counter *c = (Counter *)ctx;
  if (step > 0) c->pseudo++;
  return 0;
}

static PetscErrorCode CreateNess(const char prefix[], Ness *ness)
{
  PetscFunctionBeginUser;
  PetscCall(NessCreate(PETSC_COMM_WORLD, ness));
  PetscCall(NessSetOptionsPrefix(*ness, prefix));
  PetscCall(NessSetFromOptions(*ness));
  PetscCall(NessSetUp(*ness)); /* the SNES and TS exist after set-up */
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  Ness      ness, cold;
  SNES      snes, tsnes;
  TS        ts;
  Counter   count = {0, 0};
  PetscInt  steps = 10, maxwarm = 0;
  PetscReal E0 = -0.30, E1 = -0.20, cur = 0.0, cold_cur;
  PetscBool conv, allconv = PETSC_TRUE;

  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-steps", &steps, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-E0", &E0, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-E1", &E1, NULL));
  PetscCheck(steps >= 1, PETSC_COMM_WORLD, PETSC_ERR_ARG_OUTOFRANGE, "-steps must be at least 1");
  PetscCall(PetscOptionsPrefixPush(NULL, "ex2_"));
  PetscCall(PetscOptionsInsertString(NULL, scenario));
  PetscCall(PetscOptionsPrefixPop(NULL));
  PetscCall(PetscOptionsInsert(NULL, &argc, &argv, NULL)); /* the command line overrides the code */

  PetscCall(CreateNess("ex2_", &ness));
  PetscCall(NessGetSNES(ness, &snes)); /* borrowed: not destroyed here */
  PetscCall(NessGetTS(ness, &ts));
  PetscCall(TSGetSNES(ts, &tsnes));
  PetscCall(SNESMonitorSet(snes, CountNewton, &count, NULL));
  PetscCall(SNESMonitorSet(tsnes, CountNewton, &count, NULL));
  PetscCall(TSMonitorSet(ts, CountPseudo, &count, NULL));

  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "ex2: step  time   E (V)     I (A)                 converged  pseudo-steps  Newton (total)  Newton (final SNES)\n"));
  for (PetscInt k = 0; k <= steps; k++) {
    const PetscReal t = (PetscReal)k / steps, E = E0 + (E1 - E0) * t; /* the host's "time" and its metal potential */
    PetscInt        it;
    count.newton = count.pseudo = 0;
    PetscCall(NessSetElectrodePotential(ness, 0, E));
    PetscCall(NessSolve(ness)); /* warm start from the previous steady state after the first step */
    PetscCall(NessGetConverged(ness, &conv));
    PetscCall(NessGetElectrodeCurrent(ness, 0, &cur));
    PetscCall(SNESGetIterationNumber(snes, &it)); /* iterations of the last SNESSolve() of the final Newton SNES */
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "ex2: %4" PetscInt_FMT "  %.2f  %+.4f  %+.10e  %-9s  %12" PetscInt_FMT "  %14" PetscInt_FMT "  %18" PetscInt_FMT "\n", k, (double)t, (double)E, (double)cur, conv ? "yes" : "NO", count.pseudo, count.newton, it));
    if (!conv) allconv = PETSC_FALSE;
    if (k > 0) maxwarm = PetscMax(maxwarm, count.newton);
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "ex2: warm-started solves needed at most %" PetscInt_FMT " Newton iterations\n", maxwarm));

  /* The warm-started state is the steady state: a fresh object solved cold at the last potential agrees */
  PetscCall(CreateNess("ex2_", &cold));
  PetscCall(NessSetElectrodePotential(cold, 0, E1));
  PetscCall(NessSolve(cold));
  PetscCall(NessGetConverged(cold, &conv));
  if (!conv) allconv = PETSC_FALSE;
  PetscCall(NessGetElectrodeCurrent(cold, 0, &cold_cur));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "ex2: cold solve at E = %+.4f V: I = %+.10e A, relative difference to the warm-started solve %.3e\n", (double)E1, (double)cold_cur, (double)(PetscAbsReal(cur - cold_cur) / PetscAbsReal(cold_cur))));
  PetscCall(NessDestroy(&cold));
  PetscCall(NessDestroy(&ness));
  PetscCall(PetscFinalize());
  return allconv ? 0 : 3;
}

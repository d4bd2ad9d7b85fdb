static const char help[] = "ex3_two_objects: two independent Ness objects in one program, configured through the prefixes a_ and b_\n"
                           "(-a_ness_..., -a_snes_..., -b_ness_..., ...), solved one after the other; their electrode currents are printed.\n"
                           "Each object gets the same base scenario under its own prefix: the YAML file given with -scenario FILE, or else\n"
                           "the built-in physics of tests/data/ranks_1d.yaml (with the anode of b at -0.25 V instead of -0.30 V).\n"
                           "Prefixed options on the command line override the scenario, e.g. -b_ness_electrode_anode_potential -0.2.\n";

#include <ness.h>

static const char builtin[] = "-ness_mesh_dim 1 -ness_mesh_faces 120 -ness_mesh_lower 0 -ness_mesh_upper 10e-6 -ness_mesh_grade 6 "
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

int main(int argc, char **argv)
{
  const char *prefixes[2] = {"a_", "b_"};
  Ness        ness[2];
  char        file[PETSC_MAX_PATH_LEN] = "";
  PetscBool   fromfile, allconv = PETSC_TRUE;

  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-scenario", file, sizeof(file), &fromfile));
  for (PetscInt k = 0; k < 2; k++) {
    PetscCall(PetscOptionsPrefixPush(NULL, prefixes[k]));                                      /* every option inserted until the pop gets the prefix */
    if (fromfile) PetscCall(PetscOptionsInsertFile(PETSC_COMM_WORLD, NULL, file, PETSC_TRUE)); /* YAML or plain options file */
    else PetscCall(PetscOptionsInsertString(NULL, builtin));
    PetscCall(PetscOptionsPrefixPop(NULL));
  }
  if (!fromfile) PetscCall(PetscOptionsSetValue(NULL, "-b_ness_electrode_anode_potential", "-0.25"));
  PetscCall(PetscOptionsInsert(NULL, &argc, &argv, NULL)); /* the command line overrides the scenario */

  /* Two objects side by side; each reads only its own prefixed options (and so do their SNES and TS) */
  for (PetscInt k = 0; k < 2; k++) {
    PetscCall(NessCreate(PETSC_COMM_WORLD, &ness[k]));
    PetscCall(NessSetOptionsPrefix(ness[k], prefixes[k]));
    PetscCall(NessSetFromOptions(ness[k]));
    PetscCall(NessViewFromOptions(ness[k], NULL, "-ness_view")); /* -a_ness_view, -b_ness_view */
  }
  for (PetscInt k = 0; k < 2; k++) PetscCall(NessSolve(ness[k]));
  for (PetscInt k = 0; k < 2; k++) {
    PetscInt  ne;
    PetscBool conv;
    PetscCall(NessGetConverged(ness[k], &conv));
    if (!conv) allconv = PETSC_FALSE;
    PetscCall(NessGetNumElectrodes(ness[k], &ne));
    for (PetscInt e = 0; e < ne; e++) {
      const char *name;
      PetscReal   E, cur;
      PetscCall(NessGetElectrodeName(ness[k], e, &name));
      PetscCall(NessGetElectrodePotential(ness[k], e, &E));
      PetscCall(NessGetElectrodeCurrent(ness[k], e, &cur));
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "ex3: object %s electrode %s converged %s E = %+.6f V I = %+.17e A\n", prefixes[k], name, conv ? "yes" : "NO", (double)E, (double)cur));
    }
  }
  for (PetscInt k = 0; k < 2; k++) PetscCall(NessDestroy(&ness[k]));
  PetscCall(PetscFinalize());
  return allconv ? 0 : 3;
}

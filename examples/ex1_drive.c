static const char help[] = "ex1_drive: drive ness from code. Configures a small 1D cell (dilute NaCl, an iron anode dissolving under an\n"
                           "anodic overpotential; the physics of tests/data/ranks_1d.yaml) through the options database under the prefix\n"
                           "ex1_, solves it, prints the electrode currents and reads two fields. Options on the command line override\n"
                           "the configuration in the code, e.g. -ex1_ness_electrode_anode_potential -0.25 or -ex1_snes_monitor.\n"
                           "With -ex1_ness_output_dir DIR the solution and summary.json are written to DIR.\n";

#include <ness.h>

/* The scenario, as options without a prefix; the prefix is pushed around PetscOptionsInsertString() below. */
static const char scenario[] = "-ness_scenario ex1_drive -ness_temperature 298.15 -ness_permittivity 78.5 "
                               "-ness_mesh_dim 1 -ness_mesh_faces 120 -ness_mesh_lower 0 -ness_mesh_upper 10e-6 -ness_mesh_grade 6 "
                               "-ness_species_names Na,Cl,Fe "
                               "-ness_species_Na_charge 1 -ness_species_Na_diffusivity 1.33e-9 -ness_species_Na_bulk 1.0 "
                               "-ness_species_Cl_charge -1 -ness_species_Cl_diffusivity 2.03e-9 -ness_species_Cl_bulk 1.0002 "
                               "-ness_species_Fe_charge 2 -ness_species_Fe_diffusivity 0.72e-9 -ness_species_Fe_bulk 1.0e-4 -ness_species_Fe_cref 1.0 "
                               "-ness_bulk_boundaries right "
                               "-ness_electrode_names anode -ness_electrode_anode_label left "
                               "-ness_electrode_anode_phi_bc stern -ness_electrode_anode_stern_capacitance 0.2 -ness_electrode_anode_pzc -0.45 "
                               "-ness_electrode_anode_reactions fe_dissolution "
                               "-ness_reaction_fe_dissolution_n 2 -ness_reaction_fe_dissolution_i0 1.0e-2 -ness_reaction_fe_dissolution_alpha_a 0.5 "
                               "-ness_reaction_fe_dissolution_alpha_c 0.5 -ness_reaction_fe_dissolution_E_eq -0.44 "
                               "-ness_reaction_fe_dissolution_species Fe -ness_reaction_fe_dissolution_stoich 1";

int main(int argc, char **argv)
{
  Ness        ness;
  PetscBool   converged, write;
  PetscInt    ns, ne;
  PetscReal   vt;
  const char *prefix = "ex1_";

  PetscCall(PetscInitialize(&argc, &argv, NULL, help));

  /* Configure from code: every option below gets the prefix ex1_ (-ex1_ness_...). PetscOptionsSetValue() takes the
     full name; PetscOptionsInsertString() of unprefixed options inside PetscOptionsPrefixPush/Pop adds it. */
  PetscCall(PetscOptionsPrefixPush(NULL, prefix));
  PetscCall(PetscOptionsInsertString(NULL, scenario));
  PetscCall(PetscOptionsPrefixPop(NULL));
  PetscCall(PetscOptionsSetValue(NULL, "-ex1_ness_electrode_anode_potential", "-0.30"));
  /* The command line was read by PetscInitialize(); insert it again so that it overrides the code */
  PetscCall(PetscOptionsInsert(NULL, &argc, &argv, NULL));

  PetscCall(NessCreate(PETSC_COMM_WORLD, &ness));
  PetscCall(NessSetOptionsPrefix(ness, prefix));
  PetscCall(NessSetFromOptions(ness));
  PetscCall(NessViewFromOptions(ness, NULL, "-ness_view")); /* -ex1_ness_view */
  PetscCall(NessSolve(ness));                               /* sets up (mesh, geometry, solvers) on first use */
  PetscCall(NessGetConverged(ness, &converged));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "ex1: %s\n", converged ? "converged to a steady state" : "DID NOT CONVERGE"));

  /* Electrode results: SI units; in 1D the current is per square metre of cross-section */
  PetscCall(NessGetThermalVoltage(ness, &vt));
  PetscCall(NessGetNumElectrodes(ness, &ne));
  for (PetscInt e = 0; e < ne; e++) {
    const char *name;
    PetscReal   E, cur, area;
    PetscCall(NessGetElectrodeName(ness, e, &name));
    PetscCall(NessGetElectrodePotential(ness, e, &E));
    PetscCall(NessGetElectrodeCurrent(ness, e, &cur)); /* collective */
    PetscCall(NessGetElectrodeArea(ness, e, &area));   /* collective */
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "ex1: electrode %s E = %+.4f V (%+.2f RT/F)  I = %+.10e A  area %.4e m^2\n", name, (double)E, (double)(E / vt), (double)cur, (double)area));
  }

  /* Fields in physical units on the vertices: each species (mol/m^3) and phi (field -1, V). Caller destroys. */
  PetscCall(NessGetNumSpecies(ness, &ns));
  for (PetscInt f = -1; f < ns; f++) {
    Vec         v;
    PetscReal   vmin, vmax;
    PetscInt    imin, imax, n;
    const char *name = "phi";
    if (f >= 0) PetscCall(NessGetSpeciesName(ness, f, &name));
    PetscCall(NessCreateFieldVec(ness, f, &v));
    PetscCall(VecGetSize(v, &n));
    PetscCall(VecMin(v, &imin, &vmin));
    PetscCall(VecMax(v, &imax, &vmax));
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "ex1: field %-3s (%" PetscInt_FMT " vertices) min %+.6e  max %+.6e %s\n", name, n, (double)vmin, (double)vmax, f < 0 ? "V" : "mol/m^3"));
    PetscCall(VecDestroy(&v));
  }

  PetscCall(PetscOptionsHasName(NULL, prefix, "-ness_output_dir", &write));
  if (write) PetscCall(NessWriteOutput(ness)); /* solution.h5, solution.xmf, summary.json */
  PetscCall(NessDestroy(&ness));
  PetscCall(PetscFinalize());
  return converged ? 0 : 3;
}

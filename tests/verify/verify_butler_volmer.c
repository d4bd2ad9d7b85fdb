/* Butler-Volmer + diffusion layer (Koutecky-Levich). A 1D cell of thickness delta: electrode at x = 0 with
   R -> O + e-, bulk composition at x = delta. For uncharged R and O (diffusion only) the steady current has the
   closed form
     i = i0 (e^a - e^-c) / (1 + i0 delta/(nF) (e^a/(D_R c_R) + e^-c/(D_O c_O))),  a = alpha_a n f eta, c = alpha_c n f eta
   which the box method reproduces (linear profiles). For a charged couple (Fe2+/Fe3+) in NaCl the current
   converges toward the closed form as the supporting-electrolyte ratio grows. */
#include "common.h"

static PetscReal Closed(PetscReal eta, PetscReal f, PetscReal i0, PetscReal delta, PetscReal DR, PetscReal cR, PetscReal DO, PetscReal cO)
{
  PetscReal ea = PetscExpReal(0.5 * f * eta), ec = PetscExpReal(-0.5 * f * eta);
  return i0 * (ea - ec) / (1.0 + i0 * delta / NESS_FARADAY * (ea / (DR * cR) + ec / (DO * cO)));
}

int main(int argc, char **argv)
{
  PetscInt        failures = 0;
  const PetscReal delta = 1e-4, i0 = 5.0, DR = 1e-9, DO = 0.7e-9, cR = 1.0, cO = 1.0, Eeq = 0.1;
  PetscReal       maxrel = 0.0;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  /* uncharged couple: exact */
  for (PetscInt k = -8; k <= 8; k++) {
    Ness      ness;
    char      opts[2048];
    PetscReal eta = 0.025 * k, E = Eeq + eta, cur, A, ex, rel, f;
    PetscBool conv;
    PetscCall(PetscSNPrintf(opts, sizeof(opts),
                            "-ness_mesh_dim 1 -ness_mesh_faces 20 -ness_mesh_lower 0 -ness_mesh_upper %g "
                            "-ness_species_names R,O -ness_species_R_diffusivity %g -ness_species_R_bulk %g -ness_species_O_diffusivity %g -ness_species_O_bulk %g "
                            "-ness_bulk_boundaries right -ness_electrode_names el -ness_electrode_el_label left -ness_electrode_el_potential %.17g "
                            "-ness_electrode_el_phi_bc dirichlet -ness_electrode_el_pzc %.17g -ness_electrode_el_reactions ox "
                            "-ness_reaction_ox_n 1 -ness_reaction_ox_i0 %g -ness_reaction_ox_E_eq %g -ness_reaction_ox_species R,O -ness_reaction_ox_stoich -1,1 "
                            "-ness_reaction_ox_charge_check 0 -ness_output 0",
                            (double)delta, (double)DR, (double)cR, (double)DO, (double)cO, (double)E, (double)E, (double)i0, (double)Eeq));
    PetscCall(VerifyCreate(opts, &ness));
    PetscCall(NessSolve(ness));
    PetscCall(NessGetConverged(ness, &conv));
    VERIFY_CHECK(conv, "BV eta = %g did not converge\n", (double)eta);
    PetscCall(NessGetElectrodeCurrent(ness, 0, &cur));
    PetscCall(NessGetElectrodeArea(ness, 0, &A));
    f      = ness->f;
    ex     = Closed(eta, f, i0, delta, DR, cR, DO, cO);
    rel    = k ? PetscAbsReal(cur / A - ex) / PetscAbsReal(ex) : PetscAbsReal(cur / A) / i0;
    maxrel = PetscMax(maxrel, rel);
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "bv-diffusion uncharged eta = %+.3f V  i = %+.10e A/m^2  closed form %+.10e  rel. diff %.2e\n", (double)eta, (double)(cur / A), (double)ex, (double)rel));
    PetscCall(NessDestroy(&ness));
  }
  VERIFY_CHECK(maxrel < 1e-4, "uncharged couple: max relative difference %.3e >= 1e-4\n", (double)maxrel);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "bv-diffusion uncharged: max relative difference %.3e (tolerance 1e-4)\n", (double)maxrel));

  /* charged couple Fe2+ -> Fe3+ + e- in NaCl: approaches the closed form as the support ratio grows */
  {
    const PetscReal ratios[] = {1, 10, 100, 1000};
    PetscReal       prev     = PETSC_MAX_REAL;
    for (PetscInt r = 0; r < 4; r++) {
      Ness      ness;
      char      opts[2048];
      PetscReal eta = 0.1, E = Eeq + eta, cur, A, ex, rel;
      PetscBool conv;
      PetscCall(PetscSNPrintf(opts, sizeof(opts),
                              "-ness_mesh_dim 1 -ness_mesh_faces 200 -ness_mesh_lower 0 -ness_mesh_upper %g -ness_mesh_grade 3 "
                              "-ness_species_names R,O,Na,Cl -ness_species_R_charge 2 -ness_species_R_diffusivity %g -ness_species_R_bulk %g "
                              "-ness_species_O_charge 3 -ness_species_O_diffusivity %g -ness_species_O_bulk %g "
                              "-ness_species_Na_charge 1 -ness_species_Na_diffusivity 1.33e-9 -ness_species_Na_bulk %g "
                              "-ness_species_Cl_charge -1 -ness_species_Cl_diffusivity 2.03e-9 -ness_species_Cl_bulk %g "
                              "-ness_bulk_boundaries right -ness_electrode_names el -ness_electrode_el_label left -ness_electrode_el_potential %.17g "
                              "-ness_electrode_el_phi_bc dirichlet -ness_electrode_el_pzc %.17g -ness_electrode_el_reactions ox "
                              "-ness_reaction_ox_n 1 -ness_reaction_ox_i0 %g -ness_reaction_ox_E_eq %g -ness_reaction_ox_species R,O -ness_reaction_ox_stoich -1,1 -ness_output 0",
                              (double)delta, (double)DR, (double)cR, (double)DO, (double)cO, (double)(ratios[r] * cR), (double)(ratios[r] * cR + 5 * cR), (double)E, (double)E, (double)i0, (double)Eeq));
      PetscCall(VerifyCreate(opts, &ness));
      PetscCall(NessSolve(ness));
      PetscCall(NessGetConverged(ness, &conv));
      VERIFY_CHECK(conv, "charged BV ratio %g did not converge\n", (double)ratios[r]);
      PetscCall(NessGetElectrodeCurrent(ness, 0, &cur));
      PetscCall(NessGetElectrodeArea(ness, 0, &A));
      ex  = Closed(eta, ness->f, i0, delta, DR, cR, DO, cO);
      rel = PetscAbsReal(cur / A - ex) / PetscAbsReal(ex);
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "bv-diffusion charged support ratio %6g  i = %.6e A/m^2  closed form %.6e  rel. diff %.3e\n", (double)ratios[r], (double)(cur / A), (double)ex, (double)rel));
      VERIFY_CHECK(rel < prev, "charged couple: difference did not decrease with support ratio %g\n", (double)ratios[r]);
      prev = rel;
      PetscCall(NessDestroy(&ness));
    }
    VERIFY_CHECK(prev < 1e-2, "charged couple at support ratio 1000: difference %.3e >= 1e-2\n", (double)prev);
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%d passed, %d failed\n", failures ? 0 : 1, failures ? 1 : 0));
  PetscCall(PetscFinalize());
  return failures ? 1 : 0;
}

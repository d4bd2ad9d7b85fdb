/* Equilibrium: the default scenario's iron electrode held at the equilibrium potential of the bulk composition
   (E_eq at c_ref = c_bulk). A double layer still forms (E_pzc differs), with Boltzmann-distributed ions, but
   thermodynamically consistent Frumkin-corrected Butler-Volmer kinetics give zero current: every electrode
   current must vanish to solver tolerance, with the Stern layer and with its Dirichlet limit. */
#include "common.h"

int main(int argc, char **argv)
{
  PetscInt          failures = 0;
  const char *const phibc[]  = {"stern", "dirichlet"};

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  for (PetscInt b = 0; b < 2; b++) {
    Ness      ness;
    char      opts[1024];
    PetscReal cur, A, rel, phimax = 0.0;
    PetscBool conv;
    PetscCall(PetscSNPrintf(opts, sizeof(opts), "-options_file %s/scenarios/default.yaml -ness_electrode_anode_potential -0.44 -ness_species_Fe_cref 1e-4 -ness_electrode_anode_phi_bc %s -ness_output 0", NESS_SOURCE_DIR, phibc[b]));
    PetscCall(VerifyCreate(opts, &ness));
    PetscCall(NessSolve(ness));
    PetscCall(NessGetConverged(ness, &conv));
    VERIFY_CHECK(conv, "equilibrium (%s) did not converge\n", phibc[b]);
    PetscCall(NessGetElectrodeCurrent(ness, 0, &cur));
    PetscCall(NessGetElectrodeArea(ness, 0, &A));
    rel = PetscAbsReal(cur / A) / ness->rx[0].i0;
    {
      PetscInt   n;
      PetscReal *x, *phi, *c, loc = 0.0;
      PetscCall(VerifyGetVertexData(ness, &n, &x, &phi, &c));
      for (PetscInt i = 0; i < n; i++) loc = PetscMax(loc, PetscAbsReal(phi[i]));
      PetscCall(MPIU_Allreduce(&loc, &phimax, 1, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
      PetscCall(PetscFree3(x, phi, c));
    }
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "equilibrium (%s): double-layer potential max |phi| = %.4f V, |i|/i0 = %.3e\n", phibc[b], (double)phimax, (double)rel));
    VERIFY_CHECK(phimax > 1e-3, "no double layer formed (max |phi| = %g)\n", (double)phimax);
    VERIFY_CHECK(rel < 1e-9, "equilibrium current |i|/i0 = %.3e >= 1e-9\n", (double)rel);
    PetscCall(NessDestroy(&ness));
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%d passed, %d failed\n", failures ? 0 : 1, failures ? 1 : 0));
  PetscCall(PetscFinalize());
  return failures ? 1 : 0;
}

/* Equilibrium: the default scenario's iron electrode held at the equilibrium potential of the bulk composition
   (E_eq at c_ref = c_bulk). A double layer still forms (E_pzc differs), with Boltzmann-distributed ions, but
   thermodynamically consistent Frumkin-corrected Butler-Volmer kinetics give zero current: every electrode
   current must vanish to solver tolerance, with the Stern layer and with its Dirichlet limit. So must every gradient
   of electrochemical potential (although phi and c vary across the double layer), the ionic current density and the
   total entropy production: the state is an equilibrium, not a NESS. Scales: grad mu vs RT/lambda_D (the size of
   the separate RT grad ln c and F grad phi terms in the double layer), the current density vs F D0 c0/lambda_D (the size of
   the separate diffusion and migration currents there), the dissipation vs i0 * area * RT/F. */
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
    {
      NessThermoFields fld;
      PetscReal        gmax = 0.0, jmax = 0.0, gloc[2], gglob[2], vt, lambda, diss, jscale;
      PetscCall(PetscMemzero(&fld, sizeof(fld)));
      PetscCall(NessComputeThermodynamics(ness, ness->U, &fld));
      for (PetscInt c = 0; c < ness->g.ncown; c++) {
        for (PetscInt i = 0; i < ness->ns * ness->dim; i++) gmax = PetscMax(gmax, PetscAbsReal(fld.gradmu[c * ness->ns * ness->dim + i]));
        for (PetscInt d = 0; d < ness->dim; d++) jmax = PetscMax(jmax, PetscAbsReal(fld.cur[c * ness->dim + d]));
      }
      gloc[0] = gmax;
      gloc[1] = jmax;
      PetscCall(MPIU_Allreduce(gloc, gglob, 2, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
      PetscCall(NessThermoFieldsDestroy(&fld));
      PetscCall(NessGetThermalVoltage(ness, &vt));
      lambda = ness->L / PetscSqrtReal(ness->Lambda);
      diss   = ness->T * ness->thermo.S_total / (ness->rx[0].i0 * A * vt);
      jscale = NESS_FARADAY * ness->D0 * ness->c0 / lambda;
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "  max |grad mu| = %.3e J/(mol m) = %.3e RT/lambda_D, max |current density| = %.3e A/m^2 = %.3e F D0 c0/lambda_D, T S_total = %.3e W = %.3e i0 A RT/F\n", (double)gglob[0],
                            (double)(gglob[0] * lambda / (NESS_RGAS * ness->T)), (double)gglob[1], (double)(gglob[1] / jscale), (double)(ness->T * ness->thermo.S_total), (double)diss));
      VERIFY_CHECK(gglob[0] * lambda / (NESS_RGAS * ness->T) < 1e-9, "grad mu does not vanish at equilibrium: %.3e RT/lambda_D\n", (double)(gglob[0] * lambda / (NESS_RGAS * ness->T)));
      VERIFY_CHECK(gglob[1] / jscale < 1e-12, "current density does not vanish at equilibrium: %.3e F D0 c0/lambda_D\n", (double)(gglob[1] / jscale));
      VERIFY_CHECK(PetscAbsReal(diss) < 1e-15, "entropy production does not vanish at equilibrium: T S = %.3e i0 A RT/F\n", (double)diss);
      VERIFY_CHECK(ness->thermo.min_edge >= -1e-14 * ness->rx[0].i0 * A * vt, "negative edge dissipation %.3e W\n", (double)ness->thermo.min_edge);
    }
    PetscCall(NessDestroy(&ness));
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%d passed, %d failed\n", failures ? 0 : 1, failures ? 1 : 0));
  PetscCall(PetscFinalize());
  return failures ? 1 : 0;
}

/* Gouy-Chapman: 1D symmetric 1:1 electrolyte against a charged wall (no reaction). The box-method PNP solution
   is compared with phi(x) = 4RT/(zF) artanh(tanh(zF phi0/4RT) exp(-x/lambda_D)); the max error must fall at
   second order under refinement of a fixed graded mesh. */
#include "common.h"

int main(int argc, char **argv)
{
  const PetscInt  Ns[]     = {25, 50, 100, 200, 400};
  const PetscReal phi0[]   = {0.05, 0.15};
  PetscInt        failures = 0;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  for (PetscInt ip = 0; ip < 2; ip++) {
    PetscReal err[5];
    for (PetscInt k = 0; k < 5; k++) {
      Ness       ness;
      char       opts[2048];
      PetscInt   n;
      PetscReal *x, *phi, *c, lam, vt, e = 0.0;
      PetscBool  conv;
      PetscCall(PetscSNPrintf(opts, sizeof(opts),
                              "-ness_mesh_dim 1 -ness_mesh_faces %d -ness_mesh_lower 0 -ness_mesh_upper 1e-7 -ness_mesh_grade 4 "
                              "-ness_species_names Na,Cl -ness_species_Na_charge 1 -ness_species_Na_diffusivity 1.33e-9 -ness_species_Na_bulk 10 "
                              "-ness_species_Cl_charge -1 -ness_species_Cl_diffusivity 2.03e-9 -ness_species_Cl_bulk 10 -ness_bulk_boundaries right "
                              "-ness_electrode_names wall -ness_electrode_wall_label left -ness_electrode_wall_potential %g -ness_electrode_wall_phi_bc dirichlet -ness_output 0",
                              (int)Ns[k], (double)phi0[ip]));
      PetscCall(VerifyCreate(opts, &ness));
      PetscCall(NessSolve(ness));
      PetscCall(NessGetConverged(ness, &conv));
      VERIFY_CHECK(conv, "Gouy-Chapman N=%d did not converge\n", (int)Ns[k]);
      PetscCall(VerifyGetVertexData(ness, &n, &x, &phi, &c));
      lam = PetscSqrtReal(ness->epsr * NESS_EPS0 * NESS_RGAS * ness->T / (2.0 * NESS_FARADAY * NESS_FARADAY * 10.0));
      vt  = NESS_RGAS * ness->T / NESS_FARADAY;
      for (PetscInt i = 0; i < n; i++) {
        PetscReal ex = 4 * vt * PetscAtanhReal(PetscTanhReal(phi0[ip] / (4 * vt)) * PetscExpReal(-x[i] / lam));
        e            = PetscMax(e, PetscAbsReal(phi[i] - ex));
      }
      PetscCall(MPIU_Allreduce(&e, &err[k], 1, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
      PetscCall(PetscFree3(x, phi, c));
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "gouy-chapman phi0 = %.2f V  N = %4d  max |phi - exact| = %.3e V (%.2e relative)%s", (double)phi0[ip], (int)Ns[k], (double)err[k], (double)(err[k] / phi0[ip]), k ? "" : "\n"));
      if (k) PetscCall(PetscPrintf(PETSC_COMM_WORLD, "  order %.3f\n", (double)VerifyOrder(err[k - 1], err[k], 1.0 / Ns[k - 1], 1.0 / Ns[k])));
      PetscCall(NessDestroy(&ness));
    }
    VERIFY_CHECK(VerifyOrder(err[3], err[4], 2.0, 1.0) > 1.9, "Gouy-Chapman order %.3f < 1.9\n", (double)VerifyOrder(err[3], err[4], 2.0, 1.0));
    VERIFY_CHECK(err[4] / phi0[ip] < 1e-4, "Gouy-Chapman finest relative error %.3e >= 1e-4\n", (double)(err[4] / phi0[ip]));
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%d passed, %d failed\n", failures ? 0 : 1, failures ? 1 : 0));
  PetscCall(PetscFinalize());
  return failures ? 1 : 0;
}

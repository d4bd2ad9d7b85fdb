/* Reaction-diffusion with a closed form: one uncharged species A in a 1D cell [0, L], insulating at x = 0, bulk
   (c = cb) at x = L, with the bulk reaction A <=> (nothing tracked): R = kf c - kb (first-order decay, zeroth-order
   production). The steady state D c'' = kf c - kb has
     c(x) = c_eq + (cb - c_eq) cosh(x/lambda)/cosh(L/lambda),   c_eq = kb/kf,  lambda = sqrt(D/kf).
   Checks: second-order convergence of the max vertex error on uniform meshes (the scaling of the source in the
   residual: a wrong L^2/(D0 c0) would shift lambda and stall the error); the domain-integrated rate of
   NessBulkNetworkComputeResults equals the discrete flux through the bulk boundary (discrete conservation) and the
   closed-form integral of R over the control volumes it sums (all but the bulk vertex's: [0, L - h/2]),
   kf (cb - c_eq) lambda sinh((L - h/2)/lambda)/cosh(L/lambda), to second order. */
#include "profile1d.h"

int main(int argc, char **argv)
{
  PetscInt        failures = 0;
  const PetscReal L = 1e-4, D = 1e-9, kf = 1.0, kb = 0.2, cb = 1.0, ceq = kb / kf, lam = PetscSqrtReal(D / kf);
  const PetscInt  N[] = {25, 50, 100, 200};
  PetscReal       err[4], cons = 0.0, rterr = 0.0;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  for (PetscInt m = 0; m < 4; m++) {
    Ness      ness;
    Profile1D p;
    PetscBool conv;
    char      opts[2048];
    PetscReal res[3] = {0, 0, 0};
    PetscCall(PetscSNPrintf(opts, sizeof(opts),
                            "-ness_mesh_dim 1 -ness_mesh_faces %" PetscInt_FMT " -ness_mesh_lower 0 -ness_mesh_upper %g -ness_bulk_boundaries right -ness_output 0 "
                            "-ness_species_names A -ness_species_A_diffusivity %g -ness_species_A_bulk %g "
                            "-ness_bulk_reaction_names decay -ness_bulk_reaction_decay_species A -ness_bulk_reaction_decay_stoich -1 "
                            "-ness_bulk_reaction_decay_kf %.17g -ness_bulk_reaction_decay_kb %.17g",
                            N[m], (double)L, (double)D, (double)cb, (double)kf, (double)kb));
    PetscCall(VerifyCreate(opts, &ness));
    PetscCall(NessSolve(ness));
    PetscCall(NessGetConverged(ness, &conv));
    VERIFY_CHECK(conv, "N = %" PetscInt_FMT " did not converge\n", N[m]);
    PetscCall(NessBulkNetworkComputeResults(ness, ness->U));
    PetscCall(Profile1DCreate(ness, &p));
    if (p.n) {
      const PetscInt n = p.n;
      for (PetscInt k = 0; k < n; k++) {
        const PetscReal ex = ceq + (cb - ceq) * PetscCoshReal(p.x[k] / lam) / PetscCoshReal(L / lam);
        res[0]             = PetscMax(res[0], PetscAbsReal(p.c[k] - ex) / cb);
      }
      res[1] = D * (p.c[n - 1] - p.c[n - 2]) / (p.x[n - 1] - p.x[n - 2]); /* flux into the domain through the last edge */
    }
    PetscCallMPI(MPI_Bcast(res, 3, MPIU_REAL, 0, PETSC_COMM_WORLD));
    err[m] = res[0];
    {
      const PetscReal rate  = ness->br[0].rate_total; /* net decay rate, mol/(m^2 s) */
      const PetscReal total = kf * (cb - ceq) * lam * PetscSinhReal((L - 0.5 * L / N[m]) / lam) / PetscCoshReal(L / lam);
      const PetscReal c1 = PetscAbsReal(rate - res[1]) / PetscAbsReal(res[1]), c2 = PetscAbsReal(rate - total) / total;
      cons = PetscMax(cons, c1);
      if (m == 3) rterr = c2;
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "reaction-diffusion N = %3" PetscInt_FMT ": max |c - exact|/cb = %.3e; integrated rate %.8e mol/(m^2 s), boundary flux %.8e (rel. diff %.1e), closed form %.8e (rel. diff %.2e)\n", N[m], (double)err[m], (double)rate, (double)res[1], (double)c1, (double)total, (double)c2));
      if (m) PetscCall(PetscPrintf(PETSC_COMM_WORLD, "  order %.3f\n", (double)VerifyOrder(err[m - 1], err[m], 1.0 / N[m - 1], 1.0 / N[m])));
    }
    PetscCall(Profile1DDestroy(&p));
    PetscCall(NessDestroy(&ness));
  }
  VERIFY_CHECK(VerifyOrder(err[2], err[3], 1.0 / N[2], 1.0 / N[3]) > 1.9, "convergence order %.3f < 1.9\n", (double)VerifyOrder(err[2], err[3], 1.0 / N[2], 1.0 / N[3]));
  VERIFY_CHECK(err[3] < 1e-4, "error %.3e on the finest mesh >= 1e-4\n", (double)err[3]);
  VERIFY_CHECK(cons < 1e-9, "integrated rate and boundary flux differ by %.3e (relative)\n", (double)cons);
  VERIFY_CHECK(rterr < 1e-4, "integrated rate differs from the closed form by %.3e (relative) on the finest mesh\n", (double)rterr);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%d passed, %d failed\n", failures ? 0 : 1, failures ? 1 : 0));
  PetscCall(PetscFinalize());
  return failures ? 1 : 0;
}

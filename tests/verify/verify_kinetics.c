/* Kinetics registry: a law registered by the "host" (this program) with NessKineticsRegister() and selected by
   -ness_reaction_<r>_kinetics solves the same problems as the built-in law it reproduces:
   - a symmetric exponential law i = p0 (exp(p1 eta) - exp(-p1 eta)) with p0 = i0, p1 = n f / 2 equals the
     built-in butler_volmer (alpha = 1/2, no species) on the secondary 1D cell, potentiostatic and galvanostatic;
   - the registered law's parameters come from -ness_reaction_<r>_params;
   - an unknown law name is an input error naming the option. */
#include "common.h"

static PetscInt ncalls = 0;

static PetscErrorCode SymmetricExp(const NessKineticsInput *in, PetscReal *i, PetscReal *di_deta, PetscReal di_da[])
{
  const PetscReal p0 = in->param[0], p1 = in->param[1], ep = PetscExpReal(p1 * in->eta), em = PetscExpReal(-p1 * in->eta);

  PetscFunctionBeginUser;
  PetscCheck(in->nparam == 2, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "symmetric_exp needs 2 parameters, got %" PetscInt_FMT, in->nparam);
  *i       = p0 * (ep - em);
  *di_deta = p0 * p1 * (ep + em);
  for (PetscInt j = 0; j < in->ns; j++) di_da[j] = 0.0;
  ncalls++;
  PetscFunctionReturn(0);
}

static PetscErrorCode Solve(const char extra[], PetscReal *cur, PetscReal *E)
{
  Ness      ness;
  char      opts[2048];
  PetscBool conv;

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(opts, sizeof(opts), "-options_file %s/tests/data/secondary_1d.yaml -ness_output 0 %s", NESS_SOURCE_DIR, extra));
  PetscCall(VerifyCreate(opts, &ness));
  PetscCall(NessSolve(ness));
  PetscCall(NessGetConverged(ness, &conv));
  PetscCheck(conv, PETSC_COMM_WORLD, PETSC_ERR_NOT_CONVERGED, "not converged: %s", extra);
  PetscCall(NessGetElectrodeCurrent(ness, 0, cur));
  PetscCall(NessGetElectrodePotential(ness, 0, E));
  PetscCall(NessDestroy(&ness));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscInt  failures = 0;
  PetscReal Ib, Eb, Iu, Eu, Ig, Eg, f;
  char      law[256];

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(NessKineticsRegister("symmetric_exp", SymmetricExp));
  f = NESS_FARADAY / (NESS_RGAS * 298.15);
  PetscCall(Solve("", &Ib, &Eb));
  PetscCall(PetscSNPrintf(law, sizeof(law), "-ness_reaction_fe_kinetics symmetric_exp -ness_reaction_fe_params 1.0,%.17g", (double)f));
  PetscCall(Solve(law, &Iu, &Eu));
  {
    PetscInt tot;
    PetscCall(MPIU_Allreduce(&ncalls, &tot, 1, MPIU_INT, MPI_SUM, PETSC_COMM_WORLD));
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "built-in butler_volmer I = %.15g A/m^2, registered symmetric_exp I = %.15g A/m^2 (relative difference %.1e, %d law calls)\n", (double)Ib, (double)Iu, (double)PetscAbsReal(Iu / Ib - 1), (int)tot));
    VERIFY_CHECK(tot > 0, "the registered law was never called\n");
  }
  VERIFY_CHECK(PetscAbsReal(Iu / Ib - 1) < 1e-12, "registered law differs from butler_volmer: %.3e\n", (double)PetscAbsReal(Iu / Ib - 1));
  {
    char opts[512];
    PetscCall(PetscSNPrintf(opts, sizeof(opts), "%s -ness_electrode_anode_control galvanostatic -ness_electrode_anode_current %.17g", law, (double)Ib));
    PetscCall(Solve(opts, &Ig, &Eg));
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "registered law, galvanostatic at that current: E = %.15f V (potentiostatic -0.3 V, difference %.1e V)\n", (double)Eg, (double)PetscAbsReal(Eg + 0.3)));
    VERIFY_CHECK(PetscAbsReal(Eg + 0.3) < 1e-9, "galvanostatic with the registered law: potential %.12f\n", (double)Eg);
  }
  {
    Ness           ness;
    PetscErrorCode ierr;
    char           opts[512];
    PetscCall(PetscSNPrintf(opts, sizeof(opts), "-options_file %s/tests/data/secondary_1d.yaml -ness_output 0 -ness_reaction_fe_kinetics no_such_law", NESS_SOURCE_DIR));
    PetscCall(PetscOptionsClear(NULL));
    PetscCall(PetscOptionsInsertString(NULL, opts));
    PetscCall(NessCreate(PETSC_COMM_WORLD, &ness));
    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
    ierr = NessSetFromOptions(ness);
    PetscCall(PetscPopErrorHandler());
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "unknown law: error code %d (expected %d)\n", (int)ierr, (int)PETSC_ERR_USER_INPUT));
    VERIFY_CHECK(ierr == PETSC_ERR_USER_INPUT, "an unknown kinetics law is not an input error (%d)\n", (int)ierr);
    PetscCall(NessDestroy(&ness));
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%d passed, %d failed\n", failures ? 0 : 1, failures ? 1 : 0));
  PetscCall(PetscFinalize());
  return failures ? 1 : 0;
}

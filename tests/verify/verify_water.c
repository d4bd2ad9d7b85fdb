/* Water autoionization as a bulk mass-action reaction, H2O <=> H+ + OH- (R = kf - kb c_H c_OH, kf/kb = K_w =
   1e-8 (mol/m^3)^2, i.e. 1e-14 M^2; kb = 1.4e8 m^3/(mol s), stiff), in a 1D cell of NaCl with H+ and OH-
   (tests/data/bulk_water.yaml): bulk pH 7 at the right end, an oxygen-evolving anode (1/2 H2O -> 1/4 O2 + H+ + e-)
   at the left end. pH = -log10(c_H / 1000 mol/m^3).
   1. Anode at its equilibrium potential with an uncharged wall: every current and rate vanishes and pH = 7 everywhere.
   2. The same with a charged wall (phi = 0.05 V): a double layer forms, yet the state is still equilibrium: water is
      at equilibrium at every vertex (R = 0), and pH = 7 + psi/ln 10 (Boltzmann-distributed H+).
   3. Anode 0.15 V above equilibrium: H+ is produced; the pH falls monotonically toward the anode, from 7 at the
      bulk. The domain-integrated water rate (recombination, < 0) equals the discrete OH- flux entering from the
      bulk boundary (discrete conservation: the same scheme), and summary.json's fragment is valid JSON. */
#include "profile1d.h"
#include <ness/private/kernels.h>

static PetscReal PH(PetscReal cH)
{
  return -PetscLog10Real(cH / 1000.0);
}

static PetscErrorCode RunCase(const char extra[], Ness *ness, PetscBool *conv)
{
  char opts[2048];

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(opts, sizeof(opts), "-options_file %s/tests/data/bulk_water.yaml -ness_output 0 %s", NESS_SOURCE_DIR, extra));
  PetscCall(VerifyCreate(opts, ness));
  PetscCall(NessSolve(*ness));
  PetscCall(NessGetConverged(*ness, conv));
  PetscCall(NessBulkNetworkComputeResults(*ness, (*ness)->U));
  PetscFunctionReturn(0);
}

/* max over vertices of |R|/kf (water) and of |pH - 7 - psi/ln 10| (rank 0 profile) */
static void EquilibriumErrors(Ness ness, const Profile1D *p, PetscReal *rmax, PetscReal *pherr, PetscReal *phdev)
{
  const PetscInt iH = 0, nf = ness->nf;
  *rmax = *pherr = *phdev = 0.0;
  for (PetscInt k = 0; k < p->n; k++) {
    PetscReal R;
    (void)NessBulkReactionRate(ness, 0, &p->u[k * nf], &R, NULL, NULL);
    *rmax  = PetscMax(*rmax, PetscAbsReal(R) / ness->br[0].kf);
    *pherr = PetscMax(*pherr, PetscAbsReal(PH(p->c[k * p->ns + iH]) - 7.0 - p->psi[k] / PetscLogReal(10.0)));
    *phdev = PetscMax(*phdev, PetscAbsReal(PH(p->c[k * p->ns + iH]) - 7.0));
  }
}

int main(int argc, char **argv)
{
  PetscInt    failures = 0;
  PetscMPIInt rank;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));

  /* 1 and 2: equilibrium (E_s = E_eq = 0), uncharged and charged wall */
  for (PetscInt b = 0; b < 2; b++) {
    Ness      ness;
    Profile1D p;
    PetscBool conv;
    PetscReal cur, area, rmax, pherr, phdev, glob[3];
    char      extra[256];
    PetscCall(PetscSNPrintf(extra, sizeof(extra), "-ness_electrode_anode_potential 0 -ness_electrode_anode_pzc %s", b ? "-0.05" : "0"));
    PetscCall(RunCase(extra, &ness, &conv));
    VERIFY_CHECK(conv, "equilibrium case %" PetscInt_FMT " did not converge\n", b);
    PetscCall(NessGetElectrodeCurrent(ness, 0, &cur));
    PetscCall(NessGetElectrodeArea(ness, 0, &area));
    PetscCall(Profile1DCreate(ness, &p));
    EquilibriumErrors(ness, &p, &rmax, &pherr, &phdev);
    glob[0] = rmax;
    glob[1] = pherr;
    glob[2] = phdev;
    PetscCallMPI(MPI_Bcast(glob, 3, MPIU_REAL, 0, PETSC_COMM_WORLD));
    rmax  = glob[0];
    pherr = glob[1];
    phdev = glob[2];
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "water equilibrium, %s wall: max |R|/kf = %.2e, max |pH - 7 - psi/ln10| = %.2e, max |pH - 7| = %.3f, |i|/i0 = %.2e, integrated rate %.2e mol/(m^2 s)\n", b ? "charged (0.05 V)" : "uncharged", (double)rmax, (double)pherr, (double)phdev,
                          (double)(PetscAbsReal(cur / area) / ness->rx[0].i0), (double)ness->br[0].rate_total));
    VERIFY_CHECK(rmax < 1e-8, "equilibrium: max |R|/kf = %.3e >= 1e-8\n", (double)rmax);
    VERIFY_CHECK(pherr < 1e-8, "equilibrium: pH differs from 7 + psi/ln10 by %.3e >= 1e-8\n", (double)pherr);
    VERIFY_CHECK(PetscAbsReal(cur / area) / ness->rx[0].i0 < 1e-9, "equilibrium: electrode current |i|/i0 = %.3e\n", (double)(PetscAbsReal(cur / area) / ness->rx[0].i0));
    VERIFY_CHECK(PetscAbsReal(ness->br[0].rate_total) < 1e-8 * ness->br[0].kf * ness->L, "equilibrium: integrated water rate %.3e\n", (double)ness->br[0].rate_total);
    if (b == 0) VERIFY_CHECK(phdev < 1e-8, "uncharged wall: pH deviates from 7 by %.3e >= 1e-8\n", (double)phdev);
    else VERIFY_CHECK(phdev > 0.5, "charged wall: no double layer (max |pH - 7| = %.3f)\n", (double)phdev);
    PetscCall(Profile1DDestroy(&p));
    PetscCall(NessDestroy(&ness));
  }

  /* 3: acidifying anode */
  {
    Ness      ness;
    Profile1D p;
    PetscBool conv, ran = PETSC_FALSE, ok = PETSC_FALSE;
    PetscReal cur, res[6] = {0, 0, 0, 0, 0, 0};
    PetscCall(RunCase("", &ness, &conv));
    VERIFY_CHECK(conv, "acidifying anode did not converge\n");
    PetscCall(NessGetElectrodeCurrent(ness, 0, &cur));
    PetscCall(Profile1DCreate(ness, &p));
    if (rank == 0) {
      const PetscInt  ns = p.ns, iOH = 1, n = p.n;
      PetscReal       minstep = PETSC_MAX_REAL, J;
      const PetscReal h = p.x[n - 1] - p.x[n - 2], zOH = ness->sp[iOH].z, DOH = ness->sp[iOH].D;
      for (PetscInt k = 1; k < n; k++) minstep = PetscMin(minstep, PH(p.c[k * ns]) - PH(p.c[(k - 1) * ns])); /* >= 0: pH rises away from the anode */
      res[0] = PH(p.c[0]);                                                                                   /* at the anode */
      res[1] = PH(p.c[(n - 1) * ns]);                                                                        /* at the bulk boundary */
      res[2] = minstep;
      /* OH- flux (mol/(m^2 s)) from the bulk vertex n-1 into vertex n-2 along the last edge (SG, as the residual) */
      NessSGFlux(zOH, 0.0, p.c[(n - 1) * ns + iOH], p.c[(n - 2) * ns + iOH], p.psi[n - 1], p.psi[n - 2], &J, NULL);
      res[3] = DOH * J / h;
    }
    PetscCallMPI(MPI_Bcast(res, 6, MPIU_REAL, 0, PETSC_COMM_WORLD));
    {
      const PetscReal rate = ness->br[0].rate_total, cons = PetscAbsReal(rate + res[3]) / PetscAbsReal(res[3]);
      PetscCall(PetscPrintf(PETSC_COMM_WORLD,
                            "acidifying anode (E - E_eq = 0.15 V): I = %.4e A/m^2, pH %.4f at the anode, %.4f at the bulk boundary, min pH step along x %+.2e; "
                            "integrated water rate %.6e mol/(m^2 s), OH- inflow from the bulk %.6e mol/(m^2 s), rel. diff %.2e\n",
                            (double)cur, (double)res[0], (double)res[1], (double)res[2], (double)rate, (double)res[3], (double)cons));
      VERIFY_CHECK(res[0] < 5.0, "pH at the anode %.4f is not below 5\n", (double)res[0]);
      VERIFY_CHECK(PetscAbsReal(res[1] - 7.0) < 1e-10, "pH at the bulk boundary %.12f is not 7\n", (double)res[1]);
      VERIFY_CHECK(res[2] >= -1e-12, "pH is not monotone: it decreases by %.3e away from the anode\n", (double)-res[2]);
      VERIFY_CHECK(rate < 0, "integrated water rate %.3e is not negative (net recombination expected)\n", (double)rate);
      VERIFY_CHECK(cons < 1e-8, "integrated water rate and OH- inflow differ by %.3e (relative)\n", (double)cons);
    }
    PetscCall(VerifyBulkJSON(ness, "d[\"bulk_reactions\"][0][\"name\"] == \"w\" and d[\"bulk_reactions\"][0][\"rate_mol_per_s\"] < 0 and d[\"reaction_cycles\"][\"count\"] == 0 and d[\"reaction_cycles\"][\"wegscheider_satisfied\"]", &ran, &ok));
    if (ran) VERIFY_CHECK(ok, "the bulk-reaction JSON fragment is not valid JSON or has the wrong content\n");
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "bulk-reaction JSON fragment: %s\n", ran ? (ok ? "valid" : "INVALID") : "not checked (no python3)"));
    PetscCall(Profile1DDestroy(&p));
    PetscCall(NessDestroy(&ness));
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%d passed, %d failed\n", failures ? 0 : 1, failures ? 1 : 0));
  PetscCall(PetscFinalize());
  return failures ? 1 : 0;
}

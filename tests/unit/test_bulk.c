/* Unit tests of the bulk mass-action reactions: the rate kernel NessMassAction (values and derivatives against an
   independent long double reference and finite differences, including c -> 0 and slightly negative c), the null-space
   (cycle) finder NessNullSpace, and the Wegscheider check of NessBulkNetworkSetFromOptions on a triangle network. */
#include <check.h>
#include <float.h>
#include <stdint.h>
#include <stdio.h>
#include <ness/private/kernels.h>
#include "../verify/profile1d.h"

static uint64_t rng_state = 0x2545F4914F6CDD1DULL;

static double RngUniform(void)
{
  uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
  z          = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z          = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z          = z ^ (z >> 31);
  return (double)(z >> 11) * 0x1.0p-53;
}

static double RngRange(double lo, double hi)
{
  return lo + (hi - lo) * RngUniform();
}

/* ---------------------------------------------------------------------------------------------------------------- */
/* NessMassAction */

#define MA_MAXS 40

typedef struct {
  PetscInt ns;
  double   c[MA_MAXS], nu[MA_MAXS], kf, kb;
  int      k;
  int      which; /* 0: R, 1: Rf, 2: -Rb */
} MACtx;

static double MAOfVar(double t, MACtx *m)
{
  double c[MA_MAXS], R, Rf, Rb;
  for (PetscInt j = 0; j < m->ns; j++) c[j] = m->c[j];
  c[m->k] = t;
  NessMassAction(m->ns, c, m->nu, m->kf, m->kb, &R, &Rf, &Rb, NULL);
  return m->which == 0 ? R : (m->which == 1 ? Rf : -Rb);
}

/* 4th-order centred difference */
static double FD4(MACtx *m, double x, double h)
{
  return (8.0 * (MAOfVar(x + h, m) - MAOfVar(x - h, m)) - (MAOfVar(x + 2 * h, m) - MAOfVar(x - 2 * h, m))) / (12.0 * h);
}

static void RandomMA(MACtx *m, PetscInt ns)
{
  const double stoich[] = {-2, -1, -1, -0.5, 0, 0, 0.5, 1, 1, 2, 3};
  m->ns                 = ns;
  for (PetscInt j = 0; j < ns; j++) {
    m->c[j]  = RngRange(0.05, 3.0);
    m->nu[j] = stoich[(int)(11 * RngUniform())];
  }
  m->kf    = exp(RngRange(-5, 5));
  m->kb    = exp(RngRange(-5, 5));
  m->which = 0;
}

/* returns the max relative error of R, Rf, Rb, dR against long double powl (c > 0), and FD statistics of dR */
static void MACheck(MACtx *m, double *errref, double *errfd, int *nfd)
{
  double      R, Rf, Rb, dR[MA_MAXS], R2;
  long double Pf = 1, Pb = 1;

  NessMassAction(m->ns, m->c, m->nu, m->kf, m->kb, &R, &Rf, &Rb, dR);
  NessMassAction(m->ns, m->c, m->nu, m->kf, m->kb, &R2, NULL, NULL, NULL);
  ck_assert_double_eq(R, R2);
  for (PetscInt j = 0; j < m->ns; j++) {
    if (m->nu[j] < 0) Pf *= powl(m->c[j], -m->nu[j]);
    if (m->nu[j] > 0) Pb *= powl(m->c[j], m->nu[j]);
  }
  Pf *= m->kf;
  Pb *= m->kb;
  *errref = fmax(*errref, (double)(fabsl(Rf - Pf) / Pf));
  *errref = fmax(*errref, (double)(fabsl(Rb - Pb) / Pb));
  *errref = fmax(*errref, (double)(fabsl(R - (Pf - Pb)) / (Pf + Pb)));
  for (PetscInt j = 0; j < m->ns; j++) {
    long double ref = (PetscMax(-m->nu[j], 0) * Pf - PetscMax(m->nu[j], 0) * Pb) / m->c[j], scale = (PetscMax(-m->nu[j], 0) * Pf + PetscMax(m->nu[j], 0) * Pb) / m->c[j];
    *errref = fmax(*errref, (double)(scale > 0 ? fabsl(dR[j] - ref) / scale : fabs(dR[j])));
  }
  for (m->k = 0; m->k < m->ns; m->k++) {
    const double h = 1e-4 * m->c[m->k], fd = FD4(m, m->c[m->k], h);
    const double scale = (fabsl(Pf) + fabsl(Pb)) / m->c[m->k]; /* size of the terms of dR/dc_k */
    if (m->nu[m->k] == 0) {
      ck_assert(dR[m->k] == 0.0 && fd == 0.0);
      continue;
    }
    *errfd = fmax(*errfd, fabs(fd - dR[m->k]) / scale);
    (*nfd)++;
  }
}

START_TEST(test_mass_action_random)
{
  double errref = 0, errfd = 0, errref40 = 0, errfd40 = 0;
  int    nfd = 0, nfd40 = 0;
  MACtx  m;

  for (int i = 0; i < 5000; i++) {
    RandomMA(&m, 1 + (PetscInt)(6 * RngUniform()));
    MACheck(&m, &errref, &errfd, &nfd);
  }
  for (int i = 0; i < 50; i++) { /* ns > 32: the path without scratch arrays */
    RandomMA(&m, 40);
    for (PetscInt j = 0; j < m.ns; j++) m.c[j] = RngRange(0.8, 1.25);
    MACheck(&m, &errref40, &errfd40, &nfd40);
  }
  printf("[bulk] mass action (5000 random, ns 1..6, orders 0.5..3): vs long double max rel err %.2e; dR vs 4th-order FD max err %.2e (rel. to term size) over %d comparisons\n", errref, errfd, nfd);
  printf("[bulk] mass action ns = 40 (no-scratch path): vs long double %.2e; FD %.2e over %d comparisons\n", errref40, errfd40, nfd40);
  fflush(stdout);
  ck_assert(errref <= 1e-13 && errref40 <= 1e-13);
  ck_assert(errfd <= 1e-8 && errfd40 <= 1e-8);
}
END_TEST

START_TEST(test_mass_action_small_and_negative)
{
  /* A + 2 B <=> C (orders 1, 2 | 1) and A^0.5 <=> D (order 1/2) */
  const double nu[4] = {-1, -2, 1, 0}, nuh[4] = {-0.5, 0, 0, 1}, kf = 3.0, kb = 0.7;
  double       R, Rf, Rb, dR[4], maxfd = 0;
  int          nfd = 0, nres = 0;

  /* exact zeros: no NaN, derivatives are the one-sided derivatives of the products */
  {
    const double c[4] = {0.0, 2.0, 0.0, 1.0};
    NessMassAction(4, c, nu, kf, kb, &R, &Rf, &Rb, dR);
    ck_assert(R == 0.0 && Rf == 0.0 && Rb == 0.0);
    ck_assert_double_eq_tol(dR[0], kf * 4.0, 1e-15); /* d/dA of kf A B^2 at A = 0 */
    ck_assert(dR[1] == 0.0);
    ck_assert_double_eq_tol(dR[2], -kb, 1e-15);
    ck_assert(dR[3] == 0.0);
  }
  {
    const double c[4] = {1.5, 0.0, 0.2, 1.0};
    NessMassAction(4, c, nu, kf, kb, &R, &Rf, &Rb, dR);
    ck_assert(Rf == 0.0 && dR[1] == 0.0); /* B^2 and its derivative vanish at 0 */
    ck_assert_double_eq_tol(R, -kb * 0.2, 1e-15);
  }
  /* tiny and slightly negative concentrations (Newton iterates): finite, products >= 0, derivatives match FD of the
     product the species enters (Rf for a reactant, -Rb for a product: R itself would lose them to rounding) */
  for (int i = 0; i < 2000; i++) {
    MACtx m;
    m.ns = 4;
    m.kf = kf;
    m.kb = kb;
    for (int j = 0; j < 4; j++) {
      m.nu[j] = (i % 2) ? nuh[j] : nu[j];
      m.c[j]  = RngRange(0.1, 2.0);
    }
    do m.k = (int)(4 * RngUniform());
    while (m.nu[m.k] == 0);
    m.c[m.k] = (RngUniform() < 0.5 ? -1 : 1) * pow(10.0, RngRange(-30, -8));
    m.which  = m.nu[m.k] < 0 ? 1 : 2;
    NessMassAction(4, m.c, m.nu, m.kf, m.kb, &R, &Rf, &Rb, dR);
    ck_assert(isfinite(R) && isfinite(Rf) && isfinite(Rb) && Rf >= 0 && Rb >= 0);
    for (int j = 0; j < 4; j++) ck_assert(isfinite(dR[j]));
    {
      /* FD inside one smooth piece: kinks at 0 (integer orders), at AMIN and at the clip -AMIN (order 1/2) */
      const double x = m.c[m.k], h = 1e-3 * fabs(x), kinks[3] = {0.0, NESS_POW_AMIN, -NESS_POW_AMIN};
      PetscBool    smooth = PETSC_TRUE;
      for (int q = 0; q < 3; q++)
        if (fabs(x - kinks[q]) <= 3 * h) smooth = PETSC_FALSE;
      if (smooth) {
        /* centred FD carries rounding noise ~ eps |f| / h (f = the product the species enters): compare with the mixed
           test |fd - an| <= 1e-6 |an| + noise; the relative error is reported where the noise is below 1e-8 |an| */
        const double fd = FD4(&m, x, h), f = (m.which == 1) ? Rf : Rb, noise = 10 * DBL_EPSILON * f / h, e = fabs(fd - dR[m.k]);
        nfd++;
        if (dR[m.k] == 0.0) ck_assert_msg(fd == 0.0, "dR = 0 but FD %g at c = %g", fd, x);
        else {
          ck_assert_msg(e <= 1e-6 * fabs(dR[m.k]) + noise, "c = %g (stoich %g): dR %.10g vs FD %.10g", x, m.nu[m.k], dR[m.k], fd);
          if (noise <= 1e-8 * fabs(dR[m.k])) {
            nres++;
            maxfd = fmax(maxfd, e / fabs(dR[m.k]));
          }
        }
      }
    }
  }
  /* negative concentration of an integer-order reactant: clipped to 0 with zero slope (never a negative rate term) */
  {
    const double c[4] = {-1e-12, 1.0, 1.0, 1.0};
    NessMassAction(4, c, nu, kf, kb, &R, &Rf, &Rb, dR);
    ck_assert(Rf == 0.0 && dR[0] == 0.0);
  }
  /* half order below AMIN: the tangent line (positive at 0, finite slope) */
  {
    const double c[4] = {0.0, 1.0, 1.0, 0.0};
    NessMassAction(4, c, nuh, kf, kb, &R, &Rf, &Rb, dR);
    ck_assert(Rf > 0 && Rf < kf * 1e-10 && dR[0] > 0 && isfinite(dR[0]));
  }
  printf("[bulk] mass action near c = 0 and c < 0 (2000 points, |c| in [1e-30, 1e-8]): all finite, products >= 0; dR vs FD: all %d smooth points pass |fd-an| <= 1e-6|an| + rounding noise, max rel err %.2e over the %d not rounding-limited\n", nfd, maxfd, nres);
  fflush(stdout);
  ck_assert(maxfd <= 1e-8);
}
END_TEST

/* ---------------------------------------------------------------------------------------------------------------- */
/* NessNullSpace */

/* max |S v| over the basis, and whether the basis has full rank (checked by NessNullSpace on the transposed basis) */
static double NullResidual(PetscInt m, PetscInt n, const PetscReal S[], PetscInt nn, const PetscReal B[])
{
  double r = 0;
  for (PetscInt k = 0; k < nn; k++)
    for (PetscInt i = 0; i < m; i++) {
      double s = 0;
      for (PetscInt j = 0; j < n; j++) s += S[i * n + j] * B[k * n + j];
      r = fmax(r, fabs(s));
    }
  return r;
}

START_TEST(test_nullspace)
{
  PetscReal B[16 * 16];
  PetscInt  nn;

  /* triangle A -> B -> C -> A (rows A, B, C; columns r1, r2, r3): one cycle (1,1,1) */
  {
    const PetscReal S[9] = {-1, 0, 1, 1, -1, 0, 0, 1, -1};
    ck_assert_int_eq(NessNullSpace(3, 3, S, &nn, B), 0);
    ck_assert_int_eq(nn, 1);
    for (int j = 0; j < 3; j++) ck_assert_double_eq(B[j], 1.0);
  }
  /* water alone (H, OH; one reaction): no cycle */
  {
    const PetscReal S[2] = {1, 1};
    ck_assert_int_eq(NessNullSpace(2, 1, S, &nn, B), 0);
    ck_assert_int_eq(nn, 0);
  }
  /* the same reaction twice: r1 - r2 */
  {
    const PetscReal S[4] = {-1, -1, 1, 1};
    ck_assert_int_eq(NessNullSpace(2, 2, S, &nn, B), 0);
    ck_assert_int_eq(nn, 1);
    ck_assert(B[0] == 1.0 && B[1] == -1.0);
  }
  /* A -> 2B, B -> C, A -> 2C: r1 + 2 r2 - r3 (integers that are not all 1) */
  {
    const PetscReal S[9] = {-1, 0, -1, 2, -1, 0, 0, 1, 2};
    ck_assert_int_eq(NessNullSpace(3, 3, S, &nn, B), 0);
    ck_assert_int_eq(nn, 1);
    ck_assert(B[0] == 1.0 && B[1] == 2.0 && B[2] == -1.0);
  }
  /* 2A -> B, B -> C, 2A -> C with a scaled column (0.5 of r3): r1 + r2 - 2 r3 */
  {
    const PetscReal S[9] = {-2, 0, -1, 1, -1, 0, 0, 1, 0.5};
    ck_assert_int_eq(NessNullSpace(3, 3, S, &nn, B), 0);
    ck_assert_int_eq(nn, 1);
    ck_assert(B[0] == 1.0 && B[1] == 1.0 && B[2] == -2.0);
  }
  /* four isomerizations between A and B: 3 independent cycles */
  {
    const PetscReal S[8] = {-1, -1, 1, -1, 1, 1, -1, 1};
    ck_assert_int_eq(NessNullSpace(2, 4, S, &nn, B), 0);
    ck_assert_int_eq(nn, 3);
    ck_assert(NullResidual(2, 4, S, nn, B) == 0.0);
  }
  /* random integer networks (6 species, up to 12 reactions, some columns repeated): S v = 0 and dim = n - rank */
  {
    double maxres = 0;
    for (int t = 0; t < 300; t++) {
      const PetscInt m = 6, n = 2 + (PetscInt)(11 * RngUniform());
      PetscReal      S[6 * 12], BT[12 * 12], B2[12 * 12];
      PetscInt       nn2, rank;
      for (PetscInt j = 0; j < n; j++) {
        if (j > 0 && RngUniform() < 0.2) { /* repeat an earlier column, scaled */
          const PetscInt jj = (PetscInt)(j * RngUniform());
          for (PetscInt i = 0; i < m; i++) S[i * n + j] = 2 * S[i * n + jj];
        } else
          for (PetscInt i = 0; i < m; i++) S[i * n + j] = (RngUniform() < 0.5) ? 0 : (PetscReal)((int)(5 * RngUniform()) - 2);
      }
      ck_assert_int_eq(NessNullSpace(m, n, S, &nn, B), 0);
      maxres = fmax(maxres, NullResidual(m, n, S, nn, B) / 64.0);
      /* rank of S = n - nn; the basis vectors are independent: the null space of B^T (n x nn)... of B (nn x n) has
         dimension n - nn, and that of S^T (n x m) has dimension n - rank(S) */
      for (PetscInt i = 0; i < m; i++)
        for (PetscInt j = 0; j < n; j++) BT[j * m + i] = S[i * n + j];
      ck_assert_int_eq(NessNullSpace(n, m, BT, &nn2, B2), 0);
      rank = m - nn2;
      ck_assert_int_eq(nn, n - rank);
      ck_assert_int_eq(NessNullSpace(nn, n, B, &nn2, B2), 0);
      ck_assert_int_eq(nn2, n - nn);
    }
    printf("[bulk] null space: triangle -> (1,1,1); r1 + 2 r2 - r3; r1 + r2 - 2 r3; 300 random networks: max |S v| = %.1e, dimensions = n - rank\n", maxres);
    fflush(stdout);
    ck_assert(maxres <= 1e-12);
  }
}
END_TEST

/* ---------------------------------------------------------------------------------------------------------------- */
/* Wegscheider check on the triangle A <=> B <=> C <=> A */

static PetscErrorCode Triangle(const PetscReal k[6], PetscBool useK, Ness *ness)
{
  char opts[2048];

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(opts, sizeof(opts),
                          "-ness_mesh_dim 1 -ness_mesh_faces 4 -ness_mesh_upper 1e-5 -ness_bulk_boundaries right "
                          "-ness_species_names A,B,C -ness_species_A_diffusivity 1e-9 -ness_species_A_bulk 1 -ness_species_B_diffusivity 1e-9 -ness_species_B_bulk 1 "
                          "-ness_species_C_diffusivity 1e-9 -ness_species_C_bulk 1 -ness_output 0 "
                          "-ness_bulk_reaction_names r1,r2,r3 "
                          "-ness_bulk_reaction_r1_species A,B -ness_bulk_reaction_r1_stoich -1,1 -ness_bulk_reaction_r1_kf %.17g -ness_bulk_reaction_r1_%s %.17g "
                          "-ness_bulk_reaction_r2_species B,C -ness_bulk_reaction_r2_stoich -1,1 -ness_bulk_reaction_r2_kf %.17g -ness_bulk_reaction_r2_kb %.17g "
                          "-ness_bulk_reaction_r3_species C,A -ness_bulk_reaction_r3_stoich -1,1 -ness_bulk_reaction_r3_kf %.17g -ness_bulk_reaction_r3_kb %.17g",
                          (double)k[0], useK ? "K" : "kb", (double)(useK ? k[0] / k[1] : k[1]), (double)k[2], (double)k[3], (double)k[4], (double)k[5]));
  PetscCall(VerifyCreate(opts, ness));
  PetscFunctionReturn(0);
}

START_TEST(test_wegscheider_triangle)
{
  const PetscReal RT     = NESS_RGAS * 298.15;
  double          maxerr = 0, maxA0 = 0;

  for (int t = 0; t < 40; t++) {
    PetscReal k[6], ratio, A;
    Ness      ness;
    PetscBool balanced = (t % 2 == 0) ? PETSC_TRUE : PETSC_FALSE;
    for (int j = 0; j < 6; j++) k[j] = pow(10.0, RngRange(-6, 6));
    if (balanced) k[5] = k[0] * k[2] * k[4] / (k[1] * k[3]);                     /* k1 k2 k3 = k-1 k-2 k-3 */
    else if (t % 4 == 1) k[5] = k[0] * k[2] * k[4] / (k[1] * k[3]) * (1 + 1e-6); /* a small violation is still one */
    ratio = log((k[0] * k[2] * k[4]) / (k[1] * k[3] * k[5]));
    ck_assert_int_eq(Triangle(k, (t % 3 == 0) ? PETSC_TRUE : PETSC_FALSE, &ness), 0);
    ck_assert_int_eq(ness->nbr, 3);
    ck_assert_int_eq(ness->ncycle, 1);
    for (int r = 0; r < 3; r++) ck_assert_double_eq(ness->cycle[0][r], 1.0);
    A = ness->cycle_affinity[0];
    if (balanced) {
      ck_assert_msg(!ness->network_driven, "balanced triangle flagged as driven (affinity %g J/mol)", (double)A);
      maxA0 = fmax(maxA0, fabs(A) / RT);
    } else {
      ck_assert_msg(ness->network_driven, "unbalanced triangle (ln ratio %g) not flagged", ratio);
      /* relative to the size of the terms RT |ln(kf/kb)|: the sum cancels for a small violation */
      maxerr = fmax(maxerr, fabs(A - RT * ratio) / (RT * (fabs(log(k[0] / k[1])) + fabs(log(k[2] / k[3])) + fabs(log(k[4] / k[5])))));
    }
    if (t < 2) { /* summary.json fragment with one cycle: valid JSON, coefficients by name, the flag */
      PetscBool ran = PETSC_FALSE, ok = PETSC_FALSE;
      ck_assert_int_eq(VerifyBulkJSON(ness, balanced ? "d[\"reaction_cycles\"][\"count\"] == 1 and d[\"reaction_cycles\"][\"wegscheider_satisfied\"] and d[\"reaction_cycles\"][\"cycles\"][0][\"coefficients\"] == {\"r1\": 1, \"r2\": 1, \"r3\": 1} and len(d[\"bulk_reactions\"]) == 3" : "d[\"reaction_cycles\"][\"count\"] == 1 and not d[\"reaction_cycles\"][\"wegscheider_satisfied\"] and d[\"reaction_cycles\"][\"cycles\"][0][\"affinity_J_per_mol\"] != 0", &ran, &ok), 0);
      ck_assert_msg(!ran || ok, "bulk-reaction JSON fragment invalid (%s network)", balanced ? "balanced" : "driven");
      if (t == 0) {
        printf("[bulk] summary.json fragment with a cycle: %s\n", ran ? "valid, content checked" : "not checked (no python3)");
        ck_assert_int_eq(NessBulkNetworkView(ness, PETSC_VIEWER_STDOUT_WORLD), 0);
      }
    }
    ck_assert_int_eq(NessDestroy(&ness), 0);
  }
  printf("[bulk] Wegscheider, triangle A<=>B<=>C<=>A (40 random rate sets, half balanced, kb or K given): one cycle (1,1,1); balanced: max |affinity|/RT = %.1e, never flagged; "
         "unbalanced (incl. a 1e-6 relative violation): always flagged, affinity vs RT ln(k1k2k3/(k-1k-2k-3)) max err %.1e relative to sum RT|ln(kf/kb)|\n",
         maxA0, maxerr);
  fflush(stdout);
  ck_assert(maxA0 <= 1e-12);
  ck_assert(maxerr <= 1e-13);
}
END_TEST

/* bad inputs return PETSC_ERR_USER_INPUT from NessSetFromOptions (the messages are checked by tests/mpi/bad_bulk.sh) */
START_TEST(test_bad_inputs)
{
  const char *base  = "-ness_mesh_dim 1 -ness_mesh_faces 4 -ness_mesh_upper 1e-5 -ness_bulk_boundaries right -ness_output 0 "
                      "-ness_species_names H,OH,Na -ness_species_H_charge 1 -ness_species_OH_charge -1 -ness_species_Na_charge 1 "
                      "-ness_species_H_diffusivity 9.31e-9 -ness_species_OH_diffusivity 5.27e-9 -ness_species_Na_diffusivity 1.33e-9 "
                      "-ness_species_H_bulk 1e-4 -ness_species_OH_bulk 1e-4 -ness_species_Na_bulk 1 -ness_bulk_reaction_names w ";
  const char *bad[] = {
    "-ness_bulk_reaction_w_species H,Zn -ness_bulk_reaction_w_stoich 1,1 -ness_bulk_reaction_w_kf 1.4 -ness_bulk_reaction_w_kb 1.4e8",                     /* unknown species */
    "-ness_bulk_reaction_w_species H,OH -ness_bulk_reaction_w_stoich 1 -ness_bulk_reaction_w_kf 1.4 -ness_bulk_reaction_w_kb 1.4e8",                       /* count mismatch */
    "-ness_bulk_reaction_w_species H,OH -ness_bulk_reaction_w_stoich 1,1 -ness_bulk_reaction_w_kb 1.4e8",                                                  /* no kf */
    "-ness_bulk_reaction_w_species H,OH -ness_bulk_reaction_w_stoich 1,1 -ness_bulk_reaction_w_kf 1.4",                                                    /* no kb/K */
    "-ness_bulk_reaction_w_species H,OH -ness_bulk_reaction_w_stoich 1,1 -ness_bulk_reaction_w_kf -1 -ness_bulk_reaction_w_kb 1",                          /* kf < 0 */
    "-ness_bulk_reaction_w_species H,OH -ness_bulk_reaction_w_stoich 1,1 -ness_bulk_reaction_w_kf 1 -ness_bulk_reaction_w_K 0",                            /* K = 0 */
    "-ness_bulk_reaction_w_species H,OH -ness_bulk_reaction_w_stoich 1,1 -ness_bulk_reaction_w_kf 1 -ness_bulk_reaction_w_kb 1 -ness_bulk_reaction_w_K 1", /* both */
    "-ness_bulk_reaction_w_species H,OH -ness_bulk_reaction_w_stoich 0,0 -ness_bulk_reaction_w_kf 1 -ness_bulk_reaction_w_kb 1",                           /* zero stoichiometry */
    "-ness_bulk_reaction_w_species H,Na -ness_bulk_reaction_w_stoich 1,1 -ness_bulk_reaction_w_kf 1 -ness_bulk_reaction_w_kb 1",                           /* charge */
    "-ness_bulk_reaction_w_stoich 1,1 -ness_bulk_reaction_w_kf 1 -ness_bulk_reaction_w_kb 1",                                                              /* no species */
  };
  ck_assert_int_eq(PetscPushErrorHandler(PetscReturnErrorHandler, NULL), 0);
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    char           opts[2048];
    Ness           ness = NULL;
    PetscErrorCode ierr;
    snprintf(opts, sizeof(opts), "%s%s", base, bad[i]);
    ck_assert_int_eq(PetscOptionsClear(NULL), 0);
    ck_assert_int_eq(PetscOptionsInsertString(NULL, opts), 0);
    ck_assert_int_eq(NessCreate(PETSC_COMM_WORLD, &ness), 0);
    ierr = NessSetFromOptions(ness);
    ck_assert_msg(ierr == PETSC_ERR_USER_INPUT, "case %d (%s): NessSetFromOptions returned %d, expected PETSC_ERR_USER_INPUT", (int)i, bad[i], (int)ierr);
    NessDestroy(&ness);
  }
  ck_assert_int_eq(PetscPopErrorHandler(), 0);
  printf("[bulk] %d bad bulk-reaction inputs rejected with PETSC_ERR_USER_INPUT\n", (int)(sizeof(bad) / sizeof(bad[0])));
  fflush(stdout);
}
END_TEST

int main(int argc, char **argv)
{
  Suite   *s  = suite_create("bulk");
  TCase   *tk = tcase_create("mass_action"), *tn = tcase_create("network");
  SRunner *sr;
  int      nf;

  if (PetscInitialize(&argc, &argv, NULL, NULL)) return 1;
  tcase_set_timeout(tk, 60);
  tcase_set_timeout(tn, 60);
  tcase_add_test(tk, test_mass_action_random);
  tcase_add_test(tk, test_mass_action_small_and_negative);
  tcase_add_test(tn, test_nullspace);
  tcase_add_test(tn, test_wegscheider_triangle);
  tcase_add_test(tn, test_bad_inputs);
  suite_add_tcase(s, tk);
  suite_add_tcase(s, tn);
  sr = srunner_create(s);
  srunner_set_fork_status(sr, CK_NOFORK);
  srunner_run_all(sr, CK_NORMAL);
  nf = srunner_ntests_failed(sr);
  srunner_free(sr);
  PetscFinalize();
  return nf ? 1 : 0;
}

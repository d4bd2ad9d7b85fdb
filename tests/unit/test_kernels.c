/* Unit tests of the pointwise kernels in src/disc/kernels.c (include/ness/private/kernels.h).
   Pure numerics: no PetscInitialize. References are computed independently in long double (x86-64: 64-bit mantissa). */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <ness/private/kernels.h>

/* ---------------------------------------------------------------------------------------------------------------- */
/* helpers */

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static void RngSeed(uint64_t s)
{
  rng_state = s;
}

/* splitmix64 -> uniform double in [0,1) */
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

static double RelErr(long double v, long double ref)
{
  long double e = fabsl(v - ref);
  return (double)(ref != 0 ? e / fabsl(ref) : e);
}

/* 4th-order centred finite difference (Richardson of two centred differences) of a scalar function of one variable */
typedef double (*ScalarFn)(double, void *);
static double FD4(ScalarFn f, void *ctx, double x, double h)
{
  double f1 = f(x + h, ctx) - f(x - h, ctx), f2 = f(x + 2 * h, ctx) - f(x - 2 * h, ctx);
  return (8.0 * f1 - f2) / (12.0 * h);
}

/* Reference Bernoulli in long double, derived independently of the kernel:
   |x| < 1/2: B = 1/D, D(x) = (e^x-1)/x = sum_k x^k/(k+1)!, B' = -D'/D^2 with D' = sum_k k x^(k-1)/(k+1)!;
   else B = x/expm1l(x), B' = (expm1l(x) - x e^x)/expm1l(x)^2 (mild cancellation, < factor 6, for |x| >= 1/2). */
static void RefBernoulli(long double x, long double *B, long double *dB)
{
  if (fabsl(x) < 0.5L) {
    long double D = 1.0L, dD = 0.0L, pk = 1.0L, qk = 0.5L; /* pk = x^k/(k+1)!, qk = x^(k-1)/(k+1)! */
    for (int k = 1; k <= 40; k++) {
      pk *= x / (k + 1);
      D += pk;
      dD += k * qk;
      qk *= x / (k + 2);
    }
    *B  = 1.0L / D;
    *dB = -dD / (D * D);
  } else {
    long double em1 = expm1l(x);
    *B              = x / em1;
    *dB             = (em1 - x * expl(x)) / (em1 * em1);
  }
}

/* Check the kernel at one point; relative error where the reference is a normal double, absolute (vs DBL_MIN) below */
static void BernoulliPoint(double x, double *errB, double *errdB, double *xB, double *xdB)
{
  double      B, dB, eB, edB;
  long double Br, dBr;

  NessBernoulli(x, &B, &dB);
  RefBernoulli(x, &Br, &dBr);
  ck_assert_msg(isfinite(B) && isfinite(dB), "Bernoulli not finite at x = %.17g", x);
  eB  = fabsl(Br) >= DBL_MIN ? RelErr(B, Br) : (double)(fabsl(B - Br) / (1e-12L * DBL_MIN));
  edB = fabsl(dBr) >= DBL_MIN ? RelErr(dB, dBr) : (double)(fabsl(dB - dBr) / (1e-12L * DBL_MIN));
  if (eB > *errB) {
    *errB = eB;
    *xB   = x;
  }
  if (edB > *errdB) {
    *errdB = edB;
    *xdB   = x;
  }
}

/* ---------------------------------------------------------------------------------------------------------------- */
/* Bernoulli */

START_TEST(test_bernoulli_accuracy)
{
  const double special[] = {0.0, 1e-300, 1e-12, 1e-8, 1e-4, 0.1, 0.2499, 0.25, 0.2501, 0.5, 1.0, 2.0, 10.0, 49.99, 50.0, 50.01, 100.0, 300.0, 700.0, 705.0};
  double       errB = 0, errdB = 0, xB = 0, xdB = 0;
  int          npts = 0;

  for (int i = 0; i <= 20000; i++, npts++) BernoulliPoint(-100.0 + 0.01 * i, &errB, &errdB, &xB, &xdB);
  for (size_t i = 0; i < sizeof(special) / sizeof(special[0]); i++) {
    const double x = special[i];
    BernoulliPoint(x, &errB, &errdB, &xB, &xdB);
    BernoulliPoint(-x, &errB, &errdB, &xB, &xdB);
    BernoulliPoint(nextafter(x, INFINITY), &errB, &errdB, &xB, &xdB);
    BernoulliPoint(-nextafter(x, INFINITY), &errB, &errdB, &xB, &xdB);
    BernoulliPoint(nextafter(x, 0), &errB, &errdB, &xB, &xdB);
    BernoulliPoint(-nextafter(x, 0), &errB, &errdB, &xB, &xdB);
    npts += 6;
  }
  /* dense sampling across the switch points 0.25 and 50 (both signs), and near 0 */
  for (int i = 0; i < 2000; i++, npts += 6) {
    BernoulliPoint(RngRange(0.2, 0.3), &errB, &errdB, &xB, &xdB);
    BernoulliPoint(-RngRange(0.2, 0.3), &errB, &errdB, &xB, &xdB);
    BernoulliPoint(RngRange(49, 51), &errB, &errdB, &xB, &xdB);
    BernoulliPoint(-RngRange(49, 51), &errB, &errdB, &xB, &xdB);
    BernoulliPoint(RngRange(-1e-3, 1e-3), &errB, &errdB, &xB, &xdB);
    BernoulliPoint(RngRange(-3, 3), &errB, &errdB, &xB, &xdB);
  }
  printf("[kernels] Bernoulli vs long double (%d points on [-100,100] + specials up to |x|=705): max rel err B = %.2e (x = %.6g), B' = %.2e (x = %.6g)\n", npts, errB, xB, errdB, xdB);
  fflush(stdout);
  ck_assert_msg(errB <= 1e-14, "B rel err %.3e at x = %.17g", errB, xB);
  ck_assert_msg(errdB <= 1e-14, "B' rel err %.3e at x = %.17g", errdB, xdB);
}
END_TEST

START_TEST(test_bernoulli_extremes)
{
  double B, dB;

  /* underflowing B (x > ~709) and beyond: finite, nonnegative, no NaN */
  NessBernoulli(740.0, &B, &dB);
  ck_assert(B >= 0 && B < 1e-300 && dB <= 0 && dB > -1e-300);
  NessBernoulli(1000.0, &B, &dB);
  ck_assert(B == 0.0 && dB == 0.0);
  NessBernoulli(-1000.0, &B, &dB);
  ck_assert_double_eq(B, 1000.0);
  ck_assert_double_eq(dB, -1.0);
  NessBernoulli(INFINITY, &B, &dB);
  ck_assert(B == 0.0 && dB == 0.0);
  NessBernoulli(-INFINITY, &B, &dB);
  ck_assert(isinf(B) && B > 0 && dB == -1.0);
  NessBernoulli(0.0, &B, &dB);
  ck_assert_double_eq(B, 1.0);
  ck_assert_double_eq(dB, -0.5);
  NessBernoulli(NAN, &B, &dB);
  ck_assert(isnan(B) && isnan(dB));
  NessBernoulli(3.0, &B, NULL); /* dB may be NULL */
  ck_assert(B > 0);
}
END_TEST

START_TEST(test_bernoulli_identity)
{
  double err = 0, errd = 0;

  /* x >= 0 only: there B(-x) = B(x) + x and B'(-x) = -1 - B'(x) add numbers of equal sign, so the check is relative;
     for x < 0 the same identities are the x > 0 ones read backwards (with cancellation in the check itself). */
  for (int i = 0; i <= 20000; i++) {
    const double x = 0.005 * i + 1e-3 * RngUniform();
    double       Bp, dBp, Bm, dBm;

    NessBernoulli(x, &Bp, &dBp);
    NessBernoulli(-x, &Bm, &dBm);
    err  = fmax(err, fabs(Bm - (Bp + x)) / fabs(Bm));
    errd = fmax(errd, fabs(dBm - (-1.0 - dBp)) / fabs(dBm));
  }
  printf("[kernels] Bernoulli identities (x in [0,100]): max rel |B(-x)-B(x)-x| = %.2e, |B'(-x)+1+B'(x)| = %.2e\n", err, errd);
  fflush(stdout);
  ck_assert(err <= 4 * DBL_EPSILON);
  ck_assert(errd <= 4 * DBL_EPSILON);
}
END_TEST

/* ---------------------------------------------------------------------------------------------------------------- */
/* Scharfetter-Gummel */

START_TEST(test_sg_diffusion)
{
  for (int i = 0; i < 1000; i++) {
    const double cK = RngRange(0, 10), cL = RngRange(0, 10), z = RngRange(-3, 3), psi = RngRange(-20, 20);
    double       J, dJ[4];

    NessSGFlux(z, 0.0, cK, cL, psi, psi, &J, dJ);
    ck_assert_double_eq(J, cK - cL);
    ck_assert_double_eq(dJ[0], 1.0);
    ck_assert_double_eq(dJ[1], -1.0);
    ck_assert_double_eq_tol(dJ[2], 0.5 * z * (cK + cL), 1e-15 * fabs(z) * (cK + cL));
    ck_assert_double_eq_tol(dJ[3], -0.5 * z * (cK + cL), 1e-15 * fabs(z) * (cK + cL));
    /* s = z (psiL - psiK) + pe = 2 (0.75 - 0.25) - 1 = 0 exactly: drift and advection cancel */
    NessSGFlux(2.0, -1.0, cK, cL, 0.25, 0.75, &J, NULL);
    ck_assert_double_eq(J, cK - cL);
  }
  printf("[kernels] SG pure diffusion (s = 0): J == cK - cL exactly, dJ exact (1000 samples)\n");
  fflush(stdout);
}
END_TEST

START_TEST(test_sg_drift)
{
  /* |s| >> 1: J = -s c_upwind, upwind = L for s > 0 (flux L->K), K for s < 0; the exponentially small correction is
     B(|s|) (cK - cL) ~ |s| e^-|s| */
  const double svals[] = {60.0, -60.0, 200.0, -200.0, 45.0, -45.0};
  double       err     = 0;

  for (size_t k = 0; k < sizeof(svals) / sizeof(svals[0]); k++) {
    for (int i = 0; i < 200; i++) {
      const double s = svals[k], cK = RngRange(0.1, 10), cL = RngRange(0.1, 10);
      const double Jup = s > 0 ? -s * cL : -s * cK, corr = fabs(s) * exp(-fabs(s)) * fabs(cK - cL);
      double       J1, J2, J3;

      NessSGFlux(1.0, 0.0, cK, cL, 0.0, s, &J1, NULL);        /* pure migration, z = 1 */
      NessSGFlux(-2.0, 0.0, cK, cL, 0.5 * s, 0.0, &J2, NULL); /* pure migration, z = -2 */
      NessSGFlux(1.5, s, cK, cL, 3.0, 3.0, &J3, NULL);        /* pure advection term */
      err = fmax(err, (fabs(J1 - Jup) - corr) / fabs(Jup));
      err = fmax(err, (fabs(J2 - Jup) - corr) / fabs(Jup));
      err = fmax(err, (fabs(J3 - Jup) - corr) / fabs(Jup));
    }
  }
  { /* advection convention (kernels.h): velocity u from K to L enters as pe = -u.(xL-xK)/D; flux K->L = Pe cK */
    double J;
    NessSGFlux(1.0, -60.0, 2.0, 5.0, 0.0, 0.0, &J, NULL);
    ck_assert_double_eq_tol(J, 60.0 * 2.0, 1e-14 * 120.0);
  }
  printf("[kernels] SG pure drift (|s| = 45, 60, 200): max rel |J - (-s c_upwind)| = %.2e\n", err);
  fflush(stdout);
  ck_assert(err <= 1e-14);
}
END_TEST

START_TEST(test_sg_equilibrium)
{
  double err = 0, smax = 0;

  for (int i = 0; i < 20000; i++) {
    const double zs[] = {-3, -2, -1, 1, 2, 3, 0.5};
    const double z    = zs[i % 7];
    const double dpsi = (i % 3 == 0) ? RngRange(-0.3, 0.3) : RngRange(-100, 100) / fabs(z);
    const double psiK = RngRange(-10, 10), psiL = psiK + dpsi;
    const double s = z * (psiL - psiK), cK = RngRange(1e-3, 10);
    const double cL = cK * exp(-s); /* Boltzmann: cL = cK exp(-z (psiL - psiK)) */
    double       J, dJ[4], scale;

    NessSGFlux(z, 0.0, cK, cL, psiK, psiL, &J, dJ);
    scale = fmax(fabs(dJ[0] * cK), fabs(dJ[1] * cL)); /* |B(s) cK|, |B(-s) cL| */
    err   = fmax(err, fabs(J) / scale);
    smax  = fmax(smax, fabs(s));
  }
  printf("[kernels] SG Boltzmann equilibrium (|s| <= %.0f): max |J| / max(|B(s)cK|,|B(-s)cL|) = %.2e\n", smax, err);
  fflush(stdout);
  ck_assert(err <= 1e-14);
}
END_TEST

typedef struct {
  double z, pe, v[4]; /* cK, cL, psiK, psiL */
  int    k;
} SGCtx;

static double SGOfVar(double t, void *ctx)
{
  SGCtx *c = (SGCtx *)ctx;
  double v[4], J;

  for (int i = 0; i < 4; i++) v[i] = c->v[i];
  v[c->k] = t;
  NessSGFlux(c->z, c->pe, v[0], v[1], v[2], v[3], &J, NULL);
  return J;
}

/* Finite-difference comparisons. A centred FD carries rounding noise ~ eps |f| / h, where |f| is the magnitude of the
   terms of f (not of the derivative): a derivative much smaller than that, e.g. dJ/dcK = B(s) when B(-s) cL dominates,
   cannot be resolved relatively. Every comparison must pass the mixed test |fd - an| <= FD_TOL |an| + noise with
   noise = FD_NOISE eps |f| / h; the reported relative error is the maximum over the comparisons that are not
   rounding-limited (noise <= 1e-2 FD_TOL |an|), and the number of rounding-limited ones is reported too. */
#define FD_TOL   1e-6
#define FD_NOISE 10.0

typedef struct {
  double maxrel, maxmixed; /* max |fd-an|/|an| over resolved comparisons, max |fd-an|/(FD_TOL |an| + noise) over all */
  int    nall, nrel;
} FDStats;

static void FDCompare(FDStats *st, double an, double fd, double fscale, double h)
{
  const double noise = FD_NOISE * DBL_EPSILON * fscale / h, e = fabs(fd - an);

  st->nall++;
  st->maxmixed = fmax(st->maxmixed, e / (FD_TOL * fabs(an) + noise));
  if (noise <= 1e-2 * FD_TOL * fabs(an)) {
    st->nrel++;
    st->maxrel = fmax(st->maxrel, e / fabs(an));
  }
}

START_TEST(test_sg_derivatives)
{
  FDStats st     = {0, 0, 0, 0};
  double  errref = 0;

  for (int i = 0; i < 5000; i++) {
    SGCtx  c;
    double J, J2, dJ[4], fscale;

    c.z    = RngRange(-3, 3);
    c.pe   = (i % 2) ? RngRange(-5, 5) : 0.0;
    c.v[0] = RngRange(0.01, 10);
    c.v[1] = RngRange(0.01, 10);
    c.v[2] = RngRange(-1, 1) * ((i % 4 == 0) ? 0.1 : 10.0) / fmax(fabs(c.z), 0.1);
    c.v[3] = RngRange(-1, 1) * ((i % 4 == 0) ? 0.1 : 10.0) / fmax(fabs(c.z), 0.1);
    NessSGFlux(c.z, c.pe, c.v[0], c.v[1], c.v[2], c.v[3], &J, dJ);
    NessSGFlux(c.z, c.pe, c.v[0], c.v[1], c.v[2], c.v[3], &J2, NULL);
    ck_assert_double_eq(J, J2);
    fscale = fabs(dJ[0] * c.v[0]) + fabs(dJ[1] * c.v[1]); /* |B(s) cK| + |B(-s) cL| */
    {                                                     /* long double reference: J relative to its terms, dJ/dc and dJ/dpsi (B'(s) cK + B'(-s) cL has no cancellation) */
      const double s = c.z * (c.v[3] - c.v[2]) + c.pe;    /* same rounding as the kernel: test the kernel, not the conditioning in s */
      long double  Bs, dBs, Bms, dBms, dJds;

      RefBernoulli(s, &Bs, &dBs);
      RefBernoulli(-s, &Bms, &dBms);
      dJds   = dBs * c.v[0] + dBms * c.v[1];
      errref = fmax(errref, (double)(fabsl(J - (Bs * c.v[0] - Bms * c.v[1])) / (Bs * c.v[0] + Bms * c.v[1])));
      errref = fmax(errref, RelErr(dJ[0], Bs));
      errref = fmax(errref, RelErr(dJ[1], -Bms));
      errref = fmax(errref, RelErr(dJ[2], -c.z * dJds));
      errref = fmax(errref, RelErr(dJ[3], c.z * dJds));
    }
    for (c.k = 0; c.k < 4; c.k++) {
      const double h = 1e-3 * fmax(1.0, fabs(c.v[c.k]));
      FDCompare(&st, dJ[c.k], FD4(SGOfVar, &c, c.v[c.k], h), fscale, h);
    }
  }
  printf("[kernels] SG J, dJ vs long double (5000 random points, |s| up to ~40): max rel err = %.2e\n", errref);
  printf("[kernels] SG derivatives vs 4th-order centred FD (same points): max rel err = %.2e over %d resolved comparisons; all %d pass |fd-an| <= 1e-6|an| + noise (max ratio %.2e)\n", st.maxrel, st.nrel, st.nall, st.maxmixed);
  fflush(stdout);
  ck_assert(errref <= 1e-14);
  ck_assert(st.maxrel <= FD_TOL);
  ck_assert(st.maxmixed <= 1.0);
}
END_TEST

/* ---------------------------------------------------------------------------------------------------------------- */
/* regularized exp and pow */

static double ExpRegFn(double x, void *ctx)
{
  (void)ctx;
  return NessExpReg(x, NULL);
}

START_TEST(test_expreg)
{
  const double M = NESS_EXP_MAX, eM = exp(M);
  const double xs[] = {-800.0, -100.0, -1.0, 0.0, 0.5, 1.0, 20.0, 39.9};
  double       d, dm, dp, vm, vp, errfd = 0;

  for (size_t i = 0; i < sizeof(xs) / sizeof(xs[0]); i++) {
    ck_assert_double_eq(NessExpReg(xs[i], &d), exp(xs[i]));
    ck_assert_double_eq(d, exp(xs[i]));
  }
  /* switch point: value and derivative continuous */
  vm = NessExpReg(M, &dm);
  vp = NessExpReg(nextafter(M, INFINITY), &dp);
  ck_assert_double_eq(vm, eM);
  ck_assert_double_eq(dm, eM);
  ck_assert_double_eq(dp, eM);
  ck_assert(fabs(vp - vm - eM * (nextafter(M, INFINITY) - M)) <= 4 * DBL_EPSILON * eM); /* slope eM across the switch */
  /* linear continuation above */
  ck_assert_double_eq_tol(NessExpReg(M + 1.0, &d), 2.0 * eM, 2 * DBL_EPSILON * eM);
  ck_assert_double_eq(d, eM);
  ck_assert(isfinite(NessExpReg(1e200, &d)) && d == eM);
  /* FD derivative on both sides of the switch */
  for (int i = 0; i < 200; i++) {
    const double x = RngRange(M - 5, M + 5);
    if (fabs(x - M) < 1e-2) continue;
    NessExpReg(x, &d);
    errfd = fmax(errfd, fabs(FD4(ExpRegFn, NULL, x, 1e-3) - d) / d);
  }
  printf("[kernels] ExpReg: exp exact below M = %g, |v(M+ulp) - v(M) - eM*ulp| = %.2e rel, derivative jump 0, FD rel err = %.2e\n", M, fabs(vp - vm - eM * (nextafter(M, INFINITY) - M)) / eM, errfd);
  fflush(stdout);
  ck_assert(errfd <= 1e-8);
}
END_TEST

static double PowRegFn(double a, void *ctx)
{
  return NessPowReg(a, *(double *)ctx, NULL);
}

START_TEST(test_powreg)
{
  const double ps[] = {0.0, 0.5, 1.0, 2.0, 0.3, 1.5, 3.0};
  const double as[] = {-1.0, -1e-15, -5e-21, -1e-21, 0.0, 1e-300, 1e-30, 5e-21, 9.99e-21, NESS_POW_AMIN, 2e-20, 1e-10, 0.5, 1.0, 3.0, 1e10};
  const double A    = NESS_POW_AMIN;
  double       errv = 0, errd = 0, jumpv = 0, jumpd = 0, errfd = 0;

  for (size_t ip = 0; ip < sizeof(ps) / sizeof(ps[0]); ip++) {
    double p = ps[ip], vA, dA, vB, dB;
    for (size_t ia = 0; ia < sizeof(as) / sizeof(as[0]); ia++) {
      const double a = as[ia];
      double       d, v = NessPowReg(a, p, &d);

      ck_assert_msg(isfinite(v) && isfinite(d), "PowReg(%g, %g) not finite", a, p);
      ck_assert_msg(v >= 0 && d >= 0, "PowReg(%g, %g) = %g, d = %g", a, p, v, d);
      ck_assert_double_eq(NessPowReg(a, p, NULL), v);
      if (p == 0) {
        ck_assert_double_eq(v, 1.0);
        ck_assert_double_eq(d, 0.0);
      } else if (a >= A) {
        errv = fmax(errv, RelErr(v, powl(a, p)));
        errd = fmax(errd, RelErr(d, p * powl(a, (long double)p - 1)));
      }
      if (p >= 1 && a >= 0 && powl(a, p) >= DBL_MIN) { /* exact down to 0 for p >= 1 (where a^p does not underflow) */
        errv = fmax(errv, RelErr(v, powl(a, p)));
        errd = fmax(errd, RelErr(d, p * powl(a, (long double)p - 1)));
      }
    }
    /* C1 at AMIN */
    vA    = NessPowReg(A, p, &dA);
    vB    = NessPowReg(nextafter(A, 0), p, &dB);
    jumpv = fmax(jumpv, fabs(vA - vB) / fmax(vA, DBL_MIN));
    jumpd = fmax(jumpd, p == 0 ? fabs(dA - dB) : fabs(dA - dB) / dA);
    /* FD derivative below and above AMIN, away from the clip point */
    if (p > 0) {
      const double pts[] = {0.5 * A, 0.9 * A, 2 * A, 1e-3, 0.7, 5.0};
      for (size_t k = 0; k < sizeof(pts) / sizeof(pts[0]); k++) {
        double d;
        NessPowReg(pts[k], p, &d);
        errfd = fmax(errfd, fabs(FD4(PowRegFn, &p, pts[k], 1e-3 * pts[k]) - d) / d);
      }
    }
  }
  printf("[kernels] PowReg (p in {0,0.5,1,2,0.3,1.5,3}): rel err vs powl %.2e, derivative %.2e; jump at AMIN value %.2e, derivative %.2e; FD rel err %.2e; no inf/NaN at a <= 0\n", errv, errd, jumpv, jumpd, errfd);
  fflush(stdout);
  ck_assert(errv <= 4 * DBL_EPSILON && errd <= 8 * DBL_EPSILON);
  ck_assert(jumpv <= 1e-14 && jumpd <= 1e-13);
  ck_assert(errfd <= 1e-8);
  /* specific values at a = 0 */
  {
    double d, v;
    v = NessPowReg(0.0, 0.5, &d);
    ck_assert(v > 0 && v < 1e-10 && d > 0 && isfinite(d)); /* continuation: AMIN^p (1-p), slope p AMIN^(p-1) */
    v = NessPowReg(0.0, 1.0, &d);
    ck_assert(v == 0.0 && d == 1.0);
    v = NessPowReg(0.0, 2.0, &d);
    ck_assert(v == 0.0 && d == 0.0);
    v = NessPowReg(-1.0, 0.5, &d);
    ck_assert(v == 0.0 && d == 0.0);
  }
}
END_TEST

/* ---------------------------------------------------------------------------------------------------------------- */
/* Butler-Volmer */

#define BV_MAXS 48

typedef struct {
  PetscInt ns;
  double   a[BV_MAXS], p[BV_MAXS], q[BV_MAXS], aa, ac, n, x;
  int      k; /* -1: x, else a[k] */
} BVCtx;

static double BVOfVar(double t, void *ctx)
{
  BVCtx *c = (BVCtx *)ctx;
  double a[BV_MAXS], r, x = c->x;

  for (PetscInt j = 0; j < c->ns; j++) a[j] = c->a[j];
  if (c->k < 0) x = t;
  else a[c->k] = t;
  NessButlerVolmer(c->ns, a, c->p, c->q, c->aa, c->ac, c->n, x, &r, NULL, NULL);
  return r;
}

/* independent long double reference (a_j > 0): regularized exponential, products by powl, derivatives by division */
static long double RefExpReg(long double y, long double *d)
{
  const long double M = NESS_EXP_MAX;
  if (y <= M) return *d = expl(y);
  *d = expl(M);
  return expl(M) * (1 + y - M);
}

static void RandomBV(BVCtx *c, PetscInt ns)
{
  const double orders[] = {0, 0, 0.5, 1, 1, 1.5, 2};
  c->ns                 = ns;
  for (PetscInt j = 0; j < ns; j++) {
    c->a[j] = RngRange(0.05, 3);
    c->p[j] = orders[(int)(7 * RngUniform())];
    c->q[j] = orders[(int)(7 * RngUniform())];
  }
  c->aa = RngRange(0.2, 0.8);
  c->ac = RngRange(0.2, 0.8);
  c->n  = (RngUniform() < 0.5) ? 1.0 : 2.0;
  c->x  = RngRange(-30, 30);
}

static void BVCheck(BVCtx *c, double *errref, FDStats *st)
{
  double      r, drdx, drda[BV_MAXS], r2, drdx2;
  long double PA = 1, PC = 1, dEa, dEc, Ea, Ec, TA, TC;

  NessButlerVolmer(c->ns, c->a, c->p, c->q, c->aa, c->ac, c->n, c->x, &r, &drdx, drda);
  NessButlerVolmer(c->ns, c->a, c->p, c->q, c->aa, c->ac, c->n, c->x, &r2, &drdx2, NULL);
  ck_assert_double_eq(r, r2);
  ck_assert_double_eq(drdx, drdx2);
  for (PetscInt j = 0; j < c->ns; j++) {
    PA *= powl(c->a[j], c->p[j]);
    PC *= powl(c->a[j], c->q[j]);
  }
  Ea = RefExpReg((long double)c->aa * c->n * c->x, &dEa);
  Ec = RefExpReg(-(long double)c->ac * c->n * c->x, &dEc);
  TA = PA * Ea;
  TC = PC * Ec;
  /* value relative to the term magnitude (r itself may cancel), derivatives: drdx is a sum of positives */
  *errref = fmax(*errref, (double)(fabsl(r - (TA - TC)) / (TA + TC)));
  *errref = fmax(*errref, RelErr(drdx, c->n * (c->aa * PA * dEa + c->ac * PC * dEc)));
  for (PetscInt j = 0; j < c->ns; j++) {
    long double ref = (c->p[j] * TA - c->q[j] * TC) / c->a[j], scale = (c->p[j] * TA + c->q[j] * TC) / c->a[j];
    *errref = fmax(*errref, (double)(scale > 0 ? fabsl(drda[j] - ref) / scale : fabs(drda[j])));
  }
  /* finite differences: x and every a_j (FD noise ~ eps (TA + TC) / h) */
  c->k = -1;
  FDCompare(st, drdx, FD4(BVOfVar, c, c->x, 1e-4), (double)(TA + TC), 1e-4);
  for (c->k = 0; c->k < c->ns; c->k++) {
    const double h = 1e-4 * c->a[c->k], fd = FD4(BVOfVar, c, c->a[c->k], h);

    if (drda[c->k] == 0) ck_assert(fd == 0);
    else FDCompare(st, drda[c->k], fd, (double)(TA + TC), h);
  }
}

START_TEST(test_bv_derivatives)
{
  double  errref = 0, errref40 = 0;
  FDStats st = {0, 0, 0, 0}, st40 = {0, 0, 0, 0};
  BVCtx   c;

  for (int i = 0; i < 5000; i++) {
    RandomBV(&c, 1 + (PetscInt)(5 * RngUniform()));
    BVCheck(&c, &errref, &st);
  }
  for (int i = 0; i < 50; i++) { /* ns > 32: path without scratch arrays */
    RandomBV(&c, 40);
    for (PetscInt j = 0; j < c.ns; j++) c.a[j] = RngRange(0.8, 1.25); /* keep the product O(1) */
    BVCheck(&c, &errref40, &st40);
  }
  printf("[kernels] Butler-Volmer (5000 random, ns 1..5, x in [-30,30]): vs long double %.2e (rel. to term size); vs 4th-order FD max rel err %.2e over %d resolved comparisons, all %d pass |fd-an| <= 1e-6|an| + noise (max ratio %.2e)\n", errref, st.maxrel, st.nrel, st.nall, st.maxmixed);
  printf("[kernels] Butler-Volmer ns = 40 (no-scratch path, 50 random): vs long double %.2e; FD max rel err %.2e over %d resolved, all %d pass mixed test (max ratio %.2e)\n", errref40, st40.maxrel, st40.nrel, st40.nall, st40.maxmixed);
  fflush(stdout);
  ck_assert(errref <= 1e-13 && errref40 <= 1e-13);
  ck_assert(st.maxrel <= FD_TOL && st40.maxrel <= FD_TOL);
  ck_assert(st.maxmixed <= 1.0 && st40.maxmixed <= 1.0);
}
END_TEST

START_TEST(test_bv_equilibrium_tafel)
{
  double r, drdx, drda[3], errT = 0;

  /* x = 0 with equal products: r == 0 exactly */
  {
    const double a[] = {4.0, 2.0, 0.7}, p[] = {0.5, 0, 1}, q[] = {0, 1, 1};
    NessButlerVolmer(3, a, p, q, 0.5, 0.5, 1.0, 0.0, &r, &drdx, drda);
    ck_assert_double_eq(r, 0.0);
    ck_assert_double_eq_tol(drdx, 1.0 * 0.5 * 1.4 + 1.0 * 0.5 * 1.4, 1e-15);
  }
  for (int i = 0; i < 100; i++) {
    double a[3], p[3], q[3];
    for (int j = 0; j < 3; j++) {
      a[j] = RngRange(0.01, 5);
      p[j] = q[j] = RngRange(0, 2);
    }
    NessButlerVolmer(3, a, p, q, RngRange(0.1, 0.9), RngRange(0.1, 0.9), 2.0, 0.0, &r, &drdx, drda);
    ck_assert_double_eq(r, 0.0);
    for (int j = 0; j < 3; j++) ck_assert_double_eq(drda[j], 0.0);
  }
  /* species with zero order and zero activity are skipped: no NaN, no dependence */
  {
    const double a[] = {0.0, 1.5, 0.0}, p[] = {0, 1, 0}, q[] = {1, 0, 0.5};
    NessButlerVolmer(3, a, p, q, 0.5, 0.5, 1.0, 2.0, &r, &drdx, drda);
    ck_assert(isfinite(r) && isfinite(drdx) && isfinite(drda[0]) && isfinite(drda[1]) && isfinite(drda[2]));
    ck_assert_double_eq_tol(r, 1.5 * exp(1.0), 1e-12); /* cathodic product is 0 * AMIN^0.5/2 ~ 0 */
    ck_assert(drda[0] < 0 && drda[2] == 0.0);          /* d/da0 of a0^1 at 0 is 1; a2^0.5 is multiplied by a0^1 = 0 */
  }
  /* Tafel limits: |x| large, r -> single exponential */
  for (int i = 0; i < 1000; i++) {
    const double a[] = {RngRange(0.1, 3), RngRange(0.1, 3)}, p[] = {1, 0}, q[] = {0, 2};
    const double aa = RngRange(0.3, 0.7), ac = RngRange(0.3, 0.7), x = RngRange(25, 30), PA = a[0], PC = a[1] * a[1];
    double       ra, rc, e;

    NessButlerVolmer(2, a, p, q, aa, ac, 1.0, x, &ra, &drdx, NULL);
    e    = fabs(ra - PA * exp(aa * x)) / (PA * exp(aa * x)) - PC / PA * exp(-(aa + ac) * x);
    errT = fmax(errT, e);
    errT = fmax(errT, fabs(drdx - aa * PA * exp(aa * x)) / (aa * PA * exp(aa * x)) - ac * PC / (aa * PA) * exp(-(aa + ac) * x));
    NessButlerVolmer(2, a, p, q, aa, ac, 1.0, -x, &rc, &drdx, NULL);
    e    = fabs(rc + PC * exp(ac * x)) / (PC * exp(ac * x)) - PA / PC * exp(-(aa + ac) * x);
    errT = fmax(errT, e);
  }
  printf("[kernels] Butler-Volmer x = 0 equal products: r == 0 exactly; Tafel |x| in [25,30]: max rel err beyond the neglected branch = %.2e\n", errT);
  fflush(stdout);
  ck_assert(errT <= 1e-14);
  /* regularized Tafel branch (alpha n x > NESS_EXP_MAX): linear continuation */
  {
    const double a[] = {2.0}, p[] = {1}, q[] = {1}, eM = exp(NESS_EXP_MAX);
    NessButlerVolmer(1, a, p, q, 0.5, 0.5, 2.0, 100.0, &r, &drdx, drda);
    ck_assert_double_eq_tol(r, 2.0 * eM * (1 + 100.0 - NESS_EXP_MAX), 1e-14 * r);
    ck_assert_double_eq_tol(drdx, 2.0 * eM, 1e-14 * drdx);
    ck_assert(isfinite(drda[0]));
  }
}
END_TEST

/* ---------------------------------------------------------------------------------------------------------------- */

static Suite *KernelsSuite(void)
{
  Suite *s  = suite_create("kernels");
  TCase *tb = tcase_create("bernoulli"), *tsg = tcase_create("sg"), *treg = tcase_create("regularized"), *tbv = tcase_create("butler_volmer");

  tcase_add_test(tb, test_bernoulli_accuracy);
  tcase_add_test(tb, test_bernoulli_extremes);
  tcase_add_test(tb, test_bernoulli_identity);
  tcase_add_test(tsg, test_sg_diffusion);
  tcase_add_test(tsg, test_sg_drift);
  tcase_add_test(tsg, test_sg_equilibrium);
  tcase_add_test(tsg, test_sg_derivatives);
  tcase_add_test(treg, test_expreg);
  tcase_add_test(treg, test_powreg);
  tcase_add_test(tbv, test_bv_derivatives);
  tcase_add_test(tbv, test_bv_equilibrium_tafel);
  suite_add_tcase(s, tb);
  suite_add_tcase(s, tsg);
  suite_add_tcase(s, treg);
  suite_add_tcase(s, tbv);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(KernelsSuite());
  int      nfailed;

  RngSeed(20240601ULL);
  srunner_run_all(sr, CK_NORMAL);
  nfailed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return nfailed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

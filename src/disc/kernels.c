/* Pointwise kernels of the ness discretization (see include/ness/private/kernels.h).
   Plain void/real functions without PetscErrorCode: they sit in the innermost residual/Jacobian loops. */
#include <math.h>
#include <ness/private/kernels.h>

/* Switch points of the Bernoulli evaluation */
#define NESS_BERN_TAYLOR 0.25 /* |x| below: Taylor series */
#define NESS_BERN_ASYMP  50.0 /* |x| above: exp(-|x|) < 2e-22, asymptotic forms are exact to rounding */

/* Taylor coefficients of B(x) = x/(e^x-1) = sum_n B_n x^n/n! (Bernoulli numbers), even part without the constant:
   c_2k = B_2k/(2k)!. With |x| < 1/4 the x^16 term is < 1e-19 relative, so x^14 is the last term needed. */
#define NESS_BERN_C2  (1.0 / 12.0)
#define NESS_BERN_C4  (-1.0 / 720.0)
#define NESS_BERN_C6  (1.0 / 30240.0)
#define NESS_BERN_C8  (-1.0 / 1209600.0)
#define NESS_BERN_C10 (1.0 / 47900160.0)
#define NESS_BERN_C12 (-691.0 / 1307674368000.0)
#define NESS_BERN_C14 (1.0 / 74724249600.0)

/* B(t), B(-t) and B'(t) for t = |x| >= 0 (B'(-t) = -1 - B'(t) follows from B(-x) = B(x) + x).
   B(t) is in (0,1], B(-t) = B(t) + t is a sum of two positive numbers and B'(t) is in [-1/2,0), so both signs are
   obtained from one expm1 without cancellation (whereas B(-x) = B(x) + x evaluated from x << 0 would cancel completely:
   e.g. B(-60) = 60 + 5e-25 gives B(60) = 0 instead of 5e-25, which breaks the SG flux at equilibrium).
   For t >= 1/4:  B'(t) = (e^t - 1 - t e^t)/(e^t-1)^2 = (1/(e^t-1)) (1 - B(t) e^t) = (1 - B(-t))/expm1(t),
   where 1 - B(-t) loses at most a factor ~9 (at t = 1/4) to cancellation. */
static inline void BernoulliAbs(PetscReal t, PetscReal *Bp, PetscReal *Bm, PetscReal *dBp)
{
  if (t < NESS_BERN_TAYLOR) {
    const PetscReal t2 = t * t;
    /* even part E(t) = 1 + c2 t^2 + ..., E'(t)/t = 2 c2 + 4 c4 t^2 + ... (Horner in t^2) */
    const PetscReal E  = 1.0 + t2 * (NESS_BERN_C2 + t2 * (NESS_BERN_C4 + t2 * (NESS_BERN_C6 + t2 * (NESS_BERN_C8 + t2 * (NESS_BERN_C10 + t2 * (NESS_BERN_C12 + t2 * NESS_BERN_C14))))));
    const PetscReal dE = t * (2.0 * NESS_BERN_C2 + t2 * (4.0 * NESS_BERN_C4 + t2 * (6.0 * NESS_BERN_C6 + t2 * (8.0 * NESS_BERN_C8 + t2 * (10.0 * NESS_BERN_C10 + t2 * (12.0 * NESS_BERN_C12 + t2 * 14.0 * NESS_BERN_C14))))));
    *Bp                = E - 0.5 * t;
    *Bm                = E + 0.5 * t;
    *dBp               = dE - 0.5;
  } else if (t <= NESS_BERN_ASYMP) {
    const PetscReal em1 = expm1(t);
    *Bp                 = t / em1;
    *Bm                 = *Bp + t;
    *dBp                = (1.0 - *Bm) / em1;
  } else if (t <= PETSC_MAX_REAL) {
    /* B(t) = t e^-t / (1 - e^-t) and B'(t) = e^-t (1 - t - B(t)) / (1 - e^-t); dropped terms are O(e^-t) relative */
    const PetscReal emt = PetscExpReal(-t);
    *Bp                 = t * emt;
    *Bm                 = t; /* + t e^-t, below half an ulp of t */
    *dBp                = (1.0 - t) * emt;
  } else { /* +inf: B(inf) = 0, B(-inf) = inf; NaN propagates */
    *Bp  = (t > 0) ? 0.0 : t;
    *Bm  = t;
    *dBp = (t > 0) ? 0.0 : t;
  }
}

void NessBernoulli(PetscReal x, PetscReal *B, PetscReal *dB)
{
  PetscReal Bp, Bm, dBp;

  BernoulliAbs(PetscAbsReal(x), &Bp, &Bm, &dBp);
  if (x >= 0) {
    *B = Bp;
    if (dB) *dB = dBp;
  } else {
    *B = Bm;
    if (dB) *dB = -1.0 - dBp;
  }
}

void NessSGFlux(PetscReal z, PetscReal pe, PetscReal cK, PetscReal cL, PetscReal psiK, PetscReal psiL, PetscReal *J, PetscReal dJ[4])
{
  const PetscReal s = z * (psiL - psiK) + pe;
  PetscReal       Bp, Bm, dBp, Bs, Bms, dBs, dBms;

  /* One Bernoulli evaluation at |s| gives B(s), B(-s) and both derivatives, each to full relative accuracy. */
  BernoulliAbs(PetscAbsReal(s), &Bp, &Bm, &dBp);
  if (s >= 0) {
    Bs   = Bp;
    Bms  = Bm;
    dBs  = dBp;
    dBms = -1.0 - dBp;
  } else {
    Bs   = Bm;
    Bms  = Bp;
    dBs  = -1.0 - dBp;
    dBms = dBp;
  }
  *J = Bs * cK - Bms * cL;
  if (dJ) {
    /* dJ/ds = B'(s) cK + B'(-s) cL, ds/dpsiK = -z, ds/dpsiL = z */
    const PetscReal dJds = dBs * cK + dBms * cL;

    dJ[0] = Bs;
    dJ[1] = -Bms;
    dJ[2] = -z * dJds;
    dJ[3] = z * dJds;
  }
}

PetscReal NessExpReg(PetscReal x, PetscReal *d)
{
  PetscReal v;

  if (x <= NESS_EXP_MAX) {
    v = PetscExpReal(x);
    if (d) *d = v;
  } else {
    const PetscReal eM = PetscExpReal(NESS_EXP_MAX);

    v = eM * (1.0 + (x - NESS_EXP_MAX));
    if (d) *d = eM;
  }
  return v;
}

PetscReal NessPowReg(PetscReal a, PetscReal p, PetscReal *d)
{
  PetscReal v, dv;

  if (p == 0) {
    v  = 1.0;
    dv = 0.0;
  } else if (a >= NESS_POW_AMIN) {
    if (p == 1) {
      v  = a;
      dv = 1.0;
    } else if (p == 2) {
      v  = a * a;
      dv = 2.0 * a;
    } else {
      v  = PetscPowReal(a, p);
      dv = p * v / a;
    }
  } else if (p >= 1) {
    /* a^p has a finite derivative p a^(p-1) down to a = 0 (the right derivative at 0: 1 for p = 1, 0 for p > 1):
       keep it exact on [0, AMIN) and clip negative a to 0 (value 0, derivative 0; C1 except at a = 0 for p = 1). */
    if (a < 0) {
      v  = 0.0;
      dv = 0.0;
    } else {
      v  = PetscPowReal(a, p);
      dv = p * PetscPowReal(a, p - 1.0);
    }
  } else {
    /* 0 < p < 1: tangent line at AMIN, C1 there; positive at a = 0 (AMIN^p (1-p)) with finite slope p AMIN^(p-1).
       For negative a it reaches 0 at a = -AMIN (1-p)/p and is clipped to 0 (derivative 0) below that. */
    const PetscReal vmin = PetscPowReal(NESS_POW_AMIN, p);

    v  = vmin * (1.0 + p * (a / NESS_POW_AMIN - 1.0));
    dv = p * vmin / NESS_POW_AMIN;
    if (v < 0) { /* a NaN propagates */
      v  = 0.0;
      dv = 0.0;
    }
  }
  if (d) *d = dv;
  return v;
}

/* Stack size for the prefix/suffix product scratch in NessButlerVolmer(); larger ns fall back to O(ns^2) recomputation. */
#define NESS_BV_NS_STACK 32

/* P = prod_j a_j^{o_j} (NessPowReg, species with o_j = 0 skipped); dP[j] = dP/da_j by prefix/suffix products,
   so no division by a_j (which may be 0). ns <= NESS_BV_NS_STACK. */
static inline PetscReal OrderProduct(PetscInt ns, const PetscReal a[], const PetscReal o[], PetscReal dP[])
{
  PetscReal f[NESS_BV_NS_STACK], df[NESS_BV_NS_STACK], P = 1.0, suffix = 1.0;
  PetscInt  j;

  for (j = 0; j < ns; j++) {
    if (o[j] != 0) f[j] = NessPowReg(a[j], o[j], &df[j]);
    else {
      f[j]  = 1.0;
      df[j] = 0.0;
    }
    dP[j] = P; /* prefix product prod_{i<j} */
    P *= f[j];
  }
  for (j = ns - 1; j >= 0; j--) {
    dP[j] *= suffix * df[j];
    suffix *= f[j];
  }
  return P;
}

/* Same as OrderProduct() for any ns, without scratch: dP/da_j for one j, recomputing the other factors. */
static PetscReal OrderProductDerivative(PetscInt ns, const PetscReal a[], const PetscReal o[], PetscInt j)
{
  PetscReal dfj, P;
  PetscInt  i;

  if (o[j] == 0) return 0.0;
  (void)NessPowReg(a[j], o[j], &dfj);
  if (dfj == 0) return 0.0;
  P = dfj;
  for (i = 0; i < ns; i++)
    if (i != j && o[i] != 0) P *= NessPowReg(a[i], o[i], NULL);
  return P;
}

void NessButlerVolmer(PetscInt ns, const PetscReal a[], const PetscReal p[], const PetscReal q[], PetscReal alpha_a, PetscReal alpha_c, PetscReal n, PetscReal x, PetscReal *r, PetscReal *drdx, PetscReal drda[])
{
  PetscReal dEa, dEc, Pa, Pc;
  PetscInt  j;
  /* anodic E(alpha_a n x), cathodic E(-alpha_c n x) */
  const PetscReal Ea = NessExpReg(alpha_a * n * x, &dEa);
  const PetscReal Ec = NessExpReg(-alpha_c * n * x, &dEc);

  if (drda && ns <= NESS_BV_NS_STACK) {
    PetscReal dPa[NESS_BV_NS_STACK], dPc[NESS_BV_NS_STACK];

    Pa = OrderProduct(ns, a, p, dPa);
    Pc = OrderProduct(ns, a, q, dPc);
    for (j = 0; j < ns; j++) drda[j] = dPa[j] * Ea - dPc[j] * Ec;
  } else {
    Pa = 1.0;
    Pc = 1.0;
    for (j = 0; j < ns; j++) {
      if (p[j] != 0) Pa *= NessPowReg(a[j], p[j], NULL);
      if (q[j] != 0) Pc *= NessPowReg(a[j], q[j], NULL);
    }
    if (drda)
      for (j = 0; j < ns; j++) drda[j] = OrderProductDerivative(ns, a, p, j) * Ea - OrderProductDerivative(ns, a, q, j) * Ec;
  }
  *r = Pa * Ea - Pc * Ec;
  if (drdx) *drdx = n * (alpha_a * Pa * dEa + alpha_c * Pc * dEc);
}

/* Order of species j in the forward (sign = -1: reactants, nu < 0) or backward (sign = +1: products) product */
static inline PetscReal MassActionOrder(PetscReal nu, PetscReal sign)
{
  return PetscMax(sign * nu, 0.0);
}

/* P = prod_j c_j^{o_j}, o_j = MassActionOrder(nu_j, sign), and dP[j] = dP/dc_j by prefix/suffix products (no division
   by c_j). ns <= NESS_BV_NS_STACK. */
static inline PetscReal StoichProduct(PetscInt ns, const PetscReal c[], const PetscReal nu[], PetscReal sign, PetscReal dP[])
{
  PetscReal f[NESS_BV_NS_STACK], df[NESS_BV_NS_STACK], P = 1.0, suffix = 1.0;
  PetscInt  j;

  for (j = 0; j < ns; j++) {
    const PetscReal o = MassActionOrder(nu[j], sign);

    if (o != 0) f[j] = NessPowReg(c[j], o, &df[j]);
    else {
      f[j]  = 1.0;
      df[j] = 0.0;
    }
    dP[j] = P;
    P *= f[j];
  }
  for (j = ns - 1; j >= 0; j--) {
    dP[j] *= suffix * df[j];
    suffix *= f[j];
  }
  return P;
}

/* Any ns without scratch: the product, and dP/dc_j for one j (j < 0: product only) by recomputation */
static PetscReal StoichProductRecompute(PetscInt ns, const PetscReal c[], const PetscReal nu[], PetscReal sign, PetscInt j)
{
  PetscReal P = 1.0;
  PetscInt  i;

  if (j >= 0) {
    const PetscReal o = MassActionOrder(nu[j], sign);
    PetscReal       d;

    if (o == 0) return 0.0;
    (void)NessPowReg(c[j], o, &d);
    if (d == 0) return 0.0;
    P = d;
  }
  for (i = 0; i < ns; i++) {
    const PetscReal o = MassActionOrder(nu[i], sign);

    if (i != j && o != 0) P *= NessPowReg(c[i], o, NULL);
  }
  return P;
}

void NessMassAction(PetscInt ns, const PetscReal c[], const PetscReal nu[], PetscReal kf, PetscReal kb, PetscReal *R, PetscReal *Rf, PetscReal *Rb, PetscReal dR[])
{
  PetscReal Pf, Pb;
  PetscInt  j;

  if (dR && ns <= NESS_BV_NS_STACK) {
    PetscReal dPf[NESS_BV_NS_STACK], dPb[NESS_BV_NS_STACK];

    Pf = StoichProduct(ns, c, nu, -1.0, dPf);
    Pb = StoichProduct(ns, c, nu, 1.0, dPb);
    for (j = 0; j < ns; j++) dR[j] = kf * dPf[j] - kb * dPb[j];
  } else {
    Pf = StoichProductRecompute(ns, c, nu, -1.0, -1);
    Pb = StoichProductRecompute(ns, c, nu, 1.0, -1);
    if (dR)
      for (j = 0; j < ns; j++) dR[j] = kf * StoichProductRecompute(ns, c, nu, -1.0, j) - kb * StoichProductRecompute(ns, c, nu, 1.0, j);
  }
  if (R) *R = kf * Pf - kb * Pb;
  if (Rf) *Rf = kf * Pf;
  if (Rb) *Rb = kb * Pb;
}

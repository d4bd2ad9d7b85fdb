/* Pointwise kernels of the ness discretization: no mesh, no PETSc objects, only numbers.
   Every function here is pure and cheap; they are called inside residual and Jacobian loops. */
#ifndef NESS_PRIVATE_KERNELS_H
#define NESS_PRIVATE_KERNELS_H

#include <petscsys.h>

/* Bernoulli function B(x) = x/(exp(x)-1) and its derivative B'(x), evaluated stably on the whole real line
   (Taylor series for |x| < 0.25, x/expm1(x) elsewhere, asymptotes for |x| > 50). Relative accuracy 1e-14 for both
   (measured: 2.5e-16 for B, 1.9e-15 for B'), except where B underflows (x > ~708: subnormal, then 0).
   Note B(-x) = B(x) + x and B'(-x) = -1 - B'(x); both signs are evaluated from |x| without cancellation.
   dB may be NULL. */
void NessBernoulli(PetscReal x, PetscReal *B, PetscReal *dB);

/* Nondimensional Scharfetter-Gummel edge flux from K to L, per unit (D * gamma):
     J = B(s) cK - B(-s) cL,  s = z (psiL - psiK) + pe
   (psi = f*phi; s is minus the edge Peclet number of the total drift velocity, whose migration part is
   -D z grad(psi)). SIGN: for an advection velocity u, pe = -u.(xL-xK)/D (u pointing from K to L then gives
   J -> (u.(xL-xK)/D) cK, the upwind flux K->L, for large |pe|); pe = 0 without advection.
   Limits: s = 0 gives cK - cL exactly; |s| >> 1 gives -s c_upwind (upwind L for s > 0, K for s < 0).
   B(s) and B(-s) both come from one evaluation at |s| with full relative accuracy (J = 0 at Boltzmann equilibrium
   to rounding). dJ[0] = dJ/dcK, dJ[1] = dJ/dcL, dJ[2] = dJ/dpsiK, dJ[3] = dJ/dpsiL. dJ may be NULL. */
void NessSGFlux(PetscReal z, PetscReal pe, PetscReal cK, PetscReal cL, PetscReal psiK, PetscReal psiL, PetscReal *J, PetscReal dJ[4]);

/* Regularized exponential: exp(x) for x <= M = NESS_EXP_MAX, the C1 linear continuation exp(M)(1 + x - M)
   above (so Newton never sees inf; finite for x < ~7e290). Returns the value; *d (may be NULL) gets the derivative. */
#define NESS_EXP_MAX 40.0
PetscReal NessExpReg(PetscReal x, PetscReal *d);

/* Regularized power a^p for p >= 0: exact for a >= NESS_POW_AMIN. Below AMIN:
     p >= 1:    exact a^p down to a = 0 (its derivative p a^(p-1) is finite there); a < 0 gives 0 with derivative 0.
     0 < p < 1: the tangent line at AMIN (C1 there), value AMIN^p (1-p) > 0 at a = 0 with the finite slope
                p AMIN^(p-1) (5e9 for p = 1/2); where the line would go negative (a < -AMIN (1-p)/p) it is clipped to 0
                with derivative 0.
   So the value is always >= 0 and value and derivative are finite (never inf/NaN) for any finite a.
   p == 0 gives 1 with derivative 0 (also for a <= 0). Returns the value; *d (may be NULL) gets d/da. */
#define NESS_POW_AMIN 1e-20
PetscReal NessPowReg(PetscReal a, PetscReal p, PetscReal *d);

/* Butler-Volmer rate in units of the exchange current density (i/i0), anodic positive:
     r = prod_j a_j^{p_j} E(alpha_a n x) - prod_j a_j^{q_j} E(-alpha_c n x)
   ns species, a[j] = c_j/cref_j >= 0 (activity ratios), p[j]/q[j] the anodic/cathodic reaction orders (0 when
   species j does not take part), x = f*eta the dimensionless overpotential, E = NessExpReg, a^p = NessPowReg.
   Species with p[j] = 0 (q[j] = 0) are skipped in the anodic (cathodic) product, so a[j] = 0 is fine there.
   Outputs r, dr/dx and dr/da[j] (drdx and drda may be NULL). No memory allocation and no division by a[j]
   (prefix/suffix products on the stack for ns <= 32, recomputation for larger ns). */
void NessButlerVolmer(PetscInt ns, const PetscReal a[], const PetscReal p[], const PetscReal q[], PetscReal alpha_a, PetscReal alpha_c, PetscReal n, PetscReal x, PetscReal *r, PetscReal *drdx, PetscReal drda[]);

/* Mass-action rate of a reversible reaction  sum_{nu<0} |nu_j| A_j <=> sum_{nu>0} nu_j A_j:
     Rf = kf prod_{nu_j<0} c_j^{-nu_j},  Rb = kb prod_{nu_j>0} c_j^{nu_j},  R = Rf - Rb
   ns species, c[j] their concentrations (any units consistent with kf, kb), nu[j] the stoichiometry (0: not taking
   part). Powers are NessPowReg, so c_j slightly negative (during Newton) or 0 gives finite, non-negative factors.
   dR[j] = dR/dc_j by prefix/suffix products (no division by c_j; stack scratch for ns <= 32, recomputation above).
   R, Rf, Rb and dR may each be NULL. */
void NessMassAction(PetscInt ns, const PetscReal c[], const PetscReal nu[], PetscReal kf, PetscReal kb, PetscReal *R, PetscReal *Rf, PetscReal *Rb, PetscReal dR[]);

#endif

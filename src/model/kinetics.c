/* Electrode kinetics laws, registered by name (like SNESRegister): each law returns the current density of one
   reaction (A/m^2, anodic positive) and its derivatives with respect to the overpotential and to the activities
   of the species. Built in: butler_volmer, tafel_anodic, tafel_cathodic, linear. A host adds its own with
   NessKineticsRegister(). An optional limiting current density is applied on top of any law. */
#include <ness/private/nessimpl.h>
#include <ness/private/kernels.h>

PetscFunctionList NessKineticsList              = NULL;
static PetscBool  NessKineticsRegisterAllCalled = PETSC_FALSE;

/* i = i0 [prod a^p E(alpha_a n f eta) - prod a^q E(-alpha_c n f eta)], concentration dependent */
static PetscErrorCode KineticsButlerVolmer(const NessKineticsInput *in, PetscReal *i, PetscReal *di_deta, PetscReal di_da[])
{
  PetscReal r, drdx;

  PetscFunctionBeginHot;
  NessButlerVolmer(in->ns, in->a, in->p, in->q, in->alpha_a, in->alpha_c, in->n, in->f * in->eta, &r, &drdx, di_da);
  *i       = in->i0 * r;
  *di_deta = in->i0 * drdx * in->f;
  for (PetscInt j = 0; j < in->ns; j++) di_da[j] *= in->i0;
  PetscFunctionReturn(0);
}

/* anodic branch only: i = i0 prod a^p E(alpha_a n f eta) (Tafel slope ln(10)/(alpha_a n f) V/decade) */
static PetscErrorCode KineticsTafelAnodic(const NessKineticsInput *in, PetscReal *i, PetscReal *di_deta, PetscReal di_da[])
{
  PetscReal zero[NESS_MAX_SPECIES], r, drdx;

  PetscFunctionBeginHot;
  for (PetscInt j = 0; j < in->ns; j++) zero[j] = 0.0;
  /* cathodic branch with zero transfer coefficient and no concentration dependence would still give -1: use the
     kernel with alpha_c = 0 and subtract the constant cathodic term */
  NessButlerVolmer(in->ns, in->a, in->p, zero, in->alpha_a, 0.0, in->n, in->f * in->eta, &r, &drdx, di_da);
  *i       = in->i0 * (r + 1.0);
  *di_deta = in->i0 * drdx * in->f;
  for (PetscInt j = 0; j < in->ns; j++) di_da[j] *= in->i0;
  PetscFunctionReturn(0);
}

/* cathodic branch only: i = -i0 prod a^q E(-alpha_c n f eta) */
static PetscErrorCode KineticsTafelCathodic(const NessKineticsInput *in, PetscReal *i, PetscReal *di_deta, PetscReal di_da[])
{
  PetscReal zero[NESS_MAX_SPECIES], r, drdx;

  PetscFunctionBeginHot;
  for (PetscInt j = 0; j < in->ns; j++) zero[j] = 0.0;
  NessButlerVolmer(in->ns, in->a, zero, in->q, 0.0, in->alpha_c, in->n, in->f * in->eta, &r, &drdx, di_da);
  *i       = in->i0 * (r - 1.0);
  *di_deta = in->i0 * drdx * in->f;
  for (PetscInt j = 0; j < in->ns; j++) di_da[j] *= in->i0;
  PetscFunctionReturn(0);
}

/* linearized Butler-Volmer: i = i0 (alpha_a + alpha_c) n f eta, no concentration dependence */
static PetscErrorCode KineticsLinear(const NessKineticsInput *in, PetscReal *i, PetscReal *di_deta, PetscReal di_da[])
{
  PetscFunctionBeginHot;
  *di_deta = in->i0 * (in->alpha_a + in->alpha_c) * in->n * in->f;
  *i       = *di_deta * in->eta;
  for (PetscInt j = 0; j < in->ns; j++) di_da[j] = 0.0;
  PetscFunctionReturn(0);
}

/* active/passive metal: Butler-Volmer below the passivation overpotential eta_pp, a passive current density above
     i = i0 [prod a^p E(alpha_a n f eta) - prod a^q E(-alpha_c n f eta)] (1 - s) + i_pass s,
     s = 1/(1 + exp(-(eta - eta_pp)/w))
   params: eta_pp (V), w (V, width of the transition, > 0), i_pass (A/m^2, >= 0) */
static PetscErrorCode KineticsActivePassive(const NessKineticsInput *in, PetscReal *i, PetscReal *di_deta, PetscReal di_da[])
{
  PetscReal r, drdx, epp, w, ipass, s, ds, z;

  PetscFunctionBeginHot;
  PetscCheck(in->nparam == 3, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "Kinetics active_passive needs -ness_reaction_<r>_params eta_pp,width,i_pass (3 values), got %" PetscInt_FMT, in->nparam);
  epp   = in->param[0];
  w     = in->param[1];
  ipass = in->param[2];
  PetscCheck(w > 0 && ipass >= 0, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "Kinetics active_passive: width must be > 0 and i_pass >= 0 (got %g, %g)", (double)w, (double)ipass);
  NessButlerVolmer(in->ns, in->a, in->p, in->q, in->alpha_a, in->alpha_c, in->n, in->f * in->eta, &r, &drdx, di_da);
  z = -(in->eta - epp) / w;
  if (z > 0) { /* s = 1/(1 + e^z) without overflow */
    const PetscReal ez = PetscExpReal(-z);
    s                  = ez / (1.0 + ez);
  } else s = 1.0 / (1.0 + PetscExpReal(z));
  ds       = s * (1.0 - s) / w;
  *i       = in->i0 * r * (1.0 - s) + ipass * s;
  *di_deta = in->i0 * drdx * in->f * (1.0 - s) - in->i0 * r * ds + ipass * ds;
  for (PetscInt j = 0; j < in->ns; j++) di_da[j] *= in->i0 * (1.0 - s);
  PetscFunctionReturn(0);
}

/*@C
  NessKineticsRegister - adds an electrode kinetics law, selected for a reaction by -ness_reaction_<r>_kinetics <name>
  (not collective; call before NessSetFromOptions())

  Input Parameters:
+ name - the law's name
- law  - computes the current density i (A/m^2, anodic positive), di/deta (A/(m^2 V)) and di/da_j (A/m^2) for
         every species j from a NessKineticsInput (overpotential, activities, the reaction's parameters)
@*/
PetscErrorCode NessKineticsRegister(const char name[], NessKineticsFn law)
{
  PetscFunctionBegin;
  PetscCall(NessInitializePackage());
  PetscCall(PetscFunctionListAdd(&NessKineticsList, name, law));
  PetscFunctionReturn(0);
}

PetscErrorCode NessKineticsRegisterAll(void)
{
  PetscFunctionBegin;
  if (NessKineticsRegisterAllCalled) PetscFunctionReturn(0);
  NessKineticsRegisterAllCalled = PETSC_TRUE;
  PetscCall(PetscFunctionListAdd(&NessKineticsList, "butler_volmer", KineticsButlerVolmer));
  PetscCall(PetscFunctionListAdd(&NessKineticsList, "tafel_anodic", KineticsTafelAnodic));
  PetscCall(PetscFunctionListAdd(&NessKineticsList, "tafel_cathodic", KineticsTafelCathodic));
  PetscCall(PetscFunctionListAdd(&NessKineticsList, "linear", KineticsLinear));
  PetscCall(PetscFunctionListAdd(&NessKineticsList, "active_passive", KineticsActivePassive));
  PetscFunctionReturn(0);
}

PetscErrorCode NessKineticsFinalize(void)
{
  PetscFunctionBegin;
  PetscCall(PetscFunctionListDestroy(&NessKineticsList));
  NessKineticsRegisterAllCalled = PETSC_FALSE;
  PetscFunctionReturn(0);
}

/*
  NessReactionRate - current density (A/m^2) of reaction rx at an electrode vertex with activities a[] = c/c_ref,
  overpotential eta (V), through the reaction's law and its limiting current densities; derivatives with respect
  to eta and to a[]. The limiting current acts as a series resistance of mass transfer on the law's net current,
  i_eff = i / (1 + max(i,0)/ilim_a + max(-i,0)/ilim_c) (Koutecky-Levich form).
*/
PetscErrorCode NessReactionRate(Ness ness, const NessReaction *rx, const PetscReal a[], PetscReal eta, PetscReal *i, PetscReal *di_deta, PetscReal di_da[])
{
  NessKineticsInput in;
  PetscReal         ii, de, da[NESS_MAX_SPECIES];

  PetscFunctionBeginHot;
  in.ns      = ness->ns;
  in.a       = a;
  in.nu      = rx->nu;
  in.p       = rx->p;
  in.q       = rx->q;
  in.eta     = eta;
  in.f       = ness->f;
  in.n       = rx->n;
  in.i0      = rx->i0;
  in.alpha_a = rx->alpha_a;
  in.alpha_c = rx->alpha_c;
  in.nparam  = rx->nparam;
  in.param   = rx->param;
  PetscCallBack("Ness kinetics law", (*rx->law)(&in, &ii, &de, da));
  if (rx->ilim_a > 0 || rx->ilim_c > 0) {
    const PetscReal ka = (rx->ilim_a > 0 && ii > 0) ? 1.0 / rx->ilim_a : 0.0, kc = (rx->ilim_c > 0 && ii < 0) ? 1.0 / rx->ilim_c : 0.0;
    const PetscReal den = 1.0 + ka * ii - kc * ii, s = 1.0 / (den * den);
    *i = ii / den;
    de *= s;
    for (PetscInt j = 0; j < ness->ns; j++) da[j] *= s;
  } else *i = ii;
  if (di_deta) *di_deta = de;
  if (di_da)
    for (PetscInt j = 0; j < ness->ns; j++) di_da[j] = da[j];
  PetscFunctionReturn(0);
}

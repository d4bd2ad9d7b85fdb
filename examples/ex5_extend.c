static const char help[] = "ex5_extend: extending ness from the host (embedding level 4).\n"
                           "  kinetics: the host registers its own electrode kinetics law with NessKineticsRegister(): film_bv,\n"
                           "            Butler-Volmer behind an ohmic surface film of resistance R (ohm m^2, the law's parameter),\n"
                           "            i = i_BV(eta - R i), solved for i inside the law, with analytic derivatives by implicit\n"
                           "            differentiation. It is selected per reaction by option (-<prefix>ness_reaction_<r>_kinetics\n"
                           "            film_bv -<prefix>ness_reaction_<r>_params R) on the 1D iron cell of tests/data/ranks_1d.yaml:\n"
                           "            built-in butler_volmer (prefix bv_), film_bv with R = 0 (film0_, must agree with bv_) and\n"
                           "            with R = -film_resistance (film_, default 0.2 ohm m^2).\n"
                           "  velocity: the host supplies the advection velocity with NessSetVelocityFunction() on the 1D advection cell\n"
                           "            of tests/data/advection_1d.yaml (prefix uhost_) and compares with the same velocity given by\n"
                           "            options (-uopt_ness_velocity_type uniform -uopt_ness_velocity U, prefix uopt_) and with the\n"
                           "            exact solution. -velocity U sets the speed (m/s, default 2e-4).\n"
                           "  errors:   an unknown law name and a late NessSetVelocityFunction() come back as PETSc error codes.\n";

#include <ness.h>

/* ---- a host kinetics law ------------------------------------------------------------------------------------------ */

/* exp(x), continued linearly (C1) above 40 so that wild Newton iterates do not overflow (as ness's own laws do) */
static PetscReal ExpReg(PetscReal x, PetscReal *d)
{
  const PetscReal M = 40.0;
  PetscReal       v;

  if (x <= M) v = *d = PetscExpReal(x);
  else {
    *d = PetscExpReal(M);
    v  = *d * (1.0 + x - M);
  }
  return v;
}

/* prod_j max(a_j, 0)^o_j and its derivatives */
static PetscReal Product(PetscInt ns, const PetscReal a[], const PetscReal o[], PetscReal dP[])
{
  PetscReal P = 1.0;

  for (PetscInt j = 0; j < ns; j++)
    if (o[j] != 0) P *= PetscPowReal(PetscMax(a[j], 0.0), o[j]);
  for (PetscInt j = 0; j < ns; j++) {
    dP[j] = 0.0;
    if (o[j] == 0 || a[j] <= 0) continue;
    dP[j] = o[j] * PetscPowReal(a[j], o[j] - 1.0);
    for (PetscInt k = 0; k < ns; k++)
      if (k != j && o[k] != 0) dP[j] *= PetscPowReal(PetscMax(a[k], 0.0), o[k]);
  }
  return P;
}

/* Butler-Volmer g(x) = i0 [prod a^p exp(alpha_a n f x) - prod a^q exp(-alpha_c n f x)], g'(x), dg/da_j */
static void ButlerVolmer(const NessKineticsInput *in, PetscReal x, PetscReal *g, PetscReal *dg, PetscReal dga[])
{
  PetscReal       dPa[64], dPc[64], dEa, dEc;
  const PetscReal Pa = Product(in->ns, in->a, in->p, dPa), Pc = Product(in->ns, in->a, in->q, dPc);
  const PetscReal Ea = ExpReg(in->alpha_a * in->n * in->f * x, &dEa), Ec = ExpReg(-in->alpha_c * in->n * in->f * x, &dEc);

  *g  = in->i0 * (Pa * Ea - Pc * Ec);
  *dg = in->i0 * in->n * in->f * (in->alpha_a * Pa * dEa + in->alpha_c * Pc * dEc);
  for (PetscInt j = 0; j < in->ns; j++) dga[j] = in->i0 * (dPa[j] * Ea - dPc[j] * Ec);
}

static PetscInt film_calls = 0;

/* film_bv: i = g(eta - R i), R = param[0] >= 0 (ohm m^2; no parameter: R = 0). h(i) = i - g(eta - R i) is strictly
   increasing, and its root lies between 0 and g(eta): Newton's method safeguarded by bisection. Derivatives by implicit
   differentiation: di/deta = g'/(1 + R g'), di/da_j = (dg/da_j)/(1 + R g'). */
static PetscErrorCode FilmButlerVolmer(const NessKineticsInput *in, PetscReal *i, PetscReal *di_deta, PetscReal di_da[])
{
  const PetscReal R = in->nparam > 0 ? in->param[0] : 0.0;
  PetscReal       g, dg, lo, hi, x;

  PetscFunctionBeginUser;
  PetscCheck(in->nparam <= 1, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "film_bv takes one parameter (film resistance, ohm m^2), got %" PetscInt_FMT, in->nparam);
  PetscCheck(R >= 0, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "film_bv: the film resistance must be >= 0, got %g ohm m^2", (double)R);
  PetscCheck(in->ns <= 64, PETSC_COMM_SELF, PETSC_ERR_SUP, "film_bv: at most 64 species");
  film_calls++;
  ButlerVolmer(in, in->eta, &g, &dg, di_da);
  lo = PetscMin(0.0, g);
  hi = PetscMax(0.0, g);
  x  = g;
  if (R > 0 && g != 0) {
    x = 0.0;
    for (PetscInt it = 0; it < 200; it++) {
      PetscReal h, xn;
      ButlerVolmer(in, in->eta - R * x, &g, &dg, di_da);
      h = x - g;
      if (h > 0) hi = x;
      else lo = x;
      xn = x - h / (1.0 + R * dg);
      if (!(xn > lo && xn < hi)) xn = 0.5 * (lo + hi); /* bisection when Newton leaves the bracket */
      if (PetscAbsReal(xn - x) <= 1e-15 * PetscAbsReal(xn) || hi - lo <= 1e-15 * PetscAbsReal(hi)) {
        x = xn;
        break;
      }
      x = xn;
    }
    ButlerVolmer(in, in->eta - R * x, &g, &dg, di_da);
  }
  *i       = x;
  *di_deta = dg / (1.0 + R * dg);
  for (PetscInt j = 0; j < in->ns; j++) di_da[j] /= 1.0 + R * dg;
  PetscFunctionReturn(0);
}

/* the law's analytic derivatives against central differences, at a state like that of the iron anode */
static PetscErrorCode CheckDerivatives(PetscReal R, PetscReal *err)
{
  const PetscReal   nu[3] = {0, 0, 1}, p[3] = {0, 0, 0}, q[3] = {0, 0, 1}, par[1] = {R};
  PetscReal         a[3] = {1.0, 1.0, 0.3}, i, de, da[3], ip, im, dep, dap[3];
  NessKineticsInput in   = {3, a, nu, p, q, 0.08, 38.92, 2.0, 1e-2, 0.5, 0.5, 1, par};

  PetscFunctionBeginUser;
  PetscCall(FilmButlerVolmer(&in, &i, &de, da));
  in.eta = 0.08 + 1e-6;
  PetscCall(FilmButlerVolmer(&in, &ip, &dep, dap));
  in.eta = 0.08 - 1e-6;
  PetscCall(FilmButlerVolmer(&in, &im, &dep, dap));
  in.eta = 0.08;
  *err   = PetscAbsReal((ip - im) / 2e-6 - de) / PetscAbsReal(de);
  for (PetscInt j = 0; j < 3; j++) {
    const PetscReal h = 1e-6 * a[j], aj = a[j];
    a[j] = aj + h;
    PetscCall(FilmButlerVolmer(&in, &ip, &dep, dap));
    a[j] = aj - h;
    PetscCall(FilmButlerVolmer(&in, &im, &dep, dap));
    a[j] = aj;
    *err = PetscMax(*err, PetscAbsReal((ip - im) / (2 * h) - da[j]) / PetscMax(PetscAbsReal(de) * 1e-3, PetscAbsReal(da[j]) + 1e-300));
  }
  PetscFunctionReturn(0);
}

/* ---- a host velocity field ---------------------------------------------------------------------------------------- */

typedef struct {
  PetscReal u[3]; /* m/s */
  PetscInt  calls;
} HostFlow;

static PetscErrorCode HostVelocity(void *ctx, const PetscReal x[], PetscReal u[])
{
  HostFlow *flow = (HostFlow *)ctx;

  PetscFunctionBeginUser;
  for (PetscInt d = 0; d < 3; d++) u[d] = flow->u[d];
  flow->calls++;
  PetscFunctionReturn(0);
}

/* ---- scenarios (the physics of tests/data/ranks_1d.yaml and tests/data/advection_1d.yaml) ------------------------ */

static const char iron[] = "-ness_output 0 -ness_mesh_dim 1 -ness_mesh_faces 120 -ness_mesh_lower 0 -ness_mesh_upper 10e-6 -ness_mesh_grade 6 "
                           "-ness_species_names Na,Cl,Fe "
                           "-ness_species_Na_charge 1 -ness_species_Na_diffusivity 1.33e-9 -ness_species_Na_bulk 1.0 "
                           "-ness_species_Cl_charge -1 -ness_species_Cl_diffusivity 2.03e-9 -ness_species_Cl_bulk 1.0002 "
                           "-ness_species_Fe_charge 2 -ness_species_Fe_diffusivity 0.72e-9 -ness_species_Fe_bulk 1.0e-4 -ness_species_Fe_cref 1.0 "
                           "-ness_bulk_boundaries right "
                           "-ness_electrode_names anode -ness_electrode_anode_label left -ness_electrode_anode_potential -0.30 "
                           "-ness_electrode_anode_phi_bc stern -ness_electrode_anode_stern_capacitance 0.2 -ness_electrode_anode_pzc -0.45 "
                           "-ness_electrode_anode_reactions fe_dissolution "
                           "-ness_reaction_fe_dissolution_n 2 -ness_reaction_fe_dissolution_i0 1.0e-2 -ness_reaction_fe_dissolution_alpha_a 0.5 "
                           "-ness_reaction_fe_dissolution_alpha_c 0.5 -ness_reaction_fe_dissolution_E_eq -0.44 "
                           "-ness_reaction_fe_dissolution_species Fe -ness_reaction_fe_dissolution_stoich 1";

/* neutral species O produced at x = 0 at a fixed rate, carried to the bulk boundary x = L by the flow; the velocity is
   not part of it */
static const char advection[] = "-ness_output 0 -ness_mesh_dim 1 -ness_mesh_faces 40 -ness_mesh_lower 0 -ness_mesh_upper 1e-4 "
                                "-ness_species_names O -ness_species_O_charge 0 -ness_species_O_diffusivity 1e-9 -ness_species_O_bulk 1.0 "
                                "-ness_bulk_boundaries right "
                                "-ness_electrode_names source -ness_electrode_source_label left -ness_electrode_source_potential 0.01 "
                                "-ness_electrode_source_pzc 0.01 -ness_electrode_source_phi_bc stern -ness_electrode_source_reactions ox "
                                "-ness_reaction_ox_n 1 -ness_reaction_ox_i0 1.0 -ness_reaction_ox_kinetics linear -ness_reaction_ox_E_eq 0.0 "
                                "-ness_reaction_ox_species O -ness_reaction_ox_stoich 1 -ness_reaction_ox_charge_check false";

static PetscErrorCode InsertScenario(const char prefix[], const char scenario[])
{
  PetscFunctionBeginUser;
  PetscCall(PetscOptionsPrefixPush(NULL, prefix));
  PetscCall(PetscOptionsInsertString(NULL, scenario));
  PetscCall(PetscOptionsPrefixPop(NULL));
  PetscFunctionReturn(0);
}

static PetscErrorCode Create(const char prefix[], Ness *ness)
{
  PetscFunctionBeginUser;
  PetscCall(NessCreate(PETSC_COMM_WORLD, ness));
  PetscCall(NessSetOptionsPrefix(*ness, prefix));
  PetscCall(NessSetFromOptions(*ness));
  PetscFunctionReturn(0);
}

static PetscErrorCode SolveAndReport(Ness ness, const char label[], PetscReal *cur, PetscBool *ok)
{
  PetscBool conv;

  PetscFunctionBeginUser;
  PetscCall(NessSolve(ness));
  PetscCall(NessGetConverged(ness, &conv));
  PetscCall(NessGetElectrodeCurrent(ness, 0, cur));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "ex5: %-44s converged %s  I = %+.15e A\n", label, conv ? "yes" : "NO", (double)*cur));
  if (!conv) *ok = PETSC_FALSE;
  PetscFunctionReturn(0);
}

/* value of a vertex field at the vertex with the smallest coordinate (1D: the electrode at x = lower) */
static PetscErrorCode ValueAtLeft(Ness ness, Vec field, PetscReal *val)
{
  DM                 dm;
  Vec                X;
  const PetscScalar *x, *f;
  PetscInt           n, nx;
  PetscReal          loc[2] = {PETSC_MAX_REAL, 0.0}, glob[2];
  PetscMPIInt        rank, size;

  PetscFunctionBeginUser;
  PetscCall(NessGetDM(ness, &dm));
  PetscCall(DMGetCoordinates(dm, &X));
  PetscCall(VecGetLocalSize(X, &nx));
  PetscCall(VecGetLocalSize(field, &n));
  PetscCheck(n == nx, PETSC_COMM_SELF, PETSC_ERR_SUP, "ValueAtLeft is for 1D meshes");
  PetscCall(VecGetArrayRead(X, &x));
  PetscCall(VecGetArrayRead(field, &f));
  for (PetscInt k = 0; k < n; k++)
    if (PetscRealPart(x[k]) < loc[0]) {
      loc[0] = PetscRealPart(x[k]);
      loc[1] = PetscRealPart(f[k]);
    }
  PetscCall(VecRestoreArrayRead(X, &x));
  PetscCall(VecRestoreArrayRead(field, &f));
  /* the owner of the smallest coordinate broadcasts its value */
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCall(MPIU_Allreduce(&loc[0], &glob[0], 1, MPIU_REAL, MPIU_MIN, PETSC_COMM_WORLD));
  {
    PetscReal v = loc[0] == glob[0] ? loc[1] : -PETSC_MAX_REAL;
    PetscCall(MPIU_Allreduce(&v, &glob[1], 1, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
  }
  *val = glob[1];
  (void)rank;
  (void)size;
  PetscFunctionReturn(0);
}

/* a vertex field of a 1D mesh on rank 0, ordered by the coordinate (two objects may distribute the mesh differently):
   x and f are allocated on rank 0 (n values, PetscFree2(x, f)) and NULL elsewhere */
static PetscErrorCode GatherByCoordinate(Ness ness, Vec field, PetscInt *n, PetscReal **x, PetscReal **f)
{
  DM                 dm;
  Vec                X, x0, f0;
  VecScatter         sx, sf;
  const PetscScalar *ax, *af;
  PetscInt          *perm;
  PetscMPIInt        rank;

  PetscFunctionBeginUser;
  PetscCall(NessGetDM(ness, &dm));
  PetscCall(DMGetCoordinates(dm, &X));
  PetscCall(VecScatterCreateToZero(X, &sx, &x0));
  PetscCall(VecScatterCreateToZero(field, &sf, &f0));
  PetscCall(VecScatterBegin(sx, X, x0, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(sx, X, x0, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterBegin(sf, field, f0, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(sf, field, f0, INSERT_VALUES, SCATTER_FORWARD));
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  *n = 0;
  *x = *f = NULL;
  if (rank == 0) {
    PetscReal *xs;
    PetscCall(VecGetLocalSize(f0, n));
    PetscCall(PetscMalloc2(*n, x, *n, f));
    PetscCall(PetscMalloc2(*n, &perm, *n, &xs));
    PetscCall(VecGetArrayRead(x0, &ax));
    PetscCall(VecGetArrayRead(f0, &af));
    for (PetscInt k = 0; k < *n; k++) {
      perm[k] = k;
      xs[k]   = PetscRealPart(ax[k]);
    }
    PetscCall(PetscSortRealWithPermutation(*n, xs, perm));
    for (PetscInt k = 0; k < *n; k++) {
      (*x)[k] = xs[perm[k]];
      (*f)[k] = PetscRealPart(af[perm[k]]);
    }
    PetscCall(VecRestoreArrayRead(x0, &ax));
    PetscCall(VecRestoreArrayRead(f0, &af));
    PetscCall(PetscFree2(perm, xs));
  }
  PetscCall(VecScatterDestroy(&sx));
  PetscCall(VecScatterDestroy(&sf));
  PetscCall(VecDestroy(&x0));
  PetscCall(VecDestroy(&f0));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  Ness      ness, bad;
  PetscBool ok = PETSC_TRUE;
  PetscReal R = 0.2, U = 2e-4, Ibv, I0, If, err = 1.0;
  HostFlow  flow = {
     {0, 0, 0},
     0
  };
  PetscErrorCode ierr;
  char           value[64];

  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-film_resistance", &R, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-velocity", &U, NULL));

  /* ---- kinetics: register the law (before NessSetFromOptions), select it by option -------------------------------- */
  PetscCall(NessKineticsRegister("film_bv", FilmButlerVolmer));
  PetscCall(CheckDerivatives(R, &err));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "ex5: film_bv derivatives vs central differences (R = %g ohm m^2): max relative error %.2e\n", (double)R, (double)err));
  if (!(err < 1e-5)) ok = PETSC_FALSE;
  PetscCall(InsertScenario("bv_", iron));
  PetscCall(InsertScenario("film0_", iron));
  PetscCall(InsertScenario("film_", iron));
  PetscCall(PetscOptionsSetValue(NULL, "-film0_ness_reaction_fe_dissolution_kinetics", "film_bv"));
  PetscCall(PetscOptionsSetValue(NULL, "-film0_ness_reaction_fe_dissolution_params", "0"));
  PetscCall(PetscOptionsSetValue(NULL, "-film_ness_reaction_fe_dissolution_kinetics", "film_bv"));
  PetscCall(PetscSNPrintf(value, sizeof(value), "%.17g", (double)R));
  PetscCall(PetscOptionsSetValue(NULL, "-film_ness_reaction_fe_dissolution_params", value));
  PetscCall(InsertScenario("uopt_", advection));
  PetscCall(InsertScenario("uhost_", advection));
  PetscCall(PetscOptionsSetValue(NULL, "-uopt_ness_velocity_type", "uniform"));
  PetscCall(PetscSNPrintf(value, sizeof(value), "%.17g", (double)U));
  PetscCall(PetscOptionsSetValue(NULL, "-uopt_ness_velocity", value));
  PetscCall(PetscOptionsInsert(NULL, &argc, &argv, NULL)); /* the command line overrides the code */

  PetscCall(Create("bv_", &ness));
  PetscCall(SolveAndReport(ness, "bv_    built-in butler_volmer", &Ibv, &ok));
  PetscCall(NessDestroy(&ness));
  film_calls = 0;
  PetscCall(Create("film0_", &ness));
  PetscCall(SolveAndReport(ness, "film0_ film_bv, R = 0", &I0, &ok));
  PetscCall(NessDestroy(&ness));
  {
    PetscInt calls;
    PetscCall(MPIU_Allreduce(&film_calls, &calls, 1, MPIU_INT, MPI_SUM, PETSC_COMM_WORLD));
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "ex5: film_bv with R = 0 vs butler_volmer: relative difference %.3e (%" PetscInt_FMT " law calls)\n", (double)(PetscAbsReal(I0 - Ibv) / PetscAbsReal(Ibv)), calls));
    if (!(calls > 0)) ok = PETSC_FALSE;
  }
  {
    /* with the film: the current is smaller, and the state satisfies i = i_BV(eta_s - R i) at the electrode, eta_s
       from the solved potential next to the metal and the Fe2+ activity there (1D: the current is a density). The
       reaction data below are those of the scenario string `iron` (E_eq -0.44 V, n 2, i0 1e-2 A/m^2, alpha 0.5/0.5). */
    Vec               phi, fe;
    PetscReal         phi0, a0, E, vt, g, dg, dga[3], resid;
    const PetscReal   nu[3] = {0, 0, 1}, p[3] = {0, 0, 0}, q[3] = {0, 0, 1}, par[1] = {R};
    PetscReal         a[3] = {1, 1, 1};
    NessKineticsInput in   = {3, a, nu, p, q, 0, 0, 2.0, 1e-2, 0.5, 0.5, 1, par};
    char              label[128];
    PetscCall(Create("film_", &ness));
    PetscCall(PetscSNPrintf(label, sizeof(label), "film_  film_bv, R = %g ohm m^2", (double)R));
    PetscCall(SolveAndReport(ness, label, &If, &ok));
    PetscCall(NessCreateFieldVec(ness, -1, &phi));
    PetscCall(NessCreateFieldVec(ness, 2, &fe));
    PetscCall(ValueAtLeft(ness, phi, &phi0));
    PetscCall(ValueAtLeft(ness, fe, &a0)); /* c_ref = 1 mol/m^3 */
    PetscCall(NessGetElectrodePotential(ness, 0, &E));
    PetscCall(NessGetThermalVoltage(ness, &vt));
    a[2]   = a0;
    in.f   = 1.0 / vt;
    in.eta = E - phi0 - (-0.44);
    ButlerVolmer(&in, in.eta - R * If, &g, &dg, dga);
    resid = PetscAbsReal(If - g) / PetscAbsReal(If);
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "ex5: film_: eta_s = %.6f V, film drop R I = %.6f V, i_BV(eta_s - R I) = %+.15e A/m^2, relative mismatch %.3e; I / I_bv = %.4f\n", (double)in.eta, (double)(R * If), (double)g, (double)resid, (double)(If / Ibv)));
    if (!(resid < 1e-8) || !(R == 0 || If < Ibv)) ok = PETSC_FALSE;
    PetscCall(VecDestroy(&phi));
    PetscCall(VecDestroy(&fe));
    PetscCall(NessDestroy(&ness));
  }

  /* ---- velocity: host function vs options vs exact --------------------------------------------------------------- */
  {
    Ness      nh, no;
    Vec       ch, co;
    PetscReal Ih, Io, dmax, cmax, emax, D = 1e-9, L = 1e-4, cb = 1.0;
    PetscInt  calls;
    PetscCall(Create("uopt_", &no));
    PetscCall(SolveAndReport(no, "uopt_  -ness_velocity_type uniform", &Io, &ok));
    flow.u[0] = U;
    PetscCall(Create("uhost_", &nh));
    PetscCall(NessSetVelocityFunction(nh, HostVelocity, &flow));
    PetscCall(SolveAndReport(nh, "uhost_ NessSetVelocityFunction", &Ih, &ok));
    PetscCall(MPIU_Allreduce(&flow.calls, &calls, 1, MPIU_INT, MPI_SUM, PETSC_COMM_WORLD));
    PetscCall(NessCreateFieldVec(nh, 0, &ch));
    PetscCall(NessCreateFieldVec(no, 0, &co));
    {
      /* the two fields vertex by vertex (matched by coordinate), and the host one against the exact profile: constant
         total flux J0 = I/F = u c - D c', c(L) = cb: c = J0/u + (cb - J0/u) exp(u (x - L)/D) */
      PetscInt        nh_, no_;
      PetscReal      *xh, *fh, *xo, *fo, r[3] = {0, 0, 0};
      const PetscReal J0 = Ih / 96485.33212;
      PetscCall(GatherByCoordinate(nh, ch, &nh_, &xh, &fh));
      PetscCall(GatherByCoordinate(no, co, &no_, &xo, &fo));
      if (xh) {
        PetscCheck(nh_ == no_, PETSC_COMM_SELF, PETSC_ERR_PLIB, "different vertex counts");
        for (PetscInt k = 0; k < nh_; k++) {
          const PetscReal ce = J0 / U + (cb - J0 / U) * PetscExpReal(U * (xh[k] - L) / D);
          PetscCheck(xh[k] == xo[k], PETSC_COMM_SELF, PETSC_ERR_PLIB, "different vertex coordinates");
          r[0] = PetscMax(r[0], PetscAbsReal(fh[k] - fo[k]));
          r[1] = PetscMax(r[1], PetscAbsReal(fo[k]));
          r[2] = PetscMax(r[2], PetscAbsReal(fh[k] - ce) / ce);
        }
        PetscCall(PetscFree2(xh, fh));
        PetscCall(PetscFree2(xo, fo));
      }
      PetscCallMPI(MPI_Bcast(r, 3, MPIU_REAL, 0, PETSC_COMM_WORLD));
      dmax = r[0];
      cmax = r[1];
      emax = r[2];
    }
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "ex5: host velocity vs option velocity: current relative difference %.3e, field O max difference %.3e relative (%" PetscInt_FMT " host velocity calls); host velocity vs exact profile: max relative error %.3e\n", (double)(PetscAbsReal(Ih - Io) / PetscAbsReal(Io)), (double)(dmax / cmax), calls, (double)emax));
    if (!(calls > 0) || !(PetscAbsReal(Ih - Io) <= 1e-12 * PetscAbsReal(Io)) || !(dmax <= 1e-12 * cmax) || !(emax < 1e-8)) ok = PETSC_FALSE;
    PetscCall(VecDestroy(&ch));
    PetscCall(VecDestroy(&co));

    /* errors come back as codes: a velocity function after set-up */
    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
    ierr = NessSetVelocityFunction(nh, HostVelocity, &flow);
    PetscCall(PetscPopErrorHandler());
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "ex5: error: NessSetVelocityFunction after NessSetUp returned error code %d (PETSC_ERR_ORDER = %d)\n", (int)ierr, (int)PETSC_ERR_ORDER));
    if (ierr == 0) ok = PETSC_FALSE;
    PetscCall(NessDestroy(&nh));
    PetscCall(NessDestroy(&no));
  }

  /* ---- errors: an unknown kinetics law is an input error of NessSetFromOptions ----------------------------------- */
  PetscCall(InsertScenario("bad_", iron));
  PetscCall(PetscOptionsSetValue(NULL, "-bad_ness_reaction_fe_dissolution_kinetics", "no_such_law"));
  PetscCall(NessCreate(PETSC_COMM_WORLD, &bad));
  PetscCall(NessSetOptionsPrefix(bad, "bad_"));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = NessSetFromOptions(bad);
  PetscCall(PetscPopErrorHandler());
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "ex5: error: -bad_ness_reaction_fe_dissolution_kinetics no_such_law: NessSetFromOptions returned error code %d (PETSC_ERR_USER_INPUT = %d)\n", (int)ierr, (int)PETSC_ERR_USER_INPUT));
  if (ierr == 0) ok = PETSC_FALSE;
  PetscCall(NessDestroy(&bad));

  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "ex5: %s\n", ok ? "all checks passed" : "SOME CHECKS FAILED"));
  PetscCall(PetscFinalize());
  return ok ? 0 : 3;
}

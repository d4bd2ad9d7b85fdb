/* Private data of the Ness object. Not installed. */
#ifndef NESS_PRIVATE_NESSIMPL_H
#define NESS_PRIVATE_NESSIMPL_H

#include <ness.h>
#include <petscsf.h>
#include <petsc/private/petscimpl.h>
#include <ness/private/compat.h>

#define NESS_MAX_SPECIES    16
#define NESS_MAX_REACTIONS  16
#define NESS_MAX_ELECTRODES 16
#define NESS_MAX_BOUNDARIES 16
#define NESS_NAME_LEN       64

#define NESS_FARADAY 96485.33212
#define NESS_RGAS    8.314462618
#define NESS_EPS0    8.8541878128e-12

typedef struct {
  char      name[NESS_NAME_LEN];
  PetscReal z;     /* charge number */
  PetscReal D;     /* diffusivity, m^2/s */
  PetscReal cbulk; /* bulk concentration, mol/m^3 */
  PetscReal cref;  /* reference concentration of kinetics, mol/m^3 */
  PetscReal mu0;   /* standard chemical potential, J/mol */
} NessSpecies;

typedef struct {
  char           name[NESS_NAME_LEN];
  PetscReal      n;                       /* electrons transferred, written as an oxidation: Red -> Ox + n e- */
  PetscReal      i0;                      /* exchange current density at the reference concentrations, A/m^2 */
  PetscReal      alpha_a, alpha_c;        /* transfer coefficients */
  PetscReal      Eeq;                     /* equilibrium potential at the reference concentrations, V */
  PetscReal      nu[NESS_MAX_SPECIES];    /* stoichiometry of the oxidation (produced > 0, consumed < 0) */
  PetscReal      p[NESS_MAX_SPECIES];     /* anodic reaction orders */
  PetscReal      q[NESS_MAX_SPECIES];     /* cathodic reaction orders */
  PetscBool      consistent;              /* alpha_a + alpha_c = 1 and orders equal to stoichiometry */
  char           kinetics[NESS_NAME_LEN]; /* law name (NessKineticsRegister) */
  NessKineticsFn law;
  PetscReal      ilim_a, ilim_c; /* limiting current densities, A/m^2 (0: none) */
  PetscInt       nparam;
  PetscReal      param[8];
} NessReaction;

typedef enum {
  NESS_CONTROL_POTENTIOSTATIC,
  NESS_CONTROL_GALVANOSTATIC,
  NESS_CONTROL_FLOATING
} NessControl;
PETSC_EXTERN const char *const NessControls[];

/* Electrodes sharing one unknown metal potential (a galvanostatic electrode, or floating metals wired together):
   sum over its electrodes of the current = target (0 when floating). The potential is eliminated from the
   Newton system by solving this monotone scalar constraint inside every residual evaluation
   (NessUpdateControlPotentials); the Jacobian carries the exact rank-one correction (MATLRC). */
typedef struct {
  char      name[NESS_NAME_LEN];
  PetscInt  ne, el[NESS_MAX_ELECTRODES];
  PetscReal target; /* A */
  PetscReal E;      /* the solved metal potential, V */
  PetscReal dgdE;   /* d(sum of currents)/dE at the last update, A/V */
} NessCouple;

/* Bulk mass-action reaction  sum_{nu<0} |nu_i| A_i  <=>  sum_{nu>0} nu_i A_i  with net rate (mol/(m^3 s))
     R = kf prod_{nu_i<0} c_i^{|nu_i|} - kb prod_{nu_i>0} c_i^{nu_i}   (c in mol/m^3)
   Species equations gain sum_r nu_ir R_r. Owned by src/model/bulk.c. */
typedef struct {
  char      name[NESS_NAME_LEN];
  PetscReal kf, kb;               /* forward/backward rate constants (SI units matching the orders) */
  PetscReal nu[NESS_MAX_SPECIES]; /* stoichiometry: products > 0, reactants < 0 */
  /* results, filled by NessBulkNetworkComputeResults() */
  PetscReal rate_total; /* domain-integrated net rate, mol/s (per metre of depth in 2D) */
} NessBulkReaction;

typedef enum {
  NESS_MODEL_PNP,
  NESS_MODEL_ELECTRONEUTRAL,
  NESS_MODEL_SECONDARY
} NessModel;
PETSC_EXTERN const char *const NessModels[];

typedef enum {
  NESS_VELOCITY_NONE,
  NESS_VELOCITY_UNIFORM,
  NESS_VELOCITY_SHEAR,
  NESS_VELOCITY_POISEUILLE
} NessVelocity;
PETSC_EXTERN const char *const NessVelocities[];

typedef enum {
  NESS_PHI_STERN,
  NESS_PHI_DIRICHLET
} NessPhiBC;
PETSC_EXTERN const char *const NessPhiBCs[];

typedef struct {
  char        name[NESS_NAME_LEN];
  char        label[NESS_NAME_LEN];
  PetscReal   Es;   /* metal potential vs the bulk-solution reference (phi = 0 at bulk boundaries), V */
  PetscReal   Epzc; /* potential of zero charge, V */
  PetscReal   Cs;   /* Stern-layer capacitance, F/m^2 */
  NessPhiBC   phibc;
  PetscInt    nreact;
  PetscInt    react[NESS_MAX_REACTIONS];
  NessControl control;
  PetscReal   Itarget; /* galvanostatic total current, A (anodic positive) */
  char        couple_name[NESS_NAME_LEN];
  PetscInt    couple; /* index into Ness.couple, or -1 (potentiostatic) */
  /* metal data for corrosion rates (Faraday's law): molar mass kg/mol, density kg/m^3, valence; dissolution
     reaction slot in react[] (-1: none) */
  PetscReal molar_mass, density, valence;
  PetscInt  dissolution;
  /* results, filled by NessComputeElectrodeResults() */
  PetscReal area;
  PetscReal current;
  PetscReal rcurrent[NESS_MAX_REACTIONS];
  PetscReal reta[NESS_MAX_REACTIONS]; /* area-mean overpotential E_s - phi - E_eq, V */
  /* filled by NessComputeThermodynamics(): area means of the decomposition
     E_s - E_eq,k = eta_s (activation) + eta_c (concentration) + phi (ohmic, incl. any diffuse layer) */
  PetscReal ract[NESS_MAX_REACTIONS];
  PetscReal rconc[NESS_MAX_REACTIONS];
  PetscReal ohmic;  /* area-mean electrolyte potential at the electrode, V */
  PetscReal tsigma; /* surface dissipation sum_k i_k eta_s,k integrated over the electrode, W */
} NessElectrode;

/* Geometry hoisted out of the residual loop (all lengths in units of Ness.L) */
typedef struct {
  PetscInt   nedge;     /* edges owned by this rank */
  PetscInt  *eK, *eL;   /* local vertex numbers (0-based within the vertex stratum) */
  PetscReal *egamma;    /* assembled |face|/|edge| (dimensionless), may be < 0 for non-Delaunay edges */
  PetscReal *elen;      /* edge length */
  PetscInt   nvown;     /* owned vertices */
  PetscInt  *vown;      /* local vertex numbers of the owned vertices */
  PetscReal *vol;       /* control volume of every local vertex (assembled) */
  PetscBool *dirichlet; /* every local vertex: on a bulk boundary */
  PetscInt  *dirb;      /* every local vertex: index of that bulk boundary (first one), or -1 */
  PetscInt  *phidir;    /* every local vertex: 1 + electrode whose Dirichlet phi holds there, or 0 */
  PetscInt   nev;       /* electrode-vertex entries on owned vertices */
  PetscInt  *evv, *eve; /* vertex, electrode */
  PetscReal *eva;       /* boundary area of that vertex on that electrode */
  PetscInt   nvloc;     /* local vertices */
  PetscInt   vStart;
  PetscInt  *natv;  /* natural (mesh-file) number of every local vertex */
  PetscInt   ncown; /* local cells (all owned: no overlap) */
  PetscInt   nvpc;  /* vertices per cell */
  PetscInt  *natc;  /* natural number of every local cell */
  PetscInt  *cellv; /* ncown*nvpc natural vertex numbers, cells in local order */
  PetscInt   nvglobal, ncglobal;
  PetscInt   nneg; /* global count of non-Delaunay edges */
  PetscReal  domain_volume;
  /* advection (src/disc/advection.c): per owned edge u.(x_L - x_K) at the edge midpoint, scaled (units D0) */
  PetscReal *eadv;
  PetscInt   nout; /* outflow-boundary entries on owned vertices */
  PetscInt  *outv; /* vertex */
  PetscReal *outq; /* integral of u.n over the vertex's part of the outflow boundary, scaled (units D0 L^(edim-2)) */
} NessGeom;

/* Thermodynamic audit of a state (src/post/thermo.c); all SI, per metre of depth in 2D */
typedef struct {
  PetscBool computed;
  PetscReal S_transport, S_reactions, S_surface, S_total; /* entropy production, W/K */
  PetscReal P_ext, P_open, P_chem, P_src;                 /* free-energy supply, W */
  PetscReal abs_error, rel_error;                         /* |T S_total - (P_ext + P_open + P_chem + P_src)| */
  PetscReal min_edge, max_edge;                           /* extreme edge dissipation sum_i J_KL,i (mu_K - mu_L), W */
  PetscInt  nedge_negative;                               /* edges whose dissipation is below -1e-12 max_edge */
  PetscReal pH_min, pH_max;                               /* when a species H/H+ exists */
} NessThermo;

/* Post-processed fields for output, on owned vertices (order of g->vown), local cells and owned electrode vertices */
typedef struct {
  PetscReal *mu;     /* nvown*ns, J/mol */
  PetscReal *sigma;  /* nvown, W/(m^3 K) */
  PetscReal *pH;     /* nvown or NULL */
  PetscReal *gradmu; /* ncown*ns*dim, J/(mol m) */
  PetscReal *cur;    /* ncown*dim, A/m^2 */
  /* electrode surface dataset: one entry per owned electrode vertex (list g->evv/eve/eva, Dirichlet ones skipped) */
  PetscInt   nes;
  PetscInt  *esv, *ese; /* vertex, electrode */
  PetscReal *esdata;    /* nes * NESS_ES_STRIDE */
} NessThermoFields;
/* esdata layout per entry: area, phi, i_total, sigma_s, then per reaction slot r < NESS_MAX_REACTIONS: i, eta, eta_s, eta_c */
#define NESS_ES_HEAD   4
#define NESS_ES_STRIDE (NESS_ES_HEAD + 4 * NESS_MAX_REACTIONS)

struct _p_Ness {
  PETSCHEADER(int);
  /* physics */
  PetscInt      ns;
  NessSpecies   sp[NESS_MAX_SPECIES];
  PetscInt      nr;
  NessReaction  rx[NESS_MAX_REACTIONS];
  PetscInt      ne;
  NessElectrode el[NESS_MAX_ELECTRODES];
  /* bulk mass-action network (src/model/bulk.c) */
  PetscInt         nbr;
  NessBulkReaction br[NESS_MAX_REACTIONS];
  PetscInt         ncycle;                                        /* independent cycles (null space of the stoichiometric matrix) */
  PetscReal        cycle[NESS_MAX_REACTIONS][NESS_MAX_REACTIONS]; /* cycle c: coefficients of each bulk reaction */
  PetscReal        cycle_affinity[NESS_MAX_REACTIONS];            /* RT sum_r cycle_r ln(kf_r/kb_r), J/mol */
  PetscReal        cycle_flux[NESS_MAX_REACTIONS];                /* net reaction flux around the cycle in the solution, mol/s */
  PetscBool        network_driven;                                /* Wegscheider's condition violated */
  PetscInt         ncouple;
  NessCouple       couple[NESS_MAX_ELECTRODES];
  PetscInt         nbulk;
  char             bulk[NESS_MAX_BOUNDARIES][NESS_NAME_LEN];
  PetscReal        bulkc[NESS_MAX_BOUNDARIES][NESS_MAX_SPECIES]; /* composition on each bulk boundary, mol/m^3 */
  PetscBool        bulk_uniform;                                 /* every bulk boundary has the species' bulk composition */
  PetscReal        T, epsr;
  /* transport model: reduced unknowns per vertex are nu species (a subset of the ns, or none) and psi; the full
     scaled state is c_i = cfix_i + sum_j P_ij u_j, psi = u_nu */
  NessModel    model;
  PetscInt     nu;
  PetscInt     kept[NESS_MAX_SPECIES]; /* full species index of reduced species j */
  PetscInt     iel;                    /* electroneutral: the eliminated species (-1 otherwise) */
  PetscReal    P[NESS_MAX_SPECIES][NESS_MAX_SPECIES];
  PetscReal    cfix[NESS_MAX_SPECIES];
  PetscReal    kappa;   /* secondary: conductivity, S/m (computed from the species when not given) */
  PetscReal    kappa_s; /* scaled: kappa / (F f D0 c0) */
  NessVelocity vtype;
  PetscErrorCode (*vfunc)(void *, const PetscReal[], PetscReal[]); /* host velocity field (NessSetVelocityFunction) */
  void     *vctx;
  PetscReal vel[3], shear_rate, vmax; /* m/s, 1/s, m/s */
  PetscInt  nout;
  char      outflow[NESS_MAX_BOUNDARIES][NESS_NAME_LEN];
  char      scenario[PETSC_MAX_PATH_LEN];
  /* optional volumetric sources (manufactured solutions): s[i] in mol/(m^3 s) for species, s[ns] in C/m^3 for
     Poisson, given at physical coordinates x; evaluated once at set-up into srcv */
  PetscErrorCode (*source)(void *, const PetscReal[], PetscReal[]);
  void      *sourcectx;
  PetscReal *srcv; /* scaled sources at owned vertices, nvown*nf */
  PetscReal  meshscale;
  char       outdir[PETSC_MAX_PATH_LEN];
  PetscBool  write_output;
  /* mesh */
  char      meshfile[PETSC_MAX_PATH_LEN];
  PetscInt  dim;
  PetscInt  faces[3];
  PetscReal lower[3], upper[3], grade[3];
  PetscBool simplex;
  PetscBool axisym; /* 2D axisymmetric: x = r >= 0, y = z; volumes, gammas and areas carry 2 pi r (full revolution) */
  PetscInt  edim;   /* dimension of the extensive quantities: dim, or 3 when axisymmetric */
  PetscInt  npatch; /* named patches of box sides: facets of side patchside[] whose centroid is in patchrange[] */
  char      patch[NESS_MAX_BOUNDARIES][NESS_NAME_LEN];
  PetscInt  patchside[NESS_MAX_BOUNDARIES];
  PetscReal patchrange[NESS_MAX_BOUNDARIES][4];
  DM        dm;  /* DMPlex with nf dofs per vertex */
  DM        dmv; /* clone with one dof per vertex */
  NessGeom  g;
  /* scaling */
  PetscReal f;      /* F/(RT) */
  PetscReal L;      /* length scale, m */
  PetscReal c0;     /* concentration scale, mol/m^3 */
  PetscReal D0;     /* diffusivity scale, m^2/s */
  PetscReal Lambda; /* (L/lambda0)^2 = L^2 F f c0/eps */
  PetscInt  nf;     /* dofs per vertex: ns species + phi */
  /* solver */
  TS        ts;
  SNES      snes;
  Vec       U;
  Mat       J;
  Mat       Jlrc; /* J + rank-m correction of the unknown metal potentials and closed species (NULL without either) */
  PetscReal tsdt0;
  PetscInt  pseudo_max_steps;
  PetscBool use_pseudo;
  /* state */
  PetscBool           configured, setupcalled, solved, converged;
  PetscBool           have_state; /* U holds a previous solve's state: warm start */
  SNESConvergedReason reason;
  TSConvergedReason   tsreason;
  PetscInt            it_pseudo, it_newton, it_linear;
  PetscReal           fnorm;
  PetscReal           fieldnorm[NESS_MAX_SPECIES + 1]; /* final residual 2-norm per unknown field */
  PetscBool           damped;
  PetscBool           catch_sigterm;                                                                  /* SIGTERM/SIGINT stop the march with a checkpoint */
  PetscInt            ckpt_interval;                                                                  /* checkpoint every N pseudo-time steps (0: never) */
  char                restart[PETSC_MAX_PATH_LEN];                                                    /* -ness_restart checkpoint file */
  PetscErrorCode (*ckpt_extra)(Ness, PetscViewer);                                                    /* writes more into a checkpoint (a running sweep) */
  PetscBool      interrupted;                                                                         /* the last NessSolve() stopped on a signal */
  PetscBool      continuation;                                                                        /* on a failed first solve, continue in the electrode potentials */
  PetscInt       ncont_paths, cont_paths[3];                                                          /* continuation paths in the order tried (ContKind of solve.c) */
  PetscInt       cont_stages;                                                                         /* stages of that continuation (0: not used) */
  PetscReal      cont_reached;                                                                        /* fraction of the way reached by the last path tried */
  char           cont_kind[16];                                                                       /* last continuation path tried: potential, rate or debye */
  char           cont_path[128];                                                                      /* every path tried with the fraction reached */
  PetscBool      control_frozen; /* unknown metal potentials held fixed (first stage of NessSolve) */ /* the last Newton step was shortened by the positivity safeguard */
  PetscLogDouble t_setup, t_solve, t_output;
  NessThermo     thermo;
  PetscBool      transient;      /* after the steady solve, switch the drive off and relax (NessRelax) */
  PetscReal      tr_time, tr_dt; /* physical end time and first step, s (0: defaults from L^2/D) */
  PetscReal      tr_growth;
  PetscInt       tr_max_steps;
  /* closed cells (src/solve/closed.c): species whose mean concentration is held at its bulk value, replacing that
     species' balance at one interior vertex owned by rank 0 */
  PetscInt  nclosed;
  PetscInt  closed[NESS_MAX_SPECIES];     /* species */
  PetscInt  closed_r[NESS_MAX_SPECIES];   /* reduced row slot replaced */
  PetscInt  closed_v[NESS_MAX_SPECIES];   /* local vertex on rank 0, -1 on other ranks */
  PetscInt  closed_row[NESS_MAX_SPECIES]; /* global row replaced (on every rank) */
  PetscReal cmax_valid;                   /* -ness_max_concentration: warning threshold, mol/m^3 (0: off) */
  PetscReal crange[NESS_MAX_SPECIES][2];  /* min, max concentration of the last solve, mol/m^3 */
  PetscReal cstd;                         /* standard concentration of mu = mu0 + RT ln(c/cstd), mol/m^3 */
  PetscReal time_shift;                   /* storage-term shift while pseudo-time stepping (0 for the steady residual) */
};

/* (L/lambda0)^2 = L^2 F f c0/eps: the Poisson coefficient of the scaled equations (recomputed when a continuation
   changes the permittivity) */
static inline PetscReal NessLambda(Ness ness)
{
  return ness->L * ness->L * NESS_FARADAY * ness->f * ness->c0 / (ness->epsr * NESS_EPS0);
}

/* full scaled state of one vertex from its reduced dofs */
static inline void NessVertexState(Ness ness, const PetscScalar *uv, PetscReal c[], PetscReal *psi)
{
  const PetscInt ns = ness->ns, nu = ness->nu;

  if (ness->model == NESS_MODEL_PNP) {
    for (PetscInt i = 0; i < ns; i++) c[i] = PetscRealPart(uv[i]);
  } else if (ness->model == NESS_MODEL_ELECTRONEUTRAL) {
    PetscReal s = 0.0;
    for (PetscInt j = 0; j < nu; j++) {
      c[ness->kept[j]] = PetscRealPart(uv[j]);
      s += ness->P[ness->iel][j] * PetscRealPart(uv[j]);
    }
    c[ness->iel] = s;
  } else
    for (PetscInt i = 0; i < ns; i++) c[i] = ness->cfix[i];
  *psi = PetscRealPart(uv[nu]);
}

/* Numeric options whose value is not a number are reported with the option's name (PETSc's own message,
   "Input string abc has no numeric value", does not name it). Use inside PetscOptionsBegin/End. */
PETSC_INTERN PetscErrorCode NessCheckNumeric(PetscOptionItems *, const char[], PetscBool, PetscBool);
/* Enumerated options: an unknown value is reported by ness, naming the option and the choices. (PETSc 3.18's own
   "Unknown option ... Available options" message overflows its buffer by one byte for some lists: found by the
   fuzzer, tests/fuzz/regressions/asan_phi_bc_unknown_value.opts.) n: entries of an EList, -1 for an enum list. */
PETSC_INTERN PetscErrorCode NessCheckChoice(PetscOptionItems *, const char[], const char *const *, PetscInt);
#define NessOptionsEnum(opt, text, man, list, cur, val, set)     (NessCheckChoice(PetscOptionsObject, opt, list, -1) ? PETSC_ERR_USER_INPUT : PetscOptionsEnum(opt, text, man, list, cur, val, set))
#define NessOptionsEList(opt, text, man, list, n, cur, val, set) (NessCheckChoice(PetscOptionsObject, opt, list, n) ? PETSC_ERR_USER_INPUT : PetscOptionsEList(opt, text, man, list, n, cur, val, set))
#define NessOptionsReal(opt, text, man, cur, val, set)           (NessCheckNumeric(PetscOptionsObject, opt, PETSC_FALSE, PETSC_FALSE) ? PETSC_ERR_USER_INPUT : PetscOptionsReal(opt, text, man, cur, val, set))
#define NessOptionsRealArray(opt, text, man, val, n, set)        (NessCheckNumeric(PetscOptionsObject, opt, PETSC_FALSE, PETSC_TRUE) ? PETSC_ERR_USER_INPUT : PetscOptionsRealArray(opt, text, man, val, n, set))
#define NessOptionsInt(opt, text, man, cur, val, set)            (NessCheckNumeric(PetscOptionsObject, opt, PETSC_TRUE, PETSC_FALSE) ? PETSC_ERR_USER_INPUT : PetscOptionsInt(opt, text, man, cur, val, set))
#define NessOptionsIntArray(opt, text, man, val, n, set)         (NessCheckNumeric(PetscOptionsObject, opt, PETSC_TRUE, PETSC_TRUE) ? PETSC_ERR_USER_INPUT : PetscOptionsIntArray(opt, text, man, val, n, set))

/* Log events */
PETSC_EXTERN PetscLogEvent NESS_SetUp, NESS_Residual, NESS_Jacobian, NESS_Solve, NESS_Output, NESS_Geometry, NESS_Post;

/* internal functions, one module each */
PETSC_INTERN PetscErrorCode    NessModelSetFromOptions(Ness, PetscOptionItems *);
PETSC_INTERN PetscErrorCode    NessModelView(Ness, PetscViewer);
PETSC_INTERN PetscErrorCode    NessSplitList(MPI_Comm, const char[], PetscInt, char[][NESS_NAME_LEN], PetscInt *, const char[]);
PETSC_INTERN const char *const NessBoxSideNames[];
PETSC_INTERN PetscErrorCode    NessMeshCreate(Ness);
PETSC_INTERN PetscErrorCode    NessGeometrySetUp(Ness);
PETSC_INTERN PetscErrorCode    NessGeometryDestroy(NessGeom *);
PETSC_INTERN PetscErrorCode    NessCellGeometry(PetscInt, PetscInt, PetscBool, const PetscReal[], PetscReal *, PetscReal[], PetscReal[]);
PETSC_INTERN PetscErrorCode    NessCellGeometryAxisym(PetscInt, PetscInt, PetscBool, const PetscReal[], PetscReal *, PetscReal[], PetscReal[]);
PETSC_INTERN PetscErrorCode    NessResidualLocal(Ness, Vec, Vec, PetscReal, Vec);
PETSC_INTERN PetscErrorCode    NessFullState(Ness, const PetscScalar[], PetscInt, PetscScalar **);
PETSC_INTERN PetscErrorCode    NessUpdateControlPotentials(Ness, Vec);
PETSC_INTERN PetscErrorCode    NessControlJacobian(Ness, Vec, Mat);
PETSC_INTERN PetscErrorCode    NessAdvectionSetUp(Ness);
PETSC_INTERN PetscErrorCode    NessClosedSetFromOptions(Ness, PetscOptionItems *);
PETSC_INTERN PetscErrorCode    NessClosedSetUp(Ness);
PETSC_INTERN PetscErrorCode    NessClosedResidual(Ness, Vec, Vec);
PETSC_INTERN PetscErrorCode    NessClosedJacobianRows(Ness, Mat);
PETSC_INTERN PetscErrorCode    NessCreateLowRankOperator(Ness, Mat, Mat *);
PETSC_INTERN PetscErrorCode    NessLowRankJacobian(Ness, Vec, Mat, Mat);
PETSC_INTERN PetscErrorCode    NessVelocityAt(Ness, const PetscReal[], PetscReal[]);
PETSC_INTERN PetscErrorCode    NessModelSetUp(Ness);
PETSC_INTERN PetscErrorCode    NessJacobianLocal(Ness, Vec, PetscReal, Mat);
PETSC_INTERN PetscErrorCode    NessSolverSetUp(Ness);
PETSC_INTERN PetscErrorCode    NessFormFunction(SNES, Vec, Vec, void *);
PETSC_INTERN PetscErrorCode    NessFormIFunction(TS, PetscReal, Vec, Vec, Vec, void *);
PETSC_INTERN PetscErrorCode    NessFormIJacobian(TS, PetscReal, Vec, Vec, PetscReal, Mat, Mat, void *);
PETSC_INTERN PetscErrorCode    NessSetDefaultLinearSolver(Ness, KSP);
PETSC_INTERN PetscErrorCode    NessCatchSignals(Ness);
PETSC_INTERN PetscErrorCode    NessMakeOutputDir(MPI_Comm, const char[]);
PETSC_INTERN PetscErrorCode    NessWriteCheckpoint(Ness, PetscInt, PetscReal, PetscReal);
PETSC_INTERN PetscErrorCode    NessReadCheckpoint(Ness, const char[]);
PETSC_INTERN PetscErrorCode    NessCheckpointMonitor(TS, PetscInt, PetscReal, Vec, void *);
PETSC_INTERN PetscErrorCode    NessStopRequested(Ness, PetscBool *);
PETSC_INTERN const char *const NessContinuationPaths[]; /* potential, rate, debye: -ness_continuation_paths */
PETSC_INTERN PetscErrorCode    NessComputeFreeEnergy(Ness, Vec, PetscReal *);
PETSC_INTERN PetscErrorCode    NessSetSourceFunction(Ness, PetscErrorCode (*)(void *, const PetscReal[], PetscReal[]), void *);
PETSC_INTERN PetscErrorCode    NessComputeElectrodeResults(Ness, Vec);
PETSC_INTERN PetscErrorCode    NessReactionRate(Ness, const NessReaction *, const PetscReal[], PetscReal, PetscReal *, PetscReal *, PetscReal[]);
PETSC_INTERN PetscErrorCode    NessKineticsRegisterAll(void);
PETSC_INTERN PetscErrorCode    NessKineticsFinalize(void);
PETSC_EXTERN PetscFunctionList NessKineticsList;
PETSC_INTERN PetscErrorCode    NessComputeThermodynamics(Ness, Vec, NessThermoFields *);
PETSC_INTERN PetscErrorCode    NessThermoFieldsDestroy(NessThermoFields *);
PETSC_INTERN PetscErrorCode    NessGetPointVertices(DM, PetscInt, PetscInt *, PetscInt[], PetscReal[]);
PETSC_INTERN PetscErrorCode    NessAssembleLocal(DM, Vec);
PETSC_INTERN PetscErrorCode    NessWriteSolutionHDF5(Ness, const char[], NessThermoFields *);
PETSC_INTERN PetscErrorCode    NessWriteSummary(Ness, const char[]);
PETSC_INTERN PetscErrorCode    NessFileCommit(MPI_Comm, const char[], const char[]);
/* bulk reactions (src/model/bulk.c) */
PETSC_INTERN PetscErrorCode NessBulkNetworkSetFromOptions(Ness, PetscOptionItems *);
PETSC_INTERN PetscErrorCode NessBulkNetworkView(Ness, PetscViewer);
PETSC_INTERN PetscErrorCode NessBulkReactionRate(Ness, PetscInt, const PetscScalar *, PetscReal *, PetscReal *, PetscReal *);
PETSC_INTERN PetscErrorCode NessBulkNetworkComputeResults(Ness, Vec);
PETSC_INTERN PetscErrorCode NessBulkNetworkWriteJSON(Ness, FILE *);
/* right null space of the m x n row-major matrix S: *nnull basis vectors of length n in basis[k*n + j] (basis holds
   at least n*n entries); each vector is scaled to small integers when its entries are rational, else to max |v_j| = 1 */
PETSC_INTERN PetscErrorCode NessNullSpace(PetscInt, PetscInt, const PetscReal[], PetscInt *, PetscReal[]);
PETSC_INTERN PetscErrorCode NessElectrodeRate(Ness, const NessElectrode *, PetscInt, const PetscScalar *, PetscReal *, PetscReal *, PetscReal *, PetscReal *);
/* NOTE: NessElectrodeRate takes the FULL scaled vertex state (c_i/c0 for all ns species, then psi), see NessFullState */

#endif

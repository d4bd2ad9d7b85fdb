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
  char      name[NESS_NAME_LEN];
  PetscReal n;                    /* electrons transferred, written as an oxidation: Red -> Ox + n e- */
  PetscReal i0;                   /* exchange current density at the reference concentrations, A/m^2 */
  PetscReal alpha_a, alpha_c;     /* transfer coefficients */
  PetscReal Eeq;                  /* equilibrium potential at the reference concentrations, V */
  PetscReal nu[NESS_MAX_SPECIES]; /* stoichiometry of the oxidation (produced > 0, consumed < 0) */
  PetscReal p[NESS_MAX_SPECIES];  /* anodic reaction orders */
  PetscReal q[NESS_MAX_SPECIES];  /* cathodic reaction orders */
  PetscBool consistent;           /* alpha_a + alpha_c = 1 and orders equal to stoichiometry */
} NessReaction;

typedef enum {
  NESS_PHI_STERN,
  NESS_PHI_DIRICHLET
} NessPhiBC;
PETSC_EXTERN const char *const NessPhiBCs[];

typedef struct {
  char      name[NESS_NAME_LEN];
  char      label[NESS_NAME_LEN];
  PetscReal Es;   /* metal potential vs the bulk-solution reference (phi = 0 at bulk boundaries), V */
  PetscReal Epzc; /* potential of zero charge, V */
  PetscReal Cs;   /* Stern-layer capacitance, F/m^2 */
  NessPhiBC phibc;
  PetscInt  nreact;
  PetscInt  react[NESS_MAX_REACTIONS];
  /* results, filled by NessComputeElectrodeResults() */
  PetscReal area;
  PetscReal current;
  PetscReal rcurrent[NESS_MAX_REACTIONS];
  PetscReal reta[NESS_MAX_REACTIONS]; /* area-mean overpotential E_s - phi - E_eq, V */
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
} NessGeom;

struct _p_Ness {
  PETSCHEADER(int);
  /* physics */
  PetscInt      ns;
  NessSpecies   sp[NESS_MAX_SPECIES];
  PetscInt      nr;
  NessReaction  rx[NESS_MAX_REACTIONS];
  PetscInt      ne;
  NessElectrode el[NESS_MAX_ELECTRODES];
  PetscInt      nbulk;
  char          bulk[NESS_MAX_BOUNDARIES][NESS_NAME_LEN];
  PetscReal     T, epsr;
  char          scenario[PETSC_MAX_PATH_LEN];
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
  PetscReal tsdt0;
  PetscInt  pseudo_max_steps;
  PetscBool use_pseudo;
  /* state */
  PetscBool           setupcalled, solved, converged;
  SNESConvergedReason reason;
  TSConvergedReason   tsreason;
  PetscInt            it_pseudo, it_newton, it_linear;
  PetscReal           fnorm;
  PetscLogDouble      t_setup, t_solve, t_output;
  PetscReal           time_shift; /* storage-term shift while pseudo-time stepping (0 for the steady residual) */
};

/* Log events */
PETSC_EXTERN PetscLogEvent NESS_SetUp, NESS_Residual, NESS_Jacobian, NESS_Solve, NESS_Output, NESS_Geometry;

/* internal functions, one module each */
PETSC_INTERN PetscErrorCode    NessModelSetFromOptions(Ness, PetscOptionItems *);
PETSC_INTERN PetscErrorCode    NessModelView(Ness, PetscViewer);
PETSC_INTERN PetscErrorCode    NessSplitList(MPI_Comm, const char[], PetscInt, char[][NESS_NAME_LEN], PetscInt *, const char[]);
PETSC_INTERN const char *const NessBoxSideNames[];
PETSC_INTERN PetscErrorCode    NessMeshCreate(Ness);
PETSC_INTERN PetscErrorCode    NessGeometrySetUp(Ness);
PETSC_INTERN PetscErrorCode    NessGeometryDestroy(NessGeom *);
PETSC_INTERN PetscErrorCode    NessCellGeometry(PetscInt, PetscInt, PetscBool, const PetscReal[], PetscReal *, PetscReal[], PetscReal[]);
PETSC_INTERN PetscErrorCode    NessResidualLocal(Ness, Vec, Vec, PetscReal, Vec);
PETSC_INTERN PetscErrorCode    NessJacobianLocal(Ness, Vec, PetscReal, Mat);
PETSC_INTERN PetscErrorCode    NessSolverSetUp(Ness);
PETSC_INTERN PetscErrorCode    NessSetSourceFunction(Ness, PetscErrorCode (*)(void *, const PetscReal[], PetscReal[]), void *);
PETSC_INTERN PetscErrorCode    NessComputeElectrodeResults(Ness, Vec);
PETSC_INTERN PetscErrorCode    NessWriteSolutionHDF5(Ness, const char[]);
PETSC_INTERN PetscErrorCode    NessWriteSummary(Ness, const char[]);
PETSC_INTERN PetscErrorCode    NessFileCommit(MPI_Comm, const char[], const char[]);
PETSC_INTERN PetscErrorCode    NessElectrodeRate(Ness, const NessElectrode *, PetscInt, const PetscScalar *, PetscReal *, PetscReal *, PetscReal *, PetscReal *);

#endif

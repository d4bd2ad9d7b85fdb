/* ness: steady states of driven electrochemical systems (Nernst-Planck, Poisson, Butler-Volmer) on DMPlex.
   The only header a user includes. */
#ifndef NESS_H
#define NESS_H

#include <petscsnes.h>
#include <petscts.h>
#include <petscdmplex.h>

PETSC_EXTERN PetscClassId NESS_CLASSID;

/*S
  Ness - a driven electrochemical system (mesh, species, electrodes, discretization and solvers)
S*/
typedef struct _p_Ness *Ness;

PETSC_EXTERN PetscErrorCode NessInitializePackage(void);
PETSC_EXTERN PetscErrorCode NessFinalizePackage(void);

PETSC_EXTERN PetscErrorCode NessCreate(MPI_Comm, Ness *);
PETSC_EXTERN PetscErrorCode NessSetOptionsPrefix(Ness, const char[]);
PETSC_EXTERN PetscErrorCode NessSetFromOptions(Ness);
PETSC_EXTERN PetscErrorCode NessSetUp(Ness);
PETSC_EXTERN PetscErrorCode NessSolve(Ness);
PETSC_EXTERN PetscErrorCode NessView(Ness, PetscViewer);
PETSC_EXTERN PetscErrorCode NessViewFromOptions(Ness, PetscObject, const char[]);
PETSC_EXTERN PetscErrorCode NessWriteOutput(Ness);
PETSC_EXTERN PetscErrorCode NessRelax(Ness);
PETSC_EXTERN PetscErrorCode NessDestroy(Ness *);

/* Accessors (borrowed references: do not destroy) */
PETSC_EXTERN PetscErrorCode NessGetDM(Ness, DM *);
PETSC_EXTERN PetscErrorCode NessGetSNES(Ness, SNES *);
PETSC_EXTERN PetscErrorCode NessGetTS(Ness, TS *);
PETSC_EXTERN PetscErrorCode NessGetSolution(Ness, Vec *);
PETSC_EXTERN PetscErrorCode NessGetConverged(Ness, PetscBool *);
PETSC_EXTERN PetscErrorCode NessGetIterations(Ness, PetscInt *, PetscInt *, PetscInt *);
PETSC_EXTERN PetscErrorCode NessGetContinuation(Ness, PetscInt *, PetscReal *);
PETSC_EXTERN PetscErrorCode NessGetContinuationPath(Ness, const char **);
PETSC_EXTERN PetscErrorCode NessViewResidual(Ness, PetscViewer);
PETSC_EXTERN PetscErrorCode NessGetInterrupted(Ness, PetscBool *);

/* Problem description */
PETSC_EXTERN PetscErrorCode NessGetNumSpecies(Ness, PetscInt *);
PETSC_EXTERN PetscErrorCode NessGetSpeciesName(Ness, PetscInt, const char **);
PETSC_EXTERN PetscErrorCode NessGetNumElectrodes(Ness, PetscInt *);
PETSC_EXTERN PetscErrorCode NessGetElectrodeName(Ness, PetscInt, const char **);
/* Results in SI units (per metre of depth in 2D planar); anodic current positive */
PETSC_EXTERN PetscErrorCode NessGetElectrodeCurrent(Ness, PetscInt, PetscReal *);
PETSC_EXTERN PetscErrorCode NessGetConcentrationRange(Ness, PetscInt, PetscReal *, PetscReal *, PetscBool *);
PETSC_EXTERN PetscErrorCode NessGetElectrodeArea(Ness, PetscInt, PetscReal *);
PETSC_EXTERN PetscErrorCode NessSetElectrodePotential(Ness, PetscInt, PetscReal);
PETSC_EXTERN PetscErrorCode NessGetElectrodePotential(Ness, PetscInt, PetscReal *);
/* Electrode kinetics laws. A law returns the current density i (A/m^2, anodic positive) of one reaction and its
   derivatives di/deta (A/(m^2 V)) and di/da[j] (A/m^2) from the state below; select it per reaction with
   -ness_reaction_<r>_kinetics <name>. Built in: butler_volmer (default), tafel_anodic, tafel_cathodic, linear. */
typedef struct {
  PetscInt         ns;                      /* number of species */
  const PetscReal *a;                       /* activities c_j/c_ref,j at the electrode vertex */
  const PetscReal *nu;                      /* stoichiometry of the oxidation Red -> Ox + n e- (produced > 0) */
  const PetscReal *p, *q;                   /* anodic and cathodic reaction orders */
  PetscReal        eta;                     /* overpotential E_s - phi - E_eq, V */
  PetscReal        f;                       /* F/(RT), 1/V */
  PetscReal        n, i0, alpha_a, alpha_c; /* electrons, exchange current density (A/m^2), transfer coefficients */
  PetscInt         nparam;                  /* extra parameters of the law (-ness_reaction_<r>_params) */
  const PetscReal *param;
} NessKineticsInput;
typedef PetscErrorCode (*NessKineticsFn)(const NessKineticsInput *, PetscReal *, PetscReal *, PetscReal[]);
PETSC_EXTERN PetscErrorCode NessKineticsRegister(const char[], NessKineticsFn);

/* Thermal voltage RT/F in V */
PETSC_EXTERN PetscErrorCode NessGetThermalVoltage(Ness, PetscReal *);
/* Vertex fields in physical units: a Vec on the vertex DM (one value per vertex), field = species index,
   or -1 for the potential phi (V). Caller destroys the Vec. Coordinates via DMGetCoordinates on NessGetDM. */
PETSC_EXTERN PetscErrorCode NessCreateFieldVec(Ness, PetscInt, Vec *);

/* Composition with host solvers (src/interface/compose.c) */
/* Matrices for ness's Jacobian: P sparse (assembled by the callbacks); J = P, or P + low rank (MATLRC) with unknown
   metal potentials. Caller destroys both. */
PETSC_EXTERN PetscErrorCode NessCreateJacobian(Ness, Mat *, Mat *);
/* A host SNES (or TS) solves ness's steady (time-dependent) problem: a clone of ness's DM with ness's residual and
   Jacobian as DMSNES (DMTS IFunction/IJacobian) callbacks, and the matrices of NessCreateJacobian */
PETSC_EXTERN PetscErrorCode NessSetSNESCallbacks(Ness, SNES);
PETSC_EXTERN PetscErrorCode NessSetTSCallbacks(Ness, TS);
/* The state the first NessSolve() starts from (bulk composition, phi = 0), into a global Vec of ness's DM */
PETSC_EXTERN PetscErrorCode NessComputeInitialGuess(Ness, Vec);
/* Host advection velocity u(x) in m/s at physical points x (replaces -ness_velocity_type); before NessSetUp() */
PETSC_EXTERN PetscErrorCode NessSetVelocityFunction(Ness, PetscErrorCode (*)(void *, const PetscReal[], PetscReal[]), void *);

/* Sweeps (src/solve/sweep.c) */
/* Polarization sweep of potentiostatic electrodes (all swept electrodes share the potential): E0 -> E1 (V), initial
   step dE (V), warm starts and adaptive steps; writes <outdir>/sweep.csv and sweep.json (collective) */
PETSC_EXTERN PetscErrorCode NessSweep(Ness, PetscInt, PetscReal, PetscReal, PetscReal);
PETSC_EXTERN PetscErrorCode NessSweepElectrodes(Ness, PetscInt, const PetscInt[], PetscReal, PetscReal, PetscReal);
/* -ness_sweep <electrodes> -ness_sweep_range E0,E1 [-ness_sweep_step ...]: read (flag: requested), then run */
PETSC_EXTERN PetscErrorCode NessSweepSetFromOptions(Ness, PetscBool *);
PETSC_EXTERN PetscErrorCode NessSweepFromOptions(Ness);
/* results of the last sweep: points, potentials (V) and total swept current (A) (borrowed), complete flag;
   corrosion potential (V) and current (A) read off the curve (found: the current changes sign) */
PETSC_EXTERN PetscErrorCode NessSweepGetCurve(Ness, PetscInt *, const PetscReal *[], const PetscReal *[], PetscBool *);
PETSC_EXTERN PetscErrorCode NessSweepGetCorrosion(Ness, PetscBool *, PetscReal *, PetscReal *);

#endif

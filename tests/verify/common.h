/* Shared helpers of the verification programs: run ness from an options string, read vertex fields. */
#ifndef NESS_VERIFY_COMMON_H
#define NESS_VERIFY_COMMON_H
#include <ness/private/nessimpl.h>

/* Replace the options database by opts and create + configure a Ness (not yet set up) */
static inline PetscErrorCode VerifyCreate(const char opts[], Ness *ness)
{
  PetscFunctionBegin;
  PetscCall(PetscOptionsClear(NULL));
  PetscCall(PetscOptionsInsertString(NULL, opts));
  PetscCall(NessCreate(PETSC_COMM_WORLD, ness));
  PetscCall(NessSetFromOptions(*ness));
  PetscFunctionReturn(0);
}

/* Owned vertex coordinates (dim per vertex) and the fields (phi in V, then c_i in mol/m^3), arrays malloc'ed */
static inline PetscErrorCode VerifyGetVertexData(Ness ness, PetscInt *n, PetscReal **x, PetscReal **phi, PetscReal **c)
{
  const NessGeom    *g = &ness->g;
  Vec                coords, Ul;
  const PetscScalar *ca, *u;
  PetscSection       cs;
  PetscInt           dim = ness->dim, nf = ness->nf, ns = ness->ns;

  PetscFunctionBegin;
  *n = g->nvown;
  PetscCall(PetscMalloc3(g->nvown * dim, x, g->nvown, phi, g->nvown * ns + 1, c));
  PetscCall(DMGetCoordinatesLocal(ness->dm, &coords));
  PetscCall(DMGetCoordinateSection(ness->dm, &cs));
  PetscCall(VecGetArrayRead(coords, &ca));
  PetscCall(DMGetLocalVector(ness->dm, &Ul));
  PetscCall(DMGlobalToLocalBegin(ness->dm, ness->U, INSERT_VALUES, Ul));
  PetscCall(DMGlobalToLocalEnd(ness->dm, ness->U, INSERT_VALUES, Ul));
  PetscCall(VecGetArrayRead(Ul, &u));
  for (PetscInt k = 0; k < g->nvown; k++) {
    PetscInt v = g->vown[k], off;
    PetscCall(PetscSectionGetOffset(cs, v + g->vStart, &off));
    for (PetscInt d = 0; d < dim; d++) (*x)[k * dim + d] = PetscRealPart(ca[off + d]);
    (*phi)[k] = PetscRealPart(u[v * nf + ns]) / ness->f;
    for (PetscInt i = 0; i < ns; i++) (*c)[k * ns + i] = PetscRealPart(u[v * nf + i]) * ness->c0;
  }
  PetscCall(VecRestoreArrayRead(Ul, &u));
  PetscCall(DMRestoreLocalVector(ness->dm, &Ul));
  PetscCall(VecRestoreArrayRead(coords, &ca));
  PetscFunctionReturn(0);
}

static inline PetscReal VerifyOrder(PetscReal e1, PetscReal e2, PetscReal h1, PetscReal h2)
{
  return PetscLogReal(e1 / e2) / PetscLogReal(h1 / h2);
}

#define VERIFY_CHECK(cond, ...) \
  do { \
    if (!(cond)) { \
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "FAIL: " __VA_ARGS__)); \
      failures++; \
    } \
  } while (0)

#endif

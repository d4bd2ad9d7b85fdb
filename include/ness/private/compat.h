/* The one place where ness adapts to PETSc versions (Debian 12 ships 3.18; HPC sites run newer ones). */
#ifndef NESS_PRIVATE_COMPAT_H
#define NESS_PRIVATE_COMPAT_H

#include <petscdmplex.h>

/* DMPlexCreateBoxMesh gained localizationHeight and sparseLocalize arguments in PETSc 3.22 */
static inline PetscErrorCode NessPlexCreateBoxMesh(MPI_Comm comm, PetscInt dim, PetscBool simplex, const PetscInt faces[], const PetscReal lower[], const PetscReal upper[], PetscBool interpolate, DM *dm)
{
  PetscFunctionBegin;
#if PETSC_VERSION_GE(3, 22, 0)
  PetscCall(DMPlexCreateBoxMesh(comm, dim, simplex, faces, lower, upper, NULL, interpolate, 0, PETSC_FALSE, dm));
#else
  PetscCall(DMPlexCreateBoxMesh(comm, dim, simplex, faces, lower, upper, NULL, interpolate, dm));
#endif
  PetscFunctionReturn(0);
}

#if !PETSC_VERSION_GE(3, 19, 0)
  #define PETSC_SUCCESS 0
#endif

#endif

/* A tiny host program built against an installed ness (pkg-config or find_package(Ness)): solves the scenario
   given on the command line (-options_file FILE.yaml, unprefixed -ness_ options) and prints the electrode currents. */
static const char help[] = "host: solve a ness scenario through the installed library.\n";

#include <ness.h>

int main(int argc, char **argv)
{
  Ness        ness;
  PetscBool   conv;
  PetscInt    ne;
  PetscMPIInt size;

  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCall(NessCreate(PETSC_COMM_WORLD, &ness));
  PetscCall(NessSetFromOptions(ness));
  PetscCall(NessSolve(ness));
  PetscCall(NessGetConverged(ness, &conv));
  PetscCall(NessGetNumElectrodes(ness, &ne));
  for (PetscInt e = 0; e < ne; e++) {
    const char *name;
    PetscReal   cur;
    PetscCall(NessGetElectrodeName(ness, e, &name));
    PetscCall(NessGetElectrodeCurrent(ness, e, &cur));
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "host: ranks %d converged %s electrode %s I = %+.17e A\n", (int)size, conv ? "yes" : "NO", name, (double)cur));
  }
  PetscCall(NessDestroy(&ness));
  PetscCall(PetscFinalize());
  return conv ? 0 : 3;
}

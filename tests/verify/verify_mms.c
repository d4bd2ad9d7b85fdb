/* Manufactured solution for the coupled PNP system (two ions, Poisson) on 2D tensor and simplex (Gmsh) meshes.
   Exact fields on the square [0, L]^2, S = sin(pi x/L) sin(pi y/L):
     c_1 = cb (1 + 0.5 S), c_2 = cb (1 - 0.3 S), phi = b S
   satisfy the bulk boundary values on every side; the sources s_i = div J_i and s_phi = -eps lap(phi) - F sum z c
   are added, and the max vertex error must fall at second order. */
#include "common.h"

typedef struct {
  PetscReal L, cb, b, a[2], z[2], D[2], eps, f;
} MMS;

static void Exact(const MMS *m, const PetscReal x[], PetscReal c[2], PetscReal *phi, PetscReal gS[2], PetscReal *S, PetscReal *lS)
{
  PetscReal k = PETSC_PI / m->L, X = k * x[0], Y = k * x[1];
  *S    = PetscSinReal(X) * PetscSinReal(Y);
  gS[0] = k * PetscCosReal(X) * PetscSinReal(Y);
  gS[1] = k * PetscSinReal(X) * PetscCosReal(Y);
  *lS   = -2 * k * k * (*S);
  for (PetscInt i = 0; i < 2; i++) c[i] = m->cb * (1 + m->a[i] * (*S));
  *phi = m->b * (*S);
}

static PetscErrorCode Source(void *ctx, const PetscReal x[], PetscReal s[])
{
  const MMS *m = (const MMS *)ctx;
  PetscReal  c[2], phi, gS[2], S, lS, q = 0.0;

  Exact(m, x, c, &phi, gS, &S, &lS);
  for (PetscInt i = 0; i < 2; i++) {
    PetscReal lc = m->cb * m->a[i] * lS, gcgp = m->cb * m->a[i] * m->b * (gS[0] * gS[0] + gS[1] * gS[1]);
    s[i] = -m->D[i] * (lc + m->z[i] * m->f * (gcgp + c[i] * m->b * lS));
    q += m->z[i] * c[i];
  }
  s[2] = -m->eps * m->b * lS - NESS_FARADAY * q;
  return 0;
}

static PetscErrorCode Run(const char mesh[], MMS *m, PetscReal *err, PetscReal *h)
{
  Ness       ness;
  char       opts[2048];
  PetscInt   n, nv;
  PetscReal *x, *phi, *c, e = 0.0;
  PetscBool  conv;

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(opts, sizeof(opts),
                          "%s -ness_species_names P,M -ness_species_P_charge 1 -ness_species_P_diffusivity 1e-9 -ness_species_P_bulk 1 "
                          "-ness_species_M_charge -1 -ness_species_M_diffusivity 2e-9 -ness_species_M_bulk 1 -ness_bulk_boundaries left,right,bottom,top -ness_output 0",
                          mesh));
  PetscCall(VerifyCreate(opts, &ness));
  m->f = NESS_FARADAY / (NESS_RGAS * ness->T);
  PetscCall(NessSetSourceFunction(ness, Source, m));
  PetscCall(NessSolve(ness));
  PetscCall(NessGetConverged(ness, &conv));
  PetscCheck(conv, PETSC_COMM_WORLD, PETSC_ERR_NOT_CONVERGED, "MMS solve did not converge on %s", mesh);
  PetscCall(VerifyGetVertexData(ness, &n, &x, &phi, &c));
  for (PetscInt i = 0; i < n; i++) {
    PetscReal ce[2], pe, gS[2], S, lS;
    Exact(m, &x[2 * i], ce, &pe, gS, &S, &lS);
    e = PetscMax(e, PetscAbsReal(phi[i] - pe) / m->b);
    for (PetscInt k = 0; k < 2; k++) e = PetscMax(e, PetscAbsReal(c[2 * i + k] - ce[k]) / m->cb);
  }
  PetscCall(MPIU_Allreduce(&e, err, 1, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
  nv = ness->g.nvglobal;
  *h = 1.0 / PetscSqrtReal((PetscReal)nv);
  PetscCall(PetscFree3(x, phi, c));
  PetscCall(NessDestroy(&ness));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscInt failures = 0;
  MMS      m        = {
                1e-7, 1.0, 0.05, {0.5,  -0.3},
                   {1,    -1  },
                   {1e-9, 2e-9},
                   78.5 * NESS_EPS0, 0
  };

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  for (PetscInt type = 0; type < 2; type++) {
    PetscReal err[4], h[4];
    for (PetscInt k = 0; k < 4; k++) {
      char mesh[1024];
      if (type == 0) PetscCall(PetscSNPrintf(mesh, sizeof(mesh), "-ness_mesh_dim 2 -ness_mesh_faces %d,%d -ness_mesh_lower 0,0 -ness_mesh_upper %g,%g", 8 << k, 8 << k, (double)m.L, (double)m.L));
      else PetscCall(PetscSNPrintf(mesh, sizeof(mesh), "-ness_mesh_file %s/meshes/square_h%d.msh -ness_mesh_scale %g", NESS_SOURCE_DIR, (int)(k + 1), (double)m.L));
      PetscCall(Run(mesh, &m, &err[k], &h[k]));
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "mms %s level %d: h ~ %.4f, max relative error %.3e", type ? "simplex" : "tensor ", (int)k, (double)h[k], (double)err[k]));
      if (k) PetscCall(PetscPrintf(PETSC_COMM_WORLD, "  order %.3f\n", (double)VerifyOrder(err[k - 1], err[k], h[k - 1], h[k])));
      else PetscCall(PetscPrintf(PETSC_COMM_WORLD, "\n"));
    }
    {
      PetscReal p = VerifyOrder(err[2], err[3], h[2], h[3]);
      VERIFY_CHECK(p > 1.8, "MMS %s observed order %.3f <= 1.8\n", type ? "simplex" : "tensor", (double)p);
    }
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%d passed, %d failed\n", failures ? 0 : 1, failures ? 1 : 0));
  PetscCall(PetscFinalize());
  return failures ? 1 : 0;
}

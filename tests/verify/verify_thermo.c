/* Post-processed fields from the scheme's own edge data: cell gradients of the electrochemical potential and the
   ionic current density.
   1. 1D (graded mesh): for a linear mu (uniform c with linear phi, or ln c linear with phi = 0) the reported
      gradient is exact, and so is the current density of a uniform migration or diffusion flux.
   2. 2D, smooth fields on Gmsh triangles and on tensor meshes: the cell values converge to the exact gradient and
      current density at the cell centroid under refinement (observed order >= 1). */
#include "common.h"

#define NSP 2
typedef struct {
  PetscReal L, cb, b, a[NSP], z[NSP], D[NSP];
} Fields;

static void Exact(const Fields *m, PetscReal f, const PetscReal x[], PetscReal c[], PetscReal *phi, PetscReal gc[][2], PetscReal gphi[2])
{
  PetscReal k = PETSC_PI / m->L, X = k * x[0], Y = k * x[1];
  PetscReal S = PetscSinReal(X) * PetscCosReal(Y), gS[2] = {k * PetscCosReal(X) * PetscCosReal(Y), -k * PetscSinReal(X) * PetscSinReal(Y)};
  (void)f;
  for (PetscInt i = 0; i < NSP; i++) {
    c[i] = m->cb * (1 + m->a[i] * S);
    for (PetscInt d = 0; d < 2; d++) gc[i][d] = m->cb * m->a[i] * gS[d];
  }
  *phi = m->b * S;
  for (PetscInt d = 0; d < 2; d++) gphi[d] = m->b * gS[d];
}

/* Fill the solution from a pointwise function of the coordinates */
typedef void (*FillFn)(void *, PetscReal, const PetscReal[], PetscReal[], PetscReal *);

static PetscErrorCode FillSolution(Ness ness, FillFn fn, void *ctx)
{
  Vec                Ul, coords;
  PetscScalar       *u;
  const PetscScalar *ca;
  PetscSection       cs;
  PetscInt           nf = ness->nf, ns = ness->ns, dim = ness->dim;

  PetscFunctionBegin;
  PetscCall(DMGetLocalVector(ness->dm, &Ul));
  PetscCall(DMGetCoordinatesLocal(ness->dm, &coords));
  PetscCall(DMGetCoordinateSection(ness->dm, &cs));
  PetscCall(VecGetArrayRead(coords, &ca));
  PetscCall(VecGetArray(Ul, &u));
  for (PetscInt v = 0; v < ness->g.nvloc; v++) {
    PetscInt  off;
    PetscReal x[3] = {0, 0, 0}, c[NSP], phi;
    PetscCall(PetscSectionGetOffset(cs, v + ness->g.vStart, &off));
    for (PetscInt d = 0; d < dim; d++) x[d] = PetscRealPart(ca[off + d]);
    fn(ctx, ness->f, x, c, &phi);
    for (PetscInt i = 0; i < ns; i++) u[v * nf + i] = c[i] / ness->c0;
    u[v * nf + ns] = ness->f * phi;
  }
  PetscCall(VecRestoreArray(Ul, &u));
  PetscCall(VecRestoreArrayRead(coords, &ca));
  PetscCall(DMLocalToGlobalBegin(ness->dm, Ul, INSERT_VALUES, ness->U));
  PetscCall(DMLocalToGlobalEnd(ness->dm, Ul, INSERT_VALUES, ness->U));
  PetscCall(DMRestoreLocalVector(ness->dm, &Ul));
  PetscFunctionReturn(0);
}

static const char *species = "-ness_species_names P,M -ness_species_P_charge 1 -ness_species_P_diffusivity 1e-9 -ness_species_P_bulk 1 -ness_species_M_charge -1 -ness_species_M_diffusivity 2e-9 -ness_species_M_bulk 1";

/* 1D linear cases */
typedef struct {
  PetscInt  kind; /* 0: uniform c, linear phi; 1: ln c linear, phi = 0 */
  PetscReal q, a, c1;
} Lin;

static void FillLin(void *ctx, PetscReal f, const PetscReal x[], PetscReal c[], PetscReal *phi)
{
  Lin *l = (Lin *)ctx;
  (void)f;
  for (PetscInt i = 0; i < NSP; i++) c[i] = l->kind == 0 ? l->c1 : l->c1 * PetscExpReal(l->a * x[0]);
  *phi = l->kind == 0 ? l->q * x[0] : 0.0;
}

static void FillSmooth(void *ctx, PetscReal f, const PetscReal x[], PetscReal c[], PetscReal *phi)
{
  PetscReal gc[NSP][2], gp[2];
  Exact((Fields *)ctx, f, x, c, phi, gc, gp);
}

int main(int argc, char **argv)
{
  PetscInt failures = 0;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  /* 1. 1D exactness */
  for (PetscInt kind = 0; kind < 2; kind++) {
    Ness             ness;
    char             opts[2048];
    Lin              l = {kind, 0.3 / 1e-5, 2.0e5, 0.5};
    NessThermoFields fld;
    PetscReal        RT, F = NESS_FARADAY, err = 0.0, errj = 0.0, gerr[2], lerr[2];
    PetscCall(PetscSNPrintf(opts, sizeof(opts), "%s -ness_mesh_dim 1 -ness_mesh_faces 37 -ness_mesh_upper 1e-5 -ness_mesh_grade 3 -ness_bulk_boundaries right -ness_output 0", species));
    PetscCall(VerifyCreate(opts, &ness));
    PetscCall(NessSetUp(ness));
    RT = NESS_RGAS * ness->T;
    PetscCall(FillSolution(ness, FillLin, &l));
    PetscCall(PetscMemzero(&fld, sizeof(fld)));
    PetscCall(NessComputeThermodynamics(ness, ness->U, &fld));
    for (PetscInt c = 0; c < ness->g.ncown; c++) {
      PetscInt  nv, verts[8];
      PetscReal x[24], xm, jex = 0.0;
      PetscCall(NessGetPointVertices(ness->dm, c, &nv, verts, x)); /* cells come first in the DMPlex chart */
      xm = 0.5 * (x[0] + x[1]);
      for (PetscInt i = 0; i < NSP; i++) {
        const PetscReal z = ness->sp[i].z, D = ness->sp[i].D;
        PetscReal       gex = kind == 0 ? z * F * l.q : RT * l.a, ci = kind == 0 ? l.c1 : l.c1 * PetscExpReal(l.a * xm);
        err = PetscMax(err, PetscAbsReal(fld.gradmu[c * NSP + i] - gex) / PetscAbsReal(gex));
        if (kind == 0) jex += F * z * (-D * z * ness->f * ci * l.q);
        else {
          /* with phi = 0 the edge flux is D (cK - cL)/h; the cell value must reproduce it exactly */
          PetscReal h = PetscAbsReal(x[1] - x[0]), xl = PetscMin(x[0], x[1]);
          jex += F * z * (-D * l.c1 * (PetscExpReal(l.a * (xl + h)) - PetscExpReal(l.a * xl)) / h);
        }
      }
      errj = PetscMax(errj, PetscAbsReal(fld.cur[c] - jex) / PetscMax(PetscAbsReal(jex), 1e-300));
    }
    lerr[0] = err;
    lerr[1] = errj;
    PetscCall(MPIU_Allreduce(lerr, gerr, 2, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "1D %s: max relative error of grad mu %.2e, of the current density %.2e\n", kind == 0 ? "uniform c, linear phi" : "exponential c, phi = 0", (double)gerr[0], (double)gerr[1]));
    VERIFY_CHECK(gerr[0] < 1e-12, "1D grad mu of a linear mu is not exact (%.2e)\n", (double)gerr[0]);
    VERIFY_CHECK(gerr[1] < 1e-12, "1D current density not exact (%.2e)\n", (double)gerr[1]);
    PetscCall(NessThermoFieldsDestroy(&fld));
    PetscCall(NessDestroy(&ness));
  }
  /* 2. 2D convergence */
  for (PetscInt fam = 0; fam < 2; fam++) {
    PetscReal eg[3], ej[3], h[3];
    for (PetscInt lev = 0; lev < 3; lev++) {
      Ness   ness;
      char   opts[2048], mesh[PETSC_MAX_PATH_LEN + 64];
      Fields m = {
        1e-5, 1.0, 0.02, {0.5,  -0.3},
           {1,    -1  },
           {1e-9, 2e-9}
      };
      NessThermoFields fld;
      PetscReal        RT, F = NESS_FARADAY, le[3] = {0, 0, 0}, ge[3], gmax[2] = {0, 0}, ggmax[2];
      if (fam == 0) PetscCall(PetscSNPrintf(mesh, sizeof(mesh), "-ness_mesh_file %s/meshes/square_h%d.msh -ness_mesh_scale 1e-5", NESS_SOURCE_DIR, (int)lev + 1));
      else PetscCall(PetscSNPrintf(mesh, sizeof(mesh), "-ness_mesh_dim 2 -ness_mesh_faces %d,%d -ness_mesh_upper 1e-5,1e-5", 8 << lev, 8 << lev));
      PetscCall(PetscSNPrintf(opts, sizeof(opts), "%s %s -ness_bulk_boundaries left -ness_output 0", species, mesh));
      PetscCall(VerifyCreate(opts, &ness));
      PetscCall(NessSetUp(ness));
      RT = NESS_RGAS * ness->T;
      PetscCall(FillSolution(ness, FillSmooth, &m));
      PetscCall(PetscMemzero(&fld, sizeof(fld)));
      PetscCall(NessComputeThermodynamics(ness, ness->U, &fld));
      for (PetscInt c = 0; c < ness->g.ncown; c++) {
        PetscInt  nv, verts[8];
        PetscReal x[24], xc[2] = {0, 0}, cc[NSP], phi, gc[NSP][2], gp[2], jex[2] = {0, 0}, hc = 0.0;
        PetscCall(NessGetPointVertices(ness->dm, c, &nv, verts, x));
        for (PetscInt a = 0; a < nv; a++)
          for (PetscInt d = 0; d < 2; d++) xc[d] += x[a * 2 + d] / nv;
        for (PetscInt a = 0; a < nv; a++)
          for (PetscInt b = a + 1; b < nv; b++) hc = PetscMax(hc, PetscSqrtReal(PetscSqr(x[a * 2] - x[b * 2]) + PetscSqr(x[a * 2 + 1] - x[b * 2 + 1])));
        le[2] = PetscMax(le[2], hc);
        Exact(&m, ness->f, xc, cc, &phi, gc, gp);
        for (PetscInt i = 0; i < NSP; i++) {
          for (PetscInt d = 0; d < 2; d++) {
            PetscReal g = RT * gc[i][d] / cc[i] + m.z[i] * F * gp[d];
            le[0]       = PetscMax(le[0], PetscAbsReal(fld.gradmu[(c * NSP + i) * 2 + d] - g));
            gmax[0]     = PetscMax(gmax[0], PetscAbsReal(g));
            jex[d] += F * m.z[i] * (-m.D[i] * (gc[i][d] + m.z[i] * ness->f * cc[i] * gp[d]));
          }
        }
        for (PetscInt d = 0; d < 2; d++) {
          le[1]   = PetscMax(le[1], PetscAbsReal(fld.cur[c * 2 + d] - jex[d]));
          gmax[1] = PetscMax(gmax[1], PetscAbsReal(jex[d]));
        }
      }
      PetscCall(MPIU_Allreduce(le, ge, 3, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
      PetscCall(MPIU_Allreduce(gmax, ggmax, 2, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
      eg[lev] = ge[0] / ggmax[0];
      ej[lev] = ge[1] / ggmax[1];
      h[lev]  = ge[2];
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "2D %s level %d: h = %.3e m, max relative error of grad mu %.3e, of the current density %.3e\n", fam ? "tensor" : "Gmsh triangles", (int)lev, (double)h[lev], (double)eg[lev], (double)ej[lev]));
      PetscCall(NessThermoFieldsDestroy(&fld));
      PetscCall(NessDestroy(&ness));
    }
    {
      PetscReal og = VerifyOrder(eg[0], eg[2], h[0], h[2]), oj = VerifyOrder(ej[0], ej[2], h[0], h[2]);
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "2D %s: observed order grad mu %.2f, current density %.2f\n", fam ? "tensor" : "Gmsh triangles", (double)og, (double)oj));
      VERIFY_CHECK(og > 0.9 && oj > 0.9, "2D %s: cell gradients do not converge (orders %.2f, %.2f)\n", fam ? "tensor" : "triangles", (double)og, (double)oj);
      VERIFY_CHECK(eg[2] < eg[1] && eg[1] < eg[0], "2D gradient error not decreasing\n");
    }
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%d passed, %d failed\n", failures ? 0 : 1, failures ? 1 : 0));
  PetscCall(PetscFinalize());
  return failures ? 1 : 0;
}

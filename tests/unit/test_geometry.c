/* Box-method geometry: cell coefficients, control volumes summing to the domain, and the discrete Laplacian of
   a linear field vanishing at interior vertices, on 1D/2D/3D tensor boxes and 2D/3D Gmsh simplex meshes. */
#include <check.h>
#include "../verify/common.h"

START_TEST(triangle_cotangent)
{
  /* gamma_ab = cot(angle opposite ab)/2, pieces sum to the area */
  const PetscReal x[6] = {0.1, 0.2, 1.3, 0.0, 0.4, 0.9};
  PetscReal       meas, vp[3], gam[9], sum = 0;
  ck_assert_int_eq(NessCellGeometry(2, 3, PETSC_FALSE, x, &meas, vp, gam), 0);
  for (int a = 0; a < 3; a++) sum += vp[a];
  ck_assert_double_le(fabs(sum - meas) / meas, 1e-14);
  for (int a = 0; a < 3; a++) {
    int       b = (a + 1) % 3, m = (a + 2) % 3;
    PetscReal u[2] = {x[2 * a] - x[2 * m], x[2 * a + 1] - x[2 * m + 1]}, v[2] = {x[2 * b] - x[2 * m], x[2 * b + 1] - x[2 * m + 1]};
    PetscReal cot = (u[0] * v[0] + u[1] * v[1]) / fabs(u[0] * v[1] - u[1] * v[0]);
    ck_assert_double_le(fabs(gam[a * 3 + b] - 0.5 * cot), 1e-14);
  }
  ck_assert_double_le(fabs(meas - 0.5 * fabs((1.3 - 0.1) * (0.9 - 0.2) - (0.4 - 0.1) * (0.0 - 0.2))), 1e-15);
}
END_TEST

START_TEST(tetra_and_hex_volumes)
{
  const PetscReal t[12] = {0, 0, 0, 1, 0.1, 0, 0.2, 1.1, 0.1, 0.3, 0.2, 0.9};
  const PetscReal h[24] = {0, 0, 0, 2, 0, 0, 0, 3, 0, 2, 3, 0, 0, 0, 5, 2, 0, 5, 0, 3, 5, 2, 3, 5};
  PetscReal       meas, vp[8], gam[64], sum = 0;
  ck_assert_int_eq(NessCellGeometry(3, 4, PETSC_FALSE, t, &meas, vp, gam), 0);
  for (int a = 0; a < 4; a++) sum += vp[a];
  ck_assert_double_le(fabs(sum - meas) / meas, 1e-14);
  ck_assert_int_eq(NessCellGeometry(3, 8, PETSC_TRUE, h, &meas, vp, gam), 0);
  ck_assert_double_le(fabs(meas - 30.0), 1e-14);
  for (int a = 0; a < 8; a++) ck_assert_double_le(fabs(vp[a] - 30.0 / 8), 1e-14);
  /* x-edge (vertices 0,1): dual face (3/2)(5/2) over length 2 */
  ck_assert_double_le(fabs(gam[0 * 8 + 1] - 3.75 / 2.0), 1e-14);
  ck_assert_double_eq(gam[0 * 8 + 3], 0.0); /* face diagonal */
}
END_TEST

/* set up a mesh with every boundary Dirichlet and check volume sum and the linear-field Laplacian */
static void CheckMesh(const char mesh[], PetscReal volume)
{
  Ness               ness;
  char               opts[2048];
  NessGeom          *g;
  PetscReal          vtot, *lap, maxlap = 0, scale = 0;
  Vec                coords;
  PetscSection       cs;
  const PetscScalar *ca;
  const PetscReal    a[3] = {0.3, -1.7, 2.1};

  snprintf(opts, sizeof(opts), "%s -ness_species_names X -ness_species_X_diffusivity 1e-9 -ness_species_X_bulk 1 -ness_output 0", mesh);
  ck_assert_int_eq(VerifyCreate(opts, &ness), 0);
  ck_assert_int_eq(NessSetUp(ness), 0);
  g    = &ness->g;
  vtot = g->domain_volume * PetscPowRealInt(ness->L, (int)ness->dim);
  ck_assert_msg(fabs(vtot - volume) <= 1e-12 * volume, "%s: volumes sum to %.15g, domain %.15g", mesh, vtot, volume);
  ck_assert_int_eq(DMGetCoordinatesLocal(ness->dm, &coords), 0);
  ck_assert_int_eq(DMGetCoordinateSection(ness->dm, &cs), 0);
  ck_assert_int_eq(VecGetArrayRead(coords, &ca), 0);
  lap = calloc(g->nvloc, sizeof(PetscReal));
  for (PetscInt e = 0; e < g->nedge; e++) {
    PetscInt  oK, oL;
    PetscReal uK = 0, uL = 0;
    PetscSectionGetOffset(cs, g->eK[e] + g->vStart, &oK);
    PetscSectionGetOffset(cs, g->eL[e] + g->vStart, &oL);
    for (PetscInt d = 0; d < ness->dim; d++) {
      uK += a[d] * PetscRealPart(ca[oK + d]) / ness->L;
      uL += a[d] * PetscRealPart(ca[oL + d]) / ness->L;
    }
    lap[g->eK[e]] += g->egamma[e] * (uK - uL);
    lap[g->eL[e]] -= g->egamma[e] * (uK - uL);
    scale = PetscMax(scale, PetscAbsReal(g->egamma[e] * (uK - uL)));
  }
  for (PetscInt v = 0; v < g->nvloc; v++)
    if (!g->dirichlet[v]) maxlap = PetscMax(maxlap, PetscAbsReal(lap[v]));
  VecRestoreArrayRead(coords, &ca);
  free(lap);
  ck_assert_msg(maxlap <= 1e-12 * scale, "%s: discrete Laplacian of a linear field %.3e (scale %.3e)", mesh, maxlap, scale);
  printf("geometry %-60.60s volume rel. error %.1e, max |Laplacian(linear)|/edge flux %.1e\n", mesh, fabs(vtot - volume) / volume, maxlap / scale);
  NessDestroy(&ness);
}

START_TEST(meshes)
{
  char m[1024];
  CheckMesh("-ness_mesh_dim 1 -ness_mesh_faces 17 -ness_mesh_upper 2e-3 -ness_mesh_grade 3 -ness_bulk_boundaries left,right", 2e-3);
  CheckMesh("-ness_mesh_dim 2 -ness_mesh_faces 7,5 -ness_mesh_upper 2,1 -ness_mesh_grade 2,-1 -ness_bulk_boundaries left,right,bottom,top", 2.0);
  CheckMesh("-ness_mesh_dim 3 -ness_mesh_faces 4,3,5 -ness_mesh_upper 1,2,3 -ness_mesh_grade 0,1,-2 -ness_bulk_boundaries left,right,bottom,top,front,back", 6.0);
  snprintf(m, sizeof(m), "-ness_mesh_file %s/meshes/square_h2.msh -ness_mesh_scale 1e-3 -ness_bulk_boundaries left,right,bottom,top", NESS_SOURCE_DIR);
  CheckMesh(m, 1e-6);
  snprintf(m, sizeof(m), "-ness_mesh_file %s/meshes/cube.msh -ness_bulk_boundaries left,right,bottom,top,front,back", NESS_SOURCE_DIR);
  CheckMesh(m, 1.0);
}
END_TEST

int main(int argc, char **argv)
{
  Suite   *s  = suite_create("geometry");
  TCase   *tc = tcase_create("box method");
  SRunner *sr;
  int      nf;

  if (PetscInitialize(&argc, &argv, NULL, NULL)) return 1;
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, triangle_cotangent);
  tcase_add_test(tc, tetra_and_hex_volumes);
  tcase_add_test(tc, meshes);
  suite_add_tcase(s, tc);
  sr = srunner_create(s);
  srunner_set_fork_status(sr, CK_NOFORK);
  srunner_run_all(sr, CK_NORMAL);
  nf = srunner_ntests_failed(sr);
  srunner_free(sr);
  PetscFinalize();
  return nf ? 1 : 0;
}

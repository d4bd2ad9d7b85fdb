/* Box-method geometry: cell coefficients, control volumes summing to the domain, and the discrete Laplacian of
   a linear field vanishing at interior vertices, on 1D/2D/3D tensor boxes and 2D/3D Gmsh simplex meshes; the
   2 pi r weighted pieces of axisymmetric coordinates and their exact discrete identities. */
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

/* ---- axisymmetric (r, z) geometry: every measure weighted by 2 pi r ------------------------------------------- */

/* integral of r over the polygon p[0..n-1] (signed: positive when counter-clockwise), by the shoelace formula */
static PetscReal PolygonMomentR(PetscInt n, const PetscReal p[])
{
  PetscReal s = 0;
  for (PetscInt i = 0; i < n; i++) {
    const PetscReal *a = &p[2 * i], *b = &p[2 * ((i + 1) % n)];
    s += (a[0] + b[0]) * (a[0] * b[1] - b[0] * a[1]);
  }
  return s / 6.0;
}

/* circumcentre by the perpendicular bisectors: 2 (x_b - x_a).c = |x_b|^2 - |x_a|^2 for the edges 01 and 02 */
static void Circumcentre(const PetscReal x[6], PetscReal c[2])
{
  PetscReal A[2][2], f[2], det;
  for (int i = 0; i < 2; i++) {
    A[i][0] = 2 * (x[2 * (i + 1)] - x[0]);
    A[i][1] = 2 * (x[2 * (i + 1) + 1] - x[1]);
    f[i]    = x[2 * (i + 1)] * x[2 * (i + 1)] + x[2 * (i + 1) + 1] * x[2 * (i + 1) + 1] - x[0] * x[0] - x[1] * x[1];
  }
  det  = A[0][0] * A[1][1] - A[0][1] * A[1][0];
  c[0] = (f[0] * A[1][1] - f[1] * A[0][1]) / det;
  c[1] = (A[0][0] * f[1] - A[1][0] * f[0]) / det;
}

START_TEST(axisym_triangles)
{
  /* away from the axis (acute), away and obtuse (circumcentre outside), two vertices on the axis, and an obtuse one
     on the axis whose circumcentre lies at r = -1.2 (outside the half plane); both orientations */
  const PetscReal tri[5][6] = {
    {1.1, 0.2, 2.3, 0.0,  1.4, 0.9},
    {1.0, 0.0, 2.0, 0.0,  1.2, 0.1},
    {0.0, 0.0, 0.8, 0.1,  0.0, 1.0},
    {0.0, 0.0, 0.0, 1.0,  0.1, 0.5},
    {3.0, 1.0, 2.5, 1.05, 3.1, 2.0}
  };
  for (int t = 0; t < 5; t++) {
    const PetscReal *x = tri[t];
    PetscReal        meas, vp[3], gam[9], mc, vpc[3], gc[9], sum = 0, sumabs = 0, cc[2], area, orient, rbar = (x[0] + x[2] + x[4]) / 3;
    ck_assert_int_eq(NessCellGeometryAxisym(2, 3, PETSC_FALSE, x, &meas, vp, gam), 0);
    ck_assert_int_eq(NessCellGeometry(2, 3, PETSC_FALSE, x, &mc, vpc, gc), 0);
    area   = 0.5 * ((x[2] - x[0]) * (x[5] - x[1]) - (x[4] - x[0]) * (x[3] - x[1]));
    orient = area > 0 ? 1.0 : -1.0;
    /* the pieces sum to the exact weighted area 2 pi r_centroid |T| */
    for (int a = 0; a < 3; a++) {
      sum += vp[a];
      sumabs += fabs(vp[a]); /* the pieces of the last-but-one triangle are 35 times its measure: cancellation */
    }
    ck_assert_double_le(fabs(meas - 2 * PETSC_PI * rbar * fabs(area)), 1e-14 * meas);
    ck_assert_double_le(fabs(sum - meas), 1e-14 * sumabs);
    Circumcentre(x, cc);
    for (int a = 0; a < 3; a++) {
      const int b = (a + 1) % 3, c = (a + 2) % 3;
      PetscReal mab[2] = {0.5 * (x[2 * a] + x[2 * b]), 0.5 * (x[2 * a + 1] + x[2 * b + 1])}, mac[2] = {0.5 * (x[2 * a] + x[2 * c]), 0.5 * (x[2 * a + 1] + x[2 * c + 1])};
      PetscReal poly[8] = {x[2 * a], x[2 * a + 1], mab[0], mab[1], cc[0], cc[1], mac[0], mac[1]}, len2 = 0, u[2], v[2], cot;
      /* piece of a: the (signed) polygon x_a, m_ab, cc, m_ac, integrated by the shoelace formula */
      PetscReal piece = 2 * PETSC_PI * PolygonMomentR(4, poly) * orient;
      ck_assert_msg(fabs(vp[a] - piece) <= 1e-14 * sumabs, "triangle %d vertex %d: piece %.16g, polygon %.16g", t, a, vp[a], piece);
      /* face ab: cot(angle at c)/2 |e_ab| long, from m_ab to cc, weight 2 pi r linear along it */
      for (int d = 0; d < 2; d++) {
        u[d] = x[2 * a + d] - x[2 * c + d];
        v[d] = x[2 * b + d] - x[2 * c + d];
        len2 += PetscSqr(x[2 * a + d] - x[2 * b + d]);
      }
      cot = (u[0] * v[0] + u[1] * v[1]) / fabs(u[0] * v[1] - u[1] * v[0]);
      ck_assert_msg(fabs(gam[a * 3 + b] - 0.5 * cot * PETSC_PI * (mab[0] + cc[0])) <= 1e-14 * (fabs(gam[a * 3 + b]) + meas / len2), "triangle %d edge %d%d: gamma %.16g, face integral / length %.16g", t, a, b, gam[a * 3 + b], 0.5 * cot * PETSC_PI * (mab[0] + cc[0]));
      ck_assert_double_eq(gam[a * 3 + b], gam[b * 3 + a]);
    }
  }
}
END_TEST

START_TEST(axisym_rectangles_segments)
{
  /* rectangles [r0, r0 + hr] x [z0, z0 + hz] away from and touching the axis: quarter rectangles and the faces
     through the centre; segments: 2 pi |ab| (3 r_a + r_b)/8 */
  const PetscReal box[2][4] = {
    {1.5, -0.2, 0.7, 0.3},
    {0.0, 1.0,  0.4, 0.9}
  };
  for (int t = 0; t < 2; t++) {
    const PetscReal r0 = box[t][0], z0 = box[t][1], hr = box[t][2], hz = box[t][3], rm = r0 + hr / 2;
    const PetscReal x[8] = {r0, z0, r0 + hr, z0, r0, z0 + hz, r0 + hr, z0 + hz};
    PetscReal       meas, vp[4], gam[16], sum = 0;
    ck_assert_int_eq(NessCellGeometryAxisym(2, 4, PETSC_TRUE, x, &meas, vp, gam), 0);
    ck_assert_double_le(fabs(meas - 2 * PETSC_PI * rm * hr * hz), 1e-14 * meas);
    for (int a = 0; a < 4; a++) {
      PetscReal ra = x[2 * a], exact = 2 * PETSC_PI * (hr / 2) * (hz / 2) * (ra + rm) / 2;
      sum += vp[a];
      ck_assert_msg(fabs(vp[a] - exact) <= 1e-14 * meas, "rectangle %d vertex %d: piece %.16g, quarter %.16g", t, a, vp[a], exact);
    }
    ck_assert_double_le(fabs(sum - meas), 1e-14 * meas);
    /* r-edge 0-1: face at r = rm, hz/2 long; z-edge 0-2: face from r0 to rm, hr/2 long; diagonal 0-3: none */
    ck_assert_double_le(fabs(gam[0 * 4 + 1] - 2 * PETSC_PI * rm * (hz / 2) / hr), 1e-14 * meas / (hr * hr));
    ck_assert_double_le(fabs(gam[0 * 4 + 2] - 2 * PETSC_PI * (r0 + rm) / 2 * (hr / 2) / hz), 1e-14 * meas / (hz * hz));
    ck_assert_double_le(fabs(gam[1 * 4 + 3] - 2 * PETSC_PI * (r0 + hr + rm) / 2 * (hr / 2) / hz), 1e-14 * meas / (hz * hz));
    ck_assert_double_eq(gam[0 * 4 + 3], 0.0);
    ck_assert_double_eq(gam[1 * 4 + 2], 0.0);
  }
  {
    const PetscReal s[2][4] = {
      {0.0, 0.0,  0.5, 0.0},
      {1.2, -0.3, 2.0, 0.3}
    };
    for (int t = 0; t < 2; t++) {
      PetscReal meas, vp[2], gam[4], len = PetscSqrtReal(PetscSqr(s[t][2] - s[t][0]) + PetscSqr(s[t][3] - s[t][1])), ra = s[t][0], rb = s[t][2];
      ck_assert_int_eq(NessCellGeometryAxisym(2, 2, PETSC_FALSE, s[t], &meas, vp, gam), 0);
      ck_assert_double_le(fabs(meas - PETSC_PI * len * (ra + rb)), 1e-15 * meas);
      ck_assert_double_le(fabs(vp[0] - 2 * PETSC_PI * len * (3 * ra + rb) / 8), 1e-15 * meas);
      ck_assert_double_le(fabs(vp[1] - 2 * PETSC_PI * len * (ra + 3 * rb) / 8), 1e-15 * meas);
    }
  }
}
END_TEST

/* Assemble a patch of cells (nc cells of nvc vertices, indices into pts[]) around vertex 0 and return at vertex 0:
   V = weighted control volume, A = cartesian control area, div[k] = sum_b gamma_0b (u_k(b) - u_k(0)) for
   u_0 = z, u_1 = r, u_2 = r^2 + z^2, u_3 = r^2 */
static void PatchBalance(const PetscReal pts[], PetscInt nc, PetscInt nvc, const PetscInt cells[], PetscBool tensor, PetscReal *V, PetscReal *A, PetscReal div[4])
{
  *V = *A = div[0] = div[1] = div[2] = div[3] = 0;
  for (PetscInt c = 0; c < nc; c++) {
    PetscReal x[8], meas, vp[4], gam[16], mc, vpc[4], gc[16];
    for (PetscInt a = 0; a < nvc; a++)
      for (PetscInt d = 0; d < 2; d++) x[2 * a + d] = pts[2 * cells[c * nvc + a] + d];
    ck_assert_int_eq(NessCellGeometryAxisym(2, nvc, tensor, x, &meas, vp, gam), 0);
    ck_assert_int_eq(NessCellGeometry(2, nvc, tensor, x, &mc, vpc, gc), 0);
    for (PetscInt a = 0; a < nvc; a++) {
      if (cells[c * nvc + a] != 0) continue;
      *V += vp[a];
      *A += vpc[a];
      for (PetscInt b = 0; b < nvc; b++) {
        const PetscReal *xa = &x[2 * a], *xb = &x[2 * b];
        if (b == a) continue;
        div[0] += gam[a * nvc + b] * (xb[1] - xa[1]);
        div[1] += gam[a * nvc + b] * (xb[0] - xa[0]);
        div[2] += gam[a * nvc + b] * ((xb[0] - xa[0]) * (xb[0] + xa[0]) + (xb[1] - xa[1]) * (xb[1] + xa[1])); /* factored: no cancellation */
        div[3] += gam[a * nvc + b] * (xb[0] - xa[0]) * (xb[0] + xa[0]);
      }
    }
  }
}

START_TEST(axisym_patches)
{
  /* Exact discrete identities at a vertex whose weighted control volume is closed (interior, or on the axis, where the
     faces have zero area). The dual faces are perpendicular to the edges, so (u_b - u_a)/|e_ab| is the exact normal
     derivative of a linear u on the whole face, and the box balance is the divergence theorem:
       u = z:  sum_b gamma_ab (u_b - u_a) = int div(e_z) dV = 0
       u = r:  sum_b gamma_ab (u_b - u_a) = int (1/r) dV = 2 pi |w_a|_cartesian  (any patch, signed pieces included)
     u = r^2 + z^2 (|x|^2 in 3D, cylindrical Laplacian 6): u_b - u_a = |e_ab|^2 + 2 r_a (r_b - r_a) + 2 z_a (z_b - z_a),
     and sum_b gamma_ab |e_ab|^2 = sum_b gamma^cart_ab |e_ab|^2 pi (r(m_ab) + r(c)) together with the identity for u = r
     gives exactly 6 |w_a| = sum_b gamma^cart_ab |e_ab|^2 pi (r_a + r(m_ab) + r(c)) on any patch.
     u = r^2 alone (cylindrical Laplacian 4): the normal derivative 2 r n_r varies along faces that are not parallel to
     an axis, so sum = 4 |w_a| is exact only on axis-aligned tensor patches (graded too: (r_b^2 - r_a^2)/(r_b - r_a) is
     the derivative at the face) and on lattice triangulations (each face is symmetric about its edge midpoint and
     opposite faces cancel the remainder). On an irregular patch the relative defect does not vanish with h (the usual
     box-method truncation error on irregular meshes; the solution still converges at second order: verify_axisym). */
  const PetscReal h = 0.05;
  for (int level = 0; level < 3; level++) { /* irregular triangle fan around (1.2, 0.5), one obtuse triangle; shrunk by 2 per level */
    const PetscReal d[7][2] = {
      {0,      0    },
      {0.06,   0.01 },
      {0.02,   0.05 },
      {-0.015, 0.03 },
      {-0.055, -0.01},
      {-0.01,  -0.06},
      {0.05,   -0.04}
    };
    const PetscInt cells[] = {0, 1, 2, 0, 2, 3, 0, 3, 4, 0, 4, 5, 0, 5, 6, 0, 6, 1};
    PetscReal      pts[14], V, A, div[4], s = PetscPowRealInt(0.5, level);
    for (int k = 0; k < 7; k++) {
      pts[2 * k]     = 1.2 + s * d[k][0];
      pts[2 * k + 1] = 0.5 + s * d[k][1];
    }
    PatchBalance(pts, 6, 3, cells, PETSC_FALSE, &V, &A, div);
    ck_assert_msg(fabs(div[0]) <= 1e-13 * V / (s * h), "irregular fan, u = z: %.3e", div[0]);
    ck_assert_msg(fabs(div[1] - 2 * PETSC_PI * A) <= 1e-13 * V / (s * h), "irregular fan, u = r: %.16g vs %.16g", div[1], 2 * PETSC_PI * A);
    ck_assert_msg(fabs(div[2] - 6 * V) <= 1e-12 * V, "irregular fan, u = r^2 + z^2: %.16g vs 6 V = %.16g", div[2], 6 * V);
    printf("axisym irregular fan (size %.4f): u = r^2 + z^2: balance/(6 V) - 1 = %.1e; u = r^2: balance/(4 V) - 1 = %.3e (not expected to vanish)\n", s * 0.06, div[2] / (6 * V) - 1, div[3] / (4 * V) - 1);
  }
  { /* irregular fan around a vertex on the axis (0, 0.5) */
    const PetscReal pts[]   = {0, 0.5, 0, 0.56, 0.04, 0.54, 0.06, 0.49, 0.03, 0.45, 0, 0.44};
    const PetscInt  cells[] = {0, 2, 1, 0, 3, 2, 0, 4, 3, 0, 5, 4};
    PetscReal       V, A, div[4];
    PatchBalance(pts, 4, 3, cells, PETSC_FALSE, &V, &A, div);
    ck_assert_msg(fabs(div[0]) <= 1e-13 * V / h, "axis fan, u = z: %.3e", div[0]);
    ck_assert_msg(fabs(div[1] - 2 * PETSC_PI * A) <= 1e-13 * V / h, "axis fan, u = r: %.16g vs %.16g", div[1], 2 * PETSC_PI * A);
    ck_assert_msg(fabs(div[2] - 6 * V) <= 1e-12 * V, "axis fan, u = r^2 + z^2: %.16g vs 6 V = %.16g", div[2], 6 * V);
  }
  { /* lattice triangulation (a1 = (h, 0), a2 = (0.4h, 0.9h)) around (1.5, 0.3) */
    const PetscReal r0 = 1.5, z0 = 0.3, a1[2] = {h, 0}, a2[2] = {0.4 * h, 0.9 * h};
    const PetscReal d[6][2] = {
      {a1[0],          a1[1]         },
      {a2[0],          a2[1]         },
      {a2[0] - a1[0],  a2[1] - a1[1] },
      {-a1[0],         -a1[1]        },
      {-a2[0],         -a2[1]        },
      {-a2[0] + a1[0], -a2[1] + a1[1]}
    };
    PetscReal pts[14], V, A, div[4];
    PetscInt  cells[18];
    pts[0] = r0;
    pts[1] = z0;
    for (int k = 0; k < 6; k++) {
      pts[2 * (k + 1)]     = r0 + d[k][0];
      pts[2 * (k + 1) + 1] = z0 + d[k][1];
      cells[3 * k]         = 0;
      cells[3 * k + 1]     = k + 1;
      cells[3 * k + 2]     = (k + 1) % 6 + 1;
    }
    PatchBalance(pts, 6, 3, cells, PETSC_FALSE, &V, &A, div);
    ck_assert_msg(fabs(div[0]) <= 1e-13 * V / h, "lattice, u = z: %.3e", div[0]);
    ck_assert_msg(fabs(div[1] - 2 * PETSC_PI * A) <= 1e-13 * V / h, "lattice, u = r: %.16g vs %.16g", div[1], 2 * PETSC_PI * A);
    ck_assert_msg(fabs(div[2] - 6 * V) <= 1e-12 * V, "lattice, u = r^2 + z^2: %.16g vs 6 V = %.16g", div[2], 6 * V);
    ck_assert_msg(fabs(div[3] - 4 * V) <= 1e-12 * V, "lattice, u = r^2: %.16g vs 4 V = %.16g", div[3], 4 * V);
  }
  for (int axis = 0; axis < 2; axis++) { /* graded tensor patch of 2x2 rectangles around (1.0, 0.2); on the axis: around (0, 0.2), 2x1 */
    const PetscReal r[3] = {axis ? 0.0 : 1.0 - 0.7 * h, axis ? 0.7 * h : 1.0, axis ? 2.0 * h : 1.0 + 1.3 * h}, z[3] = {0.2 - 0.8 * h, 0.2, 0.2 + 1.1 * h};
    const PetscInt  ic = axis ? 0 : 1; /* column of the centre vertex, which gets number 0 */
    PetscReal       pts[18], V, A, div[4];
    PetscInt        cells[16], nc = 0, np = 1, id[3][3];
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 3; j++) {
        id[i][j]              = (i == ic && j == 1) ? 0 : np++;
        pts[2 * id[i][j]]     = r[i];
        pts[2 * id[i][j] + 1] = z[j];
      }
    for (int i = 0; i < 2; i++)
      for (int j = 0; j < 2; j++) {
        cells[4 * nc]     = id[i][j];
        cells[4 * nc + 1] = id[i + 1][j];
        cells[4 * nc + 2] = id[i][j + 1];
        cells[4 * nc + 3] = id[i + 1][j + 1];
        nc++;
      }
    PatchBalance(pts, nc, 4, cells, PETSC_TRUE, &V, &A, div);
    ck_assert_msg(fabs(div[0]) <= 1e-13 * V / h, "tensor %d, u = z: %.3e", axis, div[0]);
    ck_assert_msg(fabs(div[1] - 2 * PETSC_PI * A) <= 1e-13 * V / h, "tensor %d, u = r: %.16g vs %.16g", axis, div[1], 2 * PETSC_PI * A);
    ck_assert_msg(fabs(div[2] - 6 * V) <= 1e-12 * V, "tensor %d, u = r^2 + z^2: %.16g vs 6 V = %.16g", axis, div[2], 6 * V);
    ck_assert_msg(fabs(div[3] - 4 * V) <= 1e-12 * V, "tensor %d, u = r^2: %.16g vs 4 V = %.16g", axis, div[3], 4 * V);
  }
}
END_TEST

/* Whole meshes in axisymmetric coordinates: the volumes sum to the volume of revolution, and at every vertex that is
   not Dirichlet (interior or on the axis) the exact identities of axisym_patches hold for u = z, u = r (with the
   cartesian control areas from a second, cartesian set-up of the same mesh) and u = r^2 + z^2; u = r^2 on tensor
   meshes. */
static void CheckAxisymMesh(const char mesh[], const char bulk[], PetscReal volume, PetscBool tensor)
{
  Ness               ness[2];
  char               opts[2048];
  NessGeom          *g;
  PetscReal          vtot, *div, scale = 0, err[4] = {0, 0, 0, 0};
  Vec                coords;
  PetscSection       cs;
  const PetscScalar *ca;

  for (int k = 0; k < 2; k++) {
    snprintf(opts, sizeof(opts), "%s -ness_bulk_boundaries %s -ness_species_names X -ness_species_X_diffusivity 1e-9 -ness_species_X_bulk 1 -ness_output 0 -ness_coordinates %s", mesh, bulk, k ? "cartesian" : "axisymmetric");
    ck_assert_int_eq(VerifyCreate(opts, &ness[k]), 0);
    ck_assert_int_eq(NessSetUp(ness[k]), 0);
  }
  g = &ness[0]->g;
  ck_assert_int_eq(ness[0]->edim, 3);
  ck_assert_int_eq(g->nvloc, ness[1]->g.nvloc);
  vtot = g->domain_volume * PetscPowRealInt(ness[0]->L, 3);
  ck_assert_msg(fabs(vtot - volume) <= 1e-12 * volume, "%s: volumes sum to %.15g, volume of revolution %.15g", mesh, vtot, volume);
  ck_assert_int_eq(DMGetCoordinatesLocal(ness[0]->dm, &coords), 0);
  ck_assert_int_eq(DMGetCoordinateSection(ness[0]->dm, &cs), 0);
  ck_assert_int_eq(VecGetArrayRead(coords, &ca), 0);
  div = calloc(4 * g->nvloc, sizeof(PetscReal));
  for (PetscInt e = 0; e < g->nedge; e++) {
    PetscInt  o[2];
    PetscReal r[2], z[2], du[4];
    PetscSectionGetOffset(cs, g->eK[e] + g->vStart, &o[0]);
    PetscSectionGetOffset(cs, g->eL[e] + g->vStart, &o[1]);
    for (int i = 0; i < 2; i++) {
      r[i] = PetscRealPart(ca[o[i]]) / ness[0]->L;
      z[i] = PetscRealPart(ca[o[i] + 1]) / ness[0]->L;
    }
    du[0] = z[1] - z[0];
    du[1] = r[1] - r[0];
    du[3] = (r[1] - r[0]) * (r[1] + r[0]);
    du[2] = du[3] + (z[1] - z[0]) * (z[1] + z[0]);
    for (int k = 0; k < 4; k++) {
      div[4 * g->eK[e] + k] += g->egamma[e] * du[k];
      div[4 * g->eL[e] + k] -= g->egamma[e] * du[k];
    }
    scale = PetscMax(scale, PetscAbsReal(g->egamma[e] * du[1]));
  }
  VecRestoreArrayRead(coords, &ca);
  for (PetscInt v = 0; v < g->nvloc; v++) {
    if (g->dirichlet[v]) continue;
    err[0] = PetscMax(err[0], PetscAbsReal(div[4 * v]));
    err[1] = PetscMax(err[1], PetscAbsReal(div[4 * v + 1] - 2 * PETSC_PI * ness[1]->g.vol[v]));
    err[2] = PetscMax(err[2], PetscAbsReal(div[4 * v + 2] - 6 * g->vol[v]));
    err[3] = PetscMax(err[3], PetscAbsReal(div[4 * v + 3] - 4 * g->vol[v]));
  }
  free(div);
  ck_assert_msg(err[0] <= 1e-12 * scale, "%s: discrete divergence of grad z %.3e (scale %.3e)", mesh, err[0], scale);
  ck_assert_msg(err[1] <= 1e-12 * scale, "%s: discrete divergence of grad r - 2 pi |w|_cart %.3e (scale %.3e)", mesh, err[1], scale);
  ck_assert_msg(err[2] <= 1e-12 * scale, "%s: discrete divergence of grad (r^2 + z^2) - 6 |w| %.3e (scale %.3e)", mesh, err[2], scale);
  if (tensor) ck_assert_msg(err[3] <= 1e-12 * scale, "%s: discrete divergence of grad r^2 - 4 |w| %.3e (scale %.3e)", mesh, err[3], scale);
  printf("axisym %-50.50s volume rel. error %.1e; identities (per edge flux) u = z %.1e, u = r %.1e, u = r^2 + z^2 %.1e, u = r^2 %.1e%s\n", mesh, fabs(vtot - volume) / volume, err[0] / scale, err[1] / scale, err[2] / scale, err[3] / scale, tensor ? "" : " (not exact on triangles)");
  NessDestroy(&ness[0]);
  NessDestroy(&ness[1]);
}

START_TEST(axisym_meshes)
{
  char m[1024];
  CheckAxisymMesh("-ness_mesh_dim 2 -ness_mesh_faces 7,5 -ness_mesh_lower 1,0 -ness_mesh_upper 2,1 -ness_mesh_grade 2,-1", "left,right,bottom,top", 3 * PETSC_PI, PETSC_TRUE);
  CheckAxisymMesh("-ness_mesh_dim 2 -ness_mesh_faces 6,5 -ness_mesh_lower 0,0 -ness_mesh_upper 1,2 -ness_mesh_grade 1.5,0", "right,bottom,top", 2 * PETSC_PI, PETSC_TRUE);
  snprintf(m, sizeof(m), "-ness_mesh_file %s/meshes/annulus_h2.msh -ness_mesh_scale 1e-3", NESS_SOURCE_DIR);
  CheckAxisymMesh(m, "left,right,bottom,top", 3 * PETSC_PI * 1e-9, PETSC_FALSE);
  snprintf(m, sizeof(m), "-ness_mesh_file %s/meshes/square_h4.msh -ness_mesh_scale 1e-3", NESS_SOURCE_DIR); /* 12 non-Delaunay edges */
  CheckAxisymMesh(m, "right,bottom,top", PETSC_PI * 1e-9, PETSC_FALSE);
}
END_TEST

START_TEST(axisym_errors)
{
  /* a 3D mesh, and a mesh reaching x < 0, are input errors */
  const char *bad[2] = {"-ness_mesh_dim 3 -ness_mesh_faces 2,2,2 -ness_bulk_boundaries top", "-ness_mesh_dim 2 -ness_mesh_faces 4,2 -ness_mesh_lower -1e-6,0 -ness_mesh_upper 1e-6,1e-6 -ness_bulk_boundaries top"};
  ck_assert_int_eq(PetscPushErrorHandler(PetscReturnErrorHandler, NULL), 0);
  for (int k = 0; k < 2; k++) {
    Ness ness;
    char opts[1024];
    snprintf(opts, sizeof(opts), "%s -ness_coordinates axisymmetric -ness_species_names X -ness_species_X_diffusivity 1e-9 -ness_species_X_bulk 1 -ness_output 0", bad[k]);
    ck_assert_int_eq(VerifyCreate(opts, &ness), 0);
    ck_assert_int_eq(NessSetUp(ness), PETSC_ERR_USER_INPUT);
    NessDestroy(&ness);
  }
  ck_assert_int_eq(PetscPopErrorHandler(), 0);
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
  tcase_add_test(tc, axisym_triangles);
  tcase_add_test(tc, axisym_rectangles_segments);
  tcase_add_test(tc, axisym_patches);
  tcase_add_test(tc, axisym_meshes);
  tcase_add_test(tc, axisym_errors);
  suite_add_tcase(s, tc);
  sr = srunner_create(s);
  srunner_set_fork_status(sr, CK_NOFORK);
  srunner_run_all(sr, CK_NORMAL);
  nf = srunner_ntests_failed(sr);
  srunner_free(sr);
  PetscFinalize();
  return nf ? 1 : 0;
}

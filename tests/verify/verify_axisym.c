/* Axisymmetric coordinates (-ness_coordinates axisymmetric, x = r, y = z, full-revolution weights 2 pi r).
   1. Manufactured solution of the coupled PNP system in cylindrical coordinates, S = S(r, z):
        c_1 = cb (1 + 0.5 S), c_2 = cb (1 - 0.3 S), phi = b S,
      sources s_i = div J_i and s_phi = -eps lap(phi) - F sum z c with the cylindrical operators
        div v = (1/r) d(r v_r)/dr + dv_z/dz,   lap S = S_rr + S_r/r + S_zz.
      (a) away from the axis, r in [L, 2L], z in [0, L]: S = sin(pi (r - L)/L) sin(pi z/L), bulk on all four sides;
      (b) touching the axis, r in [0, L], z in [0, L]: S = cos(pi r/(2L)) sin(pi z/L), a function of r^2 with
          S_r = 0 on the axis, bulk on the other three sides, the axis insulating (nothing imposed: its faces have
          zero area). S_r/r -> S_rr on the axis.
      Tensor meshes and Gmsh triangles (meshes/annulus_hN.msh, meshes/cylinder_hN.msh); the max vertex error must
      fall at observed order >= 1.8 between the two finest levels, and the control volumes must sum to the volume
      of revolution, pi (R2^2 - R1^2) H.
   2. A uniform bulk state with insulating sides stays exact (no source).
   3. A disk electrode: the default scenario's chemistry in a cylinder r < 20 um, 0 < z < 10 um with the anode the
      disk r < 5 um of the bottom: converges, its area is pi (5 um)^2 and summary.json says "axisymmetric". */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include "common.h"
#include <dirent.h>
#include <unistd.h>

typedef struct {
  PetscReal L, cb, b, a[2], z[2], D[2], eps, f;
  PetscBool axis; /* case (b) */
} MMS;

/* S and its derivatives: gS = (S_r, S_z), lS = cylindrical Laplacian */
static void Shape(const MMS *m, const PetscReal x[], PetscReal *S, PetscReal gS[2], PetscReal *lS)
{
  const PetscReal kz = PETSC_PI / m->L, sz = PetscSinReal(kz * x[1]), cz = PetscCosReal(kz * x[1]);
  PetscReal       R, Rr, Rrr, Rr_over_r;
  if (m->axis) {
    const PetscReal k = 0.5 * PETSC_PI / m->L, kr = k * x[0];
    R         = PetscCosReal(kr);
    Rr        = -k * PetscSinReal(kr);
    Rrr       = -k * k * R;
    Rr_over_r = kr > 1e-8 ? Rr / x[0] : -k * k * (1 - kr * kr / 6); /* -k sin(kr)/r */
  } else {
    const PetscReal k = PETSC_PI / m->L, kr = k * (x[0] - m->L);
    R         = PetscSinReal(kr);
    Rr        = k * PetscCosReal(kr);
    Rrr       = -k * k * R;
    Rr_over_r = Rr / x[0];
  }
  *S    = R * sz;
  gS[0] = Rr * sz;
  gS[1] = R * kz * cz;
  *lS   = (Rrr + Rr_over_r) * sz - kz * kz * R * sz;
}

static void Exact(const MMS *m, const PetscReal x[], PetscReal c[2], PetscReal *phi)
{
  PetscReal S, gS[2], lS;
  Shape(m, x, &S, gS, &lS);
  for (PetscInt i = 0; i < 2; i++) c[i] = m->cb * (1 + m->a[i] * S);
  *phi = m->b * S;
}

static PetscErrorCode Source(void *ctx, const PetscReal x[], PetscReal s[])
{
  const MMS *m = (const MMS *)ctx;
  PetscReal  S, gS[2], lS, q = 0.0;

  Shape(m, x, &S, gS, &lS);
  for (PetscInt i = 0; i < 2; i++) {
    PetscReal c = m->cb * (1 + m->a[i] * S), lc = m->cb * m->a[i] * lS, gcgp = m->cb * m->a[i] * m->b * (gS[0] * gS[0] + gS[1] * gS[1]);
    s[i] = -m->D[i] * (lc + m->z[i] * m->f * (gcgp + c * m->b * lS));
    q += m->z[i] * c;
  }
  s[2] = -m->eps * m->b * lS - NESS_FARADAY * q;
  return 0;
}

#define SPECIES "-ness_species_names P,M -ness_species_P_charge 1 -ness_species_P_diffusivity 1e-9 -ness_species_P_bulk 1 -ness_species_M_charge -1 -ness_species_M_diffusivity 2e-9 -ness_species_M_bulk 1 -ness_output 0 -ness_coordinates axisymmetric"

static PetscErrorCode Run(const char mesh[], MMS *m, PetscReal *err, PetscReal *h, PetscReal *vol)
{
  Ness       ness;
  char       opts[2048];
  PetscInt   n;
  PetscReal *x, *phi, *c, e = 0.0;
  PetscBool  conv;

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(opts, sizeof(opts), "%s " SPECIES " -ness_bulk_boundaries %s", mesh, m->axis ? "right,bottom,top" : "left,right,bottom,top"));
  PetscCall(VerifyCreate(opts, &ness));
  m->f = NESS_FARADAY / (NESS_RGAS * ness->T);
  PetscCall(NessSetSourceFunction(ness, Source, m));
  PetscCall(NessSolve(ness));
  PetscCall(NessGetConverged(ness, &conv));
  PetscCheck(conv, PETSC_COMM_WORLD, PETSC_ERR_NOT_CONVERGED, "axisymmetric MMS solve did not converge on %s", mesh);
  PetscCall(VerifyGetVertexData(ness, &n, &x, &phi, &c));
  for (PetscInt i = 0; i < n; i++) {
    PetscReal ce[2], pe;
    Exact(m, &x[2 * i], ce, &pe);
    e = PetscMax(e, PetscAbsReal(phi[i] - pe) / m->b);
    for (PetscInt k = 0; k < 2; k++) e = PetscMax(e, PetscAbsReal(c[2 * i + k] - ce[k]) / m->cb);
  }
  PetscCall(MPIU_Allreduce(&e, err, 1, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
  *h   = 1.0 / PetscSqrtReal((PetscReal)ness->g.nvglobal);
  *vol = ness->g.domain_volume * PetscPowRealInt(ness->L, (int)ness->edim);
  PetscCall(PetscFree3(x, phi, c));
  PetscCall(NessDestroy(&ness));
  PetscFunctionReturn(0);
}

/* remove the files of directory dir (rank 0), then the directory */
static PetscErrorCode RemoveDir(const char dir[])
{
  DIR           *d;
  struct dirent *ent;
  char           path[PETSC_MAX_PATH_LEN];

  PetscFunctionBegin;
  if (!(d = opendir(dir))) PetscFunctionReturn(0);
  while ((ent = readdir(d))) {
    if (!strcmp(ent->d_name, ".") || !strcmp(ent->d_name, "..")) continue;
    PetscCall(PetscSNPrintf(path, sizeof(path), "%s/%s", dir, ent->d_name));
    (void)unlink(path);
  }
  closedir(d);
  (void)rmdir(dir);
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscInt       failures = 0;
  PetscMPIInt    rank;
  PetscLogDouble t0, t1;
  MMS            m;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscMemzero(&m, sizeof(m)));
  m.L   = 1e-7; /* domain size (m) */
  m.cb  = 1.0;  /* bulk concentration (mol/m^3) */
  m.b   = 0.05; /* potential amplitude (V) */
  m.eps = 78.5 * NESS_EPS0;
  for (PetscInt i = 0; i < 2; i++) {
    m.a[i] = i ? -0.3 : 0.5;
    m.z[i] = i ? -1 : 1;
    m.D[i] = i ? 2e-9 : 1e-9;
  }
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCall(PetscTime(&t0));
  /* 1. manufactured solutions */
  for (PetscInt axis = 0; axis < 2; axis++) {
    const PetscReal R1 = axis ? 0.0 : m.L, R2 = R1 + m.L, H = m.L, vexact = PETSC_PI * (R2 * R2 - R1 * R1) * H;
    m.axis = axis ? PETSC_TRUE : PETSC_FALSE;
    for (PetscInt type = 0; type < 2; type++) {
      PetscReal   err[4], h[4], vol = 0.0, verr = 0.0;
      const char *name = axis ? (type ? "axis,    simplex" : "axis,    tensor ") : (type ? "annulus, simplex" : "annulus, tensor ");
      for (PetscInt k = 0; k < 4; k++) {
        char mesh[1024];
        if (type == 0) PetscCall(PetscSNPrintf(mesh, sizeof(mesh), "-ness_mesh_dim 2 -ness_mesh_faces %d,%d -ness_mesh_lower %g,0 -ness_mesh_upper %g,%g", 5 << k, 5 << k, (double)R1, (double)R2, (double)H));
        else PetscCall(PetscSNPrintf(mesh, sizeof(mesh), "-ness_mesh_file %s/meshes/%s_h%d.msh -ness_mesh_scale %g", NESS_SOURCE_DIR, axis ? "cylinder" : "annulus", (int)(k + 1), (double)m.L));
        PetscCall(Run(mesh, &m, &err[k], &h[k], &vol));
        verr = PetscMax(verr, PetscAbsReal(vol - vexact) / vexact);
        PetscCall(PetscPrintf(PETSC_COMM_WORLD, "axisym mms %s level %d: h ~ %.4f, max relative error %.3e", name, (int)k, (double)h[k], (double)err[k]));
        if (k) PetscCall(PetscPrintf(PETSC_COMM_WORLD, "  order %.3f\n", (double)VerifyOrder(err[k - 1], err[k], h[k - 1], h[k])));
        else PetscCall(PetscPrintf(PETSC_COMM_WORLD, "\n"));
      }
      {
        PetscReal p = VerifyOrder(err[2], err[3], h[2], h[3]);
        VERIFY_CHECK(p >= 1.8, "axisymmetric MMS %s observed order %.3f < 1.8\n", name, (double)p);
      }
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "axisym mms %s: control volumes sum to pi (R2^2 - R1^2) H to %.1e (relative, worst level)\n", name, (double)verr));
      VERIFY_CHECK(verr <= 1e-12, "axisymmetric %s: volume sum off by %.3e\n", name, (double)verr);
      PetscCall(PetscTime(&t1));
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "  (%.2f s)\n", (double)(t1 - t0)));
      t0 = t1;
    }
  }
  /* 2. a uniform bulk state stays exact: bulk only at the top, axis, outer side and bottom insulating */
  {
    Ness       ness;
    PetscInt   n;
    PetscReal *x, *phi, *c, e = 0.0, eg;
    PetscBool  conv;
    PetscCall(VerifyCreate("-ness_mesh_dim 2 -ness_mesh_faces 6,5 -ness_mesh_upper 2e-6,1e-6 -ness_mesh_grade 1,2 " SPECIES " -ness_bulk_boundaries top", &ness));
    PetscCall(NessSolve(ness));
    PetscCall(NessGetConverged(ness, &conv));
    PetscCall(VerifyGetVertexData(ness, &n, &x, &phi, &c));
    for (PetscInt i = 0; i < n; i++) {
      e = PetscMax(e, PetscAbsReal(phi[i]));
      for (PetscInt k = 0; k < 2; k++) e = PetscMax(e, PetscAbsReal(c[2 * i + k] - 1.0));
    }
    PetscCall(MPIU_Allreduce(&e, &eg, 1, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "axisym uniform bulk state: converged %s, max deviation %.1e (phi in V, c in mol/m^3)\n", conv ? "yes" : "no", (double)eg));
    VERIFY_CHECK(conv && eg <= 1e-14, "uniform bulk state: converged %d, deviation %.3e\n", (int)conv, (double)eg);
    PetscCall(PetscFree3(x, phi, c));
    PetscCall(NessDestroy(&ness));
  }
  /* 3. disk electrode r < 5 um at the bottom of a 20 um x 10 um (r, z) box; chemistry of scenarios/default.yaml */
  {
    Ness            ness;
    PetscReal       A, cur;
    const PetscReal Aexact = PETSC_PI * 5e-6 * 5e-6;
    PetscBool       conv, coords = PETSC_FALSE;
    char            dir[PETSC_MAX_PATH_LEN] = "/tmp/ness_verify_axisym_XXXXXX", opts[4096];
    if (rank == 0 && !mkdtemp(dir)) dir[0] = 0;
    PetscCallMPI(MPI_Bcast(dir, sizeof(dir), MPI_CHAR, 0, PETSC_COMM_WORLD));
    PetscCheck(dir[0], PETSC_COMM_WORLD, PETSC_ERR_FILE_OPEN, "Cannot create a temporary directory for the output");
    PetscCall(PetscSNPrintf(opts, sizeof(opts),
                            "-ness_coordinates axisymmetric -ness_output_dir %s -ness_temperature 298.15 -ness_permittivity 78.5 "
                            "-ness_mesh_dim 2 -ness_mesh_faces 16,20 -ness_mesh_lower 0,0 -ness_mesh_upper 20e-6,10e-6 -ness_mesh_grade 0,6 "
                            "-ness_mesh_patches anode -ness_mesh_patch_anode_side bottom -ness_mesh_patch_anode_range 0,5e-6 "
                            "-ness_species_names Na,Cl,Fe -ness_species_Na_charge 1 -ness_species_Na_diffusivity 1.33e-9 -ness_species_Na_bulk 1.0 "
                            "-ness_species_Cl_charge -1 -ness_species_Cl_diffusivity 2.03e-9 -ness_species_Cl_bulk 1.0002 "
                            "-ness_species_Fe_charge 2 -ness_species_Fe_diffusivity 0.72e-9 -ness_species_Fe_bulk 1.0e-4 -ness_species_Fe_cref 1.0 "
                            "-ness_bulk_boundaries top -ness_electrode_names anode -ness_electrode_anode_label anode -ness_electrode_anode_potential -0.30 "
                            "-ness_electrode_anode_phi_bc stern -ness_electrode_anode_stern_capacitance 0.2 -ness_electrode_anode_pzc -0.45 "
                            "-ness_electrode_anode_reactions fe_dissolution -ness_reaction_fe_dissolution_n 2 -ness_reaction_fe_dissolution_i0 1.0e-2 "
                            "-ness_reaction_fe_dissolution_alpha_a 0.5 -ness_reaction_fe_dissolution_alpha_c 0.5 -ness_reaction_fe_dissolution_E_eq -0.44 "
                            "-ness_reaction_fe_dissolution_species Fe -ness_reaction_fe_dissolution_stoich 1",
                            dir));
    PetscCall(VerifyCreate(opts, &ness));
    PetscCall(NessSolve(ness));
    PetscCall(NessGetConverged(ness, &conv));
    PetscCall(NessGetElectrodeArea(ness, 0, &A));
    PetscCall(NessGetElectrodeCurrent(ness, 0, &cur));
    PetscCall(NessWriteOutput(ness));
    if (rank == 0) {
      char  path[PETSC_MAX_PATH_LEN], buf[1 << 16];
      FILE *fp;
      PetscCall(PetscSNPrintf(path, sizeof(path), "%s/summary.json", dir));
      if ((fp = fopen(path, "r"))) {
        size_t nb = fread(buf, 1, sizeof(buf) - 1, fp);
        buf[nb]   = 0;
        fclose(fp);
        coords = strstr(buf, "\"coordinates\": \"axisymmetric\"") ? PETSC_TRUE : PETSC_FALSE;
      }
      PetscCall(RemoveDir(dir));
    }
    PetscCallMPI(MPI_Bcast(&coords, 1, MPIU_BOOL, 0, PETSC_COMM_WORLD));
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "axisym disk electrode: converged %s, area %.12e m^2 (pi (5 um)^2 = %.12e, relative error %.1e), current %.6e A, summary.json coordinates axisymmetric: %s\n", conv ? "yes" : "no", (double)A, (double)Aexact, (double)(PetscAbsReal(A - Aexact) / Aexact), (double)cur, coords ? "yes" : "no"));
    VERIFY_CHECK(conv, "disk electrode did not converge\n");
    VERIFY_CHECK(PetscAbsReal(A - Aexact) <= 1e-12 * Aexact, "disk electrode area %.15e, expected %.15e\n", (double)A, (double)Aexact);
    VERIFY_CHECK(cur > 0, "disk electrode current %.3e is not anodic\n", (double)cur);
    VERIFY_CHECK(coords, "summary.json does not say \"coordinates\": \"axisymmetric\"\n");
    PetscCall(NessDestroy(&ness));
    PetscCall(PetscTime(&t1));
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "  (%.2f s)\n", (double)(t1 - t0)));
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%d passed, %d failed\n", failures ? 0 : 1, failures ? 1 : 0));
  PetscCall(PetscFinalize());
  return failures ? 1 : 0;
}

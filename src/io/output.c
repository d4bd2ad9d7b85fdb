/* Output: solution.h5 (+ XDMF sidecar) in natural (mesh-file) order, so files do not depend on the number of
   ranks, and summary.json. Every file is written under a temporary name and renamed when complete. */
#include <ness/private/nessimpl.h>
#include <petscviewerhdf5.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sys/statvfs.h>
#include <errno.h>

/* Free space check before the collective HDF5 write: parallel HDF5 does not fail collectively when the disk fills
   up mid-write (the ranks end up in different collective calls and deadlock), so a write that cannot fit is refused
   up front, with a clear message and nothing written. need is an estimate of the bytes to write. */
static PetscErrorCode CheckFreeSpace(Ness ness, double need)
{
  MPI_Comm       comm = PetscObjectComm((PetscObject)ness);
  PetscMPIInt    rank;
  double         avail = -1.0;
  struct statvfs st;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0 && !statvfs(ness->outdir, &st)) avail = (double)st.f_bavail * (double)st.f_frsize;
  PetscCallMPI(MPI_Bcast(&avail, 1, MPI_DOUBLE, 0, comm));
  PetscCheck(avail < 0 || avail >= need, comm, PETSC_ERR_FILE_WRITE, "Not enough free space in output directory '%s' (-ness_output_dir): about %.0f kB needed, %.0f kB available; nothing was written", ness->outdir, need / 1024, avail / 1024);
  PetscFunctionReturn(0);
}

/* rank 0 renames tmp to final once every rank has finished writing */
PetscErrorCode NessFileCommit(MPI_Comm comm, const char tmp[], const char final[])
{
  PetscMPIInt rank;
  int         err = 0;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Barrier(comm));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0 && rename(tmp, final)) err = errno;
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, comm));
  PetscCheck(!err, comm, PETSC_ERR_FILE_WRITE, "Cannot rename %s to %s: %s", tmp, final, strerror(err));
  PetscFunctionReturn(0);
}

PetscErrorCode NessMakeOutputDir(MPI_Comm comm, const char dir[])
{
  PetscMPIInt rank;
  int         err = 0;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0) {
    char path[PETSC_MAX_PATH_LEN];
    PetscCall(PetscStrncpy(path, dir, sizeof(path)));
    for (char *p = path + 1; *p && !err; p++) {
      if (*p != '/') continue;
      *p = 0;
      if (mkdir(path, 0755) && errno != EEXIST) err = errno;
      *p = '/';
    }
    if (!err && mkdir(path, 0755) && errno != EEXIST) err = errno;
    if (!err) {
      char  probe[PETSC_MAX_PATH_LEN + 32];
      FILE *fp;
      PetscCall(PetscSNPrintf(probe, sizeof(probe), "%s/.ness_write_test", dir));
      fp = fopen(probe, "w");
      if (!fp) err = errno;
      else {
        fclose(fp);
        remove(probe);
      }
    }
  }
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, comm));
  PetscCheck(!err, comm, PETSC_ERR_FILE_OPEN, "Output directory '%s' (-ness_output_dir) cannot be created or written: %s", dir, strerror(err));
  PetscFunctionReturn(0);
}

/* Scatter values given on owned items (n per item, bs each) into a Vec in natural order and view it */
static PetscErrorCode ViewNatural(Ness ness, PetscViewer viewer, const char name[], PetscInt nown, const PetscInt nat[], PetscInt bs, PetscInt nglobal, const PetscReal vals[])
{
  MPI_Comm     comm = PetscObjectComm((PetscObject)ness);
  Vec          src, dst;
  IS           to;
  VecScatter   sc;
  PetscInt    *idx;
  PetscScalar *a;

  PetscFunctionBegin;
  PetscCall(VecCreateMPI(comm, nown * bs, PETSC_DETERMINE, &src));
  PetscCall(VecGetArray(src, &a));
  for (PetscInt i = 0; i < nown * bs; i++) a[i] = vals[i];
  PetscCall(VecRestoreArray(src, &a));
  PetscCall(VecCreate(comm, &dst));
  PetscCall(VecSetSizes(dst, PETSC_DECIDE, nglobal * bs));
  PetscCall(VecSetBlockSize(dst, bs));
  PetscCall(VecSetType(dst, VECMPI));
  PetscCall(PetscMalloc1(nown * bs, &idx));
  for (PetscInt i = 0; i < nown; i++)
    for (PetscInt d = 0; d < bs; d++) idx[i * bs + d] = nat[i] * bs + d;
  PetscCall(ISCreateGeneral(comm, nown * bs, idx, PETSC_OWN_POINTER, &to));
  PetscCall(VecScatterCreate(src, NULL, dst, to, &sc));
  PetscCall(VecScatterBegin(sc, src, dst, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(sc, src, dst, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(PetscObjectSetName((PetscObject)dst, name));
  PetscCall(VecView(dst, viewer));
  PetscCall(VecScatterDestroy(&sc));
  PetscCall(ISDestroy(&to));
  PetscCall(VecDestroy(&src));
  PetscCall(VecDestroy(&dst));
  PetscFunctionReturn(0);
}

/* Values on a few items spread over ranks (electrode vertices), keyed by natural vertex number: gathered on rank 0,
   sorted by key and viewed as one dataset (n x bs), so the file does not depend on the partition. Surface data is
   small (O(N^((d-1)/d))), so a gather is fine here. */
static PetscErrorCode ViewGatheredSorted(Ness ness, PetscViewer viewer, const char name[], PetscInt n, const PetscInt key[], PetscInt bs, const PetscReal vals[])
{
  MPI_Comm     comm = PetscObjectComm((PetscObject)ness);
  PetscMPIInt  rank, size, nl = (PetscMPIInt)n, *cnt = NULL, *dsp = NULL, *cntv = NULL, *dspv = NULL;
  PetscInt    *allkey = NULL, *perm = NULL, ntot = 0;
  PetscReal   *allval = NULL;
  Vec          out;
  PetscScalar *a;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  if (rank == 0) PetscCall(PetscMalloc4(size, &cnt, size, &dsp, size, &cntv, size, &dspv));
  PetscCallMPI(MPI_Gather(&nl, 1, MPI_INT, cnt, 1, MPI_INT, 0, comm));
  if (rank == 0) {
    for (PetscMPIInt r = 0; r < size; r++) {
      dsp[r]  = (PetscMPIInt)ntot;
      cntv[r] = cnt[r] * (PetscMPIInt)bs;
      dspv[r] = (PetscMPIInt)(ntot * bs);
      ntot += cnt[r];
    }
    PetscCall(PetscMalloc3(ntot + 1, &allkey, ntot * bs + 1, &allval, ntot + 1, &perm));
  }
  PetscCallMPI(MPI_Gatherv(key, nl, MPIU_INT, allkey, cnt, dsp, MPIU_INT, 0, comm));
  PetscCallMPI(MPI_Gatherv(vals, nl * (PetscMPIInt)bs, MPIU_REAL, allval, cntv, dspv, MPIU_REAL, 0, comm));
  PetscCall(VecCreate(comm, &out));
  PetscCall(VecSetSizes(out, rank == 0 ? ntot * bs : 0, PETSC_DETERMINE));
  PetscCall(VecSetBlockSize(out, bs));
  PetscCall(VecSetType(out, VECMPI));
  if (rank == 0) {
    for (PetscInt i = 0; i < ntot; i++) perm[i] = i;
    PetscCall(PetscSortIntWithPermutation(ntot, allkey, perm));
    PetscCall(VecGetArray(out, &a));
    for (PetscInt i = 0; i < ntot; i++)
      for (PetscInt d = 0; d < bs; d++) a[i * bs + d] = allval[perm[i] * bs + d];
    PetscCall(VecRestoreArray(out, &a));
    PetscCall(PetscFree3(allkey, allval, perm));
    PetscCall(PetscFree4(cnt, dsp, cntv, dspv));
  }
  PetscCall(PetscObjectSetName((PetscObject)out, name));
  PetscCall(VecView(out, viewer));
  PetscCall(VecDestroy(&out));
  PetscFunctionReturn(0);
}

static const char *CellTypeName(PetscInt dim, PetscInt nvpc)
{
  if (dim == 1) return "Polyline";
  if (dim == 2) return nvpc == 3 ? "Triangle" : "Quadrilateral";
  return nvpc == 4 ? "Tetrahedron" : "Hexahedron";
}

static PetscErrorCode WriteSolutionBody(Ness ness, PetscViewer viewer, NessThermoFields *fld)
{
  MPI_Comm           comm = PetscObjectComm((PetscObject)ness);
  const NessGeom    *g    = &ness->g;
  PetscInt           dim = ness->dim, nF = ness->ns + 1, *natown;
  PetscReal         *buf;
  Vec                coords;
  const PetscScalar *ca, *u;
  PetscSection       cs;

  PetscFunctionBegin;
  PetscCall(PetscMalloc2(g->nvown, &natown, PetscMax(g->nvown * 3, g->ncown * g->nvpc) + 1, &buf));
  for (PetscInt i = 0; i < g->nvown; i++) natown[i] = g->natv[g->vown[i]];
  /* geometry */
  PetscCall(DMGetCoordinatesLocal(ness->dm, &coords));
  PetscCall(DMGetCoordinateSection(ness->dm, &cs));
  PetscCall(VecGetArrayRead(coords, &ca));
  for (PetscInt i = 0; i < g->nvown; i++) {
    PetscInt off;
    PetscCall(PetscSectionGetOffset(cs, g->vown[i] + g->vStart, &off));
    for (PetscInt d = 0; d < dim; d++) buf[i * dim + d] = PetscRealPart(ca[off + d]);
  }
  PetscCall(PetscViewerHDF5PushGroup(viewer, "/geometry"));
  PetscCall(ViewNatural(ness, viewer, "vertices", g->nvown, natown, dim, g->nvglobal, buf));
  if (dim == 1) {
    PetscReal *b2;
    PetscCall(PetscMalloc1(2 * g->nvown + 1, &b2));
    for (PetscInt i = 0; i < g->nvown; i++) {
      b2[2 * i]     = buf[i];
      b2[2 * i + 1] = 0.0;
    }
    PetscCall(ViewNatural(ness, viewer, "vertices_xy", g->nvown, natown, 2, g->nvglobal, b2));
    PetscCall(PetscFree(b2));
  }
  PetscCall(PetscViewerHDF5PopGroup(viewer));
  PetscCall(VecRestoreArrayRead(coords, &ca));
  /* topology: natural cell order, natural vertex numbers */
  {
    Vec                src, dst;
    IS                 to, cells;
    VecScatter         sc;
    PetscInt          *idx, n, *ci, nvpc = g->nvpc;
    const PetscScalar *da;
    PetscScalar       *sa;
    PetscCall(VecCreateMPI(comm, g->ncown * nvpc, PETSC_DETERMINE, &src));
    PetscCall(VecGetArray(src, &sa));
    for (PetscInt i = 0; i < g->ncown * nvpc; i++) sa[i] = (PetscScalar)g->cellv[i];
    PetscCall(VecRestoreArray(src, &sa));
    PetscCall(VecCreate(comm, &dst));
    PetscCall(VecSetSizes(dst, PETSC_DECIDE, g->ncglobal * nvpc));
    PetscCall(VecSetBlockSize(dst, nvpc));
    PetscCall(VecSetType(dst, VECMPI));
    PetscCall(PetscMalloc1(g->ncown * nvpc, &idx));
    for (PetscInt c = 0; c < g->ncown; c++)
      for (PetscInt a = 0; a < nvpc; a++) idx[c * nvpc + a] = g->natc[c] * nvpc + a;
    PetscCall(ISCreateGeneral(comm, g->ncown * nvpc, idx, PETSC_OWN_POINTER, &to));
    PetscCall(VecScatterCreate(src, NULL, dst, to, &sc));
    PetscCall(VecScatterBegin(sc, src, dst, INSERT_VALUES, SCATTER_FORWARD));
    PetscCall(VecScatterEnd(sc, src, dst, INSERT_VALUES, SCATTER_FORWARD));
    PetscCall(VecGetLocalSize(dst, &n));
    PetscCall(VecGetArrayRead(dst, &da));
    PetscCall(PetscMalloc1(n, &ci));
    for (PetscInt i = 0; i < n; i++) ci[i] = (PetscInt)PetscRealPart(da[i]);
    PetscCall(VecRestoreArrayRead(dst, &da));
    PetscCall(ISCreateGeneral(comm, n, ci, PETSC_OWN_POINTER, &cells));
    PetscCall(ISSetBlockSize(cells, nvpc));
    PetscCall(PetscObjectSetName((PetscObject)cells, "cells"));
    PetscCall(PetscViewerHDF5PushGroup(viewer, "/topology"));
    PetscCall(ISView(cells, viewer));
    PetscCall(PetscViewerHDF5PopGroup(viewer));
    PetscCall(PetscViewerHDF5WriteAttribute(viewer, "/topology/cells", "cell_type", PETSC_STRING, CellTypeName(dim, nvpc)));
    PetscCall(ISDestroy(&cells));
    PetscCall(VecScatterDestroy(&sc));
    PetscCall(ISDestroy(&to));
    PetscCall(VecDestroy(&src));
    PetscCall(VecDestroy(&dst));
  }
  /* fields in SI units */
  {
    Vec Ul;
    PetscCall(DMGetLocalVector(ness->dm, &Ul));
    PetscCall(DMGlobalToLocalBegin(ness->dm, ness->U, INSERT_VALUES, Ul));
    PetscCall(DMGlobalToLocalEnd(ness->dm, ness->U, INSERT_VALUES, Ul));
    PetscScalar *uf;
    PetscCall(VecGetArrayRead(Ul, &u));
    PetscCall(NessFullState(ness, u, g->nvloc, &uf)); /* all species, also those eliminated by the model */
    PetscCall(PetscViewerHDF5PushGroup(viewer, "/fields"));
    for (PetscInt i = -1; i < ness->ns; i++) {
      char name[NESS_NAME_LEN + 8];
      for (PetscInt k = 0; k < g->nvown; k++) {
        PetscInt v = g->vown[k];
        buf[k]     = i < 0 ? PetscRealPart(uf[v * nF + ness->ns]) / ness->f : PetscRealPart(uf[v * nF + i]) * ness->c0;
      }
      if (i < 0) PetscCall(PetscStrncpy(name, "phi", sizeof(name)));
      else PetscCall(PetscSNPrintf(name, sizeof(name), "c_%s", ness->sp[i].name));
      PetscCall(ViewNatural(ness, viewer, name, g->nvown, natown, 1, g->nvglobal, buf));
    }
    PetscCall(PetscFree(uf));
    PetscCall(VecRestoreArrayRead(Ul, &u));
    PetscCall(DMRestoreLocalVector(ness->dm, &Ul));
    if (fld) {
      for (PetscInt i = 0; i < ness->ns; i++) {
        char name[NESS_NAME_LEN + 8];
        for (PetscInt k = 0; k < g->nvown; k++) buf[k] = fld->mu[k * ness->ns + i];
        PetscCall(PetscSNPrintf(name, sizeof(name), "mu_%s", ness->sp[i].name));
        PetscCall(ViewNatural(ness, viewer, name, g->nvown, natown, 1, g->nvglobal, buf));
      }
      PetscCall(ViewNatural(ness, viewer, "entropy_production", g->nvown, natown, 1, g->nvglobal, fld->sigma));
      if (fld->pH) PetscCall(ViewNatural(ness, viewer, "pH", g->nvown, natown, 1, g->nvglobal, fld->pH));
    }
    PetscCall(PetscViewerHDF5PopGroup(viewer));
  }
  if (fld) {
    /* cell fields: gradients of the electrochemical potentials, driving-force magnitudes, ionic current density */
    PetscReal *cb;
    PetscInt   nc = g->ncown;
    PetscCall(PetscMalloc1(nc * dim + 1, &cb));
    PetscCall(PetscViewerHDF5PushGroup(viewer, "/cell_fields"));
    for (PetscInt i = 0; i < ness->ns; i++) {
      char name[NESS_NAME_LEN + 32];
      for (PetscInt c = 0; c < nc; c++)
        for (PetscInt d = 0; d < dim; d++) cb[c * dim + d] = fld->gradmu[(c * ness->ns + i) * dim + d];
      PetscCall(PetscSNPrintf(name, sizeof(name), "grad_mu_%s", ness->sp[i].name));
      PetscCall(ViewNatural(ness, viewer, name, nc, g->natc, dim, g->ncglobal, cb));
      for (PetscInt c = 0; c < nc; c++) {
        PetscReal m = 0.0;
        for (PetscInt d = 0; d < dim; d++) m += PetscSqr(fld->gradmu[(c * ness->ns + i) * dim + d]);
        cb[c] = PetscSqrtReal(m);
      }
      PetscCall(PetscSNPrintf(name, sizeof(name), "grad_mu_%s_magnitude", ness->sp[i].name));
      PetscCall(ViewNatural(ness, viewer, name, nc, g->natc, 1, g->ncglobal, cb));
    }
    PetscCall(ViewNatural(ness, viewer, "current_density", nc, g->natc, dim, g->ncglobal, fld->cur));
    for (PetscInt c = 0; c < nc; c++) {
      PetscReal m = 0.0;
      for (PetscInt d = 0; d < dim; d++) m += PetscSqr(fld->cur[c * dim + d]);
      cb[c] = PetscSqrtReal(m);
    }
    PetscCall(ViewNatural(ness, viewer, "current_density_magnitude", nc, g->natc, 1, g->ncglobal, cb));
    PetscCall(PetscViewerHDF5PopGroup(viewer));
    PetscCall(PetscFree(cb));
    /* electrode surfaces: one dataset per quantity, rows sorted by natural vertex number */
    for (PetscInt e = 0; e < ness->ne; e++) {
      const NessElectrode *el = &ness->el[e];
      PetscInt             n  = 0, *key;
      PetscReal           *val, *xs;
      char                 grp[2 * NESS_NAME_LEN + 32];
      PetscSection         cs;
      Vec                  coords;
      const PetscScalar   *ca;
      static const char   *head[NESS_ES_HEAD] = {"area", "phi_V", "current_density_A_per_m2", "entropy_production_W_per_m2_K"};
      static const char   *rq[4]              = {"current_density_A_per_m2", "overpotential_V", "surface_overpotential_V", "concentration_overpotential_V"};
      for (PetscInt k = 0; k < fld->nes; k++)
        if (fld->ese[k] == e) n++;
      PetscCall(PetscMalloc3(n + 1, &key, n + 1, &val, n * dim + 1, &xs));
      PetscCall(DMGetCoordinatesLocal(ness->dm, &coords));
      PetscCall(DMGetCoordinateSection(ness->dm, &cs));
      PetscCall(VecGetArrayRead(coords, &ca));
      n = 0;
      for (PetscInt k = 0; k < fld->nes; k++) {
        PetscInt off;
        if (fld->ese[k] != e) continue;
        key[n] = g->natv[fld->esv[k]];
        PetscCall(PetscSectionGetOffset(cs, fld->esv[k] + g->vStart, &off));
        for (PetscInt d = 0; d < dim; d++) xs[n * dim + d] = PetscRealPart(ca[off + d]);
        n++;
      }
      PetscCall(VecRestoreArrayRead(coords, &ca));
      PetscCall(PetscSNPrintf(grp, sizeof(grp), "/electrodes/%s", el->name));
      PetscCall(PetscViewerHDF5PushGroup(viewer, grp));
      PetscCall(ViewGatheredSorted(ness, viewer, "coordinates", n, key, dim, xs));
      {
        PetscReal *kv;
        PetscCall(PetscMalloc1(n + 1, &kv));
        for (PetscInt j = 0; j < n; j++) kv[j] = (PetscReal)key[j];
        PetscCall(ViewGatheredSorted(ness, viewer, "vertex", n, key, 1, kv));
        PetscCall(PetscFree(kv));
      }
      for (PetscInt q = 0; q < NESS_ES_HEAD + 4 * el->nreact; q++) {
        char name[2 * NESS_NAME_LEN + 48];
        n = 0;
        for (PetscInt k = 0; k < fld->nes; k++)
          if (fld->ese[k] == e) val[n++] = fld->esdata[k * NESS_ES_STRIDE + q];
        if (q < NESS_ES_HEAD) PetscCall(PetscStrncpy(name, head[q], sizeof(name)));
        else PetscCall(PetscSNPrintf(name, sizeof(name), "%s_%s", ness->rx[el->react[(q - NESS_ES_HEAD) / 4]].name, rq[(q - NESS_ES_HEAD) % 4]));
        PetscCall(ViewGatheredSorted(ness, viewer, name, n, key, 1, val));
      }
      PetscCall(PetscViewerHDF5PopGroup(viewer));
      PetscCall(PetscFree3(key, val, xs));
    }
  }
  PetscCall(PetscFree2(natown, buf));
  PetscFunctionReturn(0);
}

/* The file is closed (collectively) whatever happens while writing: an HDF5 file left open after a failed write
   (disk full) would be closed by HDF5 inside MPI_Finalize, where the ranks deadlock. */
PetscErrorCode NessWriteSolutionHDF5(Ness ness, const char path[], NessThermoFields *fld)
{
  MPI_Comm       comm = PetscObjectComm((PetscObject)ness);
  PetscViewer    viewer;
  PetscErrorCode ierr, ierr2;
  int            l = 0, gl;

  PetscFunctionBegin;
  PetscCall(PetscViewerHDF5Open(comm, path, FILE_MODE_WRITE, &viewer));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr  = WriteSolutionBody(ness, viewer, fld);
  ierr2 = PetscViewerDestroy(&viewer);
  PetscCall(PetscPopErrorHandler());
  l = (ierr || ierr2) ? 1 : 0;
  PetscCallMPI(MPI_Allreduce(&l, &gl, 1, MPI_INT, MPI_MAX, comm));
  PetscCheck(!gl, comm, PETSC_ERR_FILE_WRITE, "Cannot write %s (disk full or I/O error); the solution file of an earlier run, if any, is unchanged", path);
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteXDMF(Ness ness, const char path[], const char h5name[], NessThermoFields *fld)
{
  PetscMPIInt rank;
  int         err = 0;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(PetscObjectComm((PetscObject)ness), &rank));
  if (rank == 0) {
    FILE           *fp = fopen(path, "w");
    const NessGeom *g  = &ness->g;
    PetscInt        nv = g->nvglobal, nc = g->ncglobal, gd = ness->dim == 1 ? 2 : ness->dim;
    if (!fp) err = errno;
    else {
      fprintf(fp, "<?xml version=\"1.0\" ?>\n<Xdmf Version=\"3.0\">\n <Domain>\n  <Grid Name=\"ness\" GridType=\"Uniform\">\n");
      fprintf(fp, "   <Topology TopologyType=\"%s\" NumberOfElements=\"%d\"%s>\n", CellTypeName(ness->dim, g->nvpc), (int)nc, ness->dim == 1 ? " NodesPerElement=\"2\"" : "");
      fprintf(fp, "    <DataItem Dimensions=\"%d %d\" NumberType=\"Int\" Format=\"HDF\">%s:/topology/cells</DataItem>\n   </Topology>\n", (int)nc, (int)g->nvpc, h5name);
      fprintf(fp, "   <Geometry GeometryType=\"%s\">\n", gd == 2 ? "XY" : "XYZ");
      fprintf(fp, "    <DataItem Dimensions=\"%d %d\" NumberType=\"Float\" Precision=\"8\" Format=\"HDF\">%s:/geometry/%s</DataItem>\n   </Geometry>\n", (int)nv, (int)gd, h5name, ness->dim == 1 ? "vertices_xy" : "vertices");
      for (PetscInt i = -1; i < ness->ns; i++) {
        char name[NESS_NAME_LEN + 8];
        if (i < 0) snprintf(name, sizeof(name), "phi");
        else snprintf(name, sizeof(name), "c_%s", ness->sp[i].name);
        fprintf(fp, "   <Attribute Name=\"%s\" AttributeType=\"Scalar\" Center=\"Node\">\n    <DataItem Dimensions=\"%d\" NumberType=\"Float\" Precision=\"8\" Format=\"HDF\">%s:/fields/%s</DataItem>\n   </Attribute>\n", name, (int)nv, h5name, name);
      }
      if (fld) {
        const int dim = (int)ness->dim;
        for (PetscInt i = -2; i < ness->ns; i++) {
          char name[NESS_NAME_LEN + 8];
          if (i == -2 && !fld->pH) continue;
          if (i == -2) snprintf(name, sizeof(name), "pH");
          else if (i == -1) snprintf(name, sizeof(name), "entropy_production");
          else snprintf(name, sizeof(name), "mu_%s", ness->sp[i].name);
          fprintf(fp, "   <Attribute Name=\"%s\" AttributeType=\"Scalar\" Center=\"Node\">\n    <DataItem Dimensions=\"%d\" NumberType=\"Float\" Precision=\"8\" Format=\"HDF\">%s:/fields/%s</DataItem>\n   </Attribute>\n", name, (int)nv, h5name, name);
        }
        for (PetscInt i = -1; i < ness->ns; i++) {
          char name[NESS_NAME_LEN + 32];
          if (i < 0) snprintf(name, sizeof(name), "current_density");
          else snprintf(name, sizeof(name), "grad_mu_%s", ness->sp[i].name);
          if (dim > 1)
            fprintf(fp, "   <Attribute Name=\"%s\" AttributeType=\"Vector\" Center=\"Cell\">\n    <DataItem Dimensions=\"%d %d\" NumberType=\"Float\" Precision=\"8\" Format=\"HDF\">%s:/cell_fields/%s</DataItem>\n   </Attribute>\n", name, (int)nc, dim, h5name, name);
          else
            fprintf(fp, "   <Attribute Name=\"%s\" AttributeType=\"Scalar\" Center=\"Cell\">\n    <DataItem Dimensions=\"%d\" NumberType=\"Float\" Precision=\"8\" Format=\"HDF\">%s:/cell_fields/%s</DataItem>\n   </Attribute>\n", name, (int)nc, h5name, name);
          fprintf(fp, "   <Attribute Name=\"%s_magnitude\" AttributeType=\"Scalar\" Center=\"Cell\">\n    <DataItem Dimensions=\"%d\" NumberType=\"Float\" Precision=\"8\" Format=\"HDF\">%s:/cell_fields/%s_magnitude</DataItem>\n   </Attribute>\n", name, (int)nc, h5name, name);
        }
      }
      fprintf(fp, "  </Grid>\n </Domain>\n</Xdmf>\n");
      if (fclose(fp)) err = errno;
    }
  }
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, PetscObjectComm((PetscObject)ness)));
  PetscCheck(!err, PetscObjectComm((PetscObject)ness), PETSC_ERR_FILE_WRITE, "Cannot write %s: %s", path, strerror(err));
  PetscFunctionReturn(0);
}

static void JsonReal(FILE *fp, PetscReal x)
{
  if (PetscIsInfOrNanReal(x)) fprintf(fp, "null");
  else fprintf(fp, "%.17g", (double)x);
}

PetscErrorCode NessWriteSummary(Ness ness, const char path[])
{
  MPI_Comm    comm = PetscObjectComm((PetscObject)ness);
  PetscMPIInt rank, size;
  int         err = 0;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  if (rank == 0) {
    FILE *fp = fopen(path, "w");
    if (!fp) err = errno;
    else {
      fprintf(fp, "{\n  \"ness_version\": \"%s\",\n  \"scenario\": \"%s\",\n  \"model\": \"%s\",\n", NESS_VERSION_STRING, ness->scenario, NessModels[ness->model]);
      if (ness->model == NESS_MODEL_SECONDARY) {
        fprintf(fp, "  \"conductivity_S_per_m\": ");
        JsonReal(fp, ness->kappa);
        fprintf(fp, ",\n");
      }
      fprintf(fp, "  \"dimension\": %d,\n  \"coordinates\": \"%s\",\n", (int)ness->dim, ness->axisym ? "axisymmetric" : "cartesian");
      fprintf(fp, "  \"extensive_quantities\": \"%s\",\n", ness->axisym ? "total (full revolution)" : (ness->dim == 3 ? "total" : (ness->dim == 2 ? "per metre of depth" : "per square metre of cross-section")));
      fprintf(fp, "  \"ranks\": %d,\n  \"vertices\": %d,\n  \"cells\": %d,\n  \"unknowns\": %d,\n", (int)size, (int)ness->g.nvglobal, (int)ness->g.ncglobal, (int)(ness->g.nvglobal * ness->nf));
      fprintf(fp, "  \"non_delaunay_edges\": %d,\n", (int)ness->g.nneg);
      fprintf(fp, "  \"temperature_K\": ");
      JsonReal(fp, ness->T);
      fprintf(fp, ",\n  \"converged\": %s,\n  \"converged_reason\": \"%s\",\n  \"interrupted\": %s,\n", ness->converged ? "true" : "false", SNESConvergedReasons[ness->reason], ness->interrupted ? "true" : "false");
      fprintf(fp, "  \"iterations\": {\"pseudo_steps\": %d, \"newton\": %d, \"linear\": %d},\n", (int)ness->it_pseudo, (int)ness->it_newton, (int)ness->it_linear);
      fprintf(fp, "  \"continuation\": {\"used\": %s, \"stages\": %d, \"reached\": ", ness->cont_stages ? "true" : "false", (int)ness->cont_stages);
      JsonReal(fp, ness->cont_stages ? ness->cont_reached : 1.0);
      fprintf(fp, ", \"parameter\": \"%s\", \"path\": \"%s\"},\n", ness->cont_kind, ness->cont_path);
      fprintf(fp, "  \"residual_norm\": ");
      JsonReal(fp, ness->fnorm);
      fprintf(fp, ",\n  \"residual_norms_by_field\": {");
      for (PetscInt j = 0; j < ness->nf; j++) {
        fprintf(fp, "%s\"%s\": ", j ? ", " : "", j < ness->nu ? ness->sp[ness->kept[j]].name : "psi");
        JsonReal(fp, ness->fieldnorm[j]);
      }
      fprintf(fp, "}");
      fprintf(fp, ",\n  \"species\": [");
      for (PetscInt i = 0; i < ness->ns; i++) {
        fprintf(fp, "%s\n    {\"name\": \"%s\", \"charge\": ", i ? "," : "", ness->sp[i].name);
        JsonReal(fp, ness->sp[i].z);
        fprintf(fp, ", \"diffusivity_m2_per_s\": ");
        JsonReal(fp, ness->sp[i].D);
        fprintf(fp, ", \"bulk_mol_per_m3\": ");
        JsonReal(fp, ness->sp[i].cbulk);
        fprintf(fp, "}");
      }
      fprintf(fp, "\n  ],\n  \"electrodes\": [");
      for (PetscInt e = 0; e < ness->ne; e++) {
        NessElectrode *el = &ness->el[e];
        fprintf(fp, "%s\n    {\"name\": \"%s\", \"label\": \"%s\", \"control\": \"%s\", ", e ? "," : "", el->name, el->label, NessControls[el->control]);
        if (el->couple >= 0) fprintf(fp, "\"couple\": \"%s\", ", ness->couple[el->couple].name);
        fprintf(fp, "\"potential_V\": ");
        JsonReal(fp, el->Es);
        if (el->dissolution >= 0 && el->molar_mass > 0 && el->density > 0 && el->area > 0) {
          const PetscReal icorr = PetscMax(el->rcurrent[el->dissolution], 0.0) / el->area;
          const PetscReal z     = el->valence > 0 ? el->valence : ness->rx[el->react[el->dissolution]].n;
          fprintf(fp, ",\n     \"corrosion\": {\"reaction\": \"%s\", \"current_density_A_per_m2\": ", ness->rx[el->react[el->dissolution]].name);
          JsonReal(fp, icorr);
          fprintf(fp, ", \"rate_mm_per_year\": ");
          JsonReal(fp, icorr * el->molar_mass / (z * NESS_FARADAY * el->density) * 1000.0 * 365.25 * 86400.0);
          fprintf(fp, "}");
        }
        fprintf(fp, ", \"current_A\": ");
        JsonReal(fp, el->current);
        fprintf(fp, ", \"area_m2\": ");
        JsonReal(fp, el->area);
        fprintf(fp, ",\n     \"reactions\": [");
        for (PetscInt r = 0; r < el->nreact; r++) {
          fprintf(fp, "%s{\"name\": \"%s\", \"current_A\": ", r ? ", " : "", ness->rx[el->react[r]].name);
          JsonReal(fp, el->rcurrent[r]);
          fprintf(fp, ", \"mean_overpotential_V\": ");
          JsonReal(fp, el->reta[r]);
          if (ness->thermo.computed) {
            fprintf(fp, ",\n       \"polarization_V\": {\"total\": ");
            JsonReal(fp, el->Es - ness->rx[el->react[r]].Eeq);
            fprintf(fp, ", \"activation\": ");
            JsonReal(fp, el->ract[r]);
            fprintf(fp, ", \"concentration\": ");
            JsonReal(fp, el->rconc[r]);
            fprintf(fp, ", \"ohmic\": ");
            JsonReal(fp, el->ohmic);
            fprintf(fp, "}");
          }
          fprintf(fp, "}");
        }
        fprintf(fp, "]");
        if (ness->thermo.computed) {
          fprintf(fp, ",\n     \"surface_entropy_production_W_per_K\": ");
          JsonReal(fp, el->tsigma / ness->T);
        }
        fprintf(fp, "}");
      }
      fprintf(fp, "\n  ],\n");
      if (ness->ncouple) {
        fprintf(fp, "  \"metal_potential_unknowns\": [");
        for (PetscInt c = 0; c < ness->ncouple; c++) {
          const NessCouple *cp  = &ness->couple[c];
          PetscReal         net = 0.0;
          for (PetscInt j = 0; j < cp->ne; j++) net += ness->el[cp->el[j]].current;
          fprintf(fp, "%s\n    {\"name\": \"%s\", \"kind\": \"%s\", \"electrodes\": [", c ? "," : "", cp->name, ness->el[cp->el[0]].control == NESS_CONTROL_FLOATING ? (cp->ne > 1 ? "galvanic couple" : "free corrosion") : "galvanostatic");
          for (PetscInt j = 0; j < cp->ne; j++) fprintf(fp, "%s\"%s\"", j ? ", " : "", ness->el[cp->el[j]].name);
          fprintf(fp, "], \"potential_V\": ");
          JsonReal(fp, cp->E);
          fprintf(fp, ", \"target_current_A\": ");
          JsonReal(fp, cp->target);
          fprintf(fp, ", \"net_current_A\": ");
          JsonReal(fp, net);
          fprintf(fp, "}");
        }
        fprintf(fp, "\n  ],\n");
      }
      if (ness->thermo.computed) {
        const NessThermo *th = &ness->thermo;
        fprintf(fp, "  \"entropy_production_W_per_K\": {\"bulk_transport\": ");
        JsonReal(fp, th->S_transport);
        fprintf(fp, ", \"bulk_reactions\": ");
        JsonReal(fp, th->S_reactions);
        fprintf(fp, ", \"surface\": ");
        JsonReal(fp, th->S_surface);
        fprintf(fp, ", \"total\": ");
        JsonReal(fp, th->S_total);
        fprintf(fp, "},\n  \"power_balance_W\": {\"dissipation\": ");
        JsonReal(fp, ness->T * th->S_total);
        fprintf(fp, ", \"external\": ");
        JsonReal(fp, th->P_ext);
        fprintf(fp, ", \"open_boundaries\": ");
        JsonReal(fp, th->P_open);
        fprintf(fp, ", \"chemical\": ");
        JsonReal(fp, th->P_chem);
        if (ness->srcv) {
          fprintf(fp, ", \"volume_sources\": ");
          JsonReal(fp, th->P_src);
        }
        fprintf(fp, ", \"absolute_error\": ");
        JsonReal(fp, th->abs_error);
        fprintf(fp, ", \"relative_error\": ");
        JsonReal(fp, th->rel_error);
        fprintf(fp, "},\n  \"min_edge_dissipation\": ");
        JsonReal(fp, th->min_edge);
        fprintf(fp, ",\n  \"max_edge_dissipation\": ");
        JsonReal(fp, th->max_edge);
        fprintf(fp, ",\n  \"negative_edge_dissipations\": %d,\n", (int)th->nedge_negative);
        if (th->pH_min < PETSC_MAX_REAL) {
          fprintf(fp, "  \"pH\": {\"min\": ");
          JsonReal(fp, th->pH_min);
          fprintf(fp, ", \"max\": ");
          JsonReal(fp, th->pH_max);
          fprintf(fp, "},\n");
        }
      }
      if (ness->nbr) PetscCall(NessBulkNetworkWriteJSON(ness, fp));
      if (ness->ns && ness->model != NESS_MODEL_SECONDARY) {
        PetscInt nw = 0;
        fprintf(fp, "  \"concentration_range_mol_per_m3\": {");
        for (PetscInt i = 0; i < ness->ns; i++) {
          fprintf(fp, "%s\"%s\": [", i ? ", " : "", ness->sp[i].name);
          JsonReal(fp, ness->crange[i][0]);
          fprintf(fp, ", ");
          JsonReal(fp, ness->crange[i][1]);
          fprintf(fp, "]");
        }
        fprintf(fp, "},\n  \"warnings\": [");
        for (PetscInt i = 0; i < ness->ns; i++)
          if (ness->cmax_valid > 0 && ness->crange[i][1] > ness->cmax_valid)
            fprintf(fp, "%s\"the concentration of %s reaches %.3g mol/m^3, above -ness_max_concentration %g: dilute-solution theory does not hold there\"", nw++ ? ", " : "", ness->sp[i].name, (double)ness->crange[i][1], (double)ness->cmax_valid);
        fprintf(fp, "],\n");
      }
      fprintf(fp, "  \"timing_s\": {\"setup\": %.6g, \"solve\": %.6g, \"output\": %.6g}\n}\n", ness->t_setup, ness->t_solve, ness->t_output);
      if (fclose(fp)) err = errno;
    }
  }
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, comm));
  PetscCheck(!err, comm, PETSC_ERR_FILE_WRITE, "Cannot write %s: %s", path, strerror(err));
  PetscFunctionReturn(0);
}

/*@
  NessWriteOutput - writes solution.h5, solution.xmf and summary.json into the output directory (collective)
@*/
PetscErrorCode NessWriteOutput(Ness ness)
{
  MPI_Comm       comm = PetscObjectComm((PetscObject)ness);
  char           tmp[PETSC_MAX_PATH_LEN + 64], fin[PETSC_MAX_PATH_LEN + 64];
  PetscLogDouble t0, t1;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(ness, NESS_CLASSID, 1);
  PetscCheck(ness->setupcalled, comm, PETSC_ERR_ORDER, "Call NessSolve() before NessWriteOutput()");
  if (!ness->write_output) PetscFunctionReturn(0);
  PetscCall(PetscTime(&t0));
  PetscCall(PetscLogEventBegin(NESS_Output, ness, 0, 0, 0));
  PetscCall(NessMakeOutputDir(comm, ness->outdir));
  {
    /* vertex fields (coordinates, phi, c, mu, sigma, pH), cell fields (connectivity, gradients, current density),
       HDF5 metadata (8 kB per dataset is generous), XDMF and summary */
    const NessGeom *g  = &ness->g;
    const double    nv = (double)g->nvglobal, nc = (double)g->ncglobal, ns = (double)ness->ns, d = (double)ness->dim;
    const double    ndata = 2 * ns + 8 + ns * 2 + 4 + 8 * ness->ne;
    const double    need  = ness->converged ? 1.2 * (8.0 * (nv * (d + 2 * ns + 4) + nc * (g->nvpc + ns * (d + 1) + d + 1)) + 8192.0 * ndata) + 65536.0 : 65536.0;
    PetscCall(CheckFreeSpace(ness, need));
  }
  /* a solution that did not converge is not written where a solution is expected */
  if (ness->converged) {
    PetscCall(PetscSNPrintf(tmp, sizeof(tmp), "%s/solution.h5.tmp", ness->outdir));
    PetscCall(PetscSNPrintf(fin, sizeof(fin), "%s/solution.h5", ness->outdir));
    NessThermoFields fld;
    PetscCall(PetscMemzero(&fld, sizeof(fld)));
    PetscCall(PetscLogEventBegin(NESS_Post, ness, 0, 0, 0));
    PetscCall(NessComputeThermodynamics(ness, ness->U, &fld));
    if (ness->nbr) PetscCall(NessBulkNetworkComputeResults(ness, ness->U));
    PetscCall(PetscLogEventEnd(NESS_Post, ness, 0, 0, 0));
    {
      PetscErrorCode ierr;
      PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
      ierr = NessWriteSolutionHDF5(ness, tmp, &fld);
      PetscCall(PetscPopErrorHandler());
      if (ierr) {
        PetscMPIInt rank;
        PetscCallMPI(MPI_Comm_rank(comm, &rank));
        if (rank == 0) (void)remove(tmp); /* nothing half-written is left */
        PetscCall(NessThermoFieldsDestroy(&fld));
        SETERRQ(comm, PETSC_ERR_FILE_WRITE, "Cannot write %s/solution.h5 (disk full or I/O error); the solution file of an earlier run, if any, is unchanged", ness->outdir);
      }
    }
    PetscCall(NessFileCommit(comm, tmp, fin));
    PetscCall(PetscSNPrintf(tmp, sizeof(tmp), "%s/solution.xmf.tmp", ness->outdir));
    PetscCall(PetscSNPrintf(fin, sizeof(fin), "%s/solution.xmf", ness->outdir));
    PetscCall(WriteXDMF(ness, tmp, "solution.h5", &fld));
    PetscCall(NessFileCommit(comm, tmp, fin));
    PetscCall(NessThermoFieldsDestroy(&fld));
  }
  if (!ness->transient) {
    /* a relaxation series from an earlier run would be read as this run's */
    PetscMPIInt rank;
    PetscCallMPI(MPI_Comm_rank(comm, &rank));
    PetscCall(PetscSNPrintf(fin, sizeof(fin), "%s/relaxation.csv", ness->outdir));
    if (rank == 0) (void)remove(fin);
  }
  if (!ness->converged) {
    /* a solution file of an earlier run would be read as this run's: move it aside (nothing is deleted) */
    PetscMPIInt rank;
    PetscCallMPI(MPI_Comm_rank(comm, &rank));
    if (rank == 0)
      for (PetscInt k = 0; k < 2; k++) {
        char old[PETSC_MAX_PATH_LEN + 64], prev[PETSC_MAX_PATH_LEN + 80];
        PetscCall(PetscSNPrintf(old, sizeof(old), "%s/solution.%s", ness->outdir, k ? "xmf" : "h5"));
        PetscCall(PetscSNPrintf(prev, sizeof(prev), "%s.previous", old));
        if (!access(old, F_OK) && !rename(old, prev)) PetscCall(PetscInfo(ness, "Moved %s of an earlier run to %s\n", old, prev));
      }
  }
  PetscCall(PetscTime(&t1));
  ness->t_output = t1 - t0;
  PetscCall(PetscSNPrintf(tmp, sizeof(tmp), "%s/summary.json.tmp", ness->outdir));
  PetscCall(PetscSNPrintf(fin, sizeof(fin), "%s/summary.json", ness->outdir));
  PetscCall(NessWriteSummary(ness, tmp));
  PetscCall(NessFileCommit(comm, tmp, fin));
  PetscCall(PetscLogEventEnd(NESS_Output, ness, 0, 0, 0));
  PetscFunctionReturn(0);
}

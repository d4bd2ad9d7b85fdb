/* Output: solution.h5 (+ XDMF sidecar) in natural (mesh-file) order, so files do not depend on the number of
   ranks, and summary.json. Every file is written under a temporary name and renamed when complete. */
#include <ness/private/nessimpl.h>
#include <petscviewerhdf5.h>
#include <sys/stat.h>
#include <errno.h>

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

static PetscErrorCode MakeOutputDir(MPI_Comm comm, const char dir[])
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

static const char *CellTypeName(PetscInt dim, PetscInt nvpc)
{
  if (dim == 1) return "Polyline";
  if (dim == 2) return nvpc == 3 ? "Triangle" : "Quadrilateral";
  return nvpc == 4 ? "Tetrahedron" : "Hexahedron";
}

PetscErrorCode NessWriteSolutionHDF5(Ness ness, const char path[])
{
  MPI_Comm           comm = PetscObjectComm((PetscObject)ness);
  const NessGeom    *g    = &ness->g;
  PetscViewer        viewer;
  PetscInt           dim = ness->dim, nf = ness->nf, *natown;
  PetscReal         *buf;
  Vec                coords;
  const PetscScalar *ca, *u;
  PetscSection       cs;

  PetscFunctionBegin;
  PetscCall(PetscMalloc2(g->nvown, &natown, PetscMax(g->nvown * 3, g->ncown * g->nvpc) + 1, &buf));
  for (PetscInt i = 0; i < g->nvown; i++) natown[i] = g->natv[g->vown[i]];
  PetscCall(PetscViewerHDF5Open(comm, path, FILE_MODE_WRITE, &viewer));
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
    PetscCall(VecGetArrayRead(Ul, &u));
    PetscCall(PetscViewerHDF5PushGroup(viewer, "/fields"));
    for (PetscInt i = -1; i < ness->ns; i++) {
      char name[NESS_NAME_LEN + 8];
      for (PetscInt k = 0; k < g->nvown; k++) {
        PetscInt v = g->vown[k];
        buf[k]     = i < 0 ? PetscRealPart(u[v * nf + ness->ns]) / ness->f : PetscRealPart(u[v * nf + i]) * ness->c0;
      }
      if (i < 0) PetscCall(PetscStrncpy(name, "phi", sizeof(name)));
      else PetscCall(PetscSNPrintf(name, sizeof(name), "c_%s", ness->sp[i].name));
      PetscCall(ViewNatural(ness, viewer, name, g->nvown, natown, 1, g->nvglobal, buf));
    }
    PetscCall(PetscViewerHDF5PopGroup(viewer));
    PetscCall(VecRestoreArrayRead(Ul, &u));
    PetscCall(DMRestoreLocalVector(ness->dm, &Ul));
  }
  PetscCall(PetscViewerDestroy(&viewer));
  PetscCall(PetscFree2(natown, buf));
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteXDMF(Ness ness, const char path[], const char h5name[])
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
      fprintf(fp, "{\n  \"ness_version\": \"%s\",\n  \"scenario\": \"%s\",\n  \"model\": \"pnp\",\n", NESS_VERSION_STRING, ness->scenario);
      fprintf(fp, "  \"dimension\": %d,\n  \"coordinates\": \"cartesian\",\n", (int)ness->dim);
      fprintf(fp, "  \"extensive_quantities\": \"%s\",\n", ness->dim == 3 ? "total" : (ness->dim == 2 ? "per metre of depth" : "per square metre of cross-section"));
      fprintf(fp, "  \"ranks\": %d,\n  \"vertices\": %d,\n  \"cells\": %d,\n  \"unknowns\": %d,\n", (int)size, (int)ness->g.nvglobal, (int)ness->g.ncglobal, (int)(ness->g.nvglobal * ness->nf));
      fprintf(fp, "  \"non_delaunay_edges\": %d,\n", (int)ness->g.nneg);
      fprintf(fp, "  \"temperature_K\": ");
      JsonReal(fp, ness->T);
      fprintf(fp, ",\n  \"converged\": %s,\n  \"converged_reason\": \"%s\",\n", ness->converged ? "true" : "false", SNESConvergedReasons[ness->reason]);
      fprintf(fp, "  \"iterations\": {\"pseudo_steps\": %d, \"newton\": %d, \"linear\": %d},\n", (int)ness->it_pseudo, (int)ness->it_newton, (int)ness->it_linear);
      fprintf(fp, "  \"residual_norm\": ");
      JsonReal(fp, ness->fnorm);
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
        fprintf(fp, "%s\n    {\"name\": \"%s\", \"label\": \"%s\", \"potential_V\": ", e ? "," : "", el->name, el->label);
        JsonReal(fp, el->Es);
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
          fprintf(fp, "}");
        }
        fprintf(fp, "]}");
      }
      fprintf(fp, "\n  ],\n  \"timing_s\": {\"setup\": %.6g, \"solve\": %.6g, \"output\": %.6g}\n}\n", ness->t_setup, ness->t_solve, ness->t_output);
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
  PetscCall(MakeOutputDir(comm, ness->outdir));
  /* a solution that did not converge is not written where a solution is expected */
  if (ness->converged) {
    PetscCall(PetscSNPrintf(tmp, sizeof(tmp), "%s/solution.h5.tmp", ness->outdir));
    PetscCall(PetscSNPrintf(fin, sizeof(fin), "%s/solution.h5", ness->outdir));
    PetscCall(NessWriteSolutionHDF5(ness, tmp));
    PetscCall(NessFileCommit(comm, tmp, fin));
    PetscCall(PetscSNPrintf(tmp, sizeof(tmp), "%s/solution.xmf.tmp", ness->outdir));
    PetscCall(PetscSNPrintf(fin, sizeof(fin), "%s/solution.xmf", ness->outdir));
    PetscCall(WriteXDMF(ness, tmp, "solution.h5"));
    PetscCall(NessFileCommit(comm, tmp, fin));
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

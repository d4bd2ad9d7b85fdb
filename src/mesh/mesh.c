/* Mesh creation: box meshes (with geometric grading) and Gmsh files, boundary labels, distribution. */
#include <ness/private/nessimpl.h>
#include <math.h>

const char *const NessBoxSideNames[] = {"left", "right", "bottom", "top", "front", "back"};

/* Label the facets of a serial box mesh by the side they lie on: left/right (x), bottom/top (y), front/back (z) */
static PetscErrorCode NessMeshLabelBoxSides(Ness ness, DM dm)
{
  PetscInt           dim = ness->dim, fStart, fEnd;
  Vec                coords;
  PetscSection       cs;
  const PetscScalar *ca;

  PetscFunctionBegin;
  for (PetscInt s = 0; s < 2 * dim; s++) PetscCall(DMCreateLabel(dm, NessBoxSideNames[s]));
  for (PetscInt p = 0; p < ness->npatch; p++) PetscCall(DMCreateLabel(dm, ness->patch[p]));
  PetscCall(DMPlexGetHeightStratum(dm, 1, &fStart, &fEnd));
  PetscCall(DMGetCoordinatesLocal(dm, &coords));
  PetscCall(DMGetCoordinateSection(dm, &cs));
  PetscCall(VecGetArrayRead(coords, &ca));
  for (PetscInt f = fStart; f < fEnd; f++) {
    PetscInt *cl = NULL, ncl, nv = 0;
    PetscReal xmin[3] = {PETSC_MAX_REAL, PETSC_MAX_REAL, PETSC_MAX_REAL}, xmax[3] = {PETSC_MIN_REAL, PETSC_MIN_REAL, PETSC_MIN_REAL};
    PetscInt  vStart, vEnd;
    PetscCall(DMPlexGetDepthStratum(dm, 0, &vStart, &vEnd));
    PetscCall(DMPlexGetTransitiveClosure(dm, f, PETSC_TRUE, &ncl, &cl));
    for (PetscInt i = 0; i < ncl; i++) {
      PetscInt p = cl[2 * i], off;
      if (p < vStart || p >= vEnd) continue;
      PetscCall(PetscSectionGetOffset(cs, p, &off));
      for (PetscInt d = 0; d < dim; d++) {
        xmin[d] = PetscMin(xmin[d], PetscRealPart(ca[off + d]));
        xmax[d] = PetscMax(xmax[d], PetscRealPart(ca[off + d]));
      }
      nv++;
    }
    PetscCall(DMPlexRestoreTransitiveClosure(dm, f, PETSC_TRUE, &ncl, &cl));
    for (PetscInt d = 0; d < dim; d++) {
      PetscReal tol = 1e-10 * (ness->upper[d] - ness->lower[d]);
      if (xmax[d] - xmin[d] > tol) continue;
      for (PetscInt side = 2 * d; side < 2 * d + 2; side++) {
        PetscReal xs = side % 2 ? ness->upper[d] : ness->lower[d];
        if (PetscAbsReal(xmin[d] - xs) >= tol) continue;
        PetscCall(DMSetLabelValue(dm, NessBoxSideNames[side], f, 1));
        for (PetscInt p = 0; p < ness->npatch; p++) {
          PetscBool in = PETSC_TRUE;
          PetscInt  t  = 0;
          if (ness->patchside[p] != side) continue;
          for (PetscInt dd = 0; dd < dim; dd++) {
            PetscReal xc = 0.5 * (xmin[dd] + xmax[dd]);
            if (dd == d) continue;
            if (xc < ness->patchrange[p][2 * t] || xc > ness->patchrange[p][2 * t + 1]) in = PETSC_FALSE;
            t++;
          }
          if (in) PetscCall(DMSetLabelValue(dm, ness->patch[p], f, 1));
        }
      }
    }
  }
  PetscCall(VecRestoreArrayRead(coords, &ca));
  PetscFunctionReturn(0);
}

/* Geometric grading: x = a + (b-a) (exp(beta xi) - 1)/(exp(beta) - 1); beta > 0 refines toward the lower side,
   beta < 0 toward the upper side. Applied before distribution, so every rank sees the same mesh. */
static PetscErrorCode NessMeshGrade(Ness ness, DM dm)
{
  Vec          coords;
  PetscScalar *ca;
  PetscInt     n, dim;

  PetscFunctionBegin;
  PetscCall(DMGetCoordinateDim(dm, &dim));
  PetscCall(DMGetCoordinatesLocal(dm, &coords));
  PetscCall(VecGetLocalSize(coords, &n));
  PetscCall(VecGetArray(coords, &ca));
  for (PetscInt d = 0; d < dim; d++) {
    PetscReal beta = ness->grade[d], a = ness->lower[d], b = ness->upper[d];
    if (beta == 0.0) continue;
    for (PetscInt i = d; i < n; i += dim) {
      PetscReal xi = (PetscRealPart(ca[i]) - a) / (b - a);
      ca[i]        = a + (b - a) * expm1(beta * xi) / expm1(beta);
    }
  }
  PetscCall(VecRestoreArray(coords, &ca));
  PetscCall(DMSetCoordinatesLocal(dm, coords));
  PetscFunctionReturn(0);
}

static PetscErrorCode NessMeshCheckLabel(Ness ness, DM dm, const char label[], const char who[])
{
  PetscBool has;

  PetscFunctionBegin;
  /* the serial mesh lives on rank 0 (file readers create labels there only): decide there, create everywhere */
  PetscCall(DMHasLabel(dm, label, &has));
  PetscCallMPI(MPI_Bcast(&has, 1, MPIU_BOOL, 0, PetscObjectComm((PetscObject)ness)));
  if (has) PetscCall(DMCreateLabel(dm, label));
  if (!has) {
    PetscInt n;
    char     names[1024] = "";
    PetscCall(DMGetNumLabels(dm, &n));
    for (PetscInt i = 0; i < n; i++) {
      const char *ln;
      PetscCall(DMGetLabelName(dm, i, &ln));
      if (!strcmp(ln, "depth") || !strcmp(ln, "celltype") || !strcmp(ln, "ness_boundary")) continue;
      PetscCall(PetscStrlcat(names, " ", sizeof(names)));
      PetscCall(PetscStrlcat(names, ln, sizeof(names)));
    }
    SETERRQ(PetscObjectComm((PetscObject)ness), PETSC_ERR_USER_INPUT, "Boundary label '%s' (%s) does not exist in the mesh; labels present:%s", label, who, names);
  }
  PetscFunctionReturn(0);
}

/* Checks a Gmsh file on rank 0 before PETSc reads it: PETSc 3.18's reader stops with an error on rank 0 alone
   when the file is truncated or of another version, while the other ranks wait in a broadcast. Returns a message
   (empty when the file looks complete): format 2.2 (ASCII or binary) or 4.1, and every section it opens is closed;
   for ASCII 2.2 the node and element counts are checked too. */
static void CheckGmshFile(const char path[], char msg[], size_t len)
{
  FILE  *fp = fopen(path, "rb");
  char   line[512], open[64] = "";
  double version  = 0;
  int    filetype = 0, nsec = 0, counting = 0;
  long   declared = -1, counted = 0;

  msg[0] = 0;
  if (!fp) {
    snprintf(msg, len, "cannot be opened");
    return;
  }
  if (!fgets(line, sizeof(line), fp) || strncmp(line, "$MeshFormat", 11)) {
    snprintf(msg, len, "is not a Gmsh mesh (no $MeshFormat header)");
    fclose(fp);
    return;
  }
  if (!fgets(line, sizeof(line), fp) || sscanf(line, "%lf %d", &version, &filetype) != 2) {
    snprintf(msg, len, "has an unreadable $MeshFormat line");
    fclose(fp);
    return;
  }
  if (!(PetscAbsReal(version - 2.2) < 1e-9 || PetscAbsReal(version - 4.1) < 1e-9)) {
    snprintf(msg, len, "is Gmsh format %g; supported are 2.2 and 4.1 (gmsh -format msh22)", version);
    fclose(fp);
    return;
  }
  /* sections: every $Name must be closed by $EndName before the next one opens */
  strcpy(open, "MeshFormat");
  while (fgets(line, sizeof(line), fp)) {
    if (line[0] == '$') {
      char name[64];
      if (sscanf(line + 1, "%63s", name) != 1) continue;
      if (!strncmp(name, "End", 3)) {
        if (strcmp(name + 3, open)) {
          snprintf(msg, len, "is malformed: $%s closes section $%s", name, open[0] ? open : "(none)");
          break;
        }
        if (counting && declared >= 0 && counted != declared) {
          snprintf(msg, len, "is truncated or malformed: section $%s declares %ld entries but has %ld", open, declared, counted);
          break;
        }
        open[0]  = 0;
        counting = 0;
        nsec++;
      } else {
        if (open[0]) {
          snprintf(msg, len, "is malformed: section $%s is not closed before $%s", open, name);
          break;
        }
        snprintf(open, sizeof(open), "%s", name);
        declared = -1;
        counted  = 0;
        counting = (!filetype && PetscAbsReal(version - 2.2) < 1e-9 && (!strcmp(name, "Nodes") || !strcmp(name, "Elements"))) ? 1 : 0;
      }
    } else if (counting) {
      if (declared < 0) declared = strtol(line, NULL, 10);
      else if (line[0] != '\n' && line[0] != '\r') counted++;
    }
  }
  if (!msg[0] && open[0]) snprintf(msg, len, "is truncated: section $%s is not closed", open);
  if (!msg[0] && nsec < 3) snprintf(msg, len, "is incomplete: no nodes or elements");
  fclose(fp);
}

PetscErrorCode NessMeshCreate(Ness ness)
{
  MPI_Comm    comm = PetscObjectComm((PetscObject)ness);
  DM          dm, dmDist = NULL;
  PetscSF     migSF = NULL;
  PetscMPIInt rank, size;
  PetscInt    starts[2] = {0, 0}, cdim;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  if (ness->meshfile[0]) {
    int ok = 1;
    if (rank == 0) {
      FILE *fp = fopen(ness->meshfile, "r");
      if (!fp) ok = 0;
      else fclose(fp);
    }
    PetscCallMPI(MPI_Bcast(&ok, 1, MPI_INT, 0, comm));
    PetscCheck(ok, comm, PETSC_ERR_FILE_OPEN, "Cannot open mesh file '%s' (-ness_mesh_file): %s", ness->meshfile, "no such file or not readable");
    {
      char msg[256] = "";
      if (rank == 0) {
        const char *ext = strrchr(ness->meshfile, '.');
        if (ext && !strcmp(ext, ".msh")) CheckGmshFile(ness->meshfile, msg, sizeof(msg));
      }
      PetscCallMPI(MPI_Bcast(msg, sizeof(msg), MPI_CHAR, 0, comm));
      PetscCheck(!msg[0], comm, PETSC_ERR_FILE_UNEXPECTED, "Mesh file '%s' (-ness_mesh_file) %s", ness->meshfile, msg);
    }
    {
      PetscBool set;
      PetscCall(PetscOptionsHasName(NULL, NULL, "-dm_plex_gmsh_use_regions", &set));
      if (!set) PetscCall(PetscOptionsSetValue(NULL, "-dm_plex_gmsh_use_regions", "true"));
    }
    PetscCall(DMPlexCreateFromFile(comm, ness->meshfile, "ness_mesh", PETSC_TRUE, &dm));
    if (ness->meshscale != 1.0) {
      Vec coords;
      PetscCall(DMGetCoordinatesLocal(dm, &coords));
      PetscCall(VecScale(coords, ness->meshscale));
      PetscCall(DMSetCoordinatesLocal(dm, coords));
    }
    PetscCall(DMGetDimension(dm, &ness->dim));
    {
      PetscReal lo[3], hi[3];
      PetscCall(DMGetBoundingBox(dm, lo, hi));
      for (PetscInt d = 0; d < ness->dim; d++) {
        ness->lower[d] = lo[d];
        ness->upper[d] = hi[d];
      }
    }
  } else {
    PetscCheck(!ness->simplex, comm, PETSC_ERR_SUP, "Simplex box meshes need a mesh generator that Debian's PETSc lacks: use a Gmsh mesh (-ness_mesh_file) or tensor cells (-ness_mesh_simplex 0)");
    PetscCall(NessPlexCreateBoxMesh(comm, ness->dim, PETSC_FALSE, ness->faces, ness->lower, ness->upper, PETSC_TRUE, &dm));
    PetscCall(NessMeshLabelBoxSides(ness, dm));
  }
  PetscCall(PetscObjectSetName((PetscObject)dm, "ness_mesh"));
  PetscCall(DMGetCoordinateDim(dm, &cdim));
  if (cdim != ness->dim) { /* the DM is still a local here: free it before the (collective) error */
    PetscCall(DMDestroy(&dm));
    SETERRQ(comm, PETSC_ERR_SUP, "Mesh of dimension %" PetscInt_FMT " embedded in %" PetscInt_FMT " coordinates is not supported", ness->dim, cdim);
  }
  if (!ness->meshfile[0]) PetscCall(NessMeshGrade(ness, dm));
  {
    DMLabel bl;
    PetscCall(DMCreateLabel(dm, "ness_boundary"));
    PetscCall(DMGetLabel(dm, "ness_boundary", &bl));
    PetscCall(DMPlexMarkBoundaryFaces(dm, 1, bl));
  }
  /* boundary labels named in the scenario must exist (the DM is handed to the object first, so an error here
     leaves nothing allocated behind: NessDestroy() frees it) */
  ness->dm = dm;
  for (PetscInt e = 0; e < ness->ne; e++) {
    char who[256];
    PetscCall(PetscSNPrintf(who, sizeof(who), "-ness_electrode_%s_label", ness->el[e].name));
    PetscCall(NessMeshCheckLabel(ness, dm, ness->el[e].label, who));
  }
  for (PetscInt b = 0; b < ness->nbulk; b++) PetscCall(NessMeshCheckLabel(ness, dm, ness->bulk[b], "-ness_bulk_boundaries"));
  for (PetscInt b = 0; b < ness->nout; b++) PetscCall(NessMeshCheckLabel(ness, dm, ness->outflow[b], "-ness_outflow_boundaries"));
  ness->dm = NULL;

  /* natural numbering: points of the serial mesh (rank 0) */
  if (rank == 0) {
    PetscInt vEnd, cEnd;
    PetscCall(DMPlexGetDepthStratum(dm, 0, &starts[0], &vEnd));
    PetscCall(DMPlexGetHeightStratum(dm, 0, &starts[1], &cEnd));
  }
  PetscCallMPI(MPI_Bcast(starts, 2, MPIU_INT, 0, comm));
  if (size > 1) {
    PetscPartitioner part;
    PetscCall(DMPlexGetPartitioner(dm, &part));
    PetscCall(PetscPartitionerSetFromOptions(part));
    PetscCall(DMPlexDistribute(dm, 0, &migSF, &dmDist));
  }
  if (dmDist) {
    PetscCall(DMDestroy(&dm));
    dm = dmDist;
  }
  ness->dm = dm;
  {
    PetscInt           vStart, vEnd, cStart, cEnd, pStart, pEnd;
    PetscInt           nleaves;
    const PetscInt    *ilocal;
    const PetscSFNode *iremote;
    PetscInt          *orig;

    PetscCall(DMPlexGetChart(dm, &pStart, &pEnd));
    PetscCall(DMPlexGetDepthStratum(dm, 0, &vStart, &vEnd));
    PetscCall(DMPlexGetHeightStratum(dm, 0, &cStart, &cEnd));
    PetscCall(PetscMalloc1(pEnd - pStart, &orig));
    for (PetscInt p = pStart; p < pEnd; p++) orig[p - pStart] = p;
    if (migSF) {
      PetscCall(PetscSFGetGraph(migSF, NULL, &nleaves, &ilocal, &iremote));
      for (PetscInt i = 0; i < nleaves; i++) {
        PetscInt p       = ilocal ? ilocal[i] : i;
        orig[p - pStart] = iremote[i].index;
      }
    }
    ness->g.vStart = vStart;
    ness->g.nvloc  = vEnd - vStart;
    ness->g.ncown  = cEnd - cStart;
    PetscCall(PetscMalloc1(vEnd - vStart, &ness->g.natv));
    PetscCall(PetscMalloc1(cEnd - cStart, &ness->g.natc));
    for (PetscInt v = vStart; v < vEnd; v++) ness->g.natv[v - vStart] = orig[v - pStart] - starts[0];
    for (PetscInt c = cStart; c < cEnd; c++) ness->g.natc[c - cStart] = orig[c - pStart] - starts[1];
    PetscCall(PetscFree(orig));
  }
  PetscCall(PetscSFDestroy(&migSF));
  PetscCall(DMViewFromOptions(dm, NULL, "-ness_dm_view"));
  PetscFunctionReturn(0);
}

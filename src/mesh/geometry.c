/* Voronoi (box-method) geometry: control volumes, edge coefficients gamma_KL = |dw_K n dw_L|/|x_K - x_L| and
   boundary areas, assembled cell by cell and summed across ranks; hoisted out of the residual loop. In axisymmetric
   coordinates (2D, x = r) every measure is weighted by 2 pi r (NessCellGeometryAxisym). */
#include <ness/private/nessimpl.h>

/* Geometry of one cell (or boundary facet) with nv vertices, coordinates x[nv*cdim].
   Simplex with k = nv-1 (k <= cdim): gamma_ab = -|T| grad(lambda_a).grad(lambda_b) (the P1 stiffness, which is
   the circumcentric-dual coefficient in every dimension). Axis-aligned tensor cell with 2^k vertices: gamma is
   the dual face over the edge length for axis-aligned pairs, 0 for diagonals. In both cases the control-volume
   piece of vertex a is sum_b gamma_ab |x_a - x_b|^2 / (2k), and the pieces sum to the cell measure.
   Outputs: *meas, vpiece[nv], gamma[nv*nv] (symmetric, zero diagonal). */
PetscErrorCode NessCellGeometry(PetscInt cdim, PetscInt nv, PetscBool tensor, const PetscReal x[], PetscReal *meas, PetscReal vpiece[], PetscReal gamma[])
{
  PetscInt k;

  PetscFunctionBegin;
  for (PetscInt i = 0; i < nv * nv; i++) gamma[i] = 0.0;
  if (nv == 1) {
    *meas     = 1.0;
    vpiece[0] = 1.0;
    PetscFunctionReturn(0);
  }
  if (!tensor) {
    PetscReal E[3][3], G[3][3], Gi[3][3], det = 0.0, fact = 1.0;
    k = nv - 1;
    PetscCheck(k <= cdim && k <= 3, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "Simplex with %" PetscInt_FMT " vertices in %" PetscInt_FMT "D", nv, cdim);
    for (PetscInt i = 0; i < k; i++)
      for (PetscInt d = 0; d < cdim; d++) E[i][d] = x[(i + 1) * cdim + d] - x[d];
    for (PetscInt i = 0; i < k; i++)
      for (PetscInt j = 0; j < k; j++) {
        G[i][j] = 0.0;
        for (PetscInt d = 0; d < cdim; d++) G[i][j] += E[i][d] * E[j][d];
      }
    if (k == 1) {
      det      = G[0][0];
      Gi[0][0] = 1.0 / det;
    } else if (k == 2) {
      det      = G[0][0] * G[1][1] - G[0][1] * G[1][0];
      Gi[0][0] = G[1][1] / det;
      Gi[1][1] = G[0][0] / det;
      Gi[0][1] = Gi[1][0] = -G[0][1] / det;
    } else {
      det      = G[0][0] * (G[1][1] * G[2][2] - G[1][2] * G[2][1]) - G[0][1] * (G[1][0] * G[2][2] - G[1][2] * G[2][0]) + G[0][2] * (G[1][0] * G[2][1] - G[1][1] * G[2][0]);
      Gi[0][0] = (G[1][1] * G[2][2] - G[1][2] * G[2][1]) / det;
      Gi[0][1] = (G[0][2] * G[2][1] - G[0][1] * G[2][2]) / det;
      Gi[0][2] = (G[0][1] * G[1][2] - G[0][2] * G[1][1]) / det;
      Gi[1][0] = Gi[0][1];
      Gi[1][1] = (G[0][0] * G[2][2] - G[0][2] * G[2][0]) / det;
      Gi[1][2] = (G[0][2] * G[1][0] - G[0][0] * G[1][2]) / det;
      Gi[2][0] = Gi[0][2];
      Gi[2][1] = Gi[1][2];
      Gi[2][2] = (G[0][0] * G[1][1] - G[0][1] * G[1][0]) / det;
    }
    {
      PetscReal scale = 0.0;
      for (PetscInt i = 0; i < k; i++) scale = PetscMax(scale, G[i][i]);
      PetscCheck(det > PetscPowRealInt(1e-12 * scale, (int)k), PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "Degenerate cell (zero measure)");
    }
    for (PetscInt i = 2; i <= k; i++) fact *= i;
    *meas = PetscSqrtReal(det) / fact;
    /* A_ab = grad(l_a).grad(l_b); a,b = 1..k from Gi, vertex 0 from the partition of unity */
    for (PetscInt a = 0; a < nv; a++)
      for (PetscInt b = a + 1; b < nv; b++) {
        PetscReal A = 0.0;
        if (a == 0) {
          for (PetscInt i = 0; i < k; i++) A -= Gi[i][b - 1];
        } else A = Gi[a - 1][b - 1];
        gamma[a * nv + b] = gamma[b * nv + a] = -(*meas) * A;
      }
  } else {
    PetscReal lo[3], hi[3], h[3];
    PetscInt  axes[3], na = 0;
    for (PetscInt d = 0; d < cdim; d++) {
      lo[d] = hi[d] = x[d];
      for (PetscInt a = 1; a < nv; a++) {
        lo[d] = PetscMin(lo[d], x[a * cdim + d]);
        hi[d] = PetscMax(hi[d], x[a * cdim + d]);
      }
    }
    {
      PetscReal diam = 0.0;
      for (PetscInt d = 0; d < cdim; d++) diam = PetscMax(diam, hi[d] - lo[d]);
      for (PetscInt d = 0; d < cdim; d++) {
        h[d] = hi[d] - lo[d];
        if (h[d] > 1e-10 * diam) axes[na++] = d;
      }
      k = na;
      PetscCheck(nv == (1 << k), PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "Tensor cell with %" PetscInt_FMT " vertices spans %" PetscInt_FMT " axes: degenerate cell", nv, k);
      /* every vertex must sit at a corner of the bounding box */
      for (PetscInt a = 0; a < nv; a++)
        for (PetscInt d = 0; d < cdim; d++) {
          PetscReal xa = x[a * cdim + d];
          PetscCheck(PetscMin(PetscAbsReal(xa - lo[d]), PetscAbsReal(xa - hi[d])) <= 1e-8 * diam, PETSC_COMM_SELF, PETSC_ERR_SUP, "Tensor cell is not axis-aligned: the box method needs axis-aligned quadrilaterals/hexahedra (or simplices)");
        }
    }
    *meas = 1.0;
    for (PetscInt i = 0; i < k; i++) *meas *= h[axes[i]];
    for (PetscInt a = 0; a < nv; a++)
      for (PetscInt b = a + 1; b < nv; b++) {
        PetscInt ndiff = 0, dd = -1;
        for (PetscInt i = 0; i < k; i++) {
          PetscInt d = axes[i];
          if (PetscAbsReal(x[a * cdim + d] - x[b * cdim + d]) > 0.5 * h[d]) {
            ndiff++;
            dd = d;
          }
        }
        if (ndiff == 1) gamma[a * nv + b] = gamma[b * nv + a] = (*meas / h[dd]) / (PetscReal)(1 << (k - 1)) / h[dd];
      }
  }
  for (PetscInt a = 0; a < nv; a++) {
    vpiece[a] = 0.0;
    for (PetscInt b = 0; b < nv; b++) {
      PetscReal r2 = 0.0;
      if (b == a) continue;
      for (PetscInt d = 0; d < cdim; d++) r2 += PetscSqr(x[a * cdim + d] - x[b * cdim + d]);
      vpiece[a] += gamma[a * nv + b] * r2 / (2.0 * k);
    }
  }
  PetscFunctionReturn(0);
}

/* Axisymmetric version of NessCellGeometry: 2D cell (triangle or axis-aligned quadrilateral) or boundary segment in
   the (r, z) half plane, r = x[a*cdim + 0], with every measure weighted by 2 pi r (full revolution).
   The cartesian box-method decomposition is kept: the piece of vertex a in a cell is the sum over its edges ab of
   the signed triangles (x_a, m_ab, c), c the circumcentre (for a rectangle its centre), of cartesian area
   gamma_ab |e_ab|^2/4; the dual face between a and b runs from the edge midpoint m_ab to c, with signed length
   gamma_ab |e_ab|. A linear weight is integrated exactly by its value at the centroid, so
     vpiece[a] = sum_b gamma_ab |e_ab|^2/4 * 2 pi (r_a + r(m_ab) + r(c))/3,
     gamma_ab  = gamma_ab^cart * 2 pi (r(m_ab) + r(c))/2,
     meas      = |T| * 2 pi r(centroid).
   The signed triangles tile the cell, so the pieces sum to meas (also for obtuse triangles, whose circumcentre lies
   outside). Segment [a,b] (boundary facet): vpiece[a] = 2 pi |ab| (3 r_a + r_b)/8, gamma_ab = 2 pi r(m_ab)/|ab|. */
PetscErrorCode NessCellGeometryAxisym(PetscInt cdim, PetscInt nv, PetscBool tensor, const PetscReal x[], PetscReal *meas, PetscReal vpiece[], PetscReal gamma[])
{
  const PetscReal twopi = 2.0 * PETSC_PI;
  PetscReal       mc, vpc[8], rbar = 0.0, rc;

  PetscFunctionBegin;
  PetscCheck(cdim == 2 && ((nv == 2) || (nv == 3 && !tensor) || (nv == 4 && tensor)), PETSC_COMM_SELF, PETSC_ERR_SUP, "Axisymmetric geometry needs 2D triangles, axis-aligned quadrilaterals or segments, got %" PetscInt_FMT " vertices in %" PetscInt_FMT "D", nv, cdim);
  PetscCall(NessCellGeometry(cdim, nv, tensor, x, &mc, vpc, gamma));
  for (PetscInt a = 0; a < nv; a++) rbar += x[a * cdim];
  rbar /= nv;
  *meas = twopi * rbar * mc;
  if (nv == 2) {
    vpiece[0] = twopi * mc * (3.0 * x[0] + x[cdim]) / 8.0;
    vpiece[1] = twopi * mc * (x[0] + 3.0 * x[cdim]) / 8.0;
    gamma[1] = gamma[2] = gamma[1] * twopi * rbar;
    PetscFunctionReturn(0);
  }
  if (tensor) rc = rbar; /* centre of the rectangle */
  else {
    /* circumcentre, relative to vertex 0 */
    const PetscReal e1[2] = {x[cdim] - x[0], x[cdim + 1] - x[1]}, e2[2] = {x[2 * cdim] - x[0], x[2 * cdim + 1] - x[1]};
    const PetscReal det = 2.0 * (e1[0] * e2[1] - e1[1] * e2[0]), n1 = e1[0] * e1[0] + e1[1] * e1[1], n2 = e2[0] * e2[0] + e2[1] * e2[1];
    rc = x[0] + (e2[1] * n1 - e1[1] * n2) / det;
  }
  for (PetscInt a = 0; a < nv; a++) vpiece[a] = 0.0;
  for (PetscInt a = 0; a < nv; a++)
    for (PetscInt b = a + 1; b < nv; b++) {
      const PetscReal g = gamma[a * nv + b], ra = x[a * cdim], rb = x[b * cdim], rm = 0.5 * (ra + rb);
      PetscReal       e2 = 0.0;
      if (g == 0.0) continue;
      for (PetscInt d = 0; d < cdim; d++) e2 += PetscSqr(x[a * cdim + d] - x[b * cdim + d]);
      vpiece[a] += 0.25 * g * e2 * twopi * (ra + rm + rc) / 3.0;
      vpiece[b] += 0.25 * g * e2 * twopi * (rb + rm + rc) / 3.0;
      gamma[a * nv + b] = gamma[b * nv + a] = g * twopi * 0.5 * (rm + rc);
    }
  PetscFunctionReturn(0);
}

/* Vertices of point p (in closure order) and their coordinates */
PetscErrorCode NessGetPointVertices(DM dm, PetscInt p, PetscInt *nv, PetscInt verts[], PetscReal x[])
{
  PetscInt          *cl = NULL, ncl, vStart, vEnd, cdim;
  PetscSection       cs;
  Vec                coords;
  const PetscScalar *ca;

  PetscFunctionBegin;
  PetscCall(DMGetCoordinateDim(dm, &cdim));
  PetscCall(DMPlexGetDepthStratum(dm, 0, &vStart, &vEnd));
  PetscCall(DMGetCoordinateSection(dm, &cs));
  PetscCall(DMGetCoordinatesLocal(dm, &coords));
  PetscCall(VecGetArrayRead(coords, &ca));
  PetscCall(DMPlexGetTransitiveClosure(dm, p, PETSC_TRUE, &ncl, &cl));
  *nv = 0;
  for (PetscInt i = 0; i < ncl; i++) {
    PetscInt q = cl[2 * i], off;
    if (q < vStart || q >= vEnd) continue;
    PetscCheck(*nv < 8, PETSC_COMM_SELF, PETSC_ERR_SUP, "Cells with more than 8 vertices are not supported");
    PetscCall(PetscSectionGetOffset(cs, q, &off));
    verts[*nv] = q;
    for (PetscInt d = 0; d < cdim; d++) x[*nv * cdim + d] = PetscRealPart(ca[off + d]);
    (*nv)++;
  }
  PetscCall(DMPlexRestoreTransitiveClosure(dm, p, PETSC_TRUE, &ncl, &cl));
  PetscCall(VecRestoreArrayRead(coords, &ca));
  PetscFunctionReturn(0);
}

/* DM with k dofs on every point of depth 'depth' */
static PetscErrorCode CreatePointDM(DM dm, PetscInt depth, PetscInt k, DM *newdm)
{
  PetscSection s;
  PetscInt     pStart, pEnd, qStart, qEnd;

  PetscFunctionBegin;
  PetscCall(DMClone(dm, newdm));
  PetscCall(DMPlexGetChart(dm, &pStart, &pEnd));
  PetscCall(DMPlexGetDepthStratum(dm, depth, &qStart, &qEnd));
  PetscCall(PetscSectionCreate(PetscObjectComm((PetscObject)dm), &s));
  PetscCall(PetscSectionSetChart(s, pStart, pEnd));
  for (PetscInt q = qStart; q < qEnd; q++) PetscCall(PetscSectionSetDof(s, q, k));
  PetscCall(PetscSectionSetUp(s));
  PetscCall(DMSetLocalSection(*newdm, s));
  PetscCall(PetscSectionDestroy(&s));
  PetscFunctionReturn(0);
}

/* Sum a local vector across ranks so every rank sees the assembled value at its local (and ghost) points */
PetscErrorCode NessAssembleLocal(DM dm, Vec loc)
{
  Vec glob;

  PetscFunctionBegin;
  PetscCall(DMGetGlobalVector(dm, &glob));
  PetscCall(VecZeroEntries(glob));
  PetscCall(DMLocalToGlobalBegin(dm, loc, ADD_VALUES, glob));
  PetscCall(DMLocalToGlobalEnd(dm, loc, ADD_VALUES, glob));
  PetscCall(DMGlobalToLocalBegin(dm, glob, INSERT_VALUES, loc));
  PetscCall(DMGlobalToLocalEnd(dm, glob, INSERT_VALUES, loc));
  PetscCall(DMRestoreGlobalVector(dm, &glob));
  PetscFunctionReturn(0);
}

/* corner index (bit d set when the vertex is at the upper side in axis d) for tensor-cell output ordering */
static PetscInt CornerIndex(PetscInt cdim, PetscInt nv, const PetscReal x[], PetscInt a)
{
  PetscInt idx = 0;
  for (PetscInt d = 0; d < cdim; d++) {
    PetscReal lo = x[d], hi = x[d];
    for (PetscInt b = 1; b < nv; b++) {
      lo = PetscMin(lo, x[b * cdim + d]);
      hi = PetscMax(hi, x[b * cdim + d]);
    }
    if (hi - lo > 0 && x[a * cdim + d] > 0.5 * (lo + hi)) idx |= (1 << d);
  }
  return idx;
}

/* the work objects of NessGeometrySetUp: freed at its end and before each of its input errors */
static PetscErrorCode DestroyLocals(PetscInt ne, Vec varea[], PetscInt nbulk, Vec vdir[], Vec *vvol, Vec *vgam, DM *dme, PetscBool **owned)
{
  PetscFunctionBegin;
  for (PetscInt e = 0; e < ne; e++) PetscCall(VecDestroy(&varea[e]));
  for (PetscInt b = 0; b < nbulk; b++) PetscCall(VecDestroy(&vdir[b]));
  PetscCall(VecDestroy(vvol));
  PetscCall(VecDestroy(vgam));
  PetscCall(DMDestroy(dme));
  PetscCall(PetscFree(*owned));
  PetscFunctionReturn(0);
}

PetscErrorCode NessGeometrySetUp(Ness ness)
{
  DM              dm = ness->dm, dme;
  PetscSection    gsec;
  MPI_Comm        comm = PetscObjectComm((PetscObject)ness);
  PetscInt        dim  = ness->dim, vStart, vEnd, cStart, cEnd, eStart, eEnd, pStart, pEnd, nleaves;
  const PetscInt *leaves;
  PetscBool      *owned;
  PetscSF         sf;
  Vec             vvol, vgam, vdir[NESS_MAX_BOUNDARIES], varea[NESS_MAX_ELECTRODES];
  PetscInt        nbad        = 0;
  PetscReal       firstbad[3] = {0, 0, 0};
  PetscScalar    *avol, *agam;
  PetscBool       tensor = PETSC_FALSE;
  PetscReal       L      = ness->L;
  NessGeom       *g      = &ness->g;

  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(NESS_Geometry, ness, 0, 0, 0));
  if (ness->axisym) {
    /* (r, z) half plane: 2D, r = x >= 0 (to rounding); name the vertex with the smallest x otherwise */
    Vec                coords;
    const PetscScalar *ca;
    PetscInt           n, cdim;
    PetscReal          xmin = PETSC_MAX_REAL, gmin, bad[2] = {0.0, 0.0};
    PetscMPIInt        rank, size, who, gwho;
    PetscCheck(dim == 2, comm, PETSC_ERR_USER_INPUT, "-ness_coordinates axisymmetric needs a 2D mesh, got %" PetscInt_FMT "D", dim);
    PetscCallMPI(MPI_Comm_rank(comm, &rank));
    PetscCallMPI(MPI_Comm_size(comm, &size));
    PetscCall(DMGetCoordinateDim(dm, &cdim));
    PetscCall(DMGetCoordinatesLocal(dm, &coords));
    PetscCall(VecGetLocalSize(coords, &n));
    PetscCall(VecGetArrayRead(coords, &ca));
    for (PetscInt i = 0; i < n / cdim; i++)
      if (PetscRealPart(ca[i * cdim]) < xmin) {
        xmin   = PetscRealPart(ca[i * cdim]);
        bad[0] = xmin;
        bad[1] = PetscRealPart(ca[i * cdim + 1]);
      }
    PetscCall(VecRestoreArrayRead(coords, &ca));
    PetscCall(MPIU_Allreduce(&xmin, &gmin, 1, MPIU_REAL, MPIU_MIN, comm));
    who = xmin == gmin ? rank : size;
    PetscCall(MPIU_Allreduce(&who, &gwho, 1, MPI_INT, MPI_MIN, comm));
    PetscCallMPI(MPI_Bcast(bad, 2, MPIU_REAL, gwho, comm));
    PetscCheck(gmin >= -1e-12 * L, comm, PETSC_ERR_USER_INPUT, "-ness_coordinates axisymmetric needs the mesh in the half plane r = x >= 0, but vertex (%g, %g) m has x < 0", (double)bad[0], (double)bad[1]);
  }
  PetscCall(DMPlexGetChart(dm, &pStart, &pEnd));
  PetscCall(DMPlexGetDepthStratum(dm, 0, &vStart, &vEnd));
  PetscCall(DMPlexGetHeightStratum(dm, 0, &cStart, &cEnd));
  PetscCall(DMPlexGetDepthStratum(dm, 1, &eStart, &eEnd));
  /* one cell type everywhere */
  {
    PetscInt       t[2] = {0, 0}, tg[2];
    DMPolytopeType ct;
    for (PetscInt c = cStart; c < cEnd; c++) {
      PetscCall(DMPlexGetCellType(dm, c, &ct));
      if (ct == DM_POLYTOPE_QUADRILATERAL || ct == DM_POLYTOPE_HEXAHEDRON) t[1] = 1;
      else if (ct == DM_POLYTOPE_SEGMENT || ct == DM_POLYTOPE_TRIANGLE || ct == DM_POLYTOPE_TETRAHEDRON) t[0] = 1;
      else SETERRQ(PETSC_COMM_SELF, PETSC_ERR_SUP, "Cell type %s is not supported (segments, triangles, tetrahedra, axis-aligned quadrilaterals and hexahedra are)", DMPolytopeTypes[ct]);
    }
    PetscCall(MPIU_Allreduce(t, tg, 2, MPIU_INT, MPI_MAX, comm));
    PetscCheck(!(tg[0] && tg[1]), comm, PETSC_ERR_SUP, "Meshes mixing simplices and tensor cells are not supported");
    tensor        = tg[1] ? PETSC_TRUE : PETSC_FALSE;
    ness->simplex = tensor ? PETSC_FALSE : PETSC_TRUE;
  }

  /* owned points: not a leaf of the point SF (allocated after the cell-type checks; the checks below free the
     locals of this function before they raise their error) */
  PetscCall(PetscCalloc1(pEnd - pStart, &owned));
  for (PetscInt p = pStart; p < pEnd; p++) owned[p - pStart] = PETSC_TRUE;
  PetscCall(DMGetPointSF(dm, &sf));
  PetscCall(PetscSFGetGraph(sf, NULL, &nleaves, &leaves, NULL));
  for (PetscInt i = 0; i < nleaves && nleaves > 0; i++) owned[(leaves ? leaves[i] : i) - pStart] = PETSC_FALSE;

  PetscCall(CreatePointDM(dm, 0, 1, &ness->dmv));
  PetscCall(CreatePointDM(dm, 1, 1, &dme));
  PetscCall(DMGetLocalSection(dme, &gsec));
  PetscCall(DMCreateLocalVector(ness->dmv, &vvol));
  PetscCall(DMCreateLocalVector(dme, &vgam));
  PetscCall(VecZeroEntries(vvol));
  PetscCall(VecZeroEntries(vgam));
  PetscCall(VecGetArray(vvol, &avol));
  PetscCall(VecGetArray(vgam, &agam));
  g->nvpc = 0;
  PetscCall(PetscMalloc1((cEnd - cStart) * (1 << dim), &g->cellv));
  for (PetscInt c = cStart; c < cEnd; c++) {
    if (c == cStart) {
      nbad        = 0;
      firstbad[0] = firstbad[1] = firstbad[2] = 0.0;
    }
    PetscInt  nv, verts[8];
    PetscReal x[24], meas, vp[8], gam[64];
    PetscCall(NessGetPointVertices(dm, c, &nv, verts, x));
    for (PetscInt i = 0; i < nv * dim; i++) x[i] /= L;
    {
      /* a bad cell (degenerate, or a tensor cell that is not axis-aligned) is an error of the whole run: count
         them here and stop collectively after the loop, so no rank is left waiting in a collective call */
      PetscErrorCode ierr;
      PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
      if (ness->axisym) ierr = NessCellGeometryAxisym(dim, nv, tensor, x, &meas, vp, gam); /* 2 pi r weighted */
      else ierr = NessCellGeometry(dim, nv, tensor, x, &meas, vp, gam);
      PetscCall(PetscPopErrorHandler());
      if (ierr) {
        if (!nbad++) {
          firstbad[0] = x[0] * L;
          firstbad[1] = dim > 1 ? x[1] * L : 0.0;
          firstbad[2] = dim > 2 ? x[2] * L : 0.0;
        }
        continue;
      }
    }
    if (!g->nvpc) g->nvpc = nv;
    for (PetscInt a = 0; a < nv; a++) avol[verts[a] - vStart] += vp[a];
    for (PetscInt a = 0; a < nv; a++)
      for (PetscInt b = a + 1; b < nv; b++) {
        PetscInt        nj, e;
        const PetscInt *join;
        PetscInt        pair[2] = {verts[a], verts[b]};
        if (gam[a * nv + b] == 0.0 && tensor) continue;
        if (dim == 1) e = c;
        else {
          PetscCall(DMPlexGetJoin(dm, 2, pair, &nj, &join));
          PetscCheck(nj == 1, PETSC_COMM_SELF, PETSC_ERR_PLIB, "Vertex pair of a cell is not an edge");
          e = join[0];
          PetscCall(DMPlexRestoreJoin(dm, 2, pair, &nj, &join));
        }
        {
          PetscInt off;
          PetscCall(PetscSectionGetOffset(gsec, e, &off));
          agam[off] += gam[a * nv + b];
        }
      }
    /* output connectivity: natural vertex numbers, VTK/XDMF order for tensor cells */
    if (tensor) {
      static const PetscInt vtk2[4] = {0, 1, 3, 2}, vtk3[8] = {0, 1, 3, 2, 4, 5, 7, 6};
      const PetscInt       *vtk = dim == 2 ? vtk2 : vtk3;
      PetscInt              byc[8];
      for (PetscInt a = 0; a < nv; a++) byc[CornerIndex(dim, nv, x, a)] = verts[a];
      for (PetscInt a = 0; a < nv; a++) g->cellv[(c - cStart) * nv + a] = g->natv[byc[dim == 1 ? a : vtk[a]] - vStart];
    } else {
      for (PetscInt a = 0; a < nv; a++) g->cellv[(c - cStart) * nv + a] = g->natv[verts[a] - vStart];
    }
  }
  PetscCall(VecRestoreArray(vvol, &avol));
  PetscCall(VecRestoreArray(vgam, &agam));
  {
    PetscInt    gbad;
    PetscMPIInt rank, first, r;
    PetscCall(MPIU_Allreduce(&nbad, &gbad, 1, MPIU_INT, MPI_SUM, comm));
    if (gbad) {
      PetscCallMPI(MPI_Comm_rank(comm, &rank));
      r = nbad ? rank : PETSC_MPI_INT_MAX;
      PetscCallMPI(MPI_Allreduce(&r, &first, 1, MPI_INT, MPI_MIN, comm));
      PetscCallMPI(MPI_Bcast(firstbad, 3, MPIU_REAL, first, comm));
      PetscCall(DestroyLocals(0, NULL, 0, NULL, &vvol, &vgam, &dme, &owned));
      SETERRQ(comm, PETSC_ERR_USER_INPUT, "The mesh has %" PetscInt_FMT " unusable cell(s): degenerate (zero measure) or, for quadrilaterals/hexahedra, not axis-aligned; one has a vertex at (%g, %g, %g) m", gbad, (double)firstbad[0], (double)firstbad[1], (double)firstbad[2]);
    }
  }
  PetscCall(NessAssembleLocal(ness->dmv, vvol));
  PetscCall(NessAssembleLocal(dme, vgam));
  {
    PetscInt nvpc = g->nvpc;
    PetscCall(MPIU_Allreduce(&nvpc, &g->nvpc, 1, MPIU_INT, MPI_MAX, comm));
  }

  /* owned edges with their assembled coefficients */
  {
    const PetscScalar *ag;
    PetscInt           n = 0, nneg = 0;
    PetscCall(VecGetArrayRead(vgam, &ag));
    for (PetscInt e = eStart; e < eEnd; e++)
      if (owned[e - pStart]) n++;
    PetscCall(PetscMalloc4(n, &g->eK, n, &g->eL, n, &g->egamma, n, &g->elen));
    g->nedge = 0;
    for (PetscInt e = eStart; e < eEnd; e++) {
      const PetscInt *cone;
      PetscInt        off, nv, verts[8];
      PetscReal       x[24], len = 0.0;
      if (!owned[e - pStart]) continue;
      PetscCall(DMPlexGetCone(dm, e, &cone));
      PetscCall(PetscSectionGetOffset(gsec, e, &off));
      PetscCall(NessGetPointVertices(dm, e, &nv, verts, x));
      for (PetscInt d = 0; d < dim; d++) len += PetscSqr((x[dim + d] - x[d]) / L);
      g->eK[g->nedge]     = verts[0] - vStart;
      g->eL[g->nedge]     = verts[1] - vStart;
      g->egamma[g->nedge] = PetscRealPart(ag[off]);
      g->elen[g->nedge]   = PetscSqrtReal(len);
      if (g->egamma[g->nedge] < -1e-12 * g->elen[g->nedge]) nneg++;
      g->nedge++;
    }
    PetscCall(VecRestoreArrayRead(vgam, &ag));
    PetscCall(MPIU_Allreduce(&nneg, &g->nneg, 1, MPIU_INT, MPI_SUM, comm));
    if (g->nneg) PetscCall(PetscPrintf(comm, "WARNING: %" PetscInt_FMT " non-Delaunay edges (negative Voronoi coefficient): the box method loses its maximum principle there; refine or regenerate the mesh\n", g->nneg));
  }

  /* control volumes, owned vertices */
  {
    const PetscScalar *av;
    PetscReal          vtot = 0.0;
    PetscCall(PetscMalloc1(vEnd - vStart, &g->vol));
    PetscCall(VecGetArrayRead(vvol, &av));
    for (PetscInt v = 0; v < vEnd - vStart; v++) g->vol[v] = PetscRealPart(av[v]);
    PetscCall(VecRestoreArrayRead(vvol, &av));
    g->nvown = 0;
    for (PetscInt v = vStart; v < vEnd; v++)
      if (owned[v - pStart]) g->nvown++;
    PetscCall(PetscMalloc1(g->nvown, &g->vown));
    g->nvown = 0;
    for (PetscInt v = vStart; v < vEnd; v++)
      if (owned[v - pStart]) {
        g->vown[g->nvown++] = v - vStart;
        vtot += g->vol[v - vStart];
      }
    PetscCall(MPIU_Allreduce(&vtot, &g->domain_volume, 1, MPIU_REAL, MPIU_SUM, comm));
    PetscCall(MPIU_Allreduce(&g->nvown, &g->nvglobal, 1, MPIU_INT, MPI_SUM, comm));
    PetscCall(MPIU_Allreduce(&g->ncown, &g->ncglobal, 1, MPIU_INT, MPI_SUM, comm));
  }

  /* boundaries: Dirichlet (bulk) flags and electrode areas, from boundary facets owned here */
  {
    DMLabel      bl;
    PetscScalar *ad;
    PetscInt     bempty = -1; /* a label without boundary facets (the same on every rank: nfacg is a global sum) */
    PetscCall(DMGetLabel(dm, "ness_boundary", &bl));
    for (PetscInt b = 0; b < ness->nbulk; b++) {
      PetscCall(DMCreateLocalVector(ness->dmv, &vdir[b]));
      PetscCall(VecZeroEntries(vdir[b]));
    }
    for (PetscInt e = 0; e < ness->ne; e++) {
      PetscCall(DMCreateLocalVector(ness->dmv, &varea[e]));
      PetscCall(VecZeroEntries(varea[e]));
    }
    for (PetscInt b = 0; b < ness->nbulk + ness->ne; b++) {
      const char     *lname = b < ness->nbulk ? ness->bulk[b] : ness->el[b - ness->nbulk].label;
      DMLabel         lab;
      IS              valIS;
      PetscInt        nval, nfac = 0, nfacg;
      const PetscInt *vals;
      PetscCall(DMGetLabel(dm, lname, &lab));
      PetscCall(DMLabelGetValueIS(lab, &valIS));
      PetscCall(ISGetLocalSize(valIS, &nval));
      PetscCall(ISGetIndices(valIS, &vals));
      for (PetscInt iv = 0; iv < nval; iv++) {
        IS              pIS;
        PetscInt        np;
        const PetscInt *pts;
        PetscCall(DMLabelGetStratumIS(lab, vals[iv], &pIS));
        if (!pIS) continue;
        PetscCall(ISGetLocalSize(pIS, &np));
        PetscCall(ISGetIndices(pIS, &pts));
        for (PetscInt i = 0; i < np; i++) {
          PetscInt  f = pts[i], bval, nv, verts[8];
          PetscReal x[24], meas, vp[8], gam[64];
          PetscCall(DMLabelGetValue(bl, f, &bval));
          if (bval != 1 || !owned[f - pStart]) continue;
          PetscCall(NessGetPointVertices(dm, f, &nv, verts, x));
          for (PetscInt j = 0; j < nv * dim; j++) x[j] /= L;
          if (ness->axisym) PetscCall(NessCellGeometryAxisym(dim, nv, tensor, x, &meas, vp, gam));
          else PetscCall(NessCellGeometry(dim, nv, tensor, x, &meas, vp, gam));
          nfac++;
          if (b < ness->nbulk) {
            PetscCall(VecGetArray(vdir[b], &ad));
            for (PetscInt a = 0; a < nv; a++) ad[verts[a] - vStart] = 1.0;
            PetscCall(VecRestoreArray(vdir[b], &ad));
          } else {
            PetscCall(VecGetArray(varea[b - ness->nbulk], &ad));
            for (PetscInt a = 0; a < nv; a++) ad[verts[a] - vStart] += vp[a];
            PetscCall(VecRestoreArray(varea[b - ness->nbulk], &ad));
          }
        }
        PetscCall(ISRestoreIndices(pIS, &pts));
        PetscCall(ISDestroy(&pIS));
      }
      PetscCall(ISRestoreIndices(valIS, &vals));
      PetscCall(ISDestroy(&valIS));
      PetscCall(MPIU_Allreduce(&nfac, &nfacg, 1, MPIU_INT, MPI_SUM, comm));
      if (nfacg <= 0) {
        bempty = b;
        break;
      }
    }
    if (bempty >= 0) {
      const char *lname = bempty < ness->nbulk ? ness->bulk[bempty] : ness->el[bempty - ness->nbulk].label;
      PetscCall(DestroyLocals(ness->ne, varea, ness->nbulk, vdir, &vvol, &vgam, &dme, &owned));
      SETERRQ(comm, PETSC_ERR_USER_INPUT, "Boundary label '%s' contains no boundary facets", lname);
    }
    PetscCall(PetscMalloc2(vEnd - vStart, &g->dirichlet, vEnd - vStart, &g->dirb));
    for (PetscInt v = 0; v < vEnd - vStart; v++) {
      g->dirichlet[v] = PETSC_FALSE;
      g->dirb[v]      = -1;
    }
    /* a vertex on several bulk boundaries takes the first one's composition */
    for (PetscInt b = ness->nbulk - 1; b >= 0; b--) {
      PetscCall(NessAssembleLocal(ness->dmv, vdir[b]));
      PetscCall(VecGetArray(vdir[b], &ad));
      for (PetscInt v = 0; v < vEnd - vStart; v++)
        if (PetscRealPart(ad[v]) > 0.5) {
          g->dirichlet[v] = PETSC_TRUE;
          g->dirb[v]      = b;
        }
      PetscCall(VecRestoreArray(vdir[b], &ad));
    }
    PetscCall(PetscCalloc1(vEnd - vStart, &g->phidir));
    g->nev = 0;
    for (PetscInt pass = 0; pass < 2; pass++) {
      if (pass == 1) PetscCall(PetscMalloc3(g->nev, &g->evv, g->nev, &g->eve, g->nev, &g->eva));
      g->nev = 0;
      for (PetscInt e = 0; e < ness->ne; e++) {
        PetscCall(VecGetArray(varea[e], &ad));
        if (pass == 0) {
          PetscCall(VecRestoreArray(varea[e], &ad));
          PetscCall(NessAssembleLocal(ness->dmv, varea[e]));
          PetscCall(VecGetArray(varea[e], &ad));
          if (ness->el[e].phibc == NESS_PHI_DIRICHLET)
            for (PetscInt v = 0; v < vEnd - vStart; v++)
              if (PetscRealPart(ad[v]) > 0.0 && !g->phidir[v]) g->phidir[v] = e + 1;
        }
        for (PetscInt i = 0; i < g->nvown; i++) {
          PetscInt v = g->vown[i];
          if (PetscRealPart(ad[v]) <= 0.0) continue;
          if (pass == 1) {
            g->evv[g->nev] = v;
            g->eve[g->nev] = e;
            g->eva[g->nev] = PetscRealPart(ad[v]);
          }
          g->nev++;
        }
        PetscCall(VecRestoreArray(varea[e], &ad));
      }
    }
    PetscCall(DestroyLocals(ness->ne, varea, ness->nbulk, vdir, &vvol, &vgam, &dme, &owned));
  }
  PetscCall(PetscLogEventEnd(NESS_Geometry, ness, 0, 0, 0));
  PetscFunctionReturn(0);
}

PetscErrorCode NessGeometryDestroy(NessGeom *g)
{
  PetscFunctionBegin;
  PetscCall(PetscFree4(g->eK, g->eL, g->egamma, g->elen));
  PetscCall(PetscFree(g->vown));
  PetscCall(PetscFree(g->vol));
  PetscCall(PetscFree2(g->dirichlet, g->dirb));
  PetscCall(PetscFree(g->phidir));
  PetscCall(PetscFree3(g->evv, g->eve, g->eva));
  PetscCall(PetscFree(g->natv));
  PetscCall(PetscFree(g->natc));
  PetscCall(PetscFree(g->cellv));
  PetscFunctionReturn(0);
}

/* Advection by a given velocity field: the edge Peclet numbers of the exponentially fitted (Scharfetter-Gummel)
   flux and the advective outflow through labelled boundaries. Velocity fields: uniform, simple shear
   u_x = G (y - y_lower), and plane Poiseuille u_x = 4 u_max s (1 - s), s = (y - y_lower)/height, with y the second
   coordinate (z = axial in axisymmetric coordinates). All are divergence-free, and on meshes whose edges are
   aligned with x they are discretely divergence-free too. */
#include <ness/private/nessimpl.h>

/* physical velocity (m/s) at physical point x */
PetscErrorCode NessVelocityAt(Ness ness, const PetscReal x[], PetscReal u[])
{
  PetscFunctionBegin;
  u[0] = u[1] = u[2] = 0.0;
  if (ness->vfunc) {
    PetscCallBack("Ness host velocity field", (*ness->vfunc)(ness->vctx, x, u));
    PetscFunctionReturn(0);
  }
  switch (ness->vtype) {
  case NESS_VELOCITY_NONE:
    break;
  case NESS_VELOCITY_UNIFORM:
    for (PetscInt d = 0; d < ness->dim; d++) u[d] = ness->vel[d];
    break;
  case NESS_VELOCITY_SHEAR:
    u[0] = ness->shear_rate * (x[1] - ness->lower[1]);
    break;
  case NESS_VELOCITY_POISEUILLE: {
    const PetscReal h = ness->upper[1] - ness->lower[1], s = (x[1] - ness->lower[1]) / h;
    u[0] = 4.0 * ness->vmax * s * (1.0 - s);
  } break;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode NessAdvectionSetUp(Ness ness)
{
  MPI_Comm           comm = PetscObjectComm((PetscObject)ness);
  NessGeom          *g    = &ness->g;
  DM                 dm   = ness->dm;
  const PetscInt     dim  = ness->dim;
  const PetscReal    L    = ness->L;
  Vec                coords, vq;
  PetscSection       cs;
  const PetscScalar *ca;
  PetscInt           vStart, pStart, pEnd, bbad = -1;
  PetscBool          absent = PETSC_FALSE;

  PetscFunctionBegin;
  PetscCheck(!ness->vfunc || ness->model != NESS_MODEL_SECONDARY, comm, PETSC_ERR_USER_INPUT, "A host velocity field (NessSetVelocityFunction) does not enter the secondary model (uniform composition)");
  if (ness->vtype == NESS_VELOCITY_NONE && !ness->vfunc) {
    PetscCheck(ness->nout == 0, comm, PETSC_ERR_USER_INPUT, "-ness_outflow_boundaries given without a velocity field (-ness_velocity_type)");
    PetscFunctionReturn(0);
  }
  if (!ness->vfunc && (ness->vtype == NESS_VELOCITY_SHEAR || ness->vtype == NESS_VELOCITY_POISEUILLE)) PetscCheck(dim >= 2, comm, PETSC_ERR_USER_INPUT, "-ness_velocity_type %s needs a 2D or 3D mesh", NessVelocities[ness->vtype]);
  if (!ness->vfunc && ness->vtype == NESS_VELOCITY_POISEUILLE) PetscCheck(ness->upper[1] > ness->lower[1], comm, PETSC_ERR_USER_INPUT, "-ness_velocity_type poiseuille: the channel is the box's y extent (-ness_mesh_lower/-ness_mesh_upper)");
  PetscCall(DMPlexGetDepthStratum(dm, 0, &vStart, NULL));
  PetscCall(DMPlexGetChart(dm, &pStart, &pEnd));
  PetscCall(DMGetCoordinatesLocal(dm, &coords));
  PetscCall(DMGetCoordinateSection(dm, &cs));
  PetscCall(VecGetArrayRead(coords, &ca));
  /* edges: u(x_mid) . (x_L - x_K) / D0 */
  PetscCall(PetscMalloc1(g->nedge + 1, &g->eadv));
  for (PetscInt e = 0; e < g->nedge; e++) {
    PetscInt  oK, oL;
    PetscReal xm[3] = {0, 0, 0}, u[3], s = 0.0;
    PetscCall(PetscSectionGetOffset(cs, g->eK[e] + vStart, &oK));
    PetscCall(PetscSectionGetOffset(cs, g->eL[e] + vStart, &oL));
    for (PetscInt d = 0; d < dim; d++) xm[d] = 0.5 * PetscRealPart(ca[oK + d] + ca[oL + d]);
    PetscCall(NessVelocityAt(ness, xm, u));
    for (PetscInt d = 0; d < dim; d++) s += u[d] * PetscRealPart(ca[oL + d] - ca[oK + d]);
    g->eadv[e] = s / ness->D0;
  }
  /* outflow boundaries: integral of u.n over each vertex's share of the boundary (the same shares as electrode
     areas), scaled by L/D0 (times the scaled share) */
  PetscCall(DMCreateLocalVector(ness->dmv, &vq));
  PetscCall(VecZeroEntries(vq));
  {
    DMLabel         bl;
    PetscScalar    *aq;
    PetscSF         sf;
    PetscInt        nleaves;
    const PetscInt *leaves;
    PetscBool      *owned;
    PetscCall(PetscCalloc1(pEnd - pStart, &owned));
    for (PetscInt p = pStart; p < pEnd; p++) owned[p - pStart] = PETSC_TRUE;
    PetscCall(DMGetPointSF(dm, &sf));
    PetscCall(PetscSFGetGraph(sf, NULL, &nleaves, &leaves, NULL));
    for (PetscInt i = 0; i < nleaves && nleaves > 0; i++) owned[(leaves ? leaves[i] : i) - pStart] = PETSC_FALSE;
    PetscCall(DMGetLabel(dm, "ness_boundary", &bl));
    PetscCall(VecGetArray(vq, &aq));
    for (PetscInt b = 0; b < ness->nout; b++) {
      DMLabel         lab;
      IS              valIS;
      PetscInt        nval, nfac = 0, nfacg;
      const PetscInt *vals;
      PetscCall(DMGetLabel(dm, ness->outflow[b], &lab));
      if (!lab) { /* errors of the outflow labels are raised below, once the locals are freed */
        bbad   = b;
        absent = PETSC_TRUE;
        break;
      }
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
          PetscInt        f = pts[i], bval, nv, verts[8], cnv, cverts[8], ns;
          PetscReal       x[24], xs[24], cx[24], meas, vp[8], gam[64], n[3] = {0, 0, 0}, fc[3] = {0, 0, 0}, cc[3] = {0, 0, 0}, nn = 0.0, dot = 0.0;
          const PetscInt *supp;
          PetscCall(DMLabelGetValue(bl, f, &bval));
          if (bval != 1 || !owned[f - pStart]) continue;
          PetscCall(NessGetPointVertices(dm, f, &nv, verts, x));
          for (PetscInt j = 0; j < nv * dim; j++) xs[j] = x[j] / L;
          if (ness->axisym) PetscCall(NessCellGeometryAxisym(dim, nv, ness->simplex ? PETSC_FALSE : PETSC_TRUE, xs, &meas, vp, gam));
          else PetscCall(NessCellGeometry(dim, nv, ness->simplex ? PETSC_FALSE : PETSC_TRUE, xs, &meas, vp, gam));
          /* outward unit normal */
          for (PetscInt a = 0; a < nv; a++)
            for (PetscInt d = 0; d < dim; d++) fc[d] += x[a * dim + d] / nv;
          if (dim == 1) n[0] = 1.0;
          else if (dim == 2) {
            n[0] = x[3] - x[1];
            n[1] = -(x[2] - x[0]);
          } else {
            const PetscReal e1[3] = {x[3] - x[0], x[4] - x[1], x[5] - x[2]}, e2[3] = {x[(nv - 1) * 3] - x[0], x[(nv - 1) * 3 + 1] - x[1], x[(nv - 1) * 3 + 2] - x[2]};
            n[0] = e1[1] * e2[2] - e1[2] * e2[1];
            n[1] = e1[2] * e2[0] - e1[0] * e2[2];
            n[2] = e1[0] * e2[1] - e1[1] * e2[0];
          }
          PetscCall(DMPlexGetSupportSize(dm, f, &ns));
          PetscCall(DMPlexGetSupport(dm, f, &supp));
          PetscCall(NessGetPointVertices(dm, supp[0], &cnv, cverts, cx));
          for (PetscInt a = 0; a < cnv; a++)
            for (PetscInt d = 0; d < dim; d++) cc[d] += cx[a * dim + d] / cnv;
          for (PetscInt d = 0; d < dim; d++) {
            nn += n[d] * n[d];
            dot += n[d] * (fc[d] - cc[d]);
          }
          nn = PetscSqrtReal(nn) * (dot < 0 ? -1.0 : 1.0);
          for (PetscInt d = 0; d < dim; d++) n[d] /= nn;
          for (PetscInt a = 0; a < nv; a++) {
            PetscReal xq[3] = {0, 0, 0}, u[3], un = 0.0;
            for (PetscInt d = 0; d < dim; d++) xq[d] = 0.5 * (x[a * dim + d] + fc[d]);
            PetscCall(NessVelocityAt(ness, xq, u));
            for (PetscInt d = 0; d < dim; d++) un += u[d] * n[d];
            aq[verts[a] - vStart] += vp[a] * un * L / ness->D0;
          }
          nfac++;
        }
        PetscCall(ISRestoreIndices(pIS, &pts));
        PetscCall(ISDestroy(&pIS));
      }
      PetscCall(ISRestoreIndices(valIS, &vals));
      PetscCall(ISDestroy(&valIS));
      PetscCall(MPIU_Allreduce(&nfac, &nfacg, 1, MPIU_INT, MPI_SUM, comm));
      if (nfacg <= 0) {
        bbad = b;
        break;
      }
    }
    PetscCall(VecRestoreArray(vq, &aq));
    PetscCall(PetscFree(owned));
  }
  PetscCall(VecRestoreArrayRead(coords, &ca));
  if (bbad >= 0) {
    PetscCall(VecDestroy(&vq));
    PetscCheck(!absent, comm, PETSC_ERR_USER_INPUT, "Outflow boundary label '%s' (-ness_outflow_boundaries) does not exist in the mesh", ness->outflow[bbad]);
    SETERRQ(comm, PETSC_ERR_USER_INPUT, "Outflow boundary label '%s' contains no boundary facets", ness->outflow[bbad]);
  }
  PetscCall(NessAssembleLocal(ness->dmv, vq));
  {
    const PetscScalar *aq;
    PetscCall(VecGetArrayRead(vq, &aq));
    g->nout = 0;
    for (PetscInt k = 0; k < g->nvown; k++)
      if (PetscRealPart(aq[g->vown[k]]) != 0.0) g->nout++;
    PetscCall(PetscMalloc2(g->nout + 1, &g->outv, g->nout + 1, &g->outq));
    g->nout = 0;
    for (PetscInt k = 0; k < g->nvown; k++)
      if (PetscRealPart(aq[g->vown[k]]) != 0.0) {
        g->outv[g->nout] = g->vown[k];
        g->outq[g->nout] = PetscRealPart(aq[g->vown[k]]);
        g->nout++;
      }
    PetscCall(VecRestoreArrayRead(vq, &aq));
  }
  PetscCall(VecDestroy(&vq));
  PetscFunctionReturn(0);
}

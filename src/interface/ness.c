/* The Ness object: package registration, lifecycle, options, set-up and accessors. */
#include <ness/private/nessimpl.h>

PetscClassId     NESS_CLASSID;
PetscLogEvent    NESS_SetUp, NESS_Residual, NESS_Jacobian, NESS_Solve, NESS_Output, NESS_Geometry, NESS_Post;
static PetscBool NessPackageInitialized = PETSC_FALSE;

PetscErrorCode NessFinalizePackage(void)
{
  PetscFunctionBegin;
  NessPackageInitialized = PETSC_FALSE;
  PetscCall(NessKineticsFinalize());
  PetscFunctionReturn(0);
}

/*@C
  NessInitializePackage - registers the Ness class and its log events; idempotent, called by NessCreate()
@*/
PetscErrorCode NessInitializePackage(void)
{
  PetscFunctionBegin;
  if (NessPackageInitialized) PetscFunctionReturn(0);
  NessPackageInitialized = PETSC_TRUE;
  PetscCall(PetscClassIdRegister("Ness", &NESS_CLASSID));
  PetscCall(PetscLogEventRegister("NessSetUp", NESS_CLASSID, &NESS_SetUp));
  PetscCall(PetscLogEventRegister("NessGeometry", NESS_CLASSID, &NESS_Geometry));
  PetscCall(PetscLogEventRegister("NessResidual", NESS_CLASSID, &NESS_Residual));
  PetscCall(PetscLogEventRegister("NessJacobian", NESS_CLASSID, &NESS_Jacobian));
  PetscCall(PetscLogEventRegister("NessSolve", NESS_CLASSID, &NESS_Solve));
  PetscCall(PetscLogEventRegister("NessPost", NESS_CLASSID, &NESS_Post));
  PetscCall(PetscLogEventRegister("NessOutput", NESS_CLASSID, &NESS_Output));
  PetscCall(NessKineticsRegisterAll());
  PetscCall(PetscRegisterFinalize(NessFinalizePackage));
  PetscFunctionReturn(0);
}

/*@
  NessCreate - creates a Ness object (collective)
@*/
PetscErrorCode NessCreate(MPI_Comm comm, Ness *ness)
{
  Ness n;

  PetscFunctionBegin;
  PetscValidPointer(ness, 2);
  PetscCall(NessInitializePackage());
  PetscCall(PetscHeaderCreate(n, NESS_CLASSID, "Ness", "Driven electrochemical system", "Ness", comm, NessDestroy, NessView));
  n->T        = 298.15;
  n->epsr     = 78.5;
  n->dim      = 2;
  n->faces[0] = n->faces[1] = n->faces[2] = 8;
  n->lower[0] = n->lower[1] = n->lower[2] = 0.0;
  n->upper[0] = n->upper[1] = n->upper[2] = 1e-3;
  n->write_output                         = PETSC_TRUE;
  n->meshscale                            = 1.0;
  n->use_pseudo                           = PETSC_TRUE;
  n->tsdt0                                = 1e-6;
  n->pseudo_max_steps                     = 400;
  n->cstd                                 = 1000.0;
  n->continuation                         = PETSC_TRUE;
  n->cmax_valid                           = 1e4;
  n->ncont_paths                          = 3;
  n->cont_paths[0]                        = 0;
  n->cont_paths[1]                        = 1;
  n->cont_paths[2]                        = 2;
  n->tr_growth                            = 1.25;
  n->tr_max_steps                         = 400;
  PetscCall(PetscStrncpy(n->outdir, "out", sizeof(n->outdir)));
  *ness = n;
  PetscFunctionReturn(0);
}

PetscErrorCode NessSetOptionsPrefix(Ness ness, const char prefix[])
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(ness, NESS_CLASSID, 1);
  PetscCall(PetscObjectSetOptionsPrefix((PetscObject)ness, prefix));
  PetscFunctionReturn(0);
}

/*@
  NessSetFromOptions - reads every -ness_ option (the scenario): physics, mesh, output and solver choices
@*/
PetscErrorCode NessSetFromOptions(Ness ness)
{
  MPI_Comm  comm;
  PetscInt  n;
  PetscBool set;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(ness, NESS_CLASSID, 1);
  comm = PetscObjectComm((PetscObject)ness);
  PetscObjectOptionsBegin((PetscObject)ness);
  PetscCall(NessModelSetFromOptions(ness, PetscOptionsObject));
  /* mesh */
  PetscCall(PetscOptionsString("-ness_mesh_file", "Gmsh mesh file (physical names become boundary labels)", "NessSetFromOptions", ness->meshfile, ness->meshfile, sizeof(ness->meshfile), NULL));
  PetscCall(NessOptionsInt("-ness_mesh_dim", "Dimension of the box mesh", "NessSetFromOptions", ness->dim, &ness->dim, NULL));
  PetscCheck(ness->dim >= 1 && ness->dim <= 3, comm, PETSC_ERR_USER_INPUT, "-ness_mesh_dim must be 1, 2 or 3, got %" PetscInt_FMT, ness->dim);
  n = 3;
  PetscCall(NessOptionsIntArray("-ness_mesh_faces", "Cells per direction of the box mesh", "NessSetFromOptions", ness->faces, &n, &set));
  PetscCheck(!set || n == ness->dim, comm, PETSC_ERR_USER_INPUT, "-ness_mesh_faces needs %" PetscInt_FMT " values, got %" PetscInt_FMT, ness->dim, n);
  for (PetscInt d = 0; d < ness->dim; d++) PetscCheck(ness->faces[d] > 0, comm, PETSC_ERR_USER_INPUT, "-ness_mesh_faces must be positive");
  n = 3;
  PetscCall(NessOptionsRealArray("-ness_mesh_lower", "Lower corner of the box mesh (m)", "NessSetFromOptions", ness->lower, &n, &set));
  PetscCheck(!set || n == ness->dim, comm, PETSC_ERR_USER_INPUT, "-ness_mesh_lower needs %" PetscInt_FMT " values, got %" PetscInt_FMT, ness->dim, n);
  n = 3;
  PetscCall(NessOptionsRealArray("-ness_mesh_upper", "Upper corner of the box mesh (m)", "NessSetFromOptions", ness->upper, &n, &set));
  PetscCheck(!set || n == ness->dim, comm, PETSC_ERR_USER_INPUT, "-ness_mesh_upper needs %" PetscInt_FMT " values, got %" PetscInt_FMT, ness->dim, n);
  for (PetscInt d = 0; d < ness->dim; d++) PetscCheck(ness->upper[d] > ness->lower[d], comm, PETSC_ERR_USER_INPUT, "-ness_mesh_upper must exceed -ness_mesh_lower in every direction");
  n = 3;
  PetscCall(NessOptionsRealArray("-ness_mesh_grade", "Geometric grading per direction: beta > 0 refines toward the lower side, beta < 0 toward the upper", "NessSetFromOptions", ness->grade, &n, NULL));
  {
    char list[1024] = "";
    PetscCall(PetscOptionsString("-ness_mesh_patches", "Comma-separated names of box-side patches (boundary labels made from part of a side)", "NessSetFromOptions", list, list, sizeof(list), NULL));
    PetscCall(NessSplitList(comm, list, NESS_MAX_BOUNDARIES, ness->patch, &ness->npatch, "-ness_mesh_patches"));
    for (PetscInt p = 0; p < ness->npatch; p++) {
      char     opt[256];
      PetscInt side = 0, nr = 4;
      PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_mesh_patch_%s_side", ness->patch[p]));
      PetscCall(NessOptionsEList(opt, "Box side the patch lies on", "NessSetFromOptions", NessBoxSideNames, 2 * ness->dim, NessBoxSideNames[0], &side, &set));
      PetscCheck(set, comm, PETSC_ERR_USER_INPUT, "Patch '%s' needs %s (left, right, bottom, top, front, back)", ness->patch[p], opt);
      ness->patchside[p] = side;
      PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_mesh_patch_%s_range", ness->patch[p]));
      PetscCall(NessOptionsRealArray(opt, "lo,hi of the patch along each tangential axis (m)", "NessSetFromOptions", ness->patchrange[p], &nr, &set));
      PetscCheck(set && nr == 2 * (ness->dim - 1), comm, PETSC_ERR_USER_INPUT, "%s needs %" PetscInt_FMT " values (lo,hi per tangential axis)", opt, 2 * (ness->dim - 1));
    }
  }
  PetscCall(NessOptionsReal("-ness_mesh_scale", "Factor applied to the coordinates of a mesh file (e.g. 1e-3 for a mesh drawn in mm)", "NessSetFromOptions", ness->meshscale, &ness->meshscale, NULL));
  PetscCheck(ness->meshscale > 0, comm, PETSC_ERR_USER_INPUT, "-ness_mesh_scale must be positive, got %g", (double)ness->meshscale);
  {
    const char *const coords[] = {"cartesian", "axisymmetric"};
    PetscInt          ic       = ness->axisym ? 1 : 0;
    PetscCall(NessOptionsEList("-ness_coordinates", "Coordinate system: cartesian, or axisymmetric (2D meshes in the (r, z) half plane, r = x >= 0)", "NessSetFromOptions", coords, 2, coords[ic], &ic, NULL));
    ness->axisym = ic == 1 ? PETSC_TRUE : PETSC_FALSE;
  }
  PetscCall(PetscOptionsBool("-ness_mesh_simplex", "Simplex box mesh (needs a mesh generator; use Gmsh files instead)", "NessSetFromOptions", ness->simplex, &ness->simplex, NULL));
  /* scales */
  ness->L = 0.0;
  PetscCall(NessOptionsReal("-ness_length_scale", "Length scale of the nondimensionalization (m); default: largest extent of the mesh", "NessSetFromOptions", ness->L, &ness->L, NULL));
  ness->c0 = 0.0;
  PetscCall(NessOptionsReal("-ness_conc_scale", "Concentration scale (mol/m^3); default: largest bulk concentration", "NessSetFromOptions", ness->c0, &ness->c0, NULL));
  /* solver and output */
  PetscCall(PetscOptionsBool("-ness_pseudo", "March with pseudo-transient continuation before the final Newton solve", "NessSolve", ness->use_pseudo, &ness->use_pseudo, NULL));
  PetscCall(NessOptionsReal("-ness_pseudo_dt", "Initial pseudo-time step (units of L^2/D0)", "NessSolve", ness->tsdt0, &ness->tsdt0, NULL));
  PetscCall(NessOptionsInt("-ness_checkpoint_interval", "Write <output_dir>/checkpoint.h5 every N pseudo-time steps (0: never)", "NessSolve", ness->ckpt_interval, &ness->ckpt_interval, NULL));
  PetscCheck(ness->ckpt_interval >= 0, comm, PETSC_ERR_USER_INPUT, "-ness_checkpoint_interval must be >= 0, got %" PetscInt_FMT, ness->ckpt_interval);
  PetscCall(PetscOptionsString("-ness_restart", "Start from this checkpoint (written by -ness_checkpoint_interval or on SIGTERM; any number of ranks)", "NessSolve", ness->restart, ness->restart, sizeof(ness->restart), NULL));
  PetscCall(PetscOptionsBool("-ness_catch_sigterm", "SIGTERM/SIGINT stop the pseudo-time march with a final checkpoint (the ness program turns this on)", "NessSolve", ness->catch_sigterm, &ness->catch_sigterm, NULL));
  PetscCall(PetscOptionsBool("-ness_continuation", "When the first solve fails, continue in warm-started stages: from the electrodes' equilibrium potentials to the targets, else from slow to full reaction rates, else (pnp) from a thick to the true Debye length", "NessSolve",
                             ness->continuation, &ness->continuation, NULL));
  {
    char      list[256] = "", names[3][NESS_NAME_LEN];
    PetscInt  n;
    PetscBool set;
    PetscCall(PetscOptionsString("-ness_continuation_paths", "Continuation paths to try, in order, when the first solve fails: potential, rate, debye", "NessSolve", list, list, sizeof(list), &set));
    if (set) {
      PetscCall(NessSplitList(comm, list, 3, names, &n, "-ness_continuation_paths"));
      for (PetscInt k = 0; k < n; k++) {
        PetscInt idx = -1;
        for (PetscInt j = 0; j < 3; j++) {
          PetscBool same;
          PetscCall(PetscStrcmp(names[k], NessContinuationPaths[j], &same));
          if (same) idx = j;
        }
        PetscCheck(idx >= 0, comm, PETSC_ERR_USER_INPUT, "-ness_continuation_paths: unknown path '%s'; choose from potential, rate, debye", names[k]);
        ness->cont_paths[k] = idx;
      }
      ness->ncont_paths = n;
    }
  }
  PetscCall(NessOptionsInt("-ness_pseudo_max_steps", "Maximum pseudo-time steps", "NessSolve", ness->pseudo_max_steps, &ness->pseudo_max_steps, NULL));
  PetscCall(NessOptionsReal("-ness_max_concentration", "Concentrations above this (mol/m^3) flag a steady state as outside dilute-solution theory: a warning (0: off)", "NessSolve", ness->cmax_valid, &ness->cmax_valid, NULL));
  PetscCheck(ness->cmax_valid >= 0, comm, PETSC_ERR_USER_INPUT, "-ness_max_concentration must be >= 0, got %g", (double)ness->cmax_valid);
  PetscCall(NessOptionsReal("-ness_standard_concentration", "Standard concentration c_std of mu = mu0 + RT ln(c/c_std) (mol/m^3)", "NessSetFromOptions", ness->cstd, &ness->cstd, NULL));
  PetscCheck(ness->cstd > 0, comm, PETSC_ERR_USER_INPUT, "-ness_standard_concentration must be positive, got %g", (double)ness->cstd);
  PetscCall(PetscOptionsBool("-ness_transient", "After the steady state, switch the drive off (electrodes to the Nernst potential of the bulk) and relax toward equilibrium in time, recording entropy production and free energy", "NessRelax", ness->transient,
                             &ness->transient, NULL));
  PetscCall(NessOptionsReal("-ness_transient_time", "Relaxation end time (s); default 10 L^2/D_min", "NessRelax", ness->tr_time, &ness->tr_time, NULL));
  PetscCall(NessOptionsReal("-ness_transient_dt", "First relaxation time step (s); default 1e-6 L^2/D_max", "NessRelax", ness->tr_dt, &ness->tr_dt, NULL));
  PetscCall(NessOptionsReal("-ness_transient_growth", "Growth factor of the relaxation time step", "NessRelax", ness->tr_growth, &ness->tr_growth, NULL));
  PetscCall(NessOptionsInt("-ness_transient_max_steps", "Maximum relaxation time steps", "NessRelax", ness->tr_max_steps, &ness->tr_max_steps, NULL));
  PetscCheck(ness->tr_time >= 0 && ness->tr_dt >= 0, comm, PETSC_ERR_USER_INPUT, "-ness_transient_time and -ness_transient_dt must be non-negative, got %g and %g", (double)ness->tr_time, (double)ness->tr_dt);
  PetscCheck(ness->tr_growth >= 1.0, comm, PETSC_ERR_USER_INPUT, "-ness_transient_growth must be >= 1, got %g", (double)ness->tr_growth);
  PetscCheck(ness->tr_max_steps > 0, comm, PETSC_ERR_USER_INPUT, "-ness_transient_max_steps must be positive, got %" PetscInt_FMT, ness->tr_max_steps);
  PetscCall(PetscOptionsString("-ness_output_dir", "Output directory", "NessWriteOutput", ness->outdir, ness->outdir, sizeof(ness->outdir), NULL));
  PetscCall(PetscOptionsBool("-ness_output", "Write out/solution.h5, solution.xmf and summary.json", "NessWriteOutput", ness->write_output, &ness->write_output, NULL));
  {
    char of[PETSC_MAX_PATH_LEN] = "";
    PetscCall(PetscOptionsGetString(NULL, NULL, "-options_file", of, sizeof(of), &set));
    if (set && of[0]) {
      char *base = strrchr(of, '/'), *dot;
      base       = base ? base + 1 : of;
      dot        = strrchr(base, '.');
      if (dot) *dot = 0;
      PetscCall(PetscStrncpy(ness->scenario, base, sizeof(ness->scenario)));
    } else PetscCall(PetscStrncpy(ness->scenario, "command-line", sizeof(ness->scenario)));
  }
  PetscCall(PetscOptionsString("-ness_scenario", "Scenario name recorded in the summary", "NessSetFromOptions", ness->scenario, ness->scenario, sizeof(ness->scenario), NULL));
  /* advection by a given velocity field */
  PetscCall(NessOptionsEnum("-ness_velocity_type", "Advection velocity: none, uniform (-ness_velocity), shear u_x = G (y - y_lower) (-ness_velocity_shear_rate) or poiseuille u_x = 4 u_max s (1 - s), s = (y - y_lower)/height (-ness_velocity_max)", "NessSetFromOptions", NessVelocities,
                            (PetscEnum)ness->vtype, (PetscEnum *)&ness->vtype, NULL));
  n = 3;
  PetscCall(NessOptionsRealArray("-ness_velocity", "Uniform velocity (m/s), one value per dimension", "NessSetFromOptions", ness->vel, &n, &set));
  PetscCheck(!set || ness->vtype == NESS_VELOCITY_UNIFORM, comm, PETSC_ERR_USER_INPUT, "-ness_velocity needs -ness_velocity_type uniform");
  PetscCall(NessOptionsReal("-ness_velocity_shear_rate", "Shear rate G of -ness_velocity_type shear (1/s)", "NessSetFromOptions", ness->shear_rate, &ness->shear_rate, NULL));
  PetscCall(NessOptionsReal("-ness_velocity_max", "Centre-line velocity of -ness_velocity_type poiseuille (m/s)", "NessSetFromOptions", ness->vmax, &ness->vmax, NULL));
  {
    char list[4096] = "";
    PetscCall(PetscOptionsString("-ness_outflow_boundaries", "Comma-separated boundary labels where the flow leaves the domain (advective outflow with the local composition)", "NessSetFromOptions", list, list, sizeof(list), NULL));
    PetscCall(NessSplitList(comm, list, NESS_MAX_BOUNDARIES, ness->outflow, &ness->nout, "-ness_outflow_boundaries"));
  }
  PetscCheck(ness->vtype == NESS_VELOCITY_NONE || ness->model != NESS_MODEL_SECONDARY, comm, PETSC_ERR_USER_INPUT, "-ness_velocity_type %s: the secondary model has uniform composition, advection does not enter it", NessVelocities[ness->vtype]);
  ness->configured = PETSC_TRUE;
  PetscCall(PetscObjectChangeTypeName((PetscObject)ness, NessModels[ness->model]));
  PetscOptionsEnd();
  PetscFunctionReturn(0);
}

/*@
  NessSetUp - builds the mesh, the box-method geometry, the unknown layout and the solvers (collective)
@*/
PetscErrorCode NessSetUp(Ness ness)
{
  MPI_Comm       comm;
  PetscSection   s;
  PetscInt       pStart, pEnd, vStart, vEnd;
  PetscLogDouble t0, t1;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(ness, NESS_CLASSID, 1);
  if (ness->setupcalled) PetscFunctionReturn(0);
  comm = PetscObjectComm((PetscObject)ness);
  PetscCheck(ness->configured, comm, PETSC_ERR_ORDER, "Call NessSetFromOptions() before NessSetUp()");
  PetscCall(PetscTime(&t0));
  PetscCall(PetscLogEventBegin(NESS_SetUp, ness, 0, 0, 0));
  PetscCall(NessMeshCreate(ness));
  /* scales */
  if (ness->L <= 0) {
    ness->L = 0.0;
    for (PetscInt d = 0; d < ness->dim; d++) ness->L = PetscMax(ness->L, ness->upper[d] - ness->lower[d]);
  }
  if (ness->c0 <= 0) {
    ness->c0 = 0.0;
    for (PetscInt i = 0; i < ness->ns; i++) ness->c0 = PetscMax(ness->c0, ness->sp[i].cbulk);
  }
  ness->D0 = 0.0;
  for (PetscInt i = 0; i < ness->ns; i++) ness->D0 = PetscMax(ness->D0, ness->sp[i].D);
  if (ness->ns == 0) { /* secondary model from a given conductivity: any positive scales do */
    ness->c0 = 1.0;
    ness->D0 = 1e-9;
  }
  ness->f      = NESS_FARADAY / (NESS_RGAS * ness->T);
  ness->Lambda = NessLambda(ness);
  ness->edim   = ness->dim + (ness->axisym ? 1 : 0);
  PetscCall(NessModelSetUp(ness)); /* sets nu and nf */
  PetscCall(NessGeometrySetUp(ness));
  PetscCall(NessAdvectionSetUp(ness));
  if (ness->source) {
    /* volumetric sources at the owned vertices, scaled like the rows they enter */
    Vec                coords;
    const PetscScalar *ca;
    PetscSection       cs;
    PetscReal          x[3], sv[NESS_MAX_SPECIES + 1];
    const PetscReal    sc = ness->L * ness->L / (ness->D0 * ness->c0), sp = ness->L * ness->L * ness->f / (ness->epsr * NESS_EPS0);
    PetscCall(PetscMalloc1(ness->g.nvown * (ness->ns + 1), &ness->srcv));
    PetscCall(DMGetCoordinatesLocal(ness->dm, &coords));
    PetscCall(DMGetCoordinateSection(ness->dm, &cs));
    PetscCall(VecGetArrayRead(coords, &ca));
    for (PetscInt k = 0; k < ness->g.nvown; k++) {
      PetscInt off;
      PetscCall(PetscSectionGetOffset(cs, ness->g.vown[k] + ness->g.vStart, &off));
      for (PetscInt d = 0; d < ness->dim; d++) x[d] = PetscRealPart(ca[off + d]);
      PetscCallBack("Ness source function", (*ness->source)(ness->sourcectx, x, sv));
      for (PetscInt i = 0; i < ness->ns; i++) ness->srcv[k * (ness->ns + 1) + i] = sv[i] * sc;
      ness->srcv[k * (ness->ns + 1) + ness->ns] = sv[ness->ns] * sp;
    }
    PetscCall(VecRestoreArrayRead(coords, &ca));
  }
  /* unknowns: ns concentrations and phi at every vertex */
  PetscCall(DMPlexGetChart(ness->dm, &pStart, &pEnd));
  PetscCall(DMPlexGetDepthStratum(ness->dm, 0, &vStart, &vEnd));
  PetscCall(PetscSectionCreate(comm, &s));
  /* one field per unknown (each species kept by the model, then psi), so DMCreateFieldDecomposition and
     PCFIELDSPLIT see them by name (-pc_fieldsplit_0_fields ...) */
  PetscCall(PetscSectionSetNumFields(s, ness->nf));
  for (PetscInt j = 0; j < ness->nf; j++) {
    PetscCall(PetscSectionSetFieldComponents(s, j, 1));
    PetscCall(PetscSectionSetFieldName(s, j, j < ness->nu ? ness->sp[ness->kept[j]].name : "psi"));
  }
  PetscCall(PetscSectionSetChart(s, pStart, pEnd));
  for (PetscInt v = vStart; v < vEnd; v++) {
    PetscCall(PetscSectionSetDof(s, v, ness->nf));
    for (PetscInt j = 0; j < ness->nf; j++) PetscCall(PetscSectionSetFieldDof(s, v, j, 1));
  }
  PetscCall(PetscSectionSetUp(s));
  for (PetscInt v = vStart; v < vEnd; v++) {
    PetscInt off;
    PetscCall(PetscSectionGetOffset(s, v, &off));
    PetscCheck(off == (v - vStart) * ness->nf, PETSC_COMM_SELF, PETSC_ERR_PLIB, "Unexpected local layout");
  }
  PetscCall(DMSetLocalSection(ness->dm, s));
  PetscCall(PetscSectionDestroy(&s));
  PetscCall(DMSetBasicAdjacency(ness->dm, PETSC_FALSE, PETSC_TRUE));
  PetscCall(DMCreateGlobalVector(ness->dm, &ness->U));
  PetscCall(PetscObjectSetName((PetscObject)ness->U, "solution"));
  PetscCall(DMCreateMatrix(ness->dm, &ness->J));
  PetscCall(MatSetOption(ness->J, MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_TRUE));
  PetscCall(NessClosedSetUp(ness));
  PetscCall(NessSolverSetUp(ness));
  ness->setupcalled = PETSC_TRUE;
  PetscCall(PetscLogEventEnd(NESS_SetUp, ness, 0, 0, 0));
  PetscCall(PetscTime(&t1));
  ness->t_setup = t1 - t0;
  PetscFunctionReturn(0);
}

/* Volumetric sources for manufactured-solution tests (private): call before NessSetUp() */
PetscErrorCode NessSetSourceFunction(Ness ness, PetscErrorCode (*f)(void *, const PetscReal[], PetscReal[]), void *ctx)
{
  PetscFunctionBegin;
  PetscCheck(!ness->setupcalled, PetscObjectComm((PetscObject)ness), PETSC_ERR_ORDER, "Set the source before NessSetUp()");
  ness->source    = f;
  ness->sourcectx = ctx;
  PetscFunctionReturn(0);
}

PetscErrorCode NessView(Ness ness, PetscViewer viewer)
{
  PetscBool iascii;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(ness, NESS_CLASSID, 1);
  if (!viewer) PetscCall(PetscViewerASCIIGetStdout(PetscObjectComm((PetscObject)ness), &viewer));
  PetscCall(PetscObjectTypeCompare((PetscObject)viewer, PETSCVIEWERASCII, &iascii));
  if (!iascii) PetscFunctionReturn(0);
  PetscCall(PetscObjectPrintClassNamePrefixType((PetscObject)ness, viewer));
  PetscCall(PetscViewerASCIIPushTab(viewer));
  PetscCall(PetscViewerASCIIPrintf(viewer, "scenario %s, model %s, %s coordinates\n", ness->scenario, NessModels[ness->model], ness->axisym ? "axisymmetric" : "cartesian"));
  if (ness->model == NESS_MODEL_SECONDARY && ness->setupcalled) PetscCall(PetscViewerASCIIPrintf(viewer, "conductivity %g S/m\n", (double)ness->kappa));
  if (ness->model == NESS_MODEL_ELECTRONEUTRAL && ness->setupcalled) PetscCall(PetscViewerASCIIPrintf(viewer, "species %s eliminated by electroneutrality\n", ness->sp[ness->iel].name));
  for (PetscInt c = 0; c < ness->ncouple; c++)
    PetscCall(PetscViewerASCIIPrintf(viewer, "unknown metal potential '%s': %" PetscInt_FMT " electrode(s), total current %g A%s\n", ness->couple[c].name, ness->couple[c].ne, (double)ness->couple[c].target, ness->el[ness->couple[c].el[0]].control == NESS_CONTROL_FLOATING ? " (floating)" : " (galvanostatic)"));
  PetscCall(NessModelView(ness, viewer));
  PetscCall(NessBulkNetworkView(ness, viewer));
  if (ness->setupcalled) {
    PetscCall(PetscViewerASCIIPrintf(viewer, "mesh: %" PetscInt_FMT "D %s, %" PetscInt_FMT " vertices, %" PetscInt_FMT " cells, %" PetscInt_FMT " unknowns, non-Delaunay edges %" PetscInt_FMT "\n", ness->dim, ness->simplex ? "simplex" : "tensor",
                                     ness->g.nvglobal, ness->g.ncglobal, ness->g.nvglobal * ness->nf, ness->g.nneg));
    PetscCall(PetscViewerASCIIPrintf(viewer, "scales: L = %g m, c0 = %g mol/m^3, D0 = %g m^2/s, lambda0/L = %g\n", (double)ness->L, (double)ness->c0, (double)ness->D0, (double)(1.0 / PetscSqrtReal(ness->Lambda))));
  }
  PetscCall(PetscViewerASCIIPopTab(viewer));
  PetscFunctionReturn(0);
}

PetscErrorCode NessViewFromOptions(Ness ness, PetscObject obj, const char name[])
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(ness, NESS_CLASSID, 1);
  PetscCall(PetscObjectViewFromOptions((PetscObject)ness, obj, name));
  PetscFunctionReturn(0);
}

PetscErrorCode NessDestroy(Ness *ness)
{
  PetscFunctionBegin;
  if (!*ness) PetscFunctionReturn(0);
  PetscValidHeaderSpecific(*ness, NESS_CLASSID, 1);
  if (--((PetscObject)(*ness))->refct > 0) {
    *ness = NULL;
    PetscFunctionReturn(0);
  }
  PetscCall(TSDestroy(&(*ness)->ts));
  PetscCall(SNESDestroy(&(*ness)->snes));
  PetscCall(VecDestroy(&(*ness)->U));
  PetscCall(MatDestroy(&(*ness)->J));
  PetscCall(MatDestroy(&(*ness)->Jlrc));
  PetscCall(PetscFree((*ness)->g.eadv));
  PetscCall(PetscFree2((*ness)->g.outv, (*ness)->g.outq));
  PetscCall(DMDestroy(&(*ness)->dmv));
  PetscCall(DMDestroy(&(*ness)->dm));
  PetscCall(NessGeometryDestroy(&(*ness)->g));
  PetscCall(PetscFree((*ness)->srcv));
  PetscCall(PetscHeaderDestroy(ness));
  PetscFunctionReturn(0);
}

PetscErrorCode NessGetDM(Ness ness, DM *dm)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(ness, NESS_CLASSID, 1);
  *dm = ness->dm;
  PetscFunctionReturn(0);
}

PetscErrorCode NessGetSNES(Ness ness, SNES *snes)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(ness, NESS_CLASSID, 1);
  *snes = ness->snes;
  PetscFunctionReturn(0);
}

PetscErrorCode NessGetTS(Ness ness, TS *ts)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(ness, NESS_CLASSID, 1);
  *ts = ness->ts;
  PetscFunctionReturn(0);
}

PetscErrorCode NessGetSolution(Ness ness, Vec *U)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(ness, NESS_CLASSID, 1);
  *U = ness->U;
  PetscFunctionReturn(0);
}

PetscErrorCode NessGetConverged(Ness ness, PetscBool *conv)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(ness, NESS_CLASSID, 1);
  *conv = ness->converged;
  PetscFunctionReturn(0);
}

PetscErrorCode NessGetNumSpecies(Ness ness, PetscInt *n)
{
  PetscFunctionBegin;
  *n = ness->ns;
  PetscFunctionReturn(0);
}

PetscErrorCode NessGetSpeciesName(Ness ness, PetscInt i, const char **name)
{
  PetscFunctionBegin;
  PetscCheck(i >= 0 && i < ness->ns, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "Species %" PetscInt_FMT " out of range", i);
  *name = ness->sp[i].name;
  PetscFunctionReturn(0);
}

PetscErrorCode NessGetNumElectrodes(Ness ness, PetscInt *n)
{
  PetscFunctionBegin;
  *n = ness->ne;
  PetscFunctionReturn(0);
}

PetscErrorCode NessGetElectrodeName(Ness ness, PetscInt e, const char **name)
{
  PetscFunctionBegin;
  PetscCheck(e >= 0 && e < ness->ne, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "Electrode %" PetscInt_FMT " out of range", e);
  *name = ness->el[e].name;
  PetscFunctionReturn(0);
}

PetscErrorCode NessGetElectrodeCurrent(Ness ness, PetscInt e, PetscReal *cur)
{
  PetscFunctionBegin;
  PetscCheck(e >= 0 && e < ness->ne, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "Electrode %" PetscInt_FMT " out of range", e);
  PetscCall(NessComputeElectrodeResults(ness, ness->U));
  *cur = ness->el[e].current;
  PetscFunctionReturn(0);
}

PetscErrorCode NessGetElectrodeArea(Ness ness, PetscInt e, PetscReal *A)
{
  PetscFunctionBegin;
  PetscCheck(e >= 0 && e < ness->ne, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "Electrode %" PetscInt_FMT " out of range", e);
  PetscCall(NessComputeElectrodeResults(ness, ness->U));
  *A = ness->el[e].area;
  PetscFunctionReturn(0);
}

PetscErrorCode NessSetElectrodePotential(Ness ness, PetscInt e, PetscReal E)
{
  PetscFunctionBegin;
  PetscCheck(e >= 0 && e < ness->ne, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "Electrode %" PetscInt_FMT " out of range", e);
  ness->el[e].Es = E;
  ness->solved   = PETSC_FALSE;
  PetscFunctionReturn(0);
}

PetscErrorCode NessGetElectrodePotential(Ness ness, PetscInt e, PetscReal *E)
{
  PetscFunctionBegin;
  PetscCheck(e >= 0 && e < ness->ne, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "Electrode %" PetscInt_FMT " out of range", e);
  *E = ness->el[e].Es;
  PetscFunctionReturn(0);
}

/*@
  NessGetIterations - work of the last NessSolve(): pseudo-time steps, Newton iterations (all phases) and linear
  iterations (not collective)
@*/
PetscErrorCode NessGetIterations(Ness ness, PetscInt *pseudo, PetscInt *newton, PetscInt *linear)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(ness, NESS_CLASSID, 1);
  if (pseudo) *pseudo = ness->it_pseudo;
  if (newton) *newton = ness->it_newton;
  if (linear) *linear = ness->it_linear;
  PetscFunctionReturn(0);
}

/*@
  NessGetContinuation - whether the last NessSolve() needed continuation: the number of stages of all the paths
  tried (0 when the direct solve succeeded) and the fraction of the way the last path reached (1 when it
  succeeded) (not collective); NessGetContinuationPath() names the paths
@*/
PetscErrorCode NessGetContinuation(Ness ness, PetscInt *stages, PetscReal *reached)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(ness, NESS_CLASSID, 1);
  if (stages) *stages = ness->cont_stages;
  if (reached) *reached = ness->cont_reached;
  PetscFunctionReturn(0);
}

/*@
  NessGetConcentrationRange - the smallest and largest concentration of species i over the mesh in the state of the
  last NessSolve() (mol/m^3), and whether the largest exceeds -ness_max_concentration (default 1e4 mol/m^3, 10 M),
  beyond which dilute-solution theory (ideal activities, no salt film or precipitation) does not describe the
  electrolyte (not collective; any pointer may be NULL)
@*/
PetscErrorCode NessGetConcentrationRange(Ness ness, PetscInt i, PetscReal *cmin, PetscReal *cmax, PetscBool *beyond)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(ness, NESS_CLASSID, 1);
  PetscCheck(i >= 0 && i < ness->ns, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "Species %" PetscInt_FMT " out of range [0, %" PetscInt_FMT ")", i, ness->ns);
  if (cmin) *cmin = ness->crange[i][0];
  if (cmax) *cmax = ness->crange[i][1];
  if (beyond) *beyond = ness->cmax_valid > 0 && ness->crange[i][1] > ness->cmax_valid ? PETSC_TRUE : PETSC_FALSE;
  PetscFunctionReturn(0);
}

/*@
  NessGetContinuationPath - the continuation paths the last NessSolve() tried after its direct solve failed, each
  with the fraction of the way it reached, e.g. "potential 35%, rate 100%" (empty when no continuation was needed;
  the string belongs to ness) (not collective)
@*/
PetscErrorCode NessGetContinuationPath(Ness ness, const char **path)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(ness, NESS_CLASSID, 1);
  PetscValidPointer(path, 2);
  *path = ness->cont_path;
  PetscFunctionReturn(0);
}

/*@
  NessGetInterrupted - whether the last NessSolve() stopped on SIGTERM/SIGINT (with -ness_catch_sigterm), after
  writing <output_dir>/checkpoint.h5 (not collective)
@*/
PetscErrorCode NessGetInterrupted(Ness ness, PetscBool *flg)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(ness, NESS_CLASSID, 1);
  *flg = ness->interrupted;
  PetscFunctionReturn(0);
}

PetscErrorCode NessGetThermalVoltage(Ness ness, PetscReal *vt)
{
  PetscFunctionBegin;
  *vt = NESS_RGAS * ness->T / NESS_FARADAY;
  PetscFunctionReturn(0);
}

PetscErrorCode NessCreateFieldVec(Ness ness, PetscInt field, Vec *fv)
{
  const PetscScalar *u;
  PetscScalar       *a, *uf;
  PetscInt           n, nF = ness->ns + 1;

  PetscFunctionBegin;
  PetscCheck(field >= -1 && field < ness->ns, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "Field %" PetscInt_FMT " out of range", field);
  PetscCall(DMCreateGlobalVector(ness->dmv, fv));
  PetscCall(VecGetLocalSize(*fv, &n));
  PetscCall(VecGetArrayRead(ness->U, &u));
  PetscCall(NessFullState(ness, u, n, &uf)); /* owned vertices, global ordering of both DMs */
  PetscCall(VecGetArray(*fv, &a));
  for (PetscInt i = 0; i < n; i++) a[i] = field < 0 ? uf[i * nF + ness->ns] / ness->f : uf[i * nF + field] * ness->c0;
  PetscCall(VecRestoreArray(*fv, &a));
  PetscCall(PetscFree(uf));
  PetscCall(VecRestoreArrayRead(ness->U, &u));
  PetscCall(PetscObjectSetName((PetscObject)*fv, field < 0 ? "phi" : ness->sp[field].name));
  PetscFunctionReturn(0);
}

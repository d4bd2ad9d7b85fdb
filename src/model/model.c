/* The physical model from options: species, electrodes, electrode reactions, bulk boundaries. */
#include <ness/private/nessimpl.h>

const char *const NessPhiBCs[]     = {"stern", "dirichlet", "NessPhiBC", "NESS_PHI_", NULL};
const char *const NessModels[]     = {"pnp", "electroneutral", "secondary", "NessModel", "NESS_MODEL_", NULL};
const char *const NessVelocities[] = {"none", "uniform", "shear", "poiseuille", "NessVelocity", "NESS_VELOCITY_", NULL};
const char *const NessControls[]   = {"potentiostatic", "galvanostatic", "floating", "NessControl", "NESS_CONTROL_", NULL};

PetscErrorCode NessCheckNumeric(PetscOptionItems *PetscOptionsObject, const char opt[], PetscBool integer, PetscBool array)
{
  char      buf[4096], *tok, *next;
  PetscBool set;

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetString(PetscOptionsObject->options, PetscOptionsObject->prefix, opt, buf, sizeof(buf), &set));
  if (!set || !buf[0]) PetscFunctionReturn(0);
  for (tok = buf; tok; tok = next) {
    char *end;
    next = strchr(tok, ',');
    if (next) *next++ = 0;
    PetscCheck(!next || array, PetscObjectComm((PetscObject)PetscOptionsObject->object), PETSC_ERR_USER_INPUT, "-%s%s takes one value, got a list", PetscOptionsObject->prefix ? PetscOptionsObject->prefix : "", opt + 1);
    while (*tok == ' ') tok++;
    if (integer) (void)strtol(tok, &end, 10);
    else (void)strtod(tok, &end);
    while (*end == ' ') end++;
    PetscCheck(end != tok && !*end, PetscObjectComm((PetscObject)PetscOptionsObject->object), PETSC_ERR_USER_INPUT, "-%s%s: '%s' is not %s", PetscOptionsObject->prefix ? PetscOptionsObject->prefix : "", opt + 1, tok, integer ? "an integer" : "a number");
  }
  PetscFunctionReturn(0);
}

PetscErrorCode NessCheckChoice(PetscOptionItems *PetscOptionsObject, const char opt[], const char *const *list, PetscInt n)
{
  char      buf[256], choices[1024] = "";
  PetscBool set, found              = PETSC_FALSE;
  PetscInt  m = n;

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetString(PetscOptionsObject->options, PetscOptionsObject->prefix, opt, buf, sizeof(buf), &set));
  if (!set) PetscFunctionReturn(0);
  if (n < 0) { /* an enum list: the names, then the type name, the prefix and NULL */
    for (m = 0; list[m]; m++) { }
    m -= 2;
  }
  for (PetscInt i = 0; i < m; i++) {
    PetscBool eq;
    PetscCall(PetscStrcasecmp(buf, list[i], &eq));
    if (eq) found = PETSC_TRUE;
    PetscCall(PetscStrlcat(choices, i ? ", " : "", sizeof(choices)));
    PetscCall(PetscStrlcat(choices, list[i], sizeof(choices)));
  }
  PetscCheck(found, PetscObjectComm((PetscObject)PetscOptionsObject->object), PETSC_ERR_USER_INPUT, "-%s%s: unknown value '%s' (choose one of: %s)", PetscOptionsObject->prefix ? PetscOptionsObject->prefix : "", opt + 1, buf, choices);
  PetscFunctionReturn(0);
}

PetscErrorCode NessSplitList(MPI_Comm comm, const char list[], PetscInt max, char names[][NESS_NAME_LEN], PetscInt *n, const char opt[])
{
  PetscToken tok;
  char      *t;

  PetscFunctionBegin;
  *n = 0;
  PetscCall(PetscTokenCreate(list, ',', &tok));
  while (1) {
    PetscCall(PetscTokenFind(tok, &t));
    if (!t) break;
    while (*t == ' ') t++;
    if (!*t) continue;
    PetscCheck(*n < max, comm, PETSC_ERR_USER_INPUT, "Too many entries in %s (at most %" PetscInt_FMT ")", opt, max);
    PetscCheck(strlen(t) < NESS_NAME_LEN, comm, PETSC_ERR_USER_INPUT, "Name '%s' in %s is too long", t, opt);
    for (PetscInt i = 0; i < *n; i++) PetscCheck(strcmp(names[i], t), comm, PETSC_ERR_USER_INPUT, "Duplicate name '%s' in %s", t, opt);
    PetscCall(PetscStrncpy(names[*n], t, NESS_NAME_LEN));
    (*n)++;
  }
  PetscCall(PetscTokenDestroy(&tok));
  PetscFunctionReturn(0);
}

static PetscErrorCode FindSpecies(Ness ness, const char name[], PetscInt *idx)
{
  PetscFunctionBegin;
  *idx = -1;
  for (PetscInt i = 0; i < ness->ns; i++)
    if (!strcmp(ness->sp[i].name, name)) *idx = i;
  PetscFunctionReturn(0);
}

PetscErrorCode NessModelSetFromOptions(Ness ness, PetscOptionItems *PetscOptionsObject)
{
  MPI_Comm  comm = PetscObjectComm((PetscObject)ness);
  char      list[4096], opt[256], names[NESS_MAX_REACTIONS > NESS_MAX_SPECIES ? NESS_MAX_REACTIONS : NESS_MAX_SPECIES][NESS_NAME_LEN];
  PetscBool set;

  PetscFunctionBegin;
  PetscCall(NessOptionsReal("-ness_temperature", "Temperature (K)", "NessSetFromOptions", ness->T, &ness->T, NULL));
  PetscCheck(ness->T > 0, comm, PETSC_ERR_USER_INPUT, "-ness_temperature must be positive, got %g K", (double)ness->T);
  PetscCall(NessOptionsReal("-ness_permittivity", "Relative permittivity of the electrolyte", "NessSetFromOptions", ness->epsr, &ness->epsr, NULL));
  PetscCheck(ness->epsr > 0, comm, PETSC_ERR_USER_INPUT, "-ness_permittivity must be positive, got %g", (double)ness->epsr);

  PetscCall(NessOptionsEnum("-ness_model", "Transport model: pnp (Nernst-Planck-Poisson), electroneutral (Nernst-Planck with sum z c = 0) or secondary (uniform composition, Ohm's law)", "NessSetFromOptions", NessModels, (PetscEnum)ness->model,
                            (PetscEnum *)&ness->model, NULL));
  ness->kappa = 0;
  PetscCall(NessOptionsReal("-ness_conductivity", "Electrolyte conductivity of the secondary model (S/m); default: F^2/(RT) sum z^2 D c_bulk from the species", "NessSetFromOptions", ness->kappa, &ness->kappa, &set));
  PetscCheck(!set || ness->model == NESS_MODEL_SECONDARY, comm, PETSC_ERR_USER_INPUT, "-ness_conductivity is used only by -ness_model secondary (the model is %s)", NessModels[ness->model]);
  PetscCheck(ness->kappa >= 0, comm, PETSC_ERR_USER_INPUT, "-ness_conductivity must be positive, got %g", (double)ness->kappa);

  /* species */
  list[0] = 0;
  PetscCall(PetscOptionsString("-ness_species_names", "Comma-separated species names", "NessSetFromOptions", list, list, sizeof(list), &set));
  PetscCheck((set && list[0]) || (ness->model == NESS_MODEL_SECONDARY && ness->kappa > 0), comm, PETSC_ERR_USER_INPUT, "No species: give -ness_species_names (e.g. Na,Cl)%s", ness->model == NESS_MODEL_SECONDARY ? " or -ness_conductivity" : "");
  PetscCall(NessSplitList(comm, list, NESS_MAX_SPECIES, names, &ness->ns, "-ness_species_names"));
  for (PetscInt i = 0; i < ness->ns; i++) {
    NessSpecies *s = &ness->sp[i];
    PetscCall(PetscStrncpy(s->name, names[i], NESS_NAME_LEN));
    s->z     = 0;
    s->D     = -1;
    s->cbulk = -1;
    s->mu0   = 0;
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_species_%s_charge", s->name));
    PetscCall(NessOptionsReal(opt, "Charge number", "NessSetFromOptions", s->z, &s->z, NULL));
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_species_%s_diffusivity", s->name));
    PetscCall(NessOptionsReal(opt, "Diffusivity (m^2/s)", "NessSetFromOptions", s->D, &s->D, &set));
    PetscCheck(set, comm, PETSC_ERR_USER_INPUT, "Species '%s' has no diffusivity: give %s", s->name, opt);
    PetscCheck(s->D > 0, comm, PETSC_ERR_USER_INPUT, "%s must be positive, got %g", opt, (double)s->D);
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_species_%s_bulk", s->name));
    PetscCall(NessOptionsReal(opt, "Bulk concentration (mol/m^3)", "NessSetFromOptions", s->cbulk, &s->cbulk, &set));
    PetscCheck(set, comm, PETSC_ERR_USER_INPUT, "Species '%s' has no bulk concentration: give %s", s->name, opt);
    PetscCheck(s->cbulk > 0, comm, PETSC_ERR_USER_INPUT, "%s must be positive (use a small trace value for an absent species), got %g", opt, (double)s->cbulk);
    s->cref = s->cbulk;
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_species_%s_cref", s->name));
    PetscCall(NessOptionsReal(opt, "Reference concentration of the kinetics (mol/m^3)", "NessSetFromOptions", s->cref, &s->cref, NULL));
    PetscCheck(s->cref > 0, comm, PETSC_ERR_USER_INPUT, "%s must be positive, got %g", opt, (double)s->cref);
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_species_%s_mu0", s->name));
    PetscCall(NessOptionsReal(opt, "Standard chemical potential (J/mol)", "NessSetFromOptions", s->mu0, &s->mu0, NULL));
  }

  /* bulk boundaries */
  list[0] = 0;
  PetscCall(PetscOptionsString("-ness_bulk_boundaries", "Comma-separated boundary labels held at bulk composition and phi = 0", "NessSetFromOptions", list, list, sizeof(list), NULL));
  PetscCall(NessSplitList(comm, list, NESS_MAX_BOUNDARIES, ness->bulk, &ness->nbulk, "-ness_bulk_boundaries"));
  ness->bulk_uniform = PETSC_TRUE;
  for (PetscInt b = 0; b < ness->nbulk; b++)
    for (PetscInt i = 0; i < ness->ns; i++) {
      ness->bulkc[b][i] = ness->sp[i].cbulk;
      PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_bulk_boundary_%s_%s", ness->bulk[b], ness->sp[i].name));
      PetscCall(NessOptionsReal(opt, "Concentration of the species on this bulk boundary (mol/m^3); default: the species' bulk concentration", "NessSetFromOptions", ness->bulkc[b][i], &ness->bulkc[b][i], &set));
      PetscCheck(ness->bulkc[b][i] >= 0, comm, PETSC_ERR_USER_INPUT, "%s must be non-negative, got %g", opt, (double)ness->bulkc[b][i]);
      if (set && ness->bulkc[b][i] != ness->sp[i].cbulk) ness->bulk_uniform = PETSC_FALSE;
    }

  /* electrode reactions, all declared up front by the electrodes that use them */
  list[0] = 0;
  PetscCall(PetscOptionsString("-ness_electrode_names", "Comma-separated electrode names", "NessSetFromOptions", list, list, sizeof(list), NULL));
  PetscCall(NessSplitList(comm, list, NESS_MAX_ELECTRODES, names, &ness->ne, "-ness_electrode_names"));
  PetscCheck(ness->ne + ness->nbulk > 0, comm, PETSC_ERR_USER_INPUT, "No boundary conditions: give -ness_bulk_boundaries and/or -ness_electrode_names");
  ness->nr = 0;
  for (PetscInt e = 0; e < ness->ne; e++) {
    NessElectrode *el = &ness->el[e];
    char           rnames[NESS_MAX_REACTIONS][NESS_NAME_LEN];
    PetscInt       nrn;
    PetscCall(PetscStrncpy(el->name, names[e], NESS_NAME_LEN));
    PetscCall(PetscStrncpy(el->label, el->name, NESS_NAME_LEN));
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_electrode_%s_label", el->name));
    PetscCall(PetscOptionsString(opt, "Boundary label of the electrode", "NessSetFromOptions", el->label, el->label, NESS_NAME_LEN, NULL));
    el->control = NESS_CONTROL_POTENTIOSTATIC;
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_electrode_%s_control", el->name));
    PetscCall(NessOptionsEnum(opt, "Metal potential control: potentiostatic (given potential), galvanostatic (given total current) or floating (zero net current of the electrodes wired to it)", "NessSetFromOptions", NessControls, (PetscEnum)el->control,
                              (PetscEnum *)&el->control, NULL));
    el->Es = 0;
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_electrode_%s_potential", el->name));
    PetscCall(NessOptionsReal(opt, "Metal potential vs the bulk-solution reference (V); initial guess when not potentiostatic", "NessSetFromOptions", el->Es, &el->Es, &set));
    PetscCheck(set || el->control != NESS_CONTROL_POTENTIOSTATIC, comm, PETSC_ERR_USER_INPUT, "Electrode '%s' has no potential: give %s (or choose -ness_electrode_%s_control galvanostatic|floating)", el->name, opt, el->name);
    el->Itarget = 0;
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_electrode_%s_current", el->name));
    PetscCall(NessOptionsReal(opt, "Total current of a galvanostatic electrode (A; per metre of depth in 2D; anodic positive)", "NessSetFromOptions", el->Itarget, &el->Itarget, &set));
    PetscCheck(!set || el->control == NESS_CONTROL_GALVANOSTATIC, comm, PETSC_ERR_USER_INPUT, "%s is given but electrode '%s' is %s: a current is imposed only with -ness_electrode_%s_control galvanostatic", opt, el->name, NessControls[el->control], el->name);
    PetscCheck(set || el->control != NESS_CONTROL_GALVANOSTATIC, comm, PETSC_ERR_USER_INPUT, "Galvanostatic electrode '%s' has no current: give %s", el->name, opt);
    PetscCall(PetscStrncpy(el->couple_name, el->name, NESS_NAME_LEN));
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_electrode_%s_couple", el->name));
    PetscCall(PetscOptionsString(opt, "Floating electrodes with the same couple name are wired together (one shared metal potential, zero net current)", "NessSetFromOptions", el->couple_name, el->couple_name, NESS_NAME_LEN, &set));
    PetscCheck(!set || el->control == NESS_CONTROL_FLOATING, comm, PETSC_ERR_USER_INPUT, "%s is given but electrode '%s' is %s: only floating electrodes form galvanic couples", opt, el->name, NessControls[el->control]);
    el->molar_mass = el->density = el->valence = 0;
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_electrode_%s_molar_mass", el->name));
    PetscCall(NessOptionsReal(opt, "Molar mass of the metal (kg/mol), for the corrosion rate", "NessSetFromOptions", el->molar_mass, &el->molar_mass, NULL));
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_electrode_%s_density", el->name));
    PetscCall(NessOptionsReal(opt, "Density of the metal (kg/m^3), for the corrosion rate", "NessSetFromOptions", el->density, &el->density, NULL));
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_electrode_%s_valence", el->name));
    PetscCall(NessOptionsReal(opt, "Electrons per dissolved metal atom (default: n of the dissolution reaction)", "NessSetFromOptions", el->valence, &el->valence, NULL));
    PetscCheck(el->molar_mass >= 0 && el->density >= 0 && el->valence >= 0, comm, PETSC_ERR_USER_INPUT, "Electrode '%s': molar mass, density and valence must be non-negative", el->name);
    el->phibc = NESS_PHI_DIRICHLET;
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_electrode_%s_phi_bc", el->name));
    PetscCall(NessOptionsEnum(opt, "Electrolyte potential at the electrode: Stern layer (Robin) or its Dirichlet limit", "NessSetFromOptions", NessPhiBCs, (PetscEnum)el->phibc, (PetscEnum *)&el->phibc, NULL));
    el->Cs = 0.2;
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_electrode_%s_stern_capacitance", el->name));
    PetscCall(NessOptionsReal(opt, "Stern-layer capacitance (F/m^2)", "NessSetFromOptions", el->Cs, &el->Cs, NULL));
    PetscCheck(el->Cs > 0, comm, PETSC_ERR_USER_INPUT, "%s must be positive, got %g", opt, (double)el->Cs);
    el->Epzc = 0;
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_electrode_%s_pzc", el->name));
    PetscCall(NessOptionsReal(opt, "Potential of zero charge (V, same reference as the potential)", "NessSetFromOptions", el->Epzc, &el->Epzc, NULL));
    list[0] = 0;
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_electrode_%s_reactions", el->name));
    PetscCall(PetscOptionsString(opt, "Comma-separated electrode reactions", "NessSetFromOptions", list, list, sizeof(list), NULL));
    PetscCall(NessSplitList(comm, list, NESS_MAX_REACTIONS, rnames, &nrn, opt));
    el->nreact = 0;
    for (PetscInt k = 0; k < nrn; k++) {
      PetscInt r = -1;
      for (PetscInt j = 0; j < ness->nr; j++)
        if (!strcmp(ness->rx[j].name, rnames[k])) r = j;
      if (r < 0) {
        PetscCheck(ness->nr < NESS_MAX_REACTIONS, comm, PETSC_ERR_USER_INPUT, "Too many reactions (at most %d)", NESS_MAX_REACTIONS);
        r = ness->nr++;
        PetscCall(PetscStrncpy(ness->rx[r].name, rnames[k], NESS_NAME_LEN));
      }
      el->react[el->nreact++] = r;
    }
    el->dissolution = -1;
    {
      char dname[NESS_NAME_LEN] = "";
      PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_electrode_%s_dissolution", el->name));
      PetscCall(PetscOptionsString(opt, "The reaction that dissolves the metal (its anodic current is the corrosion current); default: the first reaction when a molar mass is given", "NessSetFromOptions", dname, dname, sizeof(dname), &set));
      if (set) {
        for (PetscInt k = 0; k < el->nreact; k++)
          if (!strcmp(ness->rx[el->react[k]].name, dname)) el->dissolution = k;
        PetscCheck(el->dissolution >= 0, comm, PETSC_ERR_USER_INPUT, "%s names reaction '%s', which is not one of electrode '%s''s reactions", opt, dname, el->name);
      } else if (el->molar_mass > 0 && el->nreact > 0) el->dissolution = 0;
    }
    PetscCheck(el->control == NESS_CONTROL_POTENTIOSTATIC || el->nreact > 0, comm, PETSC_ERR_USER_INPUT, "Electrode '%s' is %s but has no reactions: its potential would be undetermined", el->name, NessControls[el->control]);
  }
  /* couples: one unknown metal potential per galvanostatic electrode and per group of floating electrodes */
  ness->ncouple = 0;
  for (PetscInt e = 0; e < ness->ne; e++) {
    NessElectrode *el = &ness->el[e];
    PetscInt       k  = -1;
    el->couple        = -1;
    if (el->control == NESS_CONTROL_POTENTIOSTATIC) continue;
    if (el->control == NESS_CONTROL_FLOATING)
      for (PetscInt c = 0; c < ness->ncouple; c++)
        if (!strcmp(ness->couple[c].name, el->couple_name) && ness->el[ness->couple[c].el[0]].control == NESS_CONTROL_FLOATING) k = c;
    if (k < 0) {
      k = ness->ncouple++;
      PetscCall(PetscStrncpy(ness->couple[k].name, el->control == NESS_CONTROL_FLOATING ? el->couple_name : el->name, NESS_NAME_LEN));
      ness->couple[k].ne     = 0;
      ness->couple[k].target = el->control == NESS_CONTROL_GALVANOSTATIC ? el->Itarget : 0.0;
      ness->couple[k].E      = el->Es;
      ness->couple[k].dgdE   = 0.0;
    }
    ness->couple[k].el[ness->couple[k].ne++] = e;
    el->couple                               = k;
  }
  for (PetscInt r = 0; r < ness->nr; r++) {
    NessReaction *rx = &ness->rx[r];
    char          snames[NESS_MAX_SPECIES][NESS_NAME_LEN];
    PetscReal     vals[NESS_MAX_SPECIES];
    PetscInt      nsp, nv, idx;
    PetscReal     zsum = 0.0;
    rx->n              = 1;
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_reaction_%s_n", rx->name));
    PetscCall(NessOptionsReal(opt, "Electrons transferred (reaction written as an oxidation)", "NessSetFromOptions", rx->n, &rx->n, NULL));
    PetscCheck(rx->n > 0, comm, PETSC_ERR_USER_INPUT, "%s must be positive, got %g", opt, (double)rx->n);
    rx->i0 = -1;
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_reaction_%s_i0", rx->name));
    PetscCall(NessOptionsReal(opt, "Exchange current density at the reference concentrations (A/m^2)", "NessSetFromOptions", rx->i0, &rx->i0, &set));
    PetscCheck(set, comm, PETSC_ERR_USER_INPUT, "Reaction '%s' has no exchange current density: give %s", rx->name, opt);
    PetscCheck(rx->i0 > 0, comm, PETSC_ERR_USER_INPUT, "%s must be positive, got %g", opt, (double)rx->i0);
    rx->alpha_a = 0.5;
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_reaction_%s_alpha_a", rx->name));
    PetscCall(NessOptionsReal(opt, "Anodic transfer coefficient", "NessSetFromOptions", rx->alpha_a, &rx->alpha_a, NULL));
    rx->alpha_c = 1.0 - rx->alpha_a;
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_reaction_%s_alpha_c", rx->name));
    PetscCall(NessOptionsReal(opt, "Cathodic transfer coefficient", "NessSetFromOptions", rx->alpha_c, &rx->alpha_c, NULL));
    PetscCheck(rx->alpha_a >= 0 && rx->alpha_c >= 0 && rx->alpha_a + rx->alpha_c > 0, comm, PETSC_ERR_USER_INPUT, "Reaction '%s': transfer coefficients must be non-negative, got alpha_a %g alpha_c %g", rx->name, (double)rx->alpha_a, (double)rx->alpha_c);
    for (PetscInt pass = 0; pass < 2; pass++) {
      PetscReal b = 0;
      PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_reaction_%s_tafel_slope_%s", rx->name, pass ? "c" : "a"));
      PetscCall(NessOptionsReal(opt, pass ? "Cathodic Tafel slope (V/decade, sign ignored); sets alpha_c = ln(10)/(|b| n f)" : "Anodic Tafel slope (V/decade); sets alpha_a = ln(10)/(b n f)", "NessSetFromOptions", b, &b, &set));
      if (!set) continue;
      PetscCheck(b != 0, comm, PETSC_ERR_USER_INPUT, "%s must be non-zero", opt);
      if (pass) rx->alpha_c = PetscLogReal(10.0) * NESS_RGAS * ness->T / (PetscAbsReal(b) * rx->n * NESS_FARADAY);
      else rx->alpha_a = PetscLogReal(10.0) * NESS_RGAS * ness->T / (PetscAbsReal(b) * rx->n * NESS_FARADAY);
    }
    PetscCall(PetscStrncpy(rx->kinetics, "butler_volmer", NESS_NAME_LEN));
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_reaction_%s_kinetics", rx->name));
    PetscCall(PetscOptionsFList(opt, "Kinetics law (butler_volmer, tafel_anodic, tafel_cathodic, linear, active_passive, or one added with NessKineticsRegister)", "NessKineticsRegister", NessKineticsList, rx->kinetics, rx->kinetics, NESS_NAME_LEN, NULL));
    PetscCall(PetscFunctionListFind(NessKineticsList, rx->kinetics, &rx->law));
    PetscCheck(rx->law, comm, PETSC_ERR_USER_INPUT, "Unknown kinetics law '%s' (%s); built in: butler_volmer, tafel_anodic, tafel_cathodic, linear, active_passive", rx->kinetics, opt);
    rx->ilim_a = rx->ilim_c = 0;
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_reaction_%s_limiting_current_a", rx->name));
    PetscCall(NessOptionsReal(opt, "Anodic limiting current density (A/m^2, > 0; 0: none)", "NessSetFromOptions", rx->ilim_a, &rx->ilim_a, NULL));
    PetscCheck(rx->ilim_a >= 0, comm, PETSC_ERR_USER_INPUT, "%s must be >= 0, got %g", opt, (double)rx->ilim_a);
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_reaction_%s_limiting_current_c", rx->name));
    PetscCall(NessOptionsReal(opt, "Cathodic limiting current density (A/m^2, magnitude > 0; 0: none)", "NessSetFromOptions", rx->ilim_c, &rx->ilim_c, NULL));
    rx->ilim_c = PetscAbsReal(rx->ilim_c);
    rx->nparam = 8;
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_reaction_%s_params", rx->name));
    PetscCall(NessOptionsRealArray(opt, "Extra parameters passed to the kinetics law", "NessKineticsRegister", rx->param, &rx->nparam, &set));
    if (!set) rx->nparam = 0;
    rx->Eeq = 0;
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_reaction_%s_E_eq", rx->name));
    PetscCall(NessOptionsReal(opt, "Equilibrium potential at the reference concentrations (V)", "NessSetFromOptions", rx->Eeq, &rx->Eeq, NULL));
    for (PetscInt i = 0; i < NESS_MAX_SPECIES; i++) rx->nu[i] = rx->p[i] = rx->q[i] = 0;
    list[0] = 0;
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_reaction_%s_species", rx->name));
    PetscCall(PetscOptionsString(opt, "Comma-separated electrolyte species taking part", "NessSetFromOptions", list, list, sizeof(list), NULL));
    PetscCall(NessSplitList(comm, list, NESS_MAX_SPECIES, snames, &nsp, opt));
    nv = NESS_MAX_SPECIES;
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_reaction_%s_stoich", rx->name));
    PetscCall(NessOptionsRealArray(opt, "Stoichiometric coefficients of those species in the oxidation (produced > 0)", "NessSetFromOptions", vals, &nv, &set));
    if (!set) nv = 0;
    PetscCheck(nv == nsp, comm, PETSC_ERR_USER_INPUT, "Reaction '%s': %" PetscInt_FMT " species but %" PetscInt_FMT " stoichiometric coefficients (%s)", rx->name, nsp, nv, opt);
    for (PetscInt k = 0; k < nsp; k++) {
      PetscCall(FindSpecies(ness, snames[k], &idx));
      PetscCheck(idx >= 0, comm, PETSC_ERR_USER_INPUT, "Reaction '%s' names species '%s', which is not in -ness_species_names", rx->name, snames[k]);
      rx->nu[idx] = vals[k];
      rx->p[idx]  = PetscMax(-vals[k], 0.0);
      rx->q[idx]  = PetscMax(vals[k], 0.0);
      zsum += vals[k] * ness->sp[idx].z;
    }
    {
      PetscBool check = ness->model == NESS_MODEL_SECONDARY ? PETSC_FALSE : PETSC_TRUE; /* secondary: ions are not tracked */
      PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_reaction_%s_charge_check", rx->name));
      PetscCall(PetscOptionsBool(opt, "Require sum(stoich*charge) = n (turn off only for model problems whose charge is carried by untracked species)", "NessSetFromOptions", check, &check, NULL));
      if (check)
        PetscCheck(PetscAbsReal(zsum - rx->n) < 1e-10, comm, PETSC_ERR_USER_INPUT, "Reaction '%s' is unbalanced in charge: sum of stoich*charge of its species is %g but n = %g (an oxidation Red -> Ox + n e- needs them equal)", rx->name, (double)zsum,
                   (double)rx->n);
    }
    rx->consistent = PetscAbsReal(rx->alpha_a + rx->alpha_c - 1.0) < 1e-12 && !strcmp(rx->kinetics, "butler_volmer") && rx->ilim_a == 0 && rx->ilim_c == 0 ? PETSC_TRUE : PETSC_FALSE;
    for (PetscInt pass = 0; pass < 2; pass++) {
      nv = NESS_MAX_SPECIES;
      PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_reaction_%s_order_%s", rx->name, pass ? "c" : "a"));
      PetscCall(NessOptionsRealArray(opt, pass ? "Cathodic reaction orders of the listed species" : "Anodic reaction orders of the listed species", "NessSetFromOptions", vals, &nv, &set));
      if (!set) continue;
      PetscCheck(nv == nsp, comm, PETSC_ERR_USER_INPUT, "%s needs %" PetscInt_FMT " values, one per listed species", opt, nsp);
      for (PetscInt k = 0; k < nsp; k++) {
        PetscCall(FindSpecies(ness, snames[k], &idx));
        PetscCheck(vals[k] >= 0, comm, PETSC_ERR_USER_INPUT, "%s: negative order %g", opt, (double)vals[k]);
        if (pass) rx->q[idx] = vals[k];
        else rx->p[idx] = vals[k];
        rx->consistent = PETSC_FALSE;
      }
    }
    if (!rx->consistent) PetscCall(PetscInfo(ness, "Reaction %s is not thermodynamically consistent (alpha_a + alpha_c != 1 or orders differ from stoichiometry)\n", rx->name));
  }
  PetscCall(NessBulkNetworkSetFromOptions(ness, PetscOptionsObject));
  PetscCall(NessClosedSetFromOptions(ness, PetscOptionsObject));
  PetscFunctionReturn(0);
}

PetscErrorCode NessModelView(Ness ness, PetscViewer viewer)
{
  PetscFunctionBegin;
  PetscCall(PetscViewerASCIIPrintf(viewer, "T = %g K, relative permittivity %g, %" PetscInt_FMT " species, %" PetscInt_FMT " electrodes, %" PetscInt_FMT " electrode reactions\n", (double)ness->T, (double)ness->epsr, ness->ns, ness->ne, ness->nr));
  PetscCall(PetscViewerASCIIPushTab(viewer));
  for (PetscInt i = 0; i < ness->ns; i++) PetscCall(PetscViewerASCIIPrintf(viewer, "species %-8s z = %+g  D = %g m^2/s  c_bulk = %g mol/m^3\n", ness->sp[i].name, (double)ness->sp[i].z, (double)ness->sp[i].D, (double)ness->sp[i].cbulk));
  for (PetscInt e = 0; e < ness->ne; e++) {
    NessElectrode *el = &ness->el[e];
    PetscCall(PetscViewerASCIIPrintf(viewer, "electrode %s on label '%s': E = %g V, phi boundary %s\n", el->name, el->label, (double)el->Es, NessPhiBCs[el->phibc]));
    for (PetscInt k = 0; k < el->nreact; k++) {
      NessReaction *rx = &ness->rx[el->react[k]];
      PetscCall(PetscViewerASCIIPrintf(viewer, "  reaction %s: n = %g, i0 = %g A/m^2, E_eq = %g V, alpha_a %g alpha_c %g%s\n", rx->name, (double)rx->n, (double)rx->i0, (double)rx->Eeq, (double)rx->alpha_a, (double)rx->alpha_c, rx->consistent ? "" : " (not thermodynamically consistent)"));
    }
  }
  for (PetscInt b = 0; b < ness->nbulk; b++) PetscCall(PetscViewerASCIIPrintf(viewer, "bulk boundary '%s'\n", ness->bulk[b]));
  PetscCall(PetscViewerASCIIPopTab(viewer));
  PetscFunctionReturn(0);
}

/*
  NessModelSetUp - the reduced unknowns of the transport model (after NessSetFromOptions, before the section is
  built): nu species unknowns and the map c = cfix + P u from them to the full state; the conductivity and the
  checks that depend on the model.
*/
PetscErrorCode NessModelSetUp(Ness ness)
{
  MPI_Comm       comm = PetscObjectComm((PetscObject)ness);
  const PetscInt ns   = ness->ns;

  PetscFunctionBegin;
  for (PetscInt i = 0; i < NESS_MAX_SPECIES; i++) {
    ness->cfix[i] = 0.0;
    for (PetscInt j = 0; j < NESS_MAX_SPECIES; j++) ness->P[i][j] = 0.0;
  }
  ness->iel = -1;
  switch (ness->model) {
  case NESS_MODEL_PNP:
    ness->nu = ns;
    for (PetscInt i = 0; i < ns; i++) {
      ness->kept[i] = i;
      ness->P[i][i] = 1.0;
    }
    break;
  case NESS_MODEL_ELECTRONEUTRAL: {
    PetscReal q = 0.0, qs = 0.0;
    /* eliminate the last charged species */
    for (PetscInt i = 0; i < ns; i++)
      if (ness->sp[i].z != 0.0) ness->iel = i;
    PetscCheck(ness->iel >= 0, comm, PETSC_ERR_USER_INPUT, "-ness_model electroneutral needs charged species");
    for (PetscInt i = 0; i < ns; i++) {
      q += ness->sp[i].z * ness->sp[i].cbulk;
      qs += PetscAbsReal(ness->sp[i].z) * ness->sp[i].cbulk;
    }
    PetscCheck(PetscAbsReal(q) <= 1e-10 * qs, comm, PETSC_ERR_USER_INPUT, "-ness_model electroneutral: the bulk composition is not electroneutral (sum z c_bulk = %g mol/m^3); adjust the -ness_species_<S>_bulk values", (double)q);
    for (PetscInt b = 0; b < ness->nbulk; b++) {
      q = qs = 0.0;
      for (PetscInt i = 0; i < ns; i++) {
        q += ness->sp[i].z * ness->bulkc[b][i];
        qs += PetscAbsReal(ness->sp[i].z) * ness->bulkc[b][i];
      }
      PetscCheck(PetscAbsReal(q) <= 1e-10 * qs, comm, PETSC_ERR_USER_INPUT, "-ness_model electroneutral: the composition of bulk boundary '%s' is not electroneutral (sum z c = %g mol/m^3); adjust -ness_bulk_boundary_%s_<S>", ness->bulk[b], (double)q,
                 ness->bulk[b]);
    }
    ness->nu = 0;
    for (PetscInt i = 0; i < ns; i++) {
      if (i == ness->iel) continue;
      ness->kept[ness->nu]         = i;
      ness->P[i][ness->nu]         = 1.0;
      ness->P[ness->iel][ness->nu] = -ness->sp[i].z / ness->sp[ness->iel].z;
      ness->nu++;
    }
    for (PetscInt e = 0; e < ness->ne; e++) ness->el[e].phibc = NESS_PHI_STERN; /* no double layer: phi is free at electrodes */
  } break;
  case NESS_MODEL_SECONDARY:
    ness->nu = 0;
    for (PetscInt i = 0; i < ns; i++) ness->cfix[i] = ness->sp[i].cbulk / ness->c0;
    if (ness->kappa <= 0) {
      PetscReal k = 0.0;
      for (PetscInt i = 0; i < ns; i++) k += PetscSqr(ness->sp[i].z) * ness->sp[i].D * ness->sp[i].cbulk;
      ness->kappa = NESS_FARADAY * ness->f * k;
      PetscCheck(ness->kappa > 0, comm, PETSC_ERR_USER_INPUT, "-ness_model secondary: no conductivity (no charged species in bulk); give -ness_conductivity");
    }
    ness->kappa_s = ness->kappa / (NESS_FARADAY * ness->f * ness->D0 * ness->c0);
    for (PetscInt e = 0; e < ness->ne; e++) ness->el[e].phibc = NESS_PHI_STERN;
    PetscCheck(ness->nbr == 0, comm, PETSC_ERR_USER_INPUT, "-ness_model secondary has uniform composition: bulk reactions (-ness_bulk_reaction_names) need pnp or electroneutral");
    break;
  }
  ness->nf = ness->nu + 1;
  PetscFunctionReturn(0);
}

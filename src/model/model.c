/* The physical model from options: species, electrodes, electrode reactions, bulk boundaries. */
#include <ness/private/nessimpl.h>

const char *const NessPhiBCs[] = {"stern", "dirichlet", "NessPhiBC", "NESS_PHI_", NULL};

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
  PetscCall(PetscOptionsReal("-ness_temperature", "Temperature (K)", "NessSetFromOptions", ness->T, &ness->T, NULL));
  PetscCheck(ness->T > 0, comm, PETSC_ERR_USER_INPUT, "-ness_temperature must be positive, got %g K", (double)ness->T);
  PetscCall(PetscOptionsReal("-ness_permittivity", "Relative permittivity of the electrolyte", "NessSetFromOptions", ness->epsr, &ness->epsr, NULL));
  PetscCheck(ness->epsr > 0, comm, PETSC_ERR_USER_INPUT, "-ness_permittivity must be positive, got %g", (double)ness->epsr);

  /* species */
  list[0] = 0;
  PetscCall(PetscOptionsString("-ness_species_names", "Comma-separated species names", "NessSetFromOptions", list, list, sizeof(list), &set));
  PetscCheck(set && list[0], comm, PETSC_ERR_USER_INPUT, "No species: give -ness_species_names (e.g. Na,Cl)");
  PetscCall(NessSplitList(comm, list, NESS_MAX_SPECIES, names, &ness->ns, "-ness_species_names"));
  for (PetscInt i = 0; i < ness->ns; i++) {
    NessSpecies *s = &ness->sp[i];
    PetscCall(PetscStrncpy(s->name, names[i], NESS_NAME_LEN));
    s->z     = 0;
    s->D     = -1;
    s->cbulk = -1;
    s->mu0   = 0;
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_species_%s_charge", s->name));
    PetscCall(PetscOptionsReal(opt, "Charge number", "NessSetFromOptions", s->z, &s->z, NULL));
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_species_%s_diffusivity", s->name));
    PetscCall(PetscOptionsReal(opt, "Diffusivity (m^2/s)", "NessSetFromOptions", s->D, &s->D, &set));
    PetscCheck(set, comm, PETSC_ERR_USER_INPUT, "Species '%s' has no diffusivity: give %s", s->name, opt);
    PetscCheck(s->D > 0, comm, PETSC_ERR_USER_INPUT, "%s must be positive, got %g", opt, (double)s->D);
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_species_%s_bulk", s->name));
    PetscCall(PetscOptionsReal(opt, "Bulk concentration (mol/m^3)", "NessSetFromOptions", s->cbulk, &s->cbulk, &set));
    PetscCheck(set, comm, PETSC_ERR_USER_INPUT, "Species '%s' has no bulk concentration: give %s", s->name, opt);
    PetscCheck(s->cbulk > 0, comm, PETSC_ERR_USER_INPUT, "%s must be positive (use a small trace value for an absent species), got %g", opt, (double)s->cbulk);
    s->cref = s->cbulk;
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_species_%s_cref", s->name));
    PetscCall(PetscOptionsReal(opt, "Reference concentration of the kinetics (mol/m^3)", "NessSetFromOptions", s->cref, &s->cref, NULL));
    PetscCheck(s->cref > 0, comm, PETSC_ERR_USER_INPUT, "%s must be positive, got %g", opt, (double)s->cref);
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_species_%s_mu0", s->name));
    PetscCall(PetscOptionsReal(opt, "Standard chemical potential (J/mol)", "NessSetFromOptions", s->mu0, &s->mu0, NULL));
  }

  /* bulk boundaries */
  list[0] = 0;
  PetscCall(PetscOptionsString("-ness_bulk_boundaries", "Comma-separated boundary labels held at bulk composition and phi = 0", "NessSetFromOptions", list, list, sizeof(list), NULL));
  PetscCall(NessSplitList(comm, list, NESS_MAX_BOUNDARIES, ness->bulk, &ness->nbulk, "-ness_bulk_boundaries"));

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
    el->Es = 0;
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_electrode_%s_potential", el->name));
    PetscCall(PetscOptionsReal(opt, "Metal potential vs the bulk-solution reference (V)", "NessSetFromOptions", el->Es, &el->Es, &set));
    PetscCheck(set, comm, PETSC_ERR_USER_INPUT, "Electrode '%s' has no potential: give %s", el->name, opt);
    el->phibc = NESS_PHI_DIRICHLET;
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_electrode_%s_phi_bc", el->name));
    PetscCall(PetscOptionsEnum(opt, "Electrolyte potential at the electrode: Stern layer (Robin) or its Dirichlet limit", "NessSetFromOptions", NessPhiBCs, (PetscEnum)el->phibc, (PetscEnum *)&el->phibc, NULL));
    el->Cs = 0.2;
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_electrode_%s_stern_capacitance", el->name));
    PetscCall(PetscOptionsReal(opt, "Stern-layer capacitance (F/m^2)", "NessSetFromOptions", el->Cs, &el->Cs, NULL));
    PetscCheck(el->Cs > 0, comm, PETSC_ERR_USER_INPUT, "%s must be positive, got %g", opt, (double)el->Cs);
    el->Epzc = 0;
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_electrode_%s_pzc", el->name));
    PetscCall(PetscOptionsReal(opt, "Potential of zero charge (V, same reference as the potential)", "NessSetFromOptions", el->Epzc, &el->Epzc, NULL));
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
  }
  for (PetscInt r = 0; r < ness->nr; r++) {
    NessReaction *rx = &ness->rx[r];
    char          snames[NESS_MAX_SPECIES][NESS_NAME_LEN];
    PetscReal     vals[NESS_MAX_SPECIES];
    PetscInt      nsp, nv, idx;
    PetscReal     zsum = 0.0;
    rx->n              = 1;
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_reaction_%s_n", rx->name));
    PetscCall(PetscOptionsReal(opt, "Electrons transferred (reaction written as an oxidation)", "NessSetFromOptions", rx->n, &rx->n, NULL));
    PetscCheck(rx->n > 0, comm, PETSC_ERR_USER_INPUT, "%s must be positive, got %g", opt, (double)rx->n);
    rx->i0 = -1;
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_reaction_%s_i0", rx->name));
    PetscCall(PetscOptionsReal(opt, "Exchange current density at the reference concentrations (A/m^2)", "NessSetFromOptions", rx->i0, &rx->i0, &set));
    PetscCheck(set, comm, PETSC_ERR_USER_INPUT, "Reaction '%s' has no exchange current density: give %s", rx->name, opt);
    PetscCheck(rx->i0 > 0, comm, PETSC_ERR_USER_INPUT, "%s must be positive, got %g", opt, (double)rx->i0);
    rx->alpha_a = 0.5;
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_reaction_%s_alpha_a", rx->name));
    PetscCall(PetscOptionsReal(opt, "Anodic transfer coefficient", "NessSetFromOptions", rx->alpha_a, &rx->alpha_a, NULL));
    rx->alpha_c = 1.0 - rx->alpha_a;
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_reaction_%s_alpha_c", rx->name));
    PetscCall(PetscOptionsReal(opt, "Cathodic transfer coefficient", "NessSetFromOptions", rx->alpha_c, &rx->alpha_c, NULL));
    PetscCheck(rx->alpha_a >= 0 && rx->alpha_c >= 0 && rx->alpha_a + rx->alpha_c > 0, comm, PETSC_ERR_USER_INPUT, "Reaction '%s': transfer coefficients must be non-negative, got alpha_a %g alpha_c %g", rx->name, (double)rx->alpha_a, (double)rx->alpha_c);
    rx->Eeq = 0;
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_reaction_%s_E_eq", rx->name));
    PetscCall(PetscOptionsReal(opt, "Equilibrium potential at the reference concentrations (V)", "NessSetFromOptions", rx->Eeq, &rx->Eeq, NULL));
    for (PetscInt i = 0; i < NESS_MAX_SPECIES; i++) rx->nu[i] = rx->p[i] = rx->q[i] = 0;
    list[0] = 0;
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_reaction_%s_species", rx->name));
    PetscCall(PetscOptionsString(opt, "Comma-separated electrolyte species taking part", "NessSetFromOptions", list, list, sizeof(list), NULL));
    PetscCall(NessSplitList(comm, list, NESS_MAX_SPECIES, snames, &nsp, opt));
    nv = NESS_MAX_SPECIES;
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_reaction_%s_stoich", rx->name));
    PetscCall(PetscOptionsRealArray(opt, "Stoichiometric coefficients of those species in the oxidation (produced > 0)", "NessSetFromOptions", vals, &nv, &set));
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
      PetscBool check = PETSC_TRUE;
      PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_reaction_%s_charge_check", rx->name));
      PetscCall(PetscOptionsBool(opt, "Require sum(stoich*charge) = n (turn off only for model problems whose charge is carried by untracked species)", "NessSetFromOptions", check, &check, NULL));
      if (check)
        PetscCheck(PetscAbsReal(zsum - rx->n) < 1e-10, comm, PETSC_ERR_USER_INPUT, "Reaction '%s' is unbalanced in charge: sum of stoich*charge of its species is %g but n = %g (an oxidation Red -> Ox + n e- needs them equal)", rx->name, (double)zsum,
                   (double)rx->n);
    }
    rx->consistent = PetscAbsReal(rx->alpha_a + rx->alpha_c - 1.0) < 1e-12 ? PETSC_TRUE : PETSC_FALSE;
    for (PetscInt pass = 0; pass < 2; pass++) {
      nv = NESS_MAX_SPECIES;
      PetscCall(PetscSNPrintf(opt, sizeof(opt), "-ness_reaction_%s_order_%s", rx->name, pass ? "c" : "a"));
      PetscCall(PetscOptionsRealArray(opt, pass ? "Cathodic reaction orders of the listed species" : "Anodic reaction orders of the listed species", "NessSetFromOptions", vals, &nv, &set));
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

#!/usr/bin/env python3
"""Scenario regression driver (ctest scenario_<case>): runs a coarsened version of each scenario in scenarios/ on 1 and
2 MPI ranks, compares key numbers with the gold values in tests/scenarios/gold.json (value, rtol, atol per quantity)
and checks the physics against closed forms where one exists. One PASS/FAIL line per check; exit status 1 if any
check failed.

Usage:
    scenarios.py BUILD_DIR SOURCE_DIR CASE [CASE ...]          run and check (CASE: a key of CASES below, or 'all')
    scenarios.py BUILD_DIR SOURCE_DIR --regenerate CASE [...]    rewrite the gold values of CASE from a fresh run

Gold values. A quantity passes when |value - gold| <= atol + rtol |gold|. Physics values are gold to tight tolerances
(they depend only on the discretization, which the coarsened runs fix); solver statistics (Newton iterations) are gold
to loose tolerances, so that a convergence regression is visible without making the test brittle. When a change of
the discretization or of a scenario changes the numbers ON PURPOSE, regenerate the gold values of that case with
--regenerate (tolerances already in gold.json are kept; new quantities get the defaults of their case below), look at
the diff of gold.json, and explain it in the commit. A quantity missing from gold.json fails with this hint.
"""
import json
import math
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

try:
    import h5py
except ImportError:  # pragma: no cover
    h5py = None

F = 96485.33212
R = 8.314462618
T = 298.15
f = F / (R * T)
EPS0 = 8.8541878128e-12

# default tolerances of a new gold quantity: (rtol, atol)
TOL_PHYS = (1e-6, 1e-12)
TOL_ITS = (0.5, 6)


class Ctx:
    def __init__(self, build, src):
        self.build, self.src = build, src
        self.ness = os.path.join(build, "ness")
        self.work = tempfile.mkdtemp(prefix="ness_scenarios.")
        self.results = []
        self.values = {}  # gold quantity -> (value, default tolerance)

    def run(self, name, np_, scenario, *opts, expect=0):
        out = os.path.join(self.work, name)
        cmd = ["bash", os.path.join(self.src, "tools", "mpirun.sh"), "-n", str(np_), self.ness, "-options_file",
               os.path.join(self.src, scenario), "-ness_output_dir", out] + list(opts)
        t0 = time.time()
        p = subprocess.run(cmd, cwd=self.src, capture_output=True, text=True)
        dt = time.time() - t0
        if p.returncode != expect:
            raise RuntimeError("%s: exit %d (expected %d):\n%s%s" % (" ".join(cmd), p.returncode, expect, p.stdout[-2500:], p.stderr[-2500:]))
        print("      ran %-34s %2d rank(s) %5.1f s" % (name, np_, dt))
        with open(os.path.join(out, "summary.json")) as fh:
            return json.load(fh), out

    def check(self, name, ok, detail):
        self.results.append(bool(ok))
        print("%s  %s: %s" % ("PASS" if ok else "FAIL", name, detail))
        sys.stdout.flush()

    def value(self, name, v, tol=TOL_PHYS):
        self.values[name] = (float(v), tol)


def electrode(s, name):
    return next(e for e in s["electrodes"] if e["name"] == name)


def surface(out, name):
    with h5py.File(os.path.join(out, "solution.h5"), "r") as h:
        g = h["electrodes/" + name]
        d = {k: g[k][()] for k in g}
    x = d["coordinates"][:, 0] if d["coordinates"].ndim > 1 else d["coordinates"]
    o = np.argsort(x, kind="stable")
    return {k: v[o] for k, v in d.items()}


def fields(out):
    with h5py.File(os.path.join(out, "solution.h5"), "r") as h:
        x = h["geometry/vertices"][()]
        d = {k: h["fields/" + k][()] for k in h["fields"]}
    return x, d


def read_csv(path):
    with open(path) as fh:
        lines = [ln.strip() for ln in fh if ln.strip()]
    cols = lines[0].split(",")
    data = np.array([[float(v) for v in ln.split(",")] for ln in lines[1:]])
    return {c: data[:, i] for i, c in enumerate(cols)}


def rel(a, b):
    return abs(a - b) / abs(b)


def ranks_agree(ctx, case, s1, s2, keys, label="1 vs 2"):
    """the same run on two rank counts: every listed summary number agrees to 1e-8 (relative)"""
    worst = 0.0
    for k in keys:
        a, b = k(s1), k(s2)
        worst = max(worst, abs(a - b) / max(abs(a), abs(b), 1e-300))
    ctx.check("%s ranks %s" % (case, label), worst < 1e-8, "max relative difference %.2e (tolerance 1e-8)" % worst)


# --------------------------------------------------------------------------------------------------------------
def case_galvanic_mg_steel(ctx):
    scen = "scenarios/galvanic_mg_steel.yaml"
    coarse = ["-ness_mesh_file", "meshes/galvanic_mg_steel_coarse.msh"]
    s1, _ = ctx.run("galvanic_1", 1, scen, *coarse)
    s, out = ctx.run("galvanic_2", 2, scen, *coarse)
    mg, st = electrode(s, "mg"), electrode(s, "steel")
    ranks_agree(ctx, "galvanic_mg_steel", s1, s, [lambda q: electrode(q, "mg")["current_A"], lambda q: electrode(q, "mg")["potential_V"]])
    ctx.value("couple_potential_V", mg["potential_V"])
    ctx.value("galvanic_current_A", mg["current_A"])
    ctx.value("mg_corrosion_rate_mm_per_year", mg["corrosion"]["rate_mm_per_year"])
    ctx.value("steel_mean_current_density_A_per_m2", st["current_A"] / st["area_m2"])
    ctx.value("newton_iterations", s["iterations"]["newton"], TOL_ITS)
    ctx.value("linear_iterations", s["iterations"]["linear"], TOL_ITS)
    sm = surface(out, "mg")
    ctx.value("mg_current_density_at_axis_A_per_m2", sm["current_density_A_per_m2"][0])
    net = abs(mg["current_A"] + st["current_A"])
    ctx.check("galvanic net current", net < 1e-9 * mg["current_A"], "|I_mg + I_steel| = %.2e A (< 1e-9 I_galv)" % net)
    pb = s["power_balance_W"]["relative_error"]
    ctx.check("galvanic power balance", pb < 1e-8, "relative error %.2e (< 1e-8)" % pb)
    # Evans crossing: with a huge conductivity the electrolyte is equipotential and the couple sits where the two
    # Tafel lines, weighted by the areas, cross
    k, _ = ctx.run("galvanic_kappa_inf", 2, scen, *coarse, "-ness_conductivity", "1e6")
    Am, As = math.pi * 0.05 ** 2, math.pi * (0.1 ** 2 - 0.05 ** 2)
    Ee = (math.log10(0.3 * As / Am) - 1.55 / 0.055 - 0.85 / 0.22) / (1 / 0.055 + 1 / 0.22)
    Ie = 10 ** ((Ee + 1.55) / 0.055) * Am
    km = electrode(k, "mg")
    ctx.check("galvanic Evans crossing (kappa -> inf) potential", abs(km["potential_V"] - Ee) < 5e-4,
              "E = %.5f V, closed form %.5f V (tolerance 0.5 mV)" % (km["potential_V"], Ee))
    ctx.check("galvanic Evans crossing (kappa -> inf) current", rel(km["current_A"], Ie) < 2e-3,
              "I = %.5f A, closed form %.5f A (tolerance 0.2 %%)" % (km["current_A"], Ie))
    ctx.check("galvanic ohmic limitation", mg["current_A"] < 0.5 * Ie,
              "I_galv %.4f A at kappa = 7.95 S/m is below half the ohm-free %.4f A" % (mg["current_A"], Ie))


def case_disk_electrode(ctx):
    scen = "scenarios/disk_electrode.yaml"
    coarse = ["-ness_mesh_file", "meshes/disk_electrode_coarse.msh"]
    kappa, r0, dV, Rinf = 1.288, 2.5e-3, 0.01, 0.25
    s1, _ = ctx.run("disk_1", 1, scen, *coarse)
    s, out = ctx.run("disk_2", 2, scen, *coarse)
    ranks_agree(ctx, "disk_electrode", s1, s, [lambda q: q["electrodes"][0]["current_A"]])
    I = s["electrodes"][0]["current_A"]
    ctx.value("secondary_current_A", I)
    sd = surface(out, "disk")
    iav = I / s["electrodes"][0]["area_m2"]
    ctx.value("secondary_center_over_mean", sd["current_density_A_per_m2"][0] / iav)
    ctx.value("newton_iterations", s["iterations"]["newton"], TOL_ITS)
    ctx.value("linear_iterations", s["iterations"]["linear"], TOL_ITS)
    # secondary (linear kinetics): Rp + Rct <= R <= Ru + Rct (Dirichlet and Thomson principles), with the far
    # hemisphere's correction -1/(2 pi kappa Rinf)
    corr = 1 / (2 * math.pi * kappa * Rinf)
    Rp, Ru = 1 / (4 * kappa * r0) - corr, 8 / (3 * math.pi ** 2 * kappa * r0) - corr
    Rct = 1 / (10.0 * f * math.pi * r0 ** 2)
    lo, hi = dV / (Ru + Rct), dV / (Rp + Rct)
    ctx.check("disk secondary current within the variational bounds", lo <= I <= hi,
              "%.5e A in [%.5e, %.5e] A" % (I, lo, hi))
    # primary distribution (i0 -> inf): Newman's R = 1/(4 kappa r0) and i/i_avg = 1/(2 sqrt(1 - (r/r0)^2))
    p, pout = ctx.run("disk_primary", 2, scen, *coarse, "-ness_reaction_rx_i0", "1e7")
    Ip, Iex = p["electrodes"][0]["current_A"], dV / Rp
    ctx.value("primary_current_A", Ip)
    ctx.check("disk primary current vs Newman 4 kappa r0 dV", rel(Ip, Iex) < 1.5e-2,
              "I = %.5e A, closed form %.5e A: %+.2f %% (coarse mesh; tolerance 1.5 %%)" % (Ip, Iex, 100 * (Ip / Iex - 1)))
    sp = surface(pout, "disk")
    r = sp["coordinates"][:, 0] / r0
    ipav = Ip / p["electrodes"][0]["area_m2"]
    worst = 0.0
    for rr in (0.0, 0.5, 0.8):
        kk = int(np.argmin(abs(r - rr)))
        ex = 0.5 / math.sqrt(1 - r[kk] ** 2)
        worst = max(worst, rel(sp["current_density_A_per_m2"][kk] / ipav, ex))
    ctx.check("disk primary distribution 1/(2 sqrt(1 - (r/r0)^2))", worst < 1.5e-2,
              "max relative deviation at r/r0 = 0, 0.5, 0.8: %.2e (tolerance 1.5e-2)" % worst)


def gcs_charge(E, c=10.0, CS=0.2, epsr=78.5):
    eps = epsr * EPS0
    A = math.sqrt(8 * eps * R * T * c)
    lo, hi = min(0.0, E), max(0.0, E)
    for _ in range(200):
        m = 0.5 * (lo + hi)
        if CS * (E - m) - A * math.sinh(f * m / 2) > 0:
            lo = m
        else:
            hi = m
    return CS * (E - 0.5 * (lo + hi))


def case_double_layer(ctx):
    scen = "scenarios/double_layer.yaml"
    opts = ["-ness_mesh_faces", "100", "-ness_sweep_range", "-0.3,0.3", "-ness_sweep_step", "0.05"]
    s1, o1 = ctx.run("double_layer_1", 1, scen, *opts)
    s, out = ctx.run("double_layer_2", 2, scen, *opts)
    d1, d = read_csv(os.path.join(o1, "sweep.csv")), read_csv(os.path.join(out, "sweep.csv"))
    diff = np.max(np.abs(d1["charge_C_metal"] - d["charge_C_metal"])) / np.max(np.abs(d["charge_C_metal"]))
    ctx.check("double_layer ranks 1 vs 2", diff < 1e-8, "max charge difference %.2e (relative, tolerance 1e-8)" % diff)
    with open(os.path.join(out, "sweep.json")) as fh:
        meta = json.load(fh)
    ctx.check("double_layer sweep complete", meta["complete"] and meta["points"] == 13, "complete %s, %d points (13 expected)" % (meta["complete"], meta["points"]))
    E, Q = d["potential_V"], d["charge_C_metal"]
    Qx = np.array([gcs_charge(e) for e in E])
    err = np.max(np.abs(Q - Qx)) / np.max(np.abs(Qx))
    ctx.check("double_layer charge vs Gouy-Chapman-Stern", err < 2e-3, "max |Q - Q_GCS| / max |Q| = %.2e (tolerance 2e-3)" % err)
    C, Cx = np.gradient(Q, E, edge_order=2), np.gradient(Qx, E, edge_order=2)
    errc = np.max(np.abs(C - Cx) / Cx)
    ctx.check("double_layer differential capacitance vs Gouy-Chapman-Stern", errc < 5e-3,
              "max relative difference of dQ/dE (same finite differences) %.2e (tolerance 5e-3)" % errc)
    k0 = int(np.argmin(abs(E)))
    ctx.value("charge_at_minus_0.3V_C_per_m2", Q[0])
    ctx.value("capacitance_at_pzc_F_per_m2", C[k0])
    ctx.value("sweep_newton_iterations", np.sum(d["newton_its"]), TOL_ITS)
    ctx.value("sweep_linear_iterations", np.sum(d["linear_its"]), TOL_ITS)


def case_pit(ctx):
    scen = "scenarios/pit.yaml"
    coarse = ["-ness_mesh_file", "meshes/pit_coarse.msh"]
    s1, _ = ctx.run("pit_1", 1, scen, *coarse)
    s, out = ctx.run("pit_2", 2, scen, *coarse)
    ranks_agree(ctx, "pit", s1, s, [lambda q: q["electrodes"][0]["current_A"], lambda q: q["pH"]["min"]])
    e = s["electrodes"][0]
    a = 50e-6
    x, fd = fields(out)
    bottom = int(np.argmin(x[:, 0] ** 2 + (x[:, 1] + a) ** 2))
    ctx.value("pit_current_A", e["current_A"])
    ctx.value("pit_stability_product_A_per_m", e["current_A"] / e["area_m2"] * a)
    ctx.value("pit_bottom_pH", fd["pH"][bottom])
    ctx.value("pit_bottom_phi_V", fd["phi"][bottom])
    ctx.value("pit_bottom_c_Fe_mol_per_m3", fd["c_Fe"][bottom])
    ctx.value("newton_iterations", s["iterations"]["newton"], TOL_ITS)
    ctx.value("linear_iterations", s["iterations"]["linear"], TOL_ITS)
    K = 10 ** -6.5
    Kl = fd["c_FeOH"][bottom] * fd["c_H"][bottom] / fd["c_Fe"][bottom]
    ctx.check("pit hydrolysis at local equilibrium at the bottom", rel(Kl, K) < 1e-3, "c_FeOH c_H / c_Fe = %.4e, K = %.4e" % (Kl, K))
    ctx.check("pit acidified", fd["pH"][bottom] < 6.0 and s["pH"]["max"] <= 7.0 + 1e-9, "bottom pH %.3f (< 6), max pH %.3f (bulk 7)" % (fd["pH"][bottom], s["pH"]["max"]))
    pb = s["power_balance_W"]["relative_error"]
    ctx.check("pit power balance", pb < 1e-8, "relative error %.2e (< 1e-8)" % pb)


def case_galvanic_zn_steel_film(ctx):
    scen = "scenarios/galvanic_zn_steel_film.yaml"

    def film(delta):
        return ["-ness_mesh_faces", "100,2", "-ness_mesh_upper", "0.01,%g" % delta, "-ness_reaction_orr_limiting_current_c",
                "%.10g" % (1.93e-4 / delta), "-ness_velocity_shear_rate", "%.10g" % (1e-3 / delta)]

    s1, _ = ctx.run("zn_film_100um_1", 1, scen, *film(100e-6))
    s, out = ctx.run("zn_film_100um_2", 2, scen, *film(100e-6))
    ranks_agree(ctx, "galvanic_zn_steel_film", s1, s, [lambda q: electrode(q, "zn")["current_A"]])
    zn, st = electrode(s, "zn"), electrode(s, "steel")
    ctx.value("couple_potential_V", zn["potential_V"])
    ctx.value("galvanic_current_A_per_m", zn["current_A"])
    sz = surface(out, "zn")
    ctx.value("zn_current_density_at_junction_over_mean", sz["current_density_A_per_m2"][-1] / (zn["current_A"] / zn["area_m2"]))
    ctx.value("newton_iterations", s["iterations"]["newton"], TOL_ITS)
    ctx.value("linear_iterations", s["iterations"]["linear"], TOL_ITS)
    net = abs(zn["current_A"] + st["current_A"])
    ctx.check("zn film net current", net < 1e-9 * zn["current_A"], "|I_zn + I_steel| = %.2e A/m" % net)
    ilim100 = 1.93 * 0.005
    ctx.check("zn film 100 um: partly ohmic", 0.8 * ilim100 < zn["current_A"] < ilim100,
              "I = %.4e A/m between 0.8 and 1 x the diffusion limit %.4e A/m" % (zn["current_A"], ilim100))
    t, _ = ctx.run("zn_film_400um", 2, scen, *film(400e-6))
    It, Ilim = electrode(t, "zn")["current_A"], 1.93e-4 / 400e-6 * 0.005
    ctx.check("zn film 400 um: O2 diffusion limit 4 F D c / delta x steel area", rel(It, Ilim) < 5e-3,
              "I = %.5e A/m, i_lim A = %.5e A/m (tolerance 0.5 %%)" % (It, Ilim))
    ctx.value("galvanic_current_400um_A_per_m", It)


def chemostat_closed_form(u, L, cin, xs):
    D = np.array([6.7e-10, 8e-10, 8e-10, 8e-10, 1e-9])
    rx = [(0, 1, 0.2, 56.48383859029209), (1, 2, 1.0, 7.515573071316125), (2, 3, 1.0, 7.515573071316125),
          (3, 1, 0.05, 0.017704179194575325), (3, 4, 0.5, 3190.42402189417)]
    n = 5
    S = np.zeros((n, n))
    for a, b, kf, K in rx:
        kb = kf / K
        S[a, a] -= kf
        S[a, b] += kb
        S[b, a] += kf
        S[b, b] -= kb
    # D c'' - u c' + S c = 0, c(0) = cin, c'(L) = 0: modes exp(lam (x - x0)), x0 = L for growing modes
    M = np.zeros((2 * n, 2 * n))
    M[:n, n:] = np.eye(n)
    M[n:, :n] = -np.diag(1 / D) @ S
    M[n:, n:] = u * np.diag(1 / D)
    lam, V = np.linalg.eig(M)
    x0 = np.where(lam.real > 0, L, 0.0)

    def modes(x):
        return V * np.exp(lam * (x - x0))

    A = np.vstack([modes(0.0)[:n, :], modes(L)[n:, :]])
    coef = np.linalg.solve(A, np.concatenate([cin, np.zeros(n)]))
    return [(modes(x) @ coef)[:n].real for x in xs]


def case_chemostat(ctx):
    scen = "scenarios/chemostat.yaml"
    coarse = ["-ness_mesh_faces", "50,10"]
    s1, _ = ctx.run("chemostat_1", 1, scen, *coarse)
    s, out = ctx.run("chemostat_2", 2, scen, *coarse)
    ranks_agree(ctx, "chemostat", s1, s, [lambda q: q["bulk_reactions"][0]["rate_mol_per_s"], lambda q: q["entropy_production_W_per_K"]["total"]])
    rates = {b["name"]: b["rate_mol_per_s"] for b in s["bulk_reactions"]}
    for k in ("uptake", "r_ca", "release"):
        ctx.value("rate_%s_mol_per_s" % k, rates[k])
    ctx.value("entropy_production_W_per_K", s["entropy_production_W_per_K"]["total"])
    ctx.value("cycle_flux_mol_per_s", s["reaction_cycles"]["cycles"][0]["flux_mol_per_s"])
    ctx.value("newton_iterations", s["iterations"]["newton"], TOL_ITS)
    ctx.value("linear_iterations", s["iterations"]["linear"], TOL_ITS)
    pb = s["power_balance_W"]
    ctx.check("chemostat power balance: dissipation = free energy carried in", pb["relative_error"] < 1e-9 and abs(pb["chemical"]) < 1e-12 * pb["dissipation"],
              "relative error %.2e, chemical term %.1e W/m (consistent mu0: 0)" % (pb["relative_error"], pb["chemical"]))
    ctx.check("chemostat Wegscheider", s["reaction_cycles"]["wegscheider_satisfied"], "cycle affinity %.3g J/mol" % s["reaction_cycles"]["cycles"][0]["affinity_J_per_mol"])
    # plug flow (uniform velocity): y-independent, the 1D closed form of D c'' - u c' + S c = 0
    u, L = 1.3333333333333333e-4, 2e-3
    _, pout = ctx.run("chemostat_plug", 2, scen, "-ness_velocity_type", "uniform", "-ness_velocity", "%.17g,0" % u, "-ness_mesh_faces", "200,2")
    x, fd = fields(pout)
    xs = (0.5e-3, 1e-3, 2e-3)
    ex = chemostat_closed_form(u, L, np.array([5.0, 1e-3, 1e-3, 1e-3, 1e-3]), xs)
    worst = 0.0
    for xx, cx in zip(xs, ex):
        k = np.where(abs(x[:, 0] - xx) < 1e-9)[0]
        num = np.array([fd["c_" + n][k].mean() for n in "GABCP"])
        worst = max(worst, np.max(np.abs(num - cx) / np.maximum(cx, 1e-2)))
    ctx.check("chemostat plug flow vs closed form (x = 0.5, 1, 2 mm)", worst < 1.5e-2,
              "max relative error of the 5 concentrations %.2e (200 cells, 2nd order; tolerance 1.5e-2)" % worst)


def case_sweep(ctx):
    s, out = ctx.run("sweep_evans", 2, "tests/scenarios/evans_1d.yaml")
    with open(os.path.join(out, "sweep.json")) as fh:
        meta = json.load(fh)
    d = read_csv(os.path.join(out, "sweep.csv"))
    ctx.check("sweep complete", meta["complete"] and meta["points"] == 51 and meta["failed_attempts"] == 0,
              "complete %s, %d points (51), %d failed attempts" % (meta["complete"], meta["points"], meta["failed_attempts"]))
    ia, Ea, ba, ic, Ec, bc = 1e-3, -0.44, 0.06, 1e-2, -0.295, 0.12
    Ex = (math.log10(ic / ia) + Ea / ba + Ec / bc) / (1 / ba + 1 / bc)
    Ix = ia * 10 ** ((Ex - Ea) / ba)
    ctx.check("sweep corrosion potential vs Evans crossing", abs(meta["corrosion_potential_V"] - Ex) < 1e-6,
              "E_corr %.6f V, closed form %.6f V" % (meta["corrosion_potential_V"], Ex))
    ctx.check("sweep corrosion current vs Evans crossing", rel(meta["corrosion_current_A"], Ix) < 1e-4,
              "I_corr %.6e A/m^2, closed form %.6e A/m^2" % (meta["corrosion_current_A"], Ix))
    E, I = d["potential_V"], d["current_A"]
    an = E > -0.2
    ca = E < -0.5
    sa = np.polyfit(E[an], np.log10(np.abs(I[an])), 1)[0]
    sc = np.polyfit(E[ca], np.log10(np.abs(I[ca])), 1)[0]
    ctx.check("sweep anodic Tafel slope", rel(sa, 1 / ba) < 2e-3, "d log10|I|/dE = %.4f /V, 1/b_a = %.4f /V" % (sa, 1 / ba))
    ctx.check("sweep cathodic Tafel slope", rel(sc, -1 / bc) < 2e-2, "d log10|I|/dE = %.4f /V, -1/b_c = %.4f /V" % (sc, -1 / bc))
    # Butler-Volmer through a warm-started sweep: the Tafel slope alpha_a n F/(RT ln 10) of tests/data/secondary_1d.yaml
    b, bout = ctx.run("sweep_bv", 2, "tests/data/secondary_1d.yaml", "-ness_conductivity", "1e6", "-ness_sweep", "anode",
                      "-ness_sweep_range", "-0.34,-0.24", "-ness_sweep_step", "0.02")
    db = read_csv(os.path.join(bout, "sweep.csv"))
    slope = np.polyfit(db["potential_V"], np.log10(db["current_A"]), 1)[0]
    ex = 0.5 * 2 * f / math.log(10)
    ctx.check("sweep Butler-Volmer Tafel slope", rel(slope, ex) < 1e-3, "%.4f /V, alpha_a n F/(RT ln 10) = %.4f /V" % (slope, ex))
    ctx.check("sweep warm starts", np.all(db["pseudo_steps"][1:] == 0) and np.max(db["newton_its"][1:]) <= 6,
              "points after the first: no pseudo-time steps, at most %d Newton iterations (<= 6)" % np.max(db["newton_its"][1:]))
    ctx.value("evans_total_newton_iterations", np.sum(d["newton_its"]), TOL_ITS)
    ctx.value("evans_total_linear_iterations", np.sum(d["linear_its"]), TOL_ITS)
    # picture
    plot = os.path.join(ctx.src, "tools", "ness_sweep_plot.py")
    p = subprocess.run([sys.executable, plot, out], capture_output=True, text=True)
    png = os.path.join(out, "sweep.png")
    ctx.check("sweep picture", p.returncode == 0 and os.path.isfile(png) and os.path.getsize(png) > 10000,
              "ness_sweep_plot.py exit %d, sweep.png %d bytes" % (p.returncode, os.path.getsize(png) if os.path.isfile(png) else 0))


def protection(out, s):
    """IR-free steel potential E - phi at every steel vertex: its range and the protected area fraction (<= -0.80 V)"""
    E = electrode(s, "steel")["potential_V"]
    g = surface(out, "steel")
    P = E - g["phi_V"]
    return P.min(), P.max(), float(np.sum(g["area"] * (P <= -0.80)) / np.sum(g["area"]))


def case_cathodic_protection(ctx):
    scen = "scenarios/cathodic_protection.yaml"
    coarse = ["-ness_mesh_faces", "20,20,10"]
    s2, _ = ctx.run("cp_2", 2, scen, *coarse)
    s, out = ctx.run("cp_3", 3, scen, *coarse)
    ranks_agree(ctx, "cathodic_protection", s2, s, [lambda q: electrode(q, "steel")["current_A"], lambda q: electrode(q, "steel")["potential_V"]], "2 vs 3")
    st, a1, a2 = electrode(s, "steel"), electrode(s, "anode1"), electrode(s, "anode2")
    lo, hi, frac = protection(out, s)
    ctx.value("couple_potential_V", st["potential_V"])
    ctx.value("steel_current_A", st["current_A"])
    ctx.value("steel_potential_most_positive_V", hi)
    ctx.value("newton_iterations", s["iterations"]["newton"], TOL_ITS)
    ctx.value("linear_iterations", s["iterations"]["linear"], TOL_ITS)
    net = abs(st["current_A"] + a1["current_A"] + a2["current_A"])
    ctx.check("cp net current", net < 1e-9 * abs(st["current_A"]), "|I_steel + I_anodes| = %.2e A" % net)
    ctx.check("cp symmetric anodes", rel(a1["current_A"], a2["current_A"]) < 1e-8, "%.6e A and %.6e A" % (a1["current_A"], a2["current_A"]))
    ctx.check("cp criterion -0.80 V vs Ag/AgCl over the whole steel surface", frac == 1.0 and hi <= -0.80,
              "E - phi in [%.4f, %.4f] V, protected area fraction %.3f" % (lo, hi, frac))
    # the steel is polarized onto the O2 transport limit: its mean current density is the limiting 0.1 A/m^2 plus a
    # little hydrogen evolution
    ist = -st["current_A"] / st["area_m2"]
    ctx.check("cp steel current at the O2 limit", 0.1 <= ist < 0.11, "mean cathodic current density %.4f A/m^2 (O2 limit 0.1)" % ist)


def crevice_kinetics(eta, i0=0.1, n=2, alpha=0.5, eta_pp=0.20, w=0.005, i_pass=0.1):
    """active_passive law of scenarios/crevice.yaml: i = i_BV (1 - s) + i_pass s, s = 1/(1 + exp(-(eta - eta_pp)/w))"""
    s = 1 / (1 + np.exp(-(eta - eta_pp) / w))
    return i0 * (np.exp(alpha * n * f * eta) - np.exp(-alpha * n * f * eta)) * (1 - s) + i_pass * s


def crevice_1d(dE, kappa, g, L, N=2000, M=32):
    """thin-crevice 1D model phi'' = -i(dE - phi)/(kappa g), phi(0) = 0, phi'(L) = 0, by shooting from the tip
    (RK4 from x = L to 0, all candidate tip potentials at once); the bracket of the root phi(0) = 0 is refined on
    log-spaced distances dE - phi_L. Returns (I = kappa g phi'(0), phi_L, x_pass, peak current density)"""
    def shoot(pL, keep=False):
        h, p, q = L / N, pL.copy(), np.zeros_like(pL)
        rhs = lambda p: crevice_kinetics(dE - p) / (kappa * g)   # d^2 phi / ds^2 with s = L - x
        P = [p]
        with np.errstate(all="ignore"):
            for _ in range(N):   # dphi/ds = -q, dq/ds = rhs (q = dphi/dx)
                k1p, k1q = -q, rhs(p)
                k2p, k2q = -(q + 0.5 * h * k1q), rhs(p + 0.5 * h * k1p)
                k3p, k3q = -(q + 0.5 * h * k2q), rhs(p + 0.5 * h * k2p)
                k4p, k4q = -(q + h * k3q), rhs(p + h * k3p)
                p, q = p + h / 6 * (k1p + 2 * k2p + 2 * k3p + k4p), q + h / 6 * (k1q + 2 * k2q + 2 * k3q + k4q)
                if keep:
                    P.append(p)
        return p, q, P
    lo, hi = math.log(1e-12), math.log(dE)
    for _ in range(5):
        d = np.exp(np.linspace(lo, hi, M))
        p0, _, _ = shoot(dE - d)
        ok = np.isfinite(p0)
        j = [k for k in range(M - 1) if ok[k] and ok[k + 1] and (p0[k] > 0) != (p0[k + 1] > 0)]
        if len(j) != 1:
            raise RuntimeError("crevice 1D shooting: %d roots" % len(j))
        lo, hi = math.log(d[j[0]]), math.log(d[j[0] + 1])
    pL = dE - math.exp(0.5 * (lo + hi))
    p0, q0, P = shoot(np.array([pL]), keep=True)
    phi = np.array(P)[::-1, 0]
    x = np.linspace(0, L, N + 1)
    eta = dE - phi
    k = int(np.argmax(eta < 0.2))
    xp = x[k - 1] + (x[k] - x[k - 1]) * (eta[k - 1] - 0.2) / (eta[k - 1] - eta[k])
    return kappa * g * q0[0], pL, xp, float(np.max(crevice_kinetics(eta)))


def case_crevice(ctx):
    scen = "scenarios/crevice.yaml"
    coarse = ["-ness_mesh_faces", "300,2"]
    kappa, g, L, dE, eta_pp, i_pass = 3.0, 50e-6, 0.03, 0.40, 0.20, 0.1
    s1, _ = ctx.run("crevice_1", 1, scen, *coarse)
    s, out = ctx.run("crevice_2", 2, scen, *coarse)
    ranks_agree(ctx, "crevice", s1, s, [lambda q: q["electrodes"][0]["current_A"]])
    I = s["electrodes"][0]["current_A"]
    sf = surface(out, "iron")
    x, phi, i = sf["coordinates"][:, 0], sf["phi_V"], sf["current_density_A_per_m2"]
    eta = dE - phi
    k = int(np.argmax(eta < eta_pp))
    xp = x[k - 1] + (x[k] - x[k - 1]) * (eta[k - 1] - eta_pp) / (eta[k - 1] - eta[k])
    ctx.value("crevice_current_A_per_m", I)
    ctx.value("tip_phi_V", phi[-1])
    ctx.value("x_pass_m", xp)
    ctx.value("peak_current_density_A_per_m2", i.max())
    ctx.value("newton_iterations", s["iterations"]["newton"], TOL_ITS)
    ctx.value("linear_iterations", s["iterations"]["linear"], TOL_ITS)
    # IR criterion: the passive current alone would drop i_pass L^2/(2 kappa g) = 0.30 V > E - E_eq - eta_pp = 0.20 V,
    # so no passive steady state exists: the deep crevice must be active, the mouth passive
    ctx.check("crevice active/passive transition inside the crevice", eta[0] > eta_pp and eta[-1] < eta_pp and 0 < xp < L,
              "eta = %.3f V at the mouth, %.4f V at the tip (eta_pp %.2f V), x_pass = %.3f mm" % (eta[0], eta[-1], eta_pp, xp * 1e3))
    # thin-crevice 1D model phi'' = -i(eta)/(kappa g), phi(0) = 0, phi'(L) = 0, integrated once:
    # I = kappa g phi'(0) = sqrt(2 kappa g int_0^phi_tip i(dE - p) dp)
    p = np.linspace(0.0, phi[-1], 200001)
    ip = crevice_kinetics(dE - p)
    W = float(np.sum(0.5 * (ip[1:] + ip[:-1]) * np.diff(p)))
    I1 = math.sqrt(2 * kappa * g * W)
    ctx.check("crevice first integral of the 1D thin-crevice model", rel(I, I1) < 1e-2,
              "I = %.5e A/m, sqrt(2 kappa g int i dphi) with the computed tip potential = %.5e A/m (coarse mesh; tolerance 1 %%)" % (I, I1))
    I1d, pL1d, xp1d, ipk1d = crevice_1d(dE, kappa, g, L)
    ctx.check("crevice current vs the 1D thin-crevice model (shooting)", rel(I, I1d) < 1.5e-2,
              "I = %.5e A/m, 1D %.5e A/m (coarse mesh; tolerance 1.5 %%)" % (I, I1d))
    ctx.check("crevice tip potential vs the 1D model", abs(phi[-1] - pL1d) < 1e-4,
              "phi_tip = %.6f V, 1D %.6f V (tolerance 0.1 mV)" % (phi[-1], pL1d))
    ctx.check("crevice x_pass vs the 1D model", abs(xp - xp1d) < 5e-5,
              "x_pass = %.4f mm, 1D %.4f mm (tolerance 0.05 mm, half a coarse cell)" % (xp * 1e3, xp1d * 1e3))
    pb = s["power_balance_W"]["relative_error"]
    ctx.check("crevice power balance", pb < 1e-8, "relative error %.2e (< 1e-8)" % pb)


CASES = {
    "galvanic_mg_steel": case_galvanic_mg_steel,
    "disk_electrode": case_disk_electrode,
    "double_layer": case_double_layer,
    "pit": case_pit,
    "galvanic_zn_steel_film": case_galvanic_zn_steel_film,
    "chemostat": case_chemostat,
    "sweep": case_sweep,
    "cathodic_protection": case_cathodic_protection,
    "crevice": case_crevice,
}


def main(argv):
    if len(argv) < 4:
        print(__doc__)
        return 2
    build, src = os.path.abspath(argv[1]), os.path.abspath(argv[2])
    regen = "--regenerate" in argv
    names = [a for a in argv[3:] if a != "--regenerate"]
    if names == ["all"]:
        names = list(CASES)
    goldfile = os.path.join(src, "tests", "scenarios", "gold.json")
    with open(goldfile) as fh:
        gold = json.load(fh)
    ctx = Ctx(build, src)
    t0 = time.time()
    for name in names:
        if name not in CASES:
            print("unknown case %s (known: %s)" % (name, ", ".join(CASES)))
            return 2
        ctx.values = {}
        try:
            CASES[name](ctx)
        except Exception as exc:  # a failed run is a failed check, not a crash of the driver
            ctx.check(name, False, "%s: %s" % (type(exc).__name__, exc))
            continue
        g = gold.setdefault(name, {})
        if regen:
            for q, (v, tol) in ctx.values.items():
                old = g.get(q, {})
                g[q] = {"value": v, "rtol": old.get("rtol", tol[0]), "atol": old.get("atol", tol[1])}
            print("      regenerated %d gold values of %s" % (len(ctx.values), name))
            continue
        for q, (v, _) in ctx.values.items():
            if q not in g:
                ctx.check("%s %s" % (name, q), False, "%.10g has no gold value: run %s BUILD SRC --regenerate %s and review the diff of tests/scenarios/gold.json" % (v, argv[0], name))
                continue
            ref, rt, at = g[q]["value"], g[q]["rtol"], g[q]["atol"]
            ok = abs(v - ref) <= at + rt * abs(ref)
            ctx.check("%s %s" % (name, q), ok, "%.10g, gold %.10g (rtol %g, atol %g)" % (v, ref, rt, at))
    if regen:
        tmp = goldfile + ".tmp"
        with open(tmp, "w") as fh:
            json.dump(gold, fh, indent=1, sort_keys=True)
            fh.write("\n")
        os.replace(tmp, goldfile)
        print("wrote %s" % goldfile)
    nfail = ctx.results.count(False)
    print("scenarios %s: %d passed, %d failed (%.1f s)" % (",".join(names), ctx.results.count(True), nfail, time.time() - t0))
    return 1 if nfail else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/env python3
"""Corrosion electrochemistry against closed forms (issue: transport models, metal potential control, advection,
axisymmetry). Runs the ness program under MPI and checks its outputs; prints one PASS/FAIL line per check.

Usage: corrosion.py BUILD_DIR SOURCE_DIR
"""
import json
import math
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

F = 96485.33212
R = 8.314462618
T = 298.15
f = F / (R * T)

build, src = sys.argv[1], sys.argv[2]
ness = os.path.join(build, "ness")
mpirun = ["bash", os.path.join(src, "tools", "mpirun.sh")]
work = tempfile.mkdtemp(prefix="ness_corrosion.")
results = []


def run(name, np_, scenario, *opts):
    out = os.path.join(work, name)
    cmd = mpirun + ["-n", str(np_), ness, "-options_file", os.path.join(src, scenario), "-ness_output_dir", out] + list(opts)
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError("%s failed (exit %d):\n%s%s" % (" ".join(cmd), p.returncode, p.stdout[-2000:], p.stderr[-2000:]))
    with open(os.path.join(out, "summary.json")) as fh:
        return json.load(fh), out


def profile(out, field):
    with h5py.File(os.path.join(out, "solution.h5"), "r") as h:
        x = h["geometry/vertices"][()]
        v = h["fields/" + field][()]
    x = x[:, 0] if x.ndim > 1 else x
    o = np.argsort(x, kind="stable")
    return x[o], v[o]


def check(name, ok, detail):
    results.append(ok)
    print("%s  %s: %s" % ("PASS" if ok else "FAIL", name, detail))
    sys.stdout.flush()


def guarded(name, fn):
    try:
        fn()
    except Exception as e:  # a failed run is a failed check, not a crash of the suite
        check(name, False, str(e))


# 1. electroneutral binary electrolyte (CuSO4), depositing cathode and a bulk reservoir
def en_binary():
    L, c0, Dp, z = 1e-4, 100.0, 0.72e-9, 2
    ilim = 2 * z * F * Dp * c0 / L
    errs, hs = [], []
    for n in (100, 200, 400):
        d, out = run("en%d" % n, 2, "tests/data/en_binary.yaml", "-ness_mesh_faces", str(n))
        x, c = profile(out, "c_Cu")
        _, a = profile(out, "c_SO4")
        _, phi = profile(out, "phi")
        I = d["electrodes"][0]["current_A"]
        errs.append(abs(-I / (1 - c[0] / c0) / ilim - 1))
        hs.append(L / n)
        lin = c[0] + (c0 - c[0]) * x / L
        pol = d["electrodes"][0]["reactions"][0]["polarization_V"]
        phi_err = abs(phi[0] - math.log(c[0] / c0) / (z * f))
        conc_err = abs(pol["concentration"] + pol["ohmic"] - 2 * math.log(c[0] / c0) / (z * f))
    order = math.log(errs[0] / errs[-1]) / math.log(hs[0] / hs[-1])
    check("electroneutral limiting current", errs[-1] < 2e-5 and order > 1.9,
          "I = i_lim (1 - c(0)/c0) with i_lim = 2zFD+c0/L = %.4f A/m^2: relative errors %s at N = 100, 200, 400, order %.2f"
          % (ilim, ", ".join("%.2e" % e for e in errs), order))
    check("electroneutral profile", np.abs(c - lin).max() < 1e-3 * c0 and np.abs(a - c).max() < 1e-10 * c0,
          "c_Cu linear to %.2e mol/m^3 (N = 400), c_SO4 = c_Cu to %.1e" % (np.abs(c - lin).max(), np.abs(a - c).max()))
    check("electroneutral potential", phi_err < 1e-9 and conc_err < 1e-9,
          "phi(0) = (RT/zF) ln(c(0)/c0) to %.1e V; concentration + ohmic polarization = (2RT/zF) ln(c(0)/c0) to %.1e V"
          % (phi_err, conc_err))
    # PNP with a thin Debye layer (lambda_D/L ~ 5e-6) reduces to the electroneutral relations away from the walls
    d, out = run("pnp_thin", 2, "tests/data/en_binary.yaml", "-ness_model", "pnp", "-ness_mesh_faces", "300",
                 "-ness_mesh_grade", "10", "-ness_electrode_cathode_phi_bc", "stern")
    x, c = profile(out, "c_Cu")
    _, phi = profile(out, "phi")
    I = d["electrodes"][0]["current_A"]
    worst_c, worst_p = 0.0, 0.0
    for xq in (0.25 * L, 0.5 * L, 0.75 * L):
        cen = c0 + I * (L - xq) / (2 * z * F * Dp)  # I < 0 (cathodic)
        worst_c = max(worst_c, abs(np.interp(xq, x, c) - cen) / c0)
        worst_p = max(worst_p, abs(np.interp(xq, x, phi) - math.log(cen / c0) / (z * f)))
    check("pnp thin layer = electroneutral away from the wall", worst_c < 1e-4 and worst_p < 1e-5,
          "at x = L/4, L/2, 3L/4 the PNP concentration matches c0 - |I|(L-x)/(2zFD+) to %.1e c0 and phi matches "
          "(RT/zF) ln(c/c0) to %.1e V (PNP current %.3f A/m^2)" % (worst_c, worst_p, I))


# 1b. closed cell (no reservoir): the sulfate's total amount is fixed (-ness_closed_species), i_lim = 4zFD+c0/L, and
#     the cell voltage V = eta_a - eta_c + (RT/zF) ln(c(L)/c(0)) with Butler-Volmer (n = 2, alpha = 1/2) at the surface
#     concentrations c0 (1 +- I/i_lim) gives I by a scalar root
def en_closed_form(V, i0, ilim, z):
    def eta(i, a):  # i = i0 [e^(f eta) - a e^(-f eta)]  =>  e^(f eta) = (i/i0 + sqrt((i/i0)^2 + 4a))/2
        q = i / i0
        return math.log((q + math.sqrt(q * q + 4 * a)) / 2) / f
    def g(r):
        return eta(ilim * r, 1 + r) - eta(-ilim * r, 1 - r) + math.log((1 + r) / (1 - r)) / (z * f) - V
    lo, hi = 0.0, 1.0 - 1e-15
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if g(mid) < 0 else (lo, mid)
    return 0.5 * (lo + hi) * ilim


def en_closed():
    L, c0, Dp, z, i0 = 1e-4, 100.0, 0.72e-9, 2, 10.0
    ilim = 4 * z * F * Dp * c0 / L
    for V, meshes in ((0.1, (100, 200, 400)), (0.4, (200, 400, 800))):  # 0.4 V: I/i_lim = 0.992, steep near the cathode
        errs, hs = [], []
        for n in meshes:
            d, out = run("encl%d_%g" % (n, V), 2, "tests/data/en_closed.yaml", "-ness_mesh_faces", str(n),
                         "-ness_electrode_cathode_potential", str(-V / 2), "-ness_electrode_anode_potential", str(V / 2))
            x, c = profile(out, "c_Cu")
            _, a = profile(out, "c_SO4")
            _, phi = profile(out, "phi")
            I = d["electrodes"][1]["current_A"]
            Iex = en_closed_form(V, i0, ilim, z)
            dphi = abs(phi[-1] - phi[0] - 2 * math.atanh(I / ilim) / (z * f))  # closed form with the measured I
            boltz = abs(phi[-1] - phi[0] - math.log(c[-1] / c[0]) / (z * f))  # blocked anion: Boltzmann, exact
            errs.append(abs(I / Iex - 1))
            hs.append(L / n)
            w = np.full(len(x), x[1] - x[0]); w[0] = w[-1] = 0.5 * w[0]  # uniform mesh: the box volumes
            mean = float(np.sum(w * a) / np.sum(w))
            lin = c[0] + (c[-1] - c[0]) * x / L
            net = abs(d["electrodes"][0]["current_A"] + I) / abs(I)
        order = math.log(errs[0] / errs[-1]) / math.log(hs[0] / hs[-1])
        check("closed cell current, V = %g V" % V, errs[-1] < 1e-4 and order > 1.9,
              "I/i_lim = %.6f (i_lim = 4zFD+c0/L = %.3f A/m^2); I against the closed form (Butler-Volmer + (RT/zF) ln(c(L)/c(0)) "
              "with c = c0 (1 +- I/i_lim)): relative errors %s at N = %s, order %.2f" % (I / ilim, ilim, ", ".join("%.2e" % e for e in errs), ", ".join(map(str, meshes)), order))
        check("closed cell profile, V = %g V" % V, abs(mean / c0 - 1) < 1e-12 and np.abs(c - lin).max() < 1e-3 * c0 and net < 1e-10
              and abs((c[-1] - c[0]) / (2 * c0) - I / ilim) < 1e-4 and boltz < 1e-10 and dphi < (1e-6 if V < 0.2 else 2e-4),
              "mean c_SO4 = c0 to %.1e (the constraint), c linear to %.1e mol/m^3, (c(L) - c(0))/(2 c0) = I/i_lim to %.1e, "
              "electrolyte potential drop phi(L) - phi(0) = (RT/zF) ln(c(L)/c(0)) to %.1e V and = (2RT/zF) artanh(I/i_lim) to %.1e V "
              "(sensitivity 1/(1 - (I/i_lim)^2) = %.0f), anode and cathode currents balance to %.1e"
              % (abs(mean / c0 - 1), np.abs(c - lin).max(), abs((c[-1] - c[0]) / (2 * c0) - I / ilim), boltz, dphi, 1 / (1 - (I / ilim) ** 2), net))
    # the same cell by PNP with thin double layers (Stern) and on 1 and 3 ranks: the electroneutral relations hold
    # away from the walls, and the answer does not depend on the number of ranks
    V = 0.1
    res = []
    for np_ in (1, 3):
        d, out = run("pnp_closed%d" % np_, np_, "tests/data/en_closed.yaml", "-ness_model", "pnp", "-ness_closed_species", "SO4",
                     "-ness_mesh_faces", "400", "-ness_mesh_grade", "6", "-ness_electrode_cathode_phi_bc", "stern",
                     "-ness_electrode_anode_phi_bc", "stern")
        res.append((d["electrodes"][1]["current_A"], out))
    I, out = res[0]
    x, c = profile(out, "c_Cu")
    _, a = profile(out, "c_SO4")
    worst = 0.0
    for xq in (0.25 * L, 0.5 * L, 0.75 * L):
        cen = c0 * (1 + (2 * xq / L - 1) * I / ilim)
        worst = max(worst, abs(np.interp(xq, x, c) - cen) / c0, abs(np.interp(xq, x, a) - cen) / c0)
    check("closed cell by pnp", worst < 1e-3 and abs(res[1][0] / I - 1) < 1e-10,
          "PNP current %.5f A/m^2 (electroneutral closed form %.5f); c_Cu, c_SO4 match c0 (1 + (2x/L - 1) I/i_lim) with PNP's "
          "own I at x = L/4, L/2, 3L/4 to %.1e c0; 1 and 3 ranks agree to %.1e" % (I, en_closed_form(V, i0, ilim, z), worst, abs(res[1][0] / I - 1)))


# 2. secondary current distribution: Ohm's law + Butler-Volmer, a scalar root
def secondary():
    kappa, L, i0, E, Eeq = 5.0, 1e-2, 1.0, -0.3, -0.44

    def g(i):
        eta = E - Eeq - i * L / kappa
        return i - i0 * (math.exp(f * eta) - math.exp(-f * eta))

    lo, hi = 0.0, 1e4
    for _ in range(200):
        m = 0.5 * (lo + hi)
        lo, hi = (lo, m) if g(m) > 0 else (m, hi)
    d, out = run("sec1d", 2, "tests/data/secondary_1d.yaml")
    I = d["electrodes"][0]["current_A"]
    check("secondary 1D vs Ohm + Butler-Volmer", abs(I / m - 1) < 1e-10,
          "I = %.12g A/m^2, scalar root %.12g, relative difference %.1e" % (I, m, abs(I / m - 1)))
    # galvanostatic with that current recovers the potential
    d2, _ = run("sec1d_gal", 2, "tests/data/secondary_1d.yaml", "-ness_electrode_anode_control", "galvanostatic",
                "-ness_electrode_anode_current", "%.17g" % I)
    dE = abs(d2["electrodes"][0]["potential_V"] - E)
    check("secondary galvanostatic = potentiostatic", dE < 1e-8,
          "current %.6g A/m^2 imposed: potential %.12f V vs %.2f V (difference %.1e V)" % (I, d2["electrodes"][0]["potential_V"], E, dE))


def pnp_galvanostatic():
    d, _ = run("pnp_pot", 2, "scenarios/default.yaml", "-ness_mesh_faces", "24,20")
    I = d["electrodes"][0]["current_A"]
    d2, _ = run("pnp_gal", 2, "scenarios/default.yaml", "-ness_mesh_faces", "24,20", "-ness_electrode_anode_control",
                "galvanostatic", "-ness_electrode_anode_current", "%.17g" % I, "-ness_electrode_anode_potential", "-0.35")
    dE = abs(d2["electrodes"][0]["potential_V"] + 0.30)
    check("pnp galvanostatic = potentiostatic", dE < 1e-8,
          "default scenario (24x20): current %.9e A imposed, potential %.12f V vs -0.30 V (difference %.1e V)"
          % (I, d2["electrodes"][0]["potential_V"], dE))


# 3. floating galvanic couple against the Evans-diagram crossing (Tafel lines, closed form)
def evans():
    diffs = []
    for kappa in (1e5, 1e6):
        d, _ = run("galv%g" % kappa, 2, "tests/data/galvanic_strip.yaml", "-ness_conductivity", "%g" % kappa)
        el = {e["name"]: e for e in d["electrodes"]}
        Amg, Ast = el["mg"]["area_m2"], el["steel"]["area_m2"]
        Ev = (math.log10(Ast * 0.3 / (Amg * 1.0)) - 1.55 / 0.055 - 0.85 / 0.22) / (1 / 0.055 + 1 / 0.22)
        diffs.append(abs(el["mg"]["potential_V"] - Ev))
        net = el["mg"]["current_A"] + el["steel"]["current_A"]
    check("floating couple = Evans crossing", diffs[-1] < 2e-6 and diffs[0] / diffs[1] > 5 and abs(net) < 1e-10 * abs(el["mg"]["current_A"]),
          "E_Evans = %.6f V; |E - E_Evans| = %.2e V (kappa 1e5 S/m), %.2e V (1e6 S/m): the difference is the ohmic drop, "
          "~1/kappa; net current of the couple %.1e A" % (Ev, diffs[0], diffs[1], net))


# 3b. several reactions on one electrode: iron dissolution + hydrogen evolution (Tafel lines) on one floating
#     electrode (free corrosion; net current 0, so no ohmic drop in 1D) and the same electrode held at -0.30 V with
#     kappa = 5 S/m (the two lines plus the ohmic drop i L/kappa: a scalar root); Faraday's law for the rate
def free_corrosion():
    i0a, Ea, ba, i0c, Ec, bc, M, rho, n = 1e-3, -0.44, 0.06, 1e-2, -0.30, 0.12, 0.055845, 7874.0, 2
    Ecorr = (math.log10(i0c / i0a) + Ea / ba + Ec / bc) / (1 / ba + 1 / bc)
    icorr = i0a * 10 ** ((Ecorr - Ea) / ba)
    rate = icorr * M / (n * F * rho) * 365.25 * 86400 * 1e3
    d, _ = run("freecorr", 2, "tests/data/free_corrosion.yaml")
    e = d["electrodes"][0]
    r = {x["name"]: x["current_A"] for x in e["reactions"]}
    dE, di, dr = abs(e["potential_V"] - Ecorr), abs(e["corrosion"]["current_density_A_per_m2"] / icorr - 1), abs(e["corrosion"]["rate_mm_per_year"] / rate - 1)
    check("free corrosion, two reactions on one electrode", dE < 1e-10 and di < 1e-9 and dr < 1e-9 and abs(r["fe"] + r["h2"]) < 1e-12 * r["fe"],
          "E_corr = %.10f V (Tafel crossing %.10f, difference %.1e V), i_corr %.6e A/m^2 (relative %.1e), rate %.6f mm/year "
          "(Faraday %.1e), partial currents fe %+.4e, h2 %+.4e A/m^2" % (e["potential_V"], Ecorr, dE, icorr, di, e["corrosion"]["rate_mm_per_year"], dr, r["fe"], r["h2"]))
    E, L, kappa = -0.30, 1e-2, 5.0
    def g(i):
        eta = E - i * L / kappa
        return i0a * 10 ** ((eta - Ea) / ba) - i0c * 10 ** (-(eta - Ec) / bc) - i
    lo, hi = 0.0, 10.0  # g(0) > 0 at E = -0.30 V (anodic), g(10) < 0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if g(mid) > 0 else (lo, mid)
    iex = 0.5 * (lo + hi)
    d, _ = run("twopot", 2, "tests/data/free_corrosion.yaml", "-ness_conductivity", "5", "-ness_electrode_iron_control", "potentiostatic",
               "-ness_electrode_iron_potential", "-0.30")
    i = d["electrodes"][0]["current_A"]
    check("two reactions on one electrode, potentiostatic", abs(i / iex - 1) < 1e-9,
          "net current %.10e A/m^2 vs the two Tafel lines with the ohmic drop (scalar root) %.10e: relative %.1e" % (i, iex, abs(i / iex - 1)))


# 4. advection-diffusion in 1D: exponential profile, reproduced at the vertices by the exponentially fitted flux
def advection():
    L, D, u, cb = 1e-4, 1e-9, 2e-4, 1.0
    d, out = run("adv", 2, "tests/data/advection_1d.yaml")
    i = d["electrodes"][0]["current_A"]
    J0 = i / F  # n = 1, stoich 1
    x, c = profile(out, "c_O")
    A = J0 / u
    exact = A + (cb - A) * np.exp(u * (x - L) / D)
    err = np.abs(c - exact).max() / np.abs(exact).max()
    check("advection-diffusion exact at vertices", err < 1e-10,
          "Pe = uL/D = %.0f, produced flux %.4e mol/(m^2 s): max relative vertex error %.1e" % (u * L / D, J0, err))


# 5. axisymmetric coaxial cylinders: Ohm's law in cylindrical coordinates + Butler-Volmer
def axisym():
    r1, r2, H, kappa, i0, E, Eeq = 1e-3, 1e-2, 2e-3, 5.0, 1.0, -0.3, -0.44

    def g(i):  # i: current density at r1; phi(r1) = i r1 ln(r2/r1)/kappa
        eta = E - Eeq - i * r1 * math.log(r2 / r1) / kappa
        return i - i0 * (math.exp(f * eta) - math.exp(-f * eta))

    lo, hi = 0.0, 1e4
    for _ in range(200):
        m = 0.5 * (lo + hi)
        lo, hi = (lo, m) if g(m) > 0 else (m, hi)
    Iex = 2 * math.pi * r1 * H * m
    errs = []
    for n in (8, 16, 32):
        d, _ = run("axi%d" % n, 2, "tests/data/secondary_1d.yaml", "-ness_coordinates", "axisymmetric", "-ness_mesh_dim", "2",
                   "-ness_mesh_faces", "%d,2" % n, "-ness_mesh_lower", "%g,0" % r1, "-ness_mesh_upper", "%g,%g" % (r2, H),
                   "-ness_electrode_anode_label", "left")
        errs.append(abs(d["electrodes"][0]["current_A"] / Iex - 1))
        area = d["electrodes"][0]["area_m2"]
    order = math.log(errs[0] / errs[-1]) / math.log(4)
    check("axisymmetric coaxial cell", order > 1.8 and abs(area / (2 * math.pi * r1 * H) - 1) < 1e-12,
          "total current vs closed form %.6e A: relative errors %s at 8, 16, 32 cells in r, order %.2f; electrode area 2 pi r1 H to %.0e"
          % (Iex, ", ".join("%.2e" % e for e in errs), order, abs(area / (2 * math.pi * r1 * H) - 1)))


# 6. pure diffusion between two reservoirs of different composition: the entropy production equals its closed
#    form R J ln(c1/c2) (J = D (c1 - c2)/L) and the power balance holds with the open boundaries as the only supply
def reservoirs():
    D, L, c1, c2 = 1e-9, 1e-4, 2.0, 1.0
    d, _ = run("reservoirs", 2, "tests/data/reservoirs_1d.yaml")
    S = d["entropy_production_W_per_K"]["total"]
    J = D * (c1 - c2) / L
    ex = R * J * math.log(c1 / c2)
    pb = d["power_balance_W"]
    check("diffusion between two reservoirs", abs(S / ex - 1) < 1e-12 and pb["relative_error"] < 1e-12,
          "S = %.15e W/(K m^2) vs R J ln(c1/c2) = %.15e (relative difference %.1e); dissipation = open-boundary supply to %.1e"
          % (S, ex, abs(S / ex - 1), pb["relative_error"]))


for name, fn in (("reservoirs", reservoirs), ("electroneutral", en_binary), ("closed cell", en_closed), ("secondary", secondary), ("pnp galvanostatic", pnp_galvanostatic),
                 ("evans", evans), ("free corrosion", free_corrosion), ("advection", advection), ("axisymmetric", axisym)):
    guarded(name, fn)
print("%d passed, %d failed" % (sum(results), len(results) - sum(results)))
sys.exit(0 if all(results) and results else 1)

#!/usr/bin/env python3
"""Regenerate the scenario pictures docs/images/scenario_<name>.png from full-resolution runs.

Usage (from the repository root, after a build):
    /usr/bin/python3 docs/scenarios/make_pictures.py BUILD_DIR [NAME ...]

Runs each scenario (scenarios/<name>.yaml, 2 MPI ranks) into /tmp/ness_scenario_<name> and draws one figure per
scenario from its summary.json, solution.h5 and (for sweeps) sweep.csv. Without NAME, every scenario is drawn.
"""
import json
import math
import os
import subprocess
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.tri import Triangulation  # noqa: E402

SRC = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
IMG = os.path.join(SRC, "docs", "images")
F = 96485.33212
R = 8.314462618
SECONDS_PER_YEAR = 365.25 * 24 * 3600


def run(build, name, *opts, out=None):
    out = out or "/tmp/ness_scenario_%s" % name
    cmd = ["bash", os.path.join(SRC, "tools", "mpirun.sh"), "-n", "2", os.path.join(build, "ness"), "-options_file",
           os.path.join(SRC, "scenarios", name + ".yaml"), "-ness_output_dir", out] + list(opts)
    p = subprocess.run(cmd, cwd=SRC, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError("%s failed:\n%s%s" % (" ".join(cmd), p.stdout[-3000:], p.stderr[-3000:]))
    with open(os.path.join(out, "summary.json")) as fh:
        return json.load(fh), out


def load(out):
    h = h5py.File(os.path.join(out, "solution.h5"), "r")
    return h


def electrode(h, name):
    g = h["electrodes/" + name]
    x = g["coordinates"][()]
    o = np.argsort(x[:, 0] if x.ndim > 1 else x)
    return {k: g[k][()][o] for k in g}


def save(fig, name):
    path = os.path.join(IMG, "scenario_%s.png" % name)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    print("wrote", path)


# ---------------------------------------------------------------------------------------------------------------
def galvanic_mg_steel(build):
    s, out = run(build, "galvanic_mg_steel")
    h = load(out)
    xy = h["geometry/vertices"][()]
    tri = Triangulation(xy[:, 0] * 100, xy[:, 1] * 100, h["topology/cells"][()])
    phi = h["fields/phi"][()]
    mg, st = electrode(h, "mg"), electrode(h, "steel")
    e = {x["name"]: x for x in s["electrodes"]}
    M, rho, n = 0.024305, 1738.0, 2
    fig = plt.figure(figsize=(13, 5.2), constrained_layout=True)
    gs = fig.add_gridspec(2, 2, width_ratios=[1.15, 1])
    ax = fig.add_subplot(gs[:, 0])
    cf = ax.tricontourf(tri, phi * 1000, levels=30, cmap="viridis")
    ax.tricontour(tri, phi * 1000, levels=15, colors="w", linewidths=0.4)
    fig.colorbar(cf, ax=ax, label="electrolyte potential \u03c6 [mV] (0 at the reference tip)")
    ax.plot([0, 5], [0, 0], color="tab:red", lw=6, solid_capstyle="butt", label="Mg alloy (r < 5 cm)")
    ax.plot([5, 10], [0, 0], color="0.3", lw=6, solid_capstyle="butt", label="mild steel")
    ax.plot([0, 0.2], [7.5, 7.5], color="tab:orange", lw=6, solid_capstyle="butt", label="reference (\u03c6 = 0)")
    ax.set_aspect("equal")
    ax.set_xlabel("r [cm]")
    ax.set_ylabel("z [cm]")
    ax.set_ylim(-0.4, 7.6)
    ax.legend(loc="upper right", fontsize=8)
    ax.set_title("Mg\u2013steel couple, secondary distribution: E_couple = %.4f V, I_galv = %.4f A"
                 % (e["mg"]["potential_V"], e["mg"]["current_A"]), fontsize=10)
    a1 = fig.add_subplot(gs[0, 1])
    a1.plot(mg["coordinates"][:, 0] * 100, mg["current_density_A_per_m2"], color="tab:red", label="Mg (anodic)")
    a1.plot(st["coordinates"][:, 0] * 100, st["current_density_A_per_m2"], color="0.3", label="steel (cathodic)")
    a1.axhline(0, color="0.6", lw=0.6)
    a1.axvline(5, color="0.6", lw=0.6, ls=":")
    a1.set_ylabel("current density [A/m\u00b2]")
    a1.set_xlim(0, 10)
    a1.legend(fontsize=8)
    a1.grid(alpha=0.3)
    a2 = fig.add_subplot(gs[1, 1], sharex=a1)
    rate = mg["mg_dissolution_current_density_A_per_m2"] * M / (n * F * rho) * 1000 * SECONDS_PER_YEAR
    a2.plot(mg["coordinates"][:, 0] * 100, rate, color="tab:red")
    a2.axhline(e["mg"]["corrosion"]["rate_mm_per_year"], color="tab:red", ls="--", lw=0.8,
               label="mean %.0f mm/year" % e["mg"]["corrosion"]["rate_mm_per_year"])
    a2.set_xlabel("r [cm]")
    a2.set_ylabel("Mg corrosion rate [mm/year]")
    a2.legend(fontsize=8)
    a2.grid(alpha=0.3)
    save(fig, "galvanic_mg_steel")


# ---------------------------------------------------------------------------------------------------------------
def disk_electrode(build):
    r0, kappa, dV, Rinf = 2.5e-3, 1.288, 0.01, 0.25
    s, out = run(build, "disk_electrode")
    p, pout = run(build, "disk_electrode", "-ness_reaction_rx_i0", "1e7", out="/tmp/ness_scenario_disk_primary")
    h = load(pout)
    xy = h["geometry/vertices"][()] / r0
    tri = Triangulation(xy[:, 0], xy[:, 1], h["topology/cells"][()])
    phi = h["fields/phi"][()]
    fig, ax = plt.subplots(1, 2, figsize=(12.5, 4.8), constrained_layout=True)
    cf = ax[0].tricontourf(tri, phi * 1000, levels=np.linspace(0, dV * 1000, 41), cmap="viridis")
    ax[0].tricontour(tri, phi * 1000, levels=np.linspace(0.5, 9.5, 10), colors="w", linewidths=0.5)
    fig.colorbar(cf, ax=ax[0], label="\u03c6 [mV] (primary distribution: \u03c6 = 10 mV on the disk)")
    ax[0].plot([0, 1], [0, 0], color="tab:red", lw=5, solid_capstyle="butt", label="disk")
    ax[0].set_xlim(0, 3)
    ax[0].set_ylim(0, 2)
    ax[0].set_aspect("equal")
    ax[0].set_xlabel("r / r0")
    ax[0].set_ylabel("z / r0")
    ax[0].legend(loc="upper right")
    ax[0].set_title("primary distribution near the disk (domain: quarter disk of radius 100 r0)", fontsize=10)
    rr = np.linspace(0, 0.995, 400)
    ax[1].plot(rr, 0.5 / np.sqrt(1 - rr ** 2), "k-", lw=1, label="Newman: 1/(2\u221a(1-(r/r0)\u00b2))")
    for res, lab, col in ((pout, "primary (i0 = 10\u2077 A/m\u00b2), ness", "tab:red"), (out, "secondary, J = 0.756, ness", "tab:blue")):
        g = electrode(load(res), "disk")
        with open(os.path.join(res, "summary.json")) as fh:
            e = json.load(fh)["electrodes"][0]
        iav = e["current_A"] / e["area_m2"]
        ax[1].plot(g["coordinates"][:, 0] / r0, g["current_density_A_per_m2"] / iav, "o", ms=2.5, color=col, label=lab)
    ax[1].set_ylim(0, 4)
    ax[1].set_xlabel("r / r0")
    ax[1].set_ylabel("i / i_avg")
    ax[1].grid(alpha=0.3)
    ax[1].legend(fontsize=9, loc="upper left")
    Ip = p["electrodes"][0]["current_A"]
    ax[1].set_title("primary: I = %.4e A (closed form, far-field corrected, 1.2963e-04 A)\nsecondary (linear kinetics): I = %.4e A"
                    % (Ip, s["electrodes"][0]["current_A"]), fontsize=9)
    save(fig, "disk_electrode")


def double_layer(build):
    s, out = run(build, "double_layer")
    sys.path.insert(0, os.path.join(SRC, "tools"))
    import ness_sweep_plot as sp
    _, d = sp.read_sweep(os.path.join(out, "sweep.csv"))
    E, Q = d["potential_V"], d["charge_C_metal"]
    T, c, CS, eps = 298.15, 10.0, 0.2, 78.5 * 8.8541878128e-12
    fF = F / (R * T)
    A = math.sqrt(8 * eps * R * T * c)
    kap = math.sqrt(2 * F * F * c / (eps * R * T))
    ph = np.linspace(-0.25, 0.25, 2001)
    Eg = ph + A * np.sinh(fF * ph / 2) / CS
    Qg = A * np.sinh(fF * ph / 2)
    Cg = 1 / (1 / CS + 1 / (eps * kap * np.cosh(fF * ph / 2)))
    keep = np.abs(Eg) <= 0.42
    ph, Eg, Qg, Cg = ph[keep], Eg[keep], Qg[keep], Cg[keep]
    fig, ax = plt.subplots(1, 3, figsize=(15, 4.4), constrained_layout=True)
    ax[0].plot(Eg, Qg * 100, "k-", lw=1, label="Gouy-Chapman-Stern")
    ax[0].plot(E, Q * 100, "o", ms=4, color="tab:red", label="ness sweep (41 points)")
    ax[0].set_xlabel("E - E_pzc [V]")
    ax[0].set_ylabel("metal charge [\u00b5C/cm\u00b2]")
    ax[0].set_xlim(-0.42, 0.42)
    ax[1].plot(Eg, Cg * 100, "k-", lw=1, label="Gouy-Chapman-Stern")
    ax[1].plot(Eg, eps * kap * np.cosh(fF * ph / 2) * 100, ":", color="0.5", label="diffuse layer alone")
    ax[1].axhline(CS * 100, color="0.5", ls="--", lw=0.8, label="Stern layer C_S")
    ax[1].plot(E, np.gradient(Q, E, edge_order=2) * 100, "o", ms=4, color="tab:red", label="ness: dQ/dE")
    ax[1].set_ylim(0, 30)
    ax[1].set_xlim(-0.42, 0.42)
    ax[1].set_xlabel("E - E_pzc [V]")
    ax[1].set_ylabel("differential capacitance [\u00b5F/cm\u00b2]")
    h = load(out)
    x = h["geometry/vertices"][()]
    x = x[:, 0] if x.ndim > 1 else x
    o = np.argsort(x)
    lam = 1 / kap
    for n, col in (("c_Na", "tab:blue"), ("c_Cl", "tab:green")):
        ax[2].semilogy(x[o] / lam, h["fields/" + n][()][o], color=col, label=n[2:] + " at E = +0.4 V")
    ax[2].set_xlim(0, 8)
    ax[2].set_xlabel("distance from the electrode / \u03bb_D (\u03bb_D = %.2f nm)" % (lam * 1e9))
    ax[2].set_ylabel("concentration [mol/m\u00b3]")
    for a in ax:
        a.grid(alpha=0.3)
        a.legend(fontsize=8)
    fig.suptitle("double layer, 10 mM NaCl, C_S = 20 \u00b5F/cm\u00b2: minimum %.2f \u00b5F/cm\u00b2 at the pzc" % (100 / (1 / CS + 1 / (eps * kap))))
    save(fig, "double_layer")


def pit(build):
    a = 50e-6
    s, out = run(build, "pit")
    h = load(out)
    xy = h["geometry/vertices"][()] / a
    tri = Triangulation(xy[:, 0], xy[:, 1], h["topology/cells"][()])
    fig, ax = plt.subplots(1, 3, figsize=(15, 4.6), constrained_layout=True)
    th = np.linspace(-np.pi / 2, 0, 100)
    for k, (name, lab, cmap) in enumerate((("pH", "pH", "viridis_r"), ("phi", "\u03c6 [mV]", "plasma"), ("c_Fe", "Fe\u00b2\u207a [mol/m\u00b3]", "magma"))):
        v = h["fields/" + name][()] * (1000 if name == "phi" else 1)
        cf = ax[k].tricontourf(tri, v, levels=30, cmap=cmap)
        fig.colorbar(cf, ax=ax[k], label=lab)
        ax[k].plot(np.cos(th), np.sin(th), "k-", lw=2)
        ax[k].plot([1, 3], [0, 0], color="0.5", lw=3)
        ax[k].set_xlim(0, 3)
        ax[k].set_ylim(-1.05, 2)
        ax[k].set_aspect("equal")
        ax[k].set_xlabel("r / a")
        ax[k].set_ylabel("z / a")
    e = s["electrodes"][0]
    i = e["current_A"] / e["area_m2"]
    fig.suptitle("hemispherical pit, a = 50 \u00b5m, E = %.2f V: mean i = %.0f A/m\u00b2, i\u00b7a = %.3f A/m, bottom pH %.2f, "
                 "\u03c6(bottom) = %.1f mV" % (e["potential_V"], i, i * a, h["fields/pH"][()].min(), 1000 * h["fields/phi"][()].max()))
    save(fig, "pit")


def galvanic_zn_steel_film(build):
    fig, ax = plt.subplots(1, 3, figsize=(15, 4.4), constrained_layout=True)
    deltas = (50e-6, 100e-6, 200e-6, 400e-6)
    guess = {50e-6: -0.55}
    Is = []
    for d in deltas:
        opts = ["-ness_mesh_upper", "0.01,%g" % d, "-ness_reaction_orr_limiting_current_c", "%.10g" % (1.93e-4 / d),
                "-ness_velocity_shear_rate", "%.10g" % (1e-3 / d)]
        if d in guess:
            opts += ["-ness_electrode_zn_potential", str(guess[d]), "-ness_electrode_steel_potential", str(guess[d])]
        s, out = run(build, "galvanic_zn_steel_film", *opts, out="/tmp/ness_scenario_zn_film_%d" % round(d * 1e6))
        h = load(out)
        z, st = electrode(h, "zn"), electrode(h, "steel")
        lab = "\u03b4 = %d \u00b5m" % round(d * 1e6)
        l, = ax[0].plot(z["coordinates"][:, 0] * 1e3, z["current_density_A_per_m2"], label=lab)
        ax[0].plot(st["coordinates"][:, 0] * 1e3, st["current_density_A_per_m2"], color=l.get_color(), ls="--")
        xy = h["geometry/vertices"][()]
        b = np.where(xy[:, 1] < 1e-12)[0]
        b = b[np.argsort(xy[b, 0])]
        ax[1].plot(xy[b, 0] * 1e3, h["fields/phi"][()][b] * 1000, color=l.get_color(), label=lab)
        Is.append(s["electrodes"][0]["current_A"])
    ax[0].axhline(0, color="0.6", lw=0.6)
    ax[0].set_yscale("symlog", linthresh=0.5)
    ax[0].set_xlabel("x [mm] (zinc 0-5 mm, steel 5-10 mm)")
    ax[0].set_ylabel("current density [A/m\u00b2] (solid Zn, dashed steel)")
    ax[1].set_xlabel("x [mm]")
    ax[1].set_ylabel("\u03c6 at the metal [mV]")
    dd = np.array(deltas) * 1e6
    ax[2].loglog(dd, np.array(Is) * 1e3, "o-", label="ness: galvanic current")
    dl = np.geomspace(20, 500, 50)
    ax[2].loglog(dl, 1.93e-4 / (dl * 1e-6) * 0.005 * 1e3, "k--", lw=0.8, label="O\u2082 diffusion limit 4FDc/\u03b4 \u00d7 steel")
    ax[2].set_xlabel("film thickness \u03b4 [\u00b5m]")
    ax[2].set_ylabel("galvanic current [mA per m of depth]")
    for a in ax:
        a.grid(alpha=0.3, which="both")
        a.legend(fontsize=8)
    fig.suptitle("zinc-steel couple under a flowing thin film (0.1 M NaCl, electroneutral NP): thinner films localize the attack at the junction")
    save(fig, "galvanic_zn_steel_film")


def chemostat(build):
    s, out = run(build, "chemostat")
    h = load(out)
    xy = h["geometry/vertices"][()] * 1e3
    tri = Triangulation(xy[:, 0], xy[:, 1], h["topology/cells"][()][:, [0, 1, 2]])
    tri2 = Triangulation(xy[:, 0], xy[:, 1], h["topology/cells"][()][:, [0, 2, 3]])
    fig = plt.figure(figsize=(13, 6.4), constrained_layout=True)
    gs = fig.add_gridspec(3, 2)
    for k, n in enumerate(("c_G", "c_C", "c_P")):
        a = fig.add_subplot(gs[k, 0])
        v = h["fields/" + n][()]
        t = Triangulation(xy[:, 0], xy[:, 1], np.vstack([tri.triangles, tri2.triangles]))
        cf = a.tricontourf(t, v, levels=30, cmap="viridis")
        fig.colorbar(cf, ax=a, label=n[2:] + " [mol/m\u00b3]")
        a.set_ylabel("y [mm]")
        if k == 2:
            a.set_xlabel("x [mm] (flow \u2192)")
    a = fig.add_subplot(gs[:, 1])
    ent = h["fields/entropy_production"][()]
    t = Triangulation(xy[:, 0], xy[:, 1], np.vstack([tri.triangles, tri2.triangles]))
    mid = np.where(abs(xy[:, 1] - 0.1) < 1e-9)[0]
    mid = mid[np.argsort(xy[mid, 0])]
    for n in ("G", "A", "B", "C", "P"):
        a.plot(xy[mid, 0], h["fields/c_" + n][()][mid], label=n)
    a.set_xlabel("x [mm] along the centre line")
    a.set_ylabel("concentration [mol/m\u00b3]")
    a.grid(alpha=0.3)
    a.legend()
    r = {b["name"]: b["rate_mol_per_s"] for b in s["bulk_reactions"]}
    a.set_title("uptake %.3g, release %.3g mol/(s m); T\u03c3 = %.3g W/m = free energy carried in;\ncycle A\u2192B\u2192C\u2192A flux %.3g mol/(s m)"
                % (r["uptake"], r["release"], s["power_balance_W"]["dissipation"], s["reaction_cycles"]["cycles"][0]["flux_mol_per_s"]), fontsize=9)
    del ent
    save(fig, "chemostat")


def cathodic_protection(build):
    s, out = run(build, "cathodic_protection")
    h = load(out)
    E = s["electrodes"][0]["potential_V"]
    fig, ax = plt.subplots(1, 2, figsize=(13, 5.2), constrained_layout=True)
    xy = h["geometry/vertices"][()]
    fl = np.where(xy[:, 2] < 1e-12)[0]
    tri = Triangulation(xy[fl, 0], xy[fl, 1])
    phi = h["fields/phi"][()][fl]
    cf = ax[0].tricontourf(tri, phi * 1000, levels=30, cmap="coolwarm")
    fig.colorbar(cf, ax=ax[0], label="\u03c6 on the basin floor [mV] (0 at the reference tip)")
    g = electrode(h, "steel")
    P = E - g["phi_V"]
    sc = ax[1].scatter(g["coordinates"][:, 0], g["coordinates"][:, 1], c=P, cmap="viridis", s=14, marker="s")
    fig.colorbar(sc, ax=ax[1], label="steel potential E \u2212 \u03c6 [V vs Ag/AgCl] (criterion \u2264 \u22120.80 V)")
    for a in ax:
        for (x0, x1, y0, y1), col in (((0.5, 1.5, 0.2, 1.8), "k"), ((0.1, 0.3, 0.9, 1.1), "tab:orange"), ((1.7, 1.9, 0.9, 1.1), "tab:orange")):
            a.plot([x0, x1, x1, x0, x0], [y0, y0, y1, y1, y0], color=col, lw=1.5)
        a.set_aspect("equal")
        a.set_xlim(0, 2)
        a.set_ylim(0, 2)
        a.set_xlabel("x [m]")
        a.set_ylabel("y [m]")
    st = s["electrodes"][0]
    ax[0].set_title("basin floor: steel plate (black), Al anodes (orange)", fontsize=10)
    ax[1].set_title("E_couple = %.4f V; E \u2212 \u03c6 from %.4f to %.4f V: whole plate protected" % (E, P.min(), P.max()), fontsize=10)
    fig.suptitle("cathodic protection, seawater 4.8 S/m: steel %.4f A (%.4f A/m\u00b2), each anode %.4f A"
                 % (st["current_A"], st["current_A"] / st["area_m2"], s["electrodes"][1]["current_A"]))
    save(fig, "cathodic_protection")


PICTURES = {"galvanic_mg_steel": galvanic_mg_steel, "disk_electrode": disk_electrode, "double_layer": double_layer,
            "pit": pit, "galvanic_zn_steel_film": galvanic_zn_steel_film, "chemostat": chemostat,
            "cathodic_protection": cathodic_protection}


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    build = os.path.abspath(sys.argv[1])
    names = sys.argv[2:] or list(PICTURES)
    for n in names:
        PICTURES[n](build)
    return 0


if __name__ == "__main__":
    sys.exit(main())

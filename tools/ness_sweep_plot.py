#!/usr/bin/env python3
"""Plot a ness polarization sweep (sweep.csv written by -ness_sweep, see NessSweepElectrodes in src/solve/sweep.c).

Usage: ness_sweep_plot.py OUTDIR [--dpi N] [--output FILE]

Reads OUTDIR/sweep.csv (and OUTDIR/sweep.json, OUTDIR/summary.json when present) and writes OUTDIR/sweep.png:
  - with electrode reactions: three panels against the applied potential E [V]
      polarization curve   total current of the swept electrodes and each electrode's current (linear axis)
      Tafel plot           log10 |I| of the same curves; the corrosion potential and current (sweep.json) marked
      Evans diagram        |I| of every reaction of the swept electrodes (solid: anodic, dashed: cathodic), log axis
  - without reactions but with Stern-layer charges (blocking electrodes, PNP): the metal charge Q(E) and the
    differential capacitance C = dQ/dE (central differences on the swept points, per unit area when summary.json
    gives the electrode area).
Units follow summary.json's extensive_quantities: A (3D, axisymmetric), A per metre of depth (2D), A/m^2 (1D).

The module also offers read_sweep(path) -> (columns, data dict of numpy arrays) for other scripts and tests.
Exit status: 0 written (or numpy/matplotlib missing: warning), 1 when sweep.csv is missing or unreadable.
"""

import argparse
import csv
import json
import os
import sys
import tempfile

_DEBIAN_PYTHON = "/usr/bin/python3"
_REEXEC_FLAG = "NESS_SWEEP_PLOT_REEXEC"

try:
    import numpy as np
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError as _exc:  # pragma: no cover - depends on the machine
    if (os.environ.get(_REEXEC_FLAG) is None and os.path.exists(_DEBIAN_PYTHON)
            and os.path.realpath(sys.executable) != os.path.realpath(_DEBIAN_PYTHON)):
        os.environ[_REEXEC_FLAG] = "1"
        try:
            os.execv(_DEBIAN_PYTHON, [_DEBIAN_PYTHON, os.path.abspath(__file__)] + sys.argv[1:])
        except OSError:
            pass
    print("ness_sweep_plot: warning: cannot plot, missing Python module (%s)" % _exc, file=sys.stderr)
    sys.exit(0)

CURRENT_UNIT = {1: "A/m\u00b2", 2: "A/m", 3: "A"}
CHARGE_UNIT = {1: "C/m\u00b2", 2: "C/m", 3: "C"}


def read_sweep(path):
    """sweep.csv -> (column names, {name: float array})"""
    with open(path, newline="") as fh:
        rows = list(csv.reader(fh))
    if not rows or not rows[0]:
        raise ValueError("%s is empty" % path)
    cols = rows[0]
    body = [r for r in rows[1:] if r]
    data = {c: np.array([float(r[i]) for r in body]) for i, c in enumerate(cols)}
    return cols, data


def _load_json(path):
    try:
        with open(path) as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return {}


def _extent_dim(summary):
    if summary.get("coordinates") == "axisymmetric":
        return 3
    return int(summary.get("dimension", 3) or 3)


def _save_atomic(fig, path, dpi):
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".sweep.", suffix=".png", dir=d)
    os.close(fd)
    try:
        fig.savefig(tmp, dpi=dpi)
        os.replace(tmp, path)
    finally:
        plt.close(fig)
        if os.path.exists(tmp):
            os.remove(tmp)
    return path


def swept_electrodes(cols, meta):
    names = meta.get("electrodes")
    if names:
        return list(names)
    return [c[len("current_A_"):] for c in cols if c.startswith("current_A_") and ("potential_V_" + c[len("current_A_"):]) in cols]


def reaction_columns(cols, electrode):
    pre = "current_A_%s_" % electrode
    return [c for c in cols if c.startswith(pre)]


def differential_capacitance(E, Q):
    """dQ/dE on the (possibly irregular) points: second-order central differences inside, one-sided at the ends"""
    if len(E) < 3:
        return np.full_like(E, np.nan)
    return np.gradient(Q, E, edge_order=2)


def plot_sweep(outdir, dpi=120, output=None):
    path = os.path.join(outdir, "sweep.csv")
    cols, d = read_sweep(path)
    meta = _load_json(os.path.join(outdir, "sweep.json"))
    summary = _load_json(os.path.join(outdir, "summary.json"))
    dim = _extent_dim(summary)
    iu, qu = CURRENT_UNIT.get(dim, "A"), CHARGE_UNIT.get(dim, "C")
    E = d["potential_V"]
    order = np.argsort(E, kind="stable")
    els = swept_electrodes(cols, meta)
    rx = [(e, c) for e in els for c in reaction_columns(cols, e)]
    charges = [e for e in els if ("charge_C_" + e) in cols]
    title = "%s: sweep of %s" % (summary.get("scenario", os.path.basename(os.path.abspath(outdir))), ", ".join(els))
    if meta and not meta.get("complete", True):
        title += " (incomplete: stopped at %.4g V)" % meta.get("last_potential_V", E[-1])
    out = output or os.path.join(outdir, "sweep.png")

    if not rx and charges:
        fig, ax = plt.subplots(1, 2, figsize=(11, 4.2), constrained_layout=True)
        areas = {e["name"]: e.get("area_m2") for e in summary.get("electrodes", [])}
        for e in charges:
            Q = d["charge_C_" + e][order]
            A = areas.get(e) or 0.0
            per_area = A > 0
            q = Q / A if per_area else Q
            ax[0].plot(E[order], q, "o-", ms=3, label=e)
            ax[1].plot(E[order], differential_capacitance(E[order], q), "o-", ms=3, label=e)
            unit_q = "C/m\u00b2" if per_area else qu
        ax[0].set_xlabel("E [V]")
        ax[0].set_ylabel("metal charge [%s]" % unit_q)
        ax[1].set_xlabel("E [V]")
        ax[1].set_ylabel("differential capacitance dQ/dE [%s]" % ("F/m\u00b2" if unit_q == "C/m\u00b2" else "F"))
        for a in ax:
            a.grid(alpha=0.3)
            a.legend()
        fig.suptitle(title)
        return _save_atomic(fig, out, dpi)

    fig, ax = plt.subplots(1, 3, figsize=(15, 4.4), constrained_layout=True)
    Itot = d["current_A"][order]
    ax[0].plot(E[order], Itot, "k.-", lw=1.5, label="total (swept)")
    if len(els) > 1:
        for e in els:
            ax[0].plot(E[order], d["current_A_" + e][order], "-", lw=1, label=e)
    ax[0].axhline(0, color="0.6", lw=0.6)
    ax[0].set_xlabel("E [V]")
    ax[0].set_ylabel("current [%s], anodic > 0" % iu)
    ax[0].set_title("polarization curve")

    def logabs(v):
        a = np.abs(v)
        a[a == 0] = np.nan
        return a

    ax[1].semilogy(E[order], logabs(Itot), "k.-", lw=1.5, label="|total|")
    if len(els) > 1:
        for e in els:
            ax[1].semilogy(E[order], logabs(d["current_A_" + e][order]), "-", lw=1, label="|%s|" % e)
    ax[1].set_xlabel("E [V]")
    ax[1].set_ylabel("|current| [%s]" % iu)
    ax[1].set_title("Tafel plot")

    for e, c in rx:
        v = d[c][order]
        name = c[len("current_A_%s_" % e):]
        lab = name if len(els) == 1 else "%s (%s)" % (name, e)
        anodic = np.nanmax(v) > 0 and abs(np.nanmax(v)) >= abs(np.nanmin(v))
        ax[2].semilogy(E[order], logabs(v), "-" if anodic else "--", lw=1.3, label=lab + (" (anodic)" if anodic else " (cathodic)"))
    ax[2].set_xlabel("E [V]")
    ax[2].set_ylabel("|reaction current| [%s]" % iu)
    ax[2].set_title("Evans diagram")

    Ec, Ic = meta.get("corrosion_potential_V"), meta.get("corrosion_current_A")
    if Ec is not None and Ic is not None and Ic > 0:
        for a in (ax[1], ax[2]):
            a.axvline(Ec, color="tab:red", lw=0.8, ls=":")
            a.plot([Ec], [Ic], "o", color="tab:red", ms=6, label="E_corr %.4f V, I_corr %.3g %s" % (Ec, Ic, iu))
        ax[0].axvline(Ec, color="tab:red", lw=0.8, ls=":")
    for a in ax:
        a.grid(alpha=0.3, which="both")
        if a.get_legend_handles_labels()[0]:
            a.legend(fontsize=8)
    fig.suptitle(title)
    return _save_atomic(fig, out, dpi)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Plot OUTDIR/sweep.csv (a ness polarization sweep) into sweep.png")
    ap.add_argument("outdir")
    ap.add_argument("--dpi", type=int, default=120)
    ap.add_argument("--output", help="picture file (default OUTDIR/sweep.png)")
    args = ap.parse_args(argv)
    try:
        p = plot_sweep(args.outdir, args.dpi, args.output)
    except (OSError, ValueError, KeyError, IndexError) as exc:
        print("ness_sweep_plot: error: %s: %s" % (type(exc).__name__, exc), file=sys.stderr)
        return 1
    print("ness_sweep_plot: wrote %s" % p)
    return 0


if __name__ == "__main__":
    sys.exit(main())

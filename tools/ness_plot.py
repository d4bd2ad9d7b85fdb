#!/usr/bin/env python3
"""Plot a ness result directory.

Usage: ness_plot.py OUTDIR [--dpi N]

Reads OUTDIR/summary.json, OUTDIR/solution.h5 and, when it exists, OUTDIR/relaxation.csv, and writes PNG
files into OUTDIR. A picture whose input is missing (for example the output of an older ness without the
thermodynamic post-processing) is skipped with a note; the others are still written.

Pictures
  1D  profiles.png        one row per quantity: phi [V]; the concentrations c_<sp> [mol/m^3] (log axis when
                          they span decades); mu_<sp> - mu_<sp>(bulk) [J/mol], the electrochemical potentials
                          relative to their value at the bulk boundary (phi = 0); the entropy production
                          density [W/(m^3 K)] (log axis when it spans decades); any other vertex field (pH, ...)
                          in a row of its own. Left column: the whole cell; one more column per electrode (at
                          most two) zoomed onto its double layer: +-4 x the distance within which phi makes 99 %
                          of its change from the electrode value (only when that is under 1/16 of the cell).
  2D  field_<name>.png    a map (gouraud-shaded triangles) of each vertex field: phi, c_<sp>, mu_<sp>, pH, ...
                          Concentrations that span decades get a log colour scale; a field that is uniform to
                          rounding (e.g. mu of a species at equilibrium) is drawn uniform and says so.
                          Electrodes are drawn as thick black lines on the boundary.
      field_entropy_production.png
                          entropy production density [W/(m^3 K)] (log colour scale when positive values span
                          more than two decades) over the whole cell, and a zoom (not to scale) around its
                          maximum, which lies in the double layer at the electrode edges; the title gives the
                          integrals from summary.json.
      phi_current.png     phi with streamlines of the current density (coloured by |j| [A/m^2], log scale). The
                          colour range of phi is the 1-99 % area percentile range, i.e. the bulk; the double
                          layer lies beyond it (colour bar arrows) and its maximum is given in the title.
  3D  field_phi.png       phi on the boundary vertices (scatter)
  any electrodes.png      per electrode two stacked panels along the electrode (x, y or arc length): the current
                          density of each reaction and the total [A/m^2, anodic positive]; the overpotential
                          eta = E - phi - E_eq, the surface (activation) overpotential eta_s and the
                          concentration overpotential eta_c of each reaction [V]. 1D (point electrodes): bar
                          charts of the same values. 3D: the electrode surface projected onto its best-fit plane,
                          coloured by the total current density and by eta of its first reaction.
      polarization.png    per electrode reaction one stacked bar of the activation, concentration and ohmic
                          contributions to E - E_eq [V] (from summary.json; positive parts stacked up from 0,
                          negative parts down), the total marked; below it the power balance (dissipation
                          against the supply terms, relative error) and the entropy production terms.
      sweep.png           only when sweep.csv exists (-ness_sweep): polarization curve, Tafel plot and Evans
                          diagram, or charge and differential capacitance of blocking electrodes (drawn by
                          tools/ness_sweep_plot.py).
      relaxation.png      only when relaxation.csv exists: total entropy production [W/K] and free energy minus
                          its last value [J] against time (log y; log time axis when times span decades), and
                          the electrode currents if listed.

HDF5 layout (SI units): /geometry/vertices (nv, dim) or (nv,) for 1D, /topology/cells (nc, nvpc)
0-based vertex indices with optional string attribute cell_type, /fields/<name> (nv,) float64;
optional /cell_fields/current_density (nc, dim) and /electrodes/<name>/{coordinates, area,
current_density_A_per_m2, <rx>_current_density_A_per_m2, <rx>_overpotential_V,
<rx>_surface_overpotential_V, <rx>_concentration_overpotential_V}.

Exit status: 0 on success, and also (with a warning) when numpy/h5py/matplotlib are not
installed; 1 when the input is missing or unreadable or a picture failed; 2 on usage errors.
"""

import argparse
import csv
import json
import math
import os
import sys
import tempfile
import textwrap

_DEBIAN_PYTHON = "/usr/bin/python3"
_REEXEC_FLAG = "NESS_PLOT_REEXEC"

try:
    import numpy as np
    import h5py
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import LogNorm, Normalize
    from matplotlib.tri import LinearTriInterpolator, Triangulation
except ImportError as _exc:  # pragma: no cover - depends on the machine
    # A pyenv/venv python3 may shadow Debian's interpreter that has python3-{numpy,h5py,matplotlib}.
    if (
        os.environ.get(_REEXEC_FLAG) is None
        and os.path.exists(_DEBIAN_PYTHON)
        and os.path.realpath(sys.executable) != os.path.realpath(_DEBIAN_PYTHON)
    ):
        os.environ[_REEXEC_FLAG] = "1"
        try:
            os.execv(_DEBIAN_PYTHON, [_DEBIAN_PYTHON, os.path.abspath(__file__)] + sys.argv[1:])
        except OSError:
            pass
    print("ness_plot: warning: cannot plot, missing Python module (%s); install python3-numpy "
          "python3-h5py python3-matplotlib" % _exc, file=sys.stderr)
    sys.exit(0)


CELL_TYPES = {
    # name: (topological dimension, vertices per cell)
    "polyline": (1, 2),
    "triangle": (2, 3),
    "quadrilateral": (2, 4),
    "tetrahedron": (3, 4),
    "hexahedron": (3, 8),
}

# Faces of the reference cells (vertex order as in VTK/XDMF), used to find the boundary in 3D.
TET_FACES = ((0, 1, 2), (0, 1, 3), (0, 2, 3), (1, 2, 3))
HEX_FACES = ((0, 1, 2, 3), (4, 5, 6, 7), (0, 1, 5, 4), (1, 2, 6, 5), (2, 3, 7, 6), (3, 0, 4, 7))

MAX_SCATTER_POINTS = 50000
MAX_CHAIN_POINTS = 5000      # electrodes with more vertices are ordered by projection, not by chaining
LOG_DECADES = 3.0            # concentrations: log scale when positive values span more than this
ENTROPY_LOG_DECADES = 2.0    # entropy production: log scale when positive values span more than this
ENTROPY_MAX_DECADES = 10.0   # lower end of the entropy production log colour scale: max / 10^this
UNIFORM_RTOL = 1e-9          # a field varying less than this (relative) is uniform to rounding
EXTENSIVE_UNIT = {1: "per m\u00b2 of cross-section", 2: "per metre of depth", 3: ""}
CURRENT_UNIT = {1: "A/m\u00b2", 2: "A/m", 3: "A"}
POWER_UNIT = {1: "W/m\u00b2", 2: "W/m", 3: "W"}
ENTROPY_UNIT = {1: "W/(m\u00b2 K)", 2: "W/(m K)", 3: "W/K"}
RX_CURRENT_SUFFIX = "_current_density_A_per_m2"


class PlotError(Exception):
    pass


def warn(msg):
    print("ness_plot: warning: %s" % msg, file=sys.stderr)


def note(msg):
    print("ness_plot: %s" % msg)


# ---------------------------------------------------------------------------------------------
# Input
# ---------------------------------------------------------------------------------------------
def load_summary(outdir):
    path = os.path.join(outdir, "summary.json")
    if not os.path.exists(path):
        warn("%s not found; plotting without scenario information" % path)
        return {}
    try:
        with open(path, "r", encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as exc:
        warn("cannot read %s (%s); plotting without scenario information" % (path, exc))
        return {}
    if not isinstance(data, dict):
        warn("%s is not a JSON object; ignored" % path)
        return {}
    return data


def _as_str(value):
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, np.ndarray):  # fixed-length string arrays
        return _as_str(value.flat[0]) if value.size else ""
    return str(value)


def num(value):
    """A finite float from a JSON value, or None (null, NaN, strings, booleans)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


class Solution:
    """Contents of solution.h5: vertices (nv, dim), cells, cell_type, vertex fields, cell fields, electrodes."""

    def __init__(self):
        self.verts = None
        self.cells = None
        self.cell_type = None
        self.fields = {}        # name -> (values (nv,), units or None)
        self.cell_fields = {}   # name -> values (nc,) or (nc, dim)
        self.electrodes = {}    # name -> {dataset name -> array}; coordinates always (n, dim)


def _load_electrodes(f, path):
    electrodes = {}
    grp = f.get("electrodes")
    if not isinstance(grp, h5py.Group):
        return electrodes
    for ename, egrp in grp.items():
        if not isinstance(egrp, h5py.Group):
            continue
        data = {}
        for key, obj in egrp.items():
            if isinstance(obj, h5py.Dataset) and obj.dtype.kind in "fiu" and obj.ndim in (1, 2):
                data[key] = np.asarray(obj[()], dtype=float)
        coords = data.get("coordinates")
        if coords is None:
            warn("%s: /electrodes/%s has no coordinates; electrode not plotted" % (path, ename))
            continue
        if coords.ndim == 1:
            coords = coords.reshape(-1, 1)
        data["coordinates"] = coords
        n = coords.shape[0]
        bad = sorted(k for k, v in data.items() if v.shape[0] != n or (v.ndim == 2 and k != "coordinates"))
        for k in bad:
            warn("%s: /electrodes/%s/%s has shape %s, expected (%d,); ignored" % (path, ename, k, data[k].shape, n))
            del data[k]
        electrodes[ename] = data
    return electrodes


def load_solution(outdir):
    path = os.path.join(outdir, "solution.h5")
    if not os.path.exists(path):
        raise PlotError("%s not found" % path)
    try:
        f = h5py.File(path, "r")
    except OSError as exc:
        raise PlotError("cannot open %s: %s" % (path, exc))
    sol = Solution()
    with f:
        if "geometry/vertices" not in f:
            raise PlotError("%s has no /geometry/vertices" % path)
        verts = np.asarray(f["geometry/vertices"][()], dtype=float)
        if verts.ndim == 1:
            verts = verts.reshape(-1, 1)
        elif verts.ndim != 2:
            raise PlotError("/geometry/vertices has shape %s, expected (nv, dim) or (nv,)" % (verts.shape,))
        nv = verts.shape[0]
        sol.verts = verts

        if "topology/cells" in f:
            dset = f["topology/cells"]
            if "cell_type" in dset.attrs:
                sol.cell_type = _as_str(dset.attrs["cell_type"]).strip().lower() or None
            cells = np.asarray(dset[()])
            if cells.ndim != 2 or cells.dtype.kind not in "iu":
                warn("/topology/cells has shape %s and type %s, expected integer (nc, nvpc); ignored" % (cells.shape, cells.dtype))
            else:
                cells = cells.astype(np.int64)
                valid = cells[cells >= 0]
                if valid.size and valid.max() >= nv:
                    raise PlotError("/topology/cells references vertex %d but there are only %d vertices" % (valid.max(), nv))
                sol.cells = cells

        if "fields" in f:
            for name, obj in f["fields"].items():
                if not isinstance(obj, h5py.Dataset):
                    continue
                if obj.dtype.kind not in "fiu":
                    continue
                shape = tuple(s for s in obj.shape if s != 1) or (1,)
                if shape != (nv,):
                    continue
                vals = np.asarray(obj[()], dtype=float).reshape(nv)
                units = _as_str(obj.attrs["units"]) if "units" in obj.attrs else None
                sol.fields[name] = (vals, units)
        if not sol.fields:
            warn("%s has no vertex fields (shape (%d,)) under /fields" % (path, nv))

        if "cell_fields" in f and sol.cells is not None:
            nc = sol.cells.shape[0]
            for name, obj in f["cell_fields"].items():
                if isinstance(obj, h5py.Dataset) and obj.dtype.kind in "fiu" and obj.ndim in (1, 2) and obj.shape[0] == nc:
                    sol.cell_fields[name] = np.asarray(obj[()], dtype=float)
        sol.electrodes = _load_electrodes(f, path)
    return sol


def cell_info(cells, cell_type, gdim, summary_dim):
    """Return (topological dimension, cell type name) for the mesh."""
    if cell_type is not None:
        if cell_type not in CELL_TYPES:
            warn("unknown cell_type %r; inferring from the data" % cell_type)
        else:
            return CELL_TYPES[cell_type][0], cell_type
    dim = summary_dim if summary_dim in (1, 2, 3) else gdim
    if cells is None or cells.size == 0:
        return dim, None
    nvpc = cells.shape[1]
    if nvpc == 2:
        return 1, "polyline"
    if nvpc == 3:
        return 2, "triangle"
    if nvpc == 4:
        return (3, "tetrahedron") if dim == 3 else (2, "quadrilateral")
    if nvpc == 8:
        return 3, "hexahedron"
    warn("cannot infer the cell type of %d-vertex cells" % nvpc)
    return dim, None


def load_relaxation(path):
    """relaxation.csv -> (column names, {name: float array}). Blank lines and '#' comments are skipped."""
    with open(path, "r", encoding="utf-8", newline="") as f:
        rows = [r for r in csv.reader(line for line in f if line.strip() and not line.lstrip().startswith("#"))]
    if not rows:
        raise PlotError("%s is empty" % path)
    header = [h.strip() for h in rows[0]]
    keep = [(i, h) for i, h in enumerate(header) if h]
    data = {h: [] for _, h in keep}
    for row in rows[1:]:
        for i, h in keep:
            try:
                data[h].append(float(row[i]))
            except (IndexError, ValueError):
                data[h].append(float("nan"))
    return [h for _, h in keep], {h: np.asarray(v, dtype=float) for h, v in data.items()}


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------
def length_scale(extent):
    """Pick a display unit for lengths spanning `extent` metres."""
    if extent <= 0 or not math.isfinite(extent):
        return 1.0, "m"
    if extent < 1e-6:
        return 1e-9, "nm"
    if extent < 1e-3:
        return 1e-6, "\u00b5m"
    if extent < 1.0:
        return 1e-3, "mm"
    return 1.0, "m"


def potential_scale(extent):
    """Pick a display unit for potentials spanning `extent` volts."""
    if extent >= 0.1 or extent <= 0 or not math.isfinite(extent):
        return 1.0, "V"
    if extent >= 1e-4:
        return 1e-3, "mV"
    return 1e-6, "\u00b5V"


def field_label(name, units):
    """(pretty label, unit string) for a field name."""
    if name == "phi":
        return "\u03c6", units or "V"
    if name.startswith("c_"):
        return "c(%s)" % name[2:], units or "mol/m\u00b3"
    if name.startswith("mu_"):
        return "\u03bc(%s)" % name[3:], units or "J/mol"
    if name == "entropy_production":
        return "entropy production density", units or "W/(m\u00b3 K)"
    if name == "pH":
        return "pH", units
    return name, units


def axis_label(label, units):
    return "%s [%s]" % (label, units) if units else label


def spans_decades(values, decades=LOG_DECADES):
    """True if the positive part of `values` spans more than `decades` orders of magnitude."""
    v = values[np.isfinite(values)]
    pos = v[v > 0]
    if pos.size < 2:
        return False
    return pos.max() > pos.min() * 10.0 ** decades


def is_uniform(values):
    """True if the values vary only at rounding level (relative to their magnitude)."""
    v = values[np.isfinite(values)]
    if v.size == 0:
        return True
    return float(np.ptp(v)) <= UNIFORM_RTOL * float(np.max(np.abs(v)))


def log_norm(values, max_decades=ENTROPY_MAX_DECADES):
    """LogNorm over the positive values (at most max_decades); None when there are no positive values."""
    v = values[np.isfinite(values)]
    pos = v[v > 0]
    if pos.size == 0:
        return None
    vmax = float(pos.max())
    vmin = max(float(pos.min()), vmax * 10.0 ** (-max_decades))
    if vmin >= vmax:
        vmin = vmax / 10.0
    return LogNorm(vmin=vmin, vmax=vmax)


def title_lines(summary, what):
    scenario = summary.get("scenario", "unknown scenario")
    converged = summary.get("converged")
    state = "converged" if converged is True else ("NOT converged" if converged is False else "convergence unknown")
    return "%s \u2014 %s\n%s" % (scenario, state, what)


def electrode_text(summary):
    electrodes = summary.get("electrodes")
    if not isinstance(electrodes, list):
        return ""
    cunit = CURRENT_UNIT.get(summary.get("dimension"), "A")
    parts = []
    for e in electrodes:
        if not isinstance(e, dict):
            continue
        bits = [str(e.get("name", "?"))]
        for key, fmt in (("potential_V", "E=%.4g V"), ("current_A", "I=%.4g " + cunit)):
            val = num(e.get(key))
            if val is not None:
                bits.append(fmt % val)
        parts.append(" ".join(bits))
    return "   ".join(parts)


def summary_dim(summary, default):
    d = summary.get("dimension")
    return d if d in (1, 2, 3) else default


def summary_electrode(summary, name):
    for e in summary.get("electrodes") or []:
        if isinstance(e, dict) and e.get("name") == name:
            return e
    return {}


def electrode_names(summary, sol):
    """Electrodes of the solution file, in summary.json order first."""
    names = [e.get("name") for e in summary.get("electrodes") or [] if isinstance(e, dict)]
    ordered = [n for n in names if n in sol.electrodes]
    return ordered + sorted(n for n in sol.electrodes if n not in ordered)


def reaction_names(data, summary_e):
    """Reactions with a <rx>_current_density_A_per_m2 dataset, in summary.json order first."""
    found = [k[: -len(RX_CURRENT_SUFFIX)] for k in data if k.endswith(RX_CURRENT_SUFFIX) and len(k) > len(RX_CURRENT_SUFFIX)]
    listed = [r.get("name") for r in summary_e.get("reactions") or [] if isinstance(r, dict)]
    ordered = [r for r in listed if r in found]
    return ordered + sorted(r for r in found if r not in ordered)


def save_atomic(fig, path, dpi):
    """Write the figure to a temporary file in the same directory, then rename it into place."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            fig.savefig(f, format="png", dpi=dpi)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    finally:
        plt.close(fig)
    return path


def order_fields(fields):
    names = list(fields)
    phi = [n for n in names if n == "phi"]
    conc = sorted(n for n in names if n.startswith("c_"))
    other = sorted(n for n in names if n != "phi" and not n.startswith("c_"))
    return phi, conc, other


def bulk_reference(sol, summary):
    """Vertex indices of the bulk boundaries: phi exactly 0, not an electrode vertex, and (when summary.json lists
    the bulk concentrations) every c_<sp> at its bulk value; else the best match. None without phi."""
    fields = sol.fields
    if "phi" not in fields:
        return None
    phi = fields["phi"][0]
    nv = phi.size
    not_electrode = np.ones(nv, dtype=bool)
    for data in sol.electrodes.values():
        vert = data.get("vertex")
        if vert is not None:
            idx = vert[np.isfinite(vert)].astype(np.int64)
            not_electrode[idx[(idx >= 0) & (idx < nv)]] = False
    at_bulk = np.ones(nv, dtype=bool)
    for sp in summary.get("species") or []:
        if isinstance(sp, dict) and ("c_%s" % sp.get("name")) in fields and num(sp.get("bulk_mol_per_m3")) is not None:
            cb = num(sp.get("bulk_mol_per_m3"))
            at_bulk &= np.abs(fields["c_%s" % sp.get("name")][0] - cb) <= 1e-9 * abs(cb) + 1e-300
    zero = phi == 0.0
    for cand in (zero & not_electrode & at_bulk, zero & at_bulk, zero & not_electrode, zero):
        if cand.any():
            return np.nonzero(cand)[0]
    finite = np.isfinite(phi)
    if not finite.any():
        return None
    return np.array([int(np.argmin(np.where(finite & not_electrode, np.abs(phi), np.inf)))])


def electrode_abscissa(coords, area=None):
    """Order the vertices of a 1D curve (2D electrode) along it.

    Returns (order, s, name, breaks): s (m) along the electrode for the ordered vertices, name 'x'/'y'/'z'
    when the electrode is a straight segment parallel to that axis, else 'arc length'; breaks[i] is True
    where a gap separates vertex i from vertex i-1 (separate pieces of the electrode)."""
    n, dim = coords.shape
    if n == 1:
        return np.zeros(1, dtype=int), np.zeros(1), "position", np.zeros(1, dtype=bool)
    c = coords - coords.mean(axis=0)
    _, sv, vt = np.linalg.svd(c, full_matrices=False)
    proj = c @ vt[0]
    straight = sv.size < 2 or sv[1] <= 1e-6 * sv[0] or n > MAX_CHAIN_POINTS
    if straight:
        ax = int(np.argmax(np.abs(vt[0])))
        if abs(vt[0][ax]) > 1.0 - 1e-9:
            order = np.argsort(coords[:, ax], kind="stable")
            s, name = coords[order, ax], "xyz"[ax]
        else:
            order = np.argsort(proj, kind="stable")
            s, name = proj[order] - proj[order[0]], "distance along the electrode"
        steps = np.abs(np.diff(s))
    else:
        # Greedy nearest-neighbour chain from one end of the curve (the most extreme principal projection).
        cur = int(np.argmin(proj))
        remaining = np.ones(n, dtype=bool)
        remaining[cur] = False
        order = [cur]
        for _ in range(n - 1):
            d2 = np.where(remaining, np.sum((coords - coords[cur]) ** 2, axis=1), np.inf)
            cur = int(np.argmin(d2))
            remaining[cur] = False
            order.append(cur)
        order = np.asarray(order)
        steps = np.linalg.norm(np.diff(coords[order], axis=0), axis=1)
        s, name = np.concatenate([[0.0], np.cumsum(steps)]), "arc length"
    breaks = np.zeros(n, dtype=bool)
    if area is not None and dim == 2 and np.all(np.isfinite(area)):
        # In 2D the vertex boundary measure is half the length of its two boundary edges: a step much longer
        # than the measures of its end vertices is a gap, not an edge.
        a = area[order]
        breaks[1:] = steps > 1.5 * (a[:-1] + a[1:])
    elif steps.size >= 3:
        neighbour = np.maximum(np.concatenate([[0.0], steps[:-1]]), np.concatenate([steps[1:], [0.0]]))
        breaks[1:] = steps > 4.0 * neighbour
    return order, s, name, breaks


def with_breaks(s, y, breaks):
    """Insert NaN before every break so that a line plot leaves a gap there."""
    idx = np.nonzero(breaks)[0]
    if idx.size == 0:
        return s, y
    return np.insert(s, idx, np.nan), np.insert(y, idx, np.nan)


def draw_electrodes_2d(ax, sol, xscale, yscale, clip=False):
    """Thick black lines along the electrodes of a 2D map (drawn over the axes frame unless clip)."""
    for name, data in sol.electrodes.items():
        coords = data["coordinates"]
        if coords.shape[1] < 2 or coords.shape[0] == 0:
            continue
        order, _, _, breaks = electrode_abscissa(coords, data.get("area"))
        xs, ys = with_breaks(coords[order, 0] / xscale, coords[order, 1] / yscale, breaks)
        if coords.shape[0] == 1:
            ax.plot(xs, ys, "ks", ms=5, clip_on=clip, zorder=5)
        else:
            ax.plot(xs, ys, "k-", lw=3, solid_capstyle="butt", clip_on=clip, zorder=5)


# ---------------------------------------------------------------------------------------------
# 1D
# ---------------------------------------------------------------------------------------------
def zoom_window_1d(x, phi, xe):
    """Half-width (m) of a window around the electrode at xe covering its double layer, or None."""
    length = float(x.max() - x.min())
    if phi is None or length <= 0:
        return None
    k = int(np.argmin(np.abs(x - xe)))
    dev = np.abs(phi - phi[k])
    if not np.isfinite(dev).all() or dev.max() <= 0:
        return None
    dist = np.abs(x - xe)
    reached = dist[dev >= 0.99 * dev.max()]
    d = float(reached.min()) if reached.size else length
    w = 4.0 * d
    if w <= 0 or w > 0.25 * length:
        return None
    return w


def plot_1d(outdir, summary, sol, dpi):
    x = sol.verts[:, 0]
    order = np.argsort(x, kind="stable")
    xo = x[order]
    fields = sol.fields
    scale, unit = length_scale(float(xo.max() - xo.min()) if xo.size else 0.0)

    phi, conc, other = order_fields(fields)
    mu = [n for n in other if n.startswith("mu_")]
    entropy = [n for n in other if n == "entropy_production"]
    rest = [n for n in other if n not in mu and n not in entropy]
    rows = []
    if phi:
        rows.append(("phi", phi))
    if conc:
        rows.append(("conc", conc))
    if mu:
        rows.append(("mu", mu))
    if entropy:
        rows.append(("entropy", entropy))
    for name in rest:
        rows.append(("other", [name]))
    if not rows:
        return []

    ref = bulk_reference(sol, summary)
    mu_ref = {}
    for n in mu:
        v = fields[n][0]
        mu_ref[n] = float(np.mean(v[ref])) if ref is not None else float(np.nanmean(v))

    # Columns: the whole cell, then a zoom onto the double layer of each electrode (at most two).
    columns = [(None, None)]
    phi_vals = fields["phi"][0][order] if phi else None
    for ename in electrode_names(summary, sol):
        coords = sol.electrodes[ename]["coordinates"]
        if coords.size == 0:
            continue
        xe = float(coords[0, 0])
        w = zoom_window_1d(xo, phi_vals, xe)
        if w is not None and len(columns) < 3:
            columns.append((ename, (max(xe - w, float(xo.min())), min(xe + w, float(xo.max())))))
    electrode_x = [float(d["coordinates"][0, 0]) for d in sol.electrodes.values() if d["coordinates"].size]

    ncol = len(columns)
    fig, axes = plt.subplots(len(rows), ncol, figsize=(7.0 + 4.2 * (ncol - 1), 2.0 + 2.3 * len(rows)), squeeze=False)
    for col, (ename, window) in enumerate(columns):
        if window is None:
            sel = np.ones(xo.size, dtype=bool)
            cscale, cunit = scale, unit
        else:
            sel = (xo >= window[0]) & (xo <= window[1])
            cscale, cunit = length_scale(window[1] - window[0])
        xs = xo[sel] / cscale
        for row, (kind, names) in enumerate(rows):
            ax = axes[row, col]
            if kind == "conc":
                allvals = np.concatenate([fields[n][0] for n in names])
                for n in names:
                    ax.plot(xs, fields[n][0][order][sel], label=field_label(n, None)[0])
                ax.set_ylabel("concentration [%s]" % field_label(names[0], fields[names[0]][1])[1])
                if spans_decades(allvals):
                    ax.set_yscale("log", nonpositive="mask")
                ax.legend(loc="best", fontsize="small")
            elif kind == "mu":
                span = 0.0
                for n in names:
                    y = fields[n][0][order][sel] - mu_ref[n]
                    span = max(span, float(np.nanmax(np.abs(y))) if y.size else 0.0)
                    ax.plot(xs, y, label=field_label(n, None)[0])
                ax.set_ylabel("\u03bc \u2212 \u03bc(bulk) [%s]" % field_label(names[0], fields[names[0]][1])[1])
                if span < 1e-3:  # J/mol; all at equilibrium: do not magnify rounding noise
                    ax.set_ylim(-1.0, 1.0)
                ax.legend(loc="best", fontsize="small")
            elif kind == "entropy":
                n = names[0]
                vals = fields[n][0]
                label, units = field_label(n, fields[n][1])
                ax.plot(xs, vals[order][sel], color="C4")
                ax.set_ylabel(axis_label("\u03c3 (entropy prod.)", units))
                if spans_decades(vals, ENTROPY_LOG_DECADES) and np.any(vals > 0):
                    ax.set_yscale("log", nonpositive="mask")
            else:
                n = names[0]
                label, units = field_label(n, fields[n][1])
                vals = fields[n][0]
                ax.plot(xs, vals[order][sel], color="C3" if kind == "phi" else "C0")
                ax.set_ylabel(axis_label(label, units))
                if kind == "other" and spans_decades(vals) and np.all(vals[np.isfinite(vals)] > 0):
                    ax.set_yscale("log")
            for xe in electrode_x:
                if window is None or window[0] <= xe <= window[1]:
                    ax.axvline(xe / cscale, color="0.4", lw=0.8, ls=":")
            ax.grid(True, which="both", alpha=0.3)
            if window is not None:
                ax.set_xlim(window[0] / cscale, window[1] / cscale)
        axes[-1, col].set_xlabel("x [%s]" % cunit)
        if window is None:
            axes[0, col].set_title(title_lines(summary, "1D profiles"))
        else:
            axes[0, col].set_title("zoom: double layer at electrode %s\n(dotted line: electrode)" % ename)
    text = electrode_text(summary)
    if mu and ref is not None:
        text += ("   " if text else "") + "\u03bc(bulk): value at x = %.4g %s (\u03c6 = 0)" % (float(x[ref[0]]) / scale, unit)
    if text:
        fig.text(0.01, 0.005, text, fontsize="x-small", va="bottom", ha="left")
    fig.tight_layout(rect=(0, 0.02 if text else 0, 1, 1))
    return [save_atomic(fig, os.path.join(outdir, "profiles.png"), dpi)]


# ---------------------------------------------------------------------------------------------
# 2D
# ---------------------------------------------------------------------------------------------
def triangles_2d(cells, ctype):
    """Triangles (nt, 3) from triangle or quadrilateral cells; None when there is no usable topology."""
    if cells is None or cells.size == 0:
        return None
    if ctype == "triangle" and cells.shape[1] >= 3:
        tri = cells[:, :3]
    elif ctype == "quadrilateral" and cells.shape[1] >= 4:
        quads = cells[:, :4]
        padded = quads[:, 3] < 0  # mixed meshes may pad triangles with -1
        t1 = quads[:, [0, 1, 2]]
        t2 = quads[~padded][:, [0, 2, 3]]
        tri = np.vstack([t1, t2])
    else:
        return None
    tri = tri[np.all(tri >= 0, axis=1)]
    return tri if tri.size else None


def clean_values(name, vals):
    finite = np.isfinite(vals)
    if not finite.all():
        warn("field %s has %d non-finite values" % (name, int((~finite).sum())))
        vals = np.where(finite, vals, float(vals[finite].mean()) if finite.any() else 0.0)
    return vals


def map_axes(ax, unit, yunit=None):
    ax.set_xlabel("x [%s]" % unit)
    ax.set_ylabel("y [%s]" % (yunit or unit))


def vertex_weights(triang):
    """Area of the dual cell of each vertex (one third of the adjacent triangle areas), in display units."""
    t = triang.triangles
    x, y = triang.x, triang.y
    area = 0.5 * np.abs((x[t[:, 1]] - x[t[:, 0]]) * (y[t[:, 2]] - y[t[:, 0]]) - (x[t[:, 2]] - x[t[:, 0]]) * (y[t[:, 1]] - y[t[:, 0]]))
    w = np.zeros(x.size)
    np.add.at(w, t.ravel(), np.repeat(area / 3.0, 3))
    return w


def weighted_percentiles(values, weights, qs):
    o = np.argsort(values)
    v, w = values[o], weights[o]
    cw = np.cumsum(w)
    if cw[-1] <= 0:
        return [float(np.percentile(values, 100 * q)) for q in qs]
    cw = cw / cw[-1]
    return [float(np.interp(q, cw, v)) for q in qs]


def cell_to_vertex(cells, cellvals, nv):
    """Average of the values of the cells around each vertex; NaN at vertices without cells."""
    acc = np.zeros((nv,) + cellvals.shape[1:])
    cnt = np.zeros(nv)
    for k in range(cells.shape[1]):
        idx = cells[:, k]
        ok = idx >= 0
        np.add.at(acc, idx[ok], cellvals[ok])
        np.add.at(cnt, idx[ok], 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return acc / (cnt.reshape((nv,) + (1,) * (cellvals.ndim - 1)))


def plot_field_map(outdir, summary, sol, triang, used, unit, scale, name, dpi):
    vals, units = sol.fields[name]
    label, units = field_label(name, units)
    vals = clean_values(name, vals)
    shown = vals[used]
    vmin, vmax = float(shown.min()), float(shown.max())
    extra = ""
    if name.startswith("c_") and spans_decades(shown) and vmin > 0:
        norm = LogNorm(vmin=vmin, vmax=vmax)
    elif is_uniform(shown):
        mid = 0.5 * (vmin + vmax)
        half = max(abs(mid) * 1e-6, 1e-12)
        norm = Normalize(vmin=mid - half, vmax=mid + half)
        extra = " uniform: %.8g%s\n(variation %.2g%s, rounding level)" % (mid, " " + units if units else "", vmax - vmin,
                                                                          " " + units if units else "")
    else:
        norm = Normalize(vmin=vmin, vmax=vmax)
    cmap = "RdBu_r" if name == "phi" else "viridis"
    fig, ax = plt.subplots(figsize=(7.0, 5.5))
    pc = ax.tripcolor(triang, vals, shading="gouraud", cmap=cmap, norm=norm)
    cb = fig.colorbar(pc, ax=ax)
    cb.set_label(axis_label(label, units))
    if extra:  # uniform: one tick at the value instead of a scale of rounding noise
        mid = 0.5 * (norm.vmin + norm.vmax)
        cb.set_ticks([mid])
        cb.set_ticklabels(["%.8g" % mid])
    draw_electrodes_2d(ax, sol, scale, scale)
    ax.set_aspect("equal")
    map_axes(ax, unit)
    ax.set_title(title_lines(summary, label + extra), fontsize="medium" if extra else None)
    fig.tight_layout()
    return save_atomic(fig, os.path.join(outdir, "field_%s.png" % name), dpi)


def zoom_box(x, y, vals, k, bbox):
    """A box (x0, x1, y0, y1) in m around vertex k, the maximum of vals, covering the region where vals is
    within a factor 100 of it: anisotropic when that region is a thin layer. None when no zoom is needed."""
    xmin, xmax, ymin, ymax = bbox
    lx, ly = xmax - xmin, ymax - ymin
    extent = max(lx, ly)
    cx, cy = x[k], y[k]
    near = (np.abs(x - cx) <= 0.1 * extent) & (np.abs(y - cy) <= 0.1 * extent)
    hot = near & (vals >= vals[k] * 1e-2)
    # the smallest vertex spacing near the hot spot bounds the box from below
    dxs = np.abs(x[near] - cx)
    dys = np.abs(y[near] - cy)
    hx = max(float(dxs[dxs > 0].min()) if np.any(dxs > 0) else 0.0, 0.0)
    hy = max(float(dys[dys > 0].min()) if np.any(dys > 0) else 0.0, 0.0)
    wx = max(4.0 * float(np.abs(x[hot] - cx).max()), 4.0 * hx, 1e-3 * extent)
    wy = max(4.0 * float(np.abs(y[hot] - cy).max()), 4.0 * hy, 1e-3 * extent)
    wx, wy = min(wx, 0.1 * extent), min(wy, 0.1 * extent)
    box = [cx - wx, cx + wx, cy - wy, cy + wy]
    # keep the box inside the cell, shifting it rather than shrinking it
    for lo, hi, a, b in ((0, 1, xmin, xmax), (2, 3, ymin, ymax)):
        w = box[hi] - box[lo]
        if box[lo] < a:
            box[lo], box[hi] = a, min(a + w, b)
        if box[hi] > b:
            box[lo], box[hi] = max(b - w, a), b
    if (box[1] - box[0]) > 0.5 * lx and (box[3] - box[2]) > 0.5 * ly:
        return None
    return tuple(box)


def plot_entropy_2d(outdir, summary, sol, tri, used, dpi):
    name = "entropy_production"
    vals, units = sol.fields[name]
    label, units = field_label(name, units)
    vals = clean_values(name, vals)
    x, y = sol.verts[:, 0], sol.verts[:, 1]
    shown = vals[used]
    norm = log_norm(shown) if spans_decades(shown, ENTROPY_LOG_DECADES) else None
    scale_note = "log colour scale"
    if norm is None:
        norm = Normalize(vmin=float(shown.min()), vmax=float(shown.max()))
        scale_note = "linear colour scale"
    disp = np.clip(vals, norm.vmin, None) if isinstance(norm, LogNorm) else vals
    nclip = int(np.sum(shown < norm.vmin)) if isinstance(norm, LogNorm) else 0
    if nclip:
        scale_note += "; %d vertices below %.2g shown at it" % (nclip, norm.vmin)

    bbox = (float(x[used].min()), float(x[used].max()), float(y[used].min()), float(y[used].max()))
    scale, unit = length_scale(max(bbox[1] - bbox[0], bbox[3] - bbox[2]))
    k = int(np.nonzero(used)[0][np.argmax(shown)])
    box = zoom_box(x, y, vals, k, bbox)

    lx, ly = bbox[1] - bbox[0], bbox[3] - bbox[2]
    if box is None:
        fig, axes = plt.subplots(1, 1, figsize=(7.0, 5.3), squeeze=False, constrained_layout=True)
    elif lx >= ly:  # wide cell: the zoom below the map
        fig, axes = plt.subplots(2, 1, figsize=(8.0, 4.2 + 6.8 * min(ly / lx, 1.0)), squeeze=False, constrained_layout=True,
                                 gridspec_kw={"height_ratios": [max(ly / lx, 0.25), 0.55]})
    else:
        fig, axes = plt.subplots(1, 2, figsize=(12.5, 6.0), squeeze=False, constrained_layout=True)
    axes = axes.ravel()
    triang = Triangulation(x / scale, y / scale, triangles=tri) if tri is not None else Triangulation(x / scale, y / scale)
    pc = axes[0].tripcolor(triang, disp, shading="gouraud", cmap="inferno", norm=norm)
    draw_electrodes_2d(axes[0], sol, scale, scale)
    axes[0].set_aspect("equal")
    map_axes(axes[0], unit)
    tot = summary.get("entropy_production_W_per_K")
    tot = tot if isinstance(tot, dict) else {}
    parts = ["%s %.3g" % (k2.replace("_", " "), num(tot.get(k2))) for k2 in ("bulk_transport", "bulk_reactions", "surface", "total")
             if num(tot.get(k2)) is not None]
    totals = "\nintegrals [%s]: %s" % (ENTROPY_UNIT[2], ", ".join(parts)) if parts else ""
    axes[0].set_title(title_lines(summary, "%s, %s%s" % (label, scale_note, totals)), fontsize="medium")
    if box is not None:
        zx, zxu = length_scale(box[1] - box[0])
        zy, zyu = length_scale(box[3] - box[2])
        ztri = Triangulation(x / zx, y / zy, triangles=triang.triangles)
        axes[1].tripcolor(ztri, disp, shading="gouraud", cmap="inferno", norm=norm)
        draw_electrodes_2d(axes[1], sol, zx, zy, clip=True)
        axes[1].set_xlim(box[0] / zx, box[1] / zx)
        axes[1].set_ylim(box[2] / zy, box[3] / zy)
        map_axes(axes[1], zxu, zyu)
        axes[1].set_title("zoom around the maximum %.3g %s at (%.4g %s, %.4g %s)\n(not to scale; black: electrode)"
                          % (float(vals[k]), units, x[k] / zx, zxu, y[k] / zy, zyu), fontsize="medium")
        s = 1.0 / scale
        axes[0].add_patch(matplotlib.patches.Rectangle((box[0] * s, box[2] * s), (box[1] - box[0]) * s, (box[3] - box[2]) * s,
                                                       fill=False, ec="cyan", lw=1.2, zorder=6))
    cb = fig.colorbar(pc, ax=list(axes), shrink=0.9, fraction=0.05, pad=0.03)
    cb.set_label(axis_label(label, units))
    return save_atomic(fig, os.path.join(outdir, "field_%s.png" % name), dpi)


def plot_phi_current(outdir, summary, sol, tri, used, dpi):
    j = sol.cell_fields.get("current_density")
    if j is None or j.ndim != 2 or j.shape[1] < 2 or sol.cells is None:
        note("no /cell_fields/current_density (nc, 2); phi_current.png skipped")
        return None
    x, y = sol.verts[:, 0], sol.verts[:, 1]
    lx, ly = float(np.ptp(x[used])), float(np.ptp(y[used]))
    scale, unit = length_scale(max(lx, ly))
    triang = Triangulation(x / scale, y / scale, triangles=tri) if tri is not None else Triangulation(x / scale, y / scale)
    phi = clean_values("phi", sol.fields["phi"][0])

    # Colour range: the 1-99 % area percentiles of phi, so that the bulk (where the current flows through an
    # ohmic drop) is resolved; the thin double layer lies outside and saturates.
    w = vertex_weights(triang)
    pmin, pmax = float(phi[used].min()), float(phi[used].max())
    lo, hi = weighted_percentiles(phi[used], w[used], (0.01, 0.99))
    clipped = hi > lo and (hi - lo) < 0.5 * (pmax - pmin)
    if not clipped:
        lo, hi = pmin, pmax
    if hi <= lo:
        hi = lo + max(abs(lo) * 1e-6, 1e-12)
    pscale, punit = potential_scale(max(abs(lo), abs(hi), hi - lo))
    extend = ("both" if pmin < lo and pmax > hi else "min" if pmin < lo else "max" if pmax > hi else "neither") if clipped else "neither"

    map_h = min(max(6.2 * ly / lx, 2.5), 8.0) if lx > 0 else 6.0
    fig, ax = plt.subplots(figsize=(8.5, map_h + 2.6), constrained_layout=True)
    pc = ax.tripcolor(triang, phi / pscale, shading="gouraud", cmap="Blues", norm=Normalize(vmin=lo / pscale, vmax=hi / pscale))
    cb = fig.colorbar(pc, ax=ax, extend=extend, pad=0.02)
    cb.set_label("\u03c6 [%s]%s" % (punit, " (1\u201399 % area range)" if clipped else ""))

    # Current density: cell values averaged to the vertices, interpolated on a regular grid for streamplot.
    jv = cell_to_vertex(sol.cells, j[:, :2], x.size)
    nx = 90
    ny = int(min(max(round(nx * ly / lx), 12), 180)) if lx > 0 else 40
    if ly > lx and ly > 0:
        ny = 90
        nx = int(min(max(round(ny * lx / ly), 12), 180))
    gx = np.linspace(x[used].min() / scale, x[used].max() / scale, nx)
    gy = np.linspace(y[used].min() / scale, y[used].max() / scale, ny)
    GX, GY = np.meshgrid(gx, gy)
    comps = []
    for d in range(2):
        vals = np.where(np.isfinite(jv[:, d]), jv[:, d], 0.0)
        g = LinearTriInterpolator(triang, vals)(GX, GY)
        comps.append(np.ma.filled(np.ma.masked_invalid(g).astype(float), np.nan))
    U, V = comps
    mag = np.hypot(U, V)
    title = "\u03c6 and current density streamlines"
    if np.isfinite(mag).any() and np.nanmax(mag) > 0:
        m = mag[np.isfinite(mag) & (mag > 0)]
        mnorm = LogNorm(vmin=max(float(m.min()), float(m.max()) * 1e-4), vmax=float(m.max())) if m.max() > 10 * m.min() else Normalize(vmin=0, vmax=float(m.max()))
        strm = ax.streamplot(gx, gy, U, V, color=np.where(np.isfinite(mag), np.maximum(mag, mnorm.vmin), np.nan), cmap="autumn",
                             norm=mnorm, density=1.3, linewidth=1.1, arrowsize=1.0)
        cb2 = fig.colorbar(strm.lines, ax=ax, orientation="horizontal", shrink=0.8, aspect=40, pad=0.02)
        cb2.set_label("streamline colour: current density |j| [A/m\u00b2] (cell values interpolated to a grid)")
    else:
        title += " (no current)"
    draw_electrodes_2d(ax, sol, scale, scale)
    ax.set_xlim(gx[0], gx[-1])
    ax.set_ylim(gy[0], gy[-1])
    ax.set_aspect("equal")
    map_axes(ax, unit)
    if clipped:
        title += "\n\u03c6 ranges over %.4g\u2026%.4g V; double layer beyond the colour range" % (pmin, pmax)
    ax.set_title(title_lines(summary, title), fontsize="medium")
    return save_atomic(fig, os.path.join(outdir, "phi_current.png"), dpi)


def plot_2d(outdir, summary, sol, ctype, dpi):
    verts, fields = sol.verts, sol.fields
    if verts.shape[1] < 2:
        raise PlotError("2D mesh but /geometry/vertices has only %d coordinate(s)" % verts.shape[1])
    x, y = verts[:, 0], verts[:, 1]
    extent = max(float(np.ptp(x)) if x.size else 0.0, float(np.ptp(y)) if y.size else 0.0)
    scale, unit = length_scale(extent)
    tri = triangles_2d(sol.cells, ctype)
    if tri is None:
        warn("no triangle/quadrilateral topology; using a Delaunay triangulation of the vertices")
        triang = Triangulation(x / scale, y / scale)
    else:
        triang = Triangulation(x / scale, y / scale, triangles=tri)
    tri = triang.triangles

    # Colour limits come from the vertices that are actually drawn.
    used = np.zeros(verts.shape[0], dtype=bool)
    used[np.unique(triang.triangles)] = True

    written, failed = [], []
    phi, conc, other = order_fields(fields)
    for name in phi + conc + other:
        try:
            if name == "entropy_production":
                written.append(plot_entropy_2d(outdir, summary, sol, tri, used, dpi))
            else:
                written.append(plot_field_map(outdir, summary, sol, triang, used, unit, scale, name, dpi))
        except (ValueError, RuntimeError, np.linalg.LinAlgError) as exc:
            failed.append("field_%s.png (%s: %s)" % (name, type(exc).__name__, exc))
    if phi:
        try:
            path = plot_phi_current(outdir, summary, sol, tri, used, dpi)
            if path:
                written.append(path)
        except (ValueError, RuntimeError, np.linalg.LinAlgError) as exc:
            failed.append("phi_current.png (%s: %s)" % (type(exc).__name__, exc))
    return written, failed


# ---------------------------------------------------------------------------------------------
# 3D
# ---------------------------------------------------------------------------------------------
def boundary_vertices_3d(cells, ctype, nv):
    if cells is None or cells.size == 0:
        return np.arange(nv)
    if ctype == "tetrahedron" and cells.shape[1] >= 4:
        local = TET_FACES
    elif ctype == "hexahedron" and cells.shape[1] >= 8:
        local = HEX_FACES
    else:
        return np.arange(nv)
    faces = np.concatenate([cells[:, list(fc)] for fc in local], axis=0)
    key = np.sort(faces, axis=1)
    _, inverse, counts = np.unique(key, axis=0, return_inverse=True, return_counts=True)
    boundary = faces[counts[inverse.reshape(-1)] == 1]
    return np.unique(boundary)


def plot_3d(outdir, summary, sol, ctype, dpi):
    verts, cells, fields = sol.verts, sol.cells, sol.fields
    if "phi" not in fields:
        print("ness_plot: 3D result without a phi field; nothing plotted")
        return []
    if verts.shape[1] < 3:
        raise PlotError("3D mesh but /geometry/vertices has only %d coordinate(s)" % verts.shape[1])
    idx = boundary_vertices_3d(cells, ctype, verts.shape[0])
    if idx.size > MAX_SCATTER_POINTS:
        idx = np.random.default_rng(0).choice(idx, MAX_SCATTER_POINTS, replace=False)
    p = verts[idx]
    scale, unit = length_scale(float(np.ptp(verts, axis=0).max()) if verts.size else 0.0)
    vals, units = fields["phi"]
    label, units = field_label("phi", units)
    fig = plt.figure(figsize=(7.5, 6.0))
    ax = fig.add_subplot(projection="3d")
    sc = ax.scatter(p[:, 0] / scale, p[:, 1] / scale, p[:, 2] / scale, c=vals[idx], cmap="RdBu_r", s=12 if idx.size < 5000 else 3, depthshade=False)
    cb = fig.colorbar(sc, ax=ax, shrink=0.75)
    cb.set_label("%s [%s]" % (label, units))
    ax.set_xlabel("x [%s]" % unit)
    ax.set_ylabel("y [%s]" % unit)
    ax.set_zlabel("z [%s]" % unit)
    try:
        ax.set_box_aspect(tuple(np.maximum(np.ptp(p, axis=0), 1e-30)))
    except (AttributeError, ValueError):
        pass
    ax.set_title(title_lines(summary, "%s on boundary vertices" % label))
    return [save_atomic(fig, os.path.join(outdir, "field_phi.png"), dpi)]


# ---------------------------------------------------------------------------------------------
# Electrodes
# ---------------------------------------------------------------------------------------------
def electrode_heading(name, e, dim):
    bits = [name]
    pot = num(e.get("potential_V"))
    cur = num(e.get("current_A"))
    area = num(e.get("area_m2"))
    if pot is not None:
        bits.append("E = %.4g V" % pot)
    if cur is not None:
        bits.append("I = %.4g %s" % (cur, CURRENT_UNIT[dim]))
    if cur is not None and area:
        bits.append("mean j = %.4g A/m\u00b2" % (cur / area))
    return ", ".join(bits)


def _rx_series(data, rx):
    return [(data.get("%s_overpotential_V" % rx), "\u03b7", "-"),
            (data.get("%s_surface_overpotential_V" % rx), "\u03b7\u209b (surface)", "--"),
            (data.get("%s_concentration_overpotential_V" % rx), "\u03b7_c (concentration)", ":")]


def electrode_panels_line(ax_j, ax_eta, data, reactions, summary_e, name, dim):
    coords = data["coordinates"]
    order, s, sname, breaks = electrode_abscissa(coords, data.get("area"))
    finite_s = s[np.isfinite(s)]
    sscale, sunit = length_scale(float(np.ptp(finite_s)) if finite_s.size else 0.0)
    ss = s / sscale
    marker = "o" if coords.shape[0] <= 60 else None
    multi = len(reactions) > 1
    for i, rx in enumerate(reactions):
        jr = data.get(rx + RX_CURRENT_SUFFIX)
        if jr is not None:
            ax_j.plot(*with_breaks(ss, jr[order], breaks), ls="--", marker=marker, ms=3, color="C%d" % i, label=rx)
    jt = data.get("current_density_A_per_m2")
    if jt is not None:
        ax_j.plot(*with_breaks(ss, jt[order], breaks), "k-", lw=1.8, alpha=0.75, label="total", zorder=1)
    ax_j.axhline(0.0, color="0.5", lw=0.6)
    ax_j.set_ylabel("current density j [A/m\u00b2]\n(anodic +)")
    ax_j.set_title(electrode_heading(name, summary_e, dim), fontsize="medium")
    for i, rx in enumerate(reactions):
        for vals, lab, ls in _rx_series(data, rx):
            if vals is not None:
                ax_eta.plot(*with_breaks(ss, vals[order], breaks), ls=ls, marker=marker, ms=3, color="C%d" % i,
                            label="%s %s" % (lab, rx) if multi else lab)
    ax_eta.axhline(0.0, color="0.5", lw=0.6)
    ax_eta.set_ylabel("overpotential [V]")
    ax_eta.set_xlabel("%s [%s]" % (sname, sunit))
    ax_eta.set_title("%s\u03b7 = \u03b7\u209b + \u03b7_c = E \u2212 \u03c6 \u2212 E_eq" % ("reaction %s: " % reactions[0] if len(reactions) == 1 else ""),
                     fontsize="small")
    for ax in (ax_j, ax_eta):
        ax.grid(True, alpha=0.3)
        ax.margins(y=0.08)
        if ax.get_legend_handles_labels()[0]:  # outside the axes: the curves fill them
            ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", borderaxespad=0.0)


def _bar_text(ax, xpos, value, fmt="%.4g"):
    ax.text(xpos, value, fmt % value, ha="center", va="bottom" if value >= 0 else "top", fontsize="x-small")


def electrode_panels_point(ax_j, ax_eta, data, reactions, summary_e, name, dim):
    labels, vals = [], []
    for rx in reactions:
        jr = data.get(rx + RX_CURRENT_SUFFIX)
        if jr is not None:
            labels.append(rx)
            vals.append(float(jr[0]))
    jt = data.get("current_density_A_per_m2")
    if jt is not None:
        labels.append("total")
        vals.append(float(jt[0]))
    xs = np.arange(len(vals))
    ax_j.bar(xs, vals, color=["C%d" % i for i in range(len(vals) - (jt is not None))] + (["0.3"] if jt is not None else []), width=0.6)
    for xp, v in zip(xs, vals):
        _bar_text(ax_j, xp, v)
    ax_j.set_xticks(xs)
    ax_j.set_xticklabels(labels)
    ax_j.axhline(0.0, color="0.5", lw=0.6)
    ax_j.set_ylabel("current density j [A/m\u00b2]\n(anodic +)")
    xscale, xunit = length_scale(abs(float(data["coordinates"][0, 0])))
    ax_j.set_title("%s\n(at x = %.4g %s)" % (electrode_heading(name, summary_e, dim).replace(", I =", ",\nI =", 1),
                                            float(data["coordinates"][0, 0]) / xscale, xunit), fontsize="medium")
    width = 0.8 / 3
    for i, rx in enumerate(reactions):
        for kq, (arr, lab, _) in enumerate(_rx_series(data, rx)):
            if arr is None:
                continue
            xp = i + (kq - 1) * width
            ax_eta.bar(xp, float(arr[0]), width=width * 0.95, color="C%d" % kq, label=lab if i == 0 else None)
            _bar_text(ax_eta, xp, float(arr[0]))
    ax_eta.set_xticks(np.arange(len(reactions)))
    ax_eta.set_xticklabels(reactions)
    ax_eta.axhline(0.0, color="0.5", lw=0.6)
    ax_eta.set_ylabel("overpotential [V]")
    for ax in (ax_j, ax_eta):
        ax.grid(True, axis="y", alpha=0.3)
        ax.margins(y=0.15)
    if ax_eta.get_legend_handles_labels()[0]:
        ax_eta.legend(loc="best", fontsize="small")


def electrode_panels_surface(ax_j, ax_eta, fig, data, reactions, summary_e, name, dim):
    coords = data["coordinates"]
    c = coords - coords.mean(axis=0)
    _, _, vt = np.linalg.svd(c, full_matrices=False)
    normal = vt[-1] if vt.shape[0] == 3 else np.cross(vt[0], vt[1])
    axn = int(np.argmax(np.abs(normal)))
    if abs(normal[axn]) > 1 - 1e-9:  # plane parallel to two coordinate axes: use them
        a, b = [d for d in range(3) if d != axn]
        u, v, ulab, vlab = coords[:, a], coords[:, b], "xyz"[a], "xyz"[b]
        what = ""
    else:
        u, v, ulab, vlab = c @ vt[0], c @ vt[1], "u", "v"
        what = " (projected onto the best-fit plane)"
    scale, unit = length_scale(max(float(np.ptp(u)), float(np.ptp(v))))
    size = 40 if coords.shape[0] < 500 else (10 if coords.shape[0] < 5000 else 2)
    panels = [(ax_j, data.get("current_density_A_per_m2"), "total current density j [A/m\u00b2]", "viridis")]
    if reactions:
        eta = data.get("%s_overpotential_V" % reactions[0])
        more = " (%d more reaction(s) not shown)" % (len(reactions) - 1) if len(reactions) > 1 else ""
        panels.append((ax_eta, eta, "\u03b7 of %s [V]%s" % (reactions[0], more), "plasma"))
    for ax, vals, lab, cmap in panels:
        if vals is None:
            ax.text(0.5, 0.5, "no data", transform=ax.transAxes, ha="center")
            continue
        sc = ax.scatter(u / scale, v / scale, c=vals, s=size, cmap=cmap)
        fig.colorbar(sc, ax=ax).set_label(lab, fontsize="small")
        ax.set_aspect("equal")
        ax.set_xlabel("%s [%s]" % (ulab, unit))
        ax.set_ylabel("%s [%s]" % (vlab, unit))
    ax_j.set_title(electrode_heading(name, summary_e, dim) + what, fontsize="medium")


def plot_electrodes(outdir, summary, sol, tdim, dpi):
    names = [n for n in electrode_names(summary, sol) if sol.electrodes[n]["coordinates"].shape[0] > 0]
    if not names:
        note("no /electrodes data in solution.h5 (older ness output?); electrodes.png skipped")
        return None
    dim = summary_dim(summary, tdim)
    ncol = min(len(names), 3)
    nblocks = (len(names) + ncol - 1) // ncol
    wide = {1: 5.0, 2: 8.8}.get(tdim, 6.5)
    fig, axes = plt.subplots(2 * nblocks, ncol, figsize=(wide * ncol, 2.0 + 6.0 * nblocks), squeeze=False)
    for i, name in enumerate(names):
        blk, col = divmod(i, ncol)
        ax_j, ax_eta = axes[2 * blk, col], axes[2 * blk + 1, col]
        data = sol.electrodes[name]
        se = summary_electrode(summary, name)
        reactions = reaction_names(data, se)
        if tdim == 1 or data["coordinates"].shape[0] == 1:
            electrode_panels_point(ax_j, ax_eta, data, reactions, se, name, dim)
        elif tdim == 2:
            ax_j.sharex(ax_eta)
            electrode_panels_line(ax_j, ax_eta, data, reactions, se, name, dim)
        else:
            electrode_panels_surface(ax_j, ax_eta, fig, data, reactions, se, name, dim)
    for k in range(len(names), nblocks * ncol):
        blk, col = divmod(k, ncol)
        axes[2 * blk, col].set_visible(False)
        axes[2 * blk + 1, col].set_visible(False)
    fig.suptitle(title_lines(summary, "electrodes: current density and overpotentials"), fontsize="medium")
    fig.tight_layout()
    return save_atomic(fig, os.path.join(outdir, "electrodes.png"), dpi)


# ---------------------------------------------------------------------------------------------
# Summary pictures: polarization and power balance, relaxation
# ---------------------------------------------------------------------------------------------
POLARIZATION_PARTS = (("activation", "activation (\u03b7\u209b)", "C0"),
                      ("concentration", "concentration (\u03b7_c)", "C1"),
                      ("ohmic", "ohmic / double layer (\u03c6)", "C2"))


def power_balance_lines(summary, dim):
    lines = []
    unit_suffix = (", " + EXTENSIVE_UNIT[dim]) if EXTENSIVE_UNIT.get(dim) else ""
    pb = summary.get("power_balance_W")
    if isinstance(pb, dict):
        diss = num(pb.get("dissipation"))
        terms = [(k, num(pb.get(k))) for k in ("external", "open_boundaries", "chemical")]
        terms = [(k, v) for k, v in terms if v is not None]
        if diss is not None and terms:
            supply = sum(v for _, v in terms)
            txt = "Power balance [%s%s]: dissipation %.4g vs supply %.4g = %s" % (
                POWER_UNIT[dim], unit_suffix, diss, supply,
                " + ".join("%s %.4g" % (k.replace("_", " "), v) for k, v in terms))
            rel = num(pb.get("relative_error"))
            absn = num(pb.get("absolute_error"))
            if rel is not None:
                txt += ";  relative error %.2g" % rel
            if absn is not None:
                txt += " (absolute %.2g)" % absn
            lines.append(txt)
    ep = summary.get("entropy_production_W_per_K")
    if isinstance(ep, dict):
        parts = ["%s %.4g" % (k.replace("_", " "), num(ep.get(k))) for k in ("bulk_transport", "bulk_reactions", "surface", "total")
                 if num(ep.get(k)) is not None]
        if parts:
            lines.append("Entropy production [%s%s]: %s" % (ENTROPY_UNIT[dim], unit_suffix, ", ".join(parts)))
    return lines


def plot_polarization(outdir, summary, dpi):
    bars = []
    for e in summary.get("electrodes") or []:
        if not isinstance(e, dict):
            continue
        for r in e.get("reactions") or []:
            if isinstance(r, dict) and isinstance(r.get("polarization_V"), dict):
                pv = r["polarization_V"]
                parts = {k: num(pv.get(k)) for k, _, _ in POLARIZATION_PARTS}
                bars.append(("%s\n%s" % (e.get("name", "?"), r.get("name", "?")), parts, num(pv.get("total"))))
    if not bars:
        note("no polarization_V in summary.json (older ness output?); polarization.png skipped")
        return None
    dim = summary_dim(summary, 2)
    lines = power_balance_lines(summary, dim)
    figw = max(7.5, 2.2 * len(bars) + 3.5)
    wrapped = []
    for line in lines:
        wrapped.extend(textwrap.wrap(line, int(figw * 72 / 5.0) - 2, subsequent_indent="    "))
    text_h = 0.15 * len(wrapped) + 0.2 if wrapped else 0.0
    figh = 5.0 + text_h
    fig, ax = plt.subplots(figsize=(figw, figh))
    span = max([abs(v) for _, parts, _ in bars for v in parts.values() if v is not None] + [1e-30])
    handles = {}
    for i, (_, parts, total) in enumerate(bars):
        up, down = 0.0, 0.0
        for key, label, color in POLARIZATION_PARTS:
            v = parts[key]
            if v is None:
                continue
            bottom = up if v >= 0 else down
            h = ax.bar(i, v, bottom=bottom, width=0.55, color=color, edgecolor="white", label=label)
            handles[key] = h
            if abs(v) > 0.06 * span:
                ax.text(i, bottom + v / 2, "%+.4f" % v, ha="center", va="center", fontsize="small", color="white")
            if v >= 0:
                up += v
            else:
                down += v
        comp = sum(v for v in parts.values() if v is not None)
        if total is not None:
            handles["total"] = ax.hlines(total, i - 0.38, i + 0.38, colors="k", lw=2.5, label="total E \u2212 E_eq", zorder=4)
            ax.plot([i], [total], "kD", ms=6, zorder=5)
            ax.text(i + 0.4, total, " total %+.4f V" % total, va="center", fontsize="small")
            if abs(comp - total) > 1e-6 * max(abs(total), span):
                ax.text(i, down, "parts sum to %+.4f V" % comp, ha="center", va="top", fontsize="x-small", color="C3")
    ax.axhline(0.0, color="0.3", lw=0.8)
    ax.set_xticks(np.arange(len(bars)))
    ax.set_xticklabels([b[0] for b in bars])
    ax.set_xlim(-0.7, len(bars) - 0.3 + 0.6)
    ax.set_ylabel("contribution to E \u2212 E_eq [V]")
    ax.grid(True, axis="y", alpha=0.3)
    order = [k for k, _, _ in POLARIZATION_PARTS if k in handles] + (["total"] if "total" in handles else [])
    ax.legend([handles[k] for k in order], [handles[k].get_label() for k in order], loc="best", fontsize="small")
    ax.set_title(title_lines(summary, "polarization: where the driving force E \u2212 E_eq goes"), fontsize="medium")
    ax.text(0.01, 0.01, "positive parts stacked up from 0, negative parts down; total = their sum", transform=ax.transAxes,
            fontsize="x-small", color="0.3")
    if wrapped:
        fig.text(0.01, 0.1 / figh, "\n".join(wrapped), fontsize=8, va="bottom", ha="left", family="monospace", linespacing=1.3)
        fig.tight_layout(rect=(0, text_h / figh, 1, 1))
    else:
        fig.tight_layout()
    return save_atomic(fig, os.path.join(outdir, "polarization.png"), dpi)


def plot_relaxation(outdir, summary, dpi):
    path = os.path.join(outdir, "relaxation.csv")
    if not os.path.exists(path):
        return None
    try:
        names, data = load_relaxation(path)
    except (OSError, ValueError, csv.Error) as exc:
        raise PlotError("cannot read %s: %s" % (path, exc))
    if "time_s" not in data:
        raise PlotError("%s has no time_s column (columns: %s)" % (path, ", ".join(names)))
    t = data["time_s"]
    dim = summary_dim(summary, 2)
    suffix = (" " + EXTENSIVE_UNIT[dim]) if EXTENSIVE_UNIT.get(dim) else ""
    currents = [n for n in names if n.startswith("current_A_")]
    panels = [k for k in ("entropy_production_W_per_K", "free_energy_J") if k in data] + (["currents"] if currents else [])
    if not panels or t.size == 0:
        raise PlotError("%s has no rows or none of the columns entropy_production_W_per_K, free_energy_J, current_A_*" % path)
    tpos = t[np.isfinite(t) & (t > 0)]
    logx = tpos.size >= 2 and tpos.max() > 100.0 * tpos.min()
    fig, axes = plt.subplots(len(panels), 1, sharex=True, figsize=(7.0, 1.8 + 2.6 * len(panels)), squeeze=False)
    axes = axes[:, 0]
    for ax, key in zip(axes, panels):
        if key == "entropy_production_W_per_K":
            y = data[key]
            ok = np.isfinite(y) & np.isfinite(t) & (y > 0)
            ax.plot(t[ok], y[ok], "-", marker="." if ok.sum() < 200 else None, color="C4")
            ax.set_yscale("log")
            ax.set_ylabel("entropy production\n[%s%s]" % (ENTROPY_UNIT[dim], suffix))
            if (~ok & np.isfinite(y)).any():
                ax.text(0.99, 0.97, "%d values \u2264 0 not shown" % int((~ok & np.isfinite(y)).sum()), transform=ax.transAxes,
                        ha="right", va="top", fontsize="x-small")
        elif key == "free_energy_J":
            f = data[key]
            fin = np.isfinite(f)
            if not fin.any():
                ax.text(0.5, 0.5, "no finite free energy values", transform=ax.transAxes, ha="center")
                continue
            last = f[np.nonzero(fin)[0][-1]]
            d = f - last
            pos = fin & np.isfinite(t) & (d > 0)
            neg = fin & np.isfinite(t) & (d < 0)
            ax.plot(t[pos], d[pos], "-", marker="." if pos.sum() < 200 else None, color="C0", label="F \u2212 F_end")
            if neg.any():
                ax.plot(t[neg], -d[neg], "x", color="C3", ms=4, label="\u2212(F \u2212 F_end) where F < F_end")
                ax.legend(loc="best", fontsize="small")
            ax.set_yscale("log")
            ax.set_ylabel("F \u2212 F(last) [J%s]" % suffix)
        else:
            for i, n in enumerate(currents):
                y = data[n]
                ok = np.isfinite(y) & np.isfinite(t)
                ax.plot(t[ok], y[ok], "-", color="C%d" % i, label=n[len("current_A_"):])
            ax.axhline(0.0, color="0.5", lw=0.6)
            ax.set_ylabel("electrode current [%s]" % CURRENT_UNIT[dim])
            ax.legend(loc="best", fontsize="small")
        ax.grid(True, which="both", alpha=0.3)
    if logx:
        axes[-1].set_xscale("log")
        if (np.isfinite(t) & (t <= 0)).any():
            axes[-1].text(0.01, 0.02, "t \u2264 0 not shown (log time axis)", transform=axes[-1].transAxes, fontsize="x-small")
    axes[-1].set_xlabel("time [s]")
    axes[0].set_title(title_lines(summary, "relaxation (%d records)" % t.size), fontsize="medium")
    fig.tight_layout()
    return save_atomic(fig, os.path.join(outdir, "relaxation.png"), dpi)


def plot_sweep_csv(outdir, dpi):
    """sweep.png from sweep.csv (a -ness_sweep polarization curve), drawn by tools/ness_sweep_plot.py"""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    try:
        import ness_sweep_plot
    finally:
        sys.path.pop(0)
    return ness_sweep_plot.plot_sweep(outdir, dpi)


# ---------------------------------------------------------------------------------------------
def run_picture(what, func, written, failed, *args):
    """Run one picture; a failure is reported and does not stop the other pictures."""
    try:
        result = func(*args)
    except PlotError as exc:
        failed.append("%s (%s)" % (what, exc))
        return
    except (OSError, KeyError, ValueError, IndexError, RuntimeError, np.linalg.LinAlgError) as exc:
        failed.append("%s (%s: %s)" % (what, type(exc).__name__, exc))
        return
    if isinstance(result, (list, tuple)):
        written.extend(p for p in result if p)
    elif result:
        written.append(result)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Plot a ness output directory (summary.json + solution.h5).")
    ap.add_argument("outdir", help="directory holding summary.json and solution.h5; PNGs are written here")
    ap.add_argument("--dpi", type=int, default=120, help="resolution of the PNG files (default 120)")
    args = ap.parse_args(argv)

    outdir = args.outdir
    if not os.path.isdir(outdir):
        print("ness_plot: error: %s is not a directory" % outdir, file=sys.stderr)
        return 1
    summary = load_summary(outdir)
    written, failed = [], []
    # Pictures made from summary.json and relaxation.csv alone come first: they need no solution.h5.
    run_picture("polarization.png", plot_polarization, written, failed, outdir, summary, args.dpi)
    run_picture("relaxation.png", plot_relaxation, written, failed, outdir, summary, args.dpi)
    if os.path.exists(os.path.join(outdir, "sweep.csv")):
        run_picture("sweep.png", plot_sweep_csv, written, failed, outdir, args.dpi)
    status = 0
    try:
        sol = load_solution(outdir)
        tdim, ctype = cell_info(sol.cells, sol.cell_type, sol.verts.shape[1], summary.get("dimension"))
        if tdim == 1:
            written.extend(plot_1d(outdir, summary, sol, args.dpi))
        elif tdim == 2:
            w, f = plot_2d(outdir, summary, sol, ctype, args.dpi)
            written.extend(w)
            failed.extend(f)
        else:
            written.extend(plot_3d(outdir, summary, sol, ctype, args.dpi))
        run_picture("electrodes.png", plot_electrodes, written, failed, outdir, summary, sol, tdim, args.dpi)
    except PlotError as exc:
        print("ness_plot: error: %s" % exc, file=sys.stderr)
        status = 1
    except (OSError, KeyError, ValueError) as exc:
        print("ness_plot: error: %s: %s" % (type(exc).__name__, exc), file=sys.stderr)
        status = 1

    for what in failed:
        print("ness_plot: error: %s failed: %s" % (what.split(" ", 1)[0], what.split(" ", 1)[1] if " " in what else ""), file=sys.stderr)
    if failed:
        status = 1
    if written:
        print("ness_plot: wrote %d file(s):" % len(written))
        for path in written:
            print("  %s" % path)
    else:
        print("ness_plot: no plots written")
    return status


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Plot a ness result directory.

Usage: ness_plot.py OUTDIR [--dpi N]

Reads OUTDIR/summary.json and OUTDIR/solution.h5 and writes PNG files into OUTDIR:

  1D  profiles.png                       phi(x), all concentrations c_<species>(x) and any other
                                         vertex field, one panel each group
  2D  field_<name>.png                   one tripcolor (gouraud) plot per vertex field
  3D  field_phi.png                      scatter of the boundary vertices coloured by phi

HDF5 layout (SI units): /geometry/vertices (nv, dim) or (nv,) for 1D, /topology/cells (nc, nvpc)
0-based vertex indices with optional string attribute cell_type, /fields/<name> (nv,) float64.

Exit status: 0 on success, and also (with a warning) when numpy/h5py/matplotlib are not
installed; 1 when the input is missing or unreadable; 2 on usage errors.
"""

import argparse
import json
import math
import os
import sys
import tempfile

_DEBIAN_PYTHON = "/usr/bin/python3"
_REEXEC_FLAG = "NESS_PLOT_REEXEC"

try:
    import numpy as np
    import h5py
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import LogNorm, Normalize
    from matplotlib.tri import Triangulation
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


class PlotError(Exception):
    pass


def warn(msg):
    print("ness_plot: warning: %s" % msg, file=sys.stderr)


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


def load_solution(outdir):
    path = os.path.join(outdir, "solution.h5")
    if not os.path.exists(path):
        raise PlotError("%s not found" % path)
    try:
        f = h5py.File(path, "r")
    except OSError as exc:
        raise PlotError("cannot open %s: %s" % (path, exc))
    with f:
        if "geometry/vertices" not in f:
            raise PlotError("%s has no /geometry/vertices" % path)
        verts = np.asarray(f["geometry/vertices"][()], dtype=float)
        if verts.ndim == 1:
            verts = verts.reshape(-1, 1)
        elif verts.ndim != 2:
            raise PlotError("/geometry/vertices has shape %s, expected (nv, dim) or (nv,)" % (verts.shape,))
        nv = verts.shape[0]

        cells, cell_type = None, None
        if "topology/cells" in f:
            dset = f["topology/cells"]
            if "cell_type" in dset.attrs:
                cell_type = _as_str(dset.attrs["cell_type"]).strip().lower() or None
            cells = np.asarray(dset[()])
            if cells.ndim != 2 or cells.dtype.kind not in "iu":
                warn("/topology/cells has shape %s and type %s, expected integer (nc, nvpc); ignored" % (cells.shape, cells.dtype))
                cells = None
            else:
                cells = cells.astype(np.int64)
                valid = cells[cells >= 0]
                if valid.size and valid.max() >= nv:
                    raise PlotError("/topology/cells references vertex %d but there are only %d vertices" % (valid.max(), nv))

        fields = {}
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
                fields[name] = (vals, units)
        if not fields:
            warn("%s has no vertex fields (shape (%d,)) under /fields" % (path, nv))
    return verts, cells, cell_type, fields


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


def field_label(name, units):
    """(pretty label, unit string) for a field name."""
    if name == "phi":
        return "\u03c6", units or "V"
    if name.startswith("c_"):
        return "c(%s)" % name[2:], units or "mol/m\u00b3"
    return name, units


def spans_decades(values, decades=3.0):
    """True if the positive part of `values` spans more than `decades` orders of magnitude."""
    v = values[np.isfinite(values)]
    pos = v[v > 0]
    if pos.size < 2:
        return False
    return pos.max() > pos.min() * 10.0 ** decades


def title_lines(summary, what):
    scenario = summary.get("scenario", "unknown scenario")
    converged = summary.get("converged")
    state = "converged" if converged is True else ("NOT converged" if converged is False else "convergence unknown")
    return "%s \u2014 %s\n%s" % (scenario, state, what)


def electrode_text(summary):
    electrodes = summary.get("electrodes")
    if not isinstance(electrodes, list):
        return ""
    parts = []
    for e in electrodes:
        if not isinstance(e, dict):
            continue
        bits = [str(e.get("name", "?"))]
        for key, fmt in (("potential_V", "E=%.4g V"), ("current_A", "I=%.4g A")):
            val = e.get(key)
            if isinstance(val, (int, float)) and not isinstance(val, bool):
                bits.append(fmt % val)
        parts.append(" ".join(bits))
    return "   ".join(parts)


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


# ---------------------------------------------------------------------------------------------
# 1D
# ---------------------------------------------------------------------------------------------
def plot_1d(outdir, summary, verts, fields, dpi):
    x = verts[:, 0]
    order = np.argsort(x, kind="stable")
    x = x[order]
    scale, unit = length_scale(float(x.max() - x.min()) if x.size else 0.0)
    xs = x / scale

    phi, conc, other = order_fields(fields)
    panels = []
    if phi:
        panels.append(("phi", phi))
    if conc:
        panels.append(("conc", conc))
    for name in other:
        panels.append(("other", [name]))
    if not panels:
        return []

    fig, axes = plt.subplots(len(panels), 1, sharex=True, figsize=(7.0, 2.2 + 2.3 * len(panels)), squeeze=False)
    axes = axes[:, 0]
    for ax, (kind, names) in zip(axes, panels):
        if kind == "conc":
            allvals = np.concatenate([fields[n][0] for n in names])
            for n in names:
                ax.plot(xs, fields[n][0][order], label=field_label(n, None)[0])
            ax.set_ylabel("concentration [%s]" % field_label(names[0], fields[names[0]][1])[1])
            if spans_decades(allvals):
                ax.set_yscale("log", nonpositive="mask")
            ax.legend(loc="best", fontsize="small")
        else:
            n = names[0]
            label, units = field_label(n, fields[n][1])
            ax.plot(xs, fields[n][0][order], color="C3" if kind == "phi" else "C0")
            ax.set_ylabel("%s [%s]" % (label, units) if units else label)
            if kind == "other" and spans_decades(fields[n][0]) and np.all(fields[n][0][np.isfinite(fields[n][0])] > 0):
                ax.set_yscale("log")
        ax.grid(True, which="both", alpha=0.3)
    axes[-1].set_xlabel("x [%s]" % unit)
    axes[0].set_title(title_lines(summary, "1D profiles"))
    text = electrode_text(summary)
    if text:
        fig.text(0.01, 0.005, text, fontsize="x-small", va="bottom", ha="left")
    fig.tight_layout(rect=(0, 0.03 if text else 0, 1, 1))
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


def plot_2d(outdir, summary, verts, cells, ctype, fields, dpi):
    if verts.shape[1] < 2:
        raise PlotError("2D mesh but /geometry/vertices has only %d coordinate(s)" % verts.shape[1])
    x, y = verts[:, 0], verts[:, 1]
    extent = max(float(np.ptp(x)) if x.size else 0.0, float(np.ptp(y)) if y.size else 0.0)
    scale, unit = length_scale(extent)
    tri = triangles_2d(cells, ctype)
    if tri is None:
        warn("no triangle/quadrilateral topology; using a Delaunay triangulation of the vertices")
        triang = Triangulation(x / scale, y / scale)
    else:
        triang = Triangulation(x / scale, y / scale, triangles=tri)

    # Colour limits come from the vertices that are actually drawn.
    used = np.zeros(verts.shape[0], dtype=bool)
    used[np.unique(triang.triangles)] = True

    written = []
    phi, conc, other = order_fields(fields)
    for name in phi + conc + other:
        vals, units = fields[name]
        label, units = field_label(name, units)
        finite = np.isfinite(vals)
        if not finite.all():
            warn("field %s has %d non-finite values" % (name, int((~finite).sum())))
            vals = np.where(finite, vals, float(vals[finite].mean()) if finite.any() else 0.0)
        shown = vals[used]
        vmin, vmax = float(shown.min()), float(shown.max())
        if name.startswith("c_") and spans_decades(shown) and vmin > 0:
            norm = LogNorm(vmin=vmin, vmax=vmax)
        else:
            norm = Normalize(vmin=vmin, vmax=vmax)
        cmap = "RdBu_r" if name == "phi" else "viridis"
        fig, ax = plt.subplots(figsize=(7.0, 5.5))
        pc = ax.tripcolor(triang, vals, shading="gouraud", cmap=cmap, norm=norm)
        cb = fig.colorbar(pc, ax=ax)
        cb.set_label("%s [%s]" % (label, units) if units else label)
        ax.set_aspect("equal")
        ax.set_xlabel("x [%s]" % unit)
        ax.set_ylabel("y [%s]" % unit)
        ax.set_title(title_lines(summary, label))
        fig.tight_layout()
        written.append(save_atomic(fig, os.path.join(outdir, "field_%s.png" % name), dpi))
    return written


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


def plot_3d(outdir, summary, verts, cells, ctype, fields, dpi):
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
    try:
        verts, cells, cell_type, fields = load_solution(outdir)
        tdim, ctype = cell_info(cells, cell_type, verts.shape[1], summary.get("dimension"))
        if tdim == 1:
            written = plot_1d(outdir, summary, verts, fields, args.dpi)
        elif tdim == 2:
            written = plot_2d(outdir, summary, verts, cells, ctype, fields, args.dpi)
        else:
            written = plot_3d(outdir, summary, verts, cells, ctype, fields, args.dpi)
    except PlotError as exc:
        print("ness_plot: error: %s" % exc, file=sys.stderr)
        return 1
    except (OSError, KeyError, ValueError) as exc:
        print("ness_plot: error: %s: %s" % (type(exc).__name__, exc), file=sys.stderr)
        return 1

    if written:
        print("ness_plot: wrote %d file(s):" % len(written))
        for path in written:
            print("  %s" % path)
    else:
        print("ness_plot: no plots written")
    return 0


if __name__ == "__main__":
    sys.exit(main())

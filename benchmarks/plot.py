#!/usr/bin/env python3
"""PNG plots of ness benchmark records.

    python3 benchmarks/plot.py RECORDS.jsonl [MORE.jsonl ...] [--out DIR]

Writes into DIR (default: the directory of the first file):
  time_vs_unknowns.png   solve time (and total time) against unknowns, one line per case/solver, 1 rank
  amg_study.png          secondary model with AMG: linear iterations per Newton step, and the steady-state solve
                         time in units of one AMG solve of the linear (Poisson) problem on the same mesh
  strong_scaling.png     parallel efficiency T1 / (P TP) of the solve, set-up and total time, per case and size
  weak_scaling.png       time against ranks at a fixed number of unknowns per rank (only when such runs exist)
  memory.png             peak resident memory (all ranks) per unknown against unknowns
Needs matplotlib (re-executes itself with /usr/bin/python3 when the first python3 lacks it).
"""
import argparse
import os
import sys

try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    if os.path.exists("/usr/bin/python3") and os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    sys.stderr.write("plot.py: matplotlib is not available\n")
    sys.exit(77)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import records as R  # noqa: E402


MARKERS = "osD^v<>phX*"


def style(i):
    """distinct colour and marker for line i (tab20 colours, 11 markers)"""
    return dict(color=plt.cm.tab20(i % 20), marker=MARKERS[i % len(MARKERS)])


def series(best, case, solver, ranks, ypath):
    pts = [(r["unknowns"], R.get(r, ypath)) for k, r in best.items()
           if k[0] == case and k[1] == solver and k[3] == ranks and r.get("unknowns") and R.get(r, ypath)]
    return sorted(pts)


def plot_time(best, out):
    fig, ax = plt.subplots(figsize=(8, 5.5))
    combos = sorted({(k[0], k[1]) for k in best if k[3] == 1})
    allx = []
    for i, (c, s) in enumerate(combos):
        pts = series(best, c, s, 1, "times_s.solve")
        if not pts:
            continue
        x, y = zip(*pts)
        allx += x
        ln, = ax.loglog(x, y, "-", label=f"{c} / {s}", **style(i))
        pts = series(best, c, s, 1, "times_s.total")
        if pts:
            x2, y2 = zip(*pts)
            ax.loglog(x2, y2, ":", color=ln.get_color(), alpha=0.6)
    if allx:
        x0, x1 = min(allx), max(allx)
        ax.loglog([x0, x1], [1e-5 * x0, 1e-5 * x1], "k--", lw=0.8, label="slope 1 (10 µs per unknown)")
    ax.set_xlabel("unknowns")
    ax.set_ylabel("time (s): solve (solid), total incl. set-up and output (dotted)")
    ax.set_title("ness: time vs unknowns, 1 rank")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "time_vs_unknowns.png"), dpi=110)
    plt.close(fig)


def plot_amg(best, out):
    combos = sorted({(k[1], k[3]) for k in best if k[0] == "secondary_strip_2d" and k[1] in ("amg", "gamg")})
    if not combos:
        return False
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 4.5))
    for i, (s, p) in enumerate(combos):
        pts = series(best, "secondary_strip_2d", s, p, "iterations.linear_per_newton")
        if pts:
            x, y = zip(*pts)
            a1.semilogx(x, y, "o-", color=f"C{i}", label=f"{s}, {p} rank(s): nonlinear (Tafel)")
        pts = series(best, "secondary_strip_2d_linear", s, p, "iterations.linear_per_newton")
        if pts:
            x, y = zip(*pts)
            a1.semilogx(x, y, "s--", color=f"C{i}", alpha=0.6, label=f"{s}, {p} rank(s): linear kinetics")
        ratio = []
        for k, r in best.items():
            if k[0] == "secondary_strip_2d" and k[1] == s and k[3] == p:
                lin = best.get(("secondary_strip_2d_linear", s, k[2], p))
                t1 = R.single_solve_time(lin) if lin else None
                if t1 and R.get(r, "times_s.solve"):
                    ratio.append((r["unknowns"], r["times_s"]["solve"] / t1))
        if ratio:
            x, y = zip(*sorted(ratio))
            a2.semilogx(x, y, "o-", color=f"C{i}", label=f"{s}, {p} rank(s)")
    a1.set_xlabel("unknowns")
    a1.set_ylabel("linear iterations per Newton step")
    a1.set_ylim(bottom=0)
    a1.grid(True, which="both", alpha=0.3)
    a1.legend(fontsize=7)
    a1.set_title("secondary_strip_2d: Krylov iterations (rtol 1e-10)")
    a2.axhline(10, color="k", ls="--", lw=0.8, label="target: 10")
    a2.set_xlabel("unknowns")
    a2.set_ylabel("steady-state solve time / one AMG Poisson solve")
    a2.set_ylim(bottom=0)
    a2.grid(True, which="both", alpha=0.3)
    a2.legend(fontsize=7)
    a2.set_title("Poisson-solve equivalents of the nonlinear solve")
    fig.tight_layout()
    fig.savefig(os.path.join(out, "amg_study.png"), dpi=110)
    plt.close(fig)
    return True


def busy(r, min_util):
    """the run got less than min_util of its cores (CPU time / (wall x ranks)): the machine was busy"""
    u = R.get(r, "cpu_s.utilization")
    return u is not None and u < min_util


def plot_strong(best, out, min_util=0.0):
    rows = []
    for k, r in best.items():
        if k[3] == 1:
            continue
        r1 = best.get((k[0], k[1], k[2], 1))
        if not r1 or not r.get("unknowns") or busy(r, min_util) or busy(r1, min_util):
            continue
        eff = {}
        for m in ("solve", "setup", "total"):
            a, b = R.get(r1, f"times_s.{m}"), R.get(r, f"times_s.{m}")
            eff[m] = a / (k[3] * b) if a and b else None
        rows.append((k, r["unknowns"], eff))
    if not rows:
        return False
    rows.sort(key=lambda t: (t[0][0], t[0][1], t[1], t[0][3]))
    fig, ax = plt.subplots(figsize=(max(7, 0.55 * len(rows) + 2), 5))
    w = 0.27
    for j, m in enumerate(("solve", "setup", "total")):
        ax.bar([i + (j - 1) * w for i in range(len(rows))], [(e[m] or 0) for _, _, e in rows], w, label=m)
    ax.axhline(0.8, color="k", ls="--", lw=0.8, label="target 0.8")
    ax.axhline(1.0, color="grey", lw=0.5)
    ax.set_xticks(range(len(rows)))
    ax.set_xticklabels([f"{k[0]}\n{k[1]} N={n:.2g}\nP=1→{k[3]}" for k, n, _ in rows], fontsize=6, rotation=60,
                       ha="right")
    ax.set_ylabel("parallel efficiency T1 / (P TP)")
    ax.set_title("ness: strong scaling (2-core machine)" +
                 (f"; runs with CPU utilization < {min_util:g} left out" if min_util > 0 else ""))
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "strong_scaling.png"), dpi=110)
    plt.close(fig)
    return True


def plot_weak(best, out, min_util=0.0):
    """pairs (P=1, N) and (P, ~P N) of the same case and solver"""
    groups = {}
    for k, r in best.items():
        if not r.get("unknowns") or busy(r, min_util):
            continue
        for k1, r1 in best.items():
            if k1[0] == k[0] and k1[1] == k[1] and k1[3] == 1 and k[3] > 1 and r1.get("unknowns") \
                    and not busy(r1, min_util):
                if abs(r["unknowns"] / k[3] / r1["unknowns"] - 1.0) < 0.15:
                    groups.setdefault((k[0], k[1], r1["unknowns"]), {1: r1})[k[3]] = r
    if not groups:
        return False
    fig, ax = plt.subplots(figsize=(7, 5))
    for i, ((c, s, n1), g) in enumerate(sorted(groups.items())):
        P = sorted(g)
        for m, st in (("solve", "o-"), ("total", "s:")):
            y = [R.get(g[p], f"times_s.{m}") for p in P]
            ax.plot(P, y, st, color=f"C{i}", label=f"{c}/{s}, {n1:.2g} unknowns per rank: {m}")
    ax.set_xlabel("ranks")
    ax.set_ylabel("time (s)")
    ax.set_title("ness: weak scaling (constant unknowns per rank)")
    ax.set_xticks(sorted({p for g in groups.values() for p in g}))
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "weak_scaling.png"), dpi=110)
    plt.close(fig)
    return True


def plot_memory(best, out):
    fig, ax = plt.subplots(figsize=(8, 5))
    combos = sorted({(k[0], k[1]) for k in best if k[3] == 1})
    for i, (c, s) in enumerate(combos):
        pts = [(r["unknowns"], r["memory"]["max_rss_total_bytes"] / r["unknowns"] / 1024.0) for k, r in best.items()
               if k[0] == c and k[1] == s and k[3] == 1 and r.get("unknowns") and R.get(r, "memory.max_rss_total_bytes")]
        if pts:
            x, y = zip(*sorted(pts))
            ax.loglog(x, y, "-", label=f"{c} / {s}", **style(i))
    ax.axhline(2, color="k", ls="--", lw=0.8, label="2 KiB (secondary target)")
    ax.axhline(4, color="k", ls=":", lw=0.8, label="4 KiB (pnp target)")
    ax.set_xlabel("unknowns")
    ax.set_ylabel("peak RSS per unknown (KiB), 1 rank, incl. ~50 MB fixed")
    ax.set_title("ness: memory per unknown")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "memory.png"), dpi=110)
    plt.close(fig)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("records", nargs="+")
    ap.add_argument("--out", default=None)
    ap.add_argument("--min-util", type=float, default=0.0,
                    help="leave runs whose CPU utilization (CPU time / (wall x ranks)) is below this out of the "
                         "scaling plots, e.g. 0.9 on a shared machine (default 0: keep all)")
    args = ap.parse_args(argv)
    out = args.out or os.path.dirname(os.path.abspath(args.records[0]))
    os.makedirs(out, exist_ok=True)
    best = R.best(R.load(args.records))
    if not best:
        sys.stderr.write("plot.py: no successful run records\n")
        return 1
    plot_time(best, out)
    made = ["time_vs_unknowns.png"]
    if plot_amg(best, out):
        made.append("amg_study.png")
    if plot_strong(best, out, args.min_util):
        made.append("strong_scaling.png")
    if plot_weak(best, out, args.min_util):
        made.append("weak_scaling.png")
    plot_memory(best, out)
    made.append("memory.png")
    print("wrote " + ", ".join(os.path.join(out, m) for m in made))
    return 0


if __name__ == "__main__":
    sys.exit(main())

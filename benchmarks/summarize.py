#!/usr/bin/env python3
"""Markdown tables of ness benchmark records (the figures quoted in docs/benchmarks.md).

    python3 benchmarks/summarize.py RECORDS.jsonl [MORE.jsonl ...]

Sections: machine and STREAM bandwidth; every run; the AMG study (linear iterations per Newton step, time growth,
Poisson-solve equivalents); nonlinear efficiency; assembly throughput against bandwidth; memory per unknown
(marginal slope and gross); strong and weak scaling. With repetitions, the fastest repetition of each run is used.
Standard library only.
"""
import argparse
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import records as R  # noqa: E402


def f(x, fmt="{:.3g}"):
    return "–" if x is None else fmt.format(x)


def table(head, rows):
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def slope(xs, ys):
    """least-squares slope of y against x"""
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx > 0 else None


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("records", nargs="+")
    args = ap.parse_args(argv)
    allruns = R.load(args.records, ok_only=False)
    runs = [r for r in allruns if r.get("status") == "ok"]
    best = R.best(runs)
    streams = R.load(args.records, kind="stream")
    if not runs:
        print("no successful runs")
        return 1
    m = runs[0].get("machine", {})
    print("## Machine\n")
    print(f"- CPU: {m.get('cpu_model')}, {m.get('cores')} cores ({m.get('logical_cpus')} logical), "
          f"hypervisor {m.get('hypervisor')}; memory {f((m.get('mem_total_bytes') or 0) / 2**30, '{:.1f}')} GiB")
    print(f"- {m.get('uname')}")
    print(f"- MPI: {m.get('mpi')}; BLAS: {m.get('blas')}; PETSc {runs[0].get('petsc_version')}")
    commits = sorted({(R.get(r, 'git.commit') or '?')[:10] + ('+dirty' if R.get(r, 'git.dirty') else '') for r in runs})
    shas = sorted({R.get(r, 'ness_binary.sha256', '?')[:12] for r in runs})
    print(f"- git: {', '.join(commits)}; ness binary sha256: {', '.join(shas)}")
    loads = [R.get(r, "loadavg_start.1min") for r in runs if R.get(r, "loadavg_start.1min") is not None]
    utils = [R.get(r, "cpu_s.utilization") for r in runs if R.get(r, "cpu_s.utilization") is not None]
    if loads:
        print(f"- load average (1 min) at the start of the runs: {min(loads):.2f} .. {max(loads):.2f} "
              f"(median {sorted(loads)[len(loads) // 2]:.2f}); CPU utilization of the runs (CPU time / (wall x ranks)):"
              f" {min(utils):.2f} .. {max(utils):.2f}" if utils else "")
    for s in sorted(streams, key=lambda s: (s["ranks"], -s["triad_GBps"])):
        print(f"- STREAM triad ({s['ranks']} rank(s), {s['n_per_rank']} doubles per array, {s['timestamp']}, load "
              f"{R.get(s, 'loadavg_start.1min')}): {s['triad_GBps']:.1f} GB/s = {s['triad_GBps_per_rank']:.1f} GB/s per "
              f"core; copy {s['copy_GBps']:.1f} GB/s")
    bad = [r for r in allruns if r.get("status") != "ok"]
    if bad:
        print("- runs not ok: " + ", ".join(f"{r['id']} ({r['status']})" for r in bad))

    print("\n## All runs (fastest repetition)\n")
    rows = []
    for k in sorted(best, key=lambda k: (k[0], k[1], k[3], k[2])):
        r = best[k]
        it = r.get("iterations") or {}
        t = r.get("times_s") or {}
        rows.append([k[0], k[1], k[3], r.get("unknowns"),
                     f"{it.get('pseudo_steps')}/{it.get('newton')}/{it.get('linear')}",
                     f(it.get("linear_per_newton"), "{:.1f}"), f(t.get("setup")), f(t.get("solve")),
                     f(t.get("residual")), f(t.get("jacobian")), f(t.get("linear")), f(t.get("output")),
                     f(t.get("total")), f(R.get(r, "memory.max_rss_total_bytes", 0) / 2**20, "{:.0f}"),
                     f(R.get(r, "cpu_s.utilization"), "{:.2f}"), f(R.get(r, "loadavg_start.1min"), "{:.1f}")])
    print(table(["case", "solver", "P", "unknowns", "pseudo/Newton/linear", "lin/Newton", "set-up s", "solve s",
                 "residual s", "Jacobian s", "linear s", "output s", "total s", "RSS MiB", "CPU util", "load"], rows))

    print("\n## AMG study (secondary_strip_2d)\n")
    for s in ("amg", "gamg"):
        for p in sorted({k[3] for k in best if k[0] == "secondary_strip_2d" and k[1] == s}):
            pts = sorted((r["unknowns"], r) for k, r in best.items()
                         if k[0] == "secondary_strip_2d" and k[1] == s and k[3] == p and r.get("unknowns"))
            if not pts:
                continue
            rows, prev = [], None
            for n, r in pts:
                lin = best.get(("secondary_strip_2d_linear", s, r["size_target"], p))
                t1 = R.single_solve_time(lin) if lin else None
                ts = R.get(r, "times_s.solve")
                growth = (math.log(ts / prev[1]) / math.log(n / prev[0])) if prev and ts and prev[1] else None
                so = r.get("solves") or {}
                rows.append([n, f"{r['iterations']['newton']}", r["iterations"]["linear"],
                             f(r["iterations"].get("linear_per_newton"), "{:.2f}"),
                             f"{so.get('linear_its_min')}..{so.get('linear_its_max')}",
                             f(R.get(lin, "iterations.linear_per_newton") if lin else None, "{:.1f}"),
                             f(ts), f(ts / n * 1e6 if ts else None, "{:.2f}"), f(growth, "{:.2f}"), f(t1),
                             f(ts / t1 if ts and t1 else None, "{:.1f}"), f(R.get(r, "times_s.setup"))])
                prev = (n, ts)
            print(f"solver {s}, {p} rank(s):\n")
            print(table(["unknowns", "Newton", "linear", "lin/Newton", "per solve", "lin/Newton (linear kinetics)",
                         "solve s", "µs/unknown", "growth exponent", "one Poisson solve s", "Poisson equivalents",
                         "set-up s"], rows))
            print()

    print("## Nonlinear efficiency (default solver unless noted)\n")
    rows = []
    for k in sorted(best, key=lambda k: (k[0], k[1], k[3], k[2])):
        r = best[k]
        so = r.get("solves") or {}
        it = r.get("iterations") or {}
        rows.append([k[0], k[1], k[3], r.get("unknowns"), it.get("pseudo_steps"), it.get("newton"),
                     so.get("linear_failed"), R.get(so, "newton_failed.pseudo"), R.get(so, "newton_failed.final"),
                     r.get("converged_reason")])
    print(table(["case", "solver", "P", "unknowns", "pseudo-steps", "Newton (all)", "failed linear solves",
                 "failed pseudo-step Newton solves", "failed final Newton", "reason"], rows))

    print("\n## Assembly throughput (largest size per case, 1 rank and 2 ranks)\n")
    # fractions against the best STREAM triad of these records for the same number of ranks (the machine's
    # attainable bandwidth; a session's own probe may have run on a busy machine)
    best_stream = {}
    for s in streams:
        best_stream[s["ranks"]] = max(best_stream.get(s["ranks"], 0.0), s["triad_GBps_per_rank"])
    if best_stream:
        print("STREAM triad per core used below (best of the records): " +
              ", ".join(f"{p} rank(s) {v:.1f} GB/s" for p, v in sorted(best_stream.items())) + "\n")
    rows = []
    for c in sorted({k[0] for k in best}):
        for p in (1, 2):
            cand = [r for k, r in best.items() if k[0] == c and k[3] == p and r.get("throughput")]
            if not cand:
                continue
            r = max(cand, key=lambda r: r.get("unknowns") or 0)
            th = dict(r["throughput"])
            if best_stream.get(p):
                th["stream_triad_GBps_per_core"] = best_stream[p]
                for kk in ("residual", "jacobian"):
                    if th.get(f"{kk}_model_GBps_per_core"):
                        th[f"{kk}_fraction_of_stream"] = th[f"{kk}_model_GBps_per_core"] / best_stream[p]
            rows.append([c, r["solver"], p, r.get("unknowns"), r.get("nf"),
                         f(th.get("residual_vertex_updates_per_s_per_core", 0) / 1e6, "{:.1f}"),
                         f(th.get("residual_model_GBps_per_core"), "{:.2f}"),
                         f(th.get("residual_fraction_of_stream"), "{:.1%}"),
                         f(th.get("jacobian_vertex_updates_per_s_per_core", 0) / 1e6, "{:.2f}"),
                         f(th.get("jacobian_model_GBps_per_core"), "{:.2f}"),
                         f(th.get("jacobian_fraction_of_stream"), "{:.1%}"),
                         f(th.get("stream_triad_GBps_per_core"), "{:.1f}")])
    print(table(["case", "solver", "P", "unknowns", "unknowns/vertex", "residual Mvertex/s/core",
                 "residual model GB/s/core", "of STREAM", "Jacobian Mvertex/s/core", "Jacobian model GB/s/core",
                 "of STREAM", "STREAM triad GB/s/core"], rows))

    print("\n## Memory (1 rank): peak RSS against unknowns\n")
    rows = []
    for c, s in sorted({(k[0], k[1]) for k in best if k[3] == 1}):
        pts = sorted((r["unknowns"], R.get(r, "memory.max_rss_total_bytes")) for k, r in best.items()
                     if k[0] == c and k[1] == s and k[3] == 1 and r.get("unknowns")
                     and R.get(r, "memory.max_rss_total_bytes"))
        if not pts:
            continue
        xs, ys = zip(*pts)
        sl = slope(xs, ys) if len(xs) >= 2 and xs[-1] > 2 * xs[0] else None
        rows.append([c, s, f"{xs[0]}..{xs[-1]}", len(xs), f(ys[0] / 2**20, "{:.0f}"), f(ys[-1] / 2**20, "{:.0f}"),
                     f(ys[-1] / xs[-1] / 1024, "{:.2f}"), f(sl / 1024 if sl else None, "{:.2f}")])
    print(table(["case", "solver", "unknowns", "runs", "RSS smallest MiB", "RSS largest MiB",
                 "gross KiB/unknown (largest)", "marginal KiB/unknown (slope)"], rows))

    print("\n## Strong scaling (same problem, 1 -> P ranks)\n")
    rows = []
    for k in sorted(best, key=lambda k: (k[0], k[1], k[2], k[3])):
        if k[3] == 1 or (k[0], k[1], k[2], 1) not in best:
            continue
        r1, rp = best[(k[0], k[1], k[2], 1)], best[k]
        e = {}
        for mname in ("solve", "setup", "output", "total"):
            a, b = R.get(r1, f"times_s.{mname}"), R.get(rp, f"times_s.{mname}")
            e[mname] = a / (k[3] * b) if a and b else None
        rows.append([k[0], k[1], rp.get("unknowns"), k[3], f(R.get(r1, "times_s.solve")), f(R.get(rp, "times_s.solve")),
                     f(e["solve"], "{:.0%}"), f(e["setup"], "{:.0%}"), f(e["output"], "{:.0%}"), f(e["total"], "{:.0%}"),
                     f"{R.get(r1, 'iterations.linear')} / {R.get(rp, 'iterations.linear')}",
                     f(R.get(rp, "events.NessSetUp.time_ratio"), "{:.2f}"),
                     f"{f(R.get(r1, 'loadavg_start.1min'), '{:.1f}')} / {f(R.get(rp, 'loadavg_start.1min'), '{:.1f}')}"])
    print(table(["case", "solver", "unknowns", "P", "solve s (1)", "solve s (P)", "eff. solve", "eff. set-up",
                 "eff. output", "eff. total", "linear its (1 / P)", "set-up max/min over ranks", "load (1 / P)"], rows))

    print("\n## Weak scaling (unknowns per rank constant within 15%)\n")
    rows = []
    for k, r in sorted(best.items()):
        if k[3] == 1 or not r.get("unknowns"):
            continue
        for k1, r1 in best.items():
            if (k1[0], k1[1], k1[3]) == (k[0], k[1], 1) and r1.get("unknowns") and \
                    abs(r["unknowns"] / k[3] / r1["unknowns"] - 1.0) < 0.15:
                a, b = R.get(r1, "times_s.solve"), R.get(r, "times_s.solve")
                at, bt = R.get(r1, "times_s.total"), R.get(r, "times_s.total")
                rows.append([k[0], k[1], f"{r1['unknowns']} -> {r['unknowns']}", f"1 -> {k[3]}", f(a), f(b),
                             f(a / b if a and b else None, "{:.0%}"), f(at / bt if at and bt else None, "{:.0%}")])
    print(table(["case", "solver", "unknowns", "ranks", "solve s (1)", "solve s (P)", "weak eff. solve",
                 "weak eff. total"], rows) if rows else "(no weak-scaling pairs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

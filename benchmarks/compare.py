#!/usr/bin/env python3
"""Compare two sets of ness benchmark records (before/after, or two machines).

    python3 benchmarks/compare.py A.jsonl B.jsonl [--threshold 0.25] [--fail-on-regression] [--metrics solve,total]

Runs are matched on (case, solver, size target, ranks); with repetitions the fastest of each set is used. For every
match it prints B/A for the wall time, the solve, set-up, residual, Jacobian, linear-solve and output times, the
peak memory and the Newton/linear iteration counts. A ratio above 1 + threshold in one of --metrics (default:
solve and total time) is flagged "SLOWER"; with --fail-on-regression the exit status is then 1. Without that flag the
exit status is 0 whatever the ratios: timings on a shared machine are noisy, so the flag is opt-in.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import records as R  # noqa: E402

COLUMNS = [("total", "times_s.total"), ("solve", "times_s.solve"), ("setup", "times_s.setup"),
           ("residual", "times_s.residual"), ("jacobian", "times_s.jacobian"), ("linear", "times_s.linear"),
           ("output", "times_s.output"), ("memory", "memory.max_rss_total_bytes"), ("newton", "iterations.newton"),
           ("linits", "iterations.linear")]


def ratio(a, b):
    if a is None or b is None or a <= 0:
        return None
    return b / a


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("a", help="baseline records (JSON lines)")
    ap.add_argument("b", help="new records (JSON lines)")
    ap.add_argument("--threshold", type=float, default=0.25, help="flag B/A > 1 + threshold (default 0.25)")
    ap.add_argument("--metrics", default="solve,total", help="columns checked against the threshold")
    ap.add_argument("--fail-on-regression", action="store_true", help="exit 1 when a run is flagged")
    ap.add_argument("--min-time", type=float, default=0.05,
                    help="ignore timings below this many seconds in A when flagging (default 0.05)")
    args = ap.parse_args(argv)
    A, B = R.best(R.load(args.a)), R.best(R.load(args.b))
    common = sorted(set(A) & set(B), key=lambda k: (k[0], k[1], k[2], k[3]))
    check = set(args.metrics.split(","))
    print(f"baseline A: {args.a} ({len(A)} runs); new B: {args.b} ({len(B)} runs); {len(common)} matched")
    hdr = f"{'case':26s} {'solver':7s} {'target':>8s} {'P':>2s} " + " ".join(f"{c:>8s}" for c, _ in COLUMNS)
    print("ratios B/A")
    print(hdr)
    flagged = []
    for k in common:
        a, b = A[k], B[k]
        cells = []
        for name, path in COLUMNS:
            ra = ratio(R.get(a, path), R.get(b, path))
            cells.append(f"{ra:8.3f}" if ra is not None else f"{'-':>8s}")
            if (name in check and ra is not None and ra > 1.0 + args.threshold
                    and (R.get(a, path) or 0) >= args.min_time):
                flagged.append((k, name, ra))
        print(f"{k[0]:26s} {k[1]:7s} {k[2]:8.0f} {k[3]:2d} " + " ".join(cells))
    only_a = sorted(set(A) - set(B))
    only_b = sorted(set(B) - set(A))
    if only_a:
        print(f"only in A: {len(only_a)} runs: " + ", ".join(f"{k[0]}/{k[1]}/{k[2]}/P{k[3]}" for k in only_a))
    if only_b:
        print(f"only in B: {len(only_b)} runs: " + ", ".join(f"{k[0]}/{k[1]}/{k[2]}/P{k[3]}" for k in only_b))
    la = [R.get(r, "loadavg_start.1min") for r in A.values()]
    lb = [R.get(r, "loadavg_start.1min") for r in B.values()]
    la, lb = [x for x in la if x is not None], [x for x in lb if x is not None]
    if la and lb:
        print(f"machine load (1-min average at the start of each run): A {min(la):.2f}..{max(la):.2f}, "
              f"B {min(lb):.2f}..{max(lb):.2f}")
    for k, name, ra in flagged:
        print(f"SLOWER: {k[0]} {k[1]} n={k[2]} P={k[3]}: {name} x{ra:.2f} (> {1 + args.threshold:.2f})")
    if not flagged:
        print(f"no run slower than x{1 + args.threshold:.2f} in {sorted(check)}")
    return 1 if (flagged and args.fail_on_regression) else 0


if __name__ == "__main__":
    sys.exit(main())

"""Reading and grouping ness benchmark records (JSON lines written by benchmarks/run.py). Standard library only."""
import json

KEY = ("case", "solver", "size_target", "ranks")


def load(paths, kind="run", ok_only=True):
    """records of the given kind from one or more JSON-lines files (blank and malformed lines are skipped)"""
    out = []
    for p in ([paths] if isinstance(paths, str) else paths):
        with open(p) as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                try:
                    r = json.loads(line)
                except ValueError:
                    continue
                if r.get("kind") != kind:
                    continue
                if kind == "run" and ok_only and r.get("status") != "ok":
                    continue
                out.append(r)
    return out


def get(r, path, default=None):
    """r["a"]["b"] for path "a.b"; default when missing or None"""
    cur = r
    for k in path.split("."):
        if not isinstance(cur, dict) or cur.get(k) is None:
            return default
        cur = cur[k]
    return cur


def key(r):
    return tuple(r.get(k) for k in KEY)


def best(records):
    """one record per (case, solver, size_target, ranks): the repetition with the smallest solve time"""
    groups = {}
    for r in records:
        groups.setdefault(key(r), []).append(r)
    return {k: min(v, key=lambda r: get(r, "times_s.solve", float("inf"))) for k, v in groups.items()}


def single_solve_time(r):
    """time of one linear solve (KSPSolve + PCSetUp per KSPSolve call) of a record"""
    n = get(r, "counts.ksp_solve", 0)
    t = get(r, "times_s.linear")
    return t / n if n and t else None

#!/usr/bin/env python3
"""Checks that the records of `benchmarks/run.py --quick` are well formed: one run record per planned run, every
run converged, the documented fields are present, counts and times are positive, the STREAM records exist.
No timing is compared with anything (the machine may be busy).

usage: check_records.py RECORDS.jsonl SOURCE_DIR
"""
import json
import sys

recs_path, src = sys.argv[1], sys.argv[2]
sys.path.insert(0, src + "/benchmarks")
import run  # noqa: E402

errors = []


def err(msg):
    errors.append(msg)


def get(r, path):
    cur = r
    for k in path.split("."):
        if not isinstance(cur, dict) or k not in cur:
            return KeyError
        cur = cur[k]
    return cur


def positive(r, path, allow_zero=False, integer=False):
    v = get(r, path)
    if v is KeyError or v is None:
        err(f"{r.get('id', '?')}: missing {path}")
        return
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        err(f"{r.get('id', '?')}: {path} = {v!r} is not a number")
        return
    if integer and not isinstance(v, int):
        err(f"{r.get('id', '?')}: {path} = {v!r} is not an integer")
    if v < 0 or (v == 0 and not allow_zero) or v != v:
        err(f"{r.get('id', '?')}: {path} = {v!r} is not {'non-negative' if allow_zero else 'positive'}")


def present(r, path):
    v = get(r, path)
    if v is KeyError or v is None or v == "":
        err(f"{r.get('id', r.get('kind', '?'))}: missing {path}")


lines = [l for l in open(recs_path) if l.strip()]
recs = []
for i, l in enumerate(lines):
    try:
        recs.append(json.loads(l))
    except ValueError as e:
        err(f"line {i + 1} is not JSON: {e}")
runs = [r for r in recs if r.get("kind") == "run"]
streams = [r for r in recs if r.get("kind") == "stream"]
planned = [(c, s, int(n), p) for c, s, sizes, ranks in run.SUITES["quick"] for n in sizes for p in ranks]
got = sorted((r.get("case"), r.get("solver"), r.get("size_target"), r.get("ranks")) for r in runs)
if got != sorted(planned):
    err(f"runs {got} differ from the quick suite {sorted(planned)}")
if sorted(s.get("ranks") for s in streams) != sorted({p for *_, p in planned}):
    err(f"STREAM records for ranks {[s.get('ranks') for s in streams]}")
for s in streams:
    for k in ("triad_GBps", "triad_GBps_per_rank", "copy_GBps", "n_per_rank"):
        positive(s, k)

for r in runs:
    if r.get("schema") != run.SCHEMA:
        err(f"{r.get('id')}: schema {r.get('schema')!r}")
    if r.get("status") != "ok" or r.get("exit_code") != 0 or r.get("converged") is not True:
        err(f"{r.get('id')}: status {r.get('status')}, exit code {r.get('exit_code')}, converged {r.get('converged')}")
        continue
    for k in ("case", "model", "solver", "id", "timestamp", "converged_reason", "petsc_version", "machine.uname",
              "machine.cpu_model", "machine.cores", "machine.mem_total_bytes", "ness_binary.sha256", "command",
              "loadavg_start.1min", "loadavg_end.1min", "git.dirty"):
        present(r, k)
    for k in ("ranks", "dim", "nf", "unknowns", "vertices", "cells", "iterations.newton", "iterations.linear"):
        positive(r, k, integer=True)
    positive(r, "iterations.pseudo_steps", allow_zero=True, integer=True)
    if isinstance(r.get("unknowns"), int) and isinstance(r.get("vertices"), int) and \
            r["unknowns"] != r["vertices"] * r["nf"]:
        err(f"{r['id']}: unknowns {r['unknowns']} != vertices {r['vertices']} x nf {r['nf']}")
    for k in ("total", "setup", "solve", "residual", "jacobian", "linear", "ksp_solve", "pc_setup", "output", "post"):
        positive(r, f"times_s.{k}")
    for k in ("wall_s", "log_total_s", "cpu_s.user", "iterations.linear_per_newton", "memory.max_rss_total_bytes",
              "memory.max_rss_max_rank_bytes", "memory.max_rss_min_rank_bytes",
              "throughput.residual_vertex_updates_per_s_per_core", "throughput.jacobian_vertex_updates_per_s_per_core",
              "throughput.residual_fraction_of_stream", "throughput.stream_triad_GBps_per_core",
              "counts.residual", "counts.jacobian", "counts.ksp_solve"):
        positive(r, k)
    for k in ("solves.linear_failed", "solves.newton_failed.final"):
        positive(r, k, allow_zero=True, integer=True)
    if get(r, "solves.linear_solves") != get(r, "counts.ksp_solve"):
        err(f"{r['id']}: {get(r, 'solves.linear_solves')} converged-reason lines but "
            f"{get(r, 'counts.ksp_solve')} KSPSolve calls")
    if isinstance(get(r, "iterations.linear"), int) and isinstance(get(r, "iterations.newton"), int) and \
            get(r, "iterations.linear") < get(r, "iterations.newton"):
        err(f"{r['id']}: fewer linear than Newton iterations")
    mem = get(r, "memory.max_rss_total_bytes")
    if isinstance(mem, (int, float)) and mem < 1e6 * r.get("ranks", 1):
        err(f"{r['id']}: peak memory {mem} bytes is implausibly small")
    for st in ("Main Stage", "Ness solve"):
        positive(r, f"stages_s.{st}")

print(f"check_records: {len(runs)} run records, {len(streams)} STREAM records, {len(errors)} problems")
for e in errors:
    print("  " + e)
sys.exit(1 if errors else 0)

#!/usr/bin/env python3
"""ness benchmark driver: runs named benchmark cases under `mpirun -n P` for given rank counts and mesh sizes
and appends one JSON record per run to a JSON-lines file.

Examples (from the repository root):
    python3 benchmarks/run.py --quick                              # < 1 minute, tiny sizes (the CTest bench_quick)
    python3 benchmarks/run.py --suite standard --out out-bench     # every case at a few sizes, 1 and 2 ranks
    python3 benchmarks/run.py --suite amg                          # secondary + BoomerAMG, 1e4 .. 1e6 unknowns
    python3 benchmarks/run.py --cases pnp_1d --sizes 2e3,2e4 --ranks 1,2 --solvers default
    python3 benchmarks/run.py --list                               # cases, solvers and suites
    python3 benchmarks/run.py --suite standard --baseline old/records.jsonl   # flag >25% slow-downs

Every run writes its own directory (<out>/runs/<id>/: stdout.txt, stderr.txt, log_view.txt, summary.json) and one
line in <out>/records.jsonl. The record format is described in docs/benchmarks.md. Timings come from PETSc's
-log_view (maximum over ranks), memory from -memory_view (PetscMemoryGetMaximumUsage: the peak resident set size
of each process, getrusage ru_maxrss), iterations from ness's summary.json, and per-solve linear iteration counts
and failures from -ksp_converged_reason / -snes_converged_reason lines.

Only the standard library is used, so any python3 runs it.
"""
import argparse
import datetime
import hashlib
import json
import math
import os
import platform
import re
import resource
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CASEDIR = os.path.join(HERE, "cases")
SCHEMA = "ness-bench/1"

# --------------------------------------------------------------------------------------------------------------
# Cases: a scenario file plus how a target number of unknowns maps to -ness_mesh_faces.
# nf = unknowns per vertex (secondary: phi; electroneutral with ns species: ns-1 concentrations + phi; pnp: ns + 1).


def _even(x, m):
    return max(m, int(round(x / m)) * m)


def faces_strip(n_unknowns, nf=1):
    """aspect 10:1 box (galvanic strip): (10b+1)(b+1) vertices"""
    b = max(2, int(round(math.sqrt(n_unknowns / nf / 10.0))))
    return [10 * b, b]


def faces_box3d(n_unknowns, nf=1):
    """n x n x n/2 hexahedra; n a multiple of 4 so that the patch edges fall on cell faces"""
    n = _even((2.0 * n_unknowns / nf) ** (1.0 / 3.0), 4)
    return [n, n, n // 2]


def faces_cell2x1(n_unknowns, nf=3):
    """aspect 2:1 cell, x a multiple of 4 (cathode = middle half of the bottom)"""
    b = max(2, int(round(math.sqrt(n_unknowns / nf / 2.0))))
    return [_even(2 * b, 4), b]


def faces_default(n_unknowns, nf=4):
    """the default scenario's 48 x 40 graded mesh scaled by s; x a multiple of 3 (anode = middle third)"""
    s = math.sqrt(n_unknowns / nf / (49.0 * 41.0))
    return [_even(48 * s, 3), max(4, int(round(40 * s)))]


def faces_1d(n_unknowns, nf=4):
    return [max(4, int(round(n_unknowns / nf)) - 1)]


LINEAR_STRIP = ["-ness_reaction_mg_dissolution_kinetics", "linear", "-ness_reaction_h2o_reduction_kinetics", "linear",
                "-ness_pseudo", "0"]

CASES = {
    "secondary_strip_2d": dict(file="secondary_strip_2d.yaml", model="secondary", dim=2, nf=1, faces=faces_strip,
                               about="2D secondary (Laplace + Tafel kinetics), Mg/steel strip, potentiostatic"),
    "secondary_strip_2d_linear": dict(file="secondary_strip_2d.yaml", model="secondary", dim=2, nf=1,
                                      faces=faces_strip, options=LINEAR_STRIP,
                                      about="the same mesh with linear kinetics and no pseudo-time phase: a linear "
                                            "Poisson problem with Robin conditions (the single-solve reference)"),
    "galvanic_strip_2d": dict(file="galvanic_strip_2d.yaml", model="secondary", dim=2, nf=1, faces=faces_strip,
                              about="2D secondary, floating Mg/steel couple (global unknown, low-rank Jacobian)"),
    "secondary_patch_3d": dict(file="secondary_patch_3d.yaml", model="secondary", dim=3, nf=1, faces=faces_box3d,
                               about="3D secondary (Laplace + Butler-Volmer), iron patch on the bottom of a box"),
    "en_cuso4_2d": dict(file="en_cuso4_2d.yaml", model="electroneutral", dim=2, nf=3, faces=faces_cell2x1,
                        about="2D electroneutral, 3 species (Cu2+, SO4 2-, H+), copper cathode strip"),
    "pnp_default_2d": dict(file="pnp_default_2d.yaml", model="pnp", dim=2, nf=4, faces=faces_default,
                           about="2D PNP, the default scenario (Fe patch in NaCl, 10 nm double layer, graded mesh)"),
    "pnp_1d": dict(file="pnp_1d.yaml", model="pnp", dim=1, nf=4, faces=faces_1d,
                   about="1D PNP, tests/data/ranks_1d.yaml (Fe anode, Stern layer, graded mesh)"),
}

# Linear-solver variants. Explicit relative tolerances keep the iterative variants comparable across sizes
# (ness sets 1e-10 only in its own GMRES+ASM branch).
def _iterative(pc):
    """GMRES with preconditioner pc(prefix) in both phases (prefixes "" and "pseudo_")"""
    return sum(([f"-{p}ksp_type", "gmres", f"-{p}ksp_rtol", "1e-10", f"-{p}ksp_max_it", "1000"] + pc(p)
                for p in ("", "pseudo_")), [])



SOLVERS = {
    "default": dict(options=[], about="ness's default (MUMPS LU up to 2e5 unknowns, GMRES(100)+ASM/ILU(0) above; "
                                      "GMRES + LU with floating electrodes)"),
    "amg": dict(options=_iterative(lambda p: [f"-{p}pc_type", "hypre", f"-{p}pc_hypre_type", "boomeramg"]),
                about="GMRES + hypre BoomerAMG (defaults), rtol 1e-10, both phases"),
    "gamg": dict(options=_iterative(lambda p: [f"-{p}pc_type", "gamg"]),
                 about="GMRES + PETSc GAMG (defaults), rtol 1e-10, both phases"),
    "lu": dict(options=sum(([f"-{p}ksp_type", "preonly", f"-{p}pc_type", "lu", f"-{p}pc_factor_mat_solver_type",
                             "mumps"] for p in ("", "pseudo_")), []),
               about="MUMPS LU at every size, both phases"),
}

# Suites: lists of (case, solver, [target unknowns], [ranks]).
SUITES = {
    "quick": [
        ("secondary_strip_2d", "default", [2e3], [1, 2]),
        ("secondary_strip_2d", "amg", [2e3], [1]),
        ("secondary_strip_2d_linear", "amg", [2e3], [1]),
        ("galvanic_strip_2d", "default", [1e3], [2]),
        ("secondary_patch_3d", "amg", [2e3], [2]),
        ("en_cuso4_2d", "default", [2e3], [2]),
        ("pnp_default_2d", "default", [3e3], [2]),
        ("pnp_1d", "default", [5e2], [1, 2]),
    ],
    "standard": [
        ("secondary_strip_2d", "default", [1e4, 1e5], [1, 2]),
        ("secondary_strip_2d", "amg", [1e4, 1e5, 1e6], [1, 2]),
        ("galvanic_strip_2d", "default", [1e4, 1e5], [1, 2]),
        ("galvanic_strip_2d", "amg", [1e4, 1e5, 1e6], [1, 2]),
        ("secondary_patch_3d", "amg", [1e4, 1e5, 1e6], [1, 2]),
        ("en_cuso4_2d", "default", [1e4, 3e4, 1e5], [1, 2]),
        ("pnp_default_2d", "default", [8e3, 3e4, 1e5], [1, 2]),
        ("pnp_1d", "default", [5e2, 5e3, 5e4], [1, 2]),
    ],
    "amg": [
        ("secondary_strip_2d", "amg", [1e4, 3e4, 1e5, 3e5, 1e6, 2e6], [1]),
        ("secondary_strip_2d_linear", "amg", [1e4, 3e4, 1e5, 3e5, 1e6, 2e6], [1]),
        ("secondary_strip_2d", "gamg", [1e4, 1e5, 1e6], [1]),
        ("secondary_strip_2d_linear", "gamg", [1e4, 1e5, 1e6], [1]),
        ("secondary_strip_2d", "amg", [1e6], [2]),
        ("secondary_strip_2d_linear", "amg", [1e6], [2]),
    ],
    "scaling": [
        ("secondary_strip_2d", "amg", [1e6, 2e6], [1, 2]),
        ("secondary_patch_3d", "amg", [2e6], [1, 2]),
        ("pnp_default_2d", "default", [2e5], [1, 2]),
        ("secondary_strip_2d", "amg", [5e5], [1]),  # weak scaling: 5e5 unknowns per rank
        ("pnp_default_2d", "default", [3e5], [2]),  # above 2e5 unknowns the default is GMRES + ASM/ILU(0)
        ("pnp_default_2d", "lu", [3e5], [2]),
    ],
}
SUITES["full"] = SUITES["standard"] + SUITES["amg"] + SUITES["scaling"]


def add_scenario_cases():
    """the shipped scenarios/*.yaml as cases "scenario:NAME" at their own meshes (size target 0), run from the
    repository root (some name mesh files relative to it); model, dim and nf are read from summary.json"""
    import glob
    names = []
    for path in sorted(glob.glob(os.path.join(ROOT, "scenarios", "*.yaml"))):
        name = "scenario:" + os.path.splitext(os.path.basename(path))[0]
        CASES[name] = dict(file=path, model=None, dim=None, nf=None, faces=None, cwd=ROOT,
                           about=f"scenarios/{os.path.basename(path)} as it is (its own mesh and solver settings)")
        names.append(name)
    return names


SUITES["scenarios"] = [(n, "default", [0], [2]) for n in add_scenario_cases()]

# Events recorded from -log_view (time = maximum over ranks, summed over stages).
EVENTS = ["NessSetUp", "NessGeometry", "NessResidual", "NessJacobian", "NessSolve", "NessPost", "NessOutput",
          "SNESSolve", "SNESFunctionEval", "SNESJacobianEval", "SNESLineSearch", "TSStep", "KSPSetUp", "KSPSolve",
          "PCSetUp", "PCApply", "MatMult", "MatLUFactorSym", "MatLUFactorNum", "MatSolve", "MatAssemblyBegin",
          "MatAssemblyEnd", "MatZeroEntries", "DMCreateMat", "DMPlexPrealloc", "DMPlexDistribute", "Mesh Partition", "Mesh Migration",
          "VecView", "VecScatterBegin", "VecScatterEnd", "VecNorm", "VecMDot"]


# --------------------------------------------------------------------------------------------------------------
# parsing

def _num(s):
    try:
        return float(s)
    except ValueError:
        return None


def parse_log_view(text):
    """PETSc 3.18 -log_view ASCII: total time, stage times and event lines (name, count, time, flop) per stage"""
    out = {"total_s": None, "stages": {}, "events": {}, "petsc_version": None}
    m = re.search(r"^Time \(sec\):\s+(\S+)\s+(\S+)\s+(\S+)", text, re.M)
    if m:
        out["total_s"] = _num(m.group(1))
    m = re.search(r"Using Petsc Release Version (\S+),", text)
    if m:
        out["petsc_version"] = m.group(1)
    stage_sec = re.search(r"Summary of Stages:.*?\n(.*?)\n\s*\n", text, re.S)
    if stage_sec:
        for line in stage_sec.group(1).splitlines():
            mm = re.match(r"\s*(\d+):\s+(.+?):\s+(\S+)\s+(\S+)%", line)
            if mm:
                out["stages"][mm.group(2).strip()] = _num(mm.group(3))
    stage = None
    in_events = False
    ncol = 24 if re.search(r"Malloc EMalloc MMalloc RMI", text) else 20  # -log_view_memory adds 4 columns
    for line in text.splitlines():
        mm = re.match(r"--- Event Stage \d+: (.+)$", line)
        if mm:
            stage = mm.group(1).strip()
            in_events = True
            continue
        if line.startswith("Object Type") or line.startswith("====="):
            in_events = False
        if not in_events or not line.strip() or line.startswith("-"):
            continue
        tok = line.split()
        if len(tok) < ncol + 1:
            continue
        vals = [_num(t) for t in tok[-ncol:]]
        if any(v is None for v in vals):
            continue
        name = " ".join(tok[:-ncol])
        ev = out["events"].setdefault(name, {"count": 0, "time_s": 0.0, "time_ratio": 0.0, "flop": 0.0,
                                             "stages": {}})
        ev["count"] += int(vals[0])
        ev["time_s"] += vals[2]
        ev["time_ratio"] = max(ev["time_ratio"], vals[3])
        ev["flop"] += vals[4]
        ev["stages"][stage] = vals[2]
        if ncol == 24:  # Mbytes PetscMalloc()ed and kept, and resident-memory increase, during the event
            ev["malloc_MB"] = ev.get("malloc_MB", 0.0) + vals[20]
            ev["rss_increase_MB"] = ev.get("rss_increase_MB", 0.0) + vals[23]
    return out


def parse_memory_view(text):
    m = re.search(r"Maximum \(over computational time\) process memory:\s+total\s+(\S+)\s+max\s+(\S+)\s+min\s+(\S+)",
                  text)
    if not m:
        return None
    return {"max_rss_total_bytes": _num(m.group(1)), "max_rss_max_rank_bytes": _num(m.group(2)),
            "max_rss_min_rank_bytes": _num(m.group(3)),
            "source": "PetscMemoryGetMaximumUsage (-memory_view): peak resident set size per process (getrusage)"}


def parse_reasons(text):
    """per-solve linear iterations and failures from -ksp/-snes_converged_reason lines (both phases)"""
    lin = []
    lin_failed = 0
    nl_failed = {"pseudo": 0, "final": 0}
    for line in text.splitlines():
        m = re.search(r"Linear (pseudo_ )?solve (converged|did not converge) due to (\S+) iterations (\d+)", line)
        if m:
            lin.append(int(m.group(4)))
            if m.group(2) != "converged":
                lin_failed += 1
            continue
        m = re.search(r"Nonlinear (pseudo_ )?solve (converged|did not converge) due to (\S+)", line)
        if m and m.group(2) != "converged":
            nl_failed["pseudo" if m.group(1) else "final"] += 1
    out = {"linear_solves": len(lin), "linear_failed": lin_failed, "newton_failed": nl_failed}
    if lin:
        out.update(linear_its_min=min(lin), linear_its_max=max(lin), linear_its_mean=sum(lin) / len(lin))
    return out


# --------------------------------------------------------------------------------------------------------------
# machine, git

def _cmd(args, cwd=None):
    try:
        return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=30).stdout
    except Exception:
        return ""


def machine_info():
    u = platform.uname()
    info = {"uname": " ".join([u.system, u.node, u.release, u.version, u.machine]), "hostname": u.node,
            "python": platform.python_version(), "logical_cpus": os.cpu_count()}
    lscpu = _cmd(["lscpu"])
    kv = {}
    for line in lscpu.splitlines():
        if ":" in line:
            k, v = line.split(":", 1)
            kv[k.strip()] = v.strip()
    info["cpu_model"] = kv.get("Model name")
    try:
        info["cores"] = int(kv.get("Core(s) per socket", "0")) * int(kv.get("Socket(s)", "1"))
    except ValueError:
        info["cores"] = None
    info["threads_per_core"] = kv.get("Thread(s) per core")
    info["hypervisor"] = kv.get("Hypervisor vendor")
    info["caches"] = {k: v for k, v in kv.items() if k.endswith("cache")}
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    info["mem_total_bytes"] = int(line.split()[1]) * 1024
    except OSError:
        pass
    blas = "/usr/lib/x86_64-linux-gnu/libblas.so.3"
    info["blas"] = os.path.realpath(blas) if os.path.exists(blas) else None
    mpiv = _cmd(["mpirun", "--version"]).strip().splitlines()
    info["mpi"] = mpiv[0] if mpiv else None
    return info


def git_info():
    commit = _cmd(["git", "rev-parse", "HEAD"], cwd=ROOT).strip() or None
    status = _cmd(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT)
    changed = [l[3:] for l in status.splitlines() if l.strip()]
    return {"commit": commit, "dirty": bool(changed), "modified_files": changed}


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            t = f.read().split()
        run, tot = t[3].split("/")
        return {"1min": float(t[0]), "5min": float(t[1]), "15min": float(t[2]), "runnable": int(run),
                "tasks": int(tot)}
    except (OSError, IndexError, ValueError):
        return None


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


LAUNCHER = None  # set from --launcher


def mpirun_prefix(ranks):
    """the MPI launcher: tools/mpirun.sh (mpirun --oversubscribe, allowed as root) or --launcher, e.g. 'srun -n {ranks}'"""
    if LAUNCHER:
        return [a.replace("{ranks}", str(ranks)) for a in LAUNCHER.split()]
    return ["bash", os.path.join(ROOT, "tools", "mpirun.sh"), "-n", str(ranks)]


# --------------------------------------------------------------------------------------------------------------
# STREAM triad

def run_stream(outdir, ranks_list, log):
    src = os.path.join(HERE, "stream_triad.c")
    exe = os.path.join(outdir, "bin", "stream_triad")
    os.makedirs(os.path.dirname(exe), exist_ok=True)
    r = subprocess.run(["mpicc", "-O2", "-o", exe, src], capture_output=True, text=True)
    if r.returncode != 0:
        log(f"stream: mpicc failed: {r.stderr.strip()}")
        return {}
    res = {}
    for p in ranks_list:
        la = loadavg()
        r = subprocess.run(mpirun_prefix(p) + [exe], capture_output=True, text=True, timeout=600)
        try:
            rec = json.loads(r.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            log(f"stream: no result on {p} ranks: {r.stderr.strip()[:200]}")
            continue
        rec.update(kind="stream", schema=SCHEMA, loadavg_start=la, loadavg_end=loadavg(),
                   timestamp=datetime.datetime.now().isoformat(timespec="seconds"))
        res[p] = rec
        log(f"stream: {p} rank(s): triad {rec['triad_GBps']:.1f} GB/s ({rec['triad_GBps_per_rank']:.1f} per rank)")
    return res


# --------------------------------------------------------------------------------------------------------------
# one run

def residual_bytes_per_vertex(nf, dim):
    """lower-bound memory traffic of one residual evaluation per vertex (see docs/benchmarks.md):
    U read (8 nf), F zeroed + read + written (24 nf), vol/flags/owned index (20), and the edge list
    (eK, eL: 2 x 4 bytes, gamma: 8 bytes) for the dim edges per vertex of a tensor mesh"""
    return 8 * nf + 24 * nf + 20 + 16 * dim


def jacobian_bytes_per_vertex(nf, dim):
    """lower-bound traffic of one Jacobian assembly per vertex: the AIJ rows of the vertex (nf rows of 3^dim nf
    entries, the DMCreateMatrix pattern of tensor cells), each entry zeroed, then read and written by the
    additions (24 bytes) plus its column index read (4 bytes)"""
    return nf * (3 ** dim) * nf * (24 + 4)


def derive(rec, stream):
    ev = rec["events"]
    t = lambda n: ev.get(n, {}).get("time_s")
    c = lambda n: ev.get(n, {}).get("count", 0)
    lin = None
    if t("KSPSolve") is not None:
        lin = t("KSPSolve") + (t("PCSetUp") or 0.0)
    rec["times_s"] = {
        "total": rec["log_total_s"], "setup": t("NessSetUp"), "geometry": t("NessGeometry"), "solve": t("NessSolve"),
        "residual": t("NessResidual"), "jacobian": t("NessJacobian"), "linear": lin, "ksp_solve": t("KSPSolve"),
        "pc_setup": t("PCSetUp"), "pc_apply": t("PCApply"), "post": t("NessPost"), "output": t("NessOutput"),
        "mesh_distribute": t("DMPlexDistribute")}
    rec["counts"] = {"residual": c("NessResidual"), "jacobian": c("NessJacobian"), "ksp_solve": c("KSPSolve"),
                     "pc_setup": c("PCSetUp"), "pc_apply": c("PCApply")}
    it = rec.get("iterations") or {}
    if it.get("newton"):
        it["linear_per_newton"] = it.get("linear", 0) / it["newton"]
    nv, P, nf, dim = rec.get("vertices"), rec["ranks"], rec["nf"] or 1, rec["dim"] or 2
    thr = {}
    if nv and t("NessResidual") and c("NessResidual"):
        tr = t("NessResidual") / c("NessResidual")
        thr["residual_s_per_eval"] = tr
        thr["residual_vertex_updates_per_s_per_core"] = nv / tr / P
        thr["residual_unknown_updates_per_s_per_core"] = nv * nf / tr / P
        if rec.get("tensor_mesh", True):  # the traffic model assumes a tensor box mesh
            thr["residual_model_bytes_per_vertex"] = residual_bytes_per_vertex(nf, dim)
            thr["residual_model_GBps_per_core"] = residual_bytes_per_vertex(nf, dim) * nv / tr / P / 1e9
    if nv and t("NessJacobian") and c("NessJacobian"):
        tj = t("NessJacobian") / c("NessJacobian")
        thr["jacobian_s_per_eval"] = tj
        thr["jacobian_vertex_updates_per_s_per_core"] = nv / tj / P
        if rec.get("tensor_mesh", True):
            thr["jacobian_model_bytes_per_vertex"] = jacobian_bytes_per_vertex(nf, dim)
            thr["jacobian_model_GBps_per_core"] = jacobian_bytes_per_vertex(nf, dim) * nv / tj / P / 1e9
    s = stream.get(P)
    if s and thr:
        thr["stream_triad_GBps_per_core"] = s["triad_GBps_per_rank"]
        for k in ("residual", "jacobian"):
            if f"{k}_model_GBps_per_core" in thr:
                thr[f"{k}_fraction_of_stream"] = thr[f"{k}_model_GBps_per_core"] / s["triad_GBps_per_rank"]
    rec["throughput"] = thr
    mem = rec.get("memory")
    if mem and rec.get("unknowns"):
        mem["max_rss_total_bytes_per_unknown"] = mem["max_rss_total_bytes"] / rec["unknowns"]


def _stop(p):
    """terminate the process group of one run (mpirun and its ranks), then kill it if it lingers"""
    try:
        os.killpg(p.pid, signal.SIGTERM)
        p.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
    except ProcessLookupError:
        pass


def _sigterm(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def run_one(args, ness, case_name, solver, target, ranks, rep, stream, static, log):
    case = CASES[case_name]
    faces = case["faces"](target, case["nf"]) if case["faces"] else None
    rid = f"{case_name.replace(':', '_')}.{solver}.n{int(target):d}.p{ranks}" + (f".r{rep}" if args.repeat > 1 else "")
    rdir = os.path.join(args.out, "runs", rid)
    if os.path.isdir(rdir):
        shutil.rmtree(rdir)
    os.makedirs(rdir)
    cmd = mpirun_prefix(ranks) + [ness, "-options_file", os.path.join(CASEDIR, case["file"])]
    if faces:
        cmd += ["-ness_scenario", case_name, "-ness_mesh_faces", ",".join(str(f) for f in faces)]
    cmd += ["-ness_output_dir", rdir,
        "-log_view", ":" + os.path.join(rdir, "log_view.txt"), "-memory_view",
        "-ksp_converged_reason", "-pseudo_ksp_converged_reason", "-snes_converged_reason",
        "-pseudo_snes_converged_reason"] + case.get("options", []) + SOLVERS[solver]["options"] + args.extra
    if args.no_output:
        cmd += ["-ness_output", "0"]
    if args.memory_detail:
        cmd += ["-log_view_memory"]
    la0 = loadavg()
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.time()
    status, code = "ok", None
    with open(os.path.join(rdir, "stdout.txt"), "w") as fo, open(os.path.join(rdir, "stderr.txt"), "w") as fe:
        p = subprocess.Popen(cmd, stdout=fo, stderr=fe, cwd=case.get("cwd", rdir), start_new_session=True)
        try:
            code = p.wait(timeout=args.timeout)
        except subprocess.TimeoutExpired:
            _stop(p)
            status, code = "timeout", None
        except BaseException:  # interrupted (SIGINT/SIGTERM): stop this run's process group, then leave
            _stop(p)
            raise
    wall = time.time() - t0
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = {"user": ru1.ru_utime - ru0.ru_utime, "sys": ru1.ru_stime - ru0.ru_stime}
    cpu["utilization"] = (cpu["user"] + cpu["sys"]) / (wall * ranks) if wall > 0 else None
    la1 = loadavg()
    if status == "ok":
        status = {0: "ok", 3: "not_converged"}.get(code, "failed")
    stdout = open(os.path.join(rdir, "stdout.txt"), errors="replace").read()
    logtxt = ""
    if os.path.exists(os.path.join(rdir, "log_view.txt")):
        logtxt = open(os.path.join(rdir, "log_view.txt"), errors="replace").read()
    lv = parse_log_view(logtxt)
    summ = {}
    sp = os.path.join(rdir, "summary.json")
    if os.path.exists(sp):
        try:
            summ = json.load(open(sp))
        except ValueError:
            summ = {}
    if not args.keep_solutions:
        for fn in ("solution.h5", "solution.xmf"):
            if os.path.exists(os.path.join(rdir, fn)):
                os.remove(os.path.join(rdir, fn))
    rec = {
        "kind": "run", "schema": SCHEMA, "id": rid, "case": case_name, "model": case["model"], "dim": case["dim"],
        "nf": case["nf"], "solver": solver, "ranks": ranks, "size_target": int(target), "mesh_faces": faces, "tensor_mesh": bool(faces),
        "repeat": rep, "status": status, "exit_code": code, "converged": summ.get("converged"),
        "converged_reason": summ.get("converged_reason"), "unknowns": summ.get("unknowns"),
        "vertices": summ.get("vertices"), "cells": summ.get("cells"), "iterations": summ.get("iterations"),
        "residual_norm": summ.get("residual_norm"), "summary_timing_s": summ.get("timing_s"),
        "solves": parse_reasons(stdout), "wall_s": wall, "cpu_s": cpu, "log_total_s": lv["total_s"], "stages_s": lv["stages"],
        "events": {k: {kk: vv for kk, vv in v.items() if kk != "stages"} for k, v in lv["events"].items()
                   if k in EVENTS},
        "memory": parse_memory_view(stdout), "petsc_version": lv["petsc_version"],
        "loadavg_start": la0, "loadavg_end": la1,
        "timestamp": datetime.datetime.fromtimestamp(t0).isoformat(timespec="seconds"),
        "command": cmd, "run_dir": rdir}
    rec.update(static)
    if rec["model"] is None:  # shipped scenarios: what they are comes from their summary
        rec["model"], rec["dim"] = summ.get("model"), summ.get("dimension")
        if summ.get("unknowns") and summ.get("vertices"):
            rec["nf"] = summ["unknowns"] // summ["vertices"]
    derive(rec, stream)
    it = rec.get("iterations") or {}
    log(f"{rid:48s} {status:13s} N={rec['unknowns']} wall {wall:7.2f}s solve "
        f"{(rec['times_s']['solve'] or 0):7.2f}s pseudo/newton/linear {it.get('pseudo_steps')}/{it.get('newton')}/"
        f"{it.get('linear')} rss {((rec['memory'] or {}).get('max_rss_total_bytes') or 0) / 2**20:.0f} MiB "
        f"cpu {cpu['utilization'] or 0:.2f} load {la0['1min'] if la0 else '?'}")
    return rec


# --------------------------------------------------------------------------------------------------------------

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--suite", default=None, help="quick, standard, amg, scaling or full (default: standard)")
    ap.add_argument("--quick", action="store_true", help="same as --suite quick (tiny sizes, < 1 minute)")
    ap.add_argument("--cases", help="comma-separated case names (overrides the suite; use with --sizes)")
    ap.add_argument("--sizes", help="comma-separated target unknowns for --cases, e.g. 1e4,1e5")
    ap.add_argument("--ranks", default="1,2", help="rank counts for --cases (default 1,2)")
    ap.add_argument("--solvers", default="default", help="solver variants for --cases (default: default)")
    ap.add_argument("--out", default=os.path.join(ROOT, "out-bench"), help="output directory (default out-bench/)")
    ap.add_argument("--records", default=None, help="JSON-lines file to append to (default OUT/records.jsonl)")
    ap.add_argument("--ness", default=None, help="ness program (default: build/ness); copied to OUT/bin first")
    ap.add_argument("--launcher", default=None,
                    help="MPI launcher template, {ranks} replaced (default: bash tools/mpirun.sh -n {ranks}); "
                         "e.g. 'srun -n {ranks}' on a Slurm cluster")
    ap.add_argument("--repeat", type=int, default=1, help="repetitions of every run")
    ap.add_argument("--timeout", type=float, default=1200.0, help="seconds per run before it is killed")
    ap.add_argument("--no-output", action="store_true",
                    help="pass -ness_output 0 (then summary.json is not written: no iteration counts)")
    ap.add_argument("--memory-detail", action="store_true",
                    help="add -log_view_memory: memory allocated and resident-set increase per event (slower)")
    ap.add_argument("--keep-solutions", action="store_true", help="keep solution.h5/.xmf of every run")
    ap.add_argument("--no-stream", action="store_true", help="skip the STREAM-triad bandwidth measurement")
    ap.add_argument("--baseline", help="records of an earlier run: print ratios and flag slow-downs (compare.py)")
    ap.add_argument("--threshold", type=float, default=0.25, help="slow-down flagged against --baseline (0.25)")
    ap.add_argument("--fail-on-regression", action="store_true", help="exit 1 when --baseline flags a slow-down")
    ap.add_argument("--list", action="store_true", help="list cases, solvers and suites, then exit")
    ap.add_argument("--dry-run", action="store_true", help="print the runs without running them")
    ap.add_argument("extra", nargs="*", help="extra options passed to every ness run (after --)")
    args = ap.parse_args(argv)
    signal.signal(signal.SIGTERM, _sigterm)
    global LAUNCHER
    LAUNCHER = args.launcher

    if args.list:
        print("cases:")
        for k, v in CASES.items():
            print(f"  {k:28s} {v['about']}")
        print("solvers:")
        for k, v in SOLVERS.items():
            print(f"  {k:28s} {v['about']}")
        print("suites:")
        for k, v in SUITES.items():
            print(f"  {k:10s} " + "; ".join(f"{c}/{s} n={','.join('%g' % x for x in n)} P={','.join(map(str, p))}"
                                            for c, s, n, p in v))
        return 0

    if args.cases:
        if not args.sizes:
            ap.error("--cases needs --sizes")
        plan = []
        for c in args.cases.split(","):
            if c not in CASES:
                ap.error(f"unknown case {c!r} (see --list)")
            for s in args.solvers.split(","):
                if s not in SOLVERS:
                    ap.error(f"unknown solver {s!r} (see --list)")
                plan.append((c, s, [float(x) for x in args.sizes.split(",")],
                             [int(x) for x in args.ranks.split(",")]))
        suite = "custom"
    else:
        suite = "quick" if args.quick else (args.suite or "standard")
        if suite not in SUITES:
            ap.error(f"unknown suite {suite!r} (see --list)")
        plan = SUITES[suite]
    runs = [(c, s, n, p) for c, s, sizes, ranks in plan for n in sizes for p in ranks]
    if args.dry_run:
        for c, s, n, p in runs:
            fc = CASES[c]["faces"]
            print(f"{c} {s} n={n:g} P={p} faces={fc(n, CASES[c]['nf']) if fc else '(its own mesh)'}")
        return 0

    args.out = os.path.abspath(args.out)
    os.makedirs(os.path.join(args.out, "bin"), exist_ok=True)
    records = args.records or os.path.join(args.out, "records.jsonl")
    logf = open(os.path.join(args.out, "run.log"), "a")

    def log(msg):
        line = f"[{datetime.datetime.now().strftime('%H:%M:%S')}] {msg}"
        print(line, flush=True)
        logf.write(line + "\n")
        logf.flush()

    src = args.ness or os.path.join(ROOT, "build", "ness")
    if not os.path.isfile(src):
        log(f"error: no ness program at {src} (build it, or pass --ness)")
        return 2
    ness = os.path.join(args.out, "bin", "ness")
    shutil.copy2(src, ness)  # a private copy: a rebuild during the session cannot change the binary under us
    static = {"suite": suite, "machine": machine_info(), "git": git_info(),
              "ness_binary": {"source": os.path.abspath(src), "sha256": sha256(ness),
                              "mtime": datetime.datetime.fromtimestamp(os.path.getmtime(src)).isoformat(
                                  timespec="seconds")}}
    log(f"suite {suite}: {len(runs)} runs, ness {src} (sha256 {static['ness_binary']['sha256'][:12]}), "
        f"git {static['git']['commit'] and static['git']['commit'][:10]}{' (dirty)' if static['git']['dirty'] else ''}"
        f", load {loadavg()}")

    stream = {}
    with open(records, "a") as fr:
        if not args.no_stream:
            rl = sorted({p for _, _, _, p in runs})
            stream = run_stream(args.out, rl, log)
            for p, srec in stream.items():
                srec.update(suite=suite, machine=static["machine"], git=static["git"])
                fr.write(json.dumps(srec) + "\n")
            fr.flush()
        nfail = 0
        for c, s, n, p in runs:
            for rep in range(args.repeat):
                rec = run_one(args, ness, c, s, n, p, rep, stream, static, log)
                nfail += rec["status"] != "ok"
                fr.write(json.dumps(rec) + "\n")
                fr.flush()
    log(f"done: {len(runs) * args.repeat} runs, {nfail} not ok; records in {records}")
    rc = 0
    if args.baseline:
        sys.path.insert(0, HERE)
        import compare
        rc = compare.main([args.baseline, records, "--threshold", str(args.threshold)] +
                          (["--fail-on-regression"] if args.fail_on_regression else []))
    return rc


if __name__ == "__main__":
    sys.exit(main())

#!/bin/bash
# Weak-scaling recipe for a Slurm cluster: the same ness benchmark case at a fixed number of unknowns per MPI rank,
# one job per node count. Edit the #SBATCH lines and the module set-up for your site, then submit, e.g.
#
#     for n in 1 2 4 8 16 32; do sbatch --nodes=$n benchmarks/slurm_template.sh; done
#
# and afterwards, from the repository root:
#
#     cat out-bench/slurm-*/records.jsonl > weak.jsonl
#     python3 benchmarks/summarize.py weak.jsonl        # tables, including weak-scaling efficiencies vs 1 node
#     python3 benchmarks/plot.py weak.jsonl --out weak-plots
#
# Every job writes its own directory out-bench/slurm-<jobid>/ (records.jsonl, run.log, one directory per run).
# Records of the same case and solver whose unknowns per rank agree within 15% are paired by summarize.py/plot.py.
#
# Notes
# - Start a single-node job at 1 rank too (sbatch --nodes=1 --ntasks-per-node=1 ...) for the per-core baseline.
# - Choose PER_RANK so that one node's ranks fill about half of its memory at most: measured on a 2-core machine,
#   the secondary model with BoomerAMG peaks at about 2.1 KiB per unknown in 2D and 3.3 KiB in 3D (docs/benchmarks.md).
# - ness builds box meshes on rank 0 and then distributes them, so set-up grows with the total problem size, not
#   with the size per rank: at large node counts, read the solve time (times_s.solve) for weak scaling, and the
#   set-up time (times_s.setup, times_s.mesh_distribute) as the serial part. Debian's PETSc uses 32-bit indices
#   (at most 2^31 unknowns); use a 64-bit-index PETSc beyond that.
# - The STREAM probe runs on the same ranks (one triad per rank, 160 MB arrays) to give the bandwidth per core.
#SBATCH --job-name=ness-weak
#SBATCH --ntasks-per-node=32          # ranks per node: the physical cores of one node
#SBATCH --cpus-per-task=1
#SBATCH --time=00:30:00
#SBATCH --exclusive
#SBATCH --output=ness-weak-%j.out

set -euo pipefail
# module load gcc openmpi petsc hdf5 python   # site-specific

CASE=${CASE:-secondary_strip_2d}        # or secondary_patch_3d, pnp_default_2d, en_cuso4_2d, ...
SOLVER=${SOLVER:-amg}                   # amg (hypre BoomerAMG), gamg, default, lu
PER_RANK=${PER_RANK:-500000}            # target unknowns per rank
NESS=${NESS:-$PWD/build/ness}
P=${SLURM_NTASKS:-1}
N=$(( PER_RANK * P ))

export OMP_NUM_THREADS=1
python3 benchmarks/run.py --cases "$CASE" --solvers "$SOLVER" --sizes "$N" --ranks "$P" \
  --launcher "srun --ntasks={ranks} --cpu-bind=cores" --ness "$NESS" \
  --out "out-bench/slurm-${SLURM_JOB_ID:-local}" --timeout 1700

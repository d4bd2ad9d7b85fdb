#!/usr/bin/env bash
# mpirun wrapper: allow running as root (containers, CI) and more ranks than cores.
set -euo pipefail
export OMPI_ALLOW_RUN_AS_ROOT=1
export OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
exec mpirun --oversubscribe "$@"

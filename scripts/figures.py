"""Regenerate every figure of the project: one folder of PNG files and the same figures in TensorBoard.

Runs every group of ``twin_nets.figures.GROUPS`` (the per-concept scripts of this folder, and
``distributed``: the K-rank mpiexec jobs of ``python -m twin_nets.figures.distributed``), prints each
file it wrote and a summary table (figures and seconds per group). Where mpi4py or mpiexec is missing,
``distributed`` is listed as SKIPPED with what to install (``pip install -e '.[distributed]'``) and the
exit status stays 0. A group whose module is not there is listed as MISSING, a group that fails as FAILED
with its error (each also said on stderr); the others still run, and the exit status is 1. A bad flag, or a
folder that cannot be written (a file in the way, read-only, a full disk), ends in one line with status 2
before any work. The TensorBoard runs go beside the main job's ``runs/``, in ``runs-figures/``.

Usage: python scripts/figures.py [--outdir figures] [--logdir runs-figures | --no-tensorboard]
                                 [--impl {scratch,torch,both}] [--only NAME ...] [--jobs N]
"""

from twin_nets.figures.command import main

if __name__ == "__main__":
    raise SystemExit(main(__doc__))

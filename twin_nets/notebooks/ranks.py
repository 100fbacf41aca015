"""The 2-rank jobs that the optional notebook 07 launches with ``mpiexec -n 2`` (C3.2.1-data-parallel,
C4.3-sync-batchnorm): each rank works on its shard of one global batch, and rank 0 saves what the
notebook then compares with the torch twin run on the whole batch in one process.

    mpiexec -n 2 python -m twin_nets.notebooks.ranks {data-parallel|sync-batchnorm} OUT.npz
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from scratch import nn
from scratch.distributed import SyncBatchNorm, average_gradients, ring_allreduce, shard_rows
from scratch.models.mlp import MLPSpec, build_mlp
from twin_nets.atomic import atomic_write

BATCH = 8
DATA_PARALLEL_SPEC = MLPSpec((4, 8, 3), activation="tanh")


def global_batch(features: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The same global batch on every rank (same seed): inputs x, labels y and an upstream gradient g."""
    rng = np.random.default_rng(7)
    return (
        rng.standard_normal((BATCH, features)) * 2 + 1,
        rng.integers(0, 3, BATCH),
        rng.standard_normal((BATCH, features)),
    )


def data_parallel(comm: Any) -> dict[str, np.ndarray]:
    """One data-parallel step's gradients: the model (same seed, so the same weights on every rank) on
    this rank's shard, then ``average_gradients``; and a ring all-reduce of each rank's (rank + 1)·x."""
    rank, size = comm.Get_rank(), comm.Get_size()
    model = build_mlp(DATA_PARALLEL_SPEC, np.random.default_rng(0))
    x, y, _ = global_batch(4)
    rows = shard_rows(BATCH, rank, size)
    loss = nn.CrossEntropyLoss()
    loss(model(x[rows]), y[rows])
    model.backward(loss.backward())
    average_gradients(model.parameters(), comm)
    result = {f"state.{k}": v for k, v in model.state_dict().items()}
    result |= {f"grad.{k}": p.grad for k, p in model.named_parameters()}
    result["ring"] = ring_allreduce(comm, (rank + 1.0) * x[0])
    return result | {"x": x, "y": y, "size": np.array(size)}


def sync_batchnorm(comm: Any) -> dict[str, np.ndarray]:
    """Sync batch norm (and plain batch norm) on this rank's shard; rank 0 gathers the outputs and the
    input gradients of every shard, in rank order."""
    rank, size = comm.Get_rank(), comm.Get_size()
    x, _, g = global_batch(3)
    rows = shard_rows(BATCH, rank, size)
    result = {"x": x, "g": g, "size": np.array(size)}
    for name, layer in (("sync", SyncBatchNorm(3, comm=comm)), ("plain", nn.BatchNorm1d(3))):
        out = layer(x[rows])
        grad = layer.backward(g[rows])
        gathered = comm.gather((out, grad), root=0)
        if rank == 0:
            result[f"{name}.y"] = np.concatenate([o for o, _ in gathered])
            result[f"{name}.dx"] = np.concatenate([d for _, d in gathered])
            result[f"{name}.running_var"] = layer.running_var
    return result


JOBS = {"data-parallel": data_parallel, "sync-batchnorm": sync_batchnorm}
RANKS = 2
TIMEOUT_S = 120


def run_job(job: str) -> dict[str, np.ndarray]:
    """Launch ``job`` on ``RANKS`` processes with the ``mpiexec`` beside this Python (MPICH's wheel,
    installed by the ``[test]`` extra) and return rank 0's arrays. Prints the command it runs."""
    if job not in JOBS:
        raise ValueError(f"run_job: expected job to be one of {tuple(JOBS)}, got {job!r}")
    mpiexec = Path(sys.executable).parent / "mpiexec"
    if not mpiexec.exists():
        raise FileNotFoundError(f"no {mpiexec}: pip install -e '.[notebooks]' (or '.[test]') installs MPICH")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / f"{job}.npz"
        command = [
            str(mpiexec),
            "-n",
            str(RANKS),
            sys.executable,
            "-m",
            "twin_nets.notebooks.ranks",
            job,
            str(out),
        ]
        print(
            "$",
            " ".join(
                ["mpiexec", "-n", str(RANKS), "python", "-m", "twin_nets.notebooks.ranks", job, "OUT.npz"]
            ),
        )
        env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
        subprocess.run(command, check=True, env=env, timeout=TIMEOUT_S)
        with np.load(out) as arrays:
            return dict(arrays)


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in JOBS:
        print(f"ranks: expected one of {', '.join(JOBS)} and an output path, got {argv}", file=sys.stderr)
        return 2
    from mpi4py import MPI

    comm = MPI.COMM_WORLD
    result = JOBS[argv[0]](comm)
    if comm.Get_rank() == 0:
        atomic_write(argv[1], lambda handle: np.savez(handle, **result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

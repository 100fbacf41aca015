"""Which launcher started this process, with which rank and world size — read from the environment
before anything is imported or connected, so that a wrong launch is refused before any work.

``torchrun`` (``python -m torch.distributed.run``) sets ``RANK``, ``WORLD_SIZE``, ``LOCAL_RANK`` and
``TORCHELASTIC_RUN_ID``; MPICH's ``mpiexec`` (hydra) sets ``PMI_RANK``, ``PMI_SIZE`` and
``MPI_LOCALRANKID``; Open MPI's sets ``OMPI_COMM_WORLD_RANK``, ``OMPI_COMM_WORLD_SIZE`` and
``OMPI_COMM_WORLD_LOCAL_RANK``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from twin_nets.cli import LAUNCHER_VARIABLES as _VARIABLES
from twin_nets.cli import MPIEXEC, TORCHRUN
from twin_nets.training.config import ConfigError

__all__ = ["MPIEXEC", "TORCHRUN", "Launch", "LaunchError", "check_batches", "detect", "require"]
HOW_TO_LAUNCH = (
    "start it with `torchrun --nproc-per-node K scripts/train.py --impl torch --distributed` or "
    "`mpiexec -n K python scripts/train.py --distributed`"
)


class LaunchError(ConfigError):
    """A data-parallel run started without a launcher, or one it cannot use (exit status 2, one line)."""


@dataclass(frozen=True)
class Launch:
    """This process's place in the job: the launcher, rank r, world size K and rank on this machine."""

    launcher: str
    rank: int
    size: int
    local_rank: int

    @property
    def is_main(self) -> bool:
        """Rank 0: the one process that prints, logs and writes checkpoints."""
        return self.rank == 0


def detect(environ: Mapping[str, str] | None = None) -> Launch | None:
    """The launch this process belongs to, or None when no launcher started it."""
    environ = os.environ if environ is None else environ
    for launcher, (rank, size, local) in _VARIABLES:
        if rank in environ and size in environ:
            try:
                values = int(environ[rank]), int(environ[size]), int(environ.get(local, environ[rank]))
            except ValueError as error:
                raise LaunchError(f"{launcher}: expected integer {rank} and {size}, got {error}") from None
            if not 0 <= values[0] < values[1]:
                raise LaunchError(f"{launcher}: expected 0 <= {rank} < {size}, got {values[0]}, {values[1]}")
            return Launch(launcher, *values)
    return None


def require(impls: tuple[str, ...], environ: Mapping[str, str] | None = None) -> Launch:
    """The launch for a ``--distributed`` run of ``impls``; a ``LaunchError`` (one line) when there is
    none, or when torchrun is asked for the scratch twin (it needs MPI: start it with mpiexec)."""
    launch = detect(environ)
    if launch is None:
        raise LaunchError(f"--distributed: no launcher started this process; {HOW_TO_LAUNCH}")
    if launch.launcher == TORCHRUN and "scratch" in impls:
        raise LaunchError(
            "--distributed: the scratch twin runs on MPI, not under torchrun; use --impl torch with "
            "torchrun, or `mpiexec -n K python scripts/train.py --distributed` for both twins"
        )
    return launch


def check_batches(n_train: int, batch_size: int, drop_last: bool, size: int) -> None:
    """Every global batch must split into K equal shards (``scratch.distributed.data_parallel``): the
    batch size, and the last batch of an epoch unless it is dropped. A ``LaunchError`` otherwise."""
    if batch_size % size:
        raise LaunchError(
            f"--batch-size: expected a multiple of the {size} ranks (each gets an equal shard), "
            f"got {batch_size}"
        )
    last = n_train % batch_size
    if last and not drop_last and last % size:
        raise LaunchError(
            f"--batch-size: {n_train} training samples at batch size {batch_size} leave a last batch of "
            f"{last}, which the {size} ranks cannot split evenly (add --drop-last or choose another size)"
        )

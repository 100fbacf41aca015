"""C3.2.1-data-parallel: the paired run of ``scripts/train.py``, data-parallel over the launcher's ranks.

    torchrun --nproc-per-node K scripts/train.py --impl torch --distributed   # DDP (gloo / NCCL)
    mpiexec -n K python scripts/train.py --distributed                       # both twins; scratch on MPI

``start(config)`` comes first, before ``prepare``: it refuses ``--distributed`` without a launcher
(or the scratch twin under torchrun) in one line, and puts a CUDA rank on its own GPU. ``wrap(run,
launch)`` then refuses a global batch the K ranks cannot split evenly (before anything is written),
opens the engines and makes the twins data-parallel (``twin_nets.distributed.twins``). Every rank trains;
only rank 0 takes the experiment's lock, prints, logs to TensorBoard and writes checkpoints and
``metrics.json``: the other ranks write nothing. Rank 0 tells the others whether it started (a locked
experiment or an unwritable folder stops every rank), and every step the ranks agree on a stop signal
(Ctrl-C, SIGTERM) so that they stop after the same step and rank 0 saves the pair there; ``--resume``
reads rank 0's checkpoints on every rank.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from typing import Any, TextIO

import torch

from twin_nets.cli import EXIT_USAGE
from twin_nets.distributed import engines
from twin_nets.distributed.launch import MPIEXEC, Launch, LaunchError, check_batches, require
from twin_nets.distributed.twins import data_parallel
from twin_nets.threads import limit_threads
from twin_nets.training.config import TrainConfig
from twin_nets.training.runner import PairedRun
from twin_nets.training.twins import Twin


class World:
    """Rank 0's word to the others, and the ranks' agreement: over MPI when it is open, else over
    ``torch.distributed``."""

    def __init__(self, launch: Launch, comm: Any, device: torch.device) -> None:
        self.launch, self.comm, self.device = launch, comm, device

    def broadcast(self, value: Any) -> Any:
        """Rank 0's ``value`` on every rank."""
        if self.comm is not None:
            return self.comm.bcast(value, root=0)
        box = [value]
        torch.distributed.broadcast_object_list(box, src=0, device=self.device)
        return box[0]

    def largest(self, value: int) -> int:
        """The largest of the ranks' ``value``."""
        if self.comm is not None:
            from mpi4py import MPI

            return int(self.comm.allreduce(value, op=MPI.MAX))
        tensor = torch.tensor([value], dtype=torch.int64, device=self.device)
        torch.distributed.all_reduce(tensor, op=torch.distributed.ReduceOp.MAX)
        return int(tensor.item())


class _AgreedStop:
    """The loop's stop request, agreed by every rank each time it is read: a signal that reached any
    rank stops them all after the same step. The agreed answer is written back to the run's own request,
    which the epoch loop reads too."""

    def __init__(self, stop: Any, world: World) -> None:
        self.stop, self.world = stop, world

    @property
    def signum(self) -> int | None:
        agreed = self.world.largest(self.stop.signum or 0) or None
        self.stop.signum = agreed
        return agreed


class _NoBoard:
    """TensorBoard on the ranks that write nothing: every call does nothing."""

    def __getattr__(self, name: str) -> Any:
        return lambda *args, **kwargs: None


class DistributedRun(PairedRun):
    """``PairedRun`` on one rank of K; see the module docstring."""

    launch: Launch
    world: World

    def run(self, out: TextIO = sys.stdout) -> int:
        """This rank's part of the run; then the process ends here (``engines.end_rank``: gloo's threads
        outlive the process group, and the interpreter's shutdown could abort the rank)."""
        try:
            status = self._run_rank(out)
        except SystemExit as stop:  # a rank whose rank 0 could not start: exit status 2
            if not isinstance(stop.code, int):
                raise
            status = stop.code
        engines.end_rank(status)

    def _run_rank(self, out: TextIO) -> int:
        self.started = False
        if self.finished:  # a --resume with nothing to train: every rank ends at once, rank 0 says so
            return super().run(out if self.launch.is_main else io.StringIO())
        if self.launch.is_main:
            try:
                print(
                    f"train.py: data-parallel on {self.launch.size} ranks ({self.launch.launcher})", file=out
                )
                return super().run(out)  # the lock, the folders, then ``_train`` tells the others
            finally:
                if not self.started:
                    self.world.broadcast(False)
        if not self.world.broadcast(None):
            raise SystemExit(EXIT_USAGE)  # rank 0 could not start and says why, once
        if self.world.device.type == "cuda":  # as ``PairedRun.run`` on rank 0: no reduced-precision matmuls
            torch.backends.cuda.matmul.allow_tf32 = False
            torch.backends.cudnn.allow_tf32 = False
        with (
            open(os.devnull, "w") as quiet,
            contextlib.redirect_stdout(quiet),
            contextlib.redirect_stderr(quiet),
            limit_threads(self.config.threads),
        ):
            return self._train(quiet)

    def _train(self, out: TextIO) -> int:
        if self.launch.is_main:
            self.started = self.world.broadcast(True)
        return super()._train(out)

    def _run_epoch(self, stop: Any, bar: Any) -> None:
        agreed = _AgreedStop(stop, self.world)
        super()._run_epoch(agreed, bar)
        _ = agreed.signum  # once more, so that every rank's loop condition reads the same answer

    def _open_boards(self, out: TextIO) -> None:
        if self.launch.is_main:
            super()._open_boards(out)
        else:
            self.boards = {impl: _NoBoard() for impl in self.twins}

    def save_checkpoints(self) -> None:
        if self.launch.is_main:
            super().save_checkpoints()

    def _write_metrics(self, **extra: float) -> None:
        if self.launch.is_main:
            super()._write_metrics(**extra)

    def _finish(self, seconds: float) -> None:
        if self.launch.is_main:
            super()._finish(seconds)


def start(config: TrainConfig) -> Launch:
    """Before ``prepare``: the launch (a one-line ``LaunchError`` without one), a GPU per CUDA rank."""
    launch = require(config.impls)
    if "torch" in config.impls and config.device in ("cuda", "auto") and torch.cuda.is_available():
        engines.rank_device(launch, torch.device("cuda"))  # build_twins then puts the rank on its GPU
    return launch


def wrap(run: PairedRun, launch: Launch) -> DistributedRun:
    """After ``prepare`` (which wrote nothing): the batch check, the engines, the data-parallel twins."""
    config = run.config
    try:
        check_batches(len(run.data.y_train), config.batch_size, config.drop_last, launch.size)
    except LaunchError:
        if not launch.is_main:
            raise SystemExit(EXIT_USAGE) from None  # rank 0 says it, once
        raise
    comm = engines.open_mpi(launch) if launch.launcher == MPIEXEC else None
    device = torch.device(next(iter(run.twins.values())).device)
    if "torch" in run.twins:
        engines.init_torch(launch, device, comm)
    elif comm is None:
        raise LaunchError("--distributed: nothing to run it on (no MPI, no torch twin)")
    twins: dict[str, Twin] = data_parallel(run.twins, launch, comm, config.sync_bn)
    distributed = DistributedRun.__new__(DistributedRun)
    distributed.__dict__.update(run.__dict__)
    distributed.twins, distributed.launch = twins, launch
    distributed.world = World(launch, comm, device)
    return distributed

"""C3.2.1-data-parallel: the paired run's twins made data-parallel over K ranks.

Every rank builds the same twins as the single-process run (``twin_nets.training.twins.build_twins``:
the same initial weights, the same batch-order and dropout generators) and iterates the same global
batches in the same order; ``step`` then keeps the rank's own shard (rows r·B/K … (r+1)·B/K), trains
on it, and the gradients are averaged over the ranks before the update — by the hand-written ring
all-reduce on MPI in the scratch twin (``scratch.distributed``), by ``DistributedDataParallel`` in the
torch twin (``torch_impl.distributed``). ``step`` returns the global batch's loss (the mean of the K
shard losses) and correct count, so the runner logs what the single-process run logs. With
``sync_bn`` every ``BatchNorm1d`` is synchronised (C4.3-sync-batchnorm).

Dropout: each rank draws the whole batch's mask from the shared generator and keeps its rows
(``scratch.distributed.GlobalMaskRows``), so the K ranks drop exactly the units one process drops.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import torch

import scratch.train
import torch_impl.train
from scratch.distributed import (
    GlobalMaskRows,
    average_gradients,
    convert_sync_batchnorm,
    ring_allreduce,
    shard_rows,
)
from torch_impl import distributed as torch_distributed
from twin_nets.distributed.launch import Launch
from twin_nets.training.twins import ScratchTwin, TorchTwin, Twin


def _share_dropout_masks(model: Any, rng: np.random.Generator, launch: Launch) -> None:
    for module in model.modules():
        if getattr(module, "rng", None) is rng:  # a dropout layer drawing from the twin's generator
            module.rng = GlobalMaskRows(rng, launch.rank, launch.size)


class _AveragingOptimizer:
    """The optimizer, with the gradients averaged over the ranks just before each update (where torch's
    DDP has finished its all-reduce by the end of ``backward()``); the time spent is added up."""

    def __init__(self, optimizer: Any, parameters: list[Any], comm: Any) -> None:
        self.optimizer, self.parameters, self.comm = optimizer, parameters, comm
        self.comm_seconds = 0.0

    def zero_grad(self) -> None:
        self.optimizer.zero_grad()

    def step(self) -> None:
        start = time.perf_counter()
        average_gradients(self.parameters, self.comm)
        self.comm_seconds += time.perf_counter() - start
        self.optimizer.step()


class DataParallelScratchTwin(ScratchTwin):
    """The NumPy twin on MPI: shard, forward, backward, ring all-reduce of the gradients, update."""

    @classmethod
    def from_twin(
        cls, twin: ScratchTwin, launch: Launch, comm: Any, sync_bn: bool
    ) -> DataParallelScratchTwin:
        self = cls.__new__(cls)
        self.__dict__.update(twin.__dict__)  # the single-process twin's model, optimizer, loader, generators
        self.launch, self.comm = launch, comm
        if sync_bn:
            convert_sync_batchnorm(self.model, comm)
        _share_dropout_masks(self.model, self.dropout_rng, launch)
        self.averaging = _AveragingOptimizer(self.optimizer, list(self.model.parameters()), comm)
        return self

    @property
    def comm_seconds(self) -> float:
        return self.averaging.comm_seconds

    def step(self, batch: Any) -> tuple[float, int]:
        x, y = batch
        rows = shard_rows(len(y), self.launch.rank, self.launch.size)
        loss, correct = scratch.train.train_step(self.model, self.loss_fn, self.averaging, x[rows], y[rows])
        total_loss, total_correct = ring_allreduce(self.comm, np.array([loss, correct], dtype=np.float64))
        return float(total_loss / self.launch.size), int(total_correct)


class DataParallelTorchTwin(TorchTwin):
    """The torch twin on torch.distributed: the model inside ``DistributedDataParallel``."""

    @classmethod
    def from_twin(cls, twin: TorchTwin, launch: Launch, sync_bn: bool) -> DataParallelTorchTwin:
        self = cls.__new__(cls)
        self.__dict__.update(twin.__dict__)
        self.launch = launch
        if sync_bn:
            self.model = torch_distributed.convert_sync_batchnorm(self.model, self.device)
        _share_dropout_masks(self.model, self.dropout_rng, launch)
        self.ddp = torch_distributed.wrap(self.model, self.device)  # evaluate and weights use self.model
        return self

    def step(self, batch: Any) -> tuple[float, int]:
        x, y = batch
        rows = shard_rows(len(y), self.launch.rank, self.launch.size)
        loss, correct = torch_impl.train.train_step(self.ddp, self.loss_fn, self.optimizer, x[rows], y[rows])
        totals = torch_distributed.all_reduce_sum(
            torch.tensor([loss, correct], dtype=torch.float64, device=self.device)
        )
        return totals[0].item() / self.launch.size, int(totals[1].item())


def data_parallel(twins: dict[str, Twin], launch: Launch, comm: Any, sync_bn: bool) -> dict[str, Twin]:
    """The data-parallel versions of a single-process run's twins (built by ``build_twins`` on every
    rank from the same config): scratch over ``comm`` (MPI), torch over the initialised process group."""
    wrapped: dict[str, Twin] = {}
    for impl, twin in twins.items():
        if impl == "scratch":
            wrapped[impl] = DataParallelScratchTwin.from_twin(twin, launch, comm, sync_bn)
        else:
            wrapped[impl] = DataParallelTorchTwin.from_twin(twin, launch, sync_bn)
    return wrapped

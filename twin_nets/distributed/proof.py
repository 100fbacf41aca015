"""C3.2.1-data-parallel, C4.3-sync-batchnorm: small training cases run in one process and on K ranks,
so that the two can be compared weight by weight (the tests and the figure use them).

``python -m twin_nets.distributed.proof --cases CASES.json --out RESULT.npz``, started by ``mpiexec``
(both twins: scratch over MPI, torch over gloo initialised from the MPI rank and size) or ``torchrun``
(the torch twin), trains every case on every rank and writes, from rank 0 only, each twin's final
weights (``<case>/<impl>/<key>``) and the ring all-reduce checks (``ring/…``). ``train_case(case)``
without a launch is the single-process run the K-rank weights must equal.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from scratch.data.datasets import DatasetSplit
from scratch.distributed import ring_allreduce, ring_order_sum
from twin_nets.atomic import atomic_write
from twin_nets.cli import FILE, OneLineParser
from twin_nets.distributed import engines
from twin_nets.distributed.launch import MPIEXEC, Launch, detect
from twin_nets.distributed.twins import data_parallel
from twin_nets.training.config import TrainConfig
from twin_nets.training.twins import build_twins


@dataclass(frozen=True)
class Case:
    """One small training run: a 6-feature, 3-class problem, an MLP, SGD with momentum, float64."""

    name: str
    batch_size: int = 16
    norm: str | None = None
    sync_bn: bool = False
    dropout: float = 0.0
    n_train: int = 64
    steps: int = 8
    hidden: tuple[int, ...] = (16,)
    impl: str = "both"
    seed: int = 0

    def config(self) -> TrainConfig:
        return TrainConfig(impl=self.impl, hidden=tuple(self.hidden), dropout=self.dropout, norm=self.norm,
                           optimizer="sgd", lr=0.1, momentum=0.9, batch_size=self.batch_size,
                           dtype="float64", device="cpu", seed=self.seed)  # fmt: skip

    def data(self) -> DatasetSplit:
        """Three Gaussian clusters in 6 dimensions, drawn from the case's seed (the same on every rank)."""
        rng = np.random.default_rng([self.seed, self.n_train])
        centres = rng.normal(0, 2, (3, 6))
        y = rng.integers(0, 3, self.n_train + 32)
        x = centres[y] + rng.normal(0, 1, (len(y), 6))
        n = self.n_train
        return DatasetSplit("clusters", x[:n], y[:n], x[n:], y[n:], 3)


def train_case(
    case: Case, launch: Launch | None = None, comm: Any = None
) -> dict[str, dict[str, np.ndarray]]:
    """``case.steps`` steps of each twin (one process, or this rank of ``launch``); the final weights."""
    twins = build_twins(case.config(), case.data(), torch.device("cpu"))
    if launch is not None:
        twins = data_parallel(twins, launch, comm, case.sync_bn)
    done = 0
    while done < case.steps:
        iterators = {impl: twin.epoch_batches() for impl, twin in twins.items()}
        for _ in range(len(next(iter(twins.values())).loader)):
            for impl, twin in twins.items():
                twin.step(next(iterators[impl]))
            done += 1
            if done == case.steps:
                break
    return {
        impl: {k: np.array(v, copy=True) for k, v in twin.weights().items()} for impl, twin in twins.items()
    }


def ring_checks(comm: Any) -> dict[str, np.ndarray]:
    """The hand-written ring against MPI's ``Allreduce`` on several sizes (n < K included): random
    float64 arrays (ring == its own order bit for bit; vs MPI within round-off) and integer-valued ones
    (every partial sum exact, so ring == MPI exactly); and whether every rank got the same bits."""
    rank, size = comm.Get_rank(), comm.Get_size()
    out: dict[str, np.ndarray] = {}
    for n in (1, 3, 10, 1001):
        scale = 10.0 ** np.random.default_rng(n).integers(-3, 4, n)  # magnitudes 1e-3 … 1e3 mixed
        arrays = [np.random.default_rng([r, n]).normal(size=n) * scale for r in range(size)]
        integers = [
            np.random.default_rng([r, n, 1]).integers(-(2**20), 2**20, n).astype(np.float64)
            for r in range(size)
        ]
        for kind, data in (("random", arrays), ("integer", integers)):
            ring = ring_allreduce(comm, data[rank])
            mpi = np.empty_like(ring)
            comm.Allreduce(data[rank], mpi)
            gathered = comm.allgather(ring.tobytes())
            out[f"ring/{kind}/{n}/ring"] = ring
            out[f"ring/{kind}/{n}/mpi"] = mpi
            out[f"ring/{kind}/{n}/ring_order"] = ring_order_sum(data)
            out[f"ring/{kind}/{n}/same_on_every_rank"] = np.array(len(set(gathered)) == 1)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = OneLineParser(prog="python -m twin_nets.distributed.proof", description=__doc__.split("\n")[0])
    parser.add_argument("--cases", required=True, help="a JSON list of Case fields")
    parser.add_argument("--out", type=FILE, required=True, help="the .npz rank 0 writes")
    args = parser.parse_args(argv)
    launch = detect()
    if launch is None:
        parser.error("start it with mpiexec or torchrun (it runs on every rank of a K-rank job)")
    cases = [
        Case(**{**c, "hidden": tuple(c.get("hidden", (16,)))})
        for c in json.loads(Path(args.cases).read_text())
    ]
    comm = engines.open_mpi(launch) if launch.launcher == MPIEXEC else None
    engines.init_torch(launch, torch.device("cpu"), comm)
    results: dict[str, np.ndarray] = ring_checks(comm) if comm is not None else {}
    for case in cases:
        if comm is None:
            case = dataclasses.replace(case, impl="torch")  # torchrun: no MPI for the scratch twin
        for impl, weights in train_case(case, launch, comm).items():
            results.update({f"{case.name}/{impl}/{k}": v for k, v in weights.items()})
    engines.close(launch)
    if launch.is_main:
        atomic_write(Path(args.out), lambda handle: np.savez(handle, **results))
    return 0


if __name__ == "__main__":
    engines.end_rank(main())  # a bad flag exits before, in one line

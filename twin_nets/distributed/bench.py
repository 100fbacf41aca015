"""C3.2.1-data-parallel: training throughput of each twin at K = 1 and K = 2, measured in one run.

    python -m twin_nets.distributed.bench              # launches itself: mpiexec -n 2 (needs mpi4py)
    python -m twin_nets.distributed.bench --quick      # a smoke run

One ``mpiexec -n 2`` job, both twins, the MNIST-size model of ``scripts/bench.py`` (784-256-256-10 ReLU,
SGD with momentum, global batch 128, synthetic data). Rounds alternate: K = 1 — the single-process twin
on rank 0 (what ``scripts/train.py`` runs without ``--distributed``) while rank 1 sleeps — then K = 2,
the data-parallel twins on both ranks (64 samples each; the ring all-reduce on MPI, DDP on gloo or NCCL).
Medians of the per-step wall time give the throughput (samples/s) and the ratio K=2 / K=1 per twin;
the communication time per step is the time in the gradient all-reduce: the ring's, timed around it, and
DDP's, from each bucket's hand-over to its all-reduce's completion (a timing communication hook around
torch's own ``allreduce_hook``; DDP overlaps it with the backward). Results: a table, and JSON (``--out``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch

from scratch.data.datasets import DatasetSplit
from twin_nets.atomic import atomic_write
from twin_nets.cli import FILE, OneLineParser
from twin_nets.distributed import engines, jobs
from twin_nets.distributed.launch import detect
from twin_nets.distributed.twins import data_parallel
from twin_nets.threads import limit_threads
from twin_nets.training.config import TrainConfig
from twin_nets.training.twins import build_twins

SIZES, BATCH = (784, 256, 256, 10), 128


class _Timer:
    seconds = 0.0


def timed_allreduce_hook(timer, bucket):  # no annotations: DDP checks them against its own types
    """A DDP communication hook: torch's ``allreduce_hook`` on the default group, each bucket's time
    from hand-over to completion added to ``timer.seconds``."""
    from torch.distributed.algorithms.ddp_comm_hooks.default_hooks import allreduce_hook

    start = time.perf_counter()

    def done(future: torch.futures.Future) -> torch.Tensor:
        timer.seconds += time.perf_counter() - start
        return future.value()

    return allreduce_hook(None, bucket).then(done)


def _data(n: int, dtype: str) -> DatasetSplit:
    rng = np.random.default_rng(0)
    x, y = rng.random((n + BATCH, SIZES[0])).astype(dtype), rng.integers(0, SIZES[-1], n + BATCH)
    return DatasetSplit("synthetic-mnist", x[:n], y[:n], x[n:], y[n:], SIZES[-1])


def _time_steps(twin: Any, steps: int, barrier: Any) -> list[float]:
    times = []
    batches = twin.epoch_batches()
    for _ in range(steps):
        batch = next(batches)
        barrier()
        start = time.perf_counter()
        twin.step(batch)
        times.append(time.perf_counter() - start)
    return times


def _sleep_barrier(comm: Any) -> None:
    """A barrier that waits without spinning (MPICH's own busy-polls a core the other rank needs)."""
    request = comm.Ibarrier()
    while not request.Test():
        time.sleep(2e-4)


def worker(rounds: int, steps: int, dtype: str, device: str) -> dict[str, Any]:
    launch = detect()
    comm = engines.open_mpi(launch)
    torch_device = engines.rank_device(launch, torch.device(device))
    engines.init_torch(launch, torch_device, comm)
    config = TrainConfig(hidden=SIZES[1:-1], optimizer="sgd", lr=0.01, momentum=0.9, batch_size=BATCH,
                         dtype=dtype, device=device, epochs=1)  # fmt: skip
    data = _data(BATCH * steps, dtype)
    single = build_twins(config, data, torch_device) if launch.is_main else {}
    parallel = data_parallel(build_twins(config, data, torch_device), launch, comm, sync_bn=False)
    timer = _Timer()
    parallel["torch"].ddp.register_comm_hook(timer, timed_allreduce_hook)
    times: dict[str, list[float]] = {f"{impl} K={k}": [] for impl in ("scratch", "torch") for k in (1, 2)}
    comm_s = {"scratch": 0.0, "torch": 0.0}
    barrier = lambda: _sleep_barrier(comm)  # noqa: E731
    for _ in range(rounds):
        for impl, twin in single.items():
            times[f"{impl} K=1"] += _time_steps(twin, steps, lambda: None)
        _sleep_barrier(comm)
        for impl, twin in parallel.items():
            before = twin.comm_seconds if impl == "scratch" else timer.seconds
            times[f"{impl} K=2"] += _time_steps(twin, steps, barrier)
            after = twin.comm_seconds if impl == "scratch" else timer.seconds
            comm_s[impl] += after - before
    engines.close(launch)
    if not launch.is_main:
        return {}
    medians = {name: statistics.median(values) for name, values in times.items() if values}
    result = {"model": "-".join(map(str, SIZES)), "global_batch": BATCH, "dtype": dtype, "device": device,
              "rounds": rounds, "steps_per_round": steps, "median_step_s": medians}  # fmt: skip
    for impl in ("scratch", "torch"):
        k1, k2 = BATCH / medians[f"{impl} K=1"], BATCH / medians[f"{impl} K=2"]
        result[impl] = {"samples_per_s_K1": k1, "samples_per_s_K2": k2, "ratio_K2_over_K1": k2 / k1,
                        "comm_ms_per_step_K2": 1e3 * comm_s[impl] / (rounds * steps)}  # fmt: skip
    return result


def table(result: dict[str, Any]) -> str:
    rows = [
        f"model {result['model']}, global batch {result['global_batch']}, {result['dtype']}, "
        f"torch on {result['device']}; medians of {result['rounds']} × {result['steps_per_round']} steps",
        "twin     samples/s K=1  samples/s K=2  K=2 / K=1  all-reduce ms/step (K=2)",
    ]
    for impl in ("scratch", "torch"):
        r = result[impl]
        rows.append(f"{impl:8} {r['samples_per_s_K1']:13.0f}  {r['samples_per_s_K2']:13.0f}  "
                    f"{r['ratio_K2_over_K1']:9.2f}  {r['comm_ms_per_step_K2']:24.3f}")  # fmt: skip
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = OneLineParser(prog="python -m twin_nets.distributed.bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: 2 rounds of 3 steps")
    parser.add_argument("--dtype", choices=("float32", "float64"), default="float32")
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu", help="the torch twin's")
    parser.add_argument("--out", type=FILE, default="runs/bench-distributed.json", help="the JSON written")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    rounds, steps = (2, 3) if args.quick else (10, 10)
    if args.device == "cuda" and not torch.cuda.is_available():  # found now, not by every rank
        parser.error("--device cuda: CUDA is not available on this machine (use --device cpu)")
    if not args.worker:  # found now, not after the whole bench ran (the workers' rank 0 writes it)
        parser.check_output("--out", args.out, "file")
        if (missing := jobs.why_no_mpi()) is not None:
            parser.error(f"the 2-rank job cannot run here: {missing}")
    if args.worker:
        with limit_threads(1):
            result = worker(rounds, steps, args.dtype, args.device)
        if detect().is_main:
            atomic_write(Path(args.out), lambda h: h.write(json.dumps(result, indent=2).encode()))
        engines.end_rank(0)  # its Python comm hook runs on gloo's threads: no interpreter shutdown
    command = [*jobs.mpi_command(2), "-m", "twin_nets.distributed.bench", "--worker"]
    try:
        jobs.run([*command, *(sys.argv[1:] if argv is None else argv)], timeout=1800)
    except jobs.JobError as error:
        print(f"{parser.prog}: {' '.join(str(error).split())[:2000]}", file=sys.stderr)
        return 1
    print(table(json.loads(Path(args.out).read_text(encoding="utf-8"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The whole bench: the machine, every row, the training runs; the result as a JSON-ready dict."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import threadpoolctl
import torch

from twin_nets.bench.config import MODELS, OPTIMIZERS, BenchConfig, LSTMCase, ModelCase
from twin_nets.bench.lstm import lstm_steps
from twin_nets.bench.peer import Peer, load_peer
from twin_nets.bench.steps import ScratchStep, TorchStep, matmul_peak, time_interleaved

TRAIN_SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "train.py"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def numpy_blas() -> list[dict[str, Any]]:
    """threadpoolctl's view of the BLAS that NumPy itself links (not scipy's or torch's)."""
    blas = [info for info in threadpoolctl.threadpool_info() if info["user_api"] == "blas"]
    own = [info for info in blas if "numpy" in info["filepath"]]
    keys = ("internal_api", "version", "architecture", "num_threads", "filepath")
    return [{key: info.get(key) for key in keys} for info in (own or blas)]


def machine_info() -> dict[str, Any]:
    cuda = torch.cuda.is_available()
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "numpy_blas": numpy_blas(),
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "torch_blas": "MKL" if torch.backends.mkl.is_available() else "other",
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
        "cuda": torch.cuda.get_device_name(0) if cuda else None,
        "cuda_tf32_matmul": torch.backends.cuda.matmul.allow_tf32 if cuda else None,
    }


def _to_numpy(value: Any) -> Any:
    return value.detach().cpu().numpy() if isinstance(value, torch.Tensor) else value


def _quartiles(times: list[float]) -> tuple[float, float, float]:
    if len(times) == 1:
        return times[0], times[0], times[0]
    q1, median, q3 = statistics.quantiles(times, n=4)
    return q1, median, q3


def mlp_steps(case: ModelCase, dtype: str, config: BenchConfig, cuda: bool) -> dict[str, Any]:
    """Both twins (and the CUDA torch twin) on an MLP, from the same weights and batch."""
    scratch_step = ScratchStep(case, dtype, config.optimizer, config.seed)
    weights, batch = scratch_step.state_dict(), (scratch_step.x, scratch_step.y)
    steps: dict[str, Any] = {
        "scratch": scratch_step,
        "torch": TorchStep(case, dtype, config.optimizer, "cpu", weights, batch),
    }
    if cuda:
        steps["torch_cuda"] = TorchStep(case, dtype, config.optimizer, "cuda", weights, batch)
    return steps


def bench_case(
    case: ModelCase | LSTMCase,
    dtype: str,
    config: BenchConfig,
    peaks: dict[str, dict[str, float]],
    cuda: bool,
    peer: Peer | None = None,
) -> dict[str, Any]:
    """One row: both twins (and the CUDA torch twin; on the lstm row the peer) on ``case`` in ``dtype``."""
    skipped = None
    if isinstance(case, LSTMCase):
        steps, skipped = lstm_steps(case, dtype, config, cuda, peer)
    else:
        steps = mlp_steps(case, dtype, config, cuda)
    # the same weights and batch: the first losses agree (to the dtype's round-off)
    first_losses = {name: float(np.asarray(_to_numpy(step()))) for name, step in steps.items()}
    times = time_interleaved(steps, config.seconds, config.quick)
    twins = {}
    for name, step in steps.items():
        q1, median, q3 = _quartiles(times[name])
        peak = peaks["cuda" if step.device == "cuda" else "cpu"][dtype]["peak"]
        state, (step_peak, method) = step.state_bytes(), step.step_peak_bytes()
        twins[name] = {
            "device": step.device,
            "steps": len(times[name]),
            "median_s": median,
            "q1_s": q1,
            "q3_s": q3,
            "gflops": case.flops / median / 1e9,
            "fraction_of_peak": case.flops / median / 1e9 / peak,
            "peak_memory_bytes": None if step_peak is None else state + step_peak,
            "state_bytes": state,
            "step_peak_bytes": step_peak,
            "step_peak_measured_by": method,
        }
    row = {
        "model": case.name,
        "sizes": list(case.sizes),
        "batch": case.batch,
        "dtype": dtype,
        "flops": case.flops,
        "first_step_loss": first_losses,
        "twins": twins,
        "ratio": twins["scratch"]["median_s"] / twins["torch"]["median_s"],
    }
    if isinstance(case, LSTMCase):
        row["time_steps"] = case.time_steps
        row["dlfs2"] = (
            {"skipped": skipped}
            if skipped is not None
            else {"ratio": twins["scratch"]["median_s"] / twins["dlfs2"]["median_s"]}
        )
    return row


def train_run(impl: str, quick: bool) -> dict[str, Any]:
    """Wall time of ``scripts/train.py --impl <impl>`` (default flags) in a fresh interpreter."""
    if not TRAIN_SCRIPT.is_file():
        return {"missing": f"{TRAIN_SCRIPT} does not exist"}
    with tempfile.TemporaryDirectory(prefix="bench-train-") as logdir:
        command = [sys.executable, str(TRAIN_SCRIPT), "--impl", impl, "--logdir", logdir]
        if quick:
            command += ["--epochs", "1"]
        environment = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(
                filter(None, [str(TRAIN_SCRIPT.parent.parent), os.environ.get("PYTHONPATH")])
            ),
        }
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, env=environment, check=False)
        seconds = time.perf_counter() - start
    shown = ["python", "scripts/train.py", *command[2:4], "--logdir", "<temporary>", *command[6:]]
    record = {"seconds": seconds, "returncode": done.returncode, "command": " ".join(shown)}
    if done.returncode != 0:
        record["stderr_tail"] = done.stderr[-500:]
    return record


def run(config: BenchConfig, log: Callable[[str], None] = print) -> dict[str, Any]:
    """The whole bench; returns the JSON-ready result (``format_table`` prints it)."""
    started = time.perf_counter()
    torch.set_num_threads(config.threads)
    cuda = config.cuda and torch.cuda.is_available()
    with threadpoolctl.threadpool_limits(limits=config.threads, user_api="blas"):
        machine = machine_info()
        size, repeat = (256, 2) if config.quick else (2048, 5)
        peaks: dict[str, dict[str, dict[str, float]]] = {"cpu": {}, "cuda": {}}
        for dtype in config.dtypes:
            peaks["cpu"][dtype] = matmul_peak(dtype, size, repeat)
            log(
                f"peak {dtype}: numpy {peaks['cpu'][dtype]['numpy']:.0f}, "
                f"torch {peaks['cpu'][dtype]['torch']:.0f} GFLOP/s"
            )
            if cuda:
                peaks["cuda"][dtype] = matmul_peak(dtype, 4 * size, repeat, device="cuda")
        peer = None if config.dlfs2 is None else load_peer(Path(config.dlfs2))  # checked by BenchConfig
        rows = []
        for name in config.models:
            for dtype in config.dtypes:
                rows.append(bench_case(MODELS[name], dtype, config, peaks, cuda, peer))
                ratio = rows[-1].get("dlfs2", {}).get("ratio")
                peer_ratio = "" if ratio is None else f", scratch/dlfs2 = {ratio:.2f}"
                log(f"{name} {dtype}: scratch/torch = {rows[-1]['ratio']:.2f}{peer_ratio}")
        runs = {}
        if config.train_runs:
            for impl in ("scratch", "torch"):
                runs[impl] = train_run(impl, config.quick)
                log(f"train.py --impl {impl}: {runs[impl].get('seconds', float('nan')):.1f} s")
    result = {
        "bench": "C3.2.1 training step, scratch twin vs torch twin (C4.3-lstm: and 밑바닥 2's TimeLSTM)",
        "config": {**asdict(config), "models": list(config.models), "dtypes": list(config.dtypes)},
        "optimizer": OPTIMIZERS[config.optimizer],
        "loss": "CrossEntropyLoss (class indices, mean)",
        "threads": config.threads,
        "machine": machine,
        "flops_counted": {
            "mlp": "2·N·(3·Σ n_k m_k − n_1 m_1): forward, weight-gradient and input-gradient products, "
            "no input gradient for the first layer",
            "lstm": "T·3·2·N·4H·(D + H): per time step the forward products and those of ∂E/∂W_ih, ∂E/∂W_hh, "
            "∂E/∂x and ∂E/∂h_(t−1)",
        },
        "peak_gflops": peaks if cuda else {"cpu": peaks["cpu"]},
        "rows": rows,
        "train_runs": runs if config.train_runs else {"skipped": "--no-train-runs"},
    }
    result["wall_s"] = time.perf_counter() - started
    return result

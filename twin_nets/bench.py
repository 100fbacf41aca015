r"""C3.2.1: the speed benchmark — one training step of the scratch twin and of the torch twin, timed
interleaved in one process and measured against the machine's own matrix-product peak.

What one step is (both twins, same initial weights, same fixed batch):
    ``optimizer.zero_grad()``, forward, ``CrossEntropyLoss`` on class indices, backward,
    ``optimizer.step()`` — SGD (lr 0.01, momentum 0.9) by default, or Adam (lr 1e-3) —
    on ReLU MLPs built from one ``MLPSpec``: digits 64-128-10 at batch 64, mnist 784-256-256-10 at
    batch 128 and wide 784-1024-1024-10 at batch 256, in float32 and float64. The scratch twin's
    backward is ``model.backward(g, needs_input_grad=False)``: the data's gradient is not computed,
    as torch does not compute it for an input without ``requires_grad``.

Timing: after a warm-up, rounds of one block of steps per twin, the twins' order alternating from
round to round; each step is timed alone (``time.perf_counter``; ``torch.cuda.synchronize()`` before
and after a CUDA step) with the garbage collector off. A twin's time is the median over all its steps:
load on the machine drifts alike for both twins, and the first step of a block, slowed while the
other library's worker threads still spin, stays out of the median.

FLOPs (matrix products only): a Linear n → m at batch N costs 2·N·n·m for y = x Wᵀ, 2·N·n·m for
∂E/∂W = gᵀ x and 2·N·n·m for ∂E/∂x = g W, except in the first layer, where neither twin computes ∂E/∂x:
    FLOPs = 2·N·(3·Σₖ nₖ mₖ − n₁ m₁).
Bias, activation, loss and optimizer arithmetic are not counted. GFLOP/s = FLOPs / median step time,
reported as a fraction of the peak: the best of several large square products ``A @ B`` (2·s³ FLOPs)
in NumPy and in torch, whichever library is faster (the machine's peak for that dtype).

Peak memory of a step: the most bytes held by the twin's arrays at any moment of a step = what exists
before it (parameters, gradients, optimizer state, the batch: summed from the objects' sizes) + the
peak of the step's own allocations minus its frees. NumPy reports its data allocations to
``tracemalloc``; torch's CPU allocator reports its allocations and frees to the profiler
(``profile_memory=True``), summed here in time order; on CUDA ``torch.cuda.max_memory_allocated``.
The same quantity for both: torch's ``zero_grad`` frees the gradients and its backward allocates new
ones, where the scratch twin keeps its gradient arrays and adds into them.

End to end: ``scripts/train.py --impl scratch`` and ``--impl torch`` with their default flags (logs go
to a temporary folder), each in a fresh interpreter: wall time from start to exit.

Threads: one count for both libraries — ``torch.set_num_threads`` and, through threadpoolctl, NumPy's
BLAS — 1 by default, as ``scripts/train.py`` runs torch. Why not every core by default: on a 2-core
machine shared with other work, two-thread pools wait on each other. Measured here, a busy neighbour
made each multi-threaded OpenBLAS call wait for a scheduler tick (a 0.1 ms step took 24 ms), and
``OMP_WAIT_POLICY=PASSIVE``, which cures that, makes torch's small steps 1.7–1.9× slower (its threads sleep
between ops): either way one twin is handicapped. With one thread neither is, and on a quiet machine
the two-thread ratios came out the same (``--threads 2`` to see; the environment variable is
recorded as ``machine.omp_wait_policy``).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
import threadpoolctl
import torch

import scratch.nn
import scratch.optim
from scratch.models.mlp import MLPSpec, build_mlp
from torch_impl.models.mlp import build_mlp as build_torch_mlp
from torch_impl.nn.state import load_numpy_state_dict


@dataclass(frozen=True)
class ModelCase:
    """One benchmarked network: its widths and its batch size."""

    name: str
    sizes: tuple[int, ...]
    batch: int

    @property
    def flops(self) -> int:
        """Matrix-product FLOPs of one forward + backward (module docstring)."""
        products = sum(n * m for n, m in zip(self.sizes[:-1], self.sizes[1:], strict=False))
        return 2 * self.batch * (3 * products - self.sizes[0] * self.sizes[1])


MODELS = {
    "digits": ModelCase("digits", (64, 128, 10), 64),
    "mnist": ModelCase("mnist", (784, 256, 256, 10), 128),
    "wide": ModelCase("wide", (784, 1024, 1024, 10), 256),
}
DTYPES = ("float32", "float64")
OPTIMIZERS = {"sgd": "SGD(lr=0.01, momentum=0.9)", "adam": "Adam(lr=0.001)"}
# (model, dtype, what, limit): the targets, read from the float32 rows
TARGETS = (
    ("digits", "float32", "ratio", 0.5),
    ("mnist", "float32", "ratio", 0.9),
    ("wide", "float32", "fraction_of_peak", 0.85),
)
TRAIN_SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "train.py"


@dataclass(frozen=True)
class BenchConfig:
    """The flags of ``scripts/bench.py``.

    Args:
        out: where the JSON goes (default bench.json).
        quick: a smoke run: few steps, small peak products, one-epoch training runs; numbers not meaningful.
        threads: for torch and NumPy's BLAS alike (default 1; module docstring).
        optimizer: "sgd" (default) or "adam".
        models, dtypes: which rows (default all).
        seconds: time spent timing each twin on each row (default 2.5; 0.05 with --quick).
        train_runs: also time the default training run per twin (default True).
        cuda: also time the torch twin on CUDA when present (default True).
        seed: of the initial weights and the batch.
    """

    out: str = "bench.json"
    quick: bool = False
    threads: int = 1
    optimizer: str = "sgd"
    models: tuple[str, ...] = tuple(MODELS)
    dtypes: tuple[str, ...] = DTYPES
    seconds: float = 2.5
    train_runs: bool = True
    cuda: bool = True
    seed: int = 0

    def __post_init__(self) -> None:
        if self.threads < 1:
            raise ValueError(f"--threads: expected an integer >= 1, got {self.threads}")
        if not (self.seconds > 0 and math.isfinite(self.seconds)):
            raise ValueError(f"--seconds: expected a number > 0, got {self.seconds}")
        if not Path(self.out).resolve().parent.is_dir():
            raise ValueError(f"--out: expected a file in an existing folder, got {self.out!r}")


class OneLineParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser(prog: str = "bench.py") -> OneLineParser:
    parser = OneLineParser(
        prog=prog,
        description="Time a training step of the scratch and the torch twin, interleaved (C3.2.1).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--out", default="bench.json", help="the JSON file written")
    parser.add_argument("--quick", action="store_true", help="smoke run: few steps, numbers not meaningful")
    parser.add_argument("--threads", type=int, default=1, help="for torch and NumPy's BLAS alike")
    parser.add_argument("--optimizer", choices=tuple(OPTIMIZERS), default="sgd")
    parser.add_argument("--models", nargs="+", choices=tuple(MODELS), default=list(MODELS))
    parser.add_argument("--dtypes", nargs="+", choices=DTYPES, default=list(DTYPES))
    parser.add_argument(
        "--seconds", type=float, default=None, help="timing per twin and row [2.5; quick 0.05]"
    )
    parser.add_argument("--no-train-runs", action="store_true", help="skip timing scripts/train.py")
    parser.add_argument("--no-cuda", action="store_true", help="do not time the torch twin on CUDA")
    parser.add_argument("--seed", type=int, default=0)
    return parser


def parse_config(argv: list[str] | None = None, parser: OneLineParser | None = None) -> BenchConfig:
    """Flags → ``BenchConfig``; a bad flag exits with status 2 and a one-line message."""
    parser = build_parser() if parser is None else parser
    args = parser.parse_args(argv)
    seconds = args.seconds if args.seconds is not None else (0.05 if args.quick else 2.5)
    try:
        return BenchConfig(
            out=args.out,
            quick=args.quick,
            threads=args.threads,
            optimizer=args.optimizer,
            models=tuple(dict.fromkeys(args.models)),
            dtypes=tuple(dict.fromkeys(args.dtypes)),
            seconds=seconds,
            train_runs=not args.no_train_runs,
            cuda=not args.no_cuda,
            seed=args.seed,
        )
    except ValueError as error:
        parser.error(str(error))


# ---------------------------------------------------------------------------------------------- machine
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


def matmul_peak(dtype: str, size: int, repeat: int, device: str = "cpu") -> dict[str, float]:
    """GFLOP/s of the best of ``repeat`` products ``A @ B`` of two (size, size) matrices, per library."""
    rng = np.random.default_rng(0)
    a, b = (rng.standard_normal((size, size)).astype(dtype) for _ in range(2))
    flops = 2 * size**3
    best: dict[str, float] = {}
    if device == "cpu":
        c = np.empty_like(a)
        np.matmul(a, b, out=c)  # first call: thread start-up, page faults
        best["numpy"] = flops / min(_timed(lambda: np.matmul(a, b, out=c)) for _ in range(repeat)) / 1e9
    ta, tb = torch.from_numpy(a).to(device), torch.from_numpy(b).to(device)
    tc = torch.empty_like(ta)
    sync = torch.cuda.synchronize if device == "cuda" else None
    torch.matmul(ta, tb, out=tc)
    best["torch"] = (
        flops / min(_timed(lambda: torch.matmul(ta, tb, out=tc), sync) for _ in range(repeat)) / 1e9
    )
    best["peak"] = max(best.values())
    return best


def _timed(function: Callable[[], Any], sync: Callable[[], None] | None = None) -> float:
    if sync is not None:
        sync()
    start = time.perf_counter()
    function()
    if sync is not None:
        sync()
    return time.perf_counter() - start


# ---------------------------------------------------------------------------------------------- twins
class ScratchStep:
    """One training step of the NumPy twin (``scratch.nn`` model and loss, ``scratch.optim``)."""

    device = "cpu"

    def __init__(self, case: ModelCase, dtype: str, optimizer: str, seed: int) -> None:
        rng = np.random.default_rng(seed)
        self.model = build_mlp(MLPSpec(case.sizes), rng, dtype=dtype)
        self.loss_fn = scratch.nn.CrossEntropyLoss()
        parameters = list(self.model.parameters())
        if optimizer == "sgd":
            self.optimizer = scratch.optim.SGD(parameters, lr=0.01, momentum=0.9)
        else:
            self.optimizer = scratch.optim.Adam(parameters, lr=1e-3)
        self.x = rng.standard_normal((case.batch, case.sizes[0])).astype(dtype)
        self.y = rng.integers(0, case.sizes[-1], case.batch)

    def __call__(self) -> np.ndarray:
        self.optimizer.zero_grad()
        loss = self.loss_fn(self.model(self.x), self.y)
        self.model.backward(self.loss_fn.backward(), needs_input_grad=False)
        self.optimizer.step()
        return loss

    def state_dict(self) -> dict[str, np.ndarray]:
        return self.model.state_dict()

    def state_bytes(self) -> int:
        """Parameters, gradients, optimizer state and the batch: what exists before a step."""
        arrays = [a for p in self.model.parameters() for a in (p.data, p.grad)]
        arrays += [
            v for state in self.optimizer.state.values() for v in state.values() if isinstance(v, np.ndarray)
        ]
        return sum(a.nbytes for a in [*arrays, self.x, self.y])

    def step_peak_bytes(self) -> tuple[int, str]:
        """The step's own allocations minus its frees, at their peak (NumPy reports to tracemalloc)."""
        tracemalloc.start()
        try:
            self()  # a traced step first: the next one frees only what was traced
            before = tracemalloc.get_traced_memory()[0]
            tracemalloc.reset_peak()
            self()
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        return peak - before, "tracemalloc"


class TorchStep:
    """One training step of the torch twin (``torch.nn`` model and loss, ``torch.optim``)."""

    def __init__(
        self,
        case: ModelCase,
        dtype: str,
        optimizer: str,
        device: str,
        weights: dict[str, Any],
        batch: tuple[np.ndarray, np.ndarray],
    ) -> None:
        self.device = device
        self.model = build_torch_mlp(MLPSpec(case.sizes), dtype=getattr(torch, dtype), device=device)
        load_numpy_state_dict(self.model, weights)
        self.loss_fn = torch.nn.CrossEntropyLoss()
        if optimizer == "sgd":
            self.optimizer = torch.optim.SGD(self.model.parameters(), lr=0.01, momentum=0.9)
        else:
            self.optimizer = torch.optim.Adam(self.model.parameters(), lr=1e-3)
        self.x = torch.from_numpy(batch[0]).to(device)
        self.y = torch.from_numpy(batch[1]).to(device)

    def __call__(self) -> torch.Tensor:
        self.optimizer.zero_grad()
        loss = self.loss_fn(self.model(self.x), self.y)
        loss.backward()
        self.optimizer.step()
        return loss

    def state_bytes(self) -> int:
        """Parameters, gradients, optimizer state and the batch: what exists before a step."""
        tensors = [t for p in self.model.parameters() for t in (p, p.grad) if t is not None]
        tensors += [
            v
            for state in self.optimizer.state.values()
            for v in state.values()
            if isinstance(v, torch.Tensor) and v.dim() > 0
        ]
        return sum(t.nelement() * t.element_size() for t in [*tensors, self.x, self.y])

    def step_peak_bytes(self) -> tuple[int | None, str]:
        """The step's own allocations minus its frees, at their peak (None if it cannot be measured)."""
        if self.device == "cuda":
            torch.cuda.synchronize()
            before = torch.cuda.memory_allocated()
            torch.cuda.reset_peak_memory_stats()
            self()
            torch.cuda.synchronize()
            return torch.cuda.max_memory_allocated() - before, "torch.cuda.max_memory_allocated"
        try:
            return self._cpu_step_peak_bytes(), "torch.profiler allocation events"
        except (ImportError, AttributeError, IndexError):  # the event tree is a semi-private API
            return None, "unavailable in this torch"

    def _cpu_step_peak_bytes(self) -> int:
        """Two steps under the profiler: the first frees what came before profiling (sizes unknown to
        it), so the second step's allocations and frees are all seen; summed in time order."""
        from torch._C._profiler import _EventType
        from torch.profiler import ProfilerActivity, profile, record_function

        with _quiet_stderr(), profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof:
            self()
            with record_function("bench_step"):
                self()
        events, window = [], []
        stack = list(prof.profiler.kineto_results.experimental_event_tree())
        while stack:
            node = stack.pop()
            if node.tag == _EventType.Allocation:
                events.append((node.start_time_ns, node.typed[1].alloc_size))
            elif node.name == "bench_step":
                window = [node.start_time_ns, node.end_time_ns]
            stack.extend(node.children)
        live = peak = 0
        for start, size in sorted(events):
            if window[0] <= start <= window[1]:
                live += size
                peak = max(peak, live)
        return peak


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Silence file descriptor 2 (the profiler's C++ logging writes there, past ``sys.stderr``)."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def time_interleaved(
    steps: dict[str, Callable[[], Any]], seconds: float, quick: bool
) -> dict[str, list[float]]:
    """Per twin, the time of every timed step: rounds of one block per twin, the order alternating."""
    syncs = {
        name: (torch.cuda.synchronize if getattr(step, "device", "cpu") == "cuda" else None)
        for name, step in steps.items()
    }
    estimate = {}
    for name, step in steps.items():  # warm-up, and a first estimate of each step's time
        times = [_timed(step, syncs[name]) for _ in range(2 if quick else 5)]
        estimate[name] = min(times)
    block = 3 if quick else 10
    total = max(3, min(3000, int(seconds / max(estimate.values()))))
    rounds = max(1, math.ceil(total / block))
    times: dict[str, list[float]] = {name: [] for name in steps}
    names = list(steps)
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for number in range(rounds):
            for name in names if number % 2 == 0 else names[::-1]:
                step, sync = steps[name], syncs[name]
                times[name].extend(_timed(step, sync) for _ in range(block))
    finally:
        if gc_was_enabled:
            gc.enable()
    return times


def _to_numpy(value: Any) -> Any:
    return value.detach().cpu().numpy() if isinstance(value, torch.Tensor) else value


def _quartiles(times: list[float]) -> tuple[float, float, float]:
    if len(times) == 1:
        return times[0], times[0], times[0]
    q1, median, q3 = statistics.quantiles(times, n=4)
    return q1, median, q3


def bench_case(
    case: ModelCase, dtype: str, config: BenchConfig, peaks: dict[str, dict[str, float]], cuda: bool
) -> dict[str, Any]:
    """One row: both twins (and the CUDA torch twin) on ``case`` in ``dtype``."""
    scratch_step = ScratchStep(case, dtype, config.optimizer, config.seed)
    weights, batch = scratch_step.state_dict(), (scratch_step.x, scratch_step.y)
    steps: dict[str, Any] = {
        "scratch": scratch_step,
        "torch": TorchStep(case, dtype, config.optimizer, "cpu", weights, batch),
    }
    if cuda:
        steps["torch_cuda"] = TorchStep(case, dtype, config.optimizer, "cuda", weights, batch)
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
    return {
        "model": case.name,
        "sizes": list(case.sizes),
        "batch": case.batch,
        "dtype": dtype,
        "flops": case.flops,
        "first_step_loss": first_losses,
        "twins": twins,
        "ratio": twins["scratch"]["median_s"] / twins["torch"]["median_s"],
    }


# ---------------------------------------------------------------------------------------------- training runs
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


# ---------------------------------------------------------------------------------------------- run
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
        rows = []
        for name in config.models:
            for dtype in config.dtypes:
                rows.append(bench_case(MODELS[name], dtype, config, peaks, cuda))
                log(f"{name} {dtype}: scratch/torch = {rows[-1]['ratio']:.2f}")
        runs = {}
        if config.train_runs:
            for impl in ("scratch", "torch"):
                runs[impl] = train_run(impl, config.quick)
                log(f"train.py --impl {impl}: {runs[impl].get('seconds', float('nan')):.1f} s")
    result = {
        "bench": "C3.2.1 training step, scratch twin vs torch twin",
        "config": {**asdict(config), "models": list(config.models), "dtypes": list(config.dtypes)},
        "optimizer": OPTIMIZERS[config.optimizer],
        "loss": "CrossEntropyLoss (class indices, mean)",
        "threads": config.threads,
        "machine": machine,
        "flops_counted": "2·N·(3·Σ n_k m_k − n_1 m_1): forward, weight-gradient and input-gradient products, "
        "no input gradient for the first layer",
        "peak_gflops": peaks if cuda else {"cpu": peaks["cpu"]},
        "rows": rows,
        "train_runs": runs if config.train_runs else {"skipped": "--no-train-runs"},
        "targets": targets(rows),
    }
    result["wall_s"] = time.perf_counter() - started
    return result


def targets(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The issue's float32 targets, each with its value and whether it is met (rows not run: absent)."""
    found = []
    for model, dtype, what, limit in TARGETS:
        row = next((r for r in rows if r["model"] == model and r["dtype"] == dtype), None)
        if row is None:
            continue
        if what == "ratio":
            value, met, text = row["ratio"], row["ratio"] <= limit, f"scratch/torch step time <= {limit}"
        else:
            value = row["twins"]["scratch"]["fraction_of_peak"]
            met, text = value >= limit, f"scratch >= {limit:.0%} of the matmul peak"
        found.append({"model": model, "dtype": dtype, "target": text, "value": value, "met": bool(met)})
    return found


def format_table(result: dict[str, Any]) -> str:
    """The result as a Markdown table (for the screen and the README) with its machine line."""
    machine = result["machine"]
    blas = ", ".join(
        f"{b['internal_api']} {b['version']} ({b['architecture']})" for b in machine["numpy_blas"]
    )
    lines = [
        f"Machine: {machine['cpu']}, {machine['cores_usable']} cores; {result['threads']} thread(s) for both "
        f"(numpy {machine['numpy']} with {blas}; torch {machine['torch']} with {machine['torch_blas']})"
        + (f"; CUDA: {machine['cuda']}" if machine["cuda"] else ""),
        f"Step: zero_grad, forward, CrossEntropyLoss, backward, {result['optimizer']}; median of interleaved "
        "steps. GFLOP/s counts matrix products only; % of the measured matmul peak "
        + ", ".join(f"{d} {p['peak']:.0f} GFLOP/s" for d, p in result["peak_gflops"]["cpu"].items())
        + ". Memory: the most bytes held during a step (parameters, gradients, optimizer state, batch, "
        "activations and temporaries).",
        "",
    ]
    cuda = any("torch_cuda" in row["twins"] for row in result["rows"])
    header = [
        "model",
        "dtype",
        "batch",
        "scratch ms",
        "torch ms",
        "scratch/torch",
        "scratch GFLOP/s",
        "torch GFLOP/s",
        "scratch MiB",
        "torch MiB",
    ] + (["torch CUDA ms"] if cuda else [])
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "|".join("---:" if i > 1 else "---" for i in range(len(header))) + "|")
    for row in result["rows"]:
        s, t = row["twins"]["scratch"], row["twins"]["torch"]
        cells = [
            f"{row['model']} {'-'.join(map(str, row['sizes']))}",
            row["dtype"],
            str(row["batch"]),
            f"{s['median_s'] * 1e3:.3f}",
            f"{t['median_s'] * 1e3:.3f}",
            f"{row['ratio']:.2f}",
            f"{s['gflops']:.1f} ({s['fraction_of_peak']:.0%})",
            f"{t['gflops']:.1f} ({t['fraction_of_peak']:.0%})",
            _mib(s["peak_memory_bytes"]),
            _mib(t["peak_memory_bytes"]),
        ]
        if cuda:
            cells.append(f"{row['twins']['torch_cuda']['median_s'] * 1e3:.3f}")
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    for target in result["targets"]:
        verdict = "met" if target["met"] else "NOT met"
        lines.append(
            f"Target {target['model']} {target['dtype']}: {target['target']}: "
            f"{target['value']:.2f} — {verdict}"
        )
    runs = result["train_runs"]
    for impl, record in runs.items():
        if impl == "skipped":
            lines.append(f"Training runs: skipped ({record})")
        elif "missing" in record:
            lines.append(f"Training run {impl}: missing ({record['missing']})")
        else:
            status = "" if record["returncode"] == 0 else f" (exit status {record['returncode']})"
            lines.append(f"Training run `{record['command']}`: {record['seconds']:.1f} s{status}")
    lines.append(
        f"Bench wall time: {result['wall_s']:.0f} s"
        + (" (--quick: not meaningful)" if result["config"]["quick"] else "")
    )
    return "\n".join(lines)


def _mib(size: int | None) -> str:
    return "n/a" if size is None else f"{size / 2**20:.2f}"


def write_json(result: dict[str, Any], path: str | os.PathLike[str]) -> Path:
    """Write atomically (a temporary file, then a rename)."""
    path = Path(path)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(result, indent=2) + "\n")
    temporary.replace(path)
    return path

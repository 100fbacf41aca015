"""One training step of each twin, how it is timed, and the matrix-product peak it is measured against
(the method: ``twin_nets.bench``)."""

from __future__ import annotations

import contextlib
import gc
import math
import os
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np
import torch

import scratch.nn
import scratch.optim
from scratch.models.mlp import MLPSpec, build_mlp
from torch_impl.models.mlp import build_mlp as build_torch_mlp
from torch_impl.nn.state import load_numpy_state_dict
from twin_nets.bench.config import ModelCase


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


def scratch_optimizer(parameters: Iterable[Any], name: str) -> Any:
    """``OPTIMIZERS[name]`` of the NumPy twin (``scratch.optim``)."""
    parameters = list(parameters)
    if name == "sgd":
        return scratch.optim.SGD(parameters, lr=0.01, momentum=0.9)
    return scratch.optim.Adam(parameters, lr=1e-3)


def torch_optimizer(parameters: Iterable[Any], name: str) -> torch.optim.Optimizer:
    """``OPTIMIZERS[name]`` of the torch twin (``torch.optim``)."""
    if name == "sgd":
        return torch.optim.SGD(parameters, lr=0.01, momentum=0.9)
    return torch.optim.Adam(parameters, lr=1e-3)


class NumpyStepMemory:
    """``step_peak_bytes`` of a NumPy step (a callable that runs one step)."""

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


class TorchStepMemory:
    """``step_peak_bytes`` of a torch step (a callable that runs one step, with a ``device``)."""

    device: str

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


class ScratchStep(NumpyStepMemory):
    """One training step of the NumPy twin (``scratch.nn`` model and loss, ``scratch.optim``)."""

    device = "cpu"

    def __init__(self, case: ModelCase, dtype: str, optimizer: str, seed: int) -> None:
        rng = np.random.default_rng(seed)
        self.model = build_mlp(MLPSpec(case.sizes), rng, dtype=dtype)
        self.loss_fn = scratch.nn.CrossEntropyLoss()
        self.optimizer = scratch_optimizer(self.model.parameters(), optimizer)
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


class TorchStep(TorchStepMemory):
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
        self.optimizer = torch_optimizer(self.model.parameters(), optimizer)
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

r"""C4.3-lstm: the lstm row of ``scripts/bench.py`` — one LSTM training step of the scratch twin, of the
torch twin and of 밑바닥부터 시작하는 딥러닝 2's ``TimeLSTM`` (``--dlfs2``; ``twin_nets.bench.peer``), timed
interleaved by the bench's own machinery (``twin_nets.bench``), as ratios in one run.

One step, the same for the three (same weights, same batch): zero the gradients, forward over T steps,
E = Σ g ⊙ out for a fixed random g (so ∂E/∂out = g on every output, and backward is the whole BPTT),
backward — ∂E/∂x included in all three (in a language model the LSTM's input is an embedding, which
needs it; torch's input is made ``requires_grad``) — and the optimizer's update: the bench's
``SGD(lr=0.01, momentum=0.9)`` or ``Adam(lr=0.001)``; for the peer its own ``Momentum(lr=0.01,
momentum=0.9)`` (v ← 0.9 v − 0.01 g, p ← p + v: torch's SGD with momentum, v = −lr·buffer) or ``Adam``.
The sizes are the peer's own language model's (its ch06/train_rnnlm.py: batch 20, word vectors 100,
hidden 100, 35 time steps). The peer computes in float32 only (``TimeLSTM`` allocates its outputs and
states with ``dtype='f'``): on the float64 row its column says so.

Each implementation reads its own layout: the twins (T, N, D), the peer (N, T, D), the same numbers.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

import scratch.nn
from twin_nets.bench.config import BenchConfig, LSTMCase
from twin_nets.bench.peer import Peer, peer_weights_of, to_peer_layout
from twin_nets.bench.steps import NumpyStepMemory, TorchStepMemory, scratch_optimizer, torch_optimizer

NOT_GIVEN = "not given (--dlfs2)"  # the peer's column, when it was not timed, and why
FLOAT32_ONLY = "float32 only"


def _nbytes(arrays: list[Any]) -> int:
    return sum(a.nbytes if isinstance(a, np.ndarray) else a.nelement() * a.element_size() for a in arrays)


class ScratchLSTMStep(NumpyStepMemory):
    """The NumPy twin's ``scratch.nn.LSTM`` and ``scratch.optim``."""

    device = "cpu"

    def __init__(self, case: LSTMCase, dtype: str, optimizer: str, seed: int) -> None:
        rng = np.random.default_rng(seed)
        self.model = scratch.nn.LSTM(case.input_size, case.hidden_size, dtype=dtype, rng=rng)
        self.optimizer = scratch_optimizer(self.model.parameters(), optimizer)
        shape = (case.time_steps, case.batch)
        self.x = rng.standard_normal((*shape, case.input_size)).astype(dtype)
        self.g = rng.standard_normal((*shape, case.hidden_size)).astype(dtype)

    def __call__(self) -> float:
        self.optimizer.zero_grad()
        out, _ = self.model(self.x)
        loss = float(np.vdot(out, self.g))  # E = Σ g ⊙ out
        self.model.backward(self.g)  # ∂E/∂out = g; returns ∂E/∂x (and ∂E/∂state₀)
        self.optimizer.step()
        return loss

    def state_bytes(self) -> int:
        """Parameters, gradients, optimizer state and the batch: what exists before a step."""
        arrays = [a for p in self.model.parameters() for a in (p.data, p.grad)]
        arrays += [v for s in self.optimizer.state.values() for v in s.values() if isinstance(v, np.ndarray)]
        return _nbytes([*arrays, self.x, self.g])


class TorchLSTMStep(TorchStepMemory):
    """The torch twin: ``torch.nn.LSTM`` and ``torch.optim``, on ``device``."""

    def __init__(self, case: LSTMCase, dtype: str, optimizer: str, device: str, scratch_step: Any) -> None:
        self.device = device
        self.model = torch.nn.LSTM(
            case.input_size, case.hidden_size, dtype=getattr(torch, dtype), device=device
        )
        state = scratch_step.model.state_dict()
        self.model.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()})
        self.optimizer = torch_optimizer(self.model.parameters(), optimizer)
        self.x = torch.from_numpy(scratch_step.x).to(device).requires_grad_(True)
        self.g = torch.from_numpy(scratch_step.g).to(device)

    def __call__(self) -> torch.Tensor:
        self.optimizer.zero_grad()
        self.x.grad = None
        out, _ = self.model(self.x)
        loss = (out * self.g).sum()
        loss.backward()
        self.optimizer.step()
        return loss.detach()

    def state_bytes(self) -> int:
        tensors = [t for p in self.model.parameters() for t in (p, p.grad) if t is not None]
        tensors += [
            v
            for s in self.optimizer.state.values()
            for v in s.values()
            if isinstance(v, torch.Tensor) and v.dim() > 0
        ]
        return _nbytes([*tensors, self.x, self.g])


class PeerLSTMStep(NumpyStepMemory):
    """밑바닥 2's ``TimeLSTM`` with its own optimizer (module docstring), float32."""

    device = "cpu"

    def __init__(self, peer: Peer, optimizer: str, scratch_step: ScratchLSTMStep) -> None:
        self.layer = peer.time_lstm(*to_peer_layout(*peer_weights_of(scratch_step.model)))
        self.optimizer = peer.momentum(lr=0.01, momentum=0.9) if optimizer == "sgd" else peer.adam(lr=0.001)
        self.x = scratch_step.x.transpose(1, 0, 2).copy()  # the peer reads (N, T, D)
        self.g = scratch_step.g.transpose(1, 0, 2).copy()

    def __call__(self) -> float:
        with np.errstate(over="ignore"):  # the peer's sigmoid 1/(1 + e^−a) overflows, harmlessly, at a ≪ 0
            out = self.layer.forward(self.x)
            loss = float(np.vdot(out, self.g))
            self.layer.backward(self.g)  # it overwrites its grads: no zeroing needed
        self.optimizer.update(self.layer.params, self.layer.grads)
        return loss

    def state_bytes(self) -> int:
        arrays = [*self.layer.params, *self.layer.grads]
        arrays += [a for name in ("v", "m") for a in (getattr(self.optimizer, name, None) or [])]
        return _nbytes([*arrays, self.x, self.g])


def lstm_steps(
    case: LSTMCase, dtype: str, config: BenchConfig, cuda: bool, peer: Peer | None
) -> tuple[dict[str, Any], str | None]:
    """The steps timed on the lstm row, and why the peer is not among them (None when it is)."""
    ours = ScratchLSTMStep(case, dtype, config.optimizer, config.seed)
    steps: dict[str, Any] = {
        "scratch": ours,
        "torch": TorchLSTMStep(case, dtype, config.optimizer, "cpu", ours),
    }
    if cuda:
        steps["torch_cuda"] = TorchLSTMStep(case, dtype, config.optimizer, "cuda", ours)
    skipped = NOT_GIVEN if peer is None else FLOAT32_ONLY if dtype != "float32" else None
    if skipped is None:
        steps["dlfs2"] = PeerLSTMStep(peer, config.optimizer, ours)
    return steps, skipped

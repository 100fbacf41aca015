"""C2.1-perceptron: 단층 퍼셉트론 (the perceptron, torch twin), seed §2.1

The torch twin of ``scratch.models.perceptron`` (and of its XOR networks, C2.2-mlp-xor, seed §2.2).

torch has no perceptron, so ``Perceptron`` is written here with torch tensors: the forward is
``(x @ weight + bias > 0)`` through ``torch_impl.nn.Step`` (zero gradient), and ``fit`` runs Rosenblatt's
rule with in-place tensor updates under ``torch.no_grad()`` — the rule uses the error t − y, not autograd.
The networks are ``nn.Sequential`` of ``nn.Linear`` with ``Step`` or ``nn.Sigmoid``. The math, the shapes
and the hand-set weights are documented in the scratch twin; the weights themselves are imported from it
as plain data.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from scratch.models.seed_weights import (
    GATE_WEIGHTS,
    SEED_XOR_HIDDEN_BIAS,
    SEED_XOR_HIDDEN_WEIGHT,
    SEED_XOR_OUTPUT_BIAS,
    SEED_XOR_OUTPUT_WEIGHT,
)
from torch_impl.nn.activation import Step


def _check_rows(where: str, x: torch.Tensor, in_features: int, dtype: torch.dtype) -> torch.Tensor:
    if not isinstance(x, torch.Tensor) or not x.is_floating_point():
        raise TypeError(f"{where}: expected input to be a floating torch.Tensor, got {type(x).__name__}")
    if x.ndim != 2 or x.shape[1] != in_features:
        raise ValueError(f"{where}: expected input of shape (N, {in_features}), got {tuple(x.shape)}")
    if x.dtype != dtype:
        raise TypeError(f"{where}: expected input of dtype {dtype} (the parameters'), got dtype={x.dtype}")
    return x


@dataclass(frozen=True)
class PerceptronFit:
    """Twin of ``scratch.models.perceptron.PerceptronFit``, holding tensors: weights (E + 1, n),
    biases (E + 1,), mistakes (E,) int64, converged."""

    weights: torch.Tensor
    biases: torch.Tensor
    mistakes: torch.Tensor
    converged: bool

    @property
    def epochs(self) -> int:
        return len(self.mistakes)


class Perceptron(nn.Module):
    """C2.1-perceptron: 단층 퍼셉트론 (single-layer perceptron), seed §2.1

    y = step(w·x + b), θ folded into b; twin of ``scratch.models.perceptron.Perceptron``.
    Starts at w = 0, b = 0 (Rosenblatt's start); other weights come in through ``load_state_dict``.
    State dict: "weight" (in_features,), "bias" ().

    Example:
        >>> import torch
        >>> x = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], dtype=torch.float64)
        >>> p = Perceptron()
        >>> fit = p.fit(x, torch.tensor([0, 1, 1, 1]))  # OR, from w = 0, b = 0
        >>> fit.converged, p(x).tolist()
        (True, [0.0, 1.0, 1.0, 1.0])
    """

    def __init__(
        self,
        in_features: int = 2,
        *,
        dtype: torch.dtype = torch.float64,
        device: str | torch.device | None = None,
    ) -> None:
        super().__init__()
        if isinstance(in_features, bool) or not isinstance(in_features, int) or in_features <= 0:
            raise ValueError(
                f"Perceptron: expected in_features to be a positive integer, got {in_features!r}"
            )
        self.in_features = in_features
        self.weight = nn.Parameter(torch.zeros(in_features, dtype=dtype, device=device))
        self.bias = nn.Parameter(torch.zeros((), dtype=dtype, device=device))
        self.step = Step()

    def weighted_sum(self, x: torch.Tensor) -> torch.Tensor:
        """z = w·x + b for each row: (N, in_features) -> (N,)."""
        x = _check_rows("Perceptron", x, self.in_features, self.weight.dtype)
        return x @ self.weight + self.bias

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.step(self.weighted_sum(x))

    @torch.no_grad()
    def fit(
        self, x: torch.Tensor, target: torch.Tensor, lr: float = 1.0, max_epochs: int = 100
    ) -> PerceptronFit:
        """Rosenblatt's rule, sample by sample, until an epoch without mistakes (see the scratch twin)."""
        x = _check_rows("Perceptron.fit", x, self.in_features, self.weight.dtype)
        if not isinstance(target, torch.Tensor) or tuple(target.shape) != (x.shape[0],):
            shape = tuple(target.shape) if isinstance(target, torch.Tensor) else type(target).__name__
            raise ValueError(f"Perceptron.fit: expected target tensor of shape ({x.shape[0]},), got {shape}")
        if not bool(((target == 0) | (target == 1)).all()):
            raise ValueError(
                f"Perceptron.fit: expected target values in {{0, 1}}, got {target.unique().tolist()}"
            )
        if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not lr > 0:
            raise ValueError(f"Perceptron.fit: expected lr > 0, got {lr!r}")
        if isinstance(max_epochs, bool) or not isinstance(max_epochs, int) or max_epochs <= 0:
            raise ValueError(
                f"Perceptron.fit: expected max_epochs to be a positive integer, got {max_epochs!r}"
            )
        t = target.to(dtype=x.dtype, device=x.device)
        w, b = self.weight, self.bias
        weights, biases, mistakes = [w.clone()], [b.clone()], []
        for _ in range(max_epochs):
            wrong = 0
            for x_i, t_i in zip(x, t, strict=True):
                y_i = (x_i @ w + b > 0).to(x.dtype)
                error = float(t_i - y_i)  # −1, 0 or +1
                if error != 0:
                    w += lr * error * x_i
                    b += lr * error
                    wrong += 1
            weights.append(w.clone())
            biases.append(b.clone())
            mistakes.append(wrong)
            if wrong == 0:
                break
        return PerceptronFit(
            torch.stack(weights),
            torch.stack(biases),
            torch.tensor(mistakes, dtype=torch.int64),
            mistakes[-1] == 0,
        )

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}"


def logic_gate_perceptron(name: str, dtype: torch.dtype = torch.float64) -> Perceptron:
    """C2.1-perceptron: 단층 퍼셉트론 (logic gates), seed §2.1

    The hand-set AND, OR or NAND perceptron (weights from the scratch twin's table).

    Example:
        >>> import torch
        >>> logic_gate_perceptron("and")(torch.tensor([[1.0, 1.0], [0.0, 1.0]], dtype=torch.float64)).tolist()
        [1.0, 0.0]
    """
    if name not in GATE_WEIGHTS:
        raise ValueError(
            f"logic_gate_perceptron: expected name to be one of {tuple(GATE_WEIGHTS)}, got {name!r}"
        )
    weight, bias = GATE_WEIGHTS[name]
    perceptron = Perceptron(2, dtype=dtype)
    perceptron.load_state_dict(
        {"weight": torch.tensor(weight, dtype=dtype), "bias": torch.tensor(bias, dtype=dtype)}
    )
    return perceptron


def seed_xor_network(dtype: torch.dtype = torch.float64) -> nn.Sequential:
    """C2.2-mlp-xor: 다층 퍼셉트론 (the seed's XOR network), seed §2.2

    The seed's hand-set step network, ``nn.Sequential(nn.Linear(2, 2), Step(), nn.Linear(2, 1), Step())``;
    twin of ``scratch.models.perceptron.seed_xor_network``.

    Example:
        >>> import torch
        >>> x = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], dtype=torch.float64)
        >>> seed_xor_network()(x)[:, 0].tolist()
        [0.0, 1.0, 1.0, 0.0]
    """
    net = nn.Sequential(nn.Linear(2, 2), Step(), nn.Linear(2, 1), Step()).to(dtype)
    net.load_state_dict(
        {
            "0.weight": torch.tensor(SEED_XOR_HIDDEN_WEIGHT, dtype=dtype),
            "0.bias": torch.tensor(SEED_XOR_HIDDEN_BIAS, dtype=dtype),
            "2.weight": torch.tensor(SEED_XOR_OUTPUT_WEIGHT, dtype=dtype),
            "2.bias": torch.tensor(SEED_XOR_OUTPUT_BIAS, dtype=dtype),
        }
    )
    return net


def xor_sigmoid_network(
    dtype: torch.dtype = torch.float64, device: str | torch.device = "cpu"
) -> nn.Sequential:
    """C2.2-mlp-xor: 다층 퍼셉트론 (XOR with sigmoids), seed §2.2

    ``nn.Sequential(nn.Linear(2, 2), nn.Sigmoid(), nn.Linear(2, 1), nn.Sigmoid())``, the trainable twin
    of ``scratch.models.perceptron.xor_sigmoid_network``; load the scratch twin's initial weights with
    ``load_state_dict`` for a paired run.

    Example:
        >>> import numpy as np
        >>> from scratch.models.perceptron import xor_sigmoid_network as scratch_network
        >>> from torch_impl.nn.state import load_numpy_state_dict
        >>> net = xor_sigmoid_network()
        >>> load_numpy_state_dict(net, scratch_network(np.random.default_rng(0)).state_dict())
        <All keys matched successfully>
        >>> net[0].weight.dtype
        torch.float64
    """
    return nn.Sequential(nn.Linear(2, 2), nn.Sigmoid(), nn.Linear(2, 1), nn.Sigmoid()).to(
        device=device, dtype=dtype
    )

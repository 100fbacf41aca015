"""C3.2.3-vanishing and C4.1-init-*: deep MLPs under each initialisation, run in both twins.

A deep net here is ``depth`` blocks of Linear(width → width) + activation with zero biases; its weights
are drawn once by the scratch twin (``scratch.nn.init``, NumPy generator) and loaded into the torch twin
through ``state_dict``, so both twins run the *same* network. ``build_torch_deep_net`` draws the torch
twin's own weights with ``torch.nn.init`` instead, for checks that torch's initialisers have the same
effect (statistically — the two RNG streams differ).

Initialisation schemes (weights; biases are 0), by the name used in figures and TensorBoard tags:
    zero          all weights 0                                  (seed: every unit stays the same)
    normal-1      N(0, 1)                                        (seed: sigmoid outputs pile up at 0 and 1)
    normal-0.01   N(0, 0.01²)                                    (seed: sigmoid outputs collapse to 0.5)
    xavier        N(0, σ²), σ = √(2/(n+m)) (Glorot; torch's xavier_normal_ with gain 1)
    seed-xavier   N(0, σ²), σ = 2/√(n+m) (the seed's formula)
    he            N(0, σ²), σ = √(2/n) (Kaiming, ReLU gain)
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

import scratch.nn as snn
from scratch.models import diagnostics as scratch_diagnostics
from scratch.nn import init as scratch_init
from torch_impl.models import diagnostics as torch_diagnostics
from torch_impl.models.seed_init import seed_xavier_normal_ as torch_seed_xavier_normal_
from torch_impl.nn.state import load_numpy_state_dict

ACTIVATIONS = ("sigmoid", "tanh", "relu")
SCHEMES = ("zero", "normal-1", "normal-0.01", "xavier", "seed-xavier", "he")

_SCRATCH_ACTIVATION: dict[str, Callable[[], snn.Module]] = {
    "sigmoid": snn.Sigmoid,
    "tanh": snn.Tanh,
    "relu": snn.ReLU,
}
_TORCH_ACTIVATION: dict[str, Callable[[], nn.Module]] = {
    "sigmoid": nn.Sigmoid,
    "tanh": nn.Tanh,
    "relu": nn.ReLU,
}
# The ends of each activation's range, for activation_statistics (ReLU: 0 and unbounded).
ACTIVATION_RANGE = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0), "relu": (0.0, math.inf)}
# The initialisation that suits each activation (seed §4.1: Xavier for sigmoid, He for ReLU).
SUITED_SCHEME = {"sigmoid": "xavier", "tanh": "xavier", "relu": "he"}


def _check_choice(name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ValueError(f"deep_nets: expected {name} to be one of {choices}, got {value!r}")


def _init_scratch(weight: np.ndarray, scheme: str, activation: str, rng: np.random.Generator) -> None:
    if scheme == "zero":
        scratch_init.zeros_(weight)
    elif scheme == "normal-1":
        scratch_init.normal_(weight, 0.0, 1.0, rng=rng)
    elif scheme == "normal-0.01":
        scratch_init.normal_(weight, 0.0, 0.01, rng=rng)
    elif scheme == "xavier":
        scratch_init.xavier_normal_(weight, rng=rng)
    elif scheme == "seed-xavier":
        scratch_init.seed_xavier_normal_(weight, rng=rng)
    else:  # he
        scratch_init.kaiming_normal_(weight, nonlinearity="relu", rng=rng)


def _init_torch(weight: torch.Tensor, scheme: str, activation: str, generator: torch.Generator) -> None:
    if scheme == "zero":
        nn.init.zeros_(weight)
    elif scheme == "normal-1":
        nn.init.normal_(weight, 0.0, 1.0, generator=generator)
    elif scheme == "normal-0.01":
        nn.init.normal_(weight, 0.0, 0.01, generator=generator)
    elif scheme == "xavier":
        nn.init.xavier_normal_(weight, generator=generator)
    elif scheme == "seed-xavier":
        torch_seed_xavier_normal_(weight, generator=generator)
    else:  # he
        nn.init.kaiming_normal_(weight, nonlinearity="relu", generator=generator)


def build_deep_net(
    activation: str,
    scheme: str,
    rng: np.random.Generator,
    depth: int = 5,
    width: int = 100,
    in_features: int | None = None,
    out_features: int | None = None,
) -> snn.Sequential:
    """The scratch twin: ``depth`` × (Linear + activation), weights drawn by ``scheme``, biases 0 (float64).

    ``in_features`` / ``out_features`` (default ``width``) set the first layer's input and the last
    layer's output width.
    """
    _check_choice("activation", activation, ACTIVATIONS)
    _check_choice("scheme", scheme, SCHEMES)
    widths = [in_features or width] + [width] * (depth - 1) + [out_features or width]
    layers: list[snn.Module] = []
    for n, m in itertools.pairwise(widths):
        linear = snn.Linear(n, m, rng=rng)
        _init_scratch(linear.weight.data, scheme, activation, rng)
        scratch_init.zeros_(linear.bias.data)
        layers += [linear, _SCRATCH_ACTIVATION[activation]()]
    return snn.Sequential(*layers)


def empty_torch_twin(
    activation: str, depth: int = 5, width: int = 100, **features: int | None
) -> nn.Sequential:
    """A torch ``Sequential`` with the architecture of ``build_deep_net`` (float64, weights not yet set)."""
    _check_choice("activation", activation, ACTIVATIONS)
    widths = [features.get("in_features") or width] + [width] * (depth - 1)
    widths.append(features.get("out_features") or width)
    layers: list[nn.Module] = []
    for n, m in itertools.pairwise(widths):
        layers += [nn.Linear(n, m, dtype=torch.float64), _TORCH_ACTIVATION[activation]()]
    return nn.Sequential(*layers)


def torch_twin(scratch_net: snn.Sequential, activation: str) -> nn.Sequential:
    """The torch twin of a scratch deep net, with its weights (through ``state_dict``)."""
    linears = [layer for layer in scratch_net if isinstance(layer, snn.Linear)]
    twin = empty_torch_twin(
        activation,
        depth=len(linears),
        width=linears[0].out_features,
        in_features=linears[0].in_features,
        out_features=linears[-1].out_features,
    )
    load_numpy_state_dict(twin, scratch_net.state_dict())
    return twin


def build_torch_deep_net(
    activation: str, scheme: str, generator: torch.Generator, depth: int = 5, width: int = 100
) -> nn.Sequential:
    """The torch twin drawing its own weights with ``torch.nn.init`` (same schemes, biases 0)."""
    _check_choice("scheme", scheme, SCHEMES)
    net = empty_torch_twin(activation, depth, width)
    for layer in net:
        if isinstance(layer, nn.Linear):
            _init_torch(layer.weight.data, scheme, activation, generator)
            nn.init.zeros_(layer.bias)
    return net


# ---------------------------------------------------------------------------- C3.2.3-vanishing
@dataclass(frozen=True)
class GradientNorms:
    """Per-layer ‖∂E/∂W_k‖ (input side first) of one deep net, in both twins."""

    activation: str
    scheme: str
    scratch: np.ndarray  # (depth,)
    torch: np.ndarray  # (depth,)

    @property
    def first_over_last(self) -> float:
        """‖∂E/∂W_1‖ / ‖∂E/∂W_depth‖ of the scratch twin: ≪ 1 when the gradient vanishes."""
        return float(self.scratch[0] / self.scratch[-1])


def vanishing_gradient_norms(
    activation: str,
    rng: np.random.Generator,
    scheme: str | None = None,
    depth: int = 10,
    width: int = 100,
    batch: int = 64,
) -> GradientNorms:
    """C3.2.3-vanishing: one backward pass through a ``depth``-layer net in both twins.

    The input x ~ N(0, 1) of shape (batch, width) and the upstream gradient G = ∂E/∂y ~ N(0, 1) are
    drawn from ``rng`` (a random linear probe E = Σ G ⊙ y of the output y); the weights follow
    ``scheme`` (default: the one that suits ``activation``) and are shared by the twins.
    """
    scheme = scheme or SUITED_SCHEME.get(activation, "xavier")
    net = build_deep_net(activation, scheme, rng, depth=depth, width=width)
    twin = torch_twin(net, activation)
    x = rng.standard_normal((batch, width))
    upstream = rng.standard_normal((batch, width))
    net(x)
    net.backward(upstream)
    twin(torch.from_numpy(x)).backward(torch.from_numpy(upstream))
    return GradientNorms(
        activation,
        scheme,
        np.array(list(scratch_diagnostics.layer_gradient_norms(net).values())),
        np.array(list(torch_diagnostics.layer_gradient_norms(twin).values())),
    )


# ---------------------------------------------------------------------------- C4.1 activations
@dataclass(frozen=True)
class ActivationRun:
    """The hidden activations of one deep net on one input, in both twins (lists, layer 1 first)."""

    activation: str
    scheme: str
    scratch: list[np.ndarray]
    torch: list[torch.Tensor]

    def statistics(self, twin: str = "scratch", margin: float = 0.05) -> list[dict[str, float]]:
        """``activation_statistics`` of every layer, from the named twin."""
        low, high = ACTIVATION_RANGE[self.activation]
        if twin == "scratch":
            return [scratch_diagnostics.activation_statistics(a, low, high, margin) for a in self.scratch]
        return [torch_diagnostics.activation_statistics(a, low, high, margin) for a in self.torch]


def activation_run(
    activation: str,
    scheme: str,
    rng: np.random.Generator,
    depth: int = 5,
    width: int = 100,
    samples: int = 1000,
) -> ActivationRun:
    """C4.1: x ~ N(0, 1) of shape (samples, width) through a ``depth``-layer net initialised by ``scheme``;
    every hidden layer's activations, from both twins with the same weights."""
    net = build_deep_net(activation, scheme, rng, depth=depth, width=width)
    twin = torch_twin(net, activation)
    x = rng.standard_normal((samples, width))
    return ActivationRun(
        activation,
        scheme,
        scratch_diagnostics.activation_outputs(net, x),
        torch_diagnostics.activation_outputs(twin, torch.from_numpy(x)),
    )

"""C3.2.3-vanishing and C4.1-init-*: deep MLPs under each initialisation, run in both twins.

A deep net here is ``depth`` blocks of Linear(width → width) + activation with zero biases; its weights
are drawn once by the scratch twin (``scratch.nn.init``, NumPy generator) and loaded into the torch twin
through ``state_dict``, so both twins run the *same* network. ``build_torch_deep_net`` draws the torch
twin's own weights with ``torch.nn.init`` instead, for checks that torch's initialisers have the same
effect (statistically — the two RNG streams differ).

The initialisation schemes are the one registry ``scratch.models.mlp.INIT_SCHEMES`` (the names of
``--init``): "zeros", "normal" (N(0, 1)), "small_normal" (N(0, 0.01²)), "xavier" (Glorot),
"seed_xavier" (the seed's σ = 2/√(n+m)), "he", …; each twin draws with its own ``init_linear_``, biases 0.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

import scratch.nn as snn
from scratch.models.mlp import INIT_SCHEMES
from scratch.models.mlp import init_linear_ as scratch_init_linear_
from torch_impl.models.mlp import init_linear_ as torch_init_linear_
from twin_nets.kit import Kit, kit

ACTIVATIONS = ("sigmoid", "tanh", "relu")
SCHEMES = tuple(name for name in INIT_SCHEMES if name != "default")  # biases 0 in each
# The activation's class, the same name in both twins' ``nn``.
ACTIVATION_CLASS = {"sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "ReLU"}
# The ends of each activation's range, for activation_statistics (ReLU: 0 and unbounded).
ACTIVATION_RANGE = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0), "relu": (0.0, math.inf)}
# The initialisation that suits each activation (seed §4.1: Xavier for sigmoid, He for ReLU).
SUITED_SCHEME = {"sigmoid": "xavier", "tanh": "xavier", "relu": "he"}


def _check_choice(name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ValueError(f"deep_nets: expected {name} to be one of {choices}, got {value!r}")


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
        linear = snn.Linear(n, m, rng=rng)  # Linear's own draw first: the stream as measured
        scratch_init_linear_(linear, scheme, rng)
        layers += [linear, getattr(snn, ACTIVATION_CLASS[activation])()]
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
        layers += [nn.Linear(n, m, dtype=torch.float64), getattr(nn, ACTIVATION_CLASS[activation])()]
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
    return kit("torch").load(twin, scratch_net.state_dict())


def _both_twins(scratch_net: snn.Sequential, activation: str) -> dict[Kit, Any]:
    """``{kit: the net in that twin}``: the scratch net and its torch twin, with the same weights."""
    return {kit("scratch"): scratch_net, kit("torch"): torch_twin(scratch_net, activation)}


def build_torch_deep_net(
    activation: str, scheme: str, generator: torch.Generator, depth: int = 5, width: int = 100
) -> nn.Sequential:
    """The torch twin drawing its own weights with ``torch.nn.init`` (same schemes, biases 0)."""
    _check_choice("scheme", scheme, SCHEMES)
    net = empty_torch_twin(activation, depth, width)
    for layer in net:
        if isinstance(layer, nn.Linear):
            torch_init_linear_(layer, scheme, generator)
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
    nets = _both_twins(build_deep_net(activation, scheme, rng, depth=depth, width=width), activation)
    x = rng.standard_normal((batch, width))
    upstream = rng.standard_normal((batch, width))
    norms = {}
    for k, net in nets.items():
        k.backward([net], None, net(k.array(x)), k.array(upstream))
        norms[k.name] = np.array(list(k.models.diagnostics.layer_gradient_norms(net).values()))
    return GradientNorms(activation, scheme, norms["scratch"], norms["torch"])


# ---------------------------------------------------------------------------- C4.1 activations
@dataclass(frozen=True)
class ActivationRun:
    """The hidden activations of one deep net on one input, in both twins (lists, layer 1 first)."""

    activation: str
    scheme: str
    scratch: list[np.ndarray]
    torch: list[torch.Tensor]

    def outputs(self, twin: str) -> list[np.ndarray]:
        """Every hidden layer's activations from the named twin, as NumPy arrays."""
        k = kit(twin, argument="twin")
        return [k.numpy(a) for a in getattr(self, k.name)]

    def statistics(self, twin: str = "scratch", margin: float = 0.05) -> list[dict[str, float]]:
        """``activation_statistics`` of every layer, from the named twin."""
        k = kit(twin, argument="twin")
        low, high = ACTIVATION_RANGE[self.activation]
        statistics = k.models.diagnostics.activation_statistics
        return [statistics(a, low, high, margin) for a in getattr(self, k.name)]


def activation_run(
    activation: str, scheme: str, rng: np.random.Generator, samples: int = 1000, **net: int
) -> ActivationRun:
    """C4.1: x ~ N(0, 1) of shape (samples, width) through ``build_deep_net(activation, scheme, rng,
    **net)`` (default: 5 layers of width 100); every hidden layer's activations, from both twins with the
    same weights."""
    width = net.get("width", 100)
    nets = _both_twins(build_deep_net(activation, scheme, rng, **net), activation)
    x = rng.standard_normal((samples, width))
    outputs = {k.name: k.models.diagnostics.activation_outputs(net, k.array(x)) for k, net in nets.items()}
    return ActivationRun(activation, scheme, outputs["scratch"], outputs["torch"])

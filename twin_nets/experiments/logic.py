"""C2.1-perceptron, C2.2-mlp-xor, C2.2-mlp: the perceptron chapter run on both twins (seed §2.1, §2.2).

Glue only: the same start loaded into both twins, the results handed back as NumPy arrays for the
figures. The math is in ``scratch.models.perceptron`` and ``torch_impl.models.perceptron``.

Documented settings (each asserted in ``parity_tests/models/test_perceptron.py``):

* ``ROSENBLATT`` — the rule with η = 1 from w = 0, b = −0.5, the samples in truth-table order: AND, OR
  and NAND converge within 6 epochs; XOR never has an epoch without a mistake. Starting b at −0.5 keeps
  every w·x + b a half-integer, never exactly 0 on the truth table, so no point ends on the line (the
  seed's ≤ / ≥ leave z = θ open; from b = 0 the rule stops with points on the line, at z = 0 → y = 0).
* ``XOR_BACKPROP`` — the 2-2-1 sigmoid network, initial weights drawn with seed 0, full-batch SGD
  (lr 5) on ``BCELoss`` for 1000 steps: 4/4 at the end, outputs within 0.01 of the targets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from scratch.data.datasets import logic_gate
from scratch.models import mlp as scratch_mlp
from scratch.models import perceptron as scratch_perceptron
from twin_nets.kit import kit

GATES = ("and", "or", "nand", "xor")


def gate_data(name: str) -> tuple[np.ndarray, np.ndarray]:
    """The truth table of ``name``: x (4, 2) float64 in the order (0,0), (0,1), (1,0), (1,1); t (4,) int64."""
    return logic_gate(name)


# ------------------------------------------------------------------------------ C2.1: Rosenblatt's rule
@dataclass(frozen=True)
class RosenblattSettings:
    """The rule's settings: learning rate η, the most epochs, the start ((w₁, w₂), b) (None: w = 0, b = 0)."""

    lr: float = 1.0
    max_epochs: int = 20
    start: tuple[tuple[float, float], float] | None = None


ROSENBLATT = RosenblattSettings(start=((0.0, 0.0), -0.5))


def fit_gate(
    gate: str, impl: str, settings: RosenblattSettings = ROSENBLATT
) -> scratch_perceptron.PerceptronFit:
    """Rosenblatt's rule on ``gate`` in twin ``impl``; the path is returned as NumPy arrays either way."""
    x, t = gate_data(gate)
    start = None
    if settings.start is not None:
        weight, bias = settings.start
        start = {"weight": np.array(weight, dtype=np.float64), "bias": np.array(bias, dtype=np.float64)}
    k = kit(impl)
    perceptron = k.models.perceptron.Perceptron(2)
    if start is not None:
        k.load(perceptron, start)
    fit = perceptron.fit(k.array(x), k.array(t), lr=settings.lr, max_epochs=settings.max_epochs)
    return scratch_perceptron.PerceptronFit(
        k.numpy(fit.weights), k.numpy(fit.biases), k.numpy(fit.mistakes), fit.converged
    )


def random_start_fits(
    gate: str, impl: str, count: int, seed: int, max_epochs: int = 50, lr: float = 1.0
) -> list[scratch_perceptron.PerceptronFit]:
    """Rosenblatt's rule on ``gate`` from ``count`` starts w, b ~ U(−2, 2) drawn from ``seed``."""
    rng = np.random.default_rng(seed)
    fits = []
    for _ in range(count):
        start = (tuple(rng.uniform(-2, 2, 2)), float(rng.uniform(-2, 2)))
        settings = RosenblattSettings(lr=lr, max_epochs=max_epochs, start=start)
        fits.append(fit_gate(gate, impl, settings))
    return fits


def perceptron_output(weight: np.ndarray, bias: float, x: np.ndarray, impl: str) -> np.ndarray:
    """y = step(w·x + b) on the rows of ``x`` (N, 2), computed by twin ``impl``'s ``Perceptron``."""
    state = {"weight": np.asarray(weight, dtype=np.float64), "bias": np.asarray(bias, dtype=np.float64)}
    k = kit(impl)
    perceptron = k.load(k.models.perceptron.Perceptron(2), state)
    with k.inference():
        return k.numpy(perceptron(k.array(x)))


def line_accuracy_map(gate: str, angles: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Accuracy on ``gate`` of every perceptron w = (cos α, sin α), b = offset: (len(angles), len(offsets)).

    Any perceptron's line is one of these up to a positive scale (which changes nothing), so the map's
    maximum is the best any perceptron can do: 1 for AND, OR, NAND, 3/4 for XOR.
    """
    x, t = gate_data(gate)
    w = np.stack([np.cos(angles), np.sin(angles)], axis=1)  # (A, 2)
    z = (x @ w.T)[:, :, None] + offsets[None, None, :]  # (4, A, B)
    return np.mean((z > 0) == (t[:, None, None] == 1), axis=0)


# ------------------------------------------------------------------------------ C2.2: the XOR network
def seed_xor_tables(impl: str) -> dict[str, np.ndarray]:
    """The seed's three tables, computed by twin ``impl``: inputs x, hidden weighted sums and outputs
    (h₁ from the perceptron (1, 1, −1.5), h₂ from (1, 1, −0.5)), the output's weighted sum and y."""
    x, _ = gate_data("xor")
    k = kit(impl)
    values = [k.array(x)]
    with k.inference():
        for layer in k.models.perceptron.seed_xor_network():
            values.append(layer(values[-1]))
    _, z_hidden, h, z_out, y = (k.numpy(v) for v in values)
    return {"x": x, "z_hidden": z_hidden, "h": h, "z_out": z_out[:, 0], "y": y[:, 0]}


def seed_xor_output(x: np.ndarray, impl: str) -> np.ndarray:
    """The seed's step network's output y (N,) on the rows of ``x`` (N, 2), computed by twin ``impl``."""
    k = kit(impl)
    with k.inference():
        return k.numpy(k.models.perceptron.seed_xor_network()(k.array(x))[:, 0])


@dataclass(frozen=True)
class XorBackpropSettings:
    """Training the 2-2-1 sigmoid network: init seed, SGD learning rate, full-batch steps, loss class."""

    seed: int = 0
    lr: float = 5.0
    steps: int = 1000
    loss: str = "BCELoss"


XOR_BACKPROP = XorBackpropSettings()


@dataclass(frozen=True)
class XorRun:
    """One twin's XOR training: losses (steps,), the flattened parameter path (steps + 1, 9), the trained
    weights, and a ``predict`` returning (ŷ, h) for any (N, 2) NumPy input."""

    impl: str
    losses: np.ndarray
    path: np.ndarray
    state: dict[str, np.ndarray]
    model: Any

    def predict(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(ŷ (N,), hidden h (N, 2)) of the trained network."""
        k = kit(self.impl)
        with k.inference():
            h = self.model[1](self.model[0](k.array(x)))
            return k.numpy(self.model[3](self.model[2](h))[:, 0]), k.numpy(h)


def xor_initial_state(settings: XorBackpropSettings = XOR_BACKPROP) -> dict[str, np.ndarray]:
    """The initial weights, drawn once by the scratch init (torch's default) from ``settings.seed``."""
    return scratch_perceptron.xor_sigmoid_network(np.random.default_rng(settings.seed)).state_dict()


def train_xor(impl: str, settings: XorBackpropSettings = XOR_BACKPROP, device: str = "cpu") -> XorRun:
    """Backpropagation on XOR in twin ``impl`` from ``xor_initial_state(settings)`` (the torch twin on
    ``device``)."""
    x, t = gate_data("xor")
    target = t[:, None].astype(np.float64)
    state = xor_initial_state(settings)
    k = kit(impl, device)
    net = k.load(k.to(k.models.perceptron.xor_sigmoid_network()), state)
    fit = k.models.supervised.fit_full_batch(
        net,
        getattr(k.nn, settings.loss)(),
        k.optim.SGD(net.parameters(), lr=settings.lr),
        k.array(x),
        k.array(target),
        settings.steps,
        record_path=True,
    )
    return XorRun(impl, k.numpy(fit.losses), k.numpy(fit.path), k.state(net), k.to(net, "cpu"))


# ------------------------------------------------------------------------------ C2.2: the 8 → 10 → 3 MLP
SEED_MLP_SPEC = scratch_mlp.MLPSpec((8, 10, 3))


def parameter_counts(impl: str, spec: scratch_mlp.MLPSpec = SEED_MLP_SPEC) -> dict[str, int]:
    """{state-dict key: number of values} of the MLP ``spec`` built by twin ``impl``'s builder."""
    k = kit(impl)
    return {name: k.numpy(p).size for name, p in k.models.mlp.build_mlp(spec).named_parameters()}


def architecture_summary(impl: str, spec: scratch_mlp.MLPSpec = SEED_MLP_SPEC) -> str:
    """The model's repr and its parameter counts per layer, as printed by ``scripts/xor.py``."""
    model = kit(impl).models.mlp.build_mlp(spec)
    counts = parameter_counts(impl, spec)
    lines = [f"{impl} twin, MLPSpec(sizes={spec.sizes}):", repr(model)]
    linear_layers = [key.removesuffix(".weight") for key in counts if key.endswith(".weight")]
    for index, (layer, n, m) in enumerate(zip(linear_layers, spec.sizes[:-1], spec.sizes[1:], strict=True)):
        w, b = counts[f"{layer}.weight"], counts[f"{layer}.bias"]
        lines.append(f"  layer {index + 1}: {n} → {m}: {n}×{m} = {w} weights + {b} biases = {w + b}")
    lines.append(f"  total: {sum(counts.values())} parameters")
    return "\n".join(lines)

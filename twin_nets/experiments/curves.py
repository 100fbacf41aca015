"""C3.1.1: activation curves and their derivatives from both twins, and the seed's softmax example.

The derivative f′(x) is read off each twin's backward: the scratch module's hand-written ``backward``
with an upstream gradient of ones (∂E/∂x = 1 · f′(x) for an element-wise f), and torch's autograd on
the same module class.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from twin_nets.kit import Kit, kit


@dataclass(frozen=True)
class ActivationTwin:
    """One activation: its concept ID, a title, and ``make(k)`` building its module in kit ``k``."""

    concept: str
    title: str
    make: Callable[[Kit], Any]


def _layer(name: str, **kwargs: Any) -> Callable[[Kit], Any]:
    return lambda k: getattr(k.nn, name)(**kwargs)


ACTIVATIONS = (
    ActivationTwin("C3.1.1-step", "step", _layer("Step")),
    ActivationTwin("C3.1.1-sigmoid", "sigmoid σ(x) = 1 / (1 + e⁻ˣ)", _layer("Sigmoid")),
    ActivationTwin("C3.1.1-tanh", "tanh", _layer("Tanh")),
    ActivationTwin("C3.1.1-relu", "ReLU max(0, x)", _layer("ReLU")),
    ActivationTwin("C3.1.1-leaky-relu", "Leaky ReLU (slope 0.01 for x < 0)", _layer("LeakyReLU")),
    ActivationTwin(
        "C3.1.1-prelu",
        "PReLU (learned slope a, initial 0.25)",
        lambda k: k.nn.PReLU(dtype=k.dtype(np.float64)),
    ),
    ActivationTwin("C3.1.1-elu", "ELU (α = 1)", _layer("ELU")),
)


def activation_curve(twin: ActivationTwin, x: np.ndarray, impl: str) -> tuple[np.ndarray, np.ndarray]:
    """(f(x), f′(x)) from the scratch twin (``impl="scratch"``) or the torch twin (``"torch"``)."""
    k = kit(impl)
    module, x_k = twin.make(k), k.array(x, requires_grad=True)
    y = module(x_k)
    return k.numpy(y), k.numpy(k.backward([module], x_k, y, k.array(np.ones_like(x))))


SEED_SCORES = {"cat": 3.2, "car": 5.1, "frog": -1.7}  # seed §3.1.1's example


def softmax_example(impl: str) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """C3.1.1-softmax: the seed's scores → eˢ → normalised probabilities (labels, scores, exps, probs)."""
    labels = list(SEED_SCORES)
    scores = np.array(list(SEED_SCORES.values()))
    exps = np.exp(scores)
    k = kit(impl)
    with k.inference():
        probs = k.numpy(k.nn.Softmax(dim=0)(k.array(scores)))
    return labels, scores, exps, probs


# ---------------------------------------------------------------------------------------------- C3.1.2
def neg_log_curve(p: np.ndarray, impl: str) -> np.ndarray:
    """C3.1.2-cross-entropy: −log ŷ, the loss of a prediction ŷ for the true class (y = 1), element by
    element: ``BCELoss(reduction='none')(ŷ, 1)`` of either twin."""
    k = kit(impl)
    with k.inference():
        return k.numpy(k.nn.BCELoss(reduction="none")(k.array(p), k.array(np.ones_like(p))))


def logit_gradients(z: np.ndarray, impl: str) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """C3.1.2: loss and ∂E/∂z for the logit z of a prediction ŷ = σ(z) whose target is y = 1, element by
    element, for the seed's squared error E = ½(ŷ − y)² after a sigmoid (``HalfSquaredErrorLoss``; each
    z_i only enters its own term of the sum) and for binary cross-entropy (``BCEWithLogitsLoss``, the
    sigmoid fused in). Returns ``{"MSE": (E, ∂E/∂z), "cross-entropy": (E, ∂E/∂z)}``.

    By the chain rule ∂E/∂z = (ŷ − y)·σ′(z) for MSE — σ′ ≈ 0 when the prediction is confidently wrong
    (z ≪ 0), so the gradient vanishes just when the error is largest — and ŷ − y for cross-entropy.
    """
    k = kit(impl)
    target = k.array(np.ones_like(z))
    z_mse, z_ce = k.array(z, requires_grad=True), k.array(z, requires_grad=True)
    sigmoid, mse, ce = k.nn.Sigmoid(), k.nn.HalfSquaredErrorLoss(), k.nn.BCEWithLogitsLoss(reduction="none")
    y_hat = sigmoid(z_mse)
    mse_grad = k.backward([sigmoid, mse], z_mse, mse(y_hat, target))
    with k.inference():
        mse_value = 0.5 * k.nn.MSELoss(reduction="none")(y_hat, target)  # the summed loss, term by term
    ce_value = ce(z_ce, target)
    ce_grad = k.backward([ce], z_ce, ce_value, k.array(np.ones_like(z)))
    return {
        "MSE": (k.numpy(mse_value), k.numpy(mse_grad)),
        "cross-entropy": (k.numpy(ce_value), k.numpy(ce_grad)),
    }


# C3.1.2-huber: the losses drawn against the error d = ŷ − y, each as (class name, keyword arguments)
ROBUST_LOSSES = {
    "MSE": ("MSELoss", {}),
    "Huber δ=1": ("HuberLoss", {"delta": 1.0}),
    "SmoothL1 β=0.5": ("SmoothL1Loss", {"beta": 0.5}),
}


def robust_loss_curves(d: np.ndarray, impl: str) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """C3.1.2-huber: ℓ(d) and ∂ℓ/∂ŷ element by element (``reduction="none"``, the target 0, an upstream
    gradient of ones) for each loss of ``ROBUST_LOSSES``, read off the twin's backward."""
    k = kit(impl)
    curves = {}
    for label, (name, kwargs) in ROBUST_LOSSES.items():
        loss, y_hat = getattr(k.nn, name)(reduction="none", **kwargs), k.array(d, requires_grad=True)
        value = loss(y_hat, k.array(np.zeros_like(d)))
        grad = k.backward([loss], y_hat, value, k.array(np.ones_like(d)))
        curves[label] = (k.numpy(value), k.numpy(grad))
    return curves

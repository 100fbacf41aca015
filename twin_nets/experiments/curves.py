"""C3.1.1: activation curves and their derivatives from both twins, and the seed's softmax example.

The derivative f′(x) is read off each twin's backward: the scratch module's hand-written ``backward``
with an upstream gradient of ones (∂E/∂x = 1 · f′(x) for an element-wise f), and torch's autograd on
the same module class.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

import scratch.nn as snn
import torch_impl.nn as tnn


@dataclass(frozen=True)
class ActivationTwin:
    """One activation: its concept ID, a title, and a factory in each twin."""

    concept: str
    title: str
    scratch: Callable[[], snn.Module]
    torch: Callable[[], torch.nn.Module]


ACTIVATIONS = (
    ActivationTwin("C3.1.1-step", "step", snn.Step, tnn.Step),
    ActivationTwin("C3.1.1-sigmoid", "sigmoid σ(x) = 1 / (1 + e⁻ˣ)", snn.Sigmoid, tnn.Sigmoid),
    ActivationTwin("C3.1.1-tanh", "tanh", snn.Tanh, tnn.Tanh),
    ActivationTwin("C3.1.1-relu", "ReLU max(0, x)", snn.ReLU, tnn.ReLU),
    ActivationTwin("C3.1.1-leaky-relu", "Leaky ReLU (slope 0.01 for x < 0)", snn.LeakyReLU, tnn.LeakyReLU),
    ActivationTwin(
        "C3.1.1-prelu",
        "PReLU (learned slope a, initial 0.25)",
        lambda: snn.PReLU(),
        lambda: tnn.PReLU(dtype=torch.float64),
    ),
    ActivationTwin("C3.1.1-elu", "ELU (α = 1)", snn.ELU, tnn.ELU),
)


def activation_curve(twin: ActivationTwin, x: np.ndarray, impl: str) -> tuple[np.ndarray, np.ndarray]:
    """(f(x), f′(x)) from the scratch twin (``impl="scratch"``) or the torch twin (``"torch"``)."""
    if impl == "scratch":
        module = twin.scratch()
        y = module(x)
        return y, module.backward(np.ones_like(x))
    x_t = torch.tensor(x, requires_grad=True)
    y_t = twin.torch()(x_t)
    y_t.backward(torch.ones_like(y_t))
    return y_t.detach().numpy(), x_t.grad.numpy()


SEED_SCORES = {"cat": 3.2, "car": 5.1, "frog": -1.7}  # seed §3.1.1's example


def softmax_example(impl: str) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """C3.1.1-softmax: the seed's scores → eˢ → normalised probabilities (labels, scores, exps, probs)."""
    labels = list(SEED_SCORES)
    scores = np.array(list(SEED_SCORES.values()))
    exps = np.exp(scores)
    if impl == "scratch":
        probs = snn.Softmax(dim=0)(scores)
    else:
        probs = tnn.Softmax(dim=0)(torch.from_numpy(scores)).numpy()
    return labels, scores, exps, probs


# ---------------------------------------------------------------------------------------------- C3.1.2
def neg_log_curve(p: np.ndarray, impl: str) -> np.ndarray:
    """C3.1.2-cross-entropy: −log ŷ, the loss of a prediction ŷ for the true class (y = 1), element by
    element: ``BCELoss(reduction='none')(ŷ, 1)`` of either twin."""
    target = np.ones_like(p)
    if impl == "scratch":
        return snn.BCELoss(reduction="none")(p, target)
    return tnn.BCELoss(reduction="none")(torch.from_numpy(p), torch.from_numpy(target)).numpy()


def logit_gradients(z: np.ndarray, impl: str) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """C3.1.2: loss and ∂E/∂z for the logit z of a prediction ŷ = σ(z) whose target is y = 1, element by
    element, for the seed's squared error E = ½(ŷ − y)² after a sigmoid (``HalfSquaredErrorLoss``; each
    z_i only enters its own term of the sum) and for binary cross-entropy (``BCEWithLogitsLoss``, the
    sigmoid fused in). Returns ``{"MSE": (E, ∂E/∂z), "cross-entropy": (E, ∂E/∂z)}``.

    By the chain rule ∂E/∂z = (ŷ − y)·σ′(z) for MSE — σ′ ≈ 0 when the prediction is confidently wrong
    (z ≪ 0), so the gradient vanishes just when the error is largest — and ŷ − y for cross-entropy.
    """
    target = np.ones_like(z)
    if impl == "scratch":
        sigmoid, mse = snn.Sigmoid(), snn.HalfSquaredErrorLoss()
        y_hat = sigmoid(z)
        mse(y_hat, target)
        mse_grad = sigmoid.backward(mse.backward())
        mse_value = 0.5 * snn.MSELoss(reduction="none")(y_hat, target)  # the summed loss, term by term
        ce = snn.BCEWithLogitsLoss(reduction="none")
        ce_value = ce(z, target)
        ce_grad = ce.backward(np.ones_like(z))
        return {"MSE": (mse_value, mse_grad), "cross-entropy": (ce_value, ce_grad)}
    target_t = torch.from_numpy(target)
    z_mse, z_ce = torch.tensor(z, requires_grad=True), torch.tensor(z, requires_grad=True)
    y_hat = tnn.Sigmoid()(z_mse)
    tnn.HalfSquaredErrorLoss()(y_hat, target_t).backward()
    mse_value = 0.5 * tnn.MSELoss(reduction="none")(y_hat.detach(), target_t)
    ce_value = tnn.BCEWithLogitsLoss(reduction="none")(z_ce, target_t)
    ce_value.backward(torch.ones_like(ce_value))
    return {
        "MSE": (mse_value.numpy(), z_mse.grad.numpy()),
        "cross-entropy": (ce_value.detach().numpy(), z_ce.grad.numpy()),
    }

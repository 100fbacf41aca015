r"""C3.2-backprop: check a hand-written backward against central finite differences (seed §3.2).

A scalar is made from the module's output with a *random* upstream gradient G (an all-ones G, as in
``output.sum()``, would hide a backward that mixes up rows or columns):

    E(x, θ) = Σ G ⊙ f(x; θ)

Its gradient by the chain rule is what ``f.backward(G)`` returns (for x) and accumulates (for each
parameter θ). Numerically, for every entry u of x and of each θ:

    ∂E/∂u ≈ (E(u + ε) − E(u − ε)) / 2ε            error O(ε²), plus round-off O(eps_machine / ε)

``relative_error(a, n) = ‖a − n‖ / max(‖a‖, ‖n‖)``, 0 when both are 0. In float64 with ε = 1e-6 a
correct backward stays far below the contract's 1e-7; a wrong one lands near 1.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from scratch.nn.module import Module


def relative_error(analytic: np.ndarray, numeric: np.ndarray) -> float:
    """‖a − n‖ / max(‖a‖, ‖n‖), or 0 when both vanish."""
    scale = max(np.linalg.norm(analytic), np.linalg.norm(numeric))
    return 0.0 if scale == 0 else float(np.linalg.norm(analytic - numeric) / scale)


def numerical_gradient(f: Callable[[], float], u: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central differences of the scalar ``f()`` with respect to every entry of ``u`` (perturbed in place
    and restored)."""
    grad = np.zeros_like(u, dtype=np.float64)
    flat, grad_flat = u.reshape(-1), grad.reshape(-1)
    if not np.shares_memory(flat, u):
        raise ValueError("numerical_gradient: expected u to be contiguous, so it can be perturbed in place")
    for i in range(flat.size):
        original = flat[i]
        flat[i] = original + eps
        plus = f()
        flat[i] = original - eps
        minus = f()
        flat[i] = original
        grad_flat[i] = (plus - minus) / (2 * eps)
    return grad


def gradcheck(
    module: Module,
    x: np.ndarray,
    *,
    eps: float = 1e-6,
    rng: np.random.Generator | None = None,
) -> dict[str, float]:
    """Relative error of ``module.backward`` against finite differences, for the input and each parameter.

    Returns ``{"input": err, "<parameter name>": err, …}``. Use float64 and a deterministic module (eval
    mode, or a fixed dropout mask).
    """
    rng = np.random.default_rng() if rng is None else rng
    x = np.array(x, dtype=np.float64, copy=True)
    upstream = rng.standard_normal(module(x).shape)

    def energy() -> float:
        return float(np.sum(upstream * module(x)))

    module.zero_grad()
    module(x)
    analytic = {"input": module.backward(upstream)}
    analytic.update({name: p.grad.copy() for name, p in module.named_parameters()})

    numeric = {"input": numerical_gradient(energy, x, eps)}
    for name, parameter in module.named_parameters():
        numeric[name] = numerical_gradient(energy, parameter.data, eps)
    return {name: relative_error(analytic[name], numeric[name]) for name in analytic}


def gradcheck_loss(loss: Module, x: np.ndarray, target: np.ndarray, *, eps: float = 1e-6) -> float:
    """Relative error of a loss's ``backward()`` (∂E/∂input) against finite differences of E itself."""
    x = np.array(x, dtype=np.float64, copy=True)
    loss(x, target)
    analytic = loss.backward()
    numeric = numerical_gradient(lambda: float(np.sum(loss(x, target))), x, eps)
    return relative_error(analytic, numeric)

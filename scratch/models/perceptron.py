r"""C2.1-perceptron: 단층 퍼셉트론 (the perceptron), seed §2.1

The perceptron, its learning rule, and the seed's XOR network (C2.2-mlp-xor, seed §2.2).

* ``Perceptron``: one unit, y = step(w·x + b). The seed writes y = 1 when Σ wᵢxᵢ + b ≥ θ; moving the
  threshold θ to the left-hand side gives w·x + (b − θ) ≥ 0, so θ is folded into the bias and one
  parameter b does both jobs.
* ``GATE_WEIGHTS`` / ``logic_gate_perceptron``: AND, OR and NAND with hand-set weights; the AND and OR
  weights are the seed's two hidden perceptrons of the XOR network.
* ``Perceptron.fit``: Rosenblatt's rule, w ← w + η(t − y)x, b ← b + η(t − y), sample by sample.
* ``seed_xor_network``: the seed's 2-2-1 network with step activations and its nine hand-set weights.
* ``xor_sigmoid_network``: the same 2-2-1 shape with sigmoids, the one backpropagation can train.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from scratch import nn
from scratch.models.seed_weights import (
    GATE_WEIGHTS,
    SEED_XOR_HIDDEN_BIAS,
    SEED_XOR_HIDDEN_WEIGHT,
    SEED_XOR_OUTPUT_BIAS,
    SEED_XOR_OUTPUT_WEIGHT,
)
from scratch.nn.checks import check_floating, check_grad_output, check_positive_int, check_same_dtype
from scratch.nn.module import Module, Parameter


def _check_rows(where: str, x: Any, in_features: int, dtype: np.dtype) -> np.ndarray:
    x = check_floating(where, "input", x)
    if x.ndim != 2 or x.shape[1] != in_features:
        raise ValueError(f"{where}: expected input of shape (N, {in_features}), got {x.shape}")
    check_same_dtype(where, "input", x, dtype)
    return x


@dataclass(frozen=True)
class PerceptronFit:
    """What ``Perceptron.fit`` did, epoch by epoch.

    Example:
        >>> import numpy as np
        >>> x = np.array([[0.0, 0.0], [1.0, 1.0]])
        >>> fit = Perceptron().fit(x, np.array([0, 1]))
        >>> fit.epochs, fit.mistakes.tolist(), fit.converged
        (3, [1, 1, 0], True)

    Attributes:
        weights: (E + 1, in_features): w before the first epoch (row 0) and after each epoch.
        biases: (E + 1,): b likewise.
        mistakes: (E,) int64: how many samples epoch e got wrong (each one triggered an update).
        converged: True when the last epoch made no mistake (every sample right, nothing changed).
    """

    weights: np.ndarray
    biases: np.ndarray
    mistakes: np.ndarray
    converged: bool

    @property
    def epochs(self) -> int:
        return len(self.mistakes)


class Perceptron(Module):
    r"""C2.1-perceptron: 단층 퍼셉트론 (single-layer perceptron), seed §2.1

    Rosenblatt's perceptron.

    Math:      z = w·x + b = Σᵢ wᵢxᵢ + b,   y = step(z) = 1 if z > 0 else 0.
               The seed's threshold θ (y = 1 when Σ wᵢxᵢ + b ≥ θ) is folded into the bias: b here is the
               seed's b − θ. The decision boundary w·x + b = 0 is a straight line (a hyperplane), so a
               perceptron separates only linearly separable classes: AND, OR, NAND, never XOR.
               At z = 0 exactly this follows ``nn.Step`` (output 0); the seed's ≤ / ≥ leave it open.
    Learning:  ``fit``: Rosenblatt's rule, one sample at a time, in the given order:
               y = step(w·x + b),  w ← w + η(t − y)x,  b ← b + η(t − y)   (nothing changes when y = t).
    Backward:  ∂E/∂x = 0, ∂E/∂w = 0, ∂E/∂b = 0: the step's derivative is 0 wherever it exists, so no
               gradient passes and backpropagation cannot train a perceptron; that is why the rule above
               uses the error (t − y) directly, and why trained networks use sigmoid instead (§3.1.1).
    Shape:     x (N, in_features) -> y (N,);  weight (in_features,), bias () — one unit, the seed's
               Σ wᵢxᵢ + b, so the state dict is {"weight", "bias"}.
    Args:
        in_features: n, the number of inputs (default 2: the gates' (x₁, x₂)).
        dtype: of the parameters (default float64); inputs must match it.
        rng: None (default) starts at w = 0, b = 0, Rosenblatt's start; a generator draws
            w, b ~ U(−1/√n, 1/√n), the bound of torch's Linear default.
    Differs from torch: torch has no perceptron; the torch twin (``torch_impl.models.perceptron``) is
        written here with the same state dict.

    Example:
        >>> import numpy as np
        >>> x = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
        >>> p = Perceptron()
        >>> fit = p.fit(x, np.array([0, 0, 0, 1]))  # AND, from w = 0, b = 0
        >>> fit.converged, p(x).tolist()
        (True, [0.0, 0.0, 0.0, 1.0])
    """

    def __init__(
        self, in_features: int = 2, *, dtype: Any = np.float64, rng: np.random.Generator | None = None
    ) -> None:
        super().__init__()
        self.in_features = check_positive_int("Perceptron", "in_features", in_features)
        self.dtype = np.dtype(dtype)
        self.weight = Parameter(np.zeros(self.in_features, dtype=self.dtype))
        self.bias = Parameter(np.zeros((), dtype=self.dtype))
        self._x: np.ndarray | None = None
        if rng is not None:
            bound = 1 / np.sqrt(self.in_features)
            self.weight.data[...] = rng.uniform(-bound, bound, self.in_features)
            self.bias.data[...] = rng.uniform(-bound, bound)

    def _on_dtype_change(self, dtype: np.dtype) -> None:
        self.dtype = dtype

    def weighted_sum(self, x: np.ndarray) -> np.ndarray:
        """z = w·x + b for each row of x: (N, in_features) -> (N,). Caches nothing."""
        x = _check_rows("Perceptron", x, self.in_features, self.dtype)
        return x @ self.weight.data + self.bias.data

    def forward(self, x: np.ndarray) -> np.ndarray:
        z = self.weighted_sum(x)
        self._x = x  # backward needs only the shape (its gradients are all zero)
        return (z > 0).astype(self.dtype)

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        x = self._take("_x")
        check_grad_output("Perceptron.backward", grad_output, x.shape[:1])
        # step′(z) = 0, so every chain-rule product is 0: add zeros, return zeros.
        self.weight.grad += 0
        self.bias.grad += 0
        return np.zeros_like(x)

    def fit(self, x: np.ndarray, target: np.ndarray, lr: float = 1.0, max_epochs: int = 100) -> PerceptronFit:
        """Rosenblatt's rule over the rows of (x, target) in order, epoch after epoch, until an epoch
        makes no mistake or ``max_epochs`` have run. Updates ``weight`` and ``bias`` in place.

        Args:
            x: (N, in_features) inputs of the parameters' dtype.
            target: (N,) labels t, each 0 or 1 (any numeric dtype).
            lr: η > 0 (default 1.0).
            max_epochs: most passes over the data (default 100).
        Returns:
            a ``PerceptronFit`` with the weights after every epoch and the mistakes of each.
        """
        x = _check_rows("Perceptron.fit", x, self.in_features, self.dtype)
        t = np.asarray(target)
        if t.shape != (x.shape[0],):
            raise ValueError(f"Perceptron.fit: expected target of shape ({x.shape[0]},), got {t.shape}")
        if not np.all((t == 0) | (t == 1)):
            raise ValueError(f"Perceptron.fit: expected target values in {{0, 1}}, got {np.unique(t)}")
        if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not lr > 0:
            raise ValueError(f"Perceptron.fit: expected lr > 0, got {lr!r}")
        max_epochs = check_positive_int("Perceptron.fit", "max_epochs", max_epochs)
        t = t.astype(self.dtype)
        w, b = self.weight.data, self.bias.data
        weights, biases, mistakes = [w.copy()], [b.copy()], []
        for _ in range(max_epochs):
            wrong = 0
            for x_i, t_i in zip(x, t, strict=True):
                y_i = self.dtype.type(x_i @ w + b > 0)
                error = t_i - y_i  # −1, 0 or +1
                if error != 0:
                    w += lr * error * x_i
                    b += lr * error
                    wrong += 1
            weights.append(w.copy())
            biases.append(b.copy())
            mistakes.append(wrong)
            if wrong == 0:
                break
        return PerceptronFit(
            np.stack(weights), np.stack(biases), np.array(mistakes, dtype=np.int64), mistakes[-1] == 0
        )

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}"


def logic_gate_perceptron(name: str, dtype: Any = np.float64) -> Perceptron:
    """C2.1-perceptron: 단층 퍼셉트론 (logic gates), seed §2.1

    A perceptron with the hand-set weights of ``GATE_WEIGHTS[name]`` (and, or, nand).

    Example:
        >>> import numpy as np
        >>> logic_gate_perceptron("nand")(np.array([[0.0, 0.0], [1.0, 1.0]])).tolist()
        [1.0, 0.0]
    """
    if name not in GATE_WEIGHTS:
        raise ValueError(
            f"logic_gate_perceptron: expected name to be one of {tuple(GATE_WEIGHTS)}, got {name!r}"
        )
    weight, bias = GATE_WEIGHTS[name]
    perceptron = Perceptron(2, dtype=dtype)
    perceptron.load_state_dict({"weight": np.array(weight), "bias": np.array(bias)})
    return perceptron


def seed_xor_network(dtype: Any = np.float64) -> nn.Sequential:
    r"""C2.2-mlp-xor: 다층 퍼셉트론 (the seed's XOR network), seed §2.2

    The seed's hand-set XOR network, 2 inputs → 2 step units → 1 step unit.

    Math:      h = step(x Wᵀ + b),  W = [[1, 1], [1, 1]], b = (−1.5, −0.5)   (h₁ = AND, h₂ = OR)
               y = step(h vᵀ + c),   v = [[−1, 1]],        c = (−0.5,)          (y = h₂ AND NOT h₁)
               The hidden layer moves (x₁, x₂) to (h₁, h₂): (0,0)→(0,0), (0,1)→(0,1), (1,0)→(0,1),
               (1,1)→(1,1); in the h-plane the two classes are split by one line, −h₁ + h₂ − 0.5 = 0.
    Backward:  zero everywhere (see ``nn.Step``): these weights are set by hand, not learned.
    Shape:     x (N, 2) -> y (N, 1);  state dict "0.weight" (2, 2), "0.bias" (2,), "2.weight" (1, 2),
               "2.bias" (1,) — the layout of ``xor_sigmoid_network``, so the two share weights.

    Example:
        >>> import numpy as np
        >>> seed_xor_network()(np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]))[:, 0].tolist()
        [0.0, 1.0, 1.0, 0.0]
    """
    net = nn.Sequential(nn.Linear(2, 2, dtype=dtype), nn.Step(), nn.Linear(2, 1, dtype=dtype), nn.Step())
    net.load_state_dict(
        {
            "0.weight": np.array(SEED_XOR_HIDDEN_WEIGHT),
            "0.bias": np.array(SEED_XOR_HIDDEN_BIAS),
            "2.weight": np.array(SEED_XOR_OUTPUT_WEIGHT),
            "2.bias": np.array(SEED_XOR_OUTPUT_BIAS),
        }
    )
    return net


def xor_sigmoid_network(rng: np.random.Generator | None = None, dtype: Any = np.float64) -> nn.Sequential:
    r"""C2.2-mlp-xor: 다층 퍼셉트론 (XOR with sigmoids), seed §2.2

    The seed's 2-2-1 shape with sigmoid units, trained by backpropagation (seed §3.2).

    Math:      h = σ(x Wᵀ + b),  ŷ = σ(h vᵀ + c)   — ``seed_xor_network`` with every step replaced by σ.
               A step network cannot be trained by gradient descent: step′ = 0 wherever it exists, so every
               weight's gradient is exactly 0 and no update ever moves it. σ is a smooth step with
               σ′ = σ(1 − σ) > 0 everywhere, so the error reaches every weight.
    Backward:  ``Sequential.backward`` (Linear and Sigmoid backward, last layer first).
    Shape:     x (N, 2) -> ŷ (N, 1) in (0, 1);  state-dict keys as ``seed_xor_network``.
    Args:
        rng: draws the initial weights (torch's Linear default, U(−1/√n, 1/√n)).
        dtype: of the parameters (default float64).

    Example:
        >>> import numpy as np
        >>> net = xor_sigmoid_network(np.random.default_rng(0))
        >>> list(net.state_dict())
        ['0.weight', '0.bias', '2.weight', '2.bias']
    """
    return nn.Sequential(
        nn.Linear(2, 2, dtype=dtype, rng=rng),
        nn.Sigmoid(),
        nn.Linear(2, 1, dtype=dtype, rng=rng),
        nn.Sigmoid(),
    )

r"""C1.1-supervised: 지도학습과 비지도학습 (supervised learning), seed §1.1

Supervised learning as one-neuron networks, and the hand-made feature of seed §1.3.

The seed splits supervised learning into classification (a categorical target; its example is logistic
regression for binary classes) and regression (a continuous target). Both are a single neuron:

* ``LogisticRegression``: a sigmoid neuron, ŷ = σ(w·x + b) = P(class 1 | x), trained with ``BCELoss``;
* ``LinearRegression``: a linear neuron, ŷ = w·x + b, trained with ``MSELoss``; its optimum is also
  known in closed form, ``least_squares``, which gradient descent must reach;
* ``radial_feature``: the hand-made feature x₁² + x₂² of seed §1.3's feature engineering — with it a
  linear model separates concentric circles that it cannot separate on (x₁, x₂);
* ``fit_full_batch``: the training loop these use (forward, loss, backward, optimizer step).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np

from scratch import nn
from scratch.nn.checks import check_floating, check_grad_output, check_positive_int
from scratch.nn.module import Module


class _OneNeuron(Module):
    """A ``Linear(in_features, 1)`` under the name ``linear`` and an output of shape (N,)."""

    def __init__(self, in_features: int, dtype: Any, rng: np.random.Generator | None) -> None:
        super().__init__()
        in_features = check_positive_int(type(self).__name__, "in_features", in_features)
        self.linear = nn.Linear(in_features, 1, dtype=dtype, rng=rng)
        self._shape: tuple[int, ...] | None = None  # the output's shape, for backward's check

    @property
    def in_features(self) -> int:
        return self.linear.in_features

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}"


class LogisticRegression(_OneNeuron):
    r"""C1.1-supervised: 지도학습과 비지도학습 (logistic regression), seed §1.1

    Binary classification with one sigmoid neuron.

    Math:      z = x wᵀ + b,  ŷ = σ(z) = 1 / (1 + e⁻ᶻ) = P(y = 1 | x);  predicted class 1 where ŷ > 0.5,
               i.e. where z > 0: the decision boundary w·x + b = 0 is a straight line, as the perceptron's.
               Trained with ``BCELoss`` E = −mean[y log ŷ + (1 − y) log(1 − ŷ)]. In exact arithmetic its
               gradient through the sigmoid is ∂E/∂z = (ŷ − y)/N: BCE's (ŷ − y)/(ŷ(1 − ŷ) N) times
               σ′ = ŷ(1 − ŷ), the two ŷ(1 − ŷ) cancelling.
    Backward:  ∂E/∂z = g · ŷ(1 − ŷ) (``Sigmoid``), then ``Linear``: ∂E/∂w = (∂E/∂z)ᵀ x, ∂E/∂b = Σ ∂E/∂z,
               ∂E/∂x = (∂E/∂z) w.
    In floating point the two factors are computed apart and the cancellation fails. BCE's backward
               divides by max(ŷ(1 − ŷ), 1e-12), and σ′ = ŷ(1 − ŷ) is exactly 0 once σ(z) rounds to 1
               (z ≳ 36.7 in float64): a confidently wrong sample (z = 40, y = 0) gets ∂E/∂z = 0 and a
               clamped loss of 100, where the exact values are ŷ − y = 1 and 40. The gap opens earlier,
               once ŷ(1 − ŷ) < 1e-12 (|z| ≳ 27.6): at z = 30 the chain gives 0.093 instead of 1. torch,
               chaining ``nn.Sigmoid`` and ``nn.BCELoss``, computes the same (wrong) numbers. The stable
               form is one function of z: ``BCEWithLogitsLoss`` on the logit z, whose backward is
               σ(z) − y with no division (1 at z = 40) and whose loss uses log σ(z) = min(z, 0) −
               log1p(e^(−|z|)) (40 at z = 40). It is what a training loop should use; this class keeps the
               seed's picture, σ then BCE.
    Shape:     x (N, in_features) -> ŷ (N,);  state dict "linear.weight" (1, in_features), "linear.bias" (1,).
    Args:
        in_features: n (default none: required).
        dtype: of the parameters (default float64).
        rng: draws the initial weights (torch's Linear default).
    Differs from torch: torch has no LogisticRegression class; the torch twin is
        ``nn.Linear(n, 1)`` followed by ``nn.Sigmoid()`` and a squeeze, with the same state dict.

    Example:
        >>> import numpy as np
        >>> from scratch import nn
        >>> model = LogisticRegression(1)
        >>> _ = model.load_state_dict({"linear.weight": np.array([[1.0]]), "linear.bias": np.array([0.0])})
        >>> loss = nn.BCELoss()
        >>> float(loss(model(np.array([[40.0]])), np.array([0.0])))  # σ(40) = 1: log 0, clamped
        100.0
        >>> model.backward(loss.backward()).tolist(), model.linear.bias.grad.tolist()  # σ′ = 0
        ([[0.0]], [0.0])
        >>> stable = nn.BCEWithLogitsLoss()
        >>> float(stable(np.array([40.0]), np.array([0.0]))), stable.backward().tolist()  # σ(z) − y
        (40.0, [1.0])
    """

    def __init__(
        self, in_features: int, *, dtype: Any = np.float64, rng: np.random.Generator | None = None
    ) -> None:
        super().__init__(in_features, dtype, rng)
        self.sigmoid = nn.Sigmoid()

    def forward(self, x: np.ndarray) -> np.ndarray:
        y = self.sigmoid(self.linear(x))[:, 0]  # (N, 1) -> (N,)
        self._shape = y.shape
        return y

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        g = check_grad_output("LogisticRegression.backward", grad_output, self._take("_shape"))
        return self.linear.backward(self.sigmoid.backward(g[:, None]))


class LinearRegression(_OneNeuron):
    r"""C1.1-supervised: 지도학습과 비지도학습 (linear regression), seed §1.1

    Regression with one linear neuron.

    Math:      ŷ = x wᵀ + b, trained with ``MSELoss`` E = mean (ŷ − y)². E is a convex quadratic in (w, b),
               so gradient descent with a small enough η reaches the one minimum, the least-squares solution
               of the normal equations (``least_squares``).
    Backward:  ``Linear``: ∂E/∂w = gᵀ x, ∂E/∂b = Σ g, ∂E/∂x = g w   (g = ∂E/∂ŷ as a column).
    Shape:     x (N, in_features) -> ŷ (N,);  state dict "linear.weight" (1, in_features), "linear.bias" (1,).
    Args:
        in_features: n (required).
        dtype: of the parameters (default float64).
        rng: draws the initial weights (torch's Linear default).
    Differs from torch: torch has no LinearRegression class; the torch twin is ``nn.Linear(n, 1)`` and a
        squeeze.

    Example:
        >>> import numpy as np
        >>> model = LinearRegression(2, rng=np.random.default_rng(0))
        >>> model(np.zeros((3, 2))).shape
        (3,)
    """

    def __init__(
        self, in_features: int, *, dtype: Any = np.float64, rng: np.random.Generator | None = None
    ) -> None:
        super().__init__(in_features, dtype, rng)

    def forward(self, x: np.ndarray) -> np.ndarray:
        y = self.linear(x)[:, 0]  # (N, 1) -> (N,)
        self._shape = y.shape
        return y

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        g = check_grad_output("LinearRegression.backward", grad_output, self._take("_shape"))
        return self.linear.backward(g[:, None])


def least_squares(x: np.ndarray, y: np.ndarray) -> OrderedDict[str, np.ndarray]:
    r"""C1.1-supervised: 지도학습과 비지도학습 (least squares), seed §1.1

    The closed-form minimiser of Σ (x wᵀ + b − y)², as a ``LinearRegression`` state dict.

    Math:      with X̃ = [x | 1] (a column of ones carries b), θ = (w, b) = argmin ‖X̃θ − y‖², the solution of
               the normal equations X̃ᵀX̃ θ = X̃ᵀ y; computed with ``np.linalg.lstsq`` (SVD), never an inverse.
    Shape:     x (N, n), y (N,) -> {"linear.weight": (1, n), "linear.bias": (1,)}, x's dtype.

    Example:
        >>> import numpy as np
        >>> x = np.array([[0.0], [1.0], [2.0]])
        >>> {k: v.round(6).tolist() for k, v in least_squares(x, 3 * x[:, 0] + 1).items()}
        {'linear.weight': [[3.0]], 'linear.bias': [1.0]}
    """
    x = check_floating("least_squares", "x", x)
    y = check_floating("least_squares", "y", y)
    if x.ndim != 2 or y.shape != (x.shape[0],):
        raise ValueError(f"least_squares: expected x (N, n) and y (N,), got shapes {x.shape} and {y.shape}")
    design = np.concatenate([x, np.ones((x.shape[0], 1), dtype=x.dtype)], axis=1)
    theta = np.linalg.lstsq(design, y, rcond=None)[0]
    return OrderedDict([("linear.weight", theta[None, :-1]), ("linear.bias", theta[-1:])])


def radial_feature(x: np.ndarray) -> np.ndarray:
    r"""C1.3-features: 딥러닝 (feature engineering), seed §1.3

    The hand-made feature r² = x₁² + x₂².

    Math:      r²ᵢ = Σⱼ xᵢⱼ²: the squared distance from the origin. Concentric circles differ in radius
               only, so on r² one threshold — a linear model — separates them; on (x₁, x₂) no line can.
    Shape:     x (N, n) -> (N, 1), x's dtype (a one-column feature matrix, ready for a model).

    Example:
        >>> import numpy as np
        >>> radial_feature(np.array([[3.0, 4.0]])).tolist()
        [[25.0]]
    """
    x = check_floating("radial_feature", "x", x)
    if x.ndim != 2:
        raise ValueError(f"radial_feature: expected x of shape (N, n), got {x.shape}")
    return np.sum(x * x, axis=1, keepdims=True)


@dataclass(frozen=True)
class FullBatchFit:
    """What ``fit_full_batch`` recorded.

    Example:
        >>> import numpy as np
        >>> FullBatchFit(losses=np.array([1.0, 0.5]), path=None).losses.tolist()
        [1.0, 0.5]

    Attributes:
        losses: (steps,): the loss at the weights each step started from.
        path: (steps + 1, P) or None: every parameter flattened in ``named_parameters()`` order, before the
            first step (row 0) and after each step; recorded only when asked.
    """

    losses: np.ndarray
    path: np.ndarray | None


def _flat_parameters(model: Module) -> np.ndarray:
    return np.concatenate([p.data.ravel() for p in model.parameters()])


def fit_full_batch(
    model: Module,
    loss_fn: Module,
    optimizer: Any,
    x: np.ndarray,
    target: np.ndarray,
    steps: int,
    *,
    record_path: bool = False,
) -> FullBatchFit:
    r"""C1.1-supervised: 지도학습과 비지도학습 (full-batch training), seed §1.1

    Gradient descent on the whole data set, ``steps`` times (seed §3.2).

    Each step: zero the gradients; ŷ = model(x); E = loss_fn(ŷ, target); model.backward(∂E/∂ŷ) fills every
    ``.grad``; ``optimizer.step()`` moves the weights. Every step sees the same data, so the twins, started
    from the same weights, walk the same path (``record_path`` keeps it for the parity tests).

    Args:
        model, loss_fn, optimizer: scratch modules and a ``scratch.optim`` optimizer over the model's
            parameters.
        x, target: the data; target of the model output's shape and dtype.
        steps: how many updates (> 0).
        record_path: keep the flattened parameters after each step (default False).

    Example:
        >>> import numpy as np
        >>> from scratch import nn, optim
        >>> x = np.array([[0.0], [1.0], [2.0]])
        >>> model = LinearRegression(1, rng=np.random.default_rng(0))
        >>> sgd = optim.SGD(model.parameters(), lr=0.1)
        >>> fit = fit_full_batch(model, nn.MSELoss(), sgd, x, 3 * x[:, 0], steps=200)
        >>> bool(fit.losses[-1] < 1e-4 < fit.losses[0])
        True
    """
    steps = check_positive_int("fit_full_batch", "steps", steps)
    losses = np.empty(steps, dtype=np.float64)
    path = [_flat_parameters(model)] if record_path else None
    for k in range(steps):
        optimizer.zero_grad()
        loss = loss_fn(model(x), target)
        model.backward(loss_fn.backward())
        optimizer.step()
        losses[k] = float(loss)
        if path is not None:
            path.append(_flat_parameters(model))
    return FullBatchFit(losses, None if path is None else np.stack(path))

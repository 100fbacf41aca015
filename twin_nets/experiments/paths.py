"""C3.2.1, C3.2.2: optimizer paths on the 2-D surfaces, in both twins (seed §3.2.1, §3.2.2).

The scratch twin steps ``scratch.optim`` optimizers on ``scratch.models.surfaces`` (hand-written
gradients); the torch twin steps ``torch.optim`` optimizers on ``torch_impl.models.surfaces``
(autograd). Same class names and arguments in both (torch's), so one ``OptimizerSpec`` builds both.

The documented settings (each asserted in ``parity_tests/experiments/test_surfaces.py``):

* ``BOWL`` — f = x²/20 + y² from (−7, 2), 30 steps, the learning rates of the classic comparison figure
  (SGD 0.95, Momentum 0.1, AdaGrad 1.5, Adam 0.3); plain SGD zig-zags along y, the others curve in.
* ``LOCAL_MINIMA`` — ``TwoMinima`` from (2, 1.5), 800 steps: gradient descent with lr 0.01 settles in the
  shallow local minimum (≈ 0.96, 0) and stops (its gradient there is 0); momentum 0.9 with the same lr,
  and Adam with lr 0.3, cross the ridge into the global minimum (≈ −1.04, 0).
* ``SADDLE`` — ``Saddle`` from (1.5, 0.001), 100 steps: gradient descent (lr 0.01) spends the run near
  the saddle, its y growing only by (1 + 2·0.01) a step; momentum 0.9 (lr 0.01) and Adam (lr 0.05)
  leave it within the run. Started exactly on y = 0, every optimizer stops at the saddle: the gradient
  has no y component to follow.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from twin_nets.kit import kit

SURFACES = ("Bowl", "TwoMinima", "Saddle")


@dataclass(frozen=True)
class OptimizerSpec:
    """One optimizer setting: its class name (in ``scratch.optim`` and ``torch.optim``) and arguments.

    Args:
        label: the legend text, e.g. "Momentum (lr=0.1, μ=0.9)".
        name: the class name, e.g. "SGD".
        kwargs: the constructor's keyword arguments (besides the parameters).
        concept: the concept ID the setting demonstrates, e.g. "C3.2.1-momentum".
    """

    label: str
    name: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    concept: str = ""

    def build(self, params: Iterable[Any], impl: str) -> Any:
        """The optimizer of ``impl`` ("scratch" or "torch") on ``params``."""
        package = kit(impl, argument="OptimizerSpec.build: impl").optim
        cls = getattr(package, self.name, None)
        if cls is None:
            raise ImportError(
                f"OptimizerSpec: {package.__name__} has no {self.name} (needed by {self.label!r})"
            )
        return cls(params, **self.kwargs)


@dataclass(frozen=True)
class PathSetting:
    """A surface, a start, a number of steps and the optimizers to compare on it."""

    name: str  # the figure's name, which starts with the concept ID
    surface: str
    start: tuple[float, float]
    steps: int
    optimizers: tuple[OptimizerSpec, ...]
    xlim: tuple[float, float]
    ylim: tuple[float, float]


BOWL = PathSetting(
    "C3.2.1-optimizer-paths",
    "Bowl",
    (-7.0, 2.0),
    30,
    (
        OptimizerSpec("SGD (lr=0.95)", "SGD", {"lr": 0.95}, "C3.2.1-sgd"),
        OptimizerSpec("Momentum (lr=0.1, μ=0.9)", "SGD", {"lr": 0.1, "momentum": 0.9}, "C3.2.1-momentum"),
        OptimizerSpec(
            "Nesterov (lr=0.1, μ=0.9)",
            "SGD",
            {"lr": 0.1, "momentum": 0.9, "nesterov": True},
            "C3.2.1-nesterov",
        ),
        OptimizerSpec("AdaGrad (lr=1.5)", "Adagrad", {"lr": 1.5}, "C3.2.1-adagrad"),
        OptimizerSpec("RMSprop (lr=0.1)", "RMSprop", {"lr": 0.1}, "C3.2.1-rmsprop"),
        OptimizerSpec("Adam (lr=0.3)", "Adam", {"lr": 0.3}, "C3.2.1-adam"),
    ),
    xlim=(-10.0, 10.0),
    ylim=(-5.0, 5.0),
)

# gradient descent and momentum with the same small lr on both C3.2.2 surfaces; Adam with its own
SLOW_GD = OptimizerSpec("GD (lr=0.01)", "SGD", {"lr": 0.01}, "C3.2.1-gd")
SLOW_MOMENTUM = OptimizerSpec(
    "Momentum (lr=0.01, μ=0.9)", "SGD", {"lr": 0.01, "momentum": 0.9}, "C3.2.1-momentum"
)


def _adam(lr: float) -> OptimizerSpec:
    return OptimizerSpec(f"Adam (lr={lr:g})", "Adam", {"lr": lr}, "C3.2.1-adam")


LOCAL_MINIMA, SADDLE = (
    PathSetting(name, surface, start, steps, (SLOW_GD, SLOW_MOMENTUM, _adam(lr)), xlim, ylim)
    for name, surface, start, steps, lr, xlim, ylim in (
        ("C3.2.2-local-minima-paths", "TwoMinima", (2.0, 1.5), 800, 0.3, (-2.0, 2.5), (-1.75, 1.75)),
        ("C3.2.2-saddle-paths", "Saddle", (1.5, 0.001), 100, 0.05, (-2.0, 2.0), (-2.0, 2.0)),
    )
)


def _check_run(surface: str, steps: int) -> None:
    if surface not in SURFACES:
        raise ValueError(f"run_path: expected surface to be one of {SURFACES}, got {surface!r}")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
        raise ValueError(f"run_path: expected steps to be a non-negative integer, got {steps!r}")


def run_path(
    surface: str,
    optimizer: OptimizerSpec,
    start: tuple[float, float],
    steps: int,
    impl: str = "scratch",
    dtype: Any = np.float64,
    device: str = "cpu",
) -> np.ndarray:
    """The points visited by ``optimizer`` on ``surface`` from ``start``: an array (steps + 1, 2),
    ``start`` first. ``impl`` picks the twin; ``dtype`` is a NumPy dtype (float64 or float32);
    ``device`` is where the torch twin runs."""
    _check_run(surface, steps)
    k = kit(impl, device, "run_path: impl")
    point = k.to(getattr(k.models.surfaces, surface)(start, dtype=k.dtype(dtype)))
    opt = optimizer.build(point.parameters(), k.name)
    path = [k.numpy(point.xy)]
    for _ in range(steps):
        opt.zero_grad()
        k.backward([point], None, point())  # E = f(x, y); ∂E/∂(x, y) lands in point.xy.grad
        opt.step()
        path.append(k.numpy(point.xy))
    return np.array(path)


LEAVE_RADIUS = 1.0  # a path has left the saddle once |y| > 1 (f = x² − y² is then below −1 + x²)


def steps_to_leave(path: np.ndarray, radius: float = LEAVE_RADIUS) -> int | None:
    """The first step at which the path is farther than ``radius`` from the origin along y (None: never)."""
    outside = np.flatnonzero(np.abs(path[:, 1]) > radius)
    return int(outside[0]) if outside.size else None

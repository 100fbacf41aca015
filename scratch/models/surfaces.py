r"""C3.2.2-local-minima: Local Minima와 Saddle Point 문제 (loss surfaces), seed §3.2.2

Two-dimensional loss surfaces with analytic gradients, for watching optimizers move (seed §3.2.1,
§3.2.2).

Each surface is a tiny ``Module`` whose one parameter ``xy`` is the point (x, y) itself, so any
optimizer of ``scratch.optim`` steps on it exactly as it steps on a network's weights:

    surface = Bowl(start=(-7.0, 2.0))
    optimizer = SGD(surface.parameters(), lr=0.95)
    for _ in range(30):
        optimizer.zero_grad()
        surface()                 # E = f(x, y)
        surface.backward()        # xy.grad += ∂E/∂(x, y), the gradient written out by hand
        optimizer.step()

``function(x, y)`` and ``gradient(x, y)`` are also available as static methods that work element by
element on arrays, for contour plots.

The surfaces:
    Bowl        C3.2.1   f = x²/20 + y²                 one minimum at (0, 0), curvature 20 times lower
                                                        along x than along y
    TwoMinima   C3.2.2-local-minima
                         f = (x² − 1)² + 0.3·x + y²     a shallow local minimum near (0.96, 0) and a deeper
                                                        global one near (−1.04, 0), a ridge at x ≈ 0.08
    Saddle      C3.2.2-saddle
                         f = x² − y²                    a saddle at (0, 0): a minimum along x, a maximum
                                                        along y, gradient 0

Differs from torch: torch needs no hand-written gradient (the torch twin,
``torch_impl.models.surfaces``, writes only ``function`` and lets autograd differentiate it).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from scratch.nn.checks import check_floating
from scratch.nn.module import Module, Parameter


class Surface(Module):
    r"""A point (x, y) on a surface f; the base of ``Bowl``, ``TwoMinima`` and ``Saddle``.

    Example:
        >>> from scratch.optim import SGD
        >>> surface = Bowl()
        >>> optimizer = SGD(surface.parameters(), lr=0.5)
        >>> optimizer.zero_grad(); _ = surface(); surface.backward(); optimizer.step()
        >>> surface.xy.data.tolist()  # (−7, 2) − 0.5 · (−0.7, 4)
        [-6.65, 0.0]

    Math:      E = f(x, y)
    Backward:  xy.grad += grad_output · (∂f/∂x, ∂f/∂y), from the subclass's analytic ``gradient``.
    Shape:     xy (2,); ``forward()`` takes no input and returns E as a 0-d array.
    Args:
        start: the starting point (x, y), default (−7, 2): the start of the optimizer comparison on
            x²/20 + y² in Saito's "Deep Learning from Scratch" (밑바닥부터 시작하는 딥러닝, §6.1).
            The seed's §3.2.1 shows its comparison only as a figure (missing from the text) and names
            no surface or start.
        dtype: of ``xy`` (default float64).
    """

    def __init__(self, start: tuple[float, float] = (-7.0, 2.0), *, dtype: Any = np.float64) -> None:
        super().__init__()
        try:
            point = np.asarray(start, dtype=np.dtype(dtype))
        except (TypeError, ValueError):
            point = None
        if point is None or point.shape != (2,) or not np.all(np.isfinite(point)):
            raise ValueError(f"{type(self).__name__}: expected start to be two finite numbers, got {start!r}")
        self.xy = Parameter(point)
        self._xy: np.ndarray | None = None

    @staticmethod
    def function(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    @staticmethod
    def gradient(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def forward(self) -> np.ndarray:
        """E = f(x, y) at the current point, a 0-d array of ``xy``'s dtype."""
        self._xy = self.xy.data.copy()  # backward needs the point the value was computed at
        x, y = self._xy
        return np.asarray(self.function(x, y), dtype=self.xy.dtype)

    def backward(self, grad_output: np.ndarray | float | None = None) -> None:
        """Add grad_output · ∇f (grad_output default 1, as ``E.backward()``) into ``xy.grad``.

        Returns None: the point is the only input, and its gradient is accumulated in ``xy.grad``.
        """
        x, y = self._take("_xy")
        scale = (
            1.0
            if grad_output is None
            else check_floating(f"{type(self).__name__}.backward", "grad_output", np.asarray(grad_output))
        )
        dfdx, dfdy = self.gradient(x, y)
        self.xy.grad += scale * np.array([dfdx, dfdy], dtype=self.xy.dtype)

    def extra_repr(self) -> str:
        return f"xy={self.xy.data.tolist()}"


class Bowl(Surface):
    r"""C3.2.1-gd: 경사하강법 (an elongated bowl), seed §3.2.1

    The surface on which Saito's "Deep Learning from Scratch" (§6.1) compares optimizers; the seed's own
    comparison figure names none.

    Math:      f(x, y) = x²/20 + y²            minimum 0 at (0, 0)
    Backward:  ∂f/∂x = x/10,   ∂f/∂y = 2y
    Why:       the curvature (∂²f/∂y² = 2 against ∂²f/∂x² = 1/10) is 20 times higher along y; the
               gradient's ratio depends on the point: at the start (−7, 2) it is (−0.7, 4), 4 / 0.7 ≈ 5.7
               times steeper along y. Plain gradient descent zig-zags across the valley while crawling
               along it; momentum and adaptive methods (Adagrad, RMSprop, Adam) straighten the path.

    Example:
        >>> bowl = Bowl()  # at the start (−7, 2)
        >>> float(bowl()), bowl.backward(), bowl.xy.grad.tolist()  # E = 49/20 + 4; ∇f = (−0.7, 4)
        (6.45, None, [-0.7, 4.0])
        >>> round(float(bowl.xy.grad[1] / -bowl.xy.grad[0]), 2)  # the gradient's ratio, not 20
        5.71
    """

    @staticmethod
    def function(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return x * x / 20 + y * y

    @staticmethod
    def gradient(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return x / 10, 2 * y


class TwoMinima(Surface):
    r"""C3.2.2-local-minima: Local Minima와 Saddle Point 문제 (local minima), seed §3.2.2

    A shallow local minimum beside a deeper global one.

    Math:      f(x, y) = (x² − 1)² + a·x + y²,   a = 0.3 (the tilt)
               local minimum  ≈ (0.960, 0), f ≈ 0.294
               global minimum ≈ (−1.036, 0), f ≈ −0.305
               the ridge between them ≈ (0.075, 0), f ≈ 1.011     (x: the roots of 4x³ − 4x + a)
    Backward:  ∂f/∂x = 4x(x² − 1) + a,   ∂f/∂y = 2y
    Seed:      with a small learning rate plain gradient descent settles in the minimum nearest its
               start and stays there; momentum's velocity can carry it over the ridge.

    Example:
        >>> surface = TwoMinima(start=(0.96, 0.0))  # near the local minimum: ∂f/∂x ≈ 0
        >>> round(float(surface()), 3), surface.backward(), abs(float(surface.xy.grad[0])) < 0.01
        (0.294, None, True)
    """

    tilt = 0.3

    @staticmethod
    def function(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return (x * x - 1) ** 2 + TwoMinima.tilt * x + y * y

    @staticmethod
    def gradient(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return 4 * x * (x * x - 1) + TwoMinima.tilt, 2 * y


class Saddle(Surface):
    r"""C3.2.2-saddle: Local Minima와 Saddle Point 문제 (saddle point), seed §3.2.2

    The saddle x² − y².

    Math:      f(x, y) = x² − y²        (0, 0): a minimum along x, a maximum along y, ∇f = 0
    Backward:  ∂f/∂x = 2x,   ∂f/∂y = −2y
    Seed:      at the saddle the gradient is 0, so learning stops although lower values exist. Near it
               the gradient is tiny along y: gradient descent multiplies y by (1 + 2η) per step and
               crawls away, while Adam's step is ≈ η whatever the gradient's size.

    Example:
        >>> saddle = Saddle(start=(0.0, 0.0))
        >>> float(saddle()), saddle.backward(), saddle.xy.grad.tolist()  # ∇f = 0: learning stops
        (0.0, None, [0.0, 0.0])
    """

    @staticmethod
    def function(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return x * x - y * y

    @staticmethod
    def gradient(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return 2 * x, -2 * y

"""05_최적화: the optimizers' first steps, local minima, saddle points, vanishing gradients."""

from __future__ import annotations

import numpy as np

from scratch import nn, optim
from scratch.data.loader import DataLoader, TensorDataset
from scratch.models import diagnostics, mlp, surfaces
from twin_nets.notebooks.exercises import exercise

START = (-7.0, 2.0)


def path(surface: str, optimizer: str, options: dict, start=START, steps: int = 1) -> np.ndarray:
    """The scratch twin's path of ``optimizer`` on ``surface``: (steps + 1, 2)."""
    s = getattr(surfaces, surface)(start)
    opt = getattr(optim, optimizer)(s.parameters(), **options)
    points = [s.xy.data.copy()]
    for _ in range(steps):
        opt.zero_grad()
        s()
        s.backward()
        opt.step()
        points.append(s.xy.data.copy())
    return np.stack(points)


@exercise("C3.2.1-gd/1")
def _gd_step() -> np.ndarray:
    return path("Bowl", "SGD", {"lr": 0.1})[1]


@exercise("C3.2.1-sgd/1")
def _steps_per_epoch() -> int:
    return len(DataLoader(TensorDataset(np.zeros((1050, 1)), np.zeros(1050)), batch_size=100))


def _momentum_buffer(nesterov: bool, steps: int) -> float:
    """The step of a parameter w = 0 whose gradient is 1 at every step, divided by lr: b (or g + μb)."""
    w = nn.Parameter(np.zeros(1))
    opt = optim.SGD([w], lr=1.0, momentum=0.9, nesterov=nesterov)
    before = 0.0
    for _ in range(steps):
        before = float(w.data[0])
        w.grad = np.ones(1)
        opt.step()
    return before - float(w.data[0])


@exercise("C3.2.1-momentum/1")
def _b3() -> float:
    return _momentum_buffer(nesterov=False, steps=3)


@exercise("C3.2.1-nesterov/1")
def _nesterov_first() -> float:
    return _momentum_buffer(nesterov=True, steps=1)


@exercise("C3.2.1-adagrad/1", atol=1e-6)
def _adagrad_step() -> np.ndarray:
    return path("Bowl", "Adagrad", {"lr": 1.5})[1]


@exercise("C3.2.1-rmsprop/1", atol=1e-6)
def _rmsprop_step() -> np.ndarray:
    return path("Bowl", "RMSprop", {"lr": 0.1})[1]


@exercise("C3.2.1-adam/1", atol=1e-6)
def _adam_step() -> np.ndarray:
    return path("Bowl", "Adam", {"lr": 0.3})[1]


@exercise("C3.2.1-adamw/1")
def _adamw_decay() -> float:
    w = nn.Parameter(np.array([2.0]))
    w.grad = np.zeros(1)
    optim.AdamW([w], lr=0.1, weight_decay=0.5).step()
    return float(w.data[0])


@exercise("C3.2.2-local-minima/1", atol=0.005)
def _gradient_where_gd_stops() -> float:
    x = path("TwoMinima", "SGD", {"lr": 0.01}, start=(2.0, 1.5), steps=800)[-1, 0]
    return float(4 * x * (x * x - 1) + 0.3)


@exercise("C3.2.2-saddle/1")
def _steps_to_leave() -> int:
    ys = path("Saddle", "SGD", {"lr": 0.01}, start=(1.5, 0.001), steps=400)[:, 1]
    return int(np.argmax(np.abs(ys) >= 0.1))


@exercise("C3.2.3-vanishing/1")
def _first_layer_below_a_hundredth() -> bool:
    x = np.random.default_rng(3).standard_normal((64, 100))
    y = np.random.default_rng(4).integers(0, 10, 64)
    net = mlp.build_mlp(
        mlp.MLPSpec((100,) * 10 + (10,), activation="sigmoid", init="xavier"), np.random.default_rng(5)
    )
    loss = nn.CrossEntropyLoss()
    loss(net(x), y)
    net.backward(loss.backward())
    norms = diagnostics.layer_gradient_norms(net)
    return bool(norms["0.weight"] < norms["18.weight"] / 100)

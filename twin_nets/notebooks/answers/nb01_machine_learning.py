"""01_머신러닝: logistic and linear regression, features."""

from __future__ import annotations

import numpy as np

from scratch import nn
from scratch.models import supervised
from twin_nets.notebooks.exercises import exercise


@exercise("C1.1-supervised/1")
def _on_the_boundary() -> float:
    model = supervised.LogisticRegression(2, rng=np.random.default_rng(0))
    w, b = model.linear.weight.data[0], model.linear.bias.data[0]
    on_the_line = -b * w / (w @ w)  # w·p + b = 0
    return float(model(on_the_line[None, :])[0])


@exercise("C1.1-supervised/2")
def _mse() -> float:
    return float(nn.MSELoss()(np.array([2.0, 4.0]), np.array([1.0, 1.0])))


@exercise("C1.3-features/1")
def _radial() -> float:
    return float(supervised.radial_feature(np.array([[0.5 * np.cos(1.0), 0.5 * np.sin(1.0)]]))[0, 0])


@exercise("C1.3-features/2", atol=5e-5)
def _radius() -> float:
    # the circle r² = 0.5 in the plane: the radius r at which radial_feature reaches 0.5
    radii = np.linspace(0.0, 1.0, 1_000_001)
    values = supervised.radial_feature(np.stack([radii, np.zeros_like(radii)], axis=1))[:, 0]
    return float(radii[np.argmin(np.abs(values - 0.5))])

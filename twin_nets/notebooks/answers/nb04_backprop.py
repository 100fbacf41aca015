"""04_역전파: the layer-wise backward, the autograd engine."""

from __future__ import annotations

import numpy as np

from scratch import autograd, nn
from scratch.autograd import chain_rule
from twin_nets.notebooks.exercises import exercise


@exercise("C3.2-backprop/1")
def _input_gradient() -> np.ndarray:
    layer = nn.Linear(2, 2)
    layer.load_state_dict({"weight": np.array([[1.0, 2.0], [3.0, 4.0]]), "bias": np.zeros(2)})
    layer(np.zeros((1, 2)))
    return layer.backward(np.array([[1.0, -1.0]]))


@exercise("C3.2-backprop/2")
def _weight_gradient() -> np.ndarray:
    layer = nn.Linear(2, 1, rng=np.random.default_rng(0))
    layer(np.array([[1.0, 2.0]]))
    layer.backward(np.array([[3.0]]))
    return layer.weight.grad


@exercise("C3.2-autograd/1", atol=1e-4)
def _output_gradient_target_one() -> float:
    rows = chain_rule.worked_example(x=(1.0, 1.0), target=1.0, lr=0.5)["rows"]
    return float(next(row["grad"] for row in rows if row["name"] == "ŷ"))


@exercise("C3.2-autograd/2")
def _used_twice() -> float:
    x = autograd.Tensor(3.0, requires_grad=True)
    (x * x).backward()
    return float(x.grad)

"""06_성능_향상_기법: initialization, dropout, batch and layer normalization."""

from __future__ import annotations

import math

import numpy as np

from scratch import nn, optim
from scratch.models import mlp, supervised
from scratch.nn import init
from twin_nets.notebooks.exercises import exercise


@exercise("C4.1-init-zero/1")
def _distinct_rows() -> int:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((32, 2))
    y = (x[:, 0] * x[:, 1] > 0).astype(np.int64)
    net = mlp.build_mlp(mlp.MLPSpec((2, 100, 2), activation="sigmoid", init="zeros"))
    supervised.fit_full_batch(net, nn.CrossEntropyLoss(), optim.SGD(net.parameters(), lr=0.5), x, y, 50)
    return len(np.unique(net.state_dict()["0.weight"].round(12), axis=0))


@exercise("C4.1-init-normal/1")
def _saturated() -> bool:
    net = mlp.build_mlp(
        mlp.MLPSpec((100,) * 7, activation="sigmoid", init="normal"), np.random.default_rng(1)
    )
    from scratch.models import diagnostics

    last = diagnostics.activation_outputs(net, np.random.default_rng(0).standard_normal((500, 100)))[-1]
    return bool(np.mean((last < 0.05) | (last > 0.95)) > 0.5)


@exercise("C4.1-init-xavier/1", atol=0.05)
def _notes_over_torch() -> float:
    rng = np.random.default_rng(0)
    notes = init.seed_xavier_normal_(np.empty((1000, 1000)), rng=rng)
    torch_form = init.xavier_normal_(np.empty((1000, 1000)), rng=rng)
    return float(notes.var() / torch_form.var())


@exercise("C4.1-init-he/1", atol=5e-5)
def _he_std() -> float:
    return init.calculate_gain("relu") / math.sqrt(100)  # He: σ = gain / √n, gain = √2 for ReLU


@exercise("C4.2-dropout/1")
def _scale() -> float:
    x = np.ones((50, 50))
    out = nn.Dropout(0.2, rng=np.random.default_rng(0))(x)
    return float(np.unique(out[out != 0])[0])


@exercise("C4.3-batchnorm/1", atol=5e-5)
def _running_var() -> float:
    layer = nn.BatchNorm1d(1)
    layer(np.array([[1.0], [2.0], [3.0], [4.0]]))
    return float(layer.running_var[0])


@exercise("C4.3-layernorm/1")
def _batch_independent() -> bool:
    x = np.random.default_rng(0).standard_normal((4, 5)) * 2 + 1
    layer = nn.LayerNorm(5)
    return bool(np.array_equal(layer(x)[0], layer(x[:1])[0]))

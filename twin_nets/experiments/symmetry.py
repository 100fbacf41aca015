"""C4.1-init-zero: zero initialisation keeps every hidden unit identical through training (seed §4.1).

With every weight 0, every hidden unit computes the same value (σ(0) = ½ for sigmoid), every output
weight gets the same gradient from it, and then every hidden unit's weights get the same gradient as
well: the rows of the first layer's weight stay equal to one another forever, so the layer acts as one
unit however wide it is. A random initialisation breaks the symmetry.

``train_mlp`` trains the same MLP (same initial weights, same batches) in either twin.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

import scratch.nn
import scratch.optim
import scratch.train
import torch_impl.nn
import torch_impl.optim
import torch_impl.train
from scratch.data import DataLoader, TensorDataset, load_dataset
from scratch.models.mlp import MLPSpec, build_mlp
from torch_impl.data.datasets import tensor_dataset
from torch_impl.data.loader import DataLoader as TorchDataLoader
from torch_impl.models.mlp import build_mlp as build_torch_mlp
from torch_impl.nn.state import load_numpy_state_dict


def train_mlp(
    init: str,
    impl: str = "scratch",
    *,
    activation: str = "sigmoid",
    hidden: int = 8,
    epochs: int = 5,
    lr: float = 0.5,
    batch_size: int = 50,
    seed: int = 0,
) -> OrderedDict[str, np.ndarray]:
    """Train a 2 → ``hidden`` → 2 MLP on "moons" with SGD from ``init`` (an ``MLPSpec`` init scheme);
    return the trained state dict as NumPy arrays. The data, the initial weights and the batch order come
    from ``seed``, so both twins train the same network on the same batches."""
    if impl not in ("scratch", "torch"):
        raise ValueError(f"train_mlp: expected impl to be 'scratch' or 'torch', got {impl!r}")
    data = load_dataset("moons", rng=np.random.default_rng(seed), n_samples=500)
    spec = MLPSpec(sizes=(data.num_features, hidden, data.num_classes), activation=activation, init=init)
    model = build_mlp(spec, np.random.default_rng(seed + 1))
    order_rng = np.random.default_rng(seed + 2)
    if impl == "scratch":
        loss_fn = scratch.nn.CrossEntropyLoss()
        optimizer = scratch.optim.SGD(model.parameters(), lr=lr)
        loader = DataLoader(
            TensorDataset(data.x_train, data.y_train), batch_size, shuffle=True, rng=order_rng
        )
        for _ in range(epochs):
            for x, y in loader:
                scratch.train.train_step(model, loss_fn, optimizer, x, y)
        return model.state_dict()
    twin = build_torch_mlp(spec)
    load_numpy_state_dict(twin, model.state_dict())
    loss_fn = torch_impl.nn.CrossEntropyLoss()
    optimizer = torch_impl.optim.SGD(twin.parameters(), lr=lr)
    loader = TorchDataLoader(
        tensor_dataset(data.x_train, data.y_train), batch_size, shuffle=True, rng=order_rng
    )
    for _ in range(epochs):
        for x, y in loader:
            torch_impl.train.train_step(twin, loss_fn, optimizer, x, y)
    return OrderedDict((key, value.detach().cpu().numpy()) for key, value in twin.state_dict().items())

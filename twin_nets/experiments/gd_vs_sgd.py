"""C3.2.1-gd vs C3.2.1-sgd: full-batch gradient descent against mini-batch SGD on the same model
(seed §3.2.1), in both twins.

One MLP's initial weights are drawn once and given to both runs (and, through ``state_dict``, to the
torch twin); "GD" takes one step per epoch on all N training samples, "SGD" takes ⌈N/B⌉ steps per epoch
on shuffled batches of B, with the same learning rate. The batch order is one NumPy generator's, so both
twins see the same batches. Recorded: the loss of every iteration's batch, and the loss on the whole
training set after every epoch.

The seed's claims (asserted in ``parity_tests/experiments/test_gd_vs_sgd.py``): SGD's batch losses
fluctuate far more than GD's, but after the same number of epochs (the same passes over the data) SGD's
training loss is lower, because it has taken ⌈N/B⌉ times as many steps.
"""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class GdVsSgdSetting:
    """The documented setting.

    Args:
        dataset: one of ``scratch.data.DATASETS`` (default "moons": 800 training samples).
        hidden: hidden units of the one-hidden-layer ReLU MLP (default 16).
        epochs: passes over the training set (default 20).
        lr: the learning rate of both runs (default 0.1).
        batch_size: SGD's batch (default 32; GD's is the whole training set).
        seed: draws the data, the initial weights and SGD's batch order (default 0).
    """

    dataset: str = "moons"
    hidden: int = 16
    epochs: int = 20
    lr: float = 0.1
    batch_size: int = 32
    seed: int = 0


@dataclass(frozen=True)
class LossCurves:
    """One run: the loss of each iteration's batch, and the full training loss after each epoch
    (``epoch_loss[0]`` is before training)."""

    batch_loss: np.ndarray  # (iterations,)
    epoch_loss: np.ndarray  # (epochs + 1,)


def run(setting: GdVsSgdSetting = GdVsSgdSetting(), impl: str = "scratch") -> dict[str, LossCurves]:
    """``{"GD": curves, "SGD": curves}`` from the scratch or the torch twin (same weights, same batches)."""
    if impl not in ("scratch", "torch"):
        raise ValueError(f"gd_vs_sgd.run: expected impl to be 'scratch' or 'torch', got {impl!r}")
    data = load_dataset(setting.dataset, rng=np.random.default_rng(setting.seed))
    spec = MLPSpec(sizes=(data.num_features, setting.hidden, data.num_classes))
    initial = build_mlp(spec, np.random.default_rng(setting.seed + 1)).state_dict()
    n = len(data.x_train)
    curves = {}
    for label, batch_size in (("GD", n), ("SGD", setting.batch_size)):
        order_rng = np.random.default_rng(setting.seed + 2)
        if impl == "scratch":
            curves[label] = _run_scratch(spec, initial, data, batch_size, setting, order_rng)
        else:
            curves[label] = _run_torch(spec, initial, data, batch_size, setting, order_rng)
    return curves


def _run_scratch(spec, initial, data, batch_size, setting, order_rng) -> LossCurves:
    model = build_mlp(spec)
    model.load_state_dict(initial)
    loss_fn = scratch.nn.CrossEntropyLoss()
    optimizer = scratch.optim.SGD(model.parameters(), lr=setting.lr)
    loader = DataLoader(TensorDataset(data.x_train, data.y_train), batch_size, shuffle=True, rng=order_rng)
    batch_loss, epoch_loss = [], [scratch.train.evaluate(model, loss_fn, data.x_train, data.y_train)[0]]
    for _ in range(setting.epochs):
        for x, y in loader:
            batch_loss.append(scratch.train.train_step(model, loss_fn, optimizer, x, y)[0])
        epoch_loss.append(scratch.train.evaluate(model, loss_fn, data.x_train, data.y_train)[0])
    return LossCurves(np.array(batch_loss), np.array(epoch_loss))


def _run_torch(spec, initial, data, batch_size, setting, order_rng) -> LossCurves:
    model = build_torch_mlp(spec)
    load_numpy_state_dict(model, initial)
    loss_fn = torch_impl.nn.CrossEntropyLoss()
    optimizer = torch_impl.optim.SGD(model.parameters(), lr=setting.lr)
    dataset = tensor_dataset(data.x_train, data.y_train)
    loader = TorchDataLoader(dataset, batch_size, shuffle=True, rng=order_rng)
    x_all, y_all = dataset.tensors
    batch_loss, epoch_loss = [], [torch_impl.train.evaluate(model, loss_fn, x_all, y_all)[0]]
    for _ in range(setting.epochs):
        for x, y in loader:
            batch_loss.append(torch_impl.train.train_step(model, loss_fn, optimizer, x, y)[0])
        epoch_loss.append(torch_impl.train.evaluate(model, loss_fn, x_all, y_all)[0])
    return LossCurves(np.array(batch_loss), np.array(epoch_loss))

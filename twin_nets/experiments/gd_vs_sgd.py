"""C3.2.1-gd vs C3.2.1-sgd: full-batch gradient descent against mini-batch SGD on the same model
(seed §3.2.1), in both twins.

One MLP's initial weights are drawn once and given to both runs (and, through ``state_dict``, to the
torch twin) by the main job's ``build_twins``; "GD" takes one step per epoch on all N training samples,
"SGD" takes ⌈N/B⌉ steps per epoch on shuffled batches of B, with the same learning rate. The batch order
is one NumPy generator's, so both twins see the same batches. Recorded: the loss of every iteration's
batch, and the loss on the whole training set after every epoch.

The seed's claims (asserted in ``parity_tests/experiments/test_gd_vs_sgd.py``): SGD's batch losses
fluctuate far more than GD's, but after the same number of epochs (the same passes over the data) SGD's
training loss is lower, because it has taken ⌈N/B⌉ times as many steps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from scratch.data import load_dataset
from twin_nets.cli import one_twin
from twin_nets.threads import one_thread
from twin_nets.training.config import TrainConfig
from twin_nets.training.twins import build_twins


@dataclass(frozen=True)
class GdVsSgdSetting:
    """The documented setting.

    Args:
        dataset: one of ``scratch.data.DATASETS`` (default "moons": 800 training samples).
        hidden: hidden units of the one-hidden-layer ReLU MLP (default 16).
        epochs: passes over the training set (default 20).
        lr: the learning rate of both runs (default 0.1).
        batch_size: SGD's batch (default 32; GD's is the whole training set).
        seed: draws the data, and (its "init" and "loader" streams) the initial weights and the batch
            order (default 0).
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
    """``{"GD": curves, "SGD": curves}`` from the scratch or the torch twin, built by the main job's
    ``build_twins``: the same initial weights and batch order from ``setting.seed`` in both runs and both
    twins (GD's one batch is the whole shuffled training set)."""
    one_twin(impl, "gd_vs_sgd.run: impl")
    data = load_dataset(setting.dataset, rng=np.random.default_rng(setting.seed))
    curves = {}
    for label, batch_size in (("GD", len(data.x_train)), ("SGD", setting.batch_size)):
        config = TrainConfig(
            impl=impl,
            dataset=setting.dataset,
            hidden=(setting.hidden,),
            init="default",
            optimizer="sgd",
            lr=setting.lr,
            epochs=setting.epochs,
            batch_size=batch_size,
            seed=setting.seed,
        )
        twin = build_twins(config, data, torch.device("cpu"))[impl]
        with one_thread():
            batch_loss, epoch_loss = [], [twin.evaluate(data.x_train, data.y_train)[0]]
            for _ in range(setting.epochs):
                batch_loss += [twin.step(batch)[0] for batch in twin.epoch_batches()]
                epoch_loss.append(twin.evaluate(data.x_train, data.y_train)[0])
        curves[label] = LossCurves(np.array(batch_loss), np.array(epoch_loss))
    return curves

"""C4.3-batchnorm vs C4.3-layernorm: both normalisations at several batch sizes, at equal updates, over
several seeds (seed §4.3).

At a fixed number of epochs a small batch takes many more updates than a large one (1000 samples: 500
per epoch at batch size 2, 16 at batch size 64), so batch size and training length are confounded. Here
every run takes the same number of updates, and the test accuracy is recorded every ``every`` updates.
Each seed draws its own data split, initial weights and batch order; the twins of one seed share them.
Batch norm at batch size 2 is chaotic (its statistics of two samples turn round-off into different
paths: ``regularization.nudged_difference``), so a single run's number there is not a fact: the figure
shows the spread over seeds, and the tests assert only what holds in every seed.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from dataclasses import dataclass

import numpy as np
import torch

from scratch.data.datasets import DatasetSplit
from twin_nets.cli import twins_of
from twin_nets.experiments.regularization import digits
from twin_nets.threads import one_thread
from twin_nets.training.config import TrainConfig
from twin_nets.training.twins import Twin, build_twins


@dataclass(frozen=True)
class BatchSizeSetting:
    """The documented setting.

    Args:
        n_train: digits training samples (default 1000; 719 test samples).
        batch_sizes: default (2, 8, 64).
        hidden: default (64, 64), ReLU, the normalisation before each activation.
        updates: Adam steps of every run (default 250: half an epoch at batch size 2, 16 at 64).
        every: the test accuracy is measured every this many updates (default 25).
        lr: Adam's learning rate (default 1e-3).
        seeds: one run per seed and batch size and normalisation (default 0–4).
    """

    n_train: int = 1000
    batch_sizes: tuple[int, ...] = (2, 8, 64)
    hidden: tuple[int, ...] = (64, 64)
    updates: int = 250
    every: int = 25
    lr: float = 1e-3
    seeds: tuple[int, ...] = (0, 1, 2, 3, 4)


@dataclass(frozen=True)
class UpdateCurves:
    """One twin's run: ``test_accuracy[k]`` after ``updates[k]`` updates (0 first), in inference mode,
    and the training-mode loss of every update's batch. ``iterations_per_epoch`` is ⌈N / B⌉."""

    iterations_per_epoch: int
    updates: np.ndarray
    test_accuracy: np.ndarray
    batch_loss: np.ndarray


def batch_size_config(
    setting: BatchSizeSetting, batch_size: int, norm: str, seed: int, impl: str = "both"
) -> TrainConfig:
    """The run at ``batch_size`` with ``norm`` ("batch" or "layer") and ``seed``: enough epochs for
    ``setting.updates`` updates."""
    epochs = math.ceil(setting.updates / math.ceil(setting.n_train / batch_size))
    return TrainConfig(
        impl=impl,
        dataset="digits",
        hidden=setting.hidden,
        norm=norm,
        optimizer="adam",
        lr=setting.lr,
        epochs=epochs,
        batch_size=batch_size,
        seed=seed,
    )


def record_updates(twin: Twin, updates: int, every: int) -> UpdateCurves:
    """Train ``twin`` for ``updates`` updates (epoch after epoch), measuring the test accuracy every
    ``every`` updates."""
    marks, accuracy, losses = [0], [twin.evaluate()[1]], []
    while len(losses) < updates:
        for batch in twin.epoch_batches():
            losses.append(twin.step(batch)[0])
            if len(losses) % every == 0 or len(losses) == updates:
                marks.append(len(losses))
                accuracy.append(twin.evaluate()[1])
            if len(losses) == updates:
                break
    return UpdateCurves(len(twin.loader), np.array(marks), np.array(accuracy), np.array(losses))


def run_twins(config: TrainConfig, data: DatasetSplit, setting: BatchSizeSetting) -> dict[str, UpdateCurves]:
    """Both twins (or the one ``config.impl`` names) of one run, on the CPU, under one thread."""
    twins = build_twins(config, data, torch.device("cpu"))
    with one_thread():
        return {impl: record_updates(twin, setting.updates, setting.every) for impl, twin in twins.items()}


def norm_vs_batch_size(
    setting: BatchSizeSetting = BatchSizeSetting(), impl: str = "both"
) -> dict[tuple[int, str], dict[str, list[UpdateCurves]]]:
    """``{(batch size, norm): {twin: [curves of each seed]}}`` for norm ∈ ("batch", "layer")."""
    twins_of(impl, "norm_vs_batch_size: impl")
    runs: dict[tuple[int, str], dict[str, list[UpdateCurves]]] = {}
    for seed in setting.seeds:
        data = digits(setting.n_train, seed)
        for batch_size, norm in itertools.product(setting.batch_sizes, ("batch", "layer")):
            config = batch_size_config(setting, batch_size, norm, seed, impl)
            for twin, curves in run_twins(config, data, setting).items():
                runs.setdefault((batch_size, norm), {}).setdefault(twin, []).append(curves)
    return runs


def final_accuracies(runs: list[UpdateCurves]) -> np.ndarray:
    """The test accuracy after the last update, one per seed."""
    return np.array([curves.test_accuracy[-1] for curves in runs])


def one_epoch(setting: BatchSizeSetting, batch_size: int, norm: str, seed: int) -> TrainConfig:
    """``batch_size_config`` cut to one epoch (for ``regularization.nudged_difference``)."""
    return dataclasses.replace(batch_size_config(setting, batch_size, norm, seed), epochs=1)

"""00_시작하기: the paired training run's steps."""

from __future__ import annotations

import math

from scratch.data.datasets import load_dataset
from twin_nets.notebooks.exercises import exercise
from twin_nets.training.config import TrainConfig


def steps_per_epoch() -> int:
    """Steps of one epoch of ``scripts/train.py`` on digits with the default split and batch size."""
    import numpy as np

    split = load_dataset("digits", rng=np.random.default_rng(0), test_size=TrainConfig.test_size)
    return math.ceil(len(split.y_train) / TrainConfig.batch_size)


@exercise("00_시작하기/1")
def _steps() -> int:
    return steps_per_epoch()


@exercise("00_시작하기/2")
def _points() -> int:
    return 5 * steps_per_epoch()  # train/loss gets one point per step

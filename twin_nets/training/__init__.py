"""The paired training run (C3.2.1): both twins, the same weights and batches, compared step by step.

``config`` (flags -> ``TrainConfig``), ``twins`` (building them), ``runner`` (the lockstep loop),
``board`` (TensorBoard), ``checkpoint`` (atomic, pickle-free), ``parity`` (differences and the verdict),
``report`` (the epoch table and ``metrics.json``). ``scripts/train.py`` is the command line.
"""

from scratch.data.idx import DataError
from twin_nets.training.config import ConfigError, TrainConfig, build_parser, parse_config
from twin_nets.training.parity import PAIRED_TRAINING_ATOL
from twin_nets.training.runner import PairedRun, prepare

__all__ = [
    "PAIRED_TRAINING_ATOL",
    "ConfigError",
    "DataError",
    "PairedRun",
    "TrainConfig",
    "build_parser",
    "parse_config",
    "prepare",
]

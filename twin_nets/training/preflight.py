"""Checks that need the data or the machine, made before anything is built or written.

Each raises ``ConfigError`` with a one-line message naming the flag, the valid range and the value:
``--device cuda`` without a GPU, ``--threads`` above the CPUs, a batch larger than the training set or of
one sample under batch norm, and ``--hidden`` widths whose twins would not fit in memory.
"""

from __future__ import annotations

import dataclasses
import itertools
import os

import numpy as np
import torch

from scratch.data.datasets import GATES, DatasetSplit
from twin_nets import cli
from twin_nets.training.config import ConfigError, TrainConfig

# copies of every parameter a twin keeps: the weights, the gradient, up to three optimizer buffers, and a
# checkpoint's copy of each while it is written
_PARAMETER_COPIES = 9
# arrays of a layer's width per sample: its output, the activation's, the cached input, their gradients
_ACTIVATION_COPIES = 6


def resolve_device(name: str) -> torch.device:
    """``auto`` -> CUDA when present, else CPU; ``cuda`` without a GPU is a ``ConfigError``."""
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda" and not torch.cuda.is_available():
        raise ConfigError("--device cuda: CUDA is not available on this machine (use --device cpu or auto)")
    return torch.device(name)


def check_threads(threads: int) -> None:
    """``--threads`` at most this machine's CPUs (``cli.check_threads``, as every command's)."""
    try:
        cli.check_threads("--threads", threads)
    except ValueError as error:
        raise ConfigError(str(error)) from None


def fit_default_batch(config: TrainConfig, data: DatasetSplit) -> tuple[TrainConfig, list[str]]:
    """The default batch size (64) is more than a gate's 4 rows: then the batch is the whole training set,
    said once. A gate's test set is its training set (there is nothing to hold out): said too."""
    notes = []
    n_train = len(data.y_train)
    default = TrainConfig.__dataclass_fields__["batch_size"].default
    if config.batch_size == default and n_train < default:
        config = dataclasses.replace(config, batch_size=n_train)
        notes.append(
            f"train.py: batch size {n_train}, the whole training set of {config.dataset} "
            f"(the default {default} is more than its {n_train} samples)"
        )
    if config.dataset in GATES:
        notes.append(
            f"train.py: {config.dataset} has only its {n_train} truth-table rows: "
            "the test set is the training set"
        )
    return config, notes


def check_batches(config: TrainConfig, n_train: int) -> None:
    """A batch no larger than the training set; under batch norm at least two samples in every batch (one
    sample has no variance; torch raises "Expected more than 1 value per channel when training"), said
    before training starts, naming the flags that fix it."""
    if config.batch_size > n_train:
        raise ConfigError(
            f"--batch-size: expected at most the {n_train} training samples of {config.dataset}, "
            f"got {config.batch_size}"
        )
    if config.norm != "batch":
        return
    if config.batch_size == 1:
        raise ConfigError("--batch-size: expected at least 2 with --norm batch, got 1")
    if not config.drop_last and n_train % config.batch_size == 1:
        raise ConfigError(
            f"--batch-size: with --norm batch every batch needs at least 2 samples, but "
            f"{n_train} training samples at batch size {config.batch_size} leave a last batch of 1 "
            f"(add --drop-last or choose another batch size)"
        )


def memory_estimate(config: TrainConfig, data: DatasetSplit) -> int:
    """Bytes the twins need, roughly: every parameter ``_PARAMETER_COPIES`` times, every layer's output
    for a batch and for the test set ``_ACTIVATION_COPIES`` times, per twin."""
    widths = [data.num_features, *config.hidden, data.num_classes]
    parameters = sum((fan_in + 1) * fan_out for fan_in, fan_out in itertools.pairwise(widths))
    samples = config.batch_size + len(data.y_test)
    per_twin = _PARAMETER_COPIES * parameters + _ACTIVATION_COPIES * samples * sum(widths)
    return np.dtype(config.dtype).itemsize * per_twin * len(config.impls)


def available_memory() -> int:
    """Bytes of memory available now (``MemAvailable`` on Linux), else the machine's total."""
    try:
        with open("/proc/meminfo") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def _size(n_bytes: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if n_bytes < 1024 or unit == "PiB":
            return f"{n_bytes:.3g} {unit}"
        n_bytes /= 1024
    raise AssertionError


def check_memory(config: TrainConfig, data: DatasetSplit) -> None:
    need, have = memory_estimate(config, data), available_memory()
    if need > have:
        hidden = " ".join(map(str, config.hidden))
        raise ConfigError(
            f"--hidden {hidden}: the twins would need about {_size(need)} of memory (weights, gradients, "
            f"optimizer state, activations), and this machine has {_size(have)} available"
        )

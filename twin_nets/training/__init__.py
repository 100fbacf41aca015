"""The paired training run (C3.2.1): both twins, the same weights and batches, compared step by step.

``config`` (``TrainConfig`` and its checks), ``flags`` (the command line -> ``TrainConfig``), ``twins``
(building them), ``runner`` (the lockstep loop), ``board`` (TensorBoard), ``checkpoint`` (atomic,
pickle-free), ``resume`` (checking a checkpoint pair before loading it), ``parity`` (differences and the
verdict), ``report`` (the epoch table and ``metrics.json``), ``charlm`` (``--task charlm``'s text and
samples), ``main`` (the command line behind ``scripts/train.py`` and ``python -m twin_nets.training``).

The names below are loaded when first used (PEP 562), so that ``main`` can install its signal handlers
before anything imports torch: a Ctrl-C or SIGTERM while torch loads ends in one line, not a traceback.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "PAIRED_TRAINING_ATOL": "twin_nets.training.parity",
    "ConfigError": "twin_nets.training.config",
    "DataError": "scratch.data.idx",
    "PairedRun": "twin_nets.training.runner",
    "TrainConfig": "twin_nets.training.config",
    "build_parser": "twin_nets.training.flags",
    "parse_config": "twin_nets.training.flags",
    "prepare": "twin_nets.training.runner",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(_EXPORTS[name]), name)
    globals()[name] = value  # once loaded, an ordinary attribute (and what monkeypatch replaces)
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})

"""``--resume``: find the committed pair of checkpoints, check every byte of it, then load it.

Nothing is loaded until everything is checked, and nothing is written: a checkpoint that is truncated,
empty, random, edited or from other flags ends in one message, ``--resume: <path> is not a usable
checkpoint: <reason>`` (or, for other flags, which flags differ), before the run starts. The checks, in
order: the file reads (``checkpoint.load_*``); ``meta`` has every field, of the right type, consistent
with the data (a step inside an epoch, a history as long as the epochs done); the saved config matches
the flags; the generators' states are valid; every model entry has this model's keys, dtype and shape and
is finite; the optimizer's state has the keys, dtypes and shapes that one step of this optimizer makes
(found by stepping a copy of the twin), finite, and param groups that match. Then the twins' positions
must agree (one pair), and only then is anything loaded.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import torch

from twin_nets.training import checkpoint
from twin_nets.training.config import RESUMABLE_FLAGS, ConfigError, TrainConfig, as_flags
from twin_nets.training.twins import Twin

_POSITION = ("epoch", "step_in_epoch", "global_step")
_META_TYPES: dict[str, type | tuple[type, ...]] = {
    "epoch": int,
    "step_in_epoch": int,
    "global_step": int,
    "sums": dict,
    "history": list,
    "parity": list,
    "epoch_parity": dict,
    "wall_time_s": (int, float),
    "impl": str,
    "config": dict,
    "rng": dict,
}
_HISTORY_KEYS = ("epoch", "step", "train_loss", "train_accuracy", "test_loss", "test_accuracy")


def _require(ok: bool, reason: str) -> None:
    if not ok:
        raise checkpoint.CheckpointError(reason)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _describe(value: Any) -> tuple[str, tuple[int, ...], str] | None:
    """(kind, shape, dtype name) of an array or a tensor, None for anything else."""
    if isinstance(value, np.ndarray):
        return "array", value.shape, value.dtype.name
    if isinstance(value, torch.Tensor):
        return "tensor", tuple(value.shape), str(value.dtype).removeprefix("torch.")
    return None


def _finite(value: Any) -> bool:
    if isinstance(value, torch.Tensor):
        return bool(torch.isfinite(value).all()) if value.is_floating_point() or value.is_complex() else True
    return bool(np.isfinite(value).all()) if value.dtype.kind in "fc" else True


def _check_value(where: str, value: Any, reference: Any) -> None:
    """``value`` must be what ``reference`` is: an array/tensor of its shape and dtype, finite; a number
    (finite, >= 0); or None."""
    expected = _describe(reference)
    if expected is not None:
        got = _describe(value)
        _require(got is not None, f"{where} is a {type(value).__name__}, expected a {expected[0]}")
        _require(got[0] == expected[0], f"{where} is a {got[0]}, expected a {expected[0]}")
        _require(got[2] == expected[2], f"{where} is {got[2]}, expected {expected[2]}")
        _require(got[1] == expected[1], f"{where} has shape {got[1]}, expected {expected[1]}")
        _require(_finite(value), f"{where} holds NaN or infinite values")
    elif reference is None:
        _require(value is None, f"{where} is {type(value).__name__}, expected None")
    else:
        _require(_is_number(value) and value >= 0, f"{where} is {value!r}, expected a finite number >= 0")


def check_meta(meta: Any, impl: str, steps_per_epoch: int) -> None:
    _require(isinstance(meta, dict), "its meta is not a mapping")
    missing = [key for key in _META_TYPES if key not in meta]
    _require(not missing, f"its meta lacks {', '.join(missing)}")
    for key, kind in _META_TYPES.items():
        value = meta[key]
        ok = isinstance(value, kind) and not isinstance(value, bool)
        _require(
            ok, f"meta {key} is {type(value).__name__}, expected {getattr(kind, '__name__', 'a number')}"
        )
    _require(meta["impl"] == impl, f"it is the {meta['impl']!r} twin's, expected the {impl} twin's")
    epoch, step, global_step = (meta[key] for key in _POSITION)
    _require(min(epoch, step, global_step) >= 0, f"it is at a negative position {epoch, step, global_step}")
    _require(
        step < steps_per_epoch, f"step_in_epoch {step} is not below the {steps_per_epoch} steps per epoch"
    )
    _require(
        global_step == epoch * steps_per_epoch + step,
        f"global_step {global_step} is not epoch {epoch} × {steps_per_epoch} + step_in_epoch {step}",
    )
    history = meta["history"]
    _require(len(history) == epoch, f"its history has {len(history)} epochs, expected {epoch}")
    for row in history:
        _require(isinstance(row, dict) and all(_is_number(row.get(k)) for k in _HISTORY_KEYS), "bad history")
    _require(all(_is_number(meta["sums"].get(k)) for k in ("loss", "correct", "count")), "bad running sums")


def check_rng(state: dict[str, Any]) -> None:
    _require(set(state) == {"loader_epoch_start", "dropout"}, f"its rng holds {sorted(state)}")
    for name, value in state.items():
        probe = np.random.default_rng()
        try:
            _require(isinstance(value, dict) and value.get("bit_generator") == "PCG64", "not PCG64")
            probe.bit_generator.state = value
        except (TypeError, ValueError, KeyError, OverflowError, checkpoint.CheckpointError) as error:
            raise checkpoint.CheckpointError(
                f"rng {name} is not a PCG64 generator's state ({error})"
            ) from error


def check_optimizer(saved: Any, reference: Mapping[str, Any], current: Mapping[str, Any], step: int) -> None:
    """``saved`` against the state one step made (``reference``) and this optimizer's param groups."""
    _require(isinstance(saved, dict) and isinstance(saved.get("state"), Mapping), "bad optimizer state")
    state = saved["state"]
    expected_indices = set(reference["state"]) if step else set()
    _require(
        set(state) == expected_indices,
        f"optimizer state for parameters {sorted(state)}, expected {sorted(expected_indices)}",
    )
    for index, entry in state.items():
        ref = reference["state"][index]
        _require(isinstance(entry, Mapping), f"optimizer state {index} is not a mapping")
        _require(
            set(entry) == set(ref), f"optimizer state {index} holds {sorted(entry)}, expected {sorted(ref)}"
        )
        for key, value in entry.items():
            _check_value(f"optimizer state {index}.{key}", value, ref[key])
    groups, own = saved.get("param_groups"), current["param_groups"]
    _require(
        isinstance(groups, list) and len(groups) == len(own), "its param groups differ from the optimizer's"
    )
    for group, mine in zip(groups, own, strict=True):
        _require(isinstance(group, dict), "a param group is not a mapping")
        group, mine = (json.loads(json.dumps(g, default=str)) for g in (group, mine))
        for key in set(group) & set(mine):
            _require(group[key] == mine[key], f"param group {key} is {group[key]!r}, expected {mine[key]!r}")
        _require("params" in group, "a param group has no params")


def check_model(saved: Any, reference: Mapping[str, Any]) -> None:
    _require(isinstance(saved, dict), "its model state is not a mapping")
    missing, extra = sorted(set(reference) - set(saved)), sorted(set(saved) - set(reference))
    _require(not missing, f"model keys missing: {', '.join(missing)}")
    _require(not extra, f"unexpected model keys: {', '.join(map(str, extra))}")
    for key, value in saved.items():
        _check_value(f"model {key}", value, reference[key])


def _unusable(path: Path, reason: str) -> ConfigError:
    return ConfigError(f"--resume: {path} is not a usable checkpoint: {reason}")


MAX_HINT_DIFFERENCES = 3  # an experiment beside this one differing in more flags is not suggested


def _recorded_config(folder: Path) -> dict[str, Any] | None:
    """The config recorded by the run in ``folder`` (its twins' ``metrics.json``, written with every
    checkpoint pair), or None when it has no checkpoint pair or no readable record."""
    if not (folder / checkpoint.POINTER).is_file():
        return None
    for impl in checkpoint.SUFFIXES:
        try:
            record = json.loads((folder / impl / "metrics.json").read_text())
        except (OSError, UnicodeDecodeError, ValueError):
            continue
        if isinstance(record, dict) and isinstance(record.get("config"), dict):
            return record["config"]
    return None


def nearest_experiment(config: TrainConfig, root: Path) -> str:
    """When ``--resume`` finds no checkpoint in ``root``: the experiment beside it in ``--logdir`` whose
    recorded flags differ least from this command's (at most ``MAX_HINT_DIFFERENCES``), and what to do,
    as the rest of the one-line message ("" when there is none). Only reads."""
    candidates = []
    try:
        folders = [folder for folder in root.parent.iterdir() if folder.is_dir() and folder != root]
    except OSError:
        return ""
    for folder in folders:
        saved = _recorded_config(folder)
        if saved is None:
            continue
        try:
            differences = config.differences(saved)
        except (KeyError, TypeError):  # a record from another program
            continue
        if len(differences) <= MAX_HINT_DIFFERENCES:
            recent = (folder / checkpoint.POINTER).stat().st_mtime
            candidates.append((len(differences), ".replaced-" in folder.name, -recent, folder, differences))
    if not candidates:
        return ""
    *_, folder, differences = min(candidates, key=lambda candidate: candidate[:3])
    if not differences:
        return (
            f"; {folder} has a checkpoint made with these flags: pass --experiment {folder.name} "
            "to continue it"
        )
    named = "; ".join(f"{as_flags(k, then)} there, {as_flags(k, now)} here" for k, then, now in differences)
    repeat = " ".join(as_flags(k, then) for k, then, _ in differences)
    return (
        f"; the experiment {folder.name} beside it differs in {named}, which a resume cannot change (only "
        f"{RESUMABLE_FLAGS} can): repeat its flags ({repeat}) to continue it, or leave out --resume to "
        "start this run"
    )


def load_pair(config: TrainConfig, twins: Mapping[str, Twin], root: Path) -> dict[str, dict[str, Any]]:
    """Check the committed pair in ``root`` for these twins, then load it; returns each twin's ``meta``.

    Raises ConfigError: no checkpoint, an unusable file (the path and the reason), other flags, fewer
    epochs than are done, or twins at different steps. Nothing is loaded unless all of it is usable.
    """
    try:
        files = checkpoint.pair_files(root, tuple(twins))
    except FileNotFoundError as error:
        raise ConfigError(f"--resume: {error}{nearest_experiment(config, root)}") from error
    except checkpoint.CheckpointError as error:
        raise _unusable(root / checkpoint.POINTER, str(error)) from error
    loaded = {}
    for impl, twin in twins.items():
        path = files[impl]
        if not path.is_file():
            raise _unusable(path, "the file is missing")
        steps = len(twin.loader)
        try:
            model_state, optimizer_state, meta = twin.read_checkpoint(path)
            check_meta(meta, impl, steps)
        except checkpoint.CheckpointError as error:
            raise _unusable(path, str(error)) from error
        mismatches = config.resume_mismatches(meta["config"])
        if mismatches:
            raise ConfigError(
                f"--resume: the checkpoint was made with other flags: {'; '.join(mismatches)}; a resume "
                f"cannot change them (only {RESUMABLE_FLAGS}): repeat the checkpoint's flags to continue "
                "it, or pass another --experiment to start a new run"
            )
        if meta["epoch"] > config.epochs:
            raise ConfigError(
                f"--epochs: expected at least the {meta['epoch']} epochs the checkpoint has done, "
                f"got {config.epochs}"
            )
        try:
            check_rng(meta["rng"])
            batch = twin.loader.dataset[0 : min(2, len(twin.loader.dataset))]
            reference_model, reference_optimizer = twin.reference_state(batch)
            check_model(model_state, reference_model)
            check_optimizer(
                optimizer_state, reference_optimizer, twin.optimizer.state_dict(), meta["global_step"]
            )
        except checkpoint.CheckpointError as error:
            raise _unusable(path, str(error)) from error
        loaded[impl] = (model_state, optimizer_state, meta)
    positions = {impl: tuple(meta[key] for key in _POSITION) for impl, (_, _, meta) in loaded.items()}
    if len(set(positions.values())) != 1:
        raise ConfigError(f"--resume: the twins' checkpoints are at different steps: {positions}")
    for impl, twin in twins.items():
        try:
            twin.apply_checkpoint(*loaded[impl])
        except (RuntimeError, ValueError, KeyError, TypeError) as error:  # checked above; a last guard
            raise _unusable(files[impl], " ".join(str(error).split())) from error
    return {impl: meta for impl, (_, _, meta) in loaded.items()}

"""Checkpoints of both twins, written atomically, readable without pickle.

A checkpoint holds the model's state dict, the optimizer's state dict (torch's layout in both twins),
and ``meta``: the epoch and step reached, the generators' states, the history so far and the config,
as JSON. Files are written to a temporary name in the same folder and renamed over the old one
(``os.replace``), so a crash mid-write leaves the previous checkpoint intact.

* scratch: ``checkpoint.npz``, loaded with ``np.load(path, allow_pickle=False)``: arrays under flat
  keys (``model.0.weight``, ``optimizer.state.0.exp_avg``) and one JSON string, ``header``, for the rest;
* torch: ``checkpoint.pt``, loaded with ``torch.load(path, weights_only=True)``: tensors, plain Python
  values and the same JSON ``meta``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import torch

from twin_nets.atomic import atomic_write


def save_scratch(
    path: Path, model_state: dict[str, np.ndarray], optimizer_state: dict[str, Any], meta: dict[str, Any]
) -> None:
    """An ``.npz``: arrays under flat keys; the optimizer's non-array state (``step``, an unset momentum
    buffer), its param groups and ``meta`` as one JSON string under ``header``."""
    arrays = {f"model.{key}": value for key, value in model_state.items()}
    scalars: dict[str, dict[str, Any]] = {}
    for index, entry in optimizer_state["state"].items():
        for key, value in entry.items():
            if isinstance(value, np.ndarray):
                arrays[f"optimizer.state.{index}.{key}"] = value
            else:
                scalars.setdefault(str(index), {})[key] = value
    header = {"meta": meta, "optimizer_scalars": scalars, "param_groups": optimizer_state["param_groups"]}
    arrays["header"] = np.array(json.dumps(header))
    atomic_write(path, lambda handle: np.savez(handle, **arrays))


def load_scratch(path: Path) -> tuple[dict[str, np.ndarray], dict[str, Any], dict[str, Any]]:
    """``(model_state, optimizer_state, meta)`` from ``save_scratch``'s file, without pickle."""
    prefix = "optimizer.state."
    with np.load(path, allow_pickle=False) as npz:
        header = json.loads(str(npz["header"]))
        model_state = {key[len("model.") :]: npz[key] for key in npz.files if key.startswith("model.")}
        state: dict[int, dict[str, Any]] = {}
        for key in npz.files:
            if key.startswith(prefix):
                index, name = key[len(prefix) :].split(".", 1)
                state.setdefault(int(index), {})[name] = npz[key]
    for index, entry in header["optimizer_scalars"].items():
        state.setdefault(int(index), {}).update(entry)
    optimizer_state = {"state": dict(sorted(state.items())), "param_groups": header["param_groups"]}
    return model_state, optimizer_state, header["meta"]


def save_torch(
    path: Path, model_state: dict[str, torch.Tensor], optimizer_state: dict[str, Any], meta: dict[str, Any]
) -> None:
    """``torch.save`` of the two state dicts and ``meta`` as a JSON string (all ``weights_only``-safe)."""
    payload = {"model": model_state, "optimizer": optimizer_state, "meta": json.dumps(meta)}
    atomic_write(path, lambda handle: torch.save(payload, handle))


def load_torch(
    path: Path, map_location: str | torch.device = "cpu"
) -> tuple[dict[str, torch.Tensor], dict[str, Any], dict[str, Any]]:
    """``(model_state, optimizer_state, meta)`` with ``torch.load(weights_only=True)``."""
    payload = torch.load(path, map_location=map_location, weights_only=True)
    return payload["model"], payload["optimizer"], json.loads(payload["meta"])

"""Checkpoints of both twins, committed as a pair, readable without pickle.

A checkpoint holds the model's state dict, the optimizer's state dict (torch's layout in both twins),
and ``meta``: the epoch and step reached, the generators' states, the history so far and the config,
as JSON.

* scratch: ``<twin>/checkpoint-<n>.npz``, read with ``np.load(path, allow_pickle=False)``: arrays under
  flat keys (``model.0.weight``, ``optimizer.state.0.exp_avg``) and one JSON string, ``header``, for the
  rest;
* torch: ``<twin>/checkpoint-<n>.pt``, read with ``torch.load(path, weights_only=True)``: tensors, plain
  Python values and the same JSON ``meta``.

**The pair.** The twins must resume from the same step, so their files are committed together: both are
written (each atomically, under a new number ``n``), then one pointer, ``<experiment>/checkpoint.json``,
is switched to them with one atomic rename. The pointer also names the previous pair, which is kept; older
files are deleted. A kill at any moment leaves the pointer naming a complete pair. Reading refuses, with
``CheckpointError`` and the reason, anything that is not such a file.
"""

from __future__ import annotations

import json
import math
import warnings
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import torch

from twin_nets.atomic import atomic_write

POINTER = "checkpoint.json"
SUFFIXES = {"scratch": ".npz", "torch": ".pt"}
LEGACY_NAMES = {"scratch": "checkpoint.npz", "torch": "checkpoint.pt"}  # before pairs were committed
OPTIMIZER_PREFIX = "optimizer.state."


class CheckpointError(ValueError):
    """A checkpoint file that cannot be used; the message is the reason (the caller names the file)."""


# ---------------------------------------------------------------------------------- the two formats
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
                arrays[f"{OPTIMIZER_PREFIX}{index}.{key}"] = value
            else:
                scalars.setdefault(str(index), {})[key] = value
    header = {"meta": meta, "optimizer_scalars": scalars, "param_groups": optimizer_state["param_groups"]}
    arrays["header"] = np.array(json.dumps(header, allow_nan=False))
    atomic_write(path, lambda handle: np.savez(handle, **arrays))


def _json(text: Any, what: str) -> Any:
    if not isinstance(text, str):
        raise CheckpointError(f"{what} is not a JSON string")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise CheckpointError(f"{what} is not JSON ({error.msg} at character {error.pos})") from error


def _damage(path: Path, kind: str) -> str:
    """What is wrong with a file the loader refused, in our words: the libraries' own messages would
    suggest loading it with pickle allowed, which is never the fix for a damaged checkpoint."""
    size = path.stat().st_size if path.is_file() else 0
    if size == 0:
        return "the file is empty"
    if not zipfile.is_zipfile(path):
        return f"its {size} bytes are not {kind} written by train.py (truncated, edited or another file)"
    return f"the archive ({size} bytes) is damaged or holds entries that would need pickle to load"


_NPY_HEADERS = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}


def _check_npy_sizes(path: Path) -> None:
    """Every array's size as its ``.npy`` header declares it, checked against the bytes the archive holds
    for it, from the headers alone, before any array is read: a crafted header (shape (10⁶, 10⁶)) would
    otherwise have ``np.load`` allocate terabytes. A file that is no zip archive is left to ``np.load``."""
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile, ValueError):
        return
    with archive:
        for info in archive.infolist():
            if not info.filename.endswith(".npy"):
                continue
            try:
                with archive.open(info) as member:
                    version = np.lib.format.read_magic(member)
                    if version not in _NPY_HEADERS:
                        raise CheckpointError(f"its entry {info.filename} is a .npy of version {version}")
                    shape, _, dtype = _NPY_HEADERS[version](member)
                    held = info.file_size - member.tell()
            except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
                if isinstance(error, CheckpointError):
                    raise
                raise CheckpointError(f"its entry {info.filename} has no readable array header") from error
            declared = math.prod(shape) * dtype.itemsize
            if not dtype.hasobject and declared != held:
                raise CheckpointError(
                    f"its entry {info.filename} declares shape {shape} of {dtype} ({declared:,} bytes) "
                    f"but holds {held:,} bytes"
                )


def load_scratch(path: Path) -> tuple[dict[str, np.ndarray], dict[str, Any], dict[str, Any]]:
    """``(model_state, optimizer_state, meta)`` from ``save_scratch``'s file, without pickle.

    Raises CheckpointError: not an ``.npz``, an entry that needs pickle, no ``header``, a header that is
    not JSON or lacks ``meta``/``optimizer_scalars``/``param_groups``, or a key that is neither.
    """
    _check_npy_sizes(path)  # from the headers, before np.load allocates what they declare
    try:
        with np.load(path, allow_pickle=False) as npz:
            entries = {key: npz[key] for key in npz.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, KeyError) as error:
        reason = _damage(path, "a NumPy .npz archive")
        raise CheckpointError(f"cannot be read as an .npz: {reason}") from error
    if not isinstance(entries, dict) or "header" not in entries:
        raise CheckpointError("it has no 'header' entry")
    header_array = entries.pop("header")
    if header_array.shape != () or header_array.dtype.kind != "U":
        raise CheckpointError(f"its header is a {header_array.dtype} array of shape {header_array.shape}")
    header = _json(str(header_array), "its header")
    if not isinstance(header, dict) or set(header) != {"meta", "optimizer_scalars", "param_groups"}:
        got = sorted(header) if isinstance(header, dict) else type(header).__name__
        raise CheckpointError(f"its header holds {got}, expected meta, optimizer_scalars, param_groups")
    model_state = {key[len("model.") :]: v for key, v in entries.items() if key.startswith("model.")}
    state: dict[int, dict[str, Any]] = {}
    for key, value in entries.items():
        if key.startswith("model."):
            continue
        index, _, name = key[len(OPTIMIZER_PREFIX) :].partition(".")
        if not key.startswith(OPTIMIZER_PREFIX) or not index.isdigit() or not name:
            raise CheckpointError(f"unexpected entry {key!r}")
        state.setdefault(int(index), {})[name] = value
    scalars = header["optimizer_scalars"]
    if not isinstance(scalars, dict):
        raise CheckpointError("its optimizer_scalars are not a mapping")
    for index, entry in scalars.items():
        if not index.isdigit() or not isinstance(entry, dict):
            raise CheckpointError(f"optimizer_scalars entry {index!r} is not a parameter's state")
        state.setdefault(int(index), {}).update(entry)
    optimizer_state = {"state": dict(sorted(state.items())), "param_groups": header["param_groups"]}
    return model_state, optimizer_state, header["meta"]


def save_torch(
    path: Path, model_state: dict[str, torch.Tensor], optimizer_state: dict[str, Any], meta: dict[str, Any]
) -> None:
    """``torch.save`` of the two state dicts and ``meta`` as a JSON string (all ``weights_only``-safe)."""
    payload = {"model": model_state, "optimizer": optimizer_state, "meta": json.dumps(meta, allow_nan=False)}
    atomic_write(path, lambda handle: torch.save(payload, handle))


def load_torch(
    path: Path, map_location: str | torch.device = "cpu"
) -> tuple[dict[str, torch.Tensor], dict[str, Any], dict[str, Any]]:
    """``(model_state, optimizer_state, meta)`` with ``torch.load(weights_only=True)``.

    Raises CheckpointError: not a torch file, something ``weights_only`` refuses, or a payload other than
    ``{"model", "optimizer", "meta"}`` with a JSON ``meta``.
    """
    try:
        with warnings.catch_warnings():  # e.g. a raw pickle's "Detected pickle protocol 4": refused below
            warnings.simplefilter("ignore")
            payload = torch.load(path, map_location=map_location, weights_only=True)
    except Exception as error:  # torch raises RuntimeError, UnpicklingError, EOFError, zip errors, …
        reason = _damage(path, "a torch.save archive")
        raise CheckpointError(f"cannot be read by torch.load: {reason}") from error
    if not isinstance(payload, dict) or set(payload) != {"model", "optimizer", "meta"}:
        got = sorted(map(str, payload)) if isinstance(payload, dict) else type(payload).__name__
        raise CheckpointError(f"it holds {got}, expected meta, model, optimizer")
    model, optimizer = payload["model"], payload["optimizer"]
    if not isinstance(model, Mapping) or not isinstance(optimizer, Mapping):
        raise CheckpointError("its model or optimizer entry is not a state dict")
    if set(optimizer) != {"state", "param_groups"} or not isinstance(optimizer["state"], Mapping):
        raise CheckpointError(f"its optimizer state dict holds {sorted(map(str, optimizer))}")
    return dict(model), dict(optimizer), _json(payload["meta"], "its meta")


# ------------------------------------------------------------------------------------------ the pair
def read_pointer(root: Path) -> dict[str, Any] | None:
    """The pointer's content, or None when there is none. Raises CheckpointError when it is unreadable."""
    path = root / POINTER
    if not path.is_file():
        return None
    try:
        pointer = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CheckpointError(f"cannot be read as JSON ({error})") from error
    files = pointer.get("files") if isinstance(pointer, dict) else None
    if not isinstance(files, dict) or not isinstance(pointer.get("number"), int):
        raise CheckpointError("it does not name a pair of checkpoint files")
    return pointer


def pair_files(root: Path, impls: tuple[str, ...]) -> dict[str, Path]:
    """The files of the committed pair (the pointer's; or, for a run made before pairs, the fixed names).

    Raises CheckpointError (naming nothing but the reason) when the pointer is unreadable, names a file
    outside the experiment, or lacks one of ``impls``; FileNotFoundError when there is no checkpoint.
    """
    pointer = read_pointer(root)
    if pointer is None:
        legacy = {impl: root / impl / LEGACY_NAMES[impl] for impl in impls}
        if all(path.is_file() for path in legacy.values()):
            return legacy
        raise FileNotFoundError(f"no checkpoint in {root} to resume from")
    files = {}
    for impl in impls:
        name = pointer["files"].get(impl)
        if (
            not isinstance(name, str)
            or Path(name).parent != Path(impl)
            or Path(name).suffix != SUFFIXES[impl]
        ):
            raise CheckpointError(f"it names no {impl} checkpoint ({name!r})")
        files[impl] = root / name
    return files


def commit_pair(root: Path, writers: Mapping[str, Callable[[Path], None]], step: int) -> dict[str, Path]:
    """Write every twin's checkpoint under a new number, then switch the pointer to them (atomically);
    keep the previous pair and delete older files. ``writers[impl](path)`` writes one file."""
    try:
        pointer = read_pointer(root)
    except CheckpointError:
        pointer = None  # an unreadable pointer is replaced; the files it named are kept
    number = pointer["number"] + 1 if pointer else 1
    files = {impl: root / impl / f"checkpoint-{number:06d}{SUFFIXES[impl]}" for impl in writers}
    for impl, write in writers.items():
        write(files[impl])
    relative = {impl: path.relative_to(root).as_posix() for impl, path in files.items()}
    previous = pointer["files"] if pointer else None
    content = {"number": number, "global_step": step, "files": relative, "previous": previous}
    data = json.dumps(content, indent=2).encode()
    atomic_write(root / POINTER, lambda handle: handle.write(data))
    keep = {*relative.values(), *(previous or {}).values()}
    for impl in writers:
        for old in (root / impl).glob("checkpoint-*"):
            if old.relative_to(root).as_posix() not in keep and old.suffix == SUFFIXES[impl]:
                old.unlink(missing_ok=True)
    return files

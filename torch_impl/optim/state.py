"""Moving optimizer state from the NumPy twin into the torch twin.

A scratch optimizer's ``state_dict()`` has torch's layout and keys, but its state values are NumPy arrays
and ``step`` is a float. ``torch.optim.Optimizer.load_state_dict`` casts only tensors (an array would be
rebuilt element by element, wrongly) and most optimizers expect ``step`` as a tensor, so
``state_dict_to_torch`` converts them. The other direction needs nothing:
``scratch.optim.Optimizer.load_state_dict`` accepts a torch state dict as it is.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import numpy as np
import torch


def _scalar_dtype() -> torch.dtype:
    # torch keeps ``step`` as a float32 tensor unless the default dtype is float64 (optimizer.py).
    return torch.float64 if torch.get_default_dtype() == torch.float64 else torch.float32


def state_dict_to_torch(state_dict: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of an optimizer state dict with every array a tensor and every ``step`` a 0-d tensor.

    The result loads into the torch twin (``optimizer.load_state_dict``) and saves with ``torch.save``
    for ``torch.load(..., weights_only=True)``. Tensors already present are cloned.
    """

    def convert(key: Any, value: Any) -> Any:
        if isinstance(value, torch.Tensor):
            return value.detach().clone()
        if key == "step":
            return torch.tensor(float(value), dtype=_scalar_dtype())
        if isinstance(value, np.ndarray):
            return torch.from_numpy(np.array(value, copy=True))
        return copy.deepcopy(value)

    return {
        "state": {
            index: {key: convert(key, value) for key, value in entry.items()}
            for index, entry in state_dict["state"].items()
        },
        "param_groups": copy.deepcopy(list(state_dict["param_groups"])),
    }

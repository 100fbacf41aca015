"""Moving weights from the NumPy twin into the torch twin.

A scratch ``state_dict()`` has torch's keys, shapes and layout, but its values are NumPy arrays, and
``torch.nn.Module.load_state_dict`` accepts only tensors. ``load_numpy_state_dict`` converts and loads,
keeping torch's own checks (missing, unexpected and mis-shaped entries raise, naming them). The other
direction needs nothing here: ``scratch.nn.Module.load_state_dict`` accepts tensors as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import torch
from torch import nn


def tensors_from_numpy(state_dict: Mapping[str, Any]) -> dict[str, torch.Tensor]:
    """``{key: tensor}`` from ``{key: ndarray | number | tensor}``; arrays keep their dtype.

    Example:
        >>> import numpy as np
        >>> tensors_from_numpy({"weight": np.ones(2, dtype=np.float32)})["weight"].dtype
        torch.float32
    """
    return {
        key: value if isinstance(value, torch.Tensor) else torch.from_numpy(np.array(value, copy=True))
        for key, value in state_dict.items()
    }


def load_numpy_state_dict(module: nn.Module, state_dict: Mapping[str, Any], strict: bool = True) -> Any:
    """``module.load_state_dict`` for a state dict of NumPy arrays (e.g. a scratch twin's).

    Example:
        >>> import numpy as np
        >>> import scratch.nn
        >>> from torch import nn
        >>> scratch_twin = scratch.nn.Linear(3, 2, rng=np.random.default_rng(0))
        >>> torch_twin = nn.Linear(3, 2, dtype=torch.float64)
        >>> load_numpy_state_dict(torch_twin, scratch_twin.state_dict())
        <All keys matched successfully>
        >>> bool((torch_twin.weight.detach().numpy() == scratch_twin.weight.data).all())
        True
    """
    return module.load_state_dict(tensors_from_numpy(state_dict), strict=strict)

"""C4.1-init-xavier, the seed's form in torch: N(0, σ²) with σ = 2 / √(n + m) (seed §4.1).

Torch has only Glorot's σ = √(2 / (n + m)) (``torch.nn.init.xavier_normal_``); this is the twin of
``scratch.nn.init.seed_xavier_normal_``, where the difference (a factor √2) is explained.
"""

from __future__ import annotations

import math

import torch
from torch import nn


def seed_xavier_normal_(tensor: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    """Fill ``tensor`` in place with N(0, (2/√(fan_in + fan_out))²) using ``tensor.normal_``; return it."""
    fan_in, fan_out = nn.init._calculate_fan_in_and_fan_out(tensor)
    with torch.no_grad():
        return tensor.normal_(0.0, 2.0 / math.sqrt(fan_in + fan_out), generator=generator)

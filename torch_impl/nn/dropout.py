r"""C4.2-dropout: a torch dropout whose masks come from a NumPy generator, for paired training (seed §4.2).

``torch.nn.Dropout`` (re-exported by ``torch_impl.nn``) draws its masks from torch's RNG, whose stream
no NumPy generator can reproduce. ``SharedMaskDropout`` is torch dropout with the mask drawn the way
``scratch.nn.Dropout`` draws it, so a scratch twin and a torch twin built from one seed drop the same
units at every step. The math is in ``scratch.nn.dropout``.
"""

from __future__ import annotations

import numbers

import numpy as np
import torch
from torch import nn


class SharedMaskDropout(nn.Module):
    r"""C4.2-dropout: 드롭아웃 (Dropout), seed §4.2

    ``torch.nn.Dropout``'s computation with a keep-mask drawn from a NumPy generator.

    Forward in training with 0 < p < 1: ``keep_mask = rng.random(tuple(x.shape)) >= p`` — the very call
    ``scratch.nn.Dropout`` makes (float64 uniforms, one per element, C order, one draw per forward) —
    then torch's CPU dropout: ``noise = keep_mask.to(x.dtype).div_(1 − p)``, ``y = x * noise``, so
    autograd gives ∂E/∂x = g ⊙ noise. p = 0 and eval return x, p = 1 returns ``x * 0``; none of these
    draw, as in the scratch twin, so two generators from one seed stay in step.

    Args:
        p: drop probability, default 0.5; outside [0, 1] raises ValueError as ``torch.nn.Dropout``.
        rng: the NumPy generator the masks come from (required: sharing it is the point).

    The NumPy draw is plain data (a boolean array), not scratch's math; see ``scratch.nn.Dropout`` for
    the math and ``torch.nn.Dropout`` for the torch-RNG version.

    Example:
        >>> import numpy as np
        >>> import torch
        >>> import scratch.nn
        >>> torch_twin = SharedMaskDropout(0.5, rng=np.random.default_rng(7))
        >>> scratch_twin = scratch.nn.Dropout(0.5, rng=np.random.default_rng(7))
        >>> x = np.arange(1.0, 9.0)
        >>> torch_twin(torch.from_numpy(x)).tolist() == scratch_twin(x).tolist()   # the same units dropped
        True
    """

    def __init__(self, p: float = 0.5, *, rng: np.random.Generator) -> None:
        super().__init__()
        if isinstance(p, bool) or not isinstance(p, numbers.Real):
            raise TypeError(f"SharedMaskDropout: expected p to be a real number in [0, 1], got {p!r}")
        if not 0 <= p <= 1:
            raise ValueError(f"SharedMaskDropout: dropout probability has to be between 0 and 1, but got {p}")
        if not isinstance(rng, np.random.Generator):
            raise TypeError(
                f"SharedMaskDropout: expected rng to be a numpy.random.Generator, got {type(rng).__name__}"
            )
        self.p = float(p)
        self.rng = rng

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0:
            return x
        if self.p == 1:
            return x * torch.zeros((), dtype=x.dtype, device=x.device)
        keep_mask = self.rng.random(tuple(x.shape)) >= self.p  # P(keep) = 1 − p
        noise = torch.from_numpy(keep_mask).to(device=x.device, dtype=x.dtype)
        noise.div_(1 - self.p)
        return x * noise

    def extra_repr(self) -> str:
        return f"p={self.p}"

r"""C3.2.3-clip-grad: gradient clipping by the total norm, the standard cure for exploding gradients
(seed §3.2.3). The twin of ``torch.nn.utils.clip_grad_norm_`` (torch/nn/utils/clip_grad.py)."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from scratch.nn.module import Parameter


def clip_grad_norm_(
    parameters: Parameter | Iterable[Parameter],
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
) -> np.ndarray:
    r"""C3.2.3-clip-grad: 기울기 클리핑 (gradient clipping by norm), seed §3.2.3

    §3.2.3's vanishing gradient has a mirror image: a product of many Jacobians larger than 1 explodes
    (an RNN unrolled over many steps, week 3). Clipping rescales every gradient together, so the step
    keeps its direction and only its length is capped.

    Math:      ‖g‖ = ( Σ_p ‖g_p‖_q^q )^{1/q}  over all parameters p    (q = ``norm_type``; q = ∞: max |g|)
               coef = min(1, max_norm / (‖g‖ + 1e-6)),     g_p ← coef · g_p   in place, for every p
    Returns:   ‖g‖ before clipping (a 0-d array of the gradients' dtype).
    Args:
        parameters: a Parameter or an iterable of them (``model.parameters()``).
        max_norm: the largest total norm allowed.
        norm_type: q (default 2.0); ``float('inf')`` for the largest entry.
        error_if_nonfinite: raise when ‖g‖ is nan or inf (default False: the gradients become nan).
    Differs from torch: the 1e-6 is torch's; the product with coef = 1 is done too, as torch does, so
    nothing is skipped. The ``foreach`` speed flag has no NumPy counterpart.

    Example:
        >>> import numpy as np
        >>> w = Parameter(np.zeros(2)); w.grad[:] = [3.0, 4.0]
        >>> float(clip_grad_norm_([w], max_norm=1.0)), w.grad.round(6).tolist()
        (5.0, [0.6, 0.8])
    """
    parameters = [parameters] if isinstance(parameters, Parameter) else list(parameters)
    grads = [p.grad for p in parameters if p.grad is not None]
    norm_type = float(norm_type)
    if not grads:
        return np.asarray(0.0)
    dtype = grads[0].dtype
    if norm_type == math.inf:
        norms = np.array([np.max(np.abs(g), initial=0.0) for g in grads], dtype=dtype)
        total_norm = np.max(norms)
    else:
        norms = np.array([np.linalg.norm(g.ravel(), ord=norm_type) for g in grads], dtype=dtype)
        total_norm = np.linalg.norm(norms, ord=norm_type)
    total_norm = np.asarray(total_norm, dtype=dtype)
    if error_if_nonfinite and not np.isfinite(total_norm):
        raise RuntimeError(
            f"clip_grad_norm_: the total norm of order {norm_type} of the gradients is non-finite "
            f"({float(total_norm)}), so it cannot be clipped; set error_if_nonfinite=False to go on"
        )
    coef = np.minimum(dtype.type(max_norm) / (total_norm + dtype.type(1e-6)), dtype.type(1.0))
    with np.errstate(invalid="ignore"):  # a non-finite norm leaves nan gradients, silently, as torch does
        for g in grads:
            g *= coef
    return total_norm

"""C2.2-mlp: the torch twin of the MLP builder — the same ``MLPSpec``, built with ``torch.nn``.

``build_mlp(spec)`` returns an ``nn.Sequential`` with exactly the scratch twin's layers and state-dict
keys (see ``scratch.models.mlp`` for the layout and the math). Its initial weights are torch's own
random draw and are meant to be replaced: the paired run draws them once with the scratch init and
loads them here with ``load_state_dict`` (``torch_impl.nn.state.load_numpy_state_dict``).
"""

from __future__ import annotations

import itertools

import numpy as np
import torch
from torch import nn

from scratch.models.mlp import ACTIVATIONS, NORMS, MLPSpec


def _dropout(p: float, dropout_rng: np.random.Generator | None) -> nn.Module:
    """``nn.Dropout(p)``, or the mask-sharing twin when a NumPy generator is given."""
    if dropout_rng is None:
        return nn.Dropout(p)
    try:
        from torch_impl.nn.dropout import SharedMaskDropout
    except ImportError as error:
        raise ImportError(
            "build_mlp: dropout_rng needs torch_impl.nn.dropout.SharedMaskDropout, which is not there yet"
        ) from error
    return SharedMaskDropout(p, rng=dropout_rng)


def build_mlp(
    spec: MLPSpec,
    *,
    dtype: torch.dtype = torch.float64,
    device: str | torch.device = "cpu",
    dropout_rng: np.random.Generator | None = None,
) -> nn.Sequential:
    """C2.2-mlp: ``nn.Sequential(nn.Linear, [nn.BatchNorm1d | nn.LayerNorm], activation, [dropout], …,
    nn.Linear)`` for ``spec``, in ``dtype`` on ``device``.

    Args:
        spec: the layout shared with the scratch twin.
        dtype: of the parameters (default float64, the parity dtype; torch's own default is float32).
        device: where the parameters live (default "cpu").
        dropout_rng: when given, every dropout layer is a ``SharedMaskDropout`` drawing its masks from
            this NumPy generator, so it matches ``scratch.nn.Dropout`` with a generator in the same state;
            when None, torch's ``nn.Dropout``.
    """
    if not isinstance(spec, MLPSpec):
        raise TypeError(f"build_mlp: expected spec to be an MLPSpec, got {type(spec).__name__}")
    layers: list[nn.Module] = []
    pairs = list(itertools.pairwise(spec.sizes))
    for index, (n, m) in enumerate(pairs):
        layers.append(nn.Linear(n, m, bias=spec.linear_bias(index)))
        if index == len(pairs) - 1:
            break
        if spec.norm is not None:
            layers.append(getattr(nn, NORMS[spec.norm])(m))
        layers.append(getattr(nn, ACTIVATIONS[spec.activation])())
        if spec.dropout > 0:
            layers.append(_dropout(spec.dropout, dropout_rng))
    return nn.Sequential(*layers).to(device=device, dtype=dtype)

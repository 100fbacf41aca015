"""C2.2-mlp: 다층 퍼셉트론 (multi-layer perceptron), seed §2.2 — the torch twin of the MLP builder: the
same ``MLPSpec``, built with ``torch.nn``.

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

from scratch.models.mlp import ACTIVATIONS, INIT_SCHEMES, NORMS, MLPSpec
from torch_impl.models import seed_init


def init_linear_(layer: nn.Linear, scheme: str, generator: torch.Generator | None = None) -> None:
    """C2.2-mlp: 다층 퍼셉트론 (multi-layer perceptron), seed §2.2 — the twin of scratch's
    ``init_linear_``: redraw ``layer.weight`` by ``scheme`` of ``INIT_SCHEMES`` with ``torch.nn.init``
    (its own ``generator``) and zero the bias; "default" is ``reset_parameters`` (torch's global RNG).

    Example:
        >>> layer = nn.Linear(3, 2, dtype=torch.float64)
        >>> init_linear_(layer, "zeros")
        >>> layer.weight.abs().max().item(), layer.bias.tolist()
        (0.0, [0.0, 0.0])
    """
    if scheme not in INIT_SCHEMES:
        raise ValueError(f"init_linear_: expected scheme in {tuple(INIT_SCHEMES)}, got {scheme!r}")
    if scheme == "default":
        layer.reset_parameters()
        return
    spec = INIT_SCHEMES[scheme]
    function = getattr(nn.init, spec.function, None) or getattr(seed_init, spec.function)
    draw = {} if scheme == "zeros" else {"generator": generator}  # zeros_ draws nothing
    function(layer.weight, **spec.kwargs, **draw)
    if layer.bias is not None:
        nn.init.zeros_(layer.bias)


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
    """C2.2-mlp: 다층 퍼셉트론 (multi-layer perceptron), seed §2.2 — ``nn.Sequential(nn.Linear,
    [nn.BatchNorm1d | nn.LayerNorm], activation, [dropout], …, nn.Linear)`` for ``spec``, in ``dtype``
    on ``device``.

    Args:
        spec: the layout shared with the scratch twin.
        dtype: of the parameters (default float64, the parity dtype; torch's own default is float32).
        device: where the parameters live (default "cpu").
        dropout_rng: when given, every dropout layer is a ``SharedMaskDropout`` drawing its masks from
            this NumPy generator, so it matches ``scratch.nn.Dropout`` with a generator in the same state;
            when None, torch's ``nn.Dropout``.

    Example:
        >>> model = build_mlp(MLPSpec((8, 10, 3)))
        >>> model
        Sequential(
          (0): Linear(in_features=8, out_features=10, bias=True)
          (1): ReLU()
          (2): Linear(in_features=10, out_features=3, bias=True)
        )
        >>> sum(p.numel() for p in model.parameters()), model(torch.zeros(4, 8, dtype=torch.float64)).shape
        (123, torch.Size([4, 3]))
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

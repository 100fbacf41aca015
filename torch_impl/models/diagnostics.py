"""C3.2.3-vanishing, C4.1: per-layer gradient norms and activation statistics of a torch model.

Twin of ``scratch.models.diagnostics`` (the math and the reasons are written there): the same
functions, reading ``param.grad`` filled by autograd and collecting activations from an
``nn.Sequential``.
"""

from __future__ import annotations

import torch
from torch import nn


def layer_gradient_norms(model: nn.Module) -> dict[str, float]:
    """C3.2.3-vanishing: ``{"<name>.weight": ‖weight.grad‖_F}`` for every ``nn.Linear``, input side first
    (``torch.linalg.norm`` of each gradient; a layer that got no gradient counts as 0)."""
    norms = {}
    for name, module in model.named_modules():
        if isinstance(module, nn.Linear):
            grad = module.weight.grad
            key = f"{name}.weight" if name else "weight"
            norms[key] = 0.0 if grad is None else float(torch.linalg.norm(grad))
    if not norms:
        raise ValueError(
            f"layer_gradient_norms: expected a model with Linear layers, got {type(model).__name__}"
        )
    return norms


@torch.no_grad()
def activation_outputs(model: nn.Sequential, x: torch.Tensor) -> list[torch.Tensor]:
    """C4.1: the output of each child of ``model`` that is not an ``nn.Linear``, in order (no graph kept)."""
    if not isinstance(model, nn.Sequential):
        raise TypeError(f"activation_outputs: expected model to be a Sequential, got {type(model).__name__}")
    outputs = []
    for layer in model:
        x = layer(x)
        if not isinstance(layer, nn.Linear):
            outputs.append(x)
    return outputs


def activation_statistics(a: torch.Tensor, low: float, high: float, margin: float = 0.05) -> dict[str, float]:
    """C4.1: ``{"mean", "std", "near_low", "near_high"}`` of one layer's activations (population std;
    near_low / near_high: the share within ``margin`` of ``low`` / ``high``)."""
    if not low < high:
        raise ValueError(f"activation_statistics: expected low < high, got low={low}, high={high}")
    if not margin >= 0:
        raise ValueError(f"activation_statistics: expected margin >= 0, got {margin}")
    a = a.detach()
    return {
        "mean": float(a.mean()),
        "std": float(a.std(correction=0)),
        "near_low": float((a <= low + margin).double().mean()),
        "near_high": float((a >= high - margin).double().mean()),
    }

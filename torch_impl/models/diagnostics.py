"""C3.2.3-vanishing: 기울기 소실 문제 (diagnostics, torch twin), seed §3.2.3

Per-layer gradient norms and activation statistics of a torch model (also for seed §4.1).

Twin of ``scratch.models.diagnostics`` (the math and the reasons are written there): the same
functions, reading ``param.grad`` filled by autograd and collecting activations from an
``nn.Sequential``.
"""

from __future__ import annotations

import torch
from torch import nn


def layer_gradient_norms(model: nn.Module) -> dict[str, float]:
    """C3.2.3-vanishing: 기울기 소실 문제 (per-layer gradient norms), seed §3.2.3

    ``{"<name>.weight": ‖weight.grad‖_F}`` for every ``nn.Linear``, input side first
    (``torch.linalg.norm`` of each gradient; a layer that got no gradient counts as 0).

    Example:
        >>> import torch
        >>> model = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Sigmoid(), torch.nn.Linear(3, 1))
        >>> list(layer_gradient_norms(model).values())  # before any backward
        [0.0, 0.0]
    """
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
    """C4.1-init-normal: 가중치 초기화 (activation outputs), seed §4.1

    The output of each child of ``model`` that is not an ``nn.Linear``, in order (no graph kept).

    Example:
        >>> import torch
        >>> model = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Tanh())
        >>> [tuple(a.shape) for a in activation_outputs(model, torch.zeros(4, 2))]
        [(4, 3)]
    """
    if not isinstance(model, nn.Sequential):
        raise TypeError(f"activation_outputs: expected model to be a Sequential, got {type(model).__name__}")
    outputs = []
    for layer in model:
        x = layer(x)
        if not isinstance(layer, nn.Linear):
            outputs.append(x)
    return outputs


def activation_statistics(a: torch.Tensor, low: float, high: float, margin: float = 0.05) -> dict[str, float]:
    """C4.1-init-normal: 가중치 초기화 (activation statistics), seed §4.1

    ``{"mean", "std", "near_low", "near_high"}`` of one layer's activations (population std;
    near_low / near_high: the share within ``margin`` of ``low`` / ``high``, the margin included).

    Example:
        >>> import torch
        >>> stats = activation_statistics(torch.tensor([0.25, 0.5, 0.75, 0.875]), 0.0, 1.0, margin=0.25)
        >>> stats["near_low"], stats["near_high"]
        (0.25, 0.5)
    """
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

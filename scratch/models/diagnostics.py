r"""C3.2.3-vanishing: 기울기 소실 문제 (what to measure inside a deep network), seed §3.2.3

Also for seed §4.1 (weight initialisation).

Two questions of the seed are answered by looking inside a trained-or-not network:

* Does the gradient reach the first layer (§3.2.3)? ``layer_gradient_norms`` gives ‖∂E/∂W_k‖ for every
  Linear layer k, input side first. With sigmoid each layer multiplies the backward signal by
  σ′ ≤ 1/4 (times the weights), so the norms fall geometrically towards the input.
* Do the hidden activations keep their spread (§4.1)? ``activation_outputs`` collects each
  activation's output; ``activation_statistics`` summarises one: mean, standard deviation and the
  share of values piled up near the ends of the activation's range (sigmoid's 0 and 1).

These read a model; they change nothing in it.
"""

from __future__ import annotations

import numpy as np

from scratch.nn.checks import check_floating
from scratch.nn.linear import Linear
from scratch.nn.module import Module, Sequential


def layer_gradient_norms(model: Module) -> dict[str, float]:
    r"""C3.2.3-vanishing: 기울기 소실 문제 (per-layer gradient norms), seed §3.2.3

    The Frobenius norm ‖∂E/∂W‖ of every Linear layer's weight gradient.

    Math:      ‖G‖_F = √(Σ_ij G_ij²),  G = ``weight.grad`` (as accumulated by the last backward)
    Returns:   ``{"<module name>.weight": norm}``, in the model's order (input side first) — the keys of
               the weight in ``state_dict()``.
    Raises:    ValueError when the model has no Linear layer.

    Example:
        >>> import numpy as np
        >>> from scratch import nn
        >>> model = nn.Sequential(nn.Linear(2, 3), nn.Sigmoid(), nn.Linear(3, 1))
        >>> model.load_state_dict({k: np.ones_like(v) for k, v in model.state_dict().items()}).missing_keys
        []
        >>> _ = model(np.ones((1, 2))); _ = model.backward(np.ones((1, 1)))
        >>> norms = layer_gradient_norms(model)  # z = 3 in each hidden unit: σ′(3) ≈ 0.045
        >>> {k: round(v, 4) for k, v in norms.items()}  # the first layer's is 15 times smaller
        {'0.weight': 0.1107, '2.weight': 1.6499}
    """
    norms = {
        f"{name}.weight" if name else "weight": float(np.linalg.norm(module.weight.grad))
        for name, module in model.named_modules()
        if isinstance(module, Linear)
    }
    if not norms:
        raise ValueError(
            f"layer_gradient_norms: expected a model with Linear layers, got {type(model).__name__}"
        )
    return norms


def activation_outputs(model: Sequential, x: np.ndarray) -> list[np.ndarray]:
    """C4.1-init-normal: 가중치 초기화 (activation outputs), seed §4.1

    Run ``model`` on ``x`` and return the output of each child that is not a Linear layer (the
    activations, in order). The forward caches are left as a normal forward leaves them.

    Example:
        >>> import numpy as np
        >>> from scratch import nn
        >>> model = nn.Sequential(nn.Linear(2, 3, rng=np.random.default_rng(0)), nn.Tanh())
        >>> [a.shape for a in activation_outputs(model, np.zeros((4, 2)))]
        [(4, 3)]
    """
    if not isinstance(model, Sequential):
        raise TypeError(f"activation_outputs: expected model to be a Sequential, got {type(model).__name__}")
    check_floating("activation_outputs", "x", x)
    outputs = []
    for layer in model:
        x = layer(x)
        if not isinstance(layer, Linear):
            outputs.append(x)
    return outputs


def activation_statistics(a: np.ndarray, low: float, high: float, margin: float = 0.05) -> dict[str, float]:
    r"""C4.1-init-normal: 가중치 초기화 (activation statistics), seed §4.1

    Mean, standard deviation and saturation of one layer's activations.

    Math:      near_low  = share of values a ≤ low + margin,   near_high = share of values a ≥ high − margin
               (``low`` and ``high`` are the ends of the activation's range: 0 and 1 for sigmoid,
               −1 and 1 for tanh; for ReLU use low = 0 and high = inf: near_low is then the share of
               units at or near 0)
    Returns:   ``{"mean", "std", "near_low", "near_high"}`` as floats (std is the population std).

    Example:
        A value exactly at low + margin or high − margin counts as saturated:

        >>> import numpy as np
        >>> stats = activation_statistics(np.array([0.25, 0.5, 0.75, 0.875]), 0.0, 1.0, margin=0.25)
        >>> stats["near_low"], stats["near_high"]
        (0.25, 0.5)
    """
    check_floating("activation_statistics", "a", a)
    if not low < high:
        raise ValueError(f"activation_statistics: expected low < high, got low={low}, high={high}")
    if not margin >= 0:
        raise ValueError(f"activation_statistics: expected margin >= 0, got {margin}")
    return {
        "mean": float(a.mean()),
        "std": float(a.std()),
        "near_low": float(np.mean(a <= low + margin)),
        "near_high": float(np.mean(a >= high - margin)),
    }

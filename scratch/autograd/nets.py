r"""C3.2-autograd: the project's networks and losses written as expressions over tensors (seed §3.2).

``scratch.nn`` computes a network's gradient layer by layer, each layer with a backward written by hand.
Here the same network is one expression over ``scratch.autograd.Tensor`` s: no layer has a backward,
the engine records the ops and walks them back. The functions use only methods that ``torch.Tensor``
has too (``@``, ``+``, ``.T``, ``.sigmoid()``, ``.mean(dim=0, keepdim=True)``, ``.where(c, y)``,
``.clamp(max=0)``, ``.log_softmax(dim=1)``, indexing), so each expression runs unchanged on either
twin's tensors.

``model_expression(model, x, params)`` reads a scratch model's layout (a ``Sequential`` from the MLP
builder or the perceptron chapter, a ``Perceptron``, a one-neuron model of ``scratch.models.supervised``)
and writes it with these functions, with the weights in ``params`` (``parameters_of(model)``);
``loss_expression(loss, input, target)`` does the same for a loss module.

Example:
    >>> from scratch.models.mlp import MLPSpec, build_mlp
    >>> model = build_mlp(MLPSpec((3, 4, 2), "tanh"), np.random.default_rng(0))
    >>> params = parameters_of(model)
    >>> x = np.random.default_rng(1).standard_normal((5, 3))
    >>> E = cross_entropy(model_expression(model, Tensor(x), params), np.array([0, 1, 1, 0, 1]))
    >>> E.backward()
    >>> sorted(params), params["0.weight"].grad.shape
    (['0.bias', '0.weight', '2.bias', '2.weight'], (4, 3))
"""

from __future__ import annotations

from typing import Any

import numpy as np

from scratch import nn
from scratch.autograd.tensor import Tensor
from scratch.models.perceptron import Perceptron
from scratch.models.supervised import LinearRegression, LogisticRegression


# ---------------------------------------------------------------------------------------------- layers
def linear(x: Any, weight: Any, bias: Any = None) -> Any:
    """C3.1-forward: y = x Wᵀ + b; the engine's MatMul, Transpose and Add nodes."""
    y = x @ weight.T
    return y if bias is None else y + bias


def step(x: Any) -> Any:
    """C3.1.1-step: [x > 0] + 0·x — the step's value, and a local derivative of 0 that keeps the graph
    connected, so every weight gets an exact zero gradient (as ``nn.Step``'s backward)."""
    return 0 * x + (x > 0)


def leaky_relu(x: Any, negative_slope: float = 0.01) -> Any:
    """C3.1.1-leaky-relu: x where x > 0, else αx; at x = 0 the gradient is α, as torch's."""
    return x.where(x > 0, x * negative_slope)


def elu(x: Any, alpha: float = 1.0) -> Any:
    """C3.1.1-elu: x where x > 0, else α(eˣ − 1); the branch sees x only where x ≤ 0 (0 elsewhere), so eˣ
    cannot overflow in the branch not taken, and at x = 0 the gradient is α e⁰ = α, as torch's (a clamp
    at max=0 would block it there)."""
    negative = x.where(x <= 0, x * 0)  # min(x, 0), with the gradient passing at x = 0
    return x.where(x > 0, (negative.exp() - 1) * alpha)


def prelu(x: Any, weight: Any) -> Any:
    """C3.1.1-prelu: x where x > 0, else a·x; a (1,) or (C,) broadcasts over the rows, so the engine
    sums its gradient over them."""
    return x.where(x > 0, x * weight)


def batch_norm(
    x: Any, weight: Any = None, bias: Any = None, eps: float = 1e-5, running: tuple | None = None
) -> Any:
    r"""C4.3-batchnorm as a graph, node by node (seed §4.3): μ, x − μ, σ², √(σ² + ε), 1/√, x̂, γx̂ + β.

    The engine's walk through these seven nodes is the staged backward; ``nn.BatchNorm1d.backward`` is
    its simplified form. ``running = (running_mean, running_var)``: eval mode, the statistics are
    constants. Shape: x (N, C).
    """
    if running is None:
        mean = x.mean(dim=0, keepdim=True)  # μ, (N, C) -> (1, C)
        centred = x - mean  # x − μ
        variance = (centred * centred).mean(dim=0, keepdim=True)  # σ², biased
        inv_std = 1 / (variance + eps).sqrt()  # 1/√(σ² + ε)
    else:
        centred, inv_std = x - running[0], 1 / np.sqrt(running[1] + eps)
    x_hat = centred * inv_std
    y = x_hat if weight is None else x_hat * weight
    return y if bias is None else y + bias


def layer_norm(x: Any, weight: Any = None, bias: Any = None, eps: float = 1e-5) -> Any:
    """C4.3-layernorm: ``batch_norm``'s graph over each row's features (dim −1), no running statistics."""
    centred = x - x.mean(dim=-1, keepdim=True)
    x_hat = centred / ((centred * centred).mean(dim=-1, keepdim=True) + eps).sqrt()
    y = x_hat if weight is None else x_hat * weight
    return y if bias is None else y + bias


def dropout(x: Any, keep_mask: np.ndarray, p: float) -> Any:
    """C4.2-dropout: x ⊙ m/(1 − p) for a given keep-mask m (a constant: the gradient is g ⊙ m/(1 − p))."""
    return x * (keep_mask.astype(x.dtype) / (1 - p))


# ---------------------------------------------------------------------------------------------- losses
def mse_loss(input: Any, target: Any) -> Any:
    """C3.1.2-mse: mean (ŷ − y)² over every element (torch's default)."""
    return ((input - target) ** 2).mean()


def half_squared_error(input: Any, target: Any) -> Any:
    """C3.1.2-mse, the seed's form: ½ Σ (ŷ − y)²."""
    return 0.5 * ((input - target) ** 2).sum()


def cross_entropy(logits: Any, target: np.ndarray) -> Any:
    """C3.1.2-cross-entropy: −mean log softmax(logits)[n, yₙ] — each row's target class picked by index."""
    return -logits.log_softmax(dim=1)[np.arange(len(target)), target].mean()


def binary_cross_entropy(input: Any, target: Any) -> Any:
    """C3.1.2-cross-entropy, binary: −mean[y log ŷ + (1 − y) log(1 − ŷ)], each log clamped at −100 as
    torch's ``BCELoss``."""
    return -(target * input.log().clamp(min=-100) + (1 - target) * (1 - input).log().clamp(min=-100)).mean()


# ------------------------------------------------------------------------------------- scratch models
def parameters_of(model: nn.Module, requires_grad: bool = True) -> dict[str, Tensor]:
    """Every parameter of ``model`` as a leaf ``Tensor`` (a copy), by its state-dict name."""
    return {name: Tensor(p.data.copy(), requires_grad) for name, p in model.named_parameters()}


def _layer(layer: nn.Module, x: Any, p: dict[str, Any], dropout_rng: np.random.Generator | None) -> Any:
    kind = type(layer).__name__
    if kind == "Linear":
        return linear(x, p["weight"], p.get("bias"))
    if kind in ("ReLU", "Sigmoid", "Tanh"):
        return getattr(x, kind.lower())()
    if kind in ("Step", "LeakyReLU", "ELU", "PReLU"):
        return {
            "Step": lambda: step(x),
            "LeakyReLU": lambda: leaky_relu(x, layer.negative_slope),
            "ELU": lambda: elu(x, layer.alpha),
            "PReLU": lambda: prelu(x, p["weight"]),
        }[kind]()
    if kind == "BatchNorm1d":
        batch = layer.training or not layer.track_running_stats
        running = None if batch else (layer.running_mean, layer.running_var)
        return batch_norm(x, p.get("weight"), p.get("bias"), layer.eps, running)
    if kind == "LayerNorm":
        return layer_norm(x, p.get("weight"), p.get("bias"), layer.eps)
    if kind == "Dropout":
        if not layer.training or layer.p == 0:
            return x
        if dropout_rng is None:
            raise ValueError("model_expression: a model in training mode with Dropout needs dropout_rng")
        return dropout(x, dropout_rng.random(x.shape) >= layer.p, layer.p)  # Dropout's own draw
    raise TypeError(f"model_expression: no expression for layer {kind}")


def model_expression(
    model: nn.Module, x: Any, params: dict[str, Any], dropout_rng: np.random.Generator | None = None
) -> Any:
    """The output of ``model`` on ``x`` as one expression over ``params`` (from ``parameters_of``).

    Args:
        model: a ``Sequential``, ``Perceptron``, ``LogisticRegression`` or ``LinearRegression``; only its
            layout and mode (train/eval, batch norm's running statistics) are read, not its weights.
        x: the input, (N, in_features).
        params: a tensor for every parameter name of ``model``.
        dropout_rng: draws the keep-masks of Dropout layers as ``Dropout`` does (a generator in the state
            of the model's own gives the same masks).
    """
    if isinstance(model, nn.Sequential):
        for index, layer in enumerate(model):
            prefix = f"{index}."
            mine = {name[len(prefix) :]: t for name, t in params.items() if name.startswith(prefix)}
            x = _layer(layer, x, mine, dropout_rng)
        return x
    if isinstance(model, Perceptron):
        return step(x @ params["weight"] + params["bias"])
    if isinstance(model, (LogisticRegression, LinearRegression)):
        z = linear(x, params["linear.weight"], params["linear.bias"])
        return (z.sigmoid() if isinstance(model, LogisticRegression) else z)[:, 0]  # (N, 1) -> (N,)
    raise TypeError(f"model_expression: no expression for model {type(model).__name__}")


def loss_expression(loss: nn.Module, input: Any, target: Any) -> Any:
    """The value of a scratch loss module (default reduction) as an expression."""
    expressions = {  # class name -> (expression, the reduction it computes)
        "MSELoss": (mse_loss, "mean"),
        "HalfSquaredErrorLoss": (half_squared_error, "sum"),
        "CrossEntropyLoss": (cross_entropy, "mean"),
        "BCELoss": (binary_cross_entropy, "mean"),
    }
    kind = type(loss).__name__
    expression, reduction = expressions.get(kind, (None, None))
    if expression is None or loss.reduction != reduction or getattr(loss, "weight", None) is not None:
        raise TypeError(f"loss_expression: no expression for {loss!r}")
    return expression(input, target)

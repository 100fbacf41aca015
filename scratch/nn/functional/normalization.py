r"""C4.3: 배치 정규화 (batch and layer normalization) as functions, forward beside backward (seed §4.3).

The twins of ``torch.nn.functional.batch_norm`` and ``layer_norm``. Each forward returns the output
and a named cache (CS231n's ``batchnorm_forward`` habit); each backward takes g = ∂E/∂y and the cache
and returns (∂E/∂x, ∂E/∂γ, ∂E/∂β). Batch norm's backward is given twice: staged through its graph
node by node (``batch_norm_staged`` / ``batch_norm_backward_staged``, CS231n's ``batchnorm_backward``),
and simplified into one line (``batch_norm_backward``, CS231n's ``batchnorm_backward_alt``); the
docstring of the simplified one derives it from the staged one, and a test holds them equal.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


def _channel_axes(x: np.ndarray) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The axes batch norm averages over and the shape its (C,) statistics broadcast as."""
    return ((0, 2), (1, -1, 1)) if x.ndim == 3 else ((0,), (1, -1))


class BatchNormCache(NamedTuple):
    """What ``batch_norm_backward`` needs: x̂, s = 1/√(σ² + eps) (broadcastable to x), γ (or None) and
    whether μ and σ² were the batch's own (then they depend on every x).

    Example:
        >>> import numpy as np
        >>> batch_norm(np.array([[1.0], [3.0]]), None, None, training=True)[1].batch_stats
        True
    """

    x_hat: np.ndarray
    inv_std: np.ndarray
    weight: np.ndarray | None
    batch_stats: bool


def batch_norm(
    x: np.ndarray,
    running_mean: np.ndarray | None,
    running_var: np.ndarray | None,
    weight: np.ndarray | None = None,
    bias: np.ndarray | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> tuple[np.ndarray, BatchNormCache]:
    r"""C4.3-batchnorm: 배치 정규화 (Batch Normalization), seed §4.3

    Math (per channel c; the average runs over the batch and, for (N, C, L), over L: n = N·L values):
               training:  μ = (1/n) Σ x,   σ² = (1/n) Σ (x − μ)²         (biased: normalises the batch)
               eval:      μ, σ² = running_mean, running_var
               s = 1/√(σ² + eps),   x̂ = (x − μ) s,   y = γ x̂ + β
    State:     in training, when running statistics are given, they move toward the batch's (in place,
               as torch; ``_update_running_stats``, after the backward below)
    Shape:     x (N, C) or (N, C, L);  weight γ, bias β, running_mean, running_var (C,)

    Example:
        >>> import numpy as np
        >>> y, cache = batch_norm(np.array([[1.0], [3.0]]), None, None, training=True, eps=0.0)
        >>> y.tolist()
        [[-1.0], [1.0]]
    """
    axes, shape = _channel_axes(x)
    if training:
        mean = x.mean(axis=axes)  # μ, (C,)
        var = np.square(x - mean.reshape(shape)).mean(axis=axes)  # σ², biased
    else:
        mean, var = running_mean, running_var
    inv_std = 1 / np.sqrt(var + eps)  # s
    x_hat = (x - mean.reshape(shape)) * inv_std.reshape(shape)  # x̂
    y = _scale_and_shift(x, mean, inv_std, weight, bias)  # γ x̂ + β, rounded as torch's kernel rounds it
    if training and running_mean is not None:
        _update_running_stats(running_mean, running_var, mean, var, x.size // x.shape[1], momentum)
    gamma = None if weight is None else weight.reshape(shape)
    return y, BatchNormCache(x_hat, inv_std.reshape(shape), gamma, training)


def batch_norm_backward(
    grad_output: np.ndarray, cache: BatchNormCache
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""(∂E/∂x, ∂E/∂γ, ∂E/∂β) of batch norm, simplified; ⟨·⟩ is the per-channel mean over n values.

    Math:      ∂E/∂β = Σ g,   ∂E/∂γ = Σ g x̂
               training:  ∂E/∂x = γ s (g − ⟨g⟩ − x̂ ⟨g x̂⟩)        (μ and σ² depend on every x)
               eval:      ∂E/∂x = γ s g                           (running statistics are constants)
    Derived from the staged backward (``batch_norm_backward_staged``), with d = ∂E/∂x̂ = γ g:
               x̂ = (x − μ) s gives x a direct term s d, and s and μ a gradient each:
               ∂E/∂s = Σ d (x − μ);  s = (σ² + eps)^(−1/2) gives ∂E/∂σ² = −½ s³ Σ d (x − μ);
               σ² = ⟨(x − μ)²⟩ sends (2/n)(x − μ) ∂E/∂σ² to each x;  ∂E/∂μ = −s Σ d (the σ² path
               adds −(2/n) Σ (x − μ) ∂E/∂σ² = 0, since Σ (x − μ) = 0), sent to each x as (1/n) ∂E/∂μ.
               Summing, with x − μ = x̂/s:  ∂E/∂x = s d − s x̂ ⟨d x̂⟩ − s ⟨d⟩ = γ s (g − ⟨g⟩ − x̂ ⟨g x̂⟩).

    Example:
        >>> import numpy as np
        >>> y, cache = batch_norm(np.array([[1.0], [3.0]]), None, None, training=True, eps=0.0)
        >>> dx, dgamma, dbeta = batch_norm_backward(np.array([[1.0], [1.0]]), cache)
        >>> dx.tolist(), dgamma.tolist(), dbeta.tolist()
        ([[0.0], [0.0]], [0.0], [2.0])
    """
    x_hat, inv_std, gamma, batch_stats = cache
    g = grad_output
    axes = (0, 2) if g.ndim == 3 else (0,)
    n = g.size // g.shape[1]
    gx = g * x_hat
    grad_weight, grad_bias = gx.sum(axis=axes), g.sum(axis=axes)  # Σ g x̂, Σ g
    scale = inv_std if gamma is None else inv_std * gamma  # γ s
    if not batch_stats:
        return g * scale, grad_weight, grad_bias
    g_mean = grad_bias.reshape(inv_std.shape) / n  # ⟨g⟩
    gx_mean = grad_weight.reshape(inv_std.shape) / n  # ⟨g x̂⟩
    return scale * (g - g_mean - x_hat * gx_mean), grad_weight, grad_bias


def _scale_and_shift(
    x: np.ndarray, mean: np.ndarray, inv_std: np.ndarray, weight: np.ndarray | None, bias: np.ndarray | None
) -> np.ndarray:
    """y = γ x̂ + β regrouped as torch's CPU kernel computes it, y = x·(γs) + (β − μγs): one multiply-add
    per element, so the rounding is torch's (γ(x − μ)s + β = x·γs + β − μ·γs)."""
    shape = _channel_axes(x)[1]
    alpha = inv_std if weight is None else inv_std * weight  # γ s
    shift = -mean * alpha if bias is None else bias - mean * alpha  # β − μ γ s
    return x * alpha.reshape(shape) + shift.reshape(shape)


def _update_running_stats(
    running_mean: np.ndarray, running_var: np.ndarray, mean: np.ndarray, var: np.ndarray, n: int, m: float
) -> None:
    """In place, as torch: running ← (1 − m) running + m · (the batch's μ, and its σ² n/(n − 1)):
    running_mean ← (1 − m) running_mean + m μ;  running_var ← (1 − m) running_var + m σ² n/(n − 1)."""
    running_mean[...] = m * mean + (1 - m) * running_mean
    running_var[...] = m * (var * n / (n - 1)) + (1 - m) * running_var


class BatchNormGraph(NamedTuple):
    """Every node of batch norm's graph in training, for the staged backward.

    Example:
        >>> import numpy as np
        >>> graph = batch_norm_staged(np.array([[1.0], [3.0]]), np.ones(1), np.zeros(1), eps=0.0)[1]
        >>> graph.x_mu.tolist(), graph.var.tolist()
        ([[-1.0], [1.0]], [[1.0]])
    """

    x_mu: np.ndarray  # x − μ
    var: np.ndarray  # σ²
    sqrt_var: np.ndarray  # √(σ² + eps)
    inv_std: np.ndarray  # 1/√(σ² + eps)
    x_hat: np.ndarray  # (x − μ) / √(σ² + eps)
    gamma: np.ndarray  # γ, broadcastable to x


def batch_norm_staged(
    x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float = 1e-5
) -> tuple[np.ndarray, BatchNormGraph]:
    r"""C4.3-batchnorm: 배치 정규화 (Batch Normalization), seed §4.3

    Training mode, one node of the graph at a time (for ``batch_norm_backward_staged``).

    Math:      μ = ⟨x⟩ → x − μ → σ² = ⟨(x − μ)²⟩ → √(σ² + eps) → s = 1/√ → x̂ = (x − μ) s → y = γ x̂ + β

    Example:
        >>> import numpy as np
        >>> y, graph = batch_norm_staged(np.array([[1.0], [3.0]]), np.ones(1), np.zeros(1), eps=0.0)
        >>> y.tolist()
        [[-1.0], [1.0]]
    """
    axes, shape = _channel_axes(x)
    mu = x.mean(axis=axes, keepdims=True)
    x_mu = x - mu
    var = np.square(x_mu).mean(axis=axes, keepdims=True)
    sqrt_var = np.sqrt(var + eps)
    inv_std = 1 / sqrt_var
    x_hat = x_mu * inv_std
    gamma = weight.reshape(shape)
    y = gamma * x_hat + bias.reshape(shape)
    return y, BatchNormGraph(x_mu, var, sqrt_var, inv_std, x_hat, gamma)


def batch_norm_backward_staged(
    grad_output: np.ndarray, graph: BatchNormGraph
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""(∂E/∂x, ∂E/∂γ, ∂E/∂β) by the chain rule, node by node in reverse (CS231n's batchnorm_backward).

    Math:      each line is one node's local derivative times the gradient arriving at it; where a
               node feeds two others (x − μ feeds σ² and x̂; x feeds μ and x − μ) the gradients add.

    Example:
        >>> import numpy as np
        >>> y, graph = batch_norm_staged(np.array([[1.0], [3.0]]), np.ones(1), np.zeros(1), eps=0.0)
        >>> dx, dgamma, dbeta = batch_norm_backward_staged(np.array([[1.0], [1.0]]), graph)
        >>> dx.tolist(), dgamma.tolist(), dbeta.tolist()
        ([[0.0], [0.0]], [0.0], [2.0])
    """
    x_mu, _var, sqrt_var, inv_std, x_hat, gamma = graph
    g = grad_output
    axes = (0, 2) if g.ndim == 3 else (0,)
    n = g.size // g.shape[1]
    grad_bias = g.sum(axis=axes)  # y = γ x̂ + β:  ∂E/∂β = Σ g
    grad_weight = (g * x_hat).sum(axis=axes)  # ∂E/∂γ = Σ g x̂
    d_x_hat = g * gamma  # ∂E/∂x̂ = γ g
    d_inv_std = (d_x_hat * x_mu).sum(axis=axes, keepdims=True)  # x̂ = (x − μ) s:  ∂E/∂s = Σ d (x − μ)
    d_x_mu = d_x_hat * inv_std  # ... and ∂E/∂(x − μ) = d s, the first of two paths
    d_sqrt_var = -d_inv_std / sqrt_var**2  # s = 1/r:  ∂s/∂r = −1/r²
    d_var = 0.5 * d_sqrt_var / sqrt_var  # r = √(σ² + eps):  ∂r/∂σ² = 1/(2r)
    d_x_mu = d_x_mu + 2 * x_mu * d_var / n  # σ² = ⟨(x − μ)²⟩: the second path, (2/n)(x − μ)
    d_mu = -d_x_mu.sum(axis=axes, keepdims=True)  # x − μ:  ∂E/∂μ = −Σ ∂E/∂(x − μ)
    grad_input = d_x_mu + d_mu / n  # x feeds x − μ directly, and μ = ⟨x⟩ with weight 1/n
    return grad_input, grad_weight, grad_bias


class LayerNormCache(NamedTuple):
    """What ``layer_norm_backward`` needs: x̂, s = 1/√(σ² + eps) per sample, γ (or None), the axes.

    Example:
        >>> import numpy as np
        >>> layer_norm(np.ones((2, 3, 4)), (3, 4))[1].axes
        (1, 2)
    """

    x_hat: np.ndarray
    inv_std: np.ndarray
    weight: np.ndarray | None
    axes: tuple[int, ...]


def layer_norm(
    x: np.ndarray,
    normalized_shape: tuple[int, ...],
    weight: np.ndarray | None = None,
    bias: np.ndarray | None = None,
    eps: float = 1e-5,
) -> tuple[np.ndarray, LayerNormCache]:
    r"""C4.3-layernorm: 레이어 정규화 (Layer Normalization), seed §4.3

    Math (per sample; the average runs over the D = prod(normalized_shape) trailing values):
               μ = (1/D) Σ x,   σ² = (1/D) Σ (x − μ)²      (biased; no running statistics)
               s = 1/√(σ² + eps),   x̂ = (x − μ) s,   y = γ ⊙ x̂ + β
    Shape:     x (*, *normalized_shape) -> y the same;  weight γ, bias β normalized_shape

    Example:
        >>> import numpy as np
        >>> y, cache = layer_norm(np.array([[1.0, 3.0]]), (2,), eps=0.0)
        >>> y.tolist()
        [[-1.0, 1.0]]
    """
    axes = tuple(range(x.ndim - len(normalized_shape), x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    var = np.square(x - mean).mean(axis=axes, keepdims=True)
    inv_std = 1 / np.sqrt(var + eps)  # eps inside the root
    x_hat = (x - mean) * inv_std
    y = x_hat if weight is None else x_hat * weight
    if bias is not None:
        y = y + bias
    return y, LayerNormCache(x_hat, inv_std, weight, axes)


def layer_norm_backward(
    grad_output: np.ndarray, cache: LayerNormCache
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""(∂E/∂x, ∂E/∂γ, ∂E/∂β) of layer norm; ⟨·⟩ the mean over a sample's D values, h = γ ⊙ g.

    Math:      ∂E/∂x = s (h − ⟨h⟩ − x̂ ⟨h x̂⟩),   ∂E/∂γ = Σ_samples g x̂,   ∂E/∂β = Σ_samples g
               (batch norm's backward with the roles of the axes swapped: the statistics are the
               sample's own, so each sample's x gets the two extra terms)

    Example:
        >>> import numpy as np
        >>> y, cache = layer_norm(np.array([[1.0, 3.0]]), (2,), eps=0.0)
        >>> dx, dgamma, dbeta = layer_norm_backward(np.array([[1.0, 1.0]]), cache)
        >>> dx.tolist(), dgamma.tolist(), dbeta.tolist()
        ([[0.0, 0.0]], [-1.0, 1.0], [1.0, 1.0])
    """
    x_hat, inv_std, weight, axes = cache
    g = grad_output
    samples = tuple(range(g.ndim - len(axes)))
    grad_weight, grad_bias = (g * x_hat).sum(axis=samples), g.sum(axis=samples)
    h = g if weight is None else g * weight
    h_mean = h.mean(axis=axes, keepdims=True)  # ⟨h⟩
    hx_mean = (h * x_hat).mean(axis=axes, keepdims=True)  # ⟨h x̂⟩
    return inv_std * (h - h_mean - x_hat * hx_mean), grad_weight, grad_bias

r"""C4.1-init: weight initialisation, torch's names, arguments and formulas (seed §4.1).

Each function fills ``array`` **in place** and returns it, like ``torch.nn.init``. Random ones draw from
``rng`` (a ``numpy.random.Generator``); without one they use a fresh, unseeded generator — nothing here
seeds or touches a global RNG.

Fans, for a weight of shape (out, in, *receptive) — torch's ``Linear.weight`` layout:
    n = fan_in  = in  · ∏receptive        m = fan_out = out · ∏receptive

Schemes (the seed's symbols):
    N(0, σ²):        normal_(std=σ)            the seed's N(0, 1) and N(0, 0.01)
    Xavier / Glorot: σ = gain · √(2 / (n + m))                      xavier_normal_
                     U(−a, a), a = gain · √(6 / (n + m))            xavier_uniform_
    He / Kaiming:    σ = gain / √fan,  gain = √2 for ReLU           kaiming_normal_
                     U(−a, a), a = √3 · gain / √fan                 kaiming_uniform_

Differs from seed: the seed writes Xavier's standard deviation as 2/√(n+m); Glorot & Bengio (2010) and
torch use √(2/(n+m)). ``seed_xavier_normal_`` draws the seed's form so the two can be compared; the
library default follows torch.
"""

from __future__ import annotations

import math

import numpy as np

# torch's list (its docs' table says "Identity" too, but its code rejects "identity").
_LINEAR_GAIN = (
    "linear",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "sigmoid",
)
_NONLINEARITIES = (*_LINEAR_GAIN, "tanh", "relu", "leaky_relu", "selu")


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The gain torch recommends for a nonlinearity: 1 (linear, sigmoid), 5/3 (tanh), √2 (ReLU),
    √(2 / (1 + slope²)) (LeakyReLU, slope default 0.01), 3/4 (SELU)."""
    if nonlinearity in _LINEAR_GAIN:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, (int, float)) and not isinstance(param, bool):
            slope = param
        else:
            raise ValueError(f"calculate_gain: negative_slope {param!r} is not a valid number")
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"calculate_gain: expected nonlinearity in {_NONLINEARITIES}, got {nonlinearity!r}")


def _calculate_fan_in_and_fan_out(array: np.ndarray) -> tuple[int, int]:
    if array.ndim < 2:
        raise ValueError(
            "Fan in and fan out can not be computed for an array with fewer than 2 dimensions: "
            f"got shape {array.shape}"
        )
    receptive = int(np.prod(array.shape[2:])) if array.ndim > 2 else 1
    return array.shape[1] * receptive, array.shape[0] * receptive


def _rng(rng: np.random.Generator | None) -> np.random.Generator:
    return np.random.default_rng() if rng is None else rng


def uniform_(
    array: np.ndarray, a: float = 0.0, b: float = 1.0, *, rng: np.random.Generator | None = None
) -> np.ndarray:
    """Fill with draws from U(a, b)."""
    array[...] = _rng(rng).uniform(a, b, size=array.shape)
    return array


def normal_(
    array: np.ndarray, mean: float = 0.0, std: float = 1.0, *, rng: np.random.Generator | None = None
) -> np.ndarray:
    """Fill with draws from N(mean, std²)."""
    array[...] = _rng(rng).normal(mean, std, size=array.shape)
    return array


def constant_(array: np.ndarray, val: float) -> np.ndarray:
    array[...] = val
    return array


def zeros_(array: np.ndarray) -> np.ndarray:
    """C4.1-init-zero: every weight 0 — every hidden unit then computes and learns the same thing."""
    return constant_(array, 0.0)


def ones_(array: np.ndarray) -> np.ndarray:
    return constant_(array, 1.0)


def xavier_uniform_(
    array: np.ndarray, gain: float = 1.0, *, rng: np.random.Generator | None = None
) -> np.ndarray:
    """C4.1-init-xavier: U(−a, a) with a = gain · √(6 / (n + m)), i.e. std = gain · √(2 / (n + m))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(array)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    bound = math.sqrt(3.0) * std
    return uniform_(array, -bound, bound, rng=rng)


def xavier_normal_(
    array: np.ndarray, gain: float = 1.0, *, rng: np.random.Generator | None = None
) -> np.ndarray:
    """C4.1-init-xavier: N(0, σ²) with σ = gain · √(2 / (n + m)) (Glorot; torch)."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(array)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(array, 0.0, std, rng=rng)


def seed_xavier_normal_(array: np.ndarray, *, rng: np.random.Generator | None = None) -> np.ndarray:
    """C4.1-init-xavier, the seed's form: N(0, σ²) with σ = 2 / √(n + m).

    Differs from torch: the seed's σ over Glorot's is (2/√(n+m)) / √(2/(n+m)) = √2, so each layer's
    pre-activations spread √2 times wider than with ``xavier_normal_``.
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(array)
    return normal_(array, 0.0, 2.0 / math.sqrt(fan_in + fan_out), rng=rng)


def _kaiming_std(array: np.ndarray, a: float, mode: str, nonlinearity: str) -> float:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"kaiming init: expected mode 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(array)
    fan = fan_in if mode == "fan_in" else fan_out
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform_(
    array: np.ndarray,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    *,
    rng: np.random.Generator | None = None,
) -> np.ndarray:
    """C4.1-init-he: U(−b, b) with b = √3 · gain / √fan (``a`` is the LeakyReLU slope for the gain)."""
    bound = math.sqrt(3.0) * _kaiming_std(array, a, mode, nonlinearity)
    return uniform_(array, -bound, bound, rng=rng)


def kaiming_normal_(
    array: np.ndarray,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    *,
    rng: np.random.Generator | None = None,
) -> np.ndarray:
    """C4.1-init-he: N(0, σ²) with σ = gain / √fan; for ReLU σ = √(2 / n)."""
    return normal_(array, 0.0, _kaiming_std(array, a, mode, nonlinearity), rng=rng)

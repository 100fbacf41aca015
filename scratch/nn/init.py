r"""C4.1: 가중치 초기화 (weight initialisation), torch's names, arguments and formulas (seed §4.1).

Each function fills ``array`` **in place** and returns it, like ``torch.nn.init``. Random ones draw from
``rng`` (a ``numpy.random.Generator``); without one they use a fresh, unseeded generator — nothing here
seeds or touches a global RNG.

Fans, for a weight of shape (out, in, *receptive) — torch's ``Linear.weight`` layout:
    n = fan_in  = in  · ∏receptive        m = fan_out = out · ∏receptive

Schemes (the seed's symbols):
    N(0, σ²):        normal_(std=σ)            the seed's N(0, 1²) and N(0, 0.01²) (σ = 1, σ = 0.01)
    Xavier / Glorot: σ = gain · √(2 / (n + m))                      xavier_normal_
                     U(−a, a), a = gain · √(6 / (n + m))            xavier_uniform_
    He / Kaiming:    σ = gain / √fan,  gain = √2 for ReLU           kaiming_normal_
                     U(−a, a), a = √3 · gain / √fan                 kaiming_uniform_

Differs from seed: the seed writes Xavier's standard deviation as 2/√(n+m); Glorot & Bengio (2010) and
torch use √(2/(n+m)). ``seed_xavier_normal_`` draws the seed's form so the two can be compared; the
library default follows torch.

Differs from torch: a bad argument raises ValueError (torch: RuntimeError) and an integer array
TypeError (torch: NotImplementedError); a random init of an empty array is a no-op with torch's
warning for the Kaiming pair, as in torch.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

Array = np.ndarray  # the weight an init fills in place
Rng = np.random.Generator | None  # where the draws come from (None: a fresh, unseeded generator)
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
    √(2 / (1 + slope²)) (LeakyReLU, slope default 0.01), 3/4 (SELU).

    Example:
        >>> calculate_gain("relu") == 2 ** 0.5, calculate_gain("tanh")
        (True, 1.6666666666666667)
    """
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


def uniform_(array: Array, a: float = 0.0, b: float = 1.0, *, rng: Rng = None) -> Array:
    """Fill with draws from U(a, b), a ≤ b.

    Example:
        >>> import numpy as np
        >>> w = uniform_(np.empty(1000), -0.5, 0.5, rng=np.random.default_rng(0))
        >>> bool(w.min() >= -0.5 and w.max() <= 0.5)
        True
    """
    _check_floating("uniform_", array)
    if not (math.isfinite(a) and math.isfinite(b) and a <= b):  # a = b is valid: every draw is a
        raise ValueError(f"uniform_: expected finite bounds a <= b, got a={a}, b={b}")
    array[...] = _rng(rng).uniform(a, b, size=array.shape)  # U(a, b)
    return array


def normal_(array: Array, mean: float = 0.0, std: float = 1.0, *, rng: Rng = None) -> Array:
    """C4.1-init-normal: 가중치 초기화 (Weight Initialization), seed §4.1

    Fill with draws from N(mean, std²): the seed's "평균이 0, 표준편차가 1" is N(0, 1²), normal_(std=1),
    and its "표준편차가 0.01" N(0, 0.01²), normal_(std=0.01).

    Example:
        >>> import numpy as np
        >>> w = normal_(np.empty(100_000), std=0.01, rng=np.random.default_rng(0))
        >>> round(float(w.std()), 4)
        0.01
    """
    _check_floating("normal_", array)
    if not std >= 0:  # also NaN, as torch: "normal expects std >= 0.0, but found std nan"; 0 is valid
        raise ValueError(f"normal_: expected std >= 0, got std={std}")
    array[...] = _rng(rng).normal(mean, std, size=array.shape)  # N(mean, std²)
    return array


def constant_(array: Array, val: float) -> Array:
    """Fill with ``val``.

    Example:
        >>> import numpy as np
        >>> constant_(np.empty(2), 0.5).tolist()
        [0.5, 0.5]
    """
    array[...] = val
    return array


def zeros_(array: Array) -> Array:
    """C4.1-init-zero: 가중치 초기화 (Weight Initialization), seed §4.1

    Every weight 0 — every hidden unit then computes and learns the same thing.

    Example:
        >>> import numpy as np
        >>> zeros_(np.ones(3)).tolist()
        [0.0, 0.0, 0.0]
    """
    return constant_(array, 0.0)


def ones_(array: Array) -> Array:
    """Fill with 1 (batch norm's initial γ).

    Example:
        >>> import numpy as np
        >>> ones_(np.zeros(2)).tolist()
        [1.0, 1.0]
    """
    return constant_(array, 1.0)


def xavier_uniform_(array: Array, gain: float = 1.0, *, rng: Rng = None) -> Array:
    """C4.1-init-xavier: 가중치 초기화 (Weight Initialization), seed §4.1

    U(−a, a) with a = gain · √(6 / (n + m)), i.e. std = gain · √(2 / (n + m)).

    Example:
        >>> import numpy as np
        >>> w = xavier_uniform_(np.empty((20, 10)), rng=np.random.default_rng(0))   # n = 10, m = 20
        >>> bool(np.abs(w).max() <= (6 / 30) ** 0.5)
        True
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(array)  # n, m
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))  # σ = gain · √(2 / (n + m))
    bound = math.sqrt(3.0) * std  # a = √3 σ = gain · √(6 / (n + m)): U(−a, a) has σ = a/√3
    return uniform_(array, -bound, bound, rng=rng)


def xavier_normal_(array: Array, gain: float = 1.0, *, rng: Rng = None) -> Array:
    """C4.1-init-xavier: 가중치 초기화 (Weight Initialization), seed §4.1

    N(0, σ²) with σ = gain · √(2 / (n + m)) (Glorot; torch).

    Example:
        >>> import numpy as np
        >>> w = xavier_normal_(np.empty((400, 600)), rng=np.random.default_rng(0))
        >>> round(float(w.std()) ** 2 * 1000, 2)                          # σ² = 2/1000
        2.0
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(array)  # n, m
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))  # σ = gain · √(2 / (n + m))
    return normal_(array, 0.0, std, rng=rng)


def seed_xavier_normal_(array: Array, *, rng: Rng = None) -> Array:
    """C4.1-init-xavier: 가중치 초기화 (Weight Initialization), seed §4.1

    The seed's form: N(0, σ²) with σ = 2 / √(n + m).

    Differs from torch: the seed's σ over Glorot's is (2/√(n+m)) / √(2/(n+m)) = √2, so each layer's
    pre-activations spread √2 times wider than with ``xavier_normal_``.

    Example:
        >>> import numpy as np
        >>> seed_w = seed_xavier_normal_(np.empty((4, 6)), rng=np.random.default_rng(0))
        >>> glorot_w = xavier_normal_(np.empty((4, 6)), rng=np.random.default_rng(0))
        >>> bool(np.allclose(seed_w, 2**0.5 * glorot_w))                  # the same draws, √2 wider
        True
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(array)  # n, m
    std = 2.0 / math.sqrt(fan_in + fan_out)  # σ = 2 / √(n + m), the seed's
    return normal_(array, 0.0, std, rng=rng)


def kaiming_uniform_(
    array: Array, a: float = 0, mode: str = "fan_in", nonlinearity: str = "leaky_relu", *, rng: Rng = None
) -> Array:
    """C4.1-init-he: 가중치 초기화 (Weight Initialization), seed §4.1

    U(−b, b) with b = √3 · gain / √fan (``a`` is the LeakyReLU slope for the gain). Linear's default is
    ``a=√5``: gain √(2/6), so b = 1/√n.

    Example:
        >>> import numpy as np
        >>> w = kaiming_uniform_(np.empty((20, 100)), a=5 ** 0.5, rng=np.random.default_rng(0))
        >>> bool(np.abs(w).max() <= 0.1)                                  # 1/√100
        True
    """
    if _is_empty(array):  # torch: a warning, nothing to fill
        return array
    fan = _fan(array, mode)  # n = fan_in (default) or m = fan_out
    std = calculate_gain(nonlinearity, a) / math.sqrt(fan)  # σ = gain / √n
    bound = math.sqrt(3.0) * std  # b = √3 σ = √3 · gain / √n: U(−b, b) has σ = b/√3
    return uniform_(array, -bound, bound, rng=rng)


def kaiming_normal_(
    array: Array, a: float = 0, mode: str = "fan_in", nonlinearity: str = "leaky_relu", *, rng: Rng = None
) -> Array:
    """C4.1-init-he: 가중치 초기화 (Weight Initialization), seed §4.1

    N(0, σ²) with σ = gain / √fan; for ReLU σ = √(2 / n), the seed's He initialisation.

    Example:
        >>> import numpy as np
        >>> w = kaiming_normal_(np.empty((500, 200)), nonlinearity="relu", rng=np.random.default_rng(0))
        >>> round(float(w.std()) ** 2 * 100, 1)                           # σ² = 2/200
        1.0
    """
    if _is_empty(array):  # torch: a warning, nothing to fill
        return array
    fan = _fan(array, mode)  # n = fan_in (default) or m = fan_out
    std = calculate_gain(nonlinearity, a) / math.sqrt(fan)  # σ = gain / √n;  ReLU: gain √2, σ = √(2 / n)
    return normal_(array, 0.0, std, rng=rng)


# ------------------------------------------------------------------- plumbing, off the formulas' screen
def _calculate_fan_in_and_fan_out(array: Array) -> tuple[int, int]:
    if array.ndim < 2:
        raise ValueError(
            "Fan in and fan out can not be computed for an array with fewer than 2 dimensions: "
            f"got shape {array.shape}"
        )
    receptive = int(np.prod(array.shape[2:])) if array.ndim > 2 else 1
    return array.shape[1] * receptive, array.shape[0] * receptive


def _rng(rng: np.random.Generator | None) -> np.random.Generator:
    return np.random.default_rng() if rng is None else rng


def _check_floating(where: str, array: Array) -> None:
    """A random draw needs a floating array (torch: "normal_kernel_cpu" not implemented for 'Long')."""
    if not isinstance(array, np.ndarray) or array.dtype.kind != "f":
        what = f"dtype={array.dtype}" if isinstance(array, np.ndarray) else type(array).__name__
        raise TypeError(f"{where}: expected a floating-point numpy.ndarray, got {what}")


def _is_empty(array: Array) -> bool:
    """torch's Kaiming init on an empty tensor: a warning and nothing to fill (its fan may be 0)."""
    if array.size == 0:
        warnings.warn("Initializing zero-element tensors is a no-op", UserWarning, stacklevel=3)
        return True
    return False


def _fan(array: Array, mode: str) -> int:
    """Kaiming's fan: fan_in n ('fan_in', keeps the forward's variance) or fan_out m ('fan_out', the
    backward's)."""
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"kaiming init: expected mode 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(array)
    return fan_in if mode == "fan_in" else fan_out

"""Boundary checks shared by the scratch layers: each error names the argument, the expected and the
actual value, and is raised before any work is done."""

from __future__ import annotations

from typing import Any

import numpy as np


def check_floating(where: str, name: str, x: Any) -> np.ndarray:
    """``x`` as a floating-point ndarray, or a TypeError naming ``where`` and ``name``.

    Example:
        >>> import numpy as np
        >>> check_floating("ReLU", "input", np.ones(2, dtype=np.int64))
        Traceback (most recent call last):
        ...
        TypeError: ReLU: expected input to have a floating dtype, got dtype=int64
    """
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{where}: expected {name} to be a numpy.ndarray, got {type(x).__name__}")
    if x.dtype.kind != "f":  # float16/32/64: np.issubdtype(x.dtype, np.floating), without its ~1 µs
        raise TypeError(f"{where}: expected {name} to have a floating dtype, got dtype={x.dtype}")
    return x


def check_same_dtype(where: str, name: str, x: np.ndarray, dtype: np.dtype) -> None:
    """No silent upcast: a float32 input to a float64 layer (or the reverse) is an error, as in torch.

    Example:
        >>> import numpy as np
        >>> x32 = np.ones(2, dtype=np.float32)
        >>> check_same_dtype("Linear", "input", x32, np.dtype(np.float64))  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        TypeError: Linear: expected input of dtype float64 (the layer's dtype), got dtype=float32; ...
    """
    if x.dtype != dtype:
        raise TypeError(
            f"{where}: expected {name} of dtype {dtype} (the layer's dtype), got dtype={x.dtype}; "
            f"convert the input or call .to({x.dtype}) on the layer"
        )


def check_floating_dtype(where: str, dtype: Any) -> np.dtype:
    """``dtype`` as a NumPy floating dtype (float16/32/64), or a TypeError naming ``where``.

    Example:
        >>> check_floating_dtype("LayerNorm", "float32")
        dtype('float32')
    """
    dtype = np.dtype(dtype)
    if not np.issubdtype(dtype, np.floating):
        raise TypeError(f"{where}: expected a floating dtype, got {dtype}")
    return dtype


def check_grad_output(
    where: str, grad_output: Any, shape: tuple[int, ...], dtype: np.dtype | None = None
) -> np.ndarray:
    """``grad_output`` must have the shape (and, when given, the dtype) of the forward output it is the
    gradient of. torch casts a gradient of another dtype to the output's; here it raises, so a float64
    gradient cannot turn a float32 network's backward into float64.

    Example:
        >>> import numpy as np
        >>> check_grad_output("Tanh.backward", np.ones(3), (2,))
        Traceback (most recent call last):
        ...
        ValueError: Tanh.backward: expected grad_output of shape (2,) (the output's shape), got (3,)
    """
    grad_output = check_floating(where, "grad_output", grad_output)
    if grad_output.shape != shape:
        raise ValueError(
            f"{where}: expected grad_output of shape {shape} (the output's shape), got {grad_output.shape}"
        )
    if dtype is not None and grad_output.dtype != dtype:
        raise TypeError(
            f"{where}: expected grad_output of dtype {dtype} (the output's dtype), "
            f"got dtype={grad_output.dtype}"
        )
    return grad_output


def check_choice(where: str, name: str, value: Any, choices: tuple[str, ...]) -> str:
    """``value`` if it is one of ``choices``.

    Example:
        >>> check_choice("MSELoss", "reduction", "mean", ("mean", "sum", "none"))
        'mean'
    """
    if value not in choices:
        raise ValueError(f"{where}: expected {name} to be one of {choices}, got {value!r}")
    return value


def check_positive_int(where: str, name: str, value: Any) -> int:
    """``value`` as an int if it is a positive integer (not a bool).

    Example:
        >>> check_positive_int("Linear", "in_features", 0)
        Traceback (most recent call last):
        ...
        ValueError: Linear: expected in_features to be a positive integer, got 0
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{where}: expected {name} to be a positive integer, got {value!r}")
    return int(value)

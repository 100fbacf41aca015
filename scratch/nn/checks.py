"""Boundary checks shared by the scratch layers: each error names the argument, the expected and the
actual value, and is raised before any work is done."""

from __future__ import annotations

from typing import Any

import numpy as np


def check_floating(where: str, name: str, x: Any) -> np.ndarray:
    """``x`` as a floating-point ndarray, or a TypeError naming ``where`` and ``name``."""
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{where}: expected {name} to be a numpy.ndarray, got {type(x).__name__}")
    if x.dtype.kind != "f":  # float16/32/64: np.issubdtype(x.dtype, np.floating), without its ~1 µs
        raise TypeError(f"{where}: expected {name} to have a floating dtype, got dtype={x.dtype}")
    return x


def check_same_dtype(where: str, name: str, x: np.ndarray, dtype: np.dtype) -> None:
    """No silent upcast: a float32 input to a float64 layer (or the reverse) is an error, as in torch."""
    if x.dtype != dtype:
        raise TypeError(
            f"{where}: expected {name} of dtype {dtype} (the layer's dtype), got dtype={x.dtype}; "
            f"convert the input or call .to({x.dtype}) on the layer"
        )


def check_grad_output(where: str, grad_output: Any, shape: tuple[int, ...]) -> np.ndarray:
    """``grad_output`` must have the shape of the forward output it is the gradient of."""
    grad_output = check_floating(where, "grad_output", grad_output)
    if grad_output.shape != shape:
        raise ValueError(
            f"{where}: expected grad_output of shape {shape} (the output's shape), got {grad_output.shape}"
        )
    return grad_output


def check_choice(where: str, name: str, value: Any, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise ValueError(f"{where}: expected {name} to be one of {choices}, got {value!r}")
    return value


def check_positive_int(where: str, name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{where}: expected {name} to be a positive integer, got {value!r}")
    return int(value)

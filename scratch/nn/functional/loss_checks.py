"""The boundary checks of the losses in ``scratch.nn.functional.loss``, kept off the math's screen.

Each check raises before any work, naming the function, the argument, the expected and the actual value.

Target rule:
    * a regression or binary target (MSE, BCE, probability targets of cross-entropy) is a floating
      array with exactly the input's shape **and** dtype;
    * a class-index target (cross-entropy, NLL) is an integer array (any signed or unsigned width, not
      bool) with the input's shape minus the class dimension, each value in [0, C) or ``ignore_index``;
    * ``weight`` / ``pos_weight`` have the input's dtype (``loss.to(dtype)`` converts a module's).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from scratch.nn.checks import check_choice, check_floating

REDUCTIONS = ("none", "mean", "sum")


def check_reduction(where: str, reduction: Any) -> str:
    return check_choice(where, "reduction", reduction, REDUCTIONS)


def check_pair(where: str, input: Any, target: Any, reduction: Any) -> None:
    """A floating input and a floating target of exactly its shape and dtype (no broadcasting)."""
    check_floating(where, "input", input)
    check_floating(where, "target", target)
    if target.shape != input.shape:
        raise ValueError(
            f"{where}: expected target of shape {input.shape} (the input's shape; no broadcasting), "
            f"got {target.shape}"
        )
    if target.dtype != input.dtype:
        raise TypeError(
            f"{where}: expected target of dtype {input.dtype} (the input's dtype), got dtype={target.dtype}"
        )
    check_reduction(where, reduction)


def check_unit_interval(where: str, name: str, x: np.ndarray) -> None:
    """Every element in [0, 1]; written as "not inside" so that NaN fails too, as in torch's check."""
    inside = (x >= 0) & (x <= 1)
    if not np.all(inside):
        raise ValueError(
            f"{where}: expected every element of {name} in [0, 1], got {x[~inside].ravel()[0]!r}"
        )


def check_weight(where: str, name: str, value: Any, input: np.ndarray, shape: tuple[int, ...] | None) -> None:
    """None, or a floating array of the input's dtype with exactly ``shape`` (when given) or a shape that
    broadcasts to the input's (it rescales elements, never adds any)."""
    if value is None:
        return
    check_floating(where, name, value)
    if value.dtype != input.dtype:
        raise TypeError(
            f"{where}: expected {name} of dtype {input.dtype} (the input's dtype), got dtype={value.dtype}; "
            f"call .to({input.dtype}) on the loss"
        )
    if shape is not None:
        if value.shape != shape:
            raise ValueError(f"{where}: expected {name} of shape {shape} (one per class), got {value.shape}")
        return
    try:
        result = np.broadcast_shapes(value.shape, input.shape)
    except ValueError:
        result = None
    if result != input.shape:
        raise ValueError(
            f"{where}: expected {name} broadcastable to the input's shape {input.shape}, "
            f"got shape {value.shape}"
        )


def check_ignore_index(where: str, ignore_index: Any) -> int:
    if isinstance(ignore_index, bool) or not isinstance(ignore_index, (int, np.integer)):
        raise TypeError(f"{where}: expected ignore_index to be an int, got {ignore_index!r}")
    return int(ignore_index)


def check_label_smoothing(where: str, label_smoothing: Any) -> float:
    # NaN fails too (torch lets NaN through; here it is refused)
    if isinstance(label_smoothing, bool) or not (0.0 <= float(label_smoothing) <= 1.0):
        raise ValueError(f"{where}: expected label_smoothing in [0, 1], got {label_smoothing!r}")
    return float(label_smoothing)


def class_dim(input: np.ndarray) -> int:
    """The class dimension: 1 for (N, C, d1, …), 0 for an unbatched (C,)."""
    return 0 if input.ndim == 1 else 1


def is_probability_target(input: Any, target: Any) -> bool:
    """A floating target of the input's shape holds class probabilities (torch's rule)."""
    return (
        isinstance(input, np.ndarray)
        and isinstance(target, np.ndarray)
        and target.dtype.kind == "f"
        and target.shape == input.shape
    )


def check_class_input(where: str, input: Any, weight: Any, reduction: Any) -> int:
    """A floating input with a class dimension; returns C. ``weight``: None or one per class."""
    check_floating(where, "input", input)
    if input.ndim < 1:
        raise ValueError(f"{where}: expected input with at least 1 dimension(s), got shape {input.shape}")
    n_classes = input.shape[class_dim(input)]
    check_weight(where, "weight", weight, input, (n_classes,))
    check_reduction(where, reduction)
    return n_classes


def check_index_target(
    where: str, input: np.ndarray, target: Any, ignore_index: int, probabilities: bool
) -> None:
    """Class indices of the input's shape without its class dimension, each in [0, C) or ignore_index."""
    if not isinstance(target, np.ndarray):
        raise TypeError(f"{where}: expected target to be a numpy.ndarray, got {type(target).__name__}")
    dim = class_dim(input)
    if target.dtype.kind not in "iu":
        also = f" or probabilities of dtype {input.dtype} and shape {input.shape}" if probabilities else ""
        raise TypeError(
            f"{where}: expected target of class indices with an integer dtype{also}, "
            f"got dtype={target.dtype} and shape {target.shape}"
        )
    index_shape = input.shape[:dim] + input.shape[dim + 1 :]
    if target.shape != index_shape:
        raise ValueError(
            f"{where}: expected target of class indices of shape {index_shape} (the input's shape "
            f"{input.shape} without the class dimension {dim}), got {target.shape}"
        )
    n_classes = input.shape[dim]
    bad = (target != ignore_index) & ((target < 0) | (target >= n_classes))
    if np.any(bad):
        raise IndexError(
            f"{where}: expected every class index in target in [0, {n_classes}) or equal to "
            f"ignore_index={ignore_index}, got {target[bad].ravel()[0]}"
        )


def check_probability_target(where: str, input: np.ndarray, target: np.ndarray, ignore_index: int) -> None:
    if target.dtype != input.dtype:
        raise TypeError(
            f"{where}: expected probability target of dtype {input.dtype} (the input's dtype), "
            f"got dtype={target.dtype}"
        )
    if ignore_index >= 0:  # torch: "ignore_index is not supported for floating point target"
        raise ValueError(
            f"{where}: ignore_index is not supported with probability targets; expected a negative "
            f"ignore_index (default -100), got {ignore_index}"
        )

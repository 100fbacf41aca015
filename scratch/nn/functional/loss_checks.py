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
    """'none', 'mean' or 'sum'.

    Example:
        >>> check_reduction("mse_loss", "avg")
        Traceback (most recent call last):
        ...
        ValueError: mse_loss: expected reduction to be one of ('none', 'mean', 'sum'), got 'avg'
    """
    return check_choice(where, "reduction", reduction, REDUCTIONS)


def check_pair(where: str, input: Any, target: Any, reduction: Any) -> None:
    """A floating input and a floating target of exactly its shape and dtype (no broadcasting).

    Example:
        >>> import numpy as np
        >>> check_pair("mse_loss", np.zeros((4, 3)), np.zeros((4, 1)), "mean")
        Traceback (most recent call last):
        ...
        ValueError: mse_loss: expected target of shape (4, 3) (the input's shape; no broadcasting), got (4, 1)
    """
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
    """Every element in [0, 1]; written as "not inside" so that NaN fails too, as in torch's check.

    Example:
        >>> import numpy as np
        >>> check_unit_interval("binary_cross_entropy", "target", np.array([0.0, np.nan]))
        Traceback (most recent call last):
        ...
        ValueError: binary_cross_entropy: expected every element of target in [0, 1], got np.float64(nan)
    """
    inside = (x >= 0) & (x <= 1)
    if not np.all(inside):
        raise ValueError(
            f"{where}: expected every element of {name} in [0, 1], got {x[~inside].ravel()[0]!r}"
        )


def check_weight(where: str, name: str, value: Any, input: np.ndarray, shape: tuple[int, ...] | None) -> None:
    """None, or a floating array of the input's dtype with exactly ``shape`` (when given) or a shape that
    broadcasts to the input's (it rescales elements, never adds any).

    Example:
        >>> import numpy as np
        >>> check_weight("nll_loss", "weight", np.ones(4), np.zeros((2, 3)), (3,))
        Traceback (most recent call last):
        ...
        ValueError: nll_loss: expected weight of shape (3,) (one per class), got (4,)
    """
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
    """An int (not a bool).

    Example:
        >>> check_ignore_index("nll_loss", 1.0)
        Traceback (most recent call last):
        ...
        TypeError: nll_loss: expected ignore_index to be an int, got 1.0
    """
    if isinstance(ignore_index, bool) or not isinstance(ignore_index, (int, np.integer)):
        raise TypeError(f"{where}: expected ignore_index to be an int, got {ignore_index!r}")
    return int(ignore_index)


def check_label_smoothing(where: str, label_smoothing: Any) -> float:
    """ε in [0, 1]; NaN is refused (torch lets it through and then skips the smoothing).

    Example:
        >>> check_label_smoothing("cross_entropy", 1.0)
        1.0
    """
    # NaN fails too (torch lets NaN through; here it is refused)
    if isinstance(label_smoothing, bool) or not (0.0 <= float(label_smoothing) <= 1.0):
        raise ValueError(f"{where}: expected label_smoothing in [0, 1], got {label_smoothing!r}")
    return float(label_smoothing)


def check_threshold(where: str, name: str, value: Any, allow_zero: bool) -> float:
    """A real number > 0 (Huber's ``delta``) or ≥ 0 (SmoothL1's ``beta``), as torch requires, refused at
    construction here (torch raises at the first call); NaN and infinity are refused too.

    Example:
        >>> check_threshold("huber_loss", "delta", 0.0, allow_zero=False)
        Traceback (most recent call last):
        ...
        ValueError: huber_loss: expected delta to be a finite number > 0, got 0.0
    """
    bound = "≥ 0" if allow_zero else "> 0"
    number = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    if not number or not np.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        raise ValueError(f"{where}: expected {name} to be a finite number {bound}, got {value!r}")
    return float(value)


def class_dim(shape: tuple[int, ...]) -> int:
    """The class dimension of an input of this shape: 1 for (N, C, d1, …), 0 for an unbatched (C,).

    Example:
        >>> class_dim((5, 3, 2)), class_dim((3,))
        (1, 0)
    """
    return 0 if len(shape) == 1 else 1


def is_probability_target(input: Any, target: Any) -> bool:
    """A floating target of the input's shape holds class probabilities (torch's rule).

    Example:
        >>> import numpy as np
        >>> x = np.zeros((2, 3))
        >>> is_probability_target(x, np.full((2, 3), 1 / 3)), is_probability_target(x, np.zeros(2, int))
        (True, False)
    """
    return (
        isinstance(input, np.ndarray)
        and isinstance(target, np.ndarray)
        and target.dtype.kind == "f"
        and target.shape == input.shape
    )


def check_class_input(where: str, input: Any, weight: Any, reduction: Any) -> int:
    """A floating input with a class dimension; returns C. ``weight``: None or one per class.

    Example:
        >>> import numpy as np
        >>> check_class_input("cross_entropy", np.zeros((2, 3)), None, "mean")
        3
    """
    check_floating(where, "input", input)
    if input.ndim < 1:
        raise ValueError(f"{where}: expected input with at least 1 dimension(s), got shape {input.shape}")
    n_classes = input.shape[class_dim(input.shape)]
    check_weight(where, "weight", weight, input, (n_classes,))
    check_reduction(where, reduction)
    return n_classes


def check_index_target(
    where: str, input: np.ndarray, target: Any, ignore_index: int, probabilities: bool
) -> None:
    """Class indices of the input's shape without its class dimension, each in [0, C) or ignore_index.

    Example:
        >>> import numpy as np
        >>> try:
        ...     check_index_target("nll_loss", np.zeros((2, 3)), np.array([0, 3]), -100, False)
        ... except IndexError as error:
        ...     print(str(error).split(", got ")[-1])  # names the offending index
        3
    """
    if not isinstance(target, np.ndarray):
        raise TypeError(f"{where}: expected target to be a numpy.ndarray, got {type(target).__name__}")
    dim = class_dim(input.shape)
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
    if target.size == 0 or (target.min() >= 0 and target.max() < n_classes):
        return  # the common case, in two reductions
    bad = (target != ignore_index) & ((target < 0) | (target >= n_classes))
    if np.any(bad):
        raise IndexError(
            f"{where}: expected every class index in target in [0, {n_classes}) or equal to "
            f"ignore_index={ignore_index}, got {target[bad].ravel()[0]}"
        )


def check_cross_entropy(
    where: str, input: Any, target: Any, weight: Any, ignore_index: Any, reduction: Any, label_smoothing: Any
) -> tuple[float, int, bool]:
    """Every argument of ``cross_entropy``; returns (ε, ignore_index, whether target holds probabilities).

    Example:
        >>> import numpy as np
        >>> check_cross_entropy("cross_entropy", np.zeros((2, 3)), np.array([0, 2]), None, -100, "mean", 0.1)
        (0.1, -100, False)
    """
    eps = check_label_smoothing(where, label_smoothing)
    check_class_input(where, input, weight, reduction)
    ignore_index = check_ignore_index(where, ignore_index)
    probabilities = is_probability_target(input, target)
    if probabilities:
        check_probability_target(where, input, target, ignore_index)
    else:
        check_index_target(where, input, target, ignore_index, probabilities=True)
    return eps, ignore_index, probabilities


def check_probability_target(where: str, input: np.ndarray, target: np.ndarray, ignore_index: int) -> None:
    """A probability target has the input's dtype, and ``ignore_index`` is negative (torch's rule).

    Example:
        >>> import numpy as np
        >>> try:
        ...     check_probability_target("cross_entropy", np.zeros((1, 2)), np.full((1, 2), 0.5), 0)
        ... except ValueError as error:
        ...     print(str(error)[:60])
        cross_entropy: ignore_index is not supported with probabilit
    """
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

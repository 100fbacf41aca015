r"""Datasets as NumPy arrays, shared by both twins (seed §2.1, §2.2, §3.2.1).

Every loader returns features ``x`` as floating arrays (float64 unless ``dtype`` says otherwise), one
sample per row, and integer class labels ``y`` (int64), the layout ``nn.CrossEntropyLoss`` expects.

* the logic gates AND, OR, NAND, XOR — the perceptron's truth tables (seed §2.1–2.2);
* 2-D sets made in code: ``moons``, ``circles``, ``blobs`` (scikit-learn's generators) and ``spirals``
  (written here), 1000 samples by default, the seed's batch/iteration example;
* scikit-learn's bundled ``digits`` (8×8 images, 1797 samples, pixels scaled to [0, 1]; offline) and
  ``iris`` (4 measurements, standardised with the training split's mean and standard deviation);
* MNIST and Fashion-MNIST, read from the raw IDX files in ``data_dir`` (torchvision's layout) by the
  strict reader ``scratch.data.idx``; ``torch_impl.data.datasets`` downloads them when they are missing.

``load_dataset(name, rng=...)`` returns a ``DatasetSplit`` with a seeded, stratified train/test split
(MNIST keeps its official split; the gates have only their four rows, used for both).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Any

import numpy as np

from scratch.data.idx import (  # noqa: F401  (re-exported: the IDX reader's names, used by both twins)
    IDX_DATASETS,
    IDX_FILES,
    IDX_FOLDERS,
    DataError,
    MissingDataError,
    idx_files_present,
    idx_raw_folder,
    load_idx_dataset,
    missing_idx_files,
    missing_idx_message,
    read_idx,
)

GATES = ("and", "or", "nand", "xor")
SYNTHETIC = ("moons", "circles", "spirals", "blobs")
BUNDLED = ("digits", "iris")
DATASETS = (*GATES, *SYNTHETIC, *BUNDLED, *IDX_DATASETS)

# The truth tables of seed §2.1–2.2: inputs (x1, x2) in the order (0,0), (0,1), (1,0), (1,1).
_GATE_OUTPUTS = {"and": (0, 0, 0, 1), "or": (0, 1, 1, 1), "nand": (1, 1, 1, 0), "xor": (0, 1, 1, 0)}


@dataclass(frozen=True)
class DatasetSplit:
    """A dataset cut into a training and a test part: ``x_*`` (N, features), ``y_*`` (N,) int64."""

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    num_classes: int

    @property
    def num_features(self) -> int:
        return int(self.x_train.shape[1])

    def __repr__(self) -> str:
        return (
            f"DatasetSplit({self.name!r}, train={self.x_train.shape}, test={self.x_test.shape}, "
            f"num_classes={self.num_classes}, dtype={self.x_train.dtype})"
        )


def _sklearn_seed(rng: np.random.Generator | None) -> int:
    """An integer seed for scikit-learn's ``random_state``, drawn from ``rng`` (no global state)."""
    return int((np.random.default_rng() if rng is None else rng).integers(2**31 - 1))


def _check_n_samples(where: str, n_samples: Any, minimum: int) -> int:
    if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)) or n_samples < minimum:
        raise ValueError(f"{where}: expected n_samples to be an integer >= {minimum}, got {n_samples!r}")
    return int(n_samples)


# ---------------------------------------------------------------------------------------- logic gates
def logic_gate(name: str, dtype: Any = np.float64) -> tuple[np.ndarray, np.ndarray]:
    """C2.1-perceptron: the truth table of AND, OR, NAND or XOR: x (4, 2), y (4,)."""
    if name not in _GATE_OUTPUTS:
        raise ValueError(f"logic_gate: expected name to be one of {GATES}, got {name!r}")
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=dtype)
    return x, np.array(_GATE_OUTPUTS[name], dtype=np.int64)


# ------------------------------------------------------------------------------------- 2-D sets
def make_spirals(
    n_samples: int = 1000,
    n_classes: int = 3,
    noise: float = 0.2,
    *,
    dtype: Any = np.float64,
    rng: np.random.Generator | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    r"""Interleaved spiral arms, one class each: no straight line separates them.

    Math: arm k has points at radius r ∈ [0, 1] and angle θ = 4r + 4k + ε (radians), ε ~ N(0, noise²),
    i.e. x = r (sin θ, cos θ). Samples are shared out as evenly as possible between the arms.
    """
    n_samples = _check_n_samples("make_spirals", n_samples, 1)
    if isinstance(n_classes, bool) or not isinstance(n_classes, int) or n_classes < 2:
        raise ValueError(f"make_spirals: expected n_classes to be an integer >= 2, got {n_classes!r}")
    if not noise >= 0:
        raise ValueError(f"make_spirals: expected noise >= 0, got {noise!r}")
    rng = np.random.default_rng() if rng is None else rng
    counts = [n_samples // n_classes + (k < n_samples % n_classes) for k in range(n_classes)]
    xs, ys = [], []
    for k, count in enumerate(counts):
        r = np.linspace(0.0, 1.0, count)
        theta = np.linspace(4.0 * k, 4.0 * (k + 1), count) + noise * rng.standard_normal(count)
        xs.append(np.stack([r * np.sin(theta), r * np.cos(theta)], axis=1))
        ys.append(np.full(count, k, dtype=np.int64))
    return np.concatenate(xs).astype(dtype), np.concatenate(ys)


def make_2d(
    name: str, n_samples: int = 1000, *, dtype: Any = np.float64, rng: np.random.Generator | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """One of the 2-D sets: ``moons`` and ``circles`` (2 classes), ``spirals`` and ``blobs`` (3)."""
    from sklearn import datasets as skd

    n_samples = _check_n_samples("make_2d", n_samples, 2)
    if name == "spirals":
        return make_spirals(n_samples, dtype=dtype, rng=rng)
    seed = _sklearn_seed(rng)
    if name == "moons":
        x, y = skd.make_moons(n_samples, noise=0.2, random_state=seed)
    elif name == "circles":
        x, y = skd.make_circles(n_samples, noise=0.1, factor=0.5, random_state=seed)
    elif name == "blobs":
        x, y = skd.make_blobs(n_samples, centers=3, n_features=2, cluster_std=1.5, random_state=seed)
    else:
        raise ValueError(f"make_2d: expected name to be one of {SYNTHETIC}, got {name!r}")
    return x.astype(dtype), y.astype(np.int64)


# -------------------------------------------------------------------------- scikit-learn's bundled sets
def load_digits(dtype: Any = np.float64) -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's 8×8 digits: x (1797, 64), pixel values 0…16 scaled to [0, 1]; y (1797,) in 0…9."""
    from sklearn.datasets import load_digits as _load

    bunch = _load()
    return (bunch.data / 16.0).astype(dtype), bunch.target.astype(np.int64)


def load_iris(dtype: Any = np.float64) -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's iris: x (150, 4) raw measurements in cm; y (150,) in 0…2."""
    from sklearn.datasets import load_iris as _load

    bunch = _load()
    return bunch.data.astype(dtype), bunch.target.astype(np.int64)


# --------------------------------------------------------------------------------- splits and the registry
def train_test_split(
    x: np.ndarray, y: np.ndarray, test_size: float = 0.2, *, rng: np.random.Generator | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A seeded, stratified split (every class keeps its share in both parts): scikit-learn's
    ``train_test_split(stratify=y)`` with a seed drawn from ``rng``."""
    from sklearn.model_selection import train_test_split as _split

    if not 0 < test_size < 1:
        raise ValueError(f"train_test_split: expected 0 < test_size < 1, got {test_size!r}")
    check_split_sizes(len(y), len(np.unique(y)), test_size)
    x_train, x_test, y_train, y_test = _split(
        x, y, test_size=test_size, stratify=y, random_state=_sklearn_seed(rng)
    )
    return x_train, y_train, x_test, y_test


class SplitError(ValueError):
    """A ``test_size`` that leaves one part of a stratified split with fewer samples than classes."""


def check_split_sizes(n_samples: int, n_classes: int, test_size: float) -> None:
    """A stratified split puts every class in both parts, so each part needs at least ``n_classes``
    samples: the test part gets ⌈test_size·N⌉ (scikit-learn's rounding), the training part the rest.
    Raises SplitError with the range of ``test_size`` that works, [k/N, (N − k)/N]."""
    n_test = math.ceil(test_size * n_samples)
    n_train = n_samples - n_test
    if min(n_test, n_train) < n_classes:
        low, high = n_classes / n_samples, (n_samples - n_classes) / n_samples
        raise SplitError(
            f"test_size {test_size:g} leaves {n_train} training and {n_test} test samples of {n_samples} "
            f"for {n_classes} classes (each part needs one sample of every class): expected a value in "
            f"[{math.ceil(low * 1e4) / 1e4:g}, {math.floor(high * 1e4) / 1e4:g}]"
        )


def standardize(x_train: np.ndarray, x_test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Scale each feature to mean 0, standard deviation 1, with the **training** part's statistics only
    (the test part must not leak into them)."""
    mean = x_train.mean(axis=0)
    std = x_train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    return (x_train - mean) / std, (x_test - mean) / std


def load_dataset(
    name: str,
    *,
    rng: np.random.Generator | None = None,
    test_size: float = 0.2,
    dtype: Any = np.float64,
    data_dir: str | os.PathLike[str] = "data",
    n_samples: int = 1000,
) -> DatasetSplit:
    """Load ``name`` (one of ``DATASETS``) as a ``DatasetSplit``.

    Args:
        name: the dataset.
        rng: draws the synthetic samples and the split (default: a fresh, unseeded generator).
        test_size: the test part's share for a seeded stratified split (default 0.2).
        dtype: of the features (default float64); labels are always int64.
        data_dir: where MNIST's IDX files are (``<data_dir>/MNIST/raw``, torchvision's layout).
        n_samples: size of a 2-D set before the split (default 1000).
    """
    if name not in DATASETS:
        raise ValueError(f"load_dataset: expected name to be one of {DATASETS}, got {name!r}")
    dtype = np.dtype(dtype)
    if not np.issubdtype(dtype, np.floating):
        raise TypeError(f"load_dataset: expected a floating dtype, got {dtype}")
    if name in GATES:  # four rows: nothing to hold out, the table is both the training and the test set
        x, y = logic_gate(name, dtype)
        return DatasetSplit(name, x, y, x.copy(), y.copy(), num_classes=2)
    if name in IDX_DATASETS:
        return DatasetSplit(name, *load_idx_dataset(name, data_dir, dtype), num_classes=10)
    rng = np.random.default_rng() if rng is None else rng
    if name in SYNTHETIC:
        x, y = make_2d(name, n_samples, dtype=dtype, rng=rng)
    elif name == "digits":
        x, y = load_digits(dtype)
    else:
        x, y = load_iris(dtype)
    x_train, y_train, x_test, y_test = train_test_split(x, y, test_size, rng=rng)
    if name == "iris":
        x_train, x_test = standardize(x_train, x_test)
    return DatasetSplit(
        name,
        np.ascontiguousarray(x_train, dtype=dtype),
        y_train,
        np.ascontiguousarray(x_test, dtype=dtype),
        y_test,
        num_classes=int(y.max()) + 1,
    )

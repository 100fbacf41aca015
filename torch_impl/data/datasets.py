"""The torch twin's data: the same NumPy arrays as ``scratch.data.datasets``, as tensors; MNIST and
Fashion-MNIST through ``torchvision.datasets`` (downloaded when online).

Both twins must train on identical numbers, so every dataset but MNIST comes from the scratch twin's
plain-data loaders (``scratch.data.datasets``: sklearn's sets, the gates, the spirals, the split). For
MNIST, torchvision reads (or first downloads) the IDX files into ``<data_dir>/MNIST/raw``; the scratch
twin's ``load_idx_dataset`` reads the same files without torch, and a parity test checks the two agree.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import torch
import torch.utils.data

from scratch.data import datasets as plain
from scratch.data.datasets import DatasetSplit

_TORCHVISION_CLASSES = {"mnist": "MNIST", "fashion-mnist": "FashionMNIST"}


def load_idx_dataset(
    name: str, data_dir: str | os.PathLike[str], dtype: Any = np.float64, download: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """MNIST or Fashion-MNIST via ``torchvision.datasets.MNIST`` / ``FashionMNIST(root=data_dir)``.

    Reads the files when they are in ``data_dir``; otherwise downloads them when ``download`` (and online).
    Returns ``x_train, y_train, x_test, y_test`` as ``scratch.data.datasets.load_idx_dataset`` does:
    images flattened to (N, 784), pixels / 255. Raises FileNotFoundError with instructions when the files
    are missing and cannot be downloaded.
    """
    import torchvision

    if name not in _TORCHVISION_CLASSES:
        raise ValueError(
            f"load_idx_dataset: expected name to be one of {tuple(_TORCHVISION_CLASSES)}, got {name!r}"
        )
    cls = getattr(torchvision.datasets, _TORCHVISION_CLASSES[name])
    arrays = []
    for train in (True, False):
        try:
            data = cls(os.fspath(data_dir), train=train, download=download)
        except (RuntimeError, OSError) as error:  # torchvision: "Dataset not found" / download errors
            raise FileNotFoundError(plain.missing_idx_message(name, data_dir)) from error
        images = data.data.numpy()
        arrays += [
            (images.reshape(images.shape[0], -1) / 255.0).astype(dtype),
            data.targets.numpy().astype(np.int64),
        ]
    return tuple(arrays)


def load_dataset(
    name: str,
    *,
    rng: np.random.Generator | None = None,
    test_size: float = 0.2,
    dtype: Any = np.float64,
    data_dir: str | os.PathLike[str] = "data",
    n_samples: int = 1000,
    download: bool = True,
) -> DatasetSplit:
    """``scratch.data.datasets.load_dataset``, except that MNIST and Fashion-MNIST come through
    torchvision (downloaded when missing and ``download``). Returns NumPy arrays for both twins."""
    if name in plain.IDX_DATASETS:
        return DatasetSplit(name, *load_idx_dataset(name, data_dir, dtype, download), num_classes=10)
    return plain.load_dataset(
        name, rng=rng, test_size=test_size, dtype=dtype, data_dir=data_dir, n_samples=n_samples
    )


def tensor_dataset(
    x: np.ndarray, y: np.ndarray, device: str | torch.device = "cpu"
) -> torch.utils.data.TensorDataset:
    """``torch.utils.data.TensorDataset`` of copies of the arrays (same dtypes) on ``device``."""
    return torch.utils.data.TensorDataset(
        torch.from_numpy(np.ascontiguousarray(x)).to(device),
        torch.from_numpy(np.ascontiguousarray(y)).to(device),
    )

"""The torch twin's data: the same NumPy arrays as ``scratch.data.datasets``, as tensors; MNIST and
Fashion-MNIST downloaded through ``torchvision.datasets`` when they are missing (and online).

Both twins must train on identical numbers, so every dataset comes from the plain-data loaders both twins
share (``scratch.data.datasets``: sklearn's sets, the gates, the spirals, the split; ``scratch.data.idx``:
the strict IDX reader). torchvision only downloads; a parity test checks that its own reader reads the
same files to the same arrays.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from typing import Any

import numpy as np
import torch
import torch.utils.data

from scratch.data import datasets as plain
from scratch.data.datasets import DatasetSplit


def download_idx_files(name: str, data_dir: str | os.PathLike[str]) -> None:
    """Download MNIST or Fashion-MNIST's raw files with torchvision into a temporary folder, then move them
    to ``<data_dir>/MNIST/raw``: a download that fails leaves nothing behind in ``data_dir``.

    Raises MissingDataError (a FileNotFoundError) saying how to get the files when the download fails.
    """
    import torchvision

    cls = getattr(torchvision.datasets, plain.IDX_FOLDERS[name])
    target = plain.idx_raw_folder(name, data_dir)
    with tempfile.TemporaryDirectory(prefix="twin-nets-download-") as scratch_dir:
        try:
            cls(scratch_dir, train=True, download=True)
        except (RuntimeError, OSError, ValueError) as error:  # "Error downloading …": offline
            raise plain.MissingDataError(plain.missing_idx_message(name, data_dir)) from error
        downloaded = plain.idx_raw_folder(name, scratch_dir)
        target.mkdir(parents=True, exist_ok=True)
        for stem in plain.missing_idx_files(name, data_dir):
            for source in (downloaded / stem, downloaded / f"{stem}.gz"):
                if source.is_file():
                    shutil.move(str(source), target / source.name)


def load_idx_dataset(
    name: str, data_dir: str | os.PathLike[str], dtype: Any = np.float64, download: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """MNIST or Fashion-MNIST: the files in ``data_dir`` read by the strict reader both twins share
    (``scratch.data.idx``: plain file reading, no math); when files are missing and ``download``, they are
    first downloaded through torchvision (``download_idx_files``).

    Returns ``x_train, y_train, x_test, y_test``: images flattened to (N, 784), pixels / 255.
    Raises MissingDataError (a FileNotFoundError) with instructions when files are missing and cannot be
    downloaded, DataError naming a file that is corrupt.
    """
    if name not in plain.IDX_DATASETS:
        raise ValueError(f"load_idx_dataset: expected name to be one of {plain.IDX_DATASETS}, got {name!r}")
    if download and plain.missing_idx_files(name, data_dir):
        download_idx_files(name, data_dir)
    return plain.load_idx_dataset(name, data_dir, dtype)


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

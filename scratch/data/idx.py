r"""MNIST's file format, IDX, read strictly: every problem names the file and what is wrong.

Both twins read MNIST and Fashion-MNIST through this reader (the torch twin downloads the files through
torchvision when they are missing, then reads them here too), so a corrupt file gives the same clear
message in both and nothing is created in the data folder.

Format: two zero bytes, a type code (0x08 = uint8, …), the number of dimensions d, then d big-endian
uint32 sizes, then the values in C order. MNIST's images are (N, 28, 28) uint8 and its labels (N,) uint8
in 0…9; the files sit in ``<data_dir>/MNIST/raw`` (torchvision's layout), each raw or ``.gz``-compressed.
"""

from __future__ import annotations

import gzip
import math
import os
import zlib
from pathlib import Path
from typing import Any

import numpy as np

IDX_DATASETS = ("mnist", "fashion-mnist")
# torchvision's folder and file names, so one --data-dir serves both twins.
IDX_FOLDERS = {"mnist": "MNIST", "fashion-mnist": "FashionMNIST"}
IDX_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
IMAGE_SHAPE = (28, 28)
NUM_CLASSES = 10
_IDX_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


class DataError(ValueError):
    """A data file that is missing, unreadable or malformed; the message names the file. The user can fix
    it (exit status 2 on the command line)."""


class MissingDataError(DataError, FileNotFoundError):
    """Data files that are not there (and cannot be downloaded here)."""


def read_idx(path: str | os.PathLike[str]) -> np.ndarray:
    """Read an IDX file (``.gz`` compressed or not) into an array.

    Raises DataError naming ``path``: unreadable, not gzip although named ``.gz``, a header that is not
    IDX's, or a data length that differs from the header's sizes.
    """
    path = Path(path)
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as handle:
                raw = handle.read()
        else:
            raw = path.read_bytes()
    except (gzip.BadGzipFile, EOFError, zlib.error) as error:
        raise DataError(f"{path}: not a readable gzip file ({error or type(error).__name__})") from error
    except OSError as error:
        raise DataError(f"{path}: cannot be read ({error.strerror or error})") from error
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_DTYPES or raw[3] == 0:
        raise DataError(f"{path}: not an IDX file (its first 4 bytes are {raw[:4]!r})")
    ndim = raw[3]
    offset = 4 + 4 * ndim
    if len(raw) < offset:
        raise DataError(f"{path}: truncated IDX header ({len(raw)} bytes, {ndim} sizes announced)")
    shape = tuple(int(s) for s in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    dtype = np.dtype(_IDX_DTYPES[raw[2]])
    if len(raw) - offset != dtype.itemsize * math.prod(shape):
        raise DataError(f"{path}: holds {len(raw) - offset} bytes of data, header says {shape} {dtype.name}")
    return np.frombuffer(raw, dtype=dtype, offset=offset).reshape(shape)


def idx_raw_folder(name: str, data_dir: str | os.PathLike[str]) -> Path:
    """Where torchvision keeps the raw files: ``<data_dir>/MNIST/raw`` or ``<data_dir>/FashionMNIST/raw``."""
    return Path(data_dir) / IDX_FOLDERS[name] / "raw"


def find_idx(folder: Path, stem: str) -> Path | None:
    """``folder/stem`` or ``folder/stem.gz``, whichever is a file."""
    for candidate in (folder / stem, folder / f"{stem}.gz"):
        if candidate.is_file():
            return candidate
    return None


def missing_idx_files(name: str, data_dir: str | os.PathLike[str]) -> list[str]:
    """The file names (without ``.gz``) that are in neither form in the raw folder."""
    folder = idx_raw_folder(name, data_dir)
    return [stem for pair in IDX_FILES.values() for stem in pair if find_idx(folder, stem) is None]


def missing_idx_message(name: str, data_dir: str | os.PathLike[str]) -> str:
    """How to get the files: a one-paragraph message for a user who is offline (or, when ``data_dir``
    is a file, that it should be a folder)."""
    folder = idx_raw_folder(name, data_dir)
    if Path(data_dir).exists() and not Path(data_dir).is_dir():
        wanted = f"a folder that has {IDX_FOLDERS[name]}/raw/"
        return f"{name}: --data-dir: expected {wanted}, got the file {data_dir}"
    missing = missing_idx_files(name, data_dir) or [s for pair in IDX_FILES.values() for s in pair]
    torchvision_class = IDX_FOLDERS[name]
    return (
        f"{name}: {', '.join(f'{s}(.gz)' for s in missing)} not in {folder} and cannot be downloaded "
        f'here. On a machine with internet run `python -c "import torchvision; '
        f"torchvision.datasets.{torchvision_class}('{data_dir}', download=True)\"` and copy the folder "
        f"{folder} here, or pass --data-dir pointing at a folder that has {torchvision_class}/raw/."
    )


def idx_files_present(name: str, data_dir: str | os.PathLike[str]) -> bool:
    return not missing_idx_files(name, data_dir)


def _check_pair(images_path: Path, labels_path: Path) -> tuple[np.ndarray, np.ndarray]:
    images, labels = read_idx(images_path), read_idx(labels_path)
    if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != IMAGE_SHAPE:
        raise DataError(
            f"{images_path}: expected uint8 images of shape (N, 28, 28), "
            f"got {images.dtype.name} {images.shape}"
        )
    if labels.dtype != np.uint8 or labels.ndim != 1:
        raise DataError(
            f"{labels_path}: expected uint8 labels of shape (N,), got {labels.dtype.name} {labels.shape}"
        )
    if len(images) == 0 or len(images) != len(labels):
        raise DataError(
            f"{images_path} holds {len(images)} images and {labels_path.name} {len(labels)} labels; "
            "expected the same number, at least 1"
        )
    bad = np.flatnonzero(labels >= NUM_CLASSES)
    if bad.size:
        raise DataError(
            f"{labels_path}: expected labels in 0…{NUM_CLASSES - 1}, got {int(labels[bad[0]])} at index "
            f"{int(bad[0])} ({bad.size} such labels)"
        )
    return images, labels


def load_idx_dataset(
    name: str, data_dir: str | os.PathLike[str], dtype: Any = np.float64
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """MNIST or Fashion-MNIST from raw IDX files: images flattened to (N, 784), pixels / 255 in [0, 1].

    Returns the official split ``x_train, y_train, x_test, y_test``. Reads only: nothing is created.

    Raises:
        MissingDataError: (a FileNotFoundError) naming the missing files and saying how to get them.
        DataError: a file that cannot be read or is not what MNIST holds (named, with what is wrong).
    """
    if name not in IDX_DATASETS:
        raise ValueError(f"load_idx_dataset: expected name to be one of {IDX_DATASETS}, got {name!r}")
    if missing_idx_files(name, data_dir):
        raise MissingDataError(missing_idx_message(name, data_dir))
    folder = idx_raw_folder(name, data_dir)
    arrays = []
    for images_stem, labels_stem in IDX_FILES.values():
        images, labels = _check_pair(find_idx(folder, images_stem), find_idx(folder, labels_stem))
        arrays += [(images.reshape(len(images), -1) / 255.0).astype(dtype), labels.astype(np.int64)]
    return tuple(arrays)

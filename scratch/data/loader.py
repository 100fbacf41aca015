r"""C3.2.1-sgd: batches, iterations and epochs — the batch loader (seed §3.2.1, §4.3).

An **epoch** is one pass over the training set. The loader cuts it into **batches** of ``batch_size``
samples; one optimizer step per batch is one **iteration**, so an epoch has

    iterations = ⌈N / batch_size⌉        (⌊N / batch_size⌋ with ``drop_last=True``)

The seed's example: N = 1000 samples with batch_size = 100 give 10 iterations per epoch.
``batch_size = N`` is full-batch gradient descent (C3.2.1-gd: one step per epoch, on the exact gradient);
a small batch is mini-batch stochastic gradient descent (C3.2.1-sgd: many cheap, noisy steps).

``shuffle=True`` visits the samples in a fresh random order every epoch. The order comes from
``epoch_order``, a NumPy permutation drawn from the loader's generator; the torch twin's sampler calls the
same function, so two generators in the same state give both twins the same batches, in the same order.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

import numpy as np


class Dataset(Protocol):
    """What the loader needs: a length and rows selected by an array of indices."""

    def __len__(self) -> int: ...

    def __getitem__(self, index: Any) -> Any: ...


class TensorDataset:
    """Arrays that share their first dimension; ``dataset[index]`` is the tuple of their rows.

    The NumPy twin of ``torch.utils.data.TensorDataset`` (torch's name kept, NumPy arrays inside).
    ``index`` may be an int or an array of indices, so the loader fetches a whole batch with one
    fancy-indexing copy per array.
    """

    def __init__(self, *arrays: np.ndarray) -> None:
        if not arrays:
            raise ValueError("TensorDataset: expected at least one array, got none")
        arrays = tuple(np.asarray(a) for a in arrays)
        lengths = [a.shape[0] if a.ndim else None for a in arrays]
        if None in lengths or len(set(lengths)) != 1:
            raise ValueError(
                f"TensorDataset: expected arrays with the same first dimension, got shapes "
                f"{[a.shape for a in arrays]}"
            )
        self.arrays = arrays

    def __len__(self) -> int:
        return self.arrays[0].shape[0]

    def __getitem__(self, index: Any) -> tuple[np.ndarray, ...]:
        return tuple(a[index] for a in self.arrays)


def _check_flag(name: str, value: Any) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"DataLoader: expected {name} to be a bool, got {value!r}")
    return bool(value)


def check_batch_size(batch_size: Any) -> int:
    """``batch_size`` as an int, or a ValueError naming the expected and the actual value."""
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size <= 0:
        raise ValueError(f"DataLoader: expected batch_size to be a positive integer, got {batch_size!r}")
    return int(batch_size)


def check_shuffled_length(where: str, num_samples: int, shuffle: bool) -> None:
    """Shuffling an empty dataset is refused, as torch's ``RandomSampler`` refuses it ("num_samples should
    be a positive integer value"); without shuffling an empty dataset gives an epoch of no batches."""
    if shuffle and num_samples == 0:
        raise ValueError(f"{where}: expected a non-empty dataset to shuffle, got 0 samples")


def epoch_order(num_samples: int, shuffle: bool, rng: np.random.Generator) -> np.ndarray:
    """The indices one epoch visits, in order: ``rng.permutation(N)`` when shuffling, else 0 … N−1.

    Shared by both twins' loaders (the torch twin's sampler calls it too), so it is the single place
    where the batch order is decided.
    """
    if shuffle:
        return rng.permutation(num_samples)
    return np.arange(num_samples)


def num_batches(num_samples: int, batch_size: int, drop_last: bool) -> int:
    """Iterations per epoch: ⌈N / B⌉, or ⌊N / B⌋ when the last, smaller batch is dropped."""
    return num_samples // batch_size if drop_last else -(-num_samples // batch_size)


class DataLoader:
    r"""C3.2.1-sgd: 확률적 경사 하강법 (mini-batch stochastic gradient descent), seed §3.2.1

    Iterate a dataset in batches, one epoch per ``for`` loop (batch, iteration and epoch: seed §4.3).

    Math:      an epoch visits the indices π = epoch_order(N) (a permutation when shuffling) and yields
               batches dataset[π[kB : (k+1)B]] for k = 0 … len(loader) − 1.
    Shape:     each batch is ``dataset[indices]``: for a ``TensorDataset(x, y)`` the tuple
               (x (B, *), y (B, *)), B = batch_size (the last batch may be smaller).
    Args:
        dataset: a ``TensorDataset`` or anything with ``len()`` and array indexing.
        batch_size: samples per batch (default 1, as torch).
        shuffle: draw a new order from ``rng`` at the start of every epoch (default False).
        drop_last: drop the last batch when it is smaller than ``batch_size`` (default False).
        rng: the generator of the shuffling order (default: a fresh, unseeded one).

    ``len(loader)`` is the number of iterations per epoch. An empty dataset with ``shuffle=True`` is a
    ValueError (torch's ``RandomSampler`` raises too); without shuffling it gives no batches, as in torch.

    Differs from torch: ``torch.utils.data.DataLoader`` draws the permutation from a ``torch.Generator``
    through a ``RandomSampler``; here it comes from a NumPy generator, and the torch twin
    (``torch_impl.data.loader.DataLoader``) feeds that same permutation to torch's own batching. Batches
    are NumPy arrays (copies made by fancy indexing), not collated tensors; there are no worker processes.
    """

    def __init__(
        self,
        dataset: Dataset,
        batch_size: int = 1,
        shuffle: bool = False,
        drop_last: bool = False,
        *,
        rng: np.random.Generator | None = None,
    ) -> None:
        if not hasattr(dataset, "__len__") or not hasattr(dataset, "__getitem__"):
            raise TypeError(
                f"DataLoader: expected dataset with __len__ and __getitem__, got {type(dataset).__name__}"
            )
        if rng is not None and not isinstance(rng, np.random.Generator):
            raise TypeError(f"DataLoader: expected rng to be a numpy.random.Generator, got {rng!r}")
        self.dataset = dataset
        self.batch_size = check_batch_size(batch_size)
        self.shuffle = _check_flag("shuffle", shuffle)
        self.drop_last = _check_flag("drop_last", drop_last)
        check_shuffled_length("DataLoader", len(dataset), self.shuffle)
        self.rng = np.random.default_rng() if rng is None else rng

    def __len__(self) -> int:
        return num_batches(len(self.dataset), self.batch_size, self.drop_last)

    def __iter__(self) -> Iterator[Any]:
        order = epoch_order(len(self.dataset), self.shuffle, self.rng)
        for k in range(len(self)):
            yield self.dataset[order[k * self.batch_size : (k + 1) * self.batch_size]]

    def __repr__(self) -> str:
        return (
            f"DataLoader(len(dataset)={len(self.dataset)}, batch_size={self.batch_size}, "
            f"shuffle={self.shuffle}, drop_last={self.drop_last}, iterations={len(self)})"
        )

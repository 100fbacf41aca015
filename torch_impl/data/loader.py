r"""C3.2.1-sgd: the torch twin of the batch loader — ``torch.utils.data.DataLoader`` fed the scratch
twin's batch order.

torch's ``DataLoader`` normally draws its permutation from a ``torch.Generator`` (``RandomSampler``), a
different random stream from NumPy's. Here the sampler asks ``scratch.data.loader.epoch_order`` for the
epoch's order (plain index bookkeeping, no math), drawn from a NumPy generator; torch's own
``BatchSampler`` and ``default_collate`` then cut it into batches and stack the tensors. Two generators in
the same state therefore give both twins identical batches. The math of batches, iterations and epochs
is in ``scratch.data.loader``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import torch.utils.data

from scratch.data.loader import check_batch_size, check_shuffled_length, epoch_order


class EpochOrderSampler(torch.utils.data.Sampler[int]):
    """Yields one epoch's sample indices: ``epoch_order(N, shuffle, rng)``, a fresh draw per epoch."""

    def __init__(
        self, num_samples: int, shuffle: bool = False, *, rng: np.random.Generator | None = None
    ) -> None:
        if rng is not None and not isinstance(rng, np.random.Generator):
            raise TypeError(f"EpochOrderSampler: expected rng to be a numpy.random.Generator, got {rng!r}")
        self.num_samples = int(num_samples)
        self.shuffle = bool(shuffle)
        check_shuffled_length("EpochOrderSampler", self.num_samples, self.shuffle)
        self.rng = np.random.default_rng() if rng is None else rng

    def __iter__(self) -> Iterator[int]:
        return iter(epoch_order(self.num_samples, self.shuffle, self.rng).tolist())

    def __len__(self) -> int:
        return self.num_samples


class DataLoader(torch.utils.data.DataLoader):
    """``torch.utils.data.DataLoader(dataset, batch_size, sampler=EpochOrderSampler(...), drop_last)``.

    Args as ``scratch.data.loader.DataLoader``: ``batch_size=1``, ``shuffle=False``, ``drop_last=False``,
    ``rng`` the NumPy generator of the shuffling order; further keyword arguments go to torch's
    ``DataLoader`` (``num_workers``, ``pin_memory``, …). ``len(loader)`` is the iterations per epoch.
    The shuffling generator is ``loader.sampler.rng``.
    """

    def __init__(
        self,
        dataset: torch.utils.data.Dataset,
        batch_size: int = 1,
        shuffle: bool = False,
        drop_last: bool = False,
        *,
        rng: np.random.Generator | None = None,
        **kwargs: Any,
    ) -> None:
        if not isinstance(shuffle, bool) or not isinstance(drop_last, bool):
            raise TypeError(
                f"DataLoader: expected shuffle and drop_last to be bools, got {shuffle!r}, {drop_last!r}"
            )
        sampler = EpochOrderSampler(len(dataset), shuffle, rng=rng)
        super().__init__(
            dataset,
            batch_size=check_batch_size(batch_size),
            sampler=sampler,
            drop_last=drop_last,
            **kwargs,
        )

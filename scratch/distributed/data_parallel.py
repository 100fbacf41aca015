r"""C3.2.1-data-parallel: 확률적 경사 하강법 (mini-batch SGD over K workers, beyond the notes), seed §3.2.1

The notes' mini-batch SGD takes one step per batch on the gradient of the batch's mean loss. When one
process is too slow, K workers (ranks) share the batch: each holds a full copy of the model, computes
the gradient on its shard, an all-reduce averages the K gradients, and every copy takes the same step.

Math:      a global batch of B samples, cut into K equal shards of B/K (rank r gets rows r·B/K … );
           one process:  ∇E = (1/B) Σ_{i=1..B} ∇ℓ_i
           rank r:       g_r = (1/(B/K)) Σ_{i ∈ shard r} ∇ℓ_i           (its shard's mean loss)
           all-reduce:   (1/K) Σ_r g_r = (1/K)(K/B) Σ_r Σ_{i ∈ r} ∇ℓ_i = (1/B) Σ_i ∇ℓ_i = ∇E
           so every replica takes exactly the step the single process takes on the whole batch; the
           replicas start equal (same initial weights) and stay equal, step after step.
When it is not the same:
           * reduction='sum': g_r = Σ_{i∈r} ∇ℓ_i, and the average (1/K) Σ_r g_r is 1/K of the one-process
             gradient Σ_i ∇ℓ_i: sum the shard gradients instead (or scale the learning rate by K).
           * uneven shards n_r (B not divisible by K): the plain average (1/K) Σ_r g_r weighs a sample of
             a small shard more; the batch's gradient is Σ_r (n_r/B) g_r. This module refuses uneven
             shards; the runner refuses a batch size (or a last batch) that K does not divide.
           * dropout: each rank drawing its own masks from its own stream is still valid SGD, but not
             the single-process run; drawing the whole batch's (B, H) mask from one shared stream and
             keeping one's own rows is (``GlobalMaskRows``).
           * batch norm: each rank normalises with its shard's mean and variance, not the batch's; the
             forward itself differs (``SyncBatchNorm`` all-reduces the statistics, C4.3-sync-batchnorm).
           * buffers (running statistics) are not averaged: rank 0's are the ones saved (torch's DDP
             broadcasts rank 0's buffers before each forward to the same effect).
Order:     torch's DDP scales each gradient by 1/K before the all-reduce: with no communication hook
           its C++ reducer multiplies by 1/K while copying the gradient into its bucket (``reducer.cpp``,
           ``at::mul_out(bucket_view, grad, 1. / div_factor_)``; the reference ``allreduce_hook``'s
           ``tensor.div_(size)`` is not registered). ``average_gradients`` divides by K first too; for K
           a power of two 1/K is exact, so the two roundings and either order give the same sum.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from scratch.distributed.ring import ring_allreduce
from scratch.nn.module import Parameter


def shard_rows(n: int, rank: int, size: int) -> slice:
    """Rank ``rank``'s rows of a global batch of ``n``: the contiguous block r·n/K … (r+1)·n/K.

    Raises ValueError when K = ``size`` does not divide ``n`` (uneven shards are not the batch's mean).

    Example:
        >>> [shard_rows(8, r, 4) for r in range(4)]
        [slice(0, 2, None), slice(2, 4, None), slice(4, 6, None), slice(6, 8, None)]
    """
    if size < 1 or not 0 <= rank < size:
        raise ValueError(f"shard_rows: expected 0 <= rank < size, got rank={rank}, size={size}")
    if n % size:
        raise ValueError(f"shard_rows: expected a batch that the {size} ranks divide evenly, got {n} samples")
    per_rank = n // size
    return slice(rank * per_rank, (rank + 1) * per_rank)


def average_gradients(parameters: Iterable[Parameter], comm: Any) -> None:
    r"""C3.2.1-data-parallel: 확률적 경사 하강법 (every ``p.grad`` averaged over the K ranks), seed §3.2.1

    Math:      p.grad ← Σ_r (g_r / K)          (one ring all-reduce of all gradients, flattened into
                                                one buffer, as torch's DDP reduces a bucket)
    """
    parameters = list(parameters)
    size = comm.Get_size()
    if size == 1 or not parameters:
        return
    flat = np.concatenate([p.grad.reshape(-1) for p in parameters])
    flat /= flat.dtype.type(size)  # scale first, as DDP's reducer does (it multiplies by 1/K)
    total = ring_allreduce(comm, flat)
    offset = 0
    for p in parameters:
        p.grad[...] = total[offset : offset + p.grad.size].reshape(p.grad.shape)
        offset += p.grad.size


class GlobalMaskRows:
    """A stand-in for a dropout layer's generator: ``random(shape)`` draws the whole batch's uniforms
    (K·shape[0] rows) from the shared generator and returns this rank's rows, in the order one process
    draws them (C order, row-major: rank r's rows are a contiguous run of the stream).

    Example:
        >>> whole = np.random.default_rng(0).random((4, 3))       # one process, batch of 4
        >>> rows = [GlobalMaskRows(np.random.default_rng(0), r, 2).random((2, 3)) for r in range(2)]
        >>> bool((np.concatenate(rows) == whole).all())
        True
    """

    def __init__(self, rng: np.random.Generator, rank: int, size: int) -> None:
        self.rng, self.rank, self.size = rng, rank, size

    def random(self, shape: tuple[int, ...]) -> np.ndarray:
        rows = shape[0]
        whole = self.rng.random((rows * self.size, *shape[1:]))
        return whole[self.rank * rows : (self.rank + 1) * rows]

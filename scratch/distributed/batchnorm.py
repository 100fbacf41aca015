r"""C4.3-sync-batchnorm: 배치 정규화 (batch norm synchronised over the workers), seed §4.3

Beyond the notes: the notes' batch norm, when the batch is split over K workers (``SyncBatchNorm``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from scratch.distributed.ring import ring_allreduce
from scratch.nn.batchnorm import BatchNorm1d
from scratch.nn.checks import check_grad_output
from scratch.nn.module import Module


class SyncBatchNorm(BatchNorm1d):
    r"""C4.3-sync-batchnorm: 배치 정규화 (with the whole global batch's statistics), seed §4.3

    The seed: a batch is normalised by its own mean and variance, and a batch that is too small gives
    poor estimates of them. Data-parallel training (C3.2.1-data-parallel) cuts each batch into K shards:
    plain ``BatchNorm1d`` on each rank normalises with its shard's statistics only (B/K samples), so the
    K-rank run is not the one-process run, and less so the smaller the shard. ``SyncBatchNorm``
    all-reduces what the statistics are made of, so every rank normalises with the batch's own.

    Math (per channel; rank r holds n_r values, n = Σ_r n_r):
               forward:  all-reduce (n_r, Σ x, Σ x²) -> (n, S, Q)
                         μ = S/n,   σ² = Q/n − μ²  (biased; clamped at 0 against round-off)
                         x̂ = (x − μ)/√(σ² + eps),   y = γ x̂ + β
                         running_var uses the global count: σ²·n/(n − 1), as ``torch.nn.SyncBatchNorm``
               backward: all-reduce (Σ g, Σ g x̂) -> (G₁, G₂), with g = ∂E_r/∂y the rank's own gradient
                         ∂E/∂x = γ s (g − G₁/n − x̂ G₂/n),   s = 1/√(σ² + eps)
                         ∂E/∂γ = Σ_local g x̂,   ∂E/∂β = Σ_local g   (local: the gradient all-reduce of
                         C3.2.1-data-parallel averages them with every other parameter)
    Why the sums: μ and σ² depend on every rank's x, so ∂E/∂x needs the two reduction terms of the
    ordinary batch-norm backward (⟨g⟩ and ⟨g x̂⟩) over the whole batch. With every rank's own loss
    E_r, the result is the gradient of Σ_r E_r; the gradient average (1/K) then makes it the gradient
    of the mean, i.e. the one-process batch's (equal shards: E_r's mean over B/K samples = K·(its part
    of E)).
    Round-off: Q/n − μ² cancels when |μ| ≫ σ (relative error ≈ ε·μ²/σ²); torch instead gathers each
    rank's mean and variance and combines them (``batch_norm_gather_stats_with_counts``). Both agree
    with the one-process batch norm within float64's round-off here (tested).
    Shape, Args: as ``BatchNorm1d``, plus ``comm`` (an MPI communicator, see ``scratch.distributed.ring``).
    In eval (running statistics) nothing is exchanged: it is ``BatchNorm1d``'s eval.
    """

    def __init__(self, num_features: int, *, comm: Any, **kwargs: Any) -> None:
        super().__init__(num_features, **kwargs)
        self.comm = comm
        self._sync_cache: tuple[np.ndarray, np.ndarray, int] | None = None  # (x̂, s, n) for backward

    def forward(self, x: np.ndarray) -> np.ndarray:
        if not self.training:  # inference: nothing to synchronise (torch's SyncBatchNorm neither)
            self._sync_cache = None
            return super().forward(x)
        self._check_input(x)
        axes = (0, 2) if x.ndim == 3 else (0,)
        shape = (1, self.num_features, 1) if x.ndim == 3 else (1, self.num_features)
        local = np.stack([np.full(self.num_features, x.size // self.num_features, dtype=x.dtype),
                          x.sum(axis=axes), np.square(x).sum(axis=axes)])  # fmt: skip
        count, total, total_sq = ring_allreduce(self.comm, local)  # (3, C) summed over the ranks
        n = int(count[0])
        if n == 1:
            raise ValueError("SyncBatchNorm: Expected more than 1 value per channel when training, got 1")
        mean = total / n
        variance = np.maximum(total_sq / n - np.square(mean), 0)  # biased, E[x²] − μ²
        inv_std = 1 / np.sqrt(variance + self.eps)
        if self.track_running_stats:  # torch's update; m weighs the new batch (None: 1/batches seen)
            self.num_batches_tracked += 1
            m = 1.0 / float(self.num_batches_tracked) if self.momentum is None else self.momentum
            self.running_mean[...] = m * mean + (1 - m) * self.running_mean
            self.running_var[...] = m * (variance * n / (n - 1)) + (1 - m) * self.running_var
        alpha = inv_std * self.weight.data if self.affine else inv_std
        shift = -mean * alpha + (self.bias.data if self.affine else 0)
        y = x * alpha.reshape(shape) + shift.reshape(shape)
        x_hat = (x - mean.reshape(shape)) * inv_std.reshape(shape)
        self._cache, self._sync_cache = None, (x_hat, inv_std.reshape(shape), n)
        return y

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        if self._sync_cache is None:  # after an eval forward: BatchNorm1d's own backward
            return super().backward(grad_output)
        x_hat, inv_std, n = self._take("_sync_cache")
        g = check_grad_output("SyncBatchNorm.backward", grad_output, x_hat.shape)
        axes = (0, 2) if g.ndim == 3 else (0,)
        local = np.stack([g.sum(axis=axes), (g * x_hat).sum(axis=axes)])  # (Σ g, Σ g x̂), (2, C)
        sum_g, sum_gx = ring_allreduce(self.comm, local)
        scale = inv_std
        if self.affine:
            self.bias.grad += local[0]
            self.weight.grad += local[1]
            scale = inv_std * self.weight.data.reshape(inv_std.shape)  # γ s
        shape = inv_std.shape
        return scale * (g - sum_g.reshape(shape) / n - x_hat * (sum_gx.reshape(shape) / n))


def convert_sync_batchnorm(module: Module, comm: Any) -> Module:
    """Every ``BatchNorm1d`` inside ``module`` replaced by a ``SyncBatchNorm`` that shares its
    parameters and buffers (an optimizer built before keeps working), as
    ``torch.nn.SyncBatchNorm.convert_sync_batchnorm``. Returns the converted module."""
    if isinstance(module, BatchNorm1d) and not isinstance(module, SyncBatchNorm):
        sync = SyncBatchNorm(module.num_features, comm=comm, eps=module.eps, momentum=module.momentum,
                             affine=module.affine, track_running_stats=module.track_running_stats,
                             dtype=module.dtype)  # fmt: skip
        for name in ("weight", "bias"):
            setattr(sync, name, getattr(module, name))
        for name in ("running_mean", "running_var", "num_batches_tracked"):
            sync.register_buffer(name, getattr(module, name))
        sync.train(module.training)
        return sync
    for name, child in list(module.named_children()):
        setattr(module, name, convert_sync_batchnorm(child, comm))
    return module

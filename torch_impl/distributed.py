r"""C3.2.1-data-parallel and C4.3-sync-batchnorm: the torch twin — ``DistributedDataParallel`` and
``nn.SyncBatchNorm`` (seed §3.2.1, §4.3, beyond the notes).

The math (why the average of the shard gradients is the batch's gradient; what sync batch norm
all-reduces) is in ``scratch.distributed``. Here torch does it:

* ``init_process_group``: ``torch.distributed`` over gloo on CPU, NCCL on CUDA (one GPU per rank).
* ``wrap``: ``torch.nn.parallel.DistributedDataParallel`` with no communication hook. Its C++ reducer
  scales each gradient by 1/K as it copies it into its bucket (``reducer.cpp``,
  ``mark_variable_ready_dense``: ``at::mul_out(bucket_view, grad, 1. / div_factor_)``), all-reduces the
  buckets' sums during ``backward()``, and broadcasts rank 0's buffers before each forward
  (``broadcast_buffers=True``). ``allreduce_hook`` (``tensor.div_(size)``) is torch's reference hook
  for the same result; ``wrap`` registers none.
* ``convert_sync_batchnorm``: on CUDA, ``nn.SyncBatchNorm.convert_sync_batchnorm``. torch's
  ``nn.SyncBatchNorm`` runs only on GPUs: on a CPU tensor with a process group up its forward raises
  "SyncBatchNorm expected input tensor to be on GPU or XPU or privateuseone", and its kernels
  (``torch.batch_norm_stats`` …) have no CPU implementation. On CPU the conversion uses
  ``AutogradSyncBatchNorm``: the same statistics written with torch ops over a differentiable
  all-reduce, so that autograd, not a hand-written backward, produces the backward's two all-reduced
  terms.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel


def backend_for(device: torch.device) -> str:
    """NCCL for CUDA tensors, gloo for CPU ones (torch's own recommendation)."""
    return "nccl" if torch.device(device).type == "cuda" else "gloo"


def init_process_group(
    device: torch.device, rank: int, world_size: int, init_method: str = "env://", timeout_s: float = 120
) -> None:
    """``torch.distributed.init_process_group`` for ``device``'s backend (``env://``: torchrun's
    variables; ``tcp://host:port`` when another launcher, e.g. mpiexec, gives the rank and size)."""
    dist.init_process_group(
        backend_for(device),
        init_method=init_method,
        rank=rank,
        world_size=world_size,
        timeout=timedelta(seconds=timeout_s),
    )


def wrap(model: nn.Module, device: torch.device) -> DistributedDataParallel:
    """``DistributedDataParallel(model)``: on CUDA with ``device_ids=[device.index]`` (one GPU per rank)."""
    device = torch.device(device)
    if device.type != "cuda":
        return DistributedDataParallel(model)
    index = torch.cuda.current_device() if device.index is None else device.index
    return DistributedDataParallel(model, device_ids=[index])


class _AllReduceSum(torch.autograd.Function):
    """Σ over the ranks, differentiable: the all-reduce is linear and its own adjoint, so its backward
    is the all-reduce of the incoming gradient."""

    @staticmethod
    def forward(ctx: Any, tensor: torch.Tensor) -> torch.Tensor:
        tensor = tensor.clone()
        dist.all_reduce(tensor)
        return tensor

    @staticmethod
    def backward(ctx: Any, grad_output: torch.Tensor) -> torch.Tensor:
        grad = grad_output.clone()
        dist.all_reduce(grad)
        return grad


class AutogradSyncBatchNorm(nn.BatchNorm1d):
    r"""C4.3-sync-batchnorm: ``nn.SyncBatchNorm``'s computation for CPU tensors (see the module docstring).

    Training with K > 1 ranks: all-reduce (n_r, Σx, Σx²) per channel, μ = S/n, σ² = Q/n − μ² (biased,
    clamped at 0), y = γ(x − μ)/√(σ² + eps) + β; running_var gets σ²·n/(n − 1) with the global n, as
    ``nn.SyncBatchNorm``. Autograd differentiates through the all-reduce (``_AllReduceSum``), so the
    backward all-reduces Σg and Σg·x̂ by itself. Eval, or one rank: ``nn.BatchNorm1d`` (torch's
    ``SyncBatchNorm`` falls back to ``F.batch_norm`` there too). The scratch twin:
    ``scratch.distributed.SyncBatchNorm``.
    """

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or not dist.is_initialized() or dist.get_world_size() == 1:
            return super().forward(x)
        self._check_input_dim(x)
        dims = [0, 2] if x.dim() == 3 else [0]
        shape = (1, -1, 1) if x.dim() == 3 else (1, -1)
        count = torch.full(
            (self.num_features,), x.numel() // self.num_features, dtype=x.dtype, device=x.device
        )
        count, total, total_sq = _AllReduceSum.apply(torch.stack([count, x.sum(dims), (x * x).sum(dims)]))
        n = int(count[0].item())
        if n == 1:
            raise ValueError(
                "AutogradSyncBatchNorm: Expected more than 1 value per channel when training, got 1"
            )
        mean = total / n
        variance = (total_sq / n - mean * mean).clamp_min(0)
        if self.track_running_stats:
            with torch.no_grad():
                self.num_batches_tracked.add_(1)
                m = 1.0 / self.num_batches_tracked.item() if self.momentum is None else self.momentum
                self.running_mean.mul_(1 - m).add_(mean.detach(), alpha=m)
                self.running_var.mul_(1 - m).add_(variance.detach() * n / (n - 1), alpha=m)
        y = (x - mean.view(shape)) * torch.rsqrt(variance + self.eps).view(shape)
        if self.affine:
            y = y * self.weight.view(shape) + self.bias.view(shape)
        return y


def _to_autograd_sync(module: nn.Module) -> nn.Module:
    if isinstance(module, nn.BatchNorm1d) and not isinstance(module, AutogradSyncBatchNorm):
        sync = AutogradSyncBatchNorm(
            module.num_features, module.eps, module.momentum, module.affine, module.track_running_stats
        ).to(device=module.running_mean.device, dtype=module.running_mean.dtype)
        if module.affine:  # the same Parameter objects: an optimizer built before keeps working
            sync.weight, sync.bias = module.weight, module.bias
        for name in ("running_mean", "running_var", "num_batches_tracked"):
            setattr(sync, name, getattr(module, name))
        sync.train(module.training)
        return sync
    for name, child in module.named_children():
        module.add_module(name, _to_autograd_sync(child))
    return module


def convert_sync_batchnorm(model: nn.Module, device: torch.device) -> nn.Module:
    """Every ``BatchNorm1d`` of ``model`` synchronised over the ranks: ``nn.SyncBatchNorm`` on CUDA,
    ``AutogradSyncBatchNorm`` on CPU; parameters and buffers are shared with the layers replaced."""
    if torch.device(device).type == "cuda":
        return nn.SyncBatchNorm.convert_sync_batchnorm(model)
    return _to_autograd_sync(model)


def all_reduce_sum(values: torch.Tensor) -> torch.Tensor:
    """Σ over the ranks of a small tensor (e.g. a step's loss and correct count); returns a new tensor."""
    values = values.clone()
    if dist.is_initialized() and dist.get_world_size() > 1:
        dist.all_reduce(values)
    return values

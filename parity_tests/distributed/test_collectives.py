"""C3.2.1-data-parallel, C4.3-sync-batchnorm: the hand-written collectives, K ranks as K threads.

The ring all-reduce against its own summation order (bit for bit), against exact sums, and its
traffic; gradient averaging; sync batch norm on K shards against one batch norm on the whole batch
(the scratch twin's and torch's) — forward, ∂E/∂x, ∂E/∂γ, ∂E/∂β and the running statistics. The same
code on real MPI ranks: ``test_data_parallel.py``.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import scratch.nn
from parity_tests.distributed.threads import run_ranks
from parity_tests.parity import assert_twin_close, to_torch
from scratch.distributed import (
    GlobalMaskRows,
    SyncBatchNorm,
    average_gradients,
    convert_sync_batchnorm,
    ring_allreduce,
    ring_order_sum,
    shard_rows,
)
from scratch.nn.module import Parameter

SIZES = [1, 2, 3, 4, 5]
LENGTHS = [1, 3, 10, 1001]


@pytest.mark.parametrize("n", LENGTHS)
@pytest.mark.parametrize("size", SIZES, ids=[f"C3.2.1-data-parallel-K{k}" for k in SIZES])
def test_ring_allreduce_is_its_own_order_bit_for_bit_on_every_rank(size, n, rng):
    arrays = [rng.normal(size=n) * 10.0 ** rng.integers(-3, 4, n) for _ in range(size)]
    results = run_ranks(size, lambda comm: ring_allreduce(comm, arrays[comm.rank]))
    expected = ring_order_sum(arrays)
    for rank, result in enumerate(results):
        assert result.dtype == np.float64 and result.shape == (n,)
        np.testing.assert_array_equal(result, expected, err_msg=f"rank {rank}")
    np.testing.assert_allclose(expected, np.sum(arrays, axis=0), rtol=1e-10, atol=1e-12 * size)


@pytest.mark.parametrize("size", SIZES, ids=[f"C3.2.1-data-parallel-K{k}" for k in SIZES])
def test_ring_allreduce_of_integers_is_exact_and_leaves_the_input(size, rng):
    arrays = [rng.integers(-(2**20), 2**20, (7, 5)).astype(np.float64) for _ in range(size)]
    copies = [a.copy() for a in arrays]
    results = run_ranks(size, lambda comm: ring_allreduce(comm, arrays[comm.rank]))
    for rank, result in enumerate(results):
        assert result.shape == (7, 5)
        np.testing.assert_array_equal(result, np.sum(arrays, axis=0))
        assert not np.shares_memory(result, arrays[rank]), f"rank {rank} returned its input array"
    for array, copy in zip(arrays, copies, strict=True):
        np.testing.assert_array_equal(array, copy)


@pytest.mark.parametrize("n", [12, 13, 1001])
@pytest.mark.parametrize("size", [2, 3, 4], ids=[f"C3.2.1-data-parallel-K{k}" for k in (2, 3, 4)])
def test_ring_traffic_is_2_K_minus_1_over_K_n_per_rank(size, n):
    def work(comm):
        ring_allreduce(comm, np.ones(n))
        return comm.sent

    sent = run_ranks(size, work)
    assert sum(sent) == 2 * (size - 1) * n  # every rank: 2n less the two chunks it never sends
    if n % size == 0:
        assert sent == [2 * (size - 1) * n // size] * size


def test_ring_allreduce_refuses_integer_arrays():
    with pytest.raises(TypeError, match="ring_allreduce: expected x to have a floating dtype"):
        run_ranks(1, lambda comm: ring_allreduce(comm, np.arange(3)))


@pytest.mark.parametrize("size", [2, 4], ids=["C3.2.1-data-parallel-K2", "C3.2.1-data-parallel-K4"])
def test_average_gradients_is_the_mean_of_the_ranks(size, rng):
    grads = [[rng.normal(size=(3, 4)), rng.normal(size=5)] for _ in range(size)]

    def work(comm):
        params = [Parameter(np.zeros_like(g)) for g in grads[comm.rank]]
        for p, g in zip(params, grads[comm.rank], strict=True):
            p.grad[...] = g
        average_gradients(params, comm)
        return [p.grad for p in params]

    for result in run_ranks(size, work):
        for got, k in zip(result, range(2), strict=True):
            expected = np.mean([g[k] for g in grads], axis=0)
            np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


def test_shard_rows_refuses_uneven_shards():
    assert shard_rows(12, 2, 4) == slice(6, 9)
    with pytest.raises(ValueError, match="the 4 ranks divide evenly, got 10 samples"):
        shard_rows(10, 0, 4)


@pytest.mark.parametrize(("rank", "size"), [(4, 4), (5, 4), (-1, 4), (0, 0)])
def test_shard_rows_refuses_a_rank_outside_the_job(rank, size):
    with pytest.raises(ValueError, match=f"expected 0 <= rank < size, got rank={rank}, size={size}"):
        shard_rows(8, rank, size)


@pytest.mark.parametrize("size", [1, 2, 4], ids=[f"C3.2.1-data-parallel-K{k}" for k in (1, 2, 4)])
def test_global_mask_rows_are_the_single_process_draw(size):
    whole = np.random.default_rng(3).random((8, 5))
    rows = [GlobalMaskRows(np.random.default_rng(3), r, size).random((8 // size, 5)) for r in range(size)]
    np.testing.assert_array_equal(np.concatenate(rows), whole)


@pytest.mark.parametrize("shape", [(16, 3), (8, 3, 4)])
@pytest.mark.parametrize("size", [1, 2, 4], ids=[f"C4.3-sync-batchnorm-K{k}" for k in (1, 2, 4)])
def test_sync_batchnorm_on_shards_is_batchnorm_on_the_batch(size, shape, rng):
    """K shards with SyncBatchNorm = one BatchNorm1d (scratch and torch) on the whole batch."""
    x = rng.normal(1.5, 2.0, shape)
    g = rng.normal(size=shape)  # ∂E/∂y: each rank gets its rows
    gamma, beta = rng.normal(size=3), rng.normal(size=3)
    per_rank = shape[0] // size

    def work(comm):
        layer = SyncBatchNorm(3, comm=comm)
        layer.weight.data[...], layer.bias.data[...] = gamma, beta
        rows = slice(comm.rank * per_rank, (comm.rank + 1) * per_rank)
        y = layer(x[rows])
        dx = layer.backward(g[rows])
        return y, dx, layer.weight.grad.copy(), layer.bias.grad.copy(), layer.running_mean, layer.running_var

    results = run_ranks(size, work)
    reference = torch.nn.BatchNorm1d(3, dtype=torch.float64)
    with torch.no_grad():
        reference.weight.copy_(torch.from_numpy(gamma))
        reference.bias.copy_(torch.from_numpy(beta))
    x_t = to_torch(x, requires_grad=True)
    y_t = reference(x_t)
    y_t.backward(to_torch(g))
    what = f"C4.3-sync-batchnorm K={size}"
    assert_twin_close(np.concatenate([r[0] for r in results]), y_t, f"{what}: output")
    assert_twin_close(np.concatenate([r[1] for r in results]), x_t.grad, f"{what}: ∂E/∂x")
    assert_twin_close(np.sum([r[2] for r in results], axis=0), reference.weight.grad, f"{what}: ∂E/∂γ")
    assert_twin_close(np.sum([r[3] for r in results], axis=0), reference.bias.grad, f"{what}: ∂E/∂β")
    for rank, result in enumerate(results):
        assert_twin_close(result[4], reference.running_mean, f"{what}: running_mean on rank {rank}")
        assert_twin_close(result[5], reference.running_var, f"{what}: running_var on rank {rank}")


@pytest.mark.parametrize("momentum", [0.1, 0.3, None], ids=["C4.3-sync-batchnorm-momentum0.1",
                                                           "C4.3-sync-batchnorm-momentum0.3",
                                                           "C4.3-sync-batchnorm-cumulative"])  # fmt: skip
def test_sync_batchnorm_over_steps_accumulates_like_batchnorm(momentum, rng):
    """Three steps on 2 ranks without ``zero_grad``: the running statistics (``momentum=None``: the
    cumulative average, 1/batches seen) and the accumulated ∂E/∂γ, ∂E/∂β equal one ``nn.BatchNorm1d``'s
    on the whole batches."""
    steps, size = 3, 2
    xs = [rng.normal(1.5, 2.0, (8, 3)) for _ in range(steps)]
    gs = [rng.normal(size=(8, 3)) for _ in range(steps)]
    gamma = rng.normal(size=3)

    def work(comm):
        layer = SyncBatchNorm(3, comm=comm, momentum=momentum)
        layer.weight.data[...] = gamma
        rows = slice(comm.rank * 4, (comm.rank + 1) * 4)
        for x, g in zip(xs, gs, strict=True):
            layer(x[rows])
            layer.backward(g[rows])
        return (
            layer.weight.grad,
            layer.bias.grad,
            layer.running_mean,
            layer.running_var,
            layer.num_batches_tracked,
        )

    results = run_ranks(size, work)
    reference = torch.nn.BatchNorm1d(3, momentum=momentum, dtype=torch.float64)
    with torch.no_grad():
        reference.weight.copy_(torch.from_numpy(gamma))
    for x, g in zip(xs, gs, strict=True):
        reference(to_torch(x)).backward(to_torch(g))
    what = f"C4.3-sync-batchnorm, momentum={momentum}, after {steps} steps"
    assert_twin_close(results[0][0] + results[1][0], reference.weight.grad, f"{what}: ∂E/∂γ")
    assert_twin_close(results[0][1] + results[1][1], reference.bias.grad, f"{what}: ∂E/∂β")
    for rank, result in enumerate(results):
        assert_twin_close(result[2], reference.running_mean, f"{what}: running_mean on rank {rank}")
        assert_twin_close(result[3], reference.running_var, f"{what}: running_var on rank {rank}")
        assert int(result[4]) == int(reference.num_batches_tracked) == steps


@pytest.mark.parametrize(
    "training", [True, False], ids=["C4.3-sync-batchnorm-train", "C4.3-sync-batchnorm-eval"]
)
def test_convert_sync_batchnorm_keeps_the_mode(training):
    """As ``torch.nn.SyncBatchNorm.convert_sync_batchnorm``: the converted layer is in its original's mode."""
    model = scratch.nn.Sequential(scratch.nn.Linear(2, 3), scratch.nn.BatchNorm1d(3)).train(training)
    sync = convert_sync_batchnorm(model, comm=None)[1]
    assert isinstance(sync, SyncBatchNorm) and sync.training is training
    reference = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.BatchNorm1d(3)).train(training)
    assert torch.nn.SyncBatchNorm.convert_sync_batchnorm(reference)[1].training is training


def test_sync_batchnorm_in_eval_exchanges_nothing_and_is_batchnorm(rng):
    """C4.3-sync-batchnorm in eval: the running statistics, no messages (a comm that fails if used)."""
    plain = scratch.nn.BatchNorm1d(3)
    plain.running_mean[...], plain.running_var[...] = rng.normal(size=3), rng.uniform(0.5, 2, 3)
    sync = convert_sync_batchnorm(scratch.nn.Sequential(plain), comm=None)[0]
    assert isinstance(sync, SyncBatchNorm) and sync.weight is plain.weight
    assert sync.running_var is plain.running_var
    sync.eval()
    plain.eval()
    x, g = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    np.testing.assert_array_equal(sync(x), plain(x))
    np.testing.assert_array_equal(sync.backward(g), plain.backward(g))
    with pytest.raises(RuntimeError, match="without a forward"):
        sync.backward(g)

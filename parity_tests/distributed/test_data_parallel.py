"""C3.2.1-data-parallel, C4.3-sync-batchnorm: K-rank training on the real engines equals one process.

The suite launches the jobs itself: ``mpiexec -n K`` for K = 1, 2, 4, where every rank runs both twins
(the scratch twin over MPI with the hand-written ring all-reduce, the torch twin over gloo initialised
from the MPI rank and size); torchrun is tested through ``scripts/train.py`` (``test_train_distributed``).
Each job trains the same small cases as the one-process run in this process, and the final weights are
compared with the paired-training contract (max |Δw| < 1e-8, float64): without normalization (with
dropout, whose masks each rank takes from the whole batch's draw), with sync batch norm; with plain
batch norm the K-rank run (K ≥ 2) must fail that contract. In the same MPI jobs the ring all-reduce is
compared with MPI's own ``Allreduce``.
"""

from __future__ import annotations

import numpy as np
import pytest

from parity_tests.distributed.launching import max_difference, mpi_launcher, run_proof
from parity_tests.parity import PAIRED_TRAINING_ATOL, tolerance
from twin_nets.distributed.proof import Case, train_case

# The per-rank batch is 16/K: 16, 8, 4 for K = 1, 2, 4.
CASES = [
    Case("plain", dropout=0.25),  # C3.2.1-data-parallel, masks drawn per whole batch
    Case("sync-bn", norm="batch", sync_bn=True),  # C4.3-sync-batchnorm
    Case("plain-bn", norm="batch"),  # C4.3-sync-batchnorm: the difference plain batch norm makes
]
EQUAL = ("plain", "sync-bn")
RANKS = [1, 2, 4]
pytestmark = pytest.mark.slow  # every test here waits on a K-rank mpiexec job
IDS = [f"C3.2.1-data-parallel-mpiexec-K{k}" for k in (1, 2, 4)]


@pytest.fixture(scope="module")
def one_process() -> dict[str, dict[str, dict[str, np.ndarray]]]:
    """Every case's final weights, per twin, trained in this one process on the whole batches."""
    return {case.name: train_case(case) for case in CASES}


@pytest.fixture(scope="module", params=RANKS, ids=IDS)
def mpi_job(request, tmp_path_factory) -> tuple[int, dict[str, np.ndarray]]:
    size = request.param
    return size, run_proof(mpi_launcher(size), CASES, tmp_path_factory.mktemp(f"mpi{size}"))


@pytest.mark.parametrize("impl", ["scratch", "torch"])
@pytest.mark.parametrize("case", EQUAL)
def test_k_ranks_end_with_the_weights_of_one_process(mpi_job, one_process, case, impl):
    size, result = mpi_job
    difference = max_difference(result, f"{case}/{impl}", one_process[case][impl])
    assert difference < PAIRED_TRAINING_ATOL, (
        f"C3.2.1-data-parallel: {impl} twin, case {case}, K={size}: max |Δw| {difference:.3e} vs one process"
    )


@pytest.mark.parametrize("impl", ["scratch", "torch"])
def test_plain_batchnorm_on_k_ranks_is_not_one_process(mpi_job, one_process, impl):
    """C4.3-sync-batchnorm: without synchronisation each rank normalises with its shard's statistics."""
    size, result = mpi_job
    difference = max_difference(result, f"plain-bn/{impl}", one_process["plain-bn"][impl])
    if size == 1:  # one rank's shard is the whole batch
        assert difference < PAIRED_TRAINING_ATOL
    else:
        assert difference > 1e3 * PAIRED_TRAINING_ATOL, (
            f"C4.3-sync-batchnorm: plain batch norm on {size} ranks should differ from one process, "
            f"max |Δw| {difference:.3e}"
        )


def test_the_twins_agree_with_each_other_on_k_ranks(mpi_job):
    """The paired-run contract holds between the twins inside one K-rank job, for every case."""
    size, result = mpi_job
    for case in (c.name for c in CASES):
        keys = [k.removeprefix(f"{case}/scratch/") for k in result if k.startswith(f"{case}/scratch/")]
        assert keys, f"{case}: no scratch weights in the K={size} job"
        difference = max(float(np.max(np.abs(result[f"{case}/scratch/{k}"] - result[f"{case}/torch/{k}"])))
                         for k in keys)  # fmt: skip
        assert difference < PAIRED_TRAINING_ATOL, f"{case}, K={size}: scratch vs torch {difference:.3e}"


def test_ring_allreduce_equals_mpi_allreduce(mpi_job):
    """C3.2.1-data-parallel: the hand-written ring against MPI's ``Allreduce``: exactly on integers
    (every partial sum is exact), within float64 round-off on random data (the orders differ); the
    ring's own order exactly, and the same bits on every rank."""
    size, result = mpi_job
    prefixes = sorted({k.rsplit("/", 1)[0] for k in result if k.startswith("ring/")})
    assert len(prefixes) == 8, prefixes
    for prefix in prefixes:
        ring, mpi = result[f"{prefix}/ring"], result[f"{prefix}/mpi"]
        assert ring.shape == mpi.shape and ring.dtype == mpi.dtype == np.float64
        np.testing.assert_array_equal(ring, result[f"{prefix}/ring_order"], err_msg=f"{prefix}, K={size}")
        assert bool(result[f"{prefix}/same_on_every_rank"]), f"{prefix}, K={size}: ranks differ"
        if "/integer/" in prefix:
            np.testing.assert_array_equal(ring, mpi, err_msg=f"{prefix}, K={size}")
        else:
            np.testing.assert_allclose(ring, mpi, **tolerance(np.float64), err_msg=f"{prefix}, K={size}")

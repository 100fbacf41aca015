"""C3.2.1-data-parallel, C4.3-sync-batchnorm: K-rank training on the real engines equals one process.

The suite launches the jobs itself: ``mpiexec -n K`` for K = 2, 4, where every rank runs both twins
(the scratch twin over MPI with the hand-written ring all-reduce, the torch twin over gloo initialised
from the MPI rank and size); torchrun is tested through ``scripts/train.py`` (``test_train_distributed``).
Each job trains the same small cases as the one-process run in this process, and the final weights are
compared with the paired-training contract (max |Δw| < 1e-8, float64): without normalization (with
dropout, whose masks each rank takes from the whole batch's draw), with sync batch norm; with plain
batch norm the K-rank run must fail that contract. In the same MPI jobs the ring all-reduce is
compared with MPI's own ``Allreduce``.
"""

from __future__ import annotations

import sys

import numpy as np
import pytest

from parity_tests.distributed.launching import max_difference, mpi_launcher, run_proof
from parity_tests.parity import PAIRED_TRAINING_ATOL, tolerance
from twin_nets.distributed import jobs
from twin_nets.distributed.proof import Case, train_case

# The per-rank batch is 16/K: 8 and 4 for K = 2 and 4.
CASES = [
    Case("plain", dropout=0.25),  # C3.2.1-data-parallel, masks drawn per whole batch
    Case("sync-bn", norm="batch", sync_bn=True),  # C4.3-sync-batchnorm
    Case("plain-bn", norm="batch"),  # C4.3-sync-batchnorm: the difference plain batch norm makes
]
EQUAL = ("plain", "sync-bn")
RANKS = [pytest.param(k, marks=pytest.mark.slow, id=f"C3.2.1-data-parallel-mpiexec-K{k}") for k in (2, 4)]


@pytest.fixture(scope="module")
def one_process() -> dict[str, dict[str, dict[str, np.ndarray]]]:
    """Every case's final weights, per twin, trained in this one process on the whole batches."""
    return {case.name: train_case(case) for case in CASES}


@pytest.mark.parametrize("size", RANKS)
def test_k_ranks_train_as_one_process_and_the_ring_sums_as_mpi(size, one_process, tmp_path):
    """One ``mpiexec -n K`` job per K, everything asserted on it (one test, so that no two workers of a
    parallel suite launch the same job): each twin ends with the one-process weights without
    normalization and with sync batch norm, and not with plain batch norm; the twins agree inside the job;
    the ring all-reduce equals MPI's."""
    result = run_proof(mpi_launcher(size), CASES, tmp_path)
    for case in EQUAL:
        for impl in ("scratch", "torch"):
            difference = max_difference(result, f"{case}/{impl}", one_process[case][impl])
            assert difference < PAIRED_TRAINING_ATOL, (
                f"C3.2.1-data-parallel: {impl} twin, case {case}, K={size}: max |Δw| {difference:.3e} "
                "vs one process"
            )
    for impl in ("scratch", "torch"):  # C4.3-sync-batchnorm: each rank normalises with its shard's statistics
        difference = max_difference(result, f"plain-bn/{impl}", one_process["plain-bn"][impl])
        assert difference > 1e3 * PAIRED_TRAINING_ATOL, (
            f"C4.3-sync-batchnorm: plain batch norm on {size} ranks should differ from one process, "
            f"max |Δw| {difference:.3e}"
        )
    _twins_agree(size, result)
    _ring_equals_mpi(size, result)


def _twins_agree(size: int, result: dict[str, np.ndarray]) -> None:
    """The paired-run contract holds between the twins inside one K-rank job, for every case."""
    for case in (c.name for c in CASES):
        keys = [k.removeprefix(f"{case}/scratch/") for k in result if k.startswith(f"{case}/scratch/")]
        assert keys, f"{case}: no scratch weights in the K={size} job"
        difference = max(float(np.max(np.abs(result[f"{case}/scratch/{k}"] - result[f"{case}/torch/{k}"])))
                         for k in keys)  # fmt: skip
        assert difference < PAIRED_TRAINING_ATOL, f"{case}, K={size}: scratch vs torch {difference:.3e}"


def _ring_equals_mpi(size: int, result: dict[str, np.ndarray]) -> None:
    """C3.2.1-data-parallel: the hand-written ring against MPI's ``Allreduce``: exactly on integers
    (every partial sum is exact), within float64 round-off on random data (the orders differ); the
    ring's own order exactly, and the same bits on every rank."""
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


def test_a_failed_launch_says_why_in_one_line():
    """A rank that aborts (as a C++ ``std::terminate`` does): the error is one line with the exit status
    and the rank's last stderr line; the whole stderr stays on the error."""
    abort = "import os; os.write(2, b'terminate called without an active exception\\n'); os.abort()"
    with pytest.raises(jobs.JobError) as caught:
        jobs.run([sys.executable, "-c", abort], timeout=60)
    message = str(caught.value)
    assert "\n" not in message
    assert message.endswith("exited -6: terminate called without an active exception"), message
    assert "terminate called" in caught.value.stderr


@pytest.mark.slow  # a Python that imports torch
def test_a_rank_ends_with_its_status_and_its_output_flushed():
    """``engines.end_rank``: stdout flushed, the status kept, no interpreter shutdown (no atexit)."""
    ends = (
        "import atexit; from twin_nets.distributed import engines; "
        "atexit.register(lambda: print('shutdown ran')); print('trained', end=''); engines.end_rank(3)"
    )
    result = jobs.run([sys.executable, "-c", ends], timeout=120, check=False)
    assert (result.returncode, result.stdout) == (3, "trained"), result.stderr

"""Launching K-rank jobs from the tests (``twin_nets.distributed.jobs``), skipping with the reason when
MPI is missing."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest

from twin_nets.distributed import jobs
from twin_nets.distributed.proof import Case

TIMEOUT_S = 300


def mpi_launcher(size: int) -> list[str]:
    """``mpiexec -n size python``, or a pytest skip that says what to install."""
    missing = jobs.why_no_mpi()
    if missing is not None:
        pytest.skip(missing)
    return jobs.mpi_command(size)


def torchrun_launcher(size: int) -> list[str]:
    return jobs.torchrun_command(size)


def launch(command: list[str], timeout: int = TIMEOUT_S):
    """Run a launcher command; fail the test with its stderr when it fails."""
    try:
        return jobs.run(command, timeout=timeout)
    except jobs.JobError as error:
        pytest.fail(f"{error}\n{error.stderr[-3000:]}")


def run_proof(launcher: list[str], cases: list[Case], folder: Path) -> dict[str, np.ndarray]:
    """``twin_nets.distributed.proof`` on ``cases`` under ``launcher``; rank 0's results."""
    spec, out = folder / "cases.json", folder / "result.npz"
    spec.write_text(json.dumps([asdict(c) for c in cases]), encoding="utf-8")
    launch([*launcher, "-m", "twin_nets.distributed.proof", "--cases", str(spec), "--out", str(out)])
    with np.load(out) as data:
        return {key: data[key] for key in data.files}


def max_difference(result: dict[str, np.ndarray], prefix: str, reference: dict[str, np.ndarray]) -> float:
    """Largest |Δ| between the K-rank weights stored under ``prefix/`` and the one-process ones."""
    assert all(f"{prefix}/{k}" in result for k in reference), f"{prefix}: weights missing from the job"
    return max(float(np.max(np.abs(result[f"{prefix}/{k}"] - v), initial=0.0)) for k, v in reference.items())

"""Launching K-rank jobs from the tests: the venv's ``mpiexec`` (MPICH from PyPI) and torchrun
(``python -m torch.distributed.run``), with the reason to skip when a launcher is missing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest

from twin_nets.distributed.engines import INSTALL_MPI, mpi_available
from twin_nets.distributed.proof import Case

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_S = 300


def mpiexec() -> str | None:
    """The ``mpiexec`` beside this Python (the MPICH wheel's), else the one on PATH."""
    beside = Path(sys.executable).parent / "mpiexec"
    return str(beside) if beside.exists() else shutil.which("mpiexec")


def skip_without_mpi() -> str:
    """The mpiexec to use, or a pytest skip that says what to install."""
    if not mpi_available():
        pytest.skip(f"mpi4py is not installed: {INSTALL_MPI}")
    found = mpiexec()
    if found is None:
        pytest.skip(f"no mpiexec beside {sys.executable} or on PATH: {INSTALL_MPI}")
    return found


def environment() -> dict[str, str]:
    """This environment, with the repository importable and one thread per rank."""
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def launch(command: list[str], timeout: int = TIMEOUT_S) -> subprocess.CompletedProcess:
    """Run a launcher command from the repository root; fail with its output when it fails."""
    result = subprocess.run(
        command, cwd=ROOT, env=environment(), capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, f"{' '.join(command)} exited {result.returncode}:\n{result.stderr[-3000:]}"
    return result


def run_proof(launcher: list[str], cases: list[Case], folder: Path) -> dict[str, np.ndarray]:
    """``twin_nets.distributed.proof`` on ``cases`` under ``launcher``; rank 0's results."""
    spec, out = folder / "cases.json", folder / "result.npz"
    spec.write_text(json.dumps([asdict(c) for c in cases]), encoding="utf-8")
    launch([*launcher, "-m", "twin_nets.distributed.proof", "--cases", str(spec), "--out", str(out)])
    with np.load(out) as data:
        return {key: data[key] for key in data.files}


def mpi_launcher(size: int) -> list[str]:
    return [skip_without_mpi(), "-n", str(size), sys.executable]


def torchrun_launcher(size: int) -> list[str]:
    return [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc-per-node={size}"]


def max_difference(result: dict[str, np.ndarray], prefix: str, reference: dict[str, np.ndarray]) -> float:
    """Largest |Δ| between the K-rank weights stored under ``prefix/`` and the one-process ones."""
    assert all(f"{prefix}/{k}" in result for k in reference), f"{prefix}: weights missing from the job"
    return max(float(np.max(np.abs(result[f"{prefix}/{k}"] - v), initial=0.0)) for k, v in reference.items())

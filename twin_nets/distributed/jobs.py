"""Starting a K-rank job from Python: the venv's ``mpiexec`` (MPICH's PyPI wheel puts it beside the
interpreter) or torchrun (``python -m torch.distributed.run``), from the repository root, one thread per
rank. The tests, the figure and the bench launch their jobs through here."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from twin_nets.distributed.engines import INSTALL_MPI, mpi_available

ROOT = Path(__file__).resolve().parents[2]


class JobError(RuntimeError):
    """A launched job that failed: one line (the launcher, its exit status and the last line its ranks
    wrote on stderr, which says why); the whole stderr is in ``stderr``."""

    def __init__(self, message: str, stderr: str = "") -> None:
        super().__init__(message)
        self.stderr = stderr


def why_it_failed(command: list[str], returncode: int, stderr: str) -> str:
    """One line: the command (file names without their folders), its exit status, and the last line its
    ranks wrote on stderr (a Python error's last line, or e.g. a C++ abort's message).

    Example:
        >>> error = "Traceback ...\\nterminate called without an active exception\\n"
        >>> why_it_failed(["/venv/bin/mpiexec", "-n", "2", "/venv/bin/python", "-m", "job"], 6, error)
        'mpiexec -n 2 python -m job exited 6: terminate called without an active exception'
    """
    lines = [" ".join(line.split()) for line in stderr.splitlines()]
    lines = [line for line in lines if line and not line.startswith("=")]  # not MPICH's banner
    launched = " ".join(Path(part).name if os.sep in part else part for part in command)
    return f"{launched} exited {returncode}: {lines[-1] if lines else 'nothing on stderr'}"


def mpiexec() -> str | None:
    """The ``mpiexec`` beside this Python (the MPICH wheel's), else the one on PATH, else None."""
    beside = Path(sys.executable).parent / "mpiexec"
    return str(beside) if beside.exists() else shutil.which("mpiexec")


def why_no_mpi() -> str | None:
    """None when MPI jobs can run here, else what is missing and how to install it."""
    if not mpi_available():
        return f"mpi4py is not installed: {INSTALL_MPI}"
    if mpiexec() is None:
        return f"no mpiexec beside {sys.executable} or on PATH: {INSTALL_MPI}"
    return None


def mpi_command(size: int) -> list[str]:
    """``mpiexec -n size python`` (raises JobError when MPI is missing)."""
    missing = why_no_mpi()
    if missing is not None:
        raise JobError(missing)
    return [str(mpiexec()), "-n", str(size), sys.executable]


def torchrun_command(size: int) -> list[str]:
    return [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc-per-node={size}"]


def environment() -> dict[str, str]:
    """This environment, with the repository importable and one thread per rank."""
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def run(command: list[str], timeout: float = 600, check: bool = True) -> subprocess.CompletedProcess:
    """Run a launcher command from the repository root; a JobError with its stderr when it fails."""
    result = subprocess.run(
        command, cwd=ROOT, env=environment(), capture_output=True, text=True, timeout=timeout
    )
    if check and result.returncode:
        raise JobError(why_it_failed(command, result.returncode, result.stderr), result.stderr)
    return result

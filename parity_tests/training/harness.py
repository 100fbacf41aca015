"""What the failure tests share: run the main job in-process (``twin_nets.training.main``, what
``scripts/train.py`` calls) or as a subprocess (``python scripts/train.py``), check that an error is one
line without a traceback, and list and hash every file and folder to prove nothing was written or lost."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from twin_nets.training.main import main

ROOT = Path(__file__).resolve().parents[2]
# iris: 120 training samples, batch 16 -> 8 steps per epoch; a run of one epoch takes a fraction of a second
TINY = ["--dataset", "iris", "--hidden", "8", "--batch-size", "16", "--epochs", "1", "--device", "cpu"]


def snapshot(*roots: Path) -> dict[str, str]:
    """Every file (its SHA-256), folder and link under ``roots``, by path."""
    found = {}
    for root in roots:
        if not root.exists():
            continue
        for folder, dirs, files in os.walk(root):
            for name in dirs:
                path = Path(folder, name)
                found[str(path)] = f"link -> {os.readlink(path)}" if path.is_symlink() else "folder"
            for name in files:
                path = Path(folder, name)
                found[str(path)] = (
                    f"link -> {os.readlink(path)}"
                    if path.is_symlink()
                    else hashlib.sha256(path.read_bytes()).hexdigest()
                )
    return found


def run_main(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """The main job's ``main(argv)`` in this process: (exit status, stdout, stderr)."""
    capsys.readouterr()
    try:
        code = main(argv)
    except SystemExit as exit_:
        code = exit_.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def start_script(argv: list[str], code: str | None = None, **kwargs) -> subprocess.Popen:
    """``python scripts/train.py argv`` from the repository root, as a user starts it, not waited for;
    with ``code``, ``python -c code argv`` instead (a driver that runs the script in its own way)."""
    program = ["-c", code] if code is not None else ["scripts/train.py"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, *program, *argv], cwd=ROOT, env=env, **kwargs)


def wait_for(path: Path, process: subprocess.Popen, seconds: float = 120.0) -> None:
    """Until ``path`` exists, while ``process`` runs (polling every 10 ms)."""
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert process.poll() is None, f"the process ended ({process.returncode}) before {path} appeared"
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.01)


def assert_one_line(err: str, *pieces: str) -> str:
    """stderr is exactly one line, with no traceback and no warning before it, holding every piece."""
    lines = err.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got:\n{err}"
    assert "Traceback" not in err and "Warning" not in err, err
    for piece in pieces:
        assert piece in lines[0], f"{piece!r} not in {lines[0]!r}"
    return lines[0]

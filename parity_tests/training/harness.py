"""What the failure tests share: run the main job in-process (``twin_nets.training.main``, what
``scripts/train.py`` calls) or as a subprocess (``python scripts/train.py``), check that an error is one
line without a traceback, and list and hash every file and folder to prove nothing was written or lost."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
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


def run_script(argv: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    """``python scripts/train.py argv`` from the repository root, as a user runs it."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "scripts/train.py", *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        **kwargs,
    )


def assert_one_line(err: str, *pieces: str) -> str:
    """stderr is exactly one line, with no traceback and no warning before it, holding every piece."""
    lines = err.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got:\n{err}"
    assert "Traceback" not in err and "Warning" not in err, err
    for piece in pieces:
        assert piece in lines[0], f"{piece!r} not in {lines[0]!r}"
    return lines[0]

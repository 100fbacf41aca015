"""The record of measurements (``docs/measurements.json``): read, add a run, write atomically; and how a
spread over runs is written in words.

The record is ``{target: {"command": [...], "commit": "abc1234", "runs": [run, ...]}}``; every run holds
its own values and ``date``, ``commit`` (HEAD when it started), ``dirty`` (the tree had uncommitted
changes), ``cpu_count``, ``load_before`` and ``load_after`` (the 1-minute load average).
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
from pathlib import Path
from typing import Any

from twin_nets.atomic import atomic_write, why_unwritable
from twin_nets.measurements import ROOT


def git(*args: str) -> str:
    done = subprocess.run(["git", *args], capture_output=True, text=True, cwd=ROOT, check=False)
    return done.stdout.strip() if done.returncode == 0 else ""


def commit() -> str:
    """The short hash of HEAD ("unknown" outside a git checkout)."""
    return git("rev-parse", "--short=7", "HEAD") or "unknown"


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


def machine() -> dict[str, Any]:
    """What a run records about where and when it ran, before it starts."""
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "commit": commit(),
        "dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
        "cpu_count": os.cpu_count(),
        "load_before": load_average(),
    }


def read(path: Path) -> dict[str, Any]:
    """The record at ``path`` ({} when there is none); a ``ValueError`` naming it when it is not JSON or
    cannot be read (a folder, no permission)."""
    if not path.exists():
        return {}
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ValueError(f"{path}: expected a readable file, got {error.strerror or error}") from None
    try:
        record = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ValueError(f"{path}: expected the JSON record of measurements, got {error}") from None
    if not isinstance(record, dict):
        raise ValueError(f"{path}: expected a JSON object, got {type(record).__name__}")
    return record


def check_writable(path: Path) -> None:
    """A ``ValueError`` naming ``path`` when the record could not be written there: its folder is missing
    or takes no files. Checked before measuring, so that a long run is not lost at its end."""
    folder = path.absolute().parent
    if (why := why_unwritable(folder)) is not None:
        raise ValueError(f"{path}: cannot write in {folder} ({why})")


def write(path: Path, record: dict[str, Any]) -> None:
    text = json.dumps(record, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    atomic_write(path, lambda handle: handle.write(text.encode("utf-8")))


def runs_kept(record: dict[str, Any], target: str, command: list[str], fresh: bool) -> list[dict]:
    """The target's earlier runs that a new run may join: same commit, same command, not ``fresh``."""
    entry = record.get(target, {})
    if fresh or entry.get("commit") != commit() or entry.get("command") != command:
        return []
    return list(entry.get("runs", []))


def add_run(path: Path, target: str, command: list[str], runs: list[dict], run: dict) -> list[dict]:
    """Save ``runs + [run]`` as the target's record in the file at ``path`` (re-read: another target may
    have been written meanwhile), under the commit its first run started from; return the runs now
    recorded."""
    runs = [*runs, run]
    record = read(path)
    record[target] = {"command": command, "commit": runs[0]["commit"], "runs": runs}
    write(path, record)
    return runs


def spread(values: list[float], unit: str = "", digits: int = 0) -> str:
    """``"61–75 s"`` (or ``"61 s"`` when every value rounds the same)."""
    low, high = (f"{v:.{digits}f}" for v in (min(values), max(values)))
    suffix = f" {unit}" if unit else ""
    return f"{low}{suffix}" if low == high else f"{low}–{high}{suffix}"


def circumstances(entry: dict[str, Any]) -> str:
    """Where a spread was measured: ``"over 3 runs at load 1.2–2.0 on 2 CPUs, 2026-12-01, commit
    abc1234"``."""
    runs = entry["runs"]
    loads = [r["load_before"] for r in runs] + [r["load_after"] for r in runs]
    dates = sorted({r["date"][:10] for r in runs})
    cpus = sorted({r["cpu_count"] for r in runs})
    count = "1 run" if len(runs) == 1 else f"{len(runs)} runs"
    dirty = " with uncommitted changes" if any(r["dirty"] for r in runs) else ""
    commits = list(dict.fromkeys(r.get("commit", entry["commit"]) for r in runs))  # HEAD moved mid-way
    named = ", ".join(f"`{c}`" for c in commits)
    return (
        f"over {count} at load {spread(loads, digits=1)} on {'/'.join(map(str, cpus))} CPUs, "
        f"{' to '.join(dates)}, commit{'s' if len(commits) > 1 else ''} {named}{dirty}"
    )

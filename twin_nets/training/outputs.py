"""Where a run writes, checked before it writes: ``<logdir>/<experiment>/<twin>``, one run at a time.

* ``experiment_root``: the experiment folder must be a folder directly inside ``--logdir`` (no ``..``,
  no link that leads elsewhere), and ``--logdir`` must not be a file;
* ``ExperimentLock``: a lock per experiment folder (``filelock``, the operating system's ``flock``, so a
  run that dies releases it): a second live run is refused, naming the holder's PID; the holder's PID is
  recorded beside the lock, so a run that finds the record of a run that died without cleaning up (a
  ``kill -9``) says that it takes over;
* ``probe_folders``: every folder the run writes in is created and a file written and removed there, so a
  read-only folder or a full disk is found before the work, not after an epoch;
* ``move_earlier_outputs``: a fresh run starts from empty folders; what an earlier run left there is
  moved aside, never deleted.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time
from collections.abc import Iterable
from pathlib import Path

from filelock import FileLock, Timeout

from twin_nets.atomic import atomic_write, why_unwritable
from twin_nets.training.checkpoint import POINTER
from twin_nets.training.config import ConfigError

LOCK_NAME = ".train.lock"
HOLDER_NAME = ".train.holder.json"
OUTPUT_PATTERNS = ("events.out.tfevents.*", "checkpoint.*", "checkpoint-*", "metrics.json")


class OutputError(ConfigError):
    """A folder the run cannot write in, or an experiment another run holds (exit status 2)."""


def experiment_root(logdir: str, experiment: str) -> Path:
    """``<logdir>/<experiment>``, refused unless it resolves to a folder directly inside ``logdir``."""
    base = Path(logdir)
    if base.exists() and not base.is_dir():
        raise OutputError(f"--logdir: expected a folder, got {logdir!r}, which is a file")
    root = base / experiment
    if root.exists() and not root.is_dir():
        raise OutputError(f"--experiment: {root} is a file, expected a folder (or nothing) there")
    if root.resolve().parent != base.resolve():
        raise OutputError(
            f"--experiment: {experiment!r} resolves to {root.resolve()}, outside --logdir {base.resolve()}"
        )
    return root


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _missing_parents(folder: Path) -> list[Path]:
    """``folder`` and its parents that do not exist yet, deepest first."""
    missing = []
    for path in (folder, *folder.parents):
        if path.exists():
            break
        missing.append(path)
    return missing


class ExperimentLock:
    """One run at a time per experiment folder; ``acquire`` / ``release`` (or ``with``)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.lock: FileLock | None = None
        self.created: list[Path] = []
        self.note = ""

    def acquire(self) -> str:
        """Take the lock; returns a note when it took over from a run that died. Raises OutputError naming
        the holder when another live run has it, or the reason the folder cannot be made."""
        self.created = _missing_parents(self.root)
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            self.lock = FileLock(str(self.root / LOCK_NAME), timeout=0)
            self.lock.acquire()
        except Timeout:
            raise OutputError(
                f"--experiment: {self._holder_text()} is training into {self.root} now; "
                "wait for it to end or choose another --experiment"
            ) from None
        except OSError as error:
            self._remove_created()
            raise OutputError(f"--logdir: cannot write in {self.root} ({error.strerror or error})") from error
        holder = self._holder()
        if holder is not None and holder.get("pid") != os.getpid():
            self.note = (
                f"train.py: took over the lock of an earlier run (PID {holder.get('pid')}, "
                f"started {holder.get('started', '?')}), which is no longer running"
            )
        record = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": time.strftime("%Y-%m-%d %H:%M:%S"),
            "command": " ".join(sys.argv),
        }
        data = json.dumps(record).encode()
        try:
            atomic_write(self.root / HOLDER_NAME, lambda handle: handle.write(data))
        except OSError as error:
            self.release(keep_folders=False)
            raise OutputError(f"--logdir: cannot write in {self.root} ({error.strerror or error})") from error
        return self.note

    def _holder(self) -> dict | None:
        try:
            holder = json.loads((self.root / HOLDER_NAME).read_text())
        except (OSError, ValueError):
            return None
        return holder if isinstance(holder, dict) else None

    def _holder_text(self) -> str:
        holder = self._holder()
        if holder is None:
            return "another run"
        alive = "" if _pid_alive(int(holder.get("pid", 0) or 0)) else ", not seen on this host"
        host, started = holder.get("host", "?"), holder.get("started", "?")
        return f"another run (PID {holder.get('pid')} on {host}{alive}, started {started})"

    def _remove_created(self) -> None:
        """Remove the folders ``acquire`` made, when nothing else is in them (a run refused early)."""
        for folder in self.created:
            try:
                if not folder.is_dir():
                    continue
                for name in (LOCK_NAME, HOLDER_NAME):
                    (folder / name).unlink(missing_ok=True)
                folder.rmdir()
            except OSError:
                break

    def release(self, keep_folders: bool = True) -> None:
        (self.root / HOLDER_NAME).unlink(missing_ok=True)
        if self.lock is not None and self.lock.is_locked:
            self.lock.release()
        if not keep_folders:
            self._remove_created()


def probe_folders(folders: Iterable[Path]) -> list[Path]:
    """Make every folder and write, then remove, a small file in each; returns the folders it made.
    Raises OutputError naming the folder and the reason (read-only, disk full, a file in the way)."""
    made: list[Path] = []
    for folder in folders:
        try:
            missing = _missing_parents(folder)
            folder.mkdir(parents=True, exist_ok=True)
            made += missing
            if (why := why_unwritable(folder)) is not None:  # the probe every command makes
                raise OSError(why)
        except OSError as error:
            for path in made:
                if path.is_dir() and not any(path.iterdir()):
                    path.rmdir()
            raise OutputError(f"--logdir: cannot write in {folder} ({error.strerror or error})") from error
    return made


def move_earlier_outputs(root: Path, folders: dict[str, Path]) -> list[str]:
    """Move what an earlier run left in each twin's folder (and the checkpoint pointer) to
    ``<logdir>/<experiment>.replaced-<UTC time>/``; TensorBoard shows it as a run of its own, and the
    moved pair can still be resumed there. Returns one line per twin moved."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    keep = root.with_name(f"{root.name}.replaced-{stamp}")
    suffix = 1
    while keep.exists():  # two replacements within one second
        suffix += 1
        keep = root.with_name(f"{root.name}.replaced-{stamp}-{suffix}")
    lines = []
    for impl, folder in folders.items():
        earlier = [p for pattern in OUTPUT_PATTERNS for p in folder.glob(pattern) if p.is_file()]
        if not earlier:
            continue
        (keep / impl).mkdir(parents=True)
        for path in earlier:
            path.replace(keep / impl / path.name)
        lines.append(f"train.py: moved the earlier {impl} run's files to {keep / impl}")
    if (root / POINTER).is_file():
        keep.mkdir(parents=True, exist_ok=True)
        (root / POINTER).replace(keep / POINTER)
    return lines

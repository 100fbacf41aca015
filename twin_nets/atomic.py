"""Writing a file so that a crash never leaves it half-written: everything the project saves (checkpoints,
metrics, figures, benchmark results) goes through ``atomic_write``."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: str | os.PathLike[str], write: Callable[[IO[bytes]], None]) -> Path:
    """Call ``write(handle)`` on a temporary file beside ``path``, flush it to disk, then rename it to
    ``path`` (``os.replace`` is atomic), so ``path`` holds either the old content or the new, never part.
    The file gets the usual permissions (0666 less the umask), not ``mkstemp``'s private 0600."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


PROBE_BYTES = 64 * 1024  # what the probe writes: an empty file is made even on a full disk


def why_unwritable(folder: str | os.PathLike[str]) -> str | None:
    """Why ``folder`` takes no new file (None when it does), found by writing ``PROBE_BYTES`` real bytes
    to an unnamed file that vanishes on close, flushed to the disk: what ``os.access`` misses (root,
    read-only mounts) and what an empty file misses (a full disk). Checked before long work, not after."""
    try:
        with tempfile.TemporaryFile(dir=folder) as handle:
            handle.write(b"\0" * PROBE_BYTES)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as error:
        return error.strerror or str(error)
    return None

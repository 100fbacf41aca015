"""Nothing a user made is lost: a write that fails midway leaves the earlier file whole."""

from __future__ import annotations

import os

import pytest

from twin_nets.atomic import atomic_write


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "checkpoint.npz"
    atomic_write(path, lambda handle: handle.write(b"epoch 1"))

    def crash(handle):
        handle.write(b"epoch 2, half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(path, crash)
    assert path.read_bytes() == b"epoch 1"
    assert [p.name for p in tmp_path.iterdir()] == ["checkpoint.npz"]


def test_written_files_get_the_usual_permissions(tmp_path):
    mask = os.umask(0o022)
    try:
        path = atomic_write(tmp_path / "sub" / "metrics.json", lambda handle: handle.write(b"{}"))
    finally:
        os.umask(mask)
    assert path.read_bytes() == b"{}"
    assert path.stat().st_mode & 0o777 == 0o644

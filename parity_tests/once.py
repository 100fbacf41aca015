"""A module fixture's value computed once per test run, also under pytest-xdist.

A module-scoped fixture runs once per process, and pytest-xdist spreads a module's tests over its workers,
so a fixture that trains for seconds would train again on each worker that gets one of its tests. Under
xdist, ``once_per_run`` lets the first worker compute the value and leave it, pickled, in the run's own
temporary folder (shared by its workers, new every run), under a file lock; the others read it. Without
xdist it just computes.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from typing import TypeVar

import pytest
from filelock import FileLock

T = TypeVar("T")


def once_per_run(request: pytest.FixtureRequest, name: str, compute: Callable[[], T]) -> T:
    """``compute()``, or what another worker of this run computed under ``name``."""
    if not hasattr(request.config, "workerinput"):  # one process
        return compute()
    run_folder = request.getfixturevalue("tmp_path_factory").getbasetemp().parent  # the workers' common one
    path = run_folder / f"{name}.pickle"
    with FileLock(f"{path}.lock"):
        if path.is_file():
            return pickle.loads(path.read_bytes())
        value = compute()
        path.write_bytes(pickle.dumps(value))
        return value

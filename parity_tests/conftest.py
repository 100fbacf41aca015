"""Shared fixtures: one CPU thread, the device parameter (CUDA when present, TF32 off) and seeded
generators."""

from __future__ import annotations

import zlib
from collections.abc import Iterator

import numpy as np
import pytest
import torch

from twin_nets.threads import one_thread

DEVICES = ["cpu", pytest.param("cuda", marks=pytest.mark.cuda)]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if torch.cuda.is_available():
        # Parity on a GPU: float32 matmul and convolutions must not silently use TF32.
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
        return
    skip = pytest.mark.skip(reason="CUDA is not available on this machine")
    for item in items:
        if "cuda" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True, scope="session")
def one_cpu_thread() -> Iterator[None]:
    """One BLAS and one torch thread for the whole suite: the tests run many tiny matrix products, and
    with a thread pool on a busy 2-core machine each product waits for the others (64 ms a step instead of
    0.4 ms was measured). The settings are restored at the end."""
    with one_thread():
        yield


@pytest.fixture(params=DEVICES)
def device(request: pytest.FixtureRequest) -> str:
    """Where the torch twin runs; the scratch twin always runs on the CPU."""
    return request.param


@pytest.fixture
def rng(request: pytest.FixtureRequest) -> np.random.Generator:
    """A generator seeded from the test's id, so every test draws its own reproducible data."""
    seed = zlib.crc32(request.node.nodeid.encode())
    return np.random.default_rng(seed)

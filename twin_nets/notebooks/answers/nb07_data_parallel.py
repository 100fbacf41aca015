"""07_심화_데이터_병렬: shards, and batch normalization on shards."""

from __future__ import annotations

import numpy as np

from scratch import nn
from scratch.distributed import shard_rows
from twin_nets.contract import tolerance
from twin_nets.notebooks.exercises import exercise


@exercise("C3.2.1-data-parallel/1")
def _rank_one_rows() -> slice:
    return shard_rows(64, 1, 2)


@exercise("C4.3-sync-batchnorm/1")
def _plain_on_shards_equals_one_process() -> bool:
    x = np.random.default_rng(7).standard_normal((8, 3)) * 2 + 1
    whole = nn.BatchNorm1d(3)(x)
    shards = np.concatenate([nn.BatchNorm1d(3)(x[shard_rows(8, r, 2)]) for r in range(2)])
    return bool(np.allclose(shards, whole, **tolerance(np.float64)))

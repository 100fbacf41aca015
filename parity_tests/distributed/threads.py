"""K ranks as K threads of one process, with a communicator that has mpi4py's ``Sendrecv``: the
hand-written collectives (``scratch.distributed``) are tested here without MPI, message for message.
The real engine (mpiexec, mpi4py) is tested by ``test_data_parallel.py``."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Any

import numpy as np


class ThreadComm:
    """Rank ``rank`` of ``size`` threads; messages travel through one queue per (source, dest, tag)."""

    def __init__(self, rank: int, size: int, boxes: dict[tuple[int, int, int], queue.Queue]) -> None:
        self.rank, self.size, self.boxes = rank, size, boxes
        self.sent = 0  # elements sent, to check the ring's 2(K−1)/K·n traffic

    def Get_rank(self) -> int:
        return self.rank

    def Get_size(self) -> int:
        return self.size

    def _box(self, source: int, dest: int, tag: int) -> queue.Queue:
        return self.boxes.setdefault((source, dest, tag), queue.Queue())

    def Sendrecv(self, sendbuf: np.ndarray, dest: int, sendtag: int, recvbuf: np.ndarray, source: int,
                 recvtag: int) -> None:  # fmt: skip
        self._box(self.rank, dest, sendtag).put(np.array(sendbuf, copy=True))
        self.sent += np.size(sendbuf)
        message = self._box(source, self.rank, recvtag).get(timeout=30)
        assert message.shape == recvbuf.shape, (
            f"rank {self.rank}: got {message.shape}, expected {recvbuf.shape}"
        )
        recvbuf[...] = message


class _Boxes(dict):
    """The mailboxes, shared by the threads: one queue per key, even when two threads race for it."""

    def __init__(self) -> None:
        super().__init__()
        self.lock = threading.Lock()

    def setdefault(self, key: Any, default: Any = None) -> Any:
        with self.lock:
            return super().setdefault(key, default)


def run_ranks(size: int, work: Callable[[ThreadComm], Any]) -> list[Any]:
    """``work(comm)`` on ``size`` threads, one per rank; their results in rank order (errors re-raised)."""
    boxes = _Boxes()
    results: list[Any] = [None] * size
    errors: list[BaseException] = []

    def target(rank: int) -> None:
        try:
            results[rank] = work(ThreadComm(rank, size, boxes))
        except BaseException as error:  # reported in the main thread
            errors.append(error)

    threads = [threading.Thread(target=target, args=(r,)) for r in range(size)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if errors:
        raise errors[0]
    return results

r"""C3.2.1-data-parallel: 확률적 경사 하강법 (the ring all-reduce of data-parallel SGD), seed §3.2.1

Beyond the notes: the notes' mini-batch SGD split over K workers needs their gradients summed.

An all-reduce leaves on every one of K workers the element-wise sum of their K arrays. Written here by
hand on MPI's point-to-point messages (``Sendrecv``), as the ring algorithm: the workers form a ring,
each sends only to its right neighbour and receives only from its left one.

Math:      x_r (n,) on rank r = 0 … K−1;  result Σ_r x_r on every rank.
           Cut every array into K chunks c = 0 … K−1 (``np.array_split``: sizes differ by at most 1).
           right = (r + 1) mod K, left = (r − 1) mod K.
           1. reduce-scatter, steps s = 0 … K−2: send chunk (r − s) mod K to the right, receive chunk
              (r − s − 1) mod K from the left and add it into one's own. After K−1 steps rank r holds
              the complete sum of chunk (r + 1) mod K.
           2. all-gather, steps s = 0 … K−2: send chunk (r + 1 − s) mod K (complete) to the right,
              receive chunk (r − s) mod K from the left and keep it. After K−1 steps every rank has
              every complete chunk.
Traffic:   2(K−1) steps of one chunk (≈ n/K elements) each: every rank sends, and receives,
           2(K−1)/K · n elements, whatever K (< 2n): the bandwidth-optimal bound. Sending everything
           to one root and back costs that root (K−1)·n each way instead.
Order:     floating-point addition is not associative, so the summation order matters. In the ring it
           is fixed by the algorithm, not by timing: chunk c is summed along the ring starting at rank c,
               s = x_c,  then  s = x_{(c+j) mod K} + s   for j = 1 … K−1,
           and ``ring_order_sum`` computes exactly that in NumPy, bit for bit. MPI's own ``Allreduce``
           chooses its algorithm (recursive doubling, a tree, …) and with it another order: the two agree
           within float64 round-off (the value contract), and exactly when every partial sum is exact
           (integers). Every rank ends with the same bits, because the all-gather copies, not re-adds:
           data-parallel replicas stay identical.
Args:      ``comm`` is any MPI communicator with ``Get_rank()``, ``Get_size()`` and mpi4py's
           ``Sendrecv(sendbuf, dest, sendtag, recvbuf, source, recvtag)``; this module imports no MPI
           itself (``twin_nets.distributed`` opens ``mpi4py.MPI.COMM_WORLD``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from scratch.nn.checks import check_floating


def chunks(x: np.ndarray, size: int) -> list[np.ndarray]:
    """The K = ``size`` chunks of a flat array (views; sizes differ by at most one element)."""
    return np.array_split(x, size)


def ring_allreduce(comm: Any, x: np.ndarray) -> np.ndarray:
    r"""C3.2.1-data-parallel: 확률적 경사 하강법 (Σ_r x_r on every rank, by the ring), seed §3.2.1

    Shape:     x any shape; the result has x's shape and dtype; x itself is not modified.
    Traffic:   2(K−1)/K · x.size elements sent and received per rank (see the module docstring).

    Example:
        Run with ``mpiexec -n 2 python -c '…'``, each rank holding its own array::

            from mpi4py import MPI
            ring_allreduce(MPI.COMM_WORLD, np.full(3, MPI.COMM_WORLD.Get_rank() + 1.0))  # [3. 3. 3.]
    """
    check_floating("ring_allreduce", "x", x)
    rank, size = comm.Get_rank(), comm.Get_size()
    total = np.array(x, order="C", copy=True).reshape(-1)
    if size == 1:
        return total.reshape(x.shape)
    parts = chunks(total, size)  # views into ``total``: receiving into them fills the result
    inbox = np.empty(max(len(p) for p in parts), dtype=total.dtype)
    right, left = (rank + 1) % size, (rank - 1) % size
    for s in range(size - 1):  # 1. reduce-scatter: partial sums travel around the ring
        send, receive = parts[(rank - s) % size], parts[(rank - s - 1) % size]
        comm.Sendrecv(send, dest=right, sendtag=s, recvbuf=inbox[: len(receive)], source=left, recvtag=s)
        np.add(inbox[: len(receive)], receive, out=receive)  # received partial sum + own value
    for s in range(size - 1):  # 2. all-gather: complete chunks travel around the ring
        send, receive = parts[(rank + 1 - s) % size], parts[(rank - s) % size]
        tag = size + s
        comm.Sendrecv(send, dest=right, sendtag=tag, recvbuf=inbox[: len(receive)], source=left, recvtag=tag)
        receive[...] = inbox[: len(receive)]
    return total.reshape(x.shape)


def ring_order_sum(arrays: list[np.ndarray]) -> np.ndarray:
    """The ring's result computed in one process, in the ring's own summation order (bit for bit).

    ``arrays[r]`` is rank r's array; chunk c is summed s = x_c, then s = x_{(c+j) mod K} + s.

    Example:
        >>> ring_order_sum([np.array([1.0, 2.0]), np.array([3.0, 4.0])]).tolist()
        [4.0, 6.0]
        >>> a, b, c = np.array([1e16]), np.array([1.0]), np.array([-1e16])  # one element: chunk 0
        >>> ring_order_sum([a, b, c]).tolist(), ring_order_sum([c, a, b]).tolist()  # (a+b)+c, (c+a)+b
        ([0.0], [1.0])
    """
    size = len(arrays)
    flats = [np.asarray(a).reshape(-1) for a in arrays]
    result = []
    for c in range(size):
        s = chunks(flats[c], size)[c].copy()
        for j in range(1, size):
            s = chunks(flats[(c + j) % size], size)[c] + s
        result.append(s)
    return np.concatenate(result).reshape(np.shape(arrays[0]))

"""C3.2.1-data-parallel and C4.3-sync-batchnorm: the paired run, data-parallel over K ranks.

``launch`` (which launcher started this process: torchrun or mpiexec, rank, size; the one-line checks
made before anything is written), ``engines`` (MPI for the scratch twin, torch.distributed for the
torch twin), ``twins`` (the data-parallel twins: shard each global batch, average the gradients),
``run`` (``scripts/train.py --distributed``: rank 0 alone writes, the ranks agree on a stop), ``proof``
(small cases run in one process and on K ranks, compared by the tests and the figure), ``jobs``
(launching K-rank jobs from Python) and ``bench`` (throughput at K = 1 and 2, ``python -m
twin_nets.distributed.bench``). The math is in ``scratch.distributed``; the torch calls in
``torch_impl.distributed``.
"""

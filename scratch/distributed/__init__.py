"""C3.2.1-data-parallel and C4.3-sync-batchnorm: the NumPy twin's data-parallel training, by hand.

``ring`` (the ring all-reduce on MPI point-to-point messages), ``data_parallel`` (the math of averaging
shard gradients: ``average_gradients``, ``shard_rows``, ``GlobalMaskRows``) and ``batchnorm``
(``SyncBatchNorm``). Nothing here imports MPI: every function takes a communicator (mpi4py's
``COMM_WORLD``, opened by ``twin_nets.distributed``). The torch twin is ``torch_impl.distributed``
(``DistributedDataParallel``, ``nn.SyncBatchNorm``).
"""

from scratch.distributed.batchnorm import SyncBatchNorm, convert_sync_batchnorm
from scratch.distributed.data_parallel import GlobalMaskRows, average_gradients, shard_rows
from scratch.distributed.ring import ring_allreduce, ring_order_sum

__all__ = [
    "GlobalMaskRows",
    "SyncBatchNorm",
    "average_gradients",
    "convert_sync_batchnorm",
    "ring_allreduce",
    "ring_order_sum",
    "shard_rows",
]

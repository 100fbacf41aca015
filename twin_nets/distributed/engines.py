"""The engines the twins scale on, opened from a ``Launch``: MPI (mpi4py's ``COMM_WORLD``) for the
scratch twin, ``torch.distributed`` for the torch twin (gloo on CPU, NCCL on CUDA, one GPU per rank).

Under ``mpiexec`` the torch twin's process group is initialised from the MPI rank and size: rank 0
picks a free TCP port and broadcasts it over MPI, so both twins can run in one launch.
"""

from __future__ import annotations

import contextlib
import os
import socket
import sys
from typing import Any, NoReturn

import torch

from torch_impl import distributed as torch_distributed
from twin_nets.distributed.launch import MPIEXEC, TORCHRUN, Launch, LaunchError

INSTALL_MPI = "pip install -e '.[distributed]' (mpi4py and the MPICH wheel)"


def mpi_available() -> bool:
    """Whether mpi4py (and an MPI library it can load) is installed."""
    try:
        from mpi4py import MPI  # noqa: F401
    except ImportError:
        return False
    return True


def open_mpi(launch: Launch) -> Any:
    """``mpi4py.MPI.COMM_WORLD``, checked against the launch; a ``LaunchError`` without mpi4py."""
    if launch.launcher != MPIEXEC:
        raise LaunchError(f"--distributed: MPI needs mpiexec, but {launch.launcher} started this process")
    try:
        from mpi4py import MPI
    except ImportError:
        raise LaunchError(f"--distributed: the scratch twin needs mpi4py: {INSTALL_MPI}") from None
    comm = MPI.COMM_WORLD
    if (comm.Get_rank(), comm.Get_size()) != (launch.rank, launch.size):
        raise LaunchError(
            f"--distributed: MPI says rank {comm.Get_rank()} of {comm.Get_size()}, the environment "
            f"rank {launch.rank} of {launch.size} (is this mpiexec the one mpi4py was built for?)"
        )
    return comm


def rank_device(launch: Launch, device: torch.device) -> torch.device:
    """The torch twin's device on this rank: CUDA device ``local_rank`` (one GPU per rank), or the CPU."""
    device = torch.device(device)
    if device.type != "cuda":
        return device
    count = torch.cuda.device_count()
    if launch.local_rank >= count:
        raise LaunchError(
            f"--device cuda: NCCL needs one GPU per rank, but rank {launch.rank} is local rank "
            f"{launch.local_rank} and this machine has {count} GPU(s) (start at most {count} per machine)"
        )
    torch.cuda.set_device(launch.local_rank)
    return torch.device("cuda", launch.local_rank)


def init_torch(launch: Launch, device: torch.device, comm: Any = None) -> None:
    """``torch.distributed`` for this launch: torchrun's ``env://``, or under mpiexec a TCP rendezvous
    at a port rank 0 broadcasts over ``comm`` (MPI)."""
    if torch.distributed.is_initialized():
        return
    if launch.launcher == TORCHRUN:
        torch_distributed.init_process_group(device, launch.rank, launch.size, "env://")
        return
    comm = open_mpi(launch) if comm is None else comm
    local = _all_local(comm)  # a collective: every rank takes part
    address = None
    if launch.rank == 0:
        with socket.socket() as probe:  # a free port, released for the TCP store to take
            probe.bind(("", 0))
            port = probe.getsockname()[1]
        host = "127.0.0.1" if local else socket.gethostname()
        address = f"tcp://{host}:{port}"
    address = comm.bcast(address, root=0)
    torch_distributed.init_process_group(device, launch.rank, launch.size, address)


def _all_local(comm: Any) -> bool:
    """Whether every rank runs on this machine (then the rendezvous stays on the loopback)."""
    names = comm.allgather(socket.gethostname())
    return len(set(names)) == 1


def close(launch: Launch | None) -> None:
    """Leave the process group (``end_rank`` then ends the process)."""
    if launch is not None and torch.distributed.is_initialized():
        torch.distributed.destroy_process_group()


def end_rank(status: int) -> NoReturn:
    """End a launched rank's process with ``status``: the process group destroyed, stdout and stderr
    flushed, MPI finalised, then ``os._exit`` — without the interpreter's shutdown.

    Why: ``DistributedDataParallel`` keeps references to its process group that outlive the model, so
    gloo's threads (two ``pt_gloo_runloop`` workers, ``gloo_tcp_loop``, and rank 0's TCPStore server
    ``pt_tcpstore_uv``) are still running after ``destroy_process_group`` (seen in /proc/self/task) and
    while Python finalises. A torch thread that needs the GIL then (to free a tensor's Python object, or
    to run a Python comm hook) is stopped by the finalising interpreter (``pthread_exit``), and that
    unwinding through C++ ends in ``std::terminate``: "terminate called without an active exception",
    SIGABRT, now and then, after the rank's work was done and written. Everything a rank writes is
    written (atomically) and closed before this; nothing is left for the shutdown to do.
    """
    if torch.distributed.is_initialized():
        torch.distributed.destroy_process_group()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe or stream: nothing can reach it
            stream.flush()
    if "mpi4py.MPI" in sys.modules:
        from mpi4py import MPI

        if MPI.Is_initialized() and not MPI.Is_finalized():
            MPI.Finalize()
    os._exit(status)

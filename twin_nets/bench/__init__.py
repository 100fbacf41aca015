r"""C3.2.1: the speed benchmark — one training step of the scratch twin and of the torch twin, timed
interleaved in one process and measured against the machine's own matrix-product peak.

What one step is (both twins, same initial weights, same fixed batch):
    ``optimizer.zero_grad()``, forward, ``CrossEntropyLoss`` on class indices, backward,
    ``optimizer.step()`` — SGD (lr 0.01, momentum 0.9) by default, or Adam (lr 1e-3) —
    on ReLU MLPs built from one ``MLPSpec``: digits 64-128-10 at batch 64, mnist 784-256-256-10 at
    batch 128 and wide 784-1024-1024-10 at batch 256, in float32 and float64. The scratch twin's
    backward is ``model.backward(g, needs_input_grad=False)``: the data's gradient is not computed,
    as torch does not compute it for an input without ``requires_grad``.
The lstm row (C4.3-lstm, ``twin_nets.bench.lstm``) times one LSTM layer's step instead, and with
``--dlfs2 PATH`` 밑바닥부터 시작하는 딥러닝 2's ``TimeLSTM`` beside the twins (``twin_nets.bench.peer``:
the book's code is fetched by the user, never part of this project).

Timing: after a warm-up, rounds of one block of steps per twin, the twins' order alternating from
round to round; each step is timed alone (``time.perf_counter``; ``torch.cuda.synchronize()`` before
and after a CUDA step) with the garbage collector off. A twin's time is the median over all its steps:
load on the machine drifts alike for both twins, and the first step of a block, slowed while the
other library's worker threads still spin, stays out of the median.

FLOPs (matrix products only): a Linear n → m at batch N costs 2·N·n·m for y = x Wᵀ, 2·N·n·m for
∂E/∂W = gᵀ x and 2·N·n·m for ∂E/∂x = g W, except in the first layer, where neither twin computes ∂E/∂x:
    FLOPs = 2·N·(3·Σₖ nₖ mₖ − n₁ m₁).
Bias, activation, loss and optimizer arithmetic are not counted. GFLOP/s = FLOPs / median step time,
reported as a fraction of the peak: the best of several large square products ``A @ B`` (2·s³ FLOPs)
in NumPy and in torch, whichever library is faster (the machine's peak for that dtype).

Peak memory of a step: the most bytes held by the twin's arrays at any moment of a step = what exists
before it (parameters, gradients, optimizer state, the batch: summed from the objects' sizes) + the
peak of the step's own allocations minus its frees. NumPy reports its data allocations to
``tracemalloc``; torch's CPU allocator reports its allocations and frees to the profiler
(``profile_memory=True``), summed here in time order; on CUDA ``torch.cuda.max_memory_allocated``.
The same quantity for both: torch's ``zero_grad`` frees the gradients and its backward allocates new
ones, where the scratch twin keeps its gradient arrays and adds into them.

End to end: ``scripts/train.py --impl scratch`` and ``--impl torch`` with their default flags (logs go
to a temporary folder), each in a fresh interpreter: wall time from start to exit.

Threads: one count for both libraries — ``torch.set_num_threads`` and, through threadpoolctl, NumPy's
BLAS — 1 by default, as ``scripts/train.py`` runs torch. Why not every core by default: on a 2-core
machine shared with other work, two-thread pools wait on each other. Measured here, a busy neighbour
made each multi-threaded OpenBLAS call wait for a scheduler tick (a 0.1 ms step took 24 ms), and
``OMP_WAIT_POLICY=PASSIVE``, which cures that, makes torch's small steps 1.7–1.9× slower (its threads sleep
between ops): either way one twin is handicapped. With one thread neither is, and on a quiet machine
the two-thread ratios came out the same (``--threads 2`` to see; the environment variable is
recorded as ``machine.omp_wait_policy``).
"""

from twin_nets.bench.config import (
    DTYPES,
    MODELS,
    OPTIMIZERS,
    BenchConfig,
    ModelCase,
    build_parser,
    parse_config,
)
from twin_nets.bench.report import format_table, write_json
from twin_nets.bench.runner import run, train_run

__all__ = [
    "DTYPES",
    "MODELS",
    "OPTIMIZERS",
    "BenchConfig",
    "ModelCase",
    "build_parser",
    "format_table",
    "parse_config",
    "run",
    "train_run",
    "write_json",
]

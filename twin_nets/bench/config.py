"""The bench's flags: the benchmarked networks and ``BenchConfig``, checked before any timing."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from twin_nets.bench.peer import peer_problem
from twin_nets.cli import OneLineParser, PathFlag, check_seed, check_threads, output_problem


@dataclass(frozen=True)
class ModelCase:
    """One benchmarked network: its widths and its batch size."""

    name: str
    sizes: tuple[int, ...]
    batch: int

    @property
    def flops(self) -> int:
        """Matrix-product FLOPs of one forward + backward (module docstring)."""
        products = sum(n * m for n, m in zip(self.sizes[:-1], self.sizes[1:], strict=False))
        return 2 * self.batch * (3 * products - self.sizes[0] * self.sizes[1])


@dataclass(frozen=True)
class LSTMCase:
    """C4.3-lstm: one LSTM layer, input width D → hidden width H, over T time steps at batch N."""

    name: str
    input_size: int
    hidden_size: int
    time_steps: int
    batch: int

    @property
    def sizes(self) -> tuple[int, ...]:
        return (self.input_size, self.hidden_size)

    @property
    def flops(self) -> int:
        """Matrix-product FLOPs of one forward + backward: per step, A = x W_ihᵀ + h W_hhᵀ (4H columns)
        forward, then ∂E/∂W_ih, ∂E/∂W_hh, ∂E/∂x and ∂E/∂h_(t−1) backward: 3 · 2·N·4H·(D + H) per step."""
        d, h = self.input_size, self.hidden_size
        return self.time_steps * 3 * 2 * self.batch * 4 * h * (d + h)


MODELS: dict[str, ModelCase | LSTMCase] = {
    "digits": ModelCase("digits", (64, 128, 10), 64),
    "mnist": ModelCase("mnist", (784, 256, 256, 10), 128),
    "wide": ModelCase("wide", (784, 1024, 1024, 10), 256),
    # the sizes of 밑바닥부터 시작하는 딥러닝 2's ch06/train_rnnlm.py:
    # batch 20, word vectors 100, hidden 100, 35 time steps
    "lstm": LSTMCase("lstm", 100, 100, 35, 20),
}
DTYPES = ("float32", "float64")
OPTIMIZERS = {"sgd": "SGD(lr=0.01, momentum=0.9)", "adam": "Adam(lr=0.001)"}


@dataclass(frozen=True)
class BenchConfig:
    """The flags of ``scripts/bench.py``.

    Args:
        out: where the JSON goes (default bench.json).
        quick: a smoke run: few steps, small peak products, one-epoch training runs; numbers not meaningful.
        threads: for torch and NumPy's BLAS alike (default 1; module docstring).
        optimizer: "sgd" (default) or "adam".
        models, dtypes: which rows (default all).
        seconds: time spent timing each twin on each row (default 2.5; 0.05 with --quick).
        train_runs: also time the default training run per twin (default True).
        cuda: also time the torch twin on CUDA when present (default True).
        seed: of the initial weights and the batch.
        dlfs2: the folder holding 밑바닥부터 시작하는 딥러닝 2's ``common/`` (its ``TimeLSTM`` is timed on the
            lstm row; ``twin_nets.bench.lstm``), or None.
    """

    out: str = "bench.json"
    quick: bool = False
    threads: int = 1
    optimizer: str = "sgd"
    models: tuple[str, ...] = tuple(MODELS)
    dtypes: tuple[str, ...] = DTYPES
    seconds: float = 2.5
    train_runs: bool = True
    cuda: bool = True
    seed: int = 0
    dlfs2: str | None = None

    def __post_init__(self) -> None:
        check_threads("--threads", self.threads)  # the checks every command shares (twin_nets.cli)
        check_seed("--seed", self.seed)
        if not (self.seconds > 0 and math.isfinite(self.seconds)):
            raise ValueError(f"--seconds: expected a number > 0, got {self.seconds}")
        if (problem := output_problem("--out", Path(self.out), "file")) is not None:
            raise ValueError(problem)
        if self.dlfs2 is not None:
            if "lstm" not in self.models or "float32" not in self.dtypes:
                raise ValueError(
                    "--dlfs2: times the lstm row in float32, which --models and --dtypes leave out "
                    f"({' '.join(self.models)}; {' '.join(self.dtypes)})"
                )
            if (problem := peer_problem("--dlfs2", Path(self.dlfs2))) is not None:
                raise ValueError(problem)


def build_parser(prog: str = "bench.py") -> OneLineParser:
    parser = OneLineParser(
        prog=prog,
        description="Time a training step of the scratch and the torch twin (and on the lstm row 밑바닥 2's "
        "TimeLSTM), interleaved (C3.2.1, C4.3-lstm).",
    )
    parser.add_argument(
        "--out", type=PathFlag("a file", str), default="bench.json", help="the JSON file written"
    )
    parser.add_argument("--quick", action="store_true", help="smoke run: few steps, numbers not meaningful")
    parser.add_argument("--threads", type=int, default=1, help="for torch and NumPy's BLAS alike")
    parser.add_argument("--optimizer", choices=tuple(OPTIMIZERS), default="sgd", help="the step timed")
    parser.add_argument(
        "--models", nargs="+", choices=tuple(MODELS), default=list(MODELS), help="the MLPs timed"
    )
    parser.add_argument("--dtypes", nargs="+", choices=DTYPES, default=list(DTYPES), help="the dtypes timed")
    parser.add_argument(
        "--seconds", type=float, default=None, help="timing per twin and row [2.5; quick 0.05]"
    )
    parser.add_argument("--no-train-runs", action="store_true", help="skip timing scripts/train.py")
    parser.add_argument("--no-cuda", action="store_true", help="do not time the torch twin on CUDA")
    parser.add_argument("--seed", type=int, default=0, help="initial weights and batches")
    parser.add_argument(
        "--dlfs2",
        type=PathFlag("a folder", str),
        default=None,
        help="the folder holding 밑바닥부터 시작하는 딥러닝 2's common/ (github.com/oreilly-japan/"
        "deep-learning-from-scratch-2): its TimeLSTM is timed on the lstm row",
    )
    return parser


def parse_config(argv: list[str] | None = None, parser: OneLineParser | None = None) -> BenchConfig:
    """Flags → ``BenchConfig``; a bad flag exits with status 2 and a one-line message."""
    parser = build_parser() if parser is None else parser
    args = parser.parse_args(argv)
    seconds = args.seconds if args.seconds is not None else (0.05 if args.quick else 2.5)
    try:
        return BenchConfig(
            out=args.out,
            quick=args.quick,
            threads=args.threads,
            optimizer=args.optimizer,
            models=tuple(dict.fromkeys(args.models)),
            dtypes=tuple(dict.fromkeys(args.dtypes)),
            seconds=seconds,
            train_runs=not args.no_train_runs,
            cuda=not args.no_cuda,
            seed=args.seed,
            dlfs2=args.dlfs2,
        )
    except ValueError as error:
        parser.error(str(error))

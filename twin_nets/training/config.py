"""The flags of ``scripts/train.py``, parsed into one frozen ``TrainConfig``.

Every check that needs nothing but the flags lives in ``TrainConfig.__post_init__`` and raises a
one-line ``ValueError``; the parser turns it into ``train.py: error: …`` and exit status 2, before
anything is written. Checks that need the data (a batch larger than the training set) or the machine
(``--device cuda`` without a GPU) raise ``ConfigError`` later, still before anything is written.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
from dataclasses import dataclass
from typing import Any

from scratch.data.datasets import DATASETS
from scratch.models.mlp import ACTIVATIONS, INIT_SCHEMES, NORMS
from twin_nets.cli import IMPLS, MAX_SEED, check_text, twins_of

# --optimizer -> (class name in scratch.optim and torch_impl.optim, the hyper-parameters it takes)
OPTIMIZERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "sgd": ("SGD", ("momentum", "dampening", "weight_decay", "nesterov")),
    "adam": ("Adam", ("betas", "eps", "weight_decay", "amsgrad")),
    "adamw": ("AdamW", ("betas", "eps", "weight_decay", "amsgrad")),
    "rmsprop": ("RMSprop", ("alpha", "eps", "weight_decay", "momentum", "centered")),
    "adagrad": ("Adagrad", ("lr_decay", "weight_decay", "eps")),
    "textbook_momentum": ("TextbookMomentum", ("momentum",)),
}
HYPERPARAMETERS = ("momentum", "dampening", "nesterov", "weight_decay", "betas", "eps", "alpha", "centered",
                   "amsgrad", "lr_decay")  # fmt: skip
DTYPES = ("float32", "float64")
# --task: what the network learns. "autoencoder" (C1.1-autoencoder): an encoder-decoder MLP trained to
# rebuild its input (MSE, the labels unused), --hidden the encoder's widths, --code the code's width.
# "charlm" (C4.3-lstm): a character-level language model (embedding, one LSTM layer of --hidden units, a
# linear head) on the notes' text (--dataset notes), chunks of --bptt characters, gradients clipped.
TASKS = ("classify", "autoencoder", "charlm")
TRAIN_DATASETS = (*DATASETS, "notes")  # "notes": the notes' text, only for --task charlm
CHARLM_CLIP = 1.0  # --task charlm's default --clip-grad-norm
DEVICES = ("auto", "cpu", "cuda")
# fields that do not change the trajectory, so a --resume may change them
RESUMABLE_CHANGES = (
    "epochs", "resume", "device", "threads", "logdir", "data_dir", "experiment", "histogram_every",
    "checkpoint_every",
)  # fmt: skip


RUN_NAME_WORDS = 24  # the readable part of a built experiment name; with "-<6 hex>/scratch", 39 characters
MAX_NAME_LENGTH = 200  # a folder name, with room for ".replaced-<time>" within the usual 255 bytes
MAX_EPOCHS = 1_000_000
MAX_HIDDEN_LAYERS = 100
# The default checkpoint cadence: a pair every epochs / 20 epochs (rounded up), so a run makes at most 20
# pairs. A pair holds the history so far, so it grows with the run: at a fixed cadence, checkpoints would
# take a growing share of a long run (a 2000-epoch XOR run at a pair per epoch spent ~90% of its time in
# them), at this one a fixed, small share; a kill -9 loses at most a twentieth of the run.
CHECKPOINTS_PER_RUN = 20


def check_folder_name(flag: str, name: str) -> None:
    """A name that is one folder: not empty, ``.`` or ``..``, no path separator, no control character, at
    most ``MAX_NAME_LENGTH`` characters, in UTF-8. Raises ValueError naming ``flag``."""
    check_text(flag, name, "a folder name")
    if not name or name in (".", "..") or name != name.strip():
        problem = "a folder name (not empty, '.' or '..', no leading or trailing space)"
    elif any(sep in name for sep in ("/", "\\", os.sep, os.altsep or "/")):
        problem = "a folder name without '/' or '\\' (a folder directly inside --logdir)"
    elif any(ord(c) < 32 or ord(c) == 127 for c in name):
        problem = "a folder name without control characters"
    elif len(name) > MAX_NAME_LENGTH:
        problem = f"a folder name of at most {MAX_NAME_LENGTH} characters ({len(name)} given)"
    else:
        return
    raise ValueError(f"{flag}: expected {problem}, got {name[:60]!r}{'…' if len(name) > 60 else ''}")


class ConfigError(ValueError):
    """A flag that is wrong for this data or this machine; reported like a bad flag (exit status 2)."""


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


@dataclass(frozen=True)
class TrainConfig:
    """One training run, as the flags describe it. ``None`` for a hyper-parameter means torch's default."""

    impl: str = "both"
    dataset: str = "digits"
    data_dir: str = "data"
    test_size: float = 0.2
    hidden: tuple[int, ...] = (512,)
    activation: str = "relu"
    init: str = "he"
    dropout: float = 0.0
    norm: str | None = None
    optimizer: str = "adam"
    lr: float = 1e-3
    momentum: float | None = None
    dampening: float | None = None
    nesterov: bool | None = None
    weight_decay: float | None = None
    betas: tuple[float, float] | None = None
    eps: float | None = None
    alpha: float | None = None
    centered: bool | None = None
    amsgrad: bool | None = None
    lr_decay: float | None = None
    epochs: int = 40
    batch_size: int = 64
    drop_last: bool = False
    dtype: str = "float64"
    device: str = "auto"
    threads: int = 1
    seed: int = 0
    logdir: str = "runs"
    experiment: str | None = None
    resume: bool = False
    checkpoint_every: int | None = None  # epochs between checkpoint pairs; None: CHECKPOINTS_PER_RUN a run
    histogram_every: int | None = None  # epochs between histograms; None: at most 100 per run
    distributed: bool = False  # data-parallel over torchrun's or mpiexec's ranks (twin_nets.distributed)
    sync_bn: bool = False
    task: str = "classify"
    code: int = 2  # --task autoencoder: the code's width
    clip_grad_norm: float | None = None  # C3.2.3-clip-grad; None: the task's default (max_grad_norm)
    bptt: int = 32  # --task charlm: characters per chunk (backpropagation through time's length)
    embedding_dim: int = 32  # --task charlm: the embedding's width
    launch: str | None = None  # not a flag: "<launcher>-<ranks>" of a --distributed run, set once launched

    def __post_init__(self) -> None:
        object.__setattr__(self, "hidden", tuple(self.hidden))
        if self.betas is not None:
            object.__setattr__(self, "betas", tuple(self.betas))
        for name, choices in (
            ("impl", IMPLS),
            ("dataset", TRAIN_DATASETS),
            ("activation", tuple(ACTIVATIONS)),
            ("init", tuple(INIT_SCHEMES)),
            ("optimizer", tuple(OPTIMIZERS)),
            ("dtype", DTYPES),
            ("device", DEVICES),
            ("task", TASKS),
        ):
            if getattr(self, name) not in choices:
                raise ValueError(
                    f"{_flag(name)}: expected one of {', '.join(choices)}, got {getattr(self, name)!r}"
                )
        if self.norm is not None and self.norm not in NORMS:
            raise ValueError(f"--norm: expected one of none, {', '.join(NORMS)}, got {self.norm!r}")
        self._check_numbers()
        self._check_hyperparameters()
        self._check_task()
        if self.sync_bn and not (self.distributed and self.norm == "batch"):
            raise ValueError("--sync-bn: expected --distributed and --norm batch with it")
        if self.experiment is not None:  # a built name is short and safe (``run_name``)
            check_folder_name("--experiment", self.experiment)

    def _check_numbers(self) -> None:
        def require(name: str, ok: bool, expected: str) -> None:
            if not ok:
                raise ValueError(f"{_flag(name)}: expected {expected}, got {getattr(self, name)!r}")

        require("lr", math.isfinite(self.lr) and self.lr > 0, "a learning rate > 0")
        require("epochs", 1 <= self.epochs <= MAX_EPOCHS, f"an integer in [1, {MAX_EPOCHS}]")
        require("batch_size", self.batch_size >= 1, "an integer >= 1")
        require("threads", self.threads >= 1, "an integer >= 1")
        every = self.checkpoint_every
        require(
            "checkpoint_every", every is None or 1 <= every <= MAX_EPOCHS, f"an integer in [1, {MAX_EPOCHS}]"
        )
        every = self.histogram_every
        require(
            "histogram_every", every is None or 0 <= every <= MAX_EPOCHS, f"an integer in [0, {MAX_EPOCHS}]"
        )
        require("code", self.code >= 1, "an integer >= 1")
        require("bptt", self.bptt >= 1, "an integer >= 1")
        require("embedding_dim", self.embedding_dim >= 1, "an integer >= 1")
        clip = self.clip_grad_norm
        require("clip_grad_norm", clip is None or (math.isfinite(clip) and clip >= 0), "a norm >= 0 (0: off)")
        require("seed", 0 <= self.seed <= MAX_SEED, f"an integer in [0, {MAX_SEED}] (2³² − 1)")
        require("hidden", all(h >= 1 for h in self.hidden), "widths >= 1")
        require("hidden", len(self.hidden) <= MAX_HIDDEN_LAYERS, f"at most {MAX_HIDDEN_LAYERS} widths")
        require("dropout", 0 <= self.dropout < 1, "a probability in [0, 1)")
        require("test_size", 0 < self.test_size < 1, "a fraction in (0, 1)")
        for name in ("momentum", "dampening", "weight_decay", "eps", "alpha", "lr_decay"):
            value = getattr(self, name)
            require(name, value is None or (math.isfinite(value) and value >= 0), "a number >= 0")
        require(
            "betas",
            self.betas is None or (len(self.betas) == 2 and all(0 <= b < 1 for b in self.betas)),
            "two numbers in [0, 1)",
        )

    def _check_hyperparameters(self) -> None:
        takes = OPTIMIZERS[self.optimizer][1]
        for name in HYPERPARAMETERS:
            if getattr(self, name) is not None and name not in takes:
                accepted = ", ".join(["--lr", *map(_flag, takes)])
                raise ValueError(
                    f"{_flag(name)} does not apply to --optimizer {self.optimizer} (it takes {accepted})"
                )
        if self.nesterov and (not self.momentum or self.dampening):
            raise ValueError("--nesterov: expected --momentum > 0 and --dampening 0 with it")

    def _check_task(self) -> None:
        """--task charlm trains on the notes and nothing else trains on them; its model has one LSTM
        layer and no MLP options; clipping is for the tasks whose step takes it."""
        if (self.task == "charlm") != (self.dataset == "notes"):
            raise ValueError(
                f"--dataset: expected notes with --task charlm and only with it, got {self.dataset!r} "
                f"with --task {self.task}"
            )
        if self.task == "charlm":
            if len(self.hidden) != 1:
                raise ValueError(f"--hidden: expected one width (the LSTM's) with --task charlm, got "
                                 f"{list(self.hidden)}")  # fmt: skip
            for name, value in (("norm", self.norm), ("dropout", self.dropout or None)):
                if value is not None:
                    raise ValueError(f"{_flag(name)} does not apply to --task charlm, got {value!r}")
        if self.task == "autoencoder" and self.clip_grad_norm:
            raise ValueError("--clip-grad-norm does not apply to --task autoencoder (classify, charlm)")

    # ------------------------------------------------------------------ derived values
    @property
    def max_grad_norm(self) -> float | None:
        """C3.2.3-clip-grad: the total gradient norm a step keeps to, or None (no clipping):
        ``--clip-grad-norm`` (0: off), by default ``CHARLM_CLIP`` for --task charlm and off otherwise."""
        if self.clip_grad_norm is None:
            return CHARLM_CLIP if self.task == "charlm" else None
        return self.clip_grad_norm or None

    @property
    def fingerprint(self) -> str:
        """Six hex digits of every field that changes the trajectory (all but ``RESUMABLE_CHANGES``: the
        model, the optimizer and each hyper-parameter, the data, the seed, the dtype, the launcher and
        its ranks): two runs that would train differently never share a folder."""
        defaults = {f.name: list(f.default) if isinstance(f.default, tuple) else f.default
                    for f in dataclasses.fields(TrainConfig)}  # fmt: skip
        # a field at its default is left out, so a field added later (at its default) renames no run
        fields = {k: v for k, v in self.to_dict().items() if k not in RESUMABLE_CHANGES and v != defaults[k]}
        return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:6]

    @property
    def run_name(self) -> str:
        """The experiment folder: ``--experiment``, or ``<dataset>-<optimizer>-lr<lr>[-mpi<K>|-ddp<K>]
        [-h<widths>]-<fingerprint>``, the readable part at most ``RUN_NAME_WORDS`` characters (the last
        pieces dropped first), so that ``<name>/scratch`` and ``<name>/torch`` stay apart in TensorBoard's
        run list, which cuts a name at about 40 characters."""
        if self.experiment is not None:
            return self.experiment
        task = {"autoencoder": [f"ae{self.code}"], "charlm": ["lm"]}.get(self.task, [])
        pieces = [self.dataset, *task, self.optimizer, f"lr{self.lr:g}"]
        if self.launch is not None:
            launcher, _, ranks = self.launch.partition("-")
            pieces.append(f"{'mpi' if launcher == 'mpiexec' else 'ddp'}{ranks}")
        pieces.append("h" + ("-".join(map(str, self.hidden)) or "none"))
        while len(pieces) > 1 and len("-".join(pieces)) > RUN_NAME_WORDS:
            pieces.pop()
        return f"{'-'.join(pieces)[:RUN_NAME_WORDS]}-{self.fingerprint}"

    @property
    def checkpoint_interval(self) -> int:
        """Epochs between checkpoint pairs: ``--checkpoint-every``, or ``CHECKPOINTS_PER_RUN`` a run."""
        return self.checkpoint_every or max(1, math.ceil(self.epochs / CHECKPOINTS_PER_RUN))

    @property
    def impls(self) -> tuple[str, ...]:
        return twins_of(self.impl)

    def optimizer_kwargs(self) -> dict[str, Any]:
        """``lr`` and every hyper-parameter given on the command line; the rest keep torch's defaults."""
        kwargs = {"lr": self.lr}
        for name in OPTIMIZERS[self.optimizer][1]:
            if getattr(self, name) is not None:
                kwargs[name] = getattr(self, name)
        return kwargs

    def to_dict(self) -> dict[str, Any]:
        """The flags as JSON-ready data (tuples become lists)."""
        data = dataclasses.asdict(self)
        return {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}

    def describe(self) -> str:
        """The flags on one line, for the console."""
        return " ".join(f"{k}={v}" for k, v in self.to_dict().items())

    def differences(self, saved: dict[str, Any]) -> list[tuple[str, Any, Any]]:
        """``(field, saved value, value now)`` for every field that differs from a recorded config and
        would change the trajectory (``RESUMABLE_CHANGES`` may differ)."""
        current = self.to_dict()
        defaults = TrainConfig().to_dict()  # a flag newer than the checkpoint had its default then
        return [
            (k, saved.get(k, defaults[k]), current[k])
            for k in current
            if k not in RESUMABLE_CHANGES and saved.get(k, defaults[k]) != current[k]
        ]

    def resume_mismatches(self, saved: dict[str, Any]) -> list[str]:
        """Flags that differ from a checkpoint's config and would change the trajectory."""
        return [
            f"{_flag(k)} {then!r} (checkpoint) vs {now!r} (now)" for k, then, now in self.differences(saved)
        ]


def as_flags(name: str, value: Any) -> str:
    """A config value as the command line gives it: ``--lr 0.01``, ``--hidden 8 8``, ``--drop-last``,
    ``--norm none``; a switch that is off or a hyper-parameter left unset: ``no --nesterov``."""
    flag = _flag(name)
    if value is True:
        return flag
    if value is False or value is None:
        return f"{flag} none" if name == "norm" else f"no {flag}"
    if isinstance(value, (list, tuple)):
        return " ".join([flag, *map(str, value)])
    return f"{flag} {value:g}" if isinstance(value, float) else f"{flag} {value}"


# what a resume of the same experiment may change, as the messages name it
RESUMABLE_FLAGS = ", ".join(
    _flag(name) for name in RESUMABLE_CHANGES if name not in ("resume", "logdir", "experiment")
)

"""The command line of ``scripts/train.py`` as a table (``_FLAGS``), and its parser into ``TrainConfig``
(``twin_nets.training.config``, where every check of the flags lives)."""

from __future__ import annotations

import argparse
from typing import Any

from scratch.models.mlp import ACTIVATIONS, INIT_SCHEMES, NORMS
from twin_nets.cli import IMPLS, OneLineParser, PathFlag
from twin_nets.training.config import (
    CHARLM_CLIP,
    CHECKPOINTS_PER_RUN,
    DEVICES,
    DTYPES,
    MAX_EPOCHS,
    OPTIMIZERS,
    TASKS,
    TRAIN_DATASETS,
    TrainConfig,
)

_SWITCH = {"action": "store_true"}
_FOLDER = PathFlag("a folder", str)  # TrainConfig keeps its folders as str
# (group, flag, argparse's keywords): the command line as a table; a flag's default is TrainConfig's
# field of the same name unless the row gives one, and ``--help`` shows it
_FLAGS: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("run", "--impl", {"choices": IMPLS, "help": "which twin(s) to train"}),
    ("run", "--epochs", {"type": int, "help": "passes over the training set"}),
    ("run", "--batch-size", {"type": int, "help": "samples per step; when the default is more than the "
                                                  "training set (the gates), the whole set"}),
    ("run", "--drop-last", {**_SWITCH, "help": "skip each epoch's last, smaller batch (batch norm cannot "
                                               "train on a batch of one sample)"}),
    ("run", "--dtype", {"choices": DTYPES, "help": "float64 is the parity dtype"}),
    ("run", "--device", {"choices": DEVICES, "help": "where the torch twin runs"}),
    ("run", "--threads", {"type": int, "help": "CPU threads of torch and of NumPy's BLAS; for these small "
                                               "networks one is fastest"}),
    ("run", "--seed", {"type": int, "help": "initial weights, split, batch order, dropout"}),
    ("run", "--logdir", {"type": _FOLDER, "help": "TensorBoard root: <logdir>/<experiment>/<twin>"}),
    ("run", "--experiment", {"help": "run folder name; by default <dataset>-<optimizer>-lr<lr>[-mpi<K>|"
                             "-ddp<K>][-h<widths>]-<6 hex digits of every flag that changes the run>"}),
    ("run", "--resume", {**_SWITCH, "help": "continue from the experiment's checkpoints"}),
    ("run", "--checkpoint-every", {"type": int, "metavar": "N", "help": (
        "a checkpoint pair (and metrics.json) every N epochs and at the end; by default "
        f"{CHECKPOINTS_PER_RUN} a run (N = epochs / {CHECKPOINTS_PER_RUN}, rounded up). Ctrl-C and SIGTERM "
        "save a pair where they stop; a kill -9 or a power cut loses up to N - 1 epochs and the one in "
        f"progress; N in [1, {MAX_EPOCHS}]")}),
    ("run", "--histogram-every", {"type": int, "metavar": "N", "help": "weight and gradient histograms "
                                  "every N epochs (0: none); by default at most 100 per run"}),
    ("run", "--distributed", {**_SWITCH, "help": "data-parallel on the launcher's ranks"}),
    ("run", "--sync-bn", {**_SWITCH, "help": "--distributed: batch norm on the whole batch"}),
    ("data", "--dataset", {"choices": TRAIN_DATASETS, "default": None, "help": "what to learn; with --task "
                           "charlm, notes: the notes' text (default: digits)"}),
    ("data", "--data-dir", {"type": _FOLDER, "help": "where MNIST's files are (or go)"}),
    ("data", "--test-size", {"type": float, "help": "the test part's share (the gates: none)"}),
    ("model", "--task", {"choices": TASKS, "help": "classify: labels; autoencoder: rebuild the input "
                                                   "(C1.1-autoencoder); charlm: a character-level language "
                                                   "model on the notes (C4.3-lstm)"}),
    ("model", "--bptt", {"type": int, "help": "--task charlm: characters per chunk"}),
    ("model", "--embedding-dim", {"type": int, "help": "--task charlm: the embedding's width"}),
    ("model", "--code", {"type": int, "help": "--task autoencoder: the code's width"}),
    ("model", "--hidden", {"type": int, "nargs": "*", "default": list(TrainConfig.hidden),
                           "help": "hidden widths (autoencoder: the encoder's; the decoder mirrors them)"}),
    ("model", "--activation", {"choices": tuple(ACTIVATIONS), "help": "after each hidden layer"}),
    ("model", "--init", {"choices": tuple(INIT_SCHEMES), "help": "weight initialisation"}),
    ("model", "--dropout", {"type": float, "help": "drop probability after activations"}),
    ("model", "--norm", {"choices": ("none", *NORMS), "default": "none", "help": "before each activation"}),
    ("optimizer", "--optimizer", {"choices": tuple(OPTIMIZERS), "help": "torch.optim's"}),
    ("optimizer", "--clip-grad-norm", {"type": float, "metavar": "MAX", "help": (
        "scale every step's gradients so their total norm is at most MAX (C3.2.3-clip-grad; 0: off); by "
        f"default {CHARLM_CLIP:g} with --task charlm, off otherwise")}),
    ("optimizer", "--lr", {"type": float, "help": "learning rate (the seed's α)"}),
    ("optimizer", "--momentum", {"type": float, "help": "sgd, rmsprop, textbook_momentum"}),
    ("optimizer", "--dampening", {"type": float, "help": "sgd"}),
    ("optimizer", "--weight-decay", {"type": float, "help": "sgd, adam, adamw, rmsprop, adagrad"}),
    ("optimizer", "--eps", {"type": float, "help": "adam, adamw, rmsprop, adagrad"}),
    ("optimizer", "--alpha", {"type": float, "help": "rmsprop's smoothing constant"}),
    ("optimizer", "--lr-decay", {"type": float, "help": "adagrad"}),
    ("optimizer", "--betas", {"type": float, "nargs": 2, "metavar": ("BETA1", "BETA2"),
                              "help": "adam, adamw; torch's default (0.9, 0.999)"}),
    ("optimizer", "--nesterov", {**_SWITCH, "default": None, "help": "sgd"}),
    ("optimizer", "--centered", {**_SWITCH, "default": None, "help": "rmsprop"}),
    ("optimizer", "--amsgrad", {**_SWITCH, "default": None, "help": "adam, adamw"}),
)  # fmt: skip
_GROUPS = {"optimizer": "optimizer (a hyper-parameter left unset keeps torch's default)"}


def build_parser(prog: str = "train.py") -> OneLineParser:
    """The command line of the main job (``_FLAGS``); ``parse_config`` turns its result into a
    ``TrainConfig``."""
    defaults = TrainConfig()
    parser = OneLineParser(
        prog=prog,
        description="Train the NumPy twin and the torch twin side by side (C3.2.1), log both to TensorBoard.",
    )
    groups: dict[str, argparse._ArgumentGroup] = {}
    for group, flag, keywords in _FLAGS:
        if group not in groups:
            groups[group] = parser.add_argument_group(_GROUPS.get(group, group))
        name = flag.removeprefix("--").replace("-", "_")
        groups[group].add_argument(flag, **{"default": getattr(defaults, name), **keywords})
    return parser


def parse_config(argv: list[str] | None = None, parser: OneLineParser | None = None) -> TrainConfig:
    """Flags -> ``TrainConfig``; a bad flag exits with status 2 and a one-line message."""
    parser = build_parser() if parser is None else parser
    args = vars(parser.parse_args(argv))
    args["norm"] = None if args["norm"] == "none" else args["norm"]
    if args["dataset"] is None:
        args["dataset"] = "notes" if args["task"] == "charlm" else TrainConfig.dataset
    try:
        return TrainConfig(**args)
    except ValueError as error:
        parser.error(str(error))

"""The paired run: both twins trained in lockstep, compared after every step, logged and checkpointed.

``prepare(config)`` loads the data, builds the twins and (with ``--resume``) loads their checkpoints;
it writes nothing and raises ``ConfigError`` for a flag that is wrong for this data or machine.
``PairedRun.run()`` then trains epoch after epoch. Every step: each twin takes its batch (the same one),
steps, and reports its loss; a loss that is NaN or infinite stops the run, naming the step and twin;
with both twins the largest weight difference and the loss difference are logged. Every epoch: both
twins are evaluated, logged, checkpointed. Ctrl-C finishes the current step, saves a checkpoint there,
and stops; ``--resume`` continues from it exactly.
"""

from __future__ import annotations

import contextlib
import math
import signal
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import torch
from tqdm import tqdm

from scratch.data.datasets import DatasetSplit
from torch_impl.data.datasets import load_dataset
from twin_nets.training import parity
from twin_nets.training.board import TwinBoard
from twin_nets.training.config import ConfigError, TrainConfig
from twin_nets.training.report import epoch_table, write_metrics
from twin_nets.training.twins import Twin, build_twins, generator

EXIT_OK, EXIT_FAILED, EXIT_INTERRUPTED = 0, 1, 130  # 130 = 128 + SIGINT, the shell's convention
OUTPUT_PATTERNS = ("events.out.tfevents.*", "checkpoint.*", "metrics.json")


class NonFiniteLossError(Exception):
    """A twin's loss became NaN or infinite."""


def resolve_device(name: str) -> torch.device:
    """``auto`` -> CUDA when present, else CPU; ``cuda`` without a GPU is a ``ConfigError``."""
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda" and not torch.cuda.is_available():
        raise ConfigError("--device cuda: CUDA is not available on this machine (use --device cpu or auto)")
    return torch.device(name)


@dataclass
class Progress:
    """Where the run stands; saved in every checkpoint, so that ``--resume`` picks up exactly here."""

    epoch: int = 0  # epochs completed
    step_in_epoch: int = 0  # steps done in the current epoch
    global_step: int = 0
    sums: dict[str, dict[str, float]] = field(default_factory=dict)  # per twin: this epoch's running sums
    history: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # per twin, per epoch
    parity: list[dict[str, float]] = field(default_factory=list)  # per epoch, when both twins run
    epoch_parity: dict[str, float] = field(default_factory=dict)  # this epoch's worst differences so far
    wall_time_s: dict[str, float] = field(default_factory=dict)  # per twin: time in its own steps and evals
    # when both twins run: the weight difference after step 1, and the first step it reached the contract's
    # tolerance (how a FAIL started: at once, or grown from round-off)
    divergence: dict[str, float] = field(default_factory=dict)

    def meta(self, impl: str, config: TrainConfig) -> dict[str, Any]:
        return {
            "epoch": self.epoch,
            "step_in_epoch": self.step_in_epoch,
            "global_step": self.global_step,
            "sums": self.sums[impl],
            "history": self.history[impl],
            "parity": self.parity,
            "epoch_parity": self.epoch_parity,
            "divergence": self.divergence,
            "wall_time_s": self.wall_time_s[impl],
            "impl": impl,
            "config": config.to_dict(),
        }


class _StopRequest:
    requested = False


@contextlib.contextmanager
def stop_on_sigint() -> Iterator[_StopRequest]:
    """Turn the first Ctrl-C into a request the loop checks between steps (a second one stops at once)."""
    stop = _StopRequest()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def handler(signum: int, frame: Any) -> None:
        if stop.requested:
            raise KeyboardInterrupt
        stop.requested = True

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield stop
    finally:
        signal.signal(signal.SIGINT, previous)


def _empty_sums() -> dict[str, float]:
    return {"loss": 0.0, "correct": 0.0, "count": 0.0}


def check_batch_norm_batches(config: TrainConfig, n_train: int) -> None:
    """Batch norm needs at least two samples per training batch (one sample has no variance; torch
    raises "Expected more than 1 value per channel when training"). Say so before training starts,
    naming the flags that fix it, rather than failing at the last batch of the first epoch."""
    if config.norm != "batch":
        return
    if config.batch_size == 1:
        raise ConfigError("--batch-size: expected at least 2 with --norm batch, got 1")
    if not config.drop_last and n_train % config.batch_size == 1:
        raise ConfigError(
            f"--batch-size: with --norm batch every batch needs at least 2 samples, but "
            f"{n_train} training samples at batch size {config.batch_size} leave a last batch of 1 "
            f"(add --drop-last or choose another batch size)"
        )


def prepare(config: TrainConfig) -> PairedRun:
    """Data, twins and (with ``--resume``) their checkpoints; writes nothing.

    Raises:
        ConfigError: a batch larger than the training set, a batch of one sample under batch norm,
            a hyper-parameter an optimizer rejects, ``--device cuda`` without a GPU, nothing to resume
            or a checkpoint made with other flags.
        FileNotFoundError: MNIST files missing and not downloadable (the message says how to get them).
    """
    device = resolve_device(config.device)
    data = load_dataset(
        config.dataset,
        rng=generator(config.seed, "data"),
        test_size=config.test_size,
        dtype=config.dtype,
        data_dir=config.data_dir,
    )
    n_train = len(data.y_train)
    if config.batch_size > n_train:
        raise ConfigError(
            f"--batch-size: expected at most the {n_train} training samples of {config.dataset}, "
            f"got {config.batch_size}"
        )
    check_batch_norm_batches(config, n_train)
    try:
        twins = build_twins(config, data, device)
    except ValueError as error:  # an optimizer or layer rejecting a hyper-parameter, as torch does
        raise ConfigError(" ".join(str(error).split())) from error
    run = PairedRun(config, data, twins)
    if config.resume:
        run.load_checkpoints()
    return run


class PairedRun:
    """One run of one or both twins; see the module docstring."""

    def __init__(self, config: TrainConfig, data: DatasetSplit, twins: dict[str, Twin]) -> None:
        self.config, self.data, self.twins = config, data, twins
        self.root = Path(config.logdir) / config.run_name
        self.folders = {impl: self.root / impl for impl in twins}
        self.progress = Progress(
            sums={impl: _empty_sums() for impl in twins},
            history={impl: [] for impl in twins},
            wall_time_s=dict.fromkeys(twins, 0.0),
        )
        self.status = "not started"
        self.boards: dict[str, TwinBoard] = {}

    @property
    def paired(self) -> bool:
        return len(self.twins) == 2

    # ------------------------------------------------------------------ checkpoints
    def load_checkpoints(self) -> None:
        """Restore every twin and the progress from the experiment's checkpoints (``--resume``)."""
        metas = {}
        for impl, twin in self.twins.items():
            path = self.folders[impl] / twin.checkpoint_name
            if not path.is_file():
                raise ConfigError(f"--resume: no checkpoint {path} to resume from")
            metas[impl] = twin.load(self.folders[impl])
        positions = {(m["epoch"], m["step_in_epoch"], m["global_step"]) for m in metas.values()}
        if len(positions) != 1:
            raise ConfigError(f"--resume: the twins' checkpoints are at different steps: {positions}")
        first = next(iter(metas.values()))
        mismatches = self.config.resume_mismatches(first["config"])
        if mismatches:
            raise ConfigError("--resume: the checkpoint was made with other flags: " + "; ".join(mismatches))
        p = self.progress
        p.epoch, p.step_in_epoch, p.global_step = first["epoch"], first["step_in_epoch"], first["global_step"]
        p.parity, p.epoch_parity = first["parity"], first["epoch_parity"]
        p.divergence = first.get("divergence", {})
        for impl, meta in metas.items():
            p.sums[impl], p.history[impl], p.wall_time_s[impl] = (
                meta["sums"],
                meta["history"],
                meta["wall_time_s"],
            )

    def save_checkpoints(self) -> None:
        for impl, twin in self.twins.items():
            twin.save(self.folders[impl], self.progress.meta(impl, self.config))

    # ------------------------------------------------------------------ the loop
    def run(self, out: TextIO = sys.stdout) -> int:
        """Train to ``config.epochs``; print the table and the verdict; return the exit status."""
        threads = torch.get_num_threads()
        # Small matrices: torch's CPU thread pool costs more in synchronisation than it saves.
        torch.set_num_threads(self.config.threads)
        if any(torch.device(twin.device).type == "cuda" for twin in self.twins.values()):
            torch.backends.cuda.matmul.allow_tf32 = False  # parity: no reduced-precision matmuls
            torch.backends.cudnn.allow_tf32 = False
        try:
            self._open_boards(out)
            exit_code = self._train(out)
        finally:
            torch.set_num_threads(threads)
        return self._report(exit_code, out)

    def _open_boards(self, out: TextIO) -> None:
        config = self.config
        if not config.resume:
            self._move_earlier_outputs(out)
        purge_step = self.progress.global_step + 1 if config.resume else None
        self.boards = {impl: TwinBoard(folder, purge_step) for impl, folder in self.folders.items()}
        for board in self.boards.values():
            board.log_config(config)
        devices = ", ".join(f"{impl} on {twin.device}" for impl, twin in self.twins.items())
        print(f"train.py: {self.data!r}; {devices}; logs in {self.root}", file=out)
        print(f"config: {config.describe()}", file=out)

    def _train(self, out: TextIO) -> int:
        """The epochs, under a Ctrl-C guard and a progress bar (shown on a terminal, after 2 s)."""
        config, p = self.config, self.progress
        steps_per_epoch = len(next(iter(self.twins.values())).loader)
        self.status = "running"
        start = time.perf_counter()
        try:
            with (
                stop_on_sigint() as stop,
                tqdm(
                    total=config.epochs * steps_per_epoch,
                    initial=p.global_step,
                    unit="step",
                    desc=config.run_name,
                    delay=2,
                    disable=None,
                    leave=False,
                    file=sys.stderr,
                ) as bar,
            ):
                while p.epoch < config.epochs and not stop.requested:
                    self._run_epoch(stop, bar)
            if stop.requested and p.epoch < config.epochs:
                self.save_checkpoints()
                self.status = "interrupted"
                print(
                    f"train.py: interrupted after step {p.global_step} (epoch {p.epoch + 1}, batch "
                    f"{p.step_in_epoch}); checkpoint saved in {self.root}; continue with --resume",
                    file=out,
                )
                return EXIT_INTERRUPTED
            self.status = "completed"
            return EXIT_OK
        except NonFiniteLossError as error:
            self.status = "diverged"
            print(f"train.py: {error}", file=sys.stderr)
            return EXIT_FAILED
        finally:
            self._finish(time.perf_counter() - start)

    def _report(self, exit_code: int, out: TextIO) -> int:
        """The per-epoch table and, with both twins, the parity verdict (a float64 FAIL exits 1)."""
        p = self.progress
        if not p.epoch:
            return exit_code
        print(epoch_table(p.history, p.parity if self.paired else []), file=out)
        if self.paired:
            diffs = [row["max_weight_diff"] for row in p.parity]
            passed, sentence = parity.verdict(self.config.dtype, diffs, p.divergence)
            print(sentence, file=out)
            if passed is False and exit_code == EXIT_OK:
                return EXIT_FAILED
        return exit_code

    def _run_epoch(self, stop: _StopRequest, bar: tqdm) -> None:
        """One epoch, or its rest after a resume; returns early (checkpoint pending) on Ctrl-C."""
        p = self.progress
        iterators = {impl: twin.epoch_batches() for impl, twin in self.twins.items()}
        n_steps = len(next(iter(self.twins.values())).loader)
        for k in range(n_steps):
            batches = {impl: next(iterator) for impl, iterator in iterators.items()}
            if k < p.step_in_epoch:  # already done before the checkpoint this run resumed from
                continue
            losses = self._step(batches, k)
            p.global_step += 1
            p.step_in_epoch = k + 1
            step_parity = self._compare(losses) if self.paired else None
            for impl, board in self.boards.items():
                board.log_step(p.global_step, losses[impl], step_parity)
            bar.update(1)
            if stop.requested:
                return
        self._end_epoch(bar)

    def _step(self, batches: dict[str, Any], k: int) -> dict[str, float]:
        p = self.progress
        losses = {}
        for impl, twin in self.twins.items():
            start = time.perf_counter()
            loss, correct = twin.step(batches[impl])
            p.wall_time_s[impl] += time.perf_counter() - start
            losses[impl] = loss
            count = len(batches[impl][1])
            sums = p.sums[impl]
            sums["loss"] += loss * count
            sums["correct"] += correct
            sums["count"] += count
        bad = [
            f"the {impl} twin's loss is {loss}" for impl, loss in losses.items() if not math.isfinite(loss)
        ]
        if bad:
            kept = ", ".join(str(self.folders[i] / t.checkpoint_name) for i, t in self.twins.items())
            where = f"step {p.global_step + 1} (epoch {p.epoch + 1}, batch {k + 1})"
            checkpoint = f"({kept}, epoch {p.epoch})" if p.epoch else "(none yet: no epoch completed)"
            raise NonFiniteLossError(
                f"stopped at {where}: {' and '.join(bad)}; the last good checkpoint is kept {checkpoint}"
            )
        return losses

    def _compare(self, losses: dict[str, float]) -> dict[str, float]:
        diff = parity.max_weight_difference(self.twins["scratch"].weights(), self.twins["torch"].weights())
        step_parity = {"max_weight_diff": diff, "loss_diff": abs(losses["scratch"] - losses["torch"])}
        worst = self.progress.epoch_parity
        worst["max_loss_diff"] = max(worst.get("max_loss_diff", 0.0), step_parity["loss_diff"])
        worst["max_step_weight_diff"] = max(worst.get("max_step_weight_diff", 0.0), diff)
        divergence = self.progress.divergence
        divergence.setdefault("first_step_weight_diff", diff)
        if diff >= parity.PAIRED_TRAINING_ATOL:
            divergence.setdefault("first_step_over_tolerance", self.progress.global_step)
        return step_parity

    def _end_epoch(self, bar: tqdm) -> None:
        p = self.progress
        p.epoch += 1
        for impl, twin in self.twins.items():
            start = time.perf_counter()
            test_loss, test_accuracy = twin.evaluate()
            p.wall_time_s[impl] += time.perf_counter() - start
            sums = p.sums[impl]
            record = {
                "epoch": p.epoch,
                "step": p.global_step,
                "train_loss": sums["loss"] / max(sums["count"], 1),
                "train_accuracy": sums["correct"] / max(sums["count"], 1),
                "test_loss": test_loss,
                "test_accuracy": test_accuracy,
            }
            p.history[impl].append(record)
            twin.mark_epoch_start()  # the next epoch's order starts from the generator's state now
            gradients = twin.gradients()
            parameters = {name: value for name, value in twin.weights().items() if name in gradients}
            self.boards[impl].log_epoch(p.global_step, record, twin.lr, parameters, gradients)
            p.sums[impl] = _empty_sums()
        if self.paired:
            diff = parity.max_weight_difference(
                self.twins["scratch"].weights(), self.twins["torch"].weights()
            )
            p.parity.append({"epoch": p.epoch, "max_weight_diff": diff, **p.epoch_parity})
            p.epoch_parity = {}
            bar.set_postfix_str(f"max|Δw| {diff:.1e}")
        p.step_in_epoch = 0
        self.save_checkpoints()
        self._write_metrics()

    # ------------------------------------------------------------------ outputs
    def _move_earlier_outputs(self, out: TextIO) -> None:
        """A fresh run starts from empty folders; what an earlier run left there is moved, never deleted,
        to ``<logdir>/<experiment>.replaced-<UTC time>/<twin>`` (TensorBoard shows it as a run of its own)."""
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        for impl, folder in self.folders.items():
            earlier = [p for pattern in OUTPUT_PATTERNS for p in folder.glob(pattern) if p.is_file()]
            if not earlier:
                continue
            keep = self.root.with_name(f"{self.root.name}.replaced-{stamp}") / impl
            suffix = 1
            while keep.exists():  # two replacements within one second
                suffix += 1
                keep = self.root.with_name(f"{self.root.name}.replaced-{stamp}-{suffix}") / impl
            keep.mkdir(parents=True)
            for path in earlier:
                path.replace(keep / path.name)
            print(f"train.py: moved the earlier {impl} run's files to {keep}", file=out)

    def _finish(self, seconds: float) -> None:
        self._write_metrics(run_wall_time_s=seconds)
        for impl, board in self.boards.items():
            last = self.progress.history[impl][-1] if self.progress.history[impl] else None
            if last is not None:
                board.log_hparams(
                    self.config, {k: last[k] for k in ("test_accuracy", "test_loss", "train_loss")}
                )
            board.close()

    def _write_metrics(self, **extra: float) -> None:
        p = self.progress
        for impl, twin in self.twins.items():
            last = p.history[impl][-1] if p.history[impl] else {}
            record: dict[str, Any] = {
                "impl": impl,
                "status": self.status,
                "experiment": self.config.run_name,
                "device": str(twin.device),
                "epochs_completed": p.epoch,
                "global_step": p.global_step,
                "test_accuracy": last.get("test_accuracy"),
                "test_loss": last.get("test_loss"),
                "train_loss": last.get("train_loss"),
                "train_accuracy": last.get("train_accuracy"),
                "wall_time_s": p.wall_time_s[impl],
                **extra,
                "config": self.config.to_dict(),
                "history": p.history[impl],
            }
            if self.paired:
                epoch_diffs = [row["max_weight_diff"] for row in p.parity]
                passed, sentence = parity.verdict(self.config.dtype, epoch_diffs)
                record["parity"] = {
                    "max_weight_diff": max(epoch_diffs, default=None),
                    "max_loss_diff": max((row.get("max_loss_diff", 0.0) for row in p.parity), default=None),
                    "atol": parity.PAIRED_TRAINING_ATOL,
                    "passed": passed,
                    "verdict": sentence,
                    "per_epoch": p.parity,
                }
            write_metrics(self.folders[impl] / "metrics.json", record)

"""The paired run: both twins trained in lockstep, compared after every step, logged and checkpointed.

``prepare(config)`` checks the flags against the data and the machine, loads the data, builds the twins
and (with ``--resume``) checks and loads their checkpoints; it writes nothing and raises ``ConfigError``
(or ``DataError``) for anything the user can fix. ``PairedRun.run()`` then takes the experiment's lock,
checks that every folder can be written, and trains epoch after epoch. Every step: each twin takes its
batch (the same one), steps, and reports its loss; a loss, weight or gradient that is NaN or infinite
stops the run before anything of that step is logged, naming the step and twin; with both twins the
largest weight difference and the loss difference are logged. Every epoch: both twins are evaluated and
logged; every ``--checkpoint-every`` epochs and at the last, they are checkpointed as a pair and
``metrics.json`` is written. Ctrl-C or SIGTERM finishes the current step, saves the pair there and stops;
``--resume`` continues from it (or from the last pair, after a kill) exactly; a ``--resume`` with every
epoch already done trains nothing and writes nothing (``PairedRun.finished``). ``metrics.json`` ends
with the status ``done``, ``diverged``, ``interrupted`` or ``failed``.
"""

from __future__ import annotations

import contextlib
import functools
import math
import signal
import sys
import time
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import torch
from tqdm import tqdm

from scratch.data.datasets import DatasetSplit, SplitError
from torch_impl.data.datasets import load_dataset
from twin_nets.cli import tensorboard_command
from twin_nets.threads import limit_threads
from twin_nets.training import charlm, checkpoint, outputs, parity, preflight, resume
from twin_nets.training.board import TwinBoard, histogram_every, layer_names, log_codes
from twin_nets.training.config import ConfigError, TrainConfig
from twin_nets.training.progress import Progress, StopRequest, say, stdout_gone, stop_on_signals
from twin_nets.training.report import (
    EXIT_BROKEN_PIPE,
    EXIT_FAILED,
    EXIT_OK,
    empty_sums,
    epoch_line,
    epoch_record,
    final_report,
    metrics_record,
    report_finished,
    shown_epoch,
    start_summary,
    write_metrics,
)
from twin_nets.training.twins import Twin, build_twins, generator


class DivergedError(Exception):
    """A twin's loss, weights or gradients became NaN or infinite."""


def prepare(config: TrainConfig) -> PairedRun:
    """Data, twins and (with ``--resume``) their checked checkpoints; writes nothing.

    Raises:
        ConfigError: a flag wrong for this data or machine (see ``preflight``), an experiment folder
            outside ``--logdir``, nothing to resume, an unusable checkpoint or one made with other flags.
        DataError: MNIST files missing (the message says how to get them) or corrupt (naming the file).
    """
    device = preflight.resolve_device(config.device)
    preflight.check_threads(config.threads)
    root = outputs.experiment_root(config.logdir, config.run_name)
    try:
        if config.task == "charlm":  # C4.3-lstm: the notes' text, in chunks of --bptt characters
            data = charlm.notes_split(config.bptt)
        else:
            data = load_dataset(
                config.dataset,
                rng=generator(config.seed, "data"),
                test_size=config.test_size,
                dtype=config.dtype,
                data_dir=config.data_dir,
            )
    except SplitError as error:
        raise ConfigError(f"--test-size: {error}") from error
    config, notes = preflight.fit_default_batch(config, data)
    preflight.check_batches(config, len(data.y_train))
    preflight.check_memory(config, data)
    try:
        twins = build_twins(config, data, device)
    except ValueError as error:  # an optimizer or layer rejecting a hyper-parameter, as torch does
        raise ConfigError(" ".join(str(error).split())) from error
    run = PairedRun(config, data, twins, root)
    run.notes = notes
    if config.resume:
        run.load_checkpoints()
    return run


class PairedRun:
    """One run of one or both twins; see the module docstring."""

    def __init__(
        self, config: TrainConfig, data: DatasetSplit, twins: dict[str, Twin], root: Path | None = None
    ) -> None:
        self.config, self.data, self.twins = config, data, twins
        self.root = Path(config.logdir) / config.run_name if root is None else root
        self.folders = {impl: self.root / impl for impl in twins}
        self.progress = Progress(
            sums={impl: empty_sums() for impl in twins},
            history={impl: [] for impl in twins},
            wall_time_s=dict.fromkeys(twins, 0.0),
        )
        self.status = "not started"
        self.boards: dict[str, TwinBoard] = {}
        self.committed: tuple[int, int] | None = None  # (epoch, step) of the last pair committed
        self.out: TextIO | None = None
        self.notes: list[str] = []  # said once at the start (e.g. a batch size fitted to the data)
        self.samples: dict[str, str] = {}  # --task charlm: each twin's sample at the last epoch

    @property
    def paired(self) -> bool:
        return len(self.twins) == 2

    @property
    def finished(self) -> bool:
        """A ``--resume`` of a run that has done every epoch ``--epochs`` asks for: nothing to train."""
        return self.config.resume and self.progress.epoch >= self.config.epochs

    # ------------------------------------------------------------------ checkpoints
    def load_checkpoints(self) -> None:
        """Restore every twin and the progress from the committed pair (``--resume``), all checked first."""
        metas = resume.load_pair(self.config, self.twins, self.root)
        first = next(iter(metas.values()))
        p = self.progress
        p.epoch, p.step_in_epoch, p.global_step = first["epoch"], first["step_in_epoch"], first["global_step"]
        p.parity, p.epoch_parity = first["parity"], first["epoch_parity"]
        p.divergence = first.get("divergence", {})
        for impl, meta in metas.items():
            p.sums[impl], p.history[impl] = meta["sums"], meta["history"]
            p.wall_time_s[impl] = meta["wall_time_s"]
        self.committed = (p.epoch, p.global_step)

    def save_checkpoints(self) -> None:
        """Commit both twins' checkpoints as one pair (``checkpoint.commit_pair``)."""
        p = self.progress
        writers = {
            impl: functools.partial(twin.write_checkpoint, meta=p.meta(impl, self.config))
            for impl, twin in self.twins.items()
        }
        checkpoint.commit_pair(self.root, writers, p.global_step)
        self.committed = (p.epoch, p.global_step)

    def _kept(self) -> str:
        if self.committed is None:
            return "no checkpoint was kept (none was made yet)"
        epoch, step = self.committed
        return f"the last good checkpoint pair (epoch {epoch}, step {step}) is kept in {self.root}"

    # ------------------------------------------------------------------ the loop
    def run(self, out: TextIO | None = None) -> int:
        """Lock the experiment, check its folders, train to ``config.epochs``; print the table and the
        verdict; return the exit status. Raises OutputError (before anything else is written) when the
        experiment is locked by another run or a folder cannot be written."""
        out = sys.stdout if out is None else out
        self.out = out
        if self.finished:
            return report_finished(self, out)
        lock = outputs.ExperimentLock(self.root)
        note = lock.acquire()
        try:
            try:
                outputs.probe_folders(self.folders.values())
            except outputs.OutputError:
                lock.release(keep_folders=False)
                raise
            if note:
                print(note, file=out)
            with limit_threads(self.config.threads):
                if any(torch.device(twin.device).type == "cuda" for twin in self.twins.values()):
                    torch.backends.cuda.matmul.allow_tf32 = False  # parity: no reduced-precision matmuls
                    torch.backends.cudnn.allow_tf32 = False
                exit_code = self._train(out)
        finally:
            lock.release()
        return final_report(self, exit_code, out)

    def _open_boards(self, out: TextIO) -> None:
        config, p = self.config, self.progress
        if not config.resume:
            for line in outputs.move_earlier_outputs(self.root, self.folders):
                print(line, file=out)
        purge_step = p.global_step + 1 if config.resume else None
        accuracy = config.task != "autoencoder"  # an autoencoder logs no accuracy (TwinBoard)
        self.boards = {
            impl: TwinBoard(self.folders[impl], purge_step, layer_names(twin.model), accuracy)
            for impl, twin in self.twins.items()
        }
        summary = start_summary(self)
        for board in self.boards.values():
            board.log_config(config, summary)
        where = (
            f"train.py: logs in {self.root} ({tensorboard_command()} --logdir {config.logdir}); "
            "the full config is in metrics.json and in TensorBoard's Text tab"
        )
        for line in [*self.notes, summary, where]:
            print(line, file=out)
        if config.resume:
            print(f"train.py: resumed from epoch {p.epoch} (step {p.global_step}, batch {p.step_in_epoch} "
                  f"of the next epoch)", file=out)  # fmt: skip

    def _train(self, out: TextIO) -> int:
        """The epochs, under a signal guard and a progress bar (shown on a terminal, after 2 s)."""
        config, p = self.config, self.progress
        steps_per_epoch = len(next(iter(self.twins.values())).loader)
        self.status = "running"
        start = time.perf_counter()
        try:
            with (
                stop_on_signals() as stop,
                # the guard below reports every NaN or inf; NumPy's warnings would only precede it
                np.errstate(over="ignore", invalid="ignore", divide="ignore"),
                tqdm(
                    total=config.epochs * steps_per_epoch,
                    initial=p.global_step,
                    unit="step",
                    desc=self.root.name,
                    delay=2,
                    disable=None,
                    leave=False,
                    file=sys.stderr,
                ) as bar,
            ):
                self._open_boards(out)
                while p.epoch < config.epochs and stop.signum is None:
                    self._run_epoch(stop, bar)
            if stop.signum is not None and p.epoch < config.epochs:
                if self.committed != (p.epoch, p.global_step):
                    self.save_checkpoints()
                self.status = "interrupted"
                name = signal.Signals(stop.signum).name
                print(
                    f"train.py: interrupted ({name}) after step {p.global_step} (epoch {p.epoch + 1}, batch "
                    f"{p.step_in_epoch}); checkpoint saved in {self.root}; continue with --resume",
                    file=sys.stderr,
                )
                return 128 + stop.signum
            self.status = "done"
            return EXIT_OK
        except DivergedError as error:
            self.status = "diverged"
            print(f"train.py: {error}; {self._kept()}", file=sys.stderr)
            return EXIT_FAILED
        except KeyboardInterrupt:
            self.status = "interrupted"
            print(f"train.py: stopped at once by a second signal after step {p.global_step}; {self._kept()}",
                  file=sys.stderr)  # fmt: skip
            return 128 + signal.SIGINT
        except BrokenPipeError:  # stdout's reader went away (`train.py | head`): a stop, as SIGPIPE is
            stdout_gone()
            if p.global_step and self.committed != (p.epoch, p.global_step):
                self.save_checkpoints()
            self.status = "interrupted"
            say(f"train.py: stdout was closed (broken pipe) after step {p.global_step}; {self._kept()}")
            return EXIT_BROKEN_PIPE
        except OSError as error:  # a disk that fills, a folder removed under the run
            self.status = "failed"
            where = f": {error.filename}" if error.filename else ""
            print(f"train.py: stopped after step {p.global_step}, cannot write{where} "
                  f"({error.strerror or error}); {self._kept()}", file=sys.stderr)  # fmt: skip
            return EXIT_FAILED
        except BaseException:
            self.status = "failed"
            raise
        finally:
            self._finish(time.perf_counter() - start)

    def _run_epoch(self, stop: StopRequest, bar: tqdm) -> None:
        """One epoch, or its rest after a resume; returns early (checkpoint pending) on a stop signal."""
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
            if stop.signum is not None and k + 1 < n_steps:  # after the last batch the epoch ends first
                return
        self._end_epoch(bar)

    def _where(self, k: int) -> str:
        p = self.progress
        return f"step {p.global_step + 1} (epoch {p.epoch + 1}, batch {k + 1})"

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
        for impl, twin in self.twins.items():
            if not bad and (what := twin.first_non_finite()) is not None:
                bad.append(
                    f"the {impl} twin's {what} holds NaN or inf (its loss {losses[impl]:.4g} is finite)"
                )
        if bad:
            raise DivergedError(f"diverged at {self._where(k)}: {' and '.join(bad)}")
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
        records = {}
        for impl, twin in self.twins.items():
            start = time.perf_counter()
            test_loss, test_accuracy = twin.evaluate()
            p.wall_time_s[impl] += time.perf_counter() - start
            if not math.isfinite(test_loss):
                raise DivergedError(
                    f"diverged in epoch {p.epoch + 1}: the {impl} twin's test loss is {test_loss}"
                )
            records[impl] = epoch_record(p, impl, test_loss, test_accuracy, self.config.task)
        p.epoch += 1
        for impl, twin in self.twins.items():
            p.history[impl].append(records[impl])
            twin.mark_epoch_start()  # the next epoch's order starts from the generator's state now
            gradients = twin.gradients()
            parameters = {name: value for name, value in twin.weights().items() if name in gradients}
            self.boards[impl].log_epoch(
                p.global_step, records[impl], twin.lr, parameters, gradients, self._histograms_now()
            )
            p.sums[impl] = empty_sums()
        if self.paired:
            diff = parity.max_weight_difference(
                self.twins["scratch"].weights(), self.twins["torch"].weights()
            )
            p.parity.append({"epoch": p.epoch, "max_weight_diff": diff, **p.epoch_parity})
            p.epoch_parity = {}
            bar.set_postfix_str(f"max|Δw| {diff:.1e}")
        p.step_in_epoch = 0
        if self.config.task == "autoencoder" and p.epoch == self.config.epochs:
            log_codes(self.boards, self.twins, self.data, p.global_step)
        if p.epoch % self.config.checkpoint_interval == 0 or p.epoch == self.config.epochs:
            self.save_checkpoints()
            self._write_metrics()
        if shown_epoch(p.epoch, self.config.epochs):  # a long run: every k-th, the bar shows the rest
            print(epoch_line(self), file=sys.stdout if self.out is None else self.out, flush=True)
        if self.config.task == "charlm" and p.epoch == self.config.epochs:  # C4.3-lstm: same draws
            self.samples = charlm.print_samples(self.twins, self.config.seed, self.out or sys.stdout)

    def _histograms_now(self) -> bool:
        every, epoch = histogram_every(self.config), self.progress.epoch
        return every > 0 and (epoch % every == 0 or epoch == self.config.epochs)

    # ------------------------------------------------------------------ outputs
    def _finish(self, seconds: float) -> None:
        """The final metrics and hparams, and the boards closed; a write that fails now (a full disk) is
        already reported by the caller, so it is not raised again."""
        with contextlib.suppress(OSError):
            self._write_metrics(run_wall_time_s=seconds)
        for impl, board in self.boards.items():
            last = self.progress.history[impl][-1] if self.progress.history[impl] else None
            with contextlib.suppress(OSError):
                if last is not None:
                    board.log_hparams(
                        self.config, {k: last[k] for k in ("test_accuracy", "test_loss", "train_loss")}
                    )
                board.close()

    def _write_metrics(self, **extra: float) -> None:
        for impl, twin in self.twins.items():
            record = metrics_record(self, impl, twin, extra)
            write_metrics(self.folders[impl] / "metrics.json", record)

"""Where a paired run stands (``Progress``, saved in every checkpoint) and the stop signals it obeys."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from twin_nets.training.config import TrainConfig

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


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


def stdout_gone() -> None:
    """After a ``BrokenPipeError`` on stdout (its reader went away: ``train.py | head``), point stdout at
    the null device so the rest of the run's prints, and Python's flush at exit, do not raise again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def say(line: str) -> None:
    """``line`` on stderr, unless stderr is gone too (``2>&1 | head``)."""
    with contextlib.suppress(OSError):
        print(line, file=sys.stderr, flush=True)


class StopRequest:
    signum: int | None = None


@contextlib.contextmanager
def stop_on_signals() -> Iterator[StopRequest]:
    """Turn the first Ctrl-C or SIGTERM into a request the loop checks between steps; a second one stops
    at once (``KeyboardInterrupt``)."""
    stop = StopRequest()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def handler(signum: int, frame: Any) -> None:
        if stop.signum is not None:
            raise KeyboardInterrupt
        stop.signum = signum

    previous = {signum: signal.signal(signum, handler) for signum in STOP_SIGNALS}
    try:
        yield stop
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)

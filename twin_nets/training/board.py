"""TensorBoard for one twin: ``<logdir>/<experiment>/<twin>``, the same tags in both folders, so
TensorBoard overlays the twins.

Tags: ``train/loss`` (every step), ``train/accuracy``, ``test/loss``, ``test/accuracy`` and ``lr`` (every
epoch), ``weights/<param>`` and ``gradients/<param>`` histograms and ``grad_norm/<param>`` (every epoch),
``parity/max_weight_diff`` and ``parity/loss_diff`` (every step, when both twins run), the config as
text (``config``) and as hparams. The x axis is the global step (iterations done) throughout.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from torch.utils.tensorboard import SummaryWriter

from twin_nets.training.config import TrainConfig

EPOCH_TAGS = {
    "train/accuracy": "train_accuracy",
    "test/loss": "test_loss",
    "test/accuracy": "test_accuracy",
}


# TensorBoard's own buckets (add_histogram's default, "tensorflow") reach ±1e20; beyond, every value falls
# outside them and add_histogram raises "The histogram is empty". Finite values that large (a run that is
# diverging, its loss still finite) get evenly spaced buckets over their range instead.
_TENSORFLOW_BUCKETS_LIMIT = 1e20


def _bins(values: np.ndarray) -> str | int:
    return "tensorflow" if float(np.max(np.abs(values), initial=0.0)) < _TENSORFLOW_BUCKETS_LIMIT else 64


class TwinBoard:
    """A ``SummaryWriter`` for one twin's folder.

    Args:
        folder: ``<logdir>/<experiment>/<twin>``.
        purge_step: on ``--resume``, the first step to be written again: TensorBoard drops the earlier
            run's events from there on, so an interrupted run's tail does not show twice.
    """

    def __init__(self, folder: Path, purge_step: int | None = None) -> None:
        self.writer = SummaryWriter(log_dir=str(folder), purge_step=purge_step)

    def log_config(self, config: TrainConfig) -> None:
        rows = "\n".join(f"| {key} | {value} |" for key, value in config.to_dict().items())
        self.writer.add_text("config", f"| flag | value |\n| --- | --- |\n{rows}", 0)

    def log_step(self, step: int, loss: float, parity: dict[str, float] | None = None) -> None:
        self.writer.add_scalar("train/loss", loss, step)
        if parity is not None:
            self.writer.add_scalar("parity/max_weight_diff", parity["max_weight_diff"], step)
            self.writer.add_scalar("parity/loss_diff", parity["loss_diff"], step)

    def log_epoch(
        self,
        step: int,
        record: dict[str, Any],
        lr: float,
        parameters: dict[str, np.ndarray],
        gradients: dict[str, np.ndarray],
    ) -> None:
        for tag, key in EPOCH_TAGS.items():
            self.writer.add_scalar(tag, record[key], step)
        self.writer.add_scalar("lr", lr, step)
        for name, value in parameters.items():
            self.writer.add_histogram(f"weights/{name}", value, step, bins=_bins(value))
        for name, value in gradients.items():
            self.writer.add_histogram(f"gradients/{name}", value, step, bins=_bins(value))
            self.writer.add_scalar(f"grad_norm/{name}", float(np.linalg.norm(value)), step)

    def log_hparams(self, config: TrainConfig, metrics: dict[str, float]) -> None:
        """The flags as hparams beside the final metrics (in this folder, not a timestamped subfolder)."""
        hparams = {
            key: "default" if value is None else str(value) if isinstance(value, list) else value
            for key, value in config.to_dict().items()
        }
        self.writer.add_hparams(hparams, {f"hparam/{k}": v for k, v in metrics.items()}, run_name=".")

    def close(self) -> None:
        self.writer.close()

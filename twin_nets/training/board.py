"""TensorBoard for one twin: ``<logdir>/<experiment>/<twin>``, the same tags in both folders, so
TensorBoard overlays the twins (one run per twin: the run selector names ``…/scratch`` and ``…/torch``).

The two twins' curves lie exactly on top of each other (that is the point), so a learner sees one line;
the proof that both are there and agree is the ``parity`` group. Scalars, whose groups TensorBoard shows in
alphabetical order, so ``parity``, ``test`` and ``train`` come first:

* ``parity/max_weight_diff`` and ``parity/loss_diff``: every step, when both twins run;
* ``test/loss``, ``test/accuracy``: every epoch;
* ``train/loss`` (every step), ``train/accuracy`` and ``train/lr`` (every epoch);
* ``weights/grad_norm/<layer>``: each parameter's gradient norm, every epoch.

``--task autoencoder`` adds the test inputs' codes to the Projector tab at the last epoch (tag
``C1.1-autoencoder``, digit thumbnails as sprites); its accuracy scalars are 0 (a reconstruction has
none).

Histograms ``weights/<layer>`` and ``gradients/<layer>`` every ``--histogram-every`` epochs (by default
at most ``MAX_HISTOGRAM_LOGS`` per run, with at most ``HISTOGRAM_BUCKETS`` buckets each: a long run's log
stays small). ``<layer>`` names the layer by its kind and rank, ``linear1.weight``, ``batchnorm1.bias``,
``linear2.weight``, so the second Linear is ``linear2`` whatever ``--norm`` and ``--dropout`` insert
before it. The Text tab holds the full config; the HParams tab the flags and the final test metrics
(which are the ``test/*`` and ``train/loss`` scalars, not copies). The x axis is the global step.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch.utils.tensorboard import SummaryWriter
from torch.utils.tensorboard.summary import hparams

from twin_nets.training.config import TrainConfig

EPOCH_TAGS = {
    "train/accuracy": "train_accuracy",
    "test/loss": "test_loss",
    "test/accuracy": "test_accuracy",
}
HPARAM_METRICS = {"test/accuracy": "test_accuracy", "test/loss": "test_loss", "train/loss": "train_loss"}
MAX_HISTOGRAM_LOGS = 100
HISTOGRAM_BUCKETS = 64
# TensorBoard's own buckets (add_histogram's default, "tensorflow") reach ±1e20; beyond, every value falls
# outside them and add_histogram raises "The histogram is empty". Finite values that large (a run that is
# diverging, its loss still finite) get evenly spaced buckets over their range instead.
_TENSORFLOW_BUCKETS_LIMIT = 1e20


def _bins(values: np.ndarray) -> str | int:
    large = float(np.max(np.abs(values), initial=0.0)) >= _TENSORFLOW_BUCKETS_LIMIT
    return HISTOGRAM_BUCKETS if large else "tensorflow"


def histogram_every(config: TrainConfig) -> int:
    """Epochs between histograms: ``--histogram-every``, or by default ⌈epochs / MAX_HISTOGRAM_LOGS⌉;
    0 means never."""
    if config.histogram_every is not None:
        return config.histogram_every
    return max(1, math.ceil(config.epochs / MAX_HISTOGRAM_LOGS))


def layer_names(model: Any) -> dict[str, str]:
    """Each child of a ``Sequential`` by its kind and rank among its kind: ``{"0": "linear1", "1":
    "batchnorm1", "3": "linear2"}`` (state-dict prefixes to stable names; the same in both twins, whose
    classes carry torch's names)."""
    counts: dict[str, int] = {}
    names = {}
    for index, child in model.named_children():
        if type(child).__name__ == "Sequential":  # an autoencoder's encoder and decoder keep their names
            names[index] = index
            continue
        kind = type(child).__name__.lower().removesuffix("1d")
        counts[kind] = counts.get(kind, 0) + 1
        names[index] = f"{kind}{counts[kind]}"
    return names


def layer_tag(key: str, names: Mapping[str, str]) -> str:
    """``"3.weight"`` -> ``"linear2.weight"``; a key without a known prefix is kept."""
    prefix, _, rest = key.partition(".")
    return f"{names[prefix]}.{rest}" if prefix in names and rest else key


class TwinBoard:
    """A ``SummaryWriter`` for one twin's folder.

    Args:
        folder: ``<logdir>/<experiment>/<twin>``.
        purge_step: on ``--resume``, the first step to be written again: TensorBoard drops the earlier
            run's events from there on, so an interrupted run's tail does not show twice.
        names: state-dict prefixes to layer names (``layer_names(model)``).
        accuracy: whether the task has an accuracy; an autoencoder's (always 0) is not logged, so that its
            runs add no flat line at 0 to the ``accuracy`` charts of the classifiers beside them.
    """

    def __init__(
        self,
        folder: Path,
        purge_step: int | None = None,
        names: Mapping[str, str] | None = None,
        accuracy: bool = True,
    ):
        self.writer = SummaryWriter(log_dir=str(folder), purge_step=purge_step)
        self.names = dict(names or {})
        self.accuracy = accuracy

    def _tags(self, tags: Mapping[str, str]) -> dict[str, str]:
        return {tag: key for tag, key in tags.items() if self.accuracy or not tag.endswith("/accuracy")}

    def log_config(self, config: TrainConfig, summary: str = "") -> None:
        rows = "\n".join(f"| {key} | {value} |" for key, value in config.to_dict().items())
        note = (
            "Both twins log the same tags; their curves lie on top of each other, so one line shows. "
            "The proof that both ran and agree is the **parity** group (largest weight difference)."
        )
        self.writer.add_text("config", f"{summary}\n\n{note}\n\n| flag | value |\n| --- | --- |\n{rows}", 0)

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
        histograms: bool = True,
    ) -> None:
        for tag, key in self._tags(EPOCH_TAGS).items():
            self.writer.add_scalar(tag, record[key], step)
        if "test_perplexity" in record:  # --task charlm (C4.3-lstm)
            self.writer.add_scalar("test/perplexity", record["test_perplexity"], step)
        self.writer.add_scalar("train/lr", lr, step)
        for key, value in gradients.items():
            self.writer.add_scalar(
                f"weights/grad_norm/{layer_tag(key, self.names)}", float(np.linalg.norm(value)), step
            )
        if not histograms:
            return
        for kind, arrays in (("weights", parameters), ("gradients", gradients)):
            for key, value in arrays.items():
                tag = f"{kind}/{layer_tag(key, self.names)}"
                self.writer.add_histogram(tag, value, step, bins=_bins(value), max_bins=HISTOGRAM_BUCKETS)

    def log_hparams(self, config: TrainConfig, metrics: dict[str, float]) -> None:
        """The flags and the final metrics in the HParams tab only: the metrics point at the ``test/*`` and
        ``train/loss`` scalars already logged (no ``hparam/*`` copies), in this run's own events file."""
        values = {
            key: "default" if value is None else str(value) if isinstance(value, (list, tuple)) else value
            for key, value in config.to_dict().items()
        }
        tags = self._tags(HPARAM_METRICS)
        finite = {tag: metrics[key] for tag, key in tags.items() if math.isfinite(metrics[key])}
        experiment, session_start, session_end = hparams(values, finite)
        writer = self.writer.file_writer
        for summary in (experiment, session_start, session_end):
            writer.add_summary(summary)

    def log_embedding(
        self, step: int, codes: np.ndarray, labels: np.ndarray, images: np.ndarray | None
    ) -> None:
        """``--task autoencoder`` (C1.1-autoencoder): the test inputs' codes in TensorBoard's embedding
        projector (the Projector tab), each point labelled with its class and, for image data, drawn as
        its thumbnail (``images`` (N, 1, H, W) in [0, 1], the sprite)."""
        label_img = (
            None if images is None else torch.from_numpy(np.ascontiguousarray(images, dtype=np.float32))
        )
        self.writer.add_embedding(
            codes, metadata=[str(int(label)) for label in labels], label_img=label_img, global_step=step,
            tag="C1.1-autoencoder",
        )  # fmt: skip

    def close(self) -> None:
        self.writer.close()


def log_codes(boards: dict[str, TwinBoard], twins: dict[str, Any], data: Any, step: int) -> None:
    """C1.1-autoencoder: each twin's codes of the test inputs to its Projector tab, labelled by class;
    square images of at least 8×8 pixels (the digits, MNIST) drawn as thumbnails."""
    x, y = data.x_test, data.y_test
    side = math.isqrt(x.shape[1])
    images = x.reshape(-1, 1, side, side).clip(0, 1) if side * side == x.shape[1] and side >= 8 else None
    for impl, twin in twins.items():
        boards[impl].log_embedding(step, twin.codes(), y, images)

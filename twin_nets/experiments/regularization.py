"""C4.2-dropout, C4.3-batchnorm, C4.3-layernorm: short training runs of both twins that record curves,
for the demos of seed §4.2–4.3 (``twin_nets.figures.overfitting``, ``.normalizing``) and their tests.

Glue only. ``train_twins`` builds the twins with the main job's machinery
(``twin_nets.training.twins.build_twins``: one initial draw loaded into both twins, the same batch order,
the same dropout masks), steps each twin with its own ``train_step`` for ``config.epochs`` epochs and
evaluates it (inference mode: dropout off, batch norm on its running statistics) on the training and the
test set before training and after every epoch. The math is in ``scratch`` and ``torch_impl``.

The three demos, each with a documented setting (a frozen dataclass); the claims are asserted in
``parity_tests/experiments/test_regularization.py``:

* ``dropout_vs_overfitting`` (C4.2-dropout): 100 noisy two-moons samples and a wide, deep ReLU MLP,
  trained with and without dropout; dropout shrinks the train–test accuracy gap. (On 300 digits, the
  setting first tried, it did not: the digits are nearly noise-free, both networks reach 100 % training
  accuracy, and the gap after 40 epochs was 0.047 without dropout, 0.053 with p = 0.5.)
* ``batchnorm_vs_init_scale`` (C4.3-batchnorm): 1000 digits at batch size 100 (the seed's example:
  10 iterations per epoch), every weight drawn from N(0, σ²) for several σ, with and without batch norm;
  without it a small σ stalls at chance and a large σ blows up, with it every σ trains.
* batch norm against layer norm by batch size, at equal updates over seeds (C4.3-layernorm): in
  ``batch_size``.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import torch

from scratch.data.datasets import DatasetSplit, load_dataset, train_test_split
from scratch.data.loader import num_batches
from scratch.models.mlp import build_mlp
from scratch.nn import Linear
from scratch.nn import init as scratch_init
from twin_nets.cli import TWINS, twins_of
from twin_nets.kit import kit
from twin_nets.threads import one_thread
from twin_nets.training.config import TrainConfig
from twin_nets.training.twins import Twin, build_twins, generator, mlp_spec


# ------------------------------------------------------------------------------------------ the curves
@dataclass(frozen=True)
class TrainingCurves:
    """One twin's run.

    Per epoch (index 0 before training, then after each epoch), in inference mode on the whole set:
    ``train_loss``, ``train_accuracy``, ``test_loss``, ``test_accuracy``, each (epochs + 1,).
    Per iteration: ``batch_loss`` (epochs · iterations_per_epoch,), the training-mode loss of the batch
    the step was taken on. ``iterations_per_epoch`` is ``len()`` of the twin's own loader: ⌈N / B⌉.
    """

    iterations_per_epoch: int
    batch_loss: np.ndarray
    train_loss: np.ndarray
    train_accuracy: np.ndarray
    test_loss: np.ndarray
    test_accuracy: np.ndarray

    CURVES: ClassVar[tuple[str, ...]] = (
        "batch_loss",
        "train_loss",
        "train_accuracy",
        "test_loss",
        "test_accuracy",
    )

    def gap(self, last: int = 1) -> float:
        """Train accuracy − test accuracy, averaged over the last ``last`` epochs: how much it over-fits."""
        return float(np.mean(self.train_accuracy[-last:] - self.test_accuracy[-last:]))


@dataclass(frozen=True)
class TrainedTwin:
    """A twin after ``train_twins``: the trained twin (model, optimizer, loaders) and its curves."""

    twin: Twin
    curves: TrainingCurves

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """Class probabilities softmax(model(x)) (N, classes) in inference mode, as NumPy."""
        model, k = self.twin.model, kit(self.twin.impl, self.twin.device)
        was_training = model.training
        model.eval()
        try:
            with k.inference():
                return k.numpy(k.nn.Softmax(dim=1)(model(k.array(x))))
        finally:
            model.train(was_training)


def with_training_subset(data: DatasetSplit, n_train: int) -> DatasetSplit:
    """``data`` with only its first ``n_train`` training samples (the split is already shuffled and
    stratified); the test set is unchanged."""
    if isinstance(n_train, bool) or not isinstance(n_train, int) or not 1 <= n_train <= len(data.x_train):
        raise ValueError(
            f"with_training_subset: expected n_train to be an integer in [1, {len(data.x_train)}], "
            f"got {n_train!r}"
        )
    return dataclasses.replace(data, x_train=data.x_train[:n_train], y_train=data.y_train[:n_train])


def normal_initial_state(config: TrainConfig, data: DatasetSplit, std: float) -> dict[str, np.ndarray]:
    """C4.1-init-normal at any scale: the state dict of ``config``'s MLP with every Linear weight drawn
    from N(0, std²) (``scratch.nn.init.normal_`` on the run's "init" stream) and every Linear bias 0."""
    if isinstance(std, bool) or not isinstance(std, (int, float)) or not 0 < std < np.inf:
        raise ValueError(f"normal_initial_state: expected std to be a number > 0, got {std!r}")
    rng = generator(config.seed, "init")
    model = build_mlp(mlp_spec(config, data), rng, dtype=np.dtype(config.dtype))
    for layer in model:
        if isinstance(layer, Linear):
            scratch_init.normal_(layer.weight.data, 0.0, std, rng=rng)
            if layer.bias is not None:  # none before batch norm (MLPSpec.linear_bias)
                scratch_init.zeros_(layer.bias.data)
    return model.state_dict()


def _record(twin: Twin, data: DatasetSplit, epochs: int) -> TrainingCurves:
    """Train ``twin`` for ``epochs`` epochs; a run whose loss stops being finite stops there, and the
    rest of its curves is NaN."""
    batch_loss: list[float] = []
    per_epoch: list[tuple[float, ...]] = []
    with np.errstate(over="ignore", invalid="ignore"):  # a diverging run is data here, not an error
        for epoch in range(epochs + 1):
            if epoch > 0:
                for batch in twin.epoch_batches():
                    batch_loss.append(twin.step(batch)[0])
            per_epoch.append((*twin.evaluate(data.x_train, data.y_train), *twin.evaluate()))
            if not np.all(np.isfinite(per_epoch[-1])) or not np.all(np.isfinite(batch_loss)):
                break
    iterations = len(twin.loader)
    columns = np.full((epochs + 1, 4), np.nan)
    columns[: len(per_epoch)] = per_epoch
    losses = np.full(epochs * iterations, np.nan)
    losses[: len(batch_loss)] = batch_loss
    return TrainingCurves(iterations, losses, *columns.T)


def train_twins(
    config: TrainConfig, data: DatasetSplit, init_std: float | None = None
) -> dict[str, TrainedTwin]:
    """Train the twins ``config.impl`` names (on the CPU) for ``config.epochs`` epochs.

    Args:
        config: the run, as ``scripts/train.py``'s flags describe it (``dataset`` is only a label here).
        data: the training and test sets.
        init_std: when given, every Linear weight starts from N(0, init_std²) and every bias at 0
            (``normal_initial_state``), in both twins; otherwise ``config.init``.
    """
    twins = build_twins(config, data, torch.device("cpu"))
    if init_std is not None:
        state = normal_initial_state(config, data, init_std)
        for twin in twins.values():
            kit(twin.impl).load(twin.model, state)
    with one_thread():
        return {impl: TrainedTwin(twin, _record(twin, data, config.epochs)) for impl, twin in twins.items()}


def train_curves(
    config: TrainConfig, data: DatasetSplit, init_std: float | None = None
) -> dict[str, TrainingCurves]:
    """``train_twins``, keeping only the curves."""
    return {impl: run.curves for impl, run in train_twins(config, data, init_std).items()}


def curve_difference(a: TrainingCurves, b: TrainingCurves) -> float:
    """How far apart two runs' curves are: the largest |a − b| / max(1, |b|) over every point of every
    curve (absolute for values up to 1, relative above: a diverging run's losses reach 1e160); a point
    NaN in both counts 0, NaN in one only ∞."""
    largest = 0.0
    for name in TrainingCurves.CURVES:
        x, y = getattr(a, name), getattr(b, name)
        with np.errstate(invalid="ignore", over="ignore"):
            difference = np.abs(x - y) / np.maximum(1.0, np.abs(y))
        difference = np.where(np.isnan(x) & np.isnan(y), 0.0, difference)
        difference = np.where(np.isnan(x) ^ np.isnan(y), np.inf, difference)
        largest = max(largest, float(np.max(difference, initial=0.0)))
    return largest


def max_twin_difference(curves: dict[str, TrainingCurves]) -> float:
    """``curve_difference`` of the scratch and the torch twin's curves (0 with one twin)."""
    if set(curves) != set(TWINS):
        return 0.0
    return curve_difference(curves["scratch"], curves["torch"])


def nudged_difference(config: TrainConfig, data: DatasetSplit, nudge: float = 1e-15) -> float:
    """How sensitive a run is to round-off: train the scratch twin twice, the second time with every
    initial parameter multiplied by (1 + nudge), and return ``curve_difference`` of the two runs. Where
    this is large, no two implementations with different rounding (the twins) can follow one path."""
    config = dataclasses.replace(config, impl="scratch")
    runs = []
    for factor in (1.0, 1.0 + nudge):
        twin = build_twins(config, data, torch.device("cpu"))["scratch"]
        for parameter in twin.model.parameters():
            parameter.data *= factor
        with one_thread():
            runs.append(_record(twin, data, config.epochs))
    return curve_difference(*runs)


def _config(impl: str, dataset: str, setting: Any, **fields: Any) -> TrainConfig:
    """The run of a demo: ``setting``'s hidden widths, lr, epochs, batch size and seed, and ``fields``."""
    twins_of(impl, "impl")
    shared = {name: getattr(setting, name) for name in ("hidden", "lr", "epochs", "batch_size", "seed")}
    return TrainConfig(impl=impl, dataset=dataset, **shared, **fields)


# --------------------------------------------------------------------------------------- C4.2-dropout
@dataclass(frozen=True)
class DropoutSetting:
    """C4.2-dropout: over-fitting a small, noisy training set, with and without dropout.

    Two moons with noise 0.35 (scikit-learn's ``make_moons``): the classes overlap, so a network that
    classifies every training point right has learned the noise. 2000 samples split in half; the first
    ``n_train`` of the training half are kept, all 1000 test samples too.

    Args:
        n_train: training samples (default 100).
        noise: the moons' noise (default 0.35).
        hidden: hidden widths, wide and deep for 2 inputs (default (128, 128, 128)), ReLU, He init.
        p: the drop probability of the run with dropout (default 0.5).
        epochs: default 100.
        batch_size: default 20 (5 iterations per epoch).
        lr: Adam's learning rate (default 0.01).
        last: the gap is averaged over this many final epochs (default 10).
        seed: data, initial weights, batch order and masks (default 0).

    Measured on seeds 0–4 (scratch twin): gap without dropout 0.052, 0.115, 0.149, 0.139, 0.108; with
    it 0.003, −0.001, 0.108, 0.091, 0.003; test accuracy about the same (0.853 vs 0.855 on average):
    dropout stops the network from fitting the noise.
    """

    n_train: int = 100
    noise: float = 0.35
    hidden: tuple[int, ...] = (128, 128, 128)
    p: float = 0.5
    epochs: int = 100
    batch_size: int = 20
    lr: float = 0.01
    last: int = 10
    seed: int = 0


def noisy_moons(n_train: int, noise: float, seed: int) -> DatasetSplit:
    """Two moons (``sklearn.datasets.make_moons``, 2000 samples) split 50/50 by the run's "data" stream,
    ``n_train`` training samples kept."""
    from sklearn.datasets import make_moons

    rng = generator(seed, "data")
    x, y = make_moons(2000, noise=noise, random_state=int(rng.integers(2**31 - 1)))
    x_train, y_train, x_test, y_test = train_test_split(x, y.astype(np.int64), 0.5, rng=rng)
    return with_training_subset(DatasetSplit("moons", x_train, y_train, x_test, y_test, 2), n_train)


def dropout_vs_overfitting(
    setting: DropoutSetting = DropoutSetting(), impl: str = "both"
) -> tuple[DatasetSplit, dict[float, dict[str, TrainedTwin]]]:
    """The data and ``{0.0: trained twins without dropout, p: with it}``: the same initial weights and
    batch order; with both twins, the same masks."""
    data = noisy_moons(setting.n_train, setting.noise, setting.seed)
    runs = {}
    for p in (0.0, setting.p):
        config = _config(impl, "moons", setting, init="he", dropout=p, optimizer="adam")
        runs[p] = train_twins(config, data)
    return data, runs


# ------------------------------------------------------------------------------------- C4.3-batchnorm
def digits(n_train: int, seed: int) -> DatasetSplit:
    """scikit-learn's digits split 60/40 by the run's "data" stream (1078 training, 719 test samples),
    ``n_train`` training samples kept."""
    data = load_dataset("digits", rng=generator(seed, "data"), test_size=0.4)
    return with_training_subset(data, n_train)


@dataclass(frozen=True)
class BatchNormSetting:
    """C4.3-batchnorm: training from N(0, σ²) weights (biases 0), with and without batch norm.

    Args:
        n_train: digits training samples (default 1000, the seed's example: batch 100 → 10 iterations).
        batch_size: default 100.
        hidden: default (100, 100, 100, 100), ReLU, batch norm before each activation when on.
        init_stds: the σ of every Linear weight (default 0.01, 0.1, 0.5).
        epochs: default 10.
        lr: plain SGD's learning rate (default 0.1).
        seed: default 0.

    Measured (final training loss, both twins alike): σ = 0.01: 2.302 without batch norm (chance is
    ln 10 = 2.303), 0.014 with; σ = 0.1: 0.704 / 0.033; σ = 0.5: the batch loss peaks at 2e163, then
    2.303 / 0.112.
    """

    n_train: int = 1000
    batch_size: int = 100
    hidden: tuple[int, ...] = (100, 100, 100, 100)
    init_stds: tuple[float, ...] = (0.01, 0.1, 0.5)
    epochs: int = 10
    lr: float = 0.1
    seed: int = 0


def batchnorm_vs_init_scale(
    setting: BatchNormSetting = BatchNormSetting(), impl: str = "both"
) -> dict[tuple[float, str | None], dict[str, TrainingCurves]]:
    """``{(σ, norm): curves per twin}`` for every σ of the setting and norm ∈ (None, "batch")."""
    data = digits(setting.n_train, setting.seed)
    runs = {}
    for std, norm in itertools.product(setting.init_stds, (None, "batch")):
        config = _config(impl, "digits", setting, norm=norm, optimizer="sgd")
        runs[std, norm] = train_curves(config, data, init_std=std)
    return runs


# ------------------------------------------------------------------------------ the seed's arithmetic
SEED_EXAMPLE = (1000, 100)  # seed §4.3: 1000 samples, batch size 100 → 10 iterations per epoch


def iterations_table(n_samples: int, batch_sizes: Iterable[int]) -> list[tuple[int, int, int]]:
    """C4.3-batchnorm: rows (N, batch size B, iterations per epoch ⌈N / B⌉)."""
    return [(n_samples, b, num_batches(n_samples, b, drop_last=False)) for b in batch_sizes]

"""C1.1-autoencoder, C1.1-anomaly, C1.1-pca: the unsupervised experiments of seed §1.1 and §1.3 on
scikit-learn's digits, in both twins, trained by the main job's own machinery.

Glue only: every autoencoder here is a ``scripts/train.py --task autoencoder`` run (``TrainConfig``,
``build_twins``, ``PairedRun``: the same batches in both twins, per-step parity, TensorBoard with the
codes in the Projector tab, checkpoints), started in-process; the math is in ``scratch`` and
``torch_impl``; scikit-learn is the reference. The documented settings and what they show:

* ``LINEAR`` — a linear autoencoder 64-2-64, full batch, Adam: its decoder's columns span PCA's first two
  directions (``linear_vs_pca``). The bound on the angle comes from the losses, not from a guess:
  the reconstructions lie in an affine plane with directions U = span(W₂'s columns), so
  D·MSE_AE ≥ tr C − tr(P_U C) (C the biased covariance of the training inputs), PCA reaches
  D·MSE_PCA = tr C − (λ₁ + λ₂), and tr(P_{PCA} C) − tr(P_U C) ≥ (λ₂ − λ₃)‖sin Θ‖²_F; so every principal
  angle θ obeys sin θ ≤ √(D (MSE_AE − MSE_PCA) / (λ₂ − λ₃)).
* ``NONLINEAR`` — 64-32-2-32-64 with tanh: its 2-D code separates the digits better than PCA's two
  components, by 5-nearest-neighbour accuracy (codes of the training split fitted, of the test split
  scored) and by the silhouette of the test codes under the true labels (``separation``).
* ``anomaly`` (C1.1-anomaly): ``NONLINEAR`` trained on the digits 0–4 only; the reconstruction error of
  the test split flags 5–9, by ROC AUC (by hand in both twins, and scikit-learn's).
"""

from __future__ import annotations

import dataclasses
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from sklearn.metrics import roc_auc_score, silhouette_score
from sklearn.neighbors import KNeighborsClassifier

from scratch.data.datasets import DatasetSplit
from scratch.models.pca import pca, principal_angles
from torch_impl.data.datasets import load_dataset
from twin_nets.kit import kit
from twin_nets.training.config import TrainConfig
from twin_nets.training.runner import PairedRun, prepare
from twin_nets.training.twins import Twin, build_twins, generator

# the documented settings (the flags of scripts/train.py); --logdir and --seed are set per run
LINEAR = TrainConfig(
    task="autoencoder", dataset="digits", hidden=(), code=2, activation="relu", init="default",
    optimizer="adam", lr=0.03, epochs=1000, batch_size=1437, device="cpu", histogram_every=0,
)  # fmt: skip
NONLINEAR = TrainConfig(
    task="autoencoder", dataset="digits", hidden=(32,), code=2, activation="tanh", init="default",
    optimizer="adam", lr=0.01, epochs=50, batch_size=64, device="cpu", histogram_every=0,
)  # fmt: skip
NEIGHBOURS = 5
NORMAL_DIGITS = (0, 1, 2, 3, 4)  # the anomaly detector's training digits; 5-9 are the anomalies


class RunFailedError(RuntimeError):
    """A paired run that did not end with status 0 (diverged, or float64 parity failed)."""


def train(config: TrainConfig, data: DatasetSplit | None = None) -> PairedRun:
    """One paired run of ``config`` (on ``data`` when given, e.g. a subset of the digits; else on the data
    the flags name), its console output discarded; raises ``RunFailedError`` unless it ended with status 0."""
    if data is None:
        run = prepare(config)
    else:
        run = PairedRun(config, data, build_twins(config, data, torch.device(config.device)))
    out = io.StringIO()
    if (status := run.run(out)) != 0:
        raise RunFailedError(f"{config.run_name}: exit status {status}\n{out.getvalue()[-2000:]}")
    return run


def with_run(
    config: TrainConfig, seed: int, logdir: str | Path, experiment: str | None = None, impl: str = "both"
) -> TrainConfig:
    """``config`` for one run: its seed, where it logs, its experiment folder and twins."""
    return dataclasses.replace(config, seed=seed, logdir=str(logdir), experiment=experiment, impl=impl)


# ------------------------------------------------------------------------- linear autoencoder = PCA
@dataclass(frozen=True)
class LinearVsPCA:
    """What ``linear_vs_pca`` measured (angles in degrees, per twin).

    Attributes:
        angles: {twin: (k,) principal angles between span(decoder weight's columns) and PCA's}.
        encoder_angles: {twin: (k,)} the same for the encoder's rows.
        excess_mse: {twin: MSE_AE − MSE_PCA} on the training split (≥ 0 up to round-off).
        bound: {twin: the largest angle the excess allows, degrees} (see the module docstring).
        gap: λ_k − λ_{k+1} of the training inputs' biased covariance.
    """

    angles: dict[str, np.ndarray]
    encoder_angles: dict[str, np.ndarray]
    excess_mse: dict[str, float]
    bound: dict[str, float]
    gap: float


def linear_vs_pca(
    seed: int, logdir: str | Path, config: TrainConfig = LINEAR, impl: str = "both"
) -> LinearVsPCA:
    run = train(with_run(config, seed, logdir, impl=impl))
    x = run.data.x_train
    n, d = x.shape
    k = config.code
    full = pca(x, min(k + 1, d))
    eigenvalues = full.explained_variance * (n - 1) / n  # of the biased covariance C = X̃ᵀX̃/N
    gap = float(eigenvalues[k - 1] - eigenvalues[k])
    fitted = pca(x, k)
    mse_pca = float(np.mean((fitted.inverse_transform(fitted.transform(x)) - x) ** 2))
    angles, encoder_angles, excess, bound = {}, {}, {}, {}
    for impl, twin in run.twins.items():
        weights = twin.weights()
        angles[impl] = np.degrees(principal_angles(weights["decoder.0.weight"], fitted.components.T))
        encoder_angles[impl] = np.degrees(
            principal_angles(weights["encoder.0.weight"].T, fitted.components.T)
        )
        excess[impl] = twin.evaluate(x, run.data.y_train)[0] - mse_pca
        sine = np.sqrt(max(excess[impl], 0.0) * d / gap)
        bound[impl] = float(np.degrees(np.arcsin(min(sine, 1.0))))
    return LinearVsPCA(angles, encoder_angles, excess, bound, gap)


# ------------------------------------------------------------------- nonlinear code vs PCA's code
@dataclass(frozen=True)
class Separation:
    """What ``separation`` measured.

    Attributes:
        knn: {"pca" | twin: 5-NN test accuracy on the 2-D codes}.
        silhouette: {"pca" | twin: silhouette of the test codes under the digit labels}.
        codes: {"pca" | twin: (N_test, 2) codes}; labels: (N_test,) the digits.
        max_code_diff: largest |z_scratch − z_torch| over the test codes.
    """

    knn: dict[str, float]
    silhouette: dict[str, float]
    codes: dict[str, np.ndarray]
    labels: np.ndarray
    max_code_diff: float


def _knn(train_codes: np.ndarray, y_train: np.ndarray, test_codes: np.ndarray, y_test: np.ndarray) -> float:
    return float(KNeighborsClassifier(NEIGHBOURS).fit(train_codes, y_train).score(test_codes, y_test))


def separation(
    seed: int, logdir: str | Path, config: TrainConfig = NONLINEAR, impl: str = "both"
) -> Separation:
    run = train(with_run(config, seed, logdir, impl=impl))
    data = run.data
    fitted = pca(data.x_train, config.code)
    codes = {"pca": fitted.transform(data.x_test)}
    knn = {"pca": _knn(fitted.transform(data.x_train), data.y_train, codes["pca"], data.y_test)}
    for impl, twin in run.twins.items():
        train_codes = _encode(impl, twin, data.x_train)
        codes[impl] = twin.codes()
        knn[impl] = _knn(train_codes, data.y_train, codes[impl], data.y_test)
    silhouette = {name: float(silhouette_score(z, data.y_test)) for name, z in codes.items()}
    diff = float(np.max(np.abs(codes["scratch"] - codes["torch"]))) if len(run.twins) == 2 else 0.0
    return Separation(knn, silhouette, codes, data.y_test, diff)


def _encode(impl: str, twin: Twin, x: np.ndarray) -> np.ndarray:
    """The codes of the NumPy inputs ``x`` by twin ``impl``'s trained autoencoder, as NumPy."""
    k = kit(impl, twin.device)
    return k.numpy(k.models.autoencoder.encode(twin.model, k.array(x)))


# ----------------------------------------------------------------------------------- anomaly detection
@dataclass(frozen=True)
class Anomaly:
    """What ``anomaly`` measured on the test split.

    Attributes:
        scores: {twin: (N_test,) reconstruction errors}; is_anomaly: (N_test,) bool (digit not in the
            training digits).
        auc: {twin: ROC AUC by hand (ranks)}; sklearn_auc: {twin: ``roc_auc_score`` on the same scores}.
    """

    scores: dict[str, np.ndarray]
    is_anomaly: np.ndarray
    auc: dict[str, float]
    sklearn_auc: dict[str, float]


def normal_only(data: DatasetSplit, digits: tuple[int, ...] = NORMAL_DIGITS) -> DatasetSplit:
    """``data`` with its training split cut to ``digits`` (the test split keeps every digit)."""
    keep = np.isin(data.y_train, digits)
    return dataclasses.replace(data, x_train=data.x_train[keep], y_train=data.y_train[keep])


def anomaly(seed: int, logdir: str | Path, config: TrainConfig = NONLINEAR, impl: str = "both") -> Anomaly:
    config = with_run(config, seed, logdir, f"C1.1-anomaly_seed{seed}", impl)
    full = load_dataset(config.dataset, rng=generator(seed, "data"), test_size=config.test_size)
    data = normal_only(full)
    run = train(config, data)
    is_anomaly = ~np.isin(data.y_test, NORMAL_DIGITS)
    scores, auc, sklearn_auc = {}, {}, {}
    for impl, twin in run.twins.items():
        k = kit(impl, twin.device)
        errors = k.models.autoencoder.reconstruction_error(twin.model, twin.test[0])  # the test inputs
        scores[impl] = k.numpy(errors)
        auc[impl] = k.models.anomaly.roc_auc(errors, k.array(is_anomaly))
        sklearn_auc[impl] = float(roc_auc_score(is_anomaly, scores[impl]))
    return Anomaly(scores, is_anomaly, auc, sklearn_auc)

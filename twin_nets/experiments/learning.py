"""C1.1-supervised, C1.3-features: one-neuron models and the feature-engineering experiment on both twins
(seed §1.1, §1.3).

Glue only: data made in code, the initial weights drawn once by the scratch init and loaded into the torch
twin, full-batch gradient descent in each twin, results as NumPy arrays. The math is in
``scratch.models.supervised`` and ``torch_impl.models.supervised``.

Documented settings (each asserted in ``parity_tests/models/test_supervised.py``):

* ``LOGISTIC`` — two Gaussian clusters (200 points), logistic regression, SGD lr 0.5, 300 steps.
* ``LINEAR`` — y = 0.8x + 1.5 + N(0, 0.5²) at 60 points x ~ U(−3, 3), linear regression, SGD lr 0.25,
  200 steps: the weights reach the closed-form least-squares solution to the float64 contract.
* ``FEATURES`` — concentric circles (400 points, scikit-learn's ``make_circles``, noise 0.1, factor 0.5):
  logistic regression on (x₁, x₂) stays near chance; on r² = x₁² + x₂² it separates the circles; an MLP
  2 → 8 (tanh) → 1 (sigmoid) on (x₁, x₂) learns it unaided. SGD, full batch, in both twins.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

import scratch.nn
from scratch.data.datasets import make_2d
from scratch.models import mlp as scratch_mlp
from scratch.models import supervised as scratch_supervised
from twin_nets.kit import Kit, kit


# ------------------------------------------------------------------------------------------ data
def two_clusters(
    n_samples: int = 200, rng: np.random.Generator | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Binary classification data: half the points ~ N((−1, −0.5), 0.8²I) labelled 0, half ~
    N((1, 0.5), 0.8²I) labelled 1. Returns x (N, 2) float64 and t (N,) float64 in {0, 1}."""
    rng = np.random.default_rng() if rng is None else rng
    half = n_samples // 2
    centres = np.array([[-1.0, -0.5], [1.0, 0.5]])
    t = np.concatenate([np.zeros(half), np.ones(n_samples - half)])
    x = centres[t.astype(int)] + 0.8 * rng.standard_normal((n_samples, 2))
    return x, t


def noisy_line(n_samples: int = 60, rng: np.random.Generator | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Regression data: x ~ U(−3, 3) (N, 1), y = 0.8x + 1.5 + N(0, 0.5²) (N,), float64."""
    rng = np.random.default_rng() if rng is None else rng
    x = rng.uniform(-3.0, 3.0, (n_samples, 1))
    return x, 0.8 * x[:, 0] + 1.5 + 0.5 * rng.standard_normal(n_samples)


def circles(n_samples: int = 400, rng: np.random.Generator | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Concentric circles (``scratch.data`` → scikit-learn ``make_circles``, noise 0.1, factor 0.5):
    x (N, 2) float64, t (N,) float64, 1 = the inner circle."""
    x, y = make_2d("circles", n_samples, rng=rng)
    return x, y.astype(np.float64)


# ------------------------------------------------------------------------------------------ twins
@dataclass(frozen=True)
class Trained:
    """One twin's model after full-batch training: losses per step and ``predict`` (NumPy in, NumPy out)."""

    impl: str
    model: Any
    losses: np.ndarray
    state: dict[str, np.ndarray]
    radial: bool = False

    def predict(self, x: np.ndarray) -> np.ndarray:
        """The model's output on ``x`` (N, 2), through the twin's ``radial_feature`` when ``radial``."""
        k = kit(self.impl)
        with k.inference():
            out = self.model(_features(k, x, self.radial))
            return k.numpy(out if out.ndim == 1 else out[:, 0])


def accuracy(probability: np.ndarray, t: np.ndarray) -> float:
    """The share of samples whose predicted class (probability > 0.5) equals the label."""
    return float(np.mean((probability > 0.5) == (t > 0.5)))


def _features(k: Kit, x: np.ndarray, radial: bool) -> Any:
    """``x`` as twin ``k``'s array, through the twin's own ``radial_feature`` when ``radial``."""
    features = k.array(x)
    return k.models.supervised.radial_feature(features) if radial else features


def train_twin(
    impl: str,
    make: Callable[[Kit], Any],
    start: dict[str, np.ndarray],
    loss: str,
    x: np.ndarray,
    target: np.ndarray,
    *,
    lr: float,
    steps: int,
    radial: bool = False,
    device: str = "cpu",
) -> Trained:
    """Train twin ``impl``'s model ``make(kit)``, loaded with the NumPy state dict ``start``, by
    full-batch SGD on the loss class ``loss``; with ``radial`` the model sees ``radial_feature(x)``
    (each twin its own) instead of x. The torch twin trains on ``device`` and is handed back on the CPU."""
    k = kit(impl, device)
    model = k.load(k.to(make(k)), start)
    fit = k.models.supervised.fit_full_batch(
        model,
        getattr(k.nn, loss)(),
        k.optim.SGD(model.parameters(), lr=lr),
        _features(k, x, radial),
        k.array(target),
        steps,
    )
    return Trained(impl, k.to(model, "cpu"), k.numpy(fit.losses), k.state(model), radial)


# ------------------------------------------------------------------------------------------ C1.1
@dataclass(frozen=True)
class Settings:
    """Data seed, initial-weight seed, SGD learning rate and full-batch steps of one experiment."""

    data_seed: int
    init_seed: int
    lr: float
    steps: int


LOGISTIC = Settings(data_seed=11, init_seed=0, lr=0.5, steps=300)
LINEAR = Settings(data_seed=12, init_seed=0, lr=0.25, steps=200)


def logistic_data(settings: Settings = LOGISTIC) -> tuple[np.ndarray, np.ndarray]:
    return two_clusters(rng=np.random.default_rng(settings.data_seed))


def linear_data(settings: Settings = LINEAR) -> tuple[np.ndarray, np.ndarray]:
    return noisy_line(rng=np.random.default_rng(settings.data_seed))


def _one_neuron(impl: str, model: str, data, loss: str, settings: Settings, device: str) -> Trained:
    kit(impl)  # the twin's name is checked before any work
    x, target = data(settings)
    features = x.shape[1]
    start = getattr(scratch_supervised, model)(features, rng=np.random.default_rng(settings.init_seed))
    return train_twin(
        impl,
        lambda k: getattr(k.models.supervised, model)(features),
        start.state_dict(),
        loss,
        x,
        target,
        lr=settings.lr,
        steps=settings.steps,
        device=device,
    )


def train_logistic(impl: str, settings: Settings = LOGISTIC, device: str = "cpu") -> Trained:
    """C1.1-supervised: logistic regression (sigmoid neuron + ``BCELoss``) on ``two_clusters``."""
    return _one_neuron(impl, "LogisticRegression", logistic_data, "BCELoss", settings, device)


def train_linear(impl: str, settings: Settings = LINEAR, device: str = "cpu") -> Trained:
    """C1.1-supervised: linear regression (linear neuron + ``MSELoss``) on ``noisy_line``."""
    return _one_neuron(impl, "LinearRegression", linear_data, "MSELoss", settings, device)


def closed_form(impl: str, settings: Settings = LINEAR) -> dict[str, np.ndarray]:
    """The least-squares weights of ``linear_data`` computed by twin ``impl`` (lstsq, no iterations)."""
    x, y = linear_data(settings)
    k = kit(impl)
    state = k.models.supervised.least_squares(k.array(x), k.array(y))
    return {key: k.numpy(value) for key, value in state.items()}


def excess_losses(run: Trained, settings: Settings = LINEAR) -> np.ndarray:
    """E − E_min per step of a ``train_linear`` run, E_min the MSE at the closed-form weights: how far
    gradient descent still is from the least-squares optimum. Once it is there, what is left is round-off
    (about 1e-16, of either sign)."""
    x, y = linear_data(settings)
    best = scratch_supervised.LinearRegression(x.shape[1])
    best.load_state_dict(closed_form(run.impl, settings))
    e_min = float(np.mean((best(x) - y) ** 2))
    return run.losses - e_min


# ------------------------------------------------------------------------------------------ C1.3
@dataclass(frozen=True)
class FeatureModel:
    """One of the three models of the feature-engineering figure."""

    key: str
    title: str
    lr: float
    steps: int


FEATURE_MODELS = (
    FeatureModel("raw", "logistic regression on (x₁, x₂)", lr=1.0, steps=300),
    FeatureModel("radial", "logistic regression on x₁² + x₂² (hand-made)", lr=2.0, steps=400),
    FeatureModel("mlp", "MLP 2→8→1 on (x₁, x₂) (learned features)", lr=2.0, steps=500),
)
FEATURES = Settings(data_seed=13, init_seed=0, lr=0.0, steps=0)  # lr, steps: per model, above
FEATURE_MLP_SPEC = scratch_mlp.MLPSpec((2, 8, 1), activation="tanh")


def features_data(settings: Settings = FEATURES) -> tuple[np.ndarray, np.ndarray]:
    return circles(rng=np.random.default_rng(settings.data_seed))


def train_feature_model(impl: str, key: str, settings: Settings = FEATURES, device: str = "cpu") -> Trained:
    """C1.3-features: train model ``key`` ("raw", "radial" or "mlp"; see ``FEATURE_MODELS``) in ``impl``."""
    models = {m.key: m for m in FEATURE_MODELS}
    if key not in models:
        raise ValueError(f"train_feature_model: expected key to be one of {tuple(models)}, got {key!r}")
    spec = models[key]
    kit(impl)  # the twin's name is checked before any work
    x, t = features_data(settings)
    rng = np.random.default_rng(settings.init_seed)
    if key == "mlp":

        def make(k: Kit) -> Any:
            return k.models.mlp.build_mlp(FEATURE_MLP_SPEC).append(k.nn.Sigmoid())

        start = scratch_mlp.build_mlp(FEATURE_MLP_SPEC, rng).append(scratch.nn.Sigmoid())
        target = t[:, None]
    else:
        features = 1 if key == "radial" else 2

        def make(k: Kit) -> Any:
            return k.models.supervised.LogisticRegression(features)

        start = scratch_supervised.LogisticRegression(features, rng=rng)
        target = t
    return train_twin(
        impl,
        make,
        start.state_dict(),
        "BCELoss",
        x,
        target,
        lr=spec.lr,
        steps=spec.steps,
        radial=key == "radial",
        device=device,
    )

"""01_머신러닝: logistic and linear regression, k-means, PCA, the autoencoder, anomaly detection, features."""

from __future__ import annotations

import numpy as np

from scratch import nn
from scratch.data import datasets
from scratch.models import anomaly, autoencoder, kmeans, pca, supervised
from twin_nets.notebooks.exercises import exercise


@exercise("C1.1-supervised/1")
def _on_the_boundary() -> float:
    model = supervised.LogisticRegression(2, rng=np.random.default_rng(0))
    w, b = model.linear.weight.data[0], model.linear.bias.data[0]
    on_the_line = -b * w / (w @ w)  # w·p + b = 0
    return float(model(on_the_line[None, :])[0])


@exercise("C1.1-supervised/2")
def _mse() -> float:
    return float(nn.MSELoss()(np.array([2.0, 4.0]), np.array([1.0, 1.0])))


@exercise("C1.3-features/1")
def _radial() -> float:
    return float(supervised.radial_feature(np.array([[0.5 * np.cos(1.0), 0.5 * np.sin(1.0)]]))[0, 0])


@exercise("C1.3-features/2", atol=5e-5)
def _radius() -> float:
    # the circle r² = 0.5 in the plane: the radius r at which radial_feature reaches 0.5
    radii = np.linspace(0.0, 1.0, 1_000_001)
    values = supervised.radial_feature(np.stack([radii, np.zeros_like(radii)], axis=1))[:, 0]
    return float(radii[np.argmin(np.abs(values - 0.5))])


@exercise("C1.1-kmeans/1")
def _kmeans_inertia() -> float:
    x = np.array([[0.0], [2.0], [5.0], [11.0]])
    return kmeans.lloyd(x, np.array([[0.0], [2.0]])).inertia


@exercise("C1.1-pca/1")
def _variance_ratio_by_hand() -> float:
    x = np.array([[-1.0, 0.0], [1.0, 0.0], [0.0, -2.0], [0.0, 2.0]])
    return float(pca.pca(x, 1).explained_variance_ratio[0])


@exercise("C1.1-pca/2", atol=5e-4)
def _digits_three_components() -> float:
    x, _ = datasets.load_digits()
    return float(pca.pca(x, 3).explained_variance_ratio.sum())


@exercise("C1.1-autoencoder/1")
def _autoencoder_parameters() -> int:
    spec = autoencoder.AutoencoderSpec(64, (32,), 2, "tanh")
    model = autoencoder.Autoencoder(spec, np.random.default_rng(0))
    return sum(p.data.size for p in model.parameters())


@exercise("C1.1-anomaly/1")
def _roc_auc_by_hand() -> float:
    return anomaly.roc_auc(np.array([0.1, 0.3, 0.6, 0.6, 0.8]), np.array([0, 0, 0, 1, 1]))

"""C1.1-autoencoder: the two claims over seeds, printed as spreads (a result that changes with the seed
is shown as a spread, never as one number).

    python -m twin_nets.experiments.unsupervised_spread --seeds 0 1 2 3 4 [--impl both] [--logdir DIR]

For each seed (it draws the train/test split, the initial weights and the batch order): the linear
autoencoder's largest principal angle to PCA's plane and the bound its excess loss allows
(``unsupervised.LINEAR``), and the 5-NN accuracy and silhouette of the nonlinear code against PCA's
(``unsupervised.NONLINEAR``); then min / median / max of each. The runs log under ``--logdir`` (default: a
temporary folder, removed afterwards).
"""

from __future__ import annotations

import sys
import tempfile

import numpy as np

from twin_nets.cli import FOLDER, IMPLS, OneLineParser
from twin_nets.experiments import unsupervised as experiment


def spread(values: list[float]) -> str:
    return f"min {min(values):.4g}, median {float(np.median(values)):.4g}, max {max(values):.4g}"


def main(argv: list[str] | None = None) -> int:
    parser = OneLineParser(prog="python -m twin_nets.experiments.unsupervised_spread", description=__doc__)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4], help="one run per seed")
    parser.add_argument("--impl", choices=IMPLS, default="both", help="which twin(s) to train")
    parser.add_argument("--logdir", type=FOLDER, default=None, help="keep the runs here")
    args = parser.parse_args(argv)
    if any(seed < 0 for seed in args.seeds):
        parser.error(f"--seeds: expected integers >= 0, got {args.seeds}")
    rows: dict[str, list[float]] = {
        "angle": [],
        "bound": [],
        "knn_ae": [],
        "knn_pca": [],
        "sil_ae": [],
        "sil_pca": [],
    }
    with tempfile.TemporaryDirectory() as temporary:
        logdir = args.logdir or temporary
        for seed in args.seeds:
            linear = experiment.linear_vs_pca(seed, logdir, impl=args.impl)
            twin = next(iter(linear.angles))
            separation = experiment.separation(seed, logdir, impl=args.impl)
            values = {
                "angle": float(max(linear.angles[twin])),
                "bound": linear.bound[twin],
                "knn_ae": separation.knn[twin],
                "knn_pca": separation.knn["pca"],
                "sil_ae": separation.silhouette[twin],
                "sil_pca": separation.silhouette["pca"],
            }
            for key, value in values.items():
                rows[key].append(value)
            print(
                f"seed {seed} ({twin}): " + ", ".join(f"{k} {v:.4g}" for k, v in values.items()), flush=True
            )
    print(f"linear autoencoder vs PCA, largest principal angle (degrees): {spread(rows['angle'])}")
    print(f"  the bound from the excess loss (degrees): {spread(rows['bound'])}")
    print(f"5-NN accuracy on the 2-D test codes, autoencoder: {spread(rows['knn_ae'])}")
    print(f"  PCA: {spread(rows['knn_pca'])}")
    gains = [a - p for a, p in zip(rows["knn_ae"], rows["knn_pca"], strict=True)]
    print(f"  autoencoder − PCA: {spread(gains)}")
    print(
        f"silhouette of the test codes, autoencoder: {spread(rows['sil_ae'])}; PCA: {spread(rows['sil_pca'])}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

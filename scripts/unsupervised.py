"""C1.1-kmeans, C1.1-pca, C1.1-autoencoder, C1.1-anomaly: unsupervised learning (seed §1.1, §1.3).

What each figure shows: ``twin_nets/figures/unsupervised.py``. Both twins run and are drawn (``--impl``
picks one); the PNG files go to --outdir, the same figures to TensorBoard, and the autoencoders' runs
(with their codes in the Projector tab) under --logdir's ``C1.1-autoencoder``.

Usage: python scripts/unsupervised.py [--outdir figures] [--logdir runs/figures | --no-tensorboard]
                                     [--impl {scratch,torch,both}]
"""

from twin_nets.figures.command import main

if __name__ == "__main__":
    raise SystemExit(main(__doc__, group="unsupervised"))

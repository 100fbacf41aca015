"""C4.2-dropout: dropout against over-fitting on 100 noisy two-moons samples (seed §4.2).

What each figure shows: ``twin_nets/figures/overfitting.py``. Both twins run and are drawn on one figure
(``--impl`` picks one); the PNG files go to --outdir, the same figures and each twin's curves to
TensorBoard (runs ``scratch``, ``torch`` and ``figures`` under --logdir).

Usage: python scripts/dropout.py [--outdir figures] [--logdir runs-figures | --no-tensorboard]
                                [--impl {scratch,torch,both}]
"""

from twin_nets.figures.command import main

if __name__ == "__main__":
    raise SystemExit(main(__doc__, group="dropout"))

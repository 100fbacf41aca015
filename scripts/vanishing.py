"""C3.2.3-vanishing: per-layer gradient norms of a 10-layer MLP, and the derivatives behind them.

What each figure shows: ``twin_nets/figures/optimization.py``. Both twins run and are drawn on one figure
(``--impl`` picks one); the PNG files go to --outdir, the same figures and each twin's curves to
TensorBoard (runs ``scratch``, ``torch`` and ``figures`` under --logdir).

Usage: python scripts/vanishing.py [--outdir figures] [--logdir runs-figures | --no-tensorboard]
                                  [--impl {scratch,torch,both}]
"""

from twin_nets.figures.command import main

if __name__ == "__main__":
    raise SystemExit(main(__doc__, group="vanishing"))

"""C4.3-batchnorm, C4.3-layernorm: batch norm against the init scale; batch norm vs layer norm by batch size.

What each figure shows: ``twin_nets/figures/normalizing.py``. Both twins run and are drawn on one figure
(``--impl`` picks one); the PNG files go to --outdir, the same figures and each twin's curves to
TensorBoard (runs ``scratch``, ``torch`` and ``figures`` under --logdir).

Usage: python scripts/batchnorm.py [--outdir figures] [--logdir runs-figures | --no-tensorboard]
                                  [--impl {scratch,torch,both}]
"""

from twin_nets.figures.command import main

if __name__ == "__main__":
    raise SystemExit(main(__doc__, group="batchnorm"))

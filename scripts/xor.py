"""C2.2-mlp-xor, C2.2-mlp: the seed's XOR network, XOR by backpropagation, the 8 → 10 → 3 MLP (seed §2.2).

What each figure shows: ``twin_nets/figures/xor.py``. Both twins run and are drawn on one figure
(``--impl`` picks one); the PNG files go to --outdir, the same figures and each twin's curves to
TensorBoard (runs ``scratch``, ``torch`` and ``figures`` under --logdir).

Usage: python scripts/xor.py [--outdir figures] [--logdir runs-figures | --no-tensorboard]
                            [--impl {scratch,torch,both}]
"""

from twin_nets.figures.command import main

if __name__ == "__main__":
    raise SystemExit(main(__doc__, group="xor"))

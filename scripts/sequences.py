"""C4.3-layernorm-sequences, C4.3-rnn: batch norm vs layer norm inside an LSTM, vanishing through time.

What each figure shows: ``twin_nets/figures/sequences.py``. Both twins run and are drawn on one figure
(``--impl`` picks one); the PNG files go to --outdir, the same figures and each twin's curves to
TensorBoard (runs ``scratch``, ``torch`` and ``figures`` under --logdir).

Usage: python scripts/sequences.py [--outdir figures] [--logdir runs-figures | --no-tensorboard]
                                  [--impl {scratch,torch,both}]
"""

from twin_nets.figures.command import main

if __name__ == "__main__":
    raise SystemExit(main(__doc__, group="sequences"))

"""The seed's experiments, run on both twins (seed §3.1.1–§4.3).

Glue only: building the same network in both twins, stepping optimizers on the test surfaces, collecting
what the figures (``scripts/``) and the tests (``parity_tests/experiments/``) read. The math is in
``scratch`` and ``torch_impl``.

* ``curves``     — activation curves and derivatives, the softmax example (C3.1.1); −log ŷ and the
  logit gradients of MSE vs cross-entropy (C3.1.2).
* ``gd_vs_sgd``  — full-batch GD against mini-batch SGD on one model (C3.2.1-gd, C3.2.1-sgd).
* ``paths``      — optimizer paths on the 2-D surfaces, with the documented settings (C3.2.1,
  C3.2.2-local-minima, C3.2.2-saddle).
* ``deep_nets``  — deep MLPs under each initialisation: per-layer gradient norms (C3.2.3-vanishing) and
  activation statistics (C4.1-init-*), both twins with the same weights.
* ``symmetry``   — training from zero weights keeps the hidden units identical (C4.1-init-zero).
* ``regularization`` — short paired runs that record curves: dropout against over-fitting (C4.2-dropout),
  batch norm across initial weight scales (C4.3-batchnorm), batch norm against layer norm at batch sizes
  2, 8 and 64 (C4.3-layernorm).
* ``cli``, ``plotting`` — the figure scripts' shared flags and the twin-overlay plot.
"""

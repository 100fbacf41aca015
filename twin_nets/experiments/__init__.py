"""The seed's experiments, run on both twins (seed §1.1–§4.3).

Glue only: building the same network in both twins, stepping optimizers on the test surfaces, collecting
what the figures (``twin_nets.figures``) and the tests (``parity_tests/experiments/``) read. The math is
in ``scratch`` and ``torch_impl``.

Every experiment gets its twin one way: ``twin_nets.kit.kit(impl)`` (the twin's packages, its arrays, its
backward), or, for a run of the main job's MLP from a ``TrainConfig``, ``training.twins.build_twins``. No
experiment asks which twin it runs (``parity_tests/test_kit.py`` checks that).

* ``learning``   — one-neuron models and the feature-engineering experiment (C1.1-supervised, C1.3).
* ``logic``      — the perceptron chapter: gates, the seed's XOR network, XOR by backprop (C2.1, C2.2).
* ``curves``     — activation curves and derivatives, the softmax example (C3.1.1); −log ŷ and the
  logit gradients of MSE vs cross-entropy (C3.1.2).
* ``gd_vs_sgd``  — full-batch GD against mini-batch SGD on one model (C3.2.1-gd, C3.2.1-sgd).
* ``paths``      — optimizer paths on the 2-D surfaces, with the documented settings (C3.2.1,
  C3.2.2-local-minima, C3.2.2-saddle).
* ``deep_nets``  — deep MLPs under each initialisation: per-layer gradient norms (C3.2.3-vanishing) and
  activation statistics (C4.1-init-*), both twins with the same weights.
* ``symmetry``   — training from zero weights keeps the hidden units identical (C4.1-init-zero).
* ``regularization`` — short paired runs that record curves: dropout against over-fitting (C4.2-dropout),
  batch norm across initial weight scales (C4.3-batchnorm).
* ``batch_size`` — batch norm against layer norm at batch sizes 2, 8 and 64, at equal updates, over seeds
  (C4.3-layernorm).
"""

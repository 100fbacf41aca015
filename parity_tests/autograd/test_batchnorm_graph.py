"""C3.2-autograd and C4.3-batchnorm: batch norm's gradient four ways, in training mode, float64.

The engine walks batch norm's graph node by node (μ, x − μ, σ², √(σ² + ε), 1/√, x̂, γx̂ + β:
``scratch.autograd.nets.batch_norm``); ``scratch.nn.functional``'s staged backward writes the same walk
by hand; ``BatchNorm1d.backward`` uses the simplified formula derived from it; torch's autograd runs its
own kernel. All four agree for x, γ and β under a random upstream gradient.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from parity_tests.parity import assert_twin_close, to_torch
from scratch import nn
from scratch.autograd import Tensor
from scratch.autograd.nets import batch_norm, model_expression, parameters_of
from scratch.nn.functional.normalization import batch_norm_backward_staged, batch_norm_staged

SHAPES = [(8, 3), (2, 5), (16, 1), (5, 7)]


@pytest.mark.parametrize("shape", SHAPES, ids=[f"C3.2-autograd-batchnorm-{n}x{c}" for n, c in SHAPES])
def test_the_engine_through_batch_norms_graph_equals_the_layer_the_staged_backward_and_torch(shape, rng):
    x = rng.standard_normal(shape) * 3 + 1
    gamma, beta = rng.standard_normal(shape[1]), rng.standard_normal(shape[1])
    upstream = rng.standard_normal(shape)

    layer = nn.BatchNorm1d(shape[1])
    layer.weight.data[...], layer.bias.data[...] = gamma, beta
    y_layer = layer(x)
    dx_layer = layer.backward(upstream)

    xs, gs, bs = (Tensor(a.copy(), requires_grad=True) for a in (x, gamma, beta))
    y_engine = batch_norm(xs, gs, bs, eps=layer.eps)
    y_engine.backward(upstream)

    y_staged, graph = batch_norm_staged(x, gamma, beta, eps=layer.eps)
    dx_staged, dgamma_staged, dbeta_staged = batch_norm_backward_staged(upstream, graph)

    xt, gt, bt = (to_torch(a, requires_grad=True) for a in (x, gamma, beta))
    y_torch = torch.nn.functional.batch_norm(xt, None, None, gt, bt, training=True, eps=layer.eps)
    y_torch.backward(to_torch(upstream))

    for what, y in (("layer", y_layer), ("engine", y_engine.data), ("staged", y_staged)):
        assert_twin_close(y, y_torch, f"C4.3-batchnorm {shape}: {what} forward")
    for what, grads in (
        ("layer", (dx_layer, layer.weight.grad, layer.bias.grad)),
        ("engine", (xs.grad, gs.grad, bs.grad)),
        ("staged", (dx_staged, dgamma_staged, dbeta_staged)),
    ):
        for name, mine, theirs in zip(("x", "γ", "β"), grads, (xt.grad, gt.grad, bt.grad), strict=True):
            assert_twin_close(mine, theirs, f"C4.3-batchnorm {shape}: {what} ∂E/∂{name} vs torch.autograd")


def test_the_engines_graph_of_batch_norm_has_the_staged_nodes():
    x = Tensor(np.arange(6.0).reshape(3, 2), requires_grad=True)
    y = batch_norm(x, Tensor(np.ones(2), requires_grad=True), Tensor(np.zeros(2), requires_grad=True))
    ops = [t.grad_fn.name for t in y.topological_order() if t.grad_fn is not None]
    # μ, x − μ, (x − μ)², σ², σ² + ε, √, 1/√, x̂, γ x̂, + β
    assert ops == ["Mean", "Sub", "Mul", "Mean", "Add", "Sqrt", "Div", "Mul", "Mul", "Add"]


@pytest.mark.parametrize(
    "track", [False, True], ids=["C4.3-batchnorm-untracked-eval", "C4.3-batchnorm-tracked-eval"]
)
def test_an_eval_model_expression_normalises_as_torchs_batch_norm(track, rng):
    """In eval mode a BatchNorm1d that tracks no running statistics still uses the batch's own (torch's
    rule); one that tracks them uses them as constants."""
    x, upstream = rng.standard_normal((6, 3)) * 2 + 1, rng.standard_normal((6, 3))
    model = nn.Sequential(nn.BatchNorm1d(3, track_running_stats=track))
    if track:
        model[0].running_mean[...], model[0].running_var[...] = rng.standard_normal(3), rng.uniform(0.5, 2, 3)
    model.eval()
    params = parameters_of(model)
    xs = Tensor(x.copy(), requires_grad=True)
    y = model_expression(model, xs, params)
    y.backward(upstream)

    twin = torch.nn.BatchNorm1d(3, track_running_stats=track).double().eval()
    if track:
        twin.running_mean.copy_(to_torch(model[0].running_mean))
        twin.running_var.copy_(to_torch(model[0].running_var))
    xt = to_torch(x, requires_grad=True)
    y_t = twin(xt)
    y_t.backward(to_torch(upstream))
    assert_twin_close(y.data, y_t, f"C4.3-batchnorm eval, track_running_stats={track}: forward")
    assert_twin_close(xs.grad, xt.grad, f"C4.3-batchnorm eval, track_running_stats={track}: ∂E/∂x")
    assert_twin_close(params["0.weight"].grad, twin.weight.grad, "C4.3-batchnorm eval: ∂E/∂γ")

"""C3.2.3-vanishing: per-layer gradient norms of a 10-layer, 100-unit MLP (seed §3.2.3).

The seed's argument: σ′ ≤ 1/4, so every sigmoid layer multiplies the backward signal by at most a
quarter (times the weights) and the gradient fades towards the input; ReLU′ is 0 or 1, so with He's
initialisation it does not. Measured here in both twins, with the same weights.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import scratch.nn as snn
import torch_impl.nn as tnn
from parity_tests.parity import assert_twin_close
from scratch.models.diagnostics import layer_gradient_norms
from torch_impl.models.diagnostics import layer_gradient_norms as torch_layer_gradient_norms
from twin_nets.experiments.deep_nets import build_deep_net, torch_twin, vanishing_gradient_norms

NETS = [
    pytest.param("sigmoid", "xavier", id="C3.2.3-vanishing-sigmoid-xavier"),
    pytest.param("tanh", "xavier", id="C3.2.3-vanishing-tanh-xavier"),
    pytest.param("relu", "he", id="C3.2.3-vanishing-relu-he"),
    pytest.param("sigmoid", "normal", id="C3.2.3-vanishing-sigmoid-normal"),
]


@pytest.mark.parametrize(("activation", "scheme"), NETS)
def test_gradient_norms_are_identical_in_both_twins(activation, scheme, rng, request):
    norms = vanishing_gradient_norms(activation, rng, scheme)
    assert norms.scratch.shape == (10,) and norms.scratch.dtype == np.float64
    assert_twin_close(norms.scratch, torch.from_numpy(norms.torch), f"{request.node.callspec.id}: ‖∂E/∂W_k‖")


def test_every_layer_gradient_is_identical_in_both_twins(rng):
    """C3.2.3-vanishing: not just the norms — every weight gradient of the sigmoid net, under a random
    upstream gradient."""
    net = build_deep_net("sigmoid", "xavier", rng, depth=10)
    twin = torch_twin(net, "sigmoid")
    x, upstream = rng.standard_normal((16, 100)), rng.standard_normal((16, 100))
    net(x)
    net.backward(upstream)
    twin(torch.from_numpy(x)).backward(torch.from_numpy(upstream))
    torch_parameters = dict(twin.named_parameters())
    for name, parameter in net.named_parameters():
        assert_twin_close(parameter.grad, torch_parameters[name].grad, f"C3.2.3-vanishing: ∂E/∂{name}")
    assert (
        list(layer_gradient_norms(net))
        == list(torch_layer_gradient_norms(twin))
        == [f"{2 * k}.weight" for k in range(10)]
    )


@pytest.mark.parametrize(
    ("scratch_activation", "torch_activation", "peak", "at"),
    [
        pytest.param(snn.Sigmoid(), tnn.Sigmoid(), 0.25, 0.0, id="C3.2.3-vanishing-sigmoid-derivative"),
        pytest.param(snn.Tanh(), tnn.Tanh(), 1.0, 0.0, id="C3.2.3-vanishing-tanh-derivative"),
    ],
)
def test_derivative_peaks_at_zero_and_fades(scratch_activation, torch_activation, peak, at, rng):
    """σ′ ≤ 1/4 and tanh′ ≤ 1, the maximum at x = 0, below 1 % of it beyond |x| = 6 (sigmoid) / 3.5 (tanh)
    — in both twins (a random upstream gradient g, divided out: f′ = (∂E/∂x) / g)."""
    x = np.linspace(-10, 10, 2001)
    g = rng.uniform(0.5, 2.0, x.shape)
    scratch_activation(x)
    derivative = scratch_activation.backward(g) / g
    x_t = torch.tensor(x, requires_grad=True)
    torch_activation(x_t).backward(torch.from_numpy(g))
    assert_twin_close(derivative, x_t.grad / torch.from_numpy(g), "C3.2.3-vanishing: derivative")
    assert derivative.max() <= peak and derivative[np.argmax(derivative)] == peak
    assert x[np.argmax(derivative)] == at
    fade = 6.0 if peak == 0.25 else 3.5
    assert np.all(derivative[np.abs(x) > fade] < 0.01 * peak)


def test_relu_derivative_is_zero_or_one(rng):
    """C3.2.3-vanishing: ReLU′ ∈ {0, 1}: a unit that is on passes the gradient on undiminished."""
    relu = snn.ReLU()
    x = rng.standard_normal(1000)
    relu(x)
    assert set(np.unique(relu.backward(np.ones_like(x)))) == {0.0, 1.0}


@pytest.mark.parametrize("twin", ["scratch", "torch"])
def test_sigmoid_first_layer_gradient_is_orders_of_magnitude_below_the_last(twin, rng):
    """C3.2.3-vanishing, the seed's claim: sigmoid + Xavier, 10 layers — ‖∂E/∂W_1‖ < 10⁻³ ‖∂E/∂W_10‖
    (measured ≈ 4·10⁻⁶, at most 5·10⁻⁶ over 200 seeds), and the norm falls at every layer towards the
    input (each layer's norm is 0.25–0.6 times the next one's over those seeds)."""
    norms = getattr(vanishing_gradient_norms("sigmoid", rng, "xavier"), twin)
    assert norms[0] / norms[-1] < 1e-3, norms
    assert np.all(norms[:-1] < norms[1:]), norms


@pytest.mark.parametrize("twin", ["scratch", "torch"])
@pytest.mark.parametrize(
    ("activation", "scheme"),
    [
        pytest.param("relu", "he", id="C3.2.3-vanishing-relu-he"),
        pytest.param("tanh", "xavier", id="C3.2.3-vanishing-tanh-xavier"),
    ],
)
def test_relu_with_he_keeps_the_gradient(activation, scheme, twin, rng):
    """C3.2.3-vanishing: ReLU + He (and tanh + Xavier, over these 10 layers): first and last layer's
    gradient norms within a factor 10 of each other (measured over 100 seeds: 0.66–2.1 and 1.0–1.35)."""
    norms = getattr(vanishing_gradient_norms(activation, rng, scheme), twin)
    assert 0.1 < norms[0] / norms[-1] < 10, norms


def test_gradient_norms_need_a_linear_layer():
    with pytest.raises(ValueError, match="Linear"):
        layer_gradient_norms(snn.Sequential(snn.ReLU()))
    with pytest.raises(ValueError, match="Linear"):
        torch_layer_gradient_norms(torch.nn.Sequential(torch.nn.ReLU()))


def test_deep_net_rejects_unknown_choices(rng):
    with pytest.raises(ValueError, match="activation.*'softplus'"):
        build_deep_net("softplus", "xavier", rng)
    with pytest.raises(ValueError, match="scheme.*'orthogonal'"):
        build_deep_net("relu", "orthogonal", rng)

"""C3.1-forward and C3.2-backprop: Module and Sequential — a whole network forward and backward against
torch autograd, and the bookkeeping (names, state dicts, modes) that lets weights move between twins."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import scratch.nn as snn
import torch_impl.nn as tnn
from parity_tests.parity import (
    DTYPES,
    FINITE_DIFFERENCE_RTOL,
    TORCH_DTYPE,
    assert_twin_close,
    check_module_parity,
)
from scratch.gradcheck import gradcheck
from torch_impl.nn.state import load_numpy_state_dict


def scratch_net(dtype=np.float64, rng=None):
    return snn.Sequential(
        snn.Linear(4, 5, dtype=dtype, rng=rng),
        snn.Tanh(),
        snn.Linear(5, 6, dtype=dtype, rng=rng),
        snn.PReLU(6, dtype=dtype),
        snn.Linear(6, 3, dtype=dtype, rng=rng),
        snn.LogSoftmax(dim=1),
    )


def torch_net(dtype=torch.float64):
    return tnn.Sequential(
        tnn.Linear(4, 5, dtype=dtype),
        tnn.Tanh(),
        tnn.Linear(5, 6, dtype=dtype),
        tnn.PReLU(6, dtype=dtype),
        tnn.Linear(6, 3, dtype=dtype),
        tnn.LogSoftmax(dim=1),
    )


@pytest.mark.parametrize("dtype", DTYPES, ids=["float64", "float32"])
def test_backprop_through_a_network_matches_autograd(dtype, device, rng):
    """C3.2-backprop: the chain rule by hand, layer by layer in reverse, equals torch autograd."""
    x = rng.standard_normal((8, 4)).astype(dtype)
    check_module_parity(
        f"C3.2-backprop {np.dtype(dtype)}",
        scratch_net(dtype, rng),
        torch_net(TORCH_DTYPE[dtype]),
        x,
        rng,
        device,
    )


def test_backprop_three_way_finite_differences(rng):
    """C3.2-backprop: the network's hand-written gradients against central differences."""
    errors = gradcheck(scratch_net(rng=rng), rng.standard_normal((5, 4)), rng=rng)
    assert set(errors) == {
        "input",
        "0.weight",
        "0.bias",
        "2.weight",
        "2.bias",
        "3.weight",
        "4.weight",
        "4.bias",
    }
    for name, error in errors.items():
        assert error < FINITE_DIFFERENCE_RTOL, f"C3.2-backprop {name}: relative error {error:.2e}"


def test_names_state_dict_and_repr_match_torch():
    """C3.1-forward: same parameter names, state-dict keys, shapes and printout as the torch twin."""
    s, t = scratch_net(), torch_net()
    assert [n for n, _ in s.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert {k: v.shape for k, v in s.state_dict().items()} == {
        k: tuple(v.shape) for k, v in t.state_dict().items()
    }
    assert repr(s) == repr(t)


def test_state_dict_round_trip_both_ways(rng):
    s, t = scratch_net(rng=rng), torch_net()
    load_numpy_state_dict(t, s.state_dict())
    for key, tensor in t.state_dict().items():
        assert_twin_close(s.state_dict()[key], tensor, f"C3.1-forward scratch → torch {key}")
    other = scratch_net(rng=np.random.default_rng(99))
    other.load_state_dict(t.state_dict())
    for key, tensor in t.state_dict().items():
        assert_twin_close(other.state_dict()[key], tensor, f"C3.1-forward torch → scratch {key}")


def test_state_dict_returns_copies_not_views():
    net = scratch_net()
    state = net.state_dict()
    state["0.weight"][...] = 123.0
    assert not (net[0].weight.data == 123.0).any()


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        pytest.param(lambda sd: sd.pop("2.bias"), r"missing key\(s\) in state_dict: '2.bias'", id="missing"),
        pytest.param(
            lambda sd: sd.__setitem__("9.weight", np.ones(1)),
            r"unexpected key\(s\) in state_dict: '9.weight'",
            id="unexpected",
        ),
        pytest.param(
            lambda sd: sd.__setitem__("0.weight", np.ones((4, 5))),
            r"size mismatch for '0.weight': expected shape \(5, 4\), got \(4, 5\)",
            id="misshaped",
        ),
    ],
)
def test_bad_state_dict_names_the_entry_and_changes_nothing(edit, message):
    net = scratch_net()
    before = net.state_dict()
    bad = net.state_dict()
    bad["4.bias"] = np.full(3, 7.0)
    edit(bad)
    with pytest.raises(RuntimeError, match=message):
        net.load_state_dict(bad)
    for key, value in net.state_dict().items():
        np.testing.assert_array_equal(value, before[key])


def test_non_strict_load_reports_keys_like_torch():
    net = scratch_net()
    state = net.state_dict()
    state.pop("0.bias")
    state["extra"] = np.zeros(1)
    missing, unexpected = net.load_state_dict(state, strict=False)
    assert (missing, unexpected) == (["0.bias"], ["extra"])


def test_load_state_dict_rejects_a_non_mapping():
    with pytest.raises(TypeError, match="expected state_dict to be a mapping, got list"):
        scratch_net().load_state_dict([1, 2])


def test_train_and_eval_reach_every_module():
    net = scratch_net()
    assert all(m.training for m in net.modules())
    net.eval()
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())


def test_backward_releases_the_cache_and_refuses_a_second_call(rng):
    """Nothing holds the input after backward; a second backward needs a new forward, as in torch."""
    net = scratch_net(rng=rng)
    y = net(rng.standard_normal((2, 4)))
    net.backward(np.ones_like(y))
    cached = [
        name
        for m in net.modules()
        for name, v in vars(m).items()
        if name.startswith("_") and isinstance(v, np.ndarray)
    ]
    assert cached == []
    with pytest.raises(RuntimeError, match="without a forward"):
        net.backward(np.ones_like(y))


def test_to_float32_converts_parameters_and_grads(rng):
    net = scratch_net(rng=rng).float()
    assert (
        {p.data.dtype for p in net.parameters()}
        == {p.grad.dtype for p in net.parameters()}
        == {np.dtype(np.float32)}
    )
    y = net(rng.standard_normal((2, 4)).astype(np.float32))
    assert y.dtype == np.float32
    assert net.double()(rng.standard_normal((2, 4))).dtype == np.float64


def test_sequential_rejects_non_modules():
    with pytest.raises(TypeError, match="argument 1 must be a Module, got ufunc"):
        snn.Sequential(snn.ReLU(), np.tanh)


def test_module_requires_super_init():
    class Broken(snn.Module):
        def __init__(self):
            self.weight = snn.Parameter(np.ones(2))

    with pytest.raises(
        AttributeError, match="call super\\(\\).__init__\\(\\) before assigning attribute 'weight'"
    ):
        Broken()

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
    check_module_parity,
)
from scratch.gradcheck import gradcheck


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


@pytest.mark.parametrize(
    "draw",
    [
        pytest.param(lambda rng, shape: torch.from_numpy(rng.standard_normal(shape) > 0), id="bool"),
        pytest.param(lambda rng, shape: torch.from_numpy(rng.integers(-5, 5, shape)), id="int64"),
        pytest.param(lambda rng, shape: torch.from_numpy(rng.random(shape, np.float32)), id="float32"),
    ],
)
def test_a_state_dict_of_another_real_dtype_is_cast_as_torch_copies_it(draw, rng):
    """torch's ``load_state_dict`` copies with ``param.copy_(value)``: a bool, integer or float32 tensor
    is cast to the parameter's float64 (True → 1.0). The scratch twin loads it the same, value for value."""
    scratch, reference = scratch_net(), torch_net()
    state = {key: draw(rng, value.shape) for key, value in reference.state_dict().items()}
    scratch.load_state_dict(state)
    reference.load_state_dict(state)
    for key, tensor in reference.state_dict().items():
        value = scratch.state_dict()[key]
        assert value.dtype == np.float64, f"{key}: dtype {value.dtype}"
        np.testing.assert_array_equal(value, tensor.numpy(), err_msg=key)


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


def test_nested_sequential_keys_match_torch():
    """C3.1-forward: every level's name joins the key: ``0.0.weight``, as torch writes it."""
    s = snn.Sequential(snn.Sequential(snn.Linear(2, 3)), snn.Sequential(snn.Linear(3, 1), snn.Tanh()))
    t = tnn.Sequential(tnn.Sequential(tnn.Linear(2, 3)), tnn.Sequential(tnn.Linear(3, 1), tnn.Tanh()))
    assert (
        list(s.state_dict()) == list(t.state_dict()) == ["0.0.weight", "0.0.bias", "1.0.weight", "1.0.bias"]
    )
    assert [n for n, _ in s.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert [n for n, _ in s.named_modules()] == [n for n, _ in t.named_modules()]
    assert repr(s) == repr(t)


def test_a_shared_layer_is_one_set_of_parameters_as_in_torch():
    """A layer used twice: parameters() yields its weight once (an optimizer must not step it twice),
    state_dict() saves it under both names, as torch does."""
    s_lin, t_lin = snn.Linear(2, 2), tnn.Linear(2, 2)
    s, t = snn.Sequential(s_lin, snn.Tanh(), s_lin), tnn.Sequential(t_lin, tnn.Tanh(), t_lin)
    assert len(list(s.parameters())) == len(list(t.parameters())) == 2
    assert (
        [n for n, _ in s.named_parameters()] == [n for n, _ in t.named_parameters()] == ["0.weight", "0.bias"]
    )
    assert list(s.state_dict()) == list(t.state_dict())
    assert len(list(s.modules())) == len(list(t.modules())) == 3


def test_a_tied_weight_is_one_parameter_as_in_torch():
    """Two layers holding one Parameter (tied weights): parameters() yields it once, under its first
    name; both layers' gradients add into its one ``.grad``."""
    s = snn.Sequential(snn.Linear(3, 3), snn.Linear(3, 3))
    t = tnn.Sequential(tnn.Linear(3, 3), tnn.Linear(3, 3))
    s[1].weight, t[1].weight = s[0].weight, t[0].weight
    names = ["0.weight", "0.bias", "1.bias"]
    assert [n for n, _ in s.named_parameters()] == [n for n, _ in t.named_parameters()] == names
    assert list(s.state_dict()) == list(t.state_dict()) == ["0.weight", "0.bias", "1.weight", "1.bias"]


def test_train_and_eval_go_through_each_childs_own_train():
    """``train(mode)`` calls every child's ``train(mode)``, as torch, so a module that overrides it
    (to switch something of its own) is reached inside a container."""
    calls = []

    class Recording(snn.Module):
        def train(self, mode=True):
            calls.append(mode)
            return super().train(mode)

    net = snn.Sequential(snn.Sequential(Recording()), snn.ReLU())
    net.eval()
    net.train()
    assert calls == [False, True]
    with pytest.raises(ValueError, match="expected mode to be a bool, got 'yes'"):
        net.train("yes")
    with pytest.raises(ValueError, match="training mode is expected to be boolean"):
        tnn.Linear(2, 2).train("yes")


@pytest.mark.parametrize(
    ("bad_value", "match"),
    [
        pytest.param(
            [[1.0] * 4] * 5,
            "while copying '4.bias': expected a numpy.ndarray or a tensor, got list",
            id="list",
        ),
        pytest.param(
            3.0, "while copying '4.bias': expected a numpy.ndarray or a tensor, got float", id="number"
        ),
        pytest.param(
            np.array(["a", "b", "c"]), r"dtype of '4.bias': expected real numbers, got dtype=<U1", id="str"
        ),
    ],
)
def test_a_value_that_is_not_an_array_is_refused_and_nothing_is_loaded(bad_value, match):
    """torch refuses a list or a number ("expected torch.Tensor or Tensor-like object"). The bad entry
    is the last key: every entry before it is valid, and still nothing is copied (torch copies the good
    entries before raising; scratch checks all first)."""
    net = scratch_net()
    before = net.state_dict()
    bad = {key: value + 1 for key, value in before.items()}
    bad["4.bias"] = bad_value
    with pytest.raises(RuntimeError, match=match):
        net.load_state_dict(bad)
    for key, value in net.state_dict().items():
        np.testing.assert_array_equal(value, before[key], err_msg=key)
    torch_state = {key: torch.from_numpy(value) for key, value in bad.items() if key != "4.bias"}
    with pytest.raises(RuntimeError, match="expected torch.Tensor or Tensor-like object"):
        torch_net().load_state_dict({**torch_state, "4.bias": [1.0, 2.0, 3.0]})


def test_an_input_modified_in_place_before_backward_changes_the_gradient(rng):
    """Documented behaviour (scratch/nn/module.py): the cache is the input itself, so editing it in
    place between forward and backward gives the gradient of the edited input. torch notices it (a
    version counter) and raises; NumPy cannot, so the rule is: modify a copy."""
    linear = snn.Linear(3, 2, rng=rng)
    x, g = rng.standard_normal((4, 3)), rng.standard_normal((4, 2))
    linear(x)
    x *= 2  # in place, after the forward
    linear.backward(g)
    np.testing.assert_array_equal(linear.weight.grad, g.T @ x)  # the edited x, not the one forwarded
    x_t = torch.tensor(x, requires_grad=True)
    y_t = torch.exp(x_t)  # exp saves its output for backward
    with torch.no_grad():
        y_t.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y_t.backward(torch.ones_like(y_t))

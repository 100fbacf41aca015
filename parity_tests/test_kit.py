"""``twin_nets.kit``: both twins' toolboxes answer alike, and it is the only way an experiment or a
figure builder tells the twins apart.

The kit is checked on a small module (Linear → Tanh → MSELoss): the same forward, ∂E/∂x, parameter
gradients and state dict from either kit, within the parity contract.
"""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest
import torch

from parity_tests.parity import assert_twin_close
from twin_nets.cli import TWINS
from twin_nets.kit import Kit, kit

ROOT = Path(__file__).resolve().parents[1]
CHECKED = ("twin_nets/experiments", "twin_nets/figures")


def _small_module(k: Kit, start: dict[str, np.ndarray]):
    layers = k.to(k.nn.Sequential(k.nn.Linear(3, 2, dtype=k.dtype(np.float64)), k.nn.Tanh()))
    return k.load(layers, start)


def _run(impl: str, device: str = "cpu") -> dict[str, np.ndarray]:
    """Forward, ∂E/∂x and ∂E/∂(weight, bias) of E = MSE(tanh(Linear(x)), t), and the state after one
    SGD step, from twin ``impl``; the start is drawn once by scratch."""
    rng, scratch = np.random.default_rng(0), kit("scratch")
    start = scratch.nn.Sequential(scratch.nn.Linear(3, 2, rng=rng), scratch.nn.Tanh())
    x, t = rng.standard_normal((5, 3)), rng.standard_normal((5, 2))
    k = kit(impl, device)
    model, loss = _small_module(k, start.state_dict()), k.nn.MSELoss()
    x_k = k.array(x, requires_grad=True)
    y = model(x_k)
    e = loss(y, k.array(t))
    grad_x = k.backward([model, loss], x_k, e)
    out = {"y": k.numpy(y), "E": k.numpy(e), "dE/dx": k.numpy(grad_x)}
    out.update({f"dE/d{name}": k.numpy(p.grad) for name, p in model.named_parameters()})
    with k.inference():
        out["y (inference)"] = k.numpy(model(k.array(x)))
    k.optim.SGD(model.parameters(), lr=0.1).step()
    out.update({f"after step: {key}": value for key, value in k.state(model).items()})
    return out


def test_both_kits_give_the_same_forward_gradients_and_state(device):
    scratch, torch_ = _run("scratch"), _run("torch", device)
    assert scratch.keys() == torch_.keys() and len(scratch) == 8
    for name, value in scratch.items():
        assert isinstance(value, np.ndarray) and isinstance(torch_[name], np.ndarray), name
        assert_twin_close(value, torch.from_numpy(torch_[name]), f"kit: {name}")


def test_a_state_dict_makes_the_round_trip_through_either_kit(device):
    rng = np.random.default_rng(1)
    state = {"0.weight": rng.standard_normal((2, 3)), "0.bias": rng.standard_normal(2)}
    for impl in TWINS:
        k = kit(impl, device)
        model = _small_module(k, state)
        back = k.state(model)
        assert back.keys() == state.keys(), impl
        for key, value in state.items():
            assert back[key].dtype == np.float64 and np.array_equal(back[key], value), f"{impl}: {key}"
            back[key][...] = 0  # a copy: the model is not changed through it
        assert np.array_equal(k.state(model)["0.bias"], state["0.bias"]), impl


def test_arrays_cross_the_border_as_copies_with_the_asked_dtype(device):
    a = np.arange(6.0).reshape(2, 3)
    for impl in TWINS:
        k = kit(impl, device)
        b = k.array(a, dtype=np.float32)
        assert k.numpy(b).dtype == np.float32 and np.array_equal(k.numpy(b), a), impl
        back = k.numpy(k.array(a))
        back[0, 0] = 99.0
        assert a[0, 0] == 0.0, f"{impl}: array/numpy must copy"
        source = a.copy()
        crossed = k.array(source)
        source[0, 0] = 99.0  # each side of the border on its own: array's copy, then numpy's
        assert k.numpy(crossed)[0, 0] == 0.0, f"{impl}: array must copy"
        out = k.numpy(crossed)
        out[0, 1] = 99.0
        assert k.numpy(crossed)[0, 1] == 1.0, f"{impl}: numpy must copy"
    assert kit("torch", device).array(a).device.type == torch.device(device).type
    assert [kit(impl).name for impl in TWINS] == list(TWINS)
    assert kit("torch").dtype(np.float32) is torch.float32 and kit("scratch").dtype("float32") == np.float32


def _backward_under(impl: str, upstream: np.ndarray, device: str = "cpu") -> dict[str, np.ndarray]:
    """∂E/∂x and ∂E/∂(weight, bias) of E = Σ upstream ⊙ tanh(Linear(x)), by ``backward`` with ``upstream``
    as ∂E/∂output (no loss module), from twin ``impl``; the start is drawn once by scratch."""
    rng, scratch = np.random.default_rng(2), kit("scratch")
    start = scratch.nn.Sequential(scratch.nn.Linear(3, 2, rng=rng), scratch.nn.Tanh())
    x = rng.standard_normal((5, 3))
    k = kit(impl, device)
    model = _small_module(k, start.state_dict())
    x_k = k.array(x, requires_grad=True)
    grad_x = k.backward([model], x_k, model(x_k), upstream=k.array(upstream))
    out = {"dE/dx": k.numpy(grad_x)}
    out.update({f"dE/d{name}": k.numpy(p.grad) for name, p in model.named_parameters()})
    return out


def test_backward_takes_the_upstream_gradient_it_is_given(device):
    """A random ∂E/∂output, not a loss's implicit 1: both kits give the same ∂E/∂x and parameter
    gradients, and they are not those of another upstream gradient (a kit that dropped it would pass)."""
    rng = np.random.default_rng(3)
    upstream, other = rng.standard_normal((5, 2)), rng.standard_normal((5, 2))
    scratch, torch_ = _backward_under("scratch", upstream), _backward_under("torch", upstream, device)
    assert scratch.keys() == torch_.keys() and len(scratch) == 3
    for name, value in scratch.items():
        assert_twin_close(value, torch.from_numpy(torch_[name]), f"kit, random upstream: {name}")
    for impl in TWINS:
        moved = _backward_under(impl, other, device)
        assert not np.allclose(moved["dE/dx"], scratch["dE/dx"]), f"{impl}: backward ignored upstream"


def test_torch_records_no_graph_under_inference(device):
    """Inside ``inference`` a torch forward through parameters that require gradients gives an output
    that does not; outside it does (so the check can fail)."""
    k = kit("torch", device)
    model = _small_module(k, {"0.weight": np.ones((2, 3)), "0.bias": np.zeros(2)})
    x = k.array(np.ones((4, 3)))
    assert model(x).requires_grad is True
    with k.inference():
        y = model(x)
    assert y.requires_grad is False and y.grad_fn is None
    assert torch.is_grad_enabled(), "inference must restore the grad mode"


@pytest.mark.parametrize("bad", ["both", "numpy", "", None])
def test_a_name_that_is_not_a_twin_is_refused_naming_the_argument(bad):
    with pytest.raises(ValueError, match=r"^impl: expected one of scratch, torch, got "):
        kit(bad)
    with pytest.raises(ValueError, match=r"^run_path: impl: expected one of scratch, torch"):
        kit(bad, argument="run_path: impl")


def _twin_name_comparisons(path: Path) -> list[str]:
    """Every ``==`` / ``!=`` / ``in`` / ``not in`` in ``path`` with the literal "scratch" or "torch" on
    either side (inside a tuple or list too), as its source text."""
    source = path.read_text(encoding="utf-8")
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Compare):
            continue
        if not all(isinstance(op, (ast.Eq, ast.NotEq, ast.In, ast.NotIn)) for op in node.ops):
            continue
        operands = [node.left, *node.comparators]
        values = [
            value
            for operand in operands
            for value in (operand.elts if isinstance(operand, (ast.Tuple, ast.List, ast.Set)) else [operand])
        ]
        literals = [value for value in values if isinstance(value, ast.Constant) and value.value in TWINS]
        if literals:
            found.append(ast.get_source_segment(source, node))
    return found


def _checked_files() -> list[Path]:
    return sorted(path for folder in CHECKED for path in (ROOT / folder).rglob("*.py"))


def test_the_walk_finds_a_comparison_with_a_twin_name(tmp_path):
    """The check below can fail: it sees ``impl == "scratch"``, ``"torch" != x`` and ``x in ("scratch",)``."""
    path = tmp_path / "branching.py"
    lines = ['if impl == "scratch":', "    pass", 'b = "torch" != x', 'c = x in ("scratch",)']
    path.write_text("\n".join([*lines, 'd = {"scratch": 1}["scratch"]', 'e = f(impl="torch")']) + "\n")
    assert _twin_name_comparisons(path) == ['impl == "scratch"', '"torch" != x', 'x in ("scratch",)']


def test_no_experiment_or_figure_builder_compares_with_a_twin_name():
    """An experiment or figure gets its twin from ``twin_nets.kit`` (or ``training.twins.build_twins``),
    never by ``if impl == "scratch": … else: …``; style tables keyed by a twin's name are not comparisons."""
    assert len(_checked_files()) > 10
    offenders = []
    for path in _checked_files():
        relative = path.relative_to(ROOT).as_posix()
        for segment in _twin_name_comparisons(path):
            offenders.append((relative, segment))
    assert not offenders, "compares with a twin's name (use twin_nets.kit):\n" + "\n".join(
        f"  {path}: {segment}" for path, segment in offenders
    )

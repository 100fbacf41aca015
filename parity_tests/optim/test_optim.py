"""C3.2.1: scratch.optim against torch.optim: trajectories for every option, state moved between the twins,
the textbook momentum rule, hyper-parameter checks, param groups, state dicts, in-place float32 updates.

The problem: three parameters of different shapes (a weight, a 1-D bias, a 3-D kernel) and a loss made of
N_BATCHES "mini-batches",

    E_k(w) = Σ_p Σ (½ A_kp ⊙ p² + C_kp ⊙ sin p) + κ (Σ weight)(Σ bias),

A_kp > 0 and C_kp drawn once. Step t uses batch k = t mod N_BATCHES (mini-batch SGD), or the mean of all
batches (full-batch GD). Each twin computes its own gradient from its own current parameters: the scratch
twin by hand in NumPy, the torch twin with autograd. This closed loop proves more than feeding both the
same gradient: a discrepancy in one step changes the next gradient and would grow instead of being reset,
the scratch optimizer must update the very arrays the gradient code reads (in place), and every step's
parameters are compared, not only the last.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
import torch

import scratch.optim as sopt
import torch_impl.optim as topt
from parity_tests.parity import DTYPES, TORCH_DTYPE, assert_twin_close, to_torch
from scratch.nn.module import Parameter
from torch_impl.optim import state_dict_to_torch

SHAPES = ((3, 4), (3,), (2, 3, 2))
NAMES = ("weight", "bias", "kernel")
N_BATCHES = 4
N_STEPS = 20  # the contract: trajectories over N >= 20 steps
K_INJECT = 7  # steps run by one twin before its state moves into the other


@dataclass(frozen=True)
class Problem:
    init: tuple[np.ndarray, ...]
    A: tuple[np.ndarray, ...]  # (N_BATCHES, *shape) per parameter
    C: tuple[np.ndarray, ...]
    kappa: float
    full_batch: bool

    def coefficients(self, t: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
        if self.full_batch:
            return [a.mean(axis=0) for a in self.A], [c.mean(axis=0) for c in self.C]
        k = t % N_BATCHES
        return [a[k] for a in self.A], [c[k] for c in self.C]


def make_problem(rng: np.random.Generator, dtype: Any, full_batch: bool = False) -> Problem:
    return Problem(
        init=tuple(rng.standard_normal(s).astype(dtype) for s in SHAPES),
        A=tuple(rng.uniform(0.5, 2.0, (N_BATCHES, *s)).astype(dtype) for s in SHAPES),
        C=tuple(rng.uniform(-1.0, 1.0, (N_BATCHES, *s)).astype(dtype) for s in SHAPES),
        kappa=0.1,
        full_batch=full_batch,
    )


def scratch_gradients(problem: Problem, arrays: list[np.ndarray], t: int) -> list[np.ndarray]:
    """∂E_k/∂p by hand: A ⊙ p + C ⊙ cos p, plus the coupling κ Σ(other)."""
    A, C = problem.coefficients(t)
    grads = [a * w + c * np.cos(w) for w, a, c in zip(arrays, A, C, strict=True)]
    grads[0] += problem.kappa * arrays[1].sum()
    grads[1] += problem.kappa * arrays[0].sum()
    return grads


def torch_loss(problem: Problem, tensors: list[torch.Tensor], t: int) -> torch.Tensor:
    A, C = problem.coefficients(t)
    device = tensors[0].device
    loss = problem.kappa * tensors[0].sum() * tensors[1].sum()
    for w, a, c in zip(tensors, A, C, strict=True):
        loss = loss + (0.5 * to_torch(a, device) * w * w + to_torch(c, device) * torch.sin(w)).sum()
    return loss


def scratch_step(optimizer: Any, params: list[Parameter], problem: Problem, t: int) -> None:
    optimizer.zero_grad()
    for p, g in zip(params, scratch_gradients(problem, [p.data for p in params], t), strict=True):
        p.grad += g  # as a backward pass would: accumulate into the zeroed grad
    optimizer.step()


def torch_step(
    optimizer: torch.optim.Optimizer, tensors: list[torch.Tensor], problem: Problem, t: int
) -> None:
    optimizer.zero_grad()
    torch_loss(problem, tensors, t).backward()
    optimizer.step()


def scratch_params(arrays: Any) -> list[Parameter]:
    return [Parameter(np.array(a, copy=True)) for a in arrays]


def torch_params(arrays: Any, device: str) -> list[torch.Tensor]:
    return [to_torch(np.asarray(a), device, requires_grad=True) for a in arrays]


def as_groups(params: list[Any], overrides: dict[str, Any] | None) -> list[Any]:
    """All parameters in one group, or the weight in a group of its own with ``overrides``."""
    if overrides is None:
        return params
    return [{"params": [params[0]], **overrides}, {"params": params[1:]}]


def run_twins(
    what: str,
    scratch_opt: Any,
    torch_opt: torch.optim.Optimizer,
    s_params: list[Parameter],
    t_params: list[torch.Tensor],
    problem: Problem,
    start: int = 0,
    steps: int = N_STEPS,
) -> float:
    """Step both twins ``steps`` times, comparing every parameter after every step.

    Returns the largest relative discrepancy seen, max |scratch − torch| / max(|torch|, 1e-12), for reports.
    """
    worst = 0.0
    for t in range(start, start + steps):
        scratch_step(scratch_opt, s_params, problem, t)
        torch_step(torch_opt, t_params, problem, t)
        for name, p, tp in zip(NAMES, s_params, t_params, strict=True):
            assert_twin_close(p.data, tp, f"{what}: {name} after step {t + 1}", kind="trajectory")
            expected = tp.detach().cpu().numpy()
            worst = max(worst, float(np.max(np.abs(p.data - expected) / np.maximum(np.abs(expected), 1e-12))))
    return worst


def assert_states_match(what: str, scratch_sd: dict[str, Any], torch_sd: dict[str, Any]) -> None:
    """Same parameter indices, same torch state keys, same values; same hyper-parameters."""
    assert sorted(scratch_sd["state"]) == sorted(torch_sd["state"]), f"{what}: state indices differ"
    for index, torch_entry in torch_sd["state"].items():
        entry = scratch_sd["state"][index]
        assert list(entry) == list(torch_entry), f"{what}: state keys {list(entry)} != {list(torch_entry)}"
        for key, value in torch_entry.items():
            if key == "step":
                assert entry[key] == float(value), f"{what}: step {entry[key]} != {float(value)}"
            else:
                assert_twin_close(entry[key], value, f"{what}: state[{index}][{key!r}]", kind="trajectory")
    for group, torch_group in zip(scratch_sd["param_groups"], torch_sd["param_groups"], strict=True):
        for key, value in group.items():
            assert torch_group[key] == value, (
                f"{what}: param group {key!r}: {value!r} != {torch_group[key]!r}"
            )


# One row per option of every scratch optimizer: (class name in both packages, kwargs, full batch?).
TRAJECTORIES = [
    pytest.param("SGD", {"lr": 0.1}, True, id="C3.2.1-gd"),
    pytest.param("SGD", {}, True, id="C3.2.1-gd-defaults"),
    pytest.param("SGD", {"lr": 0.1}, False, id="C3.2.1-sgd"),
    pytest.param("SGD", {"lr": 0.1, "weight_decay": 0.1}, False, id="C3.2.1-sgd-weight-decay"),
    pytest.param("SGD", {"lr": 0.05, "maximize": True}, False, id="C3.2.1-sgd-maximize"),
    pytest.param("SGD", {"lr": 0.05, "momentum": 0.9}, False, id="C3.2.1-momentum"),
    pytest.param(
        "SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.3}, False, id="C3.2.1-momentum-dampening"
    ),
    pytest.param(
        "SGD",
        {"lr": 0.05, "momentum": 0.8, "dampening": 0.1, "weight_decay": 0.2, "maximize": True},
        False,
        id="C3.2.1-momentum-weight-decay-maximize",
    ),
    pytest.param("TextbookMomentum", {"lr": 0.05}, False, id="C3.2.1-momentum-textbook"),
    pytest.param("TextbookMomentum", {"lr": 0.02, "momentum": 0.5}, False, id="C3.2.1-momentum-textbook-mu"),
    pytest.param("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True}, False, id="C3.2.1-nesterov"),
    pytest.param(
        "SGD",
        {"lr": 0.05, "momentum": 0.7, "nesterov": True, "weight_decay": 0.1, "maximize": True},
        False,
        id="C3.2.1-nesterov-weight-decay-maximize",
    ),
    pytest.param("Adagrad", {}, False, id="C3.2.1-adagrad-defaults"),
    pytest.param("Adagrad", {"lr": 0.1}, False, id="C3.2.1-adagrad"),
    pytest.param("Adagrad", {"lr": 0.1, "lr_decay": 0.05}, False, id="C3.2.1-adagrad-lr-decay"),
    pytest.param(
        "Adagrad",
        {"lr": 0.1, "initial_accumulator_value": 0.5, "weight_decay": 0.1, "eps": 1e-3},
        False,
        id="C3.2.1-adagrad-initial-accumulator-weight-decay-eps",
    ),
    pytest.param("Adagrad", {"lr": 0.05, "maximize": True}, False, id="C3.2.1-adagrad-maximize"),
    pytest.param("RMSprop", {}, False, id="C3.2.1-rmsprop-defaults"),
    pytest.param("RMSprop", {"lr": 0.01, "alpha": 0.9, "eps": 1e-4}, False, id="C3.2.1-rmsprop-alpha-eps"),
    pytest.param("RMSprop", {"lr": 0.01, "centered": True}, False, id="C3.2.1-rmsprop-centered"),
    pytest.param("RMSprop", {"lr": 0.01, "momentum": 0.9}, False, id="C3.2.1-rmsprop-momentum"),
    pytest.param(
        "RMSprop",
        {"lr": 0.01, "alpha": 0.95, "momentum": 0.5, "centered": True, "weight_decay": 0.1},
        False,
        id="C3.2.1-rmsprop-centered-momentum-weight-decay",
    ),
    pytest.param("RMSprop", {"lr": 0.005, "maximize": True}, False, id="C3.2.1-rmsprop-maximize"),
    pytest.param("Adam", {}, False, id="C3.2.1-adam-defaults"),
    pytest.param("Adam", {"lr": 0.05, "betas": (0.8, 0.99), "eps": 1e-6}, False, id="C3.2.1-adam"),
    pytest.param("Adam", {"lr": 0.05, "weight_decay": 0.1}, False, id="C3.2.1-adam-weight-decay"),
    pytest.param("Adam", {"lr": 0.05, "amsgrad": True}, False, id="C3.2.1-adam-amsgrad"),
    pytest.param(
        "Adam",
        {"lr": 0.02, "amsgrad": True, "weight_decay": 0.1, "maximize": True},
        False,
        id="C3.2.1-adam-amsgrad-weight-decay-maximize",
    ),
    pytest.param("AdamW", {}, False, id="C3.2.1-adamw-defaults"),
    pytest.param("AdamW", {"lr": 0.05, "weight_decay": 0.3}, False, id="C3.2.1-adamw"),
    pytest.param("AdamW", {"lr": 0.05, "weight_decay": 0.0}, False, id="C3.2.1-adamw-no-decay"),
    pytest.param(
        "AdamW",
        {"lr": 0.05, "betas": (0.5, 0.9), "eps": 1e-4, "amsgrad": True, "weight_decay": 0.2},
        False,
        id="C3.2.1-adamw-amsgrad-betas-eps",
    ),
    pytest.param("AdamW", {"lr": 0.02, "maximize": True}, False, id="C3.2.1-adamw-maximize"),
]


@pytest.mark.parametrize("dtype", DTYPES, ids=["float64", "float32"])
@pytest.mark.parametrize(("name", "kwargs", "full_batch"), TRAJECTORIES)
def test_trajectory_matches_torch(name, kwargs, full_batch, dtype, device, rng, request):
    """From empty state: same initial parameters, N_STEPS steps, every parameter compared every step;
    then the two state dicts (torch's keys, values) and the hyper-parameters (torch's names, defaults)."""
    what = request.node.callspec.id
    problem = make_problem(rng, dtype, full_batch)
    s_params, t_params = scratch_params(problem.init), torch_params(problem.init, device)
    scratch_opt = getattr(sopt, name)(s_params, **kwargs)
    torch_opt = getattr(topt, name)(t_params, **kwargs)
    assert_states_match(f"{what} before any step", scratch_opt.state_dict(), torch_opt.state_dict())
    run_twins(what, scratch_opt, torch_opt, s_params, t_params, problem)
    assert_states_match(f"{what} after {N_STEPS} steps", scratch_opt.state_dict(), torch_opt.state_dict())
    moved = max(float(np.abs(p.data - a).max()) for p, a in zip(s_params, problem.init, strict=True))
    assert moved > 1e-3, f"{what}: the parameters hardly moved ({moved:.1e}); the test would prove little"


@pytest.mark.parametrize("dtype", DTYPES, ids=["float64", "float32"])
@pytest.mark.parametrize("direction", ["torch-to-scratch", "scratch-to-torch"])
@pytest.mark.parametrize(("name", "kwargs", "full_batch"), TRAJECTORIES)
def test_trajectory_continues_from_injected_state(
    name, kwargs, full_batch, direction, dtype, device, rng, request
):
    """One twin runs K_INJECT steps alone; its parameters and optimizer state move into a fresh other twin
    (torch state dict → scratch.load_state_dict as it is; scratch → state_dict_to_torch → torch); then both
    continue for N_STEPS steps in lockstep."""
    what = request.node.callspec.id
    problem = make_problem(rng, dtype, full_batch)
    if direction == "torch-to-scratch":
        t_params = torch_params(problem.init, device)
        torch_opt = getattr(topt, name)(t_params, **kwargs)
        for t in range(K_INJECT):
            torch_step(torch_opt, t_params, problem, t)
        s_params = scratch_params(tp.detach().cpu().numpy() for tp in t_params)
        scratch_opt = getattr(sopt, name)(s_params, **kwargs)
        scratch_opt.load_state_dict(torch_opt.state_dict())
    else:
        s_params = scratch_params(problem.init)
        scratch_opt = getattr(sopt, name)(s_params, **kwargs)
        for t in range(K_INJECT):
            scratch_step(scratch_opt, s_params, problem, t)
        t_params = torch_params([p.data for p in s_params], device)
        torch_opt = getattr(topt, name)(t_params, **kwargs)
        torch_opt.load_state_dict(state_dict_to_torch(scratch_opt.state_dict()))
    assert_states_match(f"{what} after the move", scratch_opt.state_dict(), torch_opt.state_dict())
    run_twins(what, scratch_opt, torch_opt, s_params, t_params, problem, start=K_INJECT)


# Param groups: the weight in its own group with a different lr (and one more override), the rest default.
GROUPS = [
    pytest.param("SGD", {"lr": 0.1}, {"lr": 0.02, "momentum": 0.9}, id="C3.2.1-momentum-param-groups"),
    pytest.param(
        "SGD", {"lr": 0.05, "momentum": 0.9}, {"lr": 0.01, "nesterov": True}, id="C3.2.1-nesterov-groups"
    ),
    pytest.param("TextbookMomentum", {"lr": 0.05}, {"lr": 0.01}, id="C3.2.1-momentum-textbook-param-groups"),
    pytest.param("Adagrad", {"lr": 0.1}, {"lr": 0.3, "lr_decay": 0.1}, id="C3.2.1-adagrad-param-groups"),
    pytest.param("RMSprop", {"lr": 0.01}, {"lr": 0.003, "centered": True}, id="C3.2.1-rmsprop-param-groups"),
    pytest.param("Adam", {"lr": 0.05}, {"lr": 0.01, "amsgrad": True}, id="C3.2.1-adam-param-groups"),
    pytest.param("AdamW", {"lr": 0.05}, {"lr": 0.2, "weight_decay": 0.5}, id="C3.2.1-adamw-param-groups"),
]


@pytest.mark.parametrize("dtype", DTYPES, ids=["float64", "float32"])
@pytest.mark.parametrize(("name", "kwargs", "overrides"), GROUPS)
def test_param_groups_match_torch(name, kwargs, overrides, dtype, device, rng, request):
    what = request.node.callspec.id
    problem = make_problem(rng, dtype)
    s_params, t_params = scratch_params(problem.init), torch_params(problem.init, device)
    scratch_opt = getattr(sopt, name)(as_groups(s_params, overrides), **kwargs)
    torch_opt = getattr(topt, name)(as_groups(t_params, overrides), **kwargs)
    assert [g["lr"] for g in scratch_opt.param_groups] == [overrides["lr"], kwargs["lr"]]
    run_twins(what, scratch_opt, torch_opt, s_params, t_params, problem)
    assert_states_match(what, scratch_opt.state_dict(), torch_opt.state_dict())


# torch takes lr and betas as 1-element tensors too (with foreach=False) and keeps them as tensors in its
# state dict; loaded into a scratch optimizer as they are, each step turns them into Python numbers.
TENSOR_HYPERPARAMETERS = [
    pytest.param("Adam", {"lr": 0.05, "betas": (0.8, 0.99)}, id="C3.2.1-adam-tensor-lr-betas"),
    pytest.param(
        "AdamW", {"lr": 0.05, "betas": (0.5, 0.9), "weight_decay": 0.2}, id="C3.2.1-adamw-tensor-lr-betas"
    ),
    pytest.param("SGD", {"lr": 0.05, "momentum": 0.9}, id="C3.2.1-momentum-tensor-lr"),
]


@pytest.mark.parametrize("dtype", DTYPES, ids=["float64", "float32"])
@pytest.mark.parametrize(("name", "kwargs"), TENSOR_HYPERPARAMETERS)
def test_torch_state_with_tensor_hyperparameters_continues_in_scratch(
    name, kwargs, dtype, device, rng, request
):
    """The tensors are of the parameters' dtype: torch computes with a tensor hyper-parameter in its
    dtype (β₁ᵗ of a float32 β₁ in float32), so only then is the float64 contract torch's own arithmetic."""
    what = request.node.callspec.id

    def tensor(value: float) -> torch.Tensor:
        return torch.tensor(value, dtype=TORCH_DTYPE[dtype])

    as_tensors = {"lr": tensor(kwargs["lr"])}
    if "betas" in kwargs:
        as_tensors["betas"] = tuple(tensor(beta) for beta in kwargs["betas"])
    problem = make_problem(rng, dtype)
    t_params = torch_params(problem.init, device)
    torch_opt = getattr(topt, name)(t_params, **{**kwargs, **as_tensors}, foreach=False)
    for t in range(K_INJECT):
        torch_step(torch_opt, t_params, problem, t)
    saved = torch_opt.state_dict()
    assert isinstance(saved["param_groups"][0]["lr"], torch.Tensor), f"{what}: torch kept no tensor"
    s_params = scratch_params(tp.detach().cpu().numpy() for tp in t_params)
    scratch_opt = getattr(sopt, name)(s_params, **kwargs)
    scratch_opt.load_state_dict(saved)
    run_twins(what, scratch_opt, torch_opt, s_params, t_params, problem, start=K_INJECT)
    for p in s_params:
        assert p.data.dtype == np.dtype(dtype), f"{what}: a parameter became {p.data.dtype}"


@pytest.mark.parametrize("dtype", DTYPES, ids=["float64", "float32"])
@pytest.mark.parametrize("momentum", [0.9, 0.5])
def test_textbook_momentum_walks_torchs_sgd_path(momentum, dtype, device, rng):
    """C3.2.1-momentum: v ← μv − ηg, w ← w + v against torch's SGD(momentum=μ, dampening=0), b ← μb + g,
    w ← w − ηb: the same path for a constant η, with v = −η b at every step."""
    lr = 0.05
    problem = make_problem(rng, dtype)
    s_params, t_params = scratch_params(problem.init), torch_params(problem.init, device)
    textbook = sopt.TextbookMomentum(s_params, lr=lr, momentum=momentum)
    torch_sgd = topt.SGD(t_params, lr=lr, momentum=momentum, dampening=0)
    for t in range(N_STEPS):
        run_twins(
            f"C3.2.1-momentum textbook vs torch SGD, μ={momentum}",
            textbook,
            torch_sgd,
            s_params,
            t_params,
            problem,
            start=t,
            steps=1,
        )
        for name, p, tp in zip(NAMES, s_params, t_params, strict=True):
            assert_twin_close(
                textbook.state[p]["velocity"],
                -lr * torch_sgd.state[tp]["momentum_buffer"],
                f"C3.2.1-momentum: velocity of {name} != −η · torch's momentum_buffer after step {t + 1}",
                kind="trajectory",
            )


def test_textbook_momentum_parts_from_torch_when_lr_changes(rng):
    """The equality needs a constant η: after the lr drops, torch rescales its whole buffer by the new η
    while the textbook velocity keeps the old steps' η. Both twins of TextbookMomentum still agree."""
    problem = make_problem(rng, np.float64)
    s_params, t_params, t_params2 = (
        scratch_params(problem.init),
        torch_params(problem.init, "cpu"),
        torch_params(problem.init, "cpu"),
    )
    textbook = sopt.TextbookMomentum(s_params, lr=0.05, momentum=0.9)
    torch_textbook = topt.TextbookMomentum(t_params, lr=0.05, momentum=0.9)
    torch_sgd = topt.SGD(t_params2, lr=0.05, momentum=0.9)
    for t in range(N_STEPS):
        if t == N_STEPS // 2:
            for optimizer in (textbook, torch_textbook, torch_sgd):
                optimizer.param_groups[0]["lr"] = 0.005
        run_twins(
            "C3.2.1-momentum-textbook lr drop", textbook, torch_textbook, s_params, t_params, problem, t, 1
        )
        torch_step(torch_sgd, t_params2, problem, t)
    gap = max(float((p - q).detach().abs().max()) for p, q in zip(t_params, t_params2, strict=True))
    assert gap > 1e-3, (
        f"C3.2.1-momentum: textbook and torch SGD paths should part after an lr drop, gap {gap}"
    )


# Hyper-parameters torch rejects with ValueError: the scratch twin must reject them too, naming the argument.
INVALID = [
    pytest.param("SGD", {"lr": -0.1}, "lr", id="C3.2.1-sgd-negative-lr"),
    pytest.param("SGD", {"momentum": -0.5}, "momentum", id="C3.2.1-momentum-negative"),
    pytest.param("SGD", {"weight_decay": -1e-4}, "weight_decay", id="C3.2.1-sgd-negative-weight-decay"),
    pytest.param("SGD", {"nesterov": True}, "momentum > 0", id="C3.2.1-nesterov-without-momentum"),
    pytest.param(
        "SGD",
        {"momentum": 0.9, "dampening": 0.1, "nesterov": True},
        "momentum > 0",
        id="C3.2.1-nesterov-dampening",
    ),
    pytest.param("TextbookMomentum", {"lr": -0.1}, "lr", id="C3.2.1-momentum-textbook-negative-lr"),
    pytest.param(
        "TextbookMomentum", {"lr": 0.1, "momentum": -0.1}, "momentum", id="C3.2.1-momentum-textbook-mu"
    ),
    pytest.param("Adagrad", {"lr": -0.1}, "lr", id="C3.2.1-adagrad-negative-lr"),
    pytest.param("Adagrad", {"lr": float("nan")}, "lr", id="C3.2.1-adagrad-nan-lr"),
    pytest.param("Adagrad", {"lr_decay": -0.1}, "lr_decay", id="C3.2.1-adagrad-negative-lr-decay"),
    pytest.param(
        "Adagrad", {"weight_decay": -0.1}, "weight_decay", id="C3.2.1-adagrad-negative-weight-decay"
    ),
    pytest.param(
        "Adagrad",
        {"initial_accumulator_value": -1.0},
        "initial_accumulator_value",
        id="C3.2.1-adagrad-negative-initial-accumulator",
    ),
    pytest.param("Adagrad", {"eps": -1e-10}, "eps", id="C3.2.1-adagrad-negative-eps"),
    pytest.param("RMSprop", {"lr": -0.1}, "lr", id="C3.2.1-rmsprop-negative-lr"),
    pytest.param("RMSprop", {"alpha": -0.1}, "alpha", id="C3.2.1-rmsprop-negative-alpha"),
    pytest.param("RMSprop", {"eps": -1e-8}, "eps", id="C3.2.1-rmsprop-negative-eps"),
    pytest.param("RMSprop", {"momentum": -0.9}, "momentum", id="C3.2.1-rmsprop-negative-momentum"),
    pytest.param(
        "RMSprop", {"weight_decay": -0.1}, "weight_decay", id="C3.2.1-rmsprop-negative-weight-decay"
    ),
    pytest.param("Adam", {"lr": -1e-3}, "lr", id="C3.2.1-adam-negative-lr"),
    pytest.param("Adam", {"eps": -1e-8}, "eps", id="C3.2.1-adam-negative-eps"),
    pytest.param("Adam", {"betas": (1.0, 0.999)}, "betas[0]", id="C3.2.1-adam-beta1-one"),
    pytest.param("Adam", {"betas": (-0.1, 0.999)}, "betas[0]", id="C3.2.1-adam-beta1-negative"),
    pytest.param("Adam", {"betas": (0.9, 1.0)}, "betas[1]", id="C3.2.1-adam-beta2-one"),
    pytest.param("Adam", {"betas": (0, 0.999)}, "betas", id="C3.2.1-adam-beta-int"),
    pytest.param("Adam", {"weight_decay": -0.1}, "weight_decay", id="C3.2.1-adam-negative-weight-decay"),
    pytest.param("AdamW", {"betas": (0.9, 1.5)}, "betas[1]", id="C3.2.1-adamw-beta2-above-one"),
    pytest.param("AdamW", {"weight_decay": -0.01}, "weight_decay", id="C3.2.1-adamw-negative-weight-decay"),
    pytest.param("AdamW", {"lr": -1.0}, "lr", id="C3.2.1-adamw-negative-lr"),
    # NaN fails every "x >= 0" check, in both twins alike
    pytest.param("Adagrad", {"lr_decay": float("nan")}, "lr_decay", id="C3.2.1-adagrad-nan-lr-decay"),
    pytest.param("Adagrad", {"eps": float("nan")}, "eps", id="C3.2.1-adagrad-nan-eps"),
    pytest.param("RMSprop", {"lr": float("nan")}, "lr", id="C3.2.1-rmsprop-nan-lr"),
    pytest.param("RMSprop", {"alpha": float("nan")}, "alpha", id="C3.2.1-rmsprop-nan-alpha"),
    pytest.param("Adam", {"lr": float("nan")}, "lr", id="C3.2.1-adam-nan-lr"),
    pytest.param("Adam", {"eps": float("nan")}, "eps", id="C3.2.1-adam-nan-eps"),
    pytest.param("Adam", {"betas": (float("nan"), 0.9)}, "betas[0]", id="C3.2.1-adam-nan-beta1"),
    pytest.param("Adam", {"weight_decay": float("nan")}, "weight_decay", id="C3.2.1-adam-nan-weight-decay"),
    pytest.param("AdamW", {"weight_decay": float("nan")}, "weight_decay", id="C3.2.1-adamw-nan-weight-decay"),
]


@pytest.mark.parametrize(("name", "kwargs", "argument"), INVALID)
def test_invalid_hyperparameters_rejected_like_torch(name, kwargs, argument):
    with pytest.raises(ValueError):
        getattr(topt, name)([torch.zeros(2, requires_grad=True)], **kwargs)
    with pytest.raises(ValueError, match=rf"^{name}: expected {re.escape(argument)}(?!\w).*, got "):
        getattr(sopt, name)([Parameter(np.zeros(2))], **kwargs)


# Edge values torch accepts: the scratch twin must not be stricter.
ACCEPTED = [
    pytest.param("SGD", {"lr": 0.0, "dampening": -0.5}, id="C3.2.1-sgd-zero-lr-any-dampening"),
    pytest.param("SGD", {"momentum": 0.9, "nesterov": True}, id="C3.2.1-nesterov-valid"),
    pytest.param("Adagrad", {"lr": 0.0, "eps": 0.0}, id="C3.2.1-adagrad-zeros"),
    pytest.param("RMSprop", {"alpha": 1.5, "eps": 0.0}, id="C3.2.1-rmsprop-alpha-above-one"),
    pytest.param("Adam", {"betas": (0.0, 0.0), "eps": 0.0}, id="C3.2.1-adam-zero-betas"),
    pytest.param("AdamW", {"weight_decay": 0.0}, id="C3.2.1-adamw-zero-decay"),
    # torch's SGD checks "lr < 0.0", which NaN passes: accepted in both twins (listed in
    # docs/differences-from-torch.md as torch's own leniency, kept for parity)
    pytest.param("SGD", {"lr": float("nan")}, id="C3.2.1-sgd-nan-lr"),
    pytest.param("SGD", {"lr": float("inf")}, id="C3.2.1-sgd-inf-lr"),
    pytest.param(
        "SGD", {"momentum": float("nan"), "weight_decay": float("nan")}, id="C3.2.1-sgd-nan-momentum"
    ),
    pytest.param("SGD", {"dampening": 2.0}, id="C3.2.1-sgd-dampening-above-one"),
]


@pytest.mark.parametrize(("name", "kwargs"), ACCEPTED)
def test_edge_hyperparameters_accepted_like_torch(name, kwargs):
    torch_opt = getattr(topt, name)([torch.zeros(2, requires_grad=True)], **kwargs)
    scratch_opt = getattr(sopt, name)([Parameter(np.zeros(2))], **kwargs)
    for key, value in scratch_opt.defaults.items():
        same = torch_opt.defaults[key] == value or (value != value and torch_opt.defaults[key] != value)
        assert same, f"{name}: default {key}={value!r} != torch's"  # (NaN: both NaN)


# What may be passed as params: the same cases fail with the same exception type in both twins.
BAD_PARAMS = [
    pytest.param(lambda ps: [], ValueError, id="C3.2.1-gd-empty-params"),
    pytest.param(lambda ps: ps[0], TypeError, id="C3.2.1-gd-bare-parameter"),
    pytest.param(lambda ps: [ps[0], "weight"], TypeError, id="C3.2.1-gd-not-a-parameter"),
    pytest.param(lambda ps: [{"params": {ps[0]}}], TypeError, id="C3.2.1-gd-params-as-set"),
    pytest.param(
        lambda ps: [{"params": [ps[0]]}, {"params": [ps[0], ps[1]]}],
        ValueError,
        id="C3.2.1-gd-duplicate-params",
    ),
]


@pytest.mark.parametrize(("make", "error"), BAD_PARAMS)
def test_bad_params_rejected_like_torch(make: Callable[[list[Any]], Any], error: type[Exception]):
    with pytest.raises(error):
        topt.SGD(make([torch.zeros(2, requires_grad=True), torch.zeros(3, requires_grad=True)]))
    with pytest.raises(error, match=r"^SGD: "):
        sopt.SGD(make([Parameter(np.zeros(2)), Parameter(np.zeros(3))]))


@pytest.mark.parametrize("dtype", DTYPES, ids=["float64", "float32"])
@pytest.mark.parametrize(("name", "kwargs", "full_batch"), TRAJECTORIES)
def test_updates_in_place_without_upcast(name, kwargs, full_batch, dtype, rng, request):
    """Parameters keep their array (identity) and dtype; state arrays share the dtype; step never writes
    p.grad (maximize and weight decay work on a copy)."""
    what = request.node.callspec.id
    problem = make_problem(rng, dtype, full_batch)
    s_params = scratch_params(problem.init)
    arrays = [p.data for p in s_params]
    optimizer = getattr(sopt, name)(s_params, **kwargs)
    for t in range(3):
        optimizer.zero_grad()
        for p, g in zip(s_params, scratch_gradients(problem, arrays, t), strict=True):
            p.grad += g
        grads = [p.grad.copy() for p in s_params]
        optimizer.step()
        for p, array, grad in zip(s_params, arrays, grads, strict=True):
            assert p.data is array, f"{what}: step replaced the parameter's array instead of updating it"
            assert p.data.dtype == dtype, f"{what}: parameter dtype {p.data.dtype} != {np.dtype(dtype)}"
            np.testing.assert_array_equal(p.grad, grad, err_msg=f"{what}: step changed p.grad")
    for entry in optimizer.state.values():
        for key, value in entry.items():
            if isinstance(value, np.ndarray):
                assert value.dtype == dtype, f"{what}: state {key!r} has dtype {value.dtype}"


def _is_plain(value: Any) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, (int, str)) and _is_plain(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return all(_is_plain(v) for v in value)
    return value is None or isinstance(value, (bool, int, float, str, np.ndarray))


@pytest.mark.parametrize(("name", "kwargs", "full_batch"), TRAJECTORIES)
def test_state_dict_round_trip_preserves_trajectory_exactly(name, kwargs, full_batch, rng, request):
    """Save after K_INJECT steps, through torch.save / torch.load(weights_only=True); a fresh optimizer on
    the saved parameters then walks bit for bit the path of the original. The state dict holds only plain
    values and copies (the original's later steps must not leak into it)."""
    what = request.node.callspec.id
    problem = make_problem(rng, np.float64, full_batch)
    params = scratch_params(problem.init)
    optimizer = getattr(sopt, name)(params, **kwargs)
    for t in range(K_INJECT):
        scratch_step(optimizer, params, problem, t)
    state_dict = optimizer.state_dict()
    assert _is_plain(state_dict), f"{what}: state dict holds more than plain dicts, lists, numbers, arrays"
    buffer = io.BytesIO()
    torch.save(state_dict_to_torch(state_dict), buffer)
    buffer.seek(0)
    saved = torch.load(buffer, weights_only=True)
    copies = scratch_params(p.data for p in params)
    path = []
    for t in range(K_INJECT, K_INJECT + N_STEPS):
        scratch_step(optimizer, params, problem, t)
        path.append([p.data.copy() for p in params])
    for source, loaded in (("state_dict()", state_dict), ("torch.save/torch.load", saved)):
        restored_params = scratch_params(p.data for p in copies)
        restored = getattr(sopt, name)(
            restored_params, **{**kwargs, "lr": 123.0}
        )  # lr comes back from the dict
        restored.load_state_dict(loaded)
        for t, expected in zip(range(K_INJECT, K_INJECT + N_STEPS), path, strict=True):
            scratch_step(restored, restored_params, problem, t)
            for label, p, e in zip(NAMES, restored_params, expected, strict=True):
                np.testing.assert_array_equal(
                    p.data, e, err_msg=f"{what} via {source}: {label} after step {t + 1}"
                )


def _adam_state_dict(rng: np.random.Generator) -> tuple[Any, dict[str, Any]]:
    problem = make_problem(rng, np.float64)
    params = scratch_params(problem.init)
    optimizer = sopt.Adam(params, lr=0.05, amsgrad=True)
    for t in range(3):
        scratch_step(optimizer, params, problem, t)
    return optimizer, optimizer.state_dict()


def _drop_group(sd):
    sd["param_groups"].append({**sd["param_groups"][0], "params": []})


def _short_group(sd):
    sd["param_groups"][0]["params"].pop()


def _bad_shape(sd):
    sd["state"][1]["exp_avg"] = np.zeros((4,))


def _unknown_key(sd):
    sd["state"][0]["momentum_buffer"] = np.zeros(SHAPES[0])


def _unknown_index(sd):
    sd["state"][7] = sd["state"].pop(2)


def _unknown_hyperparameter(sd):
    sd["param_groups"][0]["momentum"] = 0.9


def _adamw_rule(sd):
    sd["param_groups"][0]["decoupled_weight_decay"] = True


CORRUPT = [
    pytest.param(
        _drop_group, r"expected 1 parameter group\(s\), got 2", True, id="C3.2.1-adam-load-group-count"
    ),
    pytest.param(
        _short_group, r"expected 3 parameter\(s\) in group 0, got 2", True, id="C3.2.1-adam-load-group-size"
    ),
    pytest.param(
        _bad_shape,
        r"'exp_avg' of parameter 1 to have shape \(3,\), got \(4,\)",
        False,
        id="C3.2.1-adam-load-shape",
    ),
    pytest.param(
        _unknown_key, r"state keys among .*got 'momentum_buffer'", False, id="C3.2.1-adam-load-state-key"
    ),
    pytest.param(
        _unknown_index,
        r"parameter indices \[0, 1, 2\], got state for index 7",
        False,
        id="C3.2.1-adam-load-index",
    ),
    pytest.param(
        _unknown_hyperparameter,
        r"hyper-parameters among .*got 'momentum'",
        False,
        id="C3.2.1-adam-load-hyperparameter",
    ),
    pytest.param(
        _adamw_rule, r"expected decoupled_weight_decay=False", False, id="C3.2.1-adam-load-adamw-rule"
    ),
]


@pytest.mark.parametrize(("corrupt", "message", "torch_raises"), CORRUPT)
def test_load_state_dict_rejects_mismatches(corrupt, message, torch_raises, rng):
    """Each corruption is refused with a message naming it, and nothing is loaded; where torch checks the
    same thing (group count and size) it raises ValueError too."""
    optimizer, state_dict = _adam_state_dict(rng)
    corrupt(state_dict)
    before = optimizer.state_dict()
    with pytest.raises(ValueError, match=message):
        optimizer.load_state_dict(state_dict)
    after = optimizer.state_dict()
    assert after["param_groups"] == before["param_groups"]
    for index, entry in before["state"].items():
        for key, value in entry.items():
            np.testing.assert_array_equal(after["state"][index][key], value)
    if torch_raises:
        torch_opt = topt.Adam(torch_params([p.data for p in optimizer._parameters()], "cpu"), lr=0.05)
        with pytest.raises(ValueError):
            torch_opt.load_state_dict(state_dict_to_torch(state_dict))


def test_torch_adamw_state_loads_into_scratch_adamw_not_adam(rng):
    """A torch AdamW state dict carries decoupled_weight_decay=True: scratch AdamW takes it, Adam refuses."""
    problem = make_problem(rng, np.float64)
    t_params = torch_params(problem.init, "cpu")
    torch_opt = topt.AdamW(t_params, lr=0.05)
    torch_step(torch_opt, t_params, problem, 0)
    sopt.AdamW(scratch_params(problem.init)).load_state_dict(torch_opt.state_dict())
    with pytest.raises(ValueError, match="decoupled_weight_decay"):
        sopt.Adam(scratch_params(problem.init)).load_state_dict(torch_opt.state_dict())


def test_zero_grad_and_closure(rng):
    """zero_grad fills every .grad with zeros in place; step(closure) returns the closure's value."""
    params = scratch_params(make_problem(rng, np.float64).init)
    optimizer = sopt.SGD([{"params": params[:1]}, {"params": params[1:], "lr": 0.5}], lr=0.1)
    grads = [p.grad for p in params]
    for p in params:
        p.grad += 1.0
    optimizer.zero_grad()
    for p, grad in zip(params, grads, strict=True):
        assert p.grad is grad and not p.grad.any(), "C3.2.1-gd: zero_grad must zero .grad in place"
    assert optimizer.step(lambda: 4.5) == 4.5


# ---------------------------------------------------------------------------------------------- groups
def test_adagrad_added_group_starts_from_the_constructors_accumulator():
    """torch's Adagrad._init_group fills a new group's ``sum`` from ``self.defaults``, not from the group's
    own initial_accumulator_value: constructor 0.2, group 0.5, g = 1 gives sum 1.2 in both twins."""
    s_params, t_params = (
        scratch_params((np.zeros(1), np.zeros(1))),
        torch_params((np.zeros(1), np.zeros(1)), "cpu"),
    )
    scratch_opt = sopt.Adagrad([s_params[0]], lr=1.0, initial_accumulator_value=0.2)
    torch_opt = topt.Adagrad([t_params[0]], lr=1.0, initial_accumulator_value=0.2)
    scratch_opt.add_param_group({"params": [s_params[1]], "initial_accumulator_value": 0.5})
    torch_opt.add_param_group({"params": [t_params[1]], "initial_accumulator_value": 0.5})
    for p, q in zip(s_params, t_params, strict=True):
        p.grad[...] = 1.0
        q.grad = torch.ones_like(q)
    scratch_opt.step()
    torch_opt.step()
    assert_states_match("C3.2.1-adagrad add_param_group", scratch_opt.state_dict(), torch_opt.state_dict())
    np.testing.assert_array_equal(scratch_opt.state[s_params[1]]["sum"], [1.2])
    assert scratch_opt.param_groups[1]["initial_accumulator_value"] == 0.5  # kept, as torch keeps it


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        pytest.param("SGD", {"lr": 1.0}, id="C3.2.1-sgd-duplicate-in-group"),
        pytest.param("SGD", {"lr": 0.5, "momentum": 0.5}, id="C3.2.1-momentum-duplicate-in-group"),
        pytest.param("Adam", {"lr": 0.1}, id="C3.2.1-adam-duplicate-in-group"),
        pytest.param("Adagrad", {"lr": 1.0}, id="C3.2.1-adagrad-duplicate-in-group"),
    ],
)
def test_duplicate_parameter_in_a_group_warns_and_is_stepped_once(name, kwargs):
    """torch warns ("duplicate parameters"; a future error) and then visits the parameter twice per step;
    the scratch twin gives the same warning and keeps one copy, so it steps as torch does over [p]."""
    (s_param,), (t_param, t_twice) = scratch_params((np.zeros(2),)), torch_params((np.zeros(2),) * 2, "cpu")
    with pytest.warns(UserWarning, match="duplicate parameters"):
        scratch_opt = getattr(sopt, name)([s_param, s_param], **kwargs)
    with pytest.warns(UserWarning, match="duplicate parameters"):
        torch_twice = getattr(topt, name)([t_twice, t_twice], **kwargs)
    torch_once = getattr(topt, name)([t_param], **kwargs)
    assert scratch_opt.param_groups[0]["params"] == [s_param]
    for _ in range(3):
        s_param.grad[...] = [1.0, -2.0]
        t_param.grad = torch.tensor([1.0, -2.0], dtype=torch.float64)
        t_twice.grad = torch.tensor([1.0, -2.0], dtype=torch.float64)
        for optimizer in (scratch_opt, torch_once, torch_twice):
            optimizer.step()
        assert_twin_close(s_param.data, t_param, f"{name} duplicate parameter, stepped once")
    assert_states_match(f"{name} duplicate parameter", scratch_opt.state_dict(), torch_once.state_dict())
    assert not torch.allclose(t_twice, t_param)  # torch's own path: two steps per step()

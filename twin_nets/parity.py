"""The parity contract in code: the tolerance table (``twin_nets.contract``), one comparison helper.

Every parity test compares a scratch array with its torch twin through ``assert_twin_close``; no test
invents a tolerance of its own. It lives in the installed package (not in ``parity_tests/``) because the
notebooks use the same helpers, and a notebook has only what ``pip install -e ".[notebooks]"`` installs;
``parity_tests.parity`` re-exports it for the tests.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from twin_nets.contract import FINITE_DIFFERENCE_RTOL, PAIRED_TRAINING_ATOL, TOLERANCES, tolerance

__all__ = ["FINITE_DIFFERENCE_RTOL", "PAIRED_TRAINING_ATOL", "TOLERANCES", "tolerance"]  # re-exported

DTYPES = (np.float64, np.float32)
TORCH_DTYPE = {np.float64: torch.float64, np.float32: torch.float32}


def to_torch(
    array: np.ndarray, device: str | torch.device = "cpu", requires_grad: bool = False
) -> torch.Tensor:
    """A torch copy of a NumPy array (same dtype), on ``device``."""
    tensor = torch.from_numpy(np.array(array, order="C", copy=True)).to(device)
    return tensor.requires_grad_(requires_grad)


def assert_twin_close(actual: Any, expected: torch.Tensor | None, what: str, kind: str = "value") -> None:
    """Assert the scratch value ``actual`` equals its torch twin ``expected`` within the contract.

    Shape and dtype are checked before values; the message names ``what`` (concept and tensor).
    """
    assert expected is not None, f"{what}: the torch twin has no value (no gradient reached it?)"
    actual = np.asarray(actual)
    expected_np = expected.detach().cpu().numpy()
    assert actual.shape == expected_np.shape, (
        f"{what}: shape {actual.shape} (scratch) != {expected_np.shape} (torch)"
    )
    assert actual.dtype == expected_np.dtype, (
        f"{what}: dtype {actual.dtype} (scratch) != {expected_np.dtype} (torch)"
    )
    torch.testing.assert_close(
        torch.from_numpy(np.array(actual, order="C", copy=True)),
        torch.from_numpy(np.array(expected_np, order="C", copy=True)),
        **tolerance(actual.dtype, kind),
        equal_nan=True,
        msg=lambda m: f"{what}: scratch and torch differ\n{m}",
    )


def max_abs_diff(actual: np.ndarray, expected: torch.Tensor) -> float:
    """Largest absolute difference, for reports."""
    return float(
        np.max(np.abs(np.asarray(actual, np.float64) - expected.detach().cpu().double().numpy()), initial=0.0)
    )


def check_module_parity(
    what: str,
    scratch_module: Any,
    torch_module: torch.nn.Module,
    x: np.ndarray,
    rng: np.random.Generator,
    device: str | torch.device = "cpu",
) -> dict[str, float]:
    """Forward output, input gradient and every parameter gradient of two twins, under a random
    upstream gradient. The torch twin gets the scratch twin's weights through its state dict first.

    Returns the largest absolute difference per compared tensor, for reports.
    """
    from torch_impl.nn.state import load_numpy_state_dict

    load_numpy_state_dict(torch_module, scratch_module.state_dict())
    torch_module.to(device)
    scratch_module.zero_grad()
    x_t = to_torch(x, device, requires_grad=True)
    y = scratch_module(x)
    y_t = torch_module(x_t)
    assert_twin_close(y, y_t, f"{what}: output")
    upstream = rng.standard_normal(y.shape).astype(y.dtype)
    dx = scratch_module.backward(upstream)
    y_t.backward(to_torch(upstream, device))
    assert_twin_close(dx, x_t.grad, f"{what}: gradient of the input")
    diffs = {"output": max_abs_diff(y, y_t), "input.grad": max_abs_diff(dx, x_t.grad)}
    torch_parameters = dict(torch_module.named_parameters())
    scratch_parameters = dict(scratch_module.named_parameters())
    assert list(scratch_parameters) == list(torch_parameters), (
        f"{what}: parameter names differ: {list(scratch_parameters)} (scratch) "
        f"!= {list(torch_parameters)} (torch)"
    )
    for name, parameter in scratch_parameters.items():
        assert_twin_close(parameter.grad, torch_parameters[name].grad, f"{what}: gradient of {name}")
        diffs[f"{name}.grad"] = max_abs_diff(parameter.grad, torch_parameters[name].grad)
    return diffs

"""C3.2.3-clip-grad: clip_grad_norm_ against torch.nn.utils.clip_grad_norm_ — the total norm it returns
and the clipped gradients, for several norm types, with clipping active and not, float64 and float32."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from parity_tests.parity import DTYPES, TORCH_DTYPE, assert_twin_close, to_torch
from scratch.nn import Parameter
from scratch.nn.utils import clip_grad_norm_
from torch_impl.nn.utils import clip_grad_norm_ as torch_clip_grad_norm_

SHAPES = [(3, 4), (5,), (2, 1, 3)]
CASES = [  # (norm_type, max_norm): the gradients' total norm is a few units, so 0.5 clips and 1e3 does not
    pytest.param(2.0, 0.5, id="C3.2.3-clip-grad-l2-clips"),
    pytest.param(2.0, 1e3, id="C3.2.3-clip-grad-l2-below"),
    pytest.param(1.0, 0.5, id="C3.2.3-clip-grad-l1"),
    pytest.param(3.0, 0.5, id="C3.2.3-clip-grad-l3"),
    pytest.param(math.inf, 0.5, id="C3.2.3-clip-grad-inf"),
]


def _twins(rng, dtype):
    grads = [rng.standard_normal(shape).astype(dtype) for shape in SHAPES]
    scratch_params = [Parameter(np.zeros_like(g)) for g in grads]
    torch_params = [torch.zeros(g.shape, dtype=TORCH_DTYPE[dtype], requires_grad=True) for g in grads]
    for s, t, g in zip(scratch_params, torch_params, grads, strict=True):
        s.grad[...] = g
        t.grad = to_torch(g)
    return scratch_params, torch_params, grads


@pytest.mark.parametrize("dtype", DTYPES, ids=["float64", "float32"])
@pytest.mark.parametrize(("norm_type", "max_norm"), CASES)
def test_clip_grad_norm_matches_torch(norm_type, max_norm, dtype, rng):
    what = f"C3.2.3-clip-grad norm_type={norm_type} max_norm={max_norm} {dtype.__name__}"
    scratch_params, torch_params, grads = _twins(rng, dtype)
    total = clip_grad_norm_(scratch_params, max_norm, norm_type)
    total_t = torch_clip_grad_norm_(torch_params, max_norm, norm_type)
    assert_twin_close(total, total_t, f"{what}: total norm")
    for k, (s, t) in enumerate(zip(scratch_params, torch_params, strict=True)):
        assert_twin_close(s.grad, t.grad, f"{what}: clipped gradient {k}")
    clipped = np.concatenate([p.grad.ravel() for p in scratch_params])
    after = np.max(np.abs(clipped)) if norm_type == math.inf else np.linalg.norm(clipped, ord=norm_type)
    if float(total) > max_norm:  # the claim itself: the new total norm is max_norm (up to the 1e-6)
        assert after == pytest.approx(max_norm, rel=1e-5), what
    else:
        assert np.array_equal(clipped, np.concatenate([g.ravel() for g in grads])), f"{what}: changed"


def test_direction_is_kept_and_a_single_parameter_is_accepted():
    w = Parameter(np.zeros(2))
    w.grad[:] = [3.0, 4.0]
    assert float(clip_grad_norm_(w, 1.0)) == 5.0
    np.testing.assert_allclose(w.grad, [0.6, 0.8], rtol=1e-5)


def test_nonfinite_norm_raises_only_when_asked():
    w = Parameter(np.zeros(2))
    w.grad[:] = [np.inf, 1.0]
    with pytest.raises(RuntimeError, match="non-finite"):
        clip_grad_norm_([w], 1.0, error_if_nonfinite=True)
    assert not np.isfinite(clip_grad_norm_([w], 1.0))

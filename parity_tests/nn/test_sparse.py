"""C4.3-embedding: Embedding against torch.nn.Embedding — keys, forward, the weight gradient under a random
upstream gradient (repeated indices add up), padding_idx (its row starts at 0 and never learns)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import scratch.nn as snn
import torch_impl.nn as tnn
from parity_tests.parity import DTYPES, TORCH_DTYPE, assert_twin_close, to_torch
from torch_impl.nn.state import load_numpy_state_dict

CASES = [
    pytest.param((7,), None, id="C4.3-embedding-1d"),
    pytest.param((3, 5), None, id="C4.3-embedding-batch"),
    pytest.param((2, 6), 0, id="C4.3-embedding-padding"),
    pytest.param((4, 3), -1, id="C4.3-embedding-negative-padding"),
]


@pytest.mark.parametrize("dtype", DTYPES, ids=["float64", "float32"])
@pytest.mark.parametrize(("shape", "padding_idx"), CASES)
def test_embedding_matches_torch(shape, padding_idx, dtype, rng):
    what = f"C4.3-embedding shape={shape} padding_idx={padding_idx} {dtype.__name__}"
    scratch_emb = snn.Embedding(6, 4, padding_idx=padding_idx, dtype=dtype, rng=rng)
    torch_emb = tnn.Embedding(6, 4, padding_idx=padding_idx, dtype=TORCH_DTYPE[dtype])
    assert list(scratch_emb.state_dict()) == list(torch_emb.state_dict()) == ["weight"]
    assert scratch_emb.padding_idx == torch_emb.padding_idx
    if padding_idx is not None:
        assert not scratch_emb.weight.data[padding_idx].any(), f"{what}: padding row not zero at init"
    load_numpy_state_dict(torch_emb, scratch_emb.state_dict())
    x = rng.integers(0, 6, shape)
    x.flat[:3] = [1, 1, 5 if padding_idx is None else padding_idx % 6]  # a repeated index and the padding one
    y, y_t = scratch_emb(x), torch_emb(to_torch(x))
    assert_twin_close(y, y_t, f"{what}: output")
    upstream = rng.standard_normal(y.shape).astype(dtype)
    assert scratch_emb.backward(upstream) is None
    y_t.backward(to_torch(upstream))
    assert_twin_close(scratch_emb.weight.grad, torch_emb.weight.grad, f"{what}: gradient of weight")
    if padding_idx is not None:
        assert not scratch_emb.weight.grad[padding_idx].any(), f"{what}: the padding row learned"
    picked = np.isin(np.arange(6), x)
    assert not scratch_emb.weight.grad[~picked].any(), f"{what}: an unpicked row got a gradient"


def test_repeated_index_gets_both_gradients():
    """np.add.at, not W[x] += g: the row picked twice gets the sum (W[x] += g keeps one)."""
    emb = snn.Embedding(3, 1)
    emb(np.array([2, 2]))
    emb.backward(np.array([[1.0], [10.0]]))
    assert emb.weight.grad[2, 0] == 11.0


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: snn.Embedding(4, 2)(np.array([0.0])), TypeError, "integer indices"),
        (lambda: snn.Embedding(4, 2)(np.array([4])), IndexError, r"in \[0, 4\)"),
        (lambda: snn.Embedding(4, 2, padding_idx=4), ValueError, "padding_idx within"),
        (lambda: snn.Embedding(0, 2), ValueError, "num_embeddings to be a positive integer"),
    ],
    ids=["float-indices", "out-of-range", "padding-range", "size"],
)
def test_bad_input_names_the_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_torch_agrees_on_the_padding_rule():
    """torch's padding row is 0 at init and gets no gradient: the convention the scratch twin follows."""
    emb = tnn.Embedding(4, 2, padding_idx=1)
    emb(torch.tensor([1, 1, 2])).sum().backward()
    assert not emb.weight[1].any() and not emb.weight.grad[1].any()

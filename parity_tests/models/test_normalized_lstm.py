"""C4.3-layernorm-sequences: the LSTM normalized in its recurrence (batch norm or layer norm) against its
torch twin — forward, the input gradient and every parameter gradient under a random upstream gradient,
float64 and float32, training mode (batch statistics) and eval; BPTT checked by finite differences;
under batch norm a sequence's gradient, like its output, depends on its batch-mates, under layer norm it
does not."""

from __future__ import annotations

import numpy as np
import pytest

from parity_tests.parity import DTYPES, FINITE_DIFFERENCE_RTOL, TOLERANCES, TORCH_DTYPE, check_module_parity
from scratch.gradcheck import gradcheck
from scratch.models.normalized_lstm import NormalizedLSTM as ScratchNormalizedLSTM
from torch_impl.models.normalized_lstm import NormalizedLSTM as TorchNormalizedLSTM

CONCEPT = "C4.3-layernorm-sequences"
N_IN, HIDDEN, LENGTHS = 3, 4, [5, 2, 4, 5]  # a padded batch: zeros after each sequence's length
NORMS = ("batch", "layer")
ATOL = TOLERANCES["value"][np.float64]["atol"]  # the float64 contract's 1e-12: "does not change"


def _padded(rng: np.random.Generator, lengths: list[int], dtype=np.float64) -> np.ndarray:
    x = rng.standard_normal((max(lengths), len(lengths), N_IN))
    for k, length in enumerate(lengths):
        x[length:, k] = 0.0
    return x.astype(dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=["float64", "float32"])
@pytest.mark.parametrize("training", [True, False], ids=["train", "eval"])
@pytest.mark.parametrize("norm", NORMS)
def test_normalized_lstm_matches_torch(norm, training, dtype, rng, device):
    scratch_model = ScratchNormalizedLSTM(N_IN, HIDDEN, norm, dtype=dtype, rng=rng)
    torch_model = TorchNormalizedLSTM(N_IN, HIDDEN, norm, dtype=TORCH_DTYPE[dtype])
    if not training:  # eval after one training-mode forward: batch norm's running statistics are not 0, 1
        scratch_model(_padded(rng, LENGTHS, dtype))
        scratch_model.eval(), torch_model.eval()
    what = f"{CONCEPT} norm={norm} {'train' if training else 'eval'} {dtype.__name__}"
    x = _padded(rng, LENGTHS, dtype)
    diffs = check_module_parity(what, scratch_model, torch_model, x, rng, device)
    names = {"weight_ih", "weight_hh", "bias", "norm_ih.weight", "norm_ih.bias", "norm_hh.weight"}
    assert names <= {name.removesuffix(".grad") for name in diffs}, f"{what}: {sorted(diffs)}"


@pytest.mark.parametrize("norm", NORMS)
def test_backpropagation_through_time_by_finite_differences(norm, rng):
    """Training mode (batch statistics: each probe is a whole forward over the batch; ``gradcheck``
    restores the running statistics the probes move). Hidden 2, 4 sequences of 3 steps, no padding.

    Normalization is sharply curved where a variance is small (its third derivative grows as s³, s =
    1/√(σ² + eps)), so the O(ε²) truncation of central differences dominates at gradcheck's default ε =
    1e-5: over 30 seeds the worst error was 5.6e-7 (batch norm over 4 samples). At ε = 2e-6 it was 9.0e-8
    (batch) and 4.1e-8 (layer), round-off and truncation balanced. Padding is left out: a padded row's
    pre-activations are all 0, layer norm's singular point (σ² = 0, s = 1/√eps), where central differences
    measured 3.4e-6 even though the backward equals torch's autograd to the float64 contract on padded
    batches (``test_normalized_lstm_matches_torch``)."""
    model = ScratchNormalizedLSTM(N_IN, 2, norm, rng=rng)
    errors = gradcheck(model, rng.standard_normal((3, 4, N_IN)), eps=2e-6, rng=rng)
    assert {"input", "weight_ih", "weight_hh", "bias", "norm_hh.weight"} <= set(errors)
    for name, error in errors.items():
        assert error < FINITE_DIFFERENCE_RTOL, f"{CONCEPT} norm={norm} {name}: relative error {error:.2e}"


def _first_sequence_gradient(model, x: np.ndarray, upstream: np.ndarray) -> np.ndarray:
    model(x)
    return model.backward(upstream)[:, 0]


@pytest.mark.parametrize("norm", NORMS)
def test_a_sequences_gradient_depends_on_its_batch_mates_only_under_batch_norm(norm, rng):
    """Sequence 0's ∂E/∂x for an E that reads sequence 0 only, beside two different sets of batch-mates."""
    model = ScratchNormalizedLSTM(N_IN, HIDDEN, norm, rng=rng)
    x = _padded(rng, LENGTHS)
    other = x.copy()
    other[:, 1:] = _padded(rng, LENGTHS[1:])
    upstream = np.zeros((x.shape[0], x.shape[1], HIDDEN))
    upstream[:, 0] = rng.standard_normal((x.shape[0], HIDDEN))
    gap = np.max(
        np.abs(
            _first_sequence_gradient(model, x, upstream) - _first_sequence_gradient(model, other, upstream)
        )
    )
    if norm == "layer":
        assert gap <= ATOL, f"{CONCEPT}: under layer norm sequence 0's gradient moved by {gap:.2e}"
    else:
        assert gap > 1e-3, f"{CONCEPT}: under batch norm sequence 0's gradient moved only by {gap:.2e}"


def test_backward_needs_a_forward_and_the_outputs_shape(rng):
    model = ScratchNormalizedLSTM(N_IN, HIDDEN, "layer", rng=rng)
    with pytest.raises(RuntimeError, match="without a forward"):
        model.backward(np.zeros((2, 1, HIDDEN)))
    model(_padded(rng, [2, 2]))
    with pytest.raises(ValueError, match=r"expected grad_output of shape \(2, 2, 4\)"):
        model.backward(np.zeros((2, 1, HIDDEN)))


@pytest.mark.parametrize("twin", [ScratchNormalizedLSTM, TorchNormalizedLSTM], ids=["scratch", "torch"])
def test_an_unknown_norm_is_refused_by_both_twins(twin):
    with pytest.raises(
        ValueError, match=r"NormalizedLSTM: expected norm to be one of \('batch', 'layer'\), got 'group'"
    ):
        twin(N_IN, HIDDEN, "group")

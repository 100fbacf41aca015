"""C2.2-mlp: one MLPSpec, two twins with the same layers, state-dict keys, forward and gradients."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import scratch.nn
from parity_tests.parity import DTYPES, TORCH_DTYPE, check_module_parity
from scratch.models.mlp import INIT_SCHEMES, MLPSpec, build_mlp, count_parameters
from scratch.nn import init
from torch_impl.models.mlp import build_mlp as build_torch_mlp
from torch_impl.models.mlp import init_linear_ as torch_init_linear_
from torch_impl.nn.state import load_numpy_state_dict


def test_the_seeds_8_10_3_network_has_80_plus_10_and_30_plus_3_parameters():
    spec = MLPSpec((8, 10, 3))
    scratch_model = build_mlp(spec, np.random.default_rng(0))
    torch_model = build_torch_mlp(spec)
    for model in (scratch_model, torch_model):
        shapes = {key: tuple(value.shape) for key, value in model.state_dict().items()}
        assert shapes == {"0.weight": (10, 8), "0.bias": (10,), "2.weight": (3, 10), "2.bias": (3,)}
    assert count_parameters(scratch_model) == 80 + 10 + 30 + 3 == spec.num_parameters()
    assert sum(p.numel() for p in torch_model.parameters()) == 123


SPECS = [
    pytest.param(MLPSpec((8, 10, 3)), id="C2.2-mlp-seed-8-10-3"),
    pytest.param(MLPSpec((4, 6, 5, 3), "tanh", "xavier"), id="C2.2-mlp-two-hidden-tanh-xavier"),
    pytest.param(MLPSpec((4, 6, 3), "sigmoid", "small_normal"), id="C2.2-mlp-sigmoid"),
    pytest.param(MLPSpec((4, 6, 3), "leaky_relu", "he_uniform"), id="C2.2-mlp-leaky-relu"),
    pytest.param(MLPSpec((4, 6, 3), "elu", "he"), id="C2.2-mlp-elu"),
    pytest.param(MLPSpec((4, 6, 5, 3), "prelu"), id="C2.2-mlp-prelu-learnable-slope"),
    pytest.param(MLPSpec((5, 3)), id="C2.2-mlp-no-hidden-layer"),
    pytest.param(MLPSpec((4, 6, 3), norm="batch"), id="C2.2-mlp-batchnorm"),
    pytest.param(MLPSpec((4, 6, 5, 3), norm="layer"), id="C2.2-mlp-layernorm"),
    pytest.param(MLPSpec((4, 6, 3), dropout=0.5), id="C2.2-mlp-dropout"),
    pytest.param(MLPSpec((4, 6, 3), norm="batch", dropout=0.2), id="C2.2-mlp-batchnorm-dropout"),
]


@pytest.mark.parametrize("spec", SPECS)
def test_both_twins_build_the_same_layers_and_state_dict(spec):
    scratch_model = build_mlp(spec, np.random.default_rng(0))
    torch_model = build_torch_mlp(spec)
    assert [type(layer).__name__ for layer in scratch_model] == list(spec.layer_names)
    assert [type(layer).__name__ for layer in torch_model] == list(spec.layer_names)
    scratch_state, torch_state = scratch_model.state_dict(), torch_model.state_dict()
    assert list(scratch_state) == list(torch_state)
    for key, value in scratch_state.items():
        assert value.shape == tuple(torch_state[key].shape), key
    assert count_parameters(scratch_model) == spec.num_parameters()
    assert sum(p.numel() for p in torch_model.parameters()) == spec.num_parameters()


@pytest.mark.parametrize(
    ("norm", "biases"),
    [(None, [True, True, True]), ("layer", [True, True, True]), ("batch", [False, False, True])],
)
def test_a_linear_before_batch_norm_has_no_bias_in_either_twin(norm, biases):
    """C4.3-batchnorm: batch norm subtracts the batch mean, which cancels a bias before it; its β shifts
    instead. Layer norm normalises each sample over its features, which does not cancel a bias: kept."""
    spec = MLPSpec((4, 6, 5, 3), norm=norm)
    for model in (build_mlp(spec, np.random.default_rng(0)), build_torch_mlp(spec)):
        linears = [(i, layer) for i, layer in enumerate(model) if type(layer).__name__ == "Linear"]
        assert [layer.bias is not None for _, layer in linears] == biases
        assert [f"{i}.bias" in model.state_dict() for i, _ in linears] == biases


@pytest.mark.parametrize("spec", [s for s in SPECS if s.values[0].dropout == 0])
@pytest.mark.parametrize("dtype", DTYPES)
def test_forward_and_every_gradient_agree(spec, dtype, device, rng):
    """Weights drawn once by the scratch init, loaded into the torch twin; a random upstream gradient."""
    scratch_model = build_mlp(spec, rng, dtype=dtype)
    torch_model = build_torch_mlp(spec, dtype=TORCH_DTYPE[dtype])
    x = rng.standard_normal((7, spec.sizes[0])).astype(dtype)
    diffs = check_module_parity(f"C2.2-mlp {spec}", scratch_model, torch_model, x, rng, device)
    assert set(diffs) >= {f"{key}.grad" for key, _ in scratch_model.named_parameters()}


def test_dropout_twins_share_masks_given_generators_in_the_same_state(rng):
    spec = MLPSpec((4, 16, 16, 3), dropout=0.5)
    scratch_model = build_mlp(spec, rng, dropout_rng=np.random.default_rng(11))
    torch_model = build_torch_mlp(spec, dropout_rng=np.random.default_rng(11))
    load_numpy_state_dict(torch_model, scratch_model.state_dict())
    for _ in range(3):  # masks differ from call to call, but equally in both twins
        x = rng.standard_normal((5, 4))
        np.testing.assert_allclose(
            scratch_model(x), torch_model(torch.from_numpy(x)).detach().numpy(), rtol=1e-10, atol=1e-12
        )


# --init -> how build_mlp must draw each Linear weight, replayed with a generator in the same state
REPLAYS = [
    pytest.param("zeros", lambda w, r: init.zeros_(w), id="C4.1-init-zero"),
    pytest.param("normal", lambda w, r: init.normal_(w, 0.0, 1.0, rng=r), id="C4.1-init-normal"),
    pytest.param("small_normal", lambda w, r: init.normal_(w, 0.0, 0.01, rng=r), id="C4.1-init-normal-0.01"),
    pytest.param("xavier", lambda w, r: init.xavier_normal_(w, rng=r), id="C4.1-init-xavier"),
    pytest.param(
        "xavier_uniform", lambda w, r: init.xavier_uniform_(w, rng=r), id="C4.1-init-xavier-uniform"
    ),
    pytest.param("seed_xavier", lambda w, r: init.seed_xavier_normal_(w, rng=r), id="C4.1-init-xavier-seed"),
    pytest.param("he", lambda w, r: init.kaiming_normal_(w, nonlinearity="relu", rng=r), id="C4.1-init-he"),
    pytest.param(
        "he_uniform",
        lambda w, r: init.kaiming_uniform_(w, nonlinearity="relu", rng=r),
        id="C4.1-init-he-uniform",
    ),
]


@pytest.mark.parametrize(("scheme", "draw"), REPLAYS)
def test_init_scheme_draws_each_weight_from_the_runs_generator(scheme, draw):
    spec = MLPSpec((5, 7, 6, 3), init=scheme)
    model = build_mlp(spec, np.random.default_rng(4))
    replay = np.random.default_rng(4)
    linears = [layer for layer in model if type(layer).__name__ == "Linear"]
    assert len(linears) == 3
    for layer in linears:
        expected = draw(np.empty(layer.weight.shape), replay)
        np.testing.assert_array_equal(layer.weight.data, expected)
        np.testing.assert_array_equal(layer.bias.data, 0.0)


TORCH_REPLAYS = {
    "zeros": lambda w, g: torch.nn.init.zeros_(w),
    "normal": lambda w, g: torch.nn.init.normal_(w, 0.0, 1.0, generator=g),
    "small_normal": lambda w, g: torch.nn.init.normal_(w, 0.0, 0.01, generator=g),
    "xavier": lambda w, g: torch.nn.init.xavier_normal_(w, generator=g),
    "xavier_uniform": lambda w, g: torch.nn.init.xavier_uniform_(w, generator=g),
    "seed_xavier": lambda w, g: w.normal_(0.0, 2.0 / np.sqrt(sum(w.shape)), generator=g),
    "he": lambda w, g: torch.nn.init.kaiming_normal_(w, nonlinearity="relu", generator=g),
    "he_uniform": lambda w, g: torch.nn.init.kaiming_uniform_(w, nonlinearity="relu", generator=g),
}


@pytest.mark.parametrize("scheme", list(TORCH_REPLAYS))
def test_the_torch_twin_draws_the_same_registry_with_torch_nn_init(scheme):
    """C4.1-init: one registry, one set of names; the torch twin's ``init_linear_`` draws each scheme with
    torch's own function and generator and zeroes the bias."""
    layer = torch.nn.Linear(6, 4, dtype=torch.float64)
    torch_init_linear_(layer, scheme, torch.Generator().manual_seed(3))
    expected = TORCH_REPLAYS[scheme](torch.empty(4, 6, dtype=torch.float64), torch.Generator().manual_seed(3))
    assert torch.equal(layer.weight.detach(), expected) and not layer.bias.detach().any()
    assert set(INIT_SCHEMES) == {"default", *TORCH_REPLAYS}


def test_default_init_is_torchs_linear_default_drawn_by_the_runs_generator():
    model = build_mlp(MLPSpec((5, 7, 3)), np.random.default_rng(4))
    replay = np.random.default_rng(4)
    for layer, (n, m) in zip([model[0], model[2]], [(5, 7), (7, 3)], strict=True):
        expected = scratch.nn.Linear(n, m, rng=replay)
        np.testing.assert_array_equal(layer.weight.data, expected.weight.data)
        np.testing.assert_array_equal(layer.bias.data, expected.bias.data)
        assert np.all(np.abs(layer.weight.data) <= 1 / np.sqrt(n))
    assert set(INIT_SCHEMES) == {"default", *(p.values[0] for p in REPLAYS)}


@pytest.mark.parametrize("dtype", DTYPES)
def test_dtype_reaches_every_parameter(dtype):
    model = build_mlp(MLPSpec((3, 4, 2), norm="batch"), np.random.default_rng(0), dtype=dtype)
    assert {value.dtype for value in model.state_dict().values() if value.dtype.kind == "f"} == {
        np.dtype(dtype)
    }


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sizes": (8,)}, "sizes to be >= 2 positive integers, got \\(8,\\)"),
        ({"sizes": (8, 0, 3)}, "sizes to be >= 2 positive integers"),
        ({"sizes": (8, 2.5, 3)}, "sizes to be >= 2 positive integers"),
        ({"sizes": "8-3"}, "sizes to be >= 2 positive integers"),
        ({"sizes": (8, 3), "activation": "swish"}, "activation in .*, got 'swish'"),
        ({"sizes": (8, 3), "init": "lecun"}, "init in .*, got 'lecun'"),
        ({"sizes": (8, 3), "dropout": 1.0}, "dropout in \\[0, 1\\), got 1.0"),
        ({"sizes": (8, 3), "dropout": -0.1}, "dropout in \\[0, 1\\), got -0.1"),
        ({"sizes": (8, 3), "dropout": True}, "dropout to be a number"),
        ({"sizes": (8, 3), "norm": "group"}, "norm to be None or one of .*, got 'group'"),
    ],
)
def test_bad_specs_are_rejected(kwargs, message):
    with pytest.raises(ValueError, match=message):
        MLPSpec(**kwargs)


def test_builders_reject_anything_but_a_spec():
    with pytest.raises(TypeError, match="expected spec to be an MLPSpec, got tuple"):
        build_mlp((8, 10, 3))
    with pytest.raises(TypeError, match="expected spec to be an MLPSpec, got tuple"):
        build_torch_mlp((8, 10, 3))

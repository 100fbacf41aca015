"""C3.2-backprop, C3.2.1: what the speed work must not break (no timings here).

* float32 end to end: a float32 model on float32 data keeps every activation, gradient, loss value,
  parameter, buffer and optimizer state in float32 through a whole training step — no silent upcast;
  ``.float()`` / ``.double()`` convert a built model and its optimizer state follows.
* caches hold only what backward needs, and only until backward: after a training step nothing holds
  the input batch or any activation.
* skipping the data's gradient (``backward(g, needs_input_grad=False)``) changes no parameter gradient.
"""

from __future__ import annotations

import weakref

import numpy as np
import pytest

import scratch.nn as snn
import scratch.optim as sopt
from scratch.models.mlp import MLPSpec, build_mlp

SIZES = (6, 8, 7, 3)
N = 5

SPECS = [
    pytest.param(MLPSpec(SIZES), id="C2.2-mlp-relu"),
    pytest.param(MLPSpec(SIZES, activation="sigmoid"), id="C3.1.1-sigmoid"),
    pytest.param(MLPSpec(SIZES, activation="tanh"), id="C3.1.1-tanh"),
    pytest.param(MLPSpec(SIZES, activation="leaky_relu"), id="C3.1.1-leaky-relu"),
    pytest.param(MLPSpec(SIZES, activation="elu"), id="C3.1.1-elu"),
    pytest.param(MLPSpec(SIZES, activation="prelu"), id="C3.1.1-prelu"),
    pytest.param(MLPSpec(SIZES, norm="batch", dropout=0.25), id="C4.3-batchnorm-C4.2-dropout"),
    pytest.param(MLPSpec(SIZES, norm="layer"), id="C4.3-layernorm"),
]

OPTIMIZERS = [
    pytest.param(lambda ps: sopt.SGD(ps, lr=0.1), id="C3.2.1-sgd"),
    pytest.param(lambda ps: sopt.SGD(ps, lr=0.1, momentum=0.9, dampening=0.1), id="C3.2.1-momentum"),
    pytest.param(
        lambda ps: sopt.SGD(ps, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01), id="C3.2.1-nesterov"
    ),
    pytest.param(lambda ps: sopt.Adam(ps, lr=0.01, weight_decay=0.01, amsgrad=True), id="C3.2.1-adam"),
    pytest.param(lambda ps: sopt.AdamW(ps, lr=0.01), id="C3.2.1-adamw"),
    pytest.param(lambda ps: sopt.RMSprop(ps, lr=0.01, momentum=0.9, centered=True), id="C3.2.1-rmsprop"),
    pytest.param(lambda ps: sopt.Adagrad(ps, lr=0.1, lr_decay=0.01), id="C3.2.1-adagrad"),
    pytest.param(lambda ps: sopt.TextbookMomentum(ps, lr=0.1, momentum=0.9), id="C3.2.1-textbook-momentum"),
]


def batch(rng: np.random.Generator, dtype: type) -> tuple[np.ndarray, np.ndarray]:
    return rng.standard_normal((N, SIZES[0])).astype(dtype), rng.integers(0, SIZES[-1], N)


def check_dtype(seen: dict[str, np.ndarray], dtype: type) -> None:
    for what, array in seen.items():
        assert isinstance(array, np.ndarray), f"{what}: expected an ndarray, got {type(array).__name__}"
        assert array.dtype == dtype, f"{what}: expected dtype {np.dtype(dtype)}, got {array.dtype}"


def traced_step(
    model: snn.Sequential, optimizer: sopt.Optimizer, x: np.ndarray, y: np.ndarray, dtype: type
) -> None:
    """One training step, layer by layer as ``Sequential`` runs it, checking the dtype of everything."""
    loss_fn = snn.CrossEntropyLoss()
    optimizer.zero_grad()
    seen = {"input": x}
    h = x
    for index, layer in enumerate(model):
        h = layer(h)
        seen[f"output of layer {index} ({type(layer).__name__})"] = h
    seen["loss value"] = loss_fn(h, y)
    g = seen["∂E/∂logits"] = loss_fn.backward()
    for index in reversed(range(len(model))):
        g = model[index].backward(g)
        seen[f"∂E/∂(input of layer {index})"] = g
    optimizer.step()
    for name, parameter in model.named_parameters():
        seen[f"{name} after the step"] = parameter.data
        seen[f"{name}.grad"] = parameter.grad
    seen.update({f"buffer {name}": b for name, b in model.named_buffers() if b.dtype.kind == "f"})
    for index, state in enumerate(optimizer.state.values()):
        for key, value in state.items():
            if key == "step":
                assert isinstance(value, float), f"optimizer state step: expected a float, got {type(value)}"
            elif value is not None:
                seen[f"optimizer state {key} of parameter {index}"] = value
    check_dtype(seen, dtype)


@pytest.mark.parametrize("spec", SPECS)
def test_float32_model_stays_float32_through_a_training_step(spec, rng):
    model = build_mlp(spec, rng, dtype=np.float32)
    optimizer = sopt.SGD(list(model.parameters()), lr=0.1, momentum=0.9)
    for _ in range(2):  # the second step runs on optimizer state made by the first
        traced_step(model, optimizer, *batch(rng, np.float32), np.float32)


@pytest.mark.parametrize("make_optimizer", OPTIMIZERS)
def test_every_optimizer_keeps_float32(make_optimizer, rng):
    model = build_mlp(MLPSpec(SIZES), rng, dtype=np.float32)
    optimizer = make_optimizer(list(model.parameters()))
    for _ in range(2):
        traced_step(model, optimizer, *batch(rng, np.float32), np.float32)


@pytest.mark.parametrize("convert, dtype", [("float", np.float32), ("double", np.float64)])
def test_float_and_double_convert_a_built_model(convert, dtype, rng):
    """C3.1-forward: ``.float()`` / ``.double()``, as in torch, then a whole step in that dtype."""
    other = np.float64 if dtype == np.float32 else np.float32
    model = getattr(build_mlp(MLPSpec(SIZES, norm="batch"), rng, dtype=other), convert)()
    optimizer = sopt.Adam(list(model.parameters()), lr=0.01)
    traced_step(model, optimizer, *batch(rng, dtype), dtype)


def test_float32_data_into_a_float64_model_is_refused(rng):
    """No silent upcast (or downcast): the first layer names the mismatch."""
    model = build_mlp(MLPSpec(SIZES), rng, dtype=np.float64)
    with pytest.raises(TypeError, match=r"Linear: expected input of dtype float64.*got dtype=float32"):
        model(batch(rng, np.float32)[0])


def module_arrays(module: snn.Module) -> dict[str, np.ndarray]:
    """Every array a module keeps in its attributes, except its registered buffers."""
    return {
        f"{type(module).__name__}.{name}": value
        for name, value in vars(module).items()
        if isinstance(value, np.ndarray) and name not in module._buffer_names
    }


@pytest.mark.parametrize("spec", SPECS)
def test_nothing_holds_the_input_or_an_activation_after_a_training_step(spec, rng):
    """C3.2-backprop: forward caches only what backward needs and backward releases it, so after the
    step the batch and every activation are freed as soon as the caller lets go of them."""
    model = build_mlp(spec, rng, dtype=np.float32)
    loss_fn = snn.CrossEntropyLoss()
    optimizer = sopt.SGD(list(model.parameters()), lr=0.1, momentum=0.9)
    x, y = batch(rng, np.float32)
    alive = {"input": weakref.ref(x)}
    h = x
    for index, layer in enumerate(model):
        h = layer(h)
        alive[f"output of layer {index}"] = weakref.ref(h)
    assert any(module_arrays(m) for m in model.modules()), "forward cached nothing: the check below is void"
    loss_fn(h, y)
    model.backward(loss_fn.backward(), needs_input_grad=False)
    optimizer.step()
    for module in [*model.modules(), loss_fn]:
        assert not module_arrays(module), f"still held after backward: {sorted(module_arrays(module))}"
    del x, h
    held = [what for what, ref in alive.items() if ref() is not None]
    assert not held, f"still alive after the step: {held}"


def grads(model: snn.Module) -> dict[str, np.ndarray]:
    return {name: p.grad.copy() for name, p in model.named_parameters()}


def first_layers() -> list:
    return [
        pytest.param(lambda rng: snn.Linear(SIZES[0], 8, rng=rng), id="C3.1-forward-linear"),
        pytest.param(lambda rng: snn.ReLU(), id="C3.1.1-relu-cannot-skip"),
        pytest.param(
            lambda rng: snn.Sequential(snn.Linear(SIZES[0], 8, rng=rng), snn.Tanh()),
            id="C3.1-forward-nested-sequential",
        ),
    ]


@pytest.mark.parametrize("make_first", first_layers())
def test_skipping_the_data_gradient_changes_no_parameter_gradient(make_first, rng):
    """C3.2-backprop: ``needs_input_grad=False`` returns None and leaves every ∂E/∂w as it was."""
    first = make_first(rng)
    width = 8 if isinstance(first, (snn.Linear, snn.Sequential)) else SIZES[0]
    model = snn.Sequential(first, snn.Linear(width, 3, rng=rng))
    x = rng.standard_normal((N, SIZES[0]))
    g = rng.standard_normal((N, 3))  # a random upstream gradient
    model(x)
    full = model.backward(g)
    expected = grads(model)
    model.zero_grad()
    model(x)
    assert model.backward(g, needs_input_grad=False) is None
    assert full.shape == x.shape
    for name, grad in grads(model).items():
        np.testing.assert_array_equal(grad, expected[name], err_msg=f"{name}.grad")


def test_linear_skips_the_input_gradient_product(rng):
    """C3.1-forward: the skip is real (None, not a discarded array) and gradients still accumulate."""
    layer = snn.Linear(4, 3, rng=rng)
    x, g = rng.standard_normal((N, 4)), rng.standard_normal((N, 3))
    layer(x)
    assert layer.backward(g, needs_input_grad=False) is None
    layer(x)
    layer.backward(g)
    np.testing.assert_allclose(layer.weight.grad, 2 * g.T @ x, rtol=1e-12)
    np.testing.assert_allclose(layer.bias.grad, 2 * g.sum(axis=0), rtol=1e-12)

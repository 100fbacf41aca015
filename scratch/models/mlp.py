r"""C2.2-mlp: 다층 퍼셉트론 (multi-layer perceptron), seed §2.2 — built from one spec for both twins.

The seed's picture has 8 inputs, 10 hidden units and 3 outputs: each hidden unit is a perceptron with
8 weights and a bias (8·10 + 10 = 90 parameters), each output one with 10 weights and a bias
(10·3 + 3 = 33). ``MLPSpec(sizes=(8, 10, 3))`` builds exactly that.

Layout, per hidden layer (torch's ``nn.Sequential`` numbering, so state-dict keys read ``"0.weight"``):

    Linear → [BatchNorm1d | LayerNorm] → activation → [Dropout]        … then a final Linear

Normalisation sits before the activation, where the seed puts batch normalisation (§4.3); dropout
after it (§4.2). A Linear followed by BatchNorm1d has no bias (``bias=False``): batch norm subtracts the
batch mean, which cancels the bias, and its own β is the shift (``MLPSpec.linear_bias``). The output
layer has no activation: its raw scores (logits) go to ``CrossEntropyLoss``, which applies the softmax
itself.

``MLPSpec`` is plain data: the torch twin imports it and builds the same layout with ``torch.nn``
(``torch_impl.models.mlp.build_mlp``); the initial weights are drawn once, here, and loaded into the
torch twin through ``load_state_dict``. ``AutoencoderSpec`` (C1.1-autoencoder: two ``MLPSpec``, encoder
and decoder) is plain data too and sits here for the same reason; ``scratch.models.autoencoder``, whose
``Autoencoder`` builds it, imports it from here.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from scratch import nn
from scratch.nn import init
from scratch.nn.checks import check_positive_int

# --activation name -> the class name, the same in scratch.nn and torch.nn
ACTIVATIONS = {
    "relu": "ReLU",
    "leaky_relu": "LeakyReLU",
    "elu": "ELU",
    "prelu": "PReLU",
    "sigmoid": "Sigmoid",
    "tanh": "Tanh",
}
# --norm name -> the class name, built with the hidden width as its one argument
NORMS = {"batch": "BatchNorm1d", "layer": "LayerNorm"}


@dataclass(frozen=True)
class InitScheme:
    """One weight initialisation (C4.1): the ``init`` function that draws it and its keyword arguments —
    the same names in ``scratch.nn.init`` and ``torch.nn.init`` (``seed_xavier_normal_``: in
    ``torch_impl.models.seed_init``, torch has no such function) — and what it draws. Biases start at 0.
    """

    function: str
    kwargs: dict[str, Any]
    draws: str


# --init name -> the scheme: the one registry of init schemes, read by both twins' builders, by
# ``scripts/train.py --init`` and by the experiments and figures of C4.1 ("default" is Linear's own).
INIT_SCHEMES = {
    "default": InitScheme("reset_parameters", {}, "torch's Linear default: W, b ~ U(−1/√n, 1/√n)"),
    "zeros": InitScheme("zeros_", {}, "W = 0 (every hidden unit stays identical)"),
    "normal": InitScheme("normal_", {"mean": 0.0, "std": 1.0}, "W ~ N(0, 1) (the seed's first random init)"),
    "small_normal": InitScheme("normal_", {"mean": 0.0, "std": 0.01}, "W ~ N(0, 0.01²) (the seed's second)"),
    "xavier": InitScheme("xavier_normal_", {}, "W ~ N(0, 2/(n+m)) (Glorot)"),
    "xavier_uniform": InitScheme("xavier_uniform_", {}, "W ~ U(−√(6/(n+m)), √(6/(n+m))) (Glorot)"),
    "seed_xavier": InitScheme(
        "seed_xavier_normal_", {}, "W ~ N(0, 4/(n+m)) (the seed's Xavier, σ = 2/√(n+m))"
    ),
    "he": InitScheme("kaiming_normal_", {"nonlinearity": "relu"}, "W ~ N(0, 2/n) (Kaiming, ReLU gain)"),
    "he_uniform": InitScheme(
        "kaiming_uniform_", {"nonlinearity": "relu"}, "W ~ U(−√(6/n), √(6/n)) (Kaiming)"
    ),
}


@dataclass(frozen=True)
class MLPSpec:
    """C2.2-mlp: 다층 퍼셉트론 (multi-layer perceptron), seed §2.2 — everything that decides an MLP's
    layout, shared as plain data by both twins.

    Args:
        sizes: widths from input to output, e.g. (8, 10, 3) = 8 inputs, one hidden layer of 10, 3 outputs.
        activation: one of ``ACTIVATIONS`` (default "relu").
        init: one of ``INIT_SCHEMES`` (default "default", torch's own).
        dropout: drop probability p after each hidden activation, 0 ≤ p < 1 (default 0: no Dropout layer).
        norm: None, "batch" (BatchNorm1d, its Linear without bias) or "layer" (LayerNorm) before each
            hidden activation.

    Example:
        >>> spec = MLPSpec((8, 10, 3), norm="batch", dropout=0.5)
        >>> spec.layer_names
        ('Linear', 'BatchNorm1d', 'ReLU', 'Dropout', 'Linear')
        >>> spec.num_parameters()  # 8·10 (no bias before batch norm) + 2·10 (γ, β) + 10·3 + 3
        133
    """

    sizes: tuple[int, ...]
    activation: str = "relu"
    init: str = "default"
    dropout: float = 0.0
    norm: str | None = None

    def __post_init__(self) -> None:
        sizes = tuple(self.sizes) if isinstance(self.sizes, (tuple, list)) else None
        if (
            sizes is None
            or len(sizes) < 2
            or any(isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s <= 0 for s in sizes)
        ):
            raise ValueError(f"MLPSpec: expected sizes to be >= 2 positive integers, got {self.sizes!r}")
        object.__setattr__(self, "sizes", tuple(int(s) for s in sizes))
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"MLPSpec: expected activation in {tuple(ACTIVATIONS)}, got {self.activation!r}")
        if self.init not in INIT_SCHEMES:
            raise ValueError(f"MLPSpec: expected init in {tuple(INIT_SCHEMES)}, got {self.init!r}")
        if isinstance(self.dropout, bool) or not isinstance(self.dropout, (int, float)):
            raise ValueError(f"MLPSpec: expected dropout to be a number in [0, 1), got {self.dropout!r}")
        if not 0 <= self.dropout < 1:
            raise ValueError(f"MLPSpec: expected dropout in [0, 1), got {self.dropout!r}")
        if self.norm is not None and self.norm not in NORMS:
            raise ValueError(f"MLPSpec: expected norm to be None or one of {tuple(NORMS)}, got {self.norm!r}")

    @property
    def layer_names(self) -> tuple[str, ...]:
        """The class name of every layer, in order: the layout both twins build."""
        names: list[str] = []
        for _ in self.sizes[1:-1]:
            names.append("Linear")
            if self.norm is not None:
                names.append(NORMS[self.norm])
            names.append(ACTIVATIONS[self.activation])
            if self.dropout > 0:
                names.append("Dropout")
        return (*names, "Linear")

    def linear_bias(self, index: int) -> bool:
        """Whether Linear layer ``index`` (0 = the first) has a bias: not when batch norm follows it.

        Batch norm subtracts each feature's batch mean, so a bias before it cancels: its gradient is zero
        in exact arithmetic, round-off in practice. Adam's step is lr·m̂/(√v̂ + ε), about lr whatever the
        gradient's size, so it turns that round-off into steps as large as a real gradient's, moving a
        parameter that does nothing (and moving it differently in each twin).
        β, batch norm's own shift, takes the bias's place. torch users write ``bias=False`` here too.
        """
        return not (self.norm == "batch" and index < len(self.sizes) - 2)

    def num_parameters(self) -> int:
        """Learnable parameters: n·m + m per Linear (n·m before batch norm), 2·m per normalisation layer,
        1 per PReLU."""
        pairs = itertools.pairwise(self.sizes)
        count = sum(n * m + (m if self.linear_bias(k) else 0) for k, (n, m) in enumerate(pairs))
        hidden = self.sizes[1:-1]
        if self.norm is not None:
            count += sum(2 * m for m in hidden)
        if self.activation == "prelu":
            count += len(hidden)
        return count


@dataclass(frozen=True)
class AutoencoderSpec:
    """The layout of an autoencoder (``scratch.models.autoencoder.Autoencoder``, its torch twin), shared as
    plain data by both twins.

    Args:
        features: D, the input's (and the reconstruction's) width.
        hidden: the encoder's hidden widths; the decoder mirrors them (default none: both are one Linear,
            a linear autoencoder).
        code: the code's width k (default 2, drawable).
        activation, init, dropout, norm: as ``MLPSpec`` (after every hidden layer, never after the code or
            the output, which stay linear).

    Example:
        >>> spec = AutoencoderSpec(64, (32,), 2, "tanh")
        >>> spec.encoder.sizes, spec.decoder.sizes
        ((64, 32, 2), (2, 32, 64))
    """

    features: int
    hidden: tuple[int, ...] = ()
    code: int = 2
    activation: str = "relu"
    init: str = "default"
    dropout: float = 0.0
    norm: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "hidden", tuple(self.hidden))
        check_positive_int("AutoencoderSpec", "features", self.features)
        check_positive_int("AutoencoderSpec", "code", self.code)

    def _mlp(self, sizes: tuple[int, ...]) -> MLPSpec:
        return MLPSpec(sizes, self.activation, self.init, self.dropout, self.norm)

    @property
    def encoder(self) -> MLPSpec:
        return self._mlp((self.features, *self.hidden, self.code))

    @property
    def decoder(self) -> MLPSpec:
        return self._mlp((self.code, *reversed(self.hidden), self.features))


def init_linear_(layer: nn.Linear, scheme: str, rng: np.random.Generator | None = None) -> None:
    """C2.2-mlp: 다층 퍼셉트론 (multi-layer perceptron), seed §2.2 — redraw a Linear layer's weight by
    ``scheme`` of ``INIT_SCHEMES`` (the schemes of seed §4.1, ``scratch.nn.init`` with ``rng``) and zero
    its bias; "default" redraws torch's default, bias included.

    Example:
        >>> layer = nn.Linear(3, 2, rng=np.random.default_rng(0))
        >>> init_linear_(layer, "small_normal", np.random.default_rng(1))
        >>> bool(abs(layer.weight.data).max() < 0.05), layer.bias.data.tolist()
        (True, [0.0, 0.0])
    """
    if scheme not in INIT_SCHEMES:
        raise ValueError(f"init_linear_: expected scheme in {tuple(INIT_SCHEMES)}, got {scheme!r}")
    if scheme == "default":
        layer.reset_parameters(rng)
        return
    spec = INIT_SCHEMES[scheme]
    draw = {} if scheme == "zeros" else {"rng": rng}  # zeros_ draws nothing
    getattr(init, spec.function)(layer.weight.data, **spec.kwargs, **draw)
    if layer.bias is not None:
        init.zeros_(layer.bias.data)


def _layer(class_name: str, *args: Any, **kwargs: Any) -> nn.Module:
    """A layer of ``scratch.nn`` by class name, with a clear error while a module has not landed yet."""
    cls = getattr(nn, class_name, None)
    if cls is None:
        raise ImportError(f"build_mlp: scratch.nn has no {class_name} yet (needed by this MLPSpec)")
    return cls(*args, **kwargs)


def build_mlp(
    spec: MLPSpec,
    rng: np.random.Generator | None = None,
    *,
    dtype: Any = np.float64,
    dropout_rng: np.random.Generator | None = None,
) -> nn.Sequential:
    r"""C2.2-mlp: 다층 퍼셉트론 (multi-layer perceptron), seed §2.2

    The scratch twin of ``spec``, its weights drawn from ``rng``.

    Math:      h₀ = x,   hₖ = drop(f(norm(hₖ₋₁ Wₖᵀ + bₖ))) for each hidden layer,   ŷ = h_L W_Lᵀ + b_L
    Backward:  ``Sequential.backward``: every layer's own backward, last to first.
    Shape:     x (N, sizes[0]) -> logits (N, sizes[-1]).
    Args:
        spec: the layout (``MLPSpec``).
        rng: draws every Linear layer's initial weights, layer by layer (default: unseeded).
        dtype: of the parameters (default float64).
        dropout_rng: the generator of every Dropout layer's masks (default ``rng``); the torch twin's
            ``SharedMaskDropout`` takes a generator in the same state to draw the same masks.

    Example:
        >>> model = build_mlp(MLPSpec((8, 10, 3)), np.random.default_rng(0))
        >>> [type(layer).__name__ for layer in model], count_parameters(model)
        (['Linear', 'ReLU', 'Linear'], 123)
        >>> model(np.zeros((4, 8))).shape
        (4, 3)
    """
    if not isinstance(spec, MLPSpec):
        raise TypeError(f"build_mlp: expected spec to be an MLPSpec, got {type(spec).__name__}")
    rng = np.random.default_rng() if rng is None else rng
    dropout_rng = rng if dropout_rng is None else dropout_rng
    layers: list[nn.Module] = []
    pairs = list(itertools.pairwise(spec.sizes))
    for index, (n, m) in enumerate(pairs):
        # torch's default init is drawn by Linear itself; any other scheme redraws the weights.
        linear = nn.Linear(n, m, bias=spec.linear_bias(index), rng=rng if spec.init == "default" else None)
        if spec.init != "default":
            init_linear_(linear, spec.init, rng)
        layers.append(linear)
        if index == len(pairs) - 1:
            break
        if spec.norm is not None:
            layers.append(_layer(NORMS[spec.norm], m))
        layers.append(_layer(ACTIVATIONS[spec.activation]))
        if spec.dropout > 0:
            layers.append(_layer("Dropout", spec.dropout, rng=dropout_rng))
    return nn.Sequential(*layers).to(dtype)


def count_parameters(model: nn.Module) -> int:
    """C2.2-mlp: 다층 퍼셉트론 (multi-layer perceptron), seed §2.2 — the total number of learnable values.

    Example:
        >>> count_parameters(nn.Linear(8, 10))  # 8·10 weights + 10 biases
        90
    """
    return sum(math.prod(p.shape) for p in model.parameters())

"""02_퍼셉트론: gates, the learning rule, the notes' XOR network, the 8-10-3 network."""

from __future__ import annotations

import numpy as np

from scratch.data.datasets import logic_gate
from scratch.models import mlp, perceptron
from twin_nets.notebooks.exercises import exercise


@exercise("C2.1-perceptron/1")
def _nand() -> float:
    return float(perceptron.logic_gate_perceptron("nand")(np.array([[1.0, 1.0]]))[0])


@exercise("C2.1-perceptron/2")
def _xor_converges() -> bool:
    x, t = logic_gate("xor")
    model = perceptron.Perceptron(2)
    model.load_state_dict({"weight": np.zeros(2), "bias": np.zeros(())})
    return bool(model.fit(x, t, lr=1.0, max_epochs=100).converged)


@exercise("C2.2-mlp-xor/1")
def _hidden_point() -> tuple[float, float]:
    network = perceptron.seed_xor_network()
    h = network[1](network[0](np.array([[2.0, -1.0]])))
    return tuple(float(v) for v in h[0])


@exercise("C2.2-mlp-xor/2")
def _ones_with_positive_bias() -> int:
    network = perceptron.seed_xor_network()
    network[2].bias.data[:] = 0.5  # the output perceptron's bias −0.5 becomes +0.5
    x, _ = logic_gate("xor")
    return int(network(x).sum())


@exercise("C2.2-mlp/1")
def _parameters() -> int:
    return mlp.count_parameters(mlp.build_mlp(mlp.MLPSpec((8, 10, 3))))


@exercise("C2.2-mlp/2")
def _parameters_deeper() -> int:
    return mlp.count_parameters(mlp.build_mlp(mlp.MLPSpec((8, 10, 10, 3))))

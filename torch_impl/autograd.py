"""C3.2-autograd: the torch twin of ``scratch.autograd.chain_rule`` — the chain rule in numbers, read off
``torch.autograd``'s own graph (seed §2.2, §3.2).

torch records the same graph as the scratch engine: every op's output tensor has a ``grad_fn`` node
(``MulBackward0``, ``SigmoidBackward0``, …) whose ``next_functions`` point at its inputs' nodes, down to
an ``AccumulateGrad`` node per leaf (``.variable`` is the leaf). ``grad_fn_table`` walks that graph:
calling a node with an upstream gradient of 1 (``node(torch.ones(()))``) returns its local derivatives,
``retain_grad()`` keeps ∂E/∂node on every intermediate tensor, and the products follow. The step is
``torch.optim.SGD``. The math and the network's equations are in the scratch twin.
"""

from __future__ import annotations

import re
from typing import Any

import torch

from scratch.models.seed_weights import (
    SEED_XOR_HIDDEN_BIAS,
    SEED_XOR_HIDDEN_WEIGHT,
    SEED_XOR_OUTPUT_BIAS,
    SEED_XOR_OUTPUT_WEIGHT,
)

# The seed's nine weights by name (wⱼᵢ: hidden unit j, input i), named as in the scratch twin; built here
# from the plain data because torch_impl imports no scratch module but data (parity_tests/test_boundaries.py).
SEED_XOR_WEIGHTS: dict[str, float] = {
    "w₁₁": SEED_XOR_HIDDEN_WEIGHT[0][0],
    "w₁₂": SEED_XOR_HIDDEN_WEIGHT[0][1],
    "w₂₁": SEED_XOR_HIDDEN_WEIGHT[1][0],
    "w₂₂": SEED_XOR_HIDDEN_WEIGHT[1][1],
    "b₁": SEED_XOR_HIDDEN_BIAS[0],
    "b₂": SEED_XOR_HIDDEN_BIAS[1],
    "v₁": SEED_XOR_OUTPUT_WEIGHT[0][0],
    "v₂": SEED_XOR_OUTPUT_WEIGHT[0][1],
    "c": SEED_XOR_OUTPUT_BIAS[0],
}
INPUTS = ("x₁", "x₂")


def seed_xor_graph(leaves: dict[str, torch.Tensor], target: float) -> dict[str, torch.Tensor]:
    """Every node of the seed's 2-2-1 sigmoid network and its loss ½(ŷ − t)², by name, as 0-d tensors:
    the scratch twin's expression op for op, written again with torch's ops (this twin runs none of
    scratch's math), so torch records the same graph."""
    n = dict(leaves)
    for j in "₁₂":
        n[f"w{j}₁x₁"] = n[f"w{j}₁"] * n["x₁"]
        n[f"w{j}₂x₂"] = n[f"w{j}₂"] * n["x₂"]
        n[f"s{j}"] = n[f"w{j}₁x₁"] + n[f"w{j}₂x₂"]
        n[f"z{j}"] = n[f"s{j}"] + n[f"b{j}"]
        n[f"h{j}"] = torch.sigmoid(n[f"z{j}"])
    n["v₁h₁"] = n["v₁"] * n["h₁"]
    n["v₂h₂"] = n["v₂"] * n["h₂"]
    n["s₃"] = n["v₁h₁"] + n["v₂h₂"]
    n["z₃"] = n["s₃"] + n["c"]
    n["ŷ"] = torch.sigmoid(n["z₃"])
    n["ŷ − t"] = n["ŷ"] - target
    n["(ŷ − t)²"] = n["ŷ − t"] ** 2
    n["E"] = n["(ŷ − t)²"] * 0.5
    return n


def _graph_order(root: Any) -> list[Any]:
    """Every node reachable from ``root`` through ``next_functions``, each after the nodes it points at."""
    order, seen, stack = [], set(), [(root, False)]
    while stack:
        fn, inputs_done = stack.pop()
        if inputs_done:
            order.append(fn)
        elif fn not in seen:
            seen.add(fn)
            stack.append((fn, True))
            stack.extend(
                (next_fn, False) for next_fn, _ in reversed(fn.next_functions) if next_fn is not None
            )
    return order


def grad_fn_table(output: torch.Tensor, names: dict[str, torch.Tensor]) -> list[dict[str, Any]]:
    """The scalar ``output``'s graph as the scratch twin's rows (``scratch.autograd.chain_rule.graph_table``),
    from ``output`` back to the leaves: name, op, value, grad, and (input, local, product) per edge."""
    by_node = {t.grad_fn: name for name, t in names.items() if t.grad_fn is not None}
    by_leaf = {id(t): name for name, t in names.items() if t.grad_fn is None}
    order = _graph_order(output.grad_fn)
    tensor_of, label = {}, {}  # grad_fn node -> the tensor it made (AccumulateGrad -> the leaf), its name
    for node in order:
        leaf = getattr(node, "variable", None)
        name = by_leaf.get(id(leaf)) if leaf is not None else by_node.get(node)
        if name is None:
            raise ValueError(f"grad_fn_table: expected a name for every node, {node.name()} has none")
        tensor_of[node], label[node] = names[name], name
    local = {}
    for node in order:
        if not hasattr(node, "variable"):  # an op, not a leaf
            tensor_of[node].retain_grad()
            d = node(torch.ones_like(tensor_of[node]))  # upstream 1: the local derivatives themselves
            local[node] = d if isinstance(d, tuple) else (d,)  # a one-input node returns a bare tensor
    output.backward()
    rows = []
    for node in reversed(order):
        t = tensor_of[node]
        inputs = []
        if node in local:
            for (next_fn, _), d in zip(node.next_functions, local[node], strict=True):
                if next_fn is not None:
                    inputs.append((label[next_fn], d.item(), t.grad.item() * d.item()))
        op = "Leaf" if hasattr(node, "variable") else re.sub(r"Backward\d*$", "", node.name())
        rows.append(
            {"name": label[node], "op": op, "value": t.item(), "grad": t.grad.item(), "inputs": inputs}
        )
    return rows


def worked_example(
    x: tuple[float, float] = (1.0, 1.0), target: float = 0.0, lr: float = 0.5
) -> dict[str, Any]:
    """One sample, one step, on torch: the graph's table, then one ``torch.optim.SGD`` step.

    Returns ``{"rows", "update": [(name, w, ∂E/∂w, w after the step)], "loss_after"}``.
    """
    leaves = {
        name: torch.tensor(float(v), dtype=torch.float64, requires_grad=True)
        for name, v in zip(INPUTS, x, strict=True)
    }
    weights = {
        name: torch.tensor(w, dtype=torch.float64, requires_grad=True) for name, w in SEED_XOR_WEIGHTS.items()
    }
    nodes = seed_xor_graph({**leaves, **weights}, target)
    rows = grad_fn_table(nodes["E"], nodes)
    before = {name: (w.item(), w.grad.item()) for name, w in weights.items()}
    torch.optim.SGD(weights.values(), lr=lr).step()  # w ← w − α ∂E/∂w
    update = [(name, w, g, weights[name].item()) for name, (w, g) in before.items()]
    with torch.no_grad():
        loss_after = float(seed_xor_graph({**leaves, **weights}, target)["E"])
    return {"rows": rows, "update": update, "loss_after": loss_after}

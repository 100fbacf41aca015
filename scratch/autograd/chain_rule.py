r"""C3.2-autograd: the chain rule in numbers, on the seed's 2-2-1 XOR network with sigmoids (seed §2.2, §3.2).

One sample x = (x₁, x₂) with target t, the seed's hand-set weights (hidden (1, 1, −1.5) and (1, 1, −0.5),
output (−1, 1, −0.5)) under sigmoids, the seed's loss E = ½(ŷ − t)², written one scalar op at a time so
that every node of the graph is one number:

    sⱼ = wⱼ₁x₁ + wⱼ₂x₂,   zⱼ = sⱼ + bⱼ,   hⱼ = σ(zⱼ)            (j = 1, 2: the hidden units)
    s₃ = v₁h₁ + v₂h₂,     z₃ = s₃ + c,    ŷ = σ(z₃)
    E = ½ (ŷ − t)²

Backward, node by node, from E to the input: each node u gets ∂E/∂u = Σ over its consumers v of
∂E/∂v · ∂v/∂u — the upstream gradient times the local derivative — e.g.

    ∂E/∂ŷ = ŷ − t,   ∂E/∂z₃ = ∂E/∂ŷ · ŷ(1 − ŷ),   ∂E/∂h₁ = ∂E/∂z₃ · v₁,   ∂E/∂z₁ = ∂E/∂h₁ · h₁(1 − h₁),
    ∂E/∂w₁₁ = ∂E/∂z₁ · x₁,   ∂E/∂x₁ = ∂E/∂z₁ · w₁₁ + ∂E/∂z₂ · w₂₁   (x₁ feeds both hidden units)

and one step of gradient descent (seed §3.2.1) moves every weight: w ← w − α ∂E/∂w.

``graph_table`` reads all of it off the engine's recorded graph: for every node its op, its value, ∂E/∂node,
and for every edge the local derivative and the product. The torch twin (``torch_impl.autograd``) reads
the same table off ``torch.autograd``'s graph through ``grad_fn``.

Example:
    >>> example = worked_example(x=(1.0, 1.0), target=0.0, lr=0.5)     # XOR(1, 1) = 0
    >>> rows = {row["name"]: row for row in example["rows"]}
    >>> round(rows["ŷ"]["value"], 4), round(rows["E"]["value"], 4)
    (0.4244, 0.09)
    >>> round(example["loss_after"], 4)                                 # one step lowers E
    0.0783
"""

from __future__ import annotations

import unicodedata
from typing import Any

import numpy as np

from scratch.autograd.tensor import Tensor
from scratch.models.seed_weights import (
    SEED_XOR_HIDDEN_BIAS,
    SEED_XOR_HIDDEN_WEIGHT,
    SEED_XOR_OUTPUT_BIAS,
    SEED_XOR_OUTPUT_WEIGHT,
)

SUB = "₀₁₂₃"
# The seed's nine weights by name: wⱼᵢ is hidden unit j's weight on input i (Linear's layout, row j).
SEED_XOR_WEIGHTS: dict[str, float] = {
    **{f"w{SUB[j + 1]}{SUB[i + 1]}": SEED_XOR_HIDDEN_WEIGHT[j][i] for j in range(2) for i in range(2)},
    "b₁": SEED_XOR_HIDDEN_BIAS[0],
    "b₂": SEED_XOR_HIDDEN_BIAS[1],
    "v₁": SEED_XOR_OUTPUT_WEIGHT[0][0],
    "v₂": SEED_XOR_OUTPUT_WEIGHT[0][1],
    "c": SEED_XOR_OUTPUT_BIAS[0],
}
INPUTS = ("x₁", "x₂")


def seed_xor_graph(leaves: dict[str, Any], target: float) -> dict[str, Any]:
    """Every node of the 2-2-1 network and its loss, by name, from the leaves (``INPUTS`` and
    ``SEED_XOR_WEIGHTS``' names). Uses only ``*``, ``+``, ``-``, ``**`` and ``.sigmoid()``: the same
    function builds torch's graph from torch tensors."""
    n = dict(leaves)
    for j in "₁₂":
        n[f"w{j}₁x₁"] = n[f"w{j}₁"] * n["x₁"]
        n[f"w{j}₂x₂"] = n[f"w{j}₂"] * n["x₂"]
        n[f"s{j}"] = n[f"w{j}₁x₁"] + n[f"w{j}₂x₂"]
        n[f"z{j}"] = n[f"s{j}"] + n[f"b{j}"]
        n[f"h{j}"] = n[f"z{j}"].sigmoid()
    n["v₁h₁"] = n["v₁"] * n["h₁"]
    n["v₂h₂"] = n["v₂"] * n["h₂"]
    n["s₃"] = n["v₁h₁"] + n["v₂h₂"]
    n["z₃"] = n["s₃"] + n["c"]
    n["ŷ"] = n["z₃"].sigmoid()
    n["ŷ − t"] = n["ŷ"] - target
    n["(ŷ − t)²"] = n["ŷ − t"] ** 2
    n["E"] = n["(ŷ − t)²"] * 0.5
    return n


def graph_table(output: Tensor, names: dict[str, Tensor]) -> list[dict[str, Any]]:
    """The recorded graph of the scalar ``output`` as rows, from ``output`` back to the leaves.

    Each row: ``name``, ``op`` (the node's op, "Leaf" for a leaf), ``value``, ``grad`` (∂output/∂node)
    and ``inputs``: ``(input name, local derivative ∂node/∂input, product grad · local)`` for each input
    that needs a gradient. Runs ``output.backward()`` (once).
    """
    label = {id(t): name for name, t in names.items()}
    order = output.topological_order()
    unnamed = [t for t in order if id(t) not in label]
    if unnamed:
        raise ValueError(f"graph_table: expected a name for every node, {len(unnamed)} have none")
    local = {}
    for t in order:
        if t.grad_fn is not None:
            t.retain_grad()
            local[id(t)] = t.grad_fn(np.ones_like(t.data))  # upstream 1: the local derivatives themselves
    output.backward()
    rows = []
    for t in reversed(order):
        inputs = []
        if t.grad_fn is not None:
            for source, d in zip(t.grad_fn.inputs, local[id(t)], strict=True):
                if source.requires_grad:
                    inputs.append((label[id(source)], float(d), float(t.grad) * float(d)))
        op = "Leaf" if t.grad_fn is None else t.grad_fn.name
        rows.append(
            {"name": label[id(t)], "op": op, "value": float(t.data), "grad": float(t.grad), "inputs": inputs}
        )
    return rows


def worked_example(
    x: tuple[float, float] = (1.0, 1.0), target: float = 0.0, lr: float = 0.5
) -> dict[str, Any]:
    """C3.2-autograd: 역전파 (backpropagation), seed §3.2

    One sample, one step, on the engine: the graph's table, then w ← w − α ∂E/∂w for each weight.

    Returns ``{"rows": graph_table(...), "update": [(name, w, ∂E/∂w, w − α ∂E/∂w)], "loss_after": E}``.
    """
    leaves = {name: Tensor(float(v), requires_grad=True) for name, v in zip(INPUTS, x, strict=True)}
    leaves.update({name: Tensor(w, requires_grad=True) for name, w in SEED_XOR_WEIGHTS.items()})
    nodes = seed_xor_graph(leaves, target)
    rows = graph_table(nodes["E"], nodes)
    update = [
        (name, float(t.data), float(t.grad), float(t.data - lr * t.grad))
        for name, t in leaves.items()
        if name in SEED_XOR_WEIGHTS
    ]
    stepped = {name: Tensor(v) for name, v in zip(INPUTS, x, strict=True)}
    stepped.update({name: Tensor(new) for name, _, _, new in update})
    return {"rows": rows, "update": update, "loss_after": float(seed_xor_graph(stepped, target)["E"].data)}


# The table's words in each language; the numbers and the symbols (∂E/∂w, w − α ∂E/∂w) are the same in both.
TABLE_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "node": "node",
        "op": "op",
        "value": "value",
        "grad": "∂E/∂node",
        "input": "input",
        "local": "local ∂node/∂input",
        "product": "product",
        "Leaf": "Leaf",
        "leaf": "(a leaf: its ∂E is the sum of the products into it)",
        "parameter": "weight",
        "loss": "E before the step {before:.6f}, after {after:.6f}",
    },
    "ko": {
        "node": "노드",
        "op": "연산",
        "value": "값",
        "grad": "∂E/∂노드",
        "input": "입력",
        "local": "국소 미분 ∂노드/∂입력",
        "product": "곱",
        "Leaf": "잎",
        "leaf": "(잎: ∂E/∂노드는 이 노드가 입력인 줄들의 곱을 모두 더한 값)",
        "parameter": "가중치",  # as the figure C3.2-backprop-chain-rule names b and c too
        "loss": "스텝 전 E = {before:.6f}, 스텝 후 E = {after:.6f}",
    },
}
# Each column's width in terminal cells (a Hangul letter takes two), widened where a label needs more.
TABLE_WIDTHS = {"node": 10, "op": 9, "value": 10, "grad": 11, "input": 10, "local": 19, "product": 11}
STEP_WIDTHS = {"parameter": 10, "w": 10, "grad": 11, "new": 14}


def display_width(text: str) -> int:
    """Cells ``text`` takes in a monospaced font: two for a wide (East Asian) letter, one otherwise."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(text: str, width: int, align: str) -> str:
    fill = " " * max(0, width - display_width(text))
    return text + fill if align == "<" else fill + text


def format_table(example: dict[str, Any], language: str = "en") -> str:
    """``worked_example``'s result (either twin's) as a table: one line per edge of the graph, from E back
    to the leaves, then the step. ``language`` ("en", as ``scripts/backprop.py`` prints it, or "ko", as
    the Korean notebook shows it) names the columns; the numbers are the same in both."""
    if language not in TABLE_LABELS:
        raise ValueError(
            f"format_table: expected language to be one of {tuple(TABLE_LABELS)}, got {language!r}"
        )
    words = TABLE_LABELS[language]
    width = {key: max(base, display_width(words[key]) + 1) for key, base in TABLE_WIDTHS.items()}
    align = {"node": "<", "op": "<", "input": "<"}  # the rest are numbers, to the right
    lines = [
        "".join(_cell(words[key], width[key], align.get(key, ">")) for key in ("node", "op", "value", "grad"))
        + "   "
        + "".join(_cell(words[key], width[key], align.get(key, ">")) for key in ("input", "local", "product"))
    ]
    for row in example["rows"]:
        op = words["Leaf"] if row["op"] == "Leaf" else row["op"]
        head = (
            _cell(row["name"], width["node"], "<")
            + _cell(op, width["op"], "<")
            + _cell(f"{row['value']:.5f}", width["value"], ">")
            + _cell(f"{row['grad']:.5f}", width["grad"], ">")
        )
        if not row["inputs"]:
            lines.append(f"{head}   {words['leaf']}")
        for k, (source, local, product) in enumerate(row["inputs"]):
            lines.append(
                f"{head if k == 0 else ' ' * display_width(head)}   {_cell(source, width['input'], '<')}"
                f"{local:>{width['local']}.5f}{product:>{width['product']}.5f}"
            )
    lines.append("")
    step = {**STEP_WIDTHS, "parameter": max(STEP_WIDTHS["parameter"], display_width(words["parameter"]) + 1)}
    lines.append(
        _cell(words["parameter"], step["parameter"], "<")
        + f"{'w':>{step['w']}}{'∂E/∂w':>{step['grad']}}{'w − α ∂E/∂w':>{step['new']}}"
    )
    lines += [
        _cell(name, step["parameter"], "<")
        + f"{w:>{step['w']}.5f}{g:>{step['grad']}.5f}{new:>{step['new']}.5f}"
        for name, w, g, new in example["update"]
    ]
    before = next(row["value"] for row in example["rows"] if row["name"] == "E")
    lines.append(words["loss"].format(before=before, after=example["loss_after"]))
    return "\n".join(lines)

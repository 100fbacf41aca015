"""Figures of seed §3.2 (C3.2-autograd): the chain rule in numbers on the seed's 2-2-1 XOR network with
sigmoids, one sample, one step — from the tables both twins read off their own recorded graphs
(``scratch.autograd.chain_rule``, ``torch_impl.autograd``).

  C3.2-backprop-graph.png       the computation graph as the engine recorded it: every node with its
                                value and ∂E/∂node, every edge with its local derivative
  C3.2-backprop-chain-rule.png  the notes' figure: the network, ∂E passed back layer by layer from the
                                loss to the input with every product written out, and the step
                                w ← w − α ∂E/∂w with the loss before and after
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import networkx as nx

from twin_nets.figures import plt, save_figure
from twin_nets.kit import kit

CONCEPT = "C3.2-autograd"
OP_SYMBOL = {"Mul": "×", "Add": "+", "Sub": "−", "Pow": "pow", "Sigmoid": "σ", "Leaf": "leaf"}
FORWARD, BACKWARD, LEAF = "#1f4e9a", "#c0392b", "#f3f3f3"


def _num(value: float, digits: int = 4, kind: str = "f") -> str:
    """A number as the figures print it, with a true minus sign."""
    return f"{value:.{digits}{kind}}".replace("-", "−")


def worked_examples(
    twins: tuple[str, ...], x: tuple[float, float], target: float, lr: float
) -> dict[str, Any]:
    """The worked example of each twin: {twin: {"rows", "update", "loss_after"}}."""
    examples = {}
    for twin in twins:
        examples[twin] = kit(twin, argument="twins").chain_rule.worked_example(x, target, lr)
    return examples


def largest_difference(examples: dict[str, Any]) -> float:
    """The largest difference between the twins' numbers (values, gradients, locals, products, update)."""
    if len(examples) < 2:
        return 0.0
    a, b = examples.values()
    rows_b = {row["name"]: row for row in b["rows"]}
    diffs = [abs(a["loss_after"] - b["loss_after"])]
    for row in a["rows"]:
        other = rows_b[row["name"]]
        diffs += [abs(row["value"] - other["value"]), abs(row["grad"] - other["grad"])]
        for (_, la, pa), (_, lb, pb) in zip(row["inputs"], other["inputs"], strict=True):
            diffs += [abs(la - lb), abs(pa - pb)]
    for ua, ub in zip(a["update"], b["update"], strict=True):
        diffs += [abs(p - q) for p, q in zip(ua[1:], ub[1:], strict=True)]
    return max(diffs)


def backprop_figures(
    outdir: Path,
    board: Any = None,
    twins: tuple[str, ...] = ("scratch", "torch"),
    x: tuple[float, float] = (1.0, 1.0),
    target: float = 0.0,
    lr: float = 0.5,
) -> list[Path]:
    examples = worked_examples(twins, x, target, lr)
    example = examples[twins[0]]
    note = f"drawn from the {twins[0]} twin's graph"
    if len(twins) == 2:
        difference = largest_difference(examples)
        note += (
            f"; torch.autograd's grad_fn graph gives the same numbers (largest difference {difference:.1e})"
        )
    return [
        _graph_figure(example, note, outdir, board),
        _chain_rule_figure(example, x, target, lr, note, outdir, board),
    ]


def _layers(graph: nx.DiGraph) -> dict[str, int]:
    """Column of each node: an op one right of its deepest input; a leaf one left of its first consumer."""
    layer: dict[str, int] = {}
    for node in nx.topological_sort(graph):
        layer[node] = 1 + max((layer[p] for p in graph.predecessors(node)), default=-1)
    for node in graph:
        if graph.in_degree(node) == 0:
            layer[node] = max(0, min(layer[c] for c in graph.successors(node)) - 1)
    return layer


def _positions(graph: nx.DiGraph) -> dict[str, tuple[float, float]]:
    """networkx's multipartite layout by column: each column first in the order of a depth-first walk
    from the output (a tree's drawing: each node's inputs side by side); then a column of leaves only
    (a leaf may feed several ops, as x₁ does) takes the order that crosses the fewest edges and keeps
    them shortest, every order tried — a small graph's version of Sugiyama's layered drawing."""
    layer = _layers(graph)
    path: dict[str, tuple[int, ...]] = {}  # the first path from the output to each node: input indices
    stack = [(n, ()) for n in graph if graph.out_degree(n) == 0]
    while stack:
        node, key = stack.pop()
        if node not in path:
            path[node] = key
            stack.extend((p, (*key, k)) for k, p in enumerate(graph.predecessors(node)))
    columns = {
        c: sorted((n for n in graph if layer[n] == c), key=path.get) for c in sorted(set(layer.values()))
    }
    y = {n: k - (len(col) - 1) / 2 for col in columns.values() for k, n in enumerate(col)}  # centred rank

    def cost(edges: list[tuple[str, str]]) -> tuple[int, float]:
        crossings = sum(
            (y[a] - y[c]) * (y[b] - y[d]) < 0
            for k, (a, b) in enumerate(edges)
            for c, d in edges[k + 1 :]
            if layer[a] == layer[c] and layer[b] == layer[d]
        )
        return crossings, sum(abs(y[a] - y[b]) for a, b in edges)

    for col in columns.values():
        if any(graph.in_degree(n) for n in col):
            continue  # an op column keeps the tree's order; only leaves (shared by ops) move
        edges = [(u, v) for u, v in graph.edges if u in col or v in col]  # what this order moves
        best, best_cost = list(col), None
        for order in itertools.permutations(col):
            y.update({n: k - (len(col) - 1) / 2 for k, n in enumerate(order)})
            c = cost(edges)
            if best_cost is None or c < best_cost:
                best, best_cost = list(order), c
        col[:] = best
        y.update({n: k - (len(col) - 1) / 2 for k, n in enumerate(col)})
    pos = nx.multipartite_layout(graph, subset_key=columns, scale=1.0)  # lists: their order is kept
    return {n: (float(p[0]), -float(p[1])) for n, p in pos.items()}  # the first unit on top


def _graph_figure(example: dict[str, Any], note: str, outdir: Path, board: Any) -> Path:
    graph = nx.DiGraph()
    for row in reversed(example["rows"]):  # leaves first, the loss last
        graph.add_node(row["name"], **row)
    for row in example["rows"]:
        for source, local, _ in row["inputs"]:
            graph.add_edge(source, row["name"], local=local)
    pos = _positions(graph)
    fig, ax = plt.subplots(figsize=(25, 11))
    nx.draw_networkx_edges(  # margins in points: an arrow stops at its box, not at the box's centre
        graph,
        pos,
        ax=ax,
        edge_color="#888888",
        arrows=True,
        arrowsize=14,
        width=1.2,
        min_source_margin=27,
        min_target_margin=29,
    )
    nx.draw_networkx_edge_labels(
        graph,
        pos,
        ax=ax,
        edge_labels={(u, v): _num(d["local"], 4, "g") for u, v, d in graph.edges(data=True)},
        font_size=9,
        font_color="#444444",
        label_pos=0.5,
        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.9},
    )
    for name, (px, py) in pos.items():
        row = graph.nodes[name]
        op = "\n(leaf)" if row["op"] == "Leaf" else f"\n[{OP_SYMBOL.get(row['op'], row['op'])}]"
        box = {"boxstyle": "round,pad=0.3", "fc": LEAF if row["op"] == "Leaf" else "white", "ec": FORWARD}
        ax.text(
            px,
            py,
            f"{name}{op}\n{_num(row['value'])}",
            ha="center",
            va="center",
            fontsize=10.5,
            color=FORWARD,
            bbox=box,
            zorder=3,
        )
        ax.annotate(
            f"g = {_num(row['grad'])}",
            (px, py),
            xytext=(0, -31),
            textcoords="offset points",
            ha="center",
            va="top",
            fontsize=9.5,
            color=BACKWARD,
            zorder=3,
            bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.85},
        )
    ax.set_title(
        "C3.2-autograd: the computation graph of E = ½(ŷ − t)² on the seed's 2-2-1 network, as recorded\n"
        "node: its name, [the op that made it] and value (blue), g = ∂E/∂node (red)   ·   "
        "edge: the local derivative ∂node/∂input   ·   backward multiplies along each path and adds where "
        "paths meet\n" + note,
        fontsize=12,
    )
    ax.axis("off")
    ys = [p[1] for p in pos.values()]
    ax.set_ylim(min(ys) - 0.15, max(ys) + 0.1)
    return save_figure(fig, "C3.2-backprop-graph", outdir, board)


def _chain_rule_lines(rows: dict[str, Any]) -> list[tuple[str, str]]:
    """(layer, equation) for every gradient the notes' figure passes back, each product with its numbers."""

    def link(node: str, source: str) -> tuple[float, float, float]:
        local, product = next((lo, pr) for s, lo, pr in rows[node]["inputs"] if s == source)
        return rows[node]["grad"], local, product

    g = rows
    lines = [("loss", f"∂E/∂ŷ = ŷ − t = {_num(g['ŷ − t']['value'])}    (E = ½(ŷ − t)²)")]
    up, local, product = link("ŷ", "z₃")
    lines.append(("output", f"∂E/∂z₃ = ∂E/∂ŷ · σ′(z₃) = {_num(up)} × {_num(local)} = {_num(product)}"))
    for j in "₁₂":
        up, local, product = link(f"v{j}h{j}", f"v{j}")
        lines.append(("output", f"∂E/∂v{j} = ∂E/∂z₃ · h{j} = {_num(up)} × {_num(local)} = {_num(product)}"))
    lines.append(("output", f"∂E/∂c = ∂E/∂z₃ · 1 = {_num(g['c']['grad'])}"))
    for j in "₁₂":
        up, local, product = link(f"v{j}h{j}", f"h{j}")
        lines.append(("hidden", f"∂E/∂h{j} = ∂E/∂z₃ · v{j} = {_num(up)} × {_num(local)} = {_num(product)}"))
        up, local, product = link(f"h{j}", f"z{j}")
        lines.append(
            ("hidden", f"∂E/∂z{j} = ∂E/∂h{j} · σ′(z{j}) = {_num(up)} × {_num(local)} = {_num(product)}")
        )
        for i in "₁₂":
            up, local, product = link(f"w{j}{i}x{i}", f"w{j}{i}")
            lines.append(
                ("hidden", f"∂E/∂w{j}{i} = ∂E/∂z{j} · x{i} = {_num(up)} × {_num(local)} = {_num(product)}")
            )
        lines.append(("hidden", f"∂E/∂b{j} = ∂E/∂z{j} · 1 = {_num(g[f'b{j}']['grad'])}"))
    for i in "₁₂":
        (u1, l1, p1), (u2, l2, p2) = link(f"w₁{i}x{i}", f"x{i}"), link(f"w₂{i}x{i}", f"x{i}")
        lines.append(
            (
                "input",
                f"∂E/∂x{i} = ∂E/∂z₁ · w₁{i} + ∂E/∂z₂ · w₂{i} = {_num(u1)} × {_num(l1, 4, 'g')} + "
                f"{_num(u2)} × {_num(l2, 4, 'g')} = {_num(p1 + p2)}",
            )
        )
    return lines


def _network_panel(ax: Any, rows: dict[str, Any], target: float) -> None:
    """The 2-2-1 network: each unit's forward values (blue) and the ∂E passed back to it (red) on its
    outer side, each weight with its gradient on its edge."""

    def v(name: str, key: str = "value") -> str:
        return _num(rows[name][key], 4, "g" if rows[name]["op"] == "Leaf" and key == "value" else "f")

    units = {"x₁": (0, 2), "x₂": (0, -2), "h₁": (4, 2), "h₂": (4, -2), "ŷ": (8, 0), "E": (10.6, 0)}
    edges = [(f"x{i}", f"h{j}", f"w{j}{i}") for j in "₁₂" for i in "₁₂"]
    edges += [(f"h{j}", "ŷ", f"v{j}") for j in "₁₂"] + [("ŷ", "E", None)]
    for a, b, w in edges:
        (xa, ya), (xb, yb) = units[a], units[b]
        style = {"arrowstyle": "-|>", "color": "#aaaaaa", "shrinkA": 22, "shrinkB": 22, "lw": 1.2}
        ax.annotate("", (xb, yb), (xa, ya), arrowprops=style)
        if w is not None:
            t = 0.25 if ya != yb and a.startswith("x") else 0.5  # crossing edges meet halfway: label early
            ax.text(
                xa + (xb - xa) * t,
                ya + (yb - ya) * t,
                f"{w} = {v(w)}\n∂E/∂{w} = {v(w, 'grad')}",
                fontsize=9.5,
                ha="center",
                va="center",
                color=BACKWARD,
                zorder=4,
                bbox={"boxstyle": "round,pad=0.25", "fc": "white", "ec": "#dddddd"},
            )
    text = {
        "x₁": (f"x₁ = {v('x₁')}", f"∂E/∂x₁ = {v('x₁', 'grad')}"),
        "x₂": (f"x₂ = {v('x₂')}", f"∂E/∂x₂ = {v('x₂', 'grad')}"),
        "ŷ": (
            f"z₃ = v₁h₁ + v₂h₂ + c = {v('z₃')}   (c = {v('c')})\nŷ = σ(z₃) = {v('ŷ')}",
            f"∂E/∂ŷ = {v('ŷ', 'grad')}\n∂E/∂z₃ = {v('z₃', 'grad')}   (∂E/∂c = {v('c', 'grad')})",
        ),
        "E": (f"t = {_num(target, 4, 'g')}\nE = ½(ŷ − t)² = {v('E')}", "∂E/∂E = 1"),
    }
    for j in "₁₂":
        text[f"h{j}"] = (
            f"z{j} = w{j}₁x₁ + w{j}₂x₂ + b{j} = {v(f'z{j}')}   (b{j} = {v(f'b{j}')})\n"
            f"h{j} = σ(z{j}) = {v(f'h{j}')}",
            f"∂E/∂h{j} = {v(f'h{j}', 'grad')}\n"
            f"∂E/∂z{j} = {v(f'z{j}', 'grad')}   (∂E/∂b{j} = {v(f'b{j}', 'grad')})",
        )
    for name, (ux, uy) in units.items():
        ax.scatter([ux], [uy], s=1500, facecolors="white", edgecolors=FORWARD, linewidths=1.6, zorder=5)
        ax.text(ux, uy, name, ha="center", va="center", fontsize=14, zorder=6)
        forward, backward = text[name]
        # the upper row writes above itself, the lower row below, so the edges between the rows stay clear;
        # in both, blue (forward) reads above red (backward)
        if uy >= 0:
            near, far, sign = (backward, BACKWARD), (forward, FORWARD), 1
        else:
            near, far, sign = (forward, FORWARD), (backward, BACKWARD), -1
        gap = 24 + 12 * (near[0].count("\n") + 1) + 5  # 12 points a line at font size 10
        for (label, color), offset in ((near, 24), (far, gap)):
            ax.annotate(
                label,
                (ux, uy),
                xytext=(0, sign * offset),
                textcoords="offset points",
                ha="center",
                va="bottom" if sign > 0 else "top",
                fontsize=10,
                color=color,
            )
    arrow = {"arrowstyle": "-|>", "lw": 2}
    ax.annotate("", (11.6, 4.2), (-1, 4.2), arrowprops={**arrow, "color": FORWARD})
    ax.text(
        5.3,
        4.3,
        "forward (blue): values from the input to the loss",
        ha="center",
        va="bottom",
        color=FORWARD,
        fontsize=11,
    )
    ax.annotate("", (-1, -4.2), (11.6, -4.2), arrowprops={**arrow, "color": BACKWARD})
    ax.text(
        5.3,
        -4.3,
        "backward (red): ∂E passes from the loss to the input, one chain-rule product per edge "
        "(∂E/∂x₁ adds the two paths, through h₁ and through h₂)",
        ha="center",
        va="top",
        color=BACKWARD,
        fontsize=11,
    )
    ax.set_xlim(-1.6, 12.2)
    ax.set_ylim(-4.9, 4.8)
    ax.axis("off")


def _chain_rule_figure(
    example: dict[str, Any],
    x: tuple[float, float],
    target: float,
    lr: float,
    note: str,
    outdir: Path,
    board: Any,
) -> Path:
    rows = {row["name"]: row for row in example["rows"]}
    fig = plt.figure(figsize=(18, 15))
    grid = fig.add_gridspec(
        2, 2, height_ratios=(1.05, 1), width_ratios=(1.45, 1), hspace=0.06, wspace=0.06, top=0.94
    )
    _network_panel(fig.add_subplot(grid[0, :]), rows, target)
    ax = fig.add_subplot(grid[1, 0])
    ax.axis("off")
    ax.set_title("the chain rule, layer by layer (upstream × local = product)", fontsize=11, loc="left")
    layer_color = {"loss": "black", "output": "#7b3294", "hidden": "#008837", "input": BACKWARD}
    lines = _chain_rule_lines(rows)
    for k, (layer, line) in enumerate(lines):
        y = 1 - k / len(lines)
        ax.text(0.0, y, layer, fontsize=9, color=layer_color[layer], va="top", transform=ax.transAxes)
        ax.text(0.09, y, line, fontsize=9.5, va="top", family="DejaVu Sans", transform=ax.transAxes)
    ax = fig.add_subplot(grid[1, 1])
    ax.axis("off")
    ax.set_title(
        f"one step of gradient descent (seed §3.2.1): w ← w − α ∂E/∂w, α = {lr:g}", fontsize=11, loc="left"
    )
    cells = [[name, f"{w:g}", f"{g:+.4f}", f"{new:.4f}"] for name, w, g, new in example["update"]]
    table = ax.table(
        cellText=[[c.replace("-", "−") for c in row] for row in cells],
        colLabels=["weight", "w", "∂E/∂w", "w − α ∂E/∂w"],
        loc="upper center",
        cellLoc="center",
        bbox=(0.0, 0.18, 1.0, 0.8),
    )
    table.auto_set_font_size(False)
    table.set_fontsize(10)
    before, after = rows["E"]["value"], example["loss_after"]
    ax.text(
        0.5,
        0.08,
        f"E before the step = {before:.4f}   →   E after = {after:.4f}",
        ha="center",
        fontsize=11,
        transform=ax.transAxes,
    )
    fig.suptitle(
        "C3.2-autograd: backpropagation in numbers — the seed's XOR network with sigmoids, "
        f"x = ({x[0]:g}, {x[1]:g}), t = {target:g}\n{note}",
        fontsize=12.5,
        y=0.995,
    )
    return save_figure(fig, "C3.2-backprop-chain-rule", outdir, board)

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
BAND_COLUMNS = 7  # the computation graph's columns per band (it has 12: two bands, one column in both)
COLUMN_STEP, ROW_STEP, BAND_GAP = 1.55, 1.15, 1.5  # inches between columns, rows and the two bands


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
    note = f"{twins[0]} 쌍둥이가 기록한 그래프로 그림"
    if len(twins) == 2:
        difference = largest_difference(examples)
        note += f"; torch.autograd의 grad_fn 그래프도 같은 값을 냅니다 (최대 차이 {difference:.1e})"
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
    """(column, row) of each node, a layered drawing: each column first in the order of a depth-first walk
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
    return {n: (float(layer[n]), -float(y[n])) for n in graph}  # (column, row): the first unit on top


def _bands(graph: nx.DiGraph) -> list[dict[str, tuple[float, float]]]:
    """The graph in two bands, each (node -> (x, y)) in inches: the hidden layer's columns on top, the
    output's below, the column where the two meet (the products v₁h₁, v₂h₂) drawn in both, so each band is
    at most ``BAND_COLUMNS`` columns wide and the figure's text reads at the width a notebook shows it."""
    grid = _positions(graph)
    split = max(column for column, _ in grid.values()) - BAND_COLUMNS + 1
    bands = []
    for first, last in ((0, split), (split, None)):
        members = {n: p for n, p in grid.items() if p[0] >= first and (last is None or p[0] <= last)}
        bands.append({n: ((c - first) * COLUMN_STEP, r * ROW_STEP) for n, (c, r) in members.items()})
    top, bottom = bands
    lowest = min(y for _, y in top.values())
    shift = lowest - BAND_GAP - max(y for _, y in bottom.values())
    bands[1] = {n: (x, y + shift) for n, (x, y) in bottom.items()}
    return bands


def _graph_figure(example: dict[str, Any], note: str, outdir: Path, board: Any) -> Path:
    graph = nx.DiGraph()
    for row in reversed(example["rows"]):  # leaves first, the loss last
        graph.add_node(row["name"], **row)
    for row in example["rows"]:
        for source, local, _ in row["inputs"]:
            graph.add_edge(source, row["name"], local=local)
    bands = _bands(graph)
    xs = [x for band in bands for x, _ in band.values()]
    ys = [y for band in bands for _, y in band.values()]
    left, right, bottom, top = min(xs) - 0.7, max(xs) + 0.7, min(ys) - 0.75, max(ys) + 0.55
    fig = plt.figure(figsize=(right - left, top - bottom))
    ax = fig.add_axes((0, 0, 1, 1))  # one data unit is one inch: the fonts' sizes hold at any graph size
    ax.set(xlim=(left, right), ylim=(bottom, top))
    ax.axis("off")
    repeated = set(bands[0]) & set(bands[1])
    for number, pos in enumerate(bands):
        part = graph.subgraph(pos)
        nx.draw_networkx_edges(  # margins in points: an arrow stops at its box, not at the box's centre
            part, pos, ax=ax, edge_color="#888888", arrows=True, arrowsize=16, width=1.3,
            min_source_margin=34, min_target_margin=36,
        )  # fmt: skip
        nx.draw_networkx_edge_labels(
            part, pos, ax=ax, font_size=11,
            edge_labels={(u, v): _num(d["local"], 4, "g") for u, v, d in part.edges(data=True)},
            font_color="#444444", label_pos=0.5, verticalalignment="bottom",  # above its arrow, not on it
            bbox={"boxstyle": "square,pad=0.05", "fc": "none", "ec": "none"},
        )  # fmt: skip
        for name, (px, py) in pos.items():
            row = graph.nodes[name]
            op = "\n(잎)" if row["op"] == "Leaf" else f"\n[{OP_SYMBOL.get(row['op'], row['op'])}]"
            fill = LEAF if row["op"] == "Leaf" else "white"
            again = number == 1 and name in repeated  # a node the top band ends with, drawn again here
            box = {
                "boxstyle": "round,pad=0.3",
                "fc": fill,
                "ec": FORWARD,
                "linestyle": "--" if again else "-",
            }
            ax.text(px, py, f"{name}{op}\n{_num(row['value'])}", ha="center", va="center", fontsize=13,
                    color=FORWARD, bbox=box, zorder=3)  # fmt: skip
            ax.annotate(
                f"g = {_num(row['grad'])}", (px, py), xytext=(0, -38), textcoords="offset points",
                ha="center", va="top", fontsize=12, color=BACKWARD, zorder=3,
                bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.85},
            )  # fmt: skip
    first = max((p for p in bands[1].values() if p[0] == 0), key=lambda p: p[1])  # its top left node
    ax.annotate("↑ 위 줄에서 이어짐", first, xytext=(0, 40), textcoords="offset points", ha="center",
                va="bottom", fontsize=11, color="0.35")  # fmt: skip
    ax.set_title(
        "C3.2-autograd: 노트의 2-2-1 신경망에서 E = ½(ŷ − t)²의 계산 그래프 (엔진이 기록한 그대로)\n"
        "노드: 이름, [그 노드를 만든 연산] 또는 (잎: leaf 텐서), 값 (파랑)   ·   g = ∂E/∂노드 (빨강)\n"
        "간선: 국소 미분 ∂노드/∂입력   ·   역전파는 경로를 따라 곱하고, 경로가 만나는 곳에서 더합니다\n"
        + note.replace("; ", "\n"),
        fontsize=13,
        pad=12,
    )
    return save_figure(fig, "C3.2-backprop-graph", outdir, board)


def _chain_rule_lines(rows: dict[str, Any]) -> list[tuple[str, str]]:
    """(layer, equation) for every gradient the notes' figure passes back, each product with its numbers."""

    def link(node: str, source: str) -> tuple[float, float, float]:
        local, product = next((lo, pr) for s, lo, pr in rows[node]["inputs"] if s == source)
        return rows[node]["grad"], local, product

    g = rows
    lines = [("손실", f"∂E/∂ŷ = ŷ − t = {_num(g['ŷ − t']['value'])}    (E = ½(ŷ − t)²)")]
    up, local, product = link("ŷ", "z₃")
    lines.append(("출력층", f"∂E/∂z₃ = ∂E/∂ŷ · σ′(z₃) = {_num(up)} × {_num(local)} = {_num(product)}"))
    for j in "₁₂":
        up, local, product = link(f"v{j}h{j}", f"v{j}")
        lines.append(("출력층", f"∂E/∂v{j} = ∂E/∂z₃ · h{j} = {_num(up)} × {_num(local)} = {_num(product)}"))
    lines.append(("출력층", f"∂E/∂c = ∂E/∂z₃ · 1 = {_num(g['c']['grad'])}"))
    for j in "₁₂":
        up, local, product = link(f"v{j}h{j}", f"h{j}")
        lines.append(("은닉층", f"∂E/∂h{j} = ∂E/∂z₃ · v{j} = {_num(up)} × {_num(local)} = {_num(product)}"))
        up, local, product = link(f"h{j}", f"z{j}")
        lines.append(
            ("은닉층", f"∂E/∂z{j} = ∂E/∂h{j} · σ′(z{j}) = {_num(up)} × {_num(local)} = {_num(product)}")
        )
        for i in "₁₂":
            up, local, product = link(f"w{j}{i}x{i}", f"w{j}{i}")
            lines.append(
                ("은닉층", f"∂E/∂w{j}{i} = ∂E/∂z{j} · x{i} = {_num(up)} × {_num(local)} = {_num(product)}")
            )
        lines.append(("은닉층", f"∂E/∂b{j} = ∂E/∂z{j} · 1 = {_num(g[f'b{j}']['grad'])}"))
    for i in "₁₂":
        (u1, l1, p1), (u2, l2, p2) = link(f"w₁{i}x{i}", f"x{i}"), link(f"w₂{i}x{i}", f"x{i}")
        lines.append(
            (
                "입력층",
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

    units = {"x₁": (0, 2), "x₂": (0, -2), "h₁": (4, 2), "h₂": (4, -2), "ŷ": (8.5, 0), "E": (11.3, 0)}
    edges = [(f"x{i}", f"h{j}", f"w{j}{i}") for j in "₁₂" for i in "₁₂"]
    edges += [(f"h{j}", "ŷ", f"v{j}") for j in "₁₂"] + [("ŷ", "E", None)]
    for a, b, w in edges:
        (xa, ya), (xb, yb) = units[a], units[b]
        style = {"arrowstyle": "-|>", "color": "#aaaaaa", "shrinkA": 22, "shrinkB": 22, "lw": 1.2}
        ax.annotate("", (xb, yb), (xa, ya), arrowprops=style)
        if w is not None:
            t = 0.25 if ya != yb and a.startswith("x") else 0.4  # crossing edges meet halfway: label early
            ax.text(
                xa + (xb - xa) * t,
                ya + (yb - ya) * t,
                f"{w} = {v(w)}\n∂E/∂{w} = {v(w, 'grad')}",
                fontsize=11.5,
                ha="center",
                va="center",
                color=BACKWARD,
                zorder=4,
                bbox={"boxstyle": "round,pad=0.25", "fc": "white", "ec": "#dddddd"},
            )
    text = {
        "x₁": (f"x₁ = {v('x₁')}", f"∂E/∂x₁ = {v('x₁', 'grad')}"),
        "x₂": (f"x₂ = {v('x₂')}", f"∂E/∂x₂ = {v('x₂', 'grad')}"),
        "ŷ": (  # three short lines each, clear of the v₁ and v₂ labels
            f"z₃ = v₁h₁ + v₂h₂ + c\n= {v('z₃')}   (c = {v('c')})\nŷ = σ(z₃) = {v('ŷ')}",
            f"∂E/∂ŷ = {v('ŷ', 'grad')}\n∂E/∂z₃ = {v('z₃', 'grad')}\n(∂E/∂c = {v('c', 'grad')})",
        ),
        "E": (f"t = {_num(target, 4, 'g')}\nE = ½(ŷ − t)² = {v('E')}", "∂E/∂E = 1"),
    }
    for j in "₁₂":
        text[f"h{j}"] = (
            f"z{j} = w{j}₁x₁ + w{j}₂x₂ + b{j} = {v(f'z{j}')}\n"
            f"h{j} = σ(z{j}) = {v(f'h{j}')}   (b{j} = {v(f'b{j}')})",
            f"∂E/∂h{j} = {v(f'h{j}', 'grad')}\n"
            f"∂E/∂z{j} = {v(f'z{j}', 'grad')}   (∂E/∂b{j} = {v(f'b{j}', 'grad')})",
        )
    for name, (ux, uy) in units.items():
        ax.scatter([ux], [uy], s=1500, facecolors="white", edgecolors=FORWARD, linewidths=1.6, zorder=5)
        ax.text(ux, uy, name, ha="center", va="center", fontsize=16, zorder=6)
        forward, backward = text[name]
        # the upper row writes above itself, the lower row below, so the edges between the rows stay clear;
        # in both, blue (forward) reads above red (backward)
        if uy >= 0:
            near, far, sign = (backward, BACKWARD), (forward, FORWARD), 1
        else:
            near, far, sign = (forward, FORWARD), (backward, BACKWARD), -1
        gap = 24 + 14.5 * (near[0].count("\n") + 1) + 5  # 14.5 points a line at font size 12
        for (label, color), offset in ((near, 24), (far, gap)):
            ax.annotate(
                label,
                (ux, uy),
                xytext=(0, sign * offset),
                textcoords="offset points",
                ha="center",
                va="bottom" if sign > 0 else "top",
                fontsize=12,
                color=color,
            )
    arrow = {"arrowstyle": "-|>", "lw": 2}
    ax.annotate("", (12.4, 4.4), (-1, 4.4), arrowprops={**arrow, "color": FORWARD})
    ax.text(
        5.7,
        4.5,
        "순전파 (파랑): 입력에서 손실까지 값을 계산",
        ha="center",
        va="bottom",
        color=FORWARD,
        fontsize=12.5,
    )
    ax.annotate("", (-1, -4.4), (12.4, -4.4), arrowprops={**arrow, "color": BACKWARD})
    ax.text(
        5.7,
        -4.5,
        "역전파 (빨강): ∂E가 손실에서 입력 쪽으로 전해지며, 간선마다 연쇄법칙의 곱을 하나씩 계산\n"
        "(∂E/∂x₁은 h₁을 지나는 경로와 h₂를 지나는 경로를 더함)",
        ha="center",
        va="top",
        color=BACKWARD,
        fontsize=12.5,
    )
    ax.set_xlim(-1.6, 12.9)
    ax.set_ylim(-5.6, 5.2)
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
    fig = plt.figure(figsize=(13, 15))  # shown 720 px wide, its smallest text reads
    grid = fig.add_gridspec(
        2, 2, height_ratios=(1.25, 1), width_ratios=(1.7, 1), hspace=0.06, wspace=0.06, top=0.94
    )
    _network_panel(fig.add_subplot(grid[0, :]), rows, target)
    ax = fig.add_subplot(grid[1, 0])
    ax.axis("off")
    ax.set_title("층별 연쇄법칙 (상류 기울기 × 국소 미분 = 곱)", fontsize=12.5, loc="left")
    layer_color = {"손실": "black", "출력층": "#7b3294", "은닉층": "#008837", "입력층": BACKWARD}
    lines = _chain_rule_lines(rows)
    for k, (layer, line) in enumerate(lines):
        y = 1 - k / len(lines)
        ax.text(0.0, y, layer, fontsize=10.5, color=layer_color[layer], va="top", transform=ax.transAxes)
        ax.text(0.09, y, line, fontsize=11, va="top", transform=ax.transAxes)
    ax = fig.add_subplot(grid[1, 1])
    ax.axis("off")
    ax.set_title(f"경사 하강법 한 스텝 (노트 §3.2.1)\nw ← w − α ∂E/∂w, α = {lr:g}", fontsize=12.5, loc="left")
    cells = [[name, f"{w:g}", f"{g:+.4f}", f"{new:.4f}"] for name, w, g, new in example["update"]]
    table = ax.table(
        cellText=[[c.replace("-", "−") for c in row] for row in cells],
        colLabels=["가중치", "w", "∂E/∂w", "w − α ∂E/∂w"],
        loc="upper center",
        cellLoc="center",
        bbox=(0.0, 0.18, 1.0, 0.8),
        colWidths=[0.2, 0.2, 0.27, 0.33],
    )
    table.auto_set_font_size(False)
    table.set_fontsize(11)
    before, after = rows["E"]["value"], example["loss_after"]
    ax.text(
        0.5,
        0.08,
        f"스텝 전 E = {before:.4f}   →   스텝 후 E = {after:.4f}",
        ha="center",
        fontsize=12.5,
        transform=ax.transAxes,
    )
    fig.suptitle(
        "C3.2-autograd: 숫자로 보는 역전파 — 시그모이드를 쓴 노트의 XOR 신경망, "
        f"x = ({x[0]:g}, {x[1]:g}), t = {target:g}\n{note}",
        fontsize=14,
        y=0.995,
    )
    return save_figure(fig, "C3.2-backprop-chain-rule", outdir, board)

"""C3.2-autograd: the chain rule in numbers on the seed's 2-2-1 XOR network — the table the scratch engine
reads off its recorded graph equals the one read off torch.autograd's ``grad_fn`` graph, node by node and
edge by edge; the numbers are the chain rule's (each written out by hand here); the step is
w ← w − α ∂E/∂w in both twins; ``scripts/backprop.py`` prints the table and writes both figures.
"""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import numpy as np
import pytest
import torch

import torch_impl.autograd as torch_chain_rule
from parity_tests.parity import assert_twin_close
from scratch.autograd import chain_rule
from scratch.models.seed_weights import SEED_XOR_HIDDEN_BIAS, SEED_XOR_HIDDEN_WEIGHT

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "backprop.py"
SAMPLES = [  # (x, t, α): the four XOR corners, and a point off them
    pytest.param((0.0, 0.0), 0.0, 0.5, id="C3.2-autograd-xor-00"),
    pytest.param((0.0, 1.0), 1.0, 0.5, id="C3.2-autograd-xor-01"),
    pytest.param((1.0, 0.0), 1.0, 1.0, id="C3.2-autograd-xor-10"),
    pytest.param((1.0, 1.0), 0.0, 0.5, id="C3.2-autograd-xor-11"),
    pytest.param((0.3, -1.7), 0.8, 2.0, id="C3.2-autograd-off-corner"),
]


def _close(a: float, b: float, what: str) -> None:
    assert_twin_close(np.float64(a), torch.tensor(b, dtype=torch.float64), what)


@pytest.mark.parametrize(("x", "t", "lr"), SAMPLES)
def test_the_engines_table_is_the_one_torch_autograds_grad_fn_graph_gives(x, t, lr):
    ours, theirs = chain_rule.worked_example(x, t, lr), torch_chain_rule.worked_example(x, t, lr)
    assert [r["name"] for r in ours["rows"]] == [r["name"] for r in theirs["rows"]], (
        "the walks' orders differ"
    )
    assert len(ours["rows"]) == 29  # 11 leaves (x₁, x₂ and 9 weights), 18 ops
    for mine, twin in zip(ours["rows"], theirs["rows"], strict=True):
        what = f"C3.2-autograd: node {mine['name']}"
        assert mine["op"] == twin["op"], f"{what}: op {mine['op']} (scratch) != {twin['op']} (torch)"
        _close(mine["value"], twin["value"], f"{what}: value")
        _close(mine["grad"], twin["grad"], f"{what}: ∂E/∂node")
        assert [s for s, _, _ in mine["inputs"]] == [s for s, _, _ in twin["inputs"]], f"{what}: inputs"
        for (source, local, product), (_, t_local, t_product) in zip(
            mine["inputs"], twin["inputs"], strict=True
        ):
            _close(local, t_local, f"{what}: local derivative by {source}")
            _close(product, t_product, f"{what}: chain-rule product into {source}")
    for (name, w, g, new), (t_name, t_w, t_g, t_new) in zip(ours["update"], theirs["update"], strict=True):
        assert name == t_name
        for a, b, what in ((w, t_w, "w"), (g, t_g, "∂E/∂w"), (new, t_new, "w − α ∂E/∂w (torch: optim.SGD)")):
            _close(a, b, f"C3.2-autograd: {name}: {what}")
    _close(ours["loss_after"], theirs["loss_after"], "C3.2-autograd: E after the step")


@pytest.mark.parametrize(
    "twin", [chain_rule, torch_chain_rule], ids=["C3.2-autograd-scratch", "C3.2-autograd-torch"]
)
@pytest.mark.parametrize(("x", "t", "lr"), SAMPLES)
def test_each_nodes_gradient_is_the_sum_of_the_products_its_consumers_pass_back(twin, x, t, lr):
    rows = twin.worked_example(x, t, lr)["rows"]
    into: dict[str, float] = {}
    for row in rows:
        for source, _, product in row["inputs"]:
            into[source] = into.get(source, 0.0) + product
    for row in rows[1:]:  # every node but E itself
        _close(into[row["name"]], row["grad"], f"C3.2-autograd: ∂E/∂{row['name']} = Σ products")
    shared = [name for name in ("x₁", "x₂") if sum(s == name for r in rows for s, _, _ in r["inputs"]) == 2]
    assert shared == ["x₁", "x₂"], "each input feeds both hidden units: its gradient has two paths"


@pytest.mark.parametrize(("x", "t", "lr"), SAMPLES)
def test_the_numbers_are_the_chain_rule_written_by_hand(x, t, lr):
    """The notes' chain rule for this network, in NumPy without any graph: the table must hold it."""
    W, b = np.array(SEED_XOR_HIDDEN_WEIGHT), np.array(SEED_XOR_HIDDEN_BIAS)
    v, c = np.array([-1.0, 1.0]), -0.5
    sigmoid = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    z = W @ np.array(x) + b
    h = sigmoid(z)
    y = sigmoid(v @ h + c)
    delta_y = y - t  # ∂E/∂ŷ for E = ½(ŷ − t)²
    delta_3 = delta_y * y * (1 - y)  # ∂E/∂z₃
    delta_h = delta_3 * v  # ∂E/∂hⱼ
    delta_z = delta_h * h * (1 - h)  # ∂E/∂zⱼ
    expected = {
        "E": 0.5 * (y - t) ** 2,
        "ŷ": y,
        "z₃": v @ h + c,
        "h₁": h[0],
        "h₂": h[1],
        "z₁": z[0],
        "z₂": z[1],
    }
    grads = {
        "ŷ": delta_y,
        "z₃": delta_3,
        "c": delta_3,
        "v₁": delta_3 * h[0],
        "v₂": delta_3 * h[1],
        "h₁": delta_h[0],
        "h₂": delta_h[1],
        "z₁": delta_z[0],
        "z₂": delta_z[1],
        "b₁": delta_z[0],
        "b₂": delta_z[1],
        "w₁₁": delta_z[0] * x[0],
        "w₁₂": delta_z[0] * x[1],
        "w₂₁": delta_z[1] * x[0],
        "w₂₂": delta_z[1] * x[1],
        "x₁": delta_z @ W[:, 0],
        "x₂": delta_z @ W[:, 1],
    }
    example = chain_rule.worked_example(x, t, lr)
    rows = {row["name"]: row for row in example["rows"]}
    for name, value in expected.items():
        np.testing.assert_allclose(rows[name]["value"], value, rtol=1e-12, atol=1e-15, err_msg=name)
    for name, grad in grads.items():
        np.testing.assert_allclose(rows[name]["grad"], grad, rtol=1e-12, atol=1e-15, err_msg=f"∂E/∂{name}")
    for name, w, g, new in example["update"]:
        assert new == w - lr * g, name  # seed §3.2.1: w ← w − α ∂E/∂w, exactly
        np.testing.assert_allclose(g, grads[name], rtol=1e-12, atol=1e-15, err_msg=name)


def test_the_default_step_lowers_the_loss():
    example = chain_rule.worked_example()
    assert example["loss_after"] < example["rows"][0]["value"]


# ----------------------------------------------------------------------------------------- the table
NUMBER = re.compile(r"-?\d+\.\d{5,6}")


def test_the_korean_table_has_the_notebooks_words_and_the_english_ones_numbers():
    """``format_table(language="ko")`` (notebook 04) names every column in Korean, in the figure's words,
    and prints the very numbers of the English table (``scripts/backprop.py``), each column aligned in
    terminal cells (a Hangul letter takes two)."""
    example = chain_rule.worked_example()
    en, ko = chain_rule.format_table(example), chain_rule.format_table(example, language="ko")
    assert en.splitlines()[0].split() == ["node", "op", "value", "∂E/∂node", "input", "local", "∂node/∂input",
                                          "product"]  # fmt: skip
    assert ko.splitlines()[0].split() == ["노드", "연산", "값", "∂E/∂노드", "입력", "국소", "미분",
                                          "∂노드/∂입력", "곱"]  # fmt: skip
    assert "(잎: " in ko and "가중치" in ko and "스텝 전 E = 0.090042, 스텝 후 E = 0.078271" in ko
    english = ("node", "input", "local", "product", "leaf", "Leaf", "weight", "before", "after")
    assert not [word for word in english if word in ko], "an English label left in the Korean table"
    assert NUMBER.findall(ko) == NUMBER.findall(en) and len(NUMBER.findall(en)) > 100
    assert len(ko.splitlines()) == len(en.splitlines())
    for language, table in (("en", en), ("ko", ko)):  # each table's lines end in its header's last cell
        lines = table.splitlines()
        edges = [
            line for line in lines[: lines.index("")] if chain_rule.TABLE_LABELS[language]["leaf"] not in line
        ]
        steps = lines[lines.index("") + 1 : -1]
        assert len(edges) == 1 + sum(len(row["inputs"]) for row in example["rows"]) and len(steps) == 10
        for block in (edges, steps):
            ends = {sum(1 + (unicodedata.east_asian_width(ch) in "WF") for ch in line) for line in block}
            assert len(ends) == 1, f"{language}: columns out of line, lines end at {sorted(ends)} cells"


def test_a_language_the_table_lacks_is_refused_by_name():
    with pytest.raises(
        ValueError, match=r"format_table: expected language to be one of \('en', 'ko'\), got 'fr'"
    ):
        chain_rule.format_table(chain_rule.worked_example(), language="fr")


# ---------------------------------------------------------------------------------------- the script
def _main() -> object:
    from twin_nets.figures.backprop_command import main

    return main


def test_the_script_prints_the_table_and_writes_both_figures(tmp_path, capsys):
    assert _main()(["--outdir", str(tmp_path / "figures")]) == 0
    out = capsys.readouterr().out
    assert "torch.autograd's grad_fn graph: the same 29 nodes" in out
    assert "w − α ∂E/∂w" in out and "E before the step 0.090042, after 0.078271" in out
    for name in ("C3.2-backprop-graph.png", "C3.2-backprop-chain-rule.png"):
        path = tmp_path / "figures" / name
        assert path.is_file() and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
        assert str(path) in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--lr", "0"], "--lr: expected a positive number, got 0.0"),
        (["--x1", "nan"], "--x1: expected a finite number, got nan"),
        (["--impl", "jax"], "argument --impl: invalid choice"),
        (["--target", "one"], "argument --target: invalid float value"),
    ],
)
def test_a_bad_flag_is_refused_in_one_line_with_status_2_and_nothing_written(argv, message, tmp_path, capsys):
    with pytest.raises(SystemExit) as stopped:
        _main()([*argv, "--outdir", str(tmp_path / "figures")])
    err = capsys.readouterr().err
    assert stopped.value.code == 2 and len(err.splitlines()) == 1 and message in err, err
    assert not (tmp_path / "figures").exists()


def test_a_file_as_outdir_is_refused_from_a_fresh_interpreter(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--outdir", str(blocker)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2 and len(done.stderr.splitlines()) == 1, done.stderr
    assert "--outdir: expected a folder" in done.stderr and "Traceback" not in done.stderr

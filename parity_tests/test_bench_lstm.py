"""C4.3-lstm: the lstm row of ``scripts/bench.py`` — the scratch twin, the torch twin and 밑바닥부터 시작하는
딥러닝 2's ``TimeLSTM`` (``--dlfs2``) timed in one run; the flag refused in one line with status 2. No timing
is asserted: speed is reported as ratios, never tested.

The book's code is not in this repository, so the row is tested with a stand-in peer written here: the
scratch LSTM behind the peer's interface (its layout, ``params``/``grads`` lists, ``Momentum.update``).
Set ``TWIN_NETS_DLFS2`` to a clone of the book's repository to run the last test on the real one.
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import numpy as np
import pytest

from twin_nets import bench
from twin_nets.bench import lstm, runner
from twin_nets.bench.config import LSTMCase
from twin_nets.bench.peer import REPOSITORY, load_peer, to_peer_layout

TINY = LSTMCase("lstm", 5, 6, 4, 3)  # D, H, T, N: the row's machinery, in milliseconds
PEAKS = {"cpu": {"float32": {"peak": 1.0}, "float64": {"peak": 1.0}}}

STAND_IN = {
    "common/__init__.py": "",
    "common/optimizer.py": """
        import numpy as np

        class Momentum:
            def __init__(self, lr=0.01, momentum=0.9):
                self.lr, self.momentum, self.v = lr, momentum, None

            def update(self, params, grads):
                if self.v is None:
                    self.v = [np.zeros_like(p) for p in params]
                for i in range(len(params)):
                    self.v[i] = self.momentum * self.v[i] - self.lr * grads[i]
                    params[i] += self.v[i]

        Adam = Momentum
    """,
    "common/time_layers.py": """
        import numpy as np
        import scratch.nn

        def torch_rows(w, h):  # the peer's columns in blocks f, g, i, o -> torch's rows i, f, g, o
            return np.concatenate([w[..., k * h:(k + 1) * h] for k in (2, 0, 1, 3)], axis=-1).T.copy()

        class TimeLSTM:
            def __init__(self, Wx, Wh, b, stateful=False):
                self.params = [Wx, Wh, b]
                self.grads = [np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)]

            def forward(self, xs):
                wx, wh, b = self.params
                h = wh.shape[0]
                self.lstm = scratch.nn.LSTM(wx.shape[0], h, batch_first=True, dtype=np.float32)
                rows = {"weight_ih_l0": torch_rows(wx, h), "weight_hh_l0": torch_rows(wh, h)}
                rows |= {"bias_ih_l0": torch_rows(b, h), "bias_hh_l0": np.zeros(4 * h, np.float32)}
                self.lstm.load_state_dict(rows)
                return self.lstm(xs)[0]

            def backward(self, dhs):
                dxs, _ = self.lstm.backward(dhs)
                h = self.params[1].shape[0]
                rows = [self.lstm.weight_ih_l0.grad, self.lstm.weight_hh_l0.grad, self.lstm.bias_ih_l0.grad]
                for i, w in enumerate(rows):
                    order = np.concatenate([np.arange(k * h, (k + 1) * h) for k in (1, 2, 0, 3)])
                    self.grads[i][...] = w[order].T
                return dxs
    """,
}


def write_peer(folder: Path, changes: dict[str, str | None] | None = None) -> Path:
    """The stand-in peer in ``folder``, its files replaced by ``changes`` (path → text; None: left out)."""
    for name, text in {**STAND_IN, **(changes or {})}.items():
        if text is not None:
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(textwrap.dedent(text))
    return folder


@pytest.fixture(scope="module")
def stand_in(tmp_path_factory) -> Path:
    return write_peer(tmp_path_factory.mktemp("dlfs2"))


def test_flops_count_every_product_of_every_step():
    n, t, d, h = 20, 35, 100, 100  # 밑바닥 2's ch06/train_rnnlm.py
    forward = 2 * n * d * 4 * h + 2 * n * h * 4 * h  # x W_ihᵀ, h W_hhᵀ
    backward = 2 * forward  # ∂E/∂W_ih, ∂E/∂W_hh; ∂E/∂x, ∂E/∂h_(t−1)
    assert bench.MODELS["lstm"].flops == t * (forward + backward)


def test_peer_layout_conversion_reorders_gates():
    h = 2
    w = np.arange(4 * h)[:, None].astype(float)  # rows i0 i1 f0 f1 g0 g1 o0 o1
    wx, _, b = to_peer_layout(w, w, w[:, 0], 10 * w[:, 0])
    assert wx[0].tolist() == [2, 3, 4, 5, 0, 1, 6, 7]  # f0 f1 g0 g1 i0 i1 o0 o1
    assert b.tolist() == [22, 33, 44, 55, 0, 11, 66, 77]  # one bias: b_ih + b_hh


def test_the_row_times_the_peer_beside_the_twins_from_the_same_weights(stand_in):
    config = bench.BenchConfig(quick=True, seconds=0.01, models=("lstm",), dlfs2=str(stand_in), cuda=False)
    peer = load_peer(stand_in)
    rows = [runner.bench_case(TINY, dtype, config, PEAKS, False, peer) for dtype in ("float32", "float64")]
    rows.append(runner.bench_case(TINY, "float32", config, PEAKS, False, None))
    assert [sorted(row["twins"]) for row in rows] == [
        ["dlfs2", "scratch", "torch"],
        *[["scratch", "torch"]] * 2,
    ]
    twins = rows[0]["twins"]
    assert rows[0]["dlfs2"] == {"ratio": twins["scratch"]["median_s"] / twins["dlfs2"]["median_s"]}
    assert rows[1]["dlfs2"] == {"skipped": lstm.FLOAT32_ONLY} and rows[2]["dlfs2"] == {
        "skipped": lstm.NOT_GIVEN
    }
    for row in rows:
        losses = list(row["first_step_loss"].values())  # E = Σ g ⊙ out, the same in all three
        np.testing.assert_allclose(losses, losses[0], rtol=1e-5)
        assert row["flops"] == TINY.flops and row["time_steps"] == TINY.time_steps
        assert all(t["peak_memory_bytes"] >= t["state_bytes"] > 0 for t in row["twins"].values())
    result = {
        "machine": {"cpu": "a CPU", "cores_usable": 1, "numpy_blas": [], "numpy": "", "torch": ""}
        | {"torch_blas": "", "cuda": None},
        "threads": 1,
        "optimizer": bench.OPTIMIZERS["sgd"],
        "peak_gflops": {"cpu": PEAKS["cpu"]},
        "config": {"optimizer": "sgd", "quick": True},
        "rows": rows,
        "train_runs": {"skipped": "--no-train-runs"},
        "wall_s": 1.0,
    }
    table = bench.format_table(result).splitlines()
    assert table[4].endswith(" | dlfs2 ms | scratch/dlfs2 |"), table
    ratio = f"{rows[0]['dlfs2']['ratio']:.2f}"
    assert table[6].startswith("| lstm 5-6, T = 4 | float32 | 3 |") and table[6].endswith(f" | {ratio} |")
    assert table[7].endswith(f" | {lstm.FLOAT32_ONLY} | — |") and table[8].endswith(
        f" | {lstm.NOT_GIVEN} | — |"
    )


def _refused(argv: list[str], capsys) -> str:
    with pytest.raises(SystemExit) as raised:
        bench.parse_config(argv)
    err = capsys.readouterr().err
    assert raised.value.code == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    return err


LAYERS = "common/time_layers.py"


@pytest.mark.parametrize(
    "changes, message",
    [
        ({LAYERS: None}, "which has no common/time_layers.py"),
        ({LAYERS: "raise ImportError('No module named cupy')"}, "ImportError: No module named cupy"),
        ({"common/np.py": "np = 'cupy'", LAYERS: "from common.np import *\nTimeLSTM = 0"}, "sets GPU = True"),
        (
            {LAYERS: STAND_IN[LAYERS].replace("(2, 0, 1, 3)", "(0, 1, 2, 3)")},
            "TimeLSTM disagrees with the scratch LSTM on the same weights",
        ),
    ],
    ids=["no-time-layers", "import-fails", "gpu", "a-changed-copy"],
)
def test_a_folder_that_is_not_the_peer_is_refused_in_one_line(changes, message, tmp_path, capsys):
    folder = write_peer(tmp_path / "dlfs2", changes)
    assert message in _refused(["--models", "lstm", "--dlfs2", str(folder)], capsys)


def test_a_missing_folder_an_empty_value_and_no_float32_lstm_row_are_refused(stand_in, tmp_path, capsys):
    err = _refused(["--dlfs2", str(tmp_path / "no-such")], capsys)
    assert f"--dlfs2: expected a clone of {REPOSITORY} (the folder holding common/), got " in err
    assert "which is missing" in err
    assert "--dlfs2: expected a folder, got ''" in _refused(["--dlfs2", ""], capsys)
    err = _refused(["--models", "mnist", "--dlfs2", str(stand_in)], capsys)
    assert "--dlfs2: times the lstm row in float32, which --models and --dtypes leave out (mnist;" in err
    err = _refused(["--models", "lstm", "--dtypes", "float64", "--dlfs2", str(stand_in)], capsys)
    assert "which --models and --dtypes leave out (lstm; float64)" in err


@pytest.mark.skipif(
    "TWIN_NETS_DLFS2" not in os.environ, reason="TWIN_NETS_DLFS2 (a clone of the book) not set"
)
def test_the_books_own_time_lstm_agrees_and_is_timed():
    config = bench.parse_config(["--quick", "--models", "lstm", "--dlfs2", os.environ["TWIN_NETS_DLFS2"]])
    row = runner.bench_case(TINY, "float32", config, PEAKS, False, load_peer(Path(config.dlfs2)))
    assert "ratio" in row["dlfs2"], row["dlfs2"]
    losses = list(row["first_step_loss"].values())
    np.testing.assert_allclose(losses, losses[0], rtol=1e-5)

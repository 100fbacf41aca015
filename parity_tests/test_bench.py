"""C3.2.1: ``scripts/bench.py`` — the FLOP count, the flags and the shape of its JSON (never its timings)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from twin_nets import bench
from twin_nets.bench import runner

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "name, flops",
    [
        # 2·N·(3·Σ n·m − n₁·m₁), written out per product
        pytest.param("digits", 2 * 64 * (2 * 64 * 128 + 3 * 128 * 10), id="C3.2.1-digits"),
        pytest.param("mnist", 2 * 128 * (2 * 784 * 256 + 3 * 256 * 256 + 3 * 256 * 10), id="C3.2.1-mnist"),
        pytest.param("wide", 2 * 256 * (2 * 784 * 1024 + 3 * 1024 * 1024 + 3 * 1024 * 10), id="C3.2.1-wide"),
    ],
)
def test_flops_count_forward_weight_and_input_gradients_but_not_the_datas(name, flops):
    assert bench.MODELS[name].flops == flops


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--threads", "0"], "--threads: expected an integer in [1, "),
        (["--threads", "100000"], "(this machine's CPUs), got 100000"),
        (["--seed", "-1"], "--seed: expected an integer in [0, 4294967295] (2³² − 1), got -1"),
        (["--seed", str(2**32)], "--seed: expected an integer in [0, 4294967295]"),
        (["--seconds", "-1"], "--seconds: expected a number > 0, got -1.0"),
        (["--models", "huge"], "argument --models: invalid choice: 'huge'"),
        (["--out", "/proc/no/such/bench.json"], "--out: cannot write in /proc"),
        (["--out", "."], "--out: expected a file, got the folder ."),
        (["--out", "/proc/bench.json"], "--out: cannot write in /proc"),
        (["--threads", "two"], "argument --threads: invalid int value: 'two'"),
    ],
)
def test_bad_flags_exit_2_with_one_line(argv, message, capsys):
    with pytest.raises(SystemExit) as raised:
        bench.parse_config(argv)
    assert raised.value.code == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err, err


def test_an_out_that_is_a_folder_is_refused_before_the_bench_runs(tmp_path):
    """From a fresh interpreter: status 2, one line, nothing written (the bench would take minutes)."""
    (tmp_path / "results").mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench.py"), "--out", "results"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines() == [
        "bench.py: error: --out: expected a file, got the folder results (see --help)"
    ], done.stderr
    assert [p.name for p in tmp_path.rglob("*")] == ["results"]


def test_a_missing_training_script_is_reported_not_raised(monkeypatch, tmp_path):
    monkeypatch.setattr(runner, "TRAIN_SCRIPT", tmp_path / "train.py")
    assert "missing" in bench.train_run("scratch", quick=True)


@pytest.mark.slow
def test_quick_run_writes_the_table_and_json(tmp_path):
    """The smoke run end to end (one subprocess, about 15 s): every row, both twins, every field."""
    out = tmp_path / "bench.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench.py"), "--quick", "--no-train-runs", "--out", str(out)],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(out.read_text())
    assert result["threads"] == 1 and result["machine"]["torch_threads"] == 1  # the default
    assert result["machine"]["cores"] >= 1 and "omp_wait_policy" in result["machine"]
    assert set(result["peak_gflops"]["cpu"]) == {"float32", "float64"}
    assert [(r["model"], r["dtype"]) for r in result["rows"]] == [
        (model, dtype) for model in bench.MODELS for dtype in bench.DTYPES
    ]
    for row in result["rows"]:
        assert row["flops"] == bench.MODELS[row["model"]].flops
        assert {"scratch", "torch"} <= set(row["twins"])
        for twin in row["twins"].values():
            assert twin["steps"] >= 3
            assert twin["median_s"] > 0 and twin["q1_s"] <= twin["median_s"] <= twin["q3_s"]
            assert twin["peak_memory_bytes"] >= twin["state_bytes"] > 0
        assert row["ratio"] == row["twins"]["scratch"]["median_s"] / row["twins"]["torch"]["median_s"]
        losses = list(row["first_step_loss"].values())  # same weights, same batch: the same first loss
        assert max(losses) - min(losses) < 1e-4 * max(1.0, abs(losses[0])), losses
    assert "targets" not in result
    assert result["train_runs"] == {"skipped": "--no-train-runs"}
    assert "| digits 64-128-10 | float32 | 64 |" in done.stdout
    lstm_rows = [row for row in result["rows"] if row["model"] == "lstm"]  # C4.3-lstm, without --dlfs2
    assert [row["dlfs2"] for row in lstm_rows] == [{"skipped": "not given (--dlfs2)"}] * 2
    assert "| lstm 100-100, T = 35 | float32 | 20 |" in done.stdout
    assert "| not given (--dlfs2) | — |" in done.stdout
    assert bench.format_table(result) in done.stdout

"""C3.2.1: ``scripts/train.py`` from the command line: bad flags exit 2 with one line before anything is
written; the job runs as ``python scripts/train.py``; MNIST offline says how to get the files."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
import torchvision

from parity_tests.training.harness import assert_one_line, start_script
from twin_nets.training import TrainConfig, build_parser
from twin_nets.training.main import main

ROOT = Path(__file__).resolve().parents[2]
IRIS = ["--dataset", "iris", "--hidden", "8", "--batch-size", "16", "--epochs", "1"]

BAD_FLAGS = [
    pytest.param(["--dataset", "cifar10"], "--dataset: invalid choice", id="unknown-dataset"),
    pytest.param(["--optimizer", "lion"], "--optimizer: invalid choice", id="unknown-optimizer"),
    pytest.param(["--task", "gan"], "--task: invalid choice", id="C1.1-autoencoder-unknown-task"),
    pytest.param(["--code", "0"], "--code: expected an integer >= 1, got 0", id="C1.1-autoencoder-code-zero"),
    pytest.param(["--task", "charlm"], "--dataset: expected notes with --task charlm", id="C4.3-lstm-iris"),
    pytest.param(
        ["--dataset", "notes"], "--dataset: expected notes with --task charlm and only", id="C4.3-notes"
    ),
    pytest.param(
        ["--task", "charlm", "--dataset", "notes", "--hidden", "8", "8"],
        "--hidden: expected one width",
        id="C4.3-lstm-two-widths",
    ),
    pytest.param(
        ["--task", "charlm", "--dataset", "notes", "--norm", "batch"],
        "--norm does not apply",
        id="C4.3-lstm-norm",
    ),
    pytest.param(
        ["--clip-grad-norm", "-1"], "--clip-grad-norm: expected a norm >= 0", id="C3.2.3-clip-negative"
    ),
    pytest.param(["--bptt", "0"], "--bptt: expected an integer >= 1, got 0", id="C4.3-lstm-bptt-zero"),
    pytest.param(["--lr", "0"], "--lr: expected a learning rate > 0, got 0.0", id="lr-zero"),
    pytest.param(["--lr", "-0.1"], "--lr: expected a learning rate > 0", id="lr-negative"),
    pytest.param(["--lr", "nan"], "--lr: expected a learning rate > 0", id="lr-nan"),
    pytest.param(["--lr", "fast"], "--lr: invalid float value", id="lr-not-a-number"),
    pytest.param(["--batch-size", "0"], "--batch-size: expected an integer >= 1, got 0", id="batch-zero"),
    pytest.param(
        ["--batch-size", "121"],
        "--batch-size: expected at most the 120 training samples of iris, got 121",
        id="C3.2.1-sgd-batch-above-data-size",
    ),
    pytest.param(["--betas", "0.9", "1.0"], "--betas: expected two numbers in [0, 1)", id="beta2-one"),
    pytest.param(["--betas", "-0.1", "0.9"], "--betas: expected two numbers in [0, 1)", id="beta1-negative"),
    pytest.param(
        ["--dropout", "1"], "--dropout: expected a probability in [0, 1), got 1.0", id="dropout-one"
    ),
    pytest.param(["--dropout", "-0.5"], "--dropout: expected a probability in [0, 1)", id="dropout-negative"),
    pytest.param(["--epochs", "0"], "--epochs: expected an integer in [1, 1000000], got 0", id="epochs-zero"),
    pytest.param(["--hidden", "8", "0"], "--hidden: expected widths >= 1", id="hidden-zero"),
    pytest.param(["--norm", "group"], "--norm: invalid choice", id="unknown-norm"),
    pytest.param(["--momentum", "0.9"], "--momentum does not apply to --optimizer adam", id="momentum-adam"),
    pytest.param(
        ["--optimizer", "sgd", "--nesterov"], "--nesterov: expected --momentum > 0", id="nesterov-no-momentum"
    ),
    pytest.param(
        ["--weight-decay", "-1"], "--weight-decay: expected a number >= 0", id="weight-decay-negative"
    ),
    pytest.param(["--test-size", "1.5"], "--test-size: expected a fraction in (0, 1)", id="test-size"),
    pytest.param(["--threads", "0"], "--threads: expected an integer >= 1", id="threads-zero"),
    pytest.param(
        ["--experiment", "a/b"], "--experiment: expected a folder name without '/'", id="experiment"
    ),
    pytest.param(["--lr", "-1e-3"], "--lr: expected a learning rate > 0, got -0.001", id="lr-negative-sci"),
    pytest.param(["--resume"], "--resume: no checkpoint", id="nothing-to-resume"),
    pytest.param(
        ["--norm", "batch", "--batch-size", "7"],
        "--batch-size: with --norm batch every batch needs at least 2 samples, but 120 training samples at "
        "batch size 7 leave a last batch of 1 (add --drop-last",
        id="C4.3-batchnorm-last-batch-of-one",
    ),
    pytest.param(
        ["--norm", "batch", "--batch-size", "1"],
        "--batch-size: expected at least 2 with --norm batch, got 1",
        id="C4.3-batchnorm-batch-of-one",
    ),
    pytest.param(["--no-such-flag"], "unrecognized arguments: --no-such-flag", id="unknown-flag"),
]
if not torch.cuda.is_available():
    BAD_FLAGS.append(
        pytest.param(["--device", "cuda"], "--device cuda: CUDA is not available", id="cuda-absent")
    )


@pytest.mark.parametrize(("flags", "message"), BAD_FLAGS)
def test_bad_flags_exit_2_with_one_line_before_anything_is_written(tmp_path, capsys, flags, message):
    logdir = tmp_path / "runs"
    with pytest.raises(SystemExit) as caught:
        main([*IRIS, "--logdir", str(logdir), *flags])
    assert caught.value.code == 2
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("train.py: error: ") and message in lines[0], lines[0]
    assert captured.out == ""
    assert not logdir.exists(), "nothing may be written before the flags are checked"


def test_flags_parse_into_a_frozen_dataclass():
    config = TrainConfig()
    with pytest.raises(AttributeError):
        config.lr = 0.1  # type: ignore[misc]
    assert config.impl == "both" and config.dataset == "digits" and config.dtype == "float64"


def test_resume_with_other_flags_is_refused(tmp_path, capsys):
    assert main([*IRIS, "--logdir", str(tmp_path), "--experiment", "x"]) == 0
    capsys.readouterr()
    with pytest.raises(SystemExit) as caught:
        main([*IRIS, "--logdir", str(tmp_path), "--experiment", "x", "--resume", "--lr", "0.01"])
    assert caught.value.code == 2
    assert "--resume: the checkpoint was made with other flags: --lr 0.001" in capsys.readouterr().err


def test_a_checkpoint_older_than_a_flag_resumes_with_that_flags_default():
    saved = TrainConfig().to_dict()
    del saved["drop_last"]  # made before --drop-last existed, when the last batch was always kept
    assert TrainConfig().resume_mismatches(saved) == []
    assert TrainConfig(drop_last=True).resume_mismatches(saved) == [
        "--drop-last False (checkpoint) vs True (now)"
    ]


def test_mnist_offline_without_files_says_how_to_get_them(tmp_path, capsys, monkeypatch):
    def offline(self):
        raise RuntimeError("Error downloading train-images-idx3-ubyte.gz: <urlopen error no network>")

    monkeypatch.setattr(torchvision.datasets.MNIST, "download", offline)
    with pytest.raises(SystemExit) as caught:
        main(["--dataset", "mnist", "--data-dir", str(tmp_path), "--logdir", str(tmp_path)])
    assert caught.value.code == 2  # a data problem the user can fix
    assert list(tmp_path.iterdir()) == [], "a failed download leaves nothing in the data folder"
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1
    assert "torchvision.datasets.MNIST" in err and "download=True" in err


@pytest.mark.parametrize(("flags", "every"), [({"epochs": 2000}, 100), ({}, 2), ({"epochs": 5}, 1),
                                              ({"epochs": 2000, "checkpoint_every": 3}, 3)])  # fmt: skip
def test_the_default_checkpoint_cadence_is_twenty_pairs_a_run(flags, every):
    """A pair holds the history so far, so at a fixed cadence checkpoints take a growing share of a long
    run; by default a run makes 20 (and one at the end), ``--checkpoint-every N`` sets N."""
    assert TrainConfig(**flags).checkpoint_interval == every


def test_help_shows_every_flags_help_and_a_default_only_where_there_is_one():
    text = build_parser().format_help()
    for action in build_parser()._actions:
        assert action.help, f"{action.option_strings} has no help"
    assert "(default: None)" not in text and "(default: False)" not in text
    for shown in ("--epochs EPOCHS       passes over the training set (default: 40)", "(default: digits)"):
        assert shown in text


def test_the_script_is_a_thin_driver_of_the_package():
    """``scripts/train.py`` runs ``twin_nets.training.main.main``, as ``python -m twin_nets.training`` does"""
    tree = ast.parse((ROOT / "scripts" / "train.py").read_text(encoding="utf-8"))  # read, never run by path
    imports = [(n.module, [a.name for a in n.names]) for n in tree.body if isinstance(n, ast.ImportFrom)]
    assert ("twin_nets.training.main", ["main"]) in imports
    assert not [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))], "no code of its own"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "twin_nets.training", "--help"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and "--checkpoint-every N" in result.stdout and result.stderr == ""


@pytest.mark.slow  # a training or drawing run in a fresh interpreter, seconds of CPU
def test_a_closed_stdout_stops_the_run_as_sigpipe_would_keeping_a_pair_to_resume(tmp_path):
    """``train.py | head -1``: once the reader of stdout is gone, the run stops at the next line it prints
    (an epoch's end), saves its pair, says so in one line on stderr and exits 141 (128 + SIGPIPE), not
    "error: Broken pipe" with status 2; ``--resume`` continues from that pair."""
    argv = [*IRIS[:-2], "--epochs", "400", "--checkpoint-every", "1000", "--device", "cpu"]
    argv += ["--logdir", str(tmp_path)]
    process = start_script(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for line in process.stdout:  # a row every 20 epochs: the reader is gone long before epoch 400
        if line.startswith("epoch 1/"):
            break
    process.stdout.close()
    err = process.stderr.read()
    assert process.wait(timeout=120) == 128 + 13, err
    assert_one_line(err, "stdout was closed (broken pipe) after step", "checkpoint pair (epoch")
    (root,) = tmp_path.iterdir()
    step = json.loads((root / "checkpoint.json").read_text())["global_step"]
    assert step > 0 and step % 8 == 0  # iris: 120 samples at 16 a batch, 8 steps an epoch
    resumed = start_script(
        [*argv, "--resume", "--epochs", str(step // 8 + 1)], stdout=subprocess.PIPE, text=True
    )
    out, _ = resumed.communicate(timeout=120)
    assert resumed.returncode == 0 and f"resumed from epoch {step // 8}" in out and "parity: PASS" in out

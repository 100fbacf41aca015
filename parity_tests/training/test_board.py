"""Issue 13, TensorBoard for a learner: read a run's events with TensorBoard's own ``EventAccumulator``.
``train``, ``test`` and ``parity`` groups come first; hparams only in the HParams tab (no ``hparam/*``
scalars); layer tags name the layer and stay the same whatever ``--norm`` and ``--dropout`` insert; one
events file per twin; the README's 2000-epoch XOR example (a 2-4-2 network) logs well under 20 MB."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from twin_nets.training import parse_config, prepare

ROOT = Path(__file__).resolve().parents[2]
TINY = ["--dataset", "iris", "--hidden", "8", "6", "--batch-size", "16", "--epochs", "2", "--device", "cpu"]


def _events(folder):
    accumulator = EventAccumulator(str(folder), size_guidance={"scalars": 0, "histograms": 0, "tensors": 0})
    accumulator.Reload()
    return accumulator


def _run(tmp_path, name, *flags):
    run = prepare(parse_config([*TINY, "--logdir", str(tmp_path), "--experiment", name, *flags]))
    assert run.run(out=io.StringIO()) == 0
    return {impl: _events(tmp_path / name / impl) for impl in run.twins}


@pytest.fixture(scope="module")
def boards(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("boards")
    return {
        "plain": _run(tmp_path, "plain"),
        "norm": _run(tmp_path, "norm", "--norm", "batch", "--dropout", "0.2"),
        "layer": _run(tmp_path, "layer", "--norm", "layer", "--activation", "prelu"),
        "path": tmp_path,
    }


def test_train_test_and_parity_come_first_and_no_hparam_scalars(boards):
    for impl, acc in boards["plain"].items():
        scalars = acc.Tags()["scalars"]
        groups = sorted({tag.split("/")[0] for tag in scalars})
        assert groups[:3] == ["parity", "test", "train"], (impl, groups)  # TensorBoard sorts the groups
        assert not [tag for tag in scalars if tag.startswith("hparam")], scalars
        assert {"train/loss", "train/accuracy", "train/lr", "test/loss", "test/accuracy"} <= set(scalars)
        assert {"parity/max_weight_diff", "parity/loss_diff"} <= set(scalars)
        hparams = acc.PluginTagToContent("hparams")
        assert {"_hparams_/experiment", "_hparams_/session_start_info", "_hparams_/session_end_info"} <= set(
            hparams
        )
        assert "config/text_summary" in acc.Tags()["tensors"]


def test_layer_tags_name_the_layer_whatever_norm_and_dropout_insert(boards):
    histograms = {
        name: set(runs["torch"].Tags()["histograms"]) for name, runs in boards.items() if name != "path"
    }
    for name, tags in histograms.items():
        assert {"weights/linear2.weight", "weights/linear3.weight", "weights/linear3.bias"} <= tags, name
        assert not [tag for tag in tags if tag.split("/")[-1][0].isdigit()], f"{name}: positional tags {tags}"
    assert "weights/linear1.bias" in histograms["plain"]
    assert "weights/linear1.bias" not in histograms["norm"]  # no bias before batch norm
    assert {"weights/batchnorm1.weight", "weights/batchnorm2.bias"} <= histograms["norm"]
    assert {"weights/layernorm1.weight", "weights/prelu2.weight"} <= histograms["layer"]
    shared = histograms["plain"] & histograms["norm"]
    assert {"weights/linear1.weight", "gradients/linear3.weight"} <= shared
    for name, runs in boards.items():
        if name != "path":
            assert set(runs["scratch"].Tags()["histograms"]) == set(runs["torch"].Tags()["histograms"]), name


def test_one_events_file_per_twin(boards):
    for name in ("plain", "norm"):
        for impl in ("scratch", "torch"):
            files = list((boards["path"] / name / impl).glob("events.out.tfevents.*"))
            assert len(files) == 1, files


@pytest.mark.slow
def test_the_readmes_xor_example_prints_a_screen_and_logs_under_20_mb(tmp_path):
    """The README's XOR example (2000 epochs) from a fresh interpreter, as a user runs it: a screen of
    output whose epoch lines name the twins, the final table and the parity verdict, and events well
    under 20 MB (issue 13 measured 260 MB with a histogram every epoch), a histogram on at most 100
    epochs."""
    command = [sys.executable, "scripts/train.py", "--dataset", "xor", "--hidden", "4", "--lr", "0.05",
               "--epochs", "2000", "--checkpoint-every", "1000", "--logdir", str(tmp_path)]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert len(lines) < 60, len(lines)
    epoch_lines = [line for line in lines if line.startswith("epoch ") and "/2000: " in line]
    assert len(epoch_lines) == 21 and all(": [scratch | torch] train loss " in ln for ln in epoch_lines)
    assert "train loss (scratch | torch)" in done.stdout and "parity: PASS" in done.stdout, done.stdout
    size = sum(path.stat().st_size for path in tmp_path.rglob("events.out.tfevents.*"))
    print(f"C3.2.1 2000-epoch XOR 2-4-2 run, both twins: {size / 1e6:.2f} MB of events")
    assert size < 20e6
    (torch_folder,) = (folder for folder in tmp_path.rglob("torch") if folder.is_dir())
    histogram_steps = {e.step for e in _events(torch_folder).Histograms("weights/linear1.weight")}
    assert len(histogram_steps) == 100 and max(histogram_steps) == 2000

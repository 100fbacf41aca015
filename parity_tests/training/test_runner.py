"""C3.2.1: the paired run. Same initial weights, same batches: after an epoch the twins' weights agree
within the contract (float64); TensorBoard, metrics.json, checkpoints, resume, Ctrl-C and NaN stops."""

from __future__ import annotations

import io
import json
import math
import signal

import numpy as np
import pytest
import torch
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from parity_tests import parity as contract
from twin_nets.training import PAIRED_TRAINING_ATOL, parse_config, prepare
from twin_nets.training.parity import max_weight_difference, verdict
from twin_nets.training.twins import ScratchTwin, TorchTwin

# iris: 120 training samples, batch 16 -> 8 iterations per epoch
TINY = ["--dataset", "iris", "--hidden", "8", "6", "--batch-size", "16", "--epochs", "1"]


def train(tmp_path, *flags, experiment="run", device="cpu"):
    """Run the job in-process; returns (exit status, the PairedRun, what it printed)."""
    config = parse_config(
        [*TINY, "--logdir", str(tmp_path), "--experiment", experiment, "--device", device, *flags]
    )
    run = prepare(config)
    out = io.StringIO()
    status = run.run(out=out)
    return status, run, out.getvalue()


PAIRED = [
    pytest.param([], id="C3.2.1-adam-default"),
    pytest.param(["--optimizer", "sgd", "--lr", "0.1"], id="C3.2.1-sgd"),
    pytest.param(["--optimizer", "sgd", "--lr", "0.5", "--batch-size", "120"], id="C3.2.1-gd-full-batch"),
    pytest.param(["--optimizer", "sgd", "--lr", "0.05", "--momentum", "0.9"], id="C3.2.1-momentum"),
    pytest.param(["--optimizer", "textbook_momentum", "--lr", "0.05"], id="C3.2.1-momentum-textbook"),
    pytest.param(
        ["--optimizer", "sgd", "--lr", "0.05", "--momentum", "0.9", "--nesterov", "--weight-decay", "1e-3"],
        id="C3.2.1-nesterov-weight-decay",
    ),
    pytest.param(["--optimizer", "adagrad", "--lr", "0.1"], id="C3.2.1-adagrad"),
    pytest.param(["--optimizer", "rmsprop", "--lr", "0.01", "--centered"], id="C3.2.1-rmsprop-centered"),
    pytest.param(["--optimizer", "adamw", "--amsgrad", "--betas", "0.8", "0.99"], id="C3.2.1-adamw-amsgrad"),
    pytest.param(["--activation", "prelu", "--init", "default"], id="C3.1.1-prelu-learnable"),
    pytest.param(["--activation", "tanh", "--init", "xavier"], id="C3.1.1-tanh-xavier"),
    pytest.param(["--dropout", "0.3"], id="C4.2-dropout-shared-masks"),
    pytest.param(["--norm", "batch"], id="C4.3-batchnorm"),
    pytest.param(["--norm", "batch", "--batch-size", "7", "--drop-last"], id="C4.3-batchnorm-drop-last"),
    pytest.param(["--norm", "layer", "--dropout", "0.2"], id="C4.3-layernorm-dropout"),
]


@pytest.mark.parametrize(
    ("flags", "steps", "seen"), [([], 18, 120), (["--drop-last"], 17, 119)], ids=["keep-last", "drop-last"]
)
def test_drop_last_drops_the_short_batch_in_both_twins(tmp_path, flags, steps, seen):
    """iris: 120 training samples at batch size 7 are 17 full batches and one of 1 sample; the epoch's
    training accuracy is a count of correct samples over the ``seen`` samples."""
    status, run, out = train(tmp_path, "--batch-size", "7", *flags)
    assert status == 0, out
    assert run.progress.global_step == steps
    for impl, twin in run.twins.items():
        assert len(twin.loader) == steps
        correct = run.progress.history[impl][0]["train_accuracy"] * seen
        assert abs(correct - round(correct)) < 1e-9, (impl, correct)
    assert [r["train_accuracy"] for r in run.progress.history["scratch"]] == [
        r["train_accuracy"] for r in run.progress.history["torch"]
    ]


def test_twins_evaluate_the_test_set_or_any_arrays_they_are_given(tmp_path):
    status, run, out = train(tmp_path)
    assert status == 0, out
    data = run.data
    for twin in run.twins.values():
        assert twin.evaluate(data.x_test, data.y_test) == twin.evaluate()
    on_train = {impl: twin.evaluate(data.x_train, data.y_train) for impl, twin in run.twins.items()}
    assert on_train["scratch"][1] == on_train["torch"][1]
    assert math.isclose(on_train["scratch"][0], on_train["torch"][0], rel_tol=1e-10)
    assert on_train["scratch"] != run.twins["scratch"].evaluate()


def test_the_runner_records_how_far_apart_the_twins_are_after_step_1(tmp_path):
    status, run, out = train(tmp_path)
    assert status == 0, out
    assert run.progress.divergence["first_step_weight_diff"] < 1e-14
    assert "first_step_over_tolerance" not in run.progress.divergence


def test_a_broken_twin_fails_the_verdict_from_step_1(tmp_path, monkeypatch):
    """A twin that differs (here: the torch twin's first weight nudged by 1e-6 before training) is a
    FAIL with exit status 1, and the verdict says it was already apart after step 1."""
    config = parse_config([*TINY, "--logdir", str(tmp_path), "--experiment", "broken", "--device", "cpu"])
    run = prepare(config)
    with torch.no_grad():
        run.twins["torch"].model[0].weight[0, 0] += 1e-6
    out = io.StringIO()
    assert run.run(out=out) == 1
    text = out.getvalue()
    assert "parity: FAIL" in text and "after step 1 and reached 1e-08 at step 1" in text, text
    assert run.progress.divergence["first_step_weight_diff"] > 1e-7


def test_the_verdict_says_how_a_failure_started():
    grown = {"first_step_weight_diff": 1.1e-15, "first_step_over_tolerance": 273}
    passed, sentence = verdict("float64", [1e-3, 0.76], grown)
    assert passed is False
    assert sentence.endswith("it was 1.1e-15 after step 1 and reached 1e-08 at step 273"), sentence
    assert verdict("float64", [1e-12], {"first_step_weight_diff": 1e-16})[0] is True
    assert verdict("float32", [1e-3], grown)[0] is None


@pytest.mark.parametrize("flags", PAIRED)
def test_paired_training_agrees_within_the_contract_after_an_epoch(tmp_path, flags, device):
    status, run, out = train(tmp_path, *flags, "--epochs", "2", device=device)
    assert status == 0, out
    scratch_twin, torch_twin = run.twins["scratch"], run.twins["torch"]
    initial = prepare(run.config).twins["scratch"].weights()  # a fresh build: the initial weights
    moved = max_weight_difference(initial, scratch_twin.weights())
    assert moved > 1e-3, "the twins did not train: equal weights would prove nothing"
    final = scratch_twin.weights()
    torch_final = torch_twin.model.state_dict()
    assert set(final) == set(torch_final)
    for key, value in final.items():
        tensor = torch_final[key]
        assert value.shape == tuple(tensor.shape) and value.dtype == tensor.cpu().numpy().dtype, key
        difference = float(np.max(np.abs(value - tensor.cpu().numpy()), initial=0.0))
        assert difference < contract.PAIRED_TRAINING_ATOL, f"{flags}: {key} differs by {difference:.3g}"
    epoch_diffs = [row["max_weight_diff"] for row in run.progress.parity]
    assert len(epoch_diffs) == 2 and max(epoch_diffs) < contract.PAIRED_TRAINING_ATOL
    for mine, theirs in zip(run.progress.history["scratch"], run.progress.history["torch"], strict=True):
        assert mine["test_accuracy"] == theirs["test_accuracy"]
        assert math.isclose(mine["train_loss"], theirs["train_loss"], rel_tol=1e-10, abs_tol=1e-12)
    assert "parity: PASS" in out


def test_float32_drift_is_reported_not_asserted(tmp_path, record_property):
    status, run, out = train(tmp_path, "--dtype", "float32", "--epochs", "2")
    assert status == 0
    assert {p.dtype for p in run.twins["scratch"].model.parameters()} == {np.dtype(np.float32)}
    assert {p.dtype for p in run.twins["torch"].model.parameters()} == {torch.float32}
    drift = max(row["max_weight_diff"] for row in run.progress.parity)
    record_property("float32_max_weight_diff", drift)
    print(f"C3.2.1 float32 paired drift after 2 epochs: {drift:.3g}")
    assert math.isfinite(drift)
    assert "float32 drift" in out and "reported, not asserted" in out


SCALAR_TAGS = {
    "train/loss",
    "train/accuracy",
    "test/loss",
    "test/accuracy",
    "train/lr",
    "parity/max_weight_diff",
    "parity/loss_diff",
    "weights/grad_norm/linear1.weight",
    "weights/grad_norm/linear3.bias",
}
HISTOGRAM_TAGS = {
    "weights/linear1.weight",
    "weights/linear3.bias",
    "gradients/linear1.weight",
    "gradients/linear2.bias",
}


def _events(folder):
    accumulator = EventAccumulator(str(folder), size_guidance={"scalars": 0, "histograms": 0, "tensors": 0})
    accumulator.Reload()
    return accumulator


def test_tensorboard_events_have_the_same_tags_in_both_twins_folders(tmp_path):
    status, _, _ = train(tmp_path, "--epochs", "2")
    assert status == 0
    events = {impl: _events(tmp_path / "run" / impl) for impl in ("scratch", "torch")}
    tags = {impl: acc.Tags() for impl, acc in events.items()}
    assert set(tags["scratch"]["scalars"]) == set(tags["torch"]["scalars"])
    assert set(tags["scratch"]["scalars"]) >= SCALAR_TAGS
    assert HISTOGRAM_TAGS <= set(tags["torch"]["histograms"]) == set(tags["scratch"]["histograms"])
    for impl, acc in events.items():
        losses = acc.Scalars("train/loss")
        assert [e.step for e in losses] == list(range(1, 17)), impl  # every step of 2 epochs × 8
        assert [e.step for e in acc.Scalars("test/accuracy")] == [8, 16], impl
        assert acc.Scalars("train/lr")[0].value == pytest.approx(1e-3)
        assert "config/text_summary" in acc.Tags()["tensors"], impl
        assert "_hparams_/session_start_info" in acc.PluginTagToContent("hparams"), impl
    scratch_losses = [e.value for e in events["scratch"].Scalars("train/loss")]
    torch_losses = [e.value for e in events["torch"].Scalars("train/loss")]
    np.testing.assert_allclose(scratch_losses, torch_losses, rtol=1e-6)  # stored as float32 by TensorBoard
    assert max(e.value for e in events["scratch"].Scalars("parity/max_weight_diff")) < PAIRED_TRAINING_ATOL


def test_metrics_json_beside_each_twins_events(tmp_path):
    status, run, _ = train(tmp_path, "--epochs", "2")
    assert status == 0
    for impl in ("scratch", "torch"):
        metrics = json.loads((tmp_path / "run" / impl / "metrics.json").read_text())
        assert metrics["impl"] == impl and metrics["status"] == "done"
        assert metrics["epochs_completed"] == 2 and metrics["global_step"] == 16
        last = run.progress.history[impl][-1]
        for key in ("test_accuracy", "test_loss", "train_loss"):
            assert metrics[key] == last[key], key
        assert metrics["wall_time_s"] > 0
        assert metrics["config"] == run.config.to_dict()
        assert len(metrics["history"]) == 2
        assert metrics["parity"]["passed"] is True
        assert metrics["parity"]["atol"] == PAIRED_TRAINING_ATOL


def test_a_single_twin_run_writes_only_its_folder(tmp_path):
    status, run, out = train(tmp_path, "--impl", "scratch")
    assert status == 0 and set(run.twins) == {"scratch"}
    assert (tmp_path / "run" / "scratch" / "metrics.json").is_file()
    assert not (tmp_path / "run" / "torch").exists()
    assert "parity" not in json.loads((tmp_path / "run" / "scratch" / "metrics.json").read_text())
    assert "max |Δw|" not in out


def _pair(root):
    """The committed pair's files, as the pointer names them."""
    pointer = json.loads((root / "checkpoint.json").read_text())
    return {impl: root / name for impl, name in pointer["files"].items()}


def test_checkpoints_load_without_pickle(tmp_path):
    train(tmp_path, "--dropout", "0.2")
    files = _pair(tmp_path / "run")
    with np.load(files["scratch"], allow_pickle=False) as npz:
        assert {"model.0.weight", "optimizer.state.0.exp_avg", "header"} <= set(npz.files)
        meta = json.loads(str(npz["header"]))["meta"]
    assert meta["epoch"] == 1 and set(meta["rng"]) == {"loader_epoch_start", "dropout"}
    payload = torch.load(files["torch"], weights_only=True)
    assert set(payload) == {"model", "optimizer", "meta"}
    assert set(payload["optimizer"]["state"][0]) >= {"exp_avg", "exp_avg_sq", "step"}


def test_a_fresh_run_moves_the_earlier_results_aside_instead_of_deleting_them(tmp_path):
    train(tmp_path)
    first = {p.name: p.read_bytes() for p in (tmp_path / "run" / "torch").iterdir()}
    train(tmp_path)
    train(tmp_path)
    second = sorted(p.name for p in (tmp_path / "run" / "torch").iterdir())
    assert len(second) == len(first)
    kept = sorted(tmp_path.glob("run.replaced-*"))
    assert len(kept) == 2, kept
    oldest = {p.name: p.read_bytes() for p in (kept[0] / "torch").iterdir()}
    assert oldest == first


def _final_state(run):
    return {impl: twin.weights() for impl, twin in run.twins.items()}


def _assert_identical(a, b):
    for impl in a:
        for key in a[impl]:
            np.testing.assert_array_equal(a[impl][key], b[impl][key], err_msg=f"{impl} {key}")


RESUME = ["--dropout", "0.2", "--norm", "batch", "--optimizer", "adam"]


def test_resume_ends_exactly_where_an_uninterrupted_run_ends(tmp_path):
    _, straight, _ = train(tmp_path, *RESUME, "--epochs", "2", experiment="straight")
    status, _, _ = train(tmp_path, *RESUME, "--epochs", "1", experiment="halves")
    assert status == 0
    status, resumed, out = train(tmp_path, *RESUME, "--epochs", "2", "--resume", experiment="halves")
    assert status == 0, out
    _assert_identical(_final_state(straight), _final_state(resumed))
    assert resumed.progress.history == straight.progress.history
    optimizer = resumed.twins["torch"].optimizer.state_dict()["state"][0]
    reference = straight.twins["torch"].optimizer.state_dict()["state"][0]
    torch.testing.assert_close(optimizer["exp_avg_sq"], reference["exp_avg_sq"], rtol=0, atol=0)


@pytest.mark.parametrize(
    ("signum", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["ctrl-c", "sigterm"]
)
def test_a_stop_signal_saves_a_checkpoint_mid_epoch_and_resume_continues_exactly(
    tmp_path, monkeypatch, capsys, signum, status
):
    _, straight, _ = train(tmp_path, *RESUME, "--epochs", "2", experiment="straight")
    original = TorchTwin.step
    calls = {"n": 0}

    def step_then_ctrl_c(self, batch):
        calls["n"] += 1
        result = original(self, batch)
        if calls["n"] == 11:  # epoch 2, batch 3
            signal.raise_signal(signum)
        return result

    monkeypatch.setattr(TorchTwin, "step", step_then_ctrl_c)
    capsys.readouterr()
    code, interrupted, _ = train(tmp_path, *RESUME, "--epochs", "2", experiment="ctrl-c")
    assert code == status
    err = capsys.readouterr().err
    assert f"interrupted ({signal.Signals(signum).name}) after step 11 (epoch 2, batch 3)" in err, err
    assert interrupted.status == "interrupted"
    metrics = json.loads((tmp_path / "ctrl-c" / "torch" / "metrics.json").read_text())
    assert metrics["status"] == "interrupted" and metrics["global_step"] == 11
    monkeypatch.setattr(TorchTwin, "step", original)
    status, resumed, _ = train(tmp_path, *RESUME, "--epochs", "2", "--resume", experiment="ctrl-c")
    assert status == 0
    _assert_identical(_final_state(straight), _final_state(resumed))
    assert resumed.progress.history == straight.progress.history


def _record_pairs(monkeypatch):
    """The global step of every checkpoint pair the run commits, in order."""
    from twin_nets.training import runner

    pairs, commit = [], runner.checkpoint.commit_pair

    def recorded(root, writers, step):
        pairs.append(step)
        return commit(root, writers, step)

    monkeypatch.setattr(runner.checkpoint, "commit_pair", recorded)
    return pairs


def test_a_pair_and_metrics_json_every_n_epochs_and_at_the_end(tmp_path, monkeypatch):
    """``--checkpoint-every 2`` over 5 epochs of 8 steps: pairs (with metrics.json) at epochs 2, 4 and the
    last, 5; then the final metrics.json, status done."""
    from twin_nets.training import runner

    pairs, metrics, write = _record_pairs(monkeypatch), [], runner.write_metrics

    def recorded(path, record):
        metrics.append((path.parent.name, record["epochs_completed"], record["status"]))
        return write(path, record)

    monkeypatch.setattr(runner, "write_metrics", recorded)
    status, _, out = train(tmp_path, "--epochs", "5", "--checkpoint-every", "2")
    assert status == 0, out
    assert pairs == [16, 32, 40]
    assert metrics == [(impl, epoch, "running") for epoch in (2, 4, 5) for impl in ("scratch", "torch")] + [
        ("scratch", 5, "done"),
        ("torch", 5, "done"),
    ]
    ends = [line.split(":")[0] for line in out.splitlines() if line.startswith("epoch ") and "/5:" in line]
    assert ends == [f"epoch {n}/5" for n in range(1, 6)], "a line as every epoch ends, pair or not"


@pytest.mark.parametrize("every", ["1", "10"])
def test_a_signal_in_an_epochs_last_batch_ends_the_epoch_then_stops_resumably(tmp_path, monkeypatch, every):
    """SIGTERM during batch 8 of 8: the epoch ends (evaluated, logged), the pair is saved once at
    (epoch 1, step 8), and ``--resume`` ends where an uninterrupted run ends. (The pair used to be saved
    at step_in_epoch 8 of 8, which ``--resume`` then refused as unusable.)"""
    _, straight, _ = train(tmp_path, *RESUME, "--epochs", "2", experiment="straight")
    original, calls, pairs = TorchTwin.step, {"n": 0}, _record_pairs(monkeypatch)

    def step_then_sigterm(self, batch):
        calls["n"] += 1
        result = original(self, batch)
        if calls["n"] == 8:
            signal.raise_signal(signal.SIGTERM)
        return result

    monkeypatch.setattr(TorchTwin, "step", step_then_sigterm)
    code, stopped, _ = train(tmp_path, *RESUME, "--epochs", "2", "--checkpoint-every", every, experiment="e")
    assert code == 143 and stopped.progress.epoch == 1 and pairs == [8]
    monkeypatch.setattr(TorchTwin, "step", original)
    code, resumed, out = train(tmp_path, *RESUME, "--epochs", "2", "--resume", experiment="e")
    assert code == 0 and "resumed from epoch 1 (step 8" in out
    _assert_identical(_final_state(straight), _final_state(resumed))
    assert resumed.progress.history == straight.progress.history


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the overflow itself, in the scratch twin's matmul
def test_a_nan_loss_stops_the_run_naming_the_step_and_twin(tmp_path, capsys):
    status, run, _ = train(tmp_path, "--optimizer", "sgd", "--lr", "1e200")
    assert status == 1 and run.status == "diverged"
    message = capsys.readouterr().err
    assert "diverged at step 2 (epoch 1, batch 2)" in message
    assert "the scratch twin's loss is nan" in message and "the torch twin's loss is nan" in message
    assert "no checkpoint was kept" in message


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_a_nan_loss_keeps_the_last_good_checkpoint(tmp_path, monkeypatch, capsys):
    originals = {cls: cls.step for cls in (ScratchTwin, TorchTwin)}

    def poisoned(cls):
        def step(self, batch):
            result = originals[cls](self, batch)
            if poisoned.calls[cls] == 9:  # in step 10 (epoch 2, batch 2) a weight becomes inf
                self.model[0].weight.data[0, 0] = float("inf")
            poisoned.calls[cls] += 1
            return result

        return step

    poisoned.calls = dict.fromkeys(originals, 0)
    for cls in originals:
        monkeypatch.setattr(cls, "step", poisoned(cls))
    status, run, _ = train(tmp_path, "--epochs", "3", "--checkpoint-every", "1")
    assert status == 1
    assert run.status == "diverged"
    message = capsys.readouterr().err
    assert "diverged at step 10 (epoch 2, batch 2)" in message, message
    assert "weight 0.weight holds NaN or inf" in message and "(epoch 1, step 8) is kept" in message
    files = _pair(tmp_path / "run")
    with np.load(files["scratch"], allow_pickle=False) as npz:
        meta = json.loads(str(npz["header"]))["meta"]
        assert meta["epoch"] == 1 and meta["step_in_epoch"] == 0
        assert np.all(np.isfinite(npz["model.0.weight"]))
    payload = torch.load(files["torch"], weights_only=True)
    assert json.loads(payload["meta"])["epoch"] == 1
    assert torch.isfinite(payload["model"]["0.weight"]).all()


@pytest.mark.cuda
def test_torch_twin_on_cuda(tmp_path):
    status, run, _ = train(tmp_path, "--impl", "torch", "--epochs", "1", device="cuda")
    assert status == 0
    assert next(run.twins["torch"].model.parameters()).device.type == "cuda"
    metrics = json.loads((tmp_path / "run" / "torch" / "metrics.json").read_text())
    assert metrics["device"].startswith("cuda")


@pytest.mark.slow  # the README's main job as it is: 40 epochs of a 64-512-10 MLP in both twins
def test_the_default_run_reaches_97_percent_in_each_twin_and_agrees(tmp_path):
    """The README's main command, `python scripts/train.py` with no flags (issue: ≥ 97% test accuracy in
    each twin on digits, twins agreeing within the float64 contract)."""
    run = prepare(parse_config(["--logdir", str(tmp_path)]))
    assert run.run(out=io.StringIO()) == 0
    for impl in ("scratch", "torch"):
        metrics = json.loads((run.folders[impl] / "metrics.json").read_text())
        assert metrics["test_accuracy"] >= 0.97, f"{impl}: {metrics['test_accuracy']:.4f}"
    assert max(entry["max_weight_diff"] for entry in run.progress.parity) < PAIRED_TRAINING_ATOL

"""C1.1-autoencoder: the autoencoder in both twins, and its training as a mode of the main job
(seed §1.1, §1.3).

The model: forward, input and parameter gradients against torch under a random upstream gradient; the
same state-dict keys. The training: ``scripts/train.py --task autoencoder`` (``twin_nets.training.main``)
trains both twins on the same batches with per-step parity, writes the codes of the test digits to both
twins' Projector tab with thumbnails, and a ``--resume`` continues the run exactly (module-scoped runs,
a few short epochs). The classical results (linear autoencoder = PCA's subspace, a nonlinear code
separating the digits better than PCA's) are in ``parity_tests/experiments/test_unsupervised.py``.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import numpy as np
import pytest
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from parity_tests.parity import DTYPES, PAIRED_TRAINING_ATOL, TORCH_DTYPE, check_module_parity
from scratch.models import autoencoder as sae
from torch_impl.models import autoencoder as tae
from twin_nets.training import checkpoint
from twin_nets.training.main import main

SPECS = [
    pytest.param(sae.AutoencoderSpec(6, (), 2), id="C1.1-autoencoder-linear"),
    pytest.param(sae.AutoencoderSpec(6, (5, 4), 2, "tanh"), id="C1.1-autoencoder-tanh"),
    pytest.param(sae.AutoencoderSpec(6, (5,), 3, "relu", norm="layer"), id="C1.1-autoencoder-relu-layernorm"),
]


@pytest.mark.parametrize("dtype", DTYPES, ids=["float64", "float32"])
@pytest.mark.parametrize("spec", SPECS)
def test_forward_and_gradients_match_torch(spec, dtype, rng, device, request):
    model = sae.Autoencoder(spec, rng, dtype=dtype)
    twin = tae.Autoencoder(spec, dtype=TORCH_DTYPE[dtype])
    assert list(model.state_dict()) == list(twin.state_dict())
    x = rng.standard_normal((9, 6)).astype(dtype)
    assert model.encode(x).shape == (9, spec.code)
    check_module_parity(request.node.callspec.id, model, twin, x, rng, device)


# digits: 1437 training samples at batch 480 -> 3 steps an epoch; a 64-8-2-8-64 autoencoder
FLAGS = [
    *("--task", "autoencoder", "--dataset", "digits", "--hidden", "8", "--code", "2", "--activation", "tanh"),
    *(
        "--optimizer",
        "adam",
        "--lr",
        "0.01",
        "--batch-size",
        "480",
        "--device",
        "cpu",
        "--histogram-every",
        "0",
    ),
]


def _main(argv: list[str]) -> tuple[int, str]:
    """The main job in this process, as ``scripts/train.py`` runs it: (exit status, stdout)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        try:
            code = main(argv)
        except SystemExit as exit_:
            code = exit_.code
    return code, out.getvalue()


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """A 2-epoch run, and a 1-epoch run resumed to 2 epochs: (logdir, {name: (exit status, stdout)})."""
    logdir = tmp_path_factory.mktemp("C1.1-autoencoder")
    where = ["--logdir", str(logdir), "--experiment"]
    results = {
        "straight": _main([*FLAGS, "--epochs", "2", *where, "straight"]),
        "first": _main([*FLAGS, "--epochs", "1", *where, "resumed"]),
        "resumed": _main([*FLAGS, "--epochs", "2", *where, "resumed", "--resume"]),
    }
    return logdir, results


def test_training_runs_both_twins_in_lockstep(runs):
    logdir, results = runs
    for name, (code, out) in results.items():
        assert code == 0, f"{name}: exit status {code}\n{out}"
    assert "autoencoder 64-8-2-8-64" in results["straight"][1]
    assert "parity: PASS" in results["straight"][1]
    for impl in ("scratch", "torch"):
        metrics = json.loads((logdir / "straight" / impl / "metrics.json").read_text())
        assert metrics["status"] == "done" and metrics["config"]["task"] == "autoencoder"
        assert metrics["parity"]["max_weight_diff"] < PAIRED_TRAINING_ATOL
        losses = [row["train_loss"] for row in metrics["history"]]
        assert losses[-1] < losses[0], "C1.1-autoencoder: the reconstruction error falls"


def _projector(folder: Path) -> tuple[np.ndarray, list[str], Path]:
    config = (folder / "projector_config.pbtxt").read_text()
    tensors = next(folder.glob("*/C1.1-autoencoder/tensors.tsv"))
    codes = np.loadtxt(tensors, delimiter="\t")
    labels = (tensors.parent / "metadata.tsv").read_text().split()
    assert "sprite" in config and "single_image_dim: 8" in config
    return codes, labels, tensors.parent / "sprite.png"


def test_codes_go_to_both_projectors(runs):
    logdir, _ = runs
    scratch_codes, scratch_labels, sprite = _projector(logdir / "straight" / "scratch")
    torch_codes, torch_labels, _ = _projector(logdir / "straight" / "torch")
    assert scratch_codes.shape == (360, 2) and sprite.stat().st_size > 0
    assert scratch_labels == torch_labels and set(scratch_labels) == set("0123456789")
    # the projector stores float32 text: the twins' codes agree to its precision
    np.testing.assert_allclose(scratch_codes, torch_codes, rtol=1e-6, atol=1e-6)


def test_no_accuracy_scalars(runs):
    """A reconstruction has no accuracy: an autoencoder logs its losses and no ``*/accuracy`` scalar or
    HParams metric, so its runs add no flat line at 0 to a classifier's accuracy charts in one logdir."""
    logdir, _ = runs
    for impl in ("scratch", "torch"):
        events = EventAccumulator(str(logdir / "straight" / impl), size_guidance={"scalars": 0, "tensors": 0})
        events.Reload()
        scalars = set(events.Tags()["scalars"])
        assert {"train/loss", "test/loss", "parity/max_weight_diff"} <= scalars, (impl, scalars)
        assert not [tag for tag in scalars if tag.endswith("accuracy")], (impl, scalars)
        experiment = events.PluginTagToContent("hparams")["_hparams_/experiment"]
        assert b"test/loss" in experiment and b"accuracy" not in experiment, (impl, experiment)


def test_resume_continues_exactly(runs):
    """1 epoch, then ``--resume --epochs 2``: the committed checkpoints equal the straight run's, bitwise."""
    logdir, _ = runs
    impls = ("scratch", "torch")
    straight = checkpoint.pair_files(logdir / "straight", impls)
    resumed = checkpoint.pair_files(logdir / "resumed", impls)
    states = [checkpoint.load_scratch(pair["scratch"])[0] for pair in (straight, resumed)]
    states += [
        {k: v.numpy() for k, v in checkpoint.load_torch(pair["torch"], "cpu")[0].items()}
        for pair in (straight, resumed)
    ]
    assert sorted(states[0]) == sorted(states[1]) == sorted(states[2])
    for key in states[0]:
        np.testing.assert_array_equal(states[0][key], states[1][key], f"C1.1-autoencoder: scratch {key}")
        np.testing.assert_array_equal(states[2][key], states[3][key], f"C1.1-autoencoder: torch {key}")

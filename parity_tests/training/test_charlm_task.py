"""C4.3-lstm through the main job: ``--task charlm`` trains the character-level language model on the
notes in both twins with the paired-training machinery — the same batches, parity after every step,
the held-out perplexity per epoch (exp of the test loss, printed and in TensorBoard), gradient clipping
(C3.2.3-clip-grad) in both twins, samples identical from the same draws, and ``--resume`` ending exactly
where an uninterrupted run ends. A tiny model (embedding 4, LSTM 8) for 2 epochs of 8 steps."""

from __future__ import annotations

import io
import math

import numpy as np
import pytest
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from twin_nets.training import PAIRED_TRAINING_ATOL, TrainConfig, charlm, parse_config, prepare

CLIP = 0.01  # far below the raw gradients' norm, so every step is clipped
TINY = ["--task", "charlm", "--hidden", "8", "--embedding-dim", "4", "--bptt", "16", "--batch-size", "128",
        "--lr", "0.01", "--clip-grad-norm", str(CLIP), "--device", "cpu"]  # fmt: skip


def train(tmp_path, *flags, experiment="run"):
    config = parse_config([*TINY, "--logdir", str(tmp_path), "--experiment", experiment, *flags])
    run = prepare(config)
    out = io.StringIO()
    return run.run(out=out), run, out.getvalue()


@pytest.fixture(scope="module")
def straight(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("charlm")
    status, run, out = train(tmp_path, "--epochs", "2", experiment="straight")
    assert status == 0, out
    return tmp_path, run, out


def test_the_twins_agree_after_every_step_and_the_held_out_perplexity_falls(straight):
    _, run, out = straight
    assert run.config.dataset == "notes" and len(run.progress.parity) == 2
    assert max(p["max_step_weight_diff"] for p in run.progress.parity) < PAIRED_TRAINING_ATOL, (
        run.progress.parity
    )
    scratch, torch_twin = run.progress.history["scratch"], run.progress.history["torch"]
    for a, b in zip(scratch, torch_twin, strict=True):
        assert a["test_perplexity"] == pytest.approx(math.exp(a["test_loss"]), rel=1e-12)
        assert a["test_perplexity"] == pytest.approx(b["test_perplexity"], rel=1e-10)
    assert scratch[1]["test_perplexity"] < scratch[0]["test_perplexity"], scratch
    assert f"test ppl {scratch[-1]['test_perplexity']:.2f} | {torch_twin[-1]['test_perplexity']:.2f}" in out


def test_every_step_is_clipped_in_both_twins(straight):
    _, run, _ = straight
    for impl, twin in run.twins.items():  # the last step's gradients, as the optimizer used them
        norm = math.sqrt(sum(float(np.sum(g**2)) for g in twin.gradients().values()))
        # torch's factor is max_norm / (norm + 1e-6), so a clipped norm falls just short of max_norm
        assert CLIP * (1 - 1e-4) < norm <= CLIP, f"C3.2.3-clip-grad {impl}: total norm {norm}"


def test_the_same_draws_give_the_same_sample_and_other_draws_another(straight):
    _, run, out = straight
    assert run.samples["scratch"] == run.samples["torch"], run.samples
    assert run.samples["scratch"].startswith(charlm.PROMPT)
    assert len(run.samples["scratch"]) == len(charlm.PROMPT) + charlm.SAMPLE_LENGTH
    assert "samples from the same draws are identical" in out
    _, _, vocab = charlm.load_text()
    other = charlm.sample(
        run.twins["scratch"].model, vocab, charlm.PROMPT, np.random.default_rng(1).random(20)
    )
    assert other != run.samples["scratch"][: len(other)], "C4.3-lstm: the sample does not depend on the draws"


def test_tensorboard_has_the_perplexity_of_each_epoch(straight):
    tmp_path, run, _ = straight
    for impl in ("scratch", "torch"):
        events = EventAccumulator(str(tmp_path / "straight" / impl), size_guidance={"scalars": 0}).Reload()
        values = [e.value for e in events.Scalars("test/perplexity")]
        expected = [record["test_perplexity"] for record in run.progress.history[impl]]
        np.testing.assert_allclose(values, expected, rtol=1e-6)  # TensorBoard stores float32


def test_resume_ends_exactly_where_an_uninterrupted_run_ends(straight):
    tmp_path, reference, _ = straight
    assert train(tmp_path, "--epochs", "1", experiment="halves")[0] == 0
    status, resumed, out = train(tmp_path, "--epochs", "2", "--resume", experiment="halves")
    assert status == 0, out
    for impl, twin in resumed.twins.items():
        for key, value in twin.weights().items():
            np.testing.assert_array_equal(
                value, reference.twins[impl].weights()[key], err_msg=f"{impl} {key}"
            )
    assert resumed.progress.history == reference.progress.history
    assert resumed.samples == reference.samples


def test_clipping_is_on_by_default_for_charlm_only():
    assert TrainConfig(task="charlm", dataset="notes").max_grad_norm == 1.0
    assert TrainConfig(task="charlm", dataset="notes", clip_grad_norm=0).max_grad_norm is None
    assert TrainConfig().max_grad_norm is None
    assert TrainConfig(clip_grad_norm=2.0).max_grad_norm == 2.0
    assert parse_config(["--task", "charlm"]).dataset == "notes"


def test_the_notes_ship_with_the_package_and_the_chunks_predict_the_next_character():
    train_ids, held_out, vocab = charlm.load_text()
    assert len(vocab) > 100 and "역" in vocab and len(held_out) > 1000
    assert "".join(vocab[i] for i in train_ids[:50]) == charlm.NOTES.read_text(encoding="utf-8")[:50]
    data = charlm.notes_split(16)
    np.testing.assert_array_equal(data.x_train[:, 1:], data.y_train[:, :-1])
    np.testing.assert_array_equal(data.x_train[1:, 0], data.y_train[:-1, -1])  # consecutive chunks
    assert data.num_classes == len(vocab) and data.x_test.shape[1] == 16

"""C4.3-lstm: the character-level language model on the notes — both twins trained in lockstep stay within
the paired-training contract after every step, measure the same held-out perplexity, learn (perplexity
falls), and draw identical samples from the same uniform draws. A short run (2 epochs of 4 steps)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from parity_tests.parity import PAIRED_TRAINING_ATOL, assert_twin_close
from twin_nets.experiments import charlm

SETTING = charlm.CharLMSetting(steps_per_epoch=4, epochs=2, batch=8, length=16)


@pytest.fixture(scope="module")
def trained():
    return charlm.train(SETTING)


@pytest.mark.slow
def test_twins_stay_together_every_step(trained):
    run, *_ = trained
    assert len(run.max_weight_diff) == SETTING.epochs * SETTING.steps_per_epoch
    assert max(run.max_weight_diff) < PAIRED_TRAINING_ATOL, (
        f"C4.3-lstm char LM: {max(run.max_weight_diff):.2e}"
    )
    assert_twin_close(
        np.array(run.losses["scratch"]),
        torch.tensor(run.losses["torch"], dtype=torch.float64),
        "C4.3-lstm char LM: training losses",
    )


@pytest.mark.slow
def test_held_out_perplexity_is_the_same_and_falls(trained):
    run, *_ = trained
    scratch, torch_twin = run.perplexity["scratch"], run.perplexity["torch"]
    assert_twin_close(
        np.array(scratch), torch.tensor(torch_twin, dtype=torch.float64), "C4.3-lstm perplexity"
    )
    assert scratch[-1] < scratch[0], f"C4.3-lstm char LM: perplexity did not fall: {scratch}"


@pytest.mark.slow
def test_same_draws_give_the_same_sample(trained):
    _, scratch_model, torch_model, vocab = trained
    uniforms = np.random.default_rng(0).random(40)
    texts = [
        charlm.sample(twin, model, vocab, "노트", 40, uniforms)
        for twin, model in (("scratch", scratch_model), ("torch", torch_model))
    ]
    assert texts[0] == texts[1] and len(texts[0]) == 42, texts
    other = charlm.sample("scratch", scratch_model, vocab, "노트", 40, np.random.default_rng(1).random(40))
    assert other != texts[0], "C4.3-lstm: the sample does not depend on the draws"


def test_notes_ship_with_the_package():
    train_ids, held_out, vocab = charlm.load_text()
    assert len(vocab) > 100 and "역" in vocab and len(held_out) > 1000
    assert "".join(vocab[i] for i in train_ids[:50]) == charlm.NOTES.read_text(encoding="utf-8")[:50]

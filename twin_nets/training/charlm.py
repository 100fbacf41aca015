"""``--task charlm`` (C4.3-lstm): the notes' text as the main job's data, and samples from both twins.

The notes (``twin_nets/data/notes.txt``, the study group's own document) are split into their first 90 %
(training) and last 10 % (held out). Each part is cut into consecutive chunks of ``--bptt`` characters: a
sample is one chunk of character ids (``x``, shape (L,)) and the same chunk shifted by one character
(``y``: each character's next). The runner's loaders shuffle the chunks as they shuffle any samples, so
both twins see the same batches; a batch is (N, L) and the models read it time-major (``x.T``). The test
loss is the mean cross-entropy per held-out character; its exp is the perplexity.

Samples: both twins draw the next character by the inverse CDF of softmax(scores) with the same uniform
draws, so equal probabilities give the same text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TextIO

import numpy as np
import torch

from scratch.data.datasets import DatasetSplit
from twin_nets.training.twins import generator

NOTES = Path(__file__).resolve().parents[1] / "data" / "notes.txt"
TRAIN_SHARE = 0.9
PROMPT = "노트"  # the samples' prompt: the word the learners call their notes
SAMPLE_LENGTH = 60


def load_text() -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(training ids, held-out ids, vocabulary): characters sorted, the split at 90 %."""
    text = NOTES.read_text(encoding="utf-8")
    vocab = sorted(set(text))
    index = {ch: i for i, ch in enumerate(vocab)}
    ids = np.array([index[ch] for ch in text], dtype=np.int64)
    cut = int(TRAIN_SHARE * len(ids))
    return ids[:cut], ids[cut:], vocab


def _chunks(ids: np.ndarray, length: int) -> tuple[np.ndarray, np.ndarray]:
    """Consecutive chunks: x (n, L) and y (n, L), y one character later."""
    n = (len(ids) - 1) // length
    x = ids[: n * length].reshape(n, length)
    y = ids[1 : n * length + 1].reshape(n, length)
    return x, y


def notes_split(bptt: int) -> DatasetSplit:
    """The notes as a ``DatasetSplit`` of chunks; ``num_classes`` is the vocabulary's size."""
    train_ids, held_out, vocab = load_text()
    x_train, y_train = _chunks(train_ids, bptt)
    x_test, y_test = _chunks(held_out, bptt)
    return DatasetSplit("notes", x_train, y_train, x_test, y_test, len(vocab))


def sample(model: Any, vocab: list[str], prompt: str, uniforms: np.ndarray) -> str:
    """``len(uniforms)`` characters after ``prompt`` from either twin's model (scratch or torch), the
    k-th drawn by the inverse CDF of softmax(scores) at ``uniforms[k]``."""
    is_torch = isinstance(model, torch.nn.Module)
    device = next(model.parameters()).device if is_torch else None
    x = np.array([vocab.index(ch) for ch in prompt], dtype=np.int64)[:, None]
    state, text = None, []
    for u in uniforms:
        if is_torch:
            with torch.no_grad():
                scores, state = model(torch.from_numpy(x).to(device), state)
            scores = scores.cpu().numpy()
        else:
            scores, state = model(x, state)
        p = np.exp(scores[-1, 0] - scores[-1, 0].max())
        nxt = min(int(np.searchsorted(np.cumsum(p / p.sum()), u)), len(vocab) - 1)
        text.append(vocab[nxt])
        x = np.array([[nxt]], dtype=np.int64)
    return prompt + "".join(text)


def print_samples(twins: dict[str, Any], seed: int, out: TextIO) -> dict[str, str]:
    """``SAMPLE_LENGTH`` characters after ``PROMPT`` from each twin's model, drawn with the same uniforms
    (the run's ``data`` stream, which this task does not otherwise use): printed, with whether the twins'
    texts are identical; returned."""
    _, _, vocab = load_text()
    uniforms = generator(seed, "data").random(SAMPLE_LENGTH)
    texts = {impl: sample(twin.model, vocab, PROMPT, uniforms) for impl, twin in twins.items()}
    for impl, text in texts.items():
        print(f"train.py: sample ({impl}): {text!r}", file=out)
    if len(texts) == 2:
        same = "identical" if texts["scratch"] == texts["torch"] else "DIFFERENT"
        print(f"train.py: the twins' samples from the same draws are {same}", file=out)
    return texts

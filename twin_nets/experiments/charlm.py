"""C4.3-lstm: a character-level language model trained on the notes themselves, both twins side by side.

The notes' text (``twin_nets/data/notes.txt``, the study group's own document) is split into its first
90 % (training) and last 10 % (held out). Both twins start from the same weights (the scratch twin's,
loaded into torch's), see the same batches (chunks of ``length + 1`` characters at starts drawn once from
one generator), take the same steps (Adam, gradient clipping by the total norm ``clip``), and are
compared after every step: the largest weight difference is recorded. Per epoch, the perplexity
exp(mean cross-entropy) on the held-out text. Samples: both twins draw the next character by the inverse
CDF of softmax(scores) with the same uniform draws, so equal probabilities give the same text.

Not yet run through the main job's paired-training machinery (``twin_nets.training``: TensorBoard,
checkpoints, ``--resume``); this is the loop that a ``--task charlm`` mode would drive.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

import scratch.nn as snn
from scratch.models.char_lm import CharLM as ScratchCharLM
from scratch.nn.utils import clip_grad_norm_
from scratch.optim import Adam
from torch_impl.models.char_lm import CharLM as TorchCharLM
from torch_impl.nn.state import load_numpy_state_dict

NOTES = Path(__file__).resolve().parents[1] / "data" / "notes.txt"


@dataclass(frozen=True)
class CharLMSetting:
    length: int = 32  # characters per chunk (BPTT length)
    batch: int = 16
    steps_per_epoch: int = 50
    epochs: int = 4
    lr: float = 3e-3
    clip: float = 1.0
    embedding_dim: int = 32
    hidden_size: int = 64
    seed: int = 0


@dataclass
class CharLMRun:
    perplexity: dict[str, list[float]] = field(default_factory=lambda: {"scratch": [], "torch": []})
    max_weight_diff: list[float] = field(default_factory=list)  # after every step
    losses: dict[str, list[float]] = field(default_factory=lambda: {"scratch": [], "torch": []})


def load_text() -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(training ids, held-out ids, vocabulary): characters sorted, the split at 90 %."""
    text = NOTES.read_text(encoding="utf-8")
    vocab = sorted(set(text))
    ids = np.array([vocab.index(ch) for ch in text], dtype=np.int64)
    cut = int(0.9 * len(ids))
    return ids[:cut], ids[cut:], vocab


def _chunks(ids: np.ndarray, starts: np.ndarray, length: int) -> np.ndarray:
    return np.stack([ids[s : s + length + 1] for s in starts], axis=1)  # (length + 1, N)


def _scratch_step(model, optimizer, loss_fn, chunk, clip) -> float:
    optimizer.zero_grad()
    scores, _ = model(chunk[:-1])
    loss = loss_fn(scores.reshape(-1, scores.shape[-1]), chunk[1:].reshape(-1))
    model.backward(loss_fn.backward().reshape(scores.shape))
    clip_grad_norm_(model.parameters(), clip)
    optimizer.step()
    return float(loss)


def _torch_step(model, optimizer, chunk, clip) -> float:
    optimizer.zero_grad()
    scores, _ = model(torch.from_numpy(chunk[:-1]))
    loss = torch.nn.functional.cross_entropy(
        scores.reshape(-1, scores.shape[-1]), torch.from_numpy(chunk[1:]).reshape(-1)
    )
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
    optimizer.step()
    return loss.item()


def perplexity(twin: str, model, ids: np.ndarray, length: int) -> float:
    """exp(mean cross-entropy) over the held-out text in consecutive chunks."""
    starts = np.arange(0, len(ids) - length - 1, length)
    chunk = _chunks(ids, starts, length)
    if twin == "scratch":
        scores, _ = model(chunk[:-1])
    else:
        with torch.no_grad():
            scores = model(torch.from_numpy(chunk[:-1]))[0].numpy()
    scores = scores - scores.max(-1, keepdims=True)
    log_p = scores - np.log(np.exp(scores).sum(-1, keepdims=True))
    nll = -np.take_along_axis(log_p, chunk[1:, :, None], axis=-1).mean()
    return float(np.exp(nll))


def make_twins(vocab_size: int, setting: CharLMSetting):
    scratch_model = ScratchCharLM(
        vocab_size, setting.embedding_dim, setting.hidden_size, rng=np.random.default_rng(setting.seed)
    )
    torch_model = TorchCharLM(vocab_size, setting.embedding_dim, setting.hidden_size)
    load_numpy_state_dict(torch_model, scratch_model.state_dict())
    return scratch_model, torch_model


def train(
    setting: CharLMSetting = CharLMSetting(),
) -> tuple[CharLMRun, ScratchCharLM, TorchCharLM, list[str]]:
    """Both twins trained in lockstep; returns the record, the two models and the vocabulary."""
    train_ids, held_out, vocab = load_text()
    scratch_model, torch_model = make_twins(len(vocab), setting)
    scratch_opt = Adam(scratch_model.parameters(), lr=setting.lr)
    torch_opt = torch.optim.Adam(torch_model.parameters(), lr=setting.lr)
    loss_fn, draws, run = snn.CrossEntropyLoss(), np.random.default_rng(setting.seed + 1), CharLMRun()
    torch_params = dict(torch_model.named_parameters())
    for _ in range(setting.epochs):
        for _ in range(setting.steps_per_epoch):
            starts = draws.integers(0, len(train_ids) - setting.length - 1, setting.batch)
            chunk = _chunks(train_ids, starts, setting.length)
            run.losses["scratch"].append(
                _scratch_step(scratch_model, scratch_opt, loss_fn, chunk, setting.clip)
            )
            run.losses["torch"].append(_torch_step(torch_model, torch_opt, chunk, setting.clip))
            run.max_weight_diff.append(
                max(
                    float(np.max(np.abs(p.data - torch_params[name].detach().numpy())))
                    for name, p in scratch_model.named_parameters()
                )
            )
        for twin, model in (("scratch", scratch_model), ("torch", torch_model)):
            run.perplexity[twin].append(perplexity(twin, model, held_out, setting.length))
    return run, scratch_model, torch_model, vocab


def sample(twin: str, model, vocab: list[str], prompt: str, n: int, uniforms: np.ndarray) -> str:
    """``n`` characters after ``prompt``, the k-th drawn by the inverse CDF at ``uniforms[k]``."""
    ids = [vocab.index(ch) for ch in prompt]
    state, text = None, []
    x = np.array(ids, dtype=np.int64)[:, None]
    for k in range(n):
        if twin == "scratch":
            scores, state = model(x, state)
        else:
            with torch.no_grad():
                scores, state = model(torch.from_numpy(x), state)
            scores = scores.numpy()
        p = np.exp(scores[-1, 0] - scores[-1, 0].max())
        nxt = int(np.searchsorted(np.cumsum(p / p.sum()), uniforms[k]))
        nxt = min(nxt, len(vocab) - 1)
        text.append(vocab[nxt])
        x = np.array([[nxt]], dtype=np.int64)
    return prompt + "".join(text)

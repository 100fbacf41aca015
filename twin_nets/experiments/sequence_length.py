"""C4.3-layernorm-sequences: the notes' §4.3 claim as accuracy — a batch-norm and a layer-norm LSTM trained
on short padded sequences, tested on the training length and on longer ones, in both twins trained in
lockstep.

Task (its rule does not depend on the length): did the marker appear? Each sequence is a string of tokens
drawn uniformly from {1, 2, 3}, one-hot over a vocabulary of 4 (token 0 is the marker); half the
sequences, drawn at random, have one token, at a uniform position, replaced by the marker. Label 1 if the
marker is there, else 0, so chance is 50 % at every length.

Settings (the documented ones the tests assert on): ``NormalizedLSTM`` (input 4, hidden 8) with
``norm='batch'`` or ``'layer'`` and a linear readout (8 -> 2) of each sequence's h at its own last step,
cross-entropy loss, Adam (lr 0.02), 150 batches of 32 sequences with lengths uniform in 1…5,
padded with zero vectors to the batch's longest (no packing, as ``NormalizedLSTM`` documents). Both
twins start from the same weights (the scratch twin draws them, torch's loads them) and see the same
batches; after training their weights agree within the float64 paired-training contract. Test: eval mode
(batch norm uses its running statistics), ``TEST_SIZE`` sequences of exactly each length in
``TEST_LENGTHS`` (5, the longest trained, then 2×, 4×, 8×), the same test sets for every model of a seed.

Measured over seeds 0–4 (identical in both twins; ``parity_tests/experiments/test_sequence_length.py``):
in eval mode the median accuracy is 1.000 at every length under both norms; the worst seed at 4× and 8×:
batch norm 0.908 and 0.642, layer norm 0.920 and 0.668 (seed 1 is the worst under both). At 8× batch norm
drops on two seeds (0.642, 0.724), layer norm on one (0.668; another at 0.998). So in eval mode five seeds
show no clear extra loss for batch norm at longer lengths on this task: equal medians, worst seeds 0.03
apart. Why it need not fail: in eval mode batch norm is a fixed affine map, and the model a plain LSTM
(``plain_lstm_in_eval``) with nothing that depends on t. With the test batch's own statistics instead
(training mode, as with ``track_running_stats=False``) batch norm does lose accuracy beyond the training
length: median 1.000, 1.000, 0.988, 0.846 at 1×, 2×, 4×, 8×, every seed lower at 8× than at 1×
(0.778–0.966). Then each step is normalized with what the test batch holds at that step, and a batch of
long sequences differs from the training batches in more than its steps past 5: a marker sits at a given
step in 1 of 80 length-40 sequences (1 in 10 at length 5; on average 2–23 % of a training batch's rows,
by step). It is ``sequence_norm``'s point, batch norm's output depends on the batch it normalizes over,
seen as accuracy.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

import scratch.nn as snn
import scratch.optim as soptim
from scratch.models.normalized_lstm import NormalizedLSTM as ScratchNormalizedLSTM
from torch_impl.models.normalized_lstm import NormalizedLSTM as TorchNormalizedLSTM
from torch_impl.nn.state import load_numpy_state_dict

VOCAB, HIDDEN, CLASSES = 4, 8, 2
TRAIN_LENGTH, BATCH, UPDATES, LR = 5, 32, 150, 0.02  # the training length of ``sequence_norm``
TEST_LENGTHS, TEST_SIZE = (5, 10, 20, 40), 500
NORMS = ("batch", "layer")
TWINS = ("scratch", "torch")


def marker_batch(rng: np.random.Generator, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x (max length, N, VOCAB): one-hot tokens, zero vectors after each length; labels (N,) in {0, 1}."""
    steps, n = int(lengths.max()), len(lengths)
    tokens = rng.integers(1, VOCAB, size=(steps, n))
    labels = rng.integers(0, 2, size=n)
    where = (rng.random(n) * lengths).astype(int)  # uniform over each sequence's own positions
    tokens[where[labels == 1], np.flatnonzero(labels == 1)] = 0
    x = np.eye(VOCAB)[tokens]
    x[np.arange(steps)[:, None] >= lengths[None, :]] = 0.0  # padding
    return x, labels


def training_batches(seed: int) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """``UPDATES`` batches (x, labels, lengths), lengths uniform in 1…TRAIN_LENGTH."""
    rng = np.random.default_rng(20_000 + seed)
    batches = []
    for _ in range(UPDATES):
        lengths = rng.integers(1, TRAIN_LENGTH + 1, size=BATCH)
        batches.append((*marker_batch(rng, lengths), lengths))
    return batches


def evaluation_sets(seed: int) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """``{length: (x, labels)}``: ``TEST_SIZE`` sequences of exactly that length, no padding."""
    rng = np.random.default_rng(30_000 + seed)
    return {n: marker_batch(rng, np.full(TEST_SIZE, n)) for n in TEST_LENGTHS}


class ScratchClassifier:
    """The scratch twin: NormalizedLSTM, then a linear readout of h at each sequence's last step."""

    def __init__(self, norm: str, seed: int) -> None:
        rng = np.random.default_rng(seed)
        self.lstm = ScratchNormalizedLSTM(VOCAB, HIDDEN, norm, rng=rng)
        self.readout = snn.Linear(HIDDEN, CLASSES, rng=rng)
        self.loss = snn.CrossEntropyLoss()
        self.parameters = [*self.lstm.parameters(), *self.readout.parameters()]
        self.optimizer = soptim.Adam(self.parameters, lr=LR)

    def logits(self, x: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        self._out = self.lstm(x)
        self._last = (lengths - 1, np.arange(len(lengths)))  # h at each sequence's own last step
        return self.readout(self._out[self._last])

    def step(self, x: np.ndarray, labels: np.ndarray, lengths: np.ndarray) -> None:
        self.optimizer.zero_grad()
        self.loss(self.logits(x, lengths), labels)
        grad_last = self.readout.backward(self.loss.backward())
        grad_out = np.zeros_like(self._out)  # E reads h only at the last steps: zero elsewhere
        grad_out[self._last] = grad_last
        self.lstm.backward(grad_out)
        self.optimizer.step()

    def eval(self) -> None:
        self.lstm.eval()

    def state_dict(self) -> dict[str, np.ndarray]:
        return {
            **{f"lstm.{k}": v for k, v in self.lstm.state_dict().items()},
            **{f"readout.{k}": v for k, v in self.readout.state_dict().items()},
        }


class TorchClassifier(nn.Module):
    """The torch twin: the same two modules, torch.optim.Adam, autograd for the backward."""

    def __init__(self, norm: str, scratch: ScratchClassifier) -> None:
        super().__init__()
        self.lstm = TorchNormalizedLSTM(VOCAB, HIDDEN, norm)
        self.readout = nn.Linear(HIDDEN, CLASSES, dtype=torch.float64)
        load_numpy_state_dict(self, scratch.state_dict())
        self.optimizer = torch.optim.Adam(self.parameters(), lr=LR)

    def logits(self, x: np.ndarray, lengths: np.ndarray) -> torch.Tensor:
        out = self.lstm(torch.from_numpy(x))
        return self.readout(out[torch.from_numpy(lengths - 1), torch.arange(len(lengths))])

    def step(self, x: np.ndarray, labels: np.ndarray, lengths: np.ndarray) -> None:
        self.optimizer.zero_grad()
        nn.functional.cross_entropy(self.logits(x, lengths), torch.from_numpy(labels)).backward()
        self.optimizer.step()


def accuracy(model, x: np.ndarray, labels: np.ndarray) -> float:
    """Share of sequences whose larger logit is the label (full-length sequences: the last step is L)."""
    lengths = np.full(x.shape[1], x.shape[0])
    if isinstance(model, nn.Module):
        with torch.no_grad():
            logits = model.logits(x, lengths).numpy()
    else:
        logits = model.logits(x, lengths)
    return float(np.mean(logits.argmax(axis=1) == labels))


@dataclass(frozen=True)
class Run:
    """One norm and seed: per twin the test accuracy at each length of ``TEST_LENGTHS`` in eval mode, for
    batch norm also with the test batch's own statistics (training mode: each step normalized over the
    ``TEST_SIZE`` test sequences, as with ``track_running_stats=False``; None under layer norm, whose two
    modes are one function), and the largest weight difference between the twins after training."""

    accuracy: dict[str, np.ndarray]
    batch_stats: dict[str, np.ndarray] | None
    weight_diff: float


def _accuracies(models: tuple, tests: dict) -> dict[str, np.ndarray]:
    return {
        name: np.array([accuracy(m, *tests[n]) for n in TEST_LENGTHS])
        for name, m in zip(TWINS, models, strict=True)
    }


def train_and_test(norm: str, seed: int) -> Run:
    """Both twins trained in lockstep on the same batches, then tested at every length."""
    scratch = ScratchClassifier(norm, seed)
    twin = TorchClassifier(norm, scratch)
    for x, labels, lengths in training_batches(seed):
        scratch.step(x, labels, lengths)
        twin.step(x, labels, lengths)
    torch_state = twin.state_dict()
    weight_diff = max(
        float(np.max(np.abs(value - torch_state[name].numpy()), initial=0.0))
        for name, value in scratch.state_dict().items()
    )
    tests = evaluation_sets(seed)
    # copies in training mode: their running statistics move, the models' own stay as trained
    batch_stats = (
        _accuracies((copy.deepcopy(scratch), copy.deepcopy(twin)), tests) if norm == "batch" else None
    )
    scratch.eval(), twin.eval()
    return Run(_accuracies((scratch, twin), tests), batch_stats, weight_diff)


def train_and_test_seeds(seeds: range) -> dict[str, list[Run]]:
    """``{norm: [train_and_test(norm, seed) for seed in seeds]}``."""
    return {norm: [train_and_test(norm, seed) for seed in seeds] for norm in NORMS}


def spread(runs: list[Run], twin: str = "scratch", field: str = "accuracy") -> np.ndarray:
    """(3, len(TEST_LENGTHS)): the median, min and max over the seeds at each test length of ``field``
    (``accuracy``: eval mode; ``batch_stats``: batch norm with the test batch's statistics)."""
    table = np.array([getattr(run, field)[twin] for run in runs])
    return np.stack([np.median(table, axis=0), table.min(axis=0), table.max(axis=0)])


def plain_lstm_in_eval(lstm: ScratchNormalizedLSTM) -> snn.LSTM:
    """Why batch norm need not fail at unseen lengths: in eval it is a fixed affine map per feature,
    N(z) = γ (z − μ) s + β = (γ s) ⊙ z + (β − μ γ s) with the running μ and s = 1/√(σ² + eps), so the
    eval-mode batch-norm LSTM is a plain LSTM with W_ih' = diag(γ s)_ih W_ih, W_hh' = diag(γ s)_hh W_hh,
    b_ih' = b + (β − μ γ s)_ih, b_hh' = (β − μ γ s)_hh: nothing in it depends on t or on the batch. What
    can still go wrong at a longer length is what the weights learned, as under layer norm."""
    if lstm.norm != "batch":
        raise ValueError(f"plain_lstm_in_eval: expected a norm='batch' model, got norm={lstm.norm!r}")
    folded = {}
    for side in ("ih", "hh"):
        bn = getattr(lstm, f"norm_{side}")
        scale = bn.weight.data / np.sqrt(bn.running_var + bn.eps)  # γ s
        folded[f"weight_{side}_l0"] = scale[:, None] * getattr(lstm, f"weight_{side}").data
        folded[f"bias_{side}_l0"] = bn.bias.data - bn.running_mean * scale
    folded["bias_ih_l0"] = folded["bias_ih_l0"] + lstm.bias.data
    plain = snn.LSTM(lstm.weight_ih.shape[1], lstm.hidden_size)
    plain.load_state_dict(folded)
    return plain

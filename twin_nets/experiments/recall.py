"""C4.3-lstm: recall the first token after T steps — the task's test accuracy against T for a tanh RNN and an
LSTM, both twins trained in lockstep.

The task: a sequence of T one-hot tokens; the first is one of K symbols to recall, the T − 1 after it are
distractors drawn uniformly from D other symbols; the label is the first token, read out from h_T only
(``models.recall.LastStateClassifier``). Guessing gives 1/K. Every bit the answer needs enters at t = 1,
so the gradient that teaches the network to keep it has to cross all T − 1 later steps (the vanishing of
``through_time``).

Settings (``RecallSetting``, documented; the tests assert on them): K = 4, D = 4, hidden 16, float64;
Adam (lr 0.01) for 300 updates on batches of 32 fresh sequences, gradients clipped to total norm 1
(C3.2.3-clip-grad); test accuracy on 500 held-out sequences; T = 5, 10, 20, 40; seeds 0–4. Weights:
torch's default U(−1/√H, 1/√H), drawn once by the scratch twin and loaded into the torch twin;
"lstm-forget-bias-1" also sets the forget gate's two biases to ½ each (b_ih + b_hh = 1, Jozefowicz et al.,
2015), as ``through_time`` does. Both twins see the same batches in the same order.

Measured (the sweep, both twins; ``parity_tests/experiments/test_recall.py`` lists the table): every model
recalls at T = 5 in every seed; at T = 20 the tanh RNN recalls in every seed while the LSTM with torch's
init stays at chance in every seed (b_f = 1 lifts it to 0.46–1.0); at T = 40 every model's median is
within 0.03 of chance. The twins' test accuracies are equal in all 60 runs and their weights within
``PAIRED_TRAINING_ATOL`` in 58; in two runs (LSTM T = 10 seed 1: 0.09; b_f = 1, T = 20 seed 0: 7e-7)
training amplifies round-off: there a scratch run started from weights × (1 + 1e-15) parts from itself as
far or farther (0.094, 4e-6: ``train(..., twins=("scratch", "scratch"), nudge=1e-15)``), so no two
roundings follow one path.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from twin_nets.cli import TWINS
from twin_nets.contract import PAIRED_TRAINING_ATOL
from twin_nets.kit import Kit, kit
from twin_nets.threads import one_thread

CONCEPT = "C4.3-lstm"
FIGURE = "C4.3-lstm-recall-accuracy"
MODELS = ("rnn-tanh", "lstm", "lstm-forget-bias-1")
CELL = {"rnn-tanh": "rnn-tanh", "lstm": "lstm", "lstm-forget-bias-1": "lstm"}


@dataclass(frozen=True)
class RecallSetting:
    """The documented setting.

    Args:
        symbols: K, the symbols to recall (default 4: chance 1/4).
        distractors: D, the other symbols the T − 1 later tokens are drawn from (default 4).
        hidden: H of every model (default 16).
        batch: fresh sequences per update (default 32).
        steps: Adam updates per run (default 300).
        lr: Adam's learning rate (default 0.01).
        max_norm: gradients clipped to this total norm before each update (default 1.0).
        forget_bias: b_ih + b_hh of the forget gate in "lstm-forget-bias-1" (default 1.0).
        test: held-out sequences per T (default 500).
        lengths: the sequence lengths T (default 5, 10, 20, 40).
        seeds: one run per seed, model and T (default 0–4).
        models: default all of ``MODELS``.
    """

    symbols: int = 4
    distractors: int = 4
    hidden: int = 16
    batch: int = 32
    steps: int = 300
    lr: float = 0.01
    max_norm: float = 1.0
    forget_bias: float = 1.0
    test: int = 500
    lengths: tuple[int, ...] = (5, 10, 20, 40)
    seeds: tuple[int, ...] = (0, 1, 2, 3, 4)
    models: tuple[str, ...] = MODELS

    @property
    def chance(self) -> float:
        return 1 / self.symbols


def sequences(setting: RecallSetting, rng: np.random.Generator, n: int, length: int):
    """``n`` sequences of ``length`` one-hot tokens, time first: x (length, n, K + D) and labels y (n,)."""
    k, d = setting.symbols, setting.distractors
    first = rng.integers(0, k, n)
    tokens = np.concatenate([first[None], rng.integers(k, k + d, (length - 1, n))])
    return np.eye(k + d)[tokens], first


def start(setting: RecallSetting, model: str, seed: int) -> dict[str, np.ndarray]:
    """The initial state dict of ``model`` on ``seed``, drawn by the scratch twin."""
    h = setting.hidden
    net = kit("scratch").models.recall.LastStateClassifier(
        CELL[model],
        setting.symbols + setting.distractors,
        h,
        setting.symbols,
        rng=np.random.default_rng(seed),
    )
    state = net.state_dict()
    if model == "lstm-forget-bias-1":
        for key in ("rnn.bias_ih_l0", "rnn.bias_hh_l0"):  # the f block (gate order i, f, g, o), half each
            state[key][h : 2 * h] = setting.forget_bias / 2
    return state


@dataclass(frozen=True)
class Run:
    """One (model, T, seed): each twin's test accuracy and test loss; the largest weight gap between the
    twins after every update (``gaps[k]``: after update k + 1) and at the end (``weight_gap``); how far
    training moved the first twin's weights (the largest change from the start)."""

    accuracy: dict[str, float]
    loss: dict[str, float]
    gaps: np.ndarray
    moved: float

    @property
    def weight_gap(self) -> float:
        return float(self.gaps[-1]) if len(self.gaps) else 0.0


def _twin(setting: RecallSetting, k: Kit, model: str, state: dict[str, np.ndarray]):
    net = k.models.recall.LastStateClassifier(
        CELL[model],
        setting.symbols + setting.distractors,
        setting.hidden,
        setting.symbols,
        dtype=k.dtype(np.float64),
    )
    net = k.load(k.to(net), state)
    return net, k.nn.CrossEntropyLoss(), k.optim.Adam(net.parameters(), lr=setting.lr)


def _gap(states: list[dict[str, np.ndarray]]) -> float:
    return max(
        (float(np.max(np.abs(a[key] - b[key]))) for a, b in itertools.pairwise(states) for key in a),
        default=0.0,
    )


def train(
    setting: RecallSetting,
    model: str,
    length: int,
    seed: int,
    twins: tuple[str, ...] = TWINS,
    nudge: float = 0.0,
) -> Run:
    """Train ``model`` on sequences of ``length`` in each of ``twins``, from the same start on the same
    batches, update by update; test on the same held-out sequences. With ``nudge``, every twin after the
    first starts from the weights multiplied by (1 + nudge): ``twins=("scratch", "scratch"), nudge=1e-15``
    measures how far round-off alone parts a run from itself (the keys are then "scratch", "scratch 2")."""
    rng = np.random.default_rng(30_000 + 1000 * seed + length)
    kits = [kit(impl) for impl in twins]
    names = [
        k.name if k.name not in [o.name for o in kits[:n]] else f"{k.name} {n + 1}"
        for n, k in enumerate(kits)
    ]
    initial = start(setting, model, seed)
    nudged = {key: value * (1.0 + nudge) for key, value in initial.items()}
    nets = [_twin(setting, k, model, initial if n == 0 else nudged) for n, k in enumerate(kits)]
    gaps = np.zeros(setting.steps)
    with one_thread():
        for update in range(setting.steps):
            x, y = sequences(setting, rng, setting.batch, length)
            for k, (net, loss_fn, optimizer) in zip(kits, nets, strict=True):
                step = k.models.recall.train_step
                step(net, loss_fn, optimizer, k.array(x), k.array(y), setting.max_norm)
            gaps[update] = _gap([k.state(net) for k, (net, _, _) in zip(kits, nets, strict=True)])
        x, y = sequences(setting, np.random.default_rng(40_000 + length), setting.test, length)
        accuracy, loss = {}, {}
        for name, k, (net, loss_fn, _) in zip(names, kits, nets, strict=True):
            with k.inference():
                scores = net(k.array(x))
                loss[name] = float(k.numpy(loss_fn(scores, k.array(y))))
            accuracy[name] = float(np.mean(k.numpy(scores).argmax(axis=1) == y))
    end = kits[0].state(nets[0][0])
    moved = max(float(np.max(np.abs(end[key] - initial[key]))) for key in initial)
    return Run(accuracy, loss, gaps, moved)


def sweep(
    setting: RecallSetting = RecallSetting(), twins: tuple[str, ...] = TWINS
) -> dict[str, dict[int, list[Run]]]:
    """``{model: {T: [train(setting, model, T, seed) for seed in setting.seeds]}}``."""
    return {
        model: {
            length: [train(setting, model, length, seed, twins) for seed in setting.seeds]
            for length in setting.lengths
        }
        for model in setting.models
    }


def spread(runs: list[Run], twin: str) -> tuple[float, float, float]:
    """(median, min, max) of ``twin``'s test accuracy over the seeds."""
    values = np.array([run.accuracy[twin] for run in runs])
    return float(np.median(values)), float(values.min()), float(values.max())


def summary(results: dict[str, dict[int, list[Run]]], setting: RecallSetting = RecallSetting()) -> str:
    """The measured spreads, one line per model, T and twin, and the largest weight gap."""
    lines = [
        f"{CONCEPT}: test accuracy, median (min–max) over seeds {list(setting.seeds)}; "
        f"chance {setting.chance:.2f}"
    ]
    gaps = []
    for model, by_length in results.items():
        for length, runs in by_length.items():
            cells = []
            for twin in runs[0].accuracy:
                median, low, high = spread(runs, twin)
                cells.append(f"{twin} {median:.3f} ({low:.3f}–{high:.3f})")
            lines.append(f"  {model:19s} T={length:3d}  " + ",  ".join(cells))
            gaps += [run.weight_gap for run in runs]
    lines.append(
        f"  largest weight gap between the twins: {max(gaps):.2e} (contract < {PAIRED_TRAINING_ATOL:g})"
    )
    return "\n".join(lines)

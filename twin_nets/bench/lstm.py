"""C4.3-lstm: the speed of one LSTM training step — the scratch twin against 밑바닥부터 시작하는 딥러닝 2's
``TimeLSTM`` (the NumPy peer a Korean learner meets next) and against torch, as ratios in one run.

One step, for each of the three (same sizes, float32: the peer computes in float32 only): forward over
T steps, backward of a fixed random upstream gradient on every output (BPTT), and plain SGD
p ← p − 0.01 g. The scratch twin and the peer compute ∂E/∂x too; torch does not (its input needs no
gradient). Timing as the main bench (``twin_nets.bench``): one thread, rounds in alternating order, each
step timed alone, the median per implementation. Before timing, the three are given the same weights
(the peer's layout: W_x (D, 4H), W_h (H, 4H), one bias b = b_ih + b_hh, gates f, g, i, o) and their
outputs compared, so they do the same work.

    python -m twin_nets.bench.lstm --dlfs2 PATH/TO/deep-learning-from-scratch-2

The peer's code is not part of this project: ``--dlfs2`` names the folder that holds its ``common/``;
without it (or when the folder lacks ``common/time_layers.py``) the peer is skipped, in one line.
"""

from __future__ import annotations

import importlib
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import torch

import scratch.nn as snn
from twin_nets.cli import FOLDER, OneLineParser
from twin_nets.threads import one_thread

SIZES = {"N": 32, "T": 35, "D": 64, "H": 128}
LR = 0.01


def load_peer(folder: Path | None):
    """The peer's ``TimeLSTM`` class, or None; its ``common`` package is imported from ``folder``."""
    if folder is None or not (folder / "common" / "time_layers.py").is_file():
        return None
    sys.path.insert(0, str(folder))
    try:
        return importlib.import_module("common.time_layers").TimeLSTM
    finally:
        sys.path.remove(str(folder))


def _peer_weights(w_ih: np.ndarray, w_hh: np.ndarray, b: np.ndarray, hidden: int):
    """torch's (4H, ·) blocks i, f, g, o -> the peer's (·, 4H) blocks f, g, i, o."""
    order = np.concatenate([np.arange(k * hidden, (k + 1) * hidden) for k in (1, 2, 0, 3)])
    return w_ih[order].T.copy(), w_hh[order].T.copy(), b[order].copy()


def build_steps(peer_class) -> dict[str, Callable[[], None]]:
    n, t, d, h = SIZES["N"], SIZES["T"], SIZES["D"], SIZES["H"]
    rng = np.random.default_rng(0)
    x = rng.standard_normal((t, n, d)).astype(np.float32)
    g = rng.standard_normal((t, n, h)).astype(np.float32)
    ours = snn.LSTM(d, h, dtype=np.float32, rng=rng)
    theirs = torch.nn.LSTM(d, h)
    theirs.load_state_dict({k: torch.from_numpy(v) for k, v in ours.state_dict().items()})
    x_t, g_t = torch.from_numpy(x), torch.from_numpy(g)

    def scratch_step() -> None:
        ours.zero_grad()
        ours(x)
        ours.backward(g)
        for p in ours.parameters():
            p.data -= LR * p.grad

    def torch_step() -> None:
        theirs.zero_grad()
        theirs(x_t)[0].backward(g_t)
        with torch.no_grad():
            for p in theirs.parameters():
                p -= LR * p.grad

    steps = {"scratch": scratch_step, "torch": torch_step}
    reference = ours(x)[0]
    ours._cache = None
    if peer_class is not None:
        sd = ours.state_dict()
        peer = peer_class(
            *_peer_weights(sd["weight_ih_l0"], sd["weight_hh_l0"], sd["bias_ih_l0"] + sd["bias_hh_l0"], h)
        )
        x_peer, g_peer = x.transpose(1, 0, 2).copy(), g.transpose(1, 0, 2).copy()  # the peer is (N, T, ·)
        gap = float(np.max(np.abs(peer.forward(x_peer).transpose(1, 0, 2) - reference)))
        if gap > 1e-4:
            raise RuntimeError(f"the peer's TimeLSTM disagrees with the scratch LSTM by {gap:.2e}")

        def peer_step() -> None:
            with np.errstate(
                over="ignore"
            ):  # the peer's sigmoid 1/(1 + e^−x) overflows, harmlessly, at x ≪ 0
                peer.forward(x_peer)
                peer.backward(g_peer)
            for p, grad in zip(peer.params, peer.grads, strict=True):
                p -= LR * grad

        steps["dlfs2"] = peer_step
    return steps


def time_steps(steps: dict[str, Callable[[], None]], rounds: int, per_round: int) -> dict[str, float]:
    """Median seconds of one step per implementation, rounds in alternating order."""
    times: dict[str, list[float]] = {name: [] for name in steps}
    for step in steps.values():
        step()  # warm-up
    names = list(steps)
    for r in range(rounds):
        for name in names if r % 2 == 0 else names[::-1]:
            for _ in range(per_round):
                start = time.perf_counter()
                steps[name]()
                times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def main(argv: Sequence[str] | None = None) -> int:
    parser = OneLineParser(description=__doc__)
    parser.add_argument("--dlfs2", type=FOLDER, default=None, help="folder holding the peer's common/")
    parser.add_argument("--rounds", type=int, default=6, help="rounds of timing")
    parser.add_argument("--per-round", type=int, default=5, help="steps per implementation and round")
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.per_round < 1:
        parser.error(
            f"--rounds and --per-round: expected positive integers, got {args.rounds}, {args.per_round}"
        )
    peer = load_peer(args.dlfs2)
    if peer is None:
        print(f"dlfs2 TimeLSTM: skipped (no common/time_layers.py under --dlfs2 {args.dlfs2})")
    with one_thread():
        medians = time_steps(build_steps(peer), args.rounds, args.per_round)
    print(f"C4.3-lstm training step, float32, one thread, {SIZES}: median ms and ratio to scratch")
    for name, seconds in medians.items():
        print(f"  {name:8s} {seconds * 1e3:8.2f} ms   {seconds / medians['scratch']:.2f}× scratch")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

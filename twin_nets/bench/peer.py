"""C4.3-lstm: 밑바닥부터 시작하는 딥러닝 2's ``TimeLSTM``, the NumPy peer a Korean learner meets next, as the
bench's third column on the lstm row.

Its code is not part of this project and is never committed here: the user fetches the book's repository,

    git clone https://github.com/oreilly-japan/deep-learning-from-scratch-2 PATH

and names the clone (the folder that holds its ``common/``) with ``scripts/bench.py --dlfs2 PATH``. Only
``common/time_layers.py`` (``TimeLSTM``) and ``common/optimizer.py`` (``Momentum``, ``Adam``) are used,
with what they import (``common/np.py``, ``config.py``, ``layers.py``, ``functions.py``).

The flag is checked before any timing, as every flag is (``twin_nets.cli``): the folder holds those files,
they import, they run on NumPy (``common/config.py``'s ``GPU = False``), and on a small case the peer's
outputs and input gradient match the scratch LSTM's given the same weights (float32 tolerances of
``twin_nets.contract``) — a changed copy is refused in one line, not timed.
"""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

PEER_FILES = ("common/time_layers.py", "common/optimizer.py")
REPOSITORY = "https://github.com/oreilly-japan/deep-learning-from-scratch-2"


@dataclass(frozen=True)
class Peer:
    """The peer's classes: ``TimeLSTM(Wx, Wh, b)`` and its optimizers ``Momentum``, ``Adam``."""

    time_lstm: type
    momentum: type
    adam: type
    on_numpy: bool  # common/config.py's GPU = False (else its arrays are CuPy's)


def load_peer(folder: Path) -> Peer:
    """Import the peer's ``common`` package from ``folder``. The name ``common`` is released afterwards
    (and whatever held it before is put back), so another folder can be loaded in the same process."""

    def ours() -> dict[str, Any]:
        return {k: v for k, v in sys.modules.items() if k == "common" or k.startswith("common.")}

    before = ours()
    for name in before:
        del sys.modules[name]
    sys.path.insert(0, str(folder))
    try:
        layers = importlib.import_module("common.time_layers")
        optimizer = importlib.import_module("common.optimizer")
        backend = sys.modules["common.np"].np if "common.np" in sys.modules else np
        return Peer(layers.TimeLSTM, optimizer.Momentum, optimizer.Adam, backend is np)
    finally:
        sys.path.remove(str(folder))
        for name in ours():
            del sys.modules[name]
        sys.modules.update(before)


def to_peer_layout(
    w_ih: np.ndarray, w_hh: np.ndarray, b_ih: np.ndarray, b_hh: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """torch's layout (rows in blocks i, f, g, o; W (4H, ·); two biases) -> the peer's (columns in blocks
    f, g, i, o; W_x (D, 4H), W_h (H, 4H); one bias b = b_ih + b_hh)."""
    hidden = w_hh.shape[0] // 4
    order = np.concatenate([np.arange(k * hidden, (k + 1) * hidden) for k in (1, 2, 0, 3)])
    return w_ih[order].T.copy(), w_hh[order].T.copy(), (b_ih + b_hh)[order].copy()


def peer_weights_of(lstm: Any) -> tuple[np.ndarray, ...]:
    """A one-layer LSTM's (scratch or torch, as NumPy arrays) W_ih, W_hh, b_ih, b_hh."""
    state = lstm.state_dict()
    names = ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")
    return tuple(np.asarray(state[name]) for name in names)


def largest_gap(peer: Peer) -> float:
    """The largest difference, relative to the tolerance, between the peer's and the scratch LSTM's
    outputs and input gradient on a small case (N 3, T 4, D 5, H 6) with the same weights: ≤ 1 agrees."""
    import scratch.nn  # here, not at the top: the flags are parsed before the bench imports its twins
    from twin_nets.contract import tolerance

    rng = np.random.default_rng(0)
    x, g = rng.standard_normal((4, 3, 5), dtype=np.float32), rng.standard_normal((4, 3, 6), dtype=np.float32)
    ours = scratch.nn.LSTM(5, 6, dtype=np.float32, rng=rng)
    out, _ = ours(x)
    grad_x, _ = ours.backward(g)
    theirs = peer.time_lstm(*to_peer_layout(*peer_weights_of(ours)))
    with np.errstate(over="ignore"):  # the peer's sigmoid 1/(1 + e^−a) overflows, harmlessly, at a ≪ 0
        out_peer = theirs.forward(x.transpose(1, 0, 2).copy()).transpose(1, 0, 2)
        grad_x_peer = theirs.backward(g.transpose(1, 0, 2).copy()).transpose(1, 0, 2)
    tol = tolerance(np.float32)
    return max(
        float(np.max(np.abs(a - b) / (tol["atol"] + tol["rtol"] * np.abs(b))))
        for a, b in ((out_peer, out), (grad_x_peer, grad_x))
    )


def peer_problem(flag: str, folder: Path) -> str | None:
    """Why ``folder`` cannot serve as the peer (a one-line message naming ``flag``), or None."""
    expected = f"{flag}: expected a clone of {REPOSITORY} (the folder holding common/)"
    if not folder.is_dir():
        return f"{expected}, got {folder}, which is {'not a folder' if folder.exists() else 'missing'}"
    for name in PEER_FILES:
        if not (folder / name).is_file():
            return f"{expected}, got {folder}, which has no {name}"
    try:
        peer = load_peer(folder)
    except Exception as error:  # the user's copy: any failure to import it is theirs to fix
        first = (str(error).splitlines() or [""])[0]
        return f"{flag}: importing {folder / 'common'} failed: {type(error).__name__}: {first}"
    if not peer.on_numpy:
        return f"{flag}: {folder / 'common/config.py'} sets GPU = True; the bench times the NumPy peer"
    try:
        gap = largest_gap(peer)
    except Exception as error:
        return f"{flag}: {folder}'s TimeLSTM failed on a small case: {type(error).__name__}: {error}"
    if not gap <= 1:
        return (
            f"{flag}: {folder}'s TimeLSTM disagrees with the scratch LSTM on the same weights "
            f"({gap:.3g}× the float32 tolerance): a changed copy?"
        )
    return None

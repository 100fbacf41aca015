"""C4.3-lstm: the LSTM bench runs without the peer (one line says it is skipped) and refuses bad flags in
one line with status 2. No timing is asserted: speed is reported as ratios, never tested."""

from __future__ import annotations

import numpy as np
import pytest

from twin_nets.bench import lstm


@pytest.mark.slow
def test_runs_without_the_peer_and_says_so(capsys, tmp_path):
    assert lstm.main(["--dlfs2", str(tmp_path), "--rounds", "1", "--per-round", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("dlfs2 TimeLSTM: skipped"), lines
    timed = [line.split()[0] for line in lines[2:]]
    assert timed == ["scratch", "torch"], lines


def test_peer_layout_conversion_reorders_gates():
    h = 2
    w = np.arange(4 * h)[:, None].astype(float)  # rows i0 i1 f0 f1 g0 g1 o0 o1
    wx, _, b = lstm._peer_weights(w, w, w[:, 0], h)
    assert wx[0].tolist() == [2, 3, 4, 5, 0, 1, 6, 7] and b.tolist() == [2, 3, 4, 5, 0, 1, 6, 7]


def test_bad_flag_is_one_line_and_status_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        lstm.main(["--rounds", "0"])
    assert exit_info.value.code == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1

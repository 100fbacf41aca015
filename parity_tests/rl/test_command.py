"""C1.2: ``scripts/rl.py``'s flags are checked before any episode runs: one line, status 2."""

from __future__ import annotations

import pytest

from twin_nets.rl.command import main


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--threads", "0"], "--threads: expected an integer in [1, "),
        (["--every", "0"], "--every: expected a positive integer, got 0"),
        (["--episodes", "0"], "expected episodes to be a positive integer, got 0"),
    ],
    ids=["threads", "every", "episodes"],
)
def test_a_bad_flag_ends_in_one_line_and_status_2(argv, said, capsys):
    with pytest.raises(SystemExit) as stopped:
        main([*argv, "--no-tensorboard"])
    err = capsys.readouterr().err.strip().splitlines()
    assert stopped.value.code == 2 and len(err) == 1 and said in err[0], err

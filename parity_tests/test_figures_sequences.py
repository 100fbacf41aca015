"""C4.3-layernorm-sequences, C4.3-rnn: the sequence figures build, in Korean, as PNG files."""

from __future__ import annotations

import pytest

from twin_nets.figures import (
    sequences,
)  # the Korean font is the project's (twin_nets.font), a core dependency


@pytest.mark.slow
@pytest.mark.parametrize(
    "builder", [sequences.sequence_figures, sequences.through_time_figures, sequences.length_accuracy_figures]
)
def test_sequence_figures_are_written(builder, tmp_path):
    paths = builder(tmp_path)
    assert [p.name for p in paths] == [p.name for p in sorted(tmp_path.glob("*.png"))]
    assert all(p.stat().st_size > 10_000 for p in paths)
    assert {p.stem for p in paths} <= {sequences.CONCEPT, sequences.THROUGH_TIME, sequences.BY_LENGTH}

"""Measurements the README quotes, each from one command and kept in one committed record.

A time, a ratio or a count of skipped tests depends on the machine, its load and the tree measured, so the
README never quotes one typed by hand: ``python -m twin_nets.measurements TARGET`` runs the thing, appends
each run to ``docs/measurements.json`` (per run: the values, the date, ``os.cpu_count()``, the load average
before and after; per target: the command, the commit), and ``--update README.md`` rewrites the README's
sections from that record, a spread over the runs ("61–75 s over 3 runs at load 1.2–2.0"). With no target
the sections are re-rendered from the record without measuring. ``parity_tests/test_measurements.py`` fails
when a section differs from its rendering or when the record no longer fits the tree (another number of
tests, another set of figures).

=========  ========================================================================================
target     what one run is
=========  ========================================================================================
suite      ``python -m pytest -p no:cacheprovider`` in a subprocess: passed, skipped (by reason), failed,
           the tests collected and how many of them run on CUDA (``suite_plugin``), wall and CPU time
figures    ``scripts/figures.py --jobs 2`` into a temporary folder: the figures written, wall and CPU time
dp-bench   ``python -m twin_nets.distributed.bench``: each twin's K=2 / K=1 throughput ratio and
           all-reduce time per step
=========  ========================================================================================

Runs are resumable: ``--runs N`` measures only the runs the record still lacks for this commit (each run
is saved as soon as it ends), so an interrupted command picks up where it stopped; ``--fresh`` drops the
target's earlier runs first. Records of another commit are replaced, never mixed.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RECORD = ROOT / "docs" / "measurements.json"
# The suite grows between measurements: the suite record's test and CUDA counts may be off today's
# collection by this share of it (about 70 of 3600 tests) before the README's counts are called stale.
SUITE_MARGIN = 0.02

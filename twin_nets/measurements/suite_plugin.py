"""A pytest plugin that writes what a run of the suite saw as JSON: ``-p twin_nets.measurements.suite_plugin``
with the file's path in ``$TWIN_NETS_SUITE_REPORT``.

The report holds the tests collected, how many of them carry the ``cuda`` mark (those skip on a machine
without CUDA: ``parity_tests/conftest.py``), and, unless ``--collect-only``, every outcome pytest's own
summary line counts (passed, skipped, failed, error, xfailed, xpassed) with the skips grouped by reason.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import pytest

from twin_nets.atomic import atomic_write

REPORT_ENV = "TWIN_NETS_SUITE_REPORT"
OUTCOMES = ("passed", "skipped", "failed", "error", "xfailed", "xpassed")


def counts_of(items: list[pytest.Item]) -> dict[str, int]:
    """The tests in ``items`` and how many of them are CUDA cases."""
    return {"collected": len(items), "cuda": sum("cuda" in item.keywords for item in items)}


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    return reason.removeprefix("Skipped: ")


_seen: dict[str, object] = {}


def pytest_collection_finish(session: pytest.Session) -> None:
    _seen.update(counts_of(session.items))


@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter) -> None:
    stats = terminalreporter.stats
    report: dict[str, object] = dict(_seen)
    if not terminalreporter.config.option.collectonly:
        # pytest's own summary line counts these lists (a passed test has one report, its call phase).
        report.update({outcome: len(stats.get(outcome, [])) for outcome in OUTCOMES})
        reasons = Counter(_skip_reason(r) for r in stats.get("skipped", []))
        report["skip_reasons"] = dict(reasons.most_common())
    path = os.environ.get(REPORT_ENV)
    if path:
        atomic_write(Path(path), lambda handle: handle.write(json.dumps(report, indent=1).encode()))

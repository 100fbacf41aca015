"""The README sections rendered from the record: each a function of the record alone, so that a test can
render it again and compare (``parity_tests/test_measurements.py``).

A target not measured yet renders as a line that says so and names the command.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import Any

from twin_nets.measurements.record import circumstances, spread

COMMAND = ".venv/bin/python -m twin_nets.measurements"


def _values(entry: dict[str, Any], key: str, twin: str | None = None) -> list[float]:
    return [(run[twin] if twin else run)[key] for run in entry["runs"]]


def _counts(entry: dict[str, Any], key: str) -> str:
    return spread(_values(entry, key))


def _wrapped(render: Callable[[dict[str, Any]], str]) -> Callable[[dict[str, Any]], str]:
    """``render``'s paragraph wrapped at the README's 110 columns (Markdown joins the lines again, code
    spans included: it renders as the one paragraph)."""

    def wrapped(record: dict[str, Any]) -> str:
        return textwrap.fill(render(record), 110, break_long_words=False, break_on_hyphens=False)

    wrapped.__name__ = render.__name__
    return wrapped


def _not_yet(target: str, file: str = "README.md") -> str:
    return f"(Not measured yet: `{COMMAND} {target} --update {file}`.)"


SUITE = (
    "**The test suite on a CPU**: every parity test keyed by a concept ID also runs the torch twin on CUDA "
    "when a GPU is present. Of the {collected} tests, {cuda} are those CUDA cases; on a machine without "
    "CUDA pytest reports them as skipped, which is expected and means nothing is wrong. On this project's "
    "CPU-only machine the suite ended with `{passed} passed, {skipped} skipped`{failed} (skipped: {reasons}) "
    "in {seconds} of wall time, {circumstances} (`{command} suite`)."
)
SUITE_KO = (
    "GPU가 없으면 CUDA에서 도는 테스트들은 skipped로 보고됩니다. 정상입니다. 테스트 {collected}개 중 "
    "{cuda}개가 그런 CUDA 테스트입니다. 이 프로젝트의 CPU 전용 컴퓨터에서는 `{passed} passed, {skipped} "
    "skipped`{failed}로 끝났습니다({date}, commit `{commit}`, `{command} suite`)."
)


def _suite(record: dict[str, Any], template: str, file: str) -> str:
    """``template`` filled with the suite record's counts, each a spread over the runs."""
    entry = record.get("suite")
    if not entry:
        return _not_yet("suite", file)
    last = entry["runs"][-1]
    failed = sum(last[key] for key in ("failed", "error"))
    return template.format(
        **{key: _counts(entry, key) for key in ("collected", "cuda", "passed", "skipped")},
        failed=f", **{failed} failed or errors**" if failed else "",
        reasons="; ".join(f'{n} × "{reason}"' for reason, n in last["skip_reasons"].items()),
        seconds=spread(_values(entry, "seconds"), "s"),
        circumstances=circumstances(entry),
        date=last["date"][:10],
        commit=entry["commit"],
        command=COMMAND,
    )


def suite(record: dict[str, Any]) -> str:
    return _suite(record, SUITE, "README.md")


def suite_ko(record: dict[str, Any]) -> str:
    return _suite(record, SUITE_KO, "README.ko.md")


def figures(record: dict[str, Any]) -> str:
    entry = record.get("figures")
    if not entry:
        return _not_yet("figures")
    count = spread([len(run["figures"]) for run in entry["runs"]])
    return (
        f"Regenerating all {count} figures with `--jobs 2` (one thread per group) took "
        f"{spread(_values(entry, 'seconds'), 's')} of wall time "
        f"({spread(_values(entry, 'cpu_seconds'), 's')} of CPU), {circumstances(entry)} "
        f"(`{COMMAND} figures`)."
    )


def dp_bench(record: dict[str, Any]) -> str:
    entry = record.get("dp-bench")
    if not entry:
        return _not_yet("dp-bench")
    s = entry["runs"][-1]["setting"]

    def of(twin: str, key: str, unit: str, digits: int) -> str:
        return spread(_values(entry, key, twin), unit, digits)

    return (
        f"Measured ({s['model']}, {s['dtype']}, global batch {s['global_batch']}, medians of "
        f"{s['rounds']} × {s['steps_per_round']} steps; `{COMMAND} dp-bench`): the K = 2 / K = 1 "
        f"throughput ratio was {of('scratch', 'ratio_K2_over_K1', '', 2)} for the scratch twin and "
        f"{of('torch', 'ratio_K2_over_K1', '', 2)} for the torch twin, the all-reduce "
        f"{of('scratch', 'comm_ms_per_step_K2', 'ms', 1)} a step in scratch's ring and "
        f"{of('torch', 'comm_ms_per_step_K2', 'ms', 1)} in DDP's buckets (overlapped with the backward), "
        f"{circumstances(entry)}."
    )


# file -> {section name: renderer}; a file holds each of its sections once.
SECTIONS: dict[str, dict[str, Callable[[dict[str, Any]], str]]] = {
    "README.md": {
        "measured-suite": _wrapped(suite),
        "measured-figures": _wrapped(figures),
        "measured-dp-bench": _wrapped(dp_bench),
    },
    "README.ko.md": {"measured-suite-ko": _wrapped(suite_ko)},
}

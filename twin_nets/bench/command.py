"""C3.2.1: the command line of ``scripts/bench.py`` (its usage: that script's docstring)."""

from __future__ import annotations

import sys

from twin_nets.bench.config import parse_config
from twin_nets.bench.report import format_table, write_json
from twin_nets.bench.runner import run


def main(argv: list[str] | None = None) -> int:
    """Parse the flags (a bad one exits here, status 2), time the steps, print the table, write the JSON."""
    config = parse_config(argv)
    result = run(config, log=lambda line: print(line, file=sys.stderr))
    print(format_table(result))
    print(f"wrote {write_json(result, config.out)}")
    return 0

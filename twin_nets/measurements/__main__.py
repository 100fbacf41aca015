"""Measure what the README quotes and rewrite its sections from the record (see the package docstring).

    python -m twin_nets.measurements suite --runs 3 --update README.md --update README.ko.md
    python -m twin_nets.measurements figures dp-bench --update README.md
    python -m twin_nets.measurements --update README.md      # re-render from the record, no measuring
    python -m twin_nets.measurements                         # print every section

A bad flag, an unreadable record (with a TARGET: a record whose folder takes no file), or a file to
update without a measured section ends in one line with exit status 2 before anything runs; a measured
command that fails, in one line with status 1, and Ctrl-C, with status 130, both keeping the runs saved
before.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from twin_nets.atomic import atomic_write
from twin_nets.cli import FILE, OneLineParser
from twin_nets.generated import replace_section
from twin_nets.measurements import RECORD, record
from twin_nets.measurements.render import SECTIONS
from twin_nets.measurements.targets import TARGETS, MeasurementError

PROG = "python -m twin_nets.measurements"


def parse(argv: Sequence[str] | None):
    parser = OneLineParser(prog=PROG, description=__doc__.split("\n")[0], allow_abbrev=False)
    parser.add_argument("targets", nargs="*", metavar="TARGET", help=f"any of {', '.join(TARGETS)}")
    parser.add_argument("--runs", type=int, default=1, help="runs this commit's record should hold")
    parser.add_argument("--fresh", action="store_true", help="drop the targets' earlier runs first")
    parser.add_argument("--record", type=FILE, default=RECORD, help="the record (default: %(default)s)")
    parser.add_argument("--update", type=FILE, action="append", default=[], metavar="FILE",
                        help="rewrite FILE's measured sections (README.md, README.ko.md)")  # fmt: skip
    args = parser.parse_args(argv)
    unknown = [t for t in args.targets if t not in TARGETS]
    if unknown:
        parser.error(f"TARGET: expected any of {', '.join(TARGETS)}, got {unknown[0]!r}")
    if args.runs < 1:
        parser.error(f"--runs: expected a number of runs >= 1, got {args.runs}")
    try:
        record.read(args.record)
        if args.targets:
            record.check_writable(args.record)
    except ValueError as error:
        parser.error(f"--record: {error}")
    for path in args.update:
        if path.name not in SECTIONS:
            parser.error(f"--update: expected one of {', '.join(SECTIONS)}, got {path}")
        try:
            text = path.read_text(encoding="utf-8")
            for name in SECTIONS[path.name]:
                replace_section(text, name, "", str(path))
        except (OSError, ValueError) as error:
            parser.error(f"--update: {getattr(error, 'strerror', None) or error}")
    return args


def measure(path: Path, target: str, runs: int, fresh: bool) -> None:
    command, run_once = TARGETS[target]
    kept = record.runs_kept(record.read(path), target, command, fresh)
    if len(kept) >= runs:
        print(f"{target}: the record already holds {len(kept)} runs of this commit", flush=True)
    for number in range(len(kept) + 1, runs + 1):
        print(f"{target}: run {number} of {runs}: {' '.join(command)}", flush=True)
        meta = record.machine()
        values = run_once()
        run = {**meta, **values, "load_after": record.load_average()}
        kept = record.add_run(path, target, command, kept, run)
        print(f"{target}: run {number} took {values['seconds']} s, saved in {path}", flush=True)


def update(path: Path, rec: dict) -> None:
    text = path.read_text(encoding="utf-8")
    new = text
    for name, render in SECTIONS[path.name].items():
        new = replace_section(new, name, render(rec), str(path))
    if new != text:
        atomic_write(path, lambda handle: handle.write(new.encode("utf-8")))
    print(f"{path}: the measured sections are up to date")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    try:
        for target in args.targets:
            measure(args.record, target, args.runs, args.fresh)
    except MeasurementError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted; the runs that ended are saved in {args.record}", file=sys.stderr)
        return 130
    rec = record.read(args.record)
    for path in args.update:
        update(path, rec)
    if not args.targets and not args.update:
        for sections in SECTIONS.values():
            for name, render in sections.items():
                print(f"<!-- {name} -->\n{render(rec)}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

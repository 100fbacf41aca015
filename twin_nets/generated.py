"""Sections of a Markdown file that a command writes, so that a test can tell when one is stale.

A section is the text between ``<!-- NAME:begin -->`` and ``<!-- NAME:end -->``. Its command prints the
section (no flag) or rewrites it in a file (``--update FILE``); a missing file, missing or repeated
markers, or a bad flag end in one line and exit status 2, with the file untouched.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from twin_nets.atomic import atomic_write
from twin_nets.cli import FILE, OneLineParser


def markers(name: str) -> tuple[str, str]:
    return f"<!-- {name}:begin -->", f"<!-- {name}:end -->"


def replace_section(text: str, name: str, body: str, where: str = "the text") -> str:
    """``text`` with the section ``name`` replaced by ``body``; a ``ValueError`` naming ``where`` when the
    markers are not there exactly once each, begin before end."""
    begin, end = markers(name)
    if text.count(begin) != 1 or text.count(end) != 1 or text.index(begin) > text.index(end):
        raise ValueError(f"{where}: expected the markers {begin} and {end} once each, in that order")
    head, rest = text.split(begin)
    _, tail = rest.split(end)
    return f"{head}{begin}\n{body}\n{end}{tail}"


def section_command(
    prog: str,
    description: str | None,
    name: str,
    render: Callable[[], str],
    argv: Sequence[str] | None = None,
) -> int:
    """Print ``render()`` or, with ``--update FILE``, write it into FILE's section ``name``."""
    parser = OneLineParser(prog=prog, description=description, allow_abbrev=False)
    parser.add_argument("--update", metavar="FILE", type=FILE, help=f"rewrite the {name} section of FILE")
    args = parser.parse_args(argv)
    if args.update is None:
        print(render())
        return 0
    try:
        text = args.update.read_text(encoding="utf-8")
    except OSError as error:
        parser.error(f"--update: cannot read {args.update}: {error.strerror or error}")
    try:
        updated = replace_section(text, name, render(), str(args.update))
    except ValueError as error:
        parser.error(f"--update: {error}")
    if updated != text:
        atomic_write(args.update, lambda handle: handle.write(updated.encode("utf-8")))
    print(f"{args.update}: the {name} section is up to date")
    return 0

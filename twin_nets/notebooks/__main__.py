"""``python -m twin_nets.notebooks``: execute every notebook (or those named), write it with its
outputs, and regenerate the reading-order tables of README.ko.md and README.md."""

from __future__ import annotations

import sys

from twin_nets.atomic import atomic_write
from twin_nets.cli import OneLineParser
from twin_nets.notebooks import ROOT
from twin_nets.notebooks.run import execute, stems, write
from twin_nets.notebooks.study_path import with_table

READMES = {"README.ko.md": "ko", "README.md": "en"}


def update_tables() -> list[str]:
    """Rewrite the study-path table in each README; the names of those that changed."""
    changed = []
    for name, language in READMES.items():
        path = ROOT / name
        text = path.read_text(encoding="utf-8")
        new = with_table(text, language, name)
        if new != text:
            atomic_write(path, lambda handle, new=new: handle.write(new.encode("utf-8")))
            changed.append(name)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = OneLineParser(prog="python -m twin_nets.notebooks", description=__doc__)
    parser.add_argument("notebooks", nargs="*", help="stems or prefixes (e.g. 03); default: every notebook")
    parser.add_argument("--tables-only", action="store_true", help="only regenerate the README tables")
    args = parser.parse_args(argv)
    try:
        selected = stems(args.notebooks)
    except ValueError as error:
        parser.error(str(error))
    changed = update_tables()
    print(f"README tables: {', '.join(changed) if changed else 'already current'}")
    if args.tables_only:
        return 0
    wall = cpu = 0.0
    print("  wall     CPU  notebook")
    for stem in selected:
        executed = execute(stem)
        path = write(executed)
        wall, cpu = wall + executed.seconds, cpu + executed.cpu_seconds
        print(f"{executed.seconds:6.1f} s {executed.cpu_seconds:6.1f} s  {path.relative_to(ROOT)}")
    print(f"{wall:6.1f} s {cpu:6.1f} s  in all ({len(selected)} notebooks)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``python -m twin_nets.notebooks``: execute every notebook (or those named), write it with its
outputs, and regenerate the reading-order tables of README.ko.md and README.md."""

from __future__ import annotations

import sys
from pathlib import Path

from twin_nets import atomic
from twin_nets.atomic import atomic_write
from twin_nets.cli import OneLineParser, interrupted
from twin_nets.notebooks import ROOT
from twin_nets.notebooks.run import execute, installed_here, stems, write
from twin_nets.notebooks.study_path import with_table

PROG = "python -m twin_nets.notebooks"
READMES = {"README.ko.md": "ko", "README.md": "en"}


def why_not_writable(path: Path) -> str | None:
    """Why the README at ``path`` must not be replaced (None when it may): a file without any write
    permission is read-only on purpose (a rename would replace it even so, also for root), and a folder
    that takes no new file (``atomic.why_unwritable``)."""
    if path.exists() and not path.stat().st_mode & 0o222:
        return "the file is read-only"
    return atomic.why_unwritable(path.parent)


def new_tables(root: Path = ROOT) -> dict[Path, str]:
    """README path -> its text with the current study-path table, for each README whose table is stale."""
    changed = {}
    for name, language in READMES.items():
        path = root / name
        text = path.read_text(encoding="utf-8")
        new = with_table(text, language, name)
        if new != text:
            changed[path] = new
    return changed


def main(argv: list[str] | None = None, root: Path = ROOT) -> int:
    parser = OneLineParser(prog=PROG, description=__doc__)
    parser.add_argument("notebooks", nargs="*", help="stems or prefixes (e.g. 03); default: every notebook")
    parser.add_argument("--tables-only", action="store_true", help="only regenerate the README tables")
    args = parser.parse_args(argv)
    try:
        selected = stems(args.notebooks)
        tables = new_tables(root)
    except (ValueError, OSError) as error:
        parser.error(str(error))
    for path in tables:  # every check before the first write
        reason = why_not_writable(path)
        if reason is not None:
            parser.error(f"{path.name}: cannot update its study-path table: {reason}")
    if not args.tables_only:
        elsewhere = installed_here()
        if elsewhere is not None:
            parser.error(f"the notebooks' kernels would not run this checkout: {elsewhere}")
    try:
        for path, new in tables.items():
            atomic_write(path, lambda handle, new=new: handle.write(new.encode("utf-8")))
        print(f"README tables: {', '.join(p.name for p in tables) if tables else 'already current'}")
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
    except KeyboardInterrupt:
        return interrupted(PROG, "the notebooks written before it are kept, the one running is not written")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``python -m twin_nets.workbook``: the learner writes the math, the parity suite grades it.

    start C3.1.1-sigmoid     write workbook/C3.1.1-sigmoid.py: scratch's functions with the bodies blank
    grade [C3.1.1-sigmoid]   run the concept's own tests over the learner's functions (default: every
                             started concept); exit 0 only when every graded concept is right
    peek C3.1.1-sigmoid      show scratch's solution
    reset C3.1.1-sigmoid     start that concept again (the old file is kept as .bak)

A concept is named by its ID, by a section of the notes (``3.1.1``; ``3`` takes its subsections) or
``all``. Only the concepts whose math is in ``scratch.nn.functional``, ``scratch.optim`` or the engine's
ops have a workbook. A bad argument ends in one line and status 2; Ctrl-C in one line and status 130.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from twin_nets.atomic import atomic_write, why_unwritable
from twin_nets.cli import FOLDER, OneLineParser
from twin_nets.concepts import CONCEPTS, Concept
from twin_nets.workbook.grade import RIGHT, ROOT, grade, shown_path
from twin_nets.workbook.sheet import reference, render
from twin_nets.workbook.targets import select, targets

PROG = "python -m twin_nets.workbook"


def workbook_file(folder: Path, concept: Concept) -> Path:
    return folder / f"{concept.id}.py"


def _write(path: Path, concept: Concept) -> None:
    text = render(concept)
    atomic_write(path, lambda handle: handle.write(text.encode("utf-8")))


def start(folder: Path, concepts: list[Concept]) -> int:
    for concept in concepts:
        path = workbook_file(folder, concept)
        if path.exists():
            print(f"{shown_path(path)}: 이미 시작했습니다 — 그대로 둡니다 (처음부터: reset {concept.id})")
            continue
        _write(path, concept)
        names = ", ".join(t.qualname for t in targets(concept))
        print(f"{shown_path(path)}: 시작했습니다 — 채울 함수: {names}")
    return 0


def reset(folder: Path, concept: Concept) -> int:
    path = workbook_file(folder, concept)
    if not path.exists():
        _write(path, concept)
        print(f"{shown_path(path)}: 아직 시작하지 않은 개념이라 새로 만들었습니다")
        return 0
    backup = path.with_name(f"{path.name}.bak")
    number = 1
    while backup.exists():  # never overwrite an older backup: nothing the learner wrote is lost
        number += 1
        backup = path.with_name(f"{path.name}.bak{number}")
    path.rename(backup)
    _write(path, concept)
    print(f"{shown_path(path)}: 처음 상태로 되돌렸습니다 (이전 파일: {shown_path(backup)})")
    return 0


def peek(concept: Concept) -> int:
    for target in targets(concept):
        path = Path(sys.modules[target.module].__file__ or "").relative_to(ROOT)
        print(f"# {path}: {target.qualname}\n{reference(target)}\n")
    return 0


def grade_command(folder: Path, concepts: list[Concept]) -> int:
    if not concepts:
        print(f"시작한 개념이 없습니다. 예: {PROG} start C3.1.1-sigmoid")
        return 1
    right = True
    for concept in concepts:
        result = grade(concept, workbook_file(folder, concept))
        print(result.render(workbook_file(folder, concept)), flush=True)
        right = right and result.status == RIGHT
    return 0 if right else 1


def _parser() -> tuple[OneLineParser, dict[str, OneLineParser]]:
    """The command's parser, and each subcommand's (whose ``error`` names the subcommand)."""
    parser = OneLineParser(prog=PROG, description=__doc__)
    common = OneLineParser(add_help=False)
    common.add_argument(
        "--dir", type=FOLDER, default=ROOT / "workbook", help="the workbook folder (git ignores workbook/)"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="{start,grade,peek,reset}")
    helps = {
        "start": "write the workbook of a concept, a section of the notes or all",
        "grade": "grade the started concepts (or those named)",
        "peek": "show scratch's solution for one concept",
        "reset": "start one concept again (the old file is kept as .bak)",
    }
    subs = {}
    for name, text in helps.items():
        sub = subs[name] = commands.add_parser(name, help=text, description=text, parents=[common])
        if name == "start":
            sub.add_argument("concepts", nargs="+", metavar="CONCEPT", help="a concept ID, a section or all")
        elif name == "grade":
            sub.add_argument("concepts", nargs="*", metavar="CONCEPT", help="default: every started one")
        else:
            sub.add_argument("concepts", nargs=1, metavar="CONCEPT", help="one concept ID")
    return parser, subs


def _concepts(parser: argparse.ArgumentParser, arguments: list[str], one: bool) -> list[Concept]:
    """The concepts the arguments name, each once; a usage error (one line, status 2) otherwise."""
    chosen: dict[str, Concept] = {}
    for argument in arguments:
        if one and argument not in {c.id for c in CONCEPTS}:
            parser.error(f"concept: expected one concept ID (e.g. C3.1.1-sigmoid), got {argument!r}")
        try:
            chosen.update((c.id, c) for c in select(argument))
        except ValueError as error:
            parser.error(str(error))
    return list(chosen.values())


def main(argv: list[str] | None = None) -> int:
    parser, subs = _parser()
    args = parser.parse_args(argv)
    sub = subs[args.command]
    folder: Path = args.dir
    if args.command == "grade" and not args.concepts:
        started = {p.stem for p in folder.glob("*.py")} if folder.is_dir() else set()
        return grade_command(folder, [c for c in CONCEPTS if c.id in started and targets(c)])
    concepts = _concepts(sub, args.concepts, one=args.command in ("peek", "reset"))
    if args.command == "peek":
        return peek(concepts[0])
    if args.command == "grade":
        return grade_command(folder, concepts)
    if args.command in ("start", "reset"):
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            sub.error(f"--dir: expected a folder, got {folder} ({error.strerror or error})")
        problem = why_unwritable(folder)
        if problem:
            sub.error(f"--dir: expected a folder that takes new files, got {folder} ({problem})")
    return start(folder, concepts) if args.command == "start" else reset(folder, concepts[0])


def run(argv: list[str] | None = None) -> int:
    """``main`` with Ctrl-C (status 130) and a closed pipe (``peek … | head``) ending in one line."""
    try:
        return main(argv)
    except KeyboardInterrupt:
        print(f"{PROG}: 중단했습니다 (Ctrl-C)", file=sys.stderr)
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 1


if __name__ == "__main__":
    sys.exit(run())

"""The textbook's headings: every concept's first docstring line names its concept, as the notes do.

``C3.1.1-sigmoid: 시그모이드 함수 (sigmoid), seed §3.1.1`` — the concept ID from the registry
(``twin_nets/concepts.py``), the notes' Korean title, the English name, and the seed section, which must
be the registry's section for that ID. In the layers, the module core and init (``STRICT``), the Korean
title must also be written in the notes (``../shared/seed/``) or be the registry's title, and every
public class and function carries an ``Example:`` that runs as a doctest. Across the rest of
``scratch/``, a first line that starts with a concept ID must name a registered ID and its section.
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

from twin_nets.concepts import CONCEPTS

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seed" / "000_1a958fdc7ff5e9a9.txt"
SECTIONS = {c.id: c.section for c in CONCEPTS}
TITLES = {c.id: c.heading_ko for c in CONCEPTS}
OWN_TERMS = {c.id: c.term_ko for c in CONCEPTS if c.term_ko}

STRICT = [
    *(f"scratch/nn/{name}.py" for name in ("module", "state", "linear", "activation", "dropout")),
    *(f"scratch/nn/{name}.py" for name in ("batchnorm", "normalization", "init", "checks")),
    *(f"scratch/nn/functional/{name}.py" for name in ("linear", "activation", "dropout", "normalization")),
]

HEADING = re.compile(r"(?P<id>C\d+(?:\.\d+)*-[a-z0-9-]+): (?P<rest>.+), seed §(?P<section>\d+(?:\.\d+)*)")
STRICT_HEADING = re.compile(
    r"(?P<id>C\d+(?:\.\d+)*-[a-z0-9-]+): (?P<title>[^()]+) \((?P<english>[^()]+)\), "
    r"seed §(?P<section>\d+(?:\.\d+)*)$"
)
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def docstrings(path: Path) -> list[tuple[str, str, bool]]:
    """(name, docstring, public) of every top-level class and function and of their methods."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            public = not node.name.startswith("_")
            found.append((node.name, ast.get_docstring(node) or "", public))
            if isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, ast.FunctionDef) and not item.name.startswith("_"):
                        found.append((f"{node.name}.{item.name}", ast.get_docstring(item) or "", False))
    return found


def seed_text() -> str | None:
    return SEED.read_text(encoding="utf-8") if SEED.is_file() else None


def check_strict_heading(where: str, first: str, seed: str | None) -> None:
    match = STRICT_HEADING.match(first)
    assert match, f"{where}: first line {first!r} is not 'ID: 한국어 제목 (English), seed §N'"
    concept, title, section = match["id"], match["title"], match["section"]
    assert concept in SECTIONS, f"{where}: {concept} is not in the concept registry"
    assert section == SECTIONS[concept], f"{where}: seed §{section}, the registry says §{SECTIONS[concept]}"
    assert HANGUL.search(title), f"{where}: the title {title!r} has no Korean"
    if concept in OWN_TERMS:  # e.g. layer norm is 레이어 정규화, not its section's 배치 정규화
        assert title == OWN_TERMS[concept], f"{where}: expected {OWN_TERMS[concept]!r}, got {title!r}"
    if seed is not None and title != TITLES[concept]:
        assert title in seed, f"{where}: the notes never write {title!r} (nor is it the registry's title)"


@pytest.mark.parametrize("file", STRICT)
def test_concept_headings_and_examples_in_the_textbook_files(file):
    seed = seed_text()
    headed = 0
    for name, doc, public in docstrings(ROOT / file):
        first = doc.splitlines()[0] if doc else ""
        where = f"{file}:{name}"
        if HEADING.match(first):
            check_strict_heading(where, first, seed)
            headed += 1
        if public:
            assert "Example:" in doc and ">>>" in doc, f"{where}: a public name without a runnable Example"
    if file not in ("scratch/nn/checks.py", "scratch/nn/state.py"):
        assert headed, f"{file}: no concept heading at all"


@pytest.mark.parametrize("file", sorted(str(p.relative_to(ROOT)) for p in (ROOT / "scratch").rglob("*.py")))
def test_every_concept_heading_in_scratch_names_a_registered_concept(file):
    path = ROOT / file
    module_doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    for name, doc in [("<module>", module_doc), *((n, d) for n, d, _ in docstrings(path))]:
        first = doc.splitlines()[0] if doc else ""
        match = HEADING.match(first)
        if match:
            concept = match["id"]
            assert concept in SECTIONS, f"{file}:{name}: {concept} is not in the concept registry"
            assert match["section"] == SECTIONS[concept], (
                f"{file}:{name}: seed §{match['section']}, the registry says §{SECTIONS[concept]}"
            )


@pytest.mark.parametrize(
    "first",
    [
        "C3.1.1-sigmoid: sigmoid (sigmoid), seed §3.1.1",  # no Korean
        "C3.1.1-sigmoid: 시그모이드 함수 (sigmoid), seed §3.1",  # the registry's section is 3.1.1
        "C9.9-nothing: 시그모이드 함수 (sigmoid), seed §9.9",  # not a registered ID
        "C3.1.1-sigmoid: 시그모이드 함수, seed §3.1.1",  # no English name
    ],
)
def test_the_heading_check_can_fail(first):
    with pytest.raises(AssertionError):
        check_strict_heading("example", first, seed_text())


def test_a_title_the_notes_never_write_is_caught():
    seed = seed_text()
    if seed is None:
        pytest.skip(f"the notes are not at {SEED}")
    with pytest.raises(AssertionError, match="the notes never write"):
        check_strict_heading("example", "C3.1.1-sigmoid: 로지스틱 곡선 (sigmoid), seed §3.1.1", seed)


def resolve(dotted: str) -> object:
    """The object a registry path (``scratch.nn.Linear``, ``scratch.nn.Sequential.backward``) names."""
    parts = dotted.split(".")
    for split in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for attribute in parts[split:]:
            found = getattr(found, attribute)
        return found
    raise ImportError(dotted)


OWNERS: dict[str, list[str]] = {}
for _concept in CONCEPTS:
    for _path in _concept.scratch:
        OWNERS.setdefault(_path, []).append(_concept.id)


@pytest.mark.parametrize("path", sorted(OWNERS))
def test_every_object_the_registry_names_opens_with_its_concepts_heading(path):
    """One heading somewhere in a file is not enough: each class or function the registry lists for a
    concept starts with that concept's full heading (ID, Korean title, English name, section)."""
    doc = (getattr(resolve(path), "__doc__", None) or "").strip()
    first = doc.splitlines()[0] if doc else ""
    check_strict_heading(path, first, seed_text())
    concept = STRICT_HEADING.match(first)["id"]
    owners = OWNERS[path]
    assert concept in owners, f"{path}: the heading names {concept}, the registry lists it for {owners}"


ID_START = re.compile(r"C\d+(?:\.\d+)*-[a-z0-9-]+")


@pytest.mark.parametrize("file", sorted(str(p.relative_to(ROOT)) for p in (ROOT / "scratch").rglob("*.py")))
def test_every_first_line_that_starts_with_an_id_names_a_registered_concept(file):
    """The free-form first lines (``C4.3-batchnorm as a graph …``, ``… (seed §4.3).``) are not headings,
    but the ID they open with must still be one the registry knows."""
    path = ROOT / file
    module_doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    for name, doc in [("<module>", module_doc), *((n, d) for n, d, _ in docstrings(path))]:
        first = doc.splitlines()[0] if doc else ""
        match = ID_START.match(first)
        if match:
            assert match[0] in SECTIONS, f"{file}:{name}: {match[0]!r} is not in the concept registry"

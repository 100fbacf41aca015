"""The concept registry: every concept of the seed, its section, its two twins and the tests that cover
it, as plain data in ``concepts.json`` (add a concept there). ``parity_tests/test_concepts.py`` fails when
an ID lacks a twin or a test, and the README's concept table is generated from it
(``python -m twin_nets.concepts --update README.md``) and checked against it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Concept:
    id: str
    section: str  # the seed's section number
    title_ko: str  # the seed's title
    title_en: str
    scratch: tuple[str, ...]  # dotted paths of the NumPy twin's objects
    torch: tuple[str, ...]  # dotted paths of the torch twin's objects
    tests: tuple[str, ...]  # test files (from the repo root) whose test ids carry the concept ID
    # The concept's own Korean name where it is not the section's title (§4.3 is 배치 정규화, but layer
    # norm is not a batch norm); docstring headings use ``heading_ko``.
    term_ko: str = ""

    @property
    def heading_ko(self) -> str:
        """The Korean title in the concept's docstring heading: its own name, else its section's title."""
        return self.term_ko or self.title_ko


def _load(path: Path) -> tuple[Concept, ...]:
    rows = json.loads(path.read_text(encoding="utf-8"))
    return tuple(
        Concept(**{**row, **{key: tuple(row[key]) for key in ("scratch", "torch", "tests")}}) for row in rows
    )


# The registry itself is plain data, one object per concept, in the notes' order: ``concepts.json``.
CONCEPTS: tuple[Concept, ...] = _load(Path(__file__).with_name("concepts.json"))


def markdown_table() -> str:
    """The README's concept table."""
    rows = [
        "| notes § | title (Korean) | title (English) | concept ID | scratch twin | torch twin | tests |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for c in CONCEPTS:
        code = lambda paths: "<br>".join(f"`{p}`" for p in paths)  # noqa: E731
        rows.append(
            f"| {c.section} | {c.heading_ko} | {c.title_en} | `{c.id}` | {code(c.scratch)} | "
            f"{code(c.torch)} | {code(c.tests)} |"
        )
    return "\n".join(rows)


if __name__ == "__main__":
    from twin_nets.generated import section_command

    raise SystemExit(section_command("python -m twin_nets.concepts", __doc__, "concepts", markdown_table))

"""The concept registry is complete: every concept has both twins and a test that names it, and the
README's concept table is the one the registry generates."""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from twin_nets.concepts import CONCEPTS, markdown_table

ROOT = Path(__file__).resolve().parents[1]


def resolve(dotted: str) -> object:
    """Import the longest importable module prefix of ``dotted``, then walk the attributes."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            obj = getattr(obj, attribute)
        return obj
    raise ModuleNotFoundError(dotted)


IDS = [c.id for c in CONCEPTS]


def test_concept_ids_are_unique_and_well_formed():
    assert len(IDS) == len(set(IDS))
    for concept_id in IDS:
        assert re.fullmatch(r"C\d(\.\d)*-[a-z0-9-]+", concept_id), concept_id


@pytest.mark.parametrize("concept", CONCEPTS, ids=IDS)
def test_concept_has_both_twins(concept):
    assert concept.scratch and concept.torch, f"{concept.id}: a twin is missing"
    for path in concept.scratch:
        assert path.startswith("scratch."), f"{concept.id}: {path} is not in the scratch twin"
    for path in (*concept.scratch, *concept.torch):
        try:
            resolve(path)
        except (ModuleNotFoundError, AttributeError) as error:
            pytest.fail(f"{concept.id}: {path} does not exist ({error})")


@pytest.mark.parametrize("concept", CONCEPTS, ids=IDS)
def test_concept_has_a_parity_test_that_names_it(concept):
    assert concept.tests, f"{concept.id}: no test listed"
    for test_file in concept.tests:
        path = ROOT / test_file
        assert path.is_file(), f"{concept.id}: test file {test_file} does not exist"
        assert concept.id in path.read_text(encoding="utf-8"), f"{concept.id}: {test_file} never names it"


def test_readme_concept_table_is_generated_from_the_registry():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert markdown_table() in readme, (
        "README's concept table is stale: run `.venv/bin/python -m twin_nets.concepts --update README.md`"
    )


# ----------------------------------------------------------------- python -m twin_nets.concepts --update
def _command(*argv: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "twin_nets.concepts", *argv],
        capture_output=True, text=True, cwd=cwd, env=env, timeout=60, check=False,
    )  # fmt: skip


BAD_UPDATES = [  # (id, file content or None for no file, argv, the message)
    ("missing-file", None, ["--update", "README.md"], "--update: cannot read README.md: No such file"),
    ("no-markers", "# a README\n", ["--update", "README.md"], "--update: README.md: expected the markers"),
    ("end-before-begin", "<!-- concepts:end -->\n<!-- concepts:begin -->\n", ["--update", "README.md"],
     "expected the markers <!-- concepts:begin --> and <!-- concepts:end --> once each, in that order"),
    ("unknown-flag", "x\n", ["--updat", "README.md"], "unrecognized arguments: --updat README.md"),
    ("no-file-named", "x\n", ["--update"], "argument --update: expected one argument"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("content", "argv", "message"), [pytest.param(*row[1:], id=row[0]) for row in BAD_UPDATES]
)
def test_update_refuses_in_one_line_and_leaves_the_file_alone(content, argv, message, tmp_path):
    if content is not None:
        (tmp_path / "README.md").write_text(content, encoding="utf-8")
    done = _command(*argv, cwd=tmp_path)
    assert done.returncode == 2 and done.stdout == "", done
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr and message in lines[0], done.stderr
    after = sorted(p.name for p in tmp_path.iterdir())
    assert after == ([] if content is None else ["README.md"])
    if content is not None:
        assert (tmp_path / "README.md").read_text(encoding="utf-8") == content


def test_update_rewrites_only_the_section(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("head\n<!-- concepts:begin -->\nold\n<!-- concepts:end -->\ntail\n", encoding="utf-8")
    done = _command("--update", "README.md", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert readme.read_text(encoding="utf-8") == (
        f"head\n<!-- concepts:begin -->\n{markdown_table()}\n<!-- concepts:end -->\ntail\n"
    )
